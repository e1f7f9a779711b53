"""Discovery of the exact rules a table's rows obey (:func:`find_rules`).

Candidates are searched on a row sample, with cheap screens that prune
most pairs of columns, then every candidate is confirmed on all rows. Each
family has a significance argument, so that rules that could hold by chance
on few rows are not reported.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from scipy.special import gammaln
from scipy.stats import binom

from ..utils import check_dataframe
from ._band_search import find_bands
from ._categories import CategoryThreshold, FunctionalDependency
from ._dates import PARTS, date_part_candidates
from ._dependency_search import DependencySearch
from ._formula_search import FormulaSearch
from ._formulas import Inequality
from ._missingness import MissingWhen, ZeroIff
from ._shape_search import ShapeSearch
from ._values import MISSING, as_labels, numeric
from .base import RuleSet, _plain

__all__ = ["find_rules"]

_KINDS = (
    "formula",
    "date part",
    "dependency",
    "clock gap",
    "band",
    "threshold",
    "missingness",
    "clock time",
    "grid",
    "point masses",
    "rounding",
    "zero iff",
    "order",
    "range",
)


def find_rules(
    X,
    *,
    min_support=1.0,
    min_rows=20,
    alpha=1e-3,
    rtol=1e-6,
    sample_rows=5000,
    kinds=None,
    random_state=0,
):
    """Find the exact rules that the rows of ``X`` obey.

    Searched families (``kind`` of the rules returned):

    * ``"formula"``: a column computed from others - affine relations
      (``b = k * a + c``, unit changes), sums with small integer coefficients
      (``total = x + y + z``), ratios and products
      (``share = 12 * expenditure / income``, ``amount = price * quantity``),
      powers of one column (``agesq = age * age``), logarithms of a positive
      column (``lwage = log(wage)``), and numbers that count
      the time between two dates (``stay = discharged - admitted``,
      ``age = (visit - birth) / 365.25``: a date counts in days), also in
      whole units (``age = years(born, visit)``,
      ``weeks = floor((end - start) / 7)``), and ``hhmm`` clock times that
      are another plus a number of minutes
      (``arr_time = to_hhmm(from_hhmm(sched_arr_time) + arr_delay)``);
    * ``"band"``: a column that follows a formula of one to three others up
      to a bounded ratio or difference (``carat / (x ** 3) in [a, b]``,
      ``area / (radius ** 2) in [3.1, 3.2]``): relations that are tight but
      not exact. Found by a regression on the most correlated column and on
      up to two more chosen by their correlation with its residual (on
      logarithms for products), which must explain 90 % of the variance of
      held-out rows; the band is the range over all rows (a band says
      nothing where its column is missing; it reads columns with no missing
      value, among them numbers a dependency looks up). Columns with fewer
      than ``min_rows`` distinct values take no part, nor, in products,
      columns whose values stay within a percent of each other (years);
    * ``"order"``: ``a <= b`` between numbers or between dates;
    * ``"threshold"`` and ``"zero iff"``: a two-valued column decided by a
      number (``plan == "yes"`` iff ``count > 0``), zeros shared by two
      numbers;
    * ``"date part"``: a column that is the year, month, weekday... of a
      date column, as a number or a label (``wday is the weekday of date``);
    * ``"dependency"``: a category deciding another (``city -> region``) or a
      number (``store -> floor_area``), a number with at most 50 values
      deciding a number (``year -> cpi``), or two categories deciding a
      column together where neither does alone (``(origin, dest) -> distance``);
    * ``"clock time"``: a time of day written as an ``hhmm`` number
      (1430), whose last two digits stay below 60 on far more rows than
      chance allows;
    * ``"clock gap"``: a clock time that follows another within a window of
      minutes (``sched_arr_time`` 50 to 400 minutes after
      ``sched_dep_time``), where the minutes between them spread over at most
      a quarter of the later one's own spread;
    * ``"grid"``, ``"point masses"``, ``"range"``: values on a grid or with a
      fixed number of decimals, a few values holding many rows (exact
      zeros), non-negative columns and shares in ``[0, 1]``;
    * ``"rounding"``: a number that is a multiple of round steps (50, 100,
      1000...) far more often than values spread over its own grid would be;
    * ``"missingness"``: a column missing exactly when another holds given
      values (or is missing).

    To avoid reporting rules that hold by chance, a rule needs ``min_rows``
    rows with its columns present and must pass a test of its family: an
    order is kept only if it would hold on all rows with probability below
    ``alpha`` (divided by the number of pairs tried) when one column is
    paired with a shuffled copy of the other; a formula is fitted on one half
    of the sample and must hold on the other half and then on every row; a
    dependency, a threshold or a missingness pattern must be unlikely under
    a random assignment of the rows. A table of independent random columns
    gives no rules.

    Candidates are searched on at most ``sample_rows`` rows, and pruned:
    only near-perfectly correlated pairs are fitted as affine relations
    (a number against a column, or against the days between two dates),
    sums and products come from one least-squares fit of each column on the
    others (on logarithms for products) whose coefficients must round to
    small integers, orders are screened with one vectorised comparison per
    column, and a number is tried as decided only by a column with at least
    as many values. The candidates are then checked on all rows.

    Parameters
    ----------
    X : DataFrame or array-like
        The table (it is not modified).
    min_support : float, default=1.0
        Smallest share of rows (with the rule's columns present) that must
        obey a rule for it to be reported. Lower it (e.g. ``0.99``) to also
        see rules with a few exceptions; generators only keep rules that
        hold on every row.
    min_rows : int, default=20
        Fewest rows with the rule's columns present.
    alpha : float, default=1e-3
        Significance level of the tests (before the division by the number
        of candidates tried). Smaller: fewer, surer rules.
    rtol : float, default=1e-6
        Tolerance of formulas, relative to the largest absolute value of
        the computed column. Raise it (e.g. ``1e-3``) for columns rounded
        when stored.
    sample_rows : int, default=5000
        Rows the candidate search looks at (all rows are used to confirm).
    kinds : list of str, default=None
        The families to search (names as above); None: all.
    random_state : int or None, default=0
        Seeds the row sample and the shuffles of the tests.

    Returns
    -------
    rules : RuleSet
        The rules found, with ``support``, ``n_exceptions``, ``exceptions``
        and ``tolerance`` (absolute) recorded; ``rules.to_frame()`` gives a
        table.

    See Also
    --------
    sksynth.rules.RuleKeeper : Keeps rules in generated rows.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sksynth.rules import find_rules
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"a": rng.normal(10, 2, 200)})
    >>> X["b"] = X["a"] + rng.exponential(1, 200)
    >>> X["total"] = X["a"] + X["b"]
    >>> [rule.formula for rule in find_rules(X)]
    ['total = a + b', 'a < b']
    """
    frame = check_dataframe(X)
    kinds = _check_kinds(kinds)
    if not 0 < min_support <= 1:
        raise ValueError(f"min_support must be in (0, 1]; got {min_support!r}.")
    for name, value in (("min_rows", min_rows), ("sample_rows", sample_rows)):
        if not isinstance(value, numbers.Integral) or value < 2:
            raise ValueError(f"{name} must be an integer >= 2; got {value!r}.")
    search = _Search(frame, min_support, min_rows, alpha, rtol, sample_rows, random_state)
    found = []
    for kind in _KINDS:
        if kind in kinds:
            found.extend(getattr(search, "find_" + kind.replace(" ", "_"))())
    return RuleSet(found)


def _check_kinds(kinds):
    if kinds is None:
        return set(_KINDS)
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    unknown = [k for k in kinds if k not in _KINDS]
    if unknown:
        raise ValueError(f"Unknown rule kind(s) {unknown}; valid kinds are {list(_KINDS)}.")
    return set(kinds)


def _log_comb(n, k):
    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)


def _simplest_between(low, high):
    """Return a short number ``t`` with ``low <= t < high``."""
    if low <= 0 < high:
        return 0.0
    for digits in range(-6, 10):
        candidate = float(np.ceil(low * 10.0**digits) / 10.0**digits)
        if low <= candidate < high:
            return candidate
    return float(low)


class _Search(FormulaSearch, ShapeSearch, DependencySearch):
    """Find the rules of every family.

    Formulas are in :class:`FormulaSearch`, the values of one number in
    :class:`ShapeSearch`, columns deciding others in :class:`DependencySearch`.
    """

    def find_band(self):
        bands = find_bands(
            self.frame, self.sample, self.numbers, self.rng, min_rows=self.min_rows,
            taken=self.derived, read_only=self.looked_up,
        )
        for band in bands:  # a band spans every row: support 1, recorded like the others
            band._score(self.frame)
        return bands

    # --------------------------------------------------------------- orders
    def find_order(self):
        found = []
        for columns in (self._free(self.numbers), self.dates):
            found += self._orders(columns)
        return found

    def _orders(self, columns):
        m = len(columns)
        if m < 2:
            return []
        V = self._matrix(columns)
        present = ~np.isnan(V)
        n_tests = m * (m - 1)
        edges = {}
        for i in range(m):
            both = present[:, [i]] & present
            with np.errstate(invalid="ignore"):
                le = (V[:, [i]] <= V) | ~both
            share = le.mean(axis=0)
            for j in np.flatnonzero(share >= self.min_support):
                if j != i and both[:, j].sum() >= self.min_rows:
                    edges[(i, j)] = None
        # a <= b and b <= a: equal columns (a formula), not an order
        edges = {e for e in edges if (e[1], e[0]) not in edges}
        found = {}
        for i, j in edges:
            if self._order_significant(V[:, i], V[:, j], n_tests):
                rule = Inequality(columns[i], columns[j])
                strict = Inequality(columns[i], columns[j], strict=True)
                if self._confirm(strict):
                    rule = strict
                if self._confirm(rule):
                    found[(i, j)] = rule
        # transitive reduction: drop a <= c when a <= b and b <= c
        kept = [
            rule
            for (i, k), rule in sorted(found.items())
            if not any((i, j) in found and (j, k) in found for j in range(m))
        ]
        return kept

    def _order_significant(self, a, b, n_tests):
        both = ~np.isnan(a) & ~np.isnan(b)
        a, b = a[both], b[both]
        n = len(a)
        shuffled = [a <= np.roll(b, shift) for shift in self.rng.integers(1, n, size=5)]
        p = float(np.mean(shuffled))
        holds = int((a <= b).sum())
        if p >= 1.0:
            return False
        return binom.sf(holds - 1, n, p) < self._n_tests(n_tests)

    # ----------------------------------------------------------- thresholds
    def find_threshold(self):
        numbers = self._free(self.numbers)
        n_tests = max(len(self.labels) * len(numbers), 1)
        found = []
        for label in self.labels:
            if label in self.derived:
                continue
            for number in numbers:
                if number == label:
                    continue
                rule = self._threshold(label, number, n_tests)
                if rule is not None:
                    found.append(rule)
                    self.derived.add(label)
                    break
        return found

    def _threshold(self, label, number, n_tests):
        values = self.frame[[label, number]].dropna()
        if len(values) < self.min_rows or values[label].nunique() != 2:
            return None
        x = numeric(values[number])
        first, second = values[label].unique()[:2]
        in_first = (values[label] == first).to_numpy()
        lo_first, hi_first = x[in_first].min(), x[in_first].max()
        lo_second, hi_second = x[~in_first].min(), x[~in_first].max()
        if hi_first < lo_second:
            below, above, low, high = first, second, hi_first, lo_second
        elif hi_second < lo_first:
            below, above, low, high = second, first, hi_second, lo_first
        else:
            return None
        k = int(in_first.sum())
        if 2 * np.exp(-_log_comb(len(x), k)) >= self._n_tests(n_tests) or min(k, len(x) - k) < 3:
            return None
        rule = CategoryThreshold(
            label, number, threshold=_simplest_between(low, high),
            above=_plain(above), below=_plain(below),
        )
        return self._confirm(rule)

    def find_zero_iff(self):
        numbers = self._free(self.numbers)
        zeros = [c for c in numbers if 3 <= (self.frame[c] == 0).sum() <= len(self.frame) - 3]
        n_tests = max(len(zeros) ** 2, 1)
        found = []
        for j, column in enumerate(zeros):
            for by in zeros[:j]:
                pair = self.frame[[column, by]].dropna()
                a, b = (pair[column] == 0).to_numpy(), (pair[by] == 0).to_numpy()
                if len(pair) < self.min_rows or not (a == b).all():
                    continue
                k = int(a.sum())
                if min(k, len(a) - k) < 3 or -_log_comb(len(a), k) >= np.log(
                    self._n_tests(n_tests)
                ):
                    continue
                rule = self._confirm(ZeroIff(column, by))
                if rule is not None:
                    found.append(rule)
                    break
        return found

    # ----------------------------------------------------------- date parts
    def find_date_part(self):
        if not self.dates:
            return []
        columns = [
            c for c in self.frame.columns
            if c not in self.derived and c not in self.dates and self.frame[c].nunique() <= 400
        ]
        n_tests = max(len(self.dates) * len(columns) * len(PARTS), 1)
        found, learnt_parts = [], {}
        candidates = date_part_candidates(
            self.sample, self.dates, columns, min_rows=self.min_rows,
            log_alpha=np.log(self._n_tests(n_tests)),
        )
        # the column with the most labels sets the date (a weekday name before a
        # weekend flag, which then follows it)
        for rule in sorted(candidates, key=lambda r: -self.sample[r.column].nunique()):
            if rule.column in self.derived:
                continue
            # one column per learnt part of a date (its weekday, its hour) sets the
            # date; another one of the same part (a number beside a name) follows it
            learnt = learnt_parts.get((rule.date, rule.part))
            if learnt is not None:
                rule = FunctionalDependency(learnt, rule.column)
            if self._confirm(rule) is not None:
                found.append(rule)
                if rule.kind == "date part" and rule._anchors():
                    learnt_parts[(rule.date, rule.part)] = rule.column
                else:
                    self.derived.add(rule._writes()[0])
        return found

    # ---------------------------------------------------------- missingness
    def find_missingness(self):
        frame = self.frame
        gaps = [c for c in frame.columns if 3 <= frame[c].isna().sum() <= len(frame) - 3]
        n_tests = max(len(gaps) * (frame.shape[1] - 1), 1)
        found = []
        reported = set()
        for column in gaps:
            missing = frame[column].isna().to_numpy()
            k = int(missing.sum())
            for by in frame.columns:
                if by == column or (by, column) in reported:
                    continue
                rule = self._missing_when(column, by, missing, k, n_tests)
                if rule is not None:
                    found.append(rule)
                    reported.add((column, by))
                    break
        return found

    def _missing_when(self, column, by, missing, k, n_tests):
        values = self.frame[by]
        labels = self.kinds[by] in ("categorical", "boolean") or values.nunique() <= 20
        key = as_labels(values) if labels else (
            values.isna().map({True: MISSING, False: "<present>"})
        )
        when = pd.unique(key[missing])
        if len(when) > 3 or "<present>" in when:
            return None
        matches = key.isin(when).to_numpy()
        if not (matches == missing).all() or matches.all():
            return None
        n_values = max(key.nunique(), 1)
        log_chance = -_log_comb(len(missing), k) + len(when) * np.log(n_values)
        if log_chance >= np.log(self._n_tests(n_tests)):
            return None
        rule = MissingWhen(column, by, [_plain(v) for v in when])
        return self._confirm(rule)
