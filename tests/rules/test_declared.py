"""Declared rules: the row test, NaN semantics, parsing, refusals."""

import io

import numpy as np
import pandas as pd
import pytest

from sksynth.generators import (
    ConditionalGANSampler,
    ConditionalVAESampler,
    GANSampler,
    VAESampler,
)
from sksynth.io import load_sampler
from sksynth.rules import (
    Band,
    CategoryThreshold,
    FixedCombinations,
    Formula,
    FunctionalDependency,
    Grid,
    Inequality,
    MissingWhen,
    PointMasses,
    Range,
    RoundValues,
    RuleKeeper,
    RuleSet,
    RuleViolationError,
    ZeroIff,
    find_rules,
)


def test_formula_holds_and_skips_missing_and_undefined_rows():
    X = pd.DataFrame(
        {
            "expenditure": [10.0, 20.0, np.nan, 5.0, 3.0],
            "income": [120.0, 60.0, 100.0, 0.0, 12.0],
            "share": [1.0, 4.0, 7.0, 9.0, 2.0],
        }
    )
    rule = Formula("share", "12 * expenditure / income")
    # row 2: a column missing; row 3: division by zero -> both hold; row 4 breaks
    assert rule.holds(X).tolist() == [True, True, True, True, False]
    assert rule.columns == ("share", "expenditure", "income")
    assert rule.formula == "share = 12 * expenditure / income"


def test_formula_backquoted_names_and_precedence():
    X = pd.DataFrame({"unit price": [2.0, 3.0], "qty": [4.0, 5.0], "amount": [7.0, 13.0]})
    rule = Formula("amount", "`unit price` * (qty - 1) + 1")
    assert rule.holds(X).all()
    assert rule.formula == "amount = `unit price` * (qty - 1) + 1"


def test_columns_named_like_python_keywords_are_back_quoted():
    # found formulas are written back as text: a column named ``return`` or
    # ``class`` must read as a column, not as the keyword
    rng = np.random.default_rng(0)
    ret, price = rng.uniform(1, 10, 300).round(2), rng.uniform(1, 10, 300).round(2)
    X = pd.DataFrame({"return": ret, "class": price, "value": (ret * price).round(4)})
    rule = next(r for r in find_rules(X) if r.kind == "formula")
    assert rule.formula == "value = `return` * `class`"
    assert Formula(rule.target, rule.formula.split(" = ")[1]).holds(X).all()
    assert Inequality("None", "class").formula == "`None` <= `class`"


@pytest.mark.parametrize(
    "text",
    ["__import__('os').system('x')", "a ** b", "a if b else c", "f(a)", "a[0]", "a.b", "", "`a"],
)
def test_formula_refuses_anything_off_the_whitelist(text):
    with pytest.raises(ValueError):
        Formula("t", text)


def test_formula_refuses_its_own_target():
    with pytest.raises(ValueError, match="own target"):
        Formula("t", "t + 1")


def test_inequality_numbers_and_dates():
    X = pd.DataFrame(
        {
            "start": pd.to_datetime(["2020-01-01", "2020-02-01", None]),
            "end": pd.to_datetime(["2020-01-05", "2020-01-01", "2020-01-01"]),
            "Amount": [1, 5, 3],
            "Price": [1, 4, np.nan],
        }
    )
    assert Inequality("start", "end").holds(X).tolist() == [True, False, True]
    assert Inequality("Amount", "Price").holds(X).tolist() == [True, False, True]
    assert Inequality("Amount", "Price", strict=True).holds(X).tolist() == [False, False, True]


