"""The rule classes: what a table's rows obey, declared by users or found by discovery.

Each class states one kind of rule and knows how a generator can keep it (see
:class:`sksynth.rules.RuleKeeper`): a *defining* rule computes some columns
from others after sampling (those columns are left out of training); a
*shaping* rule adjusts the values of its own column after sampling (rounding,
clipping, setting missing values).
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from ._expression import Expression, _name, _number
from .base import Rule

__all__ = [
    "CategoryThreshold",
    "FixedCombinations",
    "Formula",
    "FunctionalDependency",
    "Grid",
    "Inequality",
    "MissingWhen",
    "PointMasses",
    "Range",
    "ZeroIff",
]

_MISSING = "<missing>"


def _check_name(value, what):
    if not isinstance(value, str | numbers.Integral) or isinstance(value, bool):
        raise TypeError(f"{what} must be a column name (str); got {value!r}.")
    return value


def _numeric(series):
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


def _restore(values, like):
    """Float ``values`` back into the dtype of the column ``like``."""
    dtype = like.dtype
    index = like.index
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


def _like(dtype, index):
    """Return an empty-valued column of ``dtype`` on ``index`` (for :func:`_restore`)."""
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return pd.Series(pd.NaT, index=index).astype(dtype)
    return pd.Series(np.zeros(len(index)), index=index).astype(dtype)


def _scale(values):
    finite = np.abs(values[np.isfinite(values)])
    return float(finite.max()) if finite.size else 1.0


def _matches(series, values):
    """Return True where ``series`` holds one of ``values`` (``<missing>`` for a missing value)."""
    wanted = [v for v in values if v != _MISSING]
    out = series.isin(wanted).to_numpy()
    if _MISSING in values:
        out |= series.isna().to_numpy()
    return out


# --------------------------------------------------------------- defining rules
class Formula(Rule):
    """A column computed from others: ``target = expression``.

    Parameters
    ----------
    target : str
        The computed column.
    expression : str
        Arithmetic over columns: numbers, column names (between backquotes
        when they hold spaces), ``+ - * /`` and parentheses, e.g.
        ``"12 * expenditure / income"``. It is parsed, never ``eval``-ed.
    rtol : float, default=1e-6
        Tolerance relative to the largest absolute value of ``target``: a row
        obeys the rule when ``|target - expression| <= rtol * scale``. Raise
        it for columns rounded when stored (e.g. to cents).

    Notes
    -----
    Where the expression divides by zero (or any of its columns is missing)
    the rule says nothing: such rows hold. A generator refuses to keep a
    formula that divides by zero on training rows with its columns present
    (a clear error lists them); on generated rows where the expression is
    undefined it leaves ``target`` missing.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.rules import Formula
    >>> X = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 5.0], "total": [4.0, 7.0]})
    >>> Formula("total", "a + b").holds(X).tolist()
    [True, True]
    """

    kind = "formula"
    role = "define"

    def __init__(self, target, expression, *, rtol=1e-6):
        super().__init__()
        self.target = _check_name(target, "target")
        self.expression = Expression(str(expression))
        if self.target in self.expression.columns:
            raise ValueError(
                f"Formula {target!r} = {expression!r} uses its own target on the right-hand side."
            )
        if not isinstance(rtol, numbers.Real) or rtol < 0:
            raise ValueError(f"rtol must be a non-negative number; got {rtol!r}.")
        self.rtol = float(rtol)
        self.tolerance = None

    def _columns(self):
        return (self.target, *self.expression.columns)

    def _formula(self):
        return f"{_name(self.target)} = {self.expression}"

    def _tol(self, target):
        if self.tolerance is None:
            return self.rtol * _scale(target) + 1e-12
        return self.tolerance

    def _check_row(self, frame):
        target = _numeric(frame[self.target])
        value = self.expression.evaluate(frame)
        defined = np.isfinite(value)
        with np.errstate(invalid="ignore"):
            ok = np.abs(target - value) <= self._tol(target)
        return ok | ~defined

    def _writes(self):
        return (self.target,)

    def _reads(self):
        return self.expression.columns

    def _fit_keep(self, frame):
        self._dtype = frame[self.target].dtype

    def _forward(self, frame):
        return frame.drop(columns=[self.target])

    def _inverse(self, frame, rng):
        value = self.expression.evaluate(frame)
        value[~np.isfinite(value)] = np.nan
        like = _like(self._dtype, frame.index)
        frame[self.target] = _restore(value, like)
        return frame


class Inequality(Rule):
    """An order between two columns: ``low <= high`` (or ``<`` with ``strict``).

    Works on numbers and on dates. A generator keeping the rule learns the
    non-negative gap ``high - low`` instead of ``high``.

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
    role = "define"

    def __init__(self, low, high, *, strict=False):
        super().__init__()
        self.low = _check_name(low, "low")
        self.high = _check_name(high, "high")
        if self.low == self.high:
            raise ValueError(f"Inequality needs two different columns; got {low!r} twice.")
        self.strict = bool(strict)

    def _columns(self):
        return (self.low, self.high)

    def _formula(self):
        return f"{_name(self.low)} {'<' if self.strict else '<='} {_name(self.high)}"

    def _check_row(self, frame):
        low, high = _numeric(frame[self.low]), _numeric(frame[self.high])
        return low < high if self.strict else low <= high

    def _writes(self):
        return (self.high,)

    def _reads(self):
        return (self.low,)

    def _fit_keep(self, frame):
        self._dtype = frame[self.high].dtype

    def _forward(self, frame):
        low, high = _numeric(frame[self.low]), _numeric(frame[self.high])
        # where low is missing the column keeps high itself (no gap to take)
        frame[self.high] = np.where(np.isnan(low), high, high - low)
        return frame

    def _inverse(self, frame, rng):
        low = _numeric(frame[self.low])
        gap = frame[self.high].to_numpy(dtype=float, na_value=np.nan)
        # strict: a gap of at least a few units in the last place of low
        least = 1e-9 * np.maximum(np.abs(np.nan_to_num(low)), 1.0) if self.strict else 0.0
        high = np.where(np.isnan(low), gap, low + np.maximum(gap, least))
        like = _like(self._dtype, frame.index)
        restored = _restore(high, like)
        if pd.api.types.is_integer_dtype(self._dtype):
            # rounding may cross the order: lift back onto low
            values = restored.to_numpy(dtype=float, na_value=np.nan)
            bad = values < low if not self.strict else values <= low
            values = np.where(bad, np.ceil(low) + self.strict, values)
            restored = _restore(values, like)
        frame[self.high] = restored
        return frame


