"""Conditional samplers learn how the other columns depend on the condition.

A regression guard: with a packed critic (``pac=10``) the conditional GAN once
produced the asked-for class label while the other columns ignored it (rows
generated for either class had the same feature distribution). Here the label
sets the mean of a numeric column and the frequencies of a categorical one, and
the rows generated for each class, or for each category, must show a clear
part of the real differences. (On a table this small ``pac=10`` only slows the
learning and passes; what is guarded against is the outcome, which fitting on
shuffled labels reproduces.)

Thresholds are half of the gaps measured on the real table. Over 12 seeds
(data and sampler) the GAN kept at least 0.75 of the numeric gap, 0.70 of the
category-share gap and 0.69 of the gap given the category (the VAE 0.83, 1.08
and 1.05); fitted on shuffled labels, both kept -0.3 to 0.45 of the numeric gap.
"""

import numpy as np
import pandas as pd
import pytest

from sksynth.generators import ConditionalGANSampler, ConditionalVAESampler

SMALL = dict(batch_size=100, hidden_dims=(64, 64), latent_dim=16, random_state=0)
N_SAMPLES = 1000
MIN_SHARE = 0.5  # of each real gap that the generated rows must show


def dependent_table(n=800, seed=0):
    """Label-dependent ``num`` (N(-2, 0.5) or N(2, 0.5)) and ``cat``; independent ``noise``."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.5).astype(int)
    X = pd.DataFrame(
        {
            "num": np.where(y == 1, rng.normal(2, 0.5, n), rng.normal(-2, 0.5, n)),
            "cat": pd.Categorical(np.where(rng.random(n) < np.where(y == 1, 0.85, 0.15), "b", "a")),
            "noise": rng.normal(0, 1, n),
        }
    )
    return X, pd.Series(y, name="y")


def share_of_b(frame):
    return (frame["cat"] == "b").mean()


@pytest.fixture(
    scope="module",
    params=[
        # the GAN's label-to-category link drifts with longer training at these
        # sizes (60 epochs at lr=1e-3 kept 0.2 of the share gap on one seed of six)
        (ConditionalGANSampler, dict(epochs=80, lr=5e-4)),
        (ConditionalVAESampler, dict(epochs=30)),
    ],
    ids=["cgan", "cvae"],
)
def fitted(request):
    cls, params = request.param
    X, y = dependent_table()
    return cls(**SMALL, **params).fit(X, y), X, y


def test_rows_generated_for_a_class_follow_that_class(fitted):
    sampler, X, y = fitted
    X0, y0 = sampler.sample(N_SAMPLES, y=0, random_state=1)
    X1, y1 = sampler.sample(N_SAMPLES, y=1, random_state=2)
    assert (y0 == 0).all() and (y1 == 1).all()

    real_gap = X.loc[y == 1, "num"].mean() - X.loc[y == 0, "num"].mean()  # about 4
    gap = X1["num"].mean() - X0["num"].mean()
    assert gap > MIN_SHARE * real_gap, (
        f"num means: class 0 {X0['num'].mean():.2f}, class 1 {X1['num'].mean():.2f} "
        f"(gap {gap:.2f}, real gap {real_gap:.2f})"
    )

    real_share_gap = share_of_b(X[y == 1]) - share_of_b(X[y == 0])  # about 0.7
    share_gap = share_of_b(X1) - share_of_b(X0)
    assert share_gap > MIN_SHARE * real_share_gap, (
        f"share of 'b': class 0 {share_of_b(X0):.2f}, class 1 {share_of_b(X1):.2f} "
        f"(gap {share_gap:.2f}, real gap {real_share_gap:.2f})"
    )


def test_conditioning_on_a_category_shifts_the_numeric_column(fitted):
    sampler, X, _ = fitted
    Xa, _ = sampler.sample(N_SAMPLES, conditions={"cat": "a"}, random_state=3)
    Xb, _ = sampler.sample(N_SAMPLES, conditions={"cat": "b"}, random_state=4)
    assert (Xa["cat"] == "a").all() and (Xb["cat"] == "b").all()

    real_gap = X.loc[X["cat"] == "b", "num"].mean() - X.loc[X["cat"] == "a", "num"].mean()
    gap = Xb["num"].mean() - Xa["num"].mean()  # real gap about 2.8, towards class 1's mean
    assert gap > MIN_SHARE * real_gap, (
        f"num means: cat 'a' {Xa['num'].mean():.2f}, cat 'b' {Xb['num'].mean():.2f} "
        f"(gap {gap:.2f}, real gap {real_gap:.2f})"
    )
