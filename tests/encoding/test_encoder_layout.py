"""TabularEncoder: the span layout, bad input and scikit-learn conventions."""

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import make_mixed_frame
from sklearn.base import clone
from sklearn.utils.estimator_checks import check_estimator

from sksynth.encoding import Span, TabularEncoder
from sksynth.exceptions import DataQualityWarning

# --------------------------------------------------------------------- layout


@pytest.mark.parametrize("continuous", ["mode", "quantile"])
def test_spans_cover_the_output_and_match_transform(mixed_frame, continuous):
    enc = TabularEncoder(continuous=continuous, random_state=0).fit(mixed_frame)
    spans = enc.output_spans_
    assert all(isinstance(s, Span) for s in spans)
    assert spans[0].start == 0 and spans[-1].stop == enc.n_features_out_
    for before, after in zip(spans, spans[1:]):
        assert before.stop == after.start
    # Spans of a column are contiguous, in column order, value first, missing last.
    columns = [s.column for s in spans]
    assert list(dict.fromkeys(columns)) == list(mixed_frame.columns)
    for col in mixed_frame.columns:
        kinds = [s.kind for s in spans if s.column == col]
        has_missing = bool(mixed_frame[col].isna().any())
        assert (kinds[-1] == "missing") == has_missing, col
        assert kinds.count("missing") == int(has_missing)
        assert kinds[0] in ("continuous", "discrete")
        if kinds[0] == "continuous" and continuous == "mode":
            assert kinds[1] == "component"
    assert enc.discrete_columns_ == [s.column for s in spans if s.kind == "discrete"]
    assert set(enc.discrete_columns_) == {"children", "home", "job", "married"}

    Z = enc.transform(mixed_frame)
    assert Z.shape == (len(mixed_frame), enc.n_features_out_)
    assert len(enc.get_feature_names_out()) == enc.n_features_out_
    for span in spans:
        block = Z[:, span.slice]
        missing = mixed_frame[span.column].isna().to_numpy()
        expected = {"tanh": "continuous", "identity": "continuous", "softmax": None}
        if expected[span.activation] is not None:
            assert span.kind == "continuous"
        if span.activation == "tanh":
            assert np.all(np.abs(block) <= 1)
        if span.kind in ("component", "missing"):
            assert set(np.unique(block)) <= {0.0, 1.0}
            np.testing.assert_array_equal(block.sum(axis=1), 1.0)
        if span.kind == "missing":
            np.testing.assert_array_equal(block[:, 1], missing)
        if span.kind == "discrete":
            assert set(np.unique(block)) <= {0.0, 1.0}
            # One slot per present row; a missing row has none.
            np.testing.assert_array_equal(block.sum(axis=1), ~missing)
            assert len(span.categories) == span.size


def test_discrete_slots_follow_categories(mixed_frame):
    enc = TabularEncoder(random_state=0).fit(mixed_frame)
    span = next(s for s in enc.output_spans_ if s.column == "home")
    assert span.categories == ("owner", "parents", "rent")  # the dtype's order
    Z = enc.transform(mixed_frame)
    slots = Z[:, span.slice].argmax(axis=1)
    np.testing.assert_array_equal(
        np.asarray(span.categories, dtype=object)[slots], mixed_frame["home"].astype(object)
    )
    married = next(s for s in enc.output_spans_ if s.column == "married")
    assert married.categories == (False, True)


def test_span_validation():
    span = Span("a", "discrete", 2, 5, "softmax", ("x", "y", "z"))
    assert span.size == 3 and span.slice == slice(2, 5)
    with pytest.raises(ValueError, match="kind"):
        Span("a", "numeric", 0, 1, "tanh")
    with pytest.raises(ValueError, match="activation"):
        Span("a", "continuous", 0, 1, "relu")
    with pytest.raises(ValueError, match="start < stop"):
        Span("a", "continuous", 3, 3, "tanh")


# ------------------------------------------------------------------ bad input


