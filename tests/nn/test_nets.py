"""The skorch nets: parameters, training, determinism, callbacks, pickling."""

import io
import pickle
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from skorch.callbacks import EarlyStopping

from sksynth.exceptions import TrainingDivergedError
from sksynth.nn import Critic, GANNet, VAENet

SPANS = [
    SimpleNamespace(start=0, stop=1, activation="tanh"),
    SimpleNamespace(start=1, stop=4, activation="softmax"),
]


def table(n=120, seed=0):
    rng = np.random.default_rng(seed)
    values = np.tanh(rng.normal(0.5, 0.2, n))
    cats = rng.choice(3, n, p=[0.6, 0.3, 0.1])
    Z = np.zeros((n, 4), dtype=np.float32)
    Z[:, 0] = values
    Z[np.arange(n), 1 + cats] = 1
    return torch.from_numpy(Z)


def gan(**params):
    base = dict(
        module__latent_dim=4, module__output_spans=SPANS, module__hidden_dims=(16,),
        critic__input_dim=4, critic__pac=2, critic__hidden_dims=(16,), pac=2,
        batch_size=40, max_epochs=3, random_state=0,
    )
    base.update(params)
    return GANNet(**base)


def vae(**params):
    base = dict(
        module__output_spans=SPANS, module__latent_dim=2, module__hidden_dims=(16,),
        batch_size=40, max_epochs=3, random_state=0,
    )
    base.update(params)
    return VAENet(**base)


def test_gan_net_creates_critic_and_its_optimizer_from_prefixed_params():
    net = gan(critic__dropout=0.25, critic_optimizer__lr=1e-2).initialize()
    assert isinstance(net.critic_, Critic)
    assert net.critic_.dropout == 0.25
    assert net.critic_optimizer_.param_groups[0]["lr"] == 1e-2
    assert net.optimizer_.param_groups[0]["lr"] == 2e-4
    assert net.optimizer_.param_groups[0]["betas"] == (0.5, 0.9)
    critic_params = {id(p) for p in net.critic_.parameters()}
    assert not critic_params & {id(p) for g in net.optimizer_.param_groups for p in g["params"]}
    net.set_params(critic__hidden_dims=(8, 8))
    assert len(net.critic_.layers) == 2
    assert "critic" in net.get_params() and "critic_optimizer" in net.get_params()


def test_adam_is_fused_unless_the_implementation_is_chosen():
    net = gan().initialize()
    assert net.optimizer_.defaults["fused"] and net.critic_optimizer_.defaults["fused"]
    assert vae().initialize().optimizer_.defaults["fused"]
    net = gan(optimizer__foreach=False, critic_optimizer__fused=False).initialize()
    assert not net.optimizer_.defaults["fused"] and not net.optimizer_.defaults["foreach"]
    assert not net.critic_optimizer_.defaults["fused"]
    net = vae(optimizer=torch.optim.SGD).initialize()
    assert not net.optimizer_.defaults.get("fused")


@pytest.mark.parametrize("loss", ["wgan-gp", "bce"])
def test_gan_net_trains_records_losses_and_is_deterministic(loss):
    data = table()
    state = torch.get_rng_state()
    a = gan(loss=loss).fit(data)
    b = gan(loss=loss).fit(data)
    assert torch.equal(state, torch.get_rng_state())  # global generator untouched
    for key in ("train_loss", "critic_loss", "dur"):
        assert len(a.history[:, key]) == 3
    assert a.history[-1, "train_batch_count"] == 3  # 120 rows // 40
    assert np.all(np.isfinite(a.history[:, "critic_loss"]))
    for pa, pb in zip(a.module_.parameters(), b.module_.parameters(), strict=True):
        assert torch.equal(pa, pb)
    np.testing.assert_array_equal(a.sample(50, generator=1), b.sample(50, generator=1))
    c = gan(loss=loss, random_state=1).fit(data)
    assert not np.array_equal(a.sample(50, generator=1), c.sample(50, generator=1))


