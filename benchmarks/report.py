"""Regenerate ``docs/benchmarks.md`` (tables + PNG plots) from the JSON results.

``python -m benchmarks.report [--results DIR] [--out FILE] [--include-quick]``

For each part the newest full run is used (quick smoke runs only when there is
no full run, or with ``--include-quick``); rows of older runs fill in datasets
the newest run did not cover (a ``--dataset`` run adds to the page instead of
replacing it). Every table says which run, machine and settings it comes from.
Needs only numpy, pandas and matplotlib: it runs in the dev environment too.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from ._summary import GPU_PAIRS, PAIRS

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
OUT = ROOT / "docs" / "benchmarks.md"
STATIC = "_static/bench"

OURS_COLOR = "#1f77b4"
PEER_COLOR = "#ff7f0e"


# --------------------------------------------------------------------------- loading
def load_runs(results_dir=RESULTS, include_quick=False):
    """``{part: [run, ...]}``, newest first; quick runs only where no full run exists."""
    runs = {}
    for path in sorted(Path(results_dir).glob("*.json")):
        try:
            run = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if not isinstance(run, dict):  # e.g. a standalone script's list of rows
            continue
        run["_file"] = path.name
        _rename_models(run)
        runs.setdefault(run.get("part", "?"), []).append(run)
    chosen = {}
    for part, items in runs.items():
        items.sort(key=lambda r: r.get("started", ""), reverse=True)
        full = [r for r in items if not r.get("quick")]
        chosen[part] = items if include_quick or not full else full
    return chosen


# rows renamed since their runs; the old names meant the same arithmetic
# ([latent=128]: latent 128 with the encoder mirroring (128, 128), TVAE's sizes,
# before the conditional VAE's encoder became one layer)
# ([pac=10]: the conditional GAN with CTGAN's critic, packs of 10 without a row layer)
RENAMED_MODELS = {
    "sksynth.ConditionalVAE[latent=128]": "sksynth.ConditionalVAE[TVAE sizes]",
    "sksynth.ConditionalGAN[pac=10]": "sksynth.ConditionalGAN[CTGAN critic]",
}
# rows of runs started before a default changed: (name, first run with the new
# default, the name the older rows get), the earliest change first (the conditional
# GAN defaulted to pac=1 without a row layer until 2026-11-26 11:00 UTC, then to
# packs of 10 behind a row layer with the critic's dropout at 0.5 until 12:15 UTC)
RENAMED_BEFORE = [
    ("sksynth.ConditionalGAN", "2026-11-26T11:00", "sksynth.ConditionalGAN[pac=1]"),
    ("sksynth.ConditionalGAN", "2026-11-26T12:15", "sksynth.ConditionalGAN[dropout=0.5]"),
]


def _rename_models(run):
    results = run.get("results")
    started = str(run.get("started", ""))
    renames = dict(RENAMED_MODELS)
    for name, since, new in RENAMED_BEFORE:
        if started < since and name not in renames:  # the earliest change that applies
            renames[name] = new
    if run.get("model") in renames:  # a sweep's model
        run["model"] = renames[run["model"]]
    for rows in results.values() if isinstance(results, dict) else []:
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, dict) and row.get("model") in renames:
                row["model"] = renames[row["model"]]


def merged_rows(runs, key_fields, field="rows"):
    """Rows of all runs of a part, the newest run winning for each key."""
    seen = {}
    for run in runs:  # newest first
        results = run.get("results") or {}
        for row in results.get(field, []) if isinstance(results, dict) else []:
            key = tuple(row.get(k) for k in key_fields)
            if key not in seen:
                seen[key] = dict(row, _run=run["_file"])
    return list(seen.values())


# --------------------------------------------------------------------------- formatting
def fmt(value, digits=3):
    """Numbers for the tables: ``-`` for missing, compact otherwise."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, int | float):
        if abs(value) >= 1e5:
            return f"{value:,.0f}"
        if abs(value) >= 100:
            return f"{value:.0f}"
        return f"{value:.{digits}g}" if abs(value) < 1 else f"{value:.{digits}g}"
    return str(value)


def fmt3(value):
    """Scores in [0, 1] with three decimals (0.9996 must not read as 1)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.3f}"


def table(header, rows):
    """A markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def verdict(ok):
    """Met / missed / not measured."""
    return "not measured" if ok is None else ("**met**" if ok else "**missed**")


def _machine_line(run):
    m = run.get("machine", {})
    v = run.get("versions", {})
    git = m.get("git") or {}
    dirty = " + uncommitted sksynth changes" if git.get("sksynth_dirty") else ""
    tree = f"commit {git.get('commit')}{dirty}, " if git.get("commit") else ""
    return (
        f"`{run['_file']}` ({run.get('started', '?')}, {run.get('seconds', 0):.0f} s): "
        f"{m.get('nproc', '?')} cores ({m.get('cpu_model', '?')}), torch threads "
        f"{m.get('torch_threads', '?')}, load at start {m.get('load_average_at_start', '?')}; "
        f"{tree}sksynth {v.get('sksynth')}, torch {v.get('torch')}, ctgan {v.get('ctgan')}, "
        f"sdv {v.get('sdv')}, pandas {v.get('pandas')}; command `{run.get('command', '?')}`"
    )


