"""assess lists the rules between columns in its summary and HTML page."""

import numpy as np
import pandas as pd
import pytest

from sksynth.quality import assess, find_rules
from sksynth.rules import find_rules as rules_find_rules


def _table(n=300):
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"Price": rng.integers(2, 40, n) * 50, "age": rng.integers(18, 80, n)})
    X["Amount"] = X["Price"] - rng.integers(0, 2, n) * 50
    return X


def test_report_lists_rules_in_summary_and_html():
    X = _table()
    report = assess(X, label_issues=False)
    formulas = [rule.formula for rule in report.rules]
    assert "Amount <= Price" in formulas
    assert "Rules between columns" in report.summary()
    assert "Amount &lt;= Price" in report.to_html()


def test_rules_can_be_skipped():
    report = assess(_table(), label_issues=False, rules=False)
    assert report.rules is None
    assert "Rules between columns" not in report.summary()
    with pytest.raises(ValueError, match="rules must be True or False"):
        assess(_table(), rules="yes")


def test_quality_reexports_find_rules():
    assert find_rules is rules_find_rules
