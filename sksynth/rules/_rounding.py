"""Round values: a number that is a multiple of 10, 50, 100... far more often than chance.

Amounts typed by people (a loan of 1,000, assets of 3,500) sit on round
numbers: most are multiples of 50, many of 100, some of 1,000. A model that
learns the column as a smooth distribution puts almost none there, and a
classifier tells its rows apart by that alone.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from ._expression import _name, _number
from ._levels import level_codes, level_column
from ._values import below_floor, check_name, numeric, on_step, restore
from .base import Rule, _order_floor

__all__ = ["RoundValues"]

# the label of values at no listed step (and of zeros and missing values, which
# other rules or the model keep)
_NONE = "none"


class RoundValues(Rule):
    """Values of ``column`` that are round numbers (multiples of the ``steps``).

    The rule describes the column's distribution, not a row test: every row
    obeys it. A generator keeping the rule learns, with each row, the
    largest step its value is a multiple of (an extra categorical column)
    and puts the generated value on that step's nearest multiple (one step
    back where that would take it out past the training range: minutes from
    0 to 59 are not rounded up to 60),
    so round values come back as often as in the real rows and in the same
    rows' company.

    Parameters
    ----------
    column : str
        A numeric column.
    steps : list of float
        Positive steps, e.g. ``[50, 100, 500, 1000]``.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.rules import RoundValues
    >>> rule = RoundValues("Amount", [50, 1000])
    >>> rule.formula
    'Amount is often a multiple of 50 or 1000'
    >>> rule.levels(pd.DataFrame({"Amount": [2000.0, 150.0, 123.0, 0.0]})).tolist()
    ['1000', '50', 'none', 'none']
    """

    kind = "rounding"
    _learns_whole = True

    def __init__(self, column, steps):
        super().__init__()
        self.column = check_name(column, "column")
        steps = list(np.atleast_1d(steps))
        if not steps or not all(
            isinstance(s, numbers.Real) and np.isfinite(s) and s > 0 for s in steps
        ):
            raise ValueError(f"RoundValues steps must be positive numbers; got {steps!r}.")
        self.steps = sorted(float(s) for s in steps)

    def _columns(self):
        return (self.column,)

    def _formula(self):
        listed = [_number(s) for s in self.steps]
        text = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " or " + listed[-1]
        return f"{_name(self.column)} is often a multiple of {text}"

    def _check_row(self, frame):
        return np.ones(len(frame), dtype=bool)

    def levels(self, frame):
        """Return, for each row, the largest step its value is a multiple of (or ``"none"``).

        Zeros and missing values are ``"none"``.

        Parameters
        ----------
        frame : DataFrame
            Rows holding ``column``.

        Returns
        -------
        levels : pandas.Series of str
        """
        values = numeric(frame[self.column])
        label = np.full(len(values), _NONE, dtype=object)
        nonzero = np.isfinite(values) & (values != 0)
        # ascending: a larger step overwrites a smaller one
        for step, name in zip(self.steps, self._labels(), strict=True):
            units = values / step
            on = nonzero & (np.abs(units - np.round(units)) <= 1e-9 * np.abs(units) + 1e-6)
            label[on] = name
        return pd.Series(label, index=frame.index)

    def _labels(self):
        """Return the level of each step, in the steps' order (any other value: ``"none"``)."""
        return [_number(s) for s in self.steps]

    def _level_name(self):
        return f"<{self.column} round>"

    def _fit_keep(self, frame):
        self._dtype = frame[self.column].dtype
        values = numeric(frame[self.column])
        values = values[np.isfinite(values)]
        self.range_ = (values.min(), values.max()) if len(values) else (np.nan, np.nan)

    def _join(self, kept, *, stand_ins=True):
        self.floor_ = _order_floor(self.column, kept)

    def _forward(self, frame):
        position = list(frame.columns).index(self.column) + 1
        levels = level_column(self.levels(frame), frame.index)
        frame.insert(position, self._level_name(), levels)
        return frame

    def _inverse(self, frame, rng):
        steps = np.asarray(self.steps)
        # the rank of each row's step (-1: none)
        rank = level_codes(frame.pop(self._level_name()), self._labels())
        values = frame[self.column].to_numpy(dtype=float, na_value=np.nan).copy()
        magnitude = np.abs(values)
        # the nearest multiple of the row's step; a value below half of it (whose
        # nearest multiple is zero, or far) takes the largest smaller step it reaches
        reach = np.searchsorted(steps / 2, magnitude, side="right") - 1
        rank = np.minimum(rank, reach)
        rows = np.flatnonzero((rank >= 0) & (magnitude > 0) & (magnitude < np.inf))
        used = steps[rank[rows]]  # the step each of these rows is put on
        before = values[rows]
        rounded = np.sign(before) * np.round(magnitude[rows] / used) * used
        # a value rounded out past the training range goes one step back
        low, high = self.range_
        with np.errstate(invalid="ignore"):
            up, down = (rounded > high) & (rounded > before), (rounded < low) & (rounded < before)
        rounded[up] -= used[up]
        rounded[down] += used[down]
        # compared without the float error of step multiples, as a strict order needs
        values[rows] = on_step(rounded, self.steps[0])
        if self.floor_:  # the larger side of an order: never rounded below it
            bump = below_floor(frame, self.floor_, values)[rows]
            values[rows[bump]] = on_step(values[rows[bump]] + used[bump], self.steps[0])
        frame[self.column] = restore(values, self._dtype, frame.index)
        return frame
