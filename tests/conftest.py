"""Shared fixtures: small real-looking mixed-type tables used across the suite."""

import importlib.util

import numpy as np
import pandas as pd
import pytest

try:  # keep each pytest-xdist worker on one core: the machines have two
    import torch

    torch.set_num_threads(1)
except ImportError:  # pragma: no cover
    pass

# doctests of the package, by the file that holds them -> the optional packages they need.
# CI installs every extra (``pip install -e ".[dev]"``), so there they all run; elsewhere
# they are skipped, not failed, when a package is missing (the functions themselves raise
# an ImportError naming the extra, which is tested). The hook is global: it also sees the
# package's doctests when the whole suite runs (``make test``).
_DOCTEST_NEEDS = {"sksynth/io/_dask.py": ("dask", "distributed")}


def pytest_collection_modifyitems(config, items):
    """Mark the doctests of :data:`_DOCTEST_NEEDS` skipped when a package they need is absent."""
    for item in items:
        path = item.nodeid.split("::")[0]
        missing = [m for m in _DOCTEST_NEEDS.get(path, ()) if importlib.util.find_spec(m) is None]
        if missing:
            item.add_marker(pytest.mark.skip(reason=f"needs the optional package(s) {missing}"))


def make_mixed_frame(n=200, seed=0):
    """A mixed-type table: float, int, nullable int, category, object, bool, NaN."""
    rng = np.random.default_rng(seed)
    income = rng.lognormal(10, 0.5, n)
    income[rng.random(n) < 0.1] = np.nan
    frame = pd.DataFrame(
        {
            "income": income,
            "age": rng.integers(18, 80, n),
            "children": pd.array(rng.integers(0, 4, n), dtype="Int64"),
            "home": pd.Categorical(
                rng.choice(["rent", "owner", "parents"], n, p=[0.5, 0.4, 0.1]),
                categories=["owner", "parents", "rent"],
            ),
            "job": rng.choice(["fixed", "freelance", "others"], n).astype(object),
            "married": rng.random(n) < 0.5,
        }
    )
    frame.loc[rng.random(n) < 0.05, "job"] = np.nan
    return frame


@pytest.fixture
def mixed_frame():
    """200 rows of a mixed-type table with missing values."""
    return make_mixed_frame()


@pytest.fixture
def mixed_xy():
    """A mixed-type table and an imbalanced binary target (about 3:1)."""
    X = make_mixed_frame(n=240, seed=1)
    rng = np.random.default_rng(1)
    score = np.log(X["income"].fillna(X["income"].median())) + 0.02 * X["age"]
    y = pd.Series(
        np.where(score + rng.normal(0, 0.3, len(X)) > np.quantile(score, 0.75), 1, 0),
        name="target",
    )
    return X, y
