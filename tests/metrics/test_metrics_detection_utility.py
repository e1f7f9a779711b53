import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import make_mixed_frame
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import get_scorer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sksynth.metrics import augmentation_score, detection_auc, detection_score, tstr_score


def labelled(n, seed, noise=0.5):
    """Mixed-type features and a binary label driven by income and age."""
    X = make_mixed_frame(n, seed)
    rng = np.random.default_rng(seed + 100)
    signal = np.log(X["income"].fillna(22000)) - 10 + 0.05 * (X["age"] - 50)
    X["label"] = np.where(signal + rng.normal(0, noise, n) > 0, "yes", "no")
    return X


# ------------------------------------------------------------------ detection
def test_identical_tables_are_undetectable(mixed_frame):
    auc = detection_auc(mixed_frame, mixed_frame.copy(), cv=3, random_state=0)
    assert 0.35 <= auc <= 0.6


def test_same_distribution_is_near_chance():
    auc = detection_auc(make_mixed_frame(300, 0), make_mixed_frame(300, 1), cv=3, random_state=0)
    assert 0.35 <= auc <= 0.65


def test_shifted_table_is_detected(mixed_frame):
    shifted = make_mixed_frame(200, 1)
    shifted["income"] = shifted["income"] * 5
    assert detection_auc(mixed_frame, shifted, cv=3, random_state=0) > 0.9


def test_logistic_regression_detector(mixed_frame):
    shifted = make_mixed_frame(200, 1).assign(age=lambda f: f["age"] + 40)
    auc = detection_auc(mixed_frame, shifted, estimator="logistic_regression", cv=3, random_state=0)
    assert auc > 0.9


def test_custom_detector_gets_raw_table():
    rng = np.random.default_rng(0)
    real = pd.DataFrame(rng.normal(size=(200, 2)), columns=["a", "b"])
    fake = pd.DataFrame(rng.normal(1.5, 1, size=(200, 2)), columns=["a", "b"])
    model = make_pipeline(StandardScaler(), LogisticRegression())
    assert detection_auc(real, fake, estimator=model, cv=3, random_state=0) > 0.8


def test_detection_is_reproducible(mixed_frame):
    other = make_mixed_frame(200, 3)
    first = detection_auc(mixed_frame, other, cv=3, random_state=7)
    assert detection_auc(mixed_frame, other, cv=3, random_state=7) == first


def test_detection_score():
    assert detection_score(0.5) == 1.0
    assert detection_score(0.4) == 1.0
    assert detection_score(1.0) == 0.0


@pytest.mark.parametrize("cv", [1, 2.5, True])
def test_detection_bad_cv(mixed_frame, cv):
    with pytest.raises(ValueError, match="cv"):
        detection_auc(mixed_frame, mixed_frame, cv=cv)


def test_detection_bad_estimator(mixed_frame):
    with pytest.raises(ValueError, match="estimator"):
        detection_auc(mixed_frame, mixed_frame, estimator="forest")


# -------------------------------------------------------------------- utility
def test_tstr_same_distribution_is_close_to_real():
    train, syn, test = labelled(400, 0), labelled(400, 1), labelled(400, 2)
    scores = tstr_score(train, syn, test, "label", random_state=0)
    assert list(scores.index) == ["roc_auc", "balanced_accuracy", "f1_macro"]
    assert list(scores.columns) == ["real", "synthetic", "ratio"]
    assert scores.loc["roc_auc", "real"] > 0.75
    assert scores.loc["roc_auc", "ratio"] == pytest.approx(1.0, abs=0.1)


def test_random_labels_give_chance_utility():
    train, test = labelled(400, 0), labelled(400, 2)
    syn = labelled(400, 1)
    syn["label"] = np.random.default_rng(0).permutation(syn["label"].to_numpy())
    scores = tstr_score(train, syn, test, "label", random_state=0)
    assert scores.loc["roc_auc", "synthetic"] == pytest.approx(0.5, abs=0.1)
    assert scores.loc["balanced_accuracy", "synthetic"] == pytest.approx(0.5, abs=0.1)
    assert scores.loc["roc_auc", "ratio"] < 0.75


