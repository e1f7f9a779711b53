"""Round values: amounts that are multiples of 50, 100, 1000 far more often than chance."""

import numpy as np
import pandas as pd
import pytest

from sksynth.generators import ConditionalVAESampler, GANSampler, VAESampler
from sksynth.rules import RoundValues, RuleKeeper, find_rules, fit_keeper

TINY = {"epochs": 2, "batch_size": 50, "hidden_dims": (16,), "latent_dim": 4, "random_state": 0}


def _loans(n=600, seed=0):
    """Loan amounts typed by people: most round to 100, some to 50, a few to 1000."""
    rng = np.random.default_rng(seed)
    raw = rng.gamma(3, 400, n) + 100
    kind = rng.choice(["hundred", "fifty", "thousand", "exact"], n, p=[0.5, 0.2, 0.15, 0.15])
    amount = np.where(kind == "hundred", np.round(raw / 100) * 100, raw)
    amount = np.where(kind == "fifty", np.round(raw / 50) * 50, amount)
    amount = np.where(kind == "thousand", np.maximum(np.round(raw / 1000), 1) * 1000, amount)
    amount = np.where(kind == "exact", np.round(raw), amount)
    return pd.DataFrame(
        {
            "amount": amount,
            "income": rng.normal(30, 5, n).round(1),
            "label": rng.choice(["a", "b"], n),
        }
    )


def test_levels_are_the_largest_step_and_zeros_are_left_alone():
    rule = RoundValues("x", [100, 50, 1000])
    assert rule.steps == [50.0, 100.0, 1000.0]
    frame = pd.DataFrame({"x": [3000.0, 250.0, 300.0, 0.0, np.nan, 17.0]})
    assert rule.levels(frame).tolist() == ["1000", "50", "100", "none", "none", "none"]
    assert rule.holds(frame).all()  # a description of the column, not a row test
    assert rule.formula == "x is often a multiple of 50, 100 or 1000"


@pytest.mark.parametrize("steps", [[], [0], [-5], [float("nan")], ["ten"]])
def test_bad_steps_are_refused(steps):
    with pytest.raises(ValueError, match="positive numbers"):
        RoundValues("x", steps)


def test_find_rules_finds_round_amounts_and_not_on_plain_whole_numbers():
    X = _loans()
    found = [r for r in find_rules(X) if r.kind == "rounding"]
    assert [r.column for r in found] == ["amount"]
    assert {50.0, 100.0, 1000.0} <= set(found[0].steps)
    rng = np.random.default_rng(1)
    plain = pd.DataFrame({"count": rng.integers(1, 5000, 600).astype(float)})
    assert not [r for r in find_rules(plain) if r.kind == "rounding"]


def test_keeper_round_trips_and_puts_values_on_their_step():
    X = _loans()
    rule = RoundValues("amount", [50, 100, 1000])
    keeper = RuleKeeper([rule]).fit(X)
    Z = keeper.transform(X)
    assert "<amount round>" in Z.columns
    pd.testing.assert_frame_equal(keeper.inverse_transform(Z), X)
    # generated values move to the nearest multiple of their row's step; a value too
    # small for its step takes a smaller one; "none" leaves the value as it is
    Z = Z.iloc[:5].copy()
    Z["amount"] = [1234.0, 1234.0, 260.0, 77.0, 431.0]
    Z["<amount round>"] = ["1000", "100", "1000", "50", "none"]
    out = keeper.inverse_transform(Z)
    assert out["amount"].tolist() == [1000.0, 1200.0, 300.0, 100.0, 431.0]
    assert X["amount"].iloc[0] == _loans()["amount"].iloc[0]  # the caller's table untouched


def test_auto_reports_round_values_but_keeps_them_only_when_declared():
    X = _loans()
    keeper = fit_keeper("auto", X)
    kept = [] if keeper is None else [r.kind for r in keeper.rules_]
    assert "rounding" not in kept
    keeper = fit_keeper([RoundValues("amount", [50, 100, 1000])], X)
    assert [r.kind for r in keeper.rules_] == ["rounding"]


def test_auto_keeps_round_values_where_asked():
    keeper = fit_keeper("auto", _loans(), round_values=True)
    assert "rounding" in [r.kind for r in keeper.rules_]