# --------------------------------------------------------------------------- plots
def _savefig(fig, static_dir, name):
    static_dir.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(static_dir / name, dpi=90)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return f"{STATIC}/{name}"


def plot_speed(rows, static_dir):
    import matplotlib.pyplot as plt
    import numpy as np

    datasets = list(dict.fromkeys(r["dataset"] for r in rows))
    by = {(r["dataset"], r["model"]): r for r in rows}
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for ax, (ours, peer) in zip(axes, PAIRS):
        x = np.arange(len(datasets))
        a = [by.get((d, ours), {}).get("ms_per_step", np.nan) for d in datasets]
        b = [by.get((d, peer), {}).get("ms_per_step", np.nan) for d in datasets]
        ax.bar(x - 0.2, a, 0.4, label=ours, color=OURS_COLOR)
        ax.bar(x + 0.2, b, 0.4, label=peer, color=PEER_COLOR)
        ax.set_xticks(x, datasets, rotation=20)
        ax.set_ylabel("ms per training step (batch 500)")
        ax.legend(fontsize=8)
    return _savefig(fig, static_dir, "speed_step.png")


def plot_sampling(rows, static_dir):
    import matplotlib.pyplot as plt

    first = rows[0]["dataset"]
    sel = [r for r in rows if r["dataset"] == first]
    labels, values, colors = [], [], []
    for r in sel:
        labels.append(r["model"])
        values.append(r["sample_rows_per_s"])
        colors.append(OURS_COLOR if r["model"].startswith("sksynth") else PEER_COLOR)
        if r.get("bare_forward_rows_per_s"):
            labels.append(r["model"] + "\n(bare forward)")
            values.append(r["bare_forward_rows_per_s"])
            colors.append("#aec7e8")
    fig, ax = plt.subplots(figsize=(8, 3.6))
    ax.barh(labels, values, color=colors)
    ax.set_xlabel(f"rows/s, decoded to a DataFrame ({first}, {sel[0]['sample_rows']:,} rows)")
    ax.invert_yaxis()
    return _savefig(fig, static_dir, "sampling.png")


def plot_scaling(rows, static_dir):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for ax, axis in zip(axes, ["rows", "columns"]):
        sel = [r for r in rows if r["axis"] == axis]
        for model in dict.fromkeys(r["model"] for r in sel):
            pts = sorted((r[axis], r["fit_seconds"]) for r in sel if r["model"] == model)
            ax.plot(*zip(*pts), marker="o", label=model,
                    color=OURS_COLOR if model.startswith("sksynth") else PEER_COLOR)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(axis)
        ax.set_ylabel("fit seconds")
        ax.legend(fontsize=8)
    return _savefig(fig, static_dir, "scaling.png")


def plot_quality(rows, static_dir):
    import matplotlib.pyplot as plt

    ok = [r for r in rows if "fidelity" in r]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    markers = dict(zip(dict.fromkeys(r["model"] for r in ok), "osD^vP<>*"))
    for model, marker in markers.items():
        sel = [r for r in ok if r["model"] == model]
        ax.scatter([r["fidelity"] for r in sel], [r["detection_auc"] for r in sel],
                   marker=marker, label=model,
                   color=OURS_COLOR if model.startswith("sksynth") else PEER_COLOR, alpha=0.75)
    ax.set_xlabel("fidelity (higher is better)")
    ax.set_ylabel("detection AUC (0.5 is best)")
    ax.legend(fontsize=7)
    return _savefig(fig, static_dir, "quality.png")


def plot_augment(rows, static_dir):
    import matplotlib.pyplot as plt
    import numpy as np

    ok = [r for r in rows if "balanced_accuracy" in r and r["classifier"] == "HistGradientBoosting"]
    datasets = list(dict.fromkeys(r["dataset"] for r in ok))
    samplers = list(dict.fromkeys(r["sampler"] for r in ok))
    by = {(r["dataset"], r["sampler"]): r for r in ok}
    fig, ax = plt.subplots(figsize=(10, 3.8))
    width = 0.8 / max(len(samplers), 1)
    for i, s in enumerate(samplers):
        vals = [by.get((d, s), {}).get("balanced_accuracy", np.nan) for d in datasets]
        errs = [by.get((d, s), {}).get("balanced_accuracy_std", 0) for d in datasets]
        ax.bar(np.arange(len(datasets)) + i * width, vals, width, yerr=errs, label=s,
               color=plt.cm.tab10(i))
    ax.set_xticks(np.arange(len(datasets)) + 0.4 - width / 2, datasets)
    ax.set_ylabel("balanced accuracy (HGB, 5-fold)")
    lows = [by[k]["balanced_accuracy"] for k in by]
    ax.set_ylim(max(0.0, min(lows) - 0.05) if lows else 0, 1)
    ax.legend(fontsize=7, ncol=4)
    return _savefig(fig, static_dir, "augment.png")


