"""The fused VAE terms equal the plain functions, in values and first derivatives."""

from types import SimpleNamespace

import pytest
import torch

from sksynth.nn import SpanActivation, TabularVAE, VAENet, kl_divergence, vae_loss_terms
from sksynth.nn._fused import fused_reparametrize_kl, fused_vae_loss


def span(start, stop, activation):
    return SimpleNamespace(start=start, stop=stop, activation=activation)


def layout_of(kinds):
    """Spans from a list of activations / softmax sizes, in that order."""
    spans, position = [], 0
    for kind in kinds:
        width = kind if isinstance(kind, int) else 1
        spans.append(span(position, position + width,
                          "softmax" if isinstance(kind, int) else kind))
        position += width
    return spans


LAYOUTS = {
    # numeric of both kinds, short spans sharing padded blocks
    "mixed": ["tanh", 3, "identity", 2, 3, 5, "tanh", 7],
    # only tanh columns (mode-specific normalisation), one size per span
    "tanh": ["tanh", 4, "tanh", 4, "tanh", 6],
    # only identity columns (quantile normalisation)
    "identity": ["identity", 2, "identity", 3],
    # no numeric column; one long span (its own, unpadded block)
    "categorical": [3, 20, 2],
    # no softmax span
    "numeric": ["tanh", "identity", "tanh"],
}


def batch(spans, n_rows=7, seed=0):
    gen = torch.Generator().manual_seed(seed)
    n_features = spans[-1].stop
    logits = (3 * torch.randn(n_rows, n_features, generator=gen)).requires_grad_()
    target = torch.zeros(n_rows, n_features)
    for s in spans:
        if s.activation == "softmax":
            picks = torch.randint(s.start, s.stop, (n_rows,), generator=gen)
            target[torch.arange(n_rows), picks] = 1.0
        elif s.activation == "tanh":
            target[:, s.start] = torch.rand(n_rows, generator=gen) * 2 - 1
        else:
            target[:, s.start] = torch.randn(n_rows, generator=gen)
    n_numeric = sum(s.activation != "softmax" for s in spans)
    log_sigma = (torch.rand(n_numeric, generator=gen) - 1.5).requires_grad_()
    return logits, target, log_sigma


def condition_of(spans, n_rows=7, seed=1):
    """A conditional vector over the first two softmax spans (one slot set per row)."""
    gen = torch.Generator().manual_seed(seed)
    columns = [c for s in spans if s.activation == "softmax" for c in range(s.start, s.stop)]
    soft = [s for s in spans if s.activation == "softmax"][:2]
    index = [c for s in soft for c in range(s.start, s.stop)]
    cond = torch.zeros(n_rows, len(index))
    cond[torch.arange(n_rows), torch.randint(0, len(index), (n_rows,), generator=gen)] = 1.0
    assert set(index) <= set(columns)
    return cond, index


def case(name, with_cond):
    """Spans, head, a batch and (when asked and possible) a condition, for one layout."""
    spans = layout_of(LAYOUTS[name])
    head = SpanActivation(spans)
    logits, target, log_sigma = batch(spans)
    has_softmax = any(s.activation == "softmax" for s in spans)
    cond, cond_index = condition_of(spans) if with_cond and has_softmax else (None, None)
    return spans, head, (logits, target, log_sigma), (cond, cond_index)


