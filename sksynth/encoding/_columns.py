"""Per-column codecs: how one column becomes spans and comes back.

Two codecs cover every kind of column:

* :class:`NumericCodec` — continuous, integer and datetime columns; the values
  (datetimes as integer counts of their unit since the epoch, in UTC) go
  through a normaliser (mode-specific or quantile);
* :class:`DiscreteCodec` — categorical and boolean columns, and integer columns
  with few distinct values; one-hot over the observed levels, rare levels
  grouped in one slot.

Both keep the column's dtype and restore it on decode. Missing values are not
their business: the encoder gives them the mask of missing rows and adds the
"missing" span itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import DataQualityWarning
from ..utils import text_time_kind, warn_caller
from ..utils._clock import in_zone, wall_clock
from ._normalisers import ModeNormaliser, QuantileNormaliser, choose_slots
from ._spans import RareLevels

__all__ = ["DiscreteCodec", "NumericCodec", "missing_mask"]

# A categorical column with more distinct values than this, nearly all unique,
# is taken for an identifier and refused.
_ID_MIN_LEVELS = 50
_ID_UNIQUE_RATIO = 0.9
# A categorical column of dates written as text, with more values than this, is
# worth a warning: as labels it only repeats its dates.
_TEXT_DATE_LEVELS = 20


def missing_mask(series):
    """Boolean mask of the missing entries (NaN, None, pd.NA, NaT) of a column."""
    return series.isna().to_numpy(dtype=bool)


def _missing_sentinel(series, missing):
    """Return the missing value to put back in an ``object`` column (None, NaN, pd.NA)."""
    if series.dtype == object and missing.any():
        return series.iloc[int(np.argmax(missing))]
    return None


def _is_datetime(dtype):
    return pd.api.types.is_datetime64_any_dtype(dtype)


def _datetime_unit_tz(dtype):
    if isinstance(dtype, pd.DatetimeTZDtype):
        return dtype.unit, dtype.tz
    return np.datetime_data(dtype)[0], None


def _to_python(value):
    """Return a numpy scalar as the matching Python scalar (other values unchanged)."""
    return value.item() if isinstance(value, np.generic) else value


# ---------------------------------------------------------------- numbers <-> dtype


def numeric_values(series, column):
    """Return a column's values as ``float64`` with NaN for missing entries.

    Datetimes become integer counts of their unit since the epoch (UTC).
    """
    dtype = series.dtype
    if _is_datetime(dtype):
        if isinstance(dtype, pd.DatetimeTZDtype):
            series = series.dt.tz_convert("UTC").dt.tz_localize(None)
        stamps = series.to_numpy()
        values = stamps.view("int64").astype(np.float64)
        values[np.isnat(stamps)] = np.nan
        return values
    if pd.api.types.is_bool_dtype(dtype):
        raise TypeError(
            f"Column {column!r} is boolean and cannot be encoded as a number; "
            "give it the kind 'boolean' or 'categorical'."
        )
    try:
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"Column {column!r} (dtype {dtype}) was given a numeric kind but holds "
            f"values that are not numbers: {exc}"
        ) from None


def numbers_to_dtype(values, missing, dtype, integral):
    """Turn ``float64`` values back into a Series of the column's ``dtype``."""
    values = np.round(values) if integral else values.copy()
    if _is_datetime(dtype):
        unit, tz = _datetime_unit_tz(dtype)
        stamps = values.astype(np.int64).astype(f"datetime64[{unit}]")
        stamps[missing] = np.datetime64("NaT")
        series = pd.Series(stamps)
        if tz is not None:
            series = series.dt.tz_localize("UTC").dt.tz_convert(tz)
        return series.astype(dtype)
    values[missing] = np.nan
    target = getattr(dtype, "numpy_dtype", dtype)  # Int64 -> int64
    if isinstance(target, np.dtype) and target.kind in "iu":
        values = np.clip(values, *_float_bounds(target))
    if isinstance(dtype, np.dtype):
        return pd.Series(values.astype(dtype), dtype=dtype)
    array = pd.array(values, dtype=dtype)
    array[missing] = pd.NA
    return pd.Series(array, dtype=dtype)


def _float_bounds(dtype):
    """Floats nearest to an integer dtype's range that still cast into it.

    ``float(2**63 - 1)`` rounds up to ``2**63``, which overflows ``int64``
    (to ``-2**63``); the upper bound is the largest float below it instead.
    """
    info = np.iinfo(dtype)
    low, high = float(info.min), float(info.max)
    if high > info.max:
        high = float(np.nextafter(high, -np.inf))
    return low, high


