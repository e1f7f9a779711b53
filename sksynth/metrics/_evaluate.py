"""``evaluate``: every metric at once, gathered in an :class:`EvaluationReport`."""

from __future__ import annotations

import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state

from sksynth.utils import check_dataframe

from ..utils import limit_threads, progress_bar
from ._common import check_tables
from ._detection import _seed
from ._explain import explain_detection
from ._fidelity import fidelity_details
from ._privacy import privacy_details
from ._report import _DESCRIPTIONS, EvaluationReport
from ._utility import augmentation_score, infer_task, tstr_score

__all__ = ["evaluate"]


def _check_target(target, tables: dict) -> None:
    for name, table in tables.items():
        if table is None:
            continue
        columns = check_dataframe(table, name=name, allow_empty=True).columns
        if target not in columns:
            raise ValueError(f"The target column {target!r} is missing from the {name} table.")


_OPTIMISTIC_UTILITY = (
    "Utility is tested on a split of the real table the generator was fitted on, so it is "
    "optimistic: a synthetic table that copies those rows scores well. Give a holdout (real "
    "rows the generator did not see) for a fair test."
)


def _utility_split(real, target, test_size, seed):
    task = infer_task(real[target])
    stratify = real[target] if task == "classification" else None
    try:
        return train_test_split(real, test_size=test_size, random_state=seed, stratify=stratify)
    except ValueError:  # a class too rare to stratify on
        return train_test_split(real, test_size=test_size, random_state=seed)


