"""Calendar parts: a column read from a date column, found, declared and kept."""

import numpy as np
import pandas as pd
import pytest

from sksynth.generators import ConditionalVAESampler, GANSampler, VAESampler
from sksynth.io import load_sampler, save_sampler
from sksynth.rules import DatePart, Formula, RuleKeeper, find_rules

TINY = {"epochs": 2, "batch_size": 100, "hidden_dims": (16,), "latent_dim": 4, "random_state": 0}


def _visits(n=600, seed=0):
    """Visits with their date and the date's parts as a person would store them."""
    rng = np.random.default_rng(seed)
    date = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 5 * 365, n), unit="D")
    date = pd.Series(date)
    return pd.DataFrame({
        "date": date,
        "year": date.dt.year,
        "month": date.dt.strftime("%B"),  # "January"
        "weekday": date.dt.day_of_week.map(lambda d: (d + 1) % 7 + 1),  # Sunday = 1
        "ward": rng.choice(["A", "B", "C"], n),
        "slot": rng.integers(1, 8, n),  # 1..7 like a weekday, but unrelated
        "cost": rng.gamma(2, 50, n).round(2),
    })


def test_date_part_holds_and_refuses_bad_declarations():
    X = _visits()
    assert DatePart("year", "date", "year").holds(X).all()
    assert DatePart("weekday", "date", "weekday").holds(X).all()
    assert not DatePart("slot", "date", "weekday").holds(X).all()
    with pytest.raises(ValueError, match="part must be one of"):
        DatePart("year", "date", "century")
    with pytest.raises(ValueError, match="two different columns"):
        DatePart("date", "date", "year")
    with pytest.raises(ValueError, match="reads a date column"):
        RuleKeeper([DatePart("slot", "cost", "month")]).fit(X)


def test_find_rules_finds_the_parts_of_a_date_and_not_a_look_alike():
    X = _visits()
    parts = {r.column: r.part for r in find_rules(X) if r.kind == "date part"}
    assert parts == {"year": "year", "month": "month", "weekday": "weekday"}


def test_keeper_reads_parts_from_any_date_and_puts_the_date_on_its_weekday():
    X = _visits()
    rules = [DatePart("year", "date", "year"), DatePart("month", "date", "month"),
             DatePart("weekday", "date", "weekday")]
    keeper = RuleKeeper(rules).fit(X)
    Z = keeper.transform(X)
    assert {"year", "month"}.isdisjoint(Z.columns) and "weekday" in Z.columns
    assert (Z["date"].dt.day_of_week == 0).all()  # the Monday of each date's week
    pd.testing.assert_frame_equal(keeper.inverse_transform(Z), X)
    # generated rows: a date the training rows never had and any weekday; the
    # date moves to that weekday of its week, and the year and month follow it
    Z["date"] = pd.Series(pd.to_datetime(["2031-07-04", "1999-02-28"] * 300))
    Z["weekday"] = [1, 4] * 300  # Sunday, Wednesday (counted from Sunday = 1)
    out = keeper.inverse_transform(Z, random_state=0)
    assert out.loc[0, "date"] == pd.Timestamp("2031-07-06")  # the Sunday of that week
    assert out.loc[1, "date"] == pd.Timestamp("1999-02-24")
    assert out.loc[0, ["year", "month", "weekday"]].tolist() == [2031, "July", 1]
    assert out.loc[1, ["year", "month", "weekday"]].tolist() == [1999, "February", 4]
    assert out.dtypes.equals(X.dtypes)
    for rule in keeper.rules_:
        assert rule.holds(out).all(), rule.formula


def _parts():
    return [DatePart("year", "date", "year"), DatePart("month", "date", "month"),
            DatePart("weekday", "date", "weekday")]


def test_auto_keeps_date_parts_and_learns_the_weekday_with_the_other_columns():
    X = _visits()
    # a cost that depends on the weekday: the model must see the weekday to learn it
    X["cost"] = np.where(X["weekday"].isin([1, 7]), 500.0, 50.0)
    sampler = VAESampler(**{**TINY, "epochs": 60}).fit(X)
    kept = {r.column: r for r in sampler.rules_.rules_ if r.kind == "date part"}
    assert set(kept) == {"year", "month", "weekday"}
    assert kept["weekday"]._writes() == ("date",)  # learnt; the date follows it
    out = sampler.sample(2000)
    for rule in sampler.rules_.rules_:
        assert rule.holds(out).all(), rule.formula
    weekend = out["date"].dt.day_of_week >= 5
    assert out.loc[weekend, "cost"].mean() > 2 * out.loc[~weekend, "cost"].mean()