# --------------------------------------------------------------------------- sections
def section_setup(all_runs):
    lines = ["## How to run", "",
             "```bash",
             "make bench                    # creates .venv-bench, runs every part, this page",
             ".venv-bench/bin/python -m benchmarks.run --quick            # smoke run, 1-2 min",
             ".venv-bench/bin/python -m benchmarks.run --part speed --dataset diamonds",
             ".venv-bench/bin/python -m benchmarks.run --part quality --epochs 100",
             ".venv-bench/bin/python -m benchmarks.run --part speed --scale-rows "
             "10000,100000,1000000 --parquet-rows 10000000",
             ".venv-bench/bin/python -m benchmarks.run --threads 2   # on an idle machine",
             ".venv-bench/bin/python -m benchmarks.report  # this page, from benchmarks/results/",
             "```", "",
             "The default run (speed on credit, breast_cancer and cps1988 with 1M sampled rows "
             "on credit; quality on all tables at 30 epochs; augmentation at 20 epochs; the "
             "profile; the encoder) took about 23 minutes on this 2-core machine while it was "
             "shared "
             "(load 3-7), part by part; expect less on an idle machine. Each part "
             "writes `benchmarks/results/<part>-<UTC time>.json` with its settings, the machine, "
             "the versions and the git commit; the page takes, per table row, the newest full "
             "run (quick runs are ignored).", "",
             "The peers (`ctgan`, `sdv`, `sdmetrics`) pin `pandas<3`, so the benchmarks run in "
             "their own environment, `.venv-bench` (created by `make bench`, with the CPU build "
             "of torch installed first). Every peer runs in the same process as our samplers, "
             "on the same rows, and the page reports **ratios**: absolute times drift on a "
             "shared machine, ratios within one run hold.", "",
             "Settings are equal on both sides: GANs with (256, 256) generator and discriminator, "
             "noise/embedding 128, batch 500, pac 10, Adam 2e-4 (decay 1e-6); VAEs with (128, 128)"
             " encoder and decoder, batch 500, Adam 1e-3. Two of our defaults differ and run as "
             "such: the conditional GAN's row layer of 96 before its packs and its critic without "
             "dropout, the VAEs' latent size 32 (TVAE's: 128) and the conditional VAE's one-layer "
             "(128) encoder; rows marked `[CTGAN critic]` and `[TVAE sizes]` run ours at ctgan's "
             "values (the same arithmetic); rows marked `[pac=1]` and `[dropout=0.5]` come from "
             "runs before the conditional GAN's default became packs of 10 behind the row layer "
             "(2026-11-26 11:00 UTC) and then lost the critic's dropout (12:15 UTC). "
             "Datasets are split once, 70/30, stratified on the target, with a fixed seed.", ""]
    return lines


def section_datasets(all_runs):
    descs = {}
    for part in ("quality", "speed", "augment"):
        for run in all_runs.get(part, []):
            for d in (run.get("results") or {}).get("datasets", []):
                descs.setdefault(d["name"], d)
    if not descs:
        return []
    rows = [[d["name"], d["source"], d["rows"], d["columns"], d["numeric_columns"],
             d["discrete_columns"], d["missing_cells"], f"`{d['target']}`", d["n_classes"],
             fmt(d["minority_share"], 2)] for d in descs.values()]
    return ["## Datasets", "",
            table(["dataset", "source", "rows", "columns", "numeric", "discrete",
                   "missing cells", "target", "classes", "minority share"], rows), ""]


def _short(row):
    return row["model"].split(".", 1)[1]


def _bare_over_sampling(row):
    return row["bare_forward_rows_per_s"] / row["sample_rows_per_s"]


def _ratio_rows(ratios, peer):
    return [r for r in ratios if r["peer"] == peer]