class FunctionalDependency(Rule):
    """One column decides another: each value of ``determinant`` has one ``dependent``.

    E.g. ``FunctionalDependency("city", "region")``: the region is the same
    on every row of a city. A generator keeping the rule samples the city
    and looks the region up.

    Parameters
    ----------
    determinant : str
        The deciding column.
    dependent : str
        The decided column.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.rules import FunctionalDependency
    >>> X = pd.DataFrame({"city": ["Oslo", "Oslo", "Bergen"], "region": ["E", "W", "W"]})
    >>> FunctionalDependency("city", "region").holds(X).tolist()
    [False, False, True]
    """

    kind = "dependency"
    role = "define"
    _learns_from_rows = True

    def __init__(self, determinant, dependent):
        super().__init__()
        self.determinant = _check_name(determinant, "determinant")
        self.dependent = _check_name(dependent, "dependent")
        if self.determinant == self.dependent:
            raise ValueError("FunctionalDependency needs two different columns.")

    def _columns(self):
        return (self.determinant, self.dependent)

    def _formula(self):
        return f"{_name(self.determinant)} -> {_name(self.dependent)}"

    def _check_row(self, frame):
        counts = frame.groupby(self.determinant, observed=True, dropna=False)[
            self.dependent
        ].transform("nunique")
        return counts.to_numpy() <= 1

    def _writes(self):
        return (self.dependent,)

    def _reads(self):
        return (self.determinant,)

    def _fit_keep(self, frame):
        pairs = frame[[self.determinant, self.dependent]].dropna().drop_duplicates(
            subset=[self.determinant]
        )
        self._keys = pairs[self.determinant].to_numpy()
        self._values = pairs[self.dependent].to_numpy()
        self._dtype = frame[self.dependent].dtype

    def _forward(self, frame):
        return frame.drop(columns=[self.dependent])

    def _inverse(self, frame, rng):
        keys = pd.Index(self._keys)
        position = keys.get_indexer(frame[self.determinant])
        values = pd.Series(self._values, dtype=object).reindex(position).to_numpy()
        out = pd.Series(values, index=frame.index)
        try:
            out = out.astype(self._dtype)
        except (TypeError, ValueError):
            pass
        frame[self.dependent] = out
        return frame


