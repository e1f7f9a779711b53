import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sksynth.quality import QualityReport, assess, find_label_issues
from sksynth.quality._near_duplicates import find_near_duplicates


def _flip(y, share, seed):
    """Flip the labels of a random ``share`` of rows of a binary target."""
    rng = np.random.default_rng(seed)
    flipped = rng.choice(len(y), int(round(share * len(y))), replace=False)
    noisy = y.copy()
    noisy[flipped] = 1 - noisy[flipped]
    return noisy, flipped


@pytest.mark.parametrize("seed", [0, 1])
def test_label_issues_found_on_breast_cancer_with_flipped_labels(seed):
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    y = y.to_numpy()
    noisy, flipped = _flip(y, 0.05, seed)
    report = assess(X, noisy, random_state=seed)
    flagged = report.label_issues.index.to_numpy()
    hits = np.isin(flagged, flipped).sum()
    recall = hits / len(flipped)
    precision = hits / max(len(flagged), 1)
    assert recall >= 0.7, (recall, precision)
    assert precision >= 0.7, (recall, precision)
    # the suggested label of a flipped row is its true label
    true_hits = report.label_issues.loc[np.intersect1d(flagged, flipped)]
    assert (true_hits["predicted_label"].to_numpy() == y[true_hits.index]).all()
    assert (true_hits["given_label"].to_numpy() == noisy[true_hits.index]).all()


def test_label_issues_multiclass_and_scores():
    X, y = load_iris(return_X_y=True)
    rng = np.random.default_rng(0)
    flipped = rng.choice(len(y), 8, replace=False)
    noisy = y.copy()
    noisy[flipped] = (noisy[flipped] + 1) % 3
    issues, confidence, thresholds = find_label_issues(X, noisy, random_state=0)
    assert np.isin(flipped, issues.index).mean() >= 0.6
    assert list(issues.columns[:3]) == ["given_label", "predicted_label", "score"]
    assert (issues["given_label"] != issues["predicted_label"]).all()
    assert issues["score"].is_monotonic_increasing
    # the score is the out-of-fold probability of the given label, below its class threshold
    assert np.allclose(issues["score"], confidence[issues.index])
    assert (issues["score"].to_numpy() < thresholds[issues["given_label"]].to_numpy()).all()
    assert len(thresholds) == 3


def test_custom_estimator_and_determinism():
    X, y = load_breast_cancer(return_X_y=True)
    noisy, _ = _flip(y, 0.05, 3)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))
    a = assess(X, noisy, estimator=model, random_state=3)
    b = assess(X, noisy, estimator=model, random_state=3)
    assert len(a.label_issues) > 0
    pd.testing.assert_frame_equal(a.label_issues, b.label_issues)
    c = assess(X, noisy, random_state=5)
    d = assess(X, noisy, random_state=5)
    pd.testing.assert_frame_equal(c.label_issues, d.label_issues)