def test_identifier_column_refused():
    X = pd.DataFrame({"client_id": [f"C{i:05d}" for i in range(300)], "v": np.arange(300.0)})
    with pytest.raises(ValueError, match="'client_id' looks like an identifier.*drop"):
        TabularEncoder().fit(X)
    # Unique integers are numbers, not identifiers; they are encoded.
    TabularEncoder().fit(X[["v"]])


@pytest.mark.parametrize("fmt", ["%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y %H:%M", "%b %d, %Y"])
def test_dates_written_as_text_are_refused_with_how_to_read_them(fmt):
    days = pd.date_range("2001-01-01", periods=300, freq="D")
    X = pd.DataFrame({"day": days.strftime(fmt), "v": np.arange(300.0)})
    with pytest.raises(ValueError, match="'day' looks like.*dates written as text.*to_datetime"):
        TabularEncoder().fit(X)
    TabularEncoder().fit(X.assign(day=days))  # as dates they are encoded


def test_dates_written_as_text_with_repeats_are_learnt_as_labels_with_a_warning():
    days = pd.date_range("2001-01-01", periods=60, freq="D").strftime("%d/%m/%Y")
    X = pd.DataFrame({"day": np.repeat(days, 5), "v": np.arange(300.0)})
    with pytest.warns(DataQualityWarning, match="'day' holds dates written as text.*60 labels"):
        encoder = TabularEncoder().fit(X)
    assert encoder.column_kinds_["day"] == "categorical"
    # Labels that are not dates, and few dates, are learnt without a word.
    cities = pd.DataFrame({"city": np.repeat([f"town {i}" for i in range(60)], 5)})
    months = pd.DataFrame({"month": np.repeat(days[:12], 25)})
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        TabularEncoder().fit(cities)
        TabularEncoder().fit(months)


def test_durations_are_refused_with_how_to_make_them_numbers():
    seconds = 7000 + np.arange(300) * 37
    duration = pd.Series(pd.to_timedelta(seconds, unit="s"))
    h, m, s = seconds // 3600, seconds // 60 % 60, seconds % 60
    text = pd.Series([f"{a}:{b:02d}:{c:02d}" for a, b, c in zip(h, m, s)])
    cases = [(duration, "durations: turn them"), (text, "durations written as text")]
    for column, expected in cases:
        X = pd.DataFrame({"time": column, "v": np.arange(300.0)})
        with pytest.raises(ValueError, match=f"'time' looks like.*{expected}.*total_seconds"):
            TabularEncoder().fit(X)
    # the advice works: as seconds the column is a number
    as_seconds = pd.to_timedelta(text).dt.total_seconds()
    assert np.array_equal(as_seconds.to_numpy(), seconds)
    TabularEncoder().fit(pd.DataFrame({"time": as_seconds, "v": np.arange(300.0)}))


def test_infinite_value_names_the_column(mixed_frame):
    X = mixed_frame.copy()
    X.loc[3, "income"] = np.inf
    with pytest.raises(ValueError, match="'income'.*infinite"):
        TabularEncoder().fit(X)
    enc = TabularEncoder().fit(mixed_frame)
    with pytest.raises(ValueError, match="'income'.*infinite"):
        enc.transform(X)


def test_all_missing_column_names_it(mixed_frame):
    X = mixed_frame.assign(empty=np.nan)
    with pytest.raises(ValueError, match="'empty' has no value"):
        TabularEncoder().fit(X)


def test_empty_table_refused():
    with pytest.raises(ValueError, match="empty"):
        TabularEncoder().fit(pd.DataFrame({"a": pd.Series([], dtype=float)}))
    with pytest.raises(ValueError, match="0 feature"):
        TabularEncoder().fit(np.empty((5, 0)))


def test_mismatched_columns_at_transform(mixed_frame):
    enc = TabularEncoder().fit(mixed_frame)
    with pytest.raises(ValueError, match="missing \\['job'\\]"):
        enc.transform(mixed_frame.drop(columns="job").assign(other=1))
    with pytest.raises(ValueError, match="different order"):
        enc.transform(mixed_frame[mixed_frame.columns[::-1]])
    with pytest.raises(ValueError, match="5 features, but TabularEncoder is expecting 6"):
        enc.transform(mixed_frame.drop(columns="job"))