def test_dependency_threshold_grid_masses_range_missing_zero():
    X = pd.DataFrame(
        {
            "city": ["Oslo", "Oslo", "Paris", "Lyon"],
            "region": ["NO", "SE", "FR", "FR"],
            "count": [0, 3, 1, 0],
            "plan": ["no", "yes", "yes", "yes"],
            "Amount": [50.0, 100.0, 125.0, np.nan],
            "x": [np.nan, 1.0, 2.0, np.nan],
            "y": ["none", "a", "b", "none"],
            "debt": [0.0, 2.0, 0.0, 0.0],
        }
    )
    assert FunctionalDependency("city", "region").holds(X).tolist() == [False, False, True, True]
    rule = CategoryThreshold("plan", "count", above="yes", below="no")
    assert rule.holds(X).tolist() == [True, True, True, False]
    assert Grid("Amount", 50).holds(X).tolist() == [True, True, False, True]
    assert Grid("Amount", 0.25).holds(X).all()
    assert PointMasses("Amount", [50]).holds(X).all()
    assert Range("Amount", 60, None).holds(X).tolist() == [False, True, True, True]
    assert MissingWhen("x", "y", ["none"]).holds(X).all()
    # a missing label among the values, on a text column as read from a CSV file
    Y = pd.DataFrame({"x": [np.nan, 1.0, np.nan, 2.0]})
    Y["y"] = pd.read_csv(io.StringIO("y\nnone\na\n\nb\n"), skip_blank_lines=False)["y"]
    assert MissingWhen("x", "y", ["none", "<missing>"]).holds(Y).all()
    assert ZeroIff("debt", "count").holds(X).tolist() == [True, True, False, True]


def test_check_names_column_and_offending_rows():
    X = pd.DataFrame({"Amount": [1, 9, 2, 8], "Price": [2, 3, 4, 5]}, index=list("abcd"))
    with pytest.raises(RuleViolationError, match=r"Amount <= Price.*\['b', 'd'\]"):
        Inequality("Amount", "Price").check(X)


def test_keeper_refuses_broken_contradictory_and_division_by_zero():
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [2.0, 0.0, 4.0], "t": [3.0, 2.0, 7.0]})
    with pytest.raises(RuleViolationError, match="a <= b"):
        RuleKeeper([Inequality("a", "b")]).fit(X)
    with pytest.raises(ValueError, match="both set column 't'"):
        RuleKeeper([Formula("t", "a + b"), Formula("t", "2 * a + b - a")]).fit(X)
    with pytest.raises(ValueError, match="cycle"):
        RuleKeeper([Formula("t", "a + b"), Formula("a", "t - b")]).fit(X)
    with pytest.raises(ValueError, match="divides by zero on row"):
        RuleKeeper([Formula("t", "a / b")]).fit(X.assign(t=X["a"] / X["b"]))
    with pytest.raises(ValueError, match="names column"):
        RuleKeeper([Grid("nope", 1)]).fit(X)


def test_an_order_is_kept_with_point_masses_and_round_values_on_its_larger_side():
    # employees on a payroll: half the firms have 12 or 20, the others a multiple of
    # 25; the trained employees are never more than the employees
    rng = np.random.default_rng(0)
    n = 300
    employ = np.where(rng.random(n) < 0.5, rng.choice([12.0, 20.0], n),
                      rng.integers(1, 30, n) * 25.0)
    X = pd.DataFrame({"trained": np.floor(employ * rng.random(n)), "employ": employ})
    rules = [PointMasses("employ", [12, 20]), RoundValues("employ", [25, 50]),
             Inequality("trained", "employ")]
    keeper = RuleKeeper(rules).fit(X)
    assert list(keeper.rules_) == rules and keeper.skipped_ == []
    Z = keeper.transform(X)
    assert (Z["employ"] >= 0).all()  # the gap above the trained employees
    pd.testing.assert_frame_equal(keeper.inverse_transform(Z), X)
    # a row marked for a mass that its trained employees are above keeps its gap
    Z.loc[0, ["trained", "employ", "<employ round>", "<employ mass>"]] = [15.0, 3.0, "none", "0"]
    assert keeper.inverse_transform(Z).loc[0, "employ"] == 18.0
    sampler = VAESampler(rules=rules, epochs=30, batch_size=100, hidden_dims=(16,),
                         latent_dim=4, random_state=0).fit(X)
    out = sampler.sample(1000)
    assert (out["trained"] <= out["employ"]).all()
    assert out["employ"].isin([12.0, 20.0]).mean() > 0.1
    for rule in sampler.rules_.rules_:
        assert rule.holds(out).all(), rule.formula