def test_regression_uses_r2():
    rng = np.random.default_rng(0)

    def table(n):
        x = rng.normal(size=(n, 2))
        y = x @ [2.0, -1.0] + rng.normal(0, 0.1, n)
        return pd.DataFrame({"x0": x[:, 0], "x1": x[:, 1], "y": y})

    scores = tstr_score(table(300), table(300), table(200), "y", random_state=0)
    assert list(scores.index) == ["r2"]
    assert scores.loc["r2", "real"] > 0.9
    assert scores.loc["r2", "ratio"] == pytest.approx(1.0, abs=0.05)


def test_multiclass_and_custom_estimator():
    rng = np.random.default_rng(0)

    def table(n):
        x = rng.normal(size=(n, 2))
        return pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "y": np.digitize(x[:, 0], [-0.5, 0.5])})

    model = make_pipeline(StandardScaler(), LogisticRegression())
    scores = tstr_score(table(300), table(300), table(200), "y", estimator=model)
    assert "roc_auc_ovr" in scores.index
    assert scores.loc["balanced_accuracy", "synthetic"] > 0.7


def test_multiclass_auc_with_a_class_missing_from_the_synthetic_table():
    rng = np.random.default_rng(1)

    def table(n, classes):
        y = rng.choice(classes, n)
        return pd.DataFrame({"a": rng.normal(size=n) + y, "b": rng.normal(size=n), "y": y})

    real_train, real_test = table(400, [0, 1, 2, 3]), table(300, [0, 1, 2, 3])
    synthetic = table(400, [0, 1, 2])  # a class the generator never made
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scores = tstr_score(real_train, synthetic, real_test, "y", random_state=0)
    auc = scores.loc["roc_auc_ovr"]
    assert 0.55 < auc["synthetic"] < auc["real"]
    # where the model knows every class of the test rows, it is scikit-learn's own
    model = make_pipeline(StandardScaler(), LogisticRegression())
    scores = tstr_score(real_train, real_train, real_test, "y", estimator=model)
    fitted = clone(model).fit(real_train[["a", "b"]], real_train["y"])
    expected = get_scorer("roc_auc_ovr")(fitted, real_test[["a", "b"]], real_test["y"])
    assert scores.loc["roc_auc_ovr", "synthetic"] == pytest.approx(expected)


def test_augmentation_variant():
    train, syn, test = labelled(150, 0), labelled(400, 1), labelled(400, 2)
    scores = augmentation_score(train, syn, test, "label", metric="roc_auc", random_state=0)
    assert list(scores.columns) == ["real", "augmented", "ratio"]
    assert scores.loc["roc_auc", "ratio"] > 0.9
    noise = syn.assign(label=np.random.default_rng(1).permutation(syn["label"].to_numpy()))
    hurt = augmentation_score(train, noise, test, "label", metric="roc_auc", random_state=0)
    assert hurt.loc["roc_auc", "augmented"] < scores.loc["roc_auc", "augmented"]


def test_target_missing_from_one_side():
    train, test = labelled(100, 0), labelled(100, 2)
    syn = labelled(100, 1).drop(columns="label")
    with pytest.raises(ValueError, match=r"'label' is missing from the synthetic"):
        tstr_score(train, syn, test, "label")


def test_target_with_one_class():
    train, syn, test = labelled(100, 0), labelled(100, 1), labelled(100, 2)
    syn["label"] = "yes"
    with pytest.raises(ValueError, match=r"'label' of the synthetic table has a single class"):
        tstr_score(train, syn, test, "label")


def test_target_with_missing_values():
    train, syn, test = labelled(100, 0), labelled(100, 1), labelled(100, 2)
    train.loc[3, "label"] = None
    with pytest.raises(ValueError, match="missing value"):
        tstr_score(train, syn, test, "label")


def test_unknown_metric():
    train = labelled(100, 0)
    with pytest.raises(ValueError, match="not_a_metric"):
        tstr_score(train, train, train, "label", metric="not_a_metric")
