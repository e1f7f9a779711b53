"""Property tests: exact class counts for any sampling_strategy; cleaning keeps rows.

(The encoder's round trip on random mixed-type frames is a property test in
tests/encoding.)
"""

import warnings
from collections import Counter

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from imblearn.utils import check_sampling_strategy

from sksynth.generators import (
    ConditionalGANSampler,
    ConditionalVAESampler,
    GANSampler,
    VAESampler,
)
from sksynth.utils import all_estimators

TINY = dict(epochs=1, batch_size=20, hidden_dims=(8,), latent_dim=2, random_state=0)
SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _table(counts, seed):
    rng = np.random.default_rng(seed)
    n = sum(counts)
    X = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "k": pd.Categorical(rng.choice(["p", "q"], n)),
            "i": rng.integers(0, 5, n),
        }
    )
    y = np.repeat(np.array(["a", "b", "c"][: len(counts)]), counts)
    return X, y


@st.composite
def problems(draw):
    """A small imbalanced table and a valid sampling_strategy for it."""
    n_classes = draw(st.integers(2, 3))
    counts = [draw(st.integers(2, 12)) for _ in range(n_classes)]
    counts[0] = draw(st.integers(max(counts) + 1, 20))  # a strict majority
    X, y = _table(counts, draw(st.integers(0, 2**16)))
    named = dict(zip(["a", "b", "c"], counts))
    kind = draw(st.sampled_from(["str", "float", "dict"] if n_classes == 2 else ["str", "dict"]))
    if kind == "str":
        strategy = draw(
            st.sampled_from(["auto", "minority", "not minority", "not majority", "all"])
        )
    elif kind == "float":
        strategy = draw(st.floats((counts[1] + 1) / counts[0], 1.0))
    else:
        strategy = {
            label: count + draw(st.integers(0, 6))
            for label, count in named.items()
            if draw(st.booleans())
        } or {"b": named["b"] + 1}
    cls = draw(
        st.sampled_from([GANSampler, VAESampler, ConditionalGANSampler, ConditionalVAESampler])
    )
    return X, y, strategy, cls


@SETTINGS
@given(problems())
def test_samplers_return_exactly_the_requested_counts(problem):
    X, y, strategy, cls = problem
    wanted = check_sampling_strategy(strategy, y, "over-sampling")
    expected = Counter(y)
    for label, extra in wanted.items():
        expected[label] += extra
    sampler = cls(**TINY, sampling_strategy=strategy)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        X_res, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res) == expected
    assert len(X_res) == len(y_res)
    pd.testing.assert_frame_equal(X_res.iloc[: len(X)], X)  # the real rows, untouched
    assert (X_res.dtypes == X.dtypes).all()


CLEANERS = [
    cls for name, cls in all_estimators() if cls.__module__.startswith("sksynth.preprocessing")
]


@st.composite
def dirty_tables(draw):
    from conftest import make_mixed_frame

    n = draw(st.integers(5, 60))
    X = make_mixed_frame(n, seed=draw(st.integers(0, 2**16)))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    holes = rng.random((n, X.shape[1])) < draw(st.floats(0, 0.3))
    for j, column in enumerate(X.columns):
        if column != "married" and holes[:, j].any() and holes[:, j].sum() < n:
            X.loc[holes[:, j], column] = None
    if draw(st.booleans()):  # some exact duplicates and an outlier
        X = pd.concat([X, X.iloc[:3]], ignore_index=True)
        X.loc[0, "age"] = 10_000
    y = np.arange(len(X)) % 2
    return X, y


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dirty_tables(), st.sampled_from(CLEANERS))
def test_cleaning_keeps_rows_unless_it_is_a_sampler(data, cls):
    X, y = data
    before = X.copy()
    estimator = cls()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if hasattr(estimator, "fit_resample"):
            try:
                X_out, y_out = estimator.fit_resample(X, y)
            except ValueError as exc:  # refusing to drop every row is a clear answer
                assert "would drop all" in str(exc)
                pd.testing.assert_frame_equal(X, before)
                return
            assert len(X_out) == len(y_out) <= len(X)
            # rows are only dropped, never invented or changed
            kept = X_out.index if isinstance(X_out, pd.DataFrame) else None
            if kept is not None and kept.isin(X.index).all():
                pd.testing.assert_frame_equal(X_out, X.loc[kept], check_dtype=False)
        else:
            out = estimator.fit(X, y).transform(X)
            assert out.shape[0] == len(X)
            if isinstance(out, pd.DataFrame):
                assert out.index.equals(X.index)
    pd.testing.assert_frame_equal(X, before)


def test_property_tests_cover_the_cleaners():
    names = {cls.__name__ for cls in CLEANERS}
    assert {"TableCleaner", "DuplicateRemover", "MissingValueImputer"} <= names