def test_an_order_is_kept_with_the_zeros_its_smaller_side_decides():
    # drinks on the heaviest day are never fewer than on an average day, and zero
    # exactly when those are zero
    rng = np.random.default_rng(0)
    n = 400
    average = np.where(rng.random(n) < 0.3, 0.0, rng.integers(1, 20, n))
    heaviest = np.where(average == 0, 0.0, average + rng.integers(0, 15, n))
    X = pd.DataFrame({"average": average, "heaviest": heaviest})
    rules = [ZeroIff("heaviest", "average"), Inequality("average", "heaviest")]
    assert list(RuleKeeper(rules).fit(X).rules_) == rules
    sampler = VAESampler(rules=rules, epochs=5, batch_size=100, hidden_dims=(16,),
                         latent_dim=4, random_state=0).fit(X)
    out = sampler.sample(1000)
    assert (out["average"] <= out["heaviest"]).all()
    assert ((out["heaviest"] == 0) == (out["average"] == 0)).all()


def _loads(n=500, seed=0):
    """Daily loads: the peak is never below the morning load and above the evening one."""
    rng = np.random.default_rng(seed)
    morning, evening = rng.poisson(40, n), rng.poisson(50, n)
    peak = np.maximum(morning, evening + 1) + rng.poisson(3, n)
    return pd.DataFrame({"morning": morning, "evening": evening, "peak": peak})


def test_several_orders_with_one_larger_side_are_kept_together():
    X = _loads()
    rules = [Inequality("morning", "peak"), Inequality("evening", "peak", strict=True)]
    keeper = RuleKeeper(rules).fit(X)
    assert list(keeper.rules_) == rules and keeper.skipped_ == []
    Z = keeper.transform(X)
    # the gap is taken above the larger of the two smaller sides
    assert (Z["peak"] == X["peak"] - np.maximum(X["morning"], X["evening"])).all()
    pd.testing.assert_frame_equal(keeper.inverse_transform(Z), X)
    # a zero gap above a strict smaller side still gives a larger value
    Z.loc[0, ["morning", "evening", "peak"]] = [10, 30, 0.0]
    assert keeper.inverse_transform(Z).loc[0, "peak"] == 31


@pytest.mark.parametrize("cls", [VAESampler, GANSampler])
def test_samplers_keep_every_found_order_on_one_larger_side(cls):
    X = _loads()
    sampler = cls(epochs=2, batch_size=100, hidden_dims=(16,), latent_dim=4,
                  random_state=0).fit(X)
    kept = {r.formula for r in sampler.rules_.rules_}
    assert {"morning <= peak", "evening < peak"} <= kept
    out = sampler.sample(1000)
    assert (out["morning"] <= out["peak"]).all() and (out["evening"] < out["peak"]).all()


def test_a_difference_band_puts_its_column_on_a_kept_grid():
    # a price in steps of 0.05 within a fixed margin above a cost
    rng = np.random.default_rng(0)
    cost = rng.gamma(4, 5, 400).round(3)
    price = np.round((cost + rng.uniform(1, 3, 400)) / 0.05) * 0.05
    X = pd.DataFrame({"cost": cost, "price": price.round(2)})
    band, grid = Band("price", "cost", 0.9, 3.1, scale="difference"), Grid("price", 0.05)
    assert list(RuleKeeper([band, grid]).fit(X).rules_) == [band, grid]
    out = VAESampler(rules=[band, grid], epochs=5, batch_size=100, hidden_dims=(16,),
                     latent_dim=4, random_state=0).fit(X).sample(500)
    assert band.holds(out).all() and grid.holds(out).all()
    # a grid wider than the band could leave a row no value
    X["cost"] = (X["price"] - rng.uniform(1.0, 1.03, 400)).round(3)
    narrow = Band("price", "cost", 0.99, 1.031, scale="difference")
    assert narrow.holds(X).all()
    with pytest.raises(ValueError, match="the band is narrower than a step of the grid"):
        RuleKeeper([narrow, grid]).fit(X)
    # so could a ratio band, which narrows with its formula: it keeps the grid
    # only if it is a step wide at the smallest training cost
    ratio = Band("price", "cost", 1.0, 1.5)
    assert ratio.holds(X).all() and X["cost"].min() * 0.5 >= 0.05
    assert list(RuleKeeper([ratio, grid]).fit(X).rules_) == [ratio, grid]
    X.loc[len(X)] = {"cost": 0.04, "price": 0.05}
    assert ratio.holds(X).all()
    with pytest.raises(ValueError, match="is smallest, the band is narrower than a step"):
        RuleKeeper([ratio, grid]).fit(X)


