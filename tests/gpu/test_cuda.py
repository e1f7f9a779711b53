"""Checks that need a CUDA GPU: skipped on machines without one (CI has none).

``benchmarks/gpu_check.sh`` runs them on a GPU machine, with the CUDA cases of the other
test modules and a CPU/GPU timing of the four samplers. What they check: the fused training
functions give on the GPU what the plain functions give on the CPU; the four samplers train,
resample and sample with ``device="cuda"``, in the caller's dtypes and categories; a model
trained on the GPU pickles (and saves to a model file) and samples in a process that sees no
GPU.
"""

import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import torch

from sksynth.generators import (
    ConditionalGANSampler,
    ConditionalVAESampler,
    GANSampler,
    VAESampler,
)
from sksynth.nn import SpanActivation, dropout_mask, kl_divergence, vae_loss_terms

pytestmark = pytest.mark.skipif(
    not torch.cuda.is_available(), reason="needs a CUDA GPU (benchmarks/gpu_check.sh runs it)"
)

ROOT = Path(__file__).resolve().parents[2]
TINY = dict(epochs=3, batch_size=40, hidden_dims=(16,), latent_dim=4, random_state=0)
ALL = [GANSampler, VAESampler, ConditionalGANSampler, ConditionalVAESampler]
CONDITIONAL = [ConditionalGANSampler, ConditionalVAESampler]

# the spans of a mixed layout: numbers of both kinds, softmax spans of several sizes
KINDS = ["tanh", 3, "identity", 2, 3, 5, "tanh", 7, 20]


def spans_of(kinds):
    spans, position = [], 0
    for kind in kinds:
        width = kind if isinstance(kind, int) else 1
        activation = "softmax" if isinstance(kind, int) else kind
        spans.append(SimpleNamespace(start=position, stop=position + width,
                                     activation=activation))
        position += width
    return spans


def training_batch(spans, n_rows=300, seed=0):
    """Logits, a one-hot/numeric target, log-sigmas and a condition, on the CPU."""
    gen = torch.Generator().manual_seed(seed)
    n_features = spans[-1].stop
    logits = 3 * torch.randn(n_rows, n_features, generator=gen)
    target = torch.zeros(n_rows, n_features)
    for s in spans:
        if s.activation == "softmax":
            picks = torch.randint(s.start, s.stop, (n_rows,), generator=gen)
            target[torch.arange(n_rows), picks] = 1.0
        else:
            target[:, s.start] = torch.rand(n_rows, generator=gen) * 2 - 1
    n_numeric = sum(s.activation != "softmax" for s in spans)
    log_sigma = torch.rand(n_numeric, generator=gen) - 1.5
    soft = [s for s in spans if s.activation == "softmax"][:2]
    cond_index = [c for s in soft for c in range(s.start, s.stop)]
    cond = torch.zeros(n_rows, len(cond_index))
    cond[torch.arange(n_rows), torch.randint(0, len(cond_index), (n_rows,), generator=gen)] = 1
    return logits, target, log_sigma, cond, cond_index


def leaf(tensor, device):
    return tensor.detach().clone().to(device).requires_grad_()


@pytest.mark.parametrize("with_cond", [False, True])
def test_fused_vae_loss_on_cuda_equals_the_plain_terms_on_cpu(with_cond):
    from sksynth.nn._fused import fused_vae_loss

    spans = spans_of(KINDS)
    logits, target, log_sigma, cond, cond_index = training_batch(spans)
    if not with_cond:
        cond = cond_index = None
    weight = 0.7
    results = {}
    for device, fused in (("cpu", False), ("cuda", True)):
        head = SpanActivation(spans).to(device)
        x, s = leaf(logits, device), leaf(log_sigma, device)
        c = None if cond is None else cond.to(device)
        if fused:
            total, _, _ = fused_vae_loss(x, target.to(device), head, s, cond=c,
                                         cond_index=cond_index, weight=weight)
        else:
            rec, cnd = vae_loss_terms(x, target, head, s, cond=c, cond_index=cond_index)
            total = rec + weight * cnd
        grads = torch.autograd.grad(2.5 * total, (x, s))
        results[device] = [total.detach().cpu()] + [g.cpu() for g in grads]
    assert results["cuda"][0].device.type == "cpu"
    for got, expected in zip(results["cuda"], results["cpu"], strict=True):
        torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-5)


