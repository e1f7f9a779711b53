"""The search for formulas: affine relations, sums, products, ratios, durations, clocks.

A duration is a number that counts the time between two dates: in days or
any unit (``end - start``, ``(end - start) / 365.25``), or in whole units
(``years(born, admitted)``, ``floor((end - start) / 7)``). A clock time
written as ``hhmm`` may be another plus a number of minutes, on a 24-hour
clock (``arr_time = to_hhmm(from_hhmm(sched_arr_time) + arr_delay)``).
"""

from __future__ import annotations

import itertools
import re
from functools import cached_property

import numpy as np
import pandas as pd

from ._clock import ClockGap, circular_gaps, clock_step
from ._expression import _name, _number
from ._formulas import Formula
from ._search import RuleSearch
from ._values import from_hhmm, in_days, numeric

__all__ = ["FormulaSearch"]

_MAX_TERMS = 4
_MAX_COEF = 10
# larger coefficients allowed in sums: unit changes (months, hours, HHMM clocks...)
_UNIT_COEFS = {12, 24, 60, 100, 1000, 3600}
# a clock time follows another (ClockGap) where the minutes between them spread
# over at most this share of its own spread
_GAP_SPREAD = 0.25


def _simplest(value, works):
    """Return the value with fewest significant digits (up to 10) for which ``works`` holds."""
    if value == 0 or works(0.0):
        return 0.0
    for digits in range(1, 11):
        candidate = float(f"{value:.{digits}g}")
        if works(candidate):
            return candidate
    return None


