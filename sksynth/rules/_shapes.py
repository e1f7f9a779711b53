"""Shaping rules on one numeric column: values on a grid, point masses, bounds.

A generator keeping one of these rules adjusts the column's sampled values
(rounding onto the grid, restoring the masses exactly, clipping to the bounds).
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from ..utils._random import derive_seed
from ._expression import _name, _number
from ._levels import level_codes, level_column
from ._values import below_floor, check_name, numeric, on_step, restore, thinned
from .base import Rule, _order_floor

__all__ = ["Grid", "PointMasses", "Range"]

# the level of a point mass column's rows off the masses
_OTHER = "other"


class Grid(Rule):
    """Values on a grid: ``column`` is ``offset + k * step`` for whole ``k``.

    E.g. ``Grid("Amount", 50)`` (multiples of 50) or ``Grid("price", 0.01)``
    (two decimals). A generator keeping the rule rounds the column onto the
    grid after sampling.

    Parameters
    ----------
    column : str
        A numeric column.
    step : float
        The grid's spacing (positive).
    offset : float, default=0.0
        A point of the grid.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.rules import Grid
    >>> Grid("Amount", 50).holds(pd.DataFrame({"Amount": [100, 125]})).tolist()
    [True, False]
    """

    kind = "grid"

    def __init__(self, column, step, *, offset=0.0):
        super().__init__()
        self.column = check_name(column, "column")
        if not isinstance(step, numbers.Real) or not step > 0:
            raise ValueError(f"Grid step must be a positive number; got {step!r}.")
        self.step = float(step)
        self.offset = float(offset)

    def _columns(self):
        return (self.column,)

    def _formula(self):
        offset = f" + {_number(self.offset)}" if self.offset else ""
        return f"{_name(self.column)} in {_number(self.step)} * k{offset}"

    def _units(self, values):
        return (values - self.offset) / self.step

    def _check_row(self, frame):
        units = self._units(numeric(frame[self.column]))
        return np.abs(units - np.round(units)) <= 1e-9 * np.abs(units) + 1e-6

    def _fit_keep(self, frame):
        self._dtype = frame[self.column].dtype

    def _join(self, kept, *, stand_ins=True):
        self.floor_ = _order_floor(self.column, kept)

    def _inverse(self, frame, rng):
        units = np.round(self._units(frame[self.column].to_numpy(dtype=float, na_value=np.nan)))
        # 252.98, not the 252.98000000000002 that 25298 * 0.01 gives, which a
        # strict order's smaller side of 252.98 would take for a value above it
        values = on_step(units * self.step + self.offset, self.step)
        # the larger side of an order: never rounded below it
        below = below_floor(frame, self.floor_, values)
        values = np.where(below, on_step(values + self.step, self.step), values)
        frame[self.column] = restore(values, self._dtype, frame.index)
        return frame


class PointMasses(Rule):
    """A few exact values hold many rows of a numeric column (e.g. exact zeros).

    The rule describes the column's distribution, not a row test: every row
    obeys it. A generator keeping the rule learns an extra categorical
    column (which mass, ``"other"`` or missing) with the remaining values,
    so the masses come back exactly. On rows of a mass (or missing) the
    model sees, in place of the number, a training value off the masses:
    the category alone says which rows take a mass, and the number is
    learned as one smooth column (a keeper may show a missing number
    instead; see :class:`~sksynth.rules.RuleKeeper`). A generated row off
    the masses whose number lands on a mass (once rounded onto its grid or
    to an integer) takes a training value from near that mass instead. On
    the larger side of a kept order, the number is the gap above the smaller
    side, and a row marked for a mass below its smaller side keeps the value
    the gap gave, so the order holds.

    Parameters
    ----------
    column : str
        A numeric column.
    values : list of float
        The values that hold a mass.

    Examples
    --------
    >>> from sksynth.rules import PointMasses
    >>> PointMasses("Expenses", [0, 35]).formula
    'Expenses has point masses at {0, 35}'
    """

    kind = "point masses"

    def __init__(self, column, values):
        super().__init__()
        self.column = check_name(column, "column")
        values = [float(v) for v in np.atleast_1d(values)]
        if not values:
            raise ValueError("PointMasses needs at least one value.")
        self.values = values

    def _columns(self):
        return (self.column,)

    def _formula(self):
        listed = ", ".join(_number(v) for v in self.values)
        return f"{_name(self.column)} has point masses at {{{listed}}}"

    def _check_row(self, frame):
        return np.ones(len(frame), dtype=bool)

    def _mass_name(self):
        return f"<{self.column} mass>"

    def _labels(self):
        """Return the level of each mass, in the values' order, then of missing values.

        Any other row is ``"other"``.
        """
        return [*map(str, range(len(self.values))), "missing"]

    def _fit_keep(self, frame):
        self._dtype = frame[self.column].dtype
        values = numeric(frame[self.column])
        off = values[np.isfinite(values) & ~np.isin(values, self.values)]
        self.others_ = thinned(off)  # the training values off the masses

    def _join(self, kept, *, stand_ins=True):
        # a band computing the column: the masses are put back where it allows
        self.band_ = next(
            (r for r in kept if r.kind == "band" and r.target == self.column), None
        )
        # the larger side of an order: a mass only where it keeps the order
        self.floor_ = _order_floor(self.column, kept)
        self.stand_ins_ = bool(stand_ins)

    def _forward(self, frame):
        values = numeric(frame[self.column])
        *masses, missing = self._labels()
        label = np.full(len(frame), _OTHER, dtype=object)
        label[np.isnan(values)] = missing
        for v, name in zip(self.values, masses, strict=True):
            label[values == v] = name
        position = list(frame.columns).index(self.column) + 1
        frame.insert(position, self._mass_name(), level_column(label, frame.index))
        if self.band_ is None and not self.floor_:
            # a row the category decides (a mass, or missing) shows a value off the
            # masses (a missing number there would be a second, competing flag), or a
            # missing number where the keeper asks for it (see RuleKeeper)
            decided = label != _OTHER
            shown = np.where(decided, np.nan, values)
            if decided.any() and len(self.others_) and self.stand_ins_:
                rng = np.random.default_rng(derive_seed(0, self._mass_name()))
                shown[decided] = self._stand_ins(values[decided], rng)
            frame[self.column] = pd.Series(shown, index=frame.index)
        # else the band computes the column from every row's position in it, or
        # the order from the gap above its smaller side, which is smooth already
        return frame

    def _stand_ins(self, values, rng):
        """Training values off the masses that stand in for ``values`` (masses, or NaN).

        A mass takes values from its neighbourhood among the others (so the
        number keeps its rank against the other columns), a missing value
        from all of them.
        """
        pool = self.others_
        window = min(len(pool), 2 * max(5, len(pool) // 20))  # a tenth of the pool
        start = np.clip(np.searchsorted(pool, values) - window // 2, 0, len(pool) - window)
        near = start + rng.integers(0, window, len(values))
        anywhere = rng.integers(0, len(pool), len(values))
        return pool[np.where(np.isnan(values), anywhere, near)]

    def _inverse(self, frame, rng):
        # the mass of each row: its index, len(values) for missing, -1 for other
        n = len(self.values)
        code = level_codes(frame.pop(self._mass_name()), self._labels())
        other = code == -1
        values = frame[self.column].to_numpy(dtype=float, na_value=np.nan).copy()
        band = self.band_
        if band is None:
            # a value of an "other" row that the rounding put on a mass: real rows
            # off the masses never sit there; it takes a value from near the mass
            landed = other & np.isin(values, self.values)
            if landed.any() and len(self.others_):
                near = values.copy()
                near[landed] = self._stand_ins(values[landed], rng)
                values = np.where(below_floor(frame, self.floor_, near), values, near)
            # a value the generator left missing on an "other" row (it learnt
            # missing numbers on the rows the category decides): the first mass
            if not self.floor_:
                values[other & np.isnan(values)] = self.values[0]
        # each row's mass (NaN for other and missing rows: the last entry)
        mass = np.append(np.asarray(self.values, dtype=float), np.nan)[np.minimum(code, n)]
        marked = (code >= 0) & (code < n)
        if band is not None:  # a mass only where the row's band allows it
            marked &= band._allows(frame, mass)
        # on an order's larger side, a row whose smaller side is above the mass
        # keeps the value the order computed
        marked &= ~below_floor(frame, self.floor_, mass)
        values = np.where(marked | (code == n), mass, values)
        frame[self.column] = restore(values, self._dtype, frame.index)
        return frame


class Range(Rule):
    """Bounds of a numeric column: ``low <= column <= high``.

    Parameters
    ----------
    column : str
        A numeric column.
    low, high : float or None, default=None
        The bounds; None: unbounded on that side.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.rules import Range
    >>> Range("age", 0, 120).holds(pd.DataFrame({"age": [5, -1]})).tolist()
    [True, False]
    """

    kind = "range"
    _learns_whole = True

    def __init__(self, column, low=None, high=None):
        super().__init__()
        self.column = check_name(column, "column")
        if low is None and high is None:
            raise ValueError("Range needs low, high or both.")
        self.low = None if low is None else float(low)
        self.high = None if high is None else float(high)
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"Range of {column!r}: low={low} is above high={high}.")

    def _columns(self):
        return (self.column,)

    def _formula(self):
        name = _name(self.column)
        if self.high is None:
            return f"{name} >= {_number(self.low)}"
        if self.low is None:
            return f"{name} <= {_number(self.high)}"
        return f"{_number(self.low)} <= {name} <= {_number(self.high)}"

    def _check_row(self, frame):
        values = numeric(frame[self.column])
        ok = np.ones(len(values), dtype=bool)
        if self.low is not None:
            ok &= values >= self.low
        if self.high is not None:
            ok &= values <= self.high
        return ok

    def _fit_keep(self, frame):
        self._dtype = frame[self.column].dtype

    def _inverse(self, frame, rng):
        values = numeric(frame[self.column])
        clipped = np.clip(
            values,
            -np.inf if self.low is None else self.low,
            np.inf if self.high is None else self.high,
        )
        if np.array_equal(clipped, values, equal_nan=True):
            return frame
        frame[self.column] = restore(clipped, self._dtype, frame.index)
        return frame
