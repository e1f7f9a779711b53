"""Bands: a column that stays close to a formula of other columns.

Many real relations are tight without being exact: a diamond's weight follows
its three dimensions, a cell's area follows its radius squared, a share
follows expenditure over income up to rounding. A generator that learns the
columns one by one breaks such relations, and a classifier tells its rows
apart. A :class:`Band` states the relation as a rule that every real row
obeys (the ratio or the difference between the column and the formula lies
in a range), and a generator keeping it learns the position of each row
inside the band instead of the raw column.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from ._expression import _name
from ._formulas import _ComputedColumn
from ._values import numeric, on_step, restore, thinned
from .base import _order_floor

__all__ = ["Band"]

_SCALES = ("ratio", "difference")


class Band(_ComputedColumn):
    """A column within a band around a formula of other columns.

    With ``scale="ratio"`` the rule is ``low <= target / expression <= high``
    (for positive values, e.g. ``carat / (x * y * z)``); with
    ``scale="difference"`` it is ``low <= target - expression <= high``. A
    generator keeping the rule learns where each row sits in the band (the
    logarithm of the ratio, or the difference) instead of ``target``, and
    computes ``target`` from the generated columns: the relation is as tight
    in generated rows as in real ones.

    Parameters
    ----------
    target : str
        The column that follows the formula.
    expression : str
        The formula, as in :class:`Formula` (numbers, column names,
        ``+ - * /``, powers by a number such as ``x ** 3``).
    low, high : float
        The band. With ``scale="ratio"`` both must be positive. A generator
        keeps only a band at least a step of its column's grid wide (a
        charge in cents within half a cent of ``0.27 * minutes``: -0.005 and
        0.005).
    scale : {"ratio", "difference"}, default="ratio"
        How ``target`` is compared with ``expression``. Use ``"ratio"`` for
        products and powers of positive columns whose spread grows with
        their size, ``"difference"`` for sums, and for a product off by a
        small amount of its own (rounding, a fee) that does not grow with it.

    Notes
    -----
    A generated ``target`` is put on the grid of the training values (whole
    numbers for integer columns, the fewest decimals that hold every
    training value otherwise; a kept :class:`Grid` of the column, where the
    band is always at least a step wide) and kept inside the band, and
    inside a kept :class:`Range` of the column, where the formula over its
    inputs' training range always leaves room inside it (a step of the grid,
    or none for a bound on the grid; its inputs learned, not computed by
    another rule): a value beyond the range is mirrored back
    inside it. A difference band around a sum of its inputs keeps a kept
    :class:`Inequality` whose larger side is ``target`` the same way, where
    the band always reaches a step above the smaller side. Where the
    expression is undefined (a missing input, or a non-positive one with
    ``scale="ratio"``), the rule says nothing; a generator then draws
    ``target`` from the training values of such rows (from all training
    values if there were none; left missing with differential privacy,
    where no value is learned from the rows). A ratio band says nothing
    about a ``target`` that is not positive either (a stray zero in a
    table of sizes): a generated row the model leaves without a position
    in the band takes one of those training values.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.rules import Band
    >>> X = pd.DataFrame({"r": [1.0, 2.0, 3.0], "area": [3.1, 12.6, 30.0]})
    >>> Band("area", "r ** 2", 3.1, 3.2).holds(X).tolist()
    [True, True, False]
    """

    kind = "band"

    def __init__(self, target, expression, low, high, *, scale="ratio"):
        super().__init__(target, expression)
        if scale not in _SCALES:
            raise ValueError(f"scale must be one of {_SCALES}; got {scale!r}.")
        for name, value in (("low", low), ("high", high)):
            if not isinstance(value, numbers.Real) or not np.isfinite(value):
                raise ValueError(f"{name} must be a finite number; got {value!r}.")
        if low > high:
            raise ValueError(f"low must not exceed high; got low={low!r}, high={high!r}.")
        if scale == "ratio" and low <= 0:
            raise ValueError(f"A ratio band needs a positive low; got low={low!r}.")
        self.low = float(low)
        self.high = float(high)
        self.scale = scale
        # ``(low, strict)`` of every kept order whose larger side is the target:
        # the band computes it above them (see _join)
        self.lows_ = ()

    def _reads(self):
        return tuple(dict.fromkeys((*self.expression.columns, *(c for c, _ in self.lows_))))

    def _formula(self):
        op = "/" if self.scale == "ratio" else "-"
        return (
            f"{_name(self.target)} {op} ({self.expression}) in "
            f"[{self.low:.4g}, {self.high:.4g}]"
        )

    def _value(self, frame):
        """Return the expression on each row; NaN where the band says nothing."""
        value = self.expression.evaluate(frame)
        if self.scale == "ratio":
            with np.errstate(invalid="ignore"):
                value = np.where(value > 0, value, np.nan)
        value[~np.isfinite(value)] = np.nan
        return value

    def _bounds(self, value):
        """Lowest and highest ``target`` the band allows for each expression value."""
        if self.scale == "ratio":
            return value * self.low, value * self.high
        return value + self.low, value + self.high

    def _check_row(self, frame):
        return self._allows(frame, numeric(frame[self.target]))

    def _allows(self, frame, target):
        """Whether each row's band holds ``target`` (True where the band says nothing)."""
        low, high = self._bounds(self._value(frame))
        slack = 1e-9 * np.maximum(np.abs(low), np.abs(high)) + 1e-12
        with np.errstate(invalid="ignore"):
            ok = (target >= low - slack) & (target <= high + slack)
        return ok | ~self._placed(target) | np.isnan(low)

    def _spread(self, frame):
        """Return how far apart the middle half of the rows sit in the band, in the column's units.

        The interquartile range of the positions (for a ratio band, times the
        formula's median value); NaN where no row has a position.
        """
        value = self._value(frame)
        position = self._position(numeric(frame[self.target]), value)
        if not np.isfinite(position).any():
            return np.nan
        q25, q75 = np.nanpercentile(position, [25, 75])
        if self.scale == "ratio":
            return float(np.nanmedian(value) * (np.exp(q75) - np.exp(q25)))
        return float(q75 - q25)

    def _placed(self, target):
        """Whether the band places each ``target`` value (a ratio only places positive ones)."""
        with np.errstate(invalid="ignore"):
            return target > 0 if self.scale == "ratio" else ~np.isnan(target)

    def _narrower_than_grid(self, frame):
        """Whether a row's band is narrower than the grid of the target's values.

        An integer column (or one stored with a fixed number of decimals)
        cannot always take a value inside such a band: a generated row could
        find none on the grid, and rounding would leave the band.
        """
        return self._narrower_than_step(frame, _step(frame[self.target]))

    def _narrower_than_step(self, frame, step):
        """Whether a row's band is narrower than ``step`` (the column's grid; None: no grid)."""
        if step is None:
            return False
        if self.scale == "difference":  # as wide on every row (a step, up to float error)
            return self.high - self.low < step * (1 - 1e-9)
        low, high = self._bounds(self._value(frame))
        width = (high - low)[np.isfinite(high - low)]
        return bool(len(width)) and float(width.min()) < step

    # ------------------------------------------------------ keeping the rule
    def _fit_keep(self, frame):
        self._dtype = frame[self.target].dtype
        self.step_ = _step(frame[self.target])
        self.offset_ = 0.0
        # values for rows where the formula is undefined (e.g. a zero input)
        target = numeric(frame[self.target])
        value = self._value(frame)
        undefined = np.isnan(value) & ~np.isnan(target)
        pool = target[undefined] if undefined.any() else target[~np.isnan(target)]
        self.fallback_ = thinned(pool)
        # rows with a formula but no position: a missing target, or (ratio) one
        # that is not positive; a generated row without a position takes one
        self.outside_ = thinned(target[~np.isnan(value) & ~self._placed(target)])
        # where the real rows have none of those, a generated row without a
        # position (the model learnt missing positions from undefined rows)
        # takes a training position instead
        position = self._position(target, value)
        self.positions_ = thinned(position[~np.isnan(position)])

    def _join(self, kept, *, stand_ins=True):
        # a kept grid of the column (a band at least a step wide, see
        # _refusal_beside): the band puts its values on it, not on their decimals
        grid = next((r for r in kept if r.kind == "grid" and r.column == self.target), None)
        if grid is not None:
            self.step_, self.offset_ = grid.step, grid.offset
        # a kept range of the column: a difference band computes it within both
        # (see _refusal_beside); a ratio band's values are positive already
        bound = next((r for r in kept if r.kind == "range" and r.column == self.target), None)
        self.lows_ = _order_floor(self.target, kept)
        self.within_ = (-np.inf, np.inf)
        if bound is not None and self.scale == "difference":
            self.within_ = (
                -np.inf if bound.low is None else bound.low,
                np.inf if bound.high is None else bound.high,
            )

    def _refusal_beside(self, shaper, kept, frame):
        """Why the band cannot keep a range, a grid or an order of its column too, or None.

        A difference band computes its column between the larger of its low
        side and the range's low (or an order's smaller side), and the
        smaller of its high side and the range's high; a ratio band's values
        are positive, so it keeps a lower bound of zero or less. What is left
        of the band must hold a value of the column's grid: a step of room
        beside a bound, none beside a bound on the grid. A band puts its
        values on a grid where it is at least a step wide. Each is
        possible on every generated row when it holds over the training range
        of the formula's inputs (and of the order's smaller side); those
        columns must then be learned (a generator keeps a learned number
        within its training range), not computed by another rule. An order
        needs a formula that is a sum of multiples of its inputs, so that a
        smaller side among them counts once.

        Parameters
        ----------
        shaper : Range, Grid or Inequality
            A range or a grid of the band's column, or an order whose larger
            side it is.
        kept : list of Rule
            The rules kept beside it.
        frame : DataFrame or None
            The training rows; None where they are private.

        Returns
        -------
        reason : str or None
        """
        what = f"The band {self.formula!r} cannot keep {shaper.formula!r}"
        if shaper.kind == "range" and self.scale == "ratio":
            if shaper.high is None and shaper.low <= 0:
                return None
            return f"{what}: a ratio band keeps only a lower bound of zero or less."
        if shaper.kind == "grid" and self.scale == "difference":
            if self.high - self.low >= shaper.step:
                return None
            return f"{what}: the band is narrower than a step of the grid."
        if shaper.kind == "order" and (self.scale == "ratio" or self.expression.affine() is None):
            return f"{what}: only a difference band around a sum of its inputs keeps an order."
        if frame is None:
            return f"{what}: that needs the training range of its inputs."
        bounds = {}
        columns = self.expression.columns + ((shaper.low,) if shaper.kind == "order" else ())
        for column in dict.fromkeys(columns):
            bounds[column] = _generated_range(column, kept, frame)
            if bounds[column] is None:
                return f"{what}: its input {column!r} is computed by another rule."
        # what is left of the band must hold a value of the column's grid
        grid = next((r for r in kept if r.kind == "grid" and r.column == self.target), None)
        step = grid.step if grid is not None else _step(frame[self.target]) or 0.0
        if shaper.kind == "order":
            # the band's top above the smaller side: high + formula - low, its
            # inputs counted once, at its least over their training range
            coefficients, constant = self.expression.affine()
            coefficients = {**coefficients}
            coefficients[shaper.low] = coefficients.get(shaper.low, 0.0) - 1.0
            least = constant + self.high + sum(
                min(k * bounds[c][0], k * bounds[c][1]) for c, k in coefficients.items()
            )
            if least >= step:
                return None
            return f"{what}: the band can lie below {shaper.low!r} over their training range."
        interval = self.expression.interval(bounds)
        if interval is None:
            return f"{what}: its formula has no bound over the training range of its inputs."
        if shaper.kind == "grid":  # a ratio band, as wide as its formula's value
            if interval[0] * (self.high - self.low) >= shaper.step:
                return None
            return f"{what}: where its formula is smallest, the band is narrower than a step."
        # a bound on the grid is a value the band can take itself; another
        # needs a step of room beside it to hold a value of the grid
        offset = grid.offset if grid is not None else 0.0
        room = {bound: 0.0 if _on_grid(bound, step, offset) else step
                for bound in (shaper.low, shaper.high) if bound is not None}
        if shaper.low is not None and interval[0] + self.high < shaper.low + room[shaper.low]:
            return f"{what}: where its formula is lowest, the band lies below {shaper.low:g}."
        if shaper.high is not None and interval[1] + self.low > shaper.high - room[shaper.high]:
            return f"{what}: where its formula is highest, the band lies above {shaper.high:g}."
        return None

    def _position(self, target, value):
        """Each row's place in its band: log ratio or difference (NaN: none)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            position = np.log(target / value) if self.scale == "ratio" else target - value
        position[~np.isfinite(position)] = np.nan
        return position

    def _forward(self, frame):
        out = frame.copy()
        out[self.target] = self._position(numeric(frame[self.target]), self._value(frame))
        return out

    def _floor(self, frame):
        """Each row's least value: a kept range's low, or the largest smaller side of an order.

        A strict order's smaller side counts as the next number above it.
        """
        floor = np.full(len(frame), self.within_[0])
        for column, strict in self.lows_:
            low = numeric(frame[column])
            floor = np.fmax(floor, np.nextafter(low, np.inf) if strict else low)
        return floor

    def _within(self, result, low, high, floor):
        """Bring values across a kept range's bound or an order back in by reflecting them.

        A mirror image keeps the generated spread next to the bound where a
        clip would pile the rows onto it; ``low`` and ``high`` are the band's
        own bounds of each row, which the range and the orders leave room
        inside, and ``floor`` each row's least value (see :meth:`_floor`).
        """
        ceiling = self.within_[1]
        with np.errstate(invalid="ignore"):
            low, high = np.maximum(low, floor), np.minimum(high, ceiling)
            result = np.where(result < floor, np.minimum(2 * floor - result, high), result)
            result = np.where(result > ceiling, np.maximum(2 * ceiling - result, low), result)
        return result, low, high

    def _inverse(self, frame, rng):
        value = self._value(frame)
        low, high = self._bounds(value)
        position = numeric(frame[self.target]).copy()
        lost = np.isnan(position) & ~np.isnan(value)
        if lost.any() and not len(self.outside_) and len(self.positions_):
            position[lost] = rng.choice(self.positions_, size=int(lost.sum()))
        if self.scale == "ratio":
            result = value * np.exp(np.clip(position, np.log(self.low), np.log(self.high)))
        else:
            result = value + np.clip(position, self.low, self.high)
        floor = self._floor(frame)
        result, low, high = self._within(result, low, high, floor)
        offset = self.offset_
        result = offset + _onto_step(
            np.clip(result, low, high) - offset, self.step_, low - offset, high - offset
        )
        if self.step_ is not None:  # 4.27, not 4.2700000000000005 as 427 * 0.01 gives
            result = on_step(result, self.step_)
        # a missing position where the formula is defined: a target the band
        # says nothing about (missing, or not positive under a ratio)
        unplaced = np.isnan(result) & ~np.isnan(value)
        if unplaced.any() and len(self.outside_):
            result[unplaced] = rng.choice(self.outside_, size=int(unplaced.sum()))
        undefined = np.isnan(value)
        if undefined.any() and len(self.fallback_):
            result[undefined] = rng.choice(self.fallback_, size=int(undefined.sum()))
        # a value rounded onto the grid at the floor, or drawn for a row the
        # band says nothing about, is lifted onto the floor's next grid point
        with np.errstate(invalid="ignore"):
            short = result < floor
        if short.any():
            lifted = floor if self.step_ is None else on_step(
                offset + np.ceil((floor - offset) / self.step_) * self.step_, self.step_
            )
            result = np.where(short, np.fmax(lifted, floor), result)
        frame[self.target] = restore(result, self._dtype, frame.index)
        return frame


def _generated_range(column, kept, frame):
    """Return the least and greatest value a generator keeping ``kept`` gives ``column``.

    A learned number stays within its training range (a kept round step may
    take it up to half a step beyond); a band's column within the band over
    its inputs' range, or on a training value. None: no range is known (a
    column another rule computes).
    """
    values = numeric(frame[column])
    values = values[np.isfinite(values)]
    if not len(values):
        return None
    setter = next((r for r in kept if r.role == "define" and column in r._writes()
                   and r.kind != "order"), None)
    if setter is None and any(r.kind == "order" and r.high == column for r in kept):
        return None  # the larger side of an order: its smaller side plus a gap
    if setter is None:
        half = max((step / 2 for r in kept if r.kind == "rounding" and r.column == column
                    for step in r.steps), default=0.0)
        low, high = values.min() - half, values.max() + half
    elif setter.kind == "band":
        inputs = {c: _generated_range(c, kept, frame) for c in setter.expression.columns}
        if any(bound is None for bound in inputs.values()):
            return None
        interval = setter.expression.interval(inputs)
        if interval is None:
            return None
        low, high = setter._bounds(np.asarray(interval, dtype=float))
        low, high = min(low[0], values.min()), max(high[1], values.max())
    else:
        return None
    # a kept range of the column clips (or mirrors) its values into it
    for bound in (r for r in kept if r.kind == "range" and r.column == column):
        low = low if bound.low is None else max(low, bound.low)
        high = high if bound.high is None else min(high, bound.high)
    return low, high


def _step(series):
    """Return the grid of a column's values: 1 for whole numbers, else 10 ** -decimals, or None."""
    if pd.api.types.is_integer_dtype(series.dtype):
        return 1.0
    values = numeric(series)
    values = values[np.isfinite(values)]
    if not len(values):
        return None
    for decimals in range(7):
        scaled = values * 10.0**decimals
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-6 * np.maximum(1, np.abs(scaled))):
            return 10.0**-decimals
    return None


def _on_grid(value, step, offset):
    """Whether ``value`` is a point of the grid ``offset + k * step`` (no grid: any value)."""
    if not step:
        return True
    units = (value - offset) / step
    return bool(abs(units - round(units)) <= 1e-6 * max(1.0, abs(units)))


def _onto_step(values, step, low, high):
    """Round onto the grid ``step``; a rounding that left the band moves one step back in."""
    if step is None:
        return values
    rounded = np.round(values / step) * step
    with np.errstate(invalid="ignore"):
        rounded = np.where(rounded < low - 1e-9 * np.abs(low), rounded + step, rounded)
        rounded = np.where(rounded > high + 1e-9 * np.abs(high), rounded - step, rounded)
    # a band narrower than the grid: keep the unrounded value, which lies inside
    with np.errstate(invalid="ignore"):
        inside = (rounded >= low - 1e-9 * np.abs(low)) & (rounded <= high + 1e-9 * np.abs(high))
    return np.where(inside, rounded, values)
