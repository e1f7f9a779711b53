"""Span heads, modules and loss functions, on hand-made layouts."""

from types import SimpleNamespace

import numpy as np
import pytest
import torch

from sksynth.nn import (
    Critic,
    Generator,
    SpanActivation,
    TabularVAE,
    bce_critic_loss,
    bce_generator_loss,
    condition_loss,
    gradient_penalty,
    gumbel_softmax,
    kl_divergence,
    vae_loss_terms,
    vae_reconstruction_loss,
    wasserstein_critic_loss,
    wasserstein_generator_loss,
)
from sksynth.nn._activations import _BLOCK_COST


def span(start, stop, activation, column="c", kind=None, categories=()):
    kind = kind or ("discrete" if activation == "softmax" else "continuous")
    return SimpleNamespace(
        column=column, kind=kind, start=start, stop=stop, activation=activation,
        categories=categories,
    )


# tanh | softmax(3) | identity | softmax(2) | softmax(3)
SPANS = [
    span(0, 1, "tanh"),
    span(1, 4, "softmax"),
    span(4, 5, "identity"),
    span(5, 7, "softmax"),
    span(7, 10, "softmax"),
]


def test_span_activation_applies_each_spans_activation():
    head = SpanActivation(SPANS)
    logits = torch.randn(6, 10, generator=torch.Generator().manual_seed(0))
    out = head(logits, mode="soft")
    assert torch.allclose(out[:, 0], torch.tanh(logits[:, 0]))
    assert torch.allclose(out[:, 4], logits[:, 4])
    for s in SPANS[1:2] + SPANS[3:]:
        expected = torch.softmax(logits[:, s.start : s.stop], dim=1)
        assert torch.allclose(out[:, s.start : s.stop], expected, atol=1e-6)
    assert head.softmax_sizes == [2, 3]


@pytest.mark.parametrize("mode", ["sample", "hard"])
def test_span_activation_discrete_modes_are_one_hot(mode):
    head = SpanActivation(SPANS)
    logits = torch.randn(50, 10, generator=torch.Generator().manual_seed(1))
    out = head(logits, mode=mode, generator=torch.Generator().manual_seed(2))
    for s in [SPANS[1], SPANS[3], SPANS[4]]:
        block = out[:, s.start : s.stop]
        assert torch.all((block == 0) | (block == 1))
        assert torch.all(block.sum(1) == 1)
    if mode == "hard":
        block = logits[:, 1:4]
        assert torch.equal(out[:, 1:4].argmax(1), block.argmax(1))


def test_sample_mode_follows_the_softmax_distribution():
    head = SpanActivation([span(0, 3, "softmax")])
    probs = torch.tensor([0.7, 0.2, 0.1])
    logits = torch.log(probs).repeat(20000, 1)
    out = head(logits, mode="sample", generator=torch.Generator().manual_seed(0))
    freq = out.mean(0)
    assert torch.allclose(freq, probs, atol=0.02)


def test_gumbel_softmax_is_reproducible_with_a_generator_and_leaves_global_state():
    state = torch.get_rng_state()
    a = gumbel_softmax(torch.zeros(5, 4), generator=torch.Generator().manual_seed(3))
    b = gumbel_softmax(torch.zeros(5, 4), generator=torch.Generator().manual_seed(3))
    assert torch.equal(a, b)
    assert torch.equal(state, torch.get_rng_state())


def test_span_activation_rejects_gaps_and_unknown_activations():
    with pytest.raises(ValueError, match="contiguously"):
        SpanActivation([span(0, 1, "tanh"), span(2, 3, "tanh")])
    with pytest.raises(ValueError, match="activation"):
        SpanActivation([span(0, 1, "relu")])


def test_log_softmax_places_each_span_in_the_layout():
    head = SpanActivation(SPANS)
    logits = torch.randn(4, 10, generator=torch.Generator().manual_seed(0))
    out = head.log_softmax(logits)
    assert torch.all(out[:, [0, 4]] == 0)
    assert torch.allclose(out[:, 7:10], torch.log_softmax(logits[:, 7:10], 1), atol=1e-6)