def test_a_second_weekday_column_follows_the_first():
    X = _visits()
    X["day_name"] = X["date"].dt.strftime("%a")
    found = [r for r in find_rules(X) if "day_name" in r.columns or r.kind == "date part"]
    formulas = {r.formula for r in found}
    assert "weekday is the weekday of date" in formulas
    assert "weekday -> day_name" in formulas


@pytest.mark.parametrize("cls", [VAESampler, GANSampler])
def test_samplers_keep_declared_date_parts_in_every_row_and_in_model_files(cls, tmp_path):
    X = _visits()
    sampler = cls(rules=_parts(), **TINY).fit(X)
    assert [r.kind for r in sampler.rules_.rules_] == ["date part"] * 3
    out = sampler.sample(400)
    assert out.dtypes.equals(X.dtypes)
    for rule in sampler.rules_.rules_:
        assert rule.holds(out).all(), rule.formula
    assert (out["year"] == out["date"].dt.year).all()
    save_sampler(sampler, tmp_path / "model.skm")
    again = load_sampler(tmp_path / "model.skm").sample(400, random_state=1)
    assert (again["month"] == again["date"].dt.strftime("%B")).all()


def test_conditional_sampler_keeps_a_date_part_beside_its_target():
    X = _visits()
    y = X.pop("ward")
    sampler = ConditionalVAESampler(rules=_parts(), **TINY).fit(X, y)
    X_res, y_res = sampler.fit_resample(X, y)
    assert len(sampler.rules_.rules_) == 3
    for rule in sampler.rules_.rules_:
        assert rule.holds(X_res).all(), rule.formula


def test_a_weekday_of_zoned_times_moves_by_the_calendar_across_clock_changes():
    # times around the spring and autumn clock changes of New York
    times = pd.Series(pd.to_datetime([
        "2013-03-08 22:30", "2013-03-11 01:15", "2013-03-12 09:00",
        "2013-11-01 23:45", "2013-11-04 00:30", "2013-11-05 12:00",
    ] * 10).tz_localize("America/New_York"))
    X = pd.DataFrame({"time": times, "day": times.dt.day_of_week})  # Monday = 0
    keeper = RuleKeeper([DatePart("day", "time", "weekday")]).fit(X)
    Z = keeper.transform(X)
    pd.testing.assert_frame_equal(keeper.inverse_transform(Z), X)
    Z["day"] = [6, 5, 0] * 20  # Sunday, Saturday, Monday: across each change
    out = keeper.inverse_transform(Z, random_state=0)
    assert (out["time"].dt.day_of_week == out["day"]).all()
    # the clock time of each row is kept
    assert (out["time"].dt.strftime("%H:%M") == X["time"].dt.strftime("%H:%M")).all()


def test_the_weekday_and_the_hour_of_one_time_are_both_learnt():
    rng = np.random.default_rng(0)
    n = 1500
    times = pd.Series(pd.Timestamp("2021-01-04") + pd.to_timedelta(
        rng.integers(0, 200 * 24 * 60, n), unit="min"))
    X = pd.DataFrame({"time": times, "day": times.dt.strftime("%A"), "hour": times.dt.hour,
                      "month": times.dt.month})
    found = {r.column: r for r in find_rules(X) if r.kind == "date part"}
    assert {"day", "hour", "month"} <= set(found)
    assert found["day"]._writes() == found["hour"]._writes() == ("time",)
    sampler = VAESampler(**TINY).fit(X)
    assert {"day", "hour", "month"} <= {
        r.column for r in sampler.rules_.rules_ if r.kind == "date part"
    }
    out = sampler.sample(3000)
    for rule in sampler.rules_.rules_:
        assert rule.holds(out).all(), rule.formula
    assert (out["time"].dt.hour == out["hour"]).all()
    assert (out["time"].dt.strftime("%A") == out["day"]).all()
    # the learnt parts are the model's, not the generated times' own
    assert out["hour"].nunique() > 12 and out["day"].nunique() == 7


def test_a_weekend_flag_is_learnt_and_follows_a_weekday_name():
    X = _visits()[["date", "cost"]]
    X["weekend"] = np.where(X["date"].dt.day_of_week >= 5, "yes", "no")
    found = [r.formula for r in find_rules(X) if r.kind in ("date part", "dependency")]
    assert found == ["weekend is the weekday of date"]
    sampler = VAESampler(**TINY).fit(X)
    out = sampler.sample(1000)
    assert sampler.rules_.rules_[0].holds(out).all()
    assert (out["weekend"] == "yes").eq(out["date"].dt.day_of_week >= 5).all()
    # beside a weekday name, the name sets the date and the flag follows it
    X["day"] = X["date"].dt.strftime("%a")
    formulas = {r.formula for r in find_rules(X)}
    assert {"day is the weekday of date", "day -> weekend"} <= formulas


