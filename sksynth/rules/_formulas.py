"""Defining rules over numbers: a column computed from others, an order between two columns.

A generator keeping a :class:`Formula` leaves the computed column out of
training and computes it after sampling; one keeping an :class:`Inequality`
learns the non-negative gap instead of the larger column.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from ..utils._kinds import can_hold_missing
from ._expression import Expression, _name
from ._values import bound_number, check_name, largest_magnitude, numeric, restore, thinned
from .base import Rule, _columns_present, _order_floor

__all__ = ["Formula", "Inequality"]


class _ComputedColumn(Rule):
    """A rule that sets ``target`` from an expression over other columns."""

    role = "define"

    def __init__(self, target, expression):
        super().__init__()
        self.target = check_name(target, "target")
        self.expression = Expression(str(expression))
        if self.target in self.expression.columns:
            raise ValueError(
                f"The rule on {target!r} from {expression!r} uses its own target on the "
                "right-hand side."
            )

    def _columns(self):
        return (self.target, *self.expression.columns)

    def _writes(self):
        return (self.target,)

    def _reads(self):
        return self.expression.columns


class Formula(_ComputedColumn):
    """A column computed from others: ``target = expression``.

    Parameters
    ----------
    target : str
        The computed column.
    expression : str
        Arithmetic over columns: numbers, column names (between backquotes
        when they hold spaces), ``+ - * /``, powers by a number, ``log()``
        (natural), ``floor()``, the clock functions below and parentheses, e.g.
        ``"12 * expenditure / income"``, ``"log(wage)"``. It is parsed, never
        ``eval``-ed.
        A date column counts in days since 1970-01-01 (zoned dates in UTC):
        ``"end - start"`` is the number of days between two dates,
        ``"24 * (end - start)"`` the hours, ``"(end - start) / 365.25"``
        the years, ``"floor((end - start) / 7)"`` the whole weeks.
        ``"years(born, admitted)"`` and ``"months(start, end)"`` count whole
        calendar years and months, as an age is counted. ``from_hhmm(t)``
        reads a clock time written as ``hhmm`` in minutes since midnight and
        ``to_hhmm(m)`` writes minutes back as one (``to_hhmm(m, 2400)``
        writes midnight as 2400):
        ``"to_hhmm(from_hhmm(sched_arr_time) + arr_delay)"``. The target is a
        number, never a date.
    rtol : float, default=1e-6
        Tolerance relative to the largest absolute value of ``target``: a row
        obeys the rule when ``|target - expression| <= rtol * scale``. Raise
        it for columns rounded when stored (e.g. to cents).

    Notes
    -----
    Where the expression is undefined (a division by zero, the log of a
    number that is not positive) or any of its columns is missing, the rule
    says nothing: such rows hold. A generator refuses to keep a formula that
    is undefined on training rows with its columns present (a clear error
    lists them); a generated row where it is undefined, or misses an input,
    takes a value of ``target`` as the real rows hold it there.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.rules import Formula
    >>> X = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 5.0], "total": [4.0, 7.0]})
    >>> Formula("total", "a + b").holds(X).tolist()
    [True, True]
    """

    kind = "formula"

    def __init__(self, target, expression, *, rtol=1e-6):
        super().__init__(target, expression)
        if not isinstance(rtol, numbers.Real) or rtol < 0:
            raise ValueError(f"rtol must be a non-negative number; got {rtol!r}.")
        self.rtol = float(rtol)
        self.tolerance = None

    def _formula(self):
        return f"{_name(self.target)} = {self.expression}"

    def _tol(self, target):
        if self.tolerance is None:
            return self.rtol * largest_magnitude(target) + 1e-12
        return self.tolerance

    def _check_row(self, frame):
        if pd.api.types.is_datetime64_any_dtype(frame[self.target].dtype):
            raise TypeError(
                f"The formula {self.formula!r} computes {self.target!r}, which holds dates; "
                "a formula computes a number (dates may appear on its right-hand side, "
                "counted in days). Keep an order between the dates instead "
                "(Inequality)."
            )
        target = numeric(frame[self.target])
        value = self.expression.evaluate(frame)
        defined = np.isfinite(value)
        with np.errstate(invalid="ignore"):
            ok = np.abs(target - value) <= self._tol(target)
        return ok | ~defined

    def _undefined_rows(self, frame):
        """Labels of the first rows (at most ten) where the formula is undefined.

        Only rows with every column of the expression present count: elsewhere
        the formula says nothing.
        """
        value = self.expression.evaluate(frame)
        present = _columns_present(frame, self.expression.columns)
        bad = np.flatnonzero(present & ~np.isfinite(value))
        return [v.item() if isinstance(v, np.generic) else v for v in frame.index[bad[:10]]]

    def _gives_fractions(self, frame):
        """Whether the formula can compute a fraction for a whole-number column.

        A count computed by a division (students from a percentage) holds on
        the real rows but, from generated columns, gives values between whole
        numbers that rounding would take off the formula. Tried on the rows
        with each column's values shuffled.
        """
        if not pd.api.types.is_integer_dtype(frame[self.target].dtype):
            return False
        rng = np.random.default_rng(0)
        shuffled = pd.DataFrame({
            c: frame[c].iloc[rng.permutation(len(frame))].reset_index(drop=True)
            for c in self.expression.columns
        })
        value = self.expression.evaluate(shuffled)
        value = value[np.isfinite(value)]
        return bool(np.any(np.abs(value - np.round(value)) > 1e-9 * np.maximum(np.abs(value), 1)))

    def _fit_keep(self, frame):
        self._dtype = frame[self.target].dtype
        target = numeric(frame[self.target])
        # for generated rows where the formula is undefined (a zero divisor, a log of 0)
        self.fallback_ = thinned(target[~np.isnan(target)])
        # for generated rows with a missing input: the column as the real rows
        # with a missing input hold it (missing ones included)
        inputs = _columns_present(frame, self.expression.columns)
        self.without_inputs_ = thinned(target[~inputs])

    def _forward(self, frame):
        return frame.drop(columns=[self.target])

    def _inverse(self, frame, rng):
        value = self.expression.evaluate(frame)
        value[~np.isfinite(value)] = np.nan
        # the formula says nothing where an input is missing or it is undefined:
        # such a row takes a value of the column as real rows hold it there
        present = _columns_present(frame, self.expression.columns)
        for rows, pool in ((np.isnan(value) & present, self.fallback_),
                           (~present, self.without_inputs_)):
            if rows.any() and len(pool):
                value[rows] = rng.choice(pool, size=int(rows.sum()))
        frame[self.target] = restore(value, self._dtype, frame.index)
        return frame


class Inequality(Rule):
    """An order between two columns: ``low <= high`` (or ``<`` with ``strict``).

    Works on numbers and on dates. A generator keeping the rule learns the
    non-negative gap ``high - low`` instead of ``high``. Several orders with
    one larger side (a peak above the morning and the evening values) are
    kept together: the gap is taken above the largest of their smaller sides.
    Where a :class:`Band` computes the larger side, the band keeps it above
    the smaller side instead (see the band's notes).

    Parameters
    ----------
    low : str
        The column that is never above the other.
    high : str
        The column that is never below the other.
    strict : bool, default=False
        Whether equality is refused.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.rules import Inequality
    >>> X = pd.DataFrame({"Amount": [1, 3], "Price": [2, 2]})
    >>> Inequality("Amount", "Price").holds(X).tolist()
    [True, False]
    """

    kind = "order"
    _learns_whole = True
    role = "define"

    def __init__(self, low, high, *, strict=False):
        super().__init__()
        self.low = check_name(low, "low")
        self.high = check_name(high, "high")
        if self.low == self.high:
            raise ValueError(f"Inequality needs two different columns; got {low!r} twice.")
        self.strict = bool(strict)
        # ``(low, strict)`` of every kept order above which this one computes
        # ``high`` (see _join); empty for an order that another computes
        self.lows_ = ((self.low, self.strict),)

    def _columns(self):
        return (self.low, self.high)

    def _formula(self):
        return f"{_name(self.low)} {'<' if self.strict else '<='} {_name(self.high)}"

    def _check_row(self, frame):
        low, high = numeric(frame[self.low]), numeric(frame[self.high])
        return low < high if self.strict else low <= high

    def _writes(self):
        return (self.high,)

    def _reads(self):
        return tuple(low for low, _ in self.lows_) or (self.low,)

    def _fit_keep(self, frame):
        self._dtype = frame[self.high].dtype

    def _join(self, kept, *, stand_ins=True):
        # the first kept order on ``high`` computes it above all their smaller
        # sides, unless a band computes it (above them, see Band._floor)
        first = next(r for r in kept if r.kind == "order" and r.high == self.high)
        banded = any(r.kind == "band" and r.target == self.high for r in kept)
        self.lows_ = _order_floor(self.high, kept) if first is self and not banded else ()

    def _low(self, frame):
        """Return the largest present smaller side of each row, and whether it is strict."""
        lows = np.column_stack([numeric(frame[low]) for low, _ in self.lows_])
        present = ~np.isnan(lows)
        low = np.max(np.where(present, lows, -np.inf), axis=1)
        low[~present.any(axis=1)] = np.nan
        strict = np.array([s for _, s in self.lows_])
        return low, ((lows == low[:, None]) & strict).any(axis=1)

    def _forward(self, frame):
        if not self.lows_:
            return frame
        low, high = self._low(frame)[0], numeric(frame[self.high])
        # where low is missing the column keeps high itself (no gap to take)
        frame[self.high] = np.where(np.isnan(low), high, high - low)
        return frame

    def _learnt_bounds(self, bounds, dtypes):
        # the gap above the largest smaller side: from 0 to high's bound above
        # the smaller sides' least bound, known only where every side has bounds
        if not self.lows_:
            return {}
        sides = [self.high, *(low for low, _ in self.lows_)]
        if any(side not in bounds for side in sides):
            return {self.high: None}
        (low, high), *lows = ([bound_number(v) for v in bounds[side]] for side in sides)
        # a smaller side that may be missing leaves the largest of the others
        missing = [can_hold_missing(dtypes.get(side)) for side in sides[1:]]
        least = min(b[0] for b in lows) if any(missing) else max(b[0] for b in lows)
        gap = (0.0, max(high - least, 0.0))
        if all(missing):  # with every smaller side missing, the column keeps high
            gap = (min(gap[0], low), max(gap[1], high))
        return {self.high: gap if gap[0] < gap[1] else None}

    def _inverse(self, frame, rng):
        if not self.lows_:
            return frame
        low, strict = self._low(frame)
        gap = frame[self.high].to_numpy(dtype=float, na_value=np.nan)
        # strict: a gap of at least a few units in the last place of low
        least = np.where(strict, 1e-9 * np.maximum(np.abs(np.nan_to_num(low)), 1.0), 0.0)
        high = np.where(np.isnan(low), gap, low + np.maximum(gap, least))
        restored = restore(high, self._dtype, frame.index)
        if pd.api.types.is_integer_dtype(self._dtype):
            # rounding may cross the order: lift back onto low
            values = restored.to_numpy(dtype=float, na_value=np.nan)
            bad = np.where(strict, values <= low, values < low)
            values = np.where(bad, np.ceil(low) + strict, values)
            restored = restore(values, self._dtype, frame.index)
        frame[self.high] = restored
        return frame
