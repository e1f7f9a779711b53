import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import Pipeline
from sklearn.ensemble import HistGradientBoostingClassifier

from sksynth.datasets import load_credit
from sksynth.exceptions import DataQualityWarning
from sksynth.preprocessing import (
    HighMissingColumnDropper,
    MissingRowDropper,
    MissingValueImputer,
    make_encoder,
)


def test_imputer_fills_everything_and_keeps_dtypes(mixed_frame):
    before = mixed_frame.copy()
    out = MissingValueImputer().fit_transform(mixed_frame)
    pd.testing.assert_frame_equal(mixed_frame, before)
    assert out.isna().sum().sum() == 0
    assert list(out.columns) == list(mixed_frame.columns)
    pd.testing.assert_series_equal(out.dtypes, mixed_frame.dtypes)
    pd.testing.assert_index_equal(out.index, mixed_frame.index)
    # observed values are untouched, missing ones get the median / the most frequent label
    seen = mixed_frame["income"].notna()
    np.testing.assert_array_equal(out.loc[seen, "income"], mixed_frame.loc[seen, "income"])
    assert (out.loc[~seen, "income"] == np.nanmedian(mixed_frame["income"])).all()
    mode = mixed_frame["job"].value_counts().idxmax()
    assert (out.loc[mixed_frame["job"].isna(), "job"] == mode).all()


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_integer_columns_stay_whole_numbers():
    X, _ = load_credit(return_X_y=True)
    for strategy in ("mean", "knn", "iterative"):
        imputer = MissingValueImputer(strategy=strategy, n_neighbors=3, iterative_max_iter=2)
        out = imputer.fit_transform(X.iloc[:600])
        assert out.isna().sum().sum() == 0, strategy
        for col in ("Income", "Assets", "Debt"):
            assert out[col].dtype == np.float64
            np.testing.assert_array_equal(out[col], np.round(out[col]))
    df = pd.DataFrame({"n": pd.array([1, 2, None, 4], dtype="Int64")})
    out = MissingValueImputer(strategy="mean").fit_transform(df)
    assert str(out["n"].dtype) == "Int64"
    assert out["n"].tolist() == [1, 2, 2, 4]  # mean 7/3 rounded


def test_indicators_mark_exactly_the_missing_cells(mixed_frame):
    imputer = MissingValueImputer(add_indicator=True).fit(mixed_frame)
    out = imputer.transform(mixed_frame)
    missing_cols = [c for c in mixed_frame.columns if mixed_frame[c].isna().any()]
    assert imputer.indicator_columns_ == missing_cols
    assert list(out.columns) == list(mixed_frame.columns) + [f"{c}__missing" for c in missing_cols]
    assert list(imputer.get_feature_names_out()) == list(out.columns)
    for col in missing_cols:
        np.testing.assert_array_equal(out[f"{col}__missing"], mixed_frame[col].isna())


def test_constant_categorical_fill_adds_a_category(mixed_frame):
    frame = mixed_frame.copy()
    frame.loc[[0, 5], "home"] = np.nan
    out = MissingValueImputer(categorical_strategy="constant").fit_transform(frame)
    assert out.loc[[0, 5], "home"].tolist() == ["missing", "missing"]
    assert "missing" in out["home"].cat.categories


def test_unseen_categories_are_left_alone(mixed_frame):
    imputer = MissingValueImputer().fit(mixed_frame)
    new = mixed_frame.head(3).copy()
    new["job"] = ["astronaut", np.nan, "fixed"]
    out = imputer.transform(new)
    assert out["job"].iloc[0] == "astronaut"
    assert out["job"].notna().all()


