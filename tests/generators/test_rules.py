"""Every generative sampler keeps the rules of its training table."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from sksynth.encoding import TabularEncoder
from sksynth.generators import (
    ConditionalGANSampler,
    ConditionalVAESampler,
    GANSampler,
    VAESampler,
)
from sksynth.io import load_sampler
from sksynth.rules import (
    CategoryThreshold,
    Formula,
    FunctionalDependency,
    Grid,
    Inequality,
    MissingWhen,
    PointMasses,
    Range,
    ZeroIff,
    find_rules,
)

SAMPLERS = [GANSampler, VAESampler, ConditionalGANSampler, ConditionalVAESampler]
TINY = {"epochs": 2, "batch_size": 50, "hidden_dims": (16,), "latent_dim": 4, "random_state": 0}


def _table(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "a": rng.gamma(2, 10, n).round(2),
            "gap": rng.gamma(3, 10, n).round(2),
            "count": rng.poisson(1, n),
            "Price": rng.integers(1, 20, n) * 50,
            "city": rng.choice(["Oslo", "Bergen", "Paris"], n),
            "start": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 100, n), "D"),
        }
    )
    X["b"] = X["a"] + X.pop("gap")
    X["total"] = X["a"] + X["b"]
    X["flag"] = np.where(X["count"] > 0, "yes", "no")
    X["region"] = X["city"].map({"Oslo": "NO", "Bergen": "NO", "Paris": "FR"})
    X["x"] = np.where(X["flag"] == "no", np.nan, rng.normal(size=n))
    X["debt"] = np.where(X["count"] == 0, 0.0, rng.gamma(2, 3, n) + 1)
    X["end"] = X["start"] + pd.to_timedelta(rng.integers(0, 10, n), "D")
    return X


DECLARED = [
    Formula("total", "a + b"),
    Inequality("a", "b"),
    Inequality("start", "end"),
    FunctionalDependency("city", "region"),
    Grid("Price", 50),
    PointMasses("Price", [50]),
    CategoryThreshold("flag", "count", above="yes", below="no"),
    MissingWhen("x", "flag", ["no"]),
    ZeroIff("debt", "count"),
    Range("a", 0),
]


@pytest.mark.parametrize("cls", SAMPLERS)
def test_declared_rules_hold_on_every_generated_row(cls):
    X = _table()
    sampler = cls(rules=DECLARED, **TINY).fit(X)
    out = sampler.sample(400)
    assert out.columns.tolist() == X.columns.tolist()
    pd.testing.assert_series_equal(out.dtypes, X.dtypes)
    assert len(sampler.rules_.rules_) == len(DECLARED)
    for rule in DECLARED:
        assert rule.holds(out).all(), rule.formula


@pytest.mark.parametrize("cls", SAMPLERS)
def test_auto_finds_and_keeps_planted_rules(cls):
    X = _table()
    sampler = cls(**TINY).fit(X)
    kept = {r.formula for r in sampler.rules_.rules_}
    planted = ["total = a + b", "a < b", "Price in 50 * k"]
    assert any(r.startswith("x is missing iff") for r in kept), kept
    deciding = ["city -> region", "flag == 'yes' iff count > 0 (else 'no')"]
    if not sampler._conditional:
        planted += deciding
    else:  # columns a conditional sampler can be conditioned on stay learned
        assert not set(deciding) & kept
        assert (sampler.sample(20, conditions={"region": "FR"})["region"] == "FR").all()
    for rule in planted:
        assert rule in kept, (rule, kept)
    out = sampler.sample(300)
    for rule in sampler.rules_.rules_:
        assert rule.holds(out).all(), rule.formula
    X_res, y_res = cls(**TINY).fit_resample(X, np.r_[np.zeros(150, int), np.ones(50, int)])
    for rule in sampler.rules_.rules_:
        assert rule.holds(X_res).all(), rule.formula


@pytest.mark.parametrize("cls", [GANSampler, ConditionalVAESampler])
def test_rules_none_keeps_the_former_behaviour(cls):
    X = _table()
    sampler = cls(rules=None, **TINY).fit(X)
    assert sampler.rules_ is None
    breaks = ~Formula("total", "a + b").holds(sampler.sample(200, random_state=0))
    assert breaks.any()  # an unconstrained model does not compute the sum exactly
    # a table without rules: "auto" keeps none and samples exactly as rules=None
    rng = np.random.default_rng(1)
    plain = pd.DataFrame({"u": rng.normal(size=80), "v": rng.choice(list("ab"), 80)})
    auto, off = cls(**TINY).fit(plain), cls(rules=None, **TINY).fit(plain)
    assert auto.rules_ is None
    pd.testing.assert_frame_equal(auto.sample(50, random_state=3), off.sample(50, random_state=3))


def test_parameter_survives_clone_grid_search_pickle_and_model_files(tmp_path):
    X = _table()
    sampler = VAESampler(rules=DECLARED[:2], **TINY)
    assert clone(sampler).get_params()["rules"] == DECLARED[:2]
    search = GridSearchCV(sampler, {"rules": [None, DECLARED[:2]]}, cv=2).fit(X)
    assert search.best_params_["rules"] in (None, DECLARED[:2])
    fitted = sampler.fit(X)
    assert DECLARED[0].__dict__.get("_dtype") is None  # the caller's rules are not fitted
    again = pickle.loads(pickle.dumps(fitted))
    expected = fitted.sample(30, random_state=1)
    pd.testing.assert_frame_equal(again.sample(30, random_state=1), expected)
    path = fitted.save(tmp_path / "model.sksynth")
    loaded = load_sampler(path)
    assert [r.formula for r in loaded.rules_.rules_] == ["total = a + b", "a <= b"]
    pd.testing.assert_frame_equal(loaded.sample(30, random_state=1), expected)


def test_conditions_on_a_computed_column_are_refused_and_others_kept():
    X = _table()
    sampler = ConditionalVAESampler(rules=DECLARED, **TINY).fit(X)
    with pytest.raises(ValueError, match="'region'.*computes after sampling"):
        sampler.sample(5, conditions={"region": "NO"})
    out = sampler.sample(50, conditions={"city": "Oslo"})
    assert (out["city"] == "Oslo").all() and (out["region"] == "NO").all()


def test_declared_rule_broken_by_the_data_is_refused():
    X = _table()
    with pytest.raises(ValueError, match=r"b <= a.*row label"):
        GANSampler(rules=[Inequality("b", "a")], **TINY).fit(X)
    with pytest.raises(ValueError, match="'rules' parameter"):
        GANSampler(rules="all", **TINY).fit(X)


def test_dp_auto_keeps_no_rule_and_declared_rules_are_public():
    pytest.importorskip("opacus")
    X = _table()[["a", "b", "total", "count"]]
    # the metadata describes the columns the generator learns: "total" is computed
    bounds = {"a": (0, 200), "b": (0, 400), "count": (0, 10)}
    dp = {"dp": True, "target_epsilon": 5.0, "dp_metadata": {"bounds": bounds}, **TINY}
    dp_auto = dict(dp, dp_metadata={"bounds": {**bounds, "total": (0, 600)}})
    assert GANSampler(**dp_auto).fit(X).rules_ is None
    sampler = GANSampler(rules=[Formula("total", "a + b"), Inequality("a", "b")], **dp).fit(X)
    out = sampler.sample(100)
    assert Formula("total", "a + b").holds(out).all() and Inequality("a", "b").holds(out).all()
    with pytest.raises(ValueError, match="differential privacy"):
        GANSampler(rules=[ZeroIff("a", "count")], **dp).fit(X)


def test_auto_leaves_rare_point_masses_to_the_model():
    rng = np.random.default_rng(3)
    n = 600
    X = pd.DataFrame(
        {
            "rare": np.where(rng.random(n) < 0.03, 0.0, rng.gamma(2, 10, n).round(3) + 1),
            "common": np.where(rng.random(n) < 0.4, 0.0, rng.gamma(2, 10, n).round(3) + 1),
        }
    )
    found = {r.formula for r in find_rules(X) if r.kind == "point masses"}
    assert found == {"rare has point masses at {0}", "common has point masses at {0}"}
    kept = {r.formula for r in VAESampler(**TINY).fit(X).rules_.rules_}
    assert "common has point masses at {0}" in kept
    assert "rare has point masses at {0}" not in kept
    declared = VAESampler(rules=[PointMasses("rare", [0])], **TINY).fit(X)
    assert [r.formula for r in declared.rules_.rules_] == ["rare has point masses at {0}"]


def test_auto_keeps_no_point_masses_on_a_column_learnt_as_levels():
    # an integer column with few values (here 15) is one-hot encoded: its exact
    # values come back without a level column of masses; one with many needs them
    rng = np.random.default_rng(4)
    n = 600
    X = pd.DataFrame(
        {
            "visits": np.where(rng.random(n) < 0.5, 0, rng.integers(1, 15, n)),
            "amount": np.where(rng.random(n) < 0.4, 0, rng.integers(100, 5000, n)),
        }
    )
    found = {r.formula for r in find_rules(X) if r.kind == "point masses"}
    assert found == {"visits has point masses at {0}", "amount has point masses at {0}"}
    kept = {r.formula for r in VAESampler(**TINY).fit(X).rules_.rules_}
    assert "amount has point masses at {0}" in kept
    assert not any(f.startswith("visits has") for f in kept)
    numbers = VAESampler(encoder_params={"discrete_integer_threshold": 0}, **TINY).fit(X)
    assert "visits has point masses at {0}" in {r.formula for r in numbers.rules_.rules_}


def test_auto_keeps_point_masses_on_an_orders_larger_side_learnt_as_a_gap():
    # "high" has few values, but a kept order learns it as the gap above "low",
    # a number: its masses are kept
    rng = np.random.default_rng(5)
    n = 600
    low = rng.integers(0, 6, n)
    high = np.where(rng.random(n) < 0.5, 10, low + rng.integers(0, 14, n))
    X = pd.DataFrame({"low": low, "high": high})
    assert "high" in TabularEncoder().level_columns(X)
    kept = {r.formula for r in VAESampler(**TINY).fit(X).rules_.rules_}
    assert {"low <= high", "high has point masses at {10}"} <= kept


@pytest.mark.parametrize("cls", [ConditionalGANSampler, ConditionalVAESampler])
def test_conditions_cover_the_callers_columns_not_the_kept_rules_levels(cls):
    # a kept point mass adds a level column to the encoded table; it is not a column
    # of the caller's table, so it is not a condition column either
    X = _table()
    sampler = cls(rules=[PointMasses("Price", [50])], **TINY).fit(X)
    plain = cls(rules=None, **TINY).fit(X)
    assert set(sampler.condition_.columns) <= set(X.columns)
    assert set(sampler.condition_.columns) == set(plain.condition_.columns)
