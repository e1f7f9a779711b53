"""Base class of the rules between columns, and the list-like :class:`RuleSet`.

A rule states something every row of a table obeys (``Amount <= Price``,
``total = a + b``, ``region`` decided by ``city``...). Every rule has:

* ``columns``: the names of the columns it involves (a tuple);
* ``formula``: a readable statement such as ``"Amount <= Price"``;
* ``kind``: a short name of its family (``"order"``, ``"formula"``...);
* ``holds(X)``: a boolean array, True on the rows that obey the rule. A rule
  holds where any of its columns is missing: it speaks about present values
  only (missingness rules, which speak about missing values, are the
  exception and say so).

Subclasses implement :meth:`Rule._check_row` (the row test) and the
reparameterisation hooks used by :class:`sksynth.rules.RuleKeeper`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np
import pandas as pd

from ._values import check_name

__all__ = ["Rule", "RuleSet", "RuleViolationError"]

# how many offending row labels an error message or a rule's exceptions shows
MAX_EXCEPTIONS = 10


class RuleViolationError(ValueError):
    """Raised when a declared rule is broken by the rows it is checked on."""


def _columns_present(frame, columns):
    present = np.ones(len(frame), dtype=bool)
    for column in columns:
        present &= frame[column].notna().to_numpy()
    return present


def _order_floor(column, rules):
    """Return ``(low, strict)`` of each order among ``rules`` whose larger side is ``column``.

    A rule that sets ``column`` after the orders (a grid, round values, point
    masses, zeros) keeps it above every ``low`` (see
    :func:`~sksynth.rules._values.below_floor`); the first of the orders
    computes it above all of them.
    """
    return tuple((r.low, r.strict) for r in rules if r.kind == "order" and r.high == column)


class Rule(ABC):
    """A rule that the rows of a table obey.

    Subclasses set ``kind`` and implement :meth:`_check_row`; the
    reparameterisation hooks (:meth:`_fit_keep`, :meth:`_join`,
    :meth:`_forward`, :meth:`_inverse`) default to leaving the table as it is.

    Attributes
    ----------
    columns : tuple of str
        The columns the rule involves.
    formula : str
        A readable statement of the rule.
    support : float or None
        Share of the rows that obey the rule, when it was found or checked
        on a table (``None`` for a rule not yet checked).
    exceptions : list
        Labels of rows that break it (at most ten).
    n_exceptions : int
        Number of rows that break it.
    tolerance : float
        Absolute tolerance of numeric comparisons (0 for exact rules).
    """

    kind = "rule"
    #: whether keeping the rule learns values from the training rows (refused
    #: with differential privacy)
    _learns_from_rows = False
    #: "define": computes columns from others (their values are left out of
    #: training); "shape": adjusts values of its own column after sampling
    role = "shape"
    #: whether the rule speaks about missing values: its row test then sees
    #: every row, not only those with all its columns present
    _about_missing = False
    #: the units a generator keeping the rule learns its (first) column in, where
    #: they are not the column's own (a clock time's minutes since midnight):
    #: the column cannot then be a condition
    _learnt_in = None
    #: whether the values a generator learns for the column the rule sets are
    #: whole numbers wherever the rule's columns are (a clock time's minutes, an
    #: order's gap between counts; a bound leaves them as they are)
    _learns_whole = False

    def __init__(self):
        self.support = None
        self.n_exceptions = 0
        self.exceptions = []
        self.tolerance = 0.0

    # ------------------------------------------------------------ contract
    @property
    def columns(self):
        """Tuple of the column names the rule involves."""
        return tuple(self._columns())

    @property
    def formula(self):
        """Readable statement of the rule."""
        return self._formula()

    def holds(self, X):
        """Return True on the rows of ``X`` that obey the rule.

        Parameters
        ----------
        X : DataFrame
            A table holding the rule's columns.

        Returns
        -------
        holds : ndarray of bool of shape (n_rows,)
            True where the row obeys the rule, and where any of the rule's
            columns is missing (except for rules about missing values).
        """
        frame = self._frame(X)
        if self._about_missing:
            return np.asarray(self._check_row(frame), dtype=bool)
        present = _columns_present(frame, self.columns)
        out = np.ones(len(frame), dtype=bool)
        if present.any():
            out[present] = np.asarray(self._check_row(frame.loc[present]), dtype=bool)
        return out

    # --------------------------------------------------------- for subclasses
    @abstractmethod
    def _columns(self):
        """Return the names of the columns the rule involves."""

    @abstractmethod
    def _formula(self):
        """Return the readable statement of the rule."""

    @abstractmethod
    def _check_row(self, frame):
        """Return a boolean array over the rows of ``frame`` (all columns present)."""

    def _writes(self):
        """Columns whose values the rule sets after sampling."""
        return ()

    def _reads(self):
        """Columns the rule needs, final, to set the columns it writes."""
        return ()

    def _fit_keep(self, frame):
        """Learn what the reparameterisation needs from the training frame."""

    def _join(self, kept, *, stand_ins=True):
        """Note what the other rules kept beside this one mean for undoing it.

        ``kept`` holds every kept rule (this one too); ``stand_ins`` is the
        keeper's ``mass_stand_ins``. By default nothing: only a rule whose
        values must respect another's (a grid or point masses on an order's
        larger side, point masses or a grid of a band's column, orders that
        share a larger side) overrides it.
        """

    def _learnt_bounds(self, bounds, dtypes):
        """Return public bounds of the columns this rule learns in other units.

        ``bounds`` holds ``{column: (low, high)}`` as the rule's forward step
        reads the columns (a column without: unknown); ``dtypes`` the
        training dtypes (a numpy integer column is never missing). Returns
        ``{column: (low, high) or None}`` for each column the step turns into
        other units (None: unknown); by default none.
        """
        return {}

    def _forward(self, frame):
        """Frame the generator trains on (may drop, add or change columns)."""
        return frame

    def _inverse(self, frame, rng):
        """Frame with the rule's columns back, the rule holding on every row."""
        return frame

    # ---------------------------------------------------------------- helpers
    def _frame(self, X):
        if not isinstance(X, pd.DataFrame):
            raise TypeError(f"{type(self).__name__}.holds expects a DataFrame; got {type(X)}.")
        missing = [c for c in self.columns if c not in X.columns]
        if missing:
            raise ValueError(
                f"Rule {self.formula!r} involves column(s) {missing}, which X does not have."
            )
        return X

    def _score(self, X):
        """Record support and exceptions of the rule on ``X``; return ``holds``."""
        ok = self.holds(X)
        self.support = float(ok.mean()) if len(ok) else 1.0
        bad = np.flatnonzero(~ok)
        self.n_exceptions = int(bad.size)
        self.exceptions = [_plain(v) for v in X.index[bad[:MAX_EXCEPTIONS]]]
        return ok

    def check(self, X):
        """Raise :class:`RuleViolationError` unless every row of ``X`` obeys the rule.

        Parameters
        ----------
        X : DataFrame
            The table.

        Returns
        -------
        self : Rule
            The rule, with ``support`` (1.0) recorded.
        """
        ok = self._score(X)
        if not ok.all():
            raise RuleViolationError(
                f"The rule {self.formula!r} (column(s) {list(self.columns)}) is broken on "
                f"{self.n_exceptions} of {len(ok)} row(s); first offending row label(s): "
                f"{self.exceptions}. Fix the data or leave the rule out."
            )
        return self

    def __repr__(self):
        return f"{type(self).__name__}({self.formula!r})"

    def __eq__(self, other):
        return type(self) is type(other) and self.formula == other.formula

    def __hash__(self):
        return hash((type(self).__name__, self.formula))