def test_bad_input_errors_name_the_column(mixed_frame):
    frame = mixed_frame.assign(empty=np.nan)
    with pytest.raises(ValueError, match="'empty'"):
        MissingValueImputer().fit(frame)
    frame = mixed_frame.copy()
    frame.loc[3, "income"] = np.inf
    with pytest.raises(ValueError, match="'income'.*infinite"):
        MissingValueImputer().fit(frame)
    imputer = MissingValueImputer().fit(mixed_frame)
    with pytest.raises(ValueError, match="age"):
        imputer.transform(mixed_frame.drop(columns="age"))
    with pytest.raises(ValueError, match="empty|0 sample"):
        MissingValueImputer().fit(mixed_frame.iloc[:0])
    with pytest.raises(TypeError, match="'job'.*TypeCoercer"):
        MissingValueImputer(kinds={"job": "continuous"}).fit(mixed_frame)


def test_high_missing_column_dropper_is_never_silent():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.normal(size=10), "b": rng.normal(size=10), "c": list("abcdefghij")})
    df.loc[:5, "b"] = np.nan  # 60% missing
    df.loc[:4, "c"] = None  # 50% missing: not strictly above 0.5
    with pytest.warns(DataQualityWarning, match="'b'"):
        dropper = HighMissingColumnDropper(threshold=0.5).fit(df)
    assert dropper.dropped_columns_ == ["b"]
    assert dropper.missing_rate_.to_dict() == {"a": 0.0, "b": 0.6, "c": 0.5}
    out = dropper.transform(df)
    assert list(out.columns) == ["a", "c"]
    assert list(dropper.get_feature_names_out()) == ["a", "c"]
    with pytest.warns(DataQualityWarning, match="'x1'"):
        arr = HighMissingColumnDropper(threshold=0.5).fit(df[["a", "b"]].to_numpy())
    assert arr.transform(df[["a", "b"]].to_numpy()).shape == (10, 1)
    with pytest.raises(ValueError, match="every column"):
        HighMissingColumnDropper(threshold=0.1).fit(df[["b"]])


def test_missing_row_dropper_counts_exactly(mixed_xy):
    X, y = mixed_xy
    X_res, y_res = MissingRowDropper().fit_resample(X, y)
    expected = ~X.isna().any(axis=1)
    assert len(X_res) == int(expected.sum())
    pd.testing.assert_index_equal(X_res.index, X.index[expected])
    assert X_res.isna().sum().sum() == 0
    pd.testing.assert_series_equal(y_res, y[expected])
    pd.testing.assert_series_equal(X_res.dtypes, X.dtypes)
    X_sub, _ = MissingRowDropper(subset=["job"]).fit_resample(X, y)
    assert len(X_sub) == int(X["job"].notna().sum())
    with pytest.raises(ValueError, match="'nope'"):
        MissingRowDropper(subset="nope").fit_resample(X, y)


def test_missing_row_dropper_in_an_imblearn_pipeline():
    X, y = load_credit(return_X_y=True)
    X, y = X.iloc[:800], y.iloc[:800]
    model = Pipeline(
        [
            ("drop_rows", MissingRowDropper()),
            ("encode", make_encoder(X)),
            ("clf", HistGradientBoostingClassifier(max_iter=10)),
        ]
    )
    model.fit(X, y)
    # rows are dropped while fitting only: predict sees every row, NaN included
    assert model.predict(X).shape == (800,)
    assert model.named_steps["drop_rows"].sample_indices_.size == int(X.notna().all(axis=1).sum())


def test_datetime_and_string_dtype_columns_are_filled():
    df = pd.DataFrame(
        {
            "when": pd.to_datetime(["2020-01-01", None, "2020-01-05", "2020-01-03"]),
            "txt": pd.Series(["u", None, "v", "u"], dtype="string"),
            "flag": pd.array([True, True, None, False], dtype="boolean"),
        }
    )
    out = MissingValueImputer().fit_transform(df)
    assert out["when"].iloc[1] == pd.Timestamp("2020-01-03")
    assert out["txt"].iloc[1] == "u" and out["txt"].dtype == df["txt"].dtype
    assert bool(out["flag"].iloc[2]) is True
    pd.testing.assert_series_equal(out.dtypes, df.dtypes)
