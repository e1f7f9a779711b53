"""Bands: tight relations that are not exact, found, declared and kept."""

import numpy as np
import pandas as pd
import pytest

from sksynth.generators import ConditionalVAESampler, GANSampler, VAESampler
from sksynth.rules import (
    Band,
    Formula,
    Grid,
    Inequality,
    PointMasses,
    Range,
    RuleKeeper,
    find_rules,
)
from sksynth.rules._expression import Expression

TINY = {"epochs": 2, "batch_size": 50, "hidden_dims": (16,), "latent_dim": 4, "random_state": 0}


def _cells(n=400, seed=0):
    """Radius and an area that is pi r^2 up to one percent, rounded to cents."""
    rng = np.random.default_rng(seed)
    radius = rng.gamma(4, 3, n).round(2) + 1
    noise = rng.normal(0, 0.004, n)
    return pd.DataFrame(
        {
            "radius": radius,
            "area": (np.pi * radius**2 * (1 + noise)).round(2),
            "weight": rng.gamma(2, 5, n).round(1),
            "label": rng.choice(["x", "y"], n),
        }
    )


def test_band_holds_inside_and_says_nothing_where_undefined():
    X = pd.DataFrame({"r": [1.0, 2.0, 3.0, 0.0, np.nan], "area": [3.1, 12.6, 28.3, 5.0, 1.0]})
    band = Band("area", "r ** 2", 3.1, 3.2)
    # 28.3 / 9 = 3.14 holds; 3.1 / 1 holds; 12.6 / 4 = 3.15; r = 0 and r missing: nothing said
    assert band.holds(X).tolist() == [True, True, True, True, True]
    X.loc[2, "area"] = 30.0  # 30 / 9 = 3.33
    assert band.holds(X).tolist() == [True, True, False, True, True]
    assert band.columns == ("area", "r")
    assert band.formula == "area / (r ** 2) in [3.1, 3.2]"
    diff = Band("total", "a + b", -1, 1, scale="difference")
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": [1.0, 1.0], "total": [2.5, 5.0]})
    assert diff.holds(frame).tolist() == [True, False]


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("area", "r ** 2", 3.2, 3.1), {}, "low must not exceed high"),
        (("area", "r ** 2", 0, 3.1), {}, "positive low"),
        (("area", "r ** 2", 1, 2), {"scale": "log"}, "scale must be one of"),
        (("area", "area * 2", 1, 2), {}, "its own target"),
        (("area", "r ** b", 1, 2), {}, "power that is not a number"),
        (("area", "r ** 2", np.nan, 2), {}, "low must be a finite number"),
    ],
)
def test_band_refuses_bad_declarations(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        Band(*args, **kwargs)


def test_find_rules_finds_a_planted_band_and_not_a_loose_correlation():
    X = _cells()
    rng = np.random.default_rng(1)
    X["loose"] = X["weight"] * 2 + rng.normal(0, 10, len(X))  # correlated, far from tight
    bands = [r for r in find_rules(X) if r.kind == "band"]
    assert len(bands) == 1, [b.formula for b in bands]
    band = bands[0]
    assert set(band.columns) == {"area", "radius"}
    assert band.holds(X).all()
    # reported like every found rule: it holds on every row
    assert (band.support, band.n_exceptions, band.exceptions) == (1.0, 0, [])
    assert find_rules(X).to_frame().set_index("kind").loc["band", "support"] == 1.0
    # the exponent found is close to the true one (2 for area on radius, 0.5 back)
    exponent = float(band.formula.split("** ")[1].split(")")[0])
    assert exponent == pytest.approx(2.0 if band.target == "area" else 0.5, rel=0.02)


def test_keeper_round_trips_and_generated_rows_stay_in_the_band():
    X = _cells()
    band = Band("area", "radius ** 2", 3.1, 3.18)
    keeper = RuleKeeper([band]).fit(X)
    Z = keeper.transform(X)
    assert (Z["area"] - np.log(np.pi)).abs().max() < 0.02  # the log-ratio, not the area
    back = keeper.inverse_transform(Z)
    pd.testing.assert_frame_equal(back, X)
    # positions outside the band are pulled in; values land on the cents grid
    Z["area"] = np.random.default_rng(0).normal(np.log(np.pi), 0.5, len(Z))
    out = keeper.inverse_transform(Z)
    assert band.holds(out).all()
    np.testing.assert_allclose(out["area"] * 100, (out["area"] * 100).round(), atol=1e-6)


@pytest.mark.parametrize("cls", [GANSampler, VAESampler, ConditionalVAESampler])
def test_every_sampler_keeps_found_and_declared_bands(cls):
    X = _cells()
    found = cls(**TINY).fit(X)
    kept = [r for r in found.rules_.rules_ if r.kind == "band"]
    assert len(kept) == 1
    out = found.sample(300)
    assert kept[0].holds(out).all()
    pd.testing.assert_series_equal(out.dtypes, X.dtypes)
    band = Band("area", "radius ** 2", 3.1, 3.18)
    out = cls(rules=[band], **TINY).fit(X).sample(300)
    assert band.holds(out).all()


def test_undefined_formula_rows_get_values_like_the_training_ones():
    X = _cells()
    X.loc[:19, "radius"] = np.nan  # the area is known, the radius is not
    band = Band("area", "radius ** 2", 3.1, 3.18)
    keeper = RuleKeeper([band]).fit(X)
    out = keeper.inverse_transform(keeper.transform(X), random_state=0)
    missing = out["radius"].isna()
    assert out.loc[missing, "area"].notna().all()
    assert out.loc[missing, "area"].isin(X.loc[:19, "area"]).all()
    pd.testing.assert_frame_equal(out[~missing], X[~missing])


def _shares(n=900, seed=0):
    """A share computed from an expenditure rounded down to whole units, a quarter at zero."""
    rng = np.random.default_rng(seed)
    income = rng.gamma(5, 0.7, n).round(2) + 0.2
    spent = rng.gamma(1.2, 150, n) * (rng.random(n) > 0.25)
    expenditure = np.floor(spent)
    return pd.DataFrame(
        {
            "income": income,
            "expenditure": expenditure,
            "share": 0.0012 * (expenditure + 1) / income,
            "age": rng.uniform(20, 70, n).round(1),
        }
    )


def test_a_partner_uncorrelated_on_its_own_joins_a_band_and_the_difference_is_kept():
    X = _shares()
    # income alone hardly correlates with share: only the leftover of share ~ expenditure
    # points to it
    assert abs(np.corrcoef(X["income"], X["share"])[0, 1]) < 0.5
    bands = [r for r in find_rules(X) if r.kind == "band"]
    assert len(bands) == 1
    band = bands[0]
    assert band.target == "share"
    assert set(band.columns) == {"share", "expenditure", "income"}
    assert band.scale == "difference"
    # the true relation: share - 0.0012 * expenditure / income = 0.0012 / income, between
    # 0.0012 / max(income) and 0.0012 / min(income)
    assert band.low >= -1e-6
    assert band.high <= 0.0012 / X["income"].min() * 1.01
    assert band.holds(X).all()


def test_point_masses_of_a_bands_target_are_kept_with_the_band():
    # a weight follows its size cubed, and a third of the weights sit on two round
    # values: the band computes the weight, the masses come back where the band allows
    rng = np.random.default_rng(0)
    n = 600
    size = rng.uniform(0.5, 1.2, n)
    weight = size**3 * rng.uniform(0.8, 1.25, n)
    for mass in (0.3, 1.0):
        allowed = (mass / size**3 >= 0.8) & (mass / size**3 <= 1.25)
        weight = np.where(allowed & (rng.random(n) < 0.6), mass, weight)
    X = pd.DataFrame({"size": size, "weight": weight})
    band = Band("weight", "size ** 3", 0.8, 1.25)
    masses = PointMasses("weight", [0.3, 1.0])
    sampler = VAESampler(rules=[band, masses], **TINY).fit(X)
    assert [r.kind for r in sampler.rules_.rules_] == ["band", "point masses"]
    out = sampler.sample(2000, random_state=0)
    assert band.holds(out).all()
    on_mass = out["weight"].isin([0.3, 1.0]).mean()
    assert on_mass > 0.05, on_mass


def _stones(n=500, seed=0):
    """Stones whose depth z is depth% of the mean of x and y; one row has a stray z of 0."""
    rng = np.random.default_rng(seed)
    y = rng.gamma(9, 0.6, n).round(2) + 2
    x = (y * rng.normal(1, 0.005, n)).round(2)
    depth = rng.normal(62, 1.2, n).round(1)
    z = (depth / 100 * (x + y) / 2).round(2)
    weight = (0.0061 * x * y * z * rng.normal(1, 0.01, n)).round(2)
    z[7] = 0.0  # a recording slip, as real tables have
    return pd.DataFrame({"x": x, "y": y, "z": z, "depth": depth, "weight": weight})


def test_a_stray_zero_does_not_hide_a_ratio_band():
    X = _stones()
    bands = {r.target: r for r in find_rules(X) if r.kind == "band"}
    assert "z" in bands, [b.formula for b in bands.values()]
    band = bands["z"]
    # z follows depth times a size: a ratio band, tight, and silent on the zero row
    assert band.scale == "ratio"
    assert "depth" in band.columns
    assert band.high / band.low < 1.05, band.formula
    for found in bands.values():
        assert found.holds(X).all(), found.formula


def test_a_ratio_band_keeps_a_target_that_is_not_positive():
    X = _stones()
    band = Band("z", "y * depth", 0.0099, 0.0101)
    assert band.holds(X).all()  # the zero z: the ratio band says nothing there
    keeper = RuleKeeper([band]).fit(X)
    Z = keeper.transform(X)
    assert np.isnan(Z.loc[7, "z"])  # no position for the zero
    pd.testing.assert_frame_equal(keeper.inverse_transform(Z), X)
    # generated rows without a position take a value the band says nothing about
    Z["z"] = np.nan
    out = keeper.inverse_transform(Z, random_state=0)
    assert (out["z"] == 0).all()
    assert band.holds(out).all()


def test_each_band_is_the_tightest_of_several_starting_columns():
    # t is a * b almost exactly; c is a * b to one percent and correlates with t more
    # strongly than a does: a fit started from c alone explains t well enough to stop
    # there, with a band thirty times wider than the one through a and b
    rng = np.random.default_rng(0)
    n = 800
    a = rng.uniform(1, 10, n)
    b = rng.uniform(1, 1.6, n)
    X = pd.DataFrame(
        {
            "a": a.round(3),
            "b": b.round(3),
            "t": (a * b * rng.normal(1, 0.0005, n)).round(3),
            "c": (a * b * rng.normal(1, 0.01, n)).round(3),
        }
    )
    bands = {r.target: r for r in find_rules(X) if r.kind == "band"}
    assert "t" in bands, [r.formula for r in bands.values()]
    band = bands["t"]
    assert set(band.columns) == {"a", "b", "t"}, band.formula
    assert band.scale == "ratio" and band.high / band.low < 1.01, band.formula
    for found in bands.values():
        assert found.holds(X).all(), found.formula


def test_a_band_that_reads_another_bands_target_is_kept_in_order():
    # the stones' bands chain: one computes z, another reads z to compute y
    X = _stones()
    sampler = VAESampler(**TINY).fit(X)
    bands = [r for r in sampler.rules_.rules_ if r.kind == "band"]
    targets = {b.target for b in bands}
    assert any(set(b.columns) - {b.target} & targets for b in bands), [b.formula for b in bands]
    out = sampler.sample(500, random_state=0)
    for rule in sampler.rules_.rules_:
        assert rule.holds(out).all(), rule.formula


def _states_by_year(first=1982, last=1988, n_states=40, seed=0):
    """State rows per year, with national columns that repeat one value per year."""
    rng = np.random.default_rng(seed)
    years = np.arange(first, last + 1)
    national = pd.DataFrame({
        "year": years,
        "unemployment": rng.uniform(5, 10, len(years)).round(2),
        "employment": 0,
    })
    national["employment"] = (
        0.4 * national["year"] - 0.1 * national["unemployment"] - 733
        + rng.normal(0, 0.05, len(years))
    ).round(3)
    frame = national.loc[np.repeat(np.arange(len(years)), n_states)].reset_index(drop=True)
    population = rng.lognormal(14, 1, n_states)
    frame["population"] = np.tile(population, len(years)) * (1 + 0.01 * (frame["year"] - first))
    # the young share falls a little each year, on top of a per-row spread
    share = 0.07 - 0.03 * (frame["year"] - first) / len(years) + rng.normal(0, 0.002, len(frame))
    frame["young"] = frame["population"] * share
    return frame


def test_a_band_needs_many_distinct_points():
    X = _states_by_year()
    # employment follows year and unemployment closely, but on seven distinct points:
    # 280 rows repeat them, and no held-out half can confirm such a fit
    for rule in find_rules(X, kinds=["band"]):
        assert rule.target != "employment" and "employment" not in rule.columns, rule.formula
        assert set(rule.columns) != {"year", "unemployment"}, rule.formula


def test_a_calendar_year_is_no_factor_of_a_ratio_band():
    X = _states_by_year(1960, 1999, n_states=10)
    bands = [r for r in find_rules(X, kinds=["band"]) if r.scale == "ratio"]
    # the young follow the population; the year (values within a percent of each
    # other) would enter only with an exponent fitting the trend
    assert any(set(b.columns) >= {"young", "population"} for b in bands), (
        [b.formula for b in bands]
    )
    for band in bands:
        assert "year" not in band.columns, band.formula
        assert band.holds(X).all()


def test_a_generated_row_without_a_position_gets_one_where_real_rows_always_have_one():
    X = _cells()
    X.loc[:9, "radius"] = 0.0  # the band says nothing on these rows
    band = Band("area", "radius ** 2", 3.1, 3.2)
    keeper = RuleKeeper([band]).fit(X)
    Z = keeper.transform(X)
    assert Z["area"].isna().sum() == 10  # no position where the radius is 0
    # the model learnt missing positions from those rows, and may give one anywhere
    Z.loc[20:59, "area"] = np.nan
    out = keeper.inverse_transform(Z, random_state=0)
    assert out["area"].notna().all()
    assert band.holds(out).all()
    ratio = out.loc[20:59, "area"] / out.loc[20:59, "radius"] ** 2
    assert ratio.between(3.1, 3.2).all()


def test_a_band_narrower_than_its_columns_grid_is_not_kept():
    # heights in whole inches, and in metres to the centimetre: inches follow
    # metres within half an inch, but an inch count rarely fits such a band
    rng = np.random.default_rng(0)
    inches = rng.integers(68, 90, 400)
    X = pd.DataFrame({"inches": inches, "metres": (inches * 0.0254).round(2)})
    gap = X["inches"] - 39.7 * X["metres"]
    narrow = Band("inches", "39.7 * metres", gap.min(), gap.max(), scale="difference")
    assert gap.max() - gap.min() < 1
    assert narrow.holds(X).all()
    with pytest.raises(ValueError, match="narrower than the grid of 'inches'"):
        RuleKeeper([narrow]).fit(X)
    for band in (r for r in find_rules(X) if r.kind == "band"):
        assert band.target != "inches", band.formula
    sampler = VAESampler(**TINY).fit(X)
    out = sampler.sample(300)
    assert out["inches"].dtype == X["inches"].dtype
    for rule in sampler.rules_.rules_:
        assert rule.holds(out).all(), rule.formula


def _firms(n=400, seed=0):
    """Costs about 0.006 per unit of output give or take a fixed amount, never below 0."""
    rng = np.random.default_rng(seed)
    output = rng.lognormal(6, 1.5, n).round()
    cost = 0.006 * output + rng.uniform(-20, 40, n)
    cost = np.where(cost < 0, rng.uniform(0.05, 1.0, n), cost).round(3)
    return pd.DataFrame({"output": output, "cost": cost})


def test_an_expression_is_bounded_over_a_box_of_its_columns():
    box = {"x": (-2.0, 1.0), "y": (2.0, 4.0)}
    assert Expression("3 * x - y + 1").interval(box) == (-9.0, 2.0)
    assert Expression("x * y").interval(box) == (-8.0, 4.0)
    assert Expression("x ** 2").interval(box) == (0.0, 4.0)  # crosses zero
    assert Expression("x / y").interval(box) == (-1.0, 0.5)
    assert Expression("log(y) + floor(y / 3)").interval(box) == pytest.approx(
        (np.log(2.0), np.log(4.0) + 1)
    )
    # no bound: a division by, a log of and a root of an interval holding zero
    for text in ("y / x", "log(x)", "x ** 0.5", "y ** -1 + x ** -1"):
        assert Expression(text).interval(box) is None, text


def test_a_difference_band_keeps_its_column_within_a_range_by_reflection():
    X = _firms()
    gap = X["cost"] - 0.006 * X["output"]
    band = Band("cost", "0.006 * output", gap.min(), gap.max(), scale="difference")
    floor = Range("cost", 0)
    keeper = RuleKeeper([band, floor]).fit(X)
    assert keeper.skipped_ == []
    pd.testing.assert_frame_equal(keeper.inverse_transform(keeper.transform(X)), X)
    # positions at the band's low end: on small outputs below 0, mirrored above it
    Z = keeper.transform(X)
    Z["cost"] = np.random.default_rng(1).uniform(gap.min(), gap.min() + 5, len(Z))
    out = keeper.inverse_transform(Z)
    assert band.holds(out).all()
    assert floor.holds(out).all()
    small = 0.006 * X["output"] + Z["cost"] < 0
    assert small.sum() > 50
    expected = -(0.006 * X["output"] + Z["cost"])[small]
    np.testing.assert_allclose(out.loc[small, "cost"], expected, atol=6e-4)
    assert (out["cost"] == 0).mean() < 0.01  # no pile on the bound


def test_a_band_leaves_out_a_range_its_inputs_could_take_it_off():
    # debt follows x - y, which real rows keep positive, but not the ranges of
    # x and y alone: a generated row with a small x and a large y has no room
    rng = np.random.default_rng(0)
    y = rng.uniform(0, 100, 400)
    x = y + rng.uniform(0, 50, 400)
    X = pd.DataFrame({"x": x, "y": y, "debt": x - y + rng.uniform(0, 1, 400)})
    band, floor = Band("debt", "x - y", 0, 1, scale="difference"), Range("debt", 0)
    with pytest.raises(ValueError, match="where its formula is lowest, the band lies below 0"):
        RuleKeeper([band, floor]).fit(X)
    keeper = RuleKeeper([band, floor], declared=False).fit(X)
    assert [rule for rule, _ in keeper.skipped_] == [floor]
    X = _firms()
    # an input computed by another rule has no known range either
    X["double"] = 2 * X["output"]
    computed = Band("cost", "0.003 * double", -20, 40, scale="difference")
    keeper = RuleKeeper([Formula("double", "2 * output"), computed, Range("cost", 0)],
                        declared=False).fit(X)
    assert "input 'double' is computed by another rule" in keeper.skipped_[0][1]


@pytest.mark.parametrize("cls", [VAESampler, ConditionalVAESampler])
def test_samplers_keep_a_band_and_a_range_of_its_column(cls):
    X = _firms()
    X["label"] = np.where(X["output"] > X["output"].median(), "big", "small")
    gap = X["cost"] - 0.006 * X["output"]
    rules = [Band("cost", "0.006 * output", gap.min(), gap.max(), scale="difference"),
             Range("cost", 0), Range("output", 0)]
    out = cls(rules=rules, **TINY).fit(X).sample(500)
    for rule in rules:
        assert rule.holds(out).all(), rule.formula
    # a ratio band's values are positive: a lower bound of zero needs nothing more
    ratio = [Band("area", "radius ** 2", 3.1, 3.18), Range("area", 0)]
    out = cls(rules=ratio, **TINY).fit(_cells()).sample(300)
    for rule in ratio:
        assert rule.holds(out).all(), rule.formula


def test_a_ratio_band_keeps_a_grid_of_its_column_where_it_is_always_wider_than_a_step():
    # upper bounds of an estimate in thousands, about 5 % above it
    rng = np.random.default_rng(0)
    value = rng.uniform(8e6, 12e6, 300).round(-3)
    X = pd.DataFrame({"value": value,
                      "ub": (value * rng.uniform(1.04, 1.06, 300)).round(-3)})
    ratio = X["ub"] / X["value"]
    band, grid = Band("ub", "value", ratio.min(), ratio.max()), Grid("ub", 1000)
    keeper = RuleKeeper([band, grid]).fit(X)
    pd.testing.assert_frame_equal(keeper.inverse_transform(keeper.transform(X)), X)
    Z = keeper.transform(X)
    Z["ub"] = np.random.default_rng(1).normal(np.log(1.05), 0.02, len(Z))
    out = keeper.inverse_transform(Z)
    assert band.holds(out).all() and grid.holds(out).all()
    # a grid wider than the band where the value is smallest cannot be kept
    millions = pd.DataFrame({"ub": np.arange(8, 13) * 1e6})
    millions["value"] = millions["ub"] / 1.05
    with pytest.raises(ValueError, match="the band is narrower than a step"):
        RuleKeeper([Band("ub", "value", 1.049, 1.051), Grid("ub", 1e6)]).fit(millions)
    for cls in (VAESampler, GANSampler):
        X = pd.DataFrame({"value": value, "ub": (value * 1.05).round(-3)})
        out = cls(rules=[band, grid], **TINY).fit(X).sample(300)
        assert band.holds(out).all() and grid.holds(out).all()


def test_a_bands_values_are_the_decimals_a_table_holds():
    # 427 * 0.01 is 4.2700000000000005, a number no table of cents holds: a
    # classifier could tell such rows from real ones by it
    X = _cells()
    keeper = RuleKeeper([Band("area", "radius ** 2", 3.1, 3.18)]).fit(X)
    Z = keeper.transform(X)
    Z["area"] = np.random.default_rng(0).uniform(np.log(3.1), np.log(3.18), len(Z))
    out = keeper.inverse_transform(Z)["area"]
    assert (out == out.round(2)).all()
    assert out.map(lambda v: float(f"{v:.2f}") == v).all()


def _votes(n=600, seed=0):
    """Two candidates' votes and a total off their sum by blank and spoilt ballots."""
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, 1000, n), rng.integers(0, 1000, n)
    X = pd.DataFrame({"a": a, "b": b, "total": a + b + rng.integers(-300, 100, n)})
    return X[(X["a"] <= X["total"]) & (X["b"] < X["total"])].reset_index(drop=True)