def section_speed(runs, static_dir, targets):
    rows = merged_rows(runs, ("dataset", "model"))
    if not rows:
        return []
    newest = runs[0]
    from ._summary import ratios as compute_ratios

    ratios = compute_ratios(rows)
    out = ["## Speed", "", "Run: " + _machine_line(newest), ""]
    gauge = [(run.get("results") or {}).get(k) for run in runs[:1]
             for k in ("matmul_gflops_start", "matmul_gflops_end")]
    if all(gauge):
        out += [f"Machine gauge: a (500, 256) x (256, 256) float32 product ran at "
                f"{gauge[0]:.0f} GFLOP/s at the start and {gauge[1]:.0f} GFLOP/s at the end of "
                "the run (one thread).", ""]
    out += ["Wall-clock and CPU time are both given: with one torch thread the process's CPU "
            "time hardly depends on what else runs on the machine, wall time does (a load "
            "average above the core count means the run shared its cores).", ""]
    out += ["Seconds per epoch are those of the fastest epoch of one fit (the least "
            "disturbed by other work on the machine; the median is in the JSON), timed alike on "
            "both sides (from the start of one epoch to the start of the next: batch drawing, "
            "forward, backward, optimizer, bookkeeping). Our GAN reuses the rows generated "
            "for the critic step in the generator step, as the usual alternating scheme "
            "does; ctgan generates them twice: a design difference, not a setting. The "
            "`ctgan` package refuses missing numbers, so in this part every model gets the "
            "training table with numeric NaN median-imputed.", ""]
    header = ["dataset", "train rows", "model", "epochs", "s/epoch", "ms/step", "CPU s/epoch",
              "fit s", "fit peak MB", "sampled rows", "sample rows/s", "sample rows/CPU-s",
              "bare forward rows/s", "sample peak MB"]
    body = [[r["dataset"], r["train_rows"], r["model"], r["epochs"], fmt(r["seconds_per_epoch"]),
             fmt(r["ms_per_step"]), fmt(r.get("cpu_seconds_per_epoch")), fmt(r["fit_seconds"]),
             fmt(r["fit_peak_mb"]), f"{r['sample_rows']:,}", fmt(r["sample_rows_per_s"]),
             fmt(r["sample_rows"] / r["sample_cpu_seconds"] if r.get("sample_cpu_seconds")
                 else None),
             fmt(r.get("bare_forward_rows_per_s")), fmt(r["sample_peak_mb"])] for r in rows]
    out += [table(header, body), ""]
    out += ["### Ratios (ours / peer; below 1 means we are faster or lighter)", ""]
    body = [[r["dataset"], r["ours"], r["peer"], fmt(r["epoch_time_ratio"]),
             fmt(r["epoch_cpu_ratio"]), fmt(r["fit_time_ratio"]),
             fmt(1 / r["sampling_speedup"]), fmt(r["fit_memory_ratio"])] for r in ratios]
    out += [table(["dataset", "ours", "peer", "s/epoch", "CPU s/epoch", "total fit",
                   "sampling time per row", "fit peak memory"], body), ""]
    out += [f"![ms per training step]({plot_speed(rows, static_dir)})", "",
            f"![sampling throughput]({plot_sampling(rows, static_dir)})", ""]

    # targets
    gan = [r for r in _ratio_rows(ratios, "ctgan.CTGAN")
           if r["ours"] == "sksynth.ConditionalGAN"]
    vae = [r for r in _ratio_rows(ratios, "ctgan.TVAE") if r["ours"] == "sksynth.ConditionalVAE"]
    worst_gan = max((r["epoch_time_ratio"] for r in gan), default=None)
    worst_vae = max((r["epoch_time_ratio"] for r in vae), default=None)
    targets.append(("Seconds per epoch <= 1/3 of ctgan's CTGAN",
                    worst_gan is not None and worst_gan <= 1 / 3 if gan else None,
                    "ours/ctgan per-epoch ratio, wall (CPU): " + ", ".join(
                        f"{r['dataset']} {r['epoch_time_ratio']:.2f} ({r['epoch_cpu_ratio']:.2f})"
                        for r in gan)))
    floors = []
    for r in rows:
        tvae = next((t for t in rows if t["dataset"] == r["dataset"]
                     and t["model"] == "ctgan.TVAE"), None)
        if r["model"] == "sksynth.ConditionalVAE" and r.get("bare_step_ms") and tvae:
            floors.append(f"{r['dataset']} {r['bare_step_ms']:.1f} ms (half of TVAE's step: "
                          f"{tvae['ms_per_step'] / 2:.1f} ms; ours {r['ms_per_step']:.1f} ms)")
    floor_text = ("; a plain PyTorch VAE of the same widths (no per-column loss, no condition) "
                  "takes " + ", ".join(floors) + " a step") if floors else ""
    targets.append(("Seconds per epoch <= 1/2 of ctgan's TVAE",
                    worst_vae is not None and worst_vae <= 1 / 2 if vae else None,
                    "ours/ctgan per-epoch ratio, wall (CPU): " + ", ".join(
                        f"{r['dataset']} {r['epoch_time_ratio']:.2f} ({r['epoch_cpu_ratio']:.2f})"
                        for r in vae) + floor_text))
    checks, notes = [], []
    for dataset in dict.fromkeys(r["dataset"] for r in rows):
        sel = [r for r in rows if r["dataset"] == dataset]
        peers = [r["sample_rows_per_s"] for r in sel if not r["model"].startswith("sksynth")]
        ours = [r for r in sel if r["model"].startswith("sksynth")]
        if not peers or not ours:
            continue
        fastest_peer = max(peers)
        ok_peer = all(r["sample_rows_per_s"] >= fastest_peer for r in ours)
        ok_bare = all(_bare_over_sampling(r) <= 1.5 for r in ours
                      if r.get("bare_forward_rows_per_s"))
        checks.append(ok_peer and ok_bare)
        ours_text = ", ".join(f"{_short(r)} {r['sample_rows_per_s']:,.0f}" for r in ours)
        bare_text = ", ".join(f"{_short(r)} {_bare_over_sampling(r):.1f}x" for r in ours
                              if r.get("bare_forward_rows_per_s"))
        notes.append(f"{dataset}: ours {ours_text} vs fastest peer {fastest_peer:,.0f} rows/s; "
                     f"bare forward / sampling {bare_text}")
    targets.append(("Sampling >= the fastest peer and within 1.5x of our bare forward pass",
                    all(checks) if checks else None, "; ".join(notes)))

    scaling = merged_rows(runs, ("axis", "rows", "columns", "model"), field="scaling")
    if scaling:
        out += ["### Scaling", "",
                "Fit time (whole fit, encoder included) of the rows axis on diamonds resampled "
                "with replacement (numbers jittered by 1% of their spread), of the columns axis "
                "on a generated table of 5,000 rows, half bimodal numbers and half 5-level "
                "categories.", ""]
        body = [[r["axis"], r["rows"], r["columns"], r["model"], r["epochs"],
                 fmt(r["fit_seconds"]), fmt(r["fit_peak_mb"])] for r in scaling]
        out += [table(["axis", "rows", "columns", "model", "epochs", "fit s", "fit peak MB"],
                      body), ""]
        out += [f"![scaling]({plot_scaling(scaling, static_dir)})", ""]
    parquet = next(((run["results"] or {}).get("parquet") for run in runs
                    if (run.get("results") or {}).get("parquet")), None)
    if parquet:
        out += [f"Sampling {parquet['rows']:,} rows to Parquet in chunks of "
                f"{parquet['chunk_rows']:,}: {parquet['seconds']:.0f} s "
                f"({parquet['rows_per_s']:,.0f} rows/s), peak resident memory "
                f"+{parquet['peak_mb']:.0f} MB above the {parquet['start_rss_mb']:.0f} MB "
                f"at start.", ""]
        targets.append(("Sampling 10M rows to Parquet in chunks under 2 GB peak",
                        parquet["rows"] >= 10_000_000 and parquet["start_rss_mb"]
                        + parquet["peak_mb"] < 2048 if parquet["rows"] >= 10_000_000 else None,
                        f"{parquet['rows']:,} rows, peak RSS "
                        f"{parquet['start_rss_mb'] + parquet['peak_mb']:.0f} MB"))
    else:
        targets.append(("Sampling 10M rows to Parquet in chunks under 2 GB peak", None,
                        "not run (optional flag `--parquet-rows 10000000`)"))
    return out


