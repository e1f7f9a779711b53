"""find_rules: planted rules are found, random tables give none, and it scales."""

import numpy as np
import pandas as pd
import pytest

from sksynth.datasets import load_credit
from sksynth.rules import find_rules


def _planted(n=400, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "minutes": rng.gamma(3, 50, n).round(1),
            "income": rng.lognormal(8, 0.5, n),
            "expenditure": rng.lognormal(6, 0.5, n),
            "a": rng.normal(100, 10, n),
            "b": rng.normal(50, 5, n),
            "count": rng.poisson(1, n),
            "Price": rng.integers(1, 40, n) * 50,
            "city": rng.choice(["Oslo", "Bergen", "Tromso", "Paris", "Lyon"], n),
            "y": rng.choice(["none", "some", "lots"], n),
            "start": pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 300, n), "D"),
        }
    )
    X["charge"] = 0.17 * X["minutes"]
    X["share"] = 12 * X["expenditure"] / X["income"]
    X["total"] = X["a"] + X["b"]
    X["plan"] = np.where(X["count"] > 0, "yes", "no")
    X["region"] = X["city"].map(
        {"Oslo": "NO", "Bergen": "NO", "Tromso": "NO", "Paris": "FR", "Lyon": "FR"}
    )
    X["Amount"] = np.minimum(rng.integers(1, 40, n) * 50, X["Price"])
    X["x"] = np.where(X["y"] == "none", np.nan, rng.normal(size=n))
    X["end"] = X["start"] + pd.to_timedelta(rng.integers(1, 30, n), "D")
    X["Expenses"] = np.where(rng.random(n) < 0.4, 0.0, rng.gamma(2, 30, n).round(2))
    return X


def test_planted_rules_are_found():
    formulas = {r.formula for r in find_rules(_planted())}
    for expected in [
        "charge = 0.17 * minutes",
        "share = 12 * expenditure / income",
        "total = a + b",
        "plan == 'yes' iff count > 0 (else 'no')",
        "city -> region",
        "Price in 50 * k",
        "Amount <= Price",
        "x is missing iff y in {'none'}",
        "start < end",
        "Expenses has point masses at {0}",
        "Expenses in 0.01 * k",
    ]:
        assert expected in formulas, (expected, sorted(formulas))


@pytest.mark.parametrize("seed", range(6))
def test_random_table_gives_no_rules(seed):
    rng = np.random.default_rng(seed)
    n = 50
    X = pd.DataFrame({f"f{i}": rng.normal(size=n) for i in range(6)})
    for i in range(3):
        X[f"i{i}"] = rng.integers(-5, 6, n)
        X[f"c{i}"] = rng.choice(list("abcd"), n)
    X["two"] = rng.choice(["u", "v"], n)
    X["gappy"] = np.where(rng.random(n) < 0.2, np.nan, rng.normal(size=n))
    X["day"] = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 999, n), "D")
    X["day2"] = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 999, n), "D")
    assert list(find_rules(X)) == []


def test_support_and_exceptions_recorded():
    X = _planted()
    X.loc[[3, 7], "total"] += 1.0
    strict = {r.formula for r in find_rules(X)}
    assert "total = a + b" not in strict
    loose = {r.formula: r for r in find_rules(X, min_support=0.99)}
    rule = loose["total = a + b"]
    assert rule.n_exceptions == 2 and rule.exceptions == [3, 7]
    assert rule.support == pytest.approx(1 - 2 / len(X))


def test_input_is_not_modified_and_kinds_filter():
    X = _planted()
    before = X.copy()
    rules = find_rules(X, kinds=["order"])
    pd.testing.assert_frame_equal(X, before)
    assert {r.kind for r in rules} == {"order"}
    with pytest.raises(ValueError, match="Unknown rule kind"):
        find_rules(X, kinds=["orders"])


def test_credit_table_rules_hold():
    X, _ = load_credit(return_X_y=True, as_frame=True)
    rules = find_rules(X)
    for rule in rules:
        assert rule.holds(X).all()


def test_large_table_searches_a_sample_and_confirms_on_all_rows():
    rng = np.random.default_rng(0)
    n = 30_000
    X = pd.DataFrame({f"x{i}": rng.normal(size=n) * (i + 1) for i in range(12)})
    X["total"] = X["x0"] + X["x1"] + X["x2"]
    X["lo"] = rng.gamma(2, 10, n)
    X["hi"] = X["lo"] + rng.gamma(2, 5, n)
    X.loc[n - 1, "hi"] = X.loc[n - 1, "lo"] - 1  # one exception outside any sample
    formulas = {r.formula for r in find_rules(X, sample_rows=500)}
    assert "total = x0 + x1 + x2" in formulas
    assert "lo < hi" not in formulas and "lo <= hi" not in formulas


def test_infinite_and_all_missing_values_are_ignored():
    X = _planted(n=200)
    X.loc[[1, 5], "a"] = np.inf
    X.loc[2, "b"] = -np.inf
    X["empty"] = np.nan
    formulas = {r.formula for r in find_rules(X)}
    assert "city -> region" in formulas


def test_a_power_of_one_column_is_found_as_a_formula():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"age": rng.integers(17, 89, 300), "income": rng.gamma(3, 4, 300)})
    X["agesq"] = X["age"] ** 2
    X["per_hour"] = 1000 / X["income"]
    formulas = {r.target: r.formula for r in find_rules(X, kinds=["formula"])}
    assert formulas.get("agesq") == "agesq = age * age", formulas
    assert "per_hour" in formulas or "income" in formulas, formulas


def test_a_few_round_values_are_no_rounding():
    # years 1999-2010: 2000 is a multiple of 100 and 1000, on a sixth of the rows,
    # but one round value is not a habit of rounding; amounts on many multiples are
    rng = np.random.default_rng(0)
    n = 600
    years = np.arange(1999, 2011)
    X = pd.DataFrame({
        "year": rng.choice(years, n, p=np.where(years == 2000, 2.0, 1.0) / 13),
        "amount": np.where(rng.random(n) < 0.5, rng.integers(1, 40, n) * 100,
                           rng.integers(100, 4000, n)),
    })
    rounding = {r.column: r for r in find_rules(X, kinds=["rounding"])}
    assert "year" not in rounding, rounding["year"].formula
    assert "amount" in rounding and 100 in rounding["amount"].steps
