"""Per-part summaries (``benchmarks/summary/<part>.json``) and the speed ratios.

A summary holds what the page shows of one part: the runs it comes from (settings,
machine, versions; no results) under ``runs``, and ``results``, the newest run's results
in which the lists named by the part's ``SUMMARY_KEYS`` are merged over the runs, the
newest run winning per key. Every merged row names its run (``run``). No heavy imports:
the report uses this module too.
"""

from __future__ import annotations

import json
from pathlib import Path

RUN_FIELDS = ("part", "started", "seconds", "seed", "command", "config", "machine", "versions")


def run_id(payload):
    """A run's name: its part and start time, e.g. ``speed-2026-11-26T12:19:33``."""
    return f"{payload['part']}-{str(payload.get('started', '?'))[:19]}"


def load(folder):
    """``{part: summary}`` of every ``*.json`` in ``folder``."""
    out = {}
    for path in sorted(Path(folder).glob("*.json")):
        summary = json.loads(path.read_text())
        out[summary["part"]] = summary
    return out


def merge(summary, payload, keys=None):
    """``summary`` (or None) with the run ``payload`` folded in; a new dict."""
    rid = run_id(payload)
    meta = {k: payload[k] for k in RUN_FIELDS if k in payload}
    results = json.loads(json.dumps(payload.get("results") or {}, default=str))
    runs = {rid: meta}
    if summary and keys:
        old_results = summary.get("results") or {}
        used = set()
        for field, columns in keys.items():
            new_rows = [dict(r, run=rid) for r in results.get(field) or []]
            seen = {tuple(r.get(c) for c in columns) for r in new_rows}
            old_rows = [r for r in old_results.get(field) or []
                        if tuple(r.get(c) for c in columns) not in seen]
            results[field] = new_rows + old_rows
            used.update(r["run"] for r in old_rows)
        for name, value in old_results.items():  # e.g. a measurement this run skipped
            if name not in results or results[name] in (None, [], {}):
                results[name] = value
        runs.update({k: v for k, v in summary.get("runs", {}).items() if k in used})
    elif keys:
        for field in keys:
            results[field] = [dict(r, run=rid) for r in results.get(field) or []]
    return {"part": payload["part"], "runs": runs, "results": results}


def update(folder, payload, keys=None):
    """Fold the run ``payload`` into ``folder/<part>.json``; return that path."""
    folder = Path(folder)
    path = folder / f"{payload['part']}.json"
    summary = json.loads(path.read_text()) if path.exists() else None
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(merge(summary, payload, keys), indent=1, default=str) + "\n")
    return path


# Speed pairs: our conditional GAN and conditional VAE at their defaults against the ctgan
# package's CTGAN and TVAE. Extras: ours at ctgan's arithmetic ([CTGAN critic]: packs of 10
# without the row layer, dropout 0.5; [TVAE sizes]: latent 128 and a two-layer encoder), the
# unconditional VAE, and SDV's CTGAN and TVAE (the same networks behind SDV's preparation).
PAIRS = [
    ("sksynth.ConditionalGAN", "ctgan.CTGAN"),
    ("sksynth.ConditionalVAE", "ctgan.TVAE"),
]
# the GPU timing's pairs (benchmarks/gpu_timing.py and the report's GPU section)
GPU_PAIRS = [
    ("sksynth.ConditionalGAN", "ctgan.CTGAN"),
    ("sksynth.ConditionalGAN[CTGAN critic]", "ctgan.CTGAN"),
    ("sksynth.GAN", "ctgan.CTGAN"),
    ("sksynth.ConditionalVAE", "ctgan.TVAE"),
    ("sksynth.ConditionalVAE[TVAE sizes]", "ctgan.TVAE"),
    ("sksynth.VAE", "ctgan.TVAE"),
]
SDV_PAIRS = [
    ("sksynth.ConditionalGAN", "sdv.CTGAN"),
    ("sksynth.ConditionalVAE", "sdv.TVAE"),
]
EXTRA_PAIRS = [
    ("sksynth.VAE", "ctgan.TVAE"),
    ("sksynth.ConditionalGAN[CTGAN critic]", "ctgan.CTGAN"),
    ("sksynth.ConditionalVAE[TVAE sizes]", "ctgan.TVAE"),
]


def ratios(rows):
    """Ours / peer ratios per dataset and pair (per-epoch, fit, sampling)."""
    by = {(r["dataset"], r["model"]): r for r in rows}
    out = []
    for dataset in dict.fromkeys(r["dataset"] for r in rows):
        for ours, peer in PAIRS + EXTRA_PAIRS + SDV_PAIRS:
            a, b = by.get((dataset, ours)), by.get((dataset, peer))
            if a is None or b is None:
                continue
            out.append(
                {
                    "dataset": dataset,
                    "ours": ours,
                    "peer": peer,
                    "epoch_time_ratio": a["seconds_per_epoch"] / b["seconds_per_epoch"],
                    "epoch_cpu_ratio": a["cpu_seconds_per_epoch"] / b["cpu_seconds_per_epoch"],
                    "fit_time_ratio": a["fit_seconds"] / b["fit_seconds"],
                    "sampling_speedup": a["sample_rows_per_s"] / b["sample_rows_per_s"],
                    "fit_memory_ratio": _safe_ratio(a["fit_peak_mb"], b["fit_peak_mb"]),
                }
            )
    return out


def _safe_ratio(a, b):
    return a / b if b and b > 1 else None
