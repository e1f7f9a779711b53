import numpy as np
import pandas as pd
import pytest

from sksynth.datasets import load_credit
from sksynth.preprocessing import DuplicateRemover


def _count_repeats(frame):
    """Rows equal to an earlier row, counted without pandas' duplicated (NaN == NaN)."""
    seen, repeats = set(), 0
    for row in frame.astype(object).itertuples(index=False):
        key = tuple("<NA>" if pd.isna(v) else v for v in row)
        repeats += key in seen
        seen.add(key)
    return repeats


def test_injected_duplicates_are_removed_exactly(mixed_xy):
    X, y = mixed_xy
    assert _count_repeats(X) == 0
    rng = np.random.default_rng(3)
    copies = rng.choice(len(X), 15, replace=False)
    X_dup = pd.concat([X, X.iloc[copies]], ignore_index=True)
    y_dup = pd.concat([y, y.iloc[copies]], ignore_index=True)
    before = X_dup.copy()
    X_res, y_res = DuplicateRemover().fit_resample(X_dup, y_dup)
    pd.testing.assert_frame_equal(X_dup, before)
    assert len(X_res) == len(X)
    assert X_res.index.tolist() == list(range(len(X)))  # the first copies survive
    pd.testing.assert_series_equal(X_res.dtypes, X.dtypes)
    assert DuplicateRemover().fit(X_dup, y_dup).fit_resample(X_dup, y_dup)[0].shape == X.shape
    # keep="none" drops both copies; keep="last" keeps the injected ones
    X_none, _ = DuplicateRemover(keep="none").fit_resample(X_dup, y_dup)
    assert len(X_none) == len(X) - 15
    X_last, _ = DuplicateRemover(keep="last").fit_resample(X_dup, y_dup)
    assert set(range(len(X), len(X) + 15)) <= set(X_last.index)


def test_missing_values_count_as_equal_and_target_matters():
    X = pd.DataFrame({"a": [np.nan, np.nan, 1.0, 1.0], "b": ["u", "u", None, None]})
    y = np.array([0, 0, 0, 1])
    X_res, y_res = DuplicateRemover().fit_resample(X, y)
    assert X_res.index.tolist() == [0, 2, 3]  # rows 2 and 3 differ by label: a conflict, kept
    X_res, _ = DuplicateRemover(include_target=False).fit_resample(X, y)
    assert X_res.index.tolist() == [0, 2]
    X_res, _ = DuplicateRemover(subset=["a"], include_target=False).fit_resample(X, y)
    assert X_res.index.tolist() == [0, 2]


def test_credit_duplicates():
    X, y = load_credit(return_X_y=True)
    table = X.assign(Status=y)
    natural = _count_repeats(table)
    rng = np.random.default_rng(0)
    copies = rng.choice(len(X), 25, replace=False)
    X_dup = pd.concat([X, X.iloc[copies]], ignore_index=True)
    y_dup = pd.concat([y, y.iloc[copies]], ignore_index=True)
    remover = DuplicateRemover()
    X_res, y_res = remover.fit_resample(X_dup, y_dup)
    assert remover.n_duplicates_ == natural + 25
    assert len(X_res) == len(X) - natural
    assert y_res.value_counts().sum() == len(X_res)
    assert isinstance(y_res.dtype, pd.CategoricalDtype)


def test_numpy_and_list_input():
    X = np.array([[1.0, 2.0], [1.0, 2.0], [3.0, 4.0]])
    y = [0, 0, 1]
    X_res, y_res = DuplicateRemover().fit_resample(X, y)
    assert isinstance(X_res, np.ndarray)
    np.testing.assert_array_equal(X_res, X[[0, 2]])
    X_res, y_res = DuplicateRemover().fit_resample(X.tolist(), y)
    assert X_res == [[1.0, 2.0], [3.0, 4.0]] and y_res == [0, 1]
    with pytest.raises(ValueError, match="class"):
        DuplicateRemover().fit_resample(X, [0, 0, 0])
