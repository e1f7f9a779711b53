"""TabularEncoder: round trips, dtypes, modes, rare levels, random decoding."""

import pickle

import numpy as np
import pandas as pd
import pytest
from conftest import make_mixed_frame

from sksynth.datasets import load_credit
from sksynth.encoding import RareLevels, TabularEncoder

CONTINUOUS = ["mode", "quantile"]


def assert_round_trip(X, R, kinds, rtol):
    """Exact for everything but continuous values, which must be close."""
    assert list(R.columns) == list(X.columns)
    assert R.index.equals(pd.RangeIndex(len(X)))
    for col in X.columns:
        a, b = X[col].reset_index(drop=True), R[col]
        assert b.dtype == a.dtype, col
        np.testing.assert_array_equal(b.isna().to_numpy(), a.isna().to_numpy(), err_msg=col)
        if kinds[col] == "continuous":
            present = a.notna().to_numpy()
            x = a.to_numpy(dtype=float, na_value=np.nan)[present]
            y = b.to_numpy(dtype=float, na_value=np.nan)[present]
            np.testing.assert_allclose(y, x, rtol=rtol, atol=rtol * np.ptp(x), err_msg=col)
        else:
            pd.testing.assert_series_equal(b, a, check_names=False, obj=col)


def zoo_frame(n=120, seed=0):
    """One column per supported dtype, most with missing values."""
    rng = np.random.default_rng(seed)
    hole = rng.random(n) < 0.15
    stamps = pd.Series(pd.date_range("2020-01-01", periods=n, freq="37h"))
    frame = pd.DataFrame(
        {
            "f64": rng.normal(50, 10, n),
            "f32": rng.gamma(2.0, 3.0, n).astype("float32"),
            "Float64": pd.array(np.where(hole, np.nan, rng.normal(size=n)), dtype="Float64"),
            "i64": rng.integers(-500, 500, n),
            "i32": rng.integers(0, 1000, n).astype("int32"),
            "u8": rng.integers(0, 5, n).astype("uint8"),
            "Int64": pd.array(np.where(hole, np.nan, rng.integers(0, 90, n)), dtype="Int64"),
            "f_int": np.where(hole, np.nan, rng.integers(0, 300, n).astype(float)),
            "bool": rng.random(n) < 0.3,
            "boolean": pd.array(np.where(hole, None, rng.random(n) < 0.5), dtype="boolean"),
            "obj_bool": pd.Series(
                np.where(hole, None, rng.random(n) < 0.5).astype(object), dtype=object
            ),
            "obj": pd.Series(
                np.where(hole, None, rng.choice(["a", "b", "c"], n)).astype(object), dtype=object
            ),
            "str": pd.Series(np.where(hole, None, rng.choice(["x", "y"], n)), dtype="str"),
            "string": pd.Series(
                np.where(hole, None, rng.choice(["p", "q"], n)), dtype="string[python]"
            ),
            "cat": pd.Categorical(
                rng.choice(["lo", "mid", "hi"], n),
                categories=["lo", "mid", "hi", "unused"],
                ordered=True,
            ),
            "naive": stamps.where(~hole),
            "aware": stamps.dt.tz_localize("Europe/Paris", ambiguous="NaT", nonexistent="NaT")
            .where(~hole)
            .astype("datetime64[ns, Europe/Paris]"),
        }
    )
    return frame


@pytest.mark.parametrize("continuous", CONTINUOUS)
def test_round_trip_mixed_frame(continuous):
    X = make_mixed_frame(300, seed=3)
    before = X.copy(deep=True)
    enc = TabularEncoder(continuous=continuous, random_state=0).fit(X)
    Z = enc.transform(X)
    assert Z.dtype == np.float32 and Z.shape == (300, enc.n_features_out_)
    R = enc.inverse_transform(Z)
    assert_round_trip(X, R, enc.column_kinds_, rtol=1e-4 if continuous == "mode" else 1e-2)
    pd.testing.assert_frame_equal(X, before)  # the caller's data is untouched


def test_round_trip_credit_exact_integers():
    X = load_credit()
    enc = TabularEncoder(random_state=0).fit(X)
    R = enc.inverse_transform(enc.transform(X))
    # With mode normalisation every integer column comes back exactly, outliers
    # included: extra modes cover what the mixture leaves out.
    assert_round_trip(X, R, enc.column_kinds_, rtol=1e-5)
    assert R["Home"].dtype == X["Home"].dtype  # the same CategoricalDtype


