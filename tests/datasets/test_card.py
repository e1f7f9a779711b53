import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import Pipeline as ImbPipeline
from imblearn.under_sampling import RandomUnderSampler
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

import sksynth
from sksynth.datasets import DatasetCard, fingerprint, load_credit, make_card


def test_fingerprint_is_deterministic_and_content_based(mixed_frame):
    before = mixed_frame.copy(deep=True)
    digest = fingerprint(mixed_frame)
    pd.testing.assert_frame_equal(mixed_frame, before)
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert fingerprint(mixed_frame.copy(deep=True)) == digest
    # the index is not covered
    assert fingerprint(mixed_frame.set_axis(np.arange(len(mixed_frame)) + 7)) == digest
    changed = mixed_frame.copy()
    changed.loc[3, "age"] = changed.loc[3, "age"] + 1
    assert fingerprint(changed) != digest
    assert fingerprint(mixed_frame.rename(columns={"age": "Age"})) != digest
    assert fingerprint(mixed_frame[list(mixed_frame.columns[::-1])]) != digest
    assert fingerprint(mixed_frame.astype({"age": "float64"})) != digest
    assert fingerprint(mixed_frame.iloc[:-1]) != digest
    recat = mixed_frame.copy()
    recat["home"] = recat["home"].cat.add_categories(["castle"])
    assert fingerprint(recat) != digest


def test_fingerprint_row_order():
    df = pd.DataFrame({"a": [1.5, 2.5, 2.5, np.nan], "b": ["x", "y", "y", None]})
    shuffled = df.iloc[[3, 1, 0, 2]]
    assert fingerprint(shuffled) != fingerprint(df)
    assert fingerprint(shuffled, ignore_row_order=True) == fingerprint(df, ignore_row_order=True)
    # a multiset: dropping one of two repeated rows changes the hash
    assert fingerprint(df.iloc[[0, 1, 3]], ignore_row_order=True) != fingerprint(
        df, ignore_row_order=True
    )
    assert fingerprint(df, ignore_row_order=True) != fingerprint(df)


def test_fingerprint_text_storage_does_not_matter():
    values = ["x", "y", None]
    as_object = pd.DataFrame({"t": pd.Series(values, dtype=object)})
    as_str = pd.DataFrame({"t": pd.Series(values, dtype="str")})
    assert fingerprint(as_object) == fingerprint(as_str)
    mixed = pd.DataFrame({"t": pd.Series(["x", 1, None], dtype=object)})
    assert fingerprint(mixed) != fingerprint(as_object)


