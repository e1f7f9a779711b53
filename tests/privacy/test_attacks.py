"""Privacy beyond distances: membership inference on the minority class, reconstruction."""

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import SMOTE

from sksynth.metrics import minority_membership_inference_auc, reconstruction_rate


def _table(n, seed):
    rng = np.random.default_rng(seed)
    y = np.where(rng.random(n) < 0.1, "rare", "common")
    x = rng.normal(size=(n, 4)) + (y == "rare")[:, None]
    frame = pd.DataFrame(x, columns=list("abcd"))
    frame["y"] = y
    return frame


def _smote_rows(train):
    X_res, y_res = SMOTE(random_state=0).fit_resample(train.drop(columns="y"), train["y"])
    return X_res.iloc[len(train):].assign(y=np.asarray(y_res)[len(train):])


def test_interpolated_minority_rows_give_members_away():
    train, holdout = _table(1500, 0), _table(1500, 1)
    smote = _smote_rows(train)
    assert minority_membership_inference_auc(train, smote, holdout, "y", random_state=0) > 0.8
    assert reconstruction_rate(train, smote, "y") > 0.8


def test_an_independent_sample_gives_nothing_away():
    train, holdout, fresh = _table(1500, 0), _table(1500, 1), _table(3000, 2)
    auc = minority_membership_inference_auc(train, fresh, holdout, "y", random_state=0)
    assert 0.4 < auc < 0.6
    assert reconstruction_rate(train, fresh, "y") < 0.3


def test_the_minority_class_can_be_named_and_must_exist():
    train = _table(300, 0)
    assert reconstruction_rate(train, train, "y", minority="common") == 1.0
    with pytest.raises(ValueError, match="not a class"):
        reconstruction_rate(train, train, "y", minority="nope")
    with pytest.raises(ValueError, match="not a column"):
        reconstruction_rate(train, train, "label")