def test_gan_net_rejects_unknown_loss():
    with pytest.raises(ValueError, match="loss must be one of"):
        gan(loss="hinge").initialize()


def test_gan_net_critic_steps_update_generator_every_k_batches():
    net = gan(critic_steps=3, max_epochs=1).initialize()
    before = [p.detach().clone() for p in net.module_.parameters()]
    net.partial_fit(table(80))  # 2 batches: no generator step yet
    after = list(net.module_.parameters())
    assert all(torch.equal(x, y) for x, y in zip(before, after, strict=True))
    net.partial_fit(table(40))  # third batch: a generator step
    assert any(not torch.equal(x, y) for x, y in zip(before, after, strict=True))


def test_sampling_uses_eval_mode_and_one_hot_categories():
    net = gan().fit(table())
    out = net.sample(200, generator=0)
    assert out.dtype == np.float32 and out.shape == (200, 4)
    assert np.all((out[:, 1:] == 0) | (out[:, 1:] == 1))
    assert np.all(out[:, 1:].sum(1) == 1)
    assert np.all(np.abs(out[:, 0]) <= 1)
    assert not net.module_.training


def test_divergence_guard_names_the_learning_rate():
    data = table()
    data[0, 0] = float("nan")
    with pytest.raises(TrainingDivergedError, match="lr"):
        vae(max_epochs=1).fit(data)


def test_early_stopping_on_train_loss_works_without_a_validation_split():
    net = vae(max_epochs=50, callbacks=[EarlyStopping(monitor="train_loss", patience=2,
                                                      threshold=10.0)])
    net.fit(table())
    assert len(net.history) < 50


def test_vae_net_trains_deterministically_and_learns_the_marginal():
    data = table(400)
    a = vae(max_epochs=60, batch_size=100).fit(data)
    b = vae(max_epochs=60, batch_size=100).fit(data)
    sa, sb = a.sample(3000, generator=0), b.sample(3000, generator=0)
    np.testing.assert_array_equal(sa, sb)
    losses = a.history[:, "train_loss"]
    assert losses[-1] < losses[0]
    freq = sa[:, 1:].mean(0)
    np.testing.assert_allclose(freq, [0.6, 0.3, 0.1], atol=0.08)
    assert abs(np.arctanh(np.clip(sa[:, 0], -0.999, 0.999)).mean() - 0.5) < 0.15


def test_nets_pickle_and_reload_with_the_same_samples():
    net = gan().fit(table())
    blob = pickle.dumps(net)
    loaded = pickle.load(io.BytesIO(blob))
    assert not hasattr(loaded, "torch_rng_")
    np.testing.assert_array_equal(net.sample(20, generator=3), loaded.sample(20, generator=3))


@pytest.mark.parametrize("interval", [1, 3])
def test_gradient_penalty_every_gp_interval_critic_steps_with_scaled_weight(interval, monkeypatch):
    import sksynth.nn._gan_net as nets

    calls = []
    original = nets.gradient_penalty

    def counting(*args, **kwargs):
        value = original(*args, **kwargs)
        calls.append(value.detach())
        return value

    monkeypatch.setattr(nets, "gradient_penalty", counting)
    net = gan(gp_interval=interval, max_epochs=1, batch_size=20).fit(table(120))  # 6 steps
    assert len(calls) == 6 // interval
    assert np.isfinite(net.history[-1, "train_loss"])
    # on the steps that take it, the penalty is weighted by gp_weight * interval
    net.critic_.eval()  # no dropout: the two losses below differ by the penalty only
    real, fake = table(20), table(20, seed=1)
    net.critic_updates_ = interval + 1  # a step that takes the penalty
    with_penalty = net._critic_loss(real, fake, None)
    penalty = calls[-1]
    net.critic_updates_ = interval + 2 if interval > 1 else 1
    other = net._critic_loss(real, fake, None)
    if interval > 1:
        assert torch.allclose(with_penalty - other, 10.0 * interval * penalty, atol=1e-5)
    else:  # every step takes it
        assert len(calls) == 6 + 2
