"""Bad-input battery: every public estimator and function against awkward tables.

Each case either works (no NaN appears in a column that had none, the output
keeps the input's container) or raises a ``ValueError``/``TypeError`` whose
message names the column or parameter at fault. Never an ``IndexError``,
``KeyError``, torch ``RuntimeError``..., and the caller's data is never changed.
The table of cases is :data:`CASES`; estimators are discovered with
:func:`sksynth.utils.all_estimators`.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest

from sksynth.utils import all_estimators

N = 60
FAST = {
    "epochs": 1,
    "batch_size": 20,
    "hidden_dims": (8,),
    "latent_dim": 2,
    "n_modes": 2,
    "random_state": 0,
    "continuous": "quantile",
    # the marginal private sampler: a budget so large that the tiny tables' text
    # levels are released (at epsilon 1 they are not, by design, and come out missing)
    "epsilon": 1e4,
}


def base_frame(n=N, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "num": rng.normal(10, 2, n),
            "cnt": rng.integers(0, 40, n),
            "cat": pd.Categorical(rng.choice(["a", "b", "c"], n)),
            "txt": pd.Series(rng.choice(["u", "v"], n), dtype=object),
        }
    )


def base_y(n=N):
    return pd.Series(np.r_[np.zeros(n - n // 3, int), np.ones(n // 3, int)], name="label")


@dataclass
class Case:
    """One awkward input: how to build it and which names an error must mention."""

    name: str
    make: Callable  # () -> (X, y) used to fit
    tokens: tuple  # an error message must contain one of these (case-insensitive)
    later: Callable | None = None  # X_fit -> X given after fitting (transform, score)
    must_work: tuple = field(default_factory=tuple)  # estimators that must not raise


def _with(**changes):
    def make():
        X, y = base_frame(), base_y()
        for column, value in changes.items():
            X[column] = value(X) if callable(value) else value
        return X, y

    return make


def _nan(X):
    values = X["num"].to_numpy(copy=True)
    values[::7] = np.nan
    return values


def _inf(X):
    values = X["num"].to_numpy(copy=True)
    values[3] = np.inf
    return values


def _mixed(X):
    values = np.empty(len(X), dtype=object)
    values[:] = [1, "a", 2.5, None, True, "b"] * (len(X) // 6)
    return values


def _object_numbers(X):
    values = np.empty(len(X), dtype=object)
    values[:] = [float(v) if i % 2 else int(v) for i, v in enumerate(X["cnt"])]
    return values


def _extremes(X):
    values = X["cnt"].to_numpy(dtype=np.int64, copy=True)
    info = np.iinfo(np.int64)
    values[:3] = [info.max, info.min, info.max - 5]
    return values


def _nullable():
    X, y = base_frame(), base_y()
    X["cnt"] = pd.array(X["cnt"], dtype="Int64")
    X.loc[::9, "cnt"] = pd.NA
    X["flag"] = pd.array(X["num"] > 10, dtype="boolean")
    X.loc[::11, "flag"] = pd.NA
    X["word"] = pd.array(X["txt"].astype(str), dtype="string")
    X.loc[::8, "word"] = pd.NA
    X["amount"] = pd.array(X["num"] * 3, dtype="Float64")
    X.loc[::10, "amount"] = pd.NA
    return X, y


def _renamed(X):
    return X.rename(columns={"num": "numx"})


def _unseen(X):
    X = X.copy()
    X["cat"] = X["cat"].cat.add_categories(["zzz"])
    X.loc[0, "cat"] = "zzz"
    X.loc[1, "txt"] = "never-seen"
    return X


def _single_class():
    return base_frame(), pd.Series(np.zeros(N, int), name="label")


def _one_row_class():
    y = np.zeros(N, int)
    y[5] = 1
    return base_frame(), pd.Series(y, name="label")


def _duplicate_names():
    X = base_frame()
    X.columns = ["num", "cnt", "num", "txt"]
    return X, base_y()


def _int_names():
    X = base_frame()
    X.columns = [0, 1, 2, 3]
    return X, base_y()


def _mixed_names():
    X = base_frame()
    X.columns = ["num", 1, "cat", 3.5]
    return X, base_y()


def _tz():
    X, y = base_frame(), base_y()
    X["when"] = pd.date_range("2022-03-01", periods=N, freq="17h", tz="America/Sao_Paulo")
    return X, y


def _constant():
    X, y = base_frame(), base_y()
    X["num"] = 4.2
    X["cat"] = pd.Categorical(["a"] * N)
    return X, y


ROW_SENSITIVE = ("rows", "row", "sample", "at least", "minimum", "empty", "class")

CASES = [
    Case("nan", _with(num=_nan), ("num", "nan", "missing")),
    Case("inf", _with(num=_inf), ("num", "inf")),
    Case("empty", lambda: (base_frame().iloc[:0], base_y().iloc[:0]), ROW_SENSITIVE),
    Case("single_row", lambda: (base_frame().iloc[:1], base_y().iloc[:1]), ROW_SENSITIVE),
    Case("single_class", _single_class, ("class", "y")),
    Case("class_with_one_row", _one_row_class, ("class", "row", "sample", "neighbor")),
    Case("constant_columns", _constant, ("num", "cat", "constant")),
    Case("mixed_python_types", _with(txt=_mixed), ("txt", "mixed", "type")),
    Case("huge_integers", _with(cnt=lambda X: X["cnt"] * 2**57), ("cnt", "large", "integer")),
    Case("int64_extremes", _with(cnt=_extremes), ("cnt", "large", "integer")),
    Case("tz_aware_datetime", _tz, ("when", "datetime")),
    Case("nullable_dtypes", _nullable, ("cnt", "flag", "word", "amount")),
    Case("object_numbers", _with(onum=_object_numbers), ("onum", "object")),
    Case("duplicate_column_names", _duplicate_names, ("num", "duplicate")),
    Case("int_column_names", _int_names, ("column", "feature", "name")),
    Case("mixed_column_names", _mixed_names, ("column", "feature", "name", "str")),
    Case("unseen_categories", _with(), ("cat", "txt", "zzz", "never-seen"), later=_unseen),
    Case("renamed_column", _with(), ("num", "numx"), later=_renamed),
    Case(
        "reordered_columns",
        _with(),
        ("order", "num", "cat", "cnt", "txt"),
        later=lambda X: X[["cat", "num", "txt", "cnt"]],
    ),
    Case(
        "missing_column",
        _with(),
        ("txt", "feature", "column"),
        later=lambda X: X.drop(columns="txt"),
    ),
    Case(
        "extra_column",
        _with(),
        ("extra", "feature", "column"),
        later=lambda X: X.assign(extra=1.0),
    ),
]

FORBIDDEN = (IndexError, KeyError, RuntimeError, AttributeError, ZeroDivisionError)


# ----------------------------------------------------------------------- running


def _snapshot(value):
    return copy.deepcopy(value)


def _assert_unchanged(before, after, what):
    if isinstance(before, pd.DataFrame):
        pd.testing.assert_frame_equal(after, before, obj=f"caller's {what}")
        assert list(after.columns) == list(before.columns)
    elif isinstance(before, pd.Series):
        pd.testing.assert_series_equal(after, before, obj=f"caller's {what}")


def _nan_free_columns(X):
    if not isinstance(X, pd.DataFrame) or X.columns.duplicated().any():
        return []
    return [c for c in X.columns if not X[c].isna().any()]


def _check_no_new_nan(X_in, out, what):
    if isinstance(out, tuple):
        out = out[0]
    if isinstance(out, np.ndarray) and out.dtype.kind == "f":
        assert np.isfinite(out).all(), f"{what} returned NaN or inf"
        return
    if not isinstance(out, pd.DataFrame):
        return
    if out.columns.duplicated().any():
        return
    for column in _nan_free_columns(X_in):
        if column in out.columns:
            assert not out[column].isna().any(), f"{what} put NaN in column {column!r}"
    for column in X_in.columns if not X_in.columns.duplicated().any() else []:
        kind = X_in[column].dtype.kind if isinstance(X_in[column].dtype, np.dtype) else ""
        if kind in "iu" and column in out.columns and out[column].dtype.kind in "iu":
            # values may round by a float's precision, never wrap around (overflow)
            low, high = int(X_in[column].min()), int(X_in[column].max())
            slack = 2**12
            assert (
                low - slack <= int(out[column].min()) and int(out[column].max()) <= high + slack
            ), f"{what} put values outside [{low}, {high}] in integer column {column!r}"


def _make_estimator(cls):
    estimator = cls()
    params = estimator.get_params(deep=False)
    estimator.set_params(**{k: v for k, v in FAST.items() if k in params})
    return estimator


def run_estimator(cls, case):
    """Fit (and use) ``cls`` on the case's data; return a short outcome text."""
    X, y = case.make()
    X_before, y_before = _snapshot(X), _snapshot(y)
    estimator = _make_estimator(cls)
    outcome = []
    try:
        if hasattr(estimator, "transform"):
            out = estimator.fit(X, y).transform(X)
            _check_no_new_nan(X, out, "transform")
            outcome.append("transform ok")
        elif hasattr(estimator, "sample"):
            out = estimator.fit(X, y).sample(12, random_state=0)
            _check_no_new_nan(X, out, "sample")
            outcome.append("fit+sample ok")
            out = _make_estimator(cls).fit_resample(X, y)
            _check_no_new_nan(X, out, "fit_resample")
            outcome.append("fit_resample ok")
        else:
            out = estimator.fit_resample(X, y)
            _check_no_new_nan(X, out, "fit_resample")
            outcome.append("fit_resample ok")
        if case.later is not None:
            X_later = case.later(X)
            later_before = _snapshot(X_later)
            if hasattr(estimator, "transform"):
                out = estimator.transform(X_later)
                _check_no_new_nan(X_later, out, "transform (later)")
                outcome.append("transform later ok")
            elif hasattr(estimator, "score"):
                estimator.score(X_later)
                outcome.append("score later ok")
            _assert_unchanged(later_before, X_later, "later X")
    finally:
        _assert_unchanged(X_before, X, "X")
        _assert_unchanged(y_before, y, "y")
    return "; ".join(outcome)


