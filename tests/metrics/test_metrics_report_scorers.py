import pickle
import re

import numpy as np
import pandas as pd
import pytest
from conftest import make_mixed_frame
from matplotlib.figure import Figure
from sklearn.base import BaseEstimator
from sklearn.model_selection import GridSearchCV, cross_val_score

from sksynth.metrics import (
    EvaluationReport,
    evaluate,
    make_detection_scorer,
    make_fidelity_scorer,
    make_utility_scorer,
)


def labelled(n, seed):
    X = make_mixed_frame(n, seed)
    rng = np.random.default_rng(seed + 100)
    signal = np.log(X["income"].fillna(22000)) - 10 + 0.05 * (X["age"] - 50)
    X["label"] = np.where(signal + rng.normal(0, 0.5, n) > 0, "yes", "no")
    return X


class NoisyBootstrap(BaseEstimator):
    """Stand-in generator: resample the fitted rows, then jitter the numbers."""

    def __init__(self, *, noise=0.0, random_state=0):
        self.noise = noise
        self.random_state = random_state

    def fit(self, X, y=None):
        self.X_ = X.reset_index(drop=True)
        self.y_ = None if y is None else np.asarray(y)
        return self

    def sample(self, n):
        rng = np.random.default_rng(self.random_state)
        rows = rng.integers(0, len(self.X_), n)
        out = self.X_.iloc[rows].reset_index(drop=True)
        for col in ("income", "age"):
            spread = out[col].std() * self.noise
            out[col] = out[col] + rng.normal(0, spread, n) + 2 * spread
        if self.y_ is None:
            return out
        return out, self.y_[rows]


# --------------------------------------------------------------------- report
@pytest.fixture(scope="module")
def full_report():
    real, holdout = labelled(240, 0), labelled(240, 1)
    synthetic = NoisyBootstrap(noise=0.2).fit(real).sample(240)
    return evaluate(real, synthetic, target="label", holdout=holdout, cv=3, random_state=0)


def test_report_scores(full_report):
    scores = full_report.scores
    for name in ["fidelity", "column_shapes", "column_pair_trends", "detection_auc",
                 "tstr_ratio", "dcr_share", "exact_copy_rate", "mia_auc"]:  # fmt: skip
        assert name in scores.index
    assert isinstance(scores, pd.Series)
    # a jittered bootstrap copies the categorical rows but not the numbers
    assert 0.6 < scores["dcr_share"] <= 1.0
    assert scores["exact_copy_rate"] < 0.2
    assert scores["detection_auc"] > 0.5


def test_report_details_and_summary(full_report):
    details = full_report.details
    assert set(details["column_shapes"]["column"]) == set(labelled(5, 0).columns)
    assert {"column_1", "column_2", "score"} <= set(details["column_pair_trends"].columns)
    assert list(details["utility"].columns) == ["real", "synthetic", "ratio"]
    assert len(details["privacy"]) == 240
    summary = full_report.summary()
    assert list(summary.columns) == ["score", "ideal", "meaning"]
    assert summary.loc["dcr_share", "ideal"] == 0.5
    assert "fidelity" in repr(full_report)


def test_report_plots_and_html(full_report, tmp_path):
    for fig in (full_report.plot_marginals(), full_report.plot_pairwise(),
                full_report.plot_privacy()):  # fmt: skip
        assert isinstance(fig, Figure)
        assert len(fig.axes) >= 2
    path = full_report.to_html(tmp_path / "report.html")
    page = path.read_text(encoding="utf-8")
    assert page.count("<img") == 4  # detection, marginals, heatmaps, privacy
    assert "dcr_share" in page and "Utility" in page
    assert "What gives synthetic rows away" in page
    # every table has a single header row: no empty row for a named index
    heads = re.findall(r"<thead>(.*?)</thead>", page, flags=re.S)
    assert len(heads) >= 5
    assert all(head.count("<tr") == 1 for head in heads)
    assert "<th>metric</th>" in page


def test_report_without_optional_parts(mixed_frame):
    report = evaluate(mixed_frame, make_mixed_frame(200, 1), detection=False)
    assert isinstance(report, EvaluationReport)
    assert set(report.scores.index) == {
        "fidelity", "column_shapes", "column_pair_trends", "missing_values"
    }  # fmt: skip
    with pytest.raises(ValueError, match="holdout"):
        report.plot_privacy()


def test_identical_report(mixed_frame):
    report = evaluate(mixed_frame, mixed_frame.copy(), cv=3, random_state=0)
    assert report.scores["fidelity"] == pytest.approx(1.0)
    assert report.scores["detection_auc"] == pytest.approx(0.5, abs=0.1)


