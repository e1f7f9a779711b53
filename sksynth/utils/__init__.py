"""Utilities shared by sksynth: column kinds, input validation, seeding, thread limits, files."""

from ._discovery import all_estimators
from ._docstrings import fill_doc
from ._fences import iqr_fences
from ._io import atomic_write, figure_to_html, render_html_report
from ._kinds import (
    KINDS,
    infer_column_kind,
    infer_column_kinds,
    parse_iso_dates,
    text_time_kind,
)
from ._progress import progress_bar
from ._random import as_generator
from ._target import is_classification, split_target
from ._threads import limit_threads, thread_count, thread_scope
from ._validation import check_dataframe, check_no_inf, check_same_columns
from ._warnings import warn_caller

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
    "limit_threads",
    "progress_bar",
    "thread_count",
    "thread_scope",
    "warn_caller",
    "fill_doc",
    "infer_column_kind",
    "iqr_fences",
    "infer_column_kinds",
    "parse_iso_dates",
    "is_classification",
    "split_target",
    "text_time_kind",
]