class FixedCombinations(Rule):
    """Only the combinations of ``columns`` seen in the real rows may appear.

    A generator keeping the rule learns one column holding the combination
    and splits it back after sampling.

    Parameters
    ----------
    columns : list of str
        Two or more (categorical) columns.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.rules import FixedCombinations
    >>> rule = FixedCombinations(["city", "region"])
    >>> rule.formula
    'combinations of (city, region) as seen'
    """

    kind = "combinations"
    role = "define"
    _learns_from_rows = True

    def __init__(self, columns):
        super().__init__()
        if isinstance(columns, str) or len(list(columns)) < 2:
            raise ValueError(f"FixedCombinations needs two or more columns; got {columns!r}.")
        self.names = tuple(_check_name(c, "a column") for c in columns)
        self._seen = None

    def _columns(self):
        return self.names

    def _formula(self):
        return f"combinations of ({', '.join(map(_name, self.names))}) as seen"

    def _key_name(self):
        return "<" + "|".join(map(str, self.names)) + ">"

    def _check_row(self, frame):
        if self._seen is None:
            return np.ones(len(frame), dtype=bool)
        return self._codes(frame) >= 0

    def _writes(self):
        return self.names[1:]

    def _reads(self):
        return ()

    def _codes(self, frame):
        seen = pd.MultiIndex.from_arrays(self._seen)
        return seen.get_indexer(pd.MultiIndex.from_frame(frame[list(self.names)]))

    def _fit_keep(self, frame):
        unique = frame[list(self.names)].drop_duplicates()
        self._seen = [unique[c].to_numpy(dtype=object) for c in self.names]
        self._dtypes = [frame[c].dtype for c in self.names]

    def _forward(self, frame):
        codes = self._codes(frame)
        position = list(frame.columns).index(self.names[0])
        frame = frame.drop(columns=list(self.names))
        frame.insert(position, self._key_name(), pd.Series(codes.astype(str), index=frame.index))
        return frame

    def _inverse(self, frame, rng):
        codes = pd.to_numeric(frame.pop(self._key_name()), errors="coerce")
        codes = codes.fillna(0).astype(int).clip(0, len(self._seen[0]) - 1).to_numpy()
        for column, seen, dtype in zip(self.names, self._seen, self._dtypes, strict=True):
            frame[column] = pd.Series(seen[codes], index=frame.index).astype(dtype)
        return frame


class CategoryThreshold(Rule):
    """A column decided by a number: ``column == above`` iff ``by > threshold``.

    E.g. ``plan == "yes"`` exactly when ``count > 0``. ``above`` and ``below``
    are read from the rows when not given. A generator keeping the rule
    sets ``column`` from ``by`` after sampling.

    Parameters
    ----------
    column : str
        The decided column (categorical, boolean or numeric).
    by : str
        The numeric column that decides it.
    threshold : float, default=0.0
        Rows with ``by > threshold`` hold ``above``, the others ``below``.
    above, below : object, default=None
        The two values; None: learned from the rows (each side must hold a
        single value).

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.rules import CategoryThreshold
    >>> X = pd.DataFrame({"count": [0, 2, 5], "plan": ["no", "yes", "yes"]})
    >>> CategoryThreshold("plan", "count", above="yes", below="no").holds(X).tolist()
    [True, True, True]
    """

    kind = "threshold"
    role = "define"

    def __init__(self, column, by, *, threshold=0.0, above=None, below=None):
        super().__init__()
        self.column = _check_name(column, "column")
        self.by = _check_name(by, "by")
        if not isinstance(threshold, numbers.Real):
            raise TypeError(f"threshold must be a number; got {threshold!r}.")
        self.threshold = float(threshold)
        self.above = above
        self.below = below

    def _columns(self):
        return (self.column, self.by)

    def _formula(self):
        above = "?" if self.above is None else repr(_plain(self.above))
        below = "" if self.below is None else f" (else {_plain(self.below)!r})"
        return (
            f"{_name(self.column)} == {above} iff {_name(self.by)} > "
            f"{_number(self.threshold)}{below}"
        )

    @property
    def _learns_from_rows(self):
        return self.above is None or self.below is None

    def _sides(self, frame):
        return _numeric(frame[self.by]) > self.threshold

    def _learn(self, frame):
        side = self._sides(frame)
        values = frame[self.column]
        for flag, attr in ((True, "above"), (False, "below")):
            if getattr(self, attr) is None:
                seen = values[side == flag].dropna().unique()
                if len(seen) == 1:
                    setattr(self, attr, _plain(seen[0]))

    def _check_row(self, frame):
        self._learn(frame)
        side = self._sides(frame)
        values = frame[self.column].to_numpy(dtype=object)
        ok = np.zeros(len(frame), dtype=bool)
        ok[side] = values[side] == self.above
        ok[~side] = values[~side] == self.below
        return ok

    def _writes(self):
        return (self.column,)

    def _reads(self):
        return (self.by,)

    def _fit_keep(self, frame):
        self._learn(frame)
        missing = frame.loc[frame[self.by].isna(), self.column].dropna()
        self._when_missing = _plain(missing.mode().iloc[0]) if len(missing) else None
        self._dtype = frame[self.column].dtype

    def _forward(self, frame):
        return frame.drop(columns=[self.column])

    def _inverse(self, frame, rng):
        by = _numeric(frame[self.by])
        values = np.where(by > self.threshold, self.above, self.below).astype(object)
        values[np.isnan(by)] = self._when_missing
        out = pd.Series(values, index=frame.index)
        try:
            out = out.astype(self._dtype)
        except (TypeError, ValueError):
            pass
        frame[self.column] = out
        return frame


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


