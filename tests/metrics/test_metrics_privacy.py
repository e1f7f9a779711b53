import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import make_mixed_frame

from sksynth.exceptions import DataQualityWarning
from sksynth.metrics import (
    dcr_share,
    exact_copy_rate,
    membership_inference_auc,
    nearest_neighbor_distance_ratio,
    privacy_details,
)
from sksynth.metrics._common import _MixedTypeEncoder


def continuous(n, seed):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.normal(size=(n, 3)), columns=["a", "b", "c"])
    frame["g"] = rng.choice(["x", "y", "z"], n)
    return frame


def test_copy_of_training_rows_is_flagged():
    train, holdout = continuous(300, 0), continuous(300, 1)
    scores, _ = privacy_details(train, train.copy(), holdout, random_state=0)
    assert scores["exact_copy_rate"] == 1.0
    assert scores["dcr_share"] > 0.95
    assert scores["mia_auc"] > 0.95
    assert scores["nndr"] == 0.0


def test_independent_draw_is_private():
    train, holdout, synthetic = continuous(400, 0), continuous(400, 1), continuous(400, 2)
    scores, _ = privacy_details(train, synthetic, holdout, random_state=0)
    assert scores["exact_copy_rate"] == 0.0
    assert scores["dcr_share"] == pytest.approx(0.5, abs=0.07)
    assert scores["mia_auc"] == pytest.approx(0.5, abs=0.07)
    assert scores["nndr"] > 0.5


def test_partial_copies():
    train, holdout = continuous(200, 0), continuous(200, 1)
    synthetic = pd.concat([train.iloc[:50], continuous(150, 2)], ignore_index=True)
    assert exact_copy_rate(train, synthetic) == pytest.approx(0.25)
    assert 0.55 < dcr_share(train, synthetic, holdout, random_state=0) < 0.8


def test_near_copies_are_not_exact_but_close():
    train = continuous(200, 0)
    jitter = train.assign(a=train["a"] + 1e-6)
    assert exact_copy_rate(train, jitter) == 0.0
    assert nearest_neighbor_distance_ratio(train, jitter) < 0.01


def test_mixed_types_with_missing_values():
    train, holdout = make_mixed_frame(200, 0), make_mixed_frame(200, 1)
    assert exact_copy_rate(train, train) == 1.0
    assert membership_inference_auc(train, train, holdout, random_state=0) > 0.95
    assert exact_copy_rate(train, make_mixed_frame(200, 2)) == 0.0


def test_unequal_sizes_are_balanced():
    train, holdout = continuous(400, 0), continuous(100, 1)
    share = dcr_share(train, continuous(300, 2), holdout, random_state=0)
    assert share == pytest.approx(0.5, abs=0.1)  # not pulled up by the larger train


def test_overlapping_holdout_warns():
    train = continuous(200, 0)
    holdout = pd.concat([train.iloc[:40], continuous(160, 1)], ignore_index=True)
    with pytest.warns(DataQualityWarning, match="40 of the 200 holdout rows"):
        dcr_share(train, continuous(200, 2), holdout, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dcr_share(train, continuous(200, 2), continuous(200, 1), random_state=0)


def test_mismatched_holdout_columns_are_named():
    train = continuous(50, 0)
    with pytest.raises(ValueError, match=r"holdout table .* missing \['g'\]"):
        dcr_share(train, train, continuous(50, 1).drop(columns="g"))


def test_encoder_distances():
    train = pd.DataFrame({"x": [0.0, 10.0, np.nan], "c": ["a", "b", None]})
    enc = _MixedTypeEncoder().fit(train)
    rows = enc.transform(pd.DataFrame({"x": [0.0, 10.0, 5.0], "c": ["a", "b", "new"]}))
    assert np.linalg.norm(rows[0] - rows[1]) == pytest.approx(np.sqrt(2.0))  # range + label
    # an unseen label sits at 1/sqrt(2) from a known one
    assert np.linalg.norm(rows[2, 2:] - rows[0, 2:]) == pytest.approx(np.sqrt(0.5))
    assert train["x"].isna().sum() == 1  # input untouched
