import numpy as np
import pandas as pd
import pytest

from sksynth.exceptions import DataQualityWarning
from sksynth.preprocessing import OutlierClipper, OutlierRemover, outlier_bounds


def uniform_with_outliers(n=400, n_out=7, seed=0):
    """Uniform data (no natural outlier) with a few rows pushed far away."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "a": rng.uniform(0, 10, n),
            "b": rng.integers(0, 100, n),
            "c": rng.choice(["x", "y"], n),
        }
    )
    rows = rng.choice(n, n_out, replace=False)
    X.loc[rows[:4], "a"] = 1000.0
    X.loc[rows[4:], "b"] = -5000
    y = pd.Series(rng.integers(0, 2, n), name="y")
    return X, y, np.sort(rows)


def test_iqr_bounds_on_a_known_distribution():
    values = pd.DataFrame({"v": np.arange(1.0, 101.0)})
    bounds = outlier_bounds(values, method="iqr")
    # Q1 = 25.75, Q3 = 75.25 (linear interpolation), IQR = 49.5
    assert bounds.loc["v"].tolist() == [25.75 - 1.5 * 49.5, 75.25 + 1.5 * 49.5]
    z = outlier_bounds(values, method="zscore", factor=2)
    std = np.sqrt(np.mean((values["v"] - 50.5) ** 2))
    np.testing.assert_allclose(z.loc["v"].tolist(), [50.5 - 2 * std, 50.5 + 2 * std])


def test_clipper_clips_exactly_the_outliers_and_keeps_dtypes():
    X, _, rows = uniform_with_outliers()
    before = X.copy()
    clipper = OutlierClipper().fit(X)
    out = clipper.transform(X)
    pd.testing.assert_frame_equal(X, before)
    assert list(clipper.bounds_.index) == ["a", "b"]  # the label column is ignored
    q1, q3 = np.percentile(X["a"], [25, 75])
    np.testing.assert_allclose(
        clipper.bounds_.loc["a"], [q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)]
    )
    changed = (out != X).any(axis=1)
    assert np.flatnonzero(changed).tolist() == rows.tolist()
    assert (out.loc[X["a"] == 1000.0, "a"] == clipper.bounds_.loc["a", "upper"]).all()
    assert out["b"].dtype == np.int64
    assert (out.loc[X["b"] == -5000, "b"] == clipper.bounds_.loc["b", "lower"]).all()
    assert clipper.bounds_.loc["b", "lower"] == np.floor(clipper.bounds_.loc["b", "lower"])
    pd.testing.assert_series_equal(out["c"], X["c"])


def test_clipper_leaves_missing_values_and_rejects_bad_columns():
    df = pd.DataFrame({"a": [1.0, np.nan, 3.0, 100.0], "e": [np.nan] * 4})
    with pytest.raises(ValueError, match="'e'"):
        OutlierClipper().fit(df)
    out = OutlierClipper(columns=["a"]).fit_transform(df)
    assert np.isnan(out["a"].iloc[1])
    with pytest.raises(TypeError, match="'c'"):
        OutlierClipper(columns="c").fit(pd.DataFrame({"c": ["x", "y"]}))
    with pytest.raises(ValueError, match="'a'.*infinite"):
        OutlierClipper().fit(df.assign(a=[1.0, np.inf, 2.0, 3.0]))


@pytest.mark.parametrize("method", ["iqr", "zscore"])
def test_remover_drops_exactly_the_injected_rows(method):
    X, y, rows = uniform_with_outliers()
    X_res, y_res = OutlierRemover(method=method).fit_resample(X, y)
    kept = np.setdiff1d(np.arange(len(X)), rows)
    assert X_res.index.tolist() == kept.tolist()
    pd.testing.assert_series_equal(y_res, y.iloc[kept])


def test_isolation_forest_remover_finds_the_injected_rows():
    X, y, rows = uniform_with_outliers()
    remover = OutlierRemover(
        method="isolation_forest", contamination=len(rows) / len(X), random_state=0
    )
    X_res, _ = remover.fit_resample(X, y)
    dropped = np.setdiff1d(np.arange(len(X)), remover.sample_indices_)
    assert dropped.tolist() == rows.tolist()
    assert len(X_res) == len(X) - len(rows)


def test_remover_without_numeric_columns_warns_and_keeps_everything():
    X = pd.DataFrame({"c": list("abcabc")})
    with pytest.warns(DataQualityWarning, match="no numeric column"):
        X_res, _ = OutlierRemover().fit_resample(X, [0, 1, 0, 1, 0, 1])
    assert len(X_res) == 6


def test_columns_without_spread_get_no_bounds():
    rng = np.random.default_rng(1)
    debt = np.where(rng.random(200) < 0.85, 0.0, rng.uniform(100, 5000, 200))
    X = pd.DataFrame({"debt": debt, "const": 3.0, "a": rng.uniform(0, 1, 200)})
    bounds = outlier_bounds(X)
    assert bounds.loc[["debt", "const"]].isna().all().all()
    assert bounds.loc["a"].notna().all()
    out = OutlierClipper().fit_transform(X)
    pd.testing.assert_frame_equal(out, X)
    y = rng.integers(0, 2, 200)
    X_res, _ = OutlierRemover(method="zscore").fit_resample(X[["const"]], y)
    assert len(X_res) == 200