def test_auto_leaves_out_round_values_that_the_kept_point_masses_already_give():
    # a loan term is nearly always 20, 40 or 60 months: the masses are kept, and
    # "a multiple of 5, 10 or 20" says little about the few other terms
    X = _loans()
    rng = np.random.default_rng(2)
    X["term"] = np.where(rng.random(len(X)) < 0.95, rng.choice([20, 40, 60], len(X)),
                         rng.integers(6, 72, len(X)))
    found = {r.formula for r in find_rules(X)}
    assert "term is often a multiple of 5, 10 or 20" in found
    kept = {r.formula for r in fit_keeper("auto", X, round_values=True).rules_}
    assert "term has point masses at {20, 40, 60}" in kept
    assert not any(f.startswith("term is often") for f in kept), kept
    assert "amount is often a multiple of 50, 100, 200, 250, 500 or 1000" in kept


@pytest.mark.parametrize("cls", [VAESampler, ConditionalVAESampler])
def test_the_vaes_keep_found_round_values_by_default(cls):
    X = _loans()
    kept = [r.formula for r in cls(**TINY).fit(X).rules_.rules_]
    assert "amount is often a multiple of 50, 100, 200, 250, 500 or 1000" in kept
    keeper = GANSampler(**TINY).fit(X).rules_
    assert "rounding" not in ([] if keeper is None else [r.kind for r in keeper.rules_])


@pytest.mark.parametrize("cls", [GANSampler, VAESampler, ConditionalVAESampler])
def test_every_sampler_keeps_declared_round_values(cls):
    X = _loans()
    rule = RoundValues("amount", [50, 100, 1000])
    sampler = cls(rules=[rule], **TINY).fit(X)
    out = sampler.sample(400)
    pd.testing.assert_series_equal(out.dtypes, X.dtypes)
    levels = rule.levels(out)
    # every value the generator put at a step is on it, and round values are common
    assert (levels != "none").mean() > 0.5
    assert list(out.columns) == list(X.columns)


def test_round_values_of_an_orders_larger_side_keep_the_order():
    # price = amount + a gap, mostly a multiple of 10: the price is rounded onto
    # its row's step after the order computes it, and moved up a step where the
    # rounding took it below the amount
    X = _loans()
    rng = np.random.default_rng(1)
    gap = rng.gamma(2, 400, len(X))
    X["price"] = X["amount"] + np.where(rng.random(len(X)) < 0.8, np.round(gap / 10) * 10,
                                        np.round(gap, 2))
    sampler = VAESampler(**TINY).fit(X)
    kept = [r.formula for r in sampler.rules_.rules_]
    assert "amount < price" in kept
    rounding = next(r for r in sampler.rules_.rules_ if r.kind == "rounding" and
                    r.column == "price")
    out = sampler.sample(2000, random_state=0)
    assert (out["amount"] < out["price"]).all()
    assert (rounding.levels(out) != "none").mean() > 0.5


def test_rounding_never_takes_a_value_past_the_training_range():
    # minutes past the hour, from 0 to 59, mostly on 5 and 10: a generated 58 on
    # the step of 10 would round to 60, which no minute is
    rng = np.random.default_rng(0)
    minutes = np.where(rng.random(600) < 0.7, rng.choice(range(0, 60, 5), 600),
                       rng.integers(0, 60, 600))
    X = pd.DataFrame({"minute": minutes.astype(float)})
    keeper = RuleKeeper([RoundValues("minute", [5, 10])]).fit(X)
    Z = keeper.transform(X).iloc[:3].copy()
    Z["minute"] = [58.0, 57.0, 44.0]
    Z["<minute round>"] = ["10", "5", "10"]
    assert keeper.inverse_transform(Z)["minute"].tolist() == [50.0, 55.0, 40.0]


def test_a_value_too_small_for_its_step_takes_the_largest_smaller_step_it_reaches():
    # steps 50, 100 and 1000: a value is put on its row's step where it reaches
    # half of it, else on the largest smaller step whose half it reaches
    X = pd.DataFrame({"amount": np.linspace(-2000.0, 3000.0, 101)})
    keeper = RuleKeeper([RoundValues("amount", [50, 100, 1000])]).fit(X)
    Z = keeper.transform(X).iloc[:7].copy()
    Z["amount"] = [30.0, 420.0, -760.0, 10.0, 0.0, np.nan, 1234.0]
    Z["<amount round>"] = ["1000", "1000", "1000", "100", "50", "50", "none"]
    out = keeper.inverse_transform(Z)["amount"].tolist()
    # 30: below 500 and 50, not below 25; 420: below 500 only; 10: below 25
    assert out[:5] == [50.0, 400.0, -1000.0, 10.0, 0.0]
    assert np.isnan(out[5]) and out[6] == 1234.0
