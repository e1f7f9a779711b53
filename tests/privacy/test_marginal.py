"""The marginal-based private sampler: schema, determinism, budget, structure kept, bad input."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import make_pipeline
from scipy.stats import ks_2samp
from sklearn.linear_model import LogisticRegression

from sksynth.exceptions import DataQualityWarning
from sksynth.generators import MarginalPrivateSampler, VAESampler
from sksynth.io import load_sampler, read_model_info
from tests.conftest import make_mixed_frame

BOUNDS = {"income": (0.0, 2.0e5), "age": (18, 90), "children": (0, 6)}
CATEGORIES = {"job": ["fixed", "freelance", "others"]}


def _declared(**params):
    return MarginalPrivateSampler(bounds=BOUNDS, categories=CATEGORIES, **params)


def _related(n=1500, seed=0, levels=("a", "b", "c", "d"), agree=0.9):
    """Column ``copy`` equals ``source`` on ``agree`` of the rows, else a random level."""
    rng = np.random.default_rng(seed)
    source = rng.choice(levels, n)
    copy = np.where(rng.random(n) < agree, source, rng.choice(levels, n))
    noise = rng.normal(size=n)
    return pd.DataFrame({
        "source": pd.Categorical(source, categories=list(levels)),
        "copy": pd.Categorical(copy, categories=list(levels)),
        "noise": noise,
    })


def test_same_columns_dtypes_and_categories_come_back():
    X = make_mixed_frame(n=600)
    out = _declared(random_state=0).fit(X).sample(400, random_state=0)
    assert list(out.columns) == list(X.columns)
    assert out.dtypes.equals(X.dtypes)
    assert list(out["home"].cat.categories) == list(X["home"].cat.categories)
    assert (out["age"] == np.round(out["age"])).all()  # integers stay whole
    assert set(out["job"].dropna()) <= set(CATEGORIES["job"])
    assert out["age"].between(18, 90).all() and out["children"].dropna().between(0, 6).all()


def test_arrays_in_give_arrays_out():
    X = np.random.default_rng(0).normal(size=(300, 3))
    sampler = MarginalPrivateSampler(bounds="public-bounds", random_state=0).fit(X)
    out = sampler.sample(50, random_state=0)
    assert isinstance(out, np.ndarray) and out.shape == (50, 3) and out.dtype == X.dtype


def test_same_seed_same_rows_and_other_seed_other_rows():
    X = make_mixed_frame(n=500)
    first = _declared(random_state=3).fit(X).sample(200, random_state=1)
    second = _declared(random_state=3).fit(X).sample(200, random_state=1)
    third = _declared(random_state=4).fit(X).sample(200, random_state=1)
    pd.testing.assert_frame_equal(first, second)
    assert not first.equals(third)


@pytest.mark.parametrize("epsilon", [0.3, 1.0, 3.0, 10.0])
@pytest.mark.parametrize("declared", [True, False])
def test_spent_epsilon_never_exceeds_the_target(epsilon, declared):
    X = make_mixed_frame(n=800)
    sampler = _declared(epsilon=epsilon) if declared else MarginalPrivateSampler(epsilon=epsilon)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        sampler.set_params(random_state=0).fit(X)
    assert 0 < sampler.epsilon_ <= epsilon
    assert sampler.delta_ <= 1 / len(X) ** 2
    assert set(sampler.budget_) == {
        "metadata", "row_count", "selection", "one_way", "two_way", "rho"
    }
    assert bool(sampler.budget_["metadata"]) is not declared


@pytest.mark.parametrize("n_classes", [2, 30])
def test_spent_epsilon_with_labels_never_exceeds_the_target(n_classes):
    X = make_mixed_frame(n=900)
    y = np.arange(len(X)) % n_classes
    sampler = _declared(epsilon=1.0, random_state=0).fit(X, y)
    assert 0 < sampler.epsilon_ <= 1.0
    X_new, y_new = sampler.sample(100, random_state=0)
    assert set(y_new) <= set(range(n_classes))


def test_undeclared_metadata_is_estimated_and_warned():
    X = make_mixed_frame(n=1500)
    with pytest.warns(DataQualityWarning, match=r"10% of the budget"):
        sampler = MarginalPrivateSampler(epsilon=1.0, random_state=1).fit(X)
    assert {"range of 'income'", "levels of 'job'"} <= set(sampler.budget_["metadata"])
    low, high = sampler.bounds_["income"]
    assert low <= np.nanpercentile(X["income"], 5) and high >= np.nanpercentile(X["income"], 95)


def test_a_strong_two_way_relation_is_kept_at_epsilon_one():
    X = _related()
    out = MarginalPrivateSampler(epsilon=1.0, bounds="public-bounds", random_state=0).fit(X)
    out = out.sample(len(X), random_state=0)
    # independent columns would agree on about a quarter of the rows
    agreement = (out["source"].astype(str) == out["copy"].astype(str)).mean()
    assert agreement > 0.75


def test_conditions_fix_a_column_and_the_related_one_follows():
    X = _related()
    sampler = MarginalPrivateSampler(bounds="public-bounds", random_state=0).fit(X)
    out = sampler.sample(500, conditions={"source": "c"}, random_state=0)
    assert (out["source"] == "c").all()
    assert (out["copy"] == "c").mean() > 0.75
    with pytest.raises(ValueError, match="not a level"):
        sampler.sample(5, conditions={"source": "z"})
    with pytest.raises(ValueError, match="Unknown condition column"):
        sampler.sample(5, conditions={"nope": "a"})


def test_labels_are_modelled_and_can_be_asked_for():
    X = _related()
    y = pd.Series(np.where(X["source"] == "a", "yes", "no"), name="target")
    sampler = MarginalPrivateSampler(bounds="public-bounds", random_state=0).fit(X, y)
    X_new, y_new = sampler.sample(300, y="yes", random_state=0)
    assert isinstance(y_new, pd.Series) and (y_new == "yes").all()
    assert (X_new["source"] == "a").mean() > 0.75
    X_cond, y_cond = sampler.sample(300, conditions={"source": "a"}, random_state=0)
    assert (X_cond["source"] == "a").all() and (y_cond == "yes").mean() > 0.75


@pytest.mark.parametrize("with_y", [False, True], ids=["X", "Xy"])
def test_model_files_and_pickles_sample_the_same_rows(with_y, tmp_path):
    X = make_mixed_frame(n=700)
    y = pd.Series(np.where(X["home"] == "owner", "yes", "no"), name="target") if with_y else None
    sampler = _declared(random_state=0).fit(X, y)
    path = sampler.save(tmp_path / "private.sksynth", metadata={"note": "eps 1"})
    assert read_model_info(path)["class"].endswith("MarginalPrivateSampler")
    copies = [load_sampler(path), MarginalPrivateSampler.load(path),
              pickle.loads(pickle.dumps(sampler))]
    for copy in copies:
        assert copy.epsilon_ == sampler.epsilon_ and copy.get_params() == sampler.get_params()
        for kwargs in ({"random_state": 5}, {"random_state": 5, "conditions": {"job": "fixed"}}):
            expected, got = sampler.sample(200, **kwargs), copy.sample(200, **kwargs)
            if with_y:
                pd.testing.assert_frame_equal(got[0], expected[0])
                pd.testing.assert_series_equal(got[1], expected[1])
            else:
                pd.testing.assert_frame_equal(got, expected)
    # without a seed, each copy continues the sequence where the saved sampler was
    expected = sampler.sample(50)
    for copy in copies:
        got = copy.sample(50)
        pd.testing.assert_frame_equal(got[0] if with_y else got,
                                      expected[0] if with_y else expected)


def test_fit_resample_in_a_pipeline_balances_the_classes():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=1200), "b": rng.normal(size=1200)})
    y = (X["a"] + 0.3 * rng.normal(size=1200) > 1.0).astype(int)
    sampler = MarginalPrivateSampler(bounds="public-bounds", random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert np.bincount(y_res)[0] == np.bincount(y_res)[1]
    pd.testing.assert_frame_equal(X_res.iloc[: len(X)], X)  # real rows first, untouched
    pipe = make_pipeline(MarginalPrivateSampler(bounds="public-bounds", random_state=0),
                         LogisticRegression()).fit(X, y)
    assert pipe.score(X, y) > 0.7


def test_values_outside_declared_bounds_are_clipped_and_counted():
    X = pd.DataFrame({"x": np.r_[np.linspace(0, 10, 990), np.full(10, 50.0)]})
    sampler = MarginalPrivateSampler(bounds={"x": (0, 10)}, random_state=0).fit(X)
    assert sampler.clipped_["x"] == 10
    assert sampler.sample(500, random_state=0)["x"].between(0, 10).all()


def test_a_column_with_thousands_of_levels_fits_and_keeps_its_levels():
    rng = np.random.default_rng(0)
    levels = [f"id{i}" for i in range(3000)]
    X = pd.DataFrame({
        "code": pd.Categorical(rng.choice(levels[:50] + levels, 2000), categories=levels),
        "x": rng.normal(size=2000),
    })
    sampler = MarginalPrivateSampler(bounds="public-bounds", random_state=0).fit(X)
    out = sampler.sample(500, random_state=0)
    assert out["code"].dtype == X["code"].dtype
    assert sampler.columns_[0].n_groups <= sampler.max_levels + 2


def test_a_table_too_small_for_the_budget_is_warned():
    X = make_mixed_frame(n=60)
    with pytest.warns(DataQualityWarning, match="little of the table's structure"):
        _declared(epsilon=0.3, random_state=0).fit(X)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"epsilon": 0.0}, "epsilon"),
        ({"epsilon": -1.0}, "epsilon"),
        ({"epsilon": float("inf")}, "epsilon"),
        ({"epsilon": float("nan")}, "epsilon"),
        ({"delta": 0.01}, r"delta must be in \(0, 1/n_rows\)"),
        ({"bounds": {"nope": (0, 1)}}, "not in X"),
        ({"bounds": {"income": (5, 1)}}, "low <= high"),
        ({"bounds": {"home": (0, 1)}}, "discrete"),
        ({"categories": {"job": []}}, "non-empty"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(params, message):
    X = make_mixed_frame(n=200)
    with pytest.raises(ValueError, match=message):
        MarginalPrivateSampler(**params).fit(X)


def test_dp_sgd_samplers_fit_at_epsilon_one_on_a_thousand_rows():
    X = make_mixed_frame(n=1300, seed=2)
    with pytest.warns(DataQualityWarning, match="of the budget"):
        sampler = VAESampler(dp=True, target_epsilon=1.0, epochs=1, batch_size=200,
                             hidden_dims=(16,), latent_dim=4, random_state=0).fit(X)
    assert sampler.epsilon_ <= 1.0 + 1e-9
    assert sampler.sample(50, random_state=0).dtypes.equals(X.dtypes)


def test_amounts_piled_at_zero_and_a_long_tail_keep_their_shape():
    rng = np.random.default_rng(0)
    n = 3000
    debt = np.where(rng.random(n) < 0.8, 0.0, np.round(rng.lognormal(6, 1.5, n)))
    X = pd.DataFrame({"debt": debt, "age": rng.integers(18, 70, n)})
    out = MarginalPrivateSampler(epsilon=1.0, bounds="public-bounds", random_state=0).fit(X)
    out = out.sample(n, random_state=0)
    assert abs((out["debt"] == 0).mean() - 0.8) < 0.05  # the point mass comes back exactly
    positive = np.sort(debt[debt > 0])
    for q in (0.25, 0.5, 0.75):  # and the tail keeps its quantiles within a factor of two
        real, synthetic = np.quantile(positive, q), np.quantile(out["debt"][out["debt"] > 0], q)
        assert 0.5 < synthetic / real < 2.0


def test_noisy_counts_are_projected_to_a_distribution_of_the_rows():
    from sksynth.generators._marginal_columns import project_counts

    noisy = np.array([500.0, -30.0, 12.0, 480.0, 25.0, -8.0])
    counts = project_counts(noisy, 1000)
    assert (counts >= 0).all() and np.isclose(counts.sum(), 1000)
    assert counts[0] > counts[3] > counts[4] >= counts[2] >= 0 and counts[1] == counts[5] == 0


def test_a_number_under_generous_bounds_keeps_its_shape():
    # bounds as a data owner declares them without looking: far wider than the values
    rng = np.random.default_rng(0)
    n = 2000
    X = pd.DataFrame({"score": rng.normal(50.0, 8.0, n), "group": rng.integers(0, 3, n)})
    sampler = MarginalPrivateSampler(
        epsilon=1.0, bounds={"score": (0.0, 10_000.0), "group": (0, 10)}, random_state=0
    )
    out = sampler.fit(X).sample(n, random_state=0)
    assert ks_2samp(X["score"], out["score"]).statistic < 0.1
    assert abs(out["score"].std() / X["score"].std() - 1.0) < 0.25


def test_a_number_zero_for_one_class_only_stays_zero_for_it():
    # the zeros of the rare class are a small share of the column: they must not share
    # a group with the smallest amounts
    rng = np.random.default_rng(1)
    n = 800
    y = (rng.random(n) < 0.85).astype(int)
    spend = np.where(y == 1, rng.lognormal(4.0, 1.0, n), 0.0)  # zero exactly without a card
    X = pd.DataFrame({"spend": spend, "age": rng.integers(18, 80, n)})
    sampler = MarginalPrivateSampler(
        epsilon=1.0, bounds={"spend": (0.0, 10_000.0), "age": (0, 100)}, random_state=0
    )
    X_new, y_new = sampler.fit(X, y).sample(n, random_state=0)
    zero = (X_new["spend"] == 0).to_numpy()
    assert zero[np.asarray(y_new) == 0].mean() > 0.9
    assert zero[np.asarray(y_new) == 1].mean() < 0.05


def test_a_private_range_that_cuts_the_column_short_is_warned():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"salary": rng.normal(2e6, 1e5, 1000)})
    with pytest.warns(DataQualityWarning, match=r"\['salary'\].*too narrow"):
        sampler = MarginalPrivateSampler(epsilon=0.3, metadata_share=0.02, random_state=0)
        sampler.fit(X)
    assert sampler.clipped_["salary"] > 500  # the warning is right: the rows were clipped
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        MarginalPrivateSampler(epsilon=0.3, bounds={"salary": (0, 1e7)}, random_state=0).fit(X)


def test_share_at_bounds_counts_clipped_rows_but_not_a_pile_at_zero():
    from sksynth.generators._marginal_columns import NumericColumn, project_counts

    column = NumericColumn("x", np.dtype(float), "continuous", 0.0, 100.0, 8)
    clipped = pd.Series(np.r_[np.full(300, 100.0), np.linspace(1, 99, 700)])
    zeros = pd.Series(np.r_[np.zeros(300), np.linspace(1, 99, 700)])
    for values, expected in ((clipped, 0.3), (zeros, 0.0)):
        counts = np.bincount(column.cells(values)[0], minlength=column.n_cells).astype(float)
        weights = project_counts(counts, len(values))
        assert abs(column.share_at_bounds(weights) - expected) < 0.02
