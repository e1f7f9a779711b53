"""Ratios of the speed results (no heavy imports: the report uses it too)."""

# Speed pairs: our conditional GAN and conditional VAE at their defaults (the GAN's packs of
# 10 behind a row layer of 96 without dropout, the VAE's latent 32 and one-layer encoder
# against TVAE's 128 and two layers). Extras: the GAN with CTGAN's critic (packs of 10, no
# row layer, dropout 0.5: the same arithmetic) and the VAE at TVAE's sizes; rows of runs
# before the GAN's defaults changed are shown as [pac=1] and [dropout=0.5] (see
# report.RENAMED_BEFORE).
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
    ("sksynth.ConditionalGAN[pac=1]", "ctgan.CTGAN"),
    ("sksynth.ConditionalGAN[dropout=0.5]", "ctgan.CTGAN"),
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
