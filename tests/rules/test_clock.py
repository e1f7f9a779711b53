"""Clock times written as hhmm numbers, and formulas between them."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest

from sksynth.exceptions import DataQualityWarning
from sksynth.generators import ConditionalVAESampler, GANSampler, VAESampler
from sksynth.io import load_sampler
from sksynth.rules import ClockGap, ClockTime, Formula, Grid, Inequality, RuleKeeper, find_rules
from sksynth.rules._expression import Expression

TINY = {"epochs": 2, "batch_size": 50, "hidden_dims": (16,), "latent_dim": 4, "random_state": 0}


def _hhmm(minutes):
    """Write minutes since midnight as hhmm, by hand (midnight as 2400)."""
    minutes = np.asarray(minutes) % 1440
    hhmm = (minutes // 60) * 100 + minutes % 60
    return np.where(hhmm == 0, 2400, hhmm)


def _flights(n=800, seed=0):
    """Scheduled departures on the quarter hour and at odd minutes, delays, actual times."""
    rng = np.random.default_rng(seed)
    scheduled = rng.integers(5 * 60, 23 * 60 + 59, n)
    delay = np.round(rng.gamma(1.5, 20, n) - 10)
    delay[:5] = [50, 120, 35, 5, 1]  # some cross midnight
    scheduled[:5] = [23 * 60 + 10, 22 * 60 + 45, 23 * 60 + 25, 23 * 60 + 55, 23 * 60 + 59]
    return pd.DataFrame(
        {
            "sched_dep": _hhmm(scheduled).astype(int),
            "dep_delay": delay,
            "dep_time": _hhmm(scheduled + delay).astype(float),
            "carrier": rng.choice(["AA", "UA", "DL"], n),
        }
    )


def test_clock_functions_convert_hhmm_and_minutes_on_a_24_hour_clock():
    frame = pd.DataFrame({"t": [1430.0, 5.0, 2400.0, np.nan], "d": [15.0, -10.0, 1.0, 3.0]})
    assert Expression("from_hhmm(t)").evaluate(frame)[:3].tolist() == [870.0, 5.0, 1440.0]
    later = Expression("to_hhmm(from_hhmm(t) + d)").evaluate(frame)
    assert later[:3].tolist() == [1445.0, 2355.0, 1.0]
    assert np.isnan(later[3])
    # midnight written as 2400 where the table counts a day from 0001 to 2400
    midnight = pd.DataFrame({"t": [2350.0], "d": [10.0]})
    assert Expression("to_hhmm(from_hhmm(t) + d)").evaluate(midnight).tolist() == [0.0]
    assert Expression("to_hhmm(from_hhmm(t) + d, 2400)").evaluate(midnight).tolist() == [2400.0]
    assert str(Expression("to_hhmm(from_hhmm(t) - d, 2400)")) == "to_hhmm(from_hhmm(t) - d, 2400)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("to_hhmm(t, 1200)", "not 0 or 2400"),
        ("to_hhmm(t, d)", "not 0 or 2400"),
        ("to_hhmm(t, 0, 1)", "one or two arguments"),
        ("from_hhmm(t, d)", "takes one argument"),
    ],
)
def test_bad_clock_calls_are_refused(text, message):
    with pytest.raises(ValueError, match=message):
        Expression(text)


def test_a_clock_time_holds_on_hhmm_values_only():
    frame = pd.DataFrame({"t": [0, 515, 1259, 1260, 1275, 2359, 2400, 12.5]})
    assert ClockTime("t").holds(frame).tolist() == [
        True, True, True, False, False, True, False, False,
    ]
    assert ClockTime("t", midnight=2400).holds(frame).tolist() == [
        False, True, True, False, False, True, True, False,
    ]
    assert ClockTime("t").formula == "t is a clock time hhmm"
    with pytest.raises(ValueError, match="midnight must be 0 or 2400"):
        ClockTime("t", midnight=24)


def test_a_kept_clock_time_is_learnt_in_minutes_and_written_back_as_hhmm():
    X = _flights()
    keeper = RuleKeeper([ClockTime("sched_dep", midnight=2400)]).fit(X)
    Z = keeper.transform(X)
    # 12:59 and 13:00 one minute apart, as the generator sees them
    minutes = X["sched_dep"] // 100 * 60 + X["sched_dep"] % 100
    assert Z["sched_dep"].tolist() == minutes.tolist()
    pd.testing.assert_frame_equal(keeper.inverse_transform(Z), X)
    # generated minutes off the clock come back as whole minutes within the day
    Z = Z.iloc[:4].copy()
    Z["sched_dep"] = [779.6, -30.0, 1500.0, 1439.7]
    assert keeper.inverse_transform(Z)["sched_dep"].tolist() == [1300, 1, 2400, 2400]
    assert X["sched_dep"].iloc[0] == _flights()["sched_dep"].iloc[0]  # caller's table untouched


def test_find_rules_finds_clock_times_and_an_actual_time_from_its_schedule_and_delay():
    X = _flights()
    found = {r.formula: r for r in find_rules(X)}
    assert "dep_time = to_hhmm(from_hhmm(sched_dep) + dep_delay, 2400)" in found
    # the schedule is learnt, as a clock time (never at midnight: written as 0 by
    # default); the same relation solved for it would close a cycle
    assert "sched_dep is a clock time hhmm" in found
    assert not any(f.startswith("sched_dep =") for f in found)
    # one row off the formula: no formula
    X.loc[7, "dep_time"] = _hhmm(X.loc[7, "sched_dep"] // 100 * 60 + 3)
    assert not any(f.startswith("dep_time =") for f in {r.formula for r in find_rules(X)})


def test_numbers_that_are_not_clock_times_are_not_taken_for_them():
    rng = np.random.default_rng(0)
    n = 500
    X = pd.DataFrame(
        {
            "count": rng.integers(0, 2400, n),  # last two digits 60-99 too
            "year": rng.integers(2000, 2024, n),  # one "hour" only
            "score": rng.integers(0, 60, n),  # below 100: no evidence
            "hundreds": rng.choice([100, 200, 500, 1000, 2000], n),  # few "minutes"
            "room": rng.integers(1, 6, n) * 100 + rng.integers(1, 60, n),  # counts from 1
            # round amounts: multiples of 50 never end in 60 to 99
            "amount": rng.integers(1, 48, n) * 50,
            # a few pack sizes, repeated on many rows: five values are no evidence
            "grams": rng.choice([125, 250, 500, 1000, 1500], n),
        }
    )
    assert not [r for r in find_rules(X) if r.kind == "clock time"]


@pytest.mark.parametrize("step", [10, 15, 30])
def test_a_timetable_on_a_coarse_grid_of_minutes_is_a_clock_time(step):
    # appointment slots from 8:00 to 17:45, every `step` minutes, and a visit length
    rng = np.random.default_rng(1)
    starts = rng.integers(8 * 60 // step, 18 * 60 // step, 400) * step
    X = pd.DataFrame({"slot": _hhmm(starts).astype(int), "length": rng.integers(5, 60, 400)})
    found = {r.formula for r in find_rules(X)}
    assert f"slot is a clock time hhmm every {step} minutes" in found


def test_a_clock_time_and_a_grid_of_its_column_are_refused_together():
    X = _flights()
    X["sched_dep"] = X["sched_dep"] // 5 * 5
    with pytest.raises(ValueError, match="both set column 'sched_dep'"):
        RuleKeeper([ClockTime("sched_dep", midnight=2400), Grid("sched_dep", 5)]).fit(X)


@pytest.mark.parametrize("cls", [GANSampler, VAESampler, ConditionalVAESampler])
def test_every_sampler_keeps_found_clock_times_and_clock_formulas(cls):
    X = _flights()
    sampler = cls(**TINY).fit(X)
    kinds = {r.kind for r in sampler.rules_.rules_}
    assert {"clock time", "formula"} <= kinds
    out = sampler.sample(500, random_state=0)
    pd.testing.assert_series_equal(out.dtypes, X.dtypes)
    assert ClockTime("sched_dep").holds(out).all()
    formula = Formula("dep_time", "to_hhmm(from_hhmm(sched_dep) + dep_delay, 2400)")
    assert formula.holds(out).all()
    assert ClockTime("dep_time", midnight=2400).holds(out).all()


def test_conditions_on_a_clock_time_are_refused_clearly():
    X = _flights()
    X["sched_dep"] = X["sched_dep"].where(X.index % 3 != 0, 1430)  # a frequent time
    sampler = ConditionalVAESampler(
        rules=[ClockTime("sched_dep", midnight=2400)], **TINY
    ).fit(X)
    with pytest.raises(ValueError, match="learns in minutes"):
        sampler.sample(10, conditions={"sched_dep": 1430})


def test_clock_rules_travel_in_model_files(tmp_path):
    sampler = VAESampler(**TINY).fit(_flights())
    assert "clock time" in {r.kind for r in sampler.rules_.rules_}
    loaded = load_sampler(sampler.save(tmp_path / "flights.sksynth"))
    expected = sampler.sample(50, random_state=2)
    pd.testing.assert_frame_equal(loaded.sample(50, random_state=2), expected)


def test_a_timetable_every_five_minutes_keeps_its_step():
    X = _flights()
    X["sched_dep"] = _hhmm(
        (X["sched_dep"] // 100 * 60 + X["sched_dep"] % 100) // 5 * 5
    ).astype(int)
    X["dep_time"] = _hhmm(X["sched_dep"] // 100 * 60 + X["sched_dep"] % 100 + X["dep_delay"])
    found = {r.formula for r in find_rules(X)}
    assert "sched_dep is a clock time hhmm every 5 minutes" in found
    rule = ClockTime("sched_dep", step=5)
    assert rule.holds(pd.DataFrame({"sched_dep": [1255, 1300, 1258]})).tolist() == [
        True, True, False,
    ]
    keeper = RuleKeeper([rule]).fit(X)
    Z = keeper.transform(X).iloc[:3].copy()
    Z["sched_dep"] = [777.4, 778.0, 1437.0]  # 12:57 and 12:58 to 12:55 and 13:00
    assert keeper.inverse_transform(Z)["sched_dep"].tolist() == [1255, 1300, 2355]
    out = VAESampler(**TINY).fit(X).sample(300, random_state=0)
    assert rule.holds(out).all()
    with pytest.raises(ValueError, match="divides 60"):
        ClockTime("sched_dep", step=7)


def _shifts(n=600, seed=0):
    """Shifts starting on the quarter hour, 6 to 10 hours long (overnight too), and pay."""
    rng = np.random.default_rng(seed)
    start = rng.integers(0, 96, n) * 15
    hours = rng.integers(24, 41, n) / 4
    return pd.DataFrame(
        {
            "start": _hhmm(start).astype(int),
            "end": _hhmm(start + hours * 60).astype(int),
            "pay": np.round(hours * 18.5 + rng.normal(0, 3, n), 2),
            "site": rng.choice(["north", "south", "east"], n),
        }
    )


def test_a_clock_gap_holds_within_its_window_across_midnight():
    rule = ClockGap("start", "end", 360, 600, step=15, midnight=2400)
    X = pd.DataFrame({"start": [2200, 800, 800, 800, 800], "end": [600, 1400, 1500, 1410, 2400]})
    # 22:00 to 06:00 is 8 hours; 08:00 to 15:00 is 7; 14:10 is off the step;
    # midnight written 2400 is 16 hours after 08:00
    assert rule.holds(X).tolist() == [True, True, True, False, False]
    assert rule.formula == "end is 360 to 600 minutes after start (clock times hhmm)"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"low": 600, "high": 360}, "low <= high < low \\+ 1440"),
        ({"low": 0, "high": 1440}, "low <= high < low \\+ 1440"),
        ({"low": 0, "high": 60, "step": 7}, "divides 60"),
        ({"low": 0, "high": 60, "midnight": 1200}, "0 or 2400"),
    ],
)
def test_bad_clock_gaps_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ClockGap("start", "end", **kwargs)


def test_find_rules_finds_a_clock_time_that_follows_another():
    X = _shifts()
    found = {r.formula: r for r in find_rules(X)}
    # shifts every quarter hour, 6 to 10 hours long; midnight is written 2400
    gap = "end is 360 to 600 minutes after start (clock times hhmm)"
    assert gap in found
    assert found[gap].step == 15 and found[gap].midnight == 2400
    # the start is a clock time; the end is computed, not a clock time of its own
    assert "start is a clock time hhmm every 15 minutes (midnight 2400)" in found
    assert not any(f.startswith("end is a clock time") for f in found)
    # two clock times that do not follow each other: no gap
    X["end"] = X["end"].sample(frac=1, random_state=0).to_numpy()
    assert not [r for r in find_rules(X) if r.kind == "clock gap"]


@pytest.mark.parametrize("cls", [GANSampler, VAESampler, ConditionalVAESampler])
def test_every_sampler_keeps_a_found_clock_gap(cls):
    X = _shifts()
    sampler = cls(**TINY).fit(X)
    assert "clock gap" in {r.kind for r in sampler.rules_.rules_}
    out = sampler.sample(500, random_state=0)
    pd.testing.assert_series_equal(out.dtypes, X.dtypes)
    assert ClockGap("start", "end", 360, 600, step=15, midnight=2400).holds(out).all()
    loaded = pickle.loads(pickle.dumps(sampler))
    expected = sampler.sample(50, random_state=1)
    pd.testing.assert_frame_equal(loaded.sample(50, random_state=1), expected)


def test_a_clock_gap_writes_the_end_on_its_step_inside_its_window():
    X = _shifts()
    rule = ClockGap("start", "end", 360, 600, step=15, midnight=2400)
    keeper = RuleKeeper([rule]).fit(X)
    Z = keeper.transform(X)
    # the generator learns the minutes from start to end
    expected = (X["end"] // 100 * 60 + X["end"] % 100 - X["start"] // 100 * 60 - X["start"] % 100)
    np.testing.assert_array_equal(Z["end"], np.mod(expected - 360, 1440) + 360)
    Z = Z.iloc[:4].copy()
    Z["start"] = [2200, 800, 800, 800]
    Z["end"] = [482.0, 1000.0, 100.0, 369.0]  # 8:02 h, past the window, below it, 6:09 h
    out = keeper.inverse_transform(Z)
    assert out["end"].tolist() == [600, 1800, 1400, 1415]


def test_a_clock_gap_and_a_clock_time_of_its_end_are_refused_together():
    X = _shifts()
    rules = [ClockGap("start", "end", 360, 600, step=15, midnight=2400),
             ClockTime("end", step=15, midnight=2400)]
    with pytest.raises(ValueError, match="both set column 'end'"):
        RuleKeeper(rules).fit(X)


@pytest.mark.parametrize(
    "rule",
    [
        ClockTime("start", step=15, midnight=2400),
        ClockGap("start", "end", 360, 600, step=15, midnight=2400),
        Inequality("start", "later"),
    ],
    ids=["clock time", "clock gap", "order"],
)
def test_private_rows_keep_integer_columns_complete_under_rules_learnt_in_other_units(rule):
    # with dp=True the encoder reads dtypes only: a clock time's minutes or an
    # order's gap must not become a column that can be missing
    X = _shifts()
    X["later"] = X["start"] + 100
    metadata = {
        "bounds": {"start": (0, 2400), "end": (0, 2400), "later": (0, 2600), "pay": (0, 300)},
        "categories": {"site": ["north", "south", "east"]},
    }
    sampler = VAESampler(
        dp=True, target_epsilon=5.0, dp_metadata=metadata, rules=[rule], **{**TINY, "epochs": 20}
    ).fit(X)
    out = sampler.sample(300, random_state=0)
    for column in ("start", "end", "later"):
        assert out[column].dtype == X[column].dtype
        assert out[column].notna().all()
    assert rule.holds(out).all()


@pytest.mark.parametrize(
    "rules",
    [
        [ClockTime("start", step=15, midnight=2400)],
        [ClockGap("start", "end", 360, 600, step=15, midnight=2400)],
        [Inequality("start", "later")],
        [ClockGap("start", "end", 360, 600, step=15, midnight=2400), Inequality("start", "later")],
    ],
    ids=["clock time", "clock gap", "order", "gap and order"],
)
def test_learnt_bounds_hold_every_learnt_value(rules):
    # bounds declared in the table's own units (hhmm, the larger side's values)
    # must hold what the generator learns in its units (minutes, gaps)
    X = _shifts()
    X["later"] = X["start"] + 100
    keeper = RuleKeeper(rules, private=True).fit(X)
    declared = {c: (X[c].min(), X[c].max()) for c in ("start", "end", "later", "pay")}
    bounds = keeper.learnt_bounds(declared)
    learnt = keeper.transform(X)
    assert set(bounds) == set(declared)
    for column, (low, high) in bounds.items():
        assert learnt[column].between(low, high).all(), (column, low, high)


def test_learnt_bounds_put_declared_bounds_in_the_units_the_generator_learns():
    X = _shifts()
    X["later"] = X["start"] + 100
    keeper = RuleKeeper([ClockTime("start", step=15, midnight=2400)], private=True).fit(X)
    # minutes since midnight: the day on its step (midnight written 2400 is the
    # day's last minute), or the declared 06:00 to 22:15
    assert keeper.learnt_bounds({}) == {"start": (15.0, 1440.0)}
    assert keeper.learnt_bounds({"start": (600, 2215)}) == {"start": (360.0, 1335.0)}
    gap = ClockGap("start", "end", 360, 600, step=15, midnight=2400)
    keeper = RuleKeeper([gap], private=True).fit(X)
    assert keeper.learnt_bounds({"end": (0, 2400)}) == {"end": (360.0, 600.0)}
    keeper = RuleKeeper([Inequality("start", "later")], private=True).fit(X)
    # the gap above start: up to 23:00 - 06:00 in hhmm units
    declared = {"start": (600, 2200), "later": (700, 2300), "pay": (0, 300)}
    assert keeper.learnt_bounds(declared) == {**declared, "later": (0.0, 1700.0)}
    # without the smaller side's bounds the gap's are unknown
    assert keeper.learnt_bounds({"later": (700, 2300)}) == {}


def test_private_samplers_read_declared_bounds_in_the_tables_own_units():
    X = _shifts()
    X = X[(X["start"] >= 600) & (X["start"] <= 2200)].reset_index(drop=True)
    X["double"] = 2 * X["pay"]
    rules = [ClockTime("start", step=15, midnight=2400), Formula("double", "2 * pay")]
    metadata = {
        # hhmm for the clock time; the computed column's bounds are not needed
        "bounds": {"start": (600, 2200), "end": (0, 2400), "pay": (0, 300), "double": (0, 600)},
        "categories": {"site": ["north", "south", "east"]},
    }
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)  # nothing estimated from the rows
        sampler = VAESampler(
            dp=True, target_epsilon=5.0, dp_metadata=metadata, rules=rules,
            **{**TINY, "epochs": 20},
        ).fit(X)
    out = sampler.sample(500, random_state=0)
    assert out["start"].between(600, 2200).all()
    # read as minutes, 600 would have clipped every start to 10:00 or later
    assert (out["start"] < 1000).any()
    assert all(rule.holds(out).all() for rule in rules)
    # a clock time's bounds are the day's when not declared: no budget is spent on them
    del metadata["bounds"]["start"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        VAESampler(dp=True, target_epsilon=5.0, dp_metadata=metadata, rules=rules, **TINY).fit(X)