def test_grouped_order_holds_each_column_once_with_spans_contiguous_in_blocks():
    head = SpanActivation(SPANS)
    x = torch.arange(10.0).unsqueeze(0)
    grouped = head.group(x, fill=-1.0)
    assert grouped.shape == (1, head.n_grouped)
    numeric, blocks = head.split(grouped)
    assert numeric.tolist() == [[0.0, 4.0]]
    spans = []
    for size, block in blocks:
        assert block.shape[-1] == size
        for row in block[0].tolist():
            real = [v for v in row if v != -1.0]
            # a span's columns come first, in order, then only padding
            assert row[: len(real)] == real
            spans.append(real)
    assert sorted(spans) == [[1.0, 2.0, 3.0], [5.0, 6.0], [7.0, 8.0, 9.0]]
    assert torch.equal(head.ungroup(grouped), x)


@pytest.mark.parametrize(
    "sizes", [[2, 3], [2] * 40 + [16], [2, 3, 5, 9, 17, 17, 40], [1, 4, 4, 4, 7]]
)
def test_block_plan_bounds_padding_and_keeps_long_spans_unpadded(sizes):
    spans, start = [], 0
    for size in sizes:
        spans.append(span(start, start + size, "softmax"))
        start += size
    head = SpanActivation(spans)
    padded_width = sum(size * n for size, n in head.group_shapes)
    assert padded_width == head.n_grouped
    # merging never costs more than it saves: at most one block's cost of padding per
    # block removed, and long spans (> 16 slots) are never padded
    n_blocks_by_size = len(set(sizes))
    saved_blocks = n_blocks_by_size - len(head.group_shapes)
    assert head.n_grouped - start <= _BLOCK_COST * saved_blocks
    for (size, n_spans), padded in zip(head.group_shapes, head.padded_blocks, strict=True):
        if size > 16:
            assert not padded
    logits = torch.randn(5, start, generator=torch.Generator().manual_seed(0))
    out = head(logits, mode="soft")
    for s in spans:
        expected = torch.softmax(logits[:, s.start : s.stop], dim=1)
        assert torch.allclose(out[:, s.start : s.stop], expected, atol=1e-6)


def test_padded_gather_has_exact_first_and_second_derivatives():
    # a softmax(2) and a softmax(3) share one block: the 2-slot span is padded
    head = SpanActivation(SPANS)
    assert head.padded
    logits = torch.randn(3, 10, generator=torch.Generator().manual_seed(0), requires_grad=True)
    weights = torch.randn(3, 10, generator=torch.Generator().manual_seed(1))

    def ours(v, w=weights):
        return ((head(v, mode="soft") * w) ** 2).sum()

    def reference(v):
        return ((_reference_soft(v) * weights) ** 2).sum()

    (g,) = torch.autograd.grad(ours(logits), logits, create_graph=True)
    (g_ref,) = torch.autograd.grad(reference(logits), logits, create_graph=True)
    assert torch.allclose(g, g_ref, atol=1e-5)
    (gg,) = torch.autograd.grad(g.sum(), logits)
    (gg_ref,) = torch.autograd.grad(g_ref.sum(), logits)
    assert torch.allclose(gg, gg_ref, atol=1e-4)
    per_row = torch.func.vmap(torch.func.grad(lambda v, w: ours(v[None], w[None])))(
        logits.detach(), weights
    )
    assert torch.allclose(per_row, g_ref.detach(), atol=1e-5)


