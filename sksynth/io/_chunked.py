"""Chunked output of a fitted generator: chunks with their own seeds, Parquet files.

Built on the samplers' public ``sample`` only: chunk ``i`` of a table drawn
from a base seed is ``sample(size_i, random_state=chunk_seed(seed, i))``, so
that a chunk can be drawn anywhere (another process, a Dask worker) and the
whole table is still reproducible.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..utils import check_dataframe
from ..utils._chunks import check_chunking, chunk_bounds, chunk_seed, require_pyarrow, write_parquet
from ..utils._random import to_seed

__all__ = ["chunk_frame", "check_request", "iter_sample_chunks", "label_column_of", "write_samples"]


def check_request(sampler, n_samples, *, y=None, conditions=None):
    """Check ``y`` and ``conditions`` before any chunk is drawn (zero-row samples).

    Parameters
    ----------
    sampler : BaseGenerativeSampler
        A fitted generator.
    n_samples : int
        Total number of rows.
    y : label or array-like of shape (n_samples,), default=None
        One label, or one per row.
    conditions : dict, default=None
        As in ``sample``.

    Returns
    -------
    probe : DataFrame or ndarray, or (X, y)
        What ``sample`` returns for zero rows (the output's schema).
    """
    if y is None or np.ndim(y) == 0:
        return sampler.sample(0, y=y, conditions=conditions, random_state=0)
    values = np.asarray(y).ravel()
    if len(values) != n_samples:
        raise ValueError(
            f"y must be one label or one label per row ({n_samples}); got {len(values)}."
        )
    probe = None
    for label in pd.unique(values):
        probe = sampler.sample(0, y=label, conditions=conditions, random_state=0)
    if probe is None:
        probe = sampler.sample(0, conditions=conditions, random_state=0)
    return probe


def iter_sample_chunks(
    sampler, n_samples, chunk_size=100_000, *, y=None, conditions=None, random_state=None
):
    """Draw ``n_samples`` rows from ``sampler`` in chunks of ``chunk_size``.

    The arguments are checked at once; the chunks are drawn one at a time
    as they are consumed. See
    :meth:`~sksynth.generators.BaseGenerativeSampler.iter_samples`, which
    calls this function.

    Parameters
    ----------
    sampler : BaseGenerativeSampler
        A fitted generator.
    n_samples : int
        Total number of rows.
    chunk_size : int, default=100_000
        Rows per chunk (the last one may be smaller).
    y : label or array-like of shape (n_samples,), default=None
        One label, or one per row (sliced per chunk).
    conditions : dict, default=None
        As in ``sample``.
    random_state : int, RandomState instance or None, default=None
        Base seed (``None``: a fresh one).

    Returns
    -------
    chunks : iterator
        What ``sample`` returns for each chunk's rows.

    Examples
    --------
    >>> import numpy as np
    >>> from sksynth.generators import VAESampler
    >>> from sksynth.io._chunked import iter_sample_chunks
    >>> X = np.random.default_rng(0).normal(size=(40, 2))
    >>> sampler = VAESampler(epochs=1, batch_size=20, hidden_dims=(8,), latent_dim=2,
    ...                      random_state=0).fit(X)
    >>> [len(c) for c in iter_sample_chunks(sampler, 10, chunk_size=4, random_state=0)]
    [4, 4, 2]
    """
    n_samples, chunk_size = check_chunking(n_samples, chunk_size)
    seed = to_seed(random_state)
    check_request(sampler, n_samples, y=y, conditions=conditions)
    per_row = y is not None and np.ndim(y) > 0
    labels = np.asarray(y).ravel() if per_row else None

    def chunks():
        for i, (start, stop) in enumerate(chunk_bounds(n_samples, chunk_size)):
            yield sampler.sample(
                stop - start,
                y=labels[start:stop] if per_row else y,
                conditions=conditions,
                random_state=chunk_seed(seed, i),
            )

    return chunks()


def label_column_of(probe, label_column=None):
    """Name of the class column of chunks like ``probe`` (``None``: no labels).

    Parameters
    ----------
    probe : DataFrame or ndarray, or (X, y)
        What the sampler's ``sample`` returns.
    label_column : str, default=None
        The name asked for; default: the name of the ``y`` Series the sampler
        was fitted on, else ``"y"``.

    Returns
    -------
    name : str or None
    """
    if not isinstance(probe, tuple):
        return None
    if label_column is not None:
        return str(label_column)
    name = getattr(probe[1], "name", None)
    return "y" if name is None else str(name)


def chunk_frame(chunk, label):
    """One chunk as a DataFrame with string column names, its labels in ``label``.

    Parameters
    ----------
    chunk : DataFrame or ndarray, or (X, y)
        What ``sample`` returned.
    label : str or None
        The class column's name (:func:`label_column_of`).

    Returns
    -------
    frame : DataFrame
    """
    X_new, y_new = chunk if isinstance(chunk, tuple) else (chunk, None)
    frame = check_dataframe(X_new, allow_empty=True)
    frame.columns = [str(c) for c in frame.columns]  # Parquet names are strings
    if label is not None:
        if label in frame.columns:
            raise ValueError(
                f"label_column={label!r} is already a column of the samples; give "
                "another label_column."
            )
        frame[label] = y_new.to_numpy() if isinstance(y_new, pd.Series) else y_new
    return frame


def write_samples(
    sampler,
    path,
    n_samples,
    chunk_size=100_000,
    *,
    y=None,
    conditions=None,
    random_state=None,
    label_column=None,
):
    """Write ``n_samples`` rows of ``sampler`` to one Parquet file, chunk by chunk.

    See :meth:`~sksynth.generators.BaseGenerativeSampler.to_parquet`, which
    calls this function; ``random_state=None`` here takes a fresh seed.

    Parameters
    ----------
    sampler : BaseGenerativeSampler
        A fitted generator.
    path : str or path-like
        The destination file (written atomically).
    n_samples : int
        Total number of rows.
    chunk_size : int, default=100_000
        Rows per chunk (one row group each).
    y, conditions, random_state
        As in :func:`iter_sample_chunks`.
    label_column : str, default=None
        As in :func:`label_column_of`.

    Returns
    -------
    path : pathlib.Path
        The file written.
    """
    require_pyarrow("to_parquet")
    chunks = iter_sample_chunks(
        sampler, n_samples, chunk_size, y=y, conditions=conditions, random_state=random_state
    )
    probe = check_request(sampler, n_samples, y=y, conditions=conditions)
    if n_samples == 0:  # one empty chunk still gives the file its schema
        chunks = iter([probe])
    label = label_column_of(probe, label_column)
    write_parquet((chunk_frame(chunk, label) for chunk in chunks), path)
    return Path(path)
