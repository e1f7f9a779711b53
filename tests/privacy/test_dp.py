"""Differential privacy of the generators (issue #8): DP-SGD, accounting, DP statistics."""

import sys

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone

from sksynth.exceptions import DataQualityWarning
from sksynth.generators import (
    ConditionalGANSampler,
    ConditionalVAESampler,
    GANSampler,
    VAESampler,
)
from sksynth.nn._iterators import PoissonBatchIterator

SAMPLERS = [VAESampler, GANSampler, ConditionalVAESampler, ConditionalGANSampler]
TINY = dict(epochs=2, batch_size=40, hidden_dims=(16,), latent_dim=4, random_state=0)


def _metadata(frame):
    return {
        "bounds": {"income": (0.0, 2.0e5), "age": (18, 90), "children": (0, 6)},
        "categories": {"job": sorted(frame["job"].dropna().unique())},
    }


def _fit(cls, X, y=None, **params):
    sampler = cls(dp=True, dp_metadata=_metadata(X), **{**TINY, **params})
    return sampler.fit(X) if y is None else sampler.fit(X, y)


# ------------------------------------------------------------------ no Opacus
def test_dp_without_opacus_names_the_extra(monkeypatch, mixed_frame):
    monkeypatch.setitem(sys.modules, "opacus", None)  # makes `import opacus` fail
    with pytest.raises(ImportError, match=r"sksynth\[privacy\]"):
        _fit(VAESampler, mixed_frame)


def test_dp_false_does_not_need_opacus(monkeypatch):
    monkeypatch.setitem(sys.modules, "opacus", None)
    X = np.random.default_rng(0).normal(size=(40, 2))
    sampler = VAESampler(**TINY).fit(X)
    assert sampler.sample(3).shape == (3, 2)
    assert not hasattr(sampler, "epsilon_")


opacus = pytest.importorskip("opacus")


# ---------------------------------------------------------- Poisson sampling
def test_poisson_batches_have_the_planned_rate_and_vary():
    data = torch.arange(2000.0).reshape(1000, 2)
    generator = torch.Generator().manual_seed(0)
    iterator = PoissonBatchIterator(data, batch_size=100, generator=generator)
    assert iterator.sample_rate == pytest.approx(0.1)
    assert len(iterator) == 10
    sizes = np.array([len(b["X"]) for _ in range(20) for b in iterator])
    assert abs(sizes.mean() - 100) < 5  # binomial(1000, 0.1): sd of the mean ~0.7
    assert sizes.std() > 3  # batch sizes vary (not fixed slices)
    rows = [b["X"][:, 0] / 2 for b in iterator]
    assert all(torch.equal(r, r.unique()) for r in rows)  # each row at most once a batch


def test_poisson_batches_are_reproducible():
    data = torch.randn(50, 3)

    def draw(seed):
        it = PoissonBatchIterator(data, batch_size=7, generator=torch.Generator().manual_seed(seed))
        return [b["X"] for b in it]

    assert all(torch.equal(a, b) for a, b in zip(draw(1), draw(1), strict=True))
    assert not all(
        a.shape == b.shape and torch.equal(a, b) for a, b in zip(draw(1), draw(2), strict=True)
    )


# ------------------------------------------------------------------- accounting
@pytest.mark.parametrize("cls", SAMPLERS, ids=lambda c: c.__name__)
def test_spent_epsilon_is_within_the_target(cls, mixed_xy):
    X, y = mixed_xy
    sampler = _fit(cls, X, y if cls._conditional else None, target_epsilon=1.5)
    assert 0 < sampler.epsilon_ <= 1.5
    assert sampler.delta_ <= 1.0 / len(X) + 1e-12
    net = sampler.net_
    # recount the net's epsilon from its accountant's history with a fresh accountant
    accountant = opacus.accountants.RDPAccountant()
    accountant.history = list(net.accountant_.history)
    recount = accountant.get_epsilon(delta=net.delta_)
    assert recount == pytest.approx(net.epsilon_)
    assert recount <= sampler.dp_accounting_["network_epsilon"] + 1e-9
    steps = sum(n for _, _, n in net.accountant_.history)
    assert steps == TINY["epochs"] * round(len(X) / TINY["batch_size"])
    assert sampler.epsilon_ == pytest.approx(
        net.epsilon_ + sum(s["epsilon"] for s in sampler.dp_accounting_["statistics"].values())
    )


