"""GPU timing: epoch and sampling time on a CUDA GPU and the same machine's CPU, ours and ctgan's.

Run on a GPU machine (``benchmarks/gpu_check.sh`` runs it after the CUDA tests)::

    python -m benchmarks.run --part gpu-timing --threads 16 --results OUT --no-summary

Every model trains with the benchmark's equal settings (:mod:`benchmarks._models`: ctgan's
defaults, batch 500) on the bundled credit table and on that table repeated
``--repeat`` times (a larger table, where a GPU has work to do), on ``cuda`` and on ``cpu``
(``--threads``). An epoch's time is the median of the epochs after the first
(which holds CUDA's start-up). The ``ctgan`` package's CTGAN and TVAE run with
``enable_gpu=True`` on the GPU when the package imports; the report says why when it does not.
"""

from __future__ import annotations

import json
import statistics
import time

import pandas as pd
import torch

from . import _models
from ._summary import GPU_PAIRS

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


SUMMARY_KEYS = {"rows": ("device", "table", "model")}


def add_arguments(parser):
    parser.add_argument("--epochs", type=int, default=None, help="epochs per model (default 4)")
    parser.add_argument("--repeat", type=int, default=None,
                        help="the larger table is credit this many times over (default 8)")
    parser.add_argument("--sample-rows", type=int, default=None,
                        help="rows sampled by every model (default 200000)")
    parser.add_argument("--device", action="append", choices=["cuda", "cpu"],
                        help="device(s) to time on (default: cuda when there is one, and cpu)")


def run(args):
    """Every model on each device and table; one row each (an error is a row too)."""
    from sksynth.datasets import load_credit

    epochs = getattr(args, "epochs", None) or (2 if args.quick else 4)
    repeat = getattr(args, "repeat", None) or (2 if args.quick else 8)
    n_sample = getattr(args, "sample_rows", None) or (1_000 if args.quick else 200_000)
    credit = load_credit()
    tables = {"credit": credit,
              f"credit_x{repeat}": pd.concat([credit] * repeat, ignore_index=True)}
    has_peers, peer_info = peers_available()
    devices = getattr(args, "device", None) or (
        ["cuda", "cpu"] if torch.cuda.is_available() else ["cpu"])
    out = {"gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
           "ctgan": peer_info, "epochs": epochs, "repeat": repeat, "sample_rows": n_sample,
           "rows": []}
    models = OURS + (PEERS if has_peers else [])
    for device in devices:
        for table, frame in tables.items():
            for model_class in models:
                try:
                    figures = time_model(model_class, frame, device, epochs, n_sample)
                except Exception as exc:  # noqa: BLE001 -- one failing model is reported
                    figures = {"error": f"{type(exc).__name__}: {exc}"}
                row = {"device": device, "table": table, "rows": len(frame),
                       "model": model_class.name, **figures}
                out["rows"].append(row)
                args.log(json.dumps(row))
                # after every row: a run cut short keeps what it measured
                _write({"part": "gpu-timing", "partial": True, "results": out},
                       args.result_path)
    for line in _ratio_lines(out["rows"]):
        args.log(line)
    return out


def _write(report, path):
    with open(path, "w") as f:
        json.dump(report, f, indent=1)


def _ratio_lines(results):
    """Our epoch over the peer's, and GPU over CPU, per table."""
    lines = []
    by = {(r["device"], r["table"], r["model"]): r.get("epoch_s") for r in results}
    for device, table in sorted({(d, t) for d, t, _ in by}):
        for ours, peer in GPU_PAIRS:
            a, b = by.get((device, table, ours)), by.get((device, table, peer))
            if a and b:
                lines.append(f"{device:5s} {table:10s} {ours:31s} / {peer:11s} epoch: "
                             f"{a / b:.2f}")
    for (device, table, model), epoch in sorted(by.items()):
        cpu = by.get(("cpu", table, model))
        if device == "cuda" and epoch and cpu:
            lines.append(f"cuda/cpu  {table:10s} {model:31s} epoch: {epoch / cpu:.2f}")
    return lines
