"""Detection: a classifier two-sample test of real against synthetic rows.

Can a classifier tell real rows from synthetic ones?

A classifier two-sample test: the real rows are labelled 0, the synthetic rows
1, and a classifier is cross-validated on the union. ``detection_auc`` is the
mean ROC AUC over the folds (each fold scored on rows it was not trained on;
identical rows, within or across the tables, always fall in the same fold):

- 0.5 -- the classifier does no better than chance: the tables are
  indistinguishable to it;
- 1.0 -- it separates them perfectly.

The raw AUC is reported, not ``max(auc, 1 - auc)``: a cross-validated AUC below
0.5 is not a signal the classifier found (it cannot learn "the other way round"
on held-out rows), only noise around 0.5, and folding it over would bias the
score upwards. For a "greater is better" number in ``[0, 1]`` use
``detection_score = 1 - 2 * max(auc - 0.5, 0)`` (as ``sdmetrics``' detection
metrics do), which :func:`make_detection_scorer` returns.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import PredefinedSplit, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.utils import check_random_state

from ..utils import fill_doc, limit_threads
from ._common import _MixedTypeEncoder, check_tables, model_frames
from ._docs import ENTRIES

__all__ = ["detection_auc", "detection_score"]


def _seed(random_state) -> int:
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def default_classifier(seed: int, *, max_iter: int = 100) -> HistGradientBoostingClassifier:
    """Return the gradient-boosting classifier used by detection and utility."""
    return HistGradientBoostingClassifier(
        max_iter=max_iter, categorical_features="from_dtype", random_state=seed
    )


def _detection_model(estimator, kinds, seed):
    """Return (classifier, whether it wants the gradient-boosting model frame)."""
    if estimator is None or (isinstance(estimator, str) and estimator == "hist_gradient_boosting"):
        return default_classifier(seed), True
    if isinstance(estimator, str) and estimator == "logistic_regression":
        model = make_pipeline(
            _MixedTypeEncoder(kinds=kinds), LogisticRegression(max_iter=1000, random_state=seed)
        )
        return model, False
    if isinstance(estimator, str):
        raise ValueError(
            "estimator must be None, 'hist_gradient_boosting', 'logistic_regression' or a "
            f"scikit-learn classifier; got {estimator!r}."
        )
    if not hasattr(estimator, "fit"):
        raise TypeError(
            f"estimator must be a scikit-learn classifier; got {type(estimator).__name__}."
        )
    return clone(estimator), False


@limit_threads
@fill_doc(ENTRIES)
def detection_auc(real, synthetic, *, kinds=None, estimator=None, cv=5, random_state=None) -> float:
    """Cross-validated ROC AUC of a classifier telling real rows from synthetic rows.

    Parameters
    ----------
    {tables}
    estimator : {None, "hist_gradient_boosting", "logistic_regression"} or classifier
        The classifier. None and ``"hist_gradient_boosting"`` use a
        :class:`~sklearn.ensemble.HistGradientBoostingClassifier` with native
        categorical support; ``"logistic_regression"`` a logistic regression on
        min-max scaled numbers and one-hot labels. Any other classifier gets the
        raw table (it must handle the column types itself, e.g. a pipeline) and
        must provide ``predict_proba`` or ``decision_function``.
    cv : int, default=5
        Number of folds (identical rows are kept in the same fold).
    random_state : int, RandomState instance or None, default=None
        Seeds the folds and the classifier.

    Returns
    -------
    auc : float
        The mean ROC AUC over the folds: 0.5 means indistinguishable, 1.0
        perfectly separable (values a little below 0.5 are noise).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sksynth.metrics import detection_auc
    >>> rng = np.random.default_rng(0)
    >>> real = pd.DataFrame({"x": rng.normal(size=300), "c": rng.choice(["a", "b"], 300)})
    >>> fake = pd.DataFrame({"x": rng.normal(3, 1, 300), "c": rng.choice(["a", "b"], 300)})
    >>> detection_auc(real, fake, random_state=0) > 0.9
    True
    """
    check_cv(cv)
    real, others, kinds = check_tables(real, {"synthetic": synthetic}, kinds=kinds, min_rows=cv)
    seed = _seed(random_state)
    problem = detection_problem(real, others["synthetic"], kinds, estimator, cv, seed)
    scores = cross_val_score(
        problem.model, problem.X, problem.y, cv=problem.folds, scoring="roc_auc",
        error_score="raise",
    )  # fmt: skip
    return float(np.mean(scores))


def check_cv(cv) -> None:
    """Raise a ``ValueError`` unless ``cv`` is an integer of at least 2."""
    if not isinstance(cv, int | np.integer) or isinstance(cv, bool) or cv < 2:
        raise ValueError(f"cv must be an integer of at least 2; got {cv!r}.")


class DetectionProblem(NamedTuple):
    """The classification problem behind a detection test.

    ``X`` stacks the real rows (label 0) over the synthetic rows (label 1),
    encoded for ``model`` (the gradient-boosting model frame when
    ``is_model_frame``); ``folds`` keeps identical rows in one fold.
    """

    model: object
    X: pd.DataFrame
    y: np.ndarray
    folds: PredefinedSplit
    is_model_frame: bool


def detection_problem(real, synthetic, kinds, estimator, cv, seed) -> DetectionProblem:
    """Build the labelled union, the classifier and the folds of a detection test.

    ``real`` and ``synthetic`` must already be checked by ``check_tables``.
    """
    model, wants_frame = _detection_model(estimator, kinds, seed)
    if wants_frame:
        real, synthetic = model_frames([real, synthetic], kinds)
    X = pd.concat([real, synthetic], ignore_index=True)
    y = np.r_[np.zeros(len(real), dtype=int), np.ones(len(synthetic), dtype=int)]
    return DetectionProblem(model, X, y, _duplicate_aware_folds(X, cv, seed), wants_frame)


def _duplicate_aware_folds(X: pd.DataFrame, cv: int, seed: int) -> PredefinedSplit:
    """Assign folds so that identical rows always share a fold.

    A row present in both tables carries no information about its label; if
    its twin of the other label were in the training folds, the classifier would
    score the held-out copy as the *other* table and push the AUC far below 0.5
    (a table identical to the real one would score about 0.1 instead of 0.5).
    Each distinct row is given a random fold, so all its copies are held out
    together.
    """
    hashes = pd.util.hash_pandas_object(X, index=False).to_numpy()
    _, group = np.unique(hashes, return_inverse=True)
    rng = np.random.default_rng(seed)
    fold_of_group = rng.permutation(np.arange(group.max() + 1) % cv)
    return PredefinedSplit(fold_of_group[group])


def detection_score(auc: float) -> float:
    """Turn a detection AUC into a "greater is better" score in ``[0, 1]``.

    Parameters
    ----------
    auc : float
        A value returned by :func:`detection_auc`.

    Returns
    -------
    score : float
        ``1 - 2 * max(auc - 0.5, 0)``: 1 when the classifier is at chance, 0 when
        it separates the tables perfectly.

    Examples
    --------
    >>> from sksynth.metrics import detection_score
    >>> detection_score(0.75)
    0.5
    """
    return float(1.0 - 2.0 * max(auc - 0.5, 0.0))
