"""Warnings that point at the user's line, not at sksynth's internals."""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import imblearn
import joblib
import sklearn
import sklearn_compat
import skorch

__all__ = ["warn_caller"]

# frames in these packages are skipped: a warning raised while a Pipeline fits a
# sksynth step points at the line that called the pipeline (joblib: its caching
# wraps the pipeline's steps)
_INTERNAL = tuple(
    str(Path(path).resolve()) + os.sep
    for path in (
        Path(__file__).resolve().parents[1],
        Path(sklearn.__file__).parent,
        Path(imblearn.__file__).parent,
        Path(skorch.__file__).parent,
        Path(joblib.__file__).parent,
        Path(sklearn_compat.__file__).parent,
    )
)


def _internal(filename: str) -> bool:
    return filename.startswith(_INTERNAL) or filename.startswith("<frozen")


def warn_caller(message, category=UserWarning):
    """Issue a warning attributed to the first line outside sksynth and scikit-learn.

    Parameters
    ----------
    message : str
        The warning's text.
    category : type of Warning, default=UserWarning
        The warning's class.

    Examples
    --------
    >>> import warnings
    >>> from sksynth.utils import warn_caller
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_caller("look")
    >>> str(caught[0].message)
    'look'
    """
    frame = sys._getframe(1)
    level = 2
    while frame is not None and _internal(str(Path(frame.f_code.co_filename).resolve())):
        frame = frame.f_back
        level += 1
    if frame is None:  # called from nowhere but sksynth itself: point at the direct caller
        level = 2
    warnings.warn(message, category, stacklevel=level)
