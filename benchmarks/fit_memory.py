"""Fit memory: peak memory and rows/s of one epoch on a large generated mixed table.

A generated table of ``--rows`` rows and 20 columns (12 numeric, 8 categorical,
some missing values) is fitted for one epoch by each sampler; peak RSS is read
from ``resource.getrusage`` in a fresh subprocess per sampler, so one model's
memory does not hide another's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd

SUMMARY_KEYS = {"rows": ("sampler", "rows")}


def make_table(n_rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data = {}
    for i in range(12):
        column = rng.normal(i, 1 + i % 3, n_rows)
        if i % 4 == 0:
            column = np.where(rng.random(n_rows) < 0.5, column, column + 6)  # bimodal
        if i % 5 == 0:
            column[rng.random(n_rows) < 0.05] = np.nan
        data[f"num{i}"] = column
    for i in range(8):
        levels = [f"l{j}" for j in range(3 + 2 * i)]
        data[f"cat{i}"] = pd.Categorical(rng.choice(levels, n_rows))
    return pd.DataFrame(data)


def _one(sampler_name: str, n_rows: int, threads: int) -> dict:
    import torch

    torch.set_num_threads(threads)
    from sksynth import generators

    frame = make_table(n_rows)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sampler = getattr(generators, sampler_name)(epochs=1, batch_size=500, random_state=0)
    start = time.perf_counter()
    sampler.fit(frame)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "sampler": sampler_name,
        "rows": n_rows,
        "columns": frame.shape[1],
        "encoded_columns": int(sampler.encoder_.n_features_out_),
        "fit_seconds_one_epoch": round(seconds, 1),
        "rows_per_second": round(n_rows / seconds),
        "peak_rss_mb": round(peak),
        "rss_before_fit_mb": round(base_rss),
        "table_mb": round(frame.memory_usage(deep=True).sum() / 2**20),
    }


def add_arguments(parser):
    parser.add_argument("--rows", type=int, default=None,
                        help="rows of the generated table (default 1000000)")
    parser.add_argument("--samplers", default=None,
                        help="comma-separated sampler classes (default "
                             "VAESampler,ConditionalGANSampler)")


def run(args):
    """Each sampler fitted for one epoch in its own process; one row per sampler."""
    n_rows = getattr(args, "rows", None) or (20_000 if args.quick else 1_000_000)
    names = (getattr(args, "samplers", None) or "VAESampler,ConditionalGANSampler").split(",")
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
    rows = []
    for name in names:
        out = subprocess.run(
            [sys.executable, "-m", __name__, "--rows", str(n_rows), "--child", name,
             "--threads", str(args.threads)],
            check=True, capture_output=True, text=True, env=env,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        args.log(f"  fit-memory {name:24s} {rows[-1]['fit_seconds_one_epoch']:7.1f} s  "
                 f"peak RSS {rows[-1]['peak_rss_mb']} MB")
    return {"rows": rows}


def _child(argv=None):
    """Measure one sampler in this process (what :func:`run` starts)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--child", required=True)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    sys.stdout.write(json.dumps(_one(args.child, args.rows, args.threads)) + "\n")


if __name__ == "__main__":
    _child()
