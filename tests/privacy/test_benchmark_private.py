"""Smoke test of the private benchmark part on a small generated table (no peers needed)."""

import sys

import numpy as np
import pandas as pd
import pytest

private = pytest.importorskip("benchmarks.private")
_data = pytest.importorskip("benchmarks._data")


def test_the_part_scores_our_sampler_and_reports_a_missing_peer_as_an_error():
    rng = np.random.default_rng(0)
    n = 1200
    x = rng.normal(size=n)
    frame = pd.DataFrame({
        "x": x,
        "k": rng.integers(0, 5, n),
        "target": pd.Categorical(np.where(x + rng.normal(0, 0.5, n) > 1, "yes", "no")),
    })
    ds = _data.Dataset("toy", frame, "target", "generated",
                       train=frame.iloc[:800].reset_index(drop=True),
                       holdout=frame.iloc[800:].reset_index(drop=True))

    def broken(*args):
        raise ImportError("peer missing")

    rows = private.run_dataset(ds, epsilon=1.0, seed=0,
                               models={"ours": private._ours, "peer": broken}, log=lambda r: None)
    ours, peer = rows
    assert 0 < ours["fidelity"] <= 1 and 0 < ours["tstr_trtr"]
    assert 0 <= ours["minority_mia_auc"] <= 1 and 0 <= ours["reconstruction"] <= 1
    assert "peer missing" in peer["error"]


def test_smartnoise_absent_is_reported_as_not_run(monkeypatch):
    monkeypatch.setitem(sys.modules, "snsynth", None)  # import fails as if not installed
    frame = pd.DataFrame({"x": np.arange(40.0), "target": pd.Categorical(["a", "b"] * 20)})
    ds = _data.Dataset("toy", frame, "target", "generated", train=frame, holdout=frame)
    models = {k: v for k, v in private.MODELS.items() if "smartnoise" in k}
    rows = private.run_dataset(ds, epsilon=1.0, seed=0, models=models, log=lambda r: None)
    assert len(rows) == 2
    assert all(r["error"].startswith("not run: smartnoise-synth is not installed") for r in rows)
    assert not any("fidelity" in r for r in rows)
