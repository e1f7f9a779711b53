"""Augmentation: 5-fold cross-validated imblearn pipelines on the imbalanced datasets.

Pipeline per sampler: missing-value imputation -> sampler -> encoding (scaled
numbers, one-hot categories) -> classifier, so that the sampler sees the
mixed-type table it was made for (SMOTENC takes the categories as they are;
our samplers too). SMOTE and ADASYN only take numbers: on tables with
categories they run after the encoding, as users must do; on all-numeric
tables SMOTE is the SMOTE/SMOTENC entry. ``none`` is the same pipeline without
a sampler. Each pipeline is scored with ``cross_validate`` on the same
``StratifiedKFold(5, shuffle=True)`` folds; the sampler acts on the training
folds only. The fitted imputer+sampler steps are cached (joblib ``memory``)
so that the second classifier reuses the resampled folds of the first.
"""

from __future__ import annotations

import tempfile

import numpy as np

from . import _data, _models
from ._env import Timer, quiet

SAMPLERS = [
    "none",
    "RandomOverSampler",
    "SMOTE/SMOTENC",
    "ADASYN",
    "sksynth.ConditionalGAN",
    "sksynth.ConditionalVAE",
    "sksynth.GAN",
    "sksynth.VAE",
]
CLASSIFIERS = ["LogisticRegression", "HistGradientBoosting"]


def _classifier(name, seed):
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    if name == "LogisticRegression":
        return LogisticRegression(max_iter=2000)
    return HistGradientBoostingClassifier(random_state=seed)


def _our_sampler(name, epochs, seed):
    from sksynth.generators import (
        ConditionalGANSampler,
        ConditionalVAESampler,
        GANSampler,
        VAESampler,
    )

    classes = {
        "sksynth.ConditionalGAN": (
            ConditionalGANSampler, _models.GAN_SETTINGS
        ),
        "sksynth.ConditionalVAE": (ConditionalVAESampler, _models.VAE_SETTINGS),
        "sksynth.GAN": (GANSampler, _models.GAN_SETTINGS),
        "sksynth.VAE": (VAESampler, _models.VAE_SETTINGS),
    }
    cls, settings = classes[name]
    return cls(epochs=epochs, random_state=seed, **settings)


def make_pipeline_for(sampler, X, classifier, *, epochs, seed, memory=None):
    """The imblearn pipeline of one sampler and one classifier for table ``X``."""
    from imblearn.over_sampling import ADASYN, SMOTE, SMOTENC, RandomOverSampler
    from imblearn.pipeline import Pipeline

    from sksynth.preprocessing import MissingValueImputer, make_encoder

    categorical = _models.discrete_columns(X)
    impute = ("impute", MissingValueImputer(strategy="median"))
    encode = ("encode", make_encoder(X))
    clf = ("clf", _classifier(classifier, seed))
    if sampler == "none":
        steps = [impute, encode, clf]
    elif sampler == "RandomOverSampler":
        steps = [impute, ("sampler", RandomOverSampler(random_state=seed)), encode, clf]
    elif sampler == "SMOTE/SMOTENC":
        smote = (
            SMOTENC(categorical_features=categorical, random_state=seed)
            if categorical
            else SMOTE(random_state=seed)
        )
        steps = [impute, ("sampler", smote), encode, clf]
    elif sampler == "ADASYN":
        steps = [impute, encode, ("sampler", ADASYN(random_state=seed)), clf]
    else:
        steps = [impute, ("sampler", _our_sampler(sampler, epochs, seed)), encode, clf]
    return Pipeline(steps, memory=memory)


def _scoring(minority):
    from sklearn.metrics import average_precision_score, f1_score, make_scorer

    return {
        "balanced_accuracy": "balanced_accuracy",
        "minority_f1": make_scorer(f1_score, pos_label=minority),
        "average_precision": make_scorer(
            average_precision_score, response_method="predict_proba", pos_label=minority
        ),
    }


