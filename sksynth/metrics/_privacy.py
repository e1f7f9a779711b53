"""Privacy: distances between synthetic rows and the real rows they were learned from.

Do the synthetic rows give away their training rows?

All distances are Euclidean distances between rows encoded by
a mixed-type encoder fitted on the training table:
numbers min-max scaled by the training range, a missing number as 0 plus a
missing flag, labels one-hot at distance 1 from each other. Nearest neighbours
come from :class:`sklearn.neighbors.NearestNeighbors`.

Distance to closest record (DCR) share
    For each synthetic row, is its closest training row nearer than its closest
    row of a *holdout* -- real rows from the same source that the generator did
    not see, as many as the training rows (the larger table is subsampled)?
    The share of synthetic rows nearer to the training rows (ties count half).
    0.5 is ideal; near 1 the generator reproduces its training rows.
Exact-copy rate
    The share of synthetic rows identical to a training row.
Nearest-neighbour distance ratio (NNDR)
    For each synthetic row, the distance to its closest training row divided by
    the distance to the second closest (0 for an exact copy); the median is
    reported. Values near 0 mean synthetic rows sit on top of single training
    rows; values near 1 mean they are no closer to one row than to its
    neighbours.
Membership-inference AUC
    A distance-based attack: an attacker holding the synthetic table guesses
    that a candidate row was in the training table when a synthetic row lies
    close to it. The candidates are the training and holdout rows, the attack
    score minus the distance to the closest synthetic row, and the result the
    ROC AUC of that score for "was a training row". 0.5 is ideal (the attack is
    blind); 1.0 means membership is given away. On the minority class alone
    (:func:`minority_membership_inference_auc`) it looks where over-samplers
    leak first.
Reconstruction rate
    The share of real minority rows that a synthetic row reproduces or lies
    nearer to than half the distance to the nearest other real minority row
    (:func:`reconstruction_rate`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import NearestNeighbors
from sklearn.utils import check_random_state

from sksynth.exceptions import DataQualityWarning

from ..utils import fill_doc, limit_threads, warn_caller
from ._common import _MixedTypeEncoder, check_tables
from ._docs import ENTRIES

__all__ = [
    "dcr_share",
    "exact_copy_rate",
    "membership_inference_auc",
    "minority_membership_inference_auc",
    "nearest_neighbor_distance_ratio",
    "privacy_details",
    "reconstruction_rate",
]


def _encode(train, others, kinds):
    encoder = _MixedTypeEncoder(kinds=kinds).fit(train)
    return encoder.transform(train), {name: encoder.transform(t) for name, t in others.items()}


def _nearest(reference: np.ndarray, query: np.ndarray, k: int = 1) -> np.ndarray:
    """Distances from each query row to its ``k`` nearest reference rows."""
    k = min(k, len(reference))
    neighbours = NearestNeighbors(n_neighbors=k).fit(reference)
    distances, _ = neighbours.kneighbors(query)
    return distances


def _row_hashes(encoded: np.ndarray) -> np.ndarray:
    return pd.util.hash_pandas_object(pd.DataFrame(encoded), index=False).to_numpy()


def _copies(train_enc: np.ndarray, other_enc: np.ndarray) -> np.ndarray:
    """Whether each row of ``other_enc`` equals some row of ``train_enc``."""
    return np.isin(_row_hashes(other_enc), _row_hashes(train_enc))


def _warn_overlap(train_enc, holdout_enc) -> None:
    overlap = _copies(train_enc, holdout_enc)
    hashes = _row_hashes(train_enc)
    base_rate = float(pd.Series(hashes).duplicated(keep=False).mean())
    if overlap.any() and overlap.mean() > base_rate:
        warn_caller(
            f"{int(overlap.sum())} of the {len(holdout_enc)} holdout rows also appear in the "
            "training table. The holdout must be real rows the generator did not see; "
            "otherwise the privacy scores are meaningless.",
            DataQualityWarning,
        )


def _balanced(train_enc, holdout_enc, random_state):
    """Subsample the larger of the two tables to the size of the smaller one."""
    rng = check_random_state(random_state)
    n = min(len(train_enc), len(holdout_enc))
    if len(train_enc) > n:
        train_enc = train_enc[np.sort(rng.choice(len(train_enc), n, replace=False))]
    if len(holdout_enc) > n:
        holdout_enc = holdout_enc[np.sort(rng.choice(len(holdout_enc), n, replace=False))]
    return train_enc, holdout_enc


def _dcr_share(d_train, d_holdout) -> float:
    closer = (d_train < d_holdout).mean()
    ties = np.isclose(d_train, d_holdout, rtol=0, atol=1e-12).mean()
    return float(closer + 0.5 * ties)


def _nndr(distances: np.ndarray) -> np.ndarray:
    if distances.shape[1] < 2:
        return np.zeros(len(distances))
    first, second = distances[:, 0], distances[:, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(first <= 1e-12, 0.0, first / second)
    return ratio


def _mia_auc(d_members, d_nonmembers) -> float:
    labels = np.r_[np.ones(len(d_members)), np.zeros(len(d_nonmembers))]
    return float(roc_auc_score(labels, -np.r_[d_members, d_nonmembers]))


@limit_threads
@fill_doc(ENTRIES)
def privacy_details(train, synthetic, holdout=None, *, kinds=None, random_state=None):
    """Compute all privacy scores and the per-row distances behind them.

    Parameters
    ----------
    {train_synthetic}
    holdout : pandas.DataFrame or array-like, default=None
        Real rows the generator did not see. Without it only the exact-copy rate
        and the NNDR are computed.
    {train_kinds}
    {subsample_seed}

    Returns
    -------
    scores : dict of str to float
        ``exact_copy_rate``, ``nndr`` and, with a holdout, ``dcr_share`` and
        ``mia_auc``.
    distances : dict of str to ndarray
        ``synthetic_to_train`` (the DCR of each synthetic row) and, with a
        holdout, ``synthetic_to_holdout``, ``train_to_synthetic`` and
        ``holdout_to_synthetic``.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.metrics import privacy_details
    >>> train = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "c": ["a", "b", "a", "b"]})
    >>> scores, _ = privacy_details(train, train)
    >>> scores["exact_copy_rate"]
    1.0
    """
    others = {"synthetic": synthetic}
    if holdout is not None:
        others["holdout"] = holdout
    train, others, kinds = check_tables(train, others, kinds=kinds, real_name="train")
    train_enc, encoded = _encode(train, others, kinds)
    syn_enc = encoded["synthetic"]
    near = _nearest(train_enc, syn_enc, k=2)
    scores = {
        "exact_copy_rate": float(_copies(train_enc, syn_enc).mean()),
        "nndr": float(np.median(_nndr(near))),
    }
    distances = {"synthetic_to_train": near[:, 0]}
    if holdout is not None:
        holdout_enc = encoded["holdout"]
        _warn_overlap(train_enc, holdout_enc)
        train_eq, holdout_eq = _balanced(train_enc, holdout_enc, random_state)
        if len(train_eq) == len(train_enc):  # not subsampled: reuse the first query
            d_train = near[:, 0]
        else:
            d_train = _nearest(train_eq, syn_enc)[:, 0]
        d_holdout = _nearest(holdout_eq, syn_enc)[:, 0]
        scores["dcr_share"] = _dcr_share(d_train, d_holdout)
        members = _nearest(syn_enc, train_eq)[:, 0]
        nonmembers = _nearest(syn_enc, holdout_eq)[:, 0]
        scores["mia_auc"] = _mia_auc(members, nonmembers)
        distances.update(
            synthetic_to_holdout=d_holdout,
            train_to_synthetic=members,
            holdout_to_synthetic=nonmembers,
        )
    return scores, distances


@limit_threads
@fill_doc(ENTRIES)
def dcr_share(train, synthetic, holdout, *, kinds=None, random_state=None) -> float:
    """Share of synthetic rows closer to the training rows than to a holdout.

    Parameters
    ----------
    {train_synthetic}
    holdout : pandas.DataFrame or array-like
        Real rows the generator did not see (the larger of ``train`` and
        ``holdout`` is subsampled to the size of the smaller).
    {train_kinds}
    random_state : int, RandomState instance or None, default=None
        Seeds the subsampling.

    Returns
    -------
    share : float
        0.5 is ideal; near 1.0 the synthetic rows copy the training rows.

    Warns
    -----
    DataQualityWarning
        If the holdout shares rows with the training table (beyond the rate of
        duplicate rows within the training table itself).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sksynth.metrics import dcr_share
    >>> rng = np.random.default_rng(0)
    >>> train, holdout = (pd.DataFrame({"x": rng.normal(size=200)}) for _ in range(2))
    >>> dcr_share(train, train, holdout)
    1.0
    """
    scores, _ = privacy_details(train, synthetic, holdout, kinds=kinds, random_state=random_state)
    return scores["dcr_share"]


@fill_doc(ENTRIES)
def exact_copy_rate(train, synthetic, *, kinds=None) -> float:
    """Share of synthetic rows that are exact copies of a training row.

    Parameters
    ----------
    {train_synthetic}
    {train_kinds}

    Returns
    -------
    rate : float
        Between 0 and 1 (0 is ideal for continuous data).

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.metrics import exact_copy_rate
    >>> train = pd.DataFrame({"x": [1.0, 2.0, 3.0], "c": ["a", "b", None]})
    >>> synthetic = pd.DataFrame({"x": [1.0, 2.5, 3.0], "c": ["a", "b", None]})
    >>> round(exact_copy_rate(train, synthetic), 3)
    0.667
    """
    train, others, kinds = check_tables(
        train, {"synthetic": synthetic}, kinds=kinds, real_name="train"
    )
    train_enc, encoded = _encode(train, others, kinds)
    return float(_copies(train_enc, encoded["synthetic"]).mean())


@limit_threads
@fill_doc(ENTRIES)
def nearest_neighbor_distance_ratio(train, synthetic, *, kinds=None) -> float:
    """Median ratio of the closest to the second-closest training row, per synthetic row.

    Parameters
    ----------
    train : pandas.DataFrame or array-like
        The real rows the generator was fitted on (at least two).
    synthetic : pandas.DataFrame or array-like
        The synthetic table, with the same columns.
    {train_kinds}

    Returns
    -------
    ratio : float
        Between 0 (synthetic rows sit on single training rows) and 1.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.metrics import nearest_neighbor_distance_ratio
    >>> train = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0]})
    >>> nearest_neighbor_distance_ratio(train, pd.DataFrame({"x": [0.5, 2.5]}))
    1.0
    """
    scores, _ = privacy_details(train, synthetic, kinds=kinds)
    return scores["nndr"]


@limit_threads
@fill_doc(ENTRIES)
def membership_inference_auc(train, synthetic, holdout, *, kinds=None, random_state=None) -> float:
    """ROC AUC of a distance-based membership-inference attack.

    Each training (member) and holdout (non-member) row is scored by minus its
    distance to the closest synthetic row; the AUC of that score for "member"
    is returned.

    Parameters
    ----------
    {train_synthetic}
    holdout : pandas.DataFrame or array-like
        Real rows the generator did not see.
    {train_kinds}
    {subsample_seed}

    Returns
    -------
    auc : float
        0.5 is ideal; 1.0 means membership is given away.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sksynth.metrics import membership_inference_auc
    >>> rng = np.random.default_rng(0)
    >>> train, holdout, fresh = (pd.DataFrame({"x": rng.normal(size=200)}) for _ in range(3))
    >>> membership_inference_auc(train, train, holdout) > 0.9  # copies of the training rows
    True
    >>> abs(membership_inference_auc(train, fresh, holdout) - 0.5) < 0.1  # new rows
    True
    """
    scores, _ = privacy_details(train, synthetic, holdout, kinds=kinds, random_state=random_state)
    return scores["mia_auc"]


def _minority_rows(target, minority, kinds, **tables):
    """Keep the rows of the minority class of each table, without the class column.

    ``tables`` holds ``train`` (where the minority class is found when
    ``minority`` is None) and the other tables by name. Returns the rows by
    table name, the class and ``kinds`` without the class column.
    """
    train = tables["train"]
    if target not in train.columns:
        raise ValueError(f"target={target!r} is not a column of train; columns: {list(train)}.")
    if minority is None:
        minority = train[target].value_counts().index[-1]
    elif not (train[target] == minority).any():
        raise ValueError(f"minority={minority!r} is not a class of train[{target!r}].")
    rows = {
        name: table[table[target] == minority].drop(columns=[target]).reset_index(drop=True)
        for name, table in tables.items()
    }
    kinds = None if kinds is None else {k: v for k, v in kinds.items() if k != target}
    return rows, minority, kinds


@fill_doc(ENTRIES)
def minority_membership_inference_auc(
    train, synthetic, holdout, target, *, minority=None, kinds=None, random_state=None
) -> float:
    """Membership-inference AUC on the rows of the minority class alone.

    Over-samplers generate minority rows from few real ones, which is where
    membership leaks first: the distance attack of
    :func:`membership_inference_auc` is run on the minority rows of the
    training table (members), of the holdout (non-members) and of the
    synthetic table.

    Parameters
    ----------
    train, synthetic, holdout : pandas.DataFrame
        Tables with the same columns, ``target`` included. ``synthetic``
        holds the generated rows only (of ``fit_resample``'s output, the rows
        after the original ones).
    target : str
        The class column.
    minority : label, default=None
        The class to attack; None: the rarest class of ``train``.
    {train_kinds}
    random_state : int, RandomState instance or None, default=None
        Seeds the subsampling that equalises the member and non-member counts.

    Returns
    -------
    auc : float
        0.5 is ideal; 1.0 means membership of minority rows is given away.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sksynth.metrics import minority_membership_inference_auc
    >>> rng = np.random.default_rng(0)
    >>> y = ["a"] * 240 + ["b"] * 60  # "b" is the minority class
    >>> train, holdout = (pd.DataFrame({"x": rng.normal(size=300), "y": y}) for _ in range(2))
    >>> minority_membership_inference_auc(train, train, holdout, "y") > 0.9
    True
    """
    rows, minority, kinds = _minority_rows(
        target, minority, kinds, train=train, holdout=holdout, synthetic=synthetic
    )
    if min(len(table) for table in rows.values()) < 2:
        raise ValueError(
            f"Class {minority!r} needs at least 2 rows in train, holdout and synthetic; got "
            f"{len(rows['train'])}, {len(rows['holdout'])} and {len(rows['synthetic'])}."
        )
    return membership_inference_auc(
        rows["train"], rows["synthetic"], rows["holdout"], kinds=kinds, random_state=random_state
    )


@fill_doc(ENTRIES)
def reconstruction_rate(train, synthetic, target, *, minority=None, ratio=0.5, kinds=None):
    """Share of the real minority rows that a synthetic row reproduces or closely approaches.

    A real row of the minority class counts as reconstructed when some
    synthetic row lies nearer to it than ``ratio`` times the distance to its
    nearest *other* real minority row: closer than the real data themselves
    would place anything (an exact copy always counts). Interpolating
    over-samplers (SMOTE) reconstruct many rows this way; a private sampler
    should reconstruct about as many as an independent sample of the same
    population would.

    Parameters
    ----------
    train : pandas.DataFrame
        The real rows the generator was fitted on, ``target`` included.
    synthetic : pandas.DataFrame
        Generated rows only, with the same columns (of ``fit_resample``'s
        output, the rows after the original ones).
    target : str
        The class column.
    minority : label, default=None
        The class looked at; None: the rarest class of ``train``.
    ratio : float, default=0.5
        How close, relative to the nearest other real row, counts as
        approached; lower is stricter.
    {train_kinds}

    Returns
    -------
    rate : float
        Between 0 and 1; lower is more private.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sksynth.metrics import reconstruction_rate
    >>> rng = np.random.default_rng(0)
    >>> train = pd.DataFrame({"x": rng.normal(size=100), "y": ["a"] * 80 + ["b"] * 20})
    >>> reconstruction_rate(train, train.iloc[80:], "y")
    1.0
    """
    if not ratio > 0:
        raise ValueError(f"ratio must be > 0; got {ratio!r}.")
    rows, minority, kinds = _minority_rows(
        target, minority, kinds, train=train, synthetic=synthetic
    )
    if len(rows["train"]) < 2 or len(rows["synthetic"]) == 0:
        raise ValueError(
            f"Class {minority!r} needs at least 2 real rows and one synthetic row; got "
            f"{len(rows['train'])} and {len(rows['synthetic'])}."
        )
    real, others, kinds = check_tables(
        rows["train"], {"synthetic": rows["synthetic"]}, kinds=kinds, real_name="train"
    )
    real_enc, encoded = _encode(real, others, kinds)
    to_synthetic = _nearest(encoded["synthetic"], real_enc)[:, 0]
    to_real = _nearest(real_enc, real_enc, k=2)[:, -1]
    return float(np.mean(to_synthetic <= ratio * to_real))
