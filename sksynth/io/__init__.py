"""Safe model files and chunked, parallel writing of synthetic tables.

- :func:`save_sampler` / :func:`load_sampler`: a fitted generator as a zip of
  JSON, NPZ and torch state dicts that loads without running code from the
  file (no pickle), with a SHA-256 manifest so that a modified file is
  refused (:class:`ModelFileError`); :func:`read_model_info` checks a file
  and reads its metadata. The samplers' ``save`` / ``load`` methods call them.
- :func:`sample_to_parquet_dask`: sample a very large table as Dask tasks
  (one seeded chunk per task), written to a Parquet dataset. The samplers'
  ``iter_samples`` and ``to_parquet`` use the same chunk logic
  (``_chunked``); all of it goes through the samplers' public ``sample``.

This package sits below :mod:`sksynth.generators` and never imports it: the
generator classes register themselves as trusted types (``_registry``) and
hand over their fitted state through two hooks, ``_get_model_state`` and
``_set_model_state``.

Pickle and joblib keep working for fitted samplers, as everywhere in
scikit-learn, but unpickling can run arbitrary code: load such files only
from trusted sources.
"""

from ._dask import sample_to_parquet_dask
from ._model_file import ModelFileError, load_sampler, read_model_info, save_sampler

__all__ = [
    "ModelFileError",
    "load_sampler",
    "read_model_info",
    "sample_to_parquet_dask",
    "save_sampler",
]