def labels_to_dtype(values, missing, dtype, missing_value):
    """Turn an object array of levels back into a Series of the column's ``dtype``."""
    values = np.array(values, dtype=object)
    is_object = isinstance(dtype, np.dtype) and dtype.kind == "O"
    if isinstance(dtype, np.dtype) and not is_object:
        if missing.any():
            values[missing] = np.nan
        return pd.Series(values.astype(dtype), dtype=dtype)
    values[missing] = missing_value if is_object else None
    return pd.Series(values, dtype=dtype)


def _as_stamps(values, dtype):
    """Return finite counts of the dtype's unit since the epoch as a Series of ``dtype``."""
    unit, tz = _datetime_unit_tz(dtype)
    stamps = pd.Series(values.astype(np.int64).astype(f"datetime64[{unit}]"))
    return stamps.dt.tz_localize("UTC").dt.tz_convert(tz) if tz is not None else stamps


def _as_counts(stamps):
    """Return a datetime Series as counts of its unit since the epoch (UTC)."""
    if stamps.dt.tz is not None:
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    return stamps.to_numpy().view("int64").astype(np.float64)


def _clock(values, dtype):
    """Return datetimes as read on their own clock: a zoned column's local times.

    ``values`` are counts of the dtype's unit since the epoch (UTC), as
    :func:`numeric_values` gives them; missing values stay NaN.
    """
    finite = np.isfinite(values)
    out = values.copy()
    out[finite] = _as_counts(wall_clock(_as_stamps(values[finite], dtype)))
    return out


def _round_to_step(values, step, dtype, on_clock):
    """Round datetimes to ``step``, on their own clock or in UTC.

    On the clock, local midnight stays midnight (see
    :func:`~sksynth.utils._clock.in_zone` for clock changes).
    """
    if not on_clock:
        return np.round(values / step) * step
    finite = np.isfinite(values)
    stamps = _as_stamps(values[finite], dtype)
    local = np.round(_as_counts(wall_clock(stamps)) / step) * step
    wall = _as_stamps(local, np.dtype(f"datetime64[{_datetime_unit_tz(dtype)[0]}]"))
    out = values.copy()
    out[finite] = _as_counts(in_zone(wall, stamps))
    return out


def _datetime_step(values, dtype):
    """Return the coarsest round step (a day, an hour, ... a unit) of all the values.

    Returns ``(step, on_clock)``: a zoned column's values are read in UTC and
    on their own clock (local times), and the coarser step wins (dates at
    local midnight are an hour apart in UTC across a clock change; dates at
    UTC midnight are not midnights in New York). Decoded datetimes are
    rounded to it, which makes up for the float32 precision of the encoded
    values: dates at midnight come back at midnight.
    """
    utc = _coarsest_step(values, dtype)
    if _datetime_unit_tz(dtype)[1] is None:
        return utc, False
    local = _coarsest_step(_clock(values, dtype), dtype)
    return (local, True) if local > utc else (utc, False)


def _coarsest_step(values, dtype):
    unit, _ = _datetime_unit_tz(dtype)
    per_unit = np.timedelta64(1, unit) / np.timedelta64(1, "ns")
    for seconds in (86400, 3600, 60, 1, 1e-3, 1e-6, 1e-9):
        step = seconds * 1e9 / per_unit
        if step >= 1 and np.all(np.mod(values, step) == 0):
            return float(step)
    return 1.0


def _identifier_advice(levels, dtype):
    """Return what to do with a column refused as an identifier, from a few of its values.

    Durations and dates are what most such columns really are; they are
    learnt once they are numbers or ``datetime64``.
    """
    if pd.api.types.is_timedelta64_dtype(dtype):
        return (
            "its values are durations: turn them into numbers (for example with "
            ".dt.total_seconds()) and the generators learn them as numbers."
        )
    kind = text_time_kind(levels)
    if kind == "duration":
        return (
            "its values are durations written as text: turn them into numbers (for "
            "example pandas.to_timedelta(column).dt.total_seconds()) and the generators "
            "learn them as numbers."
        )
    if kind == "date":
        return (
            "its values are dates written as text: convert the column with "
            "pandas.to_datetime and the generators learn it as a date."
        )
    return (
        "drop the column before fitting (or give it a numeric kind through "
        "column_kinds if it is a number)."
    )


# ------------------------------------------------------------------------ codecs