def test_ruleset_frame_and_display():
    X = pd.DataFrame({"Amount": [1, 9, 2], "Price": [2, 3, 4]})
    rules = RuleSet([Inequality("Amount", "Price"), Grid("Price", 1)])
    frame = rules.to_frame(X)
    assert frame.columns.tolist() == [
        "formula", "kind", "columns", "support", "n_exceptions", "exceptions", "tolerance"
    ]
    assert frame.loc[0, "n_exceptions"] == 1 and frame.loc[0, "exceptions"] == [1]
    assert frame.loc[0, "support"] == pytest.approx(2 / 3)
    assert "Amount <= Price" in repr(rules) and "<table" in rules._repr_html_()
    with pytest.raises(TypeError, match="Rule objects"):
        RuleSet(["Amount <= Price"])


def test_fixed_combinations_round_trip():
    X = pd.DataFrame({"city": ["Oslo", "Paris", "Oslo", "Lyon"], "region": list("NFNF")})
    keeper = RuleKeeper([FixedCombinations(["city", "region"])]).fit(X)
    Z = keeper.transform(X)
    assert Z.shape[1] == 1
    pd.testing.assert_frame_equal(keeper.inverse_transform(Z), X)


@pytest.mark.parametrize("strict", [False, True])
def test_a_grid_on_the_larger_side_of_an_order_keeps_both(strict):
    rng = np.random.default_rng(0)
    price = rng.integers(20, 200, 400) * 10.0
    X = pd.DataFrame({"Price": price, "Amount": (price * rng.uniform(0.2, 0.99, 400)).round()})
    keeper = RuleKeeper([Inequality("Amount", "Price", strict=strict), Grid("Price", 10)]).fit(X)
    learned = keeper.transform(X)
    # a generator's rows: gaps anywhere from zero up, amounts off the real ones
    noisy = pd.DataFrame(
        {"Price": rng.uniform(0, 30, 400), "Amount": rng.uniform(1, 2000, 400).round()},
        columns=learned.columns,
    )
    out = keeper.inverse_transform(noisy)
    assert (out["Price"] % 10 == 0).all()
    assert ((out["Amount"] < out["Price"]) if strict else (out["Amount"] <= out["Price"])).all()


@pytest.mark.parametrize("shaper", [Grid("high", 0.01), RoundValues("high", [0.01, 0.05])])
def test_a_strict_order_holds_where_its_larger_side_is_put_on_cents(shaper):
    # prices in cents: a gap of zero above the open is rounded onto the open's
    # own cent value, which 25298 * 0.01 (252.98000000000002) would hide
    rng = np.random.default_rng(0)
    open_ = rng.integers(20_000, 30_000, 300) / 100
    X = pd.DataFrame({"open": open_, "high": open_ + rng.integers(1, 200, 300) / 100})
    keeper = RuleKeeper([Inequality("open", "high", strict=True), shaper]).fit(X)
    learned = keeper.transform(X)
    learned["high"] = 0.0  # the generator's gap: nothing above the open
    out = keeper.inverse_transform(learned)
    assert (out["high"] > out["open"]).all()
    cents = out["high"] * 100
    assert np.allclose(cents, cents.round(), atol=1e-6)


def _debts(n=600, seed=0):
    """Whole debts: 40 % exactly zero, 10 % missing, the rest spread out."""
    rng = np.random.default_rng(seed)
    debt = rng.gamma(2, 400, n).round() + 1
    debt[rng.random(n) < 0.4] = 0
    debt[rng.random(n) < 0.1] = np.nan
    return pd.DataFrame({"debt": debt, "age": rng.integers(20, 70, n)})


def test_point_masses_leave_the_category_alone_to_decide():
    X = _debts()
    before = X.copy()
    keeper = RuleKeeper([PointMasses("debt", [0])]).fit(X)
    Z = keeper.transform(X)
    pd.testing.assert_frame_equal(X, before)  # the caller's frame is untouched
    level = Z["<debt mass>"]
    assert set(level) == {"0", "missing", "other"}
    # rows of the mass and missing rows show values off the mass, taken from the
    # training values: the model never sees a missing number competing with the level
    decided = level != "other"
    assert Z["debt"].notna().all()
    assert Z.loc[decided, "debt"].isin(X.loc[X["debt"] > 0, "debt"]).all()
    pd.testing.assert_series_equal(Z.loc[~decided, "debt"], X.loc[~decided, "debt"])
    # the level decides on the way back
    pd.testing.assert_frame_equal(keeper.inverse_transform(Z), X)
    Z.loc[decided, "debt"] = 12345.0
    back = keeper.inverse_transform(Z)
    assert (back.loc[level == "0", "debt"] == 0).all()
    assert back.loc[level == "missing", "debt"].isna().all()


