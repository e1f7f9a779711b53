"""Rules between columns: found in a table, declared by users, kept by generators.

:func:`find_rules` finds the exact rules a table's rows obey (formulas,
bands, orders, dependencies, grids, point masses, bounds, missingness); the rule
classes declare them by hand; :class:`RuleKeeper` reparameterises a table so
that a generator's rows obey them all.
"""

from ._bands import Band
from ._declared import (
    CategoryThreshold,
    FixedCombinations,
    Formula,
    FunctionalDependency,
    Grid,
    Inequality,
    MissingWhen,
    PointMasses,
    Range,
    ZeroIff,
)
from ._discovery import find_rules
from ._keep import RuleKeeper, fit_keeper
from .base import Rule, RuleSet, RuleViolationError

__all__ = [
    "Band",
    "CategoryThreshold",
    "FixedCombinations",
    "Formula",
    "FunctionalDependency",
    "Grid",
    "Inequality",
    "MissingWhen",
    "PointMasses",
    "Range",
    "Rule",
    "RuleKeeper",
    "RuleSet",
    "RuleViolationError",
    "ZeroIff",
    "find_rules",
    "fit_keeper",
]
