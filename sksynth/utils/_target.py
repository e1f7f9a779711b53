"""The target column of a table: split it off, tell a class label from a number."""

from __future__ import annotations

import pandas as pd
from sklearn.utils.multiclass import type_of_target

__all__ = ["is_classification", "split_target"]


def split_target(frame: pd.DataFrame, y, *, name: str = "y", table: str = "X"):
    """Split the target off a table when ``y`` names one of its columns.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    y : str, array-like or None
        A column name of ``frame`` (that column is the target), or the labels
        themselves, or ``None``.
    name : str, default="y"
        How the target is named in error messages (a parameter or an option).
    table : str, default="X"
        How the table is named in error messages.

    Returns
    -------
    X : pandas.DataFrame
        ``frame`` without the target column (``frame`` itself when ``y`` is
        not a column name); the caller's table is not modified.
    y : pandas.Series, array-like or None
        The target column, or ``y`` as given.
    column : str or None
        The target's column name when ``y`` named one, else ``None``.

    Raises
    ------
    ValueError
        If ``y`` is a string that is not a column of ``frame``.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.utils import split_target
    >>> X, y, column = split_target(pd.DataFrame({"a": [1, 2], "churn": ["y", "n"]}), "churn")
    >>> list(X.columns), y.tolist(), column
    (['a'], ['y', 'n'], 'churn')
    """
    if not isinstance(y, str):
        return frame, y, None
    if y not in frame.columns:
        names = [str(c) for c in frame.columns]
        shown = ", ".join(names[:20]) + (f", ... ({len(names)} in all)" if len(names) > 20 else "")
        raise ValueError(
            f"{name}={y!r} is not a column of {table}; pass the labels or one of its "
            f"columns: {shown}."
        )
    return frame.drop(columns=y), frame[y], y


def is_classification(y) -> bool:
    """Whether a target holds class labels (binary or multiclass), not numbers to predict.

    Categorical and boolean columns are always class labels; other targets
    follow :func:`sklearn.utils.multiclass.type_of_target`.

    Parameters
    ----------
    y : pandas.Series or array-like of shape (n_samples,)
        The target.

    Returns
    -------
    classification : bool

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.utils import is_classification
    >>> is_classification(pd.Series(["yes", "no", "yes"])), is_classification([0.5, 1.7, 2.2])
    (True, False)
    """
    dtype = getattr(y, "dtype", None)
    if isinstance(dtype, pd.CategoricalDtype) or (
        dtype is not None and pd.api.types.is_bool_dtype(dtype)
    ):
        return True
    values = y.to_numpy() if isinstance(y, pd.Series) else y
    try:
        kind = type_of_target(values)
    except ValueError:
        return False
    return kind in ("binary", "multiclass")
