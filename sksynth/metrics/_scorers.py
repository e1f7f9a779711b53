"""Scorers that rate a fitted generator by the samples it draws.

A scorer has the signature ``scorer(estimator, X, y=None) -> float`` (greater is
better), so it can be given as ``scoring=`` to
:class:`~sklearn.model_selection.GridSearchCV` or
:func:`~sklearn.model_selection.cross_validate`. It draws ``len(X)`` rows with
``estimator.sample(len(X))`` and compares them with ``X``, the held-out fold. A
generator that returns ``(X_new, y_new)`` (a conditional one) has ``y_new``
appended as a column, and ``y`` appended to ``X``, so that the relation between
the features and the target is scored too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sksynth.utils import check_dataframe, fill_doc

from ._detection import detection_auc, detection_score
from ._docs import ENTRIES
from ._fidelity import fidelity_score
from ._utility import tstr_single

__all__ = ["make_detection_scorer", "make_fidelity_scorer", "make_utility_scorer"]


def _target_name(y, columns) -> str:
    name = getattr(y, "name", None)
    if not isinstance(name, str) or name in columns:
        name = "target"
        while name in columns:
            name = f"_{name}"
    return name


def _as_table(values, like: pd.DataFrame, name: str) -> pd.DataFrame:
    if isinstance(values, pd.DataFrame):
        return values.reset_index(drop=True)
    array = np.asarray(values)
    if array.ndim != 2 or array.shape[1] != like.shape[1]:
        raise ValueError(
            f"The generator's {name} has shape {array.shape}; expected "
            f"{like.shape[1]} columns like the held-out data."
        )
    return pd.DataFrame(array, columns=like.columns)


def draw_and_align(estimator, X, y=None):
    """Sample ``len(X)`` rows from a fitted generator and align them with ``X``.

    Parameters
    ----------
    estimator : object
        A fitted generator with a ``sample(n)`` method returning a table or a
        ``(table, target)`` pair.
    X : array-like or pandas.DataFrame
        The held-out rows.
    y : array-like, default=None
        Their target.

    Returns
    -------
    real : pandas.DataFrame
        ``X`` (with ``y`` as a column when both sides have a target).
    synthetic : pandas.DataFrame
        The drawn rows, with the columns of ``real``.
    target : str or None
        The name of the target column, when there is one.
    """
    if not callable(getattr(estimator, "sample", None)):
        raise TypeError(
            f"{type(estimator).__name__} has no sample(n) method; these scorers rate "
            "generators (e.g. sksynth.generators.GANSampler)."
        )
    real = check_dataframe(X, name="X").reset_index(drop=True)
    drawn = estimator.sample(len(real))
    y_new = None
    if isinstance(drawn, tuple):
        if len(drawn) != 2:
            raise ValueError(
                f"{type(estimator).__name__}.sample returned a tuple of {len(drawn)} items; "
                "expected a table or (table, target)."
            )
        drawn, y_new = drawn
    if not isinstance(X, pd.DataFrame) and isinstance(drawn, pd.DataFrame):
        real.columns = drawn.columns  # numpy in: take the generator's column names
    synthetic = _as_table(drawn, real, "sample")
    target = None
    if y is not None and y_new is not None:
        target = _target_name(y, list(real.columns))
        real[target] = np.asarray(y)
        synthetic[target] = np.asarray(y_new)
    return real, synthetic, target


class _SampleScorer:
    """A picklable scorer: draw rows from the generator, then score them."""

    def __init__(self, name, score_func, kwargs):
        self.name = name
        self.score_func = score_func
        self.kwargs = kwargs

    def __call__(self, estimator, X, y=None):
        real, synthetic, target = draw_and_align(estimator, X, y)
        return float(self.score_func(real, synthetic, target, **self.kwargs))

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.kwargs.items())
        return f"make_{self.name}_scorer({args})"


def _fidelity(real, synthetic, target, **kwargs):
    return fidelity_score(real, synthetic, **kwargs)


def _detection(real, synthetic, target, **kwargs):
    return detection_score(detection_auc(real, synthetic, **kwargs))


def _utility(real, synthetic, target, **kwargs):
    if target is None:
        raise ValueError(
            "The utility scorer needs a target: call it with y and use a generator whose "
            "sample(n) returns (X, y)."
        )
    return tstr_single(real, synthetic, target, **kwargs)


@fill_doc(ENTRIES)
def make_fidelity_scorer(
    *,
    kinds=None,
    correlation_threshold=0.5,
    association_threshold=0.3,
    n_bins=10,
    binning="shared",
    include_missing=False,
):
    """Make a scorer that rates a generator by :func:`fidelity_score` on held-out rows.

    Parameters
    ----------
    kinds : dict of str to str, default=None
        Column kinds that replace those inferred from the held-out rows.
    {pair_options}
    {include_missing}

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y=None) -> float``, between 0 and 1, greater is
        better.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sksynth.metrics import make_fidelity_scorer
    >>> class Bootstrap:
    ...     def fit(self, X, y=None):
    ...         self.X_ = X
    ...         return self
    ...     def sample(self, n):
    ...         return self.X_.sample(n, replace=True, random_state=0)
    >>> X = pd.DataFrame({"x": np.random.default_rng(0).normal(size=4000)})
    >>> scorer = make_fidelity_scorer()
    >>> scorer(Bootstrap().fit(X[:2000]), X[2000:]) > 0.9
    True
    """
    kwargs = {
        "kinds": kinds,
        "correlation_threshold": correlation_threshold,
        "association_threshold": association_threshold,
        "n_bins": n_bins,
        "binning": binning,
        "include_missing": include_missing,
    }
    return _SampleScorer("fidelity", _fidelity, kwargs)


def make_detection_scorer(*, estimator=None, cv=3, random_state=None):
    """Make a scorer that rates a generator by how hard its rows are to detect.

    The scorer returns :func:`detection_score` of :func:`detection_auc` between
    the held-out rows and as many drawn rows: 1 when a classifier cannot tell
    them apart, 0 when it separates them perfectly.

    Parameters
    ----------
    estimator : {None, "hist_gradient_boosting", "logistic_regression"} or classifier
        See :func:`detection_auc`.
    cv : int, default=3
        Number of folds of the detection classifier.
    random_state : int or None, default=None
        Seeds the folds and the classifier (use an int for reproducible
        searches).

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y=None) -> float``, greater is better.

    Examples
    --------
    >>> from sksynth.metrics import make_detection_scorer
    >>> make_detection_scorer(cv=3, random_state=0)
    make_detection_scorer(estimator=None, cv=3, random_state=0)
    """
    kwargs = {"estimator": estimator, "cv": cv, "random_state": random_state}
    return _SampleScorer("detection", _detection, kwargs)


def make_utility_scorer(*, metric=None, estimator=None, task=None, random_state=None):
    """Make a scorer that trains a model on drawn rows and tests it on held-out rows.

    The generator must be conditional (its ``sample(n)`` returns ``(X, y)``) and
    the scorer must be called with the held-out target ``y`` (as
    ``GridSearchCV.fit(X, y)`` does).

    Parameters
    ----------
    metric : str, default=None
        A scorer name for :func:`sklearn.metrics.get_scorer`; None uses ROC AUC
        for classification and R² for regression.
    estimator : estimator, default=None
        The model; see :func:`tstr_score`.
    task : {"classification", "regression"}, default=None
        None infers it from the held-out target.
    random_state : int or None, default=None
        Seeds the default model.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y) -> float``, greater is better.

    Examples
    --------
    >>> from sksynth.metrics import make_utility_scorer
    >>> make_utility_scorer(metric="balanced_accuracy")
    make_utility_scorer(metric='balanced_accuracy', estimator=None, task=None, random_state=None)
    """
    kwargs = {"metric": metric, "estimator": estimator, "task": task, "random_state": random_state}
    return _SampleScorer("utility", _utility, kwargs)