class FormulaSearch(RuleSearch):
    """Find the columns computed from others (the ``"formula"`` family)."""

    def find_formula(self):
        found = self._durations()
        found += self._clock_times()
        found += self._affine()
        for logs in (False, True):
            found += self._combinations(logs)
        return found

    def _formula(self, target, expression, data):
        """Return a Formula with tolerance from rtol, checked on ``data`` (sample half)."""
        rule = Formula(target, expression, rtol=self.rtol)
        return rule if rule.holds(data).mean() >= self.min_support else None

    def _affine(self):
        columns = self.numbers
        if len(columns) < 2:
            return []
        V = self._matrix(columns)
        corr = pd.DataFrame(V).corr(min_periods=self.min_rows).to_numpy()
        half = self._halves()
        found = []
        for j, target in enumerate(columns):
            sources = (
                (_name(columns[i]), V[:, [i, j]]) for i in range(j)
                if columns[i] not in self.derived and abs(corr[i, j]) > 1 - 1e-6
            )
            found += self._first_affine(target, sources, half)
        return found + self._logarithms(columns, V, half)

    def _logarithms(self, columns, V, half):
        """Find numbers that follow another's logarithm (``lwage = log(wage)``).

        Only positive columns are sources; a near-perfect correlation with
        the logarithm picks the candidates, as for affine relations.
        """
        positive = [
            i for i in range(len(columns))
            if columns[i] not in self.derived and np.nanmin(V[:, i]) > 0
        ]
        if not positive:
            return []
        with np.errstate(divide="ignore", invalid="ignore"):
            L = np.log(V[:, positive])
        n = len(columns)
        corr = pd.DataFrame(np.column_stack([V, L])).corr(min_periods=self.min_rows).to_numpy()
        found = []
        for j, target in enumerate(columns):
            if target in self.derived:
                continue
            sources = (
                (f"log({_name(columns[i])})", np.column_stack([L[:, k], V[:, j]]))
                for k, i in enumerate(positive)
                if i != j and columns[i] not in self.derived
                and abs(corr[j, n + k]) > 1 - 1e-6
            )
            found += self._first_affine(target, sources, half)
        return found

    def _durations(self):
        """Find numbers that count the time between two dates (days, hours, years...).

        A number is tried against the days from one date to another, for each
        ordered pair of dates; a near-perfect correlation picks the candidates.
        """
        if len(self.dates) < 2:
            return []
        days = {c: in_days(self.sample[c]) for c in self.dates}
        half = self._halves()
        found = []
        for target in self._free(self.numbers):
            counts = in_days(self.sample[target])
            gaps = (
                (f"{_name(end)} - {_name(start)}", pair)
                for start, end, pair in self._gaps(days, counts, 1 - 1e-6)
            )
            found += self._first_affine(target, gaps, half)
            if target not in self.derived and _whole(counts):
                found += self._whole_units(target, self._gaps(days, counts, 0.7))
        return found

    @cached_property
    def _clock_minutes(self):
        """The sampled rows of each clock column, in minutes since midnight."""
        return {c: from_hhmm(numeric(self.sample[c])) for c in self.clocks}

    def _clock_times(self):
        """Find ``hhmm`` clock times that are another one plus or minus a number of minutes.

        For each ordered pair of clock columns, the minutes from one to the
        other (modulo a day) are compared with every number at once; a
        number equal to them on every sampled row (or to their opposite) is
        a candidate, then confirmed on all rows.
        """
        clocks = self.clocks
        if len(clocks) < 2:
            return []
        minutes = self._clock_minutes
        counts = self._matrix(self.numbers)
        found, read_by = [], {}
        # a time plus minutes first: the actual time from the scheduled one and the delay
        for sign, (target, midnight) in itertools.product((1, -1), clocks.items()):
            if target in self.derived:
                continue
            for source in clocks:
                # the same relation solved for the other clock would close a cycle
                if source == target or read_by.get(source) == target:
                    continue
                rule = self._clock_formula(
                    target, source, sign, midnight, minutes[target] - minutes[source], counts
                )
                if rule is not None:
                    found.append(rule)
                    self.derived.add(target)
                    read_by[target] = source
                    break
        return found

    def find_clock_gap(self):
        """Find clock times that follow another within a window of minutes.

        For each ordered pair of complete clock columns, the minutes from one
        to the other (around their usual gap, modulo a day) must spread over
        at most a quarter of the later one's own spread, on the sample; the
        later one follows the start whose minutes spread least, the window is
        the range over all rows, and no clock time follows itself through
        others.
        """
        complete = [c for c in self.clocks if self.frame[c].notna().all()]
        minutes = self._clock_minutes
        candidates = []
        for start, end in itertools.permutations(complete, 2):
            gaps = circular_gaps(minutes[start], minutes[end])
            if end in self.derived or np.median(gaps) < 0:  # the other way round
                continue
            spread = np.std(gaps) / max(np.std(circular_gaps(0.0, minutes[end])), 1e-9)
            if spread <= _GAP_SPREAD:
                candidates.append((spread, start, end))
        found, follows = [], {}
        for _, start, end in sorted(candidates):
            reached = start  # the chain of starts above this one must not hold end
            while reached in follows and reached != end:
                reached = follows[reached]
            if end in self.derived or reached == end:
                continue
            values = numeric(self.frame[end])
            gaps = circular_gaps(from_hhmm(numeric(self.frame[start])), from_hhmm(values))
            rule = ClockGap(
                start, end, float(gaps.min()), float(gaps.max()),
                step=clock_step(values), midnight=self.clocks[end],
            )
            if self._confirm(rule) is not None:
                found.append(rule)
                self.derived.add(end)
                follows[end] = start
        return found

    def _clock_formula(self, target, source, sign, midnight, gap, counts):
        """Return the confirmed ``target = to_hhmm(from_hhmm(source) ± count)``, or None."""
        present = np.isfinite(counts) & np.isfinite(gap)[:, None]
        with np.errstate(invalid="ignore"):
            same = np.mod(sign * counts, 1440) == np.mod(gap, 1440)[:, None]
        good = (same | ~present).all(axis=0) & (present.sum(axis=0) >= self.min_rows)
        for k in np.flatnonzero(good):
            count = self.numbers[k]
            if count in (target, source):
                continue
            op, written = "+" if sign > 0 else "-", ", 2400" if midnight else ""
            expression = f"to_hhmm(from_hhmm({_name(source)}) {op} {_name(count)}{written})"
            rule = self._confirm(Formula(target, expression, rtol=self.rtol))
            if rule is not None:
                return rule
        return None

    def _gaps(self, days, counts, min_corr):
        """Yield ``(start, end, pair)`` for the date pairs ``counts`` follows closely.

        ``pair`` holds the days from ``start`` to ``end`` and ``counts``.
        """
        for start, end in itertools.permutations(self.dates, 2):
            pair = np.column_stack([days[end] - days[start], counts])
            complete = ~np.isnan(pair).any(axis=1)
            if complete.sum() < self.min_rows or np.unique(pair[complete, 0]).size < 3:
                continue
            # the other order of the dates correlates negatively
            if np.corrcoef(pair[complete].T)[0, 1] > min_corr:
                yield start, end, pair

    def _whole_units(self, target, gaps):
        """Return ``[rule]`` if ``target`` counts whole units between two dates, or ``[]``.

        Whole calendar years or months (an age at an event), whole weeks,
        days or hours: the units within a factor 1.5 of the days per count
        (a rounded-down count correlates less than perfectly) are tried, then
        confirmed on all rows.
        """
        for start, end, pair in gaps:
            complete = ~np.isnan(pair).any(axis=1)
            slope = np.polyfit(pair[complete, 0], pair[complete, 1], 1)[0]
            if slope <= 0:
                continue
            start, end = _name(start), _name(end)
            for length, text in (
                (365.2425, f"years({start}, {end})"),
                (30.436875, f"months({start}, {end})"),
                (7.0, f"floor(({end} - {start}) / 7)"),
                (1.0, f"floor({end} - {start})"),
                (1 / 24, f"floor(24 * ({end} - {start}))"),
            ):
                if not 2 / 3 < slope * length < 1.5:
                    continue
                rule = self._formula(target, text, self.sample)
                if rule is not None and self._confirm(rule):
                    self.derived.add(target)
                    return [rule]
        return []

    def _first_affine(self, target, sources, half):
        """Return ``[rule]`` for the first source that ``target`` follows exactly, or ``[]``.

        ``sources`` yields ``(source text, pair)``; a found ``target`` is
        computed from then on (``derived``).
        """
        for source, pair in sources:
            rule = self._fit_affine(target, source, pair, half)
            if rule is not None and self._confirm(rule):
                self.derived.add(target)
                return [rule]
        return []

    def _halves(self):
        n = len(self.sample)
        return self.rng.permutation(n) < n // 2

    def _fit_affine(self, target, source, pair, half):
        """Return ``target = k * source + c`` fitted on ``pair`` (source values, target's).

        ``source`` is the text of the source expression. A slope below one with
        four digits or more that is one over a shorter number is written as a
        division (``/ 365.25``).
        """
        complete = ~np.isnan(pair).any(axis=1)
        fit_rows, test_rows = complete & half, complete & ~half
        if fit_rows.sum() < self.min_rows // 2 or test_rows.sum() < self.min_rows // 2:
            return None
        k, c = np.polyfit(pair[fit_rows, 0], pair[fit_rows, 1], 1)
        test = self.sample.iloc[np.flatnonzero(test_rows)]

        def holds(slope, constant, per=False):
            return self._formula(target, _affine_text(source, slope, constant, per), test)

        slope, per = _simplest(k, lambda v: holds(v, c)), False
        if slope is None or slope == 0:
            return None
        if _digits(slope) >= 4 and abs(slope) < 1:  # days over 365.25: "/ 365.25"
            divisor = _simplest(1 / k, lambda v: v != 0 and holds(v, c, per=True))
            if divisor and _digits(divisor) < _digits(slope):
                slope, per = divisor, True
        c = _simplest(c, lambda v: holds(slope, v, per))
        if c is None:
            return None
        return self._formula(target, _affine_text(source, slope, c, per), self.sample)

    def _combinations(self, logs):
        """Find sums (or, on logarithms, products and ratios) with small integer coefficients."""
        pool = [c for c in self.numbers if c not in self.derived]
        found = []
        for _ in range(3):  # a found target leaves the pool: nested sums show next round
            new = self._combination_round(pool, logs)
            if not new:
                break
            for rule in new:
                found.append(rule)
                self.derived.add(rule.target)
                pool.remove(rule.target)
        return found

    def _combination_round(self, pool, logs):
        if len(pool) < 3:
            return []
        V = self._matrix(pool)
        if logs:
            with np.errstate(divide="ignore", invalid="ignore"):
                V = np.where(V > 0, np.log(V), np.nan)
        complete = ~np.isnan(V).any(axis=1)
        if complete.sum() < len(pool) + self.min_rows:
            return []
        half = self._halves()
        fit_rows = complete & half
        test = self.sample.iloc[np.flatnonzero(complete & ~half)]
        if fit_rows.sum() < len(pool) + 2:
            return []
        candidates = []
        for j, target in enumerate(pool):
            others = [i for i in range(len(pool)) if i != j]
            A = np.column_stack([V[fit_rows][:, others], np.ones(fit_rows.sum())])
            b = V[fit_rows, j]
            coef, *_ = np.linalg.lstsq(A, b, rcond=None)
            residual = np.abs(b - A @ coef)
            if self.min_support < 1:  # refit without the worst rows (the exceptions)
                keep = residual <= np.quantile(residual, self.min_support)
                coef, *_ = np.linalg.lstsq(A[keep], b[keep], rcond=None)
                residual = np.abs(b - A @ coef)[keep]
            if residual.max() > max(1e-3, 10 * self.rtol) * max(np.abs(b).max(), 1e-12):
                continue
            terms = {pool[i]: coef[k] for k, i in enumerate(others)}
            text = _integer_terms(terms, logs)
            if text is None:
                continue
            candidates.append((target, text, terms, coef[-1], j))
        # prefer totals (all coefficients positive), a product or ratio that
        # computes a column of fractions rather than a count (the count would
        # come back as a fraction), then fewer terms, then the rightmost column
        # as the computed one (derived columns are often added last)
        candidates.sort(
            key=lambda c: (
                0 if logs else sum(v < -0.5 for v in c[2].values()),
                logs and pd.api.types.is_integer_dtype(self.frame[c[0]].dtype),
                len(c[2]),
                -c[4],
            )
        )
        accepted = []
        used = set()
        for target, text, _terms, intercept, _ in candidates:
            reads = set(Formula(target, text).expression.columns)
            if target in used or reads & {r.target for r in accepted}:
                continue
            rule = self._with_constant(target, text, intercept, logs, test)
            if rule is not None and self._confirm(rule):
                accepted.append(rule)
                used |= reads | {target}
        return accepted

    def _with_constant(self, target, text, intercept, logs, test):
        if logs:
            factor = _simplest(
                float(np.exp(intercept)),
                lambda v: self._formula(target, _times(v, text), test),
            )
            return None if factor is None else self._formula(target, _times(factor, text), test)
        constant = _simplest(
            float(intercept), lambda v: self._formula(target, _plus(text, v), test)
        )
        return None if constant is None else self._formula(target, _plus(text, constant), test)