def section_encoder(runs, targets):
    rows = merged_rows(runs, ("table",))
    if not rows:
        return []
    body = [[r["table"], fmt(r["ctgan_fit_seconds"]), fmt(r["sksynth_fit_seconds"]),
             fmt(r["fit_speedup"]), fmt(r["sksynth_quantile_fit_seconds"]),
             fmt(r["ctgan_transform_seconds"]), fmt(r["sksynth_transform_seconds"]),
             fmt(r["transform_speedup"])] for r in rows]
    worst = min(r["fit_speedup"] for r in rows)
    targets.append(("Encoder fit >= 3x faster than ctgan's DataTransformer", worst >= 3,
                    ", ".join(f"{r['table']} x{r['fit_speedup']:.1f}" for r in rows)))
    return ["## Encoder", "", "Run: " + _machine_line(runs[0]), "",
            "`TabularEncoder` (mode-specific normalisation) against `ctgan`'s "
            "`DataTransformer`, best of the repeats.", "",
            table(["table", "ctgan fit s", "sksynth fit s", "fit speedup",
                   "sksynth quantile fit s", "ctgan transform s", "sksynth transform s",
                   "transform speedup"], body), ""]


def _metric_note(row):
    if "error" in row:
        return row["error"][:80]
    errors = row.get("metric_errors") or {}
    return "; ".join(f"{k}: {v}" for k, v in errors.items())[:120]


def section_quality(runs, static_dir, targets):
    rows = merged_rows(runs, ("dataset", "model", "epochs"))
    if not rows:
        return []
    run = runs[0]
    cfg = run.get("config", {})
    budgets = sorted({r["epochs"] for r in rows})
    out = ["## Quality at equal training budget", "", "Run: " + _machine_line(run), "",
           f"Every model trains the same number of epochs ({', '.join(map(str, budgets))}; "
           "GaussianCopula has none) on the training split, capped at "
           f"{cfg.get('max_train_rows') or 'all'} rows (stratified), target column included, "
           "missing values as they are; it then samples as many rows. Fidelity (column shapes "
           "and pair trends, sdmetrics' definition) and detection AUC (gradient boosting, 5 "
           "folds) compare with the training rows; TSTR/TRTR is the ROC AUC on the holdout of "
           "a model trained on synthetic rows over one trained on the real training rows; DCR "
           "share: synthetic rows closer to training than to holdout rows (0.5 is best). A "
           "metric that could not be computed (e.g. a synthetic target with one class) is "
           "shown as `-` with the reason.", ""]
    body = [[r["dataset"], r["model"],
             "-" if r["model"] == "sdv.GaussianCopula" else r["epochs"], r["train_rows"],
             fmt3(r.get("fidelity")), fmt3(r.get("detection_auc")),
             fmt3(r.get("tstr_trtr_ratio")), fmt3(r.get("dcr_share")),
             fmt(r.get("fit_sample_seconds")), _metric_note(r)]
            for r in sorted(rows, key=lambda r: (r["epochs"], r["dataset"]))]
    out += [table(["dataset", "model", "epochs", "train rows", "fidelity", "detection AUC",
                   "TSTR/TRTR", "DCR share", "fit+sample s", "not computed"], body), ""]
    out += [f"![fidelity vs detection]({plot_quality(rows, static_dir)})", ""]
    for epochs in budgets:
        _quality_targets([r for r in rows if r["epochs"] == epochs], epochs, targets)
    return out