def test_pickled_head_rebuilds_its_blocks():
    import pickle

    head = SpanActivation(SPANS)
    logits = torch.randn(4, 10, generator=torch.Generator().manual_seed(0))
    head.log_softmax_at(logits, [2, 6])  # caches the columns' positions
    head._softmax_positions = {key: torch.tensor([0, 0]) for key in head._softmax_positions}
    thawed = pickle.loads(pickle.dumps(head))  # a stale plan, as an older layout's would be
    assert torch.equal(thawed(logits, mode="soft"), head(logits, mode="soft"))
    assert thawed.group_shapes == head.group_shapes
    expected = head.log_softmax(logits)[:, [2, 6]]
    assert torch.allclose(thawed.log_softmax_at(logits, [2, 6]), expected, atol=1e-6)


def test_permutation_backward_is_the_inverse_permutation():
    head = SpanActivation(SPANS)
    logits = torch.randn(3, 10, generator=torch.Generator().manual_seed(0), requires_grad=True)
    weights = torch.randn(3, 10, generator=torch.Generator().manual_seed(1))
    (head(logits, mode="soft") * weights).sum().backward()
    expected = torch.autograd.grad(
        (_reference_soft(logits) * weights).sum(), logits
    )[0]
    assert torch.allclose(logits.grad, expected, atol=1e-6)


def _reference_soft(logits):
    parts = [torch.tanh(logits[:, :1])]
    for start, stop in ((1, 4), (4, 5), (5, 7), (7, 10)):
        block = logits[:, start:stop]
        parts.append(block if stop - start == 1 else torch.softmax(block, 1))
    return torch.cat(parts, 1)


def test_generator_critic_and_vae_shapes():
    gen = Generator(latent_dim=3, output_spans=SPANS, hidden_dims=(8, 8), cond_dim=2)
    assert gen(torch.zeros(4, 3), torch.zeros(4, 2)).shape == (4, 10)
    critic = Critic(input_dim=12, hidden_dims=(8,), pac=2)
    assert critic(torch.zeros(6, 12)).shape == (3, 1)
    with pytest.raises(ValueError, match="pac=2"):
        critic(torch.zeros(5, 12))
    vae = TabularVAE(output_spans=SPANS, latent_dim=2, hidden_dims=(8,), cond_dim=2)
    logits, mu, logvar = vae(torch.zeros(4, 10), torch.zeros(4, 2))
    assert logits.shape == (4, 10) and mu.shape == logvar.shape == (4, 2)
    assert vae.log_sigma.shape == (2,)  # one per numeric column


def test_critic_dropout_draws_from_the_given_generator_only():
    critic = Critic(input_dim=3, hidden_dims=(16,), pac=1, dropout=0.5).train()
    x = torch.ones(4, 3)
    state = torch.get_rng_state()
    a = critic(x, generator=torch.Generator().manual_seed(0))
    b = critic(x, generator=torch.Generator().manual_seed(0))
    c = critic(x, generator=torch.Generator().manual_seed(1))
    assert torch.equal(a, b) and not torch.equal(a, c)
    assert torch.equal(state, torch.get_rng_state())


@pytest.mark.parametrize("rate", [0.0, 0.1, 0.5, 0.75])
def test_dropout_mask_drops_at_the_rate_independently_and_keeps_the_mean(rate):
    from sksynth.nn import dropout_mask

    mask = dropout_mask((4000, 64), rate, torch.Generator().manual_seed(0))
    dropped = mask == 0
    # 256,000 entries: the dropped share is within 0.5 % of the rate
    assert abs(float(dropped.float().mean()) - rate) < 0.005
    assert torch.allclose(mask[~dropped], torch.tensor(1.0 / (1.0 - rate)))
    assert abs(float(mask.mean()) - 1.0) < 0.02
    if 0 < rate:
        # entries drawn from one 64-bit word are independent: neighbours and
        # entries four apart are uncorrelated, and so are rows and columns
        flat = dropped.flatten().float()
        for lag in (1, 2, 3, 4, 64):
            corr = torch.corrcoef(torch.stack([flat[:-lag], flat[lag:]]))[0, 1]
            assert abs(float(corr)) < 0.01, lag
        per_column = dropped.float().mean(0)
        assert float((per_column - rate).abs().max()) < 0.04


