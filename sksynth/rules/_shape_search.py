"""The search for the values of one number: clock times, grids, point masses, bounds.

Each runs over the numbers no formula computes, and keeps a candidate only
where chance on the table's rows cannot explain it (see :func:`find_rules`).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import binom

from ._clock import ClockTime, clock_step
from ._rounding import RoundValues
from ._search import RuleSearch
from ._shapes import Grid, PointMasses, Range
from ._values import decimal_grid, numeric

__all__ = ["ShapeSearch"]

# steps tried for round values, in units of the column's own grid
_ROUND_MULTIPLES = (2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000)
_MAX_ROUND_STEPS = 6
# steps a grid is tried on, largest first, in units of the values' decimals
_GRID_MULTIPLES = (1000, 500, 250, 200, 100, 50, 25, 20, 10, 5, 2)


class ShapeSearch(RuleSearch):
    """Find the rules of one number's values.

    The ``"clock time"``, ``"grid"``, ``"point masses"``, ``"rounding"`` and
    ``"range"`` families.
    """

    def _per_number(self, finder):
        """Rules of ``finder(column)`` over the numbers no formula computes (None: none)."""
        found = (finder(column) for column in self._free(self.numbers))
        return [rule for rule in found if rule is not None]

    def find_clock_time(self):
        return self._per_number(self._clock_time)

    def _clock_time(self, column):
        if column not in self.clocks:
            return None
        step = clock_step(numeric(self.frame[column]))
        return self._confirm(ClockTime(column, step=step, midnight=self.clocks[column]))

    def find_grid(self):
        return self._per_number(self._grid)

    def _grid(self, column):
        values = numeric(self.frame[column])
        values = values[np.isfinite(values)]
        distinct = np.unique(values)
        if len(distinct) < 3:
            return None
        base = decimal_grid(distinct)
        if base is None:
            return None
        multiple = round(decimal_grid(distinct, _GRID_MULTIPLES) / base)
        integer = self.kinds[column] == "integer"
        if integer and base == 1 and multiple == 1:
            return None  # whole numbers: the column's own kind says so
        # chance that the distinct values sit on the grid by luck
        chance = (1 / multiple) ** len(distinct) if integer and base == 1 else 0.0
        if multiple > 1 and chance >= self._n_tests(len(self.numbers)):
            if base == 1:
                return None
            multiple = 1
        return self._confirm(Grid(column, float(f"{base * multiple:.10g}")))

    def find_point_masses(self):
        found = []
        for column in self._free(self.numbers):
            values = self.frame[column].dropna()
            counts = values.value_counts()
            if len(counts) < 10 or len(values) < self.min_rows:
                continue
            share = counts / len(values)
            typical = float(share.iloc[5:].median()) if len(share) > 5 else float(share.median())
            masses = share[(share >= 0.02) & (share >= 10 * typical)].index[:5]
            if len(masses) and len(counts) - len(masses) >= 5:
                rule = PointMasses(column, sorted(float(v) for v in masses))
                found.append(self._confirm(rule))
        return [r for r in found if r is not None]

    def find_rounding(self):
        return self._per_number(self._rounding)

    def _rounding(self, column):
        """Return the round values of ``column``: steps holding far more values than chance.

        The values' own grid (whole numbers, cents, a declared step) is the
        unit; a step of ``m`` units would hold a share ``1 / m`` of values
        spread over the grid by chance. A step is kept when it holds a tenth
        of the values, three times its chance share, on at least three of its
        multiples, and a binomial test rejects chance; at most
        :data:`_MAX_ROUND_STEPS` steps, those most above chance.
        """
        values = numeric(self.frame[column])
        values = values[np.isfinite(values) & (values != 0)]
        if len(values) < self.min_rows or len(np.unique(values)) < 10:
            return None
        base = decimal_grid(values, sorted(_ROUND_MULTIPLES, reverse=True))
        if base is None:
            return None
        units = np.round(np.abs(values) / base)
        top = units.max()
        lifts = {}
        for m in _ROUND_MULTIPLES:
            if m > top:
                break
            on_step = units % m == 0
            share = float(np.mean(on_step))
            chance = 1.0 / m
            # one or two round values are point masses, not rounding (a year 2000)
            if share < 0.1 or share < 3 * chance or len(np.unique(units[on_step])) < 3:
                continue
            hits = int(round(share * len(units)))
            if binom.sf(hits - 1, len(units), chance) >= self._n_tests(len(self.numbers)):
                continue
            lifts[m] = share / chance
        if not lifts:
            return None
        kept = sorted(lifts, key=lambda m: -lifts[m])[:_MAX_ROUND_STEPS]
        return self._confirm(
            RoundValues(column, [float(f"{base * m:.10g}") for m in sorted(kept)])
        )

    def find_range(self):
        found = []
        for column in self._free(self.numbers):
            values = numeric(self.frame[column])
            values = values[np.isfinite(values)]
            low, high = values.min(), values.max()
            if low < 0 or len(values) < self.min_rows or low > 0.05 * (high - low):
                continue
            upper = 1.0 if (high <= 1 and high >= 0.95) else None
            found.append(self._confirm(Range(column, 0.0, upper)))
        return [r for r in found if r is not None]
