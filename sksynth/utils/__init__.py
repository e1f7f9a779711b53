"""Utilities shared by sksynth: column kinds, input validation, seeding and file writing."""

from ._discovery import all_estimators
from ._docstrings import fill_doc
from ._io import atomic_write, figure_to_html, render_html_report
from ._kinds import KINDS, infer_column_kind, infer_column_kinds
from ._random import as_generator
from ._target import is_classification, split_target
from ._validation import check_dataframe, check_no_inf, check_same_columns

__all__ = [
    "KINDS",
    "all_estimators",
    "as_generator",
    "atomic_write",
    "figure_to_html",
    "render_html_report",
    "check_dataframe",
    "check_no_inf",
    "check_same_columns",
    "fill_doc",
    "infer_column_kind",
    "infer_column_kinds",
    "is_classification",
    "split_target",
]
