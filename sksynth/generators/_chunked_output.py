"""Chunked output of the generative samplers: ``iter_samples`` and ``to_parquet``.

The rows of a chunk are those :meth:`sample` gives for the chunk's seed; the
chunk plan, the seeds and the Parquet writing live in :mod:`sksynth.io`.
"""

from __future__ import annotations

from sklearn.utils.validation import check_is_fitted

from ..io._chunked import iter_sample_chunks, write_samples

__all__ = ["ChunkedOutputMixin"]


class ChunkedOutputMixin:
    """Streamed output of a fitted generative sampler (needs ``sample`` and ``_sample_seed``)."""

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
        return iter_sample_chunks(
            self,
            n_samples,
            chunk_size,
            y=y,
            conditions=conditions,
            random_state=self._sample_seed(random_state),
        )

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
        return write_samples(
            self,
            path,
            n_samples,
            chunk_size,
            y=y,
            conditions=conditions,
            random_state=self._sample_seed(random_state),
            label_column=label_column,
        )