def test_unseen_level_is_all_zero_with_a_warning(mixed_frame):
    enc = TabularEncoder(random_state=0).fit(mixed_frame)
    X = mixed_frame.copy()
    X["job"] = X["job"].astype(object)
    X.loc[0, "job"] = "astronaut"
    with pytest.warns(DataQualityWarning, match="'job'.*astronaut"):
        Z = enc.transform(X)
    span = next(s for s in enc.output_spans_ if s.column == "job" and s.kind == "discrete")
    assert Z[0, span.slice].sum() == 0
    np.testing.assert_array_equal(Z[1:], enc.transform(mixed_frame)[1:])


def test_missing_value_in_a_column_without_missing_span(mixed_frame):
    enc = TabularEncoder().fit(mixed_frame)
    X = mixed_frame.copy()
    X["age"] = X["age"].astype(float)
    X.loc[2, "age"] = np.nan
    with pytest.raises(ValueError, match="'age' has 1 missing value"):
        enc.transform(X)


def test_bad_encoded_input(mixed_frame):
    enc = TabularEncoder().fit(mixed_frame)
    Z = enc.transform(mixed_frame)
    with pytest.raises(ValueError, match="shape"):
        enc.inverse_transform(Z[:, :-1])
    Z[0, 0] = np.nan
    with pytest.raises(ValueError, match="'income'.*diverged"):
        enc.inverse_transform(Z)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"continuous": "gaussian"}, "continuous"),
        ({"n_modes": 0}, "n_modes"),
        ({"rare_threshold": 1.5}, "rare_threshold"),
        ({"max_categories": 1}, "max_categories"),
        ({"column_kinds": {"nope": "integer"}}, "'nope'"),
        ({"column_kinds": {"job": "datetime"}}, "'job'.*datetime"),
        ({"column_kinds": {"job": "continuous"}}, "'job'.*not numbers"),
    ],
)
def test_bad_parameters(mixed_frame, params, match):
    with pytest.raises((ValueError, TypeError), match=match):
        TabularEncoder(**params).fit(mixed_frame)


def test_column_kinds_override(mixed_frame):
    enc = TabularEncoder(column_kinds={"age": "categorical"}, random_state=0).fit(mixed_frame)
    assert enc.column_kinds_["age"] == "categorical"
    assert "age" in enc.discrete_columns_
    R = enc.inverse_transform(enc.transform(mixed_frame))
    pd.testing.assert_series_equal(R["age"], mixed_frame["age"])


def test_not_fitted():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        TabularEncoder().transform(pd.DataFrame({"a": [1.0]}))


# -------------------------------------------------------------- scikit-learn


def test_params_and_clone():
    enc = TabularEncoder(n_modes=3, rare_threshold=5, random_state=2)
    assert enc.get_params()["rare_threshold"] == 5
    twin = clone(enc)
    assert twin.get_params() == enc.get_params()
    twin.set_params(continuous="quantile")
    assert twin.continuous == "quantile" and enc.continuous == "mode"


def test_tags():
    tags = TabularEncoder().__sklearn_tags__()
    assert tags.input_tags.allow_nan and tags.input_tags.string
    assert tags.non_deterministic  # modes are drawn row by row
    assert not TabularEncoder(continuous="quantile").__sklearn_tags__().non_deterministic


@pytest.mark.parametrize("continuous", ["mode", "quantile"])
def test_sklearn_estimator_checks(continuous):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(
            TabularEncoder(continuous=continuous, random_state=0), on_fail=None
        )
    failed = [(r["check_name"], r["exception"]) for r in results if r["status"] == "failed"]
    assert not failed


def test_fit_transform_matches_fit_then_transform():
    X = make_mixed_frame(150)
    a = TabularEncoder(random_state=3).fit_transform(X)
    b = TabularEncoder(random_state=3).fit(X).transform(X)
    np.testing.assert_array_equal(a, b)
