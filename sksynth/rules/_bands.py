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
import warnings

import numpy as np
import pandas as pd

from ._expression import Expression, _name, _number
from ._formulas import _ComputedColumn
from ._values import numeric, on_step, restore, thinned
from .base import _order_floor

__all__ = ["Band", "find_bands"]

# held-out share of the variance a band's formula must explain to be found
_MIN_R2 = 0.9
# a further column enters a found formula only if it removes this share of
# the remaining held-out variance
_MIN_GAIN = 0.3
# a fit this close is not extended (further columns would chase rounding)
_ENOUGH_R2 = 0.999
_MAX_TERMS = 3
# correlation the strongest input must have with the target (pruning: other
# columns are only tried once it is in)
_MIN_LEAD_CORR = 0.9
# how much held-out R2 a target with point masses gives up in the choice of targets
_CROWDED_PENALTY = 0.05
_SCALES = ("ratio", "difference")
# share of a fit's rows on which a further column may be undefined
_MAX_UNDEFINED = 0.01
# strongly correlated columns each tried as the start of a target's formula
_LEADS = 3
# a difference band around a product is kept only if it is narrower than this
# share of the target's standard deviation
_MAX_DIFFERENCE_WIDTH = 0.5
# a column whose logarithm spreads less than this (values within about a
# percent of each other, such as calendar years) is a level, not a factor of
# a product: it takes no part in ratio bands
_MIN_LOG_SPREAD = 0.01


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
        The band. With ``scale="ratio"`` both must be positive.
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
    inputs' training range always leaves room inside it (its inputs learned,
    not computed by another rule): a value beyond the range is mirrored back
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
        step = _step(frame[self.target])
        if step is None:
            return False
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
        are positive, so it keeps a lower bound of zero or less. A band puts
        its values on a grid where it is at least a step wide. Each is
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
        if shaper.low is not None and interval[0] + self.high < shaper.low + step:
            return f"{what}: where its formula is lowest, the band lies below {shaper.low:g}."
        if shaper.high is not None and interval[1] + self.low > shaper.high - step:
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


# ------------------------------------------------------------------ discovery
def find_bands(frame, sample, columns, rng, *, min_rows, taken=()):
    """Find bands between the numeric ``columns``, tightest first.

    Each column is regressed, on one half of ``sample``, on its most
    correlated column (on logarithms where all are positive) and on at most
    two more, each the column most correlated with what the fit leaves
    unexplained; a formula is reported when it explains at least 90 % of the variance on
    the other half. The band is the range of the ratio (or difference) on
    every row of ``frame``, so the rule holds on all of them. Each of the
    (up to three) columns correlated above 0.9 with a target starts a fit
    of its own, and the tightest fits are kept first. A column is the
    target of at most one band; a band may read the target of another one
    unless that one reads it back, directly or through others (no cycles).

    A column with fewer than ``min_rows`` distinct values takes no part: a
    fit through it rests on a few distinct points (a national figure repeated
    on every row of its year). A column whose values stay within about a
    percent of each other (calendar years) takes no part in a ratio band:
    its exponent would only fit a trend.

    Parameters
    ----------
    frame : DataFrame
        The whole table.
    sample : DataFrame
        The rows the search fits on (a sample of ``frame``).
    columns : list
        Numeric columns to search, with no missing values.
    rng : numpy.random.Generator
        Splits the sample in halves.
    min_rows : int
        Fewest rows a band is fitted and checked on.
    taken : iterable, default=()
        Columns already computed by exact formulas: left out of the search (a
        band on them, or reading them, would restate the formula).

    Returns
    -------
    bands : list of Band
    """
    columns = [c for c in columns if c not in set(taken) and sample[c].nunique() >= min_rows]
    if len(columns) < 2 or len(sample) < 2 * min_rows:
        return []
    raw = np.column_stack([numeric(sample[c]) for c in columns])
    half = rng.permutation(len(sample)) < len(sample) // 2
    candidates = []
    for scale in _SCALES:
        if scale == "ratio":  # logarithms; non-positive values leave their rows out
            with np.errstate(divide="ignore", invalid="ignore"):
                values = np.where(raw > 0, np.log(np.where(raw > 0, raw, 1.0)), np.nan)
            values[:, _spread(values) < _MIN_LOG_SPREAD] = np.nan
        else:
            values = raw
        corr = np.abs(np.nan_to_num(pd.DataFrame(values).corr(min_periods=min_rows).to_numpy()))
        for j in range(len(columns)):
            leads = [i for i in np.argsort(-corr[j]) if i != j and corr[j, i] > _MIN_LEAD_CORR]
            if not leads:
                continue
            for lead in leads[:_LEADS]:
                fit = _best_fit(values, j, lead, half, min_rows)
                if fit is not None:
                    sources = [columns[i] for i in fit[1]]
                    candidates.append((fit[0], columns[j], sources, fit[2], scale))
    # tightest fits first; a column whose values crowd on a few points (point
    # masses) makes a poorer target (computing it loses them): it goes first
    # only when its fit is clearly tighter
    crowded = {c: _crowded(sample[c]) for c in columns}
    candidates.sort(key=lambda c: -c[0] + _CROWDED_PENALTY * crowded[c[1]])
    # a column is the target of one band at most, and a band may read the
    # target of another unless that one reads it back, however far: no cycle
    bands, reads = [], {}
    for _r2, target, sources, coef, scale in candidates:
        if target in reads or any(target in _read_by(s, reads) for s in sources):
            continue
        band = _band(frame, target, sources, coef, scale)
        if band is not None:
            bands.append(band)
            reads[target] = set(sources)
    return bands


