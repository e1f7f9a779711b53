import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.pandas import column, data_frames, range_indexes
from imblearn.pipeline import Pipeline
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split

from sksynth.datasets import load_credit
from sksynth.preprocessing import (
    DuplicateRemover,
    HighMissingColumnDropper,
    MissingRowDropper,
    MissingValueImputer,
    OutlierClipper,
    OutlierRemover,
    TableCleaner,
    TypeCoercer,
    make_cleaner,
    make_cleaning_steps,
    make_encoder,
)
from sksynth.utils import infer_column_kinds

TRANSFORMERS = [
    TypeCoercer(),
    MissingValueImputer(),
    HighMissingColumnDropper(),
    OutlierClipper(),
    TableCleaner(),
]
SAMPLERS = [MissingRowDropper(), OutlierRemover(), DuplicateRemover()]


def test_make_cleaner_keeps_columns_kinds_and_rows():
    X, _ = load_credit(return_X_y=True)
    before = X.copy()
    cleaner = make_cleaner(X)
    assert isinstance(cleaner, TableCleaner)
    out = cleaner.fit_transform(X)
    pd.testing.assert_frame_equal(X, before)
    assert out.shape == X.shape
    pd.testing.assert_index_equal(out.index, X.index)
    pd.testing.assert_series_equal(out.dtypes, X.dtypes)
    assert infer_column_kinds(out) == infer_column_kinds(X)
    assert cleaner.kinds_ == infer_column_kinds(X)
    assert out.isna().sum().sum() == 0
    # by default no present value changes: outliers are counted, not clipped
    present = X.notna()
    for col in X.columns:
        pd.testing.assert_series_equal(out.loc[present[col], col], X.loc[present[col], col])
    assert "clip" not in cleaner.named_steps_
    assert (cleaner.changes_["clipped"] == 0).all()
    assert cleaner.changes_["imputed"].to_dict() == X.isna().sum().to_dict()
    assert cleaner.outliers_["Income"] > 0


def test_clipping_when_asked_is_counted_per_column():
    X, _ = load_credit(return_X_y=True)
    cleaner = make_cleaner(X, clip_outliers=True)
    out = cleaner.fit_transform(X)
    present = X.notna()
    for col in X.columns:
        differs = (out.loc[present[col], col] != X.loc[present[col], col]).sum()
        assert cleaner.changes_.loc[col, "clipped"] == differs
    assert cleaner.changes_.loc["Income", "clipped"] > 0
    bounds = cleaner.named_steps_["clip"].bounds_
    for col, (lower, upper) in bounds.dropna().iterrows():
        assert out[col].between(lower, upper).all()
    # Debt is mostly zeros (IQR 0): it gets no bounds rather than being flattened to 0
    assert bounds.loc["Debt"].isna().all()
    seen = X["Debt"].notna()
    pd.testing.assert_series_equal(out.loc[seen, "Debt"], X.loc[seen, "Debt"])
    # categories are kept, including ones never observed
    assert list(out["Home"].cat.categories) == list(X["Home"].cat.categories)
    pd.testing.assert_frame_equal(cleaner.transform(X.head(50)), out.head(50))


def test_make_cleaner_options_and_early_errors(mixed_frame):
    messy = mixed_frame.assign(amount=pd.Series([1, "x"] * 100, dtype=object))
    with pytest.raises(ValueError, match="'amount'"):
        make_cleaner(messy)
    with pytest.raises(ValueError, match="'empty'"):
        make_cleaner(mixed_frame.assign(empty=np.nan))
    cleaner = make_cleaner(mixed_frame.assign(empty=np.nan), drop_high_missing=0.9)
    with pytest.warns(Warning, match="'empty'"):
        out = cleaner.fit_transform(mixed_frame.assign(empty=np.nan))
    assert list(out.columns) == list(mixed_frame.columns)
    cleaner = make_cleaner(mixed_frame, impute=None, clip_outliers=False)
    out = cleaner.fit_transform(mixed_frame)
    assert out.isna().sum().sum() == mixed_frame.isna().sum().sum()
    out = make_cleaner(mixed_frame, add_indicator=True, impute="knn").fit_transform(mixed_frame)
    assert "income__missing" in out.columns


