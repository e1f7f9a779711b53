"""Rules between columns: found in a table, declared by users, kept by generators.

:func:`find_rules` finds the exact rules a table's rows obey (formulas,
bands, orders, dependencies, clock times, grids, point masses, bounds,
missingness); the rule classes declare them by hand; :class:`RuleKeeper`
reparameterises a table so that a generator's rows obey them all.
"""

from ._bands import Band
from ._categories import CategoryThreshold, FixedCombinations, FunctionalDependency
from ._clock import ClockGap, ClockTime
from ._dates import DatePart
from ._discovery import find_rules
from ._formulas import Formula, Inequality
from ._keep import RuleKeeper, fit_keeper
from ._missingness import MissingWhen, ZeroIff
from ._rounding import RoundValues
from ._shapes import Grid, PointMasses, Range
from .base import Rule, RuleSet, RuleViolationError

__all__ = [
    "Band",
    "CategoryThreshold",
    "ClockGap",
    "ClockTime",
    "DatePart",
    "FixedCombinations",
    "Formula",
    "FunctionalDependency",
    "Grid",
    "Inequality",
    "MissingWhen",
    "PointMasses",
    "Range",
    "RoundValues",
    "Rule",
    "RuleKeeper",
    "RuleSet",
    "RuleViolationError",
    "ZeroIff",
    "find_rules",
    "fit_keeper",
]
