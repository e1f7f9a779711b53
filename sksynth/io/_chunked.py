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
from sklearn.utils.validation import check_is_fitted

from ..utils import check_dataframe
from ..utils._chunks import check_chunking, chunk_bounds, chunk_seed, require_pyarrow, write_parquet
from ..utils._random import to_seed

__all__ = ["ChunkedOutputMixin", "check_request", "chunk_frame", "label_column_of"]


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


class ChunkedOutputMixin:
    """Streamed output of a fitted generative sampler (needs ``sample`` and ``_sample_seed``).

    Chunk ``i`` is ``sample(size_i, random_state=chunk_seed(seed, i))``: the
    rows of :func:`~sksynth.io.sample_to_parquet_dask` for the same seed.
    """

    def iter_samples(
        self, n_samples, chunk_size=100_000, *, y=None, conditions=None, random_state=None
    ):
        """Generate ``n_samples`` rows in chunks of ``chunk_size``, one chunk at a time.

        Only one chunk is in memory at once, so tables larger than memory can
        be streamed to disk (see :meth:`to_parquet`). Chunk ``i`` is
        ``sample(size_i, random_state=seed_i)`` where ``seed_0`` is the base
        seed and the others are derived from it and ``i``
        (:func:`numpy.random.SeedSequence`): the same ``random_state`` and the
        same ``chunk_size`` give the same rows, in any process; another
        ``chunk_size`` gives other rows from the same model.

        Parameters
        ----------
        n_samples : int
            Total number of rows.
        chunk_size : int, default=100_000
            Rows per chunk (the last one may be smaller).
        y : label or array-like of shape (n_samples,), default=None
            As in :meth:`sample` (one label, or one per row: sliced per chunk).
        conditions : dict, default=None
            As in :meth:`sample`.
        random_state : int, RandomState instance or None, default=None
            Base seed; ``None`` takes one from the sampler's own sequence.

        Yields
        ------
        chunk : DataFrame or ndarray, or (X_chunk, y_chunk)
            What :meth:`sample` returns for the chunk's rows.

        Examples
        --------
        >>> import numpy as np
        >>> from sksynth.generators import VAESampler
        >>> X = np.random.default_rng(0).normal(size=(40, 2))
        >>> sampler = VAESampler(epochs=1, batch_size=20, hidden_dims=(8,), latent_dim=2,
        ...                      random_state=0).fit(X)
        >>> [chunk.shape[0] for chunk in sampler.iter_samples(10, chunk_size=4, random_state=0)]
        [4, 4, 2]
        """
        check_is_fitted(self, "encoder_")
        return self._chunks(n_samples, chunk_size, y, conditions, self._sample_seed(random_state))

    def to_parquet(
        self,
        path,
        n_samples,
        chunk_size=100_000,
        *,
        y=None,
        conditions=None,
        random_state=None,
        label_column=None,
    ):
        """Write ``n_samples`` generated rows to a Parquet file, chunk by chunk.

        The rows are those of :meth:`iter_samples` (same seeds), each chunk a
        row group; memory holds one chunk at a time. The file is written
        atomically: it appears complete or not at all. Needs ``pyarrow``
        (``pip install 'sksynth[io]'``).

        Parameters
        ----------
        path : str or path-like
            The destination file.
        n_samples : int
            Total number of rows.
        chunk_size : int, default=100_000
            Rows per chunk.
        y, conditions, random_state
            As in :meth:`iter_samples`.
        label_column : str, default=None
            For a sampler fitted with ``y``: the column holding each row's
            class (default: the name of the ``y`` Series it was fitted on,
            else ``"y"``).

        Returns
        -------
        path : pathlib.Path
            The file written.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> import numpy as np, pandas as pd
        >>> from sksynth.generators import VAESampler
        >>> X = pd.DataFrame({"a": np.random.default_rng(0).normal(size=40)})
        >>> sampler = VAESampler(epochs=1, batch_size=20, hidden_dims=(8,), latent_dim=2,
        ...                      random_state=0).fit(X)
        >>> path = sampler.to_parquet(pathlib.Path(tempfile.mkdtemp()) / "s.parquet", 25,
        ...                           chunk_size=10, random_state=0)
        >>> pd.read_parquet(path).shape
        (25, 1)
        """
        check_is_fitted(self, "encoder_")
        seed = self._sample_seed(random_state)
        require_pyarrow("to_parquet")
        chunks = self._chunks(n_samples, chunk_size, y, conditions, seed)
        probe = check_request(self, n_samples, y=y, conditions=conditions)
        if n_samples == 0:  # one empty chunk still gives the file its schema
            chunks = iter([probe])
        label = label_column_of(probe, label_column)
        write_parquet((chunk_frame(chunk, label) for chunk in chunks), path)
        return Path(path)

    def _chunks(self, n_samples, chunk_size, y, conditions, seed):
        """Check the request at once; return an iterator drawing the chunks as consumed."""
        n_samples, chunk_size = check_chunking(n_samples, chunk_size)
        seed = to_seed(seed)
        check_request(self, n_samples, y=y, conditions=conditions)
        per_row = y is not None and np.ndim(y) > 0
        labels = np.asarray(y).ravel() if per_row else None

        def chunks():
            for i, (start, stop) in enumerate(chunk_bounds(n_samples, chunk_size)):
                yield self.sample(
                    stop - start,
                    y=labels[start:stop] if per_row else y,
                    conditions=conditions,
                    random_state=chunk_seed(seed, i),
                )

        return chunks()

