import warnings

import numpy as np
import pandas as pd
import pytest

from sksynth.datasets import load_credit
from sksynth.exceptions import DataQualityWarning
from sksynth.preprocessing import TypeCoercer


def messy_frame():
    return pd.DataFrame(
        {
            "price": ["1.5", " 2 ", "?", "NA", "1e3"],
            "flag": ["Yes", "no", "Y", "N", None],
            "truth": ["TRUE", "false", "True", "FALSE", "true"],
            "label": ["a", "b", "a", "c", "b"],
            "count": [1, 2, 1, 2, 2],
            "when": ["2021-01-02", "2021-02-03", None, "2022-12-31", "2020-06-01"],
        }
    )


def test_coerces_numbers_booleans_and_keeps_labels():
    df = messy_frame()
    coercer = TypeCoercer().fit(df)
    out = coercer.transform(df)
    assert out["price"].dtype == np.float64
    np.testing.assert_array_equal(out["price"].to_numpy(), [1.5, 2.0, np.nan, np.nan, 1000.0])
    assert str(out["flag"].dtype) == "boolean"
    assert out["flag"].tolist()[:4] == [True, False, True, False]
    assert out["flag"].isna().tolist() == [False] * 4 + [True]
    assert out["truth"].tolist() == [True, False, True, False, True]
    assert out["label"].tolist() == df["label"].tolist()
    assert out["count"].dtype == df["count"].dtype
    # dates are left as text unless asked for
    assert coercer.plan_["when"] == "keep"
    assert coercer.kinds_ == {
        "price": "continuous",
        "flag": "boolean",
        "truth": "boolean",
        "label": "categorical",
        "count": "integer",
        "when": "categorical",
    }


def test_parse_dates_and_low_cardinality_integers():
    df = messy_frame()
    coercer = TypeCoercer(parse_dates=["when"], max_int_categories=2).fit(df)
    out = coercer.transform(df)
    assert pd.api.types.is_datetime64_any_dtype(out["when"].dtype)
    assert out["when"].iloc[3] == pd.Timestamp("2022-12-31")
    assert out["when"].isna().sum() == 1
    assert isinstance(out["count"].dtype, pd.CategoricalDtype)
    assert list(out["count"].cat.categories) == [1, 2]
    assert coercer.kinds_["count"] == "categorical"
    # a third value at transform time is not a known category: it becomes missing, with a warning
    new = df.assign(count=[1, 2, 3, 1, 2])
    with pytest.warns(DataQualityWarning, match="'count'"):
        assert coercer.transform(new)["count"].isna().tolist() == [False, False, True, False, False]


def test_max_int_categories_leaves_high_cardinality_integers():
    df = pd.DataFrame({"n": np.arange(20), "k": np.arange(20) % 3})
    out = TypeCoercer(max_int_categories=5).fit_transform(df)
    assert out["n"].dtype == np.int64
    assert isinstance(out["k"].dtype, pd.CategoricalDtype)


def test_overrides_by_column():
    df = pd.DataFrame({"code": [10, 20, 10, 30], "v": ["1", "2", "x", "4"]})
    with pytest.warns(DataQualityWarning, match="'v'.*1 value"):
        coercer = TypeCoercer(kinds={"code": "categorical", "v": "continuous"}).fit(df)
    out = coercer.transform(df.iloc[[0, 1, 3]])
    assert isinstance(out["code"].dtype, pd.CategoricalDtype)
    assert out["v"].tolist() == [1.0, 2.0, 4.0]
    assert coercer.kinds_["code"] == "categorical"
    flags = pd.DataFrame({"b": [0, 1, 1, 0]})
    out = TypeCoercer(kinds={"b": "boolean"}).fit_transform(flags)
    assert out["b"].tolist() == [False, True, True, False]


def test_unknown_override_column_is_an_error():
    with pytest.raises(ValueError, match="'nope'"):
        TypeCoercer(kinds={"nope": "integer"}).fit(messy_frame())


