"""Fit on a large mixed table: peak memory and rows/s (issue #6, "scale on one machine").

Run: ``OMP_NUM_THREADS=1 python -m benchmarks.bench_fit_memory --rows 1000000``.
A generated table of ``--rows`` rows and 20 columns (12 numeric, 8 categorical,
some missing values) is fitted for one epoch by each sampler; peak RSS is read
from ``resource.getrusage`` in a fresh subprocess per sampler, so one model's
memory does not hide another's. Results go to ``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

RESULTS = Path(__file__).resolve().parent / "results"


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


def _one(sampler_name: str, n_rows: int) -> dict:
    import torch

    torch.set_num_threads(1)
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--samplers", default="VAESampler,ConditionalGANSampler")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_one(args.child, args.rows)))
        return 0
    rows = []
    for name in args.samplers.split(","):
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_fit_memory", "--rows", str(args.rows),
             "--child", name],
            check=True, capture_output=True, text=True,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(rows[-1], flush=True)
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    run = {"part": "fitmemory", "started": stamp, "quick": False, "rows": rows}
    (RESULTS / f"fitmemory-{stamp}.json").write_text(json.dumps(run, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
