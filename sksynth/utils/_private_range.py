"""Differentially private range of a numeric column, for small tables and small budgets.

Shared by every private sampler (the marginal sampler and the DP-SGD ones):
the range decides the bins of a number or the scale of its normaliser, and
must itself be private.

Each end of the range is a fixed, data-independent candidate point (by
default signed powers of two, ``2**-10 .. 2**40``, and zero: a bound is
found within a factor of two), found by a scan: the scan for the upper end
starts at zero and moves up to the first point above which few values lie,
so the empty candidates beyond the data never compete with the right answer
(the sparse vector technique); the lower end likewise, downwards. When the
budget is small the number of values left out at each end grows (from 1% of
the rows up to a quarter) and the range is widened outwards in proportion
(up to Tukey's fences, 1.5 times the inter-quartile range). This keeps
working at an epsilon of about 0.1 on a thousand rows, where a thresholded
histogram finds nothing; below that, declare the bounds.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["SIGNED_LOG_EDGES", "private_range"]

_MAGNITUDES = 2.0 ** np.arange(-10, 41)
SIGNED_LOG_EDGES = np.concatenate([-_MAGNITUDES[::-1], [0.0], _MAGNITUDES])


def _first_below(counts, threshold, epsilon, rng):
    """Index of the first count whose noisy value falls below a noisy ``threshold``.

    The sparse vector technique for *monotonic* queries (Lyu, Su and Li,
    2017, Algorithm 7 and Theorem 4): the counts of values beyond a moving
    point all grow or all shrink together when a row is added, so
    ``Laplace(2 / epsilon)`` on the threshold and on each count (half the
    budget each) make the index of the first crossing ``epsilon``-DP, however
    many counts are scanned. Drawing all the noise at once is the same as
    drawing it count by count, since nothing after the crossing is released.
    """
    noisy_threshold = threshold + rng.laplace(scale=2.0 / epsilon)
    noisy = counts + rng.laplace(scale=2.0 / epsilon, size=len(counts))
    hits = np.flatnonzero(noisy < noisy_threshold)
    return int(hits[0]) if len(hits) else len(counts) - 1


def private_range(values, epsilon, rng, *, candidates=None):
    """Epsilon-DP range ``(low, high)`` of ``values``.

    The upper end is the first candidate, scanning upwards from zero, above
    which fewer than about ``k`` values lie; the lower end, scanning
    downwards from zero, the first below which fewer than ``k`` lie (each found by the sparse
    vector technique with half the budget). ``k`` is 1% of the rows, or more
    when the budget is too small to count that few (up to a quarter of the
    rows); the range is then widened outwards in proportion to ``k`` (by
    1.5 times its width at a quarter, Tukey's fences).

    Parameters
    ----------
    values : ndarray
        Private values (NaN ignored; the number of rows is taken as public).
    epsilon : float
        Budget of the whole estimate (half for each end).
    rng : numpy.random.Generator
    candidates : ndarray, default=None
        Sorted candidate points; default :data:`SIGNED_LOG_EDGES`.

    Returns
    -------
    (low, high) : tuple of float, or None
        ``None`` when ``values`` holds no number. Values outside the range
        exist (a few percent, more at very small budgets): whoever uses it
        clips them and says how many.

    Examples
    --------
    >>> import numpy as np
    >>> from sksynth.utils._private_range import private_range
    >>> values = np.random.default_rng(0).uniform(20, 80, size=1000)
    >>> low, high = private_range(values, 0.2, np.random.default_rng(1))
    >>> 0 <= low <= 20 and 80 <= high <= 200
    True
    """
    candidates = SIGNED_LOG_EDGES if candidates is None else np.asarray(candidates, float)
    values = np.asarray(values, dtype=float)
    values = np.sort(values[~np.isnan(values)])
    n = len(values)
    if n == 0:
        return None
    half = epsilon / 2.0
    # rows left out at each end: enough to stand out of the scan's noise
    k = max(math.ceil(0.01 * n), math.ceil(8.0 / half))
    k = min(k, max(n // 4, 1))
    # both scans start at zero (or the candidate nearest it) and move outwards: few
    # candidates lie between zero and the data, so few chances of stopping too early
    origin = int(np.clip(np.searchsorted(candidates, 0.0), 0, len(candidates) - 1))
    upward, downward = candidates[origin:], candidates[: origin + 1][::-1]
    above = n - np.searchsorted(values, upward, side="right")  # values > c
    below = np.searchsorted(values, downward, side="left")  # values < c
    high = float(upward[_first_below(above, k, half, rng)])
    low = float(downward[_first_below(below, k, half, rng)])
    width = high - low
    # a scan that stops within a hair of zero found the data on one side of it
    low = 0.0 if low < 0 and -low <= 1e-3 * width else low
    high = 0.0 if high > 0 and high <= 1e-3 * width else high
    widen = min(1.5, 6.0 * k / n)
    width = high - low
    if width <= 0:
        width = max(abs(low) * 0.1, 1e-3)
        widen = max(widen, 0.5)
    # widening never crosses zero: a range found on one side of it stays there
    new_low, new_high = low - widen * width, high + widen * width
    if low >= 0 > new_low:
        new_low = 0.0
    if high <= 0 < new_high:
        new_high = 0.0
    if new_high <= new_low:  # nothing to go by (tiny budgets): a unit range at the origin
        new_high = new_low + max(abs(new_low) * 0.1, 1.0)
    return float(new_low), float(new_high)
