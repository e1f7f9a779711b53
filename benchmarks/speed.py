"""Speed: seconds per epoch, fit time, sampling rows/s and peak memory, ours vs the peers.

Pairs on the same table, epochs and batch size, our defaults against the peer's:
``sksynth.ConditionalGAN`` vs ``ctgan.CTGAN`` (equal widths and pac; ours puts a row
layer of 96 before the packs and drops no units) and ``sksynth.ConditionalVAE`` vs
``ctgan.TVAE`` (equal decoder, our latent size 32 and one-layer encoder against TVAE's
128 and two layers); our conditional GAN with CTGAN's critic, the conditional VAE at
TVAE's sizes and the unconditional VAE are timed as extras, and SDV's CTGAN and TVAE
(the same networks behind SDV's data preparation) too. Seconds per epoch are the fastest
epoch of the fit, timed from the start of one epoch to the start of the next for every
model alike (the fixed cost -- encoding, building the nets -- is outside every epoch).
Every model runs the same number of epochs: the part's ``epochs``, or more on small
tables, so that a fit takes at least :data:`MIN_TIMED_STEPS` steps (the first few epochs
of a one-step epoch are warm-up, for every model).

The ``ctgan`` package refuses missing numbers, so every model here gets the
training table with numeric NaN median-imputed: exactly the same rows.
"""

from __future__ import annotations

import gc
import math

import numpy as np
import pandas as pd

from . import _data, _models
from ._env import PeakMemory, Timer, quiet
from ._summary import PAIRS, ratios  # noqa: F401  (ratios: part of this module's API)

SDV_TIMED = ["sdv.CTGAN", "sdv.TVAE"]
# the fastest epoch is the figure: more epochs give the minimum more chances on a shared
# machine, where a short fit's fastest epoch moves between runs
MIN_TIMED_STEPS = 120
# TVAE is unconditional: our unconditional VAE is the like-for-like architecture;
# the conditional GAN with CTGAN's critic (no row layer, dropout 0.5) and the conditional VAE at
# TVAE's sizes (latent 128, two-layer encoder) are the equal-arithmetic rows
EXTRA = ["sksynth.VAE", "sksynth.ConditionalGAN[CTGAN critic]",
         "sksynth.ConditionalVAE[TVAE sizes]"]


def _fit(name, frame, epochs, seed):
    model = _models.make(name, epochs, seed)
    with quiet(), PeakMemory() as mem, Timer() as t:
        model.fit(frame)
    return model, t.seconds, mem.peak_mb, t.cpu_seconds


def _sample(model, n_rows):
    with quiet(), PeakMemory() as mem, Timer() as t:
        out = model.sample(n_rows)
    if not isinstance(out, pd.DataFrame) or len(out) != n_rows:
        raise RuntimeError(f"{model.name} sampled {type(out).__name__} of {len(out)} rows")
    del out
    gc.collect()
    return t.seconds, mem.peak_mb, t.cpu_seconds


def bare_forward(estimator, n_rows, chunk_size=4096):
    """Rows/s of our generator network alone: noise -> MLP logits, no head, no decoding.

    Same chunk size as our samplers use (small chunks stay in cache).
    """
    import torch

    net = estimator.net_
    module = net.module_
    module.eval()
    cond_dim = getattr(module, "cond_dim", 0) or 0
    gen = torch.Generator().manual_seed(0)
    latent = getattr(module, "latent_dim")
    decode = getattr(module, "decode", None)
    with torch.inference_mode(), Timer() as t:
        for start in range(0, n_rows, chunk_size):
            size = min(chunk_size, n_rows - start)
            z = torch.randn((size, latent), generator=gen)
            cond = torch.zeros((size, cond_dim)) if cond_dim else None
            if decode is not None:  # VAE: the decoder is the generator
                decode(z, cond)
            else:
                module(z, cond)
    return n_rows / t.seconds