def _quality_targets(rows, epochs, targets):
    beats, ratio_ok, notes, ratio_notes = [], [], [], []
    for dataset in dict.fromkeys(r["dataset"] for r in rows):
        sel = [r for r in rows if r["dataset"] == dataset]
        ours = [r for r in sel if r["model"].startswith("sksynth") and "fidelity" in r]
        sdv = [r for r in sel if r["model"].startswith("sdv")]
        if not ours or not sdv:
            continue
        best_fid = max(r["fidelity"] for r in ours)
        best_det = min(r["detection_auc"] for r in ours if "detection_auc" in r)
        # a synthesizer that produced nothing scorable counts as beaten
        sdv_fid = max((r["fidelity"] for r in sdv if "fidelity" in r), default=0.0)
        sdv_det = min((r["detection_auc"] for r in sdv if "detection_auc" in r), default=1.0)
        ok = best_fid > sdv_fid and best_det < sdv_det
        beats.append(ok)
        notes.append(f"{dataset}: {'yes' if ok else 'no'} (fidelity {best_fid:.3f} vs "
                     f"{sdv_fid:.3f}, detection {best_det:.3f} vs {sdv_det:.3f})")
        ratios = [r["tstr_trtr_ratio"] for r in ours if "tstr_trtr_ratio" in r]
        if ratios:
            ratio_ok.append(max(ratios) >= 0.95)
            ratio_notes.append(f"{dataset} {max(ratios):.3f}")
    targets.append((f"Quality ({epochs} epochs): our best generator beats each SDV synthesizer "
                    "on fidelity and detection AUC on every dataset (ours best vs SDV best)",
                    all(beats) if beats else None, "; ".join(notes)))
    neural, neural_notes = [], []
    for dataset in dict.fromkeys(r["dataset"] for r in rows):
        sel = [r for r in rows if r["dataset"] == dataset]
        ours = [r for r in sel if r["model"].startswith("sksynth") and "fidelity" in r]
        nets = [r for r in sel if r["model"] in ("sdv.CTGAN", "sdv.TVAE")]
        if not ours or not nets:
            continue
        best_fid = max(r["fidelity"] for r in ours)
        best_det = min(r["detection_auc"] for r in ours if "detection_auc" in r)
        ok = best_fid > max(r.get("fidelity", 0.0) for r in nets) and best_det <= min(
            r.get("detection_auc", 1.0) for r in nets)
        neural.append(ok)
        neural_notes.append(f"{dataset} {'yes' if ok else 'no'}")
    targets.append((f"(for reference, not the target) Quality ({epochs} epochs): our best beats "
                    "SDV's CTGAN and TVAE, the synthesizers trained for the same epochs",
                    all(neural) if neural else None, ", ".join(neural_notes)))
    targets.append((f"Quality ({epochs} epochs): TSTR/TRTR >= 0.95 (our best) on the "
                    "classification datasets",
                    all(ratio_ok) if ratio_ok else None, ", ".join(ratio_notes)))


def section_augment(runs, static_dir, targets):
    rows = merged_rows(runs, ("dataset", "sampler", "classifier", "epochs"))
    if not rows:
        return []
    run = runs[0]
    cfg = run.get("config", {})
    budgets = sorted({r["epochs"] for r in rows})
    out = ["## Augmentation", "", "Run: " + _machine_line(run), "",
           "5-fold cross-validated imblearn pipelines (imputation -> sampler -> one-hot + "
           "scaling -> classifier; SMOTE/ADASYN after the encoding where there are "
           f"categories). Our samplers train {', '.join(map(str, budgets))} epochs (one table "
           f"per budget; the other samplers do not depend on it); tables are capped at "
           f"{cfg.get('max_rows') or 'all'} rows (stratified). Mean ± std over the folds; F1 "
           "and average precision are those of the minority class.", ""]
    for epochs in budgets:
        for clf in dict.fromkeys(r["classifier"] for r in rows):
            body = []
            for r in rows:
                if r["classifier"] != clf or r["epochs"] != epochs:
                    continue
                if "error" in r:
                    body.append([r["dataset"], r["sampler"], "-", "-", "-", r["error"][:60]])
                    continue
                body.append([
                    r["dataset"], r["sampler"],
                    f"{r['balanced_accuracy']:.3f} ± {r['balanced_accuracy_std']:.3f}",
                    f"{r['minority_f1']:.3f} ± {r['minority_f1_std']:.3f}",
                    f"{r['average_precision']:.3f} ± {r['average_precision_std']:.3f}", ""])
            out += [f"### {clf}, our samplers at {epochs} epochs", "",
                    table(["dataset", "sampler", "balanced accuracy", "minority F1",
                           "average precision", "error"], body), ""]
        _augment_targets([r for r in rows if r["epochs"] == epochs], epochs, targets)
    newest = [r for r in rows if r["epochs"] == budgets[-1]]
    out += [f"![augmentation]({plot_augment(newest, static_dir)})", ""]
    return out


