"""Missing values: fill them, drop columns that are mostly missing, drop incomplete rows."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, KNNImputer, SimpleImputer
from sklearn.utils._param_validation import Interval, StrOptions

from ..exceptions import DataQualityWarning
from ..utils import fill_doc, warn_caller
from ._base import NUMERIC_KINDS, _RowFilterSampler, _TableTransformer, check_all_missing
from ._docs import SHARED_ENTRIES

__all__ = ["HighMissingColumnDropper", "MissingRowDropper", "MissingValueImputer"]

INDICATOR_SUFFIX = "__missing"


def _as_object_with_nan(frame: pd.DataFrame) -> np.ndarray:
    """Return an object array where every missing value (None, NaN, NA, NaT) is np.nan."""
    values = frame.astype(object).to_numpy(copy=True)
    values[frame.isna().to_numpy()] = np.nan
    return values


def _restore_dtype(values: np.ndarray, original: pd.Series, *, integer: bool) -> pd.Series:
    """Put imputed floats back into the column's dtype (rounding integer columns)."""
    if integer:
        values = np.round(values)
    out = pd.Series(values, index=original.index, name=original.name)
    return out.astype(original.dtype)


def _fill_column(column: pd.Series, value) -> pd.Series:
    """Fill the missing entries of one non-numeric column with ``value``, keeping its dtype."""
    if not column.isna().any():
        return column
    if isinstance(column.dtype, pd.CategoricalDtype) and value not in column.cat.categories:
        column = column.cat.add_categories([value])
    if pd.api.types.is_object_dtype(column.dtype):
        return column.where(column.notna(), value)
    return column.fillna(value)