def test_per_class_models_compose_in_parallel(mixed_xy):
    X, y = mixed_xy
    sampler = _fit(VAESampler, X, y, target_epsilon=2.0)
    nets = list(sampler.nets_.values())
    assert len(nets) == 2
    assert sampler.epsilon_ <= 2.0
    assert "class counts" in sampler.dp_accounting_["statistics"]
    X_new, y_new = sampler.sample(30, random_state=0)
    assert X_new.shape == (30, X.shape[1]) and set(y_new) <= set(y)


def test_explicit_delta_is_used(mixed_frame):
    sampler = _fit(VAESampler, mixed_frame, target_delta=1e-6)
    assert sampler.delta_ <= 1e-6
    assert sampler.net_.delta_ <= 1e-6


def test_gan_critic_is_private_with_pac_one(mixed_frame):
    sampler = _fit(GANSampler, mixed_frame, pac=10)
    assert sampler.net_.pac == 1 and sampler.net_.critic_.pac == 1
    assert sampler.pac == 10  # the parameter itself is left as given
    assert sampler.net_.noise_multiplier_ > 0


@pytest.mark.parametrize("loss", ["wgan-gp", "bce"])
def test_both_gan_losses_train_under_dp(loss, mixed_frame):
    sampler = _fit(GANSampler, mixed_frame, loss=loss)
    critic_losses = [b["critic_loss"] for e in sampler.history_ for b in e["batches"]]
    assert np.isfinite(critic_losses).all()


# -------------------------------------------------------------- well-formed output
@pytest.mark.parametrize("cls", SAMPLERS, ids=lambda c: c.__name__)
def test_tiny_epsilon_still_gives_well_formed_tables(cls, mixed_xy):
    X, y = mixed_xy
    sampler = _fit(cls, X, y if cls._conditional else None, target_epsilon=0.05)
    out = sampler.sample(60, random_state=1)
    X_new = out[0] if isinstance(out, tuple) else out
    assert list(X_new.columns) == list(X.columns)
    assert (X_new.dtypes == X.dtypes).all()
    assert X_new["income"].dropna().between(0.0, 2.0e5).all()
    assert X_new["age"].between(18, 90).all()
    assert set(X_new["job"].dropna()) <= set(X["job"].dropna())
    assert set(X_new["home"].dropna()) <= set(X["home"].cat.categories)
    assert sampler.epsilon_ <= 0.05


def test_same_seed_same_private_model(mixed_frame):
    a = _fit(VAESampler, mixed_frame).sample(20, random_state=3)
    b = _fit(VAESampler, mixed_frame).sample(20, random_state=3)
    pd.testing.assert_frame_equal(a, b)


def test_clone_keeps_dp_parameters():
    sampler = GANSampler(dp=True, target_epsilon=2.0, target_delta=1e-5, max_grad_norm=0.5)
    params = clone(sampler).get_params()
    assert params["dp"] is True and params["target_epsilon"] == 2.0
    assert params["target_delta"] == 1e-5 and params["max_grad_norm"] == 0.5


# ------------------------------------------------------- encoder statistics
def test_encoder_uses_declared_metadata_not_the_data(mixed_frame):
    metadata = _metadata(mixed_frame)
    X = mixed_frame.copy()
    X.loc[0, "job"] = "astronaut"  # one rare level, not declared
    before = X.copy()
    sampler = VAESampler(dp=True, dp_metadata=metadata, **TINY).fit(X)
    pd.testing.assert_frame_equal(X, before)  # the caller's data is untouched
    spans = {s.column: s for s in sampler.encoder_.output_spans_ if s.kind == "discrete"}
    assert "astronaut" not in spans["job"].categories
    assert "astronaut" not in set(sampler.sample(300, random_state=0)["job"].dropna())
    assert sampler.dp_accounting_["statistics"] == {}  # all declared: nothing spent on them
    assert sampler.dp_accounting_["network_epsilon"] == pytest.approx(sampler.epsilon_)