def _augment_targets(rows, epochs, targets):
    wins, notes, datasets_won = [], [], {}
    ok_rows = [r for r in rows if "balanced_accuracy" in r]
    for dataset in dict.fromkeys(r["dataset"] for r in ok_rows):
        for clf in dict.fromkeys(r["classifier"] for r in ok_rows):
            sel = [r for r in ok_rows if r["dataset"] == dataset and r["classifier"] == clf]
            smote = [r["balanced_accuracy"] for r in sel if r["sampler"] == "SMOTE/SMOTENC"]
            ours = [r["balanced_accuracy"] for r in sel if r["sampler"].startswith("sksynth")]
            if smote and ours:
                win = max(ours) >= smote[0]
                wins.append(win)
                datasets_won.setdefault(dataset, []).append(win)
                notes.append(f"{dataset}/{clf}: {max(ours):.3f} vs {smote[0]:.3f}")
    n_won = sum(all(v) for v in datasets_won.values())
    targets.append((f"Augmentation ({epochs} epochs): our best sampler matches SMOTE/SMOTENC on "
                    "balanced accuracy on at least half of the imbalanced datasets (both "
                    "classifiers)",
                    (n_won >= len(datasets_won) / 2) if datasets_won else None,
                    f"{n_won} of {len(datasets_won)} datasets ({sum(wins)} of {len(wins)} "
                    "dataset x classifier cases), ours best vs SMOTE: " + "; ".join(notes)))


def section_profile(runs):
    if not runs:
        return []
    r = runs[0]["results"]
    out = ["## Profile of one ConditionalGANSampler fit", "", "Run: " + _machine_line(runs[0]),
           "",
           f"{r['dataset']}, {r['train_rows']} training rows, {r['epochs']} epochs "
           f"({r['steps']} steps): fit {r['fit_seconds']:.2f} s "
           f"({r['ms_per_step']:.1f} ms per training step, all training phases); sampling "
           f"{r['sample_rows']:,} rows {r['sample_seconds']:.2f} s.", ""]
    body = [[name, fmt(sec), f"{100 * sec / r['fit_seconds']:.1f}%"]
            for name, sec in sorted(r["fit_phases"].items(), key=lambda kv: -kv[1])]
    out += [table(["fit phase", "seconds", "share"], body), ""]
    body = [[name, fmt(sec), f"{100 * sec / r['sample_seconds']:.1f}%"]
            for name, sec in sorted(r["sample_phases"].items(), key=lambda kv: -kv[1])]
    out += [table(["ConditionalGAN sampling phase", "seconds", "share"], body), ""]
    if r.get("vae_sample_phases"):
        body = [[name, fmt(sec), f"{100 * sec / r['vae_sample_seconds']:.1f}%"]
                for name, sec in sorted(r["vae_sample_phases"].items(), key=lambda kv: -kv[1])]
        out += [f"ConditionalVAESampler, same table and epochs, sampling {r['sample_rows']:,} "
                f"rows: {r['vae_sample_seconds']:.2f} s.", "",
                table(["ConditionalVAE sampling phase", "seconds", "share"], body), ""]
    body = [[f"`{f['function']}`", f["calls"], fmt(f["own_seconds"]),
             fmt(f["cumulative_seconds"]), f"{100 * f['share']:.1f}%"]
            for f in r["top_functions"][:15]]
    out += [f"cProfile of a second identical fit ({r['cprofile_fit_seconds']:.2f} s under the "
            "profiler), by own time:", "",
            table(["function", "calls", "own s", "cumulative s", "share of own time"], body), ""]
    return out


