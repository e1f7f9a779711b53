"""Sampling a very large table as Dask tasks: one seeded chunk per task, one Parquet part each."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from ..utils._chunks import check_chunking, chunk_bounds, chunk_seed, require_pyarrow, write_parquet
from ..utils._random import to_seed
from ._chunked import check_request, chunk_frame, label_column_of

__all__ = ["sample_to_parquet_dask"]


def _write_part(sampler, index, size, seed, folder, y, conditions, label):
    chunk = sampler.sample(size, y=y, conditions=conditions, random_state=seed)
    frame = chunk_frame(chunk, label)
    path = Path(folder) / f"part-{index:05d}.parquet"
    write_parquet([frame], path)
    return len(frame)


def sample_to_parquet_dask(
    sampler,
    path,
    n_samples,
    chunk_size=100_000,
    *,
    y=None,
    conditions=None,
    random_state=None,
    label_column=None,
    client=None,
):
    """Generate ``n_samples`` rows as Dask tasks and write them as a Parquet dataset.

    Each chunk of :meth:`~sksynth.generators.BaseGenerativeSampler.iter_samples` is
    one task: it draws its rows with its own seed (the same seeds as
    ``iter_samples`` with the same ``random_state`` and ``chunk_size``, so the
    rows are the same wherever they run) and writes them to
    ``path/part-00000.parquet``, ``part-00001.parquet``... The sampler is sent
    to the workers once. The parts are written into a temporary folder next
    to ``path``, renamed to ``path`` when every task has succeeded: a failed
    run leaves no partial dataset. Read the result with
    ``pandas.read_parquet(path)`` or ``dask.dataframe.read_parquet(path)``.

    The workers must see ``path`` (a local cluster, or a shared file system).
    Needs ``dask`` (``pip install 'sksynth[dask]'``) and ``pyarrow``.

    Parameters
    ----------
    sampler : BaseGenerativeSampler
        A fitted generator (only its public ``sample`` is used).
    path : str or path-like
        The dataset folder to create; it must not exist yet.
    n_samples : int
        Total number of rows.
    chunk_size : int, default=100_000
        Rows per task (and per file).
    y : label, default=None
        Ask for rows of this class (as in ``sample``); one label for all rows.
    conditions : dict, default=None
        As in ``sample``.
    random_state : int, RandomState instance or None, default=None
        Base seed; ``None``: a fresh one (pass an int to get the rows of
        ``sampler.iter_samples`` with that seed).
    label_column : str, default=None
        Name of the class column for samplers fitted with ``y`` (see
        ``to_parquet``).
    client : distributed.Client, default=None
        Where to run; ``None`` uses Dask's current scheduler (the active
        client if there is one).

    Returns
    -------
    path : pathlib.Path
        The dataset folder.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import numpy as np, pandas as pd
    >>> from sksynth.generators import VAESampler
    >>> from sksynth.io import sample_to_parquet_dask
    >>> X = pd.DataFrame({"a": np.random.default_rng(0).normal(size=40)})
    >>> sampler = VAESampler(epochs=1, batch_size=20, hidden_dims=(8,), latent_dim=2,
    ...                      random_state=0).fit(X)
    >>> out = sample_to_parquet_dask(sampler, pathlib.Path(tempfile.mkdtemp()) / "synth",
    ...                              25, chunk_size=10, random_state=0)
    >>> sorted(p.name for p in out.iterdir())
    ['part-00000.parquet', 'part-00001.parquet', 'part-00002.parquet']
    >>> len(pd.read_parquet(out))
    25
    """
    try:
        import dask
    except ImportError:
        raise ImportError(
            "sample_to_parquet_dask needs dask; install it with pip install 'sksynth[dask]'."
        ) from None
    require_pyarrow("sample_to_parquet_dask")
    n_samples, chunk_size = check_chunking(n_samples, chunk_size)
    if y is not None and np.ndim(y) > 0:
        raise ValueError("y must be one label here (or None); per-row labels are not supported.")
    path = Path(path)
    if path.exists():
        raise ValueError(f"path {str(path)!r} already exists; give a new folder name.")
    seed = to_seed(random_state)
    label = label_column_of(check_request(sampler, 1, y=y, conditions=conditions), label_column)
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        bounds = chunk_bounds(n_samples, chunk_size) or [(0, 0)]
        shared = dask.delayed(sampler, pure=True)
        tasks = [
            dask.delayed(_write_part, pure=True)(
                shared, i, stop - start, chunk_seed(seed, i), folder, y, conditions, label
            )
            for i, (start, stop) in enumerate(bounds)
        ]
        if client is not None:
            written = client.gather(client.compute(tasks))
        else:
            written = dask.compute(*tasks)
        if sum(written) != n_samples:  # pragma: no cover - a broken task
            raise RuntimeError(f"the tasks wrote {sum(written)} rows instead of {n_samples}")
        os.rename(folder, path)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return path