def test_point_masses_with_private_rows_learn_no_value():
    X = _debts()
    keeper = RuleKeeper([PointMasses("debt", [0])], private=True).fit(X)
    assert len(list(keeper.rules_)[0].others_) == 0
    Z = keeper.transform(X)
    assert Z.loc[Z["<debt mass>"] != "other", "debt"].isna().all()


def test_point_masses_with_few_other_values_use_each_of_them():
    # three rows off the mass: the stand-ins on the mass's rows spread over all three
    X = pd.DataFrame({"n": [0.0] * 300 + [5.0, 6.0, 7.0]})
    keeper = RuleKeeper([PointMasses("n", [0])]).fit(X)
    Z = keeper.transform(X)
    shares = Z.loc[Z["<n mass>"] == "0", "n"].value_counts(normalize=True)
    assert set(shares.index) == {5.0, 6.0, 7.0}
    assert shares.max() < 0.5, shares


def test_point_masses_move_other_rows_the_rounding_put_on_a_mass():
    # a generated row marked "other" whose number came out on the mass (e.g. rounded
    # onto it) takes a training value from near the mass: real rows off the masses
    # never sit there, and the mass keeps the share its category gives it
    rng = np.random.default_rng(0)
    values = rng.integers(1, 1001, 2000).astype(float)
    values[rng.random(2000) < 0.4] = 500.0
    X = pd.DataFrame({"n": values})
    keeper = RuleKeeper([PointMasses("n", [500])]).fit(X)
    Z = pd.DataFrame({
        "n": [500.0] * 200 + [500.0] * 50 + [123.0] * 50,
        "<n mass>": ["other"] * 200 + ["0"] * 50 + ["other"] * 50,
    })
    back = keeper.inverse_transform(Z, random_state=0)["n"]
    moved = back[:200]
    assert not moved.isin([500.0]).any()
    assert moved.isin(X.loc[X["n"] != 500, "n"]).all()
    assert (moved - 500).abs().max() < 150  # from near the mass, not anywhere
    assert moved.nunique() > 10  # spread over the mass's neighbours, not piled on one
    assert (back[200:250] == 500).all()
    assert (back[250:] == 123).all()


def test_point_masses_show_a_missing_number_where_the_keeper_asks():
    X = _debts()
    keeper = RuleKeeper([PointMasses("debt", [0])], mass_stand_ins=False).fit(X)
    Z = keeper.transform(X)
    decided = Z["<debt mass>"] != "other"
    assert Z.loc[decided, "debt"].isna().all()
    pd.testing.assert_series_equal(Z.loc[~decided, "debt"], X.loc[~decided, "debt"])
    pd.testing.assert_frame_equal(keeper.inverse_transform(Z), X)


@pytest.mark.parametrize(
    "cls, stand_ins",
    [(GANSampler, False), (ConditionalGANSampler, False), (VAESampler, True),
     (ConditionalVAESampler, True)],
)
def test_vaes_learn_masses_from_stand_ins_and_gans_from_missing_numbers(cls, stand_ins):
    X = _debts()
    sampler = cls(rules=[PointMasses("debt", [0])], epochs=1, batch_size=100,
                  hidden_dims=(8,), latent_dim=4, random_state=0).fit(X)
    Z = sampler.rules_.transform(X)
    decided = (Z["<debt mass>"] == "0").to_numpy()
    assert Z.loc[decided, "debt"].notna().all() == stand_ins
    out = sampler.sample(300, random_state=0)
    assert out["debt"].isin([0]).any()
    assert list(out.columns) == list(X.columns)