def test_fused_reparametrize_kl_on_cuda_equals_the_plain_terms_on_cpu():
    from sksynth.nn._fused import fused_reparametrize_kl

    gen = torch.Generator().manual_seed(0)
    mu, eps, weights = (torch.randn(64, 5, generator=gen) for _ in range(3))
    logvar = 15 * torch.randn(64, 5, generator=gen)  # some clamped at +-20
    m, lv = leaf(mu, "cpu"), leaf(logvar, "cpu")
    clamped = lv.clamp(-20.0, 20.0)
    z = m + eps * torch.exp(0.5 * clamped)
    expected = torch.autograd.grad((z * weights).sum() + 3 * kl_divergence(m, clamped), (m, lv))
    m_c, lv_c = leaf(mu, "cuda"), leaf(logvar, "cuda")
    z_c, kl_c = fused_reparametrize_kl(m_c, lv_c, eps.cuda(), bound=20.0)
    torch.testing.assert_close(z_c.detach().cpu(), z.detach())
    got = torch.autograd.grad((z_c * weights.cuda()).sum() + 3 * kl_c, (m_c, lv_c))
    for g, g_ref in zip(got, expected, strict=True):
        torch.testing.assert_close(g.cpu(), g_ref, rtol=1e-5, atol=1e-5)
    assert (got[1][lv_c.abs() > 20] == 0).all()


def test_fused_gumbel_head_on_cuda_equals_the_cpu_head_given_the_same_noise():
    from sksynth.nn._fused import _GumbelHead

    spans = spans_of(KINDS)
    logits, _, _, cond, cond_index = training_batch(spans)
    outputs = {}
    uniform = None
    for device in ("cpu", "cuda"):
        head = SpanActivation(spans).to(device)
        if uniform is None:
            uniform = torch.rand((head.n_grouped - head.n_numeric, logits.shape[0]),
                                 generator=torch.Generator().manual_seed(5))
        x = leaf(logits, device)
        positions = head.softmax_positions(cond_index)
        fake, cnd = _GumbelHead.apply(x, cond.to(device), head, positions, 0.3,
                                      uniform.to(device))
        weights = torch.linspace(-1, 1, fake.numel()).reshape(fake.shape).to(device)
        (grad,) = torch.autograd.grad((fake * weights).sum() + 0.7 * cnd, x)
        outputs[device] = (fake.detach().cpu(), cnd.detach().cpu(), grad.cpu())
    for got, expected in zip(outputs["cuda"], outputs["cpu"], strict=True):
        torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-5)


def test_sample_head_on_cuda_draws_one_hot_spans_from_the_softmax():
    from sksynth.nn._fused import sample_head

    spans = spans_of(KINDS)
    head = SpanActivation(spans).cuda()
    gen = torch.Generator(device="cuda").manual_seed(0)
    row = 1.5 * torch.randn(1, spans[-1].stop, generator=gen, device="cuda")
    n = 40_000
    out = sample_head(row.expand(n, -1), head, generator=gen)
    assert out.device.type == "cuda"
    for s in spans:
        part = out[:, s.start : s.stop]
        if s.activation == "softmax":
            assert torch.equal(part.sum(1), torch.ones(n, device="cuda"))
            expected = torch.softmax(row[0, s.start : s.stop], dim=0)
            torch.testing.assert_close(part.mean(0), expected, atol=0.01, rtol=0)


def test_dropout_mask_on_cuda_drops_the_asked_share():
    gen = torch.Generator(device="cuda").manual_seed(0)
    mask = dropout_mask((1000, 256), 0.3, gen, "cuda")
    assert mask.device.type == "cuda"
    dropped = float((mask == 0).float().mean())
    assert abs(dropped - 0.3) < 0.005
    kept = mask[mask != 0]
    torch.testing.assert_close(kept, torch.full_like(kept, 1 / 0.7))


def nets_of(sampler):
    """The sampler's nets: one per class (unconditional, fitted with y) or one."""
    return list(sampler.nets_.values()) if hasattr(sampler, "nets_") else [sampler.net_]


def on_device(sampler):
    return {next(net.module_.parameters()).device.type for net in nets_of(sampler)}


def check_frame(rows, X):
    assert list(rows.columns) == list(X.columns)
    pd.testing.assert_series_equal(rows.dtypes, X.dtypes)
    for column in X.columns:
        if isinstance(X[column].dtype, pd.CategoricalDtype):
            assert list(rows[column].cat.categories) == list(X[column].cat.categories)
        elif X[column].dtype == object:
            assert set(rows[column].dropna()) <= set(X[column].dropna())


@pytest.mark.parametrize("Sampler", ALL, ids=lambda s: s.__name__)
def test_samplers_train_and_sample_on_cuda(Sampler, mixed_xy):
    X, y = mixed_xy
    X_before = X.copy()
    sampler = Sampler(**TINY, device="cuda").fit(X, y)
    assert on_device(sampler) == {"cuda"}
    rows, labels = sampler.sample(300, random_state=1)
    check_frame(rows, X)
    assert set(labels) <= set(y) and len(rows) == len(labels) == 300
    X_res, y_res = sampler.fit_resample(X, y)
    counts = y_res.value_counts()
    assert counts[0] == counts[1] == y.value_counts().max()
    pd.testing.assert_frame_equal(X_res.iloc[: len(X)], X_before)
    check_frame(X_res, X)


