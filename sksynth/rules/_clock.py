"""Clock times written as numbers: ``hhmm`` (1430 for half past two in the afternoon).

Flight tables, timetables and logs often store a time of day as the number
``100 * hour + minute``. Such a column never holds 1275 or 1299, and a
generator that learns it as a plain number puts a fifth of its values
there. A :class:`ClockTime` states that a column is such a clock time; a
generator keeping it learns the minutes since midnight, in which the values
are evenly spaced, and writes them back as ``hhmm``.
"""

from __future__ import annotations

import numbers

import numpy as np

from ..utils._kinds import can_hold_missing
from ._expression import _name, _number
from ._values import bound_number, check_name, from_hhmm, numeric, restore, to_hhmm
from .base import Rule

__all__ = ["ClockGap", "ClockTime", "clock_midnight", "clock_step", "circular_gaps"]

# what a clock column must show before discovery calls it one: values in
# several hours, on the hour and off it
_MIN_HOURS = 3
_MIN_MINUTE_PARTS = 2
# steps in minutes a clock time may keep: those that divide an hour, so that a
# clock time is on the step exactly when its minutes past the hour are
_STEPS = (30, 20, 15, 12, 10, 6, 5, 4, 3, 2)


def clock_midnight(values, n_tests, alpha, min_rows):
    """Return how a column of ``hhmm`` clock times writes midnight (0 or 2400), or None.

    ``values`` are floats (NaN for missing). The column must hold whole
    numbers from 0 to 2400 whose last two digits stay below 60, not both 0
    and 2400, in at least three hours, on the hour and off it (numbers of
    groups, 101 to 537, count from 1). Its distinct values of 100 or more
    must avoid 60 to 99 in their last two digits beyond chance: numbers on
    the column's grid (multiples of its largest common divisor) whose last
    two digits were spread over those the grid reaches would end at 60 or
    above two times in five on most grids (one in four on multiples of 25;
    multiples of 50 never do, and give no evidence), and all of them
    avoiding it must be unlikely at ``alpha / n_tests``. Counts, scores,
    years and round amounts are then not taken for clock times, while a
    timetable every 15 or 30 minutes is.
    """
    values = values[np.isfinite(values)]
    if len(values) < min_rows or values.min() < 0 or values.max() > 2400:
        return None
    if np.any(values != np.round(values)):
        return None
    minutes = np.mod(values, 100)
    if np.any(minutes >= 60) or (values.min() == 0 and values.max() == 2400):
        return None
    # numbered groups (room 101, 102... 512) never sit on the hour: they count from 1
    if (
        len(np.unique(values // 100)) < _MIN_HOURS
        or len(np.unique(minutes)) < _MIN_MINUTE_PARTS
        or not np.any(minutes == 0)
    ):
        return None
    # below 100 the last two digits are the value itself, which may be small by nature
    distinct = np.unique(values).astype(np.int64)
    n_above = int(np.sum(distinct >= 100))
    grid = int(np.gcd(np.gcd.reduce(distinct), 100))
    below_60 = -(-60 // grid) / (100 // grid)  # share of the grid's endings below 60
    if below_60 >= 1 or n_above * np.log(below_60) >= np.log(alpha / max(n_tests, 1)):
        return None
    return 2400 if values.max() == 2400 else 0


def _check_step(step, column, owner):
    if step not in (1, *_STEPS, 60) or isinstance(step, bool):
        raise ValueError(
            f"{owner} step must be a whole number of minutes that divides 60 (the "
            f"minutes every value of {column!r} is a multiple of); got {step!r}."
        )
    return int(step)


def _check_midnight(midnight, column, owner):
    if midnight not in (0, 2400) or isinstance(midnight, bool):
        raise ValueError(
            f"{owner} midnight must be 0 or 2400 (how {column!r} writes midnight); "
            f"got {midnight!r}."
        )
    return int(midnight)


def _day_range(step, midnight):
    """Return the least and greatest minutes since midnight a clock column may hold."""
    return (step, 1440) if midnight else (0, 1440 - step)


def _within_day(minutes, step, midnight):
    """Minutes since midnight put on ``step`` and kept within the day a column writes."""
    return np.clip(np.round(minutes / step) * step, *_day_range(step, midnight))


def _bound_minutes(hhmm):
    """Minutes since midnight of a declared ``hhmm`` bound (past 59: the next hour)."""
    return from_hhmm(min(hhmm, 100 * (hhmm // 100) + 60))


def _on_clock(values, step, midnight):
    """Where ``values`` are ``hhmm`` clock times on ``step`` (NaN: False)."""
    low, high = to_hhmm(np.array(_day_range(step, midnight)), midnight)
    minutes = np.mod(values, 100)
    with np.errstate(invalid="ignore"):
        on_step = (values == np.round(values)) & (np.mod(minutes, step) == 0)
        return on_step & (values >= low) & (values <= high) & (minutes < 60)


def clock_step(values):
    """Return the largest step in minutes (dividing an hour) that every clock time is on, or 1."""
    minutes = np.mod(values[np.isfinite(values)], 100)
    return next((step for step in _STEPS if np.all(np.mod(minutes, step) == 0)), 1)


class ClockTime(Rule):
    """A number that is a time of day written as ``hhmm``: ``100 * hour + minute``.

    Every value is a whole number from 0 to 2359 (or from 1 to 2400 where
    the table writes midnight as 2400, as flight tables do) whose last two
    digits, the minutes, are below 60. A generator keeping the rule learns
    the column as minutes since midnight, where 12:59 and 13:00 are one
    minute apart rather than 41, and writes each generated value back as a
    clock time: on its step of whole minutes, within the day.

    Parameters
    ----------
    column : str
        A numeric column.
    step : int, default=1
        The minutes every value is a multiple of, a divisor of 60
        (a timetable every 5 minutes: 5).
    midnight : {0, 2400}, default=0
        How the column writes midnight.

    Notes
    -----
    A generator learns the column in minutes, so it cannot be a condition
    of ``sample(conditions=...)``. A clock time cannot be kept beside a rule
    that computes its column (a formula, an order's larger side) or puts it
    on a grid or on round steps: those work on the ``hhmm`` number, whose
    multiples of 5 or 10 are not all clock times (1260); ``step`` keeps such a
    grid. A formula computes a clock time with ``to_hhmm`` (see
    :class:`~sksynth.rules.Formula`).

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.rules import ClockTime
    >>> rule = ClockTime("sched_dep", midnight=2400)
    >>> rule.formula
    'sched_dep is a clock time hhmm (midnight 2400)'
    >>> rule.holds(pd.DataFrame({"sched_dep": [515, 1259, 1275, 2400]})).tolist()
    [True, True, False, True]
    >>> ClockTime("departure", step=5).formula
    'departure is a clock time hhmm every 5 minutes'
    """

    kind = "clock time"
    _learns_whole = True
    _learnt_in = "minutes since midnight"

    def __init__(self, column, *, step=1, midnight=0):
        super().__init__()
        self.column = check_name(column, "column")
        self.step = _check_step(step, column, "ClockTime")
        self.midnight = _check_midnight(midnight, column, "ClockTime")

    def _columns(self):
        return (self.column,)

    def _formula(self):
        step = f" every {self.step} minutes" if self.step > 1 else ""
        midnight = " (midnight 2400)" if self.midnight else ""
        return f"{_name(self.column)} is a clock time hhmm{step}{midnight}"

    def _check_row(self, frame):
        return _on_clock(numeric(frame[self.column]), self.step, self.midnight)

    def _fit_keep(self, frame):
        self._dtype = frame[self.column].dtype

    def _forward(self, frame):
        frame[self.column] = from_hhmm(numeric(frame[self.column]))
        return frame

    def _learnt_bounds(self, bounds, dtypes):
        # minutes since midnight: the day bounds them; declared hhmm bounds narrow it
        low, high = _day_range(self.step, self.midnight)
        if self.column in bounds:
            declared = [_bound_minutes(bound_number(v)) for v in bounds[self.column]]
            low, high = max(low, declared[0]), min(high, declared[1])
        return {self.column: (float(low), float(high)) if low < high else None}

    def _inverse(self, frame, rng):
        minutes = frame[self.column].to_numpy(dtype=float, na_value=np.nan)
        minutes = _within_day(minutes, self.step, self.midnight)
        frame[self.column] = restore(to_hhmm(minutes, self.midnight), self._dtype, frame.index)
        return frame


def circular_gaps(start, end):
    """Minutes from ``start`` to ``end`` (minutes since midnight) around their usual gap.

    Each gap is taken modulo a day into the 24 hours centred on the gaps'
    circular mean, so that gaps on either side of zero (an end a few minutes
    before or after its start) stay apart from gaps of nearly a day.
    Missing values stay NaN.
    """
    gaps = np.mod(np.asarray(end, dtype=float) - np.asarray(start, dtype=float), 1440)
    present = gaps[np.isfinite(gaps)]
    if not len(present):
        return gaps
    angle = present * (2 * np.pi / 1440)
    centre = np.arctan2(np.sin(angle).mean(), np.cos(angle).mean()) * (1440 / (2 * np.pi))
    return centre - 720 + np.mod(gaps - (centre - 720), 1440)


class ClockGap(Rule):
    """A clock time that follows another within a window of minutes.

    ``end`` is an ``hhmm`` clock time that comes ``low`` to ``high``
    minutes after the clock time ``start`` on a 24-hour clock (a
    flight's scheduled arrival after its scheduled departure, a shift's end
    after its start, overnight too). A generator keeping the rule learns
    those minutes instead of ``end``, so that the gap goes with the other
    columns (a route's distance), and writes ``end`` back as a clock time on
    its step, with the gap kept within the window.

    Parameters
    ----------
    start : str
        The earlier clock time (a numeric column of ``hhmm`` values).
    end : str
        The later clock time, the column the rule computes.
    low, high : float
        The least and greatest minutes from ``start`` to ``end``; ``low``
        may be negative (an end that can come a few minutes early), and
        ``high - low`` must be less than a day.
    step : int, default=1
        The minutes every value of ``end`` is a multiple of, a divisor of 60.
    midnight : {0, 2400}, default=0
        How ``end`` writes midnight.

    Notes
    -----
    Where ``start`` is missing, ``end`` is learnt as minutes since midnight.
    Keep a :class:`ClockTime` of ``start`` beside the rule (``find_rules``
    finds both) for ``start`` to come back as a clock time too. ``end`` is
    computed, so it cannot be a condition of
    ``sample(conditions=...)``, and a :class:`ClockTime` of ``end`` is not
    kept beside the rule (the rule writes clock times itself).

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.rules import ClockGap
    >>> rule = ClockGap("dep", "arr", 30, 720)
    >>> rule.formula
    'arr is 30 to 720 minutes after dep (clock times hhmm)'
    >>> X = pd.DataFrame({"dep": [830, 2330, 830], "arr": [1015, 115, 800]})
    >>> rule.holds(X).tolist()
    [True, True, False]
    """

    kind = "clock gap"
    _learns_whole = True
    role = "define"

    def __init__(self, start, end, low, high, *, step=1, midnight=0):
        super().__init__()
        self.start = check_name(start, "start")
        self.end = check_name(end, "end")
        if self.start == self.end:
            raise ValueError(f"ClockGap needs two different columns; got {start!r} twice.")
        bounds = (low, high)
        if not all(isinstance(v, numbers.Real) and np.isfinite(v) for v in bounds) or not (
            0 <= high - low < 1440
        ):
            raise ValueError(
                f"ClockGap low and high must be minutes with low <= high < low + 1440 (the "
                f"window of minutes {end!r} comes after {start!r}); got {low!r} and {high!r}."
            )
        self.low, self.high = float(low), float(high)
        self.step = _check_step(step, end, "ClockGap")
        self.midnight = _check_midnight(midnight, end, "ClockGap")

    def _columns(self):
        return (self.start, self.end)

    def _formula(self):
        return (
            f"{_name(self.end)} is {_number(self.low)} to {_number(self.high)} minutes after "
            f"{_name(self.start)} (clock times hhmm)"
        )

    def _gaps(self, start, end):
        """Minutes from ``start`` to ``end`` (both ``hhmm``), taken from ``low`` on."""
        minutes = from_hhmm(end) - from_hhmm(start)
        return self.low + np.mod(minutes - self.low, 1440)

    def _check_row(self, frame):
        # the rule sets end from start: whether start is a clock time is a
        # ClockTime of its own
        start, end = numeric(frame[self.start]), numeric(frame[self.end])
        with np.errstate(invalid="ignore"):
            within = self._gaps(start, end) <= self.high
        return _on_clock(end, self.step, self.midnight) & within

    def _writes(self):
        return (self.end,)

    def _reads(self):
        return (self.start,)

    def _fit_keep(self, frame):
        self._dtype = frame[self.end].dtype

    def _forward(self, frame):
        start, end = numeric(frame[self.start]), numeric(frame[self.end])
        frame[self.end] = np.where(np.isnan(start), from_hhmm(end), self._gaps(start, end))
        return frame

    def _learnt_bounds(self, bounds, dtypes):
        # the rule's window of minutes, and where start may be missing the
        # minutes since midnight that end is learnt as there
        low, high = self.low, self.high
        if can_hold_missing(dtypes.get(self.start)):
            low, high = min(low, 0.0), max(high, 1440.0)
        return {self.end: (low, high) if low < high else None}

    def _inverse(self, frame, rng):
        start = from_hhmm(numeric(frame[self.start]))
        learnt = frame[self.end].to_numpy(dtype=float, na_value=np.nan)
        step = self.step
        # the end on its step, then a step back in where that left the window
        gap = np.clip(learnt, self.low, self.high)
        gap = np.round((start + gap) / step) * step - start
        gap = np.where(gap > self.high, gap - step, np.where(gap < self.low, gap + step, gap))
        alone = _within_day(learnt, step, self.midnight)  # no start: minutes since midnight
        minutes = np.where(np.isnan(start), alone, start + gap)
        frame[self.end] = restore(to_hhmm(minutes, self.midnight), self._dtype, frame.index)
        return frame
