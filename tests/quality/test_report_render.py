"""The HTML quality report renders readably at 10 and at 50 columns."""

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from sksynth.quality import assess


def _table(n_columns, n_rows=300, seed=0):
    rng = np.random.default_rng(seed)
    columns = {}
    for i in range(n_columns):
        kind = i % 4
        if kind == 0:
            columns[f"income_{i}"] = rng.lognormal(8, 1.5, n_rows)  # long-tailed
        elif kind == 1:
            columns[f"age_{i}"] = rng.integers(18, 90, n_rows)
        elif kind == 2:
            columns[f"city_{i}"] = rng.choice(["Paris", "Lyon", "Nice"], n_rows)
        else:
            columns[f"score_{i}"] = rng.normal(50, 10, n_rows)
    X = pd.DataFrame(columns)
    X = pd.concat([X, X.iloc[:3]], ignore_index=True)  # table-wide warning: duplicates
    y = pd.Series(rng.choice(["yes", "no"], len(X)), name="target")  # noisy labels
    return X, y


@pytest.mark.parametrize("n_columns", [10, 50])
def test_report_renders_readably(n_columns):
    X, y = _table(n_columns)
    report = assess(X, y, random_state=0, verbose=0)
    page = report.to_html()
    warnings_table = page.split("<h2>Warnings</h2>")[1].split("</table>")[0]
    assert ">nan<" not in warnings_table
    assert "(whole table)" in warnings_table  # the duplicates warning concerns no column
    columns_section = page.split("<h2>Columns</h2>")[1]
    assert re.match(r'\s*<div style="overflow-x:auto">', columns_section)
    # a long-tailed column is drawn on a log axis, and its title says so
    figure = report.plot()["distributions"]
    titles = {ax.get_title().split("\n")[0]: ax for ax in figure.axes}
    assert titles["income_0"].get_xscale() == "function"
    assert "log(1+x) axis" in titles["income_0"].get_title()
    assert titles["score_3"].get_xscale() == "linear"
    plt.close("all")
    if len(report.label_issues):
        issues = page.split("<h2>Label issues</h2>")[1].split("</table>")[0]
        assert "income_0" in issues and "city_2" in issues  # the rows' feature values
    if len(report.outliers):
        outliers = page.split("<h2>Outlying cells</h2>")[1].split("</table>")[0]
        assert "<th>row</th>" in outliers and "<th>column</th>" in outliers
