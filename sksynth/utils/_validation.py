"""Input validation shared by sksynth's estimators and functions."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["check_dataframe", "check_no_inf", "check_same_columns"]


def check_dataframe(X, *, name: str = "X", allow_empty: bool = False) -> pd.DataFrame:
    """Return ``X`` as a DataFrame, without modifying the caller's object.

    A DataFrame is returned as a shallow copy (columns are never written in
    place); an array-like becomes a DataFrame with string column names
    ``"x0"``, ``"x1"``, ...; a sparse pandas column is densified.

    Parameters
    ----------
    X : array-like or pandas.DataFrame
        The table.
    name : str, default="X"
        The name used in error messages.
    allow_empty : bool, default=False
        Whether a table with no rows is accepted.

    Returns
    -------
    frame : pandas.DataFrame

    Raises
    ------
    ValueError
        If ``X`` has no rows (unless ``allow_empty``), no columns, is not
        two-dimensional, has duplicate column names or holds complex numbers.

    Examples
    --------
    >>> from sksynth.utils import check_dataframe
    >>> check_dataframe([[1, 2], [3, 4]]).columns.tolist()
    ['x0', 'x1']
    """
    if isinstance(X, pd.DataFrame):
        frame = X.copy(deep=False)
    elif isinstance(X, pd.Series):
        raise ValueError(
            f"{name} must be two-dimensional (a DataFrame or a 2-D array); got a "
            "Series. Use series.to_frame() for a single column."
        )
    else:
        array = np.asarray(X) if not hasattr(X, "toarray") else X.toarray()
        if array.ndim != 2:
            raise ValueError(
                f"{name} must be two-dimensional; got an array with {array.ndim} "
                f"dimension(s) and shape {array.shape}. Reshape your data either using "
                "array.reshape(-1, 1) if it has a single feature or array.reshape(1, -1) "
                "if it contains a single sample."
            )
        frame = pd.DataFrame(array, columns=[f"x{i}" for i in range(array.shape[1])])
    if frame.columns.duplicated().any():
        dup = frame.columns[frame.columns.duplicated()].unique().tolist()
        raise ValueError(f"{name} has duplicate column names: {dup}.")
    if frame.shape[1] == 0:
        raise ValueError(
            f"{name} has no columns: found array with 0 feature(s) (shape={frame.shape}) "
            "while a minimum of 1 is required."
        )
    if frame.shape[0] == 0 and not allow_empty:
        raise ValueError(f"{name} is empty (0 rows); at least one row is required.")
    complex_columns = [c for c in frame.columns if pd.api.types.is_complex_dtype(frame[c].dtype)]
    if complex_columns:
        raise ValueError(
            f"Complex data not supported: column(s) {complex_columns} of {name} hold complex "
            "numbers."
        )
    sparse = [c for c in frame.columns if isinstance(frame[c].dtype, pd.SparseDtype)]
    for col in sparse:
        frame[col] = frame[col].sparse.to_dense()
    return frame


def check_no_inf(X: pd.DataFrame, *, name: str = "X") -> None:
    """Raise if a numeric column of ``X`` holds an infinite value.

    Parameters
    ----------
    X : pandas.DataFrame
        The table.
    name : str, default="X"
        The name used in error messages.

    Raises
    ------
    ValueError
        Naming the first column that holds ``inf`` or ``-inf``.
    """
    for col in X.columns:
        if pd.api.types.is_numeric_dtype(X[col].dtype) and not pd.api.types.is_bool_dtype(
            X[col].dtype
        ):
            values = X[col].to_numpy(dtype="float64", na_value=np.nan)
            if np.isinf(values).any():
                n = int(np.isinf(values).sum())
                raise ValueError(
                    f"Column {col!r} of {name} contains {n} infinite value(s); "
                    "replace them with NaN or finite numbers first."
                )


def check_same_columns(X: pd.DataFrame, expected, *, name: str = "X") -> None:
    """Raise if ``X`` does not have exactly the ``expected`` columns, in order.

    Parameters
    ----------
    X : pandas.DataFrame
        The table.
    expected : sequence of str
        The column names seen during ``fit``.
    name : str, default="X"
        The name used in error messages.

    Raises
    ------
    ValueError
        Listing the missing, unexpected or reordered columns.
    """
    got = list(X.columns)
    expected = list(expected)
    if got == expected:
        return
    missing = [c for c in expected if c not in got]
    extra = [c for c in got if c not in expected]
    if missing or extra:
        raise ValueError(
            f"{name} has different columns from those seen during fit: "
            f"missing {missing}, unexpected {extra}."
        )
    raise ValueError(
        f"{name} has the columns seen during fit but in a different order: "
        f"expected {expected}, got {got}."
    )