@pytest.mark.parametrize(
    "values, pattern",
    [
        ([1, 2.5, "abc", 4], "Python numbers and text"),
        (["1", "2", "3", "4", "5", "6", "7", "8", "9", "ten"], "9 of 10 values are numbers"),
    ],
)
def test_mixed_types_are_an_error_naming_the_column(values, pattern):
    df = pd.DataFrame({"ok": np.arange(len(values)), "amount": pd.Series(values, dtype=object)})
    with pytest.raises(ValueError, match=f"'amount'.*{pattern}"):
        TypeCoercer().fit(df)
    # the error message's advice works
    out = TypeCoercer(kinds={"amount": "categorical"}).fit_transform(df)
    assert out["amount"].tolist() == values


def test_unparseable_values_at_transform_follow_errors():
    train = pd.DataFrame({"x": ["1", "2", "3"]})
    test = pd.DataFrame({"x": ["4", "oops", None]})
    with pytest.warns(DataQualityWarning, match="'x'.*1 value"):
        out = TypeCoercer().fit(train).transform(test)
    assert out["x"].isna().tolist() == [False, True, True]
    with pytest.raises(ValueError, match="'x'"):
        TypeCoercer(errors="raise").fit(train).transform(test)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = TypeCoercer(errors="coerce").fit(train).transform(test)
    assert out["x"].iloc[0] == 4.0


def test_infinite_text_is_an_error_naming_the_column():
    with pytest.raises(ValueError, match="'x'.*infinite"):
        TypeCoercer().fit(pd.DataFrame({"x": ["1", "inf", "2"]}))


def test_string_dtype_and_object_dtype_give_the_same_result():
    obj = pd.DataFrame({"p": pd.Series(["1", "2", None], dtype=object)})
    txt = pd.DataFrame({"p": pd.Series(["1", "2", None], dtype="string")})
    a = TypeCoercer().fit_transform(obj)
    b = TypeCoercer().fit_transform(txt)
    pd.testing.assert_frame_equal(a, b)


def test_credit_round_trip_through_text():
    X, _ = load_credit(return_X_y=True)
    messy = X.copy()
    messy["Income"] = X["Income"].map(lambda v: "?" if pd.isna(v) else f" {v:g} ").astype(object)
    messy["Records"] = X["Records"].astype(object).str.upper()
    before = messy.copy()
    coercer = TypeCoercer().fit(messy)
    out = coercer.transform(messy)
    pd.testing.assert_frame_equal(messy, before)  # caller's frame untouched
    assert coercer.plan_["Income"] == "to_numeric"
    pd.testing.assert_series_equal(out["Income"], X["Income"])
    assert coercer.plan_["Records"] == "to_boolean"
    assert (out["Records"] == (X["Records"] == "yes")).all()
    untouched = [c for c in X.columns if c not in ("Income", "Records")]
    pd.testing.assert_frame_equal(out[untouched], X[untouched])


def test_numpy_in_numpy_out_and_set_output():
    X = np.array([["1", "yes"], ["2", "no"]], dtype=object)
    out = TypeCoercer().fit_transform(X)
    assert isinstance(out, np.ndarray)
    assert out.shape == (2, 2)
    out = TypeCoercer().set_output(transform="pandas").fit_transform(X)
    assert list(out.columns) == ["x0", "x1"]
    assert out["x0"].dtype == np.float64
    assert str(out["x1"].dtype) == "boolean"


def test_unconvertible_values_of_several_columns_give_one_warning():
    train = pd.DataFrame({"a": ["1", "2", "3"], "b": ["4.5", "5", "6"], "c": ["x", "y", "x"]})
    new = pd.DataFrame({"a": ["1", "oops", "3"], "b": ["bad", "5", "6"], "c": ["x", "y", "z"]})
    coercer = TypeCoercer().fit(train)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = coercer.transform(new)
    quality = [w for w in caught if issubclass(w.category, DataQualityWarning)]
    assert len(quality) == 1
    assert "'a'" in str(quality[0].message) and "'b'" in str(quality[0].message)
    assert out["a"].isna().sum() == 1 and out["b"].isna().sum() == 1
