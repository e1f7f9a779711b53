"""Reading and writing the values of a rule's columns.

The rules compare and compute numbers: dates are read as seconds since the
epoch (as days in a formula) and written back into the column's dtype after
sampling. Labels are compared as they are, a missing value standing for the
label ``"<missing>"``.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

__all__ = [
    "MISSING",
    "as_dtype_if_possible",
    "as_labels",
    "below_floor",
    "bound_number",
    "check_name",
    "calendar_months",
    "decimal_grid",
    "from_hhmm",
    "in_days",
    "is_missing",
    "largest_magnitude",
    "look_up",
    "on_step",
    "matches",
    "numeric",
    "one_value_per_group",
    "restore",
    "thinned",
    "to_hhmm",
]

#: The label that stands for a missing value in a rule's list of values.
MISSING = "<missing>"


def as_labels(values):
    """Return a Series or DataFrame as ``object`` labels, a missing value as :data:`MISSING`."""
    values = values.astype(object)
    return values.where(values.notna(), MISSING)


def check_name(value, what):
    """Return ``value`` if it can name a column; raise a ``TypeError`` naming ``what`` if not."""
    if not isinstance(value, str | numbers.Integral) or isinstance(value, bool):
        raise TypeError(f"{what} must be a column name (str); got {value!r}.")
    return value


def decimal_grid(values, multiples=()):
    """Return the grid every one of ``values`` sits on, or None.

    The grid is ``10 ** -d`` for the fewest decimals ``d`` (at most four)
    that hold every value, times the first of ``multiples`` (whole numbers,
    largest first) that divides every value in those units.
    """
    for decimals in range(0, 5):
        scaled = values * 10.0**decimals
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-9 * np.abs(scaled) + 1e-6):
            units = np.round(np.abs(scaled))
            multiple = next((m for m in multiples if np.all(units % m == 0)), 1)
            return multiple * 10.0**-decimals
    return None


def thinned(values):
    """Return at most about a thousand of ``values``, sorted and evenly spread (NaN last)."""
    return np.sort(values)[:: max(1, len(values) // 1000)]


def numeric(series):
    """Float values of a numeric or datetime column (datetimes in seconds)."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        stamps = series.dt.tz_convert("UTC") if series.dt.tz is not None else series
        values = stamps.to_numpy(dtype="datetime64[ns]").astype("int64").astype(float)
        values[series.isna().to_numpy()] = np.nan
        return values / 1e9
    if pd.api.types.is_bool_dtype(series.dtype) or not pd.api.types.is_numeric_dtype(
        series.dtype
    ):
        raise TypeError(
            f"Column {series.name!r} holds {series.dtype} values; this rule needs numbers or "
            "dates."
        )
    return series.to_numpy(dtype=float, na_value=np.nan)


def bound_number(value):
    """Return a declared bound as :func:`numeric` reads its column (a date in seconds)."""
    return float(numeric(pd.Series([value]))[0])


