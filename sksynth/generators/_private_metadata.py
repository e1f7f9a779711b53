"""What a private sampler knows of a column without spending budget: its dtype.

Shared by the DP-SGD samplers (:mod:`sksynth.generators._dp`) and the
marginal sampler: a column's kind read from its dtype alone (its values are
private), whether it can hold missing values, the levels the dtype itself
declares, the candidate points of private datetime ranges, and the observed
bounds a caller declares public with ``"public-bounds"``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..utils import infer_column_kind

__all__ = [
    "DISCRETE_KINDS",
    "YEAR_EDGES_NS",
    "can_hold_missing",
    "datetime_edges",
    "dtype_kind",
    "observed_bounds",
    "public_levels",
]

DISCRETE_KINDS = frozenset({"categorical", "boolean"})
# candidate points of the private ranges of datetimes: the first of each year, 1900 .. 2100
# (as nanoseconds since the epoch); numbers use the shared signed powers of two
YEAR_EDGES_NS = (
    np.arange("1900", "2101", dtype="datetime64[Y]").astype("datetime64[ns]")
    .astype(np.int64).astype(np.float64)
)


def dtype_kind(dtype):
    """Return the kind of a column from its dtype alone (its values are private).

    The kind :func:`sksynth.utils.infer_column_kind` gives a column of that
    dtype holding no value: ``"boolean"``, ``"datetime"``, ``"categorical"``,
    ``"integer"`` or ``"continuous"`` (a float column is never read as whole
    numbers, strings and objects are categorical).
    """
    return infer_column_kind(pd.Series([], dtype=dtype))


def can_hold_missing(dtype):
    """Whether a column of ``dtype`` can hold missing values (numpy ints and bools cannot)."""
    if isinstance(dtype, np.dtype):
        return dtype.kind not in "biu"
    return True


def public_levels(dtype):
    """Return the levels the dtype itself declares (pandas categories, booleans), or None."""
    if isinstance(dtype, pd.CategoricalDtype):
        return list(dtype.categories)
    if pd.api.types.is_bool_dtype(dtype):
        return [False, True]
    return None


def datetime_edges(dtype):
    """Return the year edges in the unit of a datetime ``dtype``."""
    unit = dtype.unit if isinstance(dtype, pd.DatetimeTZDtype) else np.datetime_data(dtype)[0]
    per_ns = np.timedelta64(1, unit) / np.timedelta64(1, "ns")
    return YEAR_EDGES_NS / per_ns


def observed_bounds(frame):
    """Return the observed ``(min, max)`` of every numeric or datetime column of ``frame``.

    What ``"public-bounds"`` declares public; a column holding one value gets
    a unit-wide range (one day for datetimes) above it.
    """
    bounds = {}
    for column in frame.columns:
        if dtype_kind(frame[column].dtype) in DISCRETE_KINDS:
            continue
        present = frame[column].dropna()
        if len(present):
            low, high = present.min(), present.max()
            if not low < high:
                high = low + (pd.Timedelta(days=1) if isinstance(low, pd.Timestamp) else 1)
            bounds[column] = (low, high)
    return bounds
