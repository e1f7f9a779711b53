"""Shared machinery of the cleaning steps: table validation and the row-filter sampler.

Two families live in :mod:`sksynth.preprocessing`:

* row-preserving *transformers* (``fit``/``transform``) built on
  :class:`_TableTransformer`, which validates a table column by column so that
  pandas dtypes survive, remembers the columns seen during ``fit`` and returns
  pandas for pandas input and NumPy for NumPy input;
* row-dropping *samplers* (``fit_resample``) built on :class:`_RowFilterSampler`,
  an imbalanced-learn sampler whose subclasses only say which rows to keep.
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod

import numpy as np
import pandas as pd
from imblearn.base import BaseSampler
from imblearn.utils import check_sampling_strategy, check_target_type
from imblearn.utils._validation import ArraysTransformer
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import label_binarize
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_consistent_length, check_is_fitted
from sklearn_compat.base import _fit_context
from sklearn_compat.utils.validation import _check_feature_names, _check_n_features

from ..utils import (
    check_dataframe,
    check_no_inf,
    check_same_columns,
    infer_column_kinds,
)

__all__: list[str] = []

NUMERIC_KINDS = ("continuous", "integer")


def _reject_sparse(X, owner: str) -> None:
    if sparse.issparse(X):
        raise TypeError(
            f"{owner} does not accept a sparse matrix: cleaning works column by column "
            "on dense tables. Convert it first, e.g. with X.toarray()."
        )


def _pandas_output_requested(estimator) -> bool:
    """Whether ``set_output(transform="pandas")`` (or the global config) asks for pandas."""
    try:
        from sklearn.utils._set_output import _get_output_config
    except ImportError:  # pragma: no cover - very old or very new scikit-learn
        return False
    return _get_output_config("transform", estimator)["dense"] == "pandas"


def _accept_dense_tables(tags):
    """Declare the input every cleaning step takes: dense, strings, categories, missing values."""
    tags.input_tags.allow_nan = True
    tags.input_tags.string = True
    tags.input_tags.categorical = True
    tags.input_tags.sparse = False
    return tags


def check_all_missing(frame: pd.DataFrame, *, owner: str, name: str = "X") -> None:
    """Raise a ValueError naming the columns of ``frame`` that hold no value at all."""
    empty = frame.columns[frame.isna().all(axis=0).to_numpy()].tolist()
    if empty:
        raise ValueError(
            f"{owner}: column(s) {empty} of {name} contain only missing values, so nothing "
            "can be learned from them. Drop them first (for example with "
            "HighMissingColumnDropper) or fill them yourself."
        )


class _TableTransformer(TransformerMixin, BaseEstimator, metaclass=ABCMeta):
    """Base of the row-preserving cleaning transformers.

    ``fit``, ``fit_transform``, ``transform`` and ``get_feature_names_out``
    live here: they validate the table (column by column, so pandas dtypes
    survive), then call the subclass's hooks on a DataFrame: ``_fit(frame)``
    and ``_transform(frame)``, and ``_names_out(names)`` when the output
    columns differ from the input ones. Output is pandas for pandas input (or
    when ``set_output`` asks for it) and NumPy otherwise.
    """

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn from the table what ``transform`` will do.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The table.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted step.
        """
        self._fit(self._validate_table(X, reset=True))
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Fit to the table and return it transformed, as ``fit(X).transform(X)`` would.

        It takes the parameters of :meth:`fit` and returns what :meth:`transform`
        returns, validating the table once.
        """
        return self._wrap_output(self._fit_transform(self._validate_table(X, reset=True)), X)

    def transform(self, X):
        """Apply to a table what was learned at fit.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The table, with the columns seen during fit.

        Returns
        -------
        X_out : {ndarray, DataFrame} of shape (n_samples, n_features_out)
            The transformed table (a DataFrame for DataFrame input).
        """
        check_is_fitted(self)
        return self._wrap_output(self._transform(self._validate_table(X, reset=False)), X)

    def get_feature_names_out(self, input_features=None):
        """Return the output column names.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Input column names; must match those seen during fit.

        Returns
        -------
        feature_names_out : ndarray of str objects
            The column names of the transformed table.
        """
        return self._names_out(self._feature_names_in(input_features))

    @abstractmethod
    def _fit(self, frame: pd.DataFrame) -> None:
        """Learn the step's state from a validated table (each step's own rule)."""

    @abstractmethod
    def _transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Return the transformed table as a new DataFrame (each step's own rule)."""

    def _fit_transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Fit, then transform the same table (a step may do both in one pass)."""
        self._fit(frame)
        return self._transform(frame)

    def _names_out(self, names: np.ndarray) -> np.ndarray:
        """Map the validated input names to the output names (the same by default)."""
        return names

    def _validate_table(self, X, *, reset: bool) -> pd.DataFrame:
        owner = type(self).__name__
        _reject_sparse(X, owner)
        frame = check_dataframe(X, name="X")
        _check_feature_names(self, X, reset=reset)
        _check_n_features(self, X, reset=reset)
        if reset:
            self._columns_in_ = list(frame.columns)
        else:
            if not isinstance(X, pd.DataFrame):
                frame.columns = self._columns_in_
            check_same_columns(frame, self._columns_in_, name="X")
        check_no_inf(frame, name="X")
        return frame

    def _resolve_kinds(self, frame: pd.DataFrame) -> dict:
        return infer_column_kinds(frame, overrides=getattr(self, "kinds", None))

    def _wrap_output(self, frame: pd.DataFrame, X):
        if isinstance(X, pd.DataFrame) or _pandas_output_requested(self):
            return frame
        dtypes = frame.dtypes
        numeric = [pd.api.types.is_numeric_dtype(d) for d in dtypes]
        has_bool = any(pd.api.types.is_bool_dtype(d) for d in dtypes)
        if all(numeric) and has_bool and len(set(map(str, dtypes))) > 1:
            return frame.to_numpy(dtype="float64", na_value=np.nan)  # indicators next to numbers
        return frame.to_numpy()

    def _feature_names_in(self, input_features):
        """Validate ``input_features`` against the columns seen during fit."""
        check_is_fitted(self)
        names = np.asarray([str(c) for c in self._columns_in_], dtype=object)
        if input_features is None:
            return names
        input_features = np.asarray(input_features, dtype=object)
        if len(input_features) != len(names):
            raise ValueError(
                f"input_features should have length equal to number of features "
                f"({len(names)}), got {len(input_features)}"
            )
        if hasattr(self, "feature_names_in_") and not np.array_equal(
            input_features, self.feature_names_in_
        ):
            raise ValueError("input_features is not equal to feature_names_in_")
        return input_features

    def __sklearn_tags__(self):
        tags = _accept_dense_tables(super().__sklearn_tags__())
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


class _RowFilterSampler(BaseSampler):
    """Base of the row-dropping cleaning samplers.

    A subclass writes ``_keep_mask(frame, y)``, returning a boolean array with
    one entry per row (``True`` keeps the row). The base validates the input
    *without* converting it to numbers, so mixed-type DataFrames, strings and
    missing values pass through untouched; it returns the kept rows in the
    caller's container (DataFrame rows keep their index labels) and records
    their positions in ``sample_indices_``.

    Like every imbalanced-learn sampler it needs a classification target with
    at least two classes, and in an imbalanced-learn ``Pipeline`` it runs at
    ``fit`` time only: ``predict`` never drops rows.
    """

    _sampling_type = "bypass"

    def __init__(self):  # pragma: no cover - subclasses define their own
        pass

    def _check_inputs(self, X, y):
        _reject_sparse(X, type(self).__name__)
        y_checked, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        frame = check_dataframe(X, name="X")
        _check_feature_names(self, X, reset=True)
        _check_n_features(self, X, reset=True)
        check_consistent_length(frame, y_checked)
        container = X if isinstance(X, pd.DataFrame) else np.asarray(X)
        return container, frame, y_checked, binarize_y

    def fit(self, X, y):
        """Check the input; use :meth:`fit_resample` to drop rows.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The table.
        y : array-like of shape (n_samples,)
            The classification target.

        Returns
        -------
        self : object
            The sampler.
        """
        self._validate_params()
        check_classification_targets(y)
        _, frame, y_checked, _ = self._check_inputs(X, y)
        self.sampling_strategy_ = check_sampling_strategy("auto", y_checked, self._sampling_type)
        self._check_frame(frame)
        return self

    def fit_resample(self, X, y):
        """Drop the rows this step targets; return the rest in the caller's container.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The table; strings, categories and missing values are accepted.
        y : array-like of shape (n_samples,)
            The classification target.

        Returns
        -------
        X_resampled : {ndarray, DataFrame} of shape (n_kept, n_features)
            The kept rows (DataFrame rows keep their index labels and dtypes).
        y_resampled : {ndarray, Series} of shape (n_kept,)
            The matching targets.
        """
        self._validate_params()
        check_classification_targets(y)
        arrays_transformer = ArraysTransformer(X, y)
        container, frame, y_checked, binarize_y = self._check_inputs(X, y)
        self.sampling_strategy_ = check_sampling_strategy("auto", y_checked, self._sampling_type)
        self._check_frame(frame)
        X_res, y_res = self._fit_resample(container, y_checked, frame=frame)
        if binarize_y:
            y_res = label_binarize(y_res, classes=np.unique(y_checked))
        return arrays_transformer.transform(X_res, y_res)

    def _check_frame(self, frame: pd.DataFrame) -> None:
        """Validate the table beyond its shape (subclasses may extend)."""

    def _fit_resample(self, X, y, frame=None):
        if frame is None:
            frame = check_dataframe(X, name="X")
        keep = np.asarray(self._keep_mask(frame, y), dtype=bool)
        if not keep.any():
            raise ValueError(
                f"{type(self).__name__} would drop all {len(keep)} rows; nothing would be "
                "left to learn from. Check its parameters."
            )
        self.sample_indices_ = np.flatnonzero(keep)
        X_res = X.iloc[self.sample_indices_] if isinstance(X, pd.DataFrame) else X[keep]
        return X_res, y[keep]

    @abstractmethod
    def _keep_mask(self, frame: pd.DataFrame, y) -> np.ndarray:
        """Return a boolean array: True for the rows to keep (each sampler's own rule)."""

    def _subset_columns(self, frame: pd.DataFrame, subset, param: str = "subset") -> list:
        """Resolve a ``subset`` parameter (one name or a list of names) to columns."""
        if subset is None:
            return list(frame.columns)
        names = [subset] if isinstance(subset, str | int) else list(subset)
        missing = [c for c in names if c not in frame.columns]
        if missing:
            raise ValueError(
                f"{param} names column(s) {missing} that X lacks; columns are "
                f"{list(frame.columns)}."
            )
        if not names:
            raise ValueError(f"{param} is empty; give at least one column or None.")
        return names

    def __sklearn_tags__(self):
        tags = _accept_dense_tables(super().__sklearn_tags__())
        tags.sampler_tags.sample_indices = True
        return tags
