"""The row sample, column sets and confirmation shared by the searches of :func:`find_rules`.

Each family of rules is searched by methods of a subclass of
:class:`RuleSearch`: candidates on the row sample, then each candidate
confirmed on all rows with :meth:`RuleSearch._confirm`.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from ..utils import infer_column_kind
from ._clock import clock_midnight
from ._values import numeric
from .base import _columns_present

__all__ = ["RuleSearch", "log_chance_single_valued"]


def log_chance_single_valued(values, groups):
    """Log-chance that each group of rows holds a single one of ``values`` by luck.

    ``values`` is a Series and ``groups`` labels its rows. The values are
    taken as drawn independently with their observed frequencies, so a group
    of ``n`` rows is single-valued with probability ``sum(freq ** n)``.
    Returns None where a group holds several values, or ``values`` holds one
    value only (no evidence either way).
    """
    by = values.groupby(groups, sort=False)
    if (by.nunique() > 1).any():
        return None
    freq = values.value_counts(normalize=True).to_numpy()
    if len(freq) < 2:
        return None
    sizes = by.size().to_numpy()
    with np.errstate(divide="ignore"):  # log(0): impossible by chance
        return float(np.sum(np.log(np.sum(freq[None, :] ** sizes[:, None], axis=1))))


class RuleSearch:
    """The table, its row sample and the columns each family of rules looks at.

    ``derived`` collects the columns a found rule computes from others; the
    later searches leave them out. ``looked_up`` maps those of them that a
    dependency looks up (a route's distance) to the columns that decide
    them: a band may still read them.
    """

    def __init__(self, frame, min_support, min_rows, alpha, rtol, sample_rows, random_state):
        self.frame = frame
        self.min_support = float(min_support)
        self.min_rows = int(min_rows)
        self.alpha = float(alpha)
        self.rtol = float(rtol)
        self.rng = np.random.default_rng(random_state)
        n = len(frame)
        rows = np.sort(self.rng.choice(n, size=sample_rows, replace=False)) if (
            n > sample_rows
        ) else np.arange(n)
        self.sample = frame.iloc[rows]
        self.kinds = {c: infer_column_kind(frame[c]) for c in frame.columns}
        self.numbers = [c for c in frame.columns if self._is_number(c)]
        self.dates = [c for c in frame.columns if self.kinds[c] == "datetime"]
        self.labels = [c for c in frame.columns if self._is_label(c)]
        self.derived = set()
        self.looked_up = {}

    # ---------------------------------------------------------- column sets
    def _is_number(self, column):
        if self.kinds[column] not in ("continuous", "integer"):
            return False
        values = self.frame[column]
        return values.notna().sum() >= self.min_rows and values.nunique() >= 3

    def _is_label(self, column):
        values = self.frame[column]
        if self.kinds[column] in ("categorical", "boolean"):
            return values.notna().sum() >= self.min_rows and values.nunique() >= 2
        return self.kinds[column] == "integer" and values.nunique() == 2

    @cached_property
    def clocks(self):
        """The numbers that are ``hhmm`` clock times, each mapped to how it writes midnight."""
        found = {}
        for column in self.numbers:
            midnight = clock_midnight(
                numeric(self.frame[column]), len(self.numbers), self.alpha, self.min_rows
            )
            if midnight is not None:
                found[column] = midnight
        return found

    def _matrix(self, columns, frame=None):
        frame = self.sample if frame is None else frame
        if not columns:
            return np.zeros((len(frame), 0))
        values = np.column_stack([numeric(frame[c]) for c in columns])
        values[np.isinf(values)] = np.nan  # infinite values say nothing about a rule
        return values

    def _n_tests(self, n):
        return self.alpha / max(n, 1)

    def _confirm(self, rule):
        """Score ``rule`` on all rows; return it if its support is enough."""
        if rule.kind == "formula":
            rule.tolerance = rule._tol(numeric(self.frame[rule.target]))
        rule._score(self.frame)
        present = _columns_present(self.frame, rule.columns)
        n_present = int(present.sum()) if rule.kind != "missingness" else len(self.frame)
        if n_present < self.min_rows:
            return None
        share = 1.0 - rule.n_exceptions / n_present
        return rule if share >= self.min_support else None

    def _free(self, columns):
        return [c for c in columns if c not in self.derived]