@fill_doc(SHARED_ENTRIES)
class MissingValueImputer(_TableTransformer):
    """Fill missing values column by column, keeping every row, column and dtype.

    Numeric columns (kinds ``"continuous"`` and ``"integer"``) are filled by one
    of scikit-learn's imputers, fitted on all numeric columns together:
    :class:`~sklearn.impute.SimpleImputer` (``"mean"``, ``"median"``,
    ``"most_frequent"``, ``"constant"``), :class:`~sklearn.impute.KNNImputer`
    (``"knn"``) or :class:`~sklearn.impute.IterativeImputer` (``"iterative"``).
    Integer columns are rounded after imputing and every column gets its dtype
    back (``Int64`` stays ``Int64``, ``float32`` stays ``float32``).
    Categorical and boolean columns get their most frequent value (learned by
    :class:`~sklearn.impute.SimpleImputer`); categorical ones may instead get a
    constant label. Datetime columns get their median.

    Parameters
    ----------
    strategy : {"median", "mean", "most_frequent", "constant", "knn", "iterative"}, \
            default="median"
        How numeric columns are filled.
    fill_value : float, default=None
        The value used by ``strategy="constant"`` (``None`` means 0).
    categorical_strategy : {"most_frequent", "constant"}, default="most_frequent"
        How categorical columns are filled. Boolean columns always get their
        most frequent value.
    categorical_fill_value : str, default="missing"
        The label used by ``categorical_strategy="constant"`` (added to the
        categories of a ``category`` column).
    add_indicator : bool, default=False
        Whether to append a boolean column ``<col>__missing`` for every column
        that had missing values during fit.
    n_neighbors : int, default=5
        Neighbours used by ``strategy="knn"``.
    iterative_max_iter : int, default=10
        Rounds used by ``strategy="iterative"`` (its ``max_iter``).
    kinds : dict of str to str, default=None
        Kinds forced by column name; the others are inferred with
        :func:`sksynth.utils.infer_column_kinds`.
    random_state : int, RandomState instance or None, default=None
        Seed of ``strategy="iterative"``.

    Attributes
    ----------
    kinds_ : dict of str to str
        The kind of every column.
    numeric_imputer_ : estimator or None
        The fitted scikit-learn imputer of the numeric columns.
    fill_values_ : dict
        The value given to the missing entries of every non-numeric column.
    indicator_columns_ : list
        The columns that get a ``<col>__missing`` indicator (empty unless
        ``add_indicator=True``).
    {columns_seen}

    Raises
    ------
    ValueError
        At fit, naming them, if columns hold no value at all (drop them first,
        e.g. with :class:`HighMissingColumnDropper`).
    TypeError
        At fit, naming it, if a column said to be numeric does not hold
        numbers (put :class:`TypeCoercer` first).

    See Also
    --------
    HighMissingColumnDropper : Drops the columns that are mostly missing.
    MissingRowDropper : Drops incomplete rows instead of filling them.

    Notes
    -----
    Values unseen at fit (a new category, say) are left as they are; only
    missing entries are written. The caller's table is never modified.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sksynth.preprocessing import MissingValueImputer
    >>> df = pd.DataFrame({"n": pd.array([1, None, 4], dtype="Int64"),
    ...                    "c": ["a", np.nan, "a"]})
    >>> out = MissingValueImputer(add_indicator=True).fit_transform(df)
    >>> out["n"].tolist(), out["c"].tolist(), out["n__missing"].tolist()
    ([1, 2, 4], ['a', 'a', 'a'], [False, True, False])
    """

    _parameter_constraints: dict = {
        "strategy": [
            StrOptions({"median", "mean", "most_frequent", "constant", "knn", "iterative"})
        ],
        "fill_value": [Real, None],
        "categorical_strategy": [StrOptions({"most_frequent", "constant"})],
        "categorical_fill_value": [str],
        "add_indicator": ["boolean"],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "iterative_max_iter": [Interval(Integral, 1, None, closed="left")],
        "kinds": [dict, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        strategy="median",
        fill_value=None,
        categorical_strategy="most_frequent",
        categorical_fill_value="missing",
        add_indicator=False,
        n_neighbors=5,
        iterative_max_iter=10,
        kinds=None,
        random_state=None,
    ):
        self.strategy = strategy
        self.fill_value = fill_value
        self.categorical_strategy = categorical_strategy
        self.categorical_fill_value = categorical_fill_value
        self.add_indicator = add_indicator
        self.n_neighbors = n_neighbors
        self.iterative_max_iter = iterative_max_iter
        self.kinds = kinds
        self.random_state = random_state

    def _make_numeric_imputer(self):
        if self.strategy == "knn":
            return KNNImputer(n_neighbors=self.n_neighbors, keep_empty_features=True)
        if self.strategy == "iterative":
            return IterativeImputer(
                max_iter=self.iterative_max_iter,
                random_state=self.random_state,
                keep_empty_features=True,
            )
        return SimpleImputer(
            strategy=self.strategy, fill_value=self.fill_value, keep_empty_features=True
        )

    def _fit(self, frame):
        """Learn the fill values."""
        check_all_missing(frame, owner=type(self).__name__)
        self.kinds_ = self._resolve_kinds(frame)
        numeric = self._numeric_columns(frame)
        self._numeric_columns_ = numeric
        self.numeric_imputer_ = None
        if numeric:
            block = frame[numeric].to_numpy(dtype="float64", na_value=np.nan, copy=True)
            self.numeric_imputer_ = self._make_numeric_imputer().fit(block)
        self.fill_values_ = self._learn_fill_values(frame, numeric)
        missing = frame.columns[frame.isna().any(axis=0).to_numpy()].tolist()
        self.indicator_columns_ = missing if self.add_indicator else []
        clash = [
            f"{c}{INDICATOR_SUFFIX}"
            for c in self.indicator_columns_
            if f"{c}{INDICATOR_SUFFIX}" in frame.columns
        ]
        if clash:
            raise ValueError(
                f"add_indicator=True would create column(s) {clash}, which X already has."
            )

    def _numeric_columns(self, frame):
        numeric = [c for c, k in self.kinds_.items() if k in NUMERIC_KINDS]
        for col in numeric:
            dtype = frame[col].dtype
            if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
                raise TypeError(
                    f"Column {col!r} has the kind {self.kinds_[col]!r} but dtype {dtype}; "
                    "numbers are expected. Put TypeCoercer before MissingValueImputer."
                )
        return numeric

    def _learn_fill_values(self, frame, numeric):
        others = [c for c in frame.columns if c not in numeric]
        fills = {}
        labels = [c for c in others if self.kinds_[c] in ("categorical", "boolean")]
        if labels:
            imputer = SimpleImputer(strategy="most_frequent", missing_values=np.nan)
            imputer.fit(_as_object_with_nan(frame[labels]))
            fills.update(zip(labels, imputer.statistics_))
        if self.categorical_strategy == "constant":
            fills.update(
                (c, self.categorical_fill_value) for c in labels if self.kinds_[c] == "categorical"
            )
        for col in others:
            if self.kinds_[col] == "datetime":
                fills[col] = frame[col].median()
        return fills

    def _transform(self, frame):
        out = frame.copy(deep=False)
        if self._numeric_columns_:
            out = self._fill_numeric(frame, out)
        for col, value in self.fill_values_.items():
            out[col] = _fill_column(frame[col], value)
        for col in self.indicator_columns_:
            out[f"{col}{INDICATOR_SUFFIX}"] = frame[col].isna().to_numpy()
        return out

    def _fill_numeric(self, frame, out):
        numeric = self._numeric_columns_
        block = frame[numeric].to_numpy(dtype="float64", na_value=np.nan)
        missing = np.isnan(block)
        if not missing.any():
            return out
        filled = np.where(missing, self.numeric_imputer_.transform(block.copy()), block)
        for j, col in enumerate(numeric):
            if missing[:, j].any():
                integer = self.kinds_[col] == "integer"
                out[col] = _restore_dtype(filled[:, j], frame[col], integer=integer)
        return out

    def _names_out(self, names):
        """Return the input names, then the indicators."""
        names = list(names)
        by_column = dict(zip(self._columns_in_, names))
        extra = [f"{by_column[c]}{INDICATOR_SUFFIX}" for c in self.indicator_columns_]
        return np.asarray(names + extra, dtype=object)


@fill_doc(SHARED_ENTRIES)
class HighMissingColumnDropper(_TableTransformer):
    """Drop the columns whose share of missing values is above a threshold.

    The dropped columns are never dropped silently: they are listed in
    ``dropped_columns_`` (with every column's rate in ``missing_rate_``) and a
    :class:`~sksynth.exceptions.DataQualityWarning` naming them is emitted at
    fit.

    Parameters
    ----------
    threshold : float, default=0.5
        A column is dropped when its missing rate during fit is strictly
        greater than this (``0.5``: more than half its values missing; ``1.0``
        never drops a column).

    Attributes
    ----------
    missing_rate_ : pandas.Series
        The share of missing values of every column during fit.
    dropped_columns_ : list
        The dropped columns, in their original order.
    {columns_seen}

    Raises
    ------
    ValueError
        At fit, if every column would be dropped.

    See Also
    --------
    MissingValueImputer : Fills the missing values of the columns that stay.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sksynth.preprocessing import HighMissingColumnDropper
    >>> df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [np.nan, np.nan, 1.0]})
    >>> import warnings
    >>> dropper = HighMissingColumnDropper(threshold=0.5)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     out = dropper.fit_transform(df)
    >>> out.columns.tolist(), dropper.dropped_columns_
    (['a'], ['b'])
    >>> str(caught[0].message)
    "HighMissingColumnDropper drops 1 column(s) whose missing rate is above 0.5: {'b': 0.667}."
    """

    _parameter_constraints: dict = {"threshold": [Interval(Real, 0, 1, closed="both")]}

    def __init__(self, *, threshold=0.5):
        self.threshold = threshold

    def _fit(self, frame):
        """Measure the missing rates and choose the columns to drop."""
        self.missing_rate_ = frame.isna().mean(axis=0)
        over = (self.missing_rate_ > self.threshold).to_numpy()
        self.dropped_columns_ = frame.columns[over].tolist()
        if over.all():
            raise ValueError(
                f"HighMissingColumnDropper(threshold={self.threshold}) would drop every column "
                f"(missing rates: {self.missing_rate_.round(3).to_dict()}); raise the threshold."
            )
        if self.dropped_columns_:
            rates = self.missing_rate_[over].round(3).to_dict()
            warn_caller(
                f"HighMissingColumnDropper drops {len(rates)} column(s) whose missing rate is "
                f"above {self.threshold}: {rates}.",
                DataQualityWarning,
            )

    def _transform(self, frame):
        return frame.drop(columns=self.dropped_columns_)

    def _names_out(self, names):
        dropped = set(self.dropped_columns_)
        keep = [c not in dropped for c in self._columns_in_]
        return names[np.asarray(keep, dtype=bool)]


@fill_doc(SHARED_ENTRIES)
class MissingRowDropper(_RowFilterSampler):
    """Drop the rows that have missing values (an imbalanced-learn sampler).

    A transformer may not drop rows, so this is a sampler: use it as its own
    top-level step of an :class:`imblearn.pipeline.Pipeline` (imbalanced-learn
    does not resample inside nested pipelines). It then drops rows at ``fit``
    only; ``predict`` sees every row, so fill the missing values of new rows
    with a later :class:`MissingValueImputer` (or use a model that accepts
    them).

    Parameters
    ----------
    subset : str or list of str, default=None
        Only look for missing values in these columns (``None``: all columns;
        for a NumPy array the columns are named ``"x0"``, ``"x1"``, ...).
    how : {"any", "all"}, default="any"
        Drop a row when any (or all) of those columns are missing.

    Attributes
    ----------
    {rows_kept}

    See Also
    --------
    MissingValueImputer : Fills missing values instead, keeping the rows.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sksynth.preprocessing import MissingRowDropper
    >>> X = pd.DataFrame({"a": [1.0, np.nan, 3.0, 4.0], "b": ["x", "y", None, "z"]})
    >>> y = [0, 1, 0, 1]
    >>> X_res, y_res = MissingRowDropper().fit_resample(X, y)
    >>> X_res.index.tolist(), y_res
    ([0, 3], [0, 1])
    >>> MissingRowDropper(subset="a").fit_resample(X, y)[0].index.tolist()
    [0, 2, 3]
    """

    _parameter_constraints: dict = {
        "subset": [str, list, tuple, None],
        "how": [StrOptions({"any", "all"})],
    }

    def __init__(self, *, subset=None, how="any"):
        self.subset = subset
        self.how = how

    def _keep_mask(self, frame, y):
        columns = self._subset_columns(frame, self.subset)
        missing = frame[columns].isna()
        drop = missing.any(axis=1) if self.how == "any" else missing.all(axis=1)
        return ~drop.to_numpy()