def _affine_text(source, k, c, per=False):
    """Return ``k * source + c`` as text (``source / k + c`` with ``per``).

    ``source`` is a column name or an expression.
    """
    if k == 1:
        return _plus(source, c)
    grouped = source if _is_name(source) else f"({source})"
    term = f"{grouped} / {_number(k)}" if per else f"{_number(k)} * {grouped}"
    return _plus(term, c)


def _whole(values):
    """Whether every present value is a whole number."""
    present = values[~np.isnan(values)]
    return present.size > 0 and bool(np.all(present == np.round(present)))


def _digits(value):
    """Significant digits of ``value`` as a formula writes it."""
    return len(f"{abs(float(value)):.9e}".split("e")[0].replace(".", "").rstrip("0"))


def _is_name(text):
    return re.fullmatch(r"`[^`]*`|[A-Za-z_][A-Za-z0-9_]*", text) is not None


def _plus(text, constant):
    if not constant:
        return text
    return f"{text} {'-' if constant < 0 else '+'} {_number(abs(constant))}"


def _times(factor, text):
    if factor == 1:
        return text
    if text.startswith("1 / "):
        return f"{_number(factor)} / {text[4:]}"
    return f"{_number(factor)} * {text}"


def _integer_terms(terms, logs):
    """Return the expression of ``terms`` with coefficients rounded to small integers, or None."""
    # a loose screen: the formula is then checked on held-out rows and all rows
    kept = {}
    for column, coef in terms.items():
        if abs(coef) < 0.5:
            continue
        rounded = round(coef)
        if abs(coef - rounded) > 0.1 or (
            abs(rounded) > _MAX_COEF and abs(rounded) not in _UNIT_COEFS
        ):
            return None
        kept[column] = int(rounded)
    # on logarithms one term is a power or a reciprocal (``c * x`` is affine, found before)
    if not kept or len(kept) > _MAX_TERMS or (logs and list(kept.values()) == [1]):
        return None
    positive = [c for c, v in kept.items() if v > 0]
    negative = [c for c, v in kept.items() if v < 0]
    if logs:
        if any(abs(v) > 2 for v in kept.values()):
            return None
        top = " * ".join(_name(c) for c in positive for _ in range(kept[c])) or "1"
        bottom = [_name(c) for c in negative for _ in range(-kept[c])]
        return top + "".join(f" / {b}" for b in bottom)
    text = ""
    for column, coef in kept.items():
        sign = "-" if coef < 0 else "+"
        term = _name(column) if abs(coef) == 1 else f"{abs(coef)} * {_name(column)}"
        text = f"{'-' if sign == '-' else ''}{term}" if not text else f"{text} {sign} {term}"
    return text
