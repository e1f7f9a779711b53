"""Assessment of a real dataset: balance, completeness, duplicates, outliers and labels."""

from ..rules import find_rules
from ._assess import assess
from ._label_issues import find_label_issues
from ._report import QualityReport, QualityWarning

__all__ = ["assess", "find_label_issues", "find_rules", "QualityReport", "QualityWarning"]