def run_dataset(ds, *, epochs, seed, max_rows=None, samplers=None, log=print):
    """Cross-validate every sampler x classifier pipeline on one imbalanced dataset."""
    from sklearn.model_selection import StratifiedKFold, cross_validate

    frame = ds.frame
    if max_rows:
        frame = _data.stratified_subsample(frame, ds.target, max_rows, seed=seed)
    X = frame.drop(columns=[ds.target])
    y = frame[ds.target].astype(str).to_numpy(dtype=object)
    minority = frame[ds.target].value_counts().idxmin()
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    rows = []
    for sampler in samplers or SAMPLERS:
        with tempfile.TemporaryDirectory() as cache:
            for classifier in CLASSIFIERS:
                pipe = make_pipeline_for(
                    sampler, X, classifier, epochs=epochs, seed=seed, memory=cache
                )
                row = {"dataset": ds.name, "sampler": sampler, "classifier": classifier,
                       "rows": len(frame), "minority": str(minority), "epochs": epochs}
                try:
                    with quiet(), Timer() as t:
                        cv = cross_validate(
                            pipe, X, y, cv=folds, scoring=_scoring(minority), error_score="raise"
                        )
                except Exception as exc:
                    row["error"] = f"{type(exc).__name__}: {exc}"[:500]
                    log(f"  augment {ds.name:12s} {sampler:24s} {classifier:22s} FAILED "
                        f"{row['error']}")
                    rows.append(row)
                    continue
                row["seconds"] = t.seconds
                for metric in ("balanced_accuracy", "minority_f1", "average_precision"):
                    values = np.asarray(cv[f"test_{metric}"], dtype=float)
                    row[metric] = float(values.mean())
                    row[f"{metric}_std"] = float(values.std())
                    row[f"{metric}_folds"] = values.round(5).tolist()
                log(
                    f"  augment {ds.name:12s} {sampler:24s} {classifier:22s} "
                    f"bal.acc {row['balanced_accuracy']:.3f}±{row['balanced_accuracy_std']:.3f} "
                    f"F1 {row['minority_f1']:.3f}  AP {row['average_precision']:.3f} "
                    f"({t.seconds:.1f}s)"
                )
                rows.append(row)
    return rows


SUMMARY_KEYS = {"rows": ("dataset", "sampler", "classifier", "epochs"), "datasets": ("name",)}

DEFAULT = {"datasets": ["breast_cancer", "credit", "cps1988", "hi", "creditcard"],
           "epochs": 100, "max_rows": 1_500, "samplers": None}
QUICK = {"datasets": ["credit"], "epochs": 2, "max_rows": 400,
         "samplers": ["none", "SMOTE/SMOTENC", "sksynth.ConditionalGAN", "sksynth.VAE"]}


def add_arguments(parser):
    parser.add_argument("--dataset", action="append", choices=_data.DATASETS,
                        help="dataset to run (repeatable; imbalanced binary tables only)")
    parser.add_argument("--epochs", type=int, default=None,
                        help="epochs of our samplers (default 100)")
    parser.add_argument("--max-rows", type=int, default=None,
                        help="cap on the rows of each table (stratified; default 1500)")
    parser.add_argument("--sampler", action="append", choices=SAMPLERS,
                        help="sampler to run (repeatable); default: all")


def run(args):
    """Cross-validate every pipeline on every imbalanced dataset of the settings."""
    cfg = dict(QUICK if args.quick else DEFAULT)
    for option, key in (("dataset", "datasets"), ("epochs", "epochs"), ("max_rows", "max_rows"),
                        ("sampler", "samplers")):
        if getattr(args, option, None):
            cfg[key] = getattr(args, option)
    out = {"datasets": [], "rows": []}
    for name in cfg["datasets"]:
        ds = _data.load(name)
        if not ds.imbalanced:
            args.log(f"  augment: skipping {name} (not an imbalanced binary table)")
            continue
        out["datasets"].append(ds.describe())
        out["rows"].extend(run_dataset(ds, epochs=cfg["epochs"], seed=args.seed,
                                       max_rows=cfg["max_rows"], samplers=cfg["samplers"],
                                       log=args.log))
    return out
