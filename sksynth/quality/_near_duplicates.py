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


def _candidate_pairs(projection: np.ndarray, tol: float):
    """Pairs (i, j), i < j in sorted order, whose projections differ by at most ``tol``."""
    order = np.argsort(projection, kind="stable")
    sorted_proj = projection[order]
    right = np.searchsorted(sorted_proj, sorted_proj + tol, side="right")
    counts = right - np.arange(len(order)) - 1
    total = int(counts.sum())
    starts = np.repeat(np.arange(len(order)), counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return order[starts], order[starts + 1 + offsets]


def find_near_duplicates(
    matrix: np.ndarray, candidates: np.ndarray, *, tol: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Find rows within distance ``tol`` of an earlier row.

    Every pair of rows closer than ``tol`` is found exactly, without comparing
    all pairs: the rows are sorted along a random direction (two rows within
    ``tol`` of each other are within ``tol`` along any unit direction), the
    pairs that close along it are filtered along three more directions, and
    only the survivors have their full distance computed.

    Parameters
    ----------
    matrix : ndarray of shape (n_samples, n_encoded)
        The encoded table (see :func:`near_duplicate_matrix`).
    candidates : ndarray of int
        Positions of the rows to compare (e.g. all rows but exact duplicates).
    tol : float
        The largest distance at which two rows count as near duplicates.
    rng : numpy.random.Generator
        Draws the projection direction (the result does not depend on it).

    Returns
    -------
    rows : ndarray of int
        Positions of the rows that have an earlier near duplicate.
    partners : ndarray of int
        For each, the position of the closest earlier near duplicate.
    distances : ndarray of float
        The distance between them.
    """
    empty = np.array([], dtype=np.intp)
    if len(candidates) < 2 or matrix.shape[1] == 0:
        return empty, empty, np.array([], dtype="float64")
    sub = matrix[candidates]
    directions = rng.normal(size=(sub.shape[1], _N_PROJECTIONS))
    directions /= np.linalg.norm(directions, axis=0)
    projections = sub @ directions
    first, second = _candidate_pairs(projections[:, 0], tol)
    keep_a, keep_b, keep_d = [], [], []
    for start in range(0, len(first), _PAIR_CHUNK):
        a, b = first[start : start + _PAIR_CHUNK], second[start : start + _PAIR_CHUNK]
        # the other directions discard most candidates before the full distance
        close = (np.abs(projections[a, 1:] - projections[b, 1:]) <= tol).all(axis=1)
        a, b = a[close], b[close]
        dist = np.sqrt(((sub[a] - sub[b]) ** 2).sum(axis=1))
        close = dist <= tol
        keep_a.append(a[close])
        keep_b.append(b[close])
        keep_d.append(dist[close])
    if not keep_a:
        return empty, empty, np.array([], dtype="float64")
    a, b, dist = (np.concatenate(keep_a), np.concatenate(keep_b), np.concatenate(keep_d))
    early, late = candidates[np.minimum(a, b)], candidates[np.maximum(a, b)]
    pairs = pd.DataFrame({"row": late, "partner": early, "distance": dist})
    pairs = pairs.sort_values(["row", "distance", "partner"]).drop_duplicates("row")
    return (
        pairs["row"].to_numpy(dtype=np.intp),
        pairs["partner"].to_numpy(dtype=np.intp),
        pairs["distance"].to_numpy(dtype="float64"),
    )
