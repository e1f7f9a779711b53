"""Utility: how well models trained on synthetic data do on real data.

*Train on synthetic, test on real* (TSTR) fits a model on the synthetic table
and scores it on real rows the generator did not see; *train on real, test on
real* (TRTR) fits the same model on the real training table. Their ratio
``TSTR / TRTR`` (``tstr_ratio``) is 1 when the synthetic table is as useful as
the real one. The augmentation variant compares a model fitted on the real and
synthetic rows together with one fitted on the real rows alone.

Classification is scored with ROC AUC (one-vs-rest when there are more than
two classes), balanced accuracy and macro F1; regression with R². Any scorer
name of :func:`sklearn.metrics.get_scorer` can be asked for instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.metrics import get_scorer, roc_auc_score
from sklearn.utils.multiclass import type_of_target

from sksynth.utils import check_dataframe

from ..utils import fill_doc, limit_threads, warn_caller
from ._common import check_tables, model_frames
from ._detection import _seed, default_classifier
from ._docs import ENTRIES

__all__ = ["augmentation_score", "tstr_score"]

_TASKS = ("classification", "regression")


def _check_target_present(target, tables):
    if not isinstance(target, str | int | np.integer):
        raise TypeError(f"target must be a column name; got {type(target).__name__}.")
    lacking = [name for name, table in tables.items() if target not in table.columns]
    if lacking:
        raise ValueError(
            f"The target column {target!r} is missing from the {' and '.join(lacking)} table(s)."
        )


def infer_task(y: pd.Series, task=None) -> str:
    """Return ``"classification"`` or ``"regression"`` for a target column."""
    if task is not None:
        if task not in _TASKS:
            raise ValueError(f"task must be one of {_TASKS} or None; got {task!r}.")
        return task
    kind = type_of_target(y.dropna().to_numpy())
    return "regression" if kind in ("continuous", "continuous-multioutput") else "classification"


def default_metrics(task: str, n_classes: int) -> list[str]:
    """Return the scorer names used when none are given."""
    if task == "regression":
        return ["r2"]
    return ["roc_auc" if n_classes <= 2 else "roc_auc_ovr", "balanced_accuracy", "f1_macro"]


def _check_target_values(y: pd.Series, name: str, target, task: str) -> None:
    if y.isna().any():
        raise ValueError(
            f"The target column {target!r} of the {name} table has {int(y.isna().sum())} "
            "missing value(s); drop or impute those rows first."
        )
    if task == "classification" and y.nunique() < 2:
        raise ValueError(
            f"The target column {target!r} of the {name} table has a single class "
            f"({y.iloc[0]!r}); at least two are needed to train and score a classifier."
        )


def _prepare(tables, target, kinds, task, metric):
    """Validate the tables and return features, targets, task and metric names."""
    tables = {name: check_dataframe(table, name=name) for name, table in tables.items()}
    _check_target_present(target, tables)
    names = list(tables)
    real, others, kinds = check_tables(
        tables[names[0]], {n: tables[n] for n in names[1:]}, kinds=kinds, real_name=names[0]
    )
    frames = {names[0]: real, **others}
    task = infer_task(real[target], task)
    ys = {}
    for name, frame in frames.items():
        ys[name] = frame[target]
        _check_target_values(ys[name], name, target, task)
    features = {name: frame.drop(columns=[target]) for name, frame in frames.items()}
    feature_kinds = {c: k for c, k in kinds.items() if c != target}
    if not feature_kinds:
        raise ValueError(f"The tables have no column besides the target {target!r}.")
    if metric is None:
        n_classes = pd.concat([y.astype(object) for y in ys.values()]).nunique()
        metrics = default_metrics(task, n_classes)
    else:
        metrics = [metric] if isinstance(metric, str) else list(metric)
        for name in metrics:
            get_scorer(name)  # raises a clear ValueError for an unknown name
    return features, ys, feature_kinds, task, metrics


def _model(estimator, task, seed):
    if estimator is not None:
        if not hasattr(estimator, "fit"):
            raise TypeError(
                f"estimator must be a scikit-learn estimator; got {type(estimator).__name__}."
            )
        return clone(estimator), False
    if task == "regression":
        model = HistGradientBoostingRegressor(
            max_iter=100, categorical_features="from_dtype", random_state=seed
        )
        return model, True
    return default_classifier(seed), True


def _ovr_auc(fitted, X_test, y_test):
    """Macro one-vs-rest ROC AUC over the classes of the test rows.

    A class the model never saw (a rare class missing from a synthetic
    table) scores every row 0, where scikit-learn's ``roc_auc_ovr`` gives up
    unless the model and the test rows hold the same classes.
    """
    y = np.asarray(y_test)
    present = pd.unique(y)
    column = pd.Index(fitted.classes_).get_indexer(present)
    scores = np.where(column >= 0, fitted.predict_proba(X_test)[:, column], 0.0)
    # one indicator column per class: scikit-learn's macro average of binary AUCs
    return float(roc_auc_score(y[:, None] == present[None, :], scores, average="macro"))


def _fit_and_score(model, X_train, y_train, X_test, y_test, metrics):
    fitted = clone(model).fit(X_train, y_train)
    out = {}
    for name in metrics:
        ovr = name == "roc_auc_ovr" and hasattr(fitted, "predict_proba")
        scorer = _ovr_auc if ovr else get_scorer(name)
        try:
            out[name] = float(scorer(fitted, X_test, y_test))
        except ValueError as exc:  # e.g. a class of the test set unseen in training
            warn_caller(
                f"Could not compute {name!r} ({exc}); it is reported as NaN.",
                UserWarning,
            )
            out[name] = np.nan
    return out


def _compare(tables, target, training, *, test, kinds, estimator, metric, task, random_state,
             n_metrics=None):  # fmt: skip
    """Fit the model on each training set and score it on the ``test`` table.

    ``training`` maps a label to the names of the tables whose rows, stacked,
    train one model. Returns the scores of each label by metric name (the
    first ``n_metrics`` metrics only, when given).
    """
    features, ys, feature_kinds, task, metrics = _prepare(tables, target, kinds, task, metric)
    seed = _seed(random_state)
    model, wants_frame = _model(estimator, task, seed)
    names = list(features)
    if wants_frame:
        encoded = model_frames([features[n] for n in names], feature_kinds)
        features = dict(zip(names, encoded, strict=True))
    return {
        label: _fit_and_score(
            model, _stacked(features, parts), _stacked(ys, parts), features[test], ys[test],
            metrics[:n_metrics],
        )  # fmt: skip
        for label, parts in training.items()
    }


def _stacked(tables: dict, names: list):
    """Stack the rows of the named tables (or targets), one table after the other."""
    if len(names) == 1:
        return tables[names[0]]
    return pd.concat([tables[name] for name in names], ignore_index=True)


def _against_real_training(real_train, synthetic, real_test, target, other, parts, **options):
    """Compare a model trained on ``real_train`` with one trained on the tables ``parts``.

    Both are scored on ``real_test``; returns one row per metric with the
    columns ``real``, ``other`` and their ``ratio``.
    """
    tables = {"real_train": real_train, "synthetic": synthetic, "real_test": real_test}
    training = {"real": ["real_train"], other: parts}
    scores = _compare(tables, target, training, test="real_test", **options)
    frame = pd.DataFrame({label: pd.Series(scores[label]) for label in training})
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["ratio"] = frame[other] / frame["real"]
    frame.index.name = "metric"
    return frame


@limit_threads
@fill_doc(ENTRIES)
def tstr_score(
    real_train,
    synthetic,
    real_test,
    target,
    *,
    estimator=None,
    metric=None,
    task=None,
    kinds=None,
    random_state=None,
) -> pd.DataFrame:
    """Train on synthetic and test on real, against train on real and test on real.

    Parameters
    ----------
    {utility_tables}
    {utility_options}

    Returns
    -------
    scores : pandas.DataFrame
        One row per metric; columns ``real`` (TRTR), ``synthetic`` (TSTR) and
        ``ratio`` (``synthetic / real``, 1 is ideal).

    Raises
    ------
    ValueError
        If the target is missing from a table, has missing values or a single
        class, or if the tables have different columns.

    See Also
    --------
    augmentation_score : Real plus synthetic against real alone.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sksynth.metrics import tstr_score
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=400)
    >>> table = pd.DataFrame({"x": x, "y": (x + rng.normal(0, 0.5, 400) > 0).astype(int)})
    >>> train, test = table.iloc[:200], table.iloc[200:]
    >>> scores = tstr_score(train, train, test, "y", metric="roc_auc", random_state=0)
    >>> float(scores.loc["roc_auc", "ratio"])
    1.0
    """
    return _against_real_training(
        real_train, synthetic, real_test, target, "synthetic", ["synthetic"], kinds=kinds,
        estimator=estimator, metric=metric, task=task, random_state=random_state,
    )  # fmt: skip


@limit_threads
@fill_doc(ENTRIES)
def augmentation_score(
    real_train,
    synthetic,
    real_test,
    target,
    *,
    estimator=None,
    metric=None,
    task=None,
    kinds=None,
    random_state=None,
) -> pd.DataFrame:
    """Train on real plus synthetic rows, against real rows alone; test on real.

    Parameters
    ----------
    {utility_tables}
    {utility_options}

    Returns
    -------
    scores : pandas.DataFrame
        One row per metric; columns ``real`` (real rows alone), ``augmented``
        (real and synthetic rows) and ``ratio`` (``augmented / real``; above 1
        the synthetic rows help).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sksynth.metrics import augmentation_score
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=400)
    >>> table = pd.DataFrame({"x": x, "y": (x > 0).astype(int)})
    >>> scores = augmentation_score(table[:100], table[100:200], table[200:], "y",
    ...                             metric="balanced_accuracy", random_state=0)
    >>> list(scores.columns)
    ['real', 'augmented', 'ratio']
    """
    return _against_real_training(
        real_train, synthetic, real_test, target, "augmented", ["real_train", "synthetic"],
        kinds=kinds, estimator=estimator, metric=metric, task=task, random_state=random_state,
    )  # fmt: skip


def tstr_single(
    real_test, synthetic, target, *, estimator=None, metric=None, task=None, random_state=None
) -> float:
    """Fit on the synthetic rows and return one score on the real rows.

    Parameters
    ----------
    real_test : pandas.DataFrame
        Real rows with the target column.
    synthetic : pandas.DataFrame
        Synthetic rows with the same columns.
    target : str
        The name of the target column.
    estimator : estimator, default=None
        As in :func:`tstr_score`.
    metric : str, default=None
        A scorer name; None uses the first default metric of the task (ROC AUC or
        R²).
    task : {"classification", "regression"}, default=None
        As in :func:`tstr_score`.
    random_state : int, RandomState instance or None, default=None
        Seeds the default model.

    Returns
    -------
    score : float
    """
    scores = _compare(
        {"real": real_test, "synthetic": synthetic}, target, {"synthetic": ["synthetic"]},
        test="real", kinds=None, estimator=estimator, metric=metric, task=task,
        random_state=random_state, n_metrics=1,
    )  # fmt: skip
    return next(iter(scores["synthetic"].values()))
