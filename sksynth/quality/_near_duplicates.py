"""Near-duplicate rows: pairs of distinct rows within a small distance of each other."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["near_duplicate_matrix", "find_near_duplicates"]

_PAIR_CHUNK = 65_536  # candidate pairs whose distances are computed at once
_N_PROJECTIONS = 4  # random directions: the first finds candidates, the others filter them


def _standardise(finite: np.ndarray, numbers: np.ndarray) -> np.ndarray:
    """Centre on the median and divide by a robust standard deviation (IQR / 1.349).

    A robust scale keeps one extreme value from shrinking every other
    difference in the column; the plain standard deviation is used when the IQR
    is 0, and a constant column becomes zeros.
    """
    q1, median, q3 = np.percentile(finite, [25, 50, 75])
    scale = (q3 - q1) / 1.349
    if scale <= 0:
        scale = finite.std()
    if scale <= 0:
        return np.zeros_like(numbers)
    return (numbers - median) / scale


def near_duplicate_matrix(X: pd.DataFrame, kinds: dict) -> np.ndarray:
    """Encode a table so that Euclidean distance measures how alike two rows are.

    Numeric columns (continuous, integer, datetime) are standardised: one unit is
    one standard deviation, estimated robustly as IQR / 1.349 (the plain standard
    deviation where the IQR is 0); a constant column contributes nothing. Missing and
    infinite values get a code column of their own (0 present, 1 missing,
    2 ``inf``, 3 ``-inf``). Categorical and boolean columns become integer codes,
    so two different categories (or a category and a missing value) are at least
    one unit apart, as they are with a one-hot encoding.

    Parameters
    ----------
    X : pandas.DataFrame
        The table.
    kinds : dict of str to str
        The kind of every column.

    Returns
    -------
    matrix : ndarray of shape (n_samples, n_encoded)
    """
    blocks = []
    for col, kind in kinds.items():
        values = X[col]
        if kind in ("categorical", "boolean"):
            codes, _ = pd.factorize(values, use_na_sentinel=True)
            blocks.append(codes.astype("float64"))
            continue
        if kind == "datetime":
            stamps = pd.to_datetime(values)
            numbers = stamps.astype("int64").to_numpy(dtype="float64")
            numbers[stamps.isna().to_numpy()] = np.nan
        else:
            numbers = pd.to_numeric(values, errors="coerce").to_numpy(
                dtype="float64", na_value=np.nan
            )
        finite = np.isfinite(numbers)
        code = np.where(np.isnan(numbers), 1.0, np.where(numbers > 0, 2.0, 3.0))
        code[finite] = 0.0
        if finite.any():
            blocks.append(np.where(finite, _standardise(numbers[finite], numbers), 0.0))
        if not finite.all():
            blocks.append(code)
    return np.column_stack(blocks) if blocks else np.zeros((len(X), 0))


def _pair_chunks(order: np.ndarray, counts: np.ndarray):
    """Yield chunks of pairs (``order[i]``, ``order[i + k]``) for ``1 <= k <= counts[i]``.

    Chunks hold about ``_PAIR_CHUNK`` pairs, so memory stays bounded however
    many pairs there are.
    """
    ends = np.cumsum(counts)
    if not len(ends) or ends[-1] == 0:
        return
    cuts = np.searchsorted(ends, np.arange(_PAIR_CHUNK, ends[-1], _PAIR_CHUNK), side="left")
    bounds = np.unique(np.r_[0, cuts + 1, len(order)])
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        block = counts[lo:hi]
        total = int(block.sum())
        if total == 0:
            continue
        starts = np.repeat(np.arange(lo, hi), block)
        offsets = np.arange(total) - np.repeat(np.cumsum(block) - block, block)
        yield order[starts], order[starts + 1 + offsets]


def _keep_closest(best_dist, best_partner, late, early, dist) -> None:
    """Update, in place, each row's closest earlier partner with new pairs."""
    order = np.lexsort((early, dist, late))
    late, early, dist = late[order], early[order], dist[order]
    first = np.r_[True, late[1:] != late[:-1]]
    late, early, dist = late[first], early[first], dist[first]
    better = (dist < best_dist[late]) | ((dist == best_dist[late]) & (early < best_partner[late]))
    best_dist[late[better]] = dist[better]
    best_partner[late[better]] = early[better]


def find_near_duplicates(
    matrix: np.ndarray,
    candidates: np.ndarray,
    *,
    tol: float,
    rng: np.random.Generator,
    max_candidates: int = 64,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Find rows within distance ``tol`` of an earlier row.

    Pairs of rows closer than ``tol`` are found without comparing all pairs:
    the rows are sorted along a random direction (two rows within ``tol`` of
    each other are within ``tol`` along any unit direction), the pairs that
    close along it are filtered along three more directions, and only the
    survivors have their full distance computed. The search is exact unless
    more than ``max_candidates`` rows crowd within ``tol`` of a row along the
    first direction; only the nearest ``max_candidates`` are then compared
    (such a row nearly always has a near duplicate among them) and the number
    of rows so limited is returned.

    Parameters
    ----------
    matrix : ndarray of shape (n_samples, n_encoded)
        The encoded table (see :func:`near_duplicate_matrix`).
    candidates : ndarray of int
        Positions of the rows to compare (e.g. all rows but exact duplicates).
    tol : float
        The largest distance at which two rows count as near duplicates.
    rng : numpy.random.Generator
        Draws the projection directions.
    max_candidates : int, default=64
        Most rows compared with each row (bounds the work on dense data).

    Returns
    -------
    rows : ndarray of int
        Positions of the rows that have an earlier near duplicate, ascending.
    partners : ndarray of int
        For each, the position of the closest earlier near duplicate.
    distances : ndarray of float
        The distance between them.
    n_limited : int
        Rows whose comparisons were limited by ``max_candidates``.
    """
    empty = np.array([], dtype=np.intp)
    if len(candidates) < 2 or matrix.shape[1] == 0:
        return empty, empty, np.array([], dtype="float64"), 0
    sub = matrix[candidates]
    directions = rng.normal(size=(sub.shape[1], _N_PROJECTIONS))
    directions /= np.linalg.norm(directions, axis=0)
    projections = sub @ directions
    order = np.argsort(projections[:, 0], kind="stable")
    sorted_proj = projections[order, 0]
    right = np.searchsorted(sorted_proj, sorted_proj + tol, side="right")
    counts = right - np.arange(len(order)) - 1
    n_limited = int((counts > max_candidates).sum())
    counts = np.minimum(counts, max_candidates)
    best_dist = np.full(len(sub), np.inf)
    best_partner = np.full(len(sub), len(sub), dtype=np.intp)
    for a, b in _pair_chunks(order, counts):
        # the other directions discard most candidates before the full distance
        close = (np.abs(projections[a, 1:] - projections[b, 1:]) <= tol).all(axis=1)
        a, b = a[close], b[close]
        dist = np.sqrt(((sub[a] - sub[b]) ** 2).sum(axis=1))
        close = dist <= tol
        a, b, dist = a[close], b[close], dist[close]
        if len(dist):
            _keep_closest(best_dist, best_partner, np.maximum(a, b), np.minimum(a, b), dist)
    found = np.flatnonzero(np.isfinite(best_dist))
    return candidates[found], candidates[best_partner[found]], best_dist[found], n_limited
