import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import make_mixed_frame
from scipy.stats import ks_2samp
from scipy.stats.contingency import association

from sksynth.datasets import load_credit
from sksynth.metrics import column_pair_trends, column_shapes, fidelity_details, fidelity_score
from sksynth.metrics._fidelity import cramers_v, pairwise_correlation
from sksynth.utils import infer_column_kinds


def correlated_frame(n=600, seed=0):
    """Numbers that move together and a label that depends on them."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=n)
    return pd.DataFrame(
        {
            "a": z + rng.normal(0, 0.3, n),
            "b": 2 * z + rng.normal(0, 0.5, n),
            "c": pd.Categorical(np.where(z + rng.normal(0, 0.3, n) > 0, "hi", "lo")),
            "d": rng.integers(0, 5, n),
        }
    )


# --------------------------------------------------------------------- basics
def test_identical_tables_score_one(mixed_frame):
    scores, shapes, pairs = fidelity_details(mixed_frame, mixed_frame.copy())
    assert scores["fidelity"] == pytest.approx(1.0)
    assert (shapes["score"] == 1.0).all()
    assert (shapes["missing_similarity"] == 1.0).all()
    assert np.allclose(pairs["score"], 1.0)


def test_row_order_does_not_matter(mixed_frame):
    shuffled = mixed_frame.sample(frac=1, random_state=3)
    assert fidelity_score(mixed_frame, shuffled) == pytest.approx(1.0)


def test_shifted_table_scores_clearly_worse():
    real = correlated_frame(seed=0)
    same = correlated_frame(seed=1)
    shifted = same.assign(a=same["a"] + 2.0, b=same["b"] * 3 + 5)
    good, bad = fidelity_score(real, same), fidelity_score(real, shifted)
    assert good > 0.9
    assert bad < good - 0.2


def test_independently_shuffled_columns_break_pair_trends():
    real = correlated_frame(seed=0)
    rng = np.random.default_rng(5)
    shuffled = pd.DataFrame(
        {c: real[c].to_numpy()[rng.permutation(len(real))] for c in real.columns}
    )
    scores, shapes, _ = fidelity_details(real, shuffled)
    assert scores["column_shapes"] == pytest.approx(1.0)  # marginals are untouched
    assert scores["column_pair_trends"] < 0.75
    assert scores["fidelity"] < fidelity_score(real, correlated_frame(seed=1)) - 0.1


def test_swapped_column_names_score_worse():
    real = correlated_frame(seed=0)
    swapped = real.rename(columns={"a": "b", "b": "a"})[list(real.columns)]
    assert fidelity_score(real, swapped) < fidelity_score(real, correlated_frame(seed=1)) - 0.1


def test_columns_may_come_in_another_order(mixed_frame):
    reordered = mixed_frame[list(mixed_frame.columns)[::-1]]
    assert fidelity_score(mixed_frame, reordered) == pytest.approx(1.0)


def test_inputs_are_not_modified(mixed_frame):
    real, syn = mixed_frame.copy(), make_mixed_frame(150, seed=4)
    before_real, before_syn = real.copy(), syn.copy()
    fidelity_details(real, syn)
    pd.testing.assert_frame_equal(real, before_real)
    pd.testing.assert_frame_equal(syn, before_syn)


def test_numpy_input():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(100, 3)), rng.normal(size=(100, 3))
    assert 0.7 < fidelity_score(a, b) <= 1.0


# ------------------------------------------------ definitions, checked apart
def test_ks_complement_matches_scipy():
    rng = np.random.default_rng(1)
    real = pd.DataFrame({"x": rng.normal(size=300)})
    syn = pd.DataFrame({"x": rng.standard_t(3, size=250)})
    syn.loc[::7, "x"] = np.nan
    score = column_shapes(real, syn)["score"].iloc[0]
    expected = 1 - ks_2samp(real["x"], syn["x"].dropna()).statistic
    assert score == pytest.approx(expected)


def test_tv_complement_by_hand():
    real = pd.DataFrame({"c": ["a"] * 6 + ["b"] * 3 + [None]})
    syn = pd.DataFrame({"c": pd.Categorical(["a"] * 2 + ["c"] * 2)})
    # real without NaN: a 2/3, b 1/3; synthetic: a 1/2, c 1/2 -> TV = (1/6 + 1/3 + 1/2) / 2
    assert column_shapes(real, syn)["score"].iloc[0] == pytest.approx(0.5)


def test_missing_similarity():
    real = pd.DataFrame({"x": [1.0, np.nan, 3.0, 4.0]})
    syn = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]})
    shapes = column_shapes(real, syn)
    assert shapes["missing_real"].iloc[0] == 0.25
    assert shapes["missing_similarity"].iloc[0] == pytest.approx(0.75)
    with_missing = fidelity_details(real, syn, include_missing=True)[0]["column_shapes"]
    assert with_missing < fidelity_details(real, syn)[0]["column_shapes"]


def test_pairwise_correlation_matches_pandas():
    rng = np.random.default_rng(2)
    values = rng.normal(size=(400, 4)) @ rng.normal(size=(4, 4)) + 1e6
    values[rng.random(values.shape) < 0.1] = np.nan
    values[:, 3] = 7.0  # constant
    ours = pairwise_correlation(values)
    theirs = pd.DataFrame(values).corr().to_numpy()
    np.testing.assert_allclose(ours[:3, :3], theirs[:3, :3], atol=1e-9)
    assert np.isnan(ours[3, :3]).all()


def test_cramers_v_matches_scipy():
    table = np.array([[20, 5, 0], [3, 30, 7], [0, 0, 0]])
    assert cramers_v(table) == pytest.approx(association(table[:2], method="cramer"))
    assert np.isnan(cramers_v(np.array([[4, 5]])))


def test_thresholds_select_related_pairs():
    real = correlated_frame(seed=0)
    pairs = column_pair_trends(real, correlated_frame(seed=1))
    kept = pairs.loc[pairs["meets_threshold"], ["column_1", "column_2"]]
    counted = set(kept.itertuples(index=False, name=None))
    assert ("a", "b") in counted and ("a", "c") in counted
    assert ("a", "d") not in counted  # d is independent of everything
    everything = column_pair_trends(
        real, correlated_frame(seed=1), correlation_threshold=0, association_threshold=0
    )
    assert everything["meets_threshold"].all()


def test_shared_binning_sees_a_shifted_column_separate_binning_does_not():
    real = correlated_frame(seed=0)
    moved = real.assign(a=real["a"] + 100)
    shared = column_pair_trends(real, moved, binning="shared").set_index(["column_1", "column_2"])
    separate = column_pair_trends(real, moved, binning="separate").set_index(
        ["column_1", "column_2"]
    )
    assert separate.loc[("a", "c"), "score"] == pytest.approx(1.0)
    assert shared.loc[("a", "c"), "score"] < 0.6


def test_datetime_and_boolean_columns():
    rng = np.random.default_rng(0)
    n = 200
    real = pd.DataFrame(
        {
            "t": pd.Timestamp("2021-01-01", tz="UTC")
            + pd.to_timedelta(rng.integers(0, 365, n), unit="D"),
            "flag": pd.array(rng.random(n) < 0.3, dtype="boolean"),
        }
    )
    real.loc[0, "flag"] = pd.NA
    scores, shapes, _ = fidelity_details(real, real)
    assert scores["fidelity"] == pytest.approx(1.0)
    assert list(shapes["metric"]) == ["KSComplement", "TVComplement"]
    later = real.assign(t=real["t"] + pd.Timedelta(days=300))
    assert column_shapes(real, later)["score"].iloc[0] < 0.3


# ------------------------------------------------------------------ bad input
def test_mismatched_columns_are_named(mixed_frame):
    with pytest.raises(ValueError, match=r"missing \['married'\], unexpected \['wed'\]"):
        fidelity_score(mixed_frame, mixed_frame.rename(columns={"married": "wed"}))


def test_mismatched_kinds_are_named(mixed_frame):
    syn = mixed_frame.assign(age=mixed_frame["age"].astype(str))
    with pytest.raises(ValueError, match=r"'age' \(integer in real, categorical in synthetic\)"):
        fidelity_score(mixed_frame, syn)


def test_integer_and_float_are_compatible(mixed_frame):
    syn = mixed_frame.assign(age=mixed_frame["age"] + 0.5)
    assert 0 < fidelity_score(mixed_frame, syn) < 1


@pytest.mark.parametrize("n_rows", [0, 1])
def test_empty_or_single_row_tables(mixed_frame, n_rows):
    with pytest.raises(ValueError, match="synthetic"):
        fidelity_score(mixed_frame, mixed_frame.iloc[:n_rows])
    with pytest.raises(ValueError, match="real"):
        fidelity_score(mixed_frame.iloc[:n_rows], mixed_frame)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"correlation_threshold": 2}, "correlation_threshold"),
        ({"association_threshold": -0.1}, "association_threshold"),
        ({"n_bins": 0}, "n_bins"),
        ({"binning": "quantile"}, "binning"),
    ],
)
def test_bad_parameters(mixed_frame, kwargs, match):
    with pytest.raises(ValueError, match=match):
        fidelity_score(mixed_frame, mixed_frame, **kwargs)


# ------------------------------------------------------- agreement w/ sdmetrics
SDTYPES = {
    "continuous": "numerical",
    "integer": "numerical",
    "categorical": "categorical",
    "boolean": "boolean",
    "datetime": "datetime",
}


def sdmetrics_quality(real, synthetic, *, thresholds=True):
    sdmetrics_reports = pytest.importorskip("sdmetrics.reports")
    columns = {c: {"sdtype": SDTYPES[k]} for c, k in infer_column_kinds(real).items()}
    metadata = {"tables": {"table": {"columns": columns}}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = sdmetrics_reports.QualityReport()
        if not thresholds:
            report.real_correlation_threshold = 0
            report.real_association_threshold = 0
        report.generate({"table": real}, {"table": synthetic}, metadata, verbose=False)
    properties = report.get_properties().set_index("Property")["Score"]
    return report.get_score(), properties["Column Shapes"], properties["Column Pair Trends"]


def credit_pairs():
    credit = load_credit()
    rng = np.random.default_rng(0)
    order = rng.permutation(len(credit))
    real = credit.iloc[order[:1000]].reset_index(drop=True)
    other = credit.iloc[order[1000:2000]].reset_index(drop=True)
    noisy = other.copy()
    for col in ["Income", "Assets", "Debt", "Amount", "Price"]:
        noisy[col] = noisy[col] * rng.lognormal(0, 0.3, len(noisy))
    boot = real.sample(len(real), replace=True, random_state=1).reset_index(drop=True)
    mixed_real, mixed_syn = make_mixed_frame(300, 0), make_mixed_frame(300, 1)
    for frame, seed in ((mixed_real, 0), (mixed_syn, 1)):
        days = np.random.default_rng(seed).integers(0, 1000, len(frame))
        frame["when"] = pd.Timestamp("2020-01-01") + pd.to_timedelta(days, unit="D")
    return {
        "halves": (real, other),
        "noisy": (real, noisy),
        "bootstrap": (real, boot),
        "mixed": (mixed_real, mixed_syn),
    }


@pytest.fixture(scope="module")
def table_pairs():
    return credit_pairs()


@pytest.mark.parametrize("case", ["halves", "noisy", "bootstrap", "mixed"])
def test_agrees_with_sdmetrics_quality_report(table_pairs, case):
    real, synthetic = table_pairs[case]
    overall, shapes, pairs = sdmetrics_quality(real, synthetic)
    ours = fidelity_details(real, synthetic)[0]
    assert ours["fidelity"] == pytest.approx(overall, abs=0.02)
    assert ours["column_shapes"] == pytest.approx(shapes, abs=1e-9)
    if np.isnan(pairs):
        assert np.isnan(ours["column_pair_trends"])
    else:
        assert ours["column_pair_trends"] == pytest.approx(pairs, abs=0.02)


@pytest.mark.parametrize("case", ["halves", "mixed"])
@pytest.mark.parametrize("thresholds", [True, False])
def test_separate_binning_reproduces_sdmetrics(table_pairs, case, thresholds):
    real, synthetic = table_pairs[case]
    overall, _, _ = sdmetrics_quality(real, synthetic, thresholds=thresholds)
    options = {} if thresholds else {"correlation_threshold": 0, "association_threshold": 0}
    ours = fidelity_score(real, synthetic, binning="separate", **options)
    assert ours == pytest.approx(overall, abs=1e-9)


def test_string_and_object_and_category_columns_compare_by_value():
    labels = ["a", "b", "b", None, "c"] * 20
    real = pd.DataFrame({"c": pd.array(labels, dtype="str")})
    as_object = pd.DataFrame({"c": pd.Series(labels, dtype=object)})
    as_category = pd.DataFrame({"c": pd.Categorical(labels, categories=["c", "b", "a", "z"])})
    assert fidelity_score(real, as_object) == pytest.approx(1.0)
    assert fidelity_score(real, as_category) == pytest.approx(1.0)


def test_large_table_is_fast():
    """A guard against per-row Python loops (20k x 30 takes about 0.2 s on one core)."""
    import time

    rng = np.random.default_rng(0)
    n = 20_000

    def table():
        base = rng.normal(size=n)
        cols = {f"num{i}": base * (i % 3) + rng.normal(size=n) for i in range(20)}
        cols.update({f"cat{i}": rng.choice(list("abcdefgh"), n) for i in range(10)})
        return pd.DataFrame(cols)

    real, synthetic = table(), table()
    start = time.perf_counter()
    scores = fidelity_details(real, synthetic)[0]
    assert time.perf_counter() - start < 5.0  # generous: CI machines are shared
    assert scores["fidelity"] > 0.95
