"""The search for columns that decide others: one column, or two labels together.

A dependency is kept only where chance cannot explain it: every group of the
deciding columns holding a single value must be unlikely for values drawn
with their own frequencies (see :func:`find_rules`).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from ._categories import FunctionalDependency
from ._search import RuleSearch, log_chance_single_valued
from ._values import as_labels

__all__ = ["DependencySearch"]

# the most distinct values of a number that decides another column
_MAX_KEY_VALUES = 50


class DependencySearch(RuleSearch):
    """Find the ``"dependency"`` family: ``city -> region``, ``(origin, dest) -> distance``."""

    def find_dependency(self):
        labels = [c for c in self.labels if c not in self.derived]
        numbers = self._free(self.numbers)
        distinct = {c: self.sample[c].nunique() for c in labels + numbers}
        # a number that takes few values can decide others (a year deciding a
        # national price index); a number is decided only by a column with at
        # least as many values. Of two columns that decide each other, the
        # first here decides: labels, then whole numbers, then the others
        few = [c for c in numbers if distinct[c] <= _MAX_KEY_VALUES]
        keys = labels + sorted(few, key=lambda c: self.kinds[c] != "integer")
        pairs = [(a, b) for a in labels for b in labels if a != b] + [
            (a, b) for a in keys for b in numbers if a != b and distinct[b] <= distinct[a]
        ]
        n_tests = max(len(pairs), 1)
        edges = {}
        for a, b in pairs:
            if self._depends(a, b, n_tests):
                edges[(a, b)] = True
        found = []
        for a, b in edges:
            if (b, a) in edges and keys.index(b) < keys.index(a):
                continue  # one-to-one: report one direction
            if any((a, c) in edges and (c, b) in edges and (c, a) not in edges for c in keys):
                continue  # implied by a -> c -> b
            if b in self.derived:
                continue
            rule = self._confirm(FunctionalDependency(a, b))
            if rule is not None:
                found.append(rule)
                self._looked_up(b, (a,))
        decided = {b for _, b in edges}
        labels = [c for c in labels if c not in self.derived]
        targets = [c for c in labels + numbers if c not in self.derived and c not in decided]
        return found + self._decided_by_two(labels, targets, distinct)

    def _depends(self, a, b, n_tests):
        pair = as_labels(self.sample[[a, b]])
        if pair[a].nunique() > len(pair) / 2:
            return False
        return self._unlikely(pair[b], pair[a], n_tests)

    def _unlikely(self, values, groups, n_tests):
        """Whether every group holding a single one of ``values`` is too unlikely for luck."""
        log_chance = log_chance_single_valued(values, groups)
        return log_chance is not None and log_chance < np.log(self._n_tests(n_tests))

    def _decided_by_two(self, labels, targets, distinct):
        """Columns two labels decide together, where neither does alone (a route's distance).

        Each pair of labels is coded once on the sample; a target is
        single-valued in its groups when, with the rows sorted by group, no
        two neighbours of one group differ. A pair in which one label decides
        the other makes groups of that label alone and is skipped.
        """
        n_rows = len(self.sample)
        codes = {c: _codes(self.sample[c]) for c in labels + targets}
        pairs = list(combinations(labels, 2))
        n_tests = max(len(pairs) * len(targets), 1)
        found = []
        for a, b in pairs:
            if a in self.derived or b in self.derived:
                continue  # computed by a rule found before: no cycles
            group = codes[a] * (codes[b].max() + 1) + codes[b]
            n_groups = len(np.unique(group))
            if n_groups > n_rows / 2 or n_groups <= max(distinct[a], distinct[b]):
                continue
            order = np.argsort(group, kind="stable")
            same_group = group[order][1:] == group[order][:-1]
            for target in targets:
                if target in (a, b) or target in self.derived or distinct[target] > n_groups:
                    continue
                values = codes[target][order]
                if np.any(same_group & (values[1:] != values[:-1])):
                    continue
                values = as_labels(self.sample[target]).reset_index(drop=True)
                if not self._unlikely(values, group, n_tests):
                    continue
                rule = self._confirm(FunctionalDependency([a, b], target))
                if rule is not None:
                    found.append(rule)
                    self._looked_up(target, (a, b))
        return found

    def _looked_up(self, column, by):
        self.derived.add(column)
        if column in self.numbers:
            self.looked_up[column] = by


def _codes(values):
    """Integer code of each value, a missing value coded as a value of its own."""
    return pd.factorize(values, use_na_sentinel=False)[0].astype(np.int64)
