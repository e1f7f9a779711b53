"""Warnings that sksynth raises point at the user's line, not at sksynth's own files."""

import warnings

import numpy as np
import pandas as pd
from imblearn.pipeline import make_pipeline
from sklearn.linear_model import LogisticRegression

from sksynth.exceptions import DataQualityWarning
from sksynth.metrics import dcr_share
from sksynth.preprocessing import HighMissingColumnDropper


def _caught(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [w for w in caught if issubclass(w.category, DataQualityWarning)]


def test_direct_call_warns_at_this_file():
    X = pd.DataFrame({"a": [1.0, np.nan, np.nan, np.nan], "b": [1.0, 2.0, 3.0, 4.0]})
    caught = _caught(lambda: HighMissingColumnDropper(threshold=0.5).fit(X))
    assert caught
    assert caught[0].filename == __file__


def test_warning_inside_a_pipeline_points_at_the_fit_line():
    X = pd.DataFrame({"a": [1.0, np.nan, np.nan, np.nan] * 5, "b": np.arange(20.0)})
    y = np.arange(20) % 2
    pipe = make_pipeline(HighMissingColumnDropper(threshold=0.5), LogisticRegression())
    caught = _caught(lambda: pipe.fit(X, y))
    assert caught
    assert caught[0].filename == __file__


def test_warning_from_a_metric_wrapped_in_thread_limits_points_here():
    rng = np.random.default_rng(0)
    train = pd.DataFrame({"a": rng.normal(size=40), "b": rng.normal(size=40)})
    holdout = train.iloc[:20].copy()  # holdout rows that are also training rows
    caught = _caught(lambda: dcr_share(train, train.sample(20, random_state=0), holdout))
    assert caught
    assert all(w.filename == __file__ for w in caught)