@limit_threads
def evaluate(
    real,
    synthetic,
    *,
    target=None,
    holdout=None,
    kinds=None,
    detection=True,
    rules="auto",
    estimator=None,
    metric=None,
    cv=5,
    test_size=0.3,
    correlation_threshold=0.5,
    association_threshold=0.3,
    n_bins=10,
    binning="shared",
    random_state=None,
    verbose=1,
) -> EvaluationReport:
    """Evaluate a synthetic table against the real table it imitates.

    Fidelity is always computed, detection unless ``detection=False``; utility
    runs when a ``target`` is given and privacy when a ``holdout`` is given.

    Parameters
    ----------
    real : pandas.DataFrame
        The real table the generator was fitted on.
    synthetic : pandas.DataFrame
        The synthetic table, with the same columns.
    target : str, default=None
        A target column for utility (TSTR and augmentation). Models are tested on
        ``holdout`` when given, otherwise on a ``test_size`` split of ``real``
        (optimistic: the generator saw those rows).
    holdout : pandas.DataFrame, default=None
        Real rows the generator did not see, with the same columns; enables the
        privacy metrics.
    kinds : dict of str to str, default=None
        Column kinds that replace those inferred from ``real``.
    detection : bool or str or classifier, default=True
        Whether to run the detection test and explain it (see
        :func:`explain_detection`, on at most 5000 rows of each table); a string
        or classifier is passed as its ``estimator``.
    rules : "auto", iterable of rules or None, default="auto"
        Rules of the real table whose obedience by the synthetic rows is
        reported with the detection (``"auto"``: those
        :func:`~sksynth.rules.find_rules` finds in ``real``; see
        :func:`explain_detection`).
    estimator : estimator, default=None
        The utility model (see :func:`tstr_score`).
    metric : str or list of str, default=None
        The utility metrics; the first gives ``tstr_ratio``.
    cv : int, default=5
        Folds of the detection classifier.
    test_size : float, default=0.3
        Share of ``real`` held out for utility when there is no holdout.
    correlation_threshold, association_threshold : float, default=0.5, 0.3
        See :func:`column_pair_trends`.
    n_bins : int, default=10
        See :func:`column_pair_trends`.
    binning : {"shared", "separate"}, default="shared"
        See :func:`column_pair_trends`.
    random_state : int, RandomState instance or None, default=None
        Seeds detection, the utility split and models, and privacy subsampling.
    verbose : int, default=1
        Show a progress bar over the four parts on a terminal; 0 turns it off.

    Returns
    -------
    report : EvaluationReport

    Raises
    ------
    ValueError
        For mismatched columns or kinds, a target missing from a table or with a
        single class, and tables with fewer than two rows.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sksynth.metrics import evaluate
    >>> rng = np.random.default_rng(0)
    >>> def table(n):
    ...     x = rng.normal(size=n)
    ...     return pd.DataFrame({"x": x, "y": np.where(x + rng.normal(size=n) > 0, "a", "b")})
    >>> real, synthetic, holdout = table(200), table(200), table(200)
    >>> report = evaluate(real, synthetic, target="y", holdout=holdout, random_state=0)
    >>> sorted(report.scores.index)  # doctest: +NORMALIZE_WHITESPACE
    ['augmentation_ratio', 'column_pair_trends', 'column_shapes', 'dcr_share',
     'detection_auc', 'exact_copy_rate', 'fidelity', 'mia_auc', 'missing_values',
     'nndr', 'tstr_ratio']
    """
    if target is not None:
        _check_target(target, {"real": real, "synthetic": synthetic, "holdout": holdout})
    others = {"synthetic": synthetic}
    if holdout is not None:
        others["holdout"] = holdout
    real, others, kinds = check_tables(real, others, kinds=kinds)
    synthetic = others["synthetic"]
    rng = check_random_state(random_state)
    bar = progress_bar(4, "evaluate", verbose=verbose)
    bar.set_postfix_str("fidelity")

    scores, shapes, pairs = fidelity_details(
        real,
        synthetic,
        kinds=kinds,
        correlation_threshold=correlation_threshold,
        association_threshold=association_threshold,
        n_bins=n_bins,
        binning=binning,
    )
    details = {"column_shapes": shapes, "column_pair_trends": pairs}
    notes = []
    bar.update()
    bar.set_postfix_str("detection")

    explanation = None
    if detection is not False:
        model = None if detection is True else detection
        explanation = explain_detection(
            real, synthetic, rules=rules, kinds=kinds, estimator=model, cv=cv,
            random_state=_seed(rng),
        )  # fmt: skip
        scores["detection_auc"] = explanation.auc
        details["detection_columns"] = explanation.columns
        details["detection_pairs"] = explanation.pairs
        details["detection_rules"] = explanation.rules
    bar.update()
    bar.set_postfix_str("utility")

    if target is not None:
        seed = _seed(rng)
        if holdout is not None:
            train, test = real, others["holdout"]
        else:
            train, test = _utility_split(real, target, test_size, seed)
            notes.append(_OPTIMISTIC_UTILITY)
        options = {"estimator": estimator, "metric": metric, "kinds": kinds, "random_state": seed}
        utility = tstr_score(train, synthetic, test, target, **options)
        augmentation = augmentation_score(train, synthetic, test, target, **options)
        details["utility"], details["augmentation"] = utility, augmentation
        scores["tstr_ratio"] = float(utility["ratio"].iloc[0])
        scores["augmentation_ratio"] = float(augmentation["ratio"].iloc[0])
    bar.update()
    bar.set_postfix_str("privacy")

    distances = None
    if holdout is not None:
        privacy, distances = privacy_details(
            real, synthetic, others["holdout"], kinds=kinds, random_state=_seed(rng)
        )
        scores.update(privacy)
        details["privacy"] = pd.DataFrame(
            {
                "distance_to_train": distances["synthetic_to_train"],
                "distance_to_holdout": distances["synthetic_to_holdout"],
            },
            index=synthetic.index,
        )
    bar.update()
    bar.close()
    order = [name for name in _DESCRIPTIONS if name in scores]
    series = pd.Series({name: float(scores[name]) for name in order}, name="score")
    return EvaluationReport(
        series, details, real, synthetic, kinds, distances, explanation, notes=notes
    )