def _stays(n=600, seed=0):
    """Hospital stays: the length of stay and the age are counted from the dates."""
    rng = np.random.default_rng(seed)
    admitted = pd.Series(
        pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 3 * 365, n), unit="D")
    )
    born = admitted - pd.to_timedelta(rng.integers(20 * 365, 90 * 365, n), unit="D")
    stay = rng.poisson(4, n) + 1
    discharged = admitted + pd.to_timedelta(stay, unit="D")
    return pd.DataFrame({
        "born": born,
        "admitted": admitted,
        "discharged": discharged,
        "stay": stay,
        "age": (admitted - born).dt.days / 365.25,
        "ward": rng.choice(["A", "B", "C"], n),
        "beds": rng.integers(1, 30, n),  # unrelated to the dates
    })


def test_a_formula_counts_dates_in_days_and_computes_numbers_only():
    X = _stays()
    assert Formula("stay", "discharged - admitted").holds(X).all()
    X["hours"] = 24.0 * X["stay"]
    assert Formula("hours", "24 * (discharged - admitted)").holds(X).all()
    assert not Formula("stay", "discharged - born").holds(X).all()
    with pytest.raises(TypeError, match="'discharged', which holds dates"):
        Formula("discharged", "admitted + stay").check(X)
    with pytest.raises(ValueError, match="holds dates"):
        RuleKeeper([Formula("discharged", "admitted + stay")]).fit(X)


def test_find_rules_finds_numbers_that_count_the_time_between_two_dates():
    X = _stays()
    formulas = {r.target: r.formula for r in find_rules(X) if r.kind == "formula"}
    assert formulas == {
        "stay": "stay = discharged - admitted",
        "age": "age = (admitted - born) / 365.25",
    }


@pytest.mark.parametrize("cls", [VAESampler, GANSampler])
def test_samplers_compute_a_length_of_stay_from_the_generated_dates(cls):
    X = _stays()
    sampler = cls(**TINY).fit(X)
    kept = {r.formula for r in sampler.rules_.rules_}
    assert {"stay = discharged - admitted", "age = (admitted - born) / 365.25"} <= kept
    out = sampler.sample(500)
    assert out.dtypes.equals(X.dtypes)
    assert ((out["discharged"] - out["admitted"]).dt.days == out["stay"]).all()
    assert np.allclose(out["age"], (out["admitted"] - out["born"]).dt.days / 365.25)
    for rule in sampler.rules_.rules_:
        assert rule.holds(out).all(), rule.formula


def test_whole_calendar_years_and_months_are_counted_as_an_age_is():
    X = pd.DataFrame({
        "start": pd.to_datetime(["2000-02-29", "2000-02-29", "2010-01-31", "2000-03-15",
                                 "2010-03-15", None]),
        "end": pd.to_datetime(["2001-02-28", "2001-03-01", "2010-02-28", "2010-03-15",
                               "2010-03-14", "2011-01-01"]),
        "years": [0, 1, 0, 10, -1, 7],
        "months": [11, 12, 0, 120, -1, 7],
        "weeks": [52, 52, 4, 521, -1, 7],
    })
    assert Formula("years", "years(start, end)").holds(X).all()
    assert Formula("months", "months(start, end)").holds(X).all()
    assert Formula("weeks", "floor((end - start) / 7)").holds(X).all()
    X.loc[0, "years"] = 1  # a birthday on 29 February comes on 1 March
    assert Formula("years", "years(start, end)").holds(X).tolist() == [False] + [True] * 5
    with pytest.raises(ValueError, match=r"years\(\) takes two arguments"):
        Formula("years", "years(end)")
    with pytest.raises(ValueError, match=r"age\(\) is not a known function"):
        Formula("years", "age(start, end)")


def _ages(n=600, seed=0):
    """Admissions with the age in whole years and the stay in whole weeks, as registries count."""
    rng = np.random.default_rng(seed)
    admitted = pd.Series(
        pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 3 * 365, n), unit="D")
    )
    born = admitted - pd.to_timedelta(rng.integers(20 * 365, 90 * 365, n), unit="D")
    discharged = admitted + pd.to_timedelta(rng.integers(1, 60, n), unit="D")
    birthday_to_come = admitted.dt.strftime("%m%d") < born.dt.strftime("%m%d")
    age = admitted.dt.year - born.dt.year - birthday_to_come.astype(int)
    close = age + (rng.random(n) < 0.05)  # an age taken on another day for some rows
    return pd.DataFrame({
        "born": born,
        "admitted": admitted,
        "discharged": discharged,
        "age": age,
        "age_at_survey": close,
        "weeks": (discharged - admitted).dt.days // 7,
        "beds": rng.integers(1, 30, n),
    })