def test_fingerprint_is_stable_across_processes():
    code = (
        "from sksynth.datasets import load_credit, fingerprint; "
        "df = load_credit(); "
        "print(fingerprint(df), fingerprint(df, ignore_row_order=True))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout.split()
    df = load_credit()
    assert out == [fingerprint(df), fingerprint(df, ignore_row_order=True)]


def test_fingerprint_rejects_non_frames():
    with pytest.raises(TypeError, match="DataFrame"):
        fingerprint(np.zeros((2, 2)))


def _cleaner(df):
    numeric = ["Income", "Assets", "Debt"]
    return Pipeline(
        [
            ("impute", ColumnTransformer([("num", SimpleImputer(strategy="median"), numeric)])),
            ("scale", StandardScaler()),
            ("log", FunctionTransformer(np.log1p)),
        ]
    ).fit(df)


def test_make_card_records_schema_steps_and_versions():
    df = load_credit()
    before = df.copy(deep=True)
    pipe = _cleaner(df)
    card = make_card(
        df, name="credit", source="sksynth.datasets.load_credit", steps=pipe, target="Status"
    )
    pd.testing.assert_frame_equal(df, before)
    assert card.shape == df.shape
    assert card.target == "Status"
    assert card.fingerprint == fingerprint(df)
    assert card.fingerprint_unordered == fingerprint(df, ignore_row_order=True)
    schema = {c["name"]: c for c in card.columns}
    assert list(schema) == list(df.columns)
    assert schema["Income"]["missing_rate"] == pytest.approx(df["Income"].isna().mean())
    assert schema["Home"]["kind"] == "categorical"
    assert schema["Home"]["categories"] == list(df["Home"].cat.categories)
    assert schema["Age"]["categories"] is None and schema["Age"]["kind"] == "integer"
    assert [s["name"] for s in card.steps] == ["impute", "scale", "log"]
    assert card.steps[1]["class"] == "sklearn.preprocessing._data.StandardScaler"
    assert card.steps[1]["params"]["with_mean"] is True
    assert all(s["fitted"] for s in card.steps)
    nested = card.steps[0]["params"]["transformers"][0]
    assert nested[0] == "num" and nested[1]["params"]["strategy"] == "median"
    assert card.steps[2]["params"]["func"] == "numpy.log1p"
    assert card.sksynth_version == sksynth.__version__
    assert card.created.endswith("+00:00")


def test_card_json_round_trip(tmp_path):
    df = load_credit()
    steps = [
        ("drop_missing", "dropped rows with a missing Income"),
        RandomUnderSampler(sampling_strategy=0.8, random_state=np.random.RandomState(0)),
        {"name": "manual", "rows_removed": 3, "threshold": float("nan")},
    ]
    card = make_card(df, name="credit", source="test", description="é ünïcode", steps=steps)
    path = tmp_path / "cards" / "credit.json"
    text = card.to_json(path)
    assert path.read_text(encoding="utf-8").strip() == text

    def no_constants(name):
        raise AssertionError(f"non-standard JSON constant {name}")

    data = json.loads(text, parse_constant=no_constants)
    assert data["steps"][0] == {"name": "drop_missing", "description": steps[0][1]}
    assert data["steps"][1]["class"].endswith("RandomUnderSampler")
    assert data["steps"][1]["fitted"] is False
    assert data["steps"][2]["threshold"] == "nan"
    again = DatasetCard.from_json(path)
    assert again == card
    assert again.to_dict() == card.to_dict()
    assert again.matches(df) and not again.matches(df.iloc[::-1])
    assert again.matches(df.iloc[::-1], ignore_row_order=True)
    assert list(tmp_path.joinpath("cards").iterdir()) == [path]  # no temporary file left


def test_card_accepts_imblearn_pipeline_and_single_estimator(mixed_frame):
    pipe = ImbPipeline(
        [
            ("sample", RandomUnderSampler(random_state=0)),
            ("encode", OneHotEncoder(handle_unknown="ignore")),
        ]
    )
    card = make_card(mixed_frame, name="mixed", source="fixture", steps=pipe)
    assert [s["name"] for s in card.steps] == ["sample", "encode"]
    single = make_card(mixed_frame, name="mixed", source="fixture", steps=StandardScaler())
    assert single.steps[0]["name"] == "standardscaler"
    assert single.steps[0]["fitted"] is False
    json.dumps(card.to_dict(), allow_nan=False)


def test_card_bad_input(tmp_path, mixed_frame):
    with pytest.raises(TypeError, match="DataFrame"):
        make_card(mixed_frame.to_numpy(), name="x", source="y")
    with pytest.raises(ValueError, match="target 'nope'"):
        make_card(mixed_frame, name="x", source="y", target="nope")
    with pytest.raises(TypeError, match="name must be a string"):
        make_card(mixed_frame, name=3, source="y")
    with pytest.raises(TypeError, match="step"):
        make_card(mixed_frame, name="x", source="y", steps=[object()])
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"name": "x"}))
    with pytest.raises(ValueError, match="missing fields"):
        DatasetCard.from_json(bad)


def test_load_credit():
    df = load_credit()
    X, y = load_credit(return_X_y=True)
    assert df.shape == (4454, 14)
    assert X.shape == (4454, 13) and y.name == "Status"
    assert set(y.unique()) == {"good", "bad"}
    assert X["Income"].isna().sum() > 0
    with pytest.raises(ValueError, match="as_frame"):
        load_credit(as_frame=False)