def test_dropout_mask_is_reproducible_and_drops_everything_at_rate_one():
    from sksynth.nn import dropout_mask

    a = dropout_mask((7, 5), 0.3, torch.Generator().manual_seed(4))
    b = dropout_mask((7, 5), 0.3, torch.Generator().manual_seed(4))
    assert torch.equal(a, b) and a.shape == (7, 5)
    assert not torch.equal(a, dropout_mask((7, 5), 0.3, torch.Generator().manual_seed(5)))
    assert torch.equal(dropout_mask((3, 2), 1.0), torch.zeros(3, 2))


def test_adversarial_losses_match_their_formulas():
    real, fake = torch.tensor([1.0, 3.0]), torch.tensor([-1.0, 0.0])
    assert wasserstein_critic_loss(real, fake).item() == pytest.approx(-0.5 - 2.0)
    assert wasserstein_generator_loss(fake).item() == pytest.approx(0.5)
    sig = torch.sigmoid
    expected = -(torch.log(sig(real)).mean() + torch.log(1 - sig(fake)).mean())
    assert bce_critic_loss(real, fake).item() == pytest.approx(expected.item(), rel=1e-5)
    assert bce_generator_loss(fake).item() == pytest.approx(
        -torch.log(sig(fake)).mean().item(), rel=1e-5
    )


def test_gradient_penalty_is_zero_for_a_unit_gradient_critic_and_positive_otherwise():
    unit = torch.nn.Linear(2, 1, bias=False)
    with torch.no_grad():
        unit.weight[:] = torch.tensor([[0.6, 0.8]])
    real, fake = torch.randn(6, 2), torch.randn(6, 2)
    assert gradient_penalty(unit, real, fake).item() == pytest.approx(0.0, abs=1e-10)
    with torch.no_grad():
        unit.weight[:] = torch.tensor([[3.0, 4.0]])
    assert gradient_penalty(unit, real, fake).item() == pytest.approx(16.0, rel=1e-5)


def test_gradient_penalty_norm_is_taken_per_pack():
    # a packed critic of weight w over pac * n_features inputs has gradient norm ||w||
    critic = Critic(input_dim=2, hidden_dims=(), pac=2, dropout=0.0)
    with torch.no_grad():
        critic.out.weight[:] = torch.tensor([[0.5, 0.5, 0.5, 0.5]])  # norm 1
    gp = gradient_penalty(critic, torch.randn(4, 2), torch.randn(4, 2), pac=2)
    assert gp.item() == pytest.approx(0.0, abs=1e-10)


def test_vae_reconstruction_loss_gaussian_and_cross_entropy_parts():
    layout = SpanActivation([span(0, 1, "identity"), span(1, 3, "softmax")])
    target = torch.tensor([[0.5, 0.0, 1.0]])
    logits = torch.tensor([[0.0, 0.0, np.log(3.0)]], dtype=torch.float32)
    log_sigma = torch.zeros(1)
    loss = vae_reconstruction_loss(logits, target, layout, log_sigma)
    expected = 0.5**2 / 2 - np.log(0.75)
    assert loss.item() == pytest.approx(expected, rel=1e-5)


def test_kl_divergence_matches_the_closed_form():
    mu, logvar = torch.tensor([[1.0, 0.0]]), torch.tensor([[0.0, np.log(2.0)]])
    expected = 0.5 * (1.0 + (2.0 - 1.0 - np.log(2.0)))
    assert kl_divergence(mu, logvar).item() == pytest.approx(expected, rel=1e-5)


