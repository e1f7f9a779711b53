"""Shaping rules that tie a column to another's values: missing when, zero iff.

A generator keeping one of these rules sets the column after sampling where the
other column says it must be missing (or zero), and fills it where it must not.
"""

from __future__ import annotations

import numpy as np

from ._expression import _name
from ._values import MISSING, below_floor, is_missing, matches, numeric, restore
from .base import _DecidedByRule, _order_floor, _plain

__all__ = ["MissingWhen", "ZeroIff"]


class MissingWhen(_DecidedByRule):
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
    _about_missing = True
    _learns_from_rows = True

    def __init__(self, column, by, values):
        super().__init__(column, by)
        values = [values] if isinstance(values, str) or np.ndim(values) == 0 else list(values)
        self.values = [MISSING if is_missing(v) else _plain(v) for v in values]

    def _formula(self):
        listed = ", ".join(repr(v) for v in self.values)
        return f"{_name(self.column)} is missing iff {_name(self.by)} in {{{listed}}}"

    def _check_row(self, frame):
        """Return True on the rows where ``column`` is missing exactly when it should be."""
        return frame[self.column].isna().to_numpy() == matches(frame[self.by], self.values)

    def _fit_keep(self, frame):
        observed = frame[self.column].dropna()
        self._fill = observed.sample(
            min(len(observed), 1000), random_state=0
        ).to_numpy() if len(observed) else np.array([np.nan])

    def _inverse(self, frame, rng):
        should = matches(frame[self.by], self.values)
        column = frame[self.column].copy()
        absent = column.isna().to_numpy() & ~should
        if absent.any():
            column[absent] = self._fill[rng.integers(len(self._fill), size=int(absent.sum()))]
        column[should] = np.nan if column.dtype.kind in "fc" else None
        frame[self.column] = column
        return frame


class ZeroIff(_DecidedByRule):
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

    def _formula(self):
        return f"{_name(self.column)} == 0 iff {_name(self.by)} == 0"

    def _check_row(self, frame):
        return (numeric(frame[self.column]) == 0) == (numeric(frame[self.by]) == 0)

    def _fit_keep(self, frame):
        values = numeric(frame[self.column])
        nonzero = values[np.isfinite(values) & (values != 0)]
        self._fill = nonzero[:1000] if nonzero.size else np.array([1.0])
        self._dtype = frame[self.column].dtype

    def _join(self, kept, *, stand_ins=True):
        # the larger side of an order above ``by``: a zero of ``by`` gives a zero
        # that keeps the order, and a filled value is not put below ``by``
        self.floor_ = _order_floor(self.column, kept)

    def _inverse(self, frame, rng):
        values = numeric(frame[self.column]).copy()
        by = numeric(frame[self.by])
        values[by == 0] = 0.0
        wrong = (by != 0) & ~np.isnan(by) & (values == 0)
        filled = np.full(len(values), np.nan)
        filled[wrong] = self._fill[rng.integers(len(self._fill), size=int(wrong.sum()))]
        below = below_floor(frame, self.floor_, filled)
        filled[below] = by[below]  # not zero: ``by`` is the order's smaller side
        values[wrong] = filled[wrong]
        frame[self.column] = restore(values, self._dtype, frame.index)
        return frame
