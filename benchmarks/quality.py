"""Quality at equal training budget: our four generators vs SDV's three synthesizers.

Every model is fitted on the same training table (the 70% split, target
column included, missing values as they are) for the same number of epochs,
then samples as many rows as it was trained on. Against the real training
rows: :func:`~sksynth.metrics.fidelity_score` (higher is better) and
:func:`~sksynth.metrics.detection_auc` (0.5 is best); against the held-out
30%: the TSTR/TRTR ratio of :func:`~sksynth.metrics.tstr_score` (ROC AUC of a
gradient-boosting model trained on synthetic rows over one trained on real
rows, both tested on the holdout; 1 is best) and
:func:`~sksynth.metrics.dcr_share` (0.5 is best, near 1 means copying).
GaussianCopula has no epochs: it is fitted once as SDV does.
"""

from __future__ import annotations

import gc

from . import _data, _models
from ._env import Timer, quiet

# the ``ctgan`` package's CTGAN and TVAE too: the generators issue asks for them by name
MODELS = _models.OURS + _models.CTGAN_PEERS + _models.SDV_PEERS


def _scores(ds, train, synthetic, seed):
    """Every metric on its own: one that cannot be computed leaves the others."""
    from sksynth.metrics import dcr_share, detection_auc, fidelity_score, tstr_score

    out, errors = {}, {}

    def utility():
        scores = tstr_score(train, synthetic, ds.holdout, ds.target, random_state=seed)
        first = scores.index[0]
        return {
            "tstr_metric": str(first),
            "trtr": float(scores.loc[first, "real"]),
            "tstr": float(scores.loc[first, "synthetic"]),
            "tstr_trtr_ratio": float(scores.loc[first, "ratio"]),
        }

    metrics = {
        "fidelity": lambda: {"fidelity": float(fidelity_score(train, synthetic))},
        "detection_auc": lambda: {
            "detection_auc": float(detection_auc(train, synthetic, random_state=seed))
        },
        "tstr_trtr_ratio": utility,
        "dcr_share": lambda: {
            "dcr_share": float(dcr_share(train, synthetic, ds.holdout, random_state=seed))
        },
    }
    for name, compute in metrics.items():
        try:
            with quiet():
                out.update(compute())
        except Exception as exc:  # e.g. a synthetic target with a single class
            errors[name] = f"{type(exc).__name__}: {exc}"[:300]
    if errors:
        out["metric_errors"] = errors
    return out


def run_dataset(ds, *, epochs, seed, max_train_rows=None, models=None, log=print):
    """Fit every model on one dataset's training table and score its samples."""
    train = ds.train
    if max_train_rows:
        train = _data.stratified_subsample(train, ds.target, max_train_rows, seed=seed)
    rows = []
    for name in models or MODELS:
        model = _models.make(name, epochs, seed)
        row = {"dataset": ds.name, "model": name, "epochs": epochs, "train_rows": len(train)}
        try:
            with quiet(), Timer() as fit_t:
                model.fit(train)
                synthetic = model.sample(len(train))
            row["fit_sample_seconds"] = fit_t.seconds
            synthetic = _models.restore_dtypes(synthetic[list(train.columns)], train.dtypes)
            row.update(_scores(ds, train, synthetic, seed))
        except Exception as exc:  # one failing model must not lose the others' results
            row["error"] = f"{type(exc).__name__}: {exc}"[:500]
            log(f"  quality {ds.name:14s} {name:24s} FAILED {row['error']}")
            rows.append(row)
            continue
        shown = "  ".join(
            f"{k} {row[k]:.3f}" for k in ("fidelity", "detection_auc", "tstr_trtr_ratio",
                                          "dcr_share") if k in row
        )
        failed = "; ".join(f"{k}: {v}" for k, v in row.get("metric_errors", {}).items())
        log(f"  quality {ds.name:14s} {name:24s} {shown}  ({row['fit_sample_seconds']:.1f}s)"
            + (f"  not computed: {failed}" if failed else ""))
        rows.append(row)
        del model, synthetic
        gc.collect()
    return rows


SUMMARY_KEYS = {"rows": ("dataset", "model", "epochs", "seed"), "datasets": ("name",)}

DEFAULT = {"datasets": _data.DATASETS, "epochs": 300, "max_train_rows": 2_000, "models": None}
QUICK = {"datasets": ["credit"], "epochs": 2, "max_train_rows": 500,
         "models": ["sksynth.ConditionalGAN", "sksynth.VAE", "sdv.GaussianCopula"]}


def add_arguments(parser):
    parser.add_argument("--dataset", action="append", choices=_data.DATASETS,
                        help="dataset to run (repeatable); default: all")
    parser.add_argument("--model", action="append", choices=list(_models.MODELS),
                        help="model to run (repeatable), e.g. sksynth.ConditionalVAE; default: "
                             "all; the summary keeps the other models' rows")
    parser.add_argument("--epochs", type=int, default=None,
                        help="epochs for every model (default 300, both libraries' default)")
    parser.add_argument("--max-rows", type=int, default=None,
                        help="cap on the training rows (stratified subsample; default 2000)")
    parser.add_argument("--seeds", type=lambda s: [int(x) for x in s.split(",")], default=None,
                        help="comma-separated seeds, each drawing its own subsample and "
                             "training its own models, e.g. 0,1,2 (default: --seed)")


def run(args):
    """Fit, sample and score every model on every dataset, for each seed."""
    cfg = dict(QUICK if args.quick else DEFAULT)
    for option, key in (("dataset", "datasets"), ("model", "models"), ("epochs", "epochs"),
                        ("max_rows", "max_train_rows")):
        if getattr(args, option, None):
            cfg[key] = getattr(args, option)
    seeds = getattr(args, "seeds", None) or [args.seed]
    out = {"datasets": [], "rows": []}
    for name in cfg["datasets"]:
        ds = _data.load(name)
        out["datasets"].append(ds.describe())
        for seed in seeds:
            rows = run_dataset(ds, epochs=cfg["epochs"], seed=seed,
                               max_train_rows=cfg["max_train_rows"], models=cfg["models"],
                               log=args.log)
            out["rows"].extend(dict(r, seed=seed) for r in rows)
    return out
