"""Doctests of modules built on an optional dependency are skipped when it is missing.

CI installs every extra (``pip install -e ".[dev]"``), so there they all run; on a machine
without ``dask`` the doctest of :func:`sksynth.io.sample_to_parquet_dask` is skipped, not
failed (the function itself raises an ImportError naming the extra, which is tested).
"""

import importlib.util

import pytest

# doctests by the file that holds them -> the packages they need
_DOCTEST_NEEDS = {"sksynth/io/_dask.py": ("dask", "distributed")}


def pytest_collection_modifyitems(config, items):
    """Mark the doctests of :data:`_DOCTEST_NEEDS` skipped when a package they need is absent."""
    for item in items:
        path = item.nodeid.split("::")[0]
        missing = [m for m in _DOCTEST_NEEDS.get(path, ()) if importlib.util.find_spec(m) is None]
        if missing:
            item.add_marker(pytest.mark.skip(reason=f"needs the optional package(s) {missing}"))
