"""The extension hooks of the base sampler: where other steps plug into fit and sample."""

import contextlib

import numpy as np
import pandas as pd
import pytest

from sksynth.generators import ConditionalVAESampler, VAESampler
from sksynth.io import load_sampler

TINY = dict(epochs=1, batch_size=40, hidden_dims=(8,), latent_dim=4, random_state=0)


def table(n=80, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    b = rng.normal(size=n)
    return pd.DataFrame({"a": a, "b": b, "total": a + b, "kind": rng.choice(["x", "y"], n)})


class DerivedTotal(ConditionalVAESampler):
    """Learns without the derived column ``total`` and recomputes it after decoding."""

    def _prepare_table(self, frame):
        return frame.drop(columns="total")

    def _finish_table(self, frame, rng, fixed=None):
        out = frame.assign(total=frame["a"] + frame["b"])
        return out[["a", "b", "total", "kind"]]


def test_prepare_table_feeds_the_encoder_and_finish_table_every_output(tmp_path):
    X = table()
    sampler = DerivedTotal(**TINY).fit(X)
    assert "total" not in sampler.encoder_.feature_names_in_
    for rows in (
        sampler.sample(30, random_state=1),
        sampler.sample(10, conditions={"kind": "x"}, random_state=2),
        pd.concat(sampler.iter_samples(25, chunk_size=10, random_state=3)),
    ):
        assert list(rows.columns) == list(X.columns)
        np.testing.assert_allclose(rows["total"], rows["a"] + rows["b"])
    loaded = load_sampler(sampler.save(tmp_path / "m.sksynth"), trusted_types=[DerivedTotal])
    pd.testing.assert_frame_equal(
        loaded.sample(20, random_state=4), sampler.sample(20, random_state=4)
    )


def test_fit_resample_rows_pass_through_finish_table():
    X = table(90)
    y = np.array([0] * 60 + [1] * 30)
    X_res, _ = DerivedTotal(**TINY).fit_resample(X, y)
    assert len(X_res) == 120 and list(X_res.columns) == list(X.columns)
    np.testing.assert_allclose(X_res["total"], X_res["a"] + X_res["b"])


class Counted(VAESampler):
    """Counts the calls that run inside the runtime context."""

    def _runtime(self):
        self.entered_ = getattr(self, "entered_", 0) + 1
        return contextlib.nullcontext()


def test_fit_fit_resample_and_sample_run_inside_the_runtime_context():
    X = table()[["a", "b"]]
    y = np.array([0] * 50 + [1] * 30)
    sampler = Counted(**TINY)
    sampler.fit(X)
    assert sampler.entered_ == 1
    sampler.sample(5)
    assert sampler.entered_ == 2
    sampler.entered_ = 0
    sampler.fit_resample(X, y)
    assert sampler.entered_ == 1  # one context for the whole call


def test_conditions_go_through_one_check(monkeypatch):
    sampler = ConditionalVAESampler(**TINY).fit(table())
    seen = []
    original = type(sampler)._check_conditions

    def spy(self, conditions, n_samples):
        seen.append(conditions)
        return original(self, conditions, n_samples)

    monkeypatch.setattr(type(sampler), "_check_conditions", spy)
    sampler.sample(3, conditions={"kind": "y"})
    list(sampler.iter_samples(4, chunk_size=2, conditions={"kind": "x"}))
    assert {"kind": "y"} in seen and {"kind": "x"} in seen
    with pytest.raises(ValueError, match="Unknown value 'z'"):
        sampler.sample(3, conditions={"kind": "z"})