def test_a_dependency_keeps_the_value_of_rows_whose_determinant_is_missing():
    X = pd.DataFrame({
        "outcome": ["win", None, "safe", None, "win", "out", None],
        "participant": [1, 0, 1, 0, 1, 1, 0],
    })
    rule = FunctionalDependency("outcome", "participant")
    assert rule.holds(X).all()  # the missing outcomes are one group, all 0
    keeper = RuleKeeper([rule]).fit(X)
    Z = keeper.transform(X)
    assert "participant" not in Z.columns
    out = keeper.inverse_transform(Z)
    pd.testing.assert_frame_equal(out, X)


def _panel(seed=0):
    """Stores over ten years: a national price index that is one number a year, and a
    floor area that is one number a store."""
    rng = np.random.default_rng(seed)
    years, stores = np.arange(1990, 2000), [f"s{i}" for i in range(30)]
    index = dict(zip(years, np.round(100 * 1.03 ** np.arange(10) + rng.normal(0, 1, 10), 1)))
    area = dict(zip(stores, rng.integers(200, 2000, 30)))
    year, store = np.repeat(years, 30), np.tile(stores, 10)
    return pd.DataFrame({
        "store": store, "year": year, "cpi": [index[y] for y in year],
        "area": [area[s] for s in store], "sales": rng.gamma(3, 100, 300).round(2),
    })


def test_find_rules_finds_numbers_that_a_year_or_a_label_decides():
    found = {r.formula for r in find_rules(_panel()) if r.kind == "dependency"}
    assert found == {"year -> cpi", "store -> area"}
    # a price index that drifts within a year is decided by nothing
    X = _panel()
    X["cpi"] += np.random.default_rng(1).normal(0, 1, len(X))
    assert not {r.formula for r in find_rules(X) if r.kind == "dependency"} & {"year -> cpi"}


def test_a_number_decided_by_a_year_is_looked_up_and_an_unseen_year_takes_the_nearest():
    X = _panel()
    keeper = RuleKeeper([FunctionalDependency("year", "cpi")]).fit(X)
    Z = keeper.transform(X)
    assert "cpi" not in Z.columns
    pd.testing.assert_frame_equal(keeper.inverse_transform(Z), X)
    Z.loc[:2, "year"] = [1985, 2004, 1994]
    cpi = X.groupby("year")["cpi"].first()
    assert keeper.inverse_transform(Z).loc[:2, "cpi"].tolist() == [cpi[1990], cpi[1999], cpi[1994]]
    sampler = VAESampler(epochs=2, batch_size=100, hidden_dims=(16,), latent_dim=4,
                         random_state=0).fit(X)
    assert {"year -> cpi", "store -> area"} <= {r.formula for r in sampler.rules_.rules_}
    out = sampler.sample(500)
    assert out.dtypes.equals(X.dtypes)
    assert out.groupby("year")["cpi"].nunique().max() == 1
    assert set(zip(out["store"], out["area"])) <= set(zip(X["store"], X["area"]))


def _routes(n=400, seed=0):
    """Flights: a distance that the origin and the destination decide together."""
    rng = np.random.default_rng(seed)
    origins, dests = ["EWR", "JFK", "LGA"], ["BOS", "LAX", "ORD", "MIA", "SEA", "ATL"]
    distance = {(o, d): int(rng.integers(150, 2600)) for o in origins for d in dests}
    origin, dest = rng.choice(origins, n), rng.choice(dests, n)
    return pd.DataFrame({
        "origin": origin, "dest": dest, "distance": [distance[k] for k in zip(origin, dest)],
        "delay": rng.normal(0, 10, n).round(1),
    })


def test_find_rules_finds_a_column_that_two_labels_decide_together():
    X = _routes()
    found = [r for r in find_rules(X) if r.kind == "dependency"]
    assert [r.formula for r in found] == ["(origin, dest) -> distance"]
    assert (found[0].support, found[0].n_exceptions) == (1.0, 0)
    # one flight off its route's distance: no rule
    X.loc[7, "distance"] += 1
    assert not [r for r in find_rules(X) if r.kind == "dependency"]
    # labels that decide nothing together
    rng = np.random.default_rng(3)
    noise = pd.DataFrame({c: rng.choice(list("abcd"), 400) for c in ("p", "q")})
    noise["v"] = rng.integers(0, 30, 400)
    assert not [r for r in find_rules(noise) if r.kind == "dependency"]