def test_find_rules_finds_ages_and_weeks_counted_in_whole_units():
    formulas = {r.target: r.formula for r in find_rules(_ages()) if r.kind == "formula"}
    assert formulas == {
        "age": "age = years(born, admitted)",
        "weeks": "weeks = floor((discharged - admitted) / 7)",
    }


def test_find_rules_finds_a_tenure_in_whole_calendar_months():
    rng = np.random.default_rng(0)
    start = pd.Series(
        pd.Timestamp("2010-01-01") + pd.to_timedelta(rng.integers(0, 3000, 600), unit="D")
    )
    end = start + pd.to_timedelta(rng.integers(20, 2000, 600), unit="D")
    day_to_come = (end.dt.day < start.dt.day).astype(int)
    months = (end.dt.year - start.dt.year) * 12 + end.dt.month - start.dt.month - day_to_come
    X = pd.DataFrame({"start": start, "end": end, "tenure": months})
    formulas = [r.formula for r in find_rules(X) if r.kind == "formula"]
    assert formulas == ["tenure = months(start, end)"]


@pytest.mark.parametrize("cls", [VAESampler, GANSampler])
def test_samplers_compute_whole_years_and_weeks_from_the_generated_dates(cls):
    X = _ages()
    out = cls(**TINY).fit(X).sample(400)
    assert out.dtypes.equals(X.dtypes)
    birthday_to_come = out["admitted"].dt.strftime("%m%d") < out["born"].dt.strftime("%m%d")
    age = out["admitted"].dt.year - out["born"].dt.year - birthday_to_come.astype(int)
    assert (out["age"] == age).all()
    assert (out["weeks"] == (out["discharged"] - out["admitted"]).dt.days // 7).all()


def test_a_day_of_the_year_on_a_366_day_calendar_is_found_and_read_from_the_date():
    X = _visits()
    X["doy"] = X["date"].dt.day_of_year
    X["doy366"] = X["doy"] + ((~X["date"].dt.is_leap_year) & (X["date"].dt.month > 2))
    parts = {r.column: r.part for r in find_rules(X) if r.kind == "date part"}
    assert parts["doy"] == "day_of_year"
    assert parts["doy366"] == "day_of_leap_year"
    sampler = VAESampler(**TINY).fit(X)
    out = sampler.sample(400)
    dates = out["date"]
    late_in_common_year = (~dates.dt.is_leap_year) & (dates.dt.month > 2)
    assert (out["doy366"] == dates.dt.day_of_year + late_in_common_year).all()
    assert late_in_common_year.any()
    for rule in sampler.rules_.rules_:
        assert rule.holds(out).all(), rule.formula


def test_a_day_of_the_year_is_found_on_a_table_of_one_row_a_day():
    # births of one year, a row a day: every day of the year holds one row,
    # so no group of rows shows the day deciding the column
    rng = np.random.default_rng(0)
    dates = pd.Series(pd.date_range("1978-01-01", "1978-12-31", freq="D"))
    X = pd.DataFrame({"date": dates, "births": rng.poisson(9000, len(dates)),
                      "day_of_year": dates.dt.day_of_year.to_numpy()})
    parts = {r.column: r.part for r in find_rules(X) if r.kind == "date part"}
    assert parts == {"day_of_year": "day_of_year"}
    out = VAESampler(**TINY).fit(X).sample(300)
    assert (out["day_of_year"] == out["date"].dt.day_of_year).all()
    # a whole number that is not a part of the date is not taken for one
    X["noise"] = rng.permutation(X["day_of_year"].to_numpy())
    assert "noise" not in {r.column for r in find_rules(X) if r.kind == "date part"}


def test_a_weekday_of_a_date_an_order_computes_is_read_from_it_and_both_rules_hold():
    X = _stays()
    X["discharge_day"] = X["discharged"].dt.strftime("%a")
    sampler = VAESampler(**TINY).fit(X)
    kept = {r.formula: r for r in sampler.rules_.rules_}
    assert "admitted < discharged" in kept  # not left out for the weekday
    part = kept["discharge_day is the weekday of discharged"]
    assert part._writes() == ("discharge_day",)  # read from the computed date
    out = sampler.sample(500)
    assert (out["admitted"] < out["discharged"]).all()
    assert (out["discharge_day"] == out["discharged"].dt.strftime("%a")).all()
    for rule in sampler.rules_.rules_:
        assert rule.holds(out).all(), rule.formula