@pytest.mark.parametrize("Sampler", CONDITIONAL, ids=lambda s: s.__name__)
def test_conditional_sampling_on_cuda_returns_the_asked_class_and_value(Sampler, mixed_xy):
    X, y = mixed_xy
    sampler = Sampler(**TINY, device="cuda:0").fit(X, y)
    rows, labels = sampler.sample(120, y=1, random_state=0)
    assert (labels == 1).all()
    rows, _ = sampler.sample(120, conditions={"home": "parents"}, random_state=0)
    assert (rows["home"] == "parents").all()


@pytest.mark.parametrize("Sampler", [ConditionalGANSampler, VAESampler],
                         ids=lambda s: s.__name__)
def test_same_seed_on_cuda_gives_the_same_rows(Sampler, mixed_frame):
    a = Sampler(**TINY, device="cuda").fit(mixed_frame).sample(100, random_state=3)
    b = Sampler(**TINY, device="cuda").fit(mixed_frame).sample(100, random_state=3)
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("options", [dict(pac=10, loss="bce"), dict(loss="wgan-gp", pac=1)])
def test_gan_options_train_on_cuda(options, mixed_xy):
    X, y = mixed_xy
    sampler = ConditionalGANSampler(**{**TINY, "batch_size": 60}, **options, device="cuda")
    rows, _ = sampler.fit(X, y).sample(50, random_state=0)
    check_frame(rows, X)
    assert np.isfinite(sampler.net_.history[-1, "train_loss"])


_CPU_ONLY = textwrap.dedent(
    """
    import pickle, sys
    import torch
    assert not torch.cuda.is_available()
    from sksynth.generators import {name}
    with open(sys.argv[1], "rb") as f:
        sampler = pickle.load(f)
    rows = sampler.sample(40, random_state=0)
    rows = rows[0] if isinstance(rows, tuple) else rows
    loaded = {name}.load(sys.argv[2])
    again = loaded.sample(40, random_state=0)
    again = again[0] if isinstance(again, tuple) else again
    for model in (sampler, loaded):
        nets = model.nets_.values() if hasattr(model, "nets_") else [model.net_]
        assert {{next(n.module_.parameters()).device.type for n in nets}} == {{"cpu"}}
    rows.to_pickle(sys.argv[3])
    again.to_pickle(sys.argv[4])
    print(sampler.device, loaded.device)
    """
)


@pytest.mark.parametrize("Sampler", ALL, ids=lambda s: s.__name__)
def test_model_trained_on_cuda_samples_in_a_process_without_gpu(Sampler, mixed_xy, tmp_path):
    X, y = mixed_xy
    sampler = Sampler(**TINY, device="cuda").fit(X, y)
    pickled = tmp_path / "model.pkl"
    pickled.write_bytes(pickle.dumps(sampler))
    saved = sampler.save(tmp_path / "model.sksynth")
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": "",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    out = [tmp_path / "a.pkl", tmp_path / "b.pkl"]
    done = subprocess.run(
        [sys.executable, "-c", _CPU_ONLY.format(name=Sampler.__name__), str(pickled),
         str(saved), *map(str, out)],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    for path in out:
        check_frame(pd.read_pickle(path), X)
    # the same model and seed give the same rows, from the pickle and from the model file
    pd.testing.assert_frame_equal(pd.read_pickle(out[0]), pd.read_pickle(out[1]))


def test_augmentation_pipeline_cross_validates_on_cuda(mixed_xy):
    from imblearn.pipeline import Pipeline
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import cross_validate

    from sksynth.preprocessing import make_encoder

    X, y = mixed_xy
    pipe = Pipeline([
        ("gen", ConditionalVAESampler(**TINY, device="cuda")),
        ("encode", make_encoder(X)),
        ("clf", HistGradientBoostingClassifier(max_iter=20)),
    ])
    scores = cross_validate(pipe, X, y, cv=2, n_jobs=2, scoring="balanced_accuracy")
    assert np.isfinite(scores["test_score"]).all() and len(scores["test_score"]) == 2


def test_a_gpu_number_past_the_last_gpu_is_a_clear_error(mixed_frame):
    device = f"cuda:{torch.cuda.device_count()}"
    with pytest.raises(ValueError, match="numbered from 0"):
        VAESampler(**TINY, device=device).fit(mixed_frame)