def test_round_trip_credit_quantile_close():
    X = load_credit()
    enc = TabularEncoder(continuous="quantile", random_state=0).fit(X)
    R = enc.inverse_transform(enc.transform(X))
    assert [s.activation for s in enc.output_spans_ if s.kind == "continuous"] == ["identity"] * 8
    for col in ["Income", "Price", "Age"]:
        a = X[col].to_numpy(dtype=float, na_value=np.nan)
        b = R[col].to_numpy(dtype=float, na_value=np.nan)
        np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
        present = ~np.isnan(a)
        assert np.mean(a[present] == b[present]) > 0.99, col
        np.testing.assert_allclose(b[present], a[present], atol=1e-2 * np.ptp(a[present]))


@pytest.mark.parametrize("continuous", CONTINUOUS)
def test_round_trip_every_dtype(continuous):
    X = zoo_frame()
    enc = TabularEncoder(continuous=continuous, random_state=1).fit(X)
    assert enc.column_kinds_["naive"] == "datetime"
    assert enc.column_kinds_["obj_bool"] == "boolean"
    R = enc.inverse_transform(enc.transform(X))
    assert_round_trip(X, R, enc.column_kinds_, rtol=1e-4 if continuous == "mode" else 2e-2)
    assert R["cat"].dtype == X["cat"].dtype  # unused category and order kept
    assert R["obj"][X["obj"].isna()].map(lambda v: v is None).all()


def test_datetime_other_units_and_timezones():
    base = pd.Series(pd.date_range("2001-03-01", periods=60, freq="D"))
    X = pd.DataFrame(
        {
            "s": base.astype("datetime64[s]"),
            "ms_tz": base.dt.tz_localize("UTC")
            .dt.tz_convert("Asia/Tokyo")
            .astype("datetime64[ms, Asia/Tokyo]"),
        }
    )
    enc = TabularEncoder(random_state=0).fit(X)
    R = enc.inverse_transform(enc.transform(X))
    pd.testing.assert_frame_equal(R, X)


def test_zoned_dates_are_decoded_on_their_midnights_local_or_utc():
    # local midnights in New York on both sides of the spring and autumn clock
    # changes: in UTC they sit at 04:00 or 05:00, whole hours apart only
    days = pd.Series(pd.date_range("2021-03-01", "2021-11-30", freq="D"))
    X = pd.DataFrame({
        "day": days.dt.tz_localize("America/New_York"),
        # UTC midnights shown in New York (20:00 or 19:00 there): they stay UTC midnights
        "utc_day": days.dt.tz_localize("UTC").dt.tz_convert("America/New_York"),
    })
    enc = TabularEncoder(random_state=0).fit(X)
    R = enc.inverse_transform(enc.transform(X))
    pd.testing.assert_frame_equal(R, X)
    # values decoded from anywhere in the range (a generator's output) fall on
    # local midnights too
    Z = enc.transform(X)
    for span in enc.output_spans_:
        if span.kind == "continuous":
            Z[:, span.start] = np.random.default_rng(span.start).uniform(-1, 1, len(Z))
    out = enc.inverse_transform(Z)
    assert out.dtypes.equals(X.dtypes)
    assert (out["day"] == out["day"].dt.normalize()).all()
    assert out["day"].dt.date.nunique() > 50
    in_utc = out["utc_day"].dt.tz_convert("UTC")
    assert (in_utc == in_utc.dt.normalize()).all()
    assert in_utc.dt.date.nunique() > 50


def test_numpy_input_gets_column_names():
    X = np.random.default_rng(0).normal(size=(50, 3))
    enc = TabularEncoder(continuous="quantile").fit(X)
    assert enc.feature_names_in_.tolist() == ["x0", "x1", "x2"]
    R = enc.inverse_transform(enc.transform(X))
    np.testing.assert_allclose(R.to_numpy(), X, atol=0.05)


def test_mixed_python_types_object_column_kept_as_is():
    values = pd.Series([1, "1", 2.5, "a", None] * 10, dtype=object)
    X = pd.DataFrame({"mixed": values, "y": np.arange(50.0)})
    enc = TabularEncoder(random_state=0).fit(X)
    assert enc.column_kinds_["mixed"] == "categorical"
    R = enc.inverse_transform(enc.transform(X))
    assert R["mixed"].dtype == object
    assert [type(v) for v in R["mixed"][:4]] == [int, str, float, str]
    assert R["mixed"].tolist()[:4] == [1, "1", 2.5, "a"]
    assert R["mixed"][4] is None


def test_bimodal_column_gets_several_modes():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(-10, 1, 600), rng.normal(10, 1, 400)])
    enc = TabularEncoder(random_state=0).fit(pd.DataFrame({"x": x}))
    component = [s for s in enc.output_spans_ if s.kind == "component"][0]
    assert component.size >= 2
    Z = enc.transform(pd.DataFrame({"x": x}))
    modes = Z[:, component.slice].argmax(axis=1)
    # The two halves fall in different modes.
    left, right = np.bincount(modes[:600]).argmax(), np.bincount(modes[600:]).argmax()
    assert left != right
    assert np.mean(modes[:600] == left) > 0.95 and np.mean(modes[600:] == right) > 0.95


