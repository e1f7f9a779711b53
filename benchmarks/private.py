"""Private synthetic data at epsilon = 1: ``python -m benchmarks.run --part private``.

For every benchmark table with at least 1,000 rows: :class:`MarginalPrivateSampler`
and :class:`ConditionalVAESampler` with ``dp=True`` (DP-SGD, 30 epochs) beside
smartnoise-synth's MST and AIM (``pip install smartnoise-synth``, in the
``bench`` extra), all at the same epsilon and delta, with the same numeric
bounds declared public (powers of ten beyond the observed ranges, as a data
owner gives them without looking at the rows) and the same bins for the
peers. Each model fits on a 70% split (target included, numeric NaN
median-filled so that every model gets the same table) and samples as many
rows, on the fixed split and on four other random ones (``--splits``);
reported, as means over the splits: fidelity (against the holdout), the
TSTR/TRTR ratio of ROC AUC, the membership-inference AUC on all rows and on
the minority class, the reconstruction rate of minority rows (beside the rate
of the holdout, an independent real sample of the same size), and the fit
time of the fixed split.
A last row times the marginal sampler on 100,000 rows x 20 columns.
``--model`` limits a run to some models: smartnoise's AIM, at its default
settings, takes about five minutes a fit on hi (one thread), so a whole run
takes about an hour; the summary keeps each (table, model) row of the latest
run that had it, so the models can be run apart.

Self-contained: ``run(args)`` takes the parsed arguments and returns the rows,
which are also written to the results folder as ``private-<time>.json``
(``-quick.json``, ignored by git, with ``--quick``).
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd

from . import _data

MIN_ROWS = 1_000
PEER_BINS = 20


def _generous(value):
    """The power of ten at or beyond ``value`` (away from zero), zero kept."""
    if value == 0:
        return 0.0
    return float(np.sign(value) * 10.0 ** np.ceil(np.log10(abs(value))))


def _bounds(train):
    """Bounds a data owner would declare without looking at the rows: powers of ten.

    Zero is the lower bound of a column that never goes below it; otherwise
    each bound is the power of ten beyond the observed extreme. The observed
    extremes themselves are never declared: they are private (a declared
    bound is an exact cell of the marginal sampler, and would give the rows at
    the extremes away).
    """
    numeric = [c for c in train.columns if pd.api.types.is_numeric_dtype(train[c])
               and not pd.api.types.is_bool_dtype(train[c])]
    bounds = {}
    for c in numeric:
        low, high = float(train[c].min()), float(train[c].max())
        bounds[c] = (0.0 if low >= 0 else _generous(low), _generous(high) if high > 0 else 0.0)
        if bounds[c][0] == bounds[c][1]:
            bounds[c] = (bounds[c][0], bounds[c][0] + 1.0)
    return bounds


def _ours(train, epsilon, delta, bounds, seed, target):
    """Fitted with the target as ``y`` (the root of its tree), as a classifier's user would."""
    from sksynth.generators import MarginalPrivateSampler

    sampler = MarginalPrivateSampler(epsilon=epsilon, delta=delta, bounds=bounds,
                                     random_state=seed)
    sampler.fit(train.drop(columns=target), train[target])
    X_new, y_new = sampler.sample(len(train), random_state=seed)
    return X_new.assign(**{target: y_new.to_numpy()})[list(train.columns)]


DP_SGD_EPOCHS = 30


def _dp_sgd(train, epsilon, delta, bounds, seed, target):
    """Our conditional VAE with DP-SGD at the same epsilon and delta and the same bounds."""
    import torch

    from sksynth.generators import ConditionalVAESampler

    torch.set_num_threads(1)
    sampler = ConditionalVAESampler(dp=True, target_epsilon=epsilon, target_delta=delta,
                                    epochs=DP_SGD_EPOCHS, dp_metadata={"bounds": bounds},
                                    random_state=seed)
    sampler.fit(train.drop(columns=target), train[target])
    X_new, y_new = sampler.sample(len(train), random_state=seed)
    return X_new.assign(**{target: y_new.to_numpy()})[list(train.columns)]


