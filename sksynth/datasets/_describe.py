"""JSON-safe records of parameter values, estimators and pipeline steps, for dataset cards."""

from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

__all__: list[str] = []

_MAX_ARRAY = 100


def _qualified_name(obj) -> str:
    kind = obj if isinstance(obj, type) else type(obj)
    return f"{kind.__module__}.{kind.__qualname__}"


def jsonable(value, depth: int = 0):
    """Render a parameter value as JSON: plain values as is, the rest as readable text."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        return value if math.isfinite(value) else repr(value)
    if depth > 6:
        return repr(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return [jsonable(v, depth + 1) for v in items]
    if isinstance(value, np.ndarray):
        if value.size <= _MAX_ARRAY:
            return [jsonable(v, depth + 1) for v in value.tolist()]
        return f"<ndarray shape={value.shape} dtype={value.dtype}>"
    if isinstance(value, pd.Series | pd.DataFrame | pd.Index):
        return f"<{type(value).__name__} shape={value.shape}>"
    if isinstance(value, type):
        return _qualified_name(value)
    if hasattr(value, "get_params") and not isinstance(value, type):
        return _describe_estimator(value, depth + 1)
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '?')}.{value.__qualname__}"
    if isinstance(value, np.random.RandomState | np.random.Generator):
        return f"<{type(value).__name__}>"
    return repr(value)


def _is_fitted(estimator) -> bool | None:
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        return False
    except (TypeError, ValueError, AttributeError):
        return None
    return True


def _describe_estimator(estimator, depth: int = 0) -> dict:
    try:
        params = estimator.get_params(deep=False)
    except Exception as exc:  # a broken get_params must not lose the whole card
        params = {"<get_params failed>": repr(exc)}
    return {
        "class": _qualified_name(estimator),
        "params": {k: jsonable(v, depth + 1) for k, v in sorted(params.items())},
        "fitted": _is_fitted(estimator),
    }


def _describe_step(name, step) -> dict:
    if step is None or (isinstance(step, str) and step in ("passthrough", "drop")):
        return {"name": name, "class": str(step), "params": {}, "fitted": None}
    if isinstance(step, str):
        return {"name": name, "description": step}
    if isinstance(step, dict):
        return {"name": name, **{str(k): jsonable(v) for k, v in step.items()}}
    if not hasattr(step, "get_params"):
        raise TypeError(
            f"steps must hold estimators, (name, estimator) pairs, strings or dicts; "
            f"step {name!r} is a {type(step).__name__}."
        )
    return {"name": name, **_describe_estimator(step)}


def describe_steps(steps) -> list:
    """Record a fitted pipeline, an estimator or a list of steps as JSON-safe dicts."""
    if steps is None:
        return []
    if hasattr(steps, "steps") and hasattr(steps, "get_params"):  # a (imblearn) Pipeline
        return [_describe_step(name, step) for name, step in steps.steps]
    if hasattr(steps, "get_params") or isinstance(steps, str | dict):
        return [_describe_step(_default_name(steps, 0), steps)]
    if isinstance(steps, list | tuple):
        described = []
        for i, step in enumerate(steps):
            if isinstance(step, tuple) and len(step) == 2 and isinstance(step[0], str):
                described.append(_describe_step(step[0], step[1]))
            else:
                described.append(_describe_step(_default_name(step, i), step))
        return described
    raise TypeError(
        "steps must be None, an estimator or Pipeline, or a list of estimators, "
        f"(name, estimator) pairs, strings or dicts; got {type(steps).__name__}."
    )


def _default_name(step, position: int) -> str:
    if isinstance(step, dict) and "name" in step:
        return str(step["name"])
    if hasattr(step, "get_params"):
        return type(step).__name__.lower()
    return f"step{position}"
