"""Tukey's fences that follow the shape of each column: on a log scale when it is right-skewed."""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["iqr_fences"]

# a non-negative column whose body is more right-skewed than this (Kelly's
# skewness, from the 10th, 50th and 90th percentiles, which a few extreme values
# do not move) gets its fences on a log scale
_SKEW_FOR_LOG = 0.2


def _body_skewness(values):
    p10, p50, p90 = np.nanpercentile(values, [10, 50, 90], axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (p90 + p10 - 2 * p50) / (p90 - p10)


def iqr_fences(values, factor=1.5):
    """Return Tukey's fences per column, taken on a log scale for skewed non-negative columns.

    ``[Q1 - factor * IQR, Q3 + factor * IQR]`` on the values themselves, or, for a
    column with no negative value whose bulk is right-skewed (Kelly's skewness
    ``(P90 + P10 - 2 P50) / (P90 - P10)`` above 0.2: incomes, counts, areas),
    the same fences computed on ``log1p`` of the values and mapped back: on such
    columns the plain rule puts the lower fence below zero and flags the whole
    long tail. Missing values are ignored; a column without spread between its
    quartiles gets NaN fences (no outliers).

    Parameters
    ----------
    values : ndarray of shape (n_samples, n_columns)
        Floats, NaN for missing.
    factor : float, default=1.5
        The width of the fences, in interquartile ranges.

    Returns
    -------
    lower, upper : ndarray of shape (n_columns,)
        The fences.
    log_scale : ndarray of bool of shape (n_columns,)
        Whether each column's fences were taken on the log scale.

    Examples
    --------
    >>> import numpy as np
    >>> from sksynth.utils import iqr_fences
    >>> lower, upper, log_scale = iqr_fences(np.array([[1.0], [2.0], [3.0], [4.0], [5.0]]))
    >>> float(lower[0]), float(upper[0]), bool(log_scale[0])
    (-1.0, 7.0, False)
    """
    values = np.asarray(values, dtype="float64")
    n_columns = values.shape[1]
    if values.shape[0] == 0 or n_columns == 0:
        empty = np.full(n_columns, np.nan)
        return empty, empty.copy(), np.zeros(n_columns, dtype=bool)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-missing columns
        log_scale = (np.nanmin(values, axis=0) >= 0) & (_body_skewness(values) > _SKEW_FOR_LOG)
        scaled = np.where(log_scale, np.log1p(np.where(values >= 0, values, np.nan)), values)
        q1, q3 = np.nanpercentile(scaled, [25, 75], axis=0)
    spread = q3 - q1
    lower, upper = q1 - factor * spread, q3 + factor * spread
    with np.errstate(over="ignore"):  # np.where maps every column; only log ones are kept
        lower = np.where(log_scale, np.maximum(np.expm1(lower), 0.0), lower)
        upper = np.where(log_scale, np.expm1(upper), upper)
    no_spread = ~(spread > 0)
    lower[no_spread], upper[no_spread] = np.nan, np.nan
    return lower, upper, log_scale & ~no_spread
