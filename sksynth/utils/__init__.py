"""Utilities shared by sksynth: column kinds and input validation."""

from ._kinds import KINDS, infer_column_kind, infer_column_kinds
from ._validation import check_dataframe, check_no_inf, check_same_columns

__all__ = [
    "KINDS",
    "check_dataframe",
    "check_no_inf",
    "check_same_columns",
    "infer_column_kind",
    "infer_column_kinds",
]