def test_low_cardinality_integers_are_discrete():
    X = make_mixed_frame(200)
    enc = TabularEncoder(random_state=0).fit(X)
    assert "children" in enc.discrete_columns_
    span = next(s for s in enc.output_spans_ if s.column == "children")
    assert span.kind == "discrete" and span.categories == (0, 1, 2, 3)
    assert all(type(c) is int for c in span.categories)
    enc0 = TabularEncoder(discrete_integer_threshold=0, random_state=0).fit(X)
    assert "children" not in enc0.discrete_columns_
    # the columns are known before a fit, and a fit one-hot encodes the same
    assert "children" in TabularEncoder().level_columns(X)
    assert "children" not in TabularEncoder(discrete_integer_threshold=0).level_columns(X)
    assert TabularEncoder().level_columns(X) == list(dict.fromkeys(enc.discrete_columns_))
    assert [s.kind for s in enc0.output_spans_ if s.column == "children"] == [
        "continuous",
        "component",
    ]


def rare_frame(n_common=2000, seed=0):
    rng = np.random.default_rng(seed)
    common = rng.choice(["a", "b", "c"], n_common, p=[0.5, 0.3, 0.2])
    # 40 rare levels: r0 appears 15 times, r1..r39 twice each (all below 1%).
    rare = ["r0"] * 15 + [f"r{i}" for i in range(1, 40) for _ in range(2)]
    values = np.concatenate([common, rare])
    rng.shuffle(values)
    return pd.DataFrame({"city": pd.Series(values, dtype=object)})


def test_rare_levels_grouped_and_decoded_by_frequency():
    X = rare_frame()
    enc = TabularEncoder(rare_threshold=0.01, random_state=0).fit(X)
    (span,) = enc.output_spans_
    assert span.kind == "discrete" and span.size == 4
    assert span.categories[:3] == ("a", "b", "c")
    rare = span.categories[3]
    assert isinstance(rare, RareLevels) and len(rare) == 40 and "r0" in rare
    np.testing.assert_allclose(sum(rare.probabilities), 1.0)
    assert rare.probabilities[rare.levels.index("r0")] == pytest.approx(15 / 93)
    # Every row decoded from the rare slot is one of the rare levels, drawn in
    # proportion to its training frequency.
    Z = np.zeros((20_000, 4))
    Z[:, 3] = 1.0
    R = enc.inverse_transform(Z, random_state=0)
    assert set(R["city"]) <= set(rare.levels)
    share_r0 = np.mean(R["city"] == "r0")
    assert abs(share_r0 - 15 / 93) < 0.015
    # A round trip keeps the common levels exact and rare rows among the rare.
    back = enc.inverse_transform(enc.transform(X), random_state=0)["city"]
    common = X["city"].isin(["a", "b", "c"])
    assert (back[common] == X["city"][common]).all()
    assert back[~common].isin(rare.levels).all()


def test_max_categories_bounds_the_span():
    X = rare_frame()
    enc = TabularEncoder(max_categories=3, random_state=0).fit(X)
    (span,) = enc.output_spans_
    assert span.size == 3
    assert span.categories[:2] == ("a", "b")  # the two most frequent levels
    assert "c" in span.categories[2] and "r5" in span.categories[2]


def test_single_rare_level_keeps_its_slot():
    X = pd.DataFrame({"c": ["a"] * 500 + ["b"] * 500 + ["z"]})
    enc = TabularEncoder(rare_threshold=0.01).fit(X)
    assert enc.output_spans_[0].categories == ("a", "b", "z")


def test_high_cardinality_column_stays_small():
    rng = np.random.default_rng(0)
    levels = np.array([f"L{i}" for i in range(3000)])
    X = pd.DataFrame({"shop": levels[rng.integers(0, 3000, 20_000)]})
    enc = TabularEncoder(random_state=0).fit(X)  # rare_threshold=0.001 by default
    assert enc.n_features_out_ <= 1000
    Z = enc.transform(X)
    assert Z.shape == (20_000, enc.n_features_out_)
    R = enc.inverse_transform(Z, random_state=0)
    assert R["shop"].isin(levels).all()


def random_activated(enc, n, seed):
    """What a generator feeds the decoder: tanh values, normals, probabilities."""
    rng = np.random.default_rng(seed)
    Z = np.empty((n, enc.n_features_out_), dtype=np.float32)
    for span in enc.output_spans_:
        if span.activation == "tanh":
            Z[:, span.slice] = np.tanh(rng.normal(0, 2, (n, span.size)))
        elif span.activation == "identity":
            Z[:, span.slice] = rng.normal(0, 3, (n, span.size))
        else:
            Z[:, span.slice] = rng.dirichlet(np.ones(span.size), size=n)
    return Z