def _assess(X, y, later):
    from sksynth.quality import assess

    return assess(X, y, cv=2, random_state=0)


def _find_label_issues(X, y, later):
    from sksynth.quality import find_label_issues

    return find_label_issues(X, y, cv=2, random_state=0)


def _fidelity(X, y, later):
    from sksynth.metrics import fidelity_score

    other = later(X) if later is not None else X.iloc[::-1]
    return fidelity_score(X, other)


def _evaluate(X, y, later):
    from sksynth.metrics import evaluate

    other = later(X) if later is not None else X.iloc[::-1]
    return evaluate(X, other, cv=2, random_state=0)


def _dcr(X, y, later):
    from sksynth.metrics import dcr_share

    other = later(X) if later is not None else X.iloc[::-1]
    half = len(X) // 2
    return dcr_share(X.iloc[:half], other, X.iloc[half:], random_state=0)


def _make_cleaner(X, y, later):
    from sksynth.preprocessing import make_cleaner

    cleaner = make_cleaner(X).fit(X)
    out = cleaner.transform(later(X) if later is not None else X)
    _check_no_new_nan(X, out, "make_cleaner(X).transform")
    return out


def _make_encoder(X, y, later):
    from sksynth.preprocessing import make_encoder

    encoder = make_encoder(X).fit(X)
    return encoder.transform(later(X) if later is not None else X)


