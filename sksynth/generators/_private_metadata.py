"""What a private sampler knows of a column without spending budget: its dtype.

Shared by the DP-SGD samplers (:mod:`sksynth.generators._dp`) and the
marginal sampler: a column's kind read from its dtype alone (its values are
private), the levels the dtype itself declares, the candidate points of
private datetime ranges, the observed bounds a caller declares public with
``"public-bounds"``, and the checks of the form of what a caller declares
public (bounds, level lists). Whether a dtype can hold missing values is
:func:`sksynth.utils._kinds.can_hold_missing`, shared with the rules.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..utils import infer_column_kind

__all__ = [
    "DISCRETE_KINDS",
    "YEAR_EDGES_NS",
    "bound_pair",
    "check_declared_columns",
    "check_levels",
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


def check_declared_columns(columns, declared):
    """Check that every column a declaration names is a column of ``X``.

    Parameters
    ----------
    columns : list
        The columns of ``X``.
    declared : dict of str to dict
        Each declaration (``{column: ...}``) under the name errors give it.
    """
    for name, entries in declared.items():
        unknown = [c for c in entries if c not in columns]
        if unknown:
            raise ValueError(
                f"{name} names column(s) {unknown} that are not in X; the columns are "
                f"{columns}."
            )


def bound_pair(pair, name):
    """Return the declared bounds ``pair`` as ``(low, high)``; ``name`` is its name in errors."""
    try:
        low, high = pair
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (low, high); got {pair!r}.") from None
    return low, high


def check_levels(levels, name):
    """Check that a declared level list is a non-empty list; ``name`` is its name in errors."""
    if isinstance(levels, str) or len(list(levels)) == 0:
        raise ValueError(f"{name} must be a non-empty list of levels; got {levels!r}.")
