"""Fidelity of one model over several values of one parameter, several seeds and tables.

``python -m benchmarks.sweep --model sksynth.ConditionalVAE --param latent_dim
--values 16,32,128 --dataset credit --dataset breast_cancer --seeds 0,1,2``

Each (table, seed) trains on the quality part's stratified subsample (2,000
rows by default) for the given epochs, samples as many rows and scores them
with :func:`sksynth.metrics.fidelity_score`, exactly as the quality part does;
the parameter is set on our sampler with ``set_params`` (so only our models
can be swept). One JSON file under ``benchmarks/results/`` (``sweep-*.json``)
holds every row, written after each fit; the summary printed at the end gives
the mean fidelity per table and value.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import time
from pathlib import Path

from . import _data, _env, _models
from ._env import Timer, quiet

RESULTS = Path(__file__).resolve().parent / "results"


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


def run(model, param, values, datasets, seeds, *, epochs=300, max_train_rows=2_000,
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

    payload = {"part": "sweep", "started": started, "model": model, "param": param,
               "values": [repr(v) for v in values], "epochs": epochs,
               "max_train_rows": max_train_rows, "machine": _env.machine(),
               "versions": _env.versions(), "rows": rows}
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


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sweep",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, choices=_models.OURS + [
        n for n in _models.MODELS if n.startswith("sksynth.") and n not in _models.OURS])
    parser.add_argument("--param", required=True, help="a parameter of the sampler")
    parser.add_argument("--values", required=True, type=parse_values,
                        help="comma-separated Python literals, e.g. 16,32,128 or (128,128),None")
    parser.add_argument("--dataset", action="append", required=True,
                        choices=_data.DATASETS + list(_data.EXTRA_LOADERS))
    parser.add_argument("--seeds", default="0,1,2", type=lambda s: [int(x) for x in s.split(",")])
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--max-train-rows", type=int, default=2_000)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import torch

    torch.set_num_threads(args.threads)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"sweep-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}.json"
    rows = run(args.model, args.param, args.values, args.dataset, args.seeds,
               epochs=args.epochs, max_train_rows=args.max_train_rows, out_path=out)
    print(summary(rows))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