def test_a_difference_band_keeps_orders_whose_larger_side_it_computes():
    X = _votes()
    gap = X["total"] - X["a"] - X["b"]
    band = Band("total", "a + b", gap.min(), gap.max(), scale="difference")
    orders = [Inequality("a", "total"), Inequality("b", "total", strict=True)]
    keeper = RuleKeeper([band, *orders]).fit(X)
    assert list(keeper.rules_) == [band, *orders]
    pd.testing.assert_frame_equal(keeper.inverse_transform(keeper.transform(X)), X)
    # positions at the band's low end put many totals below a candidate's votes
    Z = keeper.transform(X)
    Z["total"] = np.random.default_rng(1).uniform(gap.min(), gap.min() + 50, len(Z))
    below = (X["a"] + X["b"] + Z["total"] < X[["a", "b"]].max(axis=1)).mean()
    assert below > 0.2
    out = keeper.inverse_transform(Z)
    for rule in (band, *orders):
        assert rule.holds(out).all(), rule.formula
    assert out["total"].dtype == X["total"].dtype
    # not a pile on the smaller side: mirrored above it
    assert ((out["total"] == out["a"]) | (out["total"] == out["b"] + 1)).mean() < 0.05
    for cls in (VAESampler, GANSampler):
        out = cls(rules=[band, *orders], **TINY).fit(X).sample(500)
        for rule in (band, *orders):
            assert rule.holds(out).all(), (cls.__name__, rule.formula)


