"""Outliers: clip numeric columns to learned bounds, or drop the rows that stray."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.ensemble import IsolationForest
from sklearn.utils._param_validation import Interval, StrOptions

from ..exceptions import DataQualityWarning
from ..utils import check_no_inf, fill_doc, infer_column_kinds, iqr_fences, warn_caller
from ._base import NUMERIC_KINDS, _RowFilterSampler, _TableTransformer, check_all_missing
from ._docs import SHARED_ENTRIES

__all__ = ["OutlierClipper", "OutlierRemover", "outlier_bounds"]

#: The factor each rule uses when none is given.
DEFAULT_FACTORS = {"iqr": 1.5, "zscore": 3.0}


def outlier_bounds(X, *, method="iqr", factor=None) -> pd.DataFrame:
    """Compute per-column bounds outside which a value counts as an outlier.

    ``"iqr"`` (Tukey's fences): ``[Q1 - factor * IQR, Q3 + factor * IQR]``,
    ``factor`` 1.5 by default; on a right-skewed column with no negative value
    the fences are taken on ``log1p`` of the values and
    mapped back, so that a long tail of valid values is not all flagged (see
    :func:`~sksynth.utils.iqr_fences`). ``"zscore"``: ``mean +/- factor * std``
    (population standard deviation), ``factor`` 3 by default. Missing values
    are ignored. A column without spread (IQR or standard deviation of zero:
    constant, or dominated by one value such as a debt column that is mostly
    zeros) gets NaN bounds, meaning "no bound": with zero spread every value
    but the dominant one would count as an outlier.

    Parameters
    ----------
    X : pandas.DataFrame
        Numeric columns only.
    method : {"iqr", "zscore"}, default="iqr"
        The rule.
    factor : float, default=None
        The width of the fences (``None``: 1.5 for ``"iqr"``, 3 for ``"zscore"``).

    Returns
    -------
    bounds : pandas.DataFrame
        One row per column, with columns ``"lower"`` and ``"upper"``.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.preprocessing import outlier_bounds
    >>> outlier_bounds(pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0, 5.0]}))
       lower  upper
    a   -1.0    7.0
    """
    if method not in DEFAULT_FACTORS:
        raise ValueError(f"method must be one of {sorted(DEFAULT_FACTORS)}; got {method!r}.")
    factor = DEFAULT_FACTORS[method] if factor is None else factor
    if X.shape[1] == 0:
        return pd.DataFrame({"lower": [], "upper": []}, index=X.columns, dtype="float64")
    block = X.to_numpy(dtype="float64", na_value=np.nan)
    if method == "iqr":
        lower, upper, _ = iqr_fences(block, factor)
        return pd.DataFrame({"lower": lower, "upper": upper}, index=X.columns)
    else:
        mean, spread = np.nanmean(block, axis=0), np.nanstd(block, axis=0)
        lower, upper = mean - factor * spread, mean + factor * spread
    degenerate = ~(spread > 0)  # no spread: every other value would be an "outlier"
    lower[degenerate], upper[degenerate] = np.nan, np.nan
    return pd.DataFrame({"lower": lower, "upper": upper}, index=X.columns)


def _numeric_columns(frame, kinds) -> list:
    """Return the columns of a numeric kind that hold numbers (not booleans)."""
    return [
        c
        for c in frame.columns
        if kinds[c] in NUMERIC_KINDS
        and pd.api.types.is_numeric_dtype(frame[c].dtype)
        and not pd.api.types.is_bool_dtype(frame[c].dtype)
    ]


def _outside_bounds(numeric: pd.DataFrame, bounds: pd.DataFrame) -> np.ndarray:
    """Return a boolean array: True where a value lies outside its column's bounds.

    Missing values and columns with NaN bounds (no spread) are never outside.
    """
    block = numeric.to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        return (block < bounds["lower"].to_numpy()) | (block > bounds["upper"].to_numpy())


def count_outliers(frame, kinds, *, method="iqr", factor=None) -> pd.Series:
    """Count the values outside the outlier fences, per numeric column with a value.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; only its numeric columns are looked at.
    kinds : dict of str to str
        The kind of every column.
    method : {"iqr", "zscore"}, default="iqr"
        The rule (see :func:`outlier_bounds`).
    factor : float, default=None
        The width of the fences.

    Returns
    -------
    n_outliers : pandas.Series
        The count per numeric column, named ``"n_outliers"``.
    """
    numeric = [c for c in _numeric_columns(frame, kinds) if frame[c].notna().any()]
    if not numeric:
        return pd.Series(dtype="int64", name="n_outliers")
    bounds = outlier_bounds(frame[numeric], method=method, factor=factor)
    outside = _outside_bounds(frame[numeric], bounds)
    return pd.Series(outside.sum(axis=0), index=pd.Index(numeric), name="n_outliers")


def _numeric_targets(frame, kinds, columns, owner):
    """Return the numeric columns to work on: ``columns`` if given, else all numeric ones."""
    numeric = _numeric_columns(frame, kinds)
    if columns is None:
        return numeric
    names = [columns] if isinstance(columns, str | int) else list(columns)
    unknown = [c for c in names if c not in frame.columns]
    if unknown:
        raise ValueError(
            f"{owner}: columns names {unknown}, which X lacks; columns are {list(frame.columns)}."
        )
    not_numeric = [c for c in names if c not in numeric]
    if not_numeric:
        raise TypeError(
            f"{owner}: column(s) {not_numeric} are not numeric "
            f"(kinds {[kinds[c] for c in not_numeric]}); outliers are only looked for in "
            "numeric columns (put TypeCoercer first if they hold numbers as text)."
        )
    return names


def _integer_bounds(bounds, kinds):
    """Widen the bounds of integer columns to whole numbers, so clipping keeps them whole."""
    bounds = bounds.copy()
    integer = [c for c in bounds.index if kinds[c] == "integer"]
    bounds.loc[integer, "lower"] = np.floor(bounds.loc[integer, "lower"])
    bounds.loc[integer, "upper"] = np.ceil(bounds.loc[integer, "upper"])
    return bounds


_METHOD_CONSTRAINT = StrOptions({"iqr", "zscore"})
_COLUMNS_CONSTRAINT = [str, list, tuple, None]


@fill_doc(SHARED_ENTRIES)
class OutlierClipper(_TableTransformer):
    """Clip numeric columns to bounds learned at fit (IQR fences or z-scores).

    A row-preserving way to tame outliers: every value of a numeric column
    below its lower bound becomes the lower bound, and likewise above. The
    bounds come from :func:`outlier_bounds`; integer columns get whole-number
    bounds (rounded outwards) so they stay integers. Non-numeric columns and
    missing values pass through untouched.

    Parameters
    ----------
    method : {"iqr", "zscore"}, default="iqr"
        ``"iqr"``: Tukey's fences ``[Q1 - factor * IQR, Q3 + factor * IQR]``;
        ``"zscore"``: ``mean +/- factor * std``.
    factor : float, default=None
        The width of the fences (``None``: 1.5 for ``"iqr"``, 3 for ``"zscore"``).
    columns : str or list of str, default=None
        The columns to clip (``None``: every numeric column).
    kinds : dict of str to str, default=None
        Kinds forced by column name; the others are inferred.

    Attributes
    ----------
    bounds_ : pandas.DataFrame
        One row per numeric column, with columns ``"lower"`` and ``"upper"``
        (NaN for a column without spread, which is left unclipped).
    kinds_ : dict of str to str
        The kind of every column.
    {columns_seen}

    Raises
    ------
    ValueError
        Naming the column: a clipped column holding only missing values (at
        fit) or an infinite value (at fit and transform; infinities are
        errors, not outliers, in sksynth).

    See Also
    --------
    OutlierRemover : Drops outlying rows instead (a sampler, fit time only).

    Notes
    -----
    A column without spread at fit (an IQR, or a standard deviation, of zero:
    constant, or mostly one value such as zeros) gets NaN bounds and is not
    clipped, since clipping would flatten every other value.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.preprocessing import OutlierClipper
    >>> df = pd.DataFrame({"a": [-1, 2, 3, 4, 100], "b": ["x", "y", "z", "x", "y"]})
    >>> clipper = OutlierClipper().fit(df)
    >>> clipper.bounds_
       lower  upper
    a   -1.0    7.0
    >>> clipper.transform(df)["a"].tolist()
    [-1, 2, 3, 4, 7]
    """

    _parameter_constraints: dict = {
        "method": [_METHOD_CONSTRAINT],
        "factor": [Interval(Real, 0, None, closed="left"), None],
        "columns": _COLUMNS_CONSTRAINT,
        "kinds": [dict, None],
    }

    def __init__(self, *, method="iqr", factor=None, columns=None, kinds=None):
        self.method = method
        self.factor = factor
        self.columns = columns
        self.kinds = kinds

    def _fit(self, frame):
        """Learn the bounds of the numeric columns."""
        self.kinds_ = self._resolve_kinds(frame)
        targets = _numeric_targets(frame, self.kinds_, self.columns, type(self).__name__)
        check_all_missing(frame[targets], owner=type(self).__name__)
        bounds = outlier_bounds(frame[targets], method=self.method, factor=self.factor)
        self.bounds_ = _integer_bounds(bounds, self.kinds_)

    def _transform(self, frame):
        """Clip every numeric column to its bounds, dtypes unchanged."""
        out = frame.copy(deep=False)
        for col, lower, upper in self.bounds_.itertuples(name=None):
            if np.isnan(lower) or np.isnan(upper):
                continue  # no spread at fit: this column is not clipped
            column = frame[col]
            if pd.api.types.is_integer_dtype(column.dtype):
                lower, upper = int(lower), int(upper)
            out[col] = column.clip(lower=lower, upper=upper).astype(column.dtype)
        return out


@fill_doc(SHARED_ENTRIES)
class OutlierRemover(_RowFilterSampler):
    """Drop the rows holding outliers (an imbalanced-learn sampler, fit time only).

    A row is an outlier when one of its numeric values lies outside the bounds
    of :func:`outlier_bounds` (``"iqr"``, ``"zscore"``; missing values never
    count), or when :class:`~sklearn.ensemble.IsolationForest`, trained on the
    numeric columns (missing values replaced by the column median for the
    detector only), labels it an outlier (``"isolation_forest"``).

    Use it as its own top-level step of an :class:`imblearn.pipeline.Pipeline`
    (imbalanced-learn does not resample inside nested pipelines); rows are
    dropped at ``fit`` only and ``predict`` sees every row — add an
    :class:`OutlierClipper` if new rows need taming too.

    Parameters
    ----------
    method : {"iqr", "zscore", "isolation_forest"}, default="iqr"
        The detection rule.
    factor : float, default=None
        The width of the fences for ``"iqr"``/``"zscore"`` (``None``: 1.5 and 3).
    columns : str or list of str, default=None
        The columns to inspect (``None``: every numeric column).
    kinds : dict of str to str, default=None
        Kinds forced by column name; the others are inferred.
    contamination : "auto" or float, default="auto"
        Passed to :class:`~sklearn.ensemble.IsolationForest`.
    n_estimators : int, default=100
        Passed to :class:`~sklearn.ensemble.IsolationForest`.
    random_state : int, RandomState instance or None, default=None
        Seed of :class:`~sklearn.ensemble.IsolationForest`.

    Attributes
    ----------
    bounds_ : pandas.DataFrame or None
        The bounds used (``"iqr"``/``"zscore"``; ``None`` for the forest).
    detector_ : IsolationForest or None
        The fitted forest (``"isolation_forest"`` only).
    {rows_kept}

    See Also
    --------
    OutlierClipper : Clips instead of dropping (a transformer).

    Notes
    -----
    A table without numeric columns keeps every row, with a
    :class:`~sksynth.exceptions.DataQualityWarning`.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.preprocessing import OutlierRemover
    >>> X = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0, 100.0], "b": list("xyzxy")})
    >>> y = [0, 1, 0, 1, 0]
    >>> X_res, y_res = OutlierRemover().fit_resample(X, y)
    >>> X_res.index.tolist()
    [0, 1, 2, 3]
    """

    _parameter_constraints: dict = {
        "method": [StrOptions({"iqr", "zscore", "isolation_forest"})],
        "factor": [Interval(Real, 0, None, closed="left"), None],
        "columns": _COLUMNS_CONSTRAINT,
        "kinds": [dict, None],
        "contamination": [StrOptions({"auto"}), Interval(Real, 0, 0.5, closed="right")],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        method="iqr",
        factor=None,
        columns=None,
        kinds=None,
        contamination="auto",
        n_estimators=100,
        random_state=None,
    ):
        self.method = method
        self.factor = factor
        self.columns = columns
        self.kinds = kinds
        self.contamination = contamination
        self.n_estimators = n_estimators
        self.random_state = random_state

    def _keep_mask(self, frame, y):
        owner = type(self).__name__
        kinds = infer_column_kinds(frame, overrides=self.kinds)
        targets = _numeric_targets(frame, kinds, self.columns, owner)
        self.bounds_, self.detector_ = None, None
        if not targets:
            warn_caller(
                f"{owner} found no numeric column to inspect; no row is dropped.",
                DataQualityWarning,
            )
            return np.ones(len(frame), dtype=bool)
        check_all_missing(frame[targets], owner=owner)
        if self.method == "isolation_forest":
            return self._forest_mask(frame[targets])
        self.bounds_ = outlier_bounds(frame[targets], method=self.method, factor=self.factor)
        return ~_outside_bounds(frame[targets], self.bounds_).any(axis=1)

    def _forest_mask(self, numeric):
        block = numeric.to_numpy(dtype="float64", na_value=np.nan)
        medians = np.nanmedian(block, axis=0)
        block = np.where(np.isnan(block), medians, block)
        self.detector_ = IsolationForest(
            n_estimators=self.n_estimators,
            contamination=self.contamination,
            random_state=self.random_state,
        ).fit(block)
        return self.detector_.predict(block) == 1

    def _check_frame(self, frame):
        check_no_inf(frame, name="X")