def test_cleaner_as_one_step_of_an_imblearn_pipeline():
    X, y = load_credit(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
    model = Pipeline(
        [
            ("clean", make_cleaner(X_train)),
            ("encode", make_encoder(X_train)),
            ("clf", LogisticRegression(max_iter=500)),
        ]
    )
    model.fit(X_train, y_train)
    score = balanced_accuracy_score(y_test, model.predict(X_test))
    assert score > 0.65  # a majority-class guess scores 0.5


def test_cleaning_steps_with_samplers_in_an_imblearn_pipeline():
    X, y = load_credit(return_X_y=True)
    rng = np.random.default_rng(0)
    copies = rng.choice(len(X), 30, replace=False)
    X_dup = pd.concat([X, X.iloc[copies]], ignore_index=True)
    y_dup = pd.concat([y, y.iloc[copies]], ignore_index=True)
    steps = make_cleaning_steps(X_dup, drop_outliers=True, drop_missing_rows=True)
    assert [name for name, _ in steps] == [
        "coerce",
        "drop_duplicates",
        "drop_missing_rows",
        "drop_outliers",
        "clean",
    ]
    model = Pipeline([*steps, ("encode", make_encoder(X)), ("clf", LogisticRegression())])
    model.fit(X_dup, y_dup)
    assert model.named_steps["drop_duplicates"].n_duplicates_ >= 30
    assert model.predict(X_dup).shape == (len(X_dup),)  # no row dropped at predict time


def test_encoder_by_kind():
    df = pd.DataFrame(
        {
            "num": [1.0, 2.0, 3.0, np.nan],
            "cat": pd.Categorical(["a", "b", "a", "b"]),
            "flag": pd.array([True, False, None, True], dtype="boolean"),
            "when": pd.to_datetime(["2020-01-01", "2020-01-02", None, "2020-01-04"]),
        }
    )
    encoder = make_encoder(df).fit(df)
    out = encoder.transform(df)
    assert list(encoder.get_feature_names_out()) == ["num", "cat_a", "cat_b", "flag", "when"]
    np.testing.assert_allclose(np.nanmean(out[:, 0]), 0.0, atol=1e-12)
    np.testing.assert_array_equal(out[:, 1:3], [[1, 0], [0, 1], [1, 0], [0, 1]])
    np.testing.assert_array_equal(out[:, 3], [1.0, 0.0, np.nan, 1.0])
    assert np.isnan(out[2, 4]) and out[1, 4] < out[3, 4]
    unseen = df.assign(cat=pd.Categorical(["zzz", "a", "b", "a"]))
    np.testing.assert_array_equal(encoder.transform(unseen)[0, 1:3], [0, 0])
    ordinal = make_encoder(df, categorical="ordinal", scale=None).fit(df)
    assert ordinal.transform(unseen)[0, 1] == -1
    assert ordinal.transform(df)[:, 0].tolist()[:3] == [1.0, 2.0, 3.0]
    pandas_out = make_encoder(df).set_output(transform="pandas").fit_transform(df)
    assert list(pandas_out.columns) == ["num", "cat_a", "cat_b", "flag", "when"]


@pytest.mark.parametrize("estimator", TRANSFORMERS + SAMPLERS, ids=lambda e: type(e).__name__)
def test_clone_and_params_round_trip(estimator):
    params = estimator.get_params()
    copy = clone(estimator)
    assert copy.get_params() == params
    copy.set_params(**params)
    assert type(estimator)(**params).get_params() == params


@pytest.mark.parametrize("estimator", TRANSFORMERS, ids=lambda e: type(e).__name__)
def test_transformers_pandas_and_numpy_io(estimator, mixed_frame):
    before = mixed_frame.copy()
    out = clone(estimator).fit_transform(mixed_frame)
    pd.testing.assert_frame_equal(mixed_frame, before)
    assert isinstance(out, pd.DataFrame)
    numbers = np.random.default_rng(0).normal(size=(30, 3))
    numbers[0, 1] = np.nan
    fitted = clone(estimator).fit(numbers)
    out = fitted.transform(numbers)
    assert isinstance(out, np.ndarray) and out.shape[0] == 30
    out = clone(estimator).set_output(transform="pandas").fit(numbers).transform(numbers)
    assert isinstance(out, pd.DataFrame) and list(out.columns[:3]) == ["x0", "x1", "x2"]


@pytest.mark.parametrize("estimator", SAMPLERS, ids=lambda e: type(e).__name__)
def test_samplers_leave_the_caller_data_alone(estimator, mixed_xy):
    X, y = mixed_xy
    X_before, y_before = X.copy(), y.copy()
    X_res, y_res = clone(estimator).fit_resample(X, y)
    pd.testing.assert_frame_equal(X, X_before)
    pd.testing.assert_series_equal(y, y_before)
    assert X_res.index.equals(y_res.index)


frames = data_frames(
    columns=[
        column("f", elements=st.floats(-1e6, 1e6) | st.just(np.nan)),
        column("i", elements=st.integers(-1000, 1000)),
        column("c", elements=st.sampled_from(["a", "b", "yes", None])),
        column("s", elements=st.sampled_from(["1", "2.5", "?", "7"])),
    ],
    index=range_indexes(min_size=1, max_size=25),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=frames)
def test_no_transformer_changes_the_row_count(frame):
    all_missing = frame["f"].isna().all()
    for estimator in (
        TypeCoercer(),
        HighMissingColumnDropper(threshold=1.0),
        OutlierClipper(kinds={"c": "categorical", "s": "categorical"}),
        TableCleaner(impute=None, clip_outliers=True),
    ):
        if all_missing and not isinstance(estimator, TypeCoercer | HighMissingColumnDropper):
            with pytest.raises(ValueError, match="'f'"):  # documented: nothing to learn from
                clone(estimator).fit_transform(frame)
            continue
        out = clone(estimator).fit_transform(frame)
        assert out.shape[0] == frame.shape[0]
        pd.testing.assert_index_equal(out.index, frame.index)
    empty = [c for c in ("f", "c") if frame[c].isna().all()]
    if empty:  # the imputer refuses a column with no value, naming it (documented)
        with pytest.raises(ValueError, match=f"'{empty[0]}'"):
            TableCleaner().fit_transform(frame)
    else:
        out = TableCleaner().fit_transform(frame)
        assert out.shape == frame.shape
        assert out.isna().sum().sum() == 0