def test_condition_loss_targets_the_conditioned_span_slot():
    layout = SpanActivation(SPANS)
    cond_index = torch.tensor([1, 2, 3, 5, 6, 7, 8, 9])  # all discrete slots
    logits = torch.zeros(1, 10)
    logits[0, 8] = 5.0  # third span: slot 1 is very likely
    cond = torch.zeros(1, 8)
    cond[0, 6] = 1.0  # asks third span, slot 1 (encoded column 8)
    low = condition_loss(logits, cond, layout, cond_index).item()
    cond = torch.zeros(1, 8)
    cond[0, 5] = 1.0  # asks third span, slot 0
    high = condition_loss(logits, cond, layout, cond_index).item()
    assert low == pytest.approx(-np.log(np.exp(5) / (np.exp(5) + 2)), rel=1e-4)
    assert high > 4.0 > low


@pytest.mark.parametrize("size", [2, 5, 16, 17, 40])
def test_span_softmax_and_log_softmax_match_torch_values_and_gradients(size):
    from sksynth.nn._activations import span_log_softmax, span_softmax

    x = torch.randn(7, 3, size, dtype=torch.float64, generator=torch.Generator().manual_seed(size))
    x = (x * 30).requires_grad_(True)  # large logits: the max must be subtracted
    assert torch.allclose(span_softmax(x), torch.softmax(x, dim=-1))
    assert torch.allclose(span_log_softmax(x), torch.log_softmax(x, dim=-1))
    small = x[:2, :2].detach().requires_grad_(True)
    assert torch.autograd.gradcheck(span_softmax, (small,))
    assert torch.autograd.gradcheck(span_log_softmax, (small,))
    assert torch.autograd.gradgradcheck(span_softmax, (small,))
    assert torch.autograd.gradgradcheck(span_log_softmax, (small,))


def test_span_softmax_works_under_vmap_and_grad():
    from torch.func import grad, vmap

    from sksynth.nn._activations import span_log_softmax

    x = torch.randn(4, 2, 3, generator=torch.Generator().manual_seed(0))
    per_row = vmap(grad(lambda row: span_log_softmax(row)[:, 0].sum()))(x)
    expected = torch.autograd.functional.jacobian(
        lambda t: torch.log_softmax(t, dim=-1)[..., 0].sum(), x
    )
    assert torch.allclose(per_row, expected, atol=1e-6)


def test_log_softmax_at_equals_the_full_layout_at_those_columns():
    layout = SpanActivation(SPANS)
    logits = torch.randn(5, 10, generator=torch.Generator().manual_seed(1))
    full = layout.log_softmax(logits)
    for columns in ([8, 1, 5], [2], [9, 7, 3, 6]):
        assert torch.allclose(layout.log_softmax_at(logits, columns), full[:, columns], atol=1e-6)
    with pytest.raises(ValueError, match="not in a softmax span"):
        layout.log_softmax_at(logits, [0])


def test_critic_scores_stacked_rows_as_separate_passes():
    critic = Critic(input_dim=3, hidden_dims=(8, 8), pac=2).eval()
    a, b = torch.randn(4, 3), torch.randn(6, 3)
    stacked = critic(torch.cat([a, b]))
    assert torch.allclose(stacked, torch.cat([critic(a), critic(b)]), atol=1e-6)


def test_critic_row_layer_is_shared_by_every_position_of_a_pack():
    torch.manual_seed(0)
    critic = Critic(input_dim=3, hidden_dims=(8,), pac=2, row_dim=4).eval()
    assert critic.row.in_features == 3 and critic.layers[0].in_features == 4 * 2
    x = torch.randn(6, 3)
    # the packed layer sees each row through the same row layer
    rows = torch.nn.functional.leaky_relu(critic.row(x), critic.negative_slope)
    expected = critic.out(torch.nn.functional.leaky_relu(
        critic.layers[0](rows.reshape(3, 8)), critic.negative_slope))
    torch.testing.assert_close(critic(x), expected)
    plain = Critic(input_dim=3, hidden_dims=(8,), pac=2)
    assert plain.row is None and plain.layers[0].in_features == 3 * 2