def test_undeclared_statistics_are_estimated_privately_and_warned():
    rng = np.random.default_rng(0)
    n = 3000
    X = pd.DataFrame({
        "amount": rng.uniform(100, 900, n),
        "city": rng.choice(["north", "south", "east"], n),
    })
    X.loc[0, "city"] = "unique-town"
    with pytest.warns(DataQualityWarning, match="estimated"):
        sampler = VAESampler(dp=True, target_epsilon=10.0, **TINY).fit(X)
    stats = sampler.dp_accounting_["statistics"]
    assert set(stats) == {"range of 'amount'", "categories of 'city'"}
    assert sum(s["epsilon"] for s in stats.values()) == pytest.approx(0.1 * 10.0)
    city = next(s for s in sampler.encoder_.output_spans_ if s.column == "city")
    assert set(city.categories) == {"north", "south", "east"}  # the singleton is not released
    amounts = sampler.sample(500, random_state=0)["amount"]
    # the DP range covers [100, 900] loosely (candidate points a factor sqrt(2) apart,
    # widened a little): nothing near the scale of the other candidates, 2**48
    assert amounts.min() >= -500 and amounts.max() <= 2000


def test_small_table_and_budget_still_get_a_range():
    X = pd.DataFrame({"x": np.random.default_rng(0).normal(size=30)})
    with pytest.warns(DataQualityWarning, match="of the budget"):
        sampler = VAESampler(dp=True, target_epsilon=0.5, **TINY).fit(X)
    assert sampler.epsilon_ <= 0.5 + 1e-9
    assert np.isfinite(sampler.sample(20, random_state=0)["x"].dropna()).all()


def test_public_bounds_declares_every_range_in_one_call(mixed_frame):
    sampler = VAESampler(dp=True, dp_metadata="public-bounds", **TINY)
    sampler.fit(mixed_frame.drop(columns="job"))
    assert sampler.dp_accounting_["statistics"] == {}
    out = sampler.sample(200, random_state=0)
    for column in ["income", "age"]:
        assert out[column].min() >= mixed_frame[column].min() - 1e-9
        assert out[column].max() <= mixed_frame[column].max() + 1e-9


@pytest.mark.parametrize(
    "metadata, message",
    [
        ({"bound": {}}, "unknown key"),
        ({"bounds": {"nope": (0, 1)}}, "not in X"),
        ({"bounds": {"income": (5, 1)}}, "low < high"),
        ({"bounds": {"income": 3}}, "pair"),
        ({"categories": {"job": []}}, "non-empty"),
        ({"budget_share": 1.5}, "budget_share"),
    ],
)
def test_bad_metadata_is_refused(metadata, message, mixed_frame):
    with pytest.raises(ValueError, match=message):
        VAESampler(dp=True, dp_metadata=metadata, **TINY).fit(mixed_frame)


@pytest.mark.parametrize(
    "param, value",
    [("target_epsilon", 0.0), ("target_delta", 1.0), ("max_grad_norm", -1.0), ("dp", "yes")],
)
def test_bad_dp_parameters_are_refused(param, value, mixed_frame):
    with pytest.raises(ValueError, match=param):
        VAESampler(**{"dp": True, **TINY, param: value}).fit(mixed_frame)


def test_conditional_counts_are_noisy(mixed_xy):
    X, y = mixed_xy
    first = _fit(ConditionalVAESampler, X, y).condition_
    second = _fit(ConditionalVAESampler, X, y, random_state=1).condition_
    assert first.counts.shape == second.counts.shape
    assert not np.allclose(first.counts, second.counts)  # a different noise draw
    positive = first.counts[first.counts > 0]
    assert not np.allclose(positive, np.round(positive))  # Laplace noise, not exact counts
    assert (first.counts >= 0).all() and (first.joint_counts >= 0).all()


