"""Clock times written as numbers: ``hhmm`` (1430 for half past two in the afternoon).

Flight tables, timetables and logs often store a time of day as the number
``100 * hour + minute``. Such a column never holds 1275 or 1299, and a
generator that learns it as a plain number puts a fifth of its values
there. A :class:`ClockTime` states that a column is such a clock time; a
generator keeping it learns the minutes since midnight, in which the values
are evenly spaced, and writes them back as ``hhmm``.
"""

from __future__ import annotations

import numpy as np

from ._expression import _name
from ._values import check_name, from_hhmm, numeric, restore, to_hhmm
from .base import Rule

__all__ = ["ClockTime", "clock_midnight", "clock_step"]

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
    _learnt_in = "minutes since midnight"

    def __init__(self, column, *, step=1, midnight=0):
        super().__init__()
        self.column = check_name(column, "column")
        if step not in (1, *_STEPS, 60) or isinstance(step, bool):
            raise ValueError(
                f"ClockTime step must be a whole number of minutes that divides 60 (the "
                f"minutes every value of {column!r} is a multiple of); got {step!r}."
            )
        self.step = int(step)
        if midnight not in (0, 2400) or isinstance(midnight, bool):
            raise ValueError(
                f"ClockTime midnight must be 0 or 2400 (how {column!r} writes midnight); "
                f"got {midnight!r}."
            )
        self.midnight = int(midnight)

    def _columns(self):
        return (self.column,)

    def _formula(self):
        step = f" every {self.step} minutes" if self.step > 1 else ""
        midnight = " (midnight 2400)" if self.midnight else ""
        return f"{_name(self.column)} is a clock time hhmm{step}{midnight}"

    def _range(self):
        """Return the least and greatest minutes since midnight the column may hold."""
        if self.midnight:
            return self.step, 1440
        return 0, 1440 - self.step

    def _check_row(self, frame):
        values = numeric(frame[self.column])
        low, high = to_hhmm(np.array(self._range()), self.midnight)
        minutes = np.mod(values, 100)
        on_step = (values == np.round(values)) & (np.mod(minutes, self.step) == 0)
        return on_step & (values >= low) & (values <= high) & (minutes < 60)

    def _fit_keep(self, frame):
        self._dtype = frame[self.column].dtype

    def _forward(self, frame):
        frame[self.column] = from_hhmm(numeric(frame[self.column]))
        return frame

    def _inverse(self, frame, rng):
        minutes = frame[self.column].to_numpy(dtype=float, na_value=np.nan)
        minutes = np.clip(np.round(minutes / self.step) * self.step, *self._range())
        frame[self.column] = restore(to_hhmm(minutes, self.midnight), self._dtype, frame.index)
        return frame
