"""Sweep: fidelity of one of our samplers over values of one parameter, seeds and tables.

``python -m benchmarks.run --part sweep --model sksynth.ConditionalVAE --param latent_dim
--values 16,32,128 --dataset credit --dataset breast_cancer --seeds 0,1,2``

Each (table, seed) trains on the quality part's stratified subsample (2,000
rows by default) for the given epochs, samples as many rows and scores them
with :func:`sksynth.metrics.fidelity_score`, exactly as the quality part does;
the parameter is set on our sampler with ``set_params`` (so only our models
can be swept). The run file is rewritten after each fit, so a sweep cut short
keeps what it measured; the lines printed at the end give the mean fidelity per
table and value.
"""

from __future__ import annotations

import ast
import json

from . import _data, _env, _models
from ._env import Timer, quiet

SUMMARY_KEYS = {"rows": ("model", "param", "dataset", "value", "seed", "epochs")}


def _value(text):
    """``16`` -> 16, ``(128,128)`` -> (128, 128), ``None`` -> None, ``bce`` -> "bce"."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parse_values(text):
    """Split ``16,32,(128,128),None`` at the top-level commas."""
    values, depth, start = [], 0, 0
    for i, char in enumerate(text + ","):
        depth += 1 if char in "([" else -1 if char in ")]" else 0
        if char == "," and depth == 0:
            if text[start:i].strip():
                values.append(_value(text[start:i].strip()))
            start = i + 1
    return values


def sweep(model, param, values, datasets, seeds, *, epochs=300, max_train_rows=2_000,
        out_path=None, log=print):
    """Fit, sample and score every (table, seed, value); return the rows."""
    from sksynth.metrics import fidelity_score

    if not model.startswith("sksynth."):
        raise ValueError(f"only our samplers can be swept; got {model!r}")
    rows, started = [], _env.now()
    for name in datasets:
        ds = _data.load(name)
        for seed in seeds:
            train = _data.stratified_subsample(ds.train, ds.target, max_train_rows, seed=seed)
            for value in values:
                wrapper = _models.make(model, epochs, seed)
                wrapper.params = {**(wrapper.params or {}), param: value}
                with quiet(), Timer() as t:
                    wrapper.fit(train)
                    synthetic = wrapper.sample(len(train))
                synthetic = _models.restore_dtypes(
                    synthetic[list(train.columns)], train.dtypes)
                applied = wrapper.estimator.get_params()[param]  # what the fit used
                row = {"dataset": name, "model": model, "param": param, "value": repr(value),
                       "applied": repr(applied),
                       "seed": seed, "epochs": epochs, "train_rows": len(train),
                       "fidelity": float(fidelity_score(train, synthetic)),
                       "fit_sample_seconds": t.seconds}
                rows.append(row)
                log(f"  {name:14s} seed {seed} {param}={value!r:12s} "
                    f"fidelity {row['fidelity']:.4f}  ({t.seconds:.1f}s)")
                if out_path is not None:
                    _dump(out_path, model, param, values, epochs, max_train_rows, rows,
                          started)
    return rows


def _dump(path, model, param, values, epochs, max_train_rows, rows, started):
    from sksynth.utils import atomic_write

    payload = {"part": "sweep", "started": started, "partial": True, "model": model,
               "param": param, "values": [repr(v) for v in values], "epochs": epochs,
               "max_train_rows": max_train_rows, "results": {"rows": rows}}
    with atomic_write(path, "w") as fh:
        json.dump(payload, fh, indent=1)


def summary(rows):
    """Mean fidelity per (table, value), one line per table."""
    lines = []
    for name in dict.fromkeys(r["dataset"] for r in rows):
        cells = []
        for value in dict.fromkeys(r["value"] for r in rows):
            scores = [r["fidelity"] for r in rows if r["dataset"] == name and r["value"] == value]
            if scores:
                cells.append(f"{value}: {sum(scores) / len(scores):.4f} (n={len(scores)})")
        lines.append(f"{name:14s} " + "  ".join(cells))
    return "\n".join(lines)


def add_arguments(parser):
    ours = _models.OURS + [n for n in _models.MODELS
                           if n.startswith("sksynth.") and n not in _models.OURS]
    parser.add_argument("--model", choices=ours, default=None, help="our sampler to sweep")
    parser.add_argument("--param", default=None, help="a parameter of the sampler")
    parser.add_argument("--values", type=parse_values, default=None,
                        help="comma-separated Python literals, e.g. 16,32,128 or (128,128),None")
    parser.add_argument("--dataset", action="append",
                        choices=_data.DATASETS + list(_data.EXTRA_LOADERS),
                        help="table to sweep on (repeatable)")
    parser.add_argument("--seeds", type=lambda s: [int(x) for x in s.split(",")], default=None,
                        help="comma-separated seeds (default 0,1,2)")
    parser.add_argument("--epochs", type=int, default=None, help="epochs (default 300)")
    parser.add_argument("--max-rows", type=int, default=None,
                        help="cap on the training rows (default 2000)")


def run(args):
    """Sweep the parameter given on the command line."""
    missing = [f"--{name}" for name in ("model", "param", "values", "dataset")
               if not getattr(args, name, None)]
    if missing:
        raise SystemExit(f"the sweep part needs {', '.join(missing)}")
    rows = sweep(args.model, args.param, args.values, args.dataset,
                 getattr(args, "seeds", None) or [0, 1, 2],
                 epochs=getattr(args, "epochs", None) or (2 if args.quick else 300),
                 max_train_rows=getattr(args, "max_rows", None) or 2_000,
                 out_path=args.result_path, log=args.log)
    args.log(summary(rows))
    return {"rows": rows}
