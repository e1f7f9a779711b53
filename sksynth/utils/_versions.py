"""Versions of the libraries that produced a file (model files, dataset cards)."""

from __future__ import annotations

import platform

import numpy as np
import pandas as pd
import sklearn

from .. import __version__

__all__ = ["library_versions"]


def library_versions():
    """Return the versions of sksynth, Python, numpy, pandas and scikit-learn.

    Returns
    -------
    versions : dict of str to str

    Examples
    --------
    >>> from sksynth.utils._versions import library_versions
    >>> sorted(library_versions())
    ['numpy', 'pandas', 'python', 'scikit-learn', 'sksynth']
    """
    return {
        "sksynth": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scikit-learn": sklearn.__version__,
    }
