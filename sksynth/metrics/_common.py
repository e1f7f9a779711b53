"""Validation and encodings shared by the synthetic-data metrics.

Every metric compares tables with the same columns. The helpers here check that
(naming the offending columns), decide the kind of every column once (from the
real table), and turn columns into the few numeric forms the metrics need:

- float arrays with ``NaN`` for numeric and datetime columns;
- integer codes over the union of the values of several tables for discrete
  columns (``-1`` for missing);
- a model frame for gradient boosting (numbers as floats, labels as a pandas
  ``category`` with the same categories in every table);
- a dense numeric matrix for distances (``_MixedTypeEncoder``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from sksynth.utils import check_dataframe, check_no_inf, infer_column_kinds

__all__ = [
    "NUMERIC_KINDS",
    "check_tables",
    "discrete_codes",
    "model_frames",
    "numeric_values",
]

#: Kinds whose values are ordered numbers (datetimes count as nanoseconds).
NUMERIC_KINDS = frozenset({"continuous", "integer", "datetime"})

# Kinds that may stand for each other between a real and a synthetic table: a
# generator may well return floats for an integer column.
_KIND_GROUP = {
    "continuous": "numeric",
    "integer": "numeric",
    "datetime": "datetime",
    "categorical": "categorical",
    "boolean": "boolean",
}


def _as_frame(X, name: str, min_rows: int) -> pd.DataFrame:
    frame = check_dataframe(X, name=name)
    check_no_inf(frame, name=name)
    if len(frame) < min_rows:
        raise ValueError(
            f"{name} has {len(frame)} row(s); at least {min_rows} are required to compare "
            "distributions."
        )
    return frame


def check_tables(
    real,
    others: Mapping[str, object],
    *,
    kinds: Mapping[str, str] | None = None,
    min_rows: int = 2,
    real_name: str = "real",
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame], dict[str, str]]:
    """Validate a real table and the tables compared with it.

    Parameters
    ----------
    real : array-like or pandas.DataFrame
        The reference table; column kinds are inferred from it.
    others : dict of str to array-like or pandas.DataFrame
        The other tables by the name used in error messages (e.g. ``"synthetic"``).
        They must have the same columns as ``real`` (in any order; they are
        returned in the order of ``real``) and compatible kinds.
    kinds : dict of str to str, default=None
        Kinds that replace the inferred ones, by column name.
    min_rows : int, default=2
        The fewest rows a table may have.
    real_name : str, default="real"
        The name of the reference table in error messages.

    Returns
    -------
    real : pandas.DataFrame
        A shallow copy of ``real``.
    others : dict of str to pandas.DataFrame
        Shallow copies with the columns in the order of ``real``.
    kinds : dict of str to str
        The kind of every column.

    Raises
    ------
    ValueError
        If a table is empty or has a single row, if the columns differ (the
        missing and unexpected columns are named) or if a column holds values of
        another kind in one table (the column and both kinds are named).
    """
    real = _as_frame(real, real_name, min_rows)
    checked = {}
    for name, table in others.items():
        frame = _as_frame(table, name, min_rows)
        missing = [c for c in real.columns if c not in frame.columns]
        extra = [c for c in frame.columns if c not in real.columns]
        if missing or extra:
            raise ValueError(
                f"The {name} table does not have the columns of the {real_name} table: "
                f"missing {missing}, unexpected {extra}."
            )
        checked[name] = frame[list(real.columns)]
    column_kinds = infer_column_kinds(real, overrides=kinds)
    for name, frame in checked.items():
        _check_kinds(real, frame, column_kinds, name, real_name)
    return real, checked, column_kinds


def _check_kinds(real, other, kinds, name, real_name) -> None:
    other_kinds = infer_column_kinds(other)
    bad = []
    for col, kind in kinds.items():
        if other[col].isna().all() or real[col].isna().all():
            continue  # an all-missing column says nothing about its kind
        if _KIND_GROUP[kind] != _KIND_GROUP[other_kinds[col]]:
            bad.append(f"{col!r} ({kind} in {real_name}, {other_kinds[col]} in {name})")
    if bad:
        raise ValueError(
            f"Columns of the {name} table hold values of another kind than in the "
            f"{real_name} table: {', '.join(bad)}. Convert them to the dtype of the "
            f"{real_name} column."
        )


def numeric_values(column: pd.Series) -> np.ndarray:
    """Return a numeric or datetime column as float64 with ``NaN`` for missing values.

    Parameters
    ----------
    column : pandas.Series
        A numeric, boolean or datetime column (datetimes become nanoseconds since
        the epoch, time-zone aware ones in UTC).

    Returns
    -------
    values : ndarray of shape (n_rows,)
    """
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        if getattr(column.dtype, "tz", None) is not None:
            column = column.dt.tz_convert("UTC").dt.tz_localize(None)
        stamps = column.to_numpy(dtype="datetime64[ns]")
        values = stamps.astype("int64").astype("float64")
        values[np.isnat(stamps)] = np.nan
        return values
    return pd.to_numeric(column, errors="raise").to_numpy(dtype="float64", na_value=np.nan)


def discrete_codes(*columns: pd.Series) -> tuple[list[np.ndarray], int]:
    """Code the values of several columns over the union of their values.

    Parameters
    ----------
    *columns : pandas.Series
        The same column taken from several tables.

    Returns
    -------
    codes : list of ndarray of int
        One array per column; equal values get equal codes, missing values ``-1``.
    n_codes : int
        The number of distinct non-missing values.
    """
    joined = pd.concat([c.astype(object) for c in columns], ignore_index=True)
    codes, uniques = pd.factorize(joined, use_na_sentinel=True)
    bounds = np.cumsum([0] + [len(c) for c in columns])
    return [codes[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)], len(uniques)


def model_frames(tables: list[pd.DataFrame], kinds: Mapping[str, str], *, max_categories=255):
    """Encode tables for scikit-learn's histogram gradient boosting.

    Numeric, boolean and datetime columns become float64 (``NaN`` when missing);
    categorical columns become a pandas ``category`` with the same categories in
    every table, so that ``categorical_features="from_dtype"`` treats them
    natively. A categorical column with more than ``max_categories`` values is
    given as its integer codes instead.

    Parameters
    ----------
    tables : list of pandas.DataFrame
        Tables with the same columns.
    kinds : dict of str to str
        The kind of every column.
    max_categories : int, default=255
        The most categories a column may have to be declared categorical.

    Returns
    -------
    frames : list of pandas.DataFrame
        The encoded tables, with the index of the inputs.
    """
    encoded = [{} for _ in tables]
    for col, kind in kinds.items():
        if kind == "categorical":
            codes, n_codes = discrete_codes(*(t[col] for t in tables))
            for out, code in zip(encoded, codes, strict=True):
                if n_codes <= max_categories:
                    out[col] = pd.Categorical.from_codes(code, categories=range(n_codes))
                else:
                    out[col] = np.where(code < 0, np.nan, code.astype("float64"))
        elif kind == "boolean":
            for out, table in zip(encoded, tables, strict=True):
                out[col] = _bool_values(table[col])
        else:
            for out, table in zip(encoded, tables, strict=True):
                out[col] = numeric_values(table[col])
    return [
        pd.DataFrame(out, index=table.index, columns=list(kinds))
        for out, table in zip(encoded, tables, strict=True)
    ]


def _bool_values(column: pd.Series) -> np.ndarray:
    values = column.astype(object)
    out = np.full(len(values), np.nan)
    present = values.notna().to_numpy()
    out[present] = values[present].astype(bool).to_numpy(dtype="float64")
    return out


class _MixedTypeEncoder(TransformerMixin, BaseEstimator):
    r"""Encode a mixed-type table as numbers for distances between rows.

    Numeric, boolean and datetime columns are min-max scaled with the range seen
    in ``fit`` (so a column contributes at most about 1 to a squared distance);
    a missing value is filled with 0 and flagged in an indicator column.
    Categorical columns are one-hot encoded over the categories seen in ``fit``
    (missing is a category of its own) and scaled by :math:`1/\sqrt{2}`, so that
    two different labels are at distance 1, like the two ends of a numeric range.
    An unknown label encodes as all zeros (distance :math:`1/\sqrt{2}` from any
    known label).

    Parameters
    ----------
    kinds : dict of str to str, default=None
        The kind of every column; inferred from the table given to ``fit`` when
        None.

    Attributes
    ----------
    kinds_ : dict of str to str
        The kind of every column.
    feature_names_in_ : ndarray of str
        The columns seen in ``fit``.
    ranges_ : dict of str to (float, float)
        Minimum and range of each numeric column.
    categories_ : dict of str to pandas.Index
        The known labels of each categorical column.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.metrics._common import _MixedTypeEncoder
    >>> X = pd.DataFrame({"x": [0.0, 5.0, None], "c": ["a", "b", "a"]})
    >>> _MixedTypeEncoder().fit_transform(X).shape
    (3, 5)
    """

    def __init__(self, *, kinds=None):
        self.kinds = kinds

    def fit(self, X, y=None):
        """Learn ranges and categories from ``X``.

        Parameters
        ----------
        X : pandas.DataFrame
            The reference table.
        y : None
            Ignored.

        Returns
        -------
        self : _MixedTypeEncoder
        """
        X = check_dataframe(X)
        kinds = dict(self.kinds) if self.kinds is not None else infer_column_kinds(X)
        self.kinds_ = {col: kinds[col] for col in X.columns}
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.ranges_, self.categories_ = {}, {}
        for col, kind in self.kinds_.items():
            if kind == "categorical":
                self.categories_[col] = pd.Index(pd.unique(X[col].dropna().astype(object)))
            else:
                values = self._numbers(X[col], kind)
                finite = values[np.isfinite(values)]
                low, high = (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
                self.ranges_[col] = (float(low), float(high - low) or 1.0)
        return self

    @staticmethod
    def _numbers(column, kind):
        return _bool_values(column) if kind == "boolean" else numeric_values(column)

    def transform(self, X):
        """Encode ``X`` with the ranges and categories learned in ``fit``.

        Parameters
        ----------
        X : pandas.DataFrame
            A table with the columns seen in ``fit``.

        Returns
        -------
        Xt : ndarray of shape (n_rows, n_features_out)
        """
        check_is_fitted(self)
        X = check_dataframe(X, allow_empty=True)
        blocks = []
        for col, kind in self.kinds_.items():
            if kind == "categorical":
                known = self.categories_[col]
                labels = X[col].astype(object)
                codes = known.get_indexer(labels)
                width = len(known) + 1  # the last slot flags a missing value
                codes = np.where(labels.isna().to_numpy(), width - 1, codes)
                block = np.zeros((len(X), width))
                rows = np.flatnonzero(codes >= 0)
                block[rows, codes[rows]] = 1.0 / np.sqrt(2.0)
                blocks.append(block)
            else:
                low, span = self.ranges_[col]
                values = (self._numbers(X[col], kind) - low) / span
                missing = np.isnan(values)
                blocks.append(np.column_stack([np.where(missing, 0.0, values), missing]))
        return np.hstack(blocks).astype("float64")