def in_days(series):
    """Float values for arithmetic: numbers as they are, dates as days since 1970-01-01 UTC."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return numeric(series) / 86400.0
    return series.to_numpy(dtype=float, na_value=np.nan)


def calendar_months(start, end):
    """Whole calendar months from ``start`` to ``end`` (days since 1970-01-01, floats).

    A month is complete when the end reaches the start's day of the month and
    time of day (31 January to 28 February is no whole month); an end before
    the start counts down, like ``floor``. Missing days give NaN.
    """
    start, end = np.broadcast_arrays(np.asarray(start, dtype=float), np.asarray(end, dtype=float))
    present = np.isfinite(start) & np.isfinite(end)
    out = np.full(start.shape, np.nan)
    if not present.any():
        return out
    parts = []
    for days in (start[present], end[present]):
        whole = np.floor(days)
        stamp = whole.astype("int64").astype("datetime64[D]")
        month = stamp.astype("datetime64[M]")
        # a place in the month: the day (from 0) and the time of day
        parts.append((month.astype("int64"), (stamp - month).astype("int64") + (days - whole)))
    (start_month, start_place), (end_month, end_place) = parts
    out[present] = end_month - start_month - (end_place < start_place)
    return out


def from_hhmm(values):
    """Minutes since midnight of clock times written as ``hhmm`` numbers (1430 is 870).

    Missing values stay NaN; 2400 (midnight written at the end of the day) is 1440.
    """
    values = np.asarray(values, dtype=float)
    return 60 * np.floor(values / 100) + np.mod(values, 100)


def to_hhmm(minutes, midnight=0):
    """Clock times written as ``hhmm`` numbers from minutes since midnight, on a 24-hour clock.

    The minutes are taken modulo a day (1450 and -1430 are both 0010);
    ``midnight`` is how midnight is written: 0, or 2400 as in tables that
    count a day from 0001 to 2400. Missing values stay NaN.
    """
    minutes = np.mod(np.asarray(minutes, dtype=float), 1440)
    hhmm = 100 * np.floor(minutes / 60) + np.mod(minutes, 60)
    return np.where(hhmm == 0, float(midnight), hhmm) if midnight else hhmm


def restore(values, dtype, index):
    """Return float ``values`` (as read by :func:`numeric`) as a column of ``dtype`` on ``index``.

    Integers are rounded; an integer column that gets missing values becomes
    the nullable ``Int64``.
    """
    if pd.api.types.is_datetime64_any_dtype(dtype):
        out = pd.to_datetime(values * 1e9, unit="ns", utc=getattr(dtype, "tz", None) is not None)
        out = pd.Series(out, index=index)
        if getattr(dtype, "tz", None) is not None:
            out = out.dt.tz_convert(dtype.tz)
        return out.astype(dtype)
    if pd.api.types.is_integer_dtype(dtype):
        rounded = np.round(values)
        if np.isnan(rounded).any():
            return pd.Series(rounded, index=index).astype("Int64" if dtype.kind in "iu" else dtype)
        return pd.Series(rounded, index=index).astype(dtype)
    return pd.Series(values, index=index).astype(dtype)


def as_dtype_if_possible(column, dtype):
    """Return ``column`` cast to ``dtype``, or as it is where its values do not fit."""
    try:
        return column.astype(dtype)
    except (TypeError, ValueError):
        return column


def largest_magnitude(values):
    """Return the largest absolute finite value (1 when there is none)."""
    finite = np.abs(values[np.isfinite(values)])
    return float(finite.max()) if finite.size else 1.0


def matches(series, values):
    """Return True where ``series`` holds one of ``values`` (``<missing>`` for a missing value)."""
    wanted = [v for v in values if v != MISSING]
    out = series.isin(wanted).to_numpy()
    if MISSING in values:  # not in place: pandas may hand out a read-only view
        out = out | series.isna().to_numpy()
    return out


def is_missing(value):
    """Return whether ``value`` stands for a missing value (``None``, NaN, NA or ``<missing>``)."""
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or (
        value == MISSING
    )


def below_floor(frame, floor, values):
    """Where ``values`` fell below the smaller side of an order they must not go under.

    ``floor`` holds ``(column, strict)`` of each order on the column (a rule's
    ``floor_``; empty: nowhere). A rounding rule on the orders' larger side
    moves these rows one step up.
    """
    below = np.zeros(len(values), dtype=bool)
    for column, strict in floor:
        low = frame[column].to_numpy(dtype=float, na_value=np.nan)
        below |= (values <= low) if strict else (values < low)
    return below


def on_step(values, step):
    """Round off the float error of multiples of ``step`` (six digits below its own)."""
    return np.round(values, max(0, -int(np.floor(np.log10(step))) + 6))


def one_value_per_group(values, groups):
    """Whether each row's group (rows with one value of ``groups``) holds one value of ``values``.

    Missing values of ``groups`` form a group; missing ``values`` are not counted.
    """
    counts = values.groupby(groups, observed=True, dropna=False).transform("nunique")
    return counts.to_numpy() <= 1


def look_up(keys, values, wanted):
    """Return the value of each ``wanted`` key as an object array (NaN where unknown).

    ``keys`` are distinct; ``values[i]`` belongs to ``keys[i]``.
    """
    position = pd.Index(keys).get_indexer(wanted)
    return pd.Series(values, dtype=object).reindex(position).to_numpy(copy=True)