class _DecidedByRule(Rule):
    """A rule on ``column`` that another column, ``by``, decides.

    A generator keeping the rule sets ``column`` after sampling from the final
    values of ``by``.
    """

    def __init__(self, column, by):
        super().__init__()
        self.column = check_name(column, "column")
        self.by = check_name(by, "by")

    def _columns(self):
        return (self.column, self.by)

    def _reads(self):
        return (self.by,)


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


class RuleSet(list):
    """A list of rules, with a table view (:meth:`to_frame`) and a readable display.

    Parameters
    ----------
    rules : iterable of Rule, default=()
        The rules.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.rules import Inequality, RuleSet
    >>> X = pd.DataFrame({"Amount": [1, 2, 3], "Price": [2, 2, 5]})
    >>> rules = RuleSet([Inequality("Amount", "Price")])
    >>> rules.to_frame(X)[["formula", "support"]]
               formula  support
    0  Amount <= Price      1.0
    """

    _FIELDS = ["formula", "kind", "columns", "support", "n_exceptions", "exceptions", "tolerance"]

    def __init__(self, rules=()):
        rules = list(rules)
        for rule in rules:
            if not isinstance(rule, Rule):
                raise TypeError(
                    f"A RuleSet holds Rule objects (sksynth.rules); got {rule!r} "
                    f"({type(rule).__name__})."
                )
        super().__init__(rules)

    def to_frame(self, X=None):
        """One row per rule: formula, kind, columns, support, exceptions, tolerance.

        Parameters
        ----------
        X : DataFrame, default=None
            When given, support and exceptions are measured on ``X``;
            otherwise those recorded when the rules were found are shown.

        Returns
        -------
        frame : DataFrame
            Columns ``formula``, ``kind``, ``columns``, ``support``,
            ``n_exceptions``, ``exceptions`` (row labels, at most ten) and
            ``tolerance``.
        """
        if X is not None:
            for rule in self:
                rule._score(X)
        rows = [
            {
                "formula": r.formula,
                "kind": r.kind,
                "columns": r.columns,
                "support": r.support,
                "n_exceptions": r.n_exceptions,
                "exceptions": list(r.exceptions),
                "tolerance": r.tolerance,
            }
            for r in self
        ]
        return pd.DataFrame(rows, columns=self._FIELDS)

    def __repr__(self):
        if not self:
            return "RuleSet([])  # no rules"
        lines = [f"RuleSet of {len(self)} rule(s):"]
        for rule in self:
            support = "" if rule.support is None else f"  (support {rule.support:.3f}"
            if support:
                support += f", {rule.n_exceptions} exception(s))"
            lines.append(f"  [{rule.kind}] {rule.formula}{support}")
        return "\n".join(lines)

    def _repr_html_(self):
        if not self:
            return "<p>No rules.</p>"
        frame = self.to_frame()[["formula", "kind", "support", "n_exceptions", "exceptions"]]
        return frame.to_html(index=False, escape=True, na_rep="")

    def to_html(self):
        """HTML table of the rules (formula, kind, support, exceptions)."""
        return self._repr_html_()

    def __getitem__(self, item):
        out = super().__getitem__(item)
        return RuleSet(out) if isinstance(item, slice) else out
