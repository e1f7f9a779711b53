"""Smoke test of the benchmark report generator on a small fixture (no peer package needed)."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

pytest.importorskip("matplotlib")
report = pytest.importorskip("benchmarks.report")

MACHINE = {"nproc": 2, "cpu_model": "Test CPU", "torch_threads": 1, "load_average_at_start": [0]}
VERSIONS = {"sksynth": "0.0", "torch": "2.13.0", "ctgan": "0.12", "sdv": "2.0", "pandas": "2.3"}


def _speed_row(model, ms, rows_per_s, bare=None):
    row = {
        "dataset": "toy",
        "model": model,
        "train_rows": 1000,
        "columns": 3,
        "epochs": 3,
        "steps_per_epoch": 2,
        "seconds_per_epoch": ms * 2 / 1000,
        "cpu_seconds_per_epoch": ms * 2 / 1000,
        "ms_per_step": ms,
        "fit_seconds": 1.0,
        "fit_peak_mb": 10.0,
        "sample_rows": 1000,
        "sample_rows_per_s": rows_per_s,
        "sample_peak_mb": 5.0,
    }
    if bare:
        row["bare_forward_rows_per_s"] = bare
    return row


def _write(folder, part, results, started="2026-01-01T00:00:00", quick=False):
    payload = {
        "part": part,
        "quick": quick,
        "started": started,
        "seconds": 1.0,
        "command": "python -m benchmarks.run",
        "config": {"epochs": 3},
        "machine": MACHINE,
        "versions": VERSIONS,
        "results": results,
    }
    name = f"{part}-{started.replace(':', '')}{'-quick' if quick else ''}.json"
    (folder / name).write_text(json.dumps(payload))


def test_report_from_fixture(tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    speed_rows = [
        _speed_row("sksynth.ConditionalGAN", 10.0, 200_000, bare=250_000),
        _speed_row("ctgan.CTGAN", 40.0, 100_000),
        _speed_row("sksynth.ConditionalVAE", 8.0, 300_000, bare=600_000),
        _speed_row("ctgan.TVAE", 10.0, 150_000),
    ]
    # after the conditional GAN's default changed (older rows are renamed [pac=1])
    _write(results, "speed", {"rows": speed_rows, "scaling": [], "parquet": None},
           started="2026-12-01T00:00:00")
    _write(
        results,
        "encoder",
        {
            "rows": [
                {
                    "table": "toy",
                    "rows": 10,
                    "columns": 2,
                    "ctgan_fit_seconds": 1.0,
                    "sksynth_fit_seconds": 0.2,
                    "sksynth_quantile_fit_seconds": 0.01,
                    "fit_speedup": 5.0,
                    "ctgan_transform_seconds": 0.1,
                    "sksynth_transform_seconds": 0.01,
                    "transform_speedup": 10.0,
                }
            ]
        },
    )
    # an older quick run must not replace the full one
    _write(
        results,
        "encoder",
        {
            "rows": [
                {
                    "table": "toy",
                    "rows": 10,
                    "columns": 2,
                    "ctgan_fit_seconds": 1.0,
                    "sksynth_fit_seconds": 1.0,
                    "sksynth_quantile_fit_seconds": 0.01,
                    "fit_speedup": 1.0,
                    "ctgan_transform_seconds": 0.1,
                    "sksynth_transform_seconds": 0.1,
                    "transform_speedup": 1.0,
                }
            ]
        },
        started="2026-02-01T00:00:00",
        quick=True,
    )
    sweep_rows = [
        {"dataset": "toy", "value": value, "seed": seed, "fidelity": score}
        for value, scores in (("16", (0.8, 0.9)), ("128", (0.6, 0.7)))
        for seed, score in enumerate(scores)
    ]
    (results / "sweep-toy.json").write_text(json.dumps(
        {"part": "sweep", "started": "2026-01-01T00:00:00", "model": "sksynth.VAE",
         "param": "latent_dim", "epochs": 3, "max_train_rows": 100, "rows": sweep_rows}))
    # a later sweep of the same parameter adds a value and reruns one (value, seed)
    later = [{"dataset": "toy", "value": "32", "seed": 0, "fidelity": 0.5},
             {"dataset": "toy", "value": "16", "seed": 0, "fidelity": 0.7}]
    (results / "sweep-toy-later.json").write_text(json.dumps(
        {"part": "sweep", "started": "2026-01-02T00:00:00", "model": "sksynth.VAE",
         "param": "latent_dim", "epochs": 3, "max_train_rows": 100, "rows": later}))
    out = tmp_path / "docs" / "benchmarks.md"
    text = report.build(results, out)

    assert out.read_text() == text
    lines = {
        line.split("|")[1].strip(): line
        for line in text.splitlines()
        if line.startswith("| ") and "|" in line[2:]
    }
    # CTGAN: 10/40 = 0.25 <= 1/3 -> met; TVAE: 8/10 = 0.8 > 1/2 -> missed
    assert "**met**" in lines["Seconds per epoch <= 1/3 of ctgan's CTGAN"]
    assert "**missed**" in lines["Seconds per epoch <= 1/2 of ctgan's TVAE"]
    # VAE bare forward is 2x its sampling rate -> the sampling target is missed
    sampling = next(v for k, v in lines.items() if k.startswith("Sampling >="))
    assert "**missed**" in sampling and "ConditionalVAE 2.0x" in sampling
    assert "**met**" in lines["Encoder fit >= 3x faster than ctgan's DataTransformer"]
    assert "not measured" in next(v for k, v in lines.items() if "Parquet" in k)
    assert (out.parent / "_static" / "bench" / "speed_step.png").stat().st_size > 1000
    assert "Test CPU" in text and "torch threads 1" in text
    # the sweeps' means over seeds, one column per value, the newest run winning per seed
    assert "| toy | 0.800 (2) | 0.650 (2) | 0.500 (1) |" in text


@pytest.mark.parametrize(
    ("value", "rows", "has_columns"),
    [(None, [5_000, 10_000, 20_000], True), ("", [], False), ("1000,2000", [1000, 2000], True)],
)
def test_run_scale_rows_option(value, rows, has_columns):
    run = pytest.importorskip("benchmarks.run")
    argv = ["--part", "speed"] + ([] if value is None else ["--scale-rows", value])
    cfg = run._config(run.parse_args(argv))["speed"]
    assert cfg["scale_rows"] == rows
    assert bool(cfg["scale_columns"]) is has_columns


def test_gpu_timing_runs_on_a_cpu_and_the_report_shows_its_ratios(tmp_path):
    gpu_timing = pytest.importorskip("benchmarks.gpu_timing")
    results = tmp_path / "results"
    results.mkdir()
    path = results / "gpu-test.json"
    gpu_timing.main(["--device", "cpu", "--epochs", "2", "--repeat", "2", "--sample", "300",
                     "--out", str(path)])
    run = json.loads(path.read_text())
    rows = run["results"]["rows"]
    assert run["part"] == "gpu" and {r["device"] for r in rows} == {"cpu"}
    assert {r["table"] for r in rows} == {"credit", "credit_x2"}
    assert {m.name for m in gpu_timing.OURS} <= {r["model"] for r in rows}
    for row in rows:
        assert "error" not in row, row
        assert row["epoch_s"] > 0 and row["sample_rows_per_s"] > 0
    # a peer twice as slow per epoch: the page shows the ratio 0.50
    ours = next(r for r in rows if r["model"] == "sksynth.ConditionalVAE"
                and r["table"] == "credit")
    peer = dict(ours, model="ctgan.TVAE", epoch_s=2 * ours["epoch_s"], sample_rows_per_s=1)
    run["results"]["rows"].append(peer)
    path.write_text(json.dumps(run))
    text = report.build(results, tmp_path / "docs" / "benchmarks.md")
    line = next(x for x in text.splitlines()
                if "| cpu | credit | sksynth.ConditionalVAE |" in x)
    assert "| ctgan.TVAE |" in line and "| 0.50 |" in line


def test_sweep_parses_values_and_scores_every_value_and_seed(tmp_path):
    sweep = pytest.importorskip("benchmarks.sweep")
    assert sweep.parse_values("16,32") == [16, 32]
    assert sweep.parse_values("(128, 128),None,bce") == [(128, 128), None, "bce"]
    out = tmp_path / "sweep.json"
    rows = sweep.run("sksynth.VAE", "latent_dim", [2, 4], ["wine"], [0, 1], epochs=2,
                     max_train_rows=60, out_path=out, log=lambda *_: None)
    assert sorted((r["seed"], r["value"]) for r in rows) == [(0, "2"), (0, "4"), (1, "2"),
                                                             (1, "4")]
    assert all(0.0 <= r["fidelity"] <= 1.0 and r["train_rows"] == 60 for r in rows)
    assert all(r["applied"] == r["value"] for r in rows)  # the fitted sampler got the value
    assert len(json.loads(out.read_text())["rows"]) == 4
    assert "wine" in sweep.summary(rows) and "(n=2)" in sweep.summary(rows)
    with pytest.raises(ValueError, match="only our samplers"):
        sweep.run("ctgan.TVAE", "epochs", [1], ["wine"], [0])


def test_condition_link_reports_a_share_of_recognised_digits():
    link = pytest.importorskip("benchmarks.condition_link")
    for pac, row_dim in ((1, None), (2, 8)):
        share, seconds = link.recognised_share(pac, epochs=1, batch_size=400, row_dim=row_dim)
        assert 0.0 <= share <= 1.0 and seconds > 0


def test_report_reads_renamed_models_under_their_new_name():
    run = {"results": {"rows": [{"model": "sksynth.ConditionalVAE[latent=128]"},
                                {"model": "sksynth.ConditionalVAE"}]}}
    report._rename_models(run)
    assert [r["model"] for r in run["results"]["rows"]] == [
        "sksynth.ConditionalVAE[TVAE sizes]", "sksynth.ConditionalVAE"]
    # a default that changed: the same name means another model before the change
    for started, expected in (("2026-11-26T09:00:00+00:00", "sksynth.ConditionalGAN[pac=1]"),
                              ("2026-11-26T12:00:00+00:00", "sksynth.ConditionalGAN[dropout=0.5]"),
                              ("2026-11-27T09:00:00+00:00", "sksynth.ConditionalGAN")):
        run = {"started": started, "results": {"rows": [
            {"model": "sksynth.ConditionalGAN"}, {"model": "sksynth.ConditionalGAN[pac=10]"}]}}
        report._rename_models(run)
        assert [r["model"] for r in run["results"]["rows"]] == [
            expected, "sksynth.ConditionalGAN[CTGAN critic]"]
        sweep = {"started": started, "model": "sksynth.ConditionalGAN", "rows": []}
        report._rename_models(sweep)
        assert sweep["model"] == expected