class NumericCodec:
    """Codec of a continuous, integer or datetime column.

    Parameters
    ----------
    column : str
        The column name.
    kind : str
        ``"continuous"``, ``"integer"`` or ``"datetime"``.
    normaliser : ModeNormaliser or QuantileNormaliser
        How present values are normalised.
    """

    def __init__(self, column, kind, normaliser):
        self.column = column
        self.kind = kind
        self.normaliser = normaliser

    def fit(self, series, missing, rng):
        """Learn the range, dtype and normaliser of the column."""
        self.dtype_ = series.dtype
        self.missing_value_ = None
        values = numeric_values(series, self.column)
        present = values[~missing]
        self.min_ = float(present.min())
        self.max_ = float(present.max())
        self.step_, self.on_clock_ = (
            _datetime_step(present, self.dtype_) if self.kind == "datetime" else (1.0, False)
        )
        self.normaliser.fit(present, rng)
        return self

    def layout(self):
        """Spans, as ``(kind, size, activation, categories)`` tuples."""
        return [(kind, size, activation, ()) for kind, size, activation in self.normaliser.layout()]

    def transform(self, series, missing, rng):
        """Encode the column into its value (and mode) spans."""
        values = numeric_values(series, self.column)
        return self.normaliser.transform(values, missing, rng)

    def inverse_transform(self, block, missing, rng, sample=False, one_hot=False):
        """Decode the value (and mode) spans into a Series of the column's dtype."""
        values = self.normaliser.inverse_transform(block, rng if sample else None, one_hot)
        values = np.clip(values, self.min_, self.max_)
        if self.step_ != 1.0:
            values = _round_to_step(values, self.step_, self.dtype_, self.on_clock_)
        integral = self.kind in ("integer", "datetime")
        return numbers_to_dtype(values, missing, self.dtype_, integral)