def _fingerprint(X, y, later):
    from sksynth.datasets import fingerprint

    return fingerprint(X)


def _make_card(X, y, later):
    from sksynth.datasets import make_card

    return make_card(X, name="t", source="test").to_json()


FUNCTIONS = {
    "assess": _assess,
    "find_label_issues": _find_label_issues,
    "fidelity_score": _fidelity,
    "evaluate": _evaluate,
    "dcr_share": _dcr,
    "make_cleaner": _make_cleaner,
    "make_encoder": _make_encoder,
    "fingerprint": _fingerprint,
    "make_card": _make_card,
}


def run_function(function, case):
    """Call one public function on the case's data; return a short outcome text."""
    X, y = case.make()
    X_before, y_before = _snapshot(X), _snapshot(y)
    try:
        function(X, y, case.later)
    finally:
        _assert_unchanged(X_before, X, "X")
        _assert_unchanged(y_before, y, "y")
    return "ok"


def _check_error(exc, case, who):
    assert not isinstance(exc, FORBIDDEN) or isinstance(exc, ValueError | TypeError), (
        f"{who} on {case.name}: {type(exc).__name__}: {exc}"
    )
    assert isinstance(exc, ValueError | TypeError), (
        f"{who} on {case.name} raised {type(exc).__name__}: {exc}"
    )
    message = str(exc).lower()
    assert any(token.lower() in message for token in case.tokens), (
        f"{who} on {case.name}: the message names none of {case.tokens}: {exc}"
    )


# ------------------------------------------------------------------------- tests

ESTIMATORS = all_estimators()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("cls", [c for _, c in ESTIMATORS], ids=[n for n, _ in ESTIMATORS])
def test_estimator_bad_input(cls, case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            run_estimator(cls, case)
        except AssertionError:
            raise
        except Exception as exc:  # noqa: BLE001 - the type is what is checked
            _check_error(exc, case, cls.__name__)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_function_bad_input(name, case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            run_function(FUNCTIONS[name], case)
        except AssertionError:
            raise
        except Exception as exc:  # noqa: BLE001
            _check_error(exc, case, name)


def test_the_battery_covers_every_estimator():
    assert len(ESTIMATORS) >= 13
    assert {c.name for c in CASES} >= {"nan", "inf", "empty", "duplicate_column_names"}


def test_errors_are_reported_with_names():
    """The checker itself refuses vague errors and forbidden types (it can fail)."""
    case = CASES[0]
    with pytest.raises(AssertionError, match="names none of"):
        _check_error(ValueError("bad input"), case, "x")
    with pytest.raises(AssertionError, match="IndexError"):
        _check_error(IndexError("num"), case, "x")
    _check_error(ValueError("Column 'num' holds NaN"), case, "x")

