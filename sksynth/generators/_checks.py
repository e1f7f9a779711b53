"""Checks of the generators' parameters and inputs, and the memory of the input containers.

What a sampler was given decides what it gives back: a DataFrame gives
DataFrames, an array gives arrays of its dtype, a sparse matrix gives the same
sparse format, a ``y`` Series gives Series with its name and dtype. The
container is remembered at fit time as plain data (so that it is saved with
the model) and applied to the output here.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
import torch
from scipy import sparse
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d
from sklearn_compat.utils.validation import validate_data

from ..utils import check_dataframe, check_no_inf

__all__ = [
    "check_callbacks",
    "check_class_rows",
    "check_device",
    "check_fit_input",
    "check_fit_frame",
    "check_hidden_dims",
    "check_labels",
    "check_n_samples",
    "check_widths_or",
    "check_y_finite",
    "output_X",
    "output_y",
    "remember_container",
    "remember_y",
    "resolve_device",
    "to_container",
]


# ------------------------------------------------------------------ parameters
def check_hidden_dims(hidden_dims, name="hidden_dims"):
    """Return ``hidden_dims`` as a tuple of positive ints, or raise naming ``name``."""
    dims = tuple(hidden_dims)
    if not dims or not all(
        isinstance(d, numbers.Integral) and not isinstance(d, bool) and d > 0 for d in dims
    ):
        raise ValueError(
            f"{name} must be a non-empty tuple of positive integers (layer widths); "
            f"got {hidden_dims!r}."
        )
    return tuple(int(d) for d in dims)


def check_widths_or(default, widths, name):
    """``widths`` checked as layer widths, or ``default`` (already checked) when None."""
    return default if widths is None else check_hidden_dims(widths, name)


def check_device(device):
    """Return ``device`` as a torch device string, or raise if this machine lacks it."""
    name = str(device)
    try:
        parsed = torch.device(name)
    except RuntimeError:  # not a device string at all ("gpu", "cuda:x", ...)
        parsed = None
    if parsed is None or parsed.type not in ("cpu", "cuda", "mps") or (
        parsed.type != "cuda" and parsed.index is not None
    ):
        raise ValueError(f"device must be 'cpu', 'cuda', 'cuda:N' or 'mps'; got {device!r}.")
    if parsed.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device={device!r} was asked but PyTorch sees no CUDA GPU on this machine; "
                "use device='cpu'."
            )
        if parsed.index is not None and parsed.index >= torch.cuda.device_count():
            raise ValueError(
                f"device={device!r}: this machine has {torch.cuda.device_count()} CUDA GPU(s), "
                "numbered from 0."
            )
    if parsed.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError(
            "device='mps' was asked but PyTorch sees no Apple-silicon GPU (MPS) on this "
            "machine; use device='cpu'."
        )
    return name


def resolve_device(saved, device):
    """Device of a loaded model: ``device`` if given, else ``saved`` when available here."""
    if device is not None:
        return check_device(device)
    if str(saved).startswith("cuda") and not torch.cuda.is_available():
        return "cpu"
    if str(saved) == "mps" and not torch.backends.mps.is_available():
        return "cpu"
    return str(saved)


def check_callbacks(callbacks):
    """Return ``callbacks`` as ``[(name, callback)]``; refuse validation monitors."""
    if callbacks is None:
        return []
    items = list(callbacks.items()) if isinstance(callbacks, dict) else list(callbacks)
    named = []
    for i, item in enumerate(items):
        name, cb = item if isinstance(item, tuple) else (f"callback_{i}", item)
        monitor = getattr(cb, "monitor", None)
        if isinstance(monitor, str) and monitor.startswith("valid_"):
            raise ValueError(
                f"Callback {name!r} monitors {monitor!r}, but generative nets train without "
                "a validation split (train_split=None); monitor 'train_loss' instead."
            )
        named.append((name, cb))
    return named


def check_n_samples(n_samples):
    """Return ``n_samples`` as an int, or raise if it is not a non-negative integer."""
    if not isinstance(n_samples, numbers.Integral) or isinstance(n_samples, bool) or (
        n_samples < 0
    ):
        raise ValueError(f"n_samples must be a non-negative integer; got {n_samples!r}.")
    return int(n_samples)


# ---------------------------------------------------------------------- inputs
def check_fit_frame(X, owner):
    """Return ``X`` as a DataFrame with at least 2 rows, 1 column and no infinity."""
    shape = getattr(X, "shape", None)
    if shape is not None and len(shape) == 2 and shape[1] == 0:
        raise ValueError(
            f"Found array with 0 feature(s) (shape={tuple(shape)}) while a minimum of 1 "
            "is required."
        )
    frame = check_dataframe(X)
    check_no_inf(frame)
    if frame.shape[0] < 2:
        raise ValueError(
            f"X has {frame.shape[0]} sample; {owner} needs at least 2 rows to learn from."
        )
    return frame


def check_fit_input(estimator, X, y=None):
    """Validate what ``estimator.fit`` was given; record ``n_features_in_`` on it.

    Returns the table as a DataFrame, the labels as a 1-d array (or None), and
    plain-data records of the containers of ``X`` and ``y`` (the latter None
    without labels), for :func:`output_X` and :func:`output_y`.
    """
    check_y_finite(y)
    container = remember_container(X)
    frame = check_fit_frame(X, type(estimator).__name__)
    if y is None:
        validate_data(estimator, X=X, reset=True, skip_check_array=True)
        return frame, None, container, None
    if isinstance(y, pd.DataFrame) and y.shape[1] == 1:
        y = y.iloc[:, 0]
    y_meta = remember_y(y)
    y = check_labels(y, frame.shape[0])
    validate_data(estimator, X=X, y=y, reset=True, skip_check_array=True)
    return frame, y, container, y_meta


def check_class_rows(label, n_rows, minimum, owner):
    """Raise if a class that gets a model of its own has fewer than ``minimum`` rows."""
    if n_rows < minimum:
        name = label.item() if isinstance(label, np.generic) else label
        raise ValueError(
            f"Class {name!r} has {int(n_rows)} row(s); {owner} trains one model per class "
            f"and needs at least {minimum} rows of a class to learn it. Leave the class out "
            "with sampling_strategy, or use a conditional sampler."
        )


def check_y_finite(y):
    """Raise if ``y`` holds a missing or infinite label."""
    if y is None:
        return
    values = np.asarray(y.to_numpy() if hasattr(y, "to_numpy") else y)
    if values.dtype.kind in "fc":
        if np.isnan(values).any():
            raise ValueError(
                f"y contains {int(np.isnan(values).sum())} NaN value(s); every row needs a "
                "class label."
            )
        if np.isinf(values).any():
            raise ValueError("y contains infinite values; every row needs a class label.")
    elif values.dtype == object and pd.isna(values).any():
        raise ValueError(
            f"y contains {int(pd.isna(values).sum())} missing value(s); every row needs a "
            "class label."
        )


def check_labels(y, n_rows):
    """Return class labels ``y`` as a 1-d array of ``n_rows`` classification targets."""
    y = column_or_1d(y, warn=True)
    check_classification_targets(y)
    if len(y) != n_rows:
        raise ValueError(f"X and y have different numbers of rows: {n_rows} and {len(y)}.")
    return y


# ------------------------------------------------------------------ containers
def remember_container(X):
    """Plain-data record of the container of ``X`` (for :func:`to_container`)."""
    if isinstance(X, pd.DataFrame):
        return ("dataframe", None)
    if sparse.issparse(X):
        return ("sparse", (X.format, X.dtype))
    if isinstance(X, np.ndarray):
        return ("ndarray", X.dtype)
    return ("ndarray", np.asarray(X).dtype)


def remember_y(y):
    """Plain-data record of the container of ``y``: kind, name and dtype."""
    if isinstance(y, pd.Series):
        return ("series", y.name, y.dtype)
    return ("ndarray", None, None)


def to_container(frame, container):
    """``frame`` in the remembered container (sparse stays sparse)."""
    kind, meta = container
    if kind == "dataframe":
        return frame
    if kind == "sparse":
        fmt, dtype = meta
        return sparse.csr_matrix(frame.to_numpy(dtype=dtype)).asformat(fmt)
    if meta is not None and meta != np.dtype(object):
        return frame.to_numpy(dtype=meta)
    return frame.to_numpy()


def output_X(frame, container):
    """Return generated rows in the remembered container (sparse input: a dense array)."""
    kind, _ = container
    if kind == "dataframe":
        return frame
    return to_container(frame, container) if kind != "sparse" else frame.to_numpy()


def output_y(y_new, y_meta, y_dtype):
    """Return generated labels in the training dtype, as a Series when ``y`` was one."""
    kind, name, dtype = y_meta
    y_new = np.asarray(y_new).astype(y_dtype, copy=False)
    if kind == "series":
        return pd.Series(y_new, name=name).astype(dtype)
    return y_new