class DiscreteCodec:
    """Codec of a categorical, boolean or low-cardinality integer column.

    Parameters
    ----------
    column : str
        The column name.
    kind : str
        ``"categorical"``, ``"boolean"`` or ``"integer"``.
    rare_threshold : int or float
        Levels seen fewer times than this (an int, a count) or with a smaller
        frequency (a float, a fraction of the present values) are rare.
    max_categories : int or None
        Most slots, the rare slot included.
    """

    def __init__(self, column, kind, rare_threshold, max_categories):
        self.column = column
        self.kind = kind
        self.rare_threshold = rare_threshold
        self.max_categories = max_categories

    # -- fit -------------------------------------------------------------------

    def fit(self, series, missing, rng):
        """Learn the levels, their frequencies and the rare group."""
        self.dtype_ = series.dtype
        self.missing_value_ = _missing_sentinel(series, missing)
        levels, counts = self._count_levels(series, missing)
        if self.kind == "categorical":
            self._refuse_identifier(levels, int((~missing).sum()))
            self._warn_text_dates(levels)
        self.levels_ = levels
        self._group_rare(counts)
        if isinstance(self.dtype_, pd.CategoricalDtype):
            # Position of each level in the dtype's categories, and back.
            self.level_codes_ = self.dtype_.categories.get_indexer(levels)
        return self

    def _count_levels(self, series, missing):
        if self.kind == "integer":
            values = numeric_values(series, self.column)[~missing]
            levels, counts = np.unique(values, return_counts=True)
            return levels, counts
        tally = series.value_counts(dropna=True, sort=False)
        tally = tally[tally.to_numpy() > 0]
        levels = np.empty(len(tally), dtype=object)
        levels[:] = [_to_python(v) for v in tally.index]
        counts = tally.to_numpy(dtype=np.int64)
        if not isinstance(series.dtype, pd.CategoricalDtype):
            try:
                order = np.argsort(levels, kind="stable")
            except TypeError:  # mixed Python types: keep the order of appearance
                order = np.arange(levels.size)
            levels, counts = levels[order], counts[order]
        return levels, counts

    def _refuse_identifier(self, levels, n_present):
        n_levels = levels.size
        if n_levels > _ID_MIN_LEVELS and n_levels > _ID_UNIQUE_RATIO * n_present:
            raise ValueError(
                f"Column {self.column!r} looks like an identifier: {n_levels} distinct "
                f"values in {n_present} non-missing rows. A generator cannot learn it "
                f"and would leak it; {_identifier_advice(levels[:50], self.dtype_)}"
            )

    def _warn_text_dates(self, levels):
        sample = levels[:50]
        if levels.size <= _TEXT_DATE_LEVELS or not all(isinstance(v, str) for v in sample):
            return
        if text_time_kind(sample) == "date":
            warn_caller(
                f"Column {self.column!r} holds dates written as text; it is learnt as "
                f"{levels.size} labels, so generated rows only repeat its dates and keep "
                "no order with other columns. Convert it with pandas.to_datetime to "
                "learn it as a date.",
                DataQualityWarning,
            )

    def _group_rare(self, counts):
        total = counts.sum()
        threshold = self.rare_threshold
        if isinstance(threshold, float | np.floating):
            rare = counts < threshold * total
        else:
            rare = counts < threshold
        if self.max_categories is not None:
            n_common = int((~rare).sum())
            room = self.max_categories - (1 if rare.any() or n_common > self.max_categories else 0)
            if n_common > room:
                common = np.flatnonzero(~rare)
                ranked = common[np.argsort(-counts[common], kind="stable")]
                rare[ranked[room:]] = True
        if rare.sum() < 2:  # a group of one level is just that level's slot
            rare[:] = False
        common = np.flatnonzero(~rare)
        self.slot_levels_ = common  # level index of each regular slot
        self.rare_levels_ = np.flatnonzero(rare)
        self.rare_probabilities_ = counts[rare] / counts[rare].sum() if rare.any() else None
        self.slot_of_level_ = np.full(counts.size, common.size, dtype=np.int64)
        self.slot_of_level_[common] = np.arange(common.size)
        self.n_slots_ = common.size + (1 if rare.any() else 0)

    # -- layout ----------------------------------------------------------------

    def _level(self, i):
        value = _to_python(self.levels_[i])
        return int(value) if self.kind == "integer" else value

    def categories(self):
        """Return the level (or :class:`RareLevels`) each slot stands for."""
        slots = [self._level(i) for i in self.slot_levels_]
        if self.rare_levels_.size:
            slots.append(
                RareLevels(
                    tuple(self._level(i) for i in self.rare_levels_),
                    tuple(float(p) for p in self.rare_probabilities_),
                )
            )
        return tuple(slots)

    def layout(self):
        """Spans, as ``(kind, size, activation, categories)`` tuples."""
        return [("discrete", self.n_slots_, "softmax", self.categories())]

    # -- transform -------------------------------------------------------------

    def _level_index(self, series):
        """Index into ``levels_`` of each row's value; -1 for missing or unseen."""
        if isinstance(self.dtype_, pd.CategoricalDtype) and series.dtype == self.dtype_:
            codes = series.cat.codes.to_numpy()
            lookup = np.full(len(self.dtype_.categories) + 1, -1, dtype=np.int64)
            lookup[self.level_codes_] = np.arange(self.levels_.size)
            return lookup[codes]  # code -1 (missing) reads the last entry, -1
        if self.kind == "integer":
            values = numeric_values(series, self.column)
            return pd.Index(self.levels_).get_indexer(values)
        values = series.to_numpy(dtype=object)
        return pd.Index(self.levels_, dtype=object).get_indexer(values)

    def transform(self, series, missing, rng):
        """One-hot of each row's slot; missing and unseen rows are all zero."""
        index = self._level_index(series)
        known = index >= 0
        unseen = ~known & ~missing
        if unseen.any():
            examples = pd.unique(series.to_numpy(dtype=object)[unseen])[:5].tolist()
            warn_caller(
                f"Column {self.column!r} holds {int(unseen.sum())} value(s) not seen "
                f"during fit (e.g. {examples}); they are encoded as all-zero rows of "
                "its discrete span.",
                DataQualityWarning,
            )
        block = np.zeros((index.size, self.n_slots_), dtype=np.float32)
        rows = np.flatnonzero(known)
        block[rows, self.slot_of_level_[index[rows]]] = 1.0
        return block

    def inverse_transform(self, block, missing, rng, sample=False, one_hot=False):
        """Decode slot scores into a Series of the column's dtype."""
        slots = choose_slots(block, rng if sample else None, one_hot)
        level = np.full(slots.size, -1, dtype=np.int64)
        regular = slots < self.slot_levels_.size
        level[regular] = self.slot_levels_[slots[regular]]
        rare_rows = np.flatnonzero(~regular)
        if rare_rows.size:
            level[rare_rows] = rng.choice(
                self.rare_levels_, size=rare_rows.size, p=self.rare_probabilities_
            )
        if isinstance(self.dtype_, pd.CategoricalDtype):
            codes = self.level_codes_[level]
            codes[missing] = -1
            return pd.Series(pd.Categorical.from_codes(codes, dtype=self.dtype_))
        values = self.levels_[level]
        if self.kind == "integer":
            return numbers_to_dtype(values.astype(np.float64), missing, self.dtype_, True)
        return labels_to_dtype(values, missing, self.dtype_, self.missing_value_)


def learns_levels(kind, n_unique, params):
    """Whether a column of ``kind`` with ``n_unique`` distinct values is one-hot encoded."""
    return kind in ("categorical", "boolean") or (
        kind == "integer" and n_unique <= params["discrete_integer_threshold"]
    )


def make_codec(column, kind, n_unique, params):
    """Build the codec of a column from its kind and the encoder's parameters."""
    if learns_levels(kind, n_unique, params):
        return DiscreteCodec(column, kind, params["rare_threshold"], params["max_categories"])
    if params["continuous"] == "quantile":
        normaliser = QuantileNormaliser(params["max_fit_samples"])
    else:
        normaliser = ModeNormaliser(
            params["n_modes"], params["weight_threshold"], params["max_fit_samples"]
        )
    return NumericCodec(column, kind, normaliser)
