"""Epoch and sampling time on a CUDA GPU against the same machine's CPU, ours and the peers'.

Run on a GPU machine (``benchmarks/gpu_check.sh`` runs it after the CUDA tests)::

    python -m benchmarks.gpu_timing --out gpu_timing.json

Every model trains with the benchmark's equal settings (:mod:`benchmarks._models`: ctgan's
defaults, batch 500) on the bundled credit table and on that table repeated
``--repeat`` times (a larger table, where a GPU has work to do), on ``cuda`` and on ``cpu``
(all the machine's cores). An epoch's time is the median of the epochs after the first
(which holds CUDA's start-up). The ``ctgan`` package's CTGAN and TVAE run with
``enable_gpu=True`` on the GPU when the package imports; the report says why when it does not.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time

import pandas as pd
import torch

from benchmarks import _env, _models
from benchmarks._summary import GPU_PAIRS

OURS = [
    _models.OursConditionalGAN,
    _models.OursConditionalGANCtganCritic,
    _models.OursGAN,
    _models.OursConditionalVAE,
    _models.OursConditionalVAETvaeSizes,
    _models.OursVAE,
]
PEERS = [_models.CtganCTGAN, _models.CtganTVAE]


def _on(model_class, device, epochs, seed=0):
    """A model of ``model_class`` that trains on ``device``."""
    model = model_class(epochs=epochs, seed=seed)
    model.device = device
    return model


def _sync(device):
    if device == "cuda":
        torch.cuda.synchronize()


def time_model(model_class, frame, device, epochs, n_sample):
    """``{"epoch_s", "sample_rows_per_s"}`` of one model on one device."""
    model = _on(model_class, device, epochs)
    start = time.perf_counter()
    model.fit(frame)
    _sync(device)
    fit_s = time.perf_counter() - start
    walls = [wall for wall, _ in model.epoch_seconds() or []]
    start = time.perf_counter()
    rows = model.sample(n_sample)
    _sync(device)
    sample_s = time.perf_counter() - start
    rows = rows[0] if isinstance(rows, tuple) else rows
    assert len(rows) == n_sample and list(rows.columns) == list(frame.columns)
    return {
        "fit_s": round(fit_s, 3),
        "epoch_s": round(statistics.median(walls[1:]), 4) if len(walls) > 1 else None,
        "sample_rows_per_s": round(n_sample / sample_s),
    }


def peers_available():
    """``(True, version)`` when the ``ctgan`` package imports, else ``(False, why)``."""
    try:
        import ctgan
    except Exception as exc:  # noqa: BLE001 -- any import failure is reported, not raised
        return False, f"{type(exc).__name__}: {exc}"
    return True, getattr(ctgan, "__version__", "?")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=8)
    parser.add_argument("--sample", type=int, default=200_000)
    parser.add_argument("--device", action="append", choices=["cuda", "cpu"],
                        help="device(s) to time on (default: cuda when there is one, and cpu)")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)

    from sksynth.datasets import load_credit

    credit = load_credit()
    tables = {
        "credit": credit,
        f"credit_x{args.repeat}": pd.concat([credit] * args.repeat, ignore_index=True),
    }
    has_peers, peer_info = peers_available()
    devices = args.device or (["cuda", "cpu"] if torch.cuda.is_available() else ["cpu"])
    report = {
        "part": "gpu",
        "quick": False,
        "started": _env.now(),
        "command": "python -m benchmarks.gpu_timing " + " ".join(argv or sys.argv[1:]),
        "machine": {
            "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
            "nproc": os.cpu_count(),
            "torch_threads": torch.get_num_threads(),
            "python": platform.python_version(),
        },
        "versions": {"torch": torch.__version__, "ctgan": peer_info},
        "config": {"epochs": args.epochs, "repeat": args.repeat, "sample_rows": args.sample},
        "results": {"rows": []},
    }
    models = OURS + (PEERS if has_peers else [])
    for device in devices:
        for table, frame in tables.items():
            for model_class in models:
                try:
                    figures = time_model(model_class, frame, device, args.epochs, args.sample)
                except Exception as exc:  # noqa: BLE001 -- one failing model is reported
                    figures = {"error": f"{type(exc).__name__}: {exc}"}
                row = {"device": device, "table": table, "rows": len(frame),
                       "model": model_class.name, **figures}
                report["results"]["rows"].append(row)
                print(json.dumps(row), flush=True)
                if args.out:  # after every row: a run cut short keeps what it measured
                    _write(report, args.out)
    _print_ratios(report["results"]["rows"])
    print(json.dumps({k: v for k, v in report.items() if k != "results"}))


def _write(report, path):
    with open(path, "w") as f:
        json.dump(report, f, indent=1)


def _print_ratios(results):
    """Our epoch over the peer's, and GPU over CPU, per table."""
    by = {(r["device"], r["table"], r["model"]): r.get("epoch_s") for r in results}
    for device, table in sorted({(d, t) for d, t, _ in by}):
        for ours, peer in GPU_PAIRS:
            a, b = by.get((device, table, ours)), by.get((device, table, peer))
            if a and b:
                print(f"{device:5s} {table:10s} {ours:31s} / {peer:11s} epoch: {a / b:.2f}")
    for (device, table, model), epoch in sorted(by.items()):
        cpu = by.get(("cpu", table, model))
        if device == "cuda" and epoch and cpu:
            print(f"cuda/cpu  {table:10s} {model:31s} epoch: {epoch / cpu:.2f}")


if __name__ == "__main__":
    main()