class PeerMissing(RuntimeError):
    """A peer library is not installed; its rows say so instead of holding scores."""


def _smartnoise(name):
    def fit_sample(train, epsilon, delta, bounds, seed, target):
        try:
            from snsynth import Synthesizer
        except ImportError:
            raise PeerMissing("not run: smartnoise-synth is not installed (a benchmark-only "
                              "dependency: pip install smartnoise-synth)") from None
        from snsynth.transform import BinTransformer, LabelTransformer

        constraints = {
            c: BinTransformer(bins=PEER_BINS, lower=bounds[c][0], upper=bounds[c][1])
            if c in bounds else LabelTransformer(nullable=c != target)
            for c in train.columns
        }
        frame = train.astype({c: object for c in train.columns if c not in bounds})
        synth = Synthesizer.create(name, epsilon=epsilon, delta=delta)
        synth.fit(frame, transformer=constraints, preprocessor_eps=0.0)
        out = pd.DataFrame(synth.sample(len(train)), columns=train.columns)
        for c in train.columns:  # back to the training dtypes for the metrics
            out[c] = out[c].astype(train[c].dtype) if c in bounds else pd.Categorical(
                out[c], categories=train[c].cat.categories) if isinstance(
                train[c].dtype, pd.CategoricalDtype) else out[c]
        return out

    return fit_sample


MODELS = {"marginals (ours)": _ours, "DP-SGD conditional VAE (ours)": _dp_sgd,
          "smartnoise MST": _smartnoise("mst"), "smartnoise AIM": _smartnoise("aim")}


def _scores(target, train, holdout, synthetic, seed):
    from sksynth.metrics import (
        fidelity_score,
        membership_inference_auc,
        minority_membership_inference_auc,
        reconstruction_rate,
        tstr_score,
    )

    scores = tstr_score(train, synthetic, holdout, target, random_state=seed)
    # reconstruction grows with the number of rows that may approach a real one: the
    # synthetic rows are cut to the holdout's size, and the holdout (real rows the model
    # never saw) gives the rate of an independent sample of the population
    subsample = synthetic.sample(n=min(len(holdout), len(synthetic)), random_state=seed)
    return {
        "fidelity": float(np.mean(fidelity_score(holdout, synthetic))),
        "tstr_trtr": float(scores.iloc[0]["ratio"]),
        "mia_auc": membership_inference_auc(train, synthetic, holdout, random_state=seed),
        "minority_mia_auc": minority_membership_inference_auc(
            train, synthetic, holdout, target, random_state=seed),
        "reconstruction": reconstruction_rate(train, subsample, target),
        "reconstruction_holdout": reconstruction_rate(train, holdout, target),
    }


def _line(row):
    """One log line of a result row (the runner logs text)."""
    return "   " + ", ".join(
        f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items())


def _splits(ds, n_splits):
    """The fixed split, then ``n_splits - 1`` other stratified 70/30 splits of the table.

    A membership attack on one split measures that split's luck as much as the
    sampler (which real rows happen to be central); its mean over splits does not.
    """
    from sklearn.model_selection import train_test_split

    yield _data.fill_missing(ds.train), _data.fill_missing(ds.holdout)
    for k in range(1, n_splits):
        train, holdout = train_test_split(ds.frame, test_size=0.3, stratify=ds.frame[ds.target],
                                          random_state=_data.SPLIT_SEED + k)
        yield (_data.fill_missing(train.reset_index(drop=True)),
               _data.fill_missing(holdout.reset_index(drop=True)))


