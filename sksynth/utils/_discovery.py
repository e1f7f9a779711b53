"""Discovery of sksynth's public estimators (used by the common tests)."""

from __future__ import annotations

import inspect
import pkgutil
from importlib import import_module

from sklearn.base import BaseEstimator

__all__ = ["all_estimators"]

_TYPE_FILTERS = {
    "transformer": lambda est: hasattr(est, "transform"),
    "sampler": lambda est: hasattr(est, "fit_resample"),
    "generator": lambda est: hasattr(est, "sample") and hasattr(est, "fit_resample"),
}


def all_estimators(type_filter=None):
    """List the public estimators defined in sksynth.

    Every module of the package is imported (private implementation modules
    included, test modules excluded) and the public, concrete subclasses of
    :class:`sklearn.base.BaseEstimator` defined in sksynth are collected. The
    skorch nets of :mod:`sksynth.nn` are left out: they follow skorch's
    conventions (attributes set in ``__init__``, ``**kwargs`` routing) and are
    owned by the samplers as ``net_``, not used as scikit-learn estimators.

    Parameters
    ----------
    type_filter : {"transformer", "sampler", "generator"} or list of those, default=None
        Keep only estimators of these types; ``None`` keeps all.

    Returns
    -------
    estimators : list of (str, type)
        ``(name, class)`` pairs sorted by name.

    Examples
    --------
    >>> from sksynth.utils import all_estimators
    >>> names = [name for name, _ in all_estimators()]
    >>> names == sorted(names)
    True
    """
    from skorch import NeuralNet

    import sksynth

    if type_filter is None:
        filters = []
    else:
        filters = [type_filter] if isinstance(type_filter, str) else list(type_filter)
        unknown = [f for f in filters if f not in _TYPE_FILTERS]
        if unknown:
            raise ValueError(
                f"type_filter got {unknown}; expected None or some of {sorted(_TYPE_FILTERS)}."
            )
    found = {}
    for info in pkgutil.walk_packages(sksynth.__path__, prefix="sksynth."):
        parts = info.name.split(".")
        if "tests" in parts or parts[1] in {"__main__", "demo", "cli"}:
            continue
        module = import_module(info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if (
                name.startswith("_")
                or not cls.__module__.startswith("sksynth.")
                or not issubclass(cls, BaseEstimator)
                or issubclass(cls, NeuralNet)
                or inspect.isabstract(cls)
                or name.startswith("Base")
            ):
                continue
            found[name] = cls
    estimators = sorted(found.items())
    if filters:
        estimators = [
            (name, cls) for name, cls in estimators if any(_TYPE_FILTERS[f](cls) for f in filters)
        ]
    return estimators
