"""sksynth sets torch's and the OpenMP/BLAS thread pools around its long calls and restores them."""

import numpy as np
import pandas as pd
import pytest
import torch
from threadpoolctl import threadpool_info

import sksynth
from sksynth.generators import ConditionalVAESampler
from sksynth.quality import assess
from sksynth.utils import limit_threads, thread_count


def _openmp_threads():
    return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "openmp"]


@pytest.fixture(autouse=True)
def _keep_torch_threads():
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


@pytest.fixture
def table():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=80), "b": rng.choice(["x", "y"], size=80)})
    y = pd.Series(rng.choice(["p", "q"], size=80), name="label")
    return X, y


def test_threads_inside_follow_the_setting_and_come_back():
    torch.set_num_threads(2)
    before = _openmp_threads()
    seen = {}

    @limit_threads
    def work():
        seen["torch"] = torch.get_num_threads()
        seen["openmp"] = _openmp_threads()

    with sksynth.config_context(n_threads=1):
        work()
    assert seen["torch"] == 1
    assert all(n == 1 for n in seen["openmp"])
    assert torch.get_num_threads() == 2
    assert _openmp_threads() == before


def test_pools_restored_when_the_call_raises():
    torch.set_num_threads(2)

    @limit_threads
    def fails():
        raise RuntimeError("boom")

    with sksynth.config_context(n_threads=1), pytest.raises(RuntimeError):
        fails()
    assert torch.get_num_threads() == 2


def test_fit_and_sample_run_on_the_configured_threads(table, monkeypatch):
    X, y = table
    torch.set_num_threads(2)
    seen = []
    original = ConditionalVAESampler._fit_models

    def spy(self, *args, **kwargs):
        seen.append(torch.get_num_threads())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ConditionalVAESampler, "_fit_models", spy)
    with sksynth.config_context(n_threads=1):
        gen = ConditionalVAESampler(epochs=1, random_state=0).fit(X, y)
        gen.sample(5)
    assert seen == [1]
    assert torch.get_num_threads() == 2


def test_assess_restores_threads(table):
    X, y = table
    torch.set_num_threads(2)
    with sksynth.config_context(n_threads=1):
        assess(X, y, random_state=0)
    assert torch.get_num_threads() == 2


def test_config_context_restores_and_set_config_validates():
    sksynth.set_config(n_threads=3)
    try:
        with sksynth.config_context(n_threads=1):
            assert thread_count() == 1
        assert sksynth.get_config()["n_threads"] == 3
        assert thread_count() == 3
    finally:
        sksynth.set_config(n_threads=None)
    for bad in (0, -2, 1.5, "2", True):
        with pytest.raises(ValueError, match="n_threads"):
            sksynth.set_config(n_threads=bad)


def test_automatic_choice_follows_omp_num_threads(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert thread_count() == 3
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert 1 <= thread_count() <= 4