def run_dataset(ds, *, epsilon, seed, n_splits=5, models=None, log=print):
    """Fit every model on each split of one table and average the scores.

    A failing model leaves the others. The spread over splits of the
    minority-class attack is kept (``minority_mia_sd``).
    """
    rows = []
    for name, fit_sample in (models or MODELS).items():
        row = {"dataset": ds.name, "model": name, "epsilon": epsilon,
               "rows": len(ds.train), "splits": n_splits}
        try:
            per_split, seconds = [], []
            for k, (train, holdout) in enumerate(_splits(ds, n_splits)):
                delta = 1.0 / len(train) ** 2
                start = time.perf_counter()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    synthetic = fit_sample(train, epsilon, delta, _bounds(train), seed + k,
                                           ds.target)
                    seconds.append(time.perf_counter() - start)
                    per_split.append(_scores(ds.target, train, holdout, synthetic, seed))
            row["fit_sample_s"] = seconds[0]
            row.update({key: float(np.mean([s[key] for s in per_split]))
                        for key in per_split[0]})
            row["minority_mia_sd"] = float(np.std([s["minority_mia_auc"] for s in per_split]))
        except PeerMissing as exc:
            row["error"] = str(exc)
        except Exception as exc:
            row["error"] = f"{type(exc).__name__}: {exc}"[:300]
        log(_line(row))
        rows.append(row)
    return rows


def time_large(*, epsilon, seed, n_rows=100_000, n_columns=20, log=print):
    """Fit time of the marginal sampler on ``n_rows`` x ``n_columns`` (half numbers)."""
    from sksynth.generators import MarginalPrivateSampler

    rng = np.random.default_rng(seed)
    base = rng.normal(size=n_rows)
    columns = {}
    for i in range(n_columns):
        if i % 2:
            columns[f"c{i}"] = pd.Categorical(np.digitize(base + rng.normal(size=n_rows),
                                                          [-1, 0, 1]).astype(str))
        else:
            columns[f"x{i}"] = base + rng.normal(size=n_rows)
    frame = pd.DataFrame(columns)
    start = time.perf_counter()
    MarginalPrivateSampler(epsilon=epsilon, bounds="public-bounds", random_state=seed).fit(frame)
    row = {"model": "marginals (ours)", "rows": n_rows, "columns": n_columns,
           "fit_s": time.perf_counter() - start}
    log(_line(row))
    return row


SUMMARY_KEYS = {"rows": ("dataset", "model")}


def add_arguments(parser):
    parser.add_argument("--dataset", action="append", choices=_data.DATASETS, default=None,
                        help="a table, repeatable (default: all >= 1k rows)")
    parser.add_argument("--epsilon", type=float, default=None, help="privacy budget (default 1)")
    parser.add_argument("--model", action="append", choices=list(MODELS), default=None,
                        help="a model, repeatable (default: all)")
    parser.add_argument("--splits", type=int, default=None,
                        help="random 70/30 splits each model is fitted and scored on, the "
                             "scores averaged (default 5)")


def run(args):
    """Run the part (``dataset``, ``epsilon``, ``seed``; ``quick`` skips the 100k-row timing)."""
    import sksynth.generators  # noqa: F401  (torch's import stays out of the timings)

    epsilon = args.epsilon if getattr(args, "epsilon", None) is not None else 1.0
    seed = args.seed if getattr(args, "seed", None) is not None else 0
    log = getattr(args, "log", print)
    dataset = getattr(args, "dataset", None)
    names = list(dataset) if dataset else _data.DATASETS
    chosen = getattr(args, "model", None)
    models = {name: MODELS[name] for name in chosen} if chosen else None
    rows = []
    for name in names:
        ds = _data.load(name)
        if len(ds.frame) < MIN_ROWS and not dataset:
            continue
        rows += run_dataset(ds, epsilon=epsilon, seed=seed, models=models, log=log,
                            n_splits=getattr(args, "splits", None) or 5)
    out = {"epsilon": epsilon, "rows": rows}
    if not getattr(args, "quick", False):
        out["large"] = time_large(epsilon=epsilon, seed=seed, log=log)
    return out
