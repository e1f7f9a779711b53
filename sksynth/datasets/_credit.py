"""Loader for the bundled credit scoring table."""

from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = ["load_credit"]

_CATEGORICAL = {
    "Status": ["bad", "good"],
    "Home": ["ignore", "other", "owner", "parents", "priv", "rent"],
    "Marital": ["divorced", "married", "separated", "single", "widow"],
    "Records": ["no", "yes"],
    "Job": ["fixed", "freelance", "others", "partime"],
}
_INTEGER_WITH_MISSING = ["Income", "Assets", "Debt"]
TARGET = "Status"


def _read_descr() -> str:
    return (
        resources.files("sksynth.datasets")
        .joinpath("descr", "credit_data.rst")
        .read_text(encoding="utf-8")
    )


def load_credit(*, return_X_y: bool = False, as_frame: bool = True):
    """Load the credit scoring dataset (classification, mixed types, missing values).

    =================   ==============================
    Samples                                       4454
    Features             13 (9 numeric, 4 categorical)
    Target               ``Status``: good (3200) / bad (1254)
    Missing values       Home, Marital, Job, Income, Assets, Debt
    =================   ==============================

    Categorical columns come as pandas ``category`` with a fixed list of
    categories; integer columns with missing values (``Income``, ``Assets``,
    ``Debt``) come as ``float64`` holding whole numbers, as pandas stores them.
    Everything is read from a file shipped with sksynth: no network access.

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(X, y)`` instead of one DataFrame.
    as_frame : bool, default=True
        Kept for symmetry with scikit-learn's loaders; only ``True`` is supported
        because the table mixes types.

    Returns
    -------
    data : pandas.DataFrame of shape (4454, 14)
        The whole table, target included (when ``return_X_y=False``).
    (X, y) : tuple of pandas.DataFrame of shape (4454, 13) and pandas.Series
        The features and the ``Status`` target (when ``return_X_y=True``).

    Raises
    ------
    ValueError
        If ``as_frame=False``.

    Examples
    --------
    >>> from sksynth.datasets import load_credit
    >>> X, y = load_credit(return_X_y=True)
    >>> X.shape
    (4454, 13)
    >>> y.value_counts().to_dict()
    {'good': 3200, 'bad': 1254}
    """
    if not as_frame:
        raise ValueError(
            "as_frame=False is not supported: the credit table mixes numbers and "
            "categories, which a single NumPy array cannot hold faithfully."
        )
    path = resources.files("sksynth.datasets").joinpath("data", "credit_data.csv.gz")
    with resources.as_file(path) as file:
        frame = pd.read_csv(file, compression="gzip")
    for col, categories in _CATEGORICAL.items():
        frame[col] = pd.Categorical(frame[col], categories=categories)
    for col in _INTEGER_WITH_MISSING:
        frame[col] = frame[col].astype("float64")
    frame.attrs["DESCR"] = _read_descr()
    frame.attrs["target"] = TARGET
    if return_X_y:
        X = frame.drop(columns=TARGET)
        y = frame[TARGET]
        return X, y
    return frame