@pytest.mark.parametrize("name", sorted(LAYOUTS))
@pytest.mark.parametrize("with_cond", [False, True])
def test_fused_vae_loss_equals_the_plain_terms_and_gradients(name, with_cond):
    _, head, (logits, target, log_sigma), (cond, cond_index) = case(name, with_cond)
    weight = 0.7
    rec, cnd = vae_loss_terms(logits, target, head, log_sigma, cond=cond, cond_index=cond_index)
    total, rec_f, cnd_f = fused_vae_loss(
        logits, target, head, log_sigma, cond=cond, cond_index=cond_index, weight=weight
    )
    torch.testing.assert_close(rec_f, rec.detach(), rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(cnd_f, cnd.detach(), rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(total.detach(), (rec + weight * cnd).detach())
    # a non-unit incoming gradient, as when the loss is scaled
    expected = torch.autograd.grad(2.5 * (rec + weight * cnd), (logits, log_sigma),
                                   allow_unused=True)
    got = torch.autograd.grad(2.5 * total, (logits, log_sigma), allow_unused=True)
    for g, g_ref in zip(got, expected, strict=True):
        if g_ref is None:  # no numeric column: log_sigma is empty
            assert g is None or g.numel() == 0
        else:
            torch.testing.assert_close(g, g_ref, rtol=1e-5, atol=1e-6)
    assert not rec_f.requires_grad and not cnd_f.requires_grad


def test_fused_vae_loss_is_finite_for_extreme_logits():
    spans = layout_of(LAYOUTS["mixed"])
    head = SpanActivation(spans)
    logits, target, log_sigma = batch(spans)
    extreme = (logits.detach() * 1e4).requires_grad_()
    total, _, _ = fused_vae_loss(extreme, target, head, log_sigma)
    (grad,) = torch.autograd.grad(total, extreme)
    assert torch.isfinite(total) and torch.isfinite(grad).all()


def test_fused_vae_loss_supports_only_first_derivatives():
    spans = layout_of(LAYOUTS["tanh"])
    head = SpanActivation(spans)
    logits, target, log_sigma = batch(spans)
    total, _, _ = fused_vae_loss(logits, target, head, log_sigma)
    (grad,) = torch.autograd.grad(total, logits, create_graph=True)
    # the gradient is a constant of the graph: no silent, wrong second derivative
    assert not grad.requires_grad
    with pytest.raises(RuntimeError, match="does not require grad"):
        grad.sum().backward()


@pytest.mark.parametrize("scale", [1.0, 15.0])  # 15: some log-variances clamped at +-20
def test_fused_reparametrize_kl_equals_the_plain_terms(scale):
    gen = torch.Generator().manual_seed(0)
    mu = torch.randn(9, 5, generator=gen).requires_grad_()
    logvar = (scale * torch.randn(9, 5, generator=gen)).requires_grad_()
    eps = torch.randn(9, 5, generator=gen)
    weights = torch.randn(9, 5, generator=gen)
    clamped = logvar.clamp(-20.0, 20.0)
    z = mu + eps * torch.exp(0.5 * clamped)
    kl = kl_divergence(mu, clamped)
    z_f, kl_f = fused_reparametrize_kl(mu, logvar, eps, bound=20.0)
    torch.testing.assert_close(z_f, z)
    torch.testing.assert_close(kl_f, kl, rtol=1e-5, atol=1e-4)
    expected = torch.autograd.grad((z * weights).sum() + 3.0 * kl, (mu, logvar))
    got = torch.autograd.grad((z_f * weights).sum() + 3.0 * kl_f, (mu, logvar))
    for g, g_ref in zip(got, expected, strict=True):
        torch.testing.assert_close(g, g_ref, rtol=1e-5, atol=1e-5)
    if scale > 1:
        assert (got[1][logvar.abs() > 20] == 0).all()


class PlainVAE(TabularVAE):
    """Overrides ``forward``: the net takes its plain (unfused) path."""

    def forward(self, x, cond=None, generator=None):
        return super().forward(x, cond, generator=generator)


@pytest.mark.parametrize("condition_weight", [0.0, 1.5])
def test_vae_net_fused_step_trains_like_the_plain_step(condition_weight):
    spans = layout_of(LAYOUTS["mixed"])
    _, target, _ = batch(spans, n_rows=64, seed=3)
    cond, cond_index = condition_of(spans, n_rows=64, seed=4)
    nets = []
    for module in (TabularVAE, PlainVAE):
        net = VAENet(
            module, module__output_spans=spans, module__latent_dim=3, module__hidden_dims=(8,),
            module__cond_dim=cond.shape[1], cond_index=cond_index,
            condition_weight=condition_weight, random_state=0,
        ).initialize()
        net.history.new_epoch()
        for _ in range(5):
            net.history.new_batch()
            step = net.train_step({"X": target, "cond": cond})
        nets.append((net, step))
    (fused, fused_step), (plain, plain_step) = nets
    torch.testing.assert_close(fused_step["loss"], plain_step["loss"], rtol=1e-5, atol=1e-5)
    for (name, p_fused), (_, p_plain) in zip(fused.module_.named_parameters(),
                                               plain.module_.named_parameters(), strict=True):
        torch.testing.assert_close(p_fused, p_plain, rtol=1e-4, atol=1e-5, msg=name)
    assert fused.history[-1, "batches", -1, "reconstruction"] == pytest.approx(
        plain.history[-1, "batches", -1, "reconstruction"], rel=1e-5
    )


def reference_head(logits, spans, tau, uniform, plan, n_numeric):
    """Per-span activations straight from the formulas, with the fused head's noise."""
    parts = []
    for s in spans:
        block = logits[:, s.start : s.stop]
        if s.activation == "tanh":
            parts.append(torch.tanh(block))
        elif s.activation == "identity":
            parts.append(block)
        else:
            rows = plan.inverse[s.start : s.stop] - n_numeric
            u = uniform[rows].t().clamp(1e-10, 1.0 - 1e-7)
            parts.append(torch.softmax((block - torch.log(-torch.log(u))) / tau, dim=1))
    return torch.cat(parts, dim=1)


@pytest.mark.parametrize("name", sorted(LAYOUTS))
@pytest.mark.parametrize("with_cond", [False, True])
def test_fused_gumbel_head_equals_the_per_span_formulas_and_gradients(name, with_cond):
    from sksynth.nn import condition_loss
    from sksynth.nn._fused import _GumbelHead, _slot_major_plan

    spans, head, (logits, _, _), (cond, cond_index) = case(name, with_cond)
    plan = _slot_major_plan(head)
    gen = torch.Generator().manual_seed(5)
    uniform = torch.rand((head.n_grouped - head.n_numeric, logits.shape[0]), generator=gen)
    positions = None if cond is None else head.softmax_positions(cond_index)
    fake, cnd = _GumbelHead.apply(logits, cond, head, positions, 0.3, uniform)
    expected = reference_head(logits, spans, 0.3, uniform, plan, head.n_numeric)
    cnd_ref = condition_loss(logits, cond, head, cond_index)
    torch.testing.assert_close(fake, expected, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(cnd, cnd_ref.detach(), rtol=1e-5, atol=1e-6)
    weights = torch.randn(fake.shape, generator=gen)
    (got,) = torch.autograd.grad((fake * weights).sum() + 0.7 * cnd, logits)
    (ref,) = torch.autograd.grad((expected * weights).sum() + 0.7 * cnd_ref, logits)
    torch.testing.assert_close(got, ref, rtol=1e-4, atol=1e-5)


def test_fused_gumbel_head_is_reproducible_and_spans_sum_to_one():
    from sksynth.nn._fused import fused_gumbel_head

    spans = layout_of(LAYOUTS["mixed"])
    head = SpanActivation(spans)
    logits, _, _ = batch(spans, n_rows=50)
    a, _ = fused_gumbel_head(logits, head, tau=0.2, generator=torch.Generator().manual_seed(1))
    b, _ = fused_gumbel_head(logits, head, tau=0.2, generator=torch.Generator().manual_seed(1))
    torch.testing.assert_close(a, b, rtol=0, atol=0)
    for s in spans:
        if s.activation == "softmax":
            torch.testing.assert_close(a[:, s.start : s.stop].sum(1), torch.ones(50))


@pytest.mark.parametrize("name", ["mixed", "tanh", "categorical"])
def test_sample_head_draws_one_hot_spans_from_the_softmax(name):
    from sksynth.nn._fused import sample_head

    spans = layout_of(LAYOUTS[name])
    head = SpanActivation(spans)
    gen = torch.Generator().manual_seed(0)
    row = 1.5 * torch.randn(1, spans[-1].stop, generator=gen)
    n = 40_000
    out = sample_head(row.expand(n, -1), head, generator=gen)
    for s in spans:
        part = out[:, s.start : s.stop]
        if s.activation == "softmax":
            assert set(part.unique().tolist()) <= {0.0, 1.0}
            assert torch.equal(part.sum(1), torch.ones(n))
            expected = torch.softmax(row[0, s.start : s.stop], dim=0)
            # 40,000 draws: shares within 0.01 of the probabilities
            torch.testing.assert_close(part.mean(0), expected, atol=0.01, rtol=0)
        elif s.activation == "tanh":
            assert torch.allclose(part, torch.tanh(row[:, s.start : s.stop]).expand(n, -1))
        else:
            assert torch.allclose(part, row[:, s.start : s.stop].expand(n, -1))


def test_sample_head_numeric_noise_has_the_given_scale_and_tanh_columns_stay_in_range():
    from sksynth.nn._fused import sample_head

    spans = layout_of(LAYOUTS["mixed"])
    head = SpanActivation(spans)
    gen = torch.Generator().manual_seed(1)
    row = torch.zeros(1, spans[-1].stop)
    row[0, 0] = 0.3  # a tanh column
    n = 40_000
    numeric = [s for s in spans if s.activation != "softmax"]
    scale = torch.linspace(0.05, 0.5, len(numeric))
    out = sample_head(row.expand(n, -1), head, generator=gen, numeric_scale=scale)
    for s, sigma in zip(sorted(numeric, key=lambda s: s.start), scale, strict=True):
        values = out[:, s.start]
        centre = torch.tanh(row[0, s.start]) if s.activation == "tanh" else row[0, s.start]
        if s.activation == "tanh":
            assert float(values.abs().max()) <= 1.0
        if s.activation == "identity" or sigma < 0.2:  # clipping bends wide tanh noise
            assert abs(float(values.mean()) - float(centre)) < 0.01
            assert abs(float(values.std()) - float(sigma)) < 0.01


def test_sample_head_never_lands_on_padding_even_when_the_draw_rounds_up(monkeypatch):
    from sksynth.nn import _fused

    spans = layout_of([2, 5, 3])  # sizes 2 and 3 padded into the 5-slot block
    head = SpanActivation(spans)
    assert head.padded
    real_rand = torch.rand

    def all_ones(*args, **kwargs):  # the largest uniform: rounding lands past the end
        return torch.ones_like(real_rand(*args, **kwargs))

    monkeypatch.setattr(_fused.torch, "rand", all_ones)
    out = _fused.sample_head(torch.randn(50, spans[-1].stop), head)
    for s in spans:
        part = out[:, s.start : s.stop]
        assert torch.equal(part.sum(1), torch.ones(50))
        assert torch.equal(part[:, -1], torch.ones(50))  # the last real category