# ---------------------------------------------------------------- shaping rules
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
        self.column = _check_name(column, "column")
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
        units = self._units(_numeric(frame[self.column]))
        return np.abs(units - np.round(units)) <= 1e-9 * np.abs(units) + 1e-6

    def _fit_keep(self, frame):
        self._dtype = frame[self.column].dtype

    def _inverse(self, frame, rng):
        units = np.round(self._units(frame[self.column].to_numpy(dtype=float, na_value=np.nan)))
        values = units * self.step + self.offset
        floor = getattr(self, "floor_", None)
        if floor is not None:  # the larger side of an order: never rounded below it
            low = frame[floor[0]].to_numpy(dtype=float, na_value=np.nan)
            below = values <= low if floor[1] else values < low
            values = np.where(below, values + self.step, values)
        decimals = max(0, -int(np.floor(np.log10(self.step))) + 6)
        values = np.round(values, decimals)
        like = _like(self._dtype, frame.index)
        frame[self.column] = _restore(values, like)
        return frame


class PointMasses(Rule):
    """A few exact values hold many rows of a numeric column (e.g. exact zeros).

    The rule describes the column's distribution, not a row test: every row
    obeys it. A generator keeping the rule learns an extra categorical
    column (which mass, or ``"other"``) with the remaining values, so the
    masses come back exactly.

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
        self.column = _check_name(column, "column")
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

    def _fit_keep(self, frame):
        self._dtype = frame[self.column].dtype

    def _forward(self, frame):
        values = _numeric(frame[self.column])
        label = np.full(len(frame), "other", dtype=object)
        label[np.isnan(values)] = "missing"
        for i, v in enumerate(self.values):
            label[values == v] = str(i)
        position = list(frame.columns).index(self.column) + 1
        frame.insert(position, self._mass_name(), pd.Series(label, index=frame.index))
        rest = frame[self.column].astype(float).where(label == "other")
        frame[self.column] = rest
        return frame

    def _inverse(self, frame, rng):
        label = frame.pop(self._mass_name()).astype(str).to_numpy()
        values = frame[self.column].to_numpy(dtype=float, na_value=np.nan).copy()
        # a value the generator left missing on an "other" row: the first mass
        values[(label == "other") & np.isnan(values)] = self.values[0]
        values[label == "missing"] = np.nan
        for i, v in enumerate(self.values):
            values[label == str(i)] = v
        like = _like(self._dtype, frame.index)
        frame[self.column] = _restore(values, like)
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

    def __init__(self, column, low=None, high=None):
        super().__init__()
        self.column = _check_name(column, "column")
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
        values = _numeric(frame[self.column])
        ok = np.ones(len(values), dtype=bool)
        if self.low is not None:
            ok &= values >= self.low
        if self.high is not None:
            ok &= values <= self.high
        return ok

    def _fit_keep(self, frame):
        self._dtype = frame[self.column].dtype

    def _inverse(self, frame, rng):
        values = _numeric(frame[self.column])
        clipped = np.clip(
            values,
            -np.inf if self.low is None else self.low,
            np.inf if self.high is None else self.high,
        )
        if np.array_equal(clipped, values, equal_nan=True):
            return frame
        like = _like(self._dtype, frame.index)
        frame[self.column] = _restore(clipped, like)
        return frame


class MissingWhen(Rule):
    """Missingness tied to another column: ``column`` is missing iff ``by`` is in ``values``.

    E.g. ``MissingWhen("loan_amount", "loan", ["none"])``. Unlike the other
    rules it speaks about missing values: a row obeys it when ``column`` is
    missing exactly when ``by`` holds one of ``values`` (``"<missing>"``
    stands for a missing ``by``).

    Parameters
    ----------
    column : str
        The column that is sometimes missing.
    by : str
        The column whose values say when.
    values : list
        The values of ``by`` on which ``column`` is missing.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sksynth.rules import MissingWhen
    >>> X = pd.DataFrame({"x": [1.0, np.nan, 2.0], "y": ["a", "none", "none"]})
    >>> MissingWhen("x", "y", ["none"]).holds(X).tolist()
    [True, True, False]
    """

    kind = "missingness"
    _learns_from_rows = True

    def __init__(self, column, by, values):
        super().__init__()
        self.column = _check_name(column, "column")
        self.by = _check_name(by, "by")
        values = [values] if isinstance(values, str) or np.ndim(values) == 0 else list(values)
        self.values = [_MISSING if _is_missing(v) else _plain(v) for v in values]

    def _columns(self):
        return (self.column, self.by)

    def _formula(self):
        listed = ", ".join(repr(v) for v in self.values)
        return f"{_name(self.column)} is missing iff {_name(self.by)} in {{{listed}}}"

    def _reads(self):
        return (self.by,)

    def holds(self, X):
        """Return True on the rows where ``column`` is missing exactly when it should be.

        Parameters
        ----------
        X : DataFrame
            A table holding ``column`` and ``by``.

        Returns
        -------
        holds : ndarray of bool of shape (n_rows,)
        """
        frame = self._frame(X)
        return frame[self.column].isna().to_numpy() == _matches(frame[self.by], self.values)

    def _fit_keep(self, frame):
        observed = frame[self.column].dropna()
        self._fill = observed.sample(
            min(len(observed), 1000), random_state=0
        ).to_numpy() if len(observed) else np.array([np.nan])

    def _inverse(self, frame, rng):
        should = _matches(frame[self.by], self.values)
        column = frame[self.column].copy()
        absent = column.isna().to_numpy() & ~should
        if absent.any():
            column[absent] = self._fill[rng.integers(len(self._fill), size=int(absent.sum()))]
        column[should] = np.nan if column.dtype.kind in "fc" else None
        frame[self.column] = column
        return frame


def _is_missing(value):
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or (
        value == _MISSING
    )


class ZeroIff(Rule):
    """Zeros together: ``column == 0`` exactly when ``by == 0`` (both numeric).

    Parameters
    ----------
    column : str
        A numeric column, set to zero after sampling where ``by`` is zero.
    by : str
        The numeric column whose zeros decide.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.rules import ZeroIff
    >>> X = pd.DataFrame({"n_loans": [0, 2, 0], "debt": [0.0, 5.0, 3.0]})
    >>> ZeroIff("debt", "n_loans").holds(X).tolist()
    [True, True, False]
    """

    kind = "zero iff"
    _learns_from_rows = True

    def __init__(self, column, by):
        super().__init__()
        self.column = _check_name(column, "column")
        self.by = _check_name(by, "by")

    def _columns(self):
        return (self.column, self.by)

    def _formula(self):
        return f"{_name(self.column)} == 0 iff {_name(self.by)} == 0"

    def _check_row(self, frame):
        return (_numeric(frame[self.column]) == 0) == (_numeric(frame[self.by]) == 0)

    def _reads(self):
        return (self.by,)

    def _fit_keep(self, frame):
        values = _numeric(frame[self.column])
        nonzero = values[np.isfinite(values) & (values != 0)]
        self._fill = nonzero[:1000] if nonzero.size else np.array([1.0])
        self._dtype = frame[self.column].dtype

    def _inverse(self, frame, rng):
        values = _numeric(frame[self.column]).copy()
        by = _numeric(frame[self.by])
        values[by == 0] = 0.0
        wrong = (by != 0) & ~np.isnan(by) & (values == 0)
        values[wrong] = self._fill[rng.integers(len(self._fill), size=int(wrong.sum()))]
        like = _like(self._dtype, frame.index)
        frame[self.column] = _restore(values, like)
        return frame
