"""Samplers inside imblearn pipelines and searches, pickling, the bundled dataset."""

import io

import joblib
import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import Pipeline
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.preprocessing import OrdinalEncoder

from sksynth.datasets import load_credit
from sksynth.generators import (
    ConditionalGANSampler,
    ConditionalVAESampler,
    GANSampler,
    VAESampler,
)

FAST = dict(epochs=1, batch_size=40, hidden_dims=(8,), latent_dim=4, random_state=0,
            continuous="quantile")
ALL = [GANSampler, VAESampler, ConditionalGANSampler, ConditionalVAESampler]


def make_pipeline(sampler):
    encode = make_column_transformer(
        (
            OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1,
                           encoded_missing_value=-1),
            make_column_selector(dtype_exclude="number"),
        ),
        remainder="passthrough",
    )
    return Pipeline(
        [("gen", sampler), ("encode", encode),
         ("clf", HistGradientBoostingClassifier(max_iter=5))]
    )


def test_pipeline_resamples_only_at_fit(mixed_xy):
    X, y = mixed_xy
    pipe = make_pipeline(ConditionalGANSampler(**FAST)).fit(X, y)
    assert pipe.predict(X).shape == (len(X),)  # no resampling at predict
    assert pipe.named_steps["gen"].sampling_strategy_ == {1: int((y == 0).sum() - (y == 1).sum())}


def test_grid_search_over_sampler_parameters(mixed_xy):
    X, y = mixed_xy
    grid = GridSearchCV(
        make_pipeline(VAESampler(**FAST)),
        {"gen__epochs": [1, 2], "gen__sampling_strategy": ["auto", 0.5]},
        cv=2,
        scoring="roc_auc",
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 4
    assert np.isfinite(grid.cv_results_["mean_test_score"]).all()
    assert grid.best_estimator_.named_steps["gen"].epochs in (1, 2)


def test_cross_validate_in_parallel_workers(mixed_xy):
    X, y = mixed_xy
    scores = cross_validate(make_pipeline(GANSampler(**FAST)), X, y, cv=2, n_jobs=2)
    assert np.isfinite(scores["test_score"]).all()


@pytest.mark.parametrize("cls", ALL)
def test_joblib_round_trip_gives_the_same_samples(cls, mixed_xy):
    X, y = mixed_xy
    sampler = cls(**FAST).fit(X, y)
    buffer = io.BytesIO()
    joblib.dump(sampler, buffer)
    buffer.seek(0)
    loaded = joblib.load(buffer)
    a, ya = sampler.sample(40, random_state=3)
    b, yb = loaded.sample(40, random_state=3)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_series_equal(ya, yb)


def _pickle_size(obj):
    buffer = io.BytesIO()
    joblib.dump(obj, buffer)
    return buffer.tell()


def table(n, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "income": rng.lognormal(10, 0.5, n),
            "age": rng.integers(18, 80, n),
            "home": pd.Categorical(rng.choice(["rent", "owner", "parents"], n)),
        }
    )


@pytest.mark.parametrize("cls", [ConditionalGANSampler, VAESampler])
def test_fitted_sampler_keeps_no_training_rows(cls):
    params = {**FAST, "batch_size": 5000, "continuous": "mode"}  # one batch per epoch
    size_small = _pickle_size(cls(**params).fit(table(200)))
    large = table(5000)
    fitted = cls(**params).fit(large)
    size_large = _pickle_size(fitted)
    assert size_large < size_small * 1.2 + 20_000  # does not grow with the rows
    buffer = io.BytesIO()
    joblib.dump(fitted, buffer)
    blob = buffer.getvalue()
    # distinctive training values appear nowhere in the pickle, as float64 or float32
    for value in large["income"].iloc[[3, 17, 4000]]:
        assert np.float64(value).tobytes() not in blob
        assert np.float32(value).tobytes() not in blob


def test_credit_end_to_end_fit_sample_and_fit_resample():
    X, y = load_credit(return_X_y=True)
    sampler = ConditionalGANSampler(**{**FAST, "batch_size": 500}).fit(X, y)
    X_new, y_new = sampler.sample(500, conditions={"Home": "rent"})
    assert X_new.dtypes.to_dict() == X.dtypes.to_dict()
    assert (X_new["Home"] == "rent").all()
    assert set(y_new) <= set(y)
    X_res, y_res = VAESampler(**{**FAST, "batch_size": 500}).fit_resample(X, y)
    assert y_res.value_counts().nunique() == 1
    pd.testing.assert_frame_equal(X_res.iloc[: len(X)], X.reset_index(drop=True))