def bare_vae_step_ms(n_features, *, hidden=128, latent=128, batch_size=500, steps=200, seed=0,
                     encoder_layers=2):
    """Milliseconds of one training step of a plain PyTorch VAE of the benchmark's widths.

    Encoder ``n_features -> hidden -> hidden -> (mu, logvar)`` (``encoder_layers``
    hidden layers of width ``hidden``), decoder
    ``latent -> hidden -> hidden -> n_features``, squared-error reconstruction
    plus KL, fused Adam: the arithmetic every VAE of these widths must do, with
    no per-column loss, no condition and no bookkeeping -- the floor for a
    training step on this machine and thread count.
    """
    import torch
    from torch import nn

    torch.manual_seed(seed)
    widths = [n_features] + [hidden] * encoder_layers
    encoder = nn.Sequential(*[
        layer for a, b in zip(widths, widths[1:]) for layer in (nn.Linear(a, b), nn.ReLU())
    ])
    heads = nn.Linear(hidden, 2 * latent)
    decoder = nn.Sequential(
        nn.Linear(latent, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
        nn.Linear(hidden, n_features),
    )
    params = [*encoder.parameters(), *heads.parameters(), *decoder.parameters()]
    optimizer = torch.optim.Adam(params, lr=1e-3, fused=True)
    data = torch.randn(batch_size * 8, n_features)

    def step(i):
        x = data[(i % 8) * batch_size : (i % 8 + 1) * batch_size]
        mu, logvar = heads(encoder(x)).chunk(2, dim=1)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        reconstruction = ((decoder(z) - x) ** 2).sum() / batch_size
        kl = -0.5 * torch.sum(1 + logvar - mu**2 - logvar.exp()) / batch_size
        optimizer.zero_grad(set_to_none=True)
        (reconstruction + kl).backward()
        optimizer.step()

    for i in range(20):
        step(i)
    with Timer() as t:
        for i in range(steps):
            step(i)
    return 1000 * t.seconds / steps


def matmul_gflops(seconds=1.0):
    """Throughput of a (500, 256) @ (256, 256) float32 product now, in GFLOP/s.

    A gauge of the machine while the part runs: the matrix products of a
    training step cannot go faster than this.
    """
    import time

    import torch

    a, b = torch.randn(500, 256), torch.randn(256, 256)
    for _ in range(20):
        a @ b
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(50):
            a @ b
        n += 50
    return 2 * 500 * 256 * 256 * n / (time.perf_counter() - start) / 1e9


def _layer_dims(module):
    """``[in, out]`` of every linear layer of ``module``, in order."""
    import torch

    return [
        [m.in_features, m.out_features] for m in module.modules() if isinstance(m, torch.nn.Linear)
    ]


def run_dataset(ds, *, epochs, sample_rows, seed, include_sdv=True, min_steps=MIN_TIMED_STEPS,
                log=print):
    """All speed measurements on one dataset's training table.

    Every model trains ``max(epochs, ceil(min_steps / steps_per_epoch))`` epochs.
    """
    frame = _data.fill_missing(ds.train)
    steps = max(len(frame) // _models.GAN_SETTINGS["batch_size"], 1)
    epochs = max(epochs, math.ceil(min_steps / steps))
    rows = []
    names = [n for pair in PAIRS for n in pair] + EXTRA + (SDV_TIMED if include_sdv else [])
    for name in names:
        model, fit_s, fit_mb, fit_cpu = _fit(name, frame, epochs, seed)
        clock = np.asarray(model.epoch_seconds())
        # the fastest epoch: the least disturbed by other work on a shared machine
        per_epoch, per_epoch_cpu = clock.min(axis=0)
        row = {
            "dataset": ds.name,
            "model": name,
            "train_rows": len(frame),
            "columns": frame.shape[1],
            "epochs": epochs,
            "steps_per_epoch": steps,
            "fit_seconds": fit_s,
            "fit_cpu_seconds": fit_cpu,
            "seconds_per_epoch": float(per_epoch),
            "median_seconds_per_epoch": float(np.median(clock[:, 0])),
            "cpu_seconds_per_epoch": float(per_epoch_cpu),
            "epoch_seconds": clock[:, 0].round(4).tolist(),
            "ms_per_step": 1000 * float(per_epoch) / steps,
            "fixed_seconds": max(fit_s - float(clock[:, 0].sum()), 0.0),
            "fit_peak_mb": fit_mb,
        }
        s_s, s_mb, s_cpu = _sample(model, sample_rows)
        row.update(
            sample_rows=sample_rows,
            sample_seconds=s_s,
            sample_cpu_seconds=s_cpu,
            sample_rows_per_s=sample_rows / s_s,
            sample_peak_mb=s_mb,
        )
        if model.family == "sksynth":
            row["bare_forward_rows_per_s"] = bare_forward(model.estimator, sample_rows)
            row["generator_layers"] = _layer_dims(model.estimator.net_.module_)
            if "VAE" in name:
                width = model.estimator.net_.module_.head.n_features
                row["bare_step_ms"] = bare_vae_step_ms(
                    width,
                    hidden=_models.VAE_SETTINGS["hidden_dims"][0],
                    latent=model.estimator.latent_dim,
                    encoder_layers=len(_layer_dims(model.estimator.net_.module_.encoder)),
                    batch_size=_models.VAE_SETTINGS["batch_size"],
                )
        log(
            f"  speed {ds.name:14s} {name:24s} fit {fit_s:7.2f}s  {per_epoch:6.3f}s/epoch "
            f"({row['ms_per_step']:6.1f} ms/step)  sample {row['sample_rows_per_s']:9.0f} rows/s"
            + (
                f" (bare forward {row['bare_forward_rows_per_s']:9.0f})"
                if "bare_forward_rows_per_s" in row
                else ""
            )
        )
        rows.append(row)
        del model
        gc.collect()
    return rows


def _scaled_table(base, n_rows, seed):
    """``n_rows`` rows drawn with replacement from ``base``, numbers jittered a little."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(base), n_rows)
    out = base.iloc[idx].reset_index(drop=True)
    for col in out:
        if pd.api.types.is_float_dtype(out[col]):
            scale = 0.01 * float(np.nanstd(base[col].to_numpy(dtype=float)) or 1.0)
            out[col] = out[col] + rng.normal(0, scale, n_rows)
    return out


def wide_table(n_rows, n_columns, seed):
    """A generated table: half numeric (bimodal), half categorical (5 levels)."""
    rng = np.random.default_rng(seed)
    data = {}
    for j in range(n_columns):
        if j % 2 == 0:
            mode = rng.integers(0, 2, n_rows)
            data[f"num{j}"] = rng.normal(mode * 4.0, 1.0)
        else:
            data[f"cat{j}"] = pd.Categorical(rng.choice(list("abcde"), n_rows))
    return pd.DataFrame(data)


def scaling(*, row_counts, column_counts, epochs, seed, models=None, log=print):
    """Fit time against rows (diamonds resampled) and against columns (generated table)."""
    models = models or ["sksynth.ConditionalGAN", "ctgan.CTGAN"]
    diamonds = _data.load("diamonds").frame
    out = []
    for n in row_counts:
        table = _scaled_table(diamonds, n, seed)
        for name in models:
            _, fit_s, fit_mb, _ = _fit(name, table, epochs, seed)
            out.append(
                {"axis": "rows", "rows": n, "columns": table.shape[1], "model": name,
                 "epochs": epochs, "fit_seconds": fit_s, "fit_peak_mb": fit_mb}
            )
            log(f"  scaling rows={n:>8d} {name:24s} {fit_s:8.2f}s  peak +{fit_mb:7.0f} MB")
    n_rows = 5_000
    for k in column_counts:
        table = wide_table(n_rows, k, seed)
        for name in models:
            _, fit_s, fit_mb, _ = _fit(name, table, epochs, seed)
            out.append(
                {"axis": "columns", "rows": n_rows, "columns": k, "model": name,
                 "epochs": epochs, "fit_seconds": fit_s, "fit_peak_mb": fit_mb}
            )
            log(f"  scaling cols={k:>4d} {name:24s} {fit_s:8.2f}s  peak +{fit_mb:7.0f} MB")
    return out


def parquet_memory(*, n_rows, chunk_rows, epochs, seed, path, log=print):
    """Sample ``n_rows`` to Parquet in chunks; peak resident memory above the start."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    ds = _data.load("credit")
    model = _fit("sksynth.ConditionalGAN", ds.train, epochs, seed)[0]
    writer = None
    with quiet(), PeakMemory() as mem, Timer() as t:
        for i in range(math.ceil(n_rows / chunk_rows)):
            size = min(chunk_rows, n_rows - i * chunk_rows)
            chunk = model.estimator.sample(size, random_state=seed + i)
            table = pa.Table.from_pandas(chunk, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
            del chunk, table
        writer.close()
    import os

    size_mb = os.path.getsize(path) / 2**20
    os.remove(path)
    log(f"  parquet {n_rows} rows in {t.seconds:.1f}s, peak +{mem.peak_mb:.0f} MB")
    return {
        "rows": n_rows,
        "chunk_rows": chunk_rows,
        "seconds": t.seconds,
        "rows_per_s": n_rows / t.seconds,
        "peak_mb": mem.peak_mb,
        "start_rss_mb": mem.start_mb,
        "file_mb": size_mb,
    }


SUMMARY_KEYS = {"rows": ("dataset", "model"), "datasets": ("name",),
                "scaling": ("axis", "rows", "columns", "model")}

DEFAULT = {
    # diamonds (38k training rows) adds ~10 minutes: --part speed --dataset diamonds
    "datasets": ["credit", "breast_cancer", "cps1988"],
    "epochs": 5,
    "sample_rows": 1_000_000,
    "sample_rows_other": 100_000,
    "scale_rows": [5_000, 10_000, 20_000],
    "scale_columns": [4, 8, 16, 32],
    "scale_epochs": 2,
    "parquet_rows": 0,
    "min_steps": MIN_TIMED_STEPS,
    "include_sdv": True,
}
QUICK = dict(DEFAULT, datasets=["credit"], epochs=3, min_steps=0, sample_rows=20_000,
             sample_rows_other=20_000, include_sdv=False, scale_rows=[1_000, 2_000],
             scale_columns=[], scale_epochs=1)


def add_arguments(parser):
    parser.add_argument("--dataset", action="append", choices=_data.DATASETS,
                        help="dataset to run (repeatable); default: the part's own list")
    parser.add_argument("--epochs", type=int, default=None, help="epochs for every model")
    parser.add_argument("--sample-rows", type=int, default=None,
                        help="rows sampled by every model (speed part)")
    parser.add_argument("--scale-rows", type=str, default=None,
                        help="comma-separated row counts for the scaling plot, e.g. "
                             "10000,100000,1000000; an empty value skips the scaling runs "
                             "(rows and columns)")
    parser.add_argument("--parquet-rows", type=int, default=None,
                        help="also sample this many rows to Parquet in chunks and record the "
                             "peak memory, e.g. 10000000")


def config(args):
    """The part's settings: its defaults (or quick ones) with the options given."""
    cfg = dict(QUICK if args.quick else DEFAULT)
    if getattr(args, "dataset", None):
        cfg["datasets"] = list(args.dataset)
    if getattr(args, "epochs", None):
        cfg["epochs"] = args.epochs
    if getattr(args, "sample_rows", None):
        cfg["sample_rows"] = cfg["sample_rows_other"] = args.sample_rows
    if getattr(args, "scale_rows", None) is not None:
        cfg["scale_rows"] = [int(x) for x in args.scale_rows.split(",") if x.strip()]
        if not cfg["scale_rows"]:
            cfg["scale_columns"] = []
    if getattr(args, "parquet_rows", None) is not None:
        cfg["parquet_rows"] = args.parquet_rows
    return cfg


def warm_up(seed):
    """One tiny fit of each model family: first-use costs stay out of the timings."""
    frame = _data.load("wine").train.iloc[:60]
    with quiet():
        for name in ("sksynth.ConditionalGAN", "sksynth.ConditionalVAE", "ctgan.CTGAN",
                     "ctgan.TVAE"):
            try:
                _models.make(name, 1, seed).fit(frame).sample(100)
            except ImportError:
                pass


def run(args):
    """Every speed measurement of the part's settings."""
    cfg = config(args)
    log = args.log
    warm_up(args.seed)
    out = {"datasets": [], "rows": [], "scaling": [], "parquet": None,
           "matmul_gflops_start": matmul_gflops()}
    for i, name in enumerate(cfg["datasets"]):
        ds = _data.load(name)
        out["datasets"].append(ds.describe())
        n = cfg["sample_rows"] if i == 0 else cfg["sample_rows_other"]
        out["rows"].extend(
            run_dataset(ds, epochs=cfg["epochs"], sample_rows=n, seed=args.seed,
                        include_sdv=cfg["include_sdv"], min_steps=cfg["min_steps"], log=log)
        )
    out["matmul_gflops_end"] = matmul_gflops()
    if cfg["scale_rows"] or cfg["scale_columns"]:
        out["scaling"] = scaling(row_counts=cfg["scale_rows"], column_counts=cfg["scale_columns"],
                                 epochs=cfg["scale_epochs"], seed=args.seed, log=log)
    if cfg["parquet_rows"]:
        out["parquet"] = parquet_memory(
            n_rows=cfg["parquet_rows"], chunk_rows=200_000, epochs=cfg["epochs"], seed=args.seed,
            path=str(args.result_path) + ".parquet.tmp", log=log,
        )
    return out
