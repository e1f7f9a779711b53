"""Determinism and persistence: processes, pickling, n_jobs, joblib, interrupts, divergence."""

import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import Pipeline
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate
from skorch.callbacks import Callback

from sksynth.datasets import fingerprint
from sksynth.exceptions import TrainingDivergedError
from sksynth.generators import ConditionalGANSampler, GANSampler, VAESampler

TINY = dict(epochs=2, batch_size=40, hidden_dims=(16,), latent_dim=4, random_state=0)
ROOT = Path(__file__).resolve().parents[2]

_SCRIPT = textwrap.dedent(
    """
    import sys
    import torch
    torch.set_num_threads(1)
    sys.path.insert(0, {tests!r})
    from conftest import make_mixed_frame
    from sksynth.datasets import fingerprint
    from sksynth.generators import ConditionalGANSampler, VAESampler
    X = make_mixed_frame(150, seed=2)
    for cls in (VAESampler, ConditionalGANSampler):
        sampler = cls(**{tiny!r}).fit(X)
        print(fingerprint(sampler.sample(40, random_state=3)))
    """
)


def _fingerprints_here():
    from conftest import make_mixed_frame

    X = make_mixed_frame(150, seed=2)
    return [
        fingerprint(cls(**TINY).fit(X).sample(40, random_state=3))
        for cls in (VAESampler, ConditionalGANSampler)
    ]


def test_same_output_in_another_process():
    script = _SCRIPT.format(tests=str(ROOT / "tests"), tiny=TINY)
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        # a bare environment: the import path, where packages come from PYTHONPATH,
        # and the BLAS kernel choice of this machine (it changes the last bits)
        env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin",
             **{k: v for k, v in os.environ.items()
                if k == "PYTHONPATH" or k.startswith(("OPENBLAS_", "MKL_"))}},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == _fingerprints_here()


def test_same_output_after_pickling_unfitted_and_fitted(mixed_frame):
    sampler = GANSampler(**TINY)
    twin = pickle.loads(pickle.dumps(sampler))
    a = sampler.fit(mixed_frame).sample(30, random_state=1)
    b = twin.fit(mixed_frame).sample(30, random_state=1)
    pd.testing.assert_frame_equal(a, b)
    thawed = pickle.loads(pickle.dumps(sampler))
    pd.testing.assert_frame_equal(thawed.sample(30, random_state=1), a)
    # the sampler's own sequence continues identically in both copies
    pd.testing.assert_frame_equal(thawed.sample(10), sampler.sample(10))


def _pipeline():
    return Pipeline(
        [("oversample", VAESampler(**TINY)), ("model", LogisticRegression(max_iter=200))]
    )


def _xy():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 3))
    y = (X[:, 0] + rng.normal(0, 0.5, 90) > 0.8).astype(int)
    return X, y


def test_cross_validate_n_jobs_2_matches_n_jobs_1():
    X, y = _xy()
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    serial = cross_validate(_pipeline(), X, y, cv=cv, scoring="roc_auc", n_jobs=1)
    parallel = cross_validate(_pipeline(), X, y, cv=cv, scoring="roc_auc", n_jobs=2)
    np.testing.assert_array_equal(serial["test_score"], parallel["test_score"])


def test_joblib_round_trip_of_a_fitted_pipeline(tmp_path, mixed_xy):
    from sklearn.ensemble import HistGradientBoostingClassifier

    from sksynth.preprocessing import make_cleaner, make_encoder

    X, y = mixed_xy
    model = Pipeline(
        [
            ("clean", make_cleaner(X)),
            ("oversample", ConditionalGANSampler(**TINY)),
            ("encode", make_encoder(X)),
            ("model", HistGradientBoostingClassifier(max_iter=10, random_state=0)),
        ]
    ).fit(X, y)
    joblib.dump(model, tmp_path / "pipe.joblib")
    again = joblib.load(tmp_path / "pipe.joblib")
    np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))
    sampler = again.named_steps["oversample"]
    pd.testing.assert_frame_equal(
        sampler.sample(10, y=1, random_state=0)[0],
        model.named_steps["oversample"].sample(10, y=1, random_state=0)[0],
    )


class _InterruptAt(Callback):
    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            raise KeyboardInterrupt


@pytest.mark.parametrize("cls", [GANSampler, VAESampler], ids=lambda c: c.__name__)
def test_keyboard_interrupt_leaves_a_usable_model(cls, mixed_frame):
    """skorch stops at Ctrl-C and keeps the weights: the sampler can sample."""
    params = {**TINY, "epochs": 6}
    sampler = cls(**params, callbacks=[_InterruptAt(2)]).fit(mixed_frame)
    assert len(sampler.history_) == 2  # stopped after the second epoch
    rows = sampler.sample(25, random_state=0)
    assert rows.shape == (25, mixed_frame.shape[1])
    assert rows["age"].notna().all() and (rows.dtypes == mixed_frame.dtypes).all()


def test_divergence_stops_with_the_parameter_to_change(mixed_frame):
    sampler = VAESampler(**{**TINY, "epochs": 5}, lr=1e12)
    with pytest.raises(TrainingDivergedError, match=r"learning rate `lr` \(now 1000000000000\.0\)"):
        sampler.fit(mixed_frame)


def test_divergence_error_is_a_value_error():
    assert issubclass(TrainingDivergedError, ValueError)


def test_model_trained_on_gpu_loads_on_cpu(tmp_path, mixed_frame, monkeypatch):
    """The CPU path: a file recorded with device='cuda' loads with device 'cpu'."""
    import torch

    sampler = VAESampler(**TINY).fit(mixed_frame)
    expected = sampler.sample(20, random_state=4)
    sampler.device = "cuda"  # as if trained on a GPU (tensors are saved on the CPU)
    sampler._device = "cuda"
    path = sampler.save(tmp_path / "gpu.sksynth")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    loaded = VAESampler.load(path)
    assert loaded.device == "cpu" and loaded.net_.device == "cpu"
    assert next(loaded.net_.module_.parameters()).device.type == "cpu"
    pd.testing.assert_frame_equal(loaded.sample(20, random_state=4), expected)


@pytest.mark.skipif(
    not __import__("torch").cuda.is_available(), reason="needs a CUDA GPU (run on a GPU machine)"
)
def test_cuda_model_samples_after_loading_on_cpu(tmp_path, mixed_frame):
    sampler = VAESampler(**TINY, device="cuda").fit(mixed_frame)
    loaded = VAESampler.load(sampler.save(tmp_path / "gpu.sksynth"), device="cpu")
    rows = loaded.sample(20, random_state=0)
    assert rows.shape == (20, mixed_frame.shape[1])
    again = pickle.loads(pickle.dumps(sampler))
    assert again.sample(5).shape == (5, mixed_frame.shape[1])


def test_clone_gives_the_same_model(mixed_frame):
    sampler = ConditionalGANSampler(**TINY)
    a = sampler.fit(mixed_frame).sample(15, random_state=0)
    b = clone(sampler).fit(mixed_frame).sample(15, random_state=0)
    pd.testing.assert_frame_equal(a, b)