def test_dummies_of_one_category_give_one_dependency_not_a_cycle():
    rng = np.random.default_rng(0)
    level = rng.integers(0, 3, 300)
    X = pd.DataFrame({f"d{i}": (level == i).astype(int) for i in range(3)})
    X["v"] = rng.normal(size=300)
    found = [r for r in find_rules(X) if r.kind == "dependency"]
    assert [r.formula for r in found] == ["(d0, d1) -> d2"]
    keeper = RuleKeeper(found).fit(X)
    pd.testing.assert_frame_equal(keeper.inverse_transform(keeper.transform(X)), X)


def test_a_column_two_labels_decide_is_looked_up_and_an_unseen_pair_takes_the_first_labels():
    X = _routes()
    rule = FunctionalDependency(["origin", "dest"], "distance")
    keeper = RuleKeeper([rule]).fit(X)
    Z = keeper.transform(X)
    assert "distance" not in Z.columns
    pd.testing.assert_frame_equal(keeper.inverse_transform(Z), X)
    # a route no training row flies: the distance most rows from its origin have
    # (rows labelled in any order)
    flown = X[~((X["origin"] == "EWR") & (X["dest"] == "BOS"))]
    flown.index = np.random.default_rng(0).permutation(len(flown)) * 3
    keeper = RuleKeeper([rule]).fit(flown)
    Z = keeper.transform(flown)
    first = Z.index[:3]
    Z.loc[first, ["origin", "dest"]] = [["EWR", "BOS"], ["EWR", "BOS"], ["JFK", "BOS"]]
    out = keeper.inverse_transform(Z)
    from_ewr = flown.loc[flown["origin"] == "EWR", "distance"].value_counts().index[0]
    jfk_bos = X.loc[(X["origin"] == "JFK") & (X["dest"] == "BOS"), "distance"].iloc[0]
    assert out.loc[first, "distance"].tolist() == [from_ewr, from_ewr, jfk_bos]
    pd.testing.assert_frame_equal(out.drop(first), flown.drop(first))
    assert rule.holds(out).all()


def test_samplers_keep_a_column_two_labels_decide(tmp_path):
    X = _routes()
    sampler = VAESampler(epochs=2, batch_size=100, hidden_dims=(16,), latent_dim=4,
                         random_state=0).fit(X)
    kept = [r for r in sampler.rules_.rules_ if r.kind == "dependency"]
    assert [r.formula for r in kept] == ["(origin, dest) -> distance"]
    out = sampler.sample(500, random_state=1)
    assert out.dtypes.equals(X.dtypes)
    assert kept[0].holds(out).all()
    assert set(zip(out["origin"], out["dest"], out["distance"])) <= set(
        zip(X["origin"], X["dest"], X["distance"])
    )
    loaded = load_sampler(sampler.save(tmp_path / "routes.sksynth"))
    expected = sampler.sample(50, random_state=2)
    pd.testing.assert_frame_equal(loaded.sample(50, random_state=2), expected)


@pytest.mark.parametrize(
    "determinant, dependent, error, message",
    [
        (["origin"], "distance", ValueError, "two or more different columns"),
        (["origin", "origin"], "distance", ValueError, "two or more different columns"),
        (["origin", "dest"], "dest", ValueError, "dependent outside its determinant"),
        ([None, "dest"], "distance", TypeError, "column name"),
        (2.5, "distance", TypeError, "column name"),
    ],
)
def test_dependency_refuses_bad_determinants(determinant, dependent, error, message):
    with pytest.raises(error, match=message):
        FunctionalDependency(determinant, dependent)


def test_a_count_computed_by_a_division_is_solved_for_the_share_instead():
    rng = np.random.default_rng(0)
    students = rng.integers(10, 200, 300)
    answered = np.floor(students * rng.uniform(0.3, 1.0, 300)).astype(int) + 1
    X = pd.DataFrame({"students": students, "answered": answered,
                      "percent": (100 * answered / students).round(5)})
    by_count = Formula("students", "100 * answered / percent", rtol=1e-5)
    assert by_count.holds(X).all()
    with pytest.raises(ValueError, match="whole-number column 'students'"):
        RuleKeeper([by_count]).fit(X)
    assert RuleKeeper([Formula("total", "students + answered")]).fit(
        X.assign(total=X["students"] + X["answered"])
    ).rules_  # a sum of counts is a count: kept
    found = [r for r in find_rules(X, rtol=1e-5) if r.kind == "formula"]
    assert [r.target for r in found] == ["percent"], [r.formula for r in found]
    sampler = VAESampler(epochs=2, batch_size=100, hidden_dims=(16,), latent_dim=4,
                         random_state=0).fit(X)
    out = sampler.sample(300)
    assert out["students"].dtype == X["students"].dtype
    for rule in sampler.rules_.rules_:
        assert rule.holds(out).all(), rule.formula