def test_a_band_leaves_out_an_order_it_cannot_keep_on_every_row():
    X = _votes()
    gap = X["total"] - X["a"] - X["b"]
    # a smaller side outside the formula: its training range reaches above the
    # band, though it usually sits far below the total (the band is no looser
    # than the order's gap, so found, the band stays and the order goes)
    some = np.random.default_rng(2).random(len(X)) < 0.1
    X["c"] = np.where(some, X["total"], X["total"] // 3)
    band = Band("total", "a + b", gap.min(), gap.max(), scale="difference")
    with pytest.raises(ValueError, match="the band can lie below 'c' over their training range"):
        RuleKeeper([band, Inequality("c", "total")]).fit(X)
    keeper = RuleKeeper([band, Inequality("c", "total")], declared=False).fit(X)
    assert [r.kind for r, _ in keeper.skipped_] == ["order"]
    # a ratio band's width changes with its formula: no order is kept with it
    cells = _cells()
    ratio = Band("area", "radius ** 2", 3.1, 3.18)
    with pytest.raises(ValueError, match="only a difference band around a sum"):
        RuleKeeper([ratio, Inequality("radius", "area")]).fit(cells)


def test_an_order_is_kept_where_its_smaller_side_is_another_bands_column():
    # a's votes follow twice d's; the total follows a + b: a's generated range
    # is known from d's through its band, so the order a <= total can be kept
    X = _votes()
    rng = np.random.default_rng(3)
    X["d"] = (X["a"] - rng.integers(0, 10, len(X))) // 2
    X["a"] = np.maximum(2 * X["d"] + rng.integers(0, 10, len(X)), 0)
    X = X[(X["a"] <= X["total"]) & (X["d"] >= 0)].reset_index(drop=True)
    inner = X["a"] - 2 * X["d"]
    outer = X["total"] - X["a"] - X["b"]
    rules = [Band("total", "a + b", outer.min(), outer.max(), scale="difference"),
             Band("a", "2 * d", inner.min(), inner.max(), scale="difference"),
             Inequality("a", "total"), Range("a", 0)]
    keeper = RuleKeeper(rules).fit(X)
    assert list(keeper.rules_) == rules
    out = VAESampler(rules=rules, **TINY).fit(X).sample(500)
    for rule in rules:
        assert rule.holds(out).all(), rule.formula


def _calls(n=800, seed=0):
    """Call minutes to the tenth and a charge of 0.27 a minute in cents, rounded half up."""
    rng = np.random.default_rng(seed)
    minutes = np.round(rng.gamma(4.0, 2.5, n), 1)
    minutes[rng.random(n) < 0.05] = 0.0
    charge = np.floor(np.round(27 * minutes, 6) + 0.5) / 100
    return pd.DataFrame({"minutes": minutes, "calls": rng.poisson(4, n), "charge": charge})


def test_a_charge_rounded_from_minutes_is_found_as_a_band_a_step_wide():
    X = _calls()
    gap = X["charge"] - 0.27 * X["minutes"]
    # rounded half up, the charge is never half a cent below the formula: the
    # gaps seen are less than a cent apart
    assert gap.max() - gap.min() < 0.01
    bands = [r for r in find_rules(X) if r.kind == "band"]
    # the charge is computed from the minutes, not the minutes from the
    # charge (most cent values have no minutes to the tenth at all)
    assert [(b.target, str(b.expression), b.scale) for b in bands] == [
        ("charge", "0.27 * minutes", "difference")
    ]
    band = bands[0]
    assert band.high - band.low >= 0.01
    assert band.low <= gap.min() and gap.max() <= band.high
    assert band.high - band.low < 0.0101


@pytest.mark.parametrize("cls", [VAESampler, GANSampler])
def test_samplers_compute_a_rounded_charge_from_the_minutes(cls):
    X = _calls()
    sampler = cls(**TINY).fit(X)
    kept = {r.formula for r in sampler.rules_.rules_}
    assert "charge >= 0" in kept  # zero is on the cent grid: the band can take it
    out = sampler.sample(500)
    gap = out["charge"] - 0.27 * out["minutes"]
    assert gap.abs().max() <= 0.0055 + 1e-9
    cents = out["charge"] * 100
    assert np.allclose(cents, cents.round(), atol=1e-6)
    assert (out["charge"] >= 0).all()


def test_a_band_keeps_a_bound_on_its_grid_with_no_step_of_room():
    band = Band("charge", "0.27 * minutes", -0.0045, 0.0055, scale="difference")
    X = _calls()
    # at no minutes the band holds one cent value, 0, which is the bound
    keeper = RuleKeeper([band, Range("charge", low=0)]).fit(X)
    assert len(keeper.rules_) == 2
    out = keeper.inverse_transform(keeper.transform(X).assign(charge=-0.0045))
    assert (out["charge"] >= 0).all() and band.holds(out).all()
    # calls of 0.3 minutes at least: the band's top is 0.0865 at its lowest,
    # above the cent value 0.08; a bound off the grid needs a step of room
    # above it, which 0.078 does not have
    X = X[X["minutes"] >= 0.3].copy()
    X.loc[X.index[0], ["minutes", "charge"]] = [0.3, 0.08]
    assert RuleKeeper([band, Range("charge", low=0.08)]).fit(X).rules_[1].low == 0.08
    with pytest.raises(ValueError, match="the band lies below 0.078"):
        RuleKeeper([band, Range("charge", low=0.078)]).fit(X)


def _prices(n=600, seed=0):
    """A day's open, high, low and close: following each other, a few cents apart."""
    rng = np.random.default_rng(seed)
    level = 50 + np.cumsum(rng.normal(0.2, 1.0, n))
    open_ = level + rng.normal(0, 0.5, n)
    close = open_ + rng.normal(0, 0.8, n)
    high = np.maximum(open_, close) + rng.exponential(0.4, n)
    low = np.minimum(open_, close) - rng.exponential(0.4, n)
    return pd.DataFrame({"open": open_, "high": high, "low": low, "close": close}).round(2)


@pytest.mark.parametrize("cls", [VAESampler, GANSampler])
def test_found_orders_win_over_a_band_that_would_often_break_them(cls):
    X = _prices()
    orders = [Inequality("low", "open"), Inequality("low", "close"),
              Inequality("open", "high"), Inequality("close", "high")]
    assert all(order.holds(X).all() for order in orders)
    sampler = cls(**TINY).fit(X)
    kept = {rule.formula for rule in sampler.rules_.rules_}
    assert {order.formula for order in orders} <= kept
    reasons = [why for rule, why in sampler.rules_.skipped_ if rule.kind == "band"]
    assert reasons and all("would often break the order" in why for why in reasons)
    out = sampler.sample(500)
    for order in orders:
        assert order.holds(out).all(), order.formula


def test_a_band_well_inside_an_orders_gap_is_kept():
    # a day's mean temperature: halfway between its minimum and maximum within
    # half a degree, while they sit ten degrees apart
    rng = np.random.default_rng(0)
    low = rng.normal(50, 10, 600).round(1)
    high = (low + rng.normal(12, 3, 600).clip(2)).round(1)
    mean = ((low + high) / 2 + rng.normal(0, 0.2, 600)).round(1)
    X = pd.DataFrame({"low": low, "mean": mean, "high": high})
    keeper = RuleKeeper(find_rules(X), declared=False).fit(X)
    assert [rule.target for rule in keeper.rules_ if rule.kind == "band"] == ["mean"]


def _routes_and_air_times(n=1500, seed=0):
    """A route decides its distance; the air time follows the distance, missing on some rows."""
    rng = np.random.default_rng(seed)
    origins, dests = ["EWR", "JFK", "LGA"], [f"D{i}" for i in range(30)]
    distance = {(o, d): int(rng.integers(200, 2500)) for o in origins for d in dests}
    origin, dest = rng.choice(origins, n), rng.choice(dests, n)
    miles = np.array([distance[pair] for pair in zip(origin, dest, strict=True)])
    air_time = np.round(0.12 * miles + 20 + rng.normal(0, 6, n))
    air_time[rng.random(n) < 0.03] = np.nan  # cancelled flights
    return pd.DataFrame({"origin": origin, "dest": dest, "distance": miles,
                         "air_time": air_time})


def test_a_band_reads_a_looked_up_column_and_has_missing_values():
    X = _routes_and_air_times()
    found = find_rules(X)
    assert "(origin, dest) -> distance" in {r.formula for r in found}
    band = next(r for r in found if r.kind == "band")
    assert band.target == "air_time" and band.expression.columns == ("distance",)
    sampler = VAESampler(**{**TINY, "epochs": 30}).fit(X)
    kept = {r.kind for r in sampler.rules_.rules_}
    assert {"dependency", "band"} <= kept
    out = sampler.sample(600, random_state=0)
    assert band.holds(out).all()
    # the missing air times come back, about as often as in the real rows (3 %)
    assert 0 < out["air_time"].isna().mean() < 0.1