def _read_by(column, reads):
    """Every column that ``column`` is computed from, however far back."""
    found, todo = set(), [column]
    while todo:
        for source in reads.get(todo.pop(), ()):
            if source not in found:
                found.add(source)
                todo.append(source)
    return found


def _crowded(series):
    """Whether a few values (five) hold a tenth of the column's rows."""
    counts = series.value_counts(normalize=True)
    return bool(counts.iloc[:5].sum() >= 0.1)


def _best_fit(values, j, lead, half, min_rows):
    """(held-out R2, source indices, coefficients) of the best small fit, or None.

    The fit starts from the ``lead`` column (strongly correlated with the
    target); each further column is the one most correlated with what the fit
    leaves unexplained (a column may matter only once the lead is in, as
    income does in ``expenditure / income``), and stays only if it removes a
    good share of the held-out error.
    """
    target = values[:, j]
    best, sources = None, [lead]
    while True:
        rows = ~np.isnan(values[:, [j, *sources]]).any(axis=1)
        fit_rows, test_rows = rows & half, rows & ~half
        if fit_rows.sum() < min_rows or test_rows.sum() < min_rows:
            break
        if np.var(target[test_rows]) == 0:
            break
        A = np.column_stack([values[:, sources], np.ones(len(values))])
        coef, *_ = np.linalg.lstsq(A[fit_rows], target[fit_rows], rcond=None)
        error = np.var(target[test_rows] - A[test_rows] @ coef)
        r2 = 1 - error / np.var(target[test_rows])
        if best is not None and 1 - r2 > (1 - _MIN_GAIN) * (1 - best[0]):
            break
        best = (r2, list(sources), coef[:-1])
        if len(sources) == _MAX_TERMS or r2 >= _ENOUGH_R2:
            break
        residual = np.where(fit_rows, target - A @ coef, np.nan)
        following = _most_correlated(values, residual, exclude={j, *sources})
        if following is None:
            break
        sources.append(following)
    return best if best is not None and best[0] >= _MIN_R2 else None


def _spread(values):
    """Return the standard deviation of each column over its finite rows (0: none)."""
    with warnings.catch_warnings():  # a column with no finite row: NaN, then 0
        warnings.simplefilter("ignore", RuntimeWarning)
        spread = np.nanstd(np.where(np.isfinite(values), values, np.nan), axis=0)
    return np.nan_to_num(spread)


def _most_correlated(values, residual, exclude):
    """Index of the column most correlated with ``residual``, or None.

    Only columns defined on nearly every row where the residual is are tried
    (all but a hundredth: a stray zero, on logarithms, leaves its row out);
    a column undefined on more of them would fit a subset of the rows and
    look better than it is. They are compared on the rows where all of them
    are defined.
    """
    rows = ~np.isnan(residual)
    if rows.sum() < 3:
        return None
    X = values[rows]
    defined = ~np.isnan(X)
    tried = defined.mean(axis=0) >= 1 - _MAX_UNDEFINED
    tried[list(exclude)] = False
    common = defined[:, tried].all(axis=1)
    if common.sum() < 3:
        return None
    X = np.where(defined, X, 0.0)[common]
    r = residual[rows][common]
    X = X - X.mean(axis=0)
    r = r - r.mean()
    spread = np.sqrt((X**2).sum(axis=0) * (r**2).sum())
    tried &= spread > 0
    if not tried.any():
        return None
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.abs(np.where(tried, X.T @ r / np.where(spread > 0, spread, 1.0), 0.0))
    best = int(np.argmax(corr))
    return best if corr[best] > 0 else None