def test_a_formula_undefined_on_a_generated_row_gives_a_training_value():
    X = pd.DataFrame({"answered": [5, 8, 3, 9], "students": [10, 16, 4, 12]})
    X["percent"] = 100 * X["answered"] / X["students"]
    keeper = RuleKeeper([Formula("percent", "100 * answered / students")]).fit(X)
    Z = keeper.transform(X)
    Z.loc[[1, 3], "students"] = 0  # the model generated a zero divisor
    out = keeper.inverse_transform(Z, random_state=0)
    assert out["percent"].notna().all()
    assert set(out.loc[[1, 3], "percent"]) <= set(X["percent"])
    pd.testing.assert_series_equal(out.loc[[0, 2], "percent"], X.loc[[0, 2], "percent"])


def test_a_formula_with_a_missing_input_gives_the_column_as_real_rows_hold_it():
    X = pd.DataFrame({"before": [1.0, np.nan, 3.0, np.nan, 5.0, 6.0],
                      "change": [1.0, np.nan, 1.0, np.nan, 2.0, 1.0],
                      "after": [2.0, 7.0, 4.0, 9.0, 7.0, 7.0]})
    rule = Formula("after", "before + change")
    assert rule.holds(X).all()  # it says nothing where an input is missing
    keeper = RuleKeeper([rule]).fit(X)
    out = keeper.inverse_transform(keeper.transform(X), random_state=0)
    assert out["after"].notna().all()  # as in the real rows
    assert set(out.loc[[1, 3], "after"]) <= {7.0, 9.0}
    pd.testing.assert_frame_equal(out.loc[[0, 2, 4, 5]], X.loc[[0, 2, 4, 5]])
    # where the real rows lack the column too, generated rows lack it
    Y = X.assign(after=[2.0, np.nan, 4.0, np.nan, 7.0, 7.0])
    keeper = RuleKeeper([rule]).fit(Y)
    assert keeper.inverse_transform(keeper.transform(Y), random_state=0)["after"].isna().sum() == 2


def test_a_formula_takes_the_logarithm_of_a_positive_column():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"wage": rng.lognormal(2, 0.5, 300).round(2),
                      "hours": rng.integers(10, 60, 300)})
    X["lwage"] = np.log(X["wage"])
    rule = Formula("lwage", "log(wage)")
    assert rule.formula == "lwage = log(wage)"
    assert rule.holds(X).all()
    assert not Formula("lwage", "log(hours)").holds(X).all()
    assert {r.formula for r in find_rules(X) if r.kind == "formula"} == {"lwage = log(wage)"}
    # a column with zeros has no logarithm there: refused with the rows named
    Z = X.assign(wage=X["wage"].where(X.index % 50 != 0, 0.0))
    with pytest.raises(ValueError, match=r"takes the log of a number that is not positive"):
        RuleKeeper([Formula("lwage", "log(wage)")]).fit(Z)
    with pytest.raises(ValueError, match=r"exp\(\) is not a known function; .* log\(\)"):
        Formula("lwage", "exp(wage)")


def test_samplers_compute_a_logarithm_column_from_the_generated_one():
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"wage": rng.lognormal(2, 0.5, 400).round(2),
                      "educ": rng.integers(8, 18, 400)})
    X["lwage"] = np.log(X["wage"])
    sampler = VAESampler(epochs=2, batch_size=100, hidden_dims=(16,), latent_dim=4,
                         random_state=0).fit(X)
    assert "lwage = log(wage)" in {r.formula for r in sampler.rules_.rules_}
    out = sampler.sample(300)
    assert np.allclose(out["lwage"], np.log(out["wage"]))