def test_evaluate_with_a_holdout_has_no_caveat(full_report):
    assert full_report.notes == []


def test_evaluate_utility_without_holdout():
    real = labelled(300, 0)
    report = evaluate(real, labelled(300, 1), target="label", detection=False, random_state=0)
    assert report.scores["tstr_ratio"] == pytest.approx(1.0, abs=0.15)
    assert "dcr_share" not in report.scores.index
    assert len(report.notes) == 1 and "optimistic" in report.notes[0]


def test_evaluate_does_not_modify_inputs():
    real, syn, holdout = labelled(120, 0), labelled(120, 1), labelled(120, 2)
    copies = [t.copy() for t in (real, syn, holdout)]
    evaluate(real, syn, target="label", holdout=holdout, cv=2, random_state=0)
    for before, after in zip(copies, (real, syn, holdout), strict=True):
        pd.testing.assert_frame_equal(before, after)


def test_evaluate_bad_input():
    real, syn = labelled(60, 0), labelled(60, 1)
    with pytest.raises(ValueError, match=r"'label' is missing from the synthetic"):
        evaluate(real, syn.drop(columns="label"), target="label")
    with pytest.raises(ValueError, match=r"'label' is missing from the holdout"):
        evaluate(real, syn, target="label", holdout=labelled(60, 2).drop(columns="label"))
    with pytest.raises(ValueError, match=r"'job' \(categorical in real, continuous in synthetic"):
        evaluate(real, syn.assign(job=1.5), detection=False)
    with pytest.raises(ValueError, match="synthetic has 1 row"):
        evaluate(real, syn.iloc[:1])
    one_class = syn.assign(label="no")
    with pytest.raises(ValueError, match="single class"):
        evaluate(real, one_class, target="label", detection=False)


# -------------------------------------------------------------------- scorers
def test_fidelity_scorer_in_grid_search():
    X = make_mixed_frame(300, 0)
    search = GridSearchCV(
        NoisyBootstrap(), {"noise": [0.0, 1.0, 3.0]}, scoring=make_fidelity_scorer(), cv=3
    )
    search.fit(X)
    assert search.best_params_ == {"noise": 0.0}
    means = search.cv_results_["mean_test_score"]
    assert means[0] > means[1] > means[2]


def test_scorers_with_a_conditional_generator():
    data = labelled(300, 0)
    X, y = data.drop(columns="label"), data["label"]
    good, bad = NoisyBootstrap(noise=0.0), NoisyBootstrap(noise=3.0)
    fidelity = make_fidelity_scorer()
    utility = make_utility_scorer(metric="roc_auc", random_state=0)
    good_scores = cross_val_score(good, X, y, scoring=fidelity, cv=3)
    bad_scores = cross_val_score(bad, X, y, scoring=fidelity, cv=3)
    assert good_scores.mean() > bad_scores.mean()
    assert cross_val_score(good, X, y, scoring=utility, cv=3).mean() > 0.7


def test_detection_scorer_prefers_faithful_generator():
    X = make_mixed_frame(300, 0)
    scorer = make_detection_scorer(cv=3, random_state=0)
    good = cross_val_score(NoisyBootstrap(noise=0.0), X, scoring=scorer, cv=2).mean()
    bad = cross_val_score(NoisyBootstrap(noise=3.0), X, scoring=scorer, cv=2).mean()
    assert good > bad
    assert 0.0 <= bad <= good <= 1.0


def test_scorers_are_picklable_and_readable():
    scorer = make_fidelity_scorer(n_bins=5)
    assert "n_bins=5" in repr(scorer)
    assert repr(pickle.loads(pickle.dumps(scorer))) == repr(scorer)


def test_scorer_bad_estimators():
    X = make_mixed_frame(50, 0)
    with pytest.raises(TypeError, match="sample"):
        make_fidelity_scorer()(object(), X)
    with pytest.raises(ValueError, match="needs a target"):
        make_utility_scorer()(NoisyBootstrap().fit(X), X)


def test_scorer_with_numpy_generator():
    class Gaussian(BaseEstimator):
        def fit(self, X, y=None):
            self.mean_, self.std_ = X.mean(axis=0), X.std(axis=0)
            return self

        def sample(self, n):
            rng = np.random.default_rng(0)
            return rng.normal(self.mean_, self.std_, size=(n, len(self.mean_)))

    X = np.random.default_rng(1).normal(size=(600, 3))
    scores = cross_val_score(Gaussian(), X, scoring=make_fidelity_scorer(), cv=2)
    assert (scores > 0.85).all()