# ---------------------------------------------------------- per-row gradients
def test_per_row_gradients_match_one_row_at_a_time():
    from types import SimpleNamespace as Span

    from sksynth.nn import TabularVAE
    from sksynth.nn._privacy import per_row_gradients, vae_row_loss

    torch.manual_seed(0)
    spans = [Span(start=0, stop=1, activation="tanh"), Span(start=1, stop=3, activation="softmax")]
    vae = TabularVAE(output_spans=spans, latent_dim=2, hidden_dims=(5,))
    x = torch.tensor([[0.5, 1.0, 0.0], [-0.2, 0.0, 1.0], [0.9, 1.0, 0.0]])
    eps = torch.randn(3, 2)
    named = list(vae.named_parameters())
    loss_one = vae_row_loss(vae, 0.5, 0.0, None, False)
    grads, _ = per_row_gradients(loss_one, named, (x, x.new_zeros((3, 0)), eps), 3)
    from sksynth.nn import kl_divergence, vae_reconstruction_loss

    for i in range(3):
        vae.zero_grad()
        mu, logvar = vae.encode(x[i : i + 1])
        logits = vae.decode(mu + eps[i : i + 1] * torch.exp(0.5 * logvar))
        loss = vae_reconstruction_loss(logits, x[i : i + 1], vae.head, vae.log_sigma)
        (loss + 0.5 * kl_divergence(mu, logvar)).backward()
        for name, p in named:
            torch.testing.assert_close(grads[name][i], p.grad)


def test_functional_critic_matches_the_critic():
    from sksynth.nn import Critic
    from sksynth.nn._privacy import critic_scores

    for row_dim in (None, 5):
        critic = Critic(input_dim=3, hidden_dims=(6, 4), pac=1, row_dim=row_dim).eval()
        x = torch.randn(5, 3)
        params = dict(critic.named_parameters())
        torch.testing.assert_close(critic_scores(critic, params, x), critic(x))


def test_clipping_bounds_each_rows_influence():
    from sksynth.nn._privacy import DPGradientStep

    layer = torch.nn.Linear(3, 1)
    before = [p.detach().clone() for p in layer.parameters()]
    optimizer = torch.optim.SGD(layer.parameters(), lr=1.0)
    step = DPGradientStep(optimizer, list(layer.named_parameters()), noise_multiplier=0.0,
                          max_grad_norm=0.5, sample_rate=0.5, expected_batch_size=2,
                          generator=torch.Generator().manual_seed(0))
    huge = {"weight": torch.full((2, 1, 3), 100.0), "bias": torch.full((2, 1), 100.0)}
    step.step(huge)
    change = torch.cat([(p.detach() - b).flatten() for p, b in zip(layer.parameters(), before,
                                                                      strict=True)])
    # two rows, each clipped to 0.5, averaged over the expected batch of 2
    assert change.norm() == pytest.approx(0.5, rel=1e-4)
    step.close()
    assert not hasattr(layer.weight, "grad_sample")


# ------------------------------------------------------ membership inference
def test_dp_lowers_membership_inference_auc():
    """A memorising VAE leaks membership; the DP one (epsilon=1) much less.

    Measured (seed 0): AUC 0.846 without DP, 0.510 with dp=True (epsilon 1).
    """
    from sksynth.metrics import membership_inference_auc

    rng = np.random.default_rng(0)
    columns = [f"c{i}" for i in range(8)]

    def table(n):
        return pd.DataFrame(rng.choice(list("abcd"), size=(n, 8)), columns=columns).astype(
            "category"
        )

    train, holdout = table(50), table(50)
    aucs = {}
    for dp in (False, True):
        sampler = VAESampler(dp=dp, target_epsilon=1.0, epochs=100, batch_size=10,
                             hidden_dims=(128,), latent_dim=8, beta=0.1, lr=3e-3,
                             random_state=0).fit(train)
        synthetic = sampler.sample(500, random_state=0)
        aucs[dp] = membership_inference_auc(train, synthetic, holdout, random_state=0)
    assert aucs[False] > 0.7
    assert aucs[True] < aucs[False] - 0.15


def test_auto_epochs_stay_at_300_under_dp(mixed_frame):
    # DP-SGD's noise grows with every step: "auto" does not lengthen private training
    sampler = VAESampler(dp=True, dp_metadata=_metadata(mixed_frame),
                         **{**TINY, "epochs": "auto"})
    public = VAESampler(**{**TINY, "epochs": "auto"})
    assert sampler._training_epochs(len(mixed_frame)) == 300
    assert public._training_epochs(len(mixed_frame)) == 1000