def _band(frame, target, sources, coef, scale):
    """Return the Band with a readable formula and its range over every row of ``frame``.

    A product found on logarithms is kept as a ratio band, or as a
    difference band around the product times a constant when that band is
    the narrower one next to the target's spread (a share computed from an
    amount up to rounding: the ratio is loose where the amount is small, the
    difference stays tiny). Exponents within 0.05 of a whole number are
    also tried whole (real formulas multiply and divide), and the narrowest
    band is kept.
    """
    target_values = numeric(frame[target])
    present = ~np.isnan(target_values)
    if scale == "difference":
        terms = [_name(c) if k == 1 else f"{_number(k)} * {_name(c)}"
                 for c, k in zip(sources, _rounded(coef), strict=True)]
        text = " + ".join(terms).replace("+ -", "- ")
        value = Expression(text).evaluate(frame)
        band = _range_band(target, text, target_values - value, present, len(frame), scale)
        return _narrowest(frame, [] if band is None else [(0.0, band)])
    exponents = [_rounded(coef)]
    whole = np.round(coef)
    snapped = np.where((np.abs(coef - whole) < 0.05) & (whole != 0), whole, coef)
    if not np.array_equal(snapped, coef):
        exponents.append(_rounded(snapped))
    logs = np.log(target_values[present & (target_values > 0)])
    log_spread = np.std(logs) if len(logs) else 0.0
    spread = np.std(target_values[present])
    found = []
    for powers in exponents:
        text = " * ".join(_name(c) if k == 1 else f"{_name(c)} ** {_number(k)}"
                          for c, k in zip(sources, powers, strict=True))
        value = Expression(text).evaluate(frame)
        with np.errstate(divide="ignore", invalid="ignore"):
            band = _range_band(target, text, target_values / value,
                               present & (value > 0) & (target_values > 0), len(frame),
                               "ratio")
        if band is not None and log_spread > 0:
            found.append((np.log(band.high / band.low) / log_spread, band))
        band = _difference_around(target, text, target_values, value, present, len(frame))
        if band is not None and spread > 0:
            width = (band.high - band.low) / spread
            if width < _MAX_DIFFERENCE_WIDTH:
                found.append((width, band))
    return _narrowest(frame, found)


def _narrowest(frame, found):
    """Return the band of least width among ``(width, band)`` pairs, or None.

    A band narrower than the grid of its column on some row is left out.
    """
    found = [item for item in found if not item[1]._narrower_than_grid(frame)]
    return min(found, key=lambda item: item[0])[1] if found else None


def _rounded(coef):
    return [float(f"{k:.3g}") for k in coef]


def _difference_around(target, text, target_values, value, present, n_rows):
    """Return the band ``target - k * (text)``, ``k`` by least squares (None: no band)."""
    usable = present & np.isfinite(value)
    if usable.sum() < n_rows // 2:
        return None
    norm = value[usable] @ value[usable]
    if not np.isfinite(norm) or norm <= 0:  # all zero, or too small (or large) to square
        return None
    k = float(f"{target_values[usable] @ value[usable] / norm:.3g}")
    if k == 0 or not np.isfinite(k):
        return None
    scaled = f"{_number(k)} * {text}" if k != 1 else text
    return _range_band(target, scaled, target_values - k * value, usable, n_rows, "difference")


def _range_band(target, text, position, defined, n_rows, scale):
    """Return the band of ``position`` over the ``defined`` rows (None: too few, unbounded)."""
    position = position[defined]
    if len(position) < n_rows // 2 or not np.isfinite(position).all():
        return None
    if scale == "ratio" and position.min() <= 0:
        return None  # the target must be positive where the formula is
    return Band(target, text, float(position.min()), float(position.max()), scale=scale)
