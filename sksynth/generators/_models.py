"""Training and generation of the samplers' nets: one per class, or one conditional net.

Plain functions of explicit inputs (encoded rows, spans, nets, the condition
layout); :class:`~sksynth.generators.BaseGenerativeSampler` decides which to
call and keeps the fitted results. The conditional vector itself (slots,
counts, draws) belongs to :class:`sksynth.nn.ConditionLayout`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from ..encoding import Span
from ..nn import ConditionLayout, TrainingData
from ..utils._random import SEED_BOUND
from ._checks import check_class_rows

__all__ = [
    "append_rows",
    "resample_labels",
    "train_per_class",
    "LABEL_COLUMN",
    "check_conditions",
    "constant_like",
    "check_sample_labels",
    "condition_layout",
    "generate_conditional",
    "generate_per_class",
    "resolve_condition_columns",
    "train_net",
]

#: Name of the class label's block in a conditional vector.
LABEL_COLUMN = "<label>"


# ------------------------------------------------------------------ training
def resolve_condition_columns(wanted, discrete):
    """Set of condition columns from a sampler's ``condition_columns``.

    Parameters
    ----------
    wanted : "all", str, list of str or None
        The parameter's value.
    discrete : list of str
        The discrete columns of the encoded table.

    Returns
    -------
    columns : set of str
    """
    if isinstance(wanted, str) and wanted == "all":
        return set(discrete)
    if wanted is None:
        return set()
    wanted = [wanted] if isinstance(wanted, str) else list(wanted)
    unknown = [c for c in wanted if c not in discrete]
    if unknown:
        raise ValueError(
            f"condition_columns {unknown} are not discrete columns of X; valid ones are "
            f"{discrete}."
        )
    return set(wanted)


def condition_layout(Z, spans, columns, classes=None, label_codes=None):
    """Append the label block to the encoded rows and build the condition layout.

    Parameters
    ----------
    Z : ndarray of shape (n_rows, n_encoded)
        Encoded rows.
    spans : list of Span
        Their layout.
    columns : set of str
        The condition columns.
    classes, label_codes : ndarray, default=None
        The class labels and each row's label index (fitted with ``y``).

    Returns
    -------
    Z, spans : the rows and spans, with the label block last when labelled
    layout : ConditionLayout or None
        ``None`` when there is nothing to condition on.
    codes : ndarray or None
        Category index of every row in each condition column.
    """
    spans = list(spans)
    chosen = [s for s in spans if s.kind == "discrete" and s.column in columns]
    if label_codes is not None:
        label = Span(
            LABEL_COLUMN, "discrete", Z.shape[1], Z.shape[1] + len(classes), "softmax",
            tuple(classes),
        )
        onehot = np.zeros((Z.shape[0], len(classes)), dtype=np.float32)
        onehot[np.arange(Z.shape[0]), label_codes] = 1.0
        Z = np.hstack([Z, onehot])
        spans.append(label)
        chosen.append(label)
    if not chosen:
        return Z, spans, None, None
    always = LABEL_COLUMN if label_codes is not None else None
    layout, codes = ConditionLayout.from_encoded(Z, chosen, always=always)
    return Z, spans, layout, codes


def train_net(net, Z, codes=None, condition=None, *, sampling="log-frequency"):
    """Fit ``net`` on the encoded rows ``Z`` (with their condition codes); return it."""
    data = TrainingData(
        torch.from_numpy(np.ascontiguousarray(Z, dtype=np.float32)),
        None if codes is None else torch.from_numpy(codes),
        condition,
        sampling=sampling,
    )
    net.fit(data)
    return net


# ---------------------------------------------------------------- sampling
def train_per_class(train, Z, y_codes, classes, labels, *, minimum, owner):
    """Train one net per class of ``labels``; return ``{label: net}``.

    ``classes`` are the sorted classes ``y_codes`` index; ``train(Z, name)``
    trains a net on the rows of one class. A class of fewer than ``minimum``
    rows is refused (naming the sampler ``owner``).
    """
    nets = {}
    for label in labels:
        index = int(np.searchsorted(classes, label))
        rows = y_codes == index
        check_class_rows(label, int(rows.sum()), minimum, owner)
        nets[label] = train(Z[rows], f"class-{index}")
    return nets


def resample_labels(targets, dtype):
    """Labels of the rows to generate: ``n`` rows of class ``c`` for each ``{c: n}``."""
    return np.concatenate(
        [np.full(n, c, dtype=dtype) for c, n in targets.items()] or [np.zeros(0, dtype=dtype)]
    )


def append_rows(X, new):
    """Return the rows of ``X`` (re-indexed), then the generated ``new``, in the dtypes of ``X``."""
    X_res = pd.concat([X, new], ignore_index=True) if len(new) else X.reset_index(drop=True)
    return X_res.astype(X.dtypes.to_dict())


def check_sample_labels(y, n_samples, *, classes, trained, owner):
    """Return the labels asked of ``sample`` as an array of ``n_samples``, or None.

    Parameters
    ----------
    y : label, array-like or None
        What the user asked for.
    n_samples : int
        Number of rows.
    classes : ndarray or None
        The classes seen in fit (``None``: fitted without ``y``).
    trained : collection or None
        The classes that have a model (per-class samplers), ``None``: all.
    owner : str
        The sampler's name, for the messages.
    """
    if y is None:
        return None
    if classes is None:
        raise ValueError(
            f"y={y!r} asks for rows of a class, but this {owner} was fitted "
            "without y; fit it with fit(X, y) first."
        )
    values = np.asarray(y)
    one = values.ndim == 0  # checked as itself, even for zero rows
    values = values.reshape(1) if one else values.ravel()
    if not one and len(values) != n_samples:
        raise ValueError(
            f"y must be one label or one label per row ({n_samples}); got {len(values)}."
        )
    known = np.isin(values, classes)
    if not known.all():
        bad = pd.unique(values[~known])[:5].tolist()
        raise ValueError(f"Unknown class(es) {bad} in y; the classes are {list(classes)}.")
    if trained is not None and not np.isin(values, list(trained)).all():
        missing = sorted(set(values.tolist()) - set(trained), key=str)
        raise ValueError(
            f"No model was trained for class(es) {missing} (fit_resample only trains the "
            "classes it over-samples); fit the sampler with fit(X, y) to sample them."
        )
    values = np.repeat(values, n_samples) if one else values
    return values.astype(classes.dtype, copy=False)


def check_conditions(conditions, n_samples, *, layout, columns, conditional, owner):
    """Return ``{"n", "slots", "values"}`` for the ``conditions`` asked of ``sample``.

    Parameters
    ----------
    conditions : dict or None
        ``{column: value}``.
    n_samples : int
        Number of rows.
    layout : ConditionLayout or None
        The fitted condition layout.
    columns : list of str
        The training columns.
    conditional : bool
        Whether the sampler is conditional.
    owner : str
        The sampler's name, for the messages.
    """
    if conditions is None or (isinstance(conditions, dict) and not conditions):
        return {"n": n_samples}
    if not isinstance(conditions, dict):
        raise TypeError(
            f"conditions must be a dict {{column: value}}; got {type(conditions).__name__}."
        )
    if not conditional:
        raise ValueError(
            f"{owner} is unconditional and cannot fix column values; use "
            "ConditionalGANSampler or ConditionalVAESampler to sample with conditions."
        )
    unknown = [c for c in conditions if c not in columns]
    if unknown:
        valid = [c for c in layout.columns if c != LABEL_COLUMN] if layout is not None else []
        raise ValueError(
            f"Unknown condition column(s) {unknown}: not columns of the training table. "
            f"Valid condition columns are {valid}."
        )
    if layout is None:
        raise ValueError(
            "This sampler has no condition column (no discrete column was given as a "
            "condition during fit); conditions cannot be used."
        )
    return {"n": n_samples, "slots": layout.slots_for(conditions), "values": dict(conditions)}


def generate_per_class(nets, labels, rng, decode, n_encoded):
    """Rows of the classes ``labels`` (one per entry), each from its class's net.

    ``decode(Z, rng)`` turns encoded rows into a table; ``n_encoded`` is the
    width of an empty encoded batch.
    """
    frames, index = [], []
    for label in np.unique(labels) if len(labels) else []:
        rows = np.flatnonzero(labels == label)
        Z = nets[label].sample(len(rows), generator=int(rng.integers(SEED_BOUND)))
        frames.append(decode(Z, rng))
        index.append(rows)
    if not frames:
        return decode(np.zeros((0, n_encoded), np.float32), rng)
    out = pd.concat(frames, ignore_index=True)
    order = np.argsort(np.concatenate(index), kind="stable")
    return out.iloc[order].reset_index(drop=True)


def generate_conditional(net, layout, n_rows, rng, decode, *, label_codes=None, conditions=None):
    """Rows from a conditional net; return them and their label codes (or None).

    Parameters
    ----------
    net : skorch net
        The trained conditional net.
    layout : ConditionLayout or None
        Its condition layout.
    n_rows : int
        Number of rows.
    rng : numpy.random.Generator
        Source of the draws.
    decode : callable
        ``decode(Z, rng, values)`` turns encoded rows into a table whose
        ``values`` (the ``{column: value}`` conditions) are fixed.
    label_codes : ndarray, default=None
        Each row's label index, when asked for.
    conditions : dict, default=None
        The output of :func:`check_conditions`.
    """
    conditions = conditions or {}
    if layout is None:
        cond = None
    else:
        cond, label_codes = layout.sampling_vectors(
            n_rows, rng, label_codes=label_codes, fixed_slots=conditions.get("slots", ())
        )
    Z = net.sample(n_rows, cond, generator=int(rng.integers(SEED_BOUND)))
    frame = decode(Z, rng, conditions.get("values"))
    for column, value in conditions.get("values", {}).items():
        frame[column] = constant_like(frame[column], value)
    return frame, label_codes


def constant_like(column, value):
    """Return a column of ``value`` in the dtype of ``column`` (as near as it holds)."""
    values = pd.Series([value] * len(column), index=column.index)
    try:
        return values.astype(column.dtype)
    except (TypeError, ValueError):
        return values