def test_sample_mode_never_lands_on_a_padded_slot(monkeypatch):
    # softmax(2) shares a block with softmax(3): its third slot is padding. A uniform
    # that rounds up to the span's total mass must still pick a real slot.
    head = SpanActivation(SPANS)
    assert head.padded
    logits = torch.randn(8, 10, generator=torch.Generator().manual_seed(0))
    monkeypatch.setattr(torch, "rand", lambda shape, **kwargs: torch.ones(shape))
    out = head(logits, mode="sample")
    for s in (SPANS[1], SPANS[3], SPANS[4]):
        block = out[:, s.start : s.stop]
        assert torch.all(block.sum(1) == 1)
        assert torch.all(block[:, -1] == 1)  # the last real slot, not a padded one


@pytest.mark.parametrize("with_cond", [True, False])
def test_vae_loss_terms_equal_the_separate_losses_and_their_gradients(with_cond):
    head = SpanActivation(SPANS)
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(6, 10, generator=gen, requires_grad=True)
    target = torch.zeros(6, 10)
    target[:, 0] = torch.rand(6, generator=gen) * 2 - 1
    target[:, 4] = torch.randn(6, generator=gen)
    for start, stop in ((1, 4), (5, 7), (7, 10)):
        picks = torch.randint(start, stop, (6,), generator=gen)
        target[torch.arange(6), picks] = 1.0
    log_sigma = torch.tensor([-1.0, -0.5], requires_grad=True)
    cond_index = [5, 6, 8]
    cond = torch.zeros(6, 3)
    cond[torch.arange(6), torch.randint(0, 3, (6,), generator=gen)] = 1.0
    rec, cnd = vae_loss_terms(
        logits, target, head, log_sigma,
        cond=cond if with_cond else None, cond_index=cond_index if with_cond else None,
    )
    # independent reference: each span on its own, straight from the formulas
    sigma = torch.exp(log_sigma)
    predicted = torch.stack([torch.tanh(logits[:, 0]), logits[:, 4]], dim=1)
    observed = target[:, [0, 4]]
    rec_ref = ((observed - predicted) ** 2 / (2 * sigma**2) + log_sigma).sum() / 6
    for start, stop in ((1, 4), (5, 7), (7, 10)):
        log_p = torch.log_softmax(logits[:, start:stop], dim=1)
        rec_ref = rec_ref - (target[:, start:stop] * log_p).sum() / 6
    assert torch.allclose(vae_reconstruction_loss(logits, target, head, log_sigma), rec_ref,
                          atol=1e-5)
    cnd_ref = condition_loss(logits, cond if with_cond else None, head, cond_index)
    assert torch.allclose(rec, rec_ref, atol=1e-5)
    assert torch.allclose(cnd, cnd_ref, atol=1e-5)
    grads = torch.autograd.grad(rec + 0.7 * cnd, (logits, log_sigma))
    grads_ref = torch.autograd.grad(rec_ref + 0.7 * cnd_ref, (logits, log_sigma))
    for g, g_ref in zip(grads, grads_ref, strict=True):
        assert torch.allclose(g, g_ref, atol=1e-5)


def test_vae_loss_terms_rejects_condition_columns_outside_softmax_spans():
    head = SpanActivation(SPANS)
    with pytest.raises(ValueError, match=r"\[0\]"):
        vae_loss_terms(
            torch.zeros(2, 10), torch.zeros(2, 10), head, torch.zeros(2),
            cond=torch.ones(2, 2), cond_index=[0, 5],
        )


def test_pickled_head_carries_no_cached_index_tensors():
    import pickle

    head = SpanActivation(SPANS)
    logits = torch.randn(4, 10, generator=torch.Generator().manual_seed(0))
    head.log_softmax_at(logits, [2, 6])
    assert head._softmax_positions
    state = pickle.loads(pickle.dumps(head)).__dict__
    # the cache could hold GPU tensors; it is rebuilt on first use
    assert "_softmax_positions" not in state
