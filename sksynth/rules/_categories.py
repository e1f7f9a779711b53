"""Defining rules over labels: dependencies, fixed combinations, labels set by a number.

A generator keeping one of these rules learns fewer label columns and sets
the others after sampling, from the values the rule holds.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from ._expression import _name, _number
from ._levels import level_codes, level_column
from ._values import (
    as_dtype_if_possible,
    as_labels,
    check_name,
    look_up,
    numeric,
    one_value_per_group,
)
from .base import Rule, _DecidedByRule, _plain

__all__ = ["CategoryThreshold", "FixedCombinations", "FunctionalDependency"]


class FunctionalDependency(Rule):
    """Columns decide another: each value of ``determinant`` has one ``dependent``.

    E.g. ``FunctionalDependency("city", "region")``: the region is the same
    on every row of a city. A generator keeping the rule samples the city
    and looks the region up. Either column may be a number
    (``FunctionalDependency("year", "cpi")``: one price index a year); a
    generated number that no training row holds takes the value of the
    nearest one.

    Several label columns may decide together
    (``FunctionalDependency(["origin", "dest"], "distance")``: one distance a
    route). A generated combination that no training row holds takes the
    value most rows of its first determinant hold, so the rule still holds.

    Parameters
    ----------
    determinant : str or list of str
        The deciding column, or two or more columns deciding together.
    dependent : str
        The decided column.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.rules import FunctionalDependency
    >>> X = pd.DataFrame({"city": ["Oslo", "Oslo", "Bergen"], "region": ["E", "W", "W"]})
    >>> FunctionalDependency("city", "region").holds(X).tolist()
    [False, False, True]
    >>> FunctionalDependency(["origin", "dest"], "distance").formula
    '(origin, dest) -> distance'
    """

    kind = "dependency"
    role = "define"
    _learns_from_rows = True

    def __init__(self, determinant, dependent):
        super().__init__()
        if isinstance(determinant, str | numbers.Integral):
            self.determinant = check_name(determinant, "determinant")
        else:
            try:
                names = tuple(check_name(c, "determinant") for c in determinant)
            except TypeError:
                raise TypeError(
                    "determinant must be a column name or a list of them; "
                    f"got {determinant!r}."
                ) from None
            if len(names) < 2 or len(set(names)) < len(names):
                raise ValueError(
                    "determinant must be one column or two or more different columns; "
                    f"got {determinant!r}."
                )
            self.determinant = names
        self.dependent = check_name(dependent, "dependent")
        if self.dependent in self._determinants():
            raise ValueError("FunctionalDependency needs a dependent outside its determinant.")

    def _determinants(self):
        """Return the deciding columns as a tuple."""
        return self.determinant if self._composite() else (self.determinant,)

    def _composite(self):
        return isinstance(self.determinant, tuple)

    def _columns(self):
        return (*self._determinants(), self.dependent)

    def _formula(self):
        if not self._composite():
            return f"{_name(self.determinant)} -> {_name(self.dependent)}"
        return f"({', '.join(map(_name, self.determinant))}) -> {_name(self.dependent)}"

    def _check_row(self, frame):
        groups = [frame[c] for c in self._determinants()]
        return one_value_per_group(frame[self.dependent], groups[0] if len(groups) == 1 else groups)

    def _writes(self):
        return (self.dependent,)

    def _reads(self):
        return self._determinants()

    def _fit_keep(self, frame):
        self._dtype = frame[self.dependent].dtype
        if self._composite():
            self._fit_composite(frame)
            return
        pairs = frame.loc[frame[self.dependent].notna(), [self.determinant, self.dependent]]
        unknown = pairs[self.determinant].isna()
        known = pairs[~unknown].drop_duplicates(subset=[self.determinant])
        self._keys = known[self.determinant].to_numpy()
        self._values = known[self.dependent].to_numpy()
        # rows with a missing determinant are one group of the rule too: their
        # value (an empty array when the determinant is never missing)
        self._unknown_value = pairs.loc[unknown, self.dependent].to_numpy()[:1]

    def _fit_composite(self, frame):
        names = list(self.determinant)
        pairs = frame.loc[frame[self.dependent].notna(), [*names, self.dependent]]
        keys = _as_keys(pairs[names])
        values = pairs[self.dependent].to_numpy()
        known = ~keys.duplicated().to_numpy()
        self._keys = [keys[c].to_numpy(dtype=object)[known] for c in names]
        self._values = values[known]
        # an unseen combination: the value most rows of its first determinant hold
        tally = pd.DataFrame({"key": keys[names[0]], "value": values}).value_counts()
        mode = tally.reset_index().drop_duplicates("key")  # most rows first
        self._first_keys = mode["key"].to_numpy(dtype=object)
        self._first_values = mode["value"].to_numpy()
        self._unknown_value = pd.Series(values).value_counts().index.to_numpy()[:1]

    def _forward(self, frame):
        return frame.drop(columns=[self.dependent])

    def _inverse(self, frame, rng):
        if self._composite():
            values = self._look_up_composite(frame)
        else:
            values = self._look_up(frame[self.determinant])
        out = as_dtype_if_possible(pd.Series(values, index=frame.index), self._dtype)
        frame[self.dependent] = out
        return frame

    def _look_up(self, determinant):
        values = look_up(self._keys, self._values, determinant)
        unseen = pd.isna(values) & determinant.notna().to_numpy()
        if unseen.any() and _is_number(self._keys):
            values[unseen] = self._values[_nearest(self._keys, determinant[unseen])]
        if len(self._unknown_value):
            values[determinant.isna().to_numpy()] = self._unknown_value[0]
        return values

    def _look_up_composite(self, frame):
        names = list(self.determinant)
        keys = _as_keys(frame[names])
        seen = pd.MultiIndex.from_arrays(self._keys)
        position = seen.get_indexer(pd.MultiIndex.from_frame(keys))
        values = pd.Series(self._values, dtype=object).reindex(position).to_numpy(copy=True)
        unseen = position < 0
        if unseen.any():
            values[unseen] = look_up(self._first_keys, self._first_values, keys[names[0]][unseen])
            still = unseen & pd.isna(values)
            if still.any() and len(self._unknown_value):
                values[still] = self._unknown_value[0]
        return values


def _as_keys(frame):
    """Return label columns as object columns, a missing value as a label of its own."""
    return as_labels(frame).reset_index(drop=True)


def _is_number(keys):
    return keys.dtype.kind in "iuf" and len(keys) > 0


def _nearest(keys, wanted):
    """Index in ``keys`` (numbers) of the key nearest to each of ``wanted``."""
    order = np.argsort(keys)
    ranked = keys[order].astype(float)
    wanted = wanted.to_numpy(dtype=float)
    above = np.clip(np.searchsorted(ranked, wanted), 0, len(ranked) - 1)
    below = np.maximum(above - 1, 0)
    closer = np.abs(ranked[below] - wanted) <= np.abs(ranked[above] - wanted)
    return order[np.where(closer, below, above)]


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
        self.names = tuple(check_name(c, "a column") for c in columns)
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
        frame.insert(position, self._key_name(), level_column(codes.astype(str), frame.index))
        return frame

    def _inverse(self, frame, rng):
        n_seen = len(self._seen[0])
        codes = level_codes(frame.pop(self._key_name()), map(str, range(n_seen))).clip(0)
        for column, seen, dtype in zip(self.names, self._seen, self._dtypes, strict=True):
            frame[column] = pd.Series(seen[codes], index=frame.index).astype(dtype)
        return frame


class CategoryThreshold(_DecidedByRule):
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
        super().__init__(column, by)
        if not isinstance(threshold, numbers.Real):
            raise TypeError(f"threshold must be a number; got {threshold!r}.")
        self.threshold = float(threshold)
        self.above = above
        self.below = below

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
        return numeric(frame[self.by]) > self.threshold

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

    def _fit_keep(self, frame):
        self._learn(frame)
        missing = frame.loc[frame[self.by].isna(), self.column].dropna()
        self._when_missing = _plain(missing.mode().iloc[0]) if len(missing) else None
        self._dtype = frame[self.column].dtype

    def _forward(self, frame):
        return frame.drop(columns=[self.column])

    def _inverse(self, frame, rng):
        by = numeric(frame[self.by])
        values = np.where(by > self.threshold, self.above, self.below).astype(object)
        values[np.isnan(by)] = self._when_missing
        out = as_dtype_if_possible(pd.Series(values, index=frame.index), self._dtype)
        frame[self.column] = out
        return frame