@pytest.mark.parametrize("continuous", CONTINUOUS)
@pytest.mark.parametrize("sample_discrete", [False, True])
def test_inverse_of_random_outputs_is_a_valid_frame(continuous, sample_discrete):
    X = zoo_frame()
    enc = TabularEncoder(continuous=continuous, random_state=0).fit(X)
    Z = random_activated(enc, 500, seed=1)
    R = enc.inverse_transform(Z, random_state=0, sample_discrete=sample_discrete)
    assert list(R.columns) == list(X.columns)
    assert (R.dtypes == X.dtypes).all()
    for col in X.columns:
        kind = enc.column_kinds_[col]
        present = R[col].dropna()
        if X[col].isna().any():
            assert 0 < R[col].isna().mean() < 1, col
        else:
            assert not R[col].isna().any(), col
        if kind in ("categorical", "boolean"):
            assert set(present) <= set(X[col].dropna()), col
        else:
            assert present.min() >= X[col].min() and present.max() <= X[col].max(), col
        if kind == "integer":
            values = present.to_numpy(dtype=float)
            np.testing.assert_array_equal(values, np.round(values))
    # The same random_state decodes to the same frame.
    R2 = enc.inverse_transform(Z, random_state=0, sample_discrete=sample_discrete)
    pd.testing.assert_frame_equal(R, R2)


def test_missing_rate_reproduced_from_missing_span():
    X = make_mixed_frame(400)
    enc = TabularEncoder(random_state=0).fit(X)
    Z = random_activated(enc, 4000, seed=0)
    span = next(s for s in enc.output_spans_ if s.column == "income" and s.kind == "missing")
    rng = np.random.default_rng(0)
    Z[:, span.start + 1] = rng.random(4000) < 0.1  # 10% missing
    Z[:, span.start] = 1 - Z[:, span.start + 1]
    R = enc.inverse_transform(Z)
    np.testing.assert_array_equal(R["income"].isna().to_numpy(), Z[:, span.start + 1] == 1)


@pytest.mark.parametrize("continuous", CONTINUOUS)
def test_transform_is_reproducible(continuous):
    X = make_mixed_frame(200)
    a = TabularEncoder(continuous=continuous, random_state=5).fit(X)
    b = TabularEncoder(continuous=continuous, random_state=5).fit(X)
    np.testing.assert_array_equal(a.transform(X), b.transform(X))
    np.testing.assert_array_equal(a.transform(X), a.transform(X))


def test_mode_draws_follow_the_posterior():
    # Two heavily overlapping halves: values near the middle go to either mode.
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(-1, 1, 3000), rng.normal(1, 1, 3000)])
    X = pd.DataFrame({"x": x})
    encs = [TabularEncoder(n_modes=2, weight_threshold=0.0, random_state=s).fit(X) for s in (0, 1)]
    span = [s for s in encs[0].output_spans_ if s.kind == "component"][0]
    if span.size < 2:
        pytest.skip("the mixture merged the halves")
    middle = np.abs(x) < 0.1
    modes = encs[0].transform(X)[:, span.slice].argmax(axis=1)
    assert 0 < modes[middle].mean() < 1  # not an argmax: both modes used


def test_pickle_size_does_not_grow_with_rows():
    small, large = make_mixed_frame(2000, seed=0), make_mixed_frame(40_000, seed=0)
    sizes = [
        len(pickle.dumps(TabularEncoder(continuous=c, random_state=0).fit(X)))
        for c in CONTINUOUS
        for X in (small, large)
    ]
    assert sizes[1] < 1.3 * sizes[0] and sizes[3] < 1.3 * sizes[2]
    assert max(sizes) < 100_000
    enc = pickle.loads(pickle.dumps(TabularEncoder(random_state=0).fit(small)))
    np.testing.assert_array_equal(enc.transform(small), enc.transform(small))


@pytest.mark.parametrize("continuous", CONTINUOUS)
def test_one_hot_decoding_equals_the_argmax_decoding_of_one_hot_outputs(continuous):
    # the samplers decode their draws (exact one-hots) without an argmax
    X = zoo_frame()
    enc = TabularEncoder(continuous=continuous, random_state=0).fit(X)
    Z = random_activated(enc, 500, seed=2)
    rng = np.random.default_rng(3)
    for span in enc.output_spans_:
        if span.activation == "softmax":
            hot = rng.integers(span.size, size=len(Z))
            Z[:, span.slice] = np.eye(span.size, dtype=np.float32)[hot]
    expected = enc.inverse_transform(Z, random_state=0)
    got = enc._inverse_transform(Z, 0, sample_discrete=False, one_hot=True)
    pd.testing.assert_frame_equal(got, expected)
