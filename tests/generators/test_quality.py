"""After short training on simple known distributions, generated data look like the real data.

Thresholds are explicit and loose enough for a few seconds of training, tight
enough that an untrained or broken model fails them (an untrained generator
puts values in the gap of the bimodal column, ignores the correlation and the
category frequencies).
"""

import numpy as np
import pandas as pd
import pytest

from sksynth.generators import (
    ConditionalGANSampler,
    ConditionalVAESampler,
    GANSampler,
    VAESampler,
)

SMALL = dict(batch_size=100, hidden_dims=(64, 64), latent_dim=16, random_state=0)


def known_table(n=800, seed=0):
    """A bimodal column, a correlated pair and a rare category."""
    rng = np.random.default_rng(seed)
    left = rng.random(n) < 0.5
    u = rng.normal(0, 1, n)
    return pd.DataFrame(
        {
            "bimodal": np.where(left, rng.normal(-3, 0.4, n), rng.normal(3, 0.4, n)),
            "u": u,
            "v": 0.9 * u + rng.normal(0, 0.3, n),
            "cat": pd.Categorical(rng.choice(["a", "b", "rare"], n, p=[0.7, 0.25, 0.05])),
        }
    )


def check_marginals(real, synthetic, *, min_corr, cat_tol):
    bimodal = synthetic["bimodal"]
    # short GAN training leaves the mode shares noisy (the conditional GAN after
    # 60 epochs: 0.42-0.66 over eight seeds); a collapsed generator puts < 5% in one mode
    assert 0.25 <= (bimodal < 0).mean() <= 0.75, "both modes must be generated"
    assert (bimodal.abs() < 1.5).mean() < 0.1, "the gap between the modes stays empty"
    assert bimodal.between(real["bimodal"].min(), real["bimodal"].max()).all()
    corr = synthetic[["u", "v"]].corr().iloc[0, 1]
    assert corr > min_corr, f"correlation {corr:.2f} not learnt"
    freq = synthetic["cat"].value_counts(normalize=True)
    expected = real["cat"].value_counts(normalize=True)
    assert set(freq.index[freq > 0]) == {"a", "b", "rare"}, "the rare category is generated"
    assert 0.01 <= freq["rare"] <= 0.15
    assert (freq - expected).abs().max() < cat_tol


@pytest.mark.parametrize(
    "cls, params, min_corr, cat_tol",
    [
        (VAESampler, dict(epochs=30, continuous="quantile"), 0.6, 0.1),
        (GANSampler, dict(epochs=60, lr=1e-3, continuous="quantile"), 0.4, 0.15),
        (ConditionalVAESampler, dict(epochs=30), -1.0, 0.1),
        # its packed critic balances the bimodal column's modes this fast only
        # without dropout (left share over eight seeds: 0.42-0.66; with the
        # critic's dropout at 0.5, 0.33-0.76; pac=1 0.30-0.53)
        (ConditionalGANSampler, dict(epochs=60, lr=1e-3), -1.0, 0.15),
    ],
    ids=["vae", "gan", "cvae", "cgan"],
)
def test_generated_marginals_are_close_to_the_real_ones(cls, params, min_corr, cat_tol):
    real = known_table()
    sampler = cls(**SMALL, **params).fit(real)
    synthetic = sampler.sample(2000)
    assert synthetic.dtypes.to_dict() == real.dtypes.to_dict()
    check_marginals(real, synthetic, min_corr=min_corr, cat_tol=cat_tol)


def conditional_table(n=600, seed=0):
    """``x`` is set by the third discrete column; the label depends on the first."""
    rng = np.random.default_rng(seed)
    d3 = rng.choice(["lo", "hi"], n, p=[0.7, 0.3])
    X = pd.DataFrame(
        {
            "d1": rng.choice(["p", "q"], n).astype(object),
            "d2": pd.Categorical(rng.choice(["r", "s", "t"], n)),
            "x": np.where(d3 == "hi", 4.0, -4.0) + rng.normal(0, 0.5, n),
            "d3": d3.astype(object),
        }
    )
    y = pd.Series((rng.random(n) < np.where(X["d1"] == "p", 0.4, 0.1)).astype(int), name="y")
    return X, y


@pytest.fixture(scope="module")
def fitted_cgan():
    X, y = conditional_table()
    sampler = ConditionalGANSampler(**SMALL, epochs=40, lr=1e-3).fit(X, y)
    return sampler, X, y


@pytest.mark.parametrize("column, value", [("d1", "q"), ("d2", "t"), ("d3", "hi"), ("d3", "lo")])
def test_generator_itself_honours_conditions_on_every_discrete_column(fitted_cgan, column, value):
    # bypass the final fixing of the asked values: decode the raw generator output
    # (CTGAN's bug targeted the wrong category for every column but the first)
    sampler, _, _ = fitted_cgan
    layout = sampler.condition_
    label = np.full(1000, layout.offsets[layout.always_index])  # class 0
    slot = np.full(1000, layout.slot_of(column, value))
    Z = sampler.net_.sample(1000, layout.vectors([label, slot]), generator=0)
    decoded = sampler.encoder_.inverse_transform(Z[:, : sampler.encoder_.n_features_out_])
    assert (decoded[column] == value).mean() > 0.8


def test_sample_with_conditions_and_class(fitted_cgan):
    sampler, X, y = fitted_cgan
    X_new, y_new = sampler.sample(300, y=1, conditions={"d2": "s", "d3": "hi"})
    assert (y_new == 1).all() and y_new.name == "y"
    assert (X_new["d2"] == "s").all() and (X_new["d3"] == "hi").all()
    assert X_new.dtypes.to_dict() == X.dtypes.to_dict()
    # without y, labels follow their training proportions (given the condition)
    _, y_all = sampler.sample(3000)
    assert abs(y_all.mean() - y.mean()) < 0.05
    _, y_q = sampler.sample(3000, conditions={"d1": "q"})
    assert abs(y_q.mean() - y[X["d1"] == "q"].mean()) < 0.05


def test_conditional_vae_learns_what_a_condition_implies():
    X, y = conditional_table()
    sampler = ConditionalVAESampler(**SMALL, epochs=30).fit(X, y)
    hi = sampler.sample(1000, conditions={"d3": "hi"})[0]
    lo = sampler.sample(1000, conditions={"d3": "lo"})[0]
    assert (hi["d3"] == "hi").all() and (lo["d3"] == "lo").all()
    assert hi["x"].mean() > lo["x"].mean() + 1.0


def test_fit_resample_generates_rows_that_look_like_the_minority_class():
    rng = np.random.default_rng(0)
    n0, n1 = 300, 60
    X = pd.DataFrame(
        {
            "a": np.concatenate([rng.normal(-2, 0.5, n0), rng.normal(2, 0.5, n1)]),
            "c": pd.Categorical(["x"] * n0 + list(rng.choice(["y", "z"], n1, p=[0.8, 0.2]))),
        }
    )
    y = np.array([0] * n0 + [1] * n1)
    for cls in (VAESampler, ConditionalVAESampler):
        params = {**SMALL, "batch_size": 20}
        X_res, y_res = cls(**params, epochs=60).fit_resample(X, y)
        new = X_res.iloc[len(X):]
        assert len(new) == n0 - n1 and (y_res[len(X):] == 1).all()
        assert new["a"].mean() > 1.0, cls.__name__
        assert (new["c"] != "x").mean() > 0.8, cls.__name__
