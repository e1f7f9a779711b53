"""Chunked generation: chunk bounds, per-chunk seeds and a Parquet chunk writer.

Big synthetic tables are generated chunk by chunk so that they never sit in
memory at once. Each chunk gets its own seed, derived from one base seed and
the chunk's number, so a chunk can be generated anywhere (another process, a
Dask worker) and the whole table is still reproducible.
"""

from __future__ import annotations

import numbers
from pathlib import Path

import numpy as np
import pandas as pd

from ._io import atomic_write

__all__ = ["check_chunking", "chunk_bounds", "chunk_seed", "require_pyarrow", "write_parquet"]


def check_chunking(n_samples, chunk_size):
    """Validate a number of rows and a chunk size; return them as ints.

    Parameters
    ----------
    n_samples : int
        Number of rows (>= 0).
    chunk_size : int
        Rows per chunk (>= 1).

    Returns
    -------
    n_samples, chunk_size : int
        The same numbers, as Python ints.

    Raises
    ------
    ValueError
        Naming the parameter, if one is not a whole number in its range.
    """
    for name, value, low in (("n_samples", n_samples, 0), ("chunk_size", chunk_size, 1)):
        if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < low:
            kind = "non-negative" if low == 0 else "positive"
            raise ValueError(f"{name} must be a {kind} integer; got {value!r}.")
    return int(n_samples), int(chunk_size)


def chunk_bounds(n_samples, chunk_size):
    """Return the ``(start, stop)`` rows of each chunk.

    Parameters
    ----------
    n_samples : int
        Number of rows.
    chunk_size : int
        Rows per chunk; the last chunk may be smaller.

    Returns
    -------
    bounds : list of (int, int)
        One pair per chunk, in order; empty when ``n_samples`` is 0.
    """
    n_samples, chunk_size = check_chunking(n_samples, chunk_size)
    return [
        (start, min(start + chunk_size, n_samples)) for start in range(0, n_samples, chunk_size)
    ]


def chunk_seed(seed, index):
    """Seed of chunk ``index`` of a table generated from ``seed``.

    Chunk 0 uses ``seed`` itself (so a single chunk is exactly
    ``sample(n, random_state=seed)``); the others get independent seeds from
    :class:`numpy.random.SeedSequence` of ``(seed, index)``.

    Parameters
    ----------
    seed : int
        The base seed (non-negative).
    index : int
        The chunk's number.

    Returns
    -------
    seed : int
        A non-negative integer below ``2**62``, the same for the same arguments.
    """
    if index == 0:
        return int(seed)
    state = np.random.SeedSequence([int(seed), int(index)]).generate_state(2, dtype=np.uint32)
    return int(state[0]) << 30 | int(state[1]) >> 2  # 62 bits


def require_pyarrow(what="Writing Parquet files"):
    """Import pyarrow, or raise an ImportError that says how to install it.

    Parameters
    ----------
    what : str, default="Writing Parquet files"
        What needs it, for the message.

    Returns
    -------
    pyarrow : module
        The imported package (with ``pyarrow.parquet`` loaded).
    """
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise ImportError(
            f"{what} needs pyarrow, which is not installed; install it with "
            "pip install 'sksynth[io]' (or pip install pyarrow)."
        ) from None
    return pyarrow


def _as_frame(chunk, names):
    frame = chunk if isinstance(chunk, pd.DataFrame) else pd.DataFrame(chunk)
    if names is not None:
        frame.columns = names
    return frame


def write_parquet(chunks, path, *, columns=None):
    """Write an iterable of DataFrames to one Parquet file, chunk by chunk, atomically.

    Each chunk becomes one row group; only one chunk is in memory at a time.
    The first chunk fixes the schema; the others are cast to it. The file
    appears under ``path`` only once every chunk is written.

    Parameters
    ----------
    chunks : iterable of DataFrame or 2-D array
        The parts of the table, in order.
    path : str or path-like
        The destination.
    columns : list of str, default=None
        Column names to give every chunk (e.g. for arrays).

    Returns
    -------
    n_rows : int
        Number of rows written.
    """
    pa = require_pyarrow()
    import pyarrow.parquet as pq

    path = Path(path)
    if path.is_dir():
        raise ValueError(f"path {str(path)!r} is a folder; give a file name.")
    n_rows = 0
    with atomic_write(path, "wb") as fh:
        writer = None
        try:
            for chunk in chunks:
                frame = _as_frame(chunk, columns)
                if writer is None:
                    schema = pa.Schema.from_pandas(frame, preserve_index=False)
                    writer = pq.ParquetWriter(fh, schema)
                table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
                writer.write_table(table)
                n_rows += len(frame)
        finally:
            if writer is not None:
                writer.close()
        if writer is None:
            raise ValueError("write_parquet got no chunk to write.")
    return n_rows