def section_gpu(runs):
    """Epoch and sampling times on a CUDA GPU and that machine's CPU (benchmarks/gpu_timing.py)."""
    if not runs:
        return []
    run = runs[0]
    m, v, c = run.get("machine", {}), run.get("versions", {}), run.get("config", {})
    rows = run["results"]["rows"]
    by = {(r["device"], r["table"], r["model"]): r for r in rows}
    out = ["## On a GPU machine", "",
           f"Run: `{run['_file']}` ({run.get('started', '?')}): {m.get('gpu')}, "
           f"{m.get('nproc')} CPU cores (torch threads {m.get('torch_threads')} on the CPU "
           f"rows), Python {m.get('python')}, torch {v.get('torch')}, ctgan {v.get('ctgan')} "
           f"(`enable_gpu=True` on the GPU rows); command: {run.get('command', '?')}.", "",
           f"The equal settings above (batch 500), {c.get('epochs')} epochs per model; an "
           "epoch is the median of the epochs after the first. Tables: the bundled credit "
           f"table and the same table {c.get('repeat')} times over (more rows per epoch). "
           f"Sampling: {c.get('sample_rows', 0):,} rows, the model's own `sample` (decoded "
           "table).", ""]
    body = []
    for device in ("cuda", "cpu"):
        for table_name in sorted({r["table"] for r in rows if r["device"] == device},
                                 key=lambda t: (len(t), t)):
            for ours, peer in GPU_PAIRS:
                a, b = by.get((device, table_name, ours)), by.get((device, table_name, peer))
                if not a or not b or not a.get("epoch_s") or not b.get("epoch_s"):
                    continue
                body.append([device, table_name, ours, fmt(a["epoch_s"]), peer,
                             fmt(b["epoch_s"]), f"{a['epoch_s'] / b['epoch_s']:.2f}",
                             f"{a['sample_rows_per_s']:,}", f"{b['sample_rows_per_s']:,}"])
    out += [table(["device", "table", "ours", "epoch s", "peer", "peer epoch s",
                   "epoch ratio", "ours rows/s", "peer rows/s"], body), ""]
    return out


def section_sweeps(runs):
    """Mean fidelity per table and parameter value (benchmarks/sweep.py).

    The runs of one (model, parameter) are merged: a sweep may add values or
    tables to an earlier one; for the same (table, value, seed) the newest run wins.
    """
    groups = {}
    for run in runs:  # newest first
        groups.setdefault((run.get("model"), run.get("param")), []).append(run)
    if not groups:
        return []
    out = ["## Parameter sweeps", "",
           "Fidelity of one of our samplers over values of one parameter, each table trained "
           "on the quality part's subsample with every seed (`python -m benchmarks.sweep`); "
           "the mean over the seeds, the number of seeds in brackets.", ""]
    for (model, param), group in groups.items():
        seen, rows = set(), []
        for run in group:
            for r in run.get("rows", []):
                key = (r["dataset"], r["value"], r["seed"])
                if key not in seen:
                    seen.add(key)
                    rows.append(r)
        values = list(dict.fromkeys(r["value"] for run in reversed(group)
                                    for r in run.get("rows", [])))
        body = []
        for name in dict.fromkeys(r["dataset"] for r in rows):
            cells = []
            for value in values:
                scores = [r["fidelity"] for r in rows
                          if r["dataset"] == name and r["value"] == value]
                cells.append(f"{sum(scores) / len(scores):.3f} ({len(scores)})" if scores
                             else "-")
            body.append([name, *cells])
        files = ", ".join(f"`{run['_file']}`" for run in reversed(group))
        out += [f"`{model}`, `{param}`, {group[0].get('epochs')} epochs, at most "
                f"{group[0].get('max_train_rows'):,} training rows ({files}):", "",
                table(["table", *[f"{param}={v}" for v in values]], body), ""]
    return out


def section_targets(targets, notes):
    out = ["## Targets of issue #5", "",
           table(["target", "status", "measured"],
                 [[name, verdict(ok), detail or ""] for name, ok, detail in targets]), ""]
    if notes:
        out += ["### Why targets are missed, and what would close the gaps", ""] + notes + [""]
    return out


NOTES_FILE = Path(__file__).resolve().parent / "NOTES.md"


def build(results_dir=RESULTS, out=OUT, include_quick=False):
    """Write the page; return its text."""
    import matplotlib

    matplotlib.use("Agg")
    all_runs = load_runs(results_dir, include_quick)
    static_dir = Path(out).parent / STATIC
    targets = []
    body = []
    body += section_speed(all_runs.get("speed", []), static_dir, targets)
    body += section_encoder(all_runs.get("encoder", []), targets)
    body += section_quality(all_runs.get("quality", []), static_dir, targets)
    body += section_augment(all_runs.get("augment", []), static_dir, targets)
    body += section_profile(all_runs.get("profile", []))
    body += section_gpu(all_runs.get("gpu", []))
    body += section_sweeps(all_runs.get("sweep", []))
    notes = NOTES_FILE.read_text().strip().splitlines() if NOTES_FILE.exists() else []
    header = ["---", "orphan: true", "---", "", "# Benchmarks", "",
              "Generated by `python -m benchmarks.report` from the JSON files in "
              "`benchmarks/results/`; do not edit by hand. Parts not listed below have not "
              "been run yet.", ""]
    text = "\n".join(header + section_targets(targets, notes) + section_setup(all_runs)
                     + section_datasets(all_runs) + body) + "\n"
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(text)
    return text


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.report")
    parser.add_argument("--results", default=str(RESULTS))
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument("--include-quick", action="store_true")
    args = parser.parse_args(argv)
    build(args.results, args.out, args.include_quick)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
