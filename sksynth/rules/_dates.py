"""Calendar parts: a column that is the year, the month or the weekday of a date column.

Tables often carry a date beside its parts (``date``, ``year``, ``month``,
``weekday``). A generator that learns them as separate columns draws a
Saturday for a Tuesday, and a classifier tells its rows apart at once. A
:class:`DatePart` states that a column is read from a date; a generator
keeping it learns the date alone and reads the part back after sampling.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..utils._clock import in_zone, wall_clock
from ._expression import _name
from ._search import log_chance_single_valued
from ._values import (
    as_dtype_if_possible,
    check_name,
    look_up,
    numeric,
    one_value_per_group,
    restore,
)
from .base import Rule

__all__ = ["DatePart", "date_part_candidates"]

#: the parts a column may be read from, in the order discovery tries them
PARTS = (
    "year", "quarter", "month", "weekday", "day", "day_of_year", "day_of_leap_year", "hour",
    "minute",
)
# parts that go round a cycle: with every value of the cycle seen, their
# labels (a weekday named "Sat", or counted from Sunday) can be looked up
_CYCLES = {"quarter": 4, "month": 12, "weekday": 7, "hour": 24, "minute": 60}
# parts learnt as columns, the date moved onto them: the step of one unit
_ANCHORED = {"weekday": "D", "hour": "h", "minute": "min"}
# how a formula names the parts whose names are not words
_SAID = {
    "day": "day of the month",
    "day_of_year": "day of the year",
    "day_of_leap_year": "day of the year",
}


def date_part(series, part):
    """Return the ``part`` of each date in ``series`` as floats (NaN where the date is missing).

    ``"weekday"`` counts from Monday (0) to Sunday (6); ``"day_of_leap_year"``
    counts every year as a leap year (29 February is day 60 and 1 March day 61,
    in every year); the other parts are those of :attr:`pandas.Series.dt`.
    """
    if part == "day_of_leap_year":
        days = date_part(series, "day_of_year")
        common = ~series.dt.is_leap_year.to_numpy(dtype=bool, na_value=False)
        return days + (common & (date_part(series, "month") > 2))
    values = series.dt.day_of_week if part == "weekday" else getattr(series.dt, part)
    return values.to_numpy(dtype=float, na_value=np.nan)


class DatePart(Rule):
    """A column that is a calendar part of a date column.

    ``DatePart("weekday", "date", "weekday")``: on every row, ``weekday`` is
    the day of the week of ``date``. The column may hold the part as a number
    (a year, a month from 1 to 12, or shifted by a constant: a weekday counted
    from Sunday = 1) or as a label (``"Sat"``, ``"March"``): a generator
    keeping the rule learns how the part's values map to the column's from
    the training rows, leaves the column out, and reads it from the generated
    date. A weekday, an hour or a minute is the other way round: a model
    cannot see them in a date learnt as a number, so the column is learnt
    with the others (fewer births at weekends) and each generated date is
    moved onto its row's part within the part's cycle (its week, day or
    hour), by the local clock; a label that several values of the part share
    (a weekend flag) puts the date on one of them at random. Where another
    kept rule computes the date (the later date of an order), every part is
    read from it, so that both rules hold. A part value
    that the training rows never show gives a missing value, unless the
    column is the part plus a constant (:doc:`/user_guide/rules`).

    Parameters
    ----------
    column : str
        The column read from the date.
    date : str
        A datetime column.
    part : str
        The calendar part: ``"year"``, ``"quarter"``, ``"month"``,
        ``"weekday"`` (counted from Monday = 0), ``"day"`` (of the month),
        ``"day_of_year"``, ``"day_of_leap_year"`` (the day of the year on a
        366-day calendar: 1 March is day 61 in every year), ``"hour"`` or
        ``"minute"``.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.rules import DatePart
    >>> dates = pd.to_datetime(["2024-03-01", "2024-03-02", "2024-03-09"])
    >>> X = pd.DataFrame({"date": dates, "wday": ["Fri", "Sat", "Fri"]})
    >>> DatePart("wday", "date", "weekday").holds(X).tolist()
    [True, False, False]
    """

    kind = "date part"
    role = "define"
    _learns_from_rows = True
    # set by the keeper when another kept rule computes the date (see _anchors)
    _date_computed = False

    def __init__(self, column, date, part):
        super().__init__()
        self.column = check_name(column, "column")
        self.date = check_name(date, "date")
        if self.column == self.date:
            raise ValueError(f"DatePart needs two different columns; got {column!r} twice.")
        if part not in PARTS:
            raise ValueError(f"part must be one of {PARTS}; got {part!r}.")
        self.part = part

    def _columns(self):
        return (self.column, self.date)

    def _formula(self):
        part = _SAID.get(self.part, self.part)
        text = f"{_name(self.column)} is the {part} of {_name(self.date)}"
        return text + " on a 366-day calendar" if self.part == "day_of_leap_year" else text

    def _key(self, frame):
        dates = frame[self.date]
        if not pd.api.types.is_datetime64_any_dtype(dates.dtype):
            raise TypeError(
                f"DatePart reads a date column; {self.date!r} has dtype {dates.dtype}."
            )
        return date_part(dates, self.part)

    def _check_row(self, frame):
        return one_value_per_group(frame[self.column], pd.Series(self._key(frame), frame.index))

    def _anchors(self):
        """Whether the part is learnt and the date moved onto it (weekday, hour, minute).

        A model sees a date as a number and cannot learn what goes with its
        weekday or its hour (fewer births at weekends, fares at night): such
        a part is learnt as the column it is, the date as the start of the
        part's cycle (the Monday of its week, the midnight of its day, the
        top of its hour) at the same clock time, and after sampling the date
        is moved onto the row's part within its cycle. Other parts are read
        from the date, and so is every part of a date that another kept rule
        computes (the larger side of an order): moving that date would undo
        the other rule.
        """
        return self.part in _ANCHORED and not self._date_computed

    def _writes(self):
        return (self.date,) if self._anchors() else (self.column,)

    def _reads(self):
        return (self.column,) if self._anchors() else (self.date,)

    def _fit_keep(self, frame):
        self._dtype = frame[self.column].dtype
        key = self._key(frame)
        both = ~np.isnan(key) & frame[self.column].notna().to_numpy()
        values = frame[self.column][both]
        # a number that is the part plus a constant: computed for any date
        self.offset_ = _offset(values, key[both])
        pairs = pd.DataFrame({"key": key[both], "value": values.to_numpy()})
        pairs = pairs.drop_duplicates(subset="key")
        self._keys = pairs["key"].to_numpy()
        self._values = pairs["value"].to_numpy()
        # rows without a date: the column's values there (missing ones included)
        undated = frame.loc[np.isnan(key), self.column].to_numpy()
        self.undated_ = undated[:: max(1, len(undated) // 1000)]  # spread over the rows

    def _forward(self, frame):
        if not self._anchors():
            return frame.drop(columns=[self.column])
        wall = wall_clock(frame[self.date])  # the same clock time at the cycle's start
        unit = _ANCHORED[self.part]
        start = wall - pd.to_timedelta(date_part(wall, self.part), unit=unit)
        frame[self.date] = in_zone(start, frame[self.date])
        return frame

    def _inverse(self, frame, rng):
        if self._anchors():
            return self._onto_part(frame, rng)
        key = self._key(frame)
        if self.offset_ is not None:
            values = (key + self.offset_).astype(object)
        else:
            values = look_up(self._keys, self._values, key)
        undated = np.isnan(key)
        if undated.any() and len(self.undated_):
            values[undated] = rng.choice(self.undated_, size=int(undated.sum()))
        column = pd.Series(values, index=frame.index)
        if self.offset_ is not None:  # a whole-number part: restored as the column's integers
            column = restore(column.to_numpy(dtype=float), self._dtype, frame.index)
        frame[self.column] = as_dtype_if_possible(column, self._dtype)
        return frame

    def _onto_part(self, frame, rng):
        """Move each generated date onto its row's part, within the part's cycle.

        A label that several parts share (``"yes"`` for Saturday and Sunday)
        takes one of them at random.
        """
        values = frame[self.column]
        if self.offset_ is not None:
            part = numeric(values) - self.offset_
        else:
            part = self._part_of(values, rng)
        dates = frame[self.date]
        wall = wall_clock(dates)
        unit = _ANCHORED[self.part]
        floor = wall.dt.floor(unit)
        start = floor - pd.to_timedelta(date_part(floor, self.part), unit=unit)
        moved = start + pd.to_timedelta(np.nan_to_num(part), unit=unit) + (wall - floor)
        # a row without the part keeps its date (the rule says nothing there)
        frame[self.date] = dates.where(np.isnan(part), in_zone(moved, dates))
        return frame

    def _part_of(self, labels, rng):
        """Return the part value of each label (NaN: unknown), drawn among those sharing it."""
        codes, uniques = pd.factorize(pd.Series(self._values, dtype=object))
        order = np.argsort(codes, kind="stable")
        counts = np.bincount(codes, minlength=len(uniques))
        starts = np.cumsum(counts) - counts
        row = pd.Index(uniques).get_indexer(labels.astype(object))
        known = row >= 0
        pick = starts[np.where(known, row, 0)]
        if (counts > 1).any():
            pick = pick + np.floor(rng.random(len(row)) * counts[np.where(known, row, 0)])
        return np.where(known, self._keys[order][pick.astype(int)], np.nan)


def _offset(values, key):
    """Return the constant ``values - key`` of a numeric column, or None."""
    dtype = values.dtype
    if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        return None
    if not len(values):
        return None
    shift = numeric(values) - key
    return float(shift[0]) if np.all(shift == shift[0]) else None


def _log_chance_offset(values):
    """Log-chance that every row holds, by luck, the value its date part plus a constant gives.

    The values are taken as drawn independently with their observed
    frequencies, and the constant as any one of them: a day of the year on
    365 rows, one row a day, is not luck, though each day holds a single row
    and says nothing as a group.
    """
    freq = values.map(values.value_counts(normalize=True)).to_numpy(dtype=float)
    return float(np.log(freq).sum() + np.log(values.nunique()))


def date_part_candidates(sample, dates, columns, *, min_rows, log_alpha):
    """Yield a :class:`DatePart` for each column that a part of a date decides.

    For each date and column, the first part of :data:`PARTS` on whose values
    the column takes one value each, on at least ``min_rows`` rows, where that
    is unlikely by chance (``log_alpha``: the log of the significance level
    per test; a column that is the part plus a constant on every row is
    tested as such, which needs no repeated part). The column must be the
    part plus a constant, or, for a part that goes round a cycle (weekday,
    month...), show every value of the cycle, so that its labels are known
    for any date.
    """
    for date in dates:
        keys = {part: date_part(sample[date], part) for part in PARTS}
        for column in columns:
            if column == date:
                continue
            for part, key in keys.items():
                if _decides(key, sample[column], part, min_rows, log_alpha):
                    yield DatePart(column, date, part)
                    break


def _decides(key, values, part, min_rows, log_alpha):
    both = ~np.isnan(key) & values.notna().to_numpy()
    if both.sum() < min_rows:
        return False
    key, values = key[both], values[both]
    offset = _offset(values, key)
    if offset is not None and _log_chance_offset(values) < log_alpha:
        return True
    log_chance = log_chance_single_valued(values, key)
    if log_chance is None or log_chance >= log_alpha:
        return False
    # a label must show every value of its part's cycle to be known for any date
    return offset is not None or len(np.unique(key)) >= _CYCLES.get(part, np.inf)