def _clean_frame(n=300, seed=0):
    """A table without missing values, duplicates or IQR outliers (uniform numbers)."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "a": rng.uniform(0, 10, n),
            "b": rng.uniform(-5, 5, n),
            "k": rng.integers(0, 50, n),
            "c": rng.choice(["red", "green", "blue"], n),
        },
        index=pd.RangeIndex(1000, 1000 + n),
    )


def test_clean_frame_has_nothing_to_report():
    report = assess(_clean_frame())
    assert report.completeness == 1.0
    assert len(report.duplicates) == 0
    assert len(report.near_duplicates) == 0
    assert len(report.outliers) == 0
    assert report.missing_rate.eq(0).all()


def test_injected_duplicates_missing_and_outliers_are_counted_exactly():
    base = _clean_frame()
    n = len(base)
    rng = np.random.default_rng(1)
    dirty = base.copy()
    # 7 exact duplicates: later rows overwritten with copies of earlier rows
    sources, targets = np.arange(10, 17), np.arange(200, 207)
    dirty.iloc[targets] = dirty.iloc[sources].to_numpy()
    # 4 near duplicates: copies with a tiny numeric perturbation
    near_src, near_dst = np.arange(20, 24), np.arange(250, 254)
    dirty.iloc[near_dst] = dirty.iloc[near_src].to_numpy()
    dirty.iloc[near_dst, 0] = dirty.iloc[near_src, 0].to_numpy() + 1e-6
    # 11 missing values in "a" and 5 in "c", away from the copied rows
    miss_a = rng.choice(np.arange(30, 190), 11, replace=False)
    miss_c = rng.choice(np.arange(30, 190), 5, replace=False)
    dirty.iloc[miss_a, 0] = np.nan
    dirty.iloc[miss_c, 3] = None
    # 6 outliers in "b", far outside the fences
    out_rows = rng.choice(np.arange(30, 190), 6, replace=False)
    dirty.iloc[out_rows, 1] = rng.choice([-1, 1], 6) * rng.uniform(100, 1000, 6)
    before = dirty.copy(deep=True)

    report = assess(dirty)

    pd.testing.assert_frame_equal(dirty, before)
    labels = dirty.index
    assert sorted(report.duplicates) == sorted(labels[targets])
    assert sorted(report.near_duplicates.index) == sorted(labels[near_dst])
    assert sorted(report.near_duplicates["duplicate_of"]) == sorted(labels[near_src])
    assert report.columns.loc["a", "n_missing"] == 11
    assert report.missing_rate["a"] == pytest.approx(11 / n)
    assert report.missing_rate["c"] == pytest.approx(5 / n)
    assert report.missing_rate[["b", "k"]].eq(0).all()
    assert report.completeness == pytest.approx(1 - 16 / (4 * n))
    assert report.complete_rows == pytest.approx(1 - len(set(miss_a) | set(miss_c)) / n)
    out = report.outliers
    assert list(out.columns) == ["row", "column", "value"]
    assert (out["column"] == "b").all()
    assert sorted(out["row"]) == sorted(labels[out_rows])
    assert np.allclose(
        out.set_index("row")["value"].loc[labels[out_rows]], dirty["b"].iloc[out_rows]
    )
    assert report.columns.loc["b", "n_outliers"] == 6
    checks = {w.check for w in report.warnings}
    assert {"duplicates", "near_duplicates", "missing", "outliers"} <= checks


def test_duplicates_with_target_and_label_conflicts():
    X = _clean_frame(60)
    X.iloc[50] = X.iloc[6].to_numpy()
    X.iloc[51] = X.iloc[7].to_numpy()
    y = np.zeros(60, dtype=int)
    y[::2] = 1
    y[51] = 1 - y[7]  # same features as row 7, other label
    report = assess(X, y, label_issues=False)
    assert list(report.duplicates) == [X.index[50]]
    assert sorted(report.label_conflicts) == sorted([X.index[7], X.index[51]])
    # without the target, both copies repeat an earlier row
    assert sorted(assess(X).duplicates) == sorted(X.index[[50, 51]])
    assert any(w.check == "label_conflicts" for w in report.warnings)


def test_mixed_frame_does_not_modify_input(mixed_xy):
    X, y = mixed_xy
    X_before, y_before = X.copy(deep=True), y.copy(deep=True)
    dtypes = X.dtypes.copy()
    report = assess(X, y, random_state=0, cv=3)
    pd.testing.assert_frame_equal(X, X_before)
    pd.testing.assert_series_equal(y, y_before)
    pd.testing.assert_series_equal(X.dtypes, dtypes)
    assert isinstance(report, QualityReport)
    assert report.kinds["home"] == "categorical"
    assert report.kinds["married"] == "boolean"
    assert report.missing_rate["income"] == pytest.approx(X["income"].isna().mean())
    assert report.missing_rate["job"] == pytest.approx(X["job"].isna().mean())
    counts = y.value_counts()
    assert report.class_balance["count"].to_dict() == counts.to_dict()
    assert report.imbalance_ratio == pytest.approx(counts.max() / counts.min())
    assert report.class_balance["share"].sum() == pytest.approx(1.0)
    assert report.label_quality is not None and len(report.label_quality) == len(X)


def test_target_given_as_column_name(mixed_xy):
    X, y = mixed_xy
    frame = X.assign(target=y.to_numpy())
    report = assess(frame, "target", label_issues=False)
    assert report.target == "target"
    assert "target" not in report.columns.index
    assert report.class_balance["count"].sum() == len(X)
    with pytest.raises(ValueError, match="not a column of X"):
        assess(frame, "nope")


def test_string_and_object_columns_are_both_handled():
    rng = np.random.default_rng(0)
    values = rng.choice(["x", "y", "z"], 100)
    as_str = pd.DataFrame({"s": pd.Series(values, dtype="str"), "v": rng.normal(size=100)})
    as_obj = pd.DataFrame({"s": pd.Series(values, dtype=object), "v": as_str["v"]})
    a, b = assess(as_str), assess(as_obj)
    assert a.kinds["s"] == b.kinds["s"] == "categorical"
    assert a.columns.loc["s", "n_unique"] == b.columns.loc["s", "n_unique"] == 3


def test_constant_id_like_and_placeholder_columns():
    rng = np.random.default_rng(0)
    n = 120
    X = pd.DataFrame(
        {
            "const": np.full(n, 3.0),
            "row_id": np.arange(5000, 5000 + n),
            "code": [f"C{i:05d}" for i in range(n)],
            "noise": rng.integers(0, 10**9, n),
            "city": np.where(rng.random(n) < 0.1, "?", rng.choice(["a", "b"], n)),
        }
    )
    report = assess(X)
    cols = report.columns
    assert cols.loc["const", "constant"] and not cols.loc["row_id", "constant"]
    assert cols.loc["row_id", "id_like"] and cols.loc["code", "id_like"]
    assert not cols.loc["noise", "id_like"]  # distinct but not a dense run: a measurement
    assert cols.loc["city", "n_placeholders"] == (X["city"] == "?").sum()
    flagged = {(w.check, w.column) for w in report.warnings}
    assert {("constant", "const"), ("id_like", "row_id"), ("placeholder", "city")} <= flagged
    # values are shown as a person writes them, not as numpy's repr
    messages = {w.column: w.message for w in report.warnings}
    assert messages["const"] == "const takes a single value (3); it carries no information."
    label = assess(X.assign(const="yes")).warnings
    assert "const takes a single value ('yes')" in {w.column: w.message for w in label}["const"]


def test_bad_input_messages():
    with pytest.raises(ValueError, match="empty"):
        assess(pd.DataFrame({"a": pd.Series([], dtype=float)}))
    X = _clean_frame(40)
    with pytest.raises(ValueError, match="y has 39 values but X has 40 rows"):
        assess(X, np.zeros(39))
    y = pd.Series(np.r_[np.zeros(20), np.ones(20)])
    y.iloc[3] = np.nan
    with pytest.raises(ValueError, match="y has 1 missing value"):
        assess(X, y)
    with pytest.raises(ValueError, match="'c'.*not numbers"):
        assess(X, kinds={"c": "continuous"})
    with pytest.raises(ValueError, match="label_issues"):
        assess(X, label_issues="yes")
    with pytest.raises(ValueError, match="near_duplicate_tol"):
        assess(X, near_duplicate_tol=2.0)
    with pytest.raises(ValueError, match="iqr_factor"):
        assess(X, iqr_factor=0)
    with pytest.raises(ValueError, match="max_rows_label_issues"):
        assess(X, max_rows_label_issues=3)
    with pytest.raises(ValueError, match="cv"):
        assess(X, np.r_[np.zeros(20), np.ones(20)], cv=1)


def test_all_missing_column_and_infinite_values_are_reported():
    X = _clean_frame(50)
    X["empty"] = np.nan
    X["b"] = X["b"].astype(float)
    X.iloc[[3, 7], 1] = np.inf
    X.iloc[9, 1] = -np.inf
    report = assess(X)
    sev = {(w.check, w.column): w.severity for w in report.warnings}
    assert sev[("all_missing", "empty")] == "high"
    assert sev[("infinite", "b")] == "high"
    assert report.columns.loc["b", "n_infinite"] == 3
    assert report.columns.loc["empty", "missing_rate"] == 1.0
    # inf is left out of statistics and outliers
    assert np.isfinite(report.columns.loc["b", "max"])
    assert not report.outliers["row"].isin(X.index[[3, 7, 9]]).any()


def test_regression_target_and_label_issue_modes():
    X = _clean_frame(60)
    y = np.random.default_rng(0).normal(size=60)
    report = assess(X, y)
    assert report.class_balance is None and np.isnan(report.imbalance_ratio)
    assert report.label_issues.empty and report.label_quality is None
    assert any("not a classification target" in n for n in report.notes)
    with pytest.raises(ValueError, match="label_issues=True"):
        assess(X, y, label_issues=True)
    tiny = np.r_[np.zeros(59), 1]  # a class with one row
    assert any("fewer than two rows" in n for n in assess(X, tiny).notes)
    with pytest.raises(ValueError, match="fewer than two rows"):
        assess(X, tiny, label_issues=True)


def test_subsample_for_label_issues():
    X, y = load_breast_cancer(return_X_y=True)
    report = assess(X, y, max_rows_label_issues=200, random_state=0)
    assert len(report.label_quality) == 200
    assert any("subsample of 200" in n for n in report.notes)


def test_numpy_input_gets_generated_column_names():
    X = np.random.default_rng(0).normal(size=(30, 3))
    report = assess(X)
    assert list(report.columns.index) == ["x0", "x1", "x2"]


def test_near_duplicates_match_brute_force():
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(400, 6))
    matrix[:, 4:] = rng.integers(0, 3, size=(400, 2))
    partners = rng.choice(200, 30, replace=False)
    matrix[200:230] = matrix[partners] + rng.normal(scale=1e-4, size=(30, 6)) * [1, 1, 1, 1, 0, 0]
    tol = 5e-4
    rows, found, dist, n_limited = find_near_duplicates(
        matrix, np.arange(400), tol=tol, rng=np.random.default_rng(1)
    )
    assert n_limited == 0
    full = np.sqrt(((matrix[:, None, :] - matrix[None, :, :]) ** 2).sum(-1))
    earlier = np.tril(full <= tol, k=-1)  # row i close to an earlier row j < i
    expected = np.flatnonzero(earlier.any(axis=1))
    assert np.array_equal(np.sort(rows), expected)
    masked = np.where(earlier, full, np.inf)
    order = np.argsort(rows)
    assert np.array_equal(found[order], masked[expected].argmin(axis=1))
    assert np.allclose(dist[order], masked[expected].min(axis=1))


def test_near_duplicates_in_small_chunks_and_with_a_candidate_limit(monkeypatch):
    import sksynth.quality._near_duplicates as module

    rng = np.random.default_rng(2)
    matrix = np.round(rng.normal(size=(150, 2)), 1)
    tol = 0.15
    full = np.sqrt(((matrix[:, None, :] - matrix[None, :, :]) ** 2).sum(-1))
    earlier = np.tril(full <= tol, k=-1)
    expected = np.flatnonzero(earlier.any(axis=1))
    monkeypatch.setattr(module, "_PAIR_CHUNK", 7)
    rows, _, dist, n_limited = find_near_duplicates(matrix, np.arange(150), tol=tol, rng=rng)
    assert n_limited == 0
    assert np.array_equal(rows, expected)
    # a tight limit on candidates on crowded data: fewer comparisons, never a false pair
    rows, partners, dist, n_limited = find_near_duplicates(
        matrix, np.arange(150), tol=tol, rng=rng, max_candidates=2
    )
    assert n_limited > 0
    assert set(rows) <= set(expected)
    assert (partners < rows).all()
    assert np.allclose(dist, full[rows, partners]) and (dist <= tol).all()


def test_low_warnings_of_one_check_are_grouped_and_fences_follow_skew():
    rng = np.random.default_rng(0)
    n = 400
    X = pd.DataFrame(
        {f"income_{i}": rng.lognormal(3, 1, n) for i in range(4)}
        | {"normal": rng.normal(size=n)}
    )
    for i in range(4):
        X.loc[i, f"income_{i}"] = 1e6  # one far value each
    report = assess(X, label_issues=False, random_state=0)
    outliers = [w for w in report.warnings if w.check == "outliers"]
    assert len(outliers) == 1
    for i in range(4):
        assert f"income_{i}" in outliers[0].message
    # the fences of a long-tailed non-negative column do not go below zero
    fences = report.columns.loc["income_0", ["lower_fence", "upper_fence"]]
    assert fences["lower_fence"] >= 0
    assert report.columns.loc["income_0", "log_fences"]
    assert not report.columns.loc["normal", "log_fences"]
    # on a log scale a lognormal column's body is not flagged: only the far value
    assert report.columns.loc["income_0", "n_outliers"] < 0.02 * n
