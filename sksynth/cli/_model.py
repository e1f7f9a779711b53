"""The model file of ``sksynth fit``: the fitted sampler and what the CLI knows of its table.

The file is a safe sksynth model file (:func:`sksynth.io.save_sampler`): a zip
archive of JSON (hyperparameters, encoder state, the CLI's metadata), NPZ
arrays and torch state dicts (read with ``weights_only=True``), with a SHA-256
manifest. It is not a pickle: loading it runs no code from the file, and a
modified file is refused. Any file name works; ``model.sksynth`` is
conventional.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .. import generators
from ..io import ModelFileError, load_sampler, read_model_info, save_sampler
from ._common import CLIError, check_not_folder, one_line

__all__ = ["MODELS", "check_model_output", "load_model", "make_sampler", "save_model"]

#: ``--model`` names and the sampler classes of :mod:`sksynth.generators` they build.
MODELS = {
    "gan": "GANSampler",
    "vae": "VAESampler",
    "conditional-gan": "ConditionalGANSampler",
    "conditional-vae": "ConditionalVAESampler",
}

_MODEL_FORMAT = "sksynth-model"
_MODEL_FORMAT_VERSION = 1
# Every zip archive starts with a local file header.
_ZIP_MAGIC = b"PK\x03\x04"


def make_sampler(model: str):
    """Return an unfitted sampler of the ``--model`` name ``model``."""
    return getattr(generators, MODELS[model])()


def check_model_output(path, *, option: str = "--out") -> Path:
    """Check that a model file can be written to ``path``, before training starts."""
    return check_not_folder(path, option, "model.sksynth")


def save_model(bundle: dict, path) -> Path:
    """Save a model bundle (the fitted sampler and what the CLI knows of its table).

    The file is a safe sksynth model file (:func:`sksynth.io.save_sampler`): JSON,
    NPZ and torch state dicts in a zip with a SHA-256 manifest. Loading it runs no
    code from the file. It is written atomically.

    Parameters
    ----------
    bundle : dict
        As built by ``sksynth fit``: ``sampler`` (fitted), ``model``, ``target``,
        ``columns`` and provenance entries (JSON-able).
    path : str or path-like
        The destination (any name; ``.sksynth`` is conventional).

    Returns
    -------
    path : pathlib.Path
        The file written.

    See Also
    --------
    load_model : Read it back.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import numpy as np, pandas as pd
    >>> from sksynth.cli import load_model, save_model
    >>> from sksynth.generators import VAESampler
    >>> X = pd.DataFrame(np.random.default_rng(0).normal(size=(40, 2)), columns=["a", "b"])
    >>> sampler = VAESampler(epochs=1, batch_size=20, hidden_dims=(8,), latent_dim=2,
    ...                      random_state=0).fit(X)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "m.sksynth"
    >>> _ = save_model({"sampler": sampler, "columns": ["a", "b"], "target": None}, path)
    >>> load_model(path)["columns"]
    ['a', 'b']
    """
    metadata = {key: value for key, value in bundle.items() if key != "sampler"}
    metadata["format"] = _MODEL_FORMAT
    metadata["format_version"] = _MODEL_FORMAT_VERSION
    save_sampler(bundle["sampler"], path, metadata=metadata)
    return Path(path)


def _check_archive(path: Path, option: str):
    """Tell a damaged model file from a file of another kind, before reading it."""
    if zipfile.is_zipfile(path):
        return
    with open(path, "rb") as fh:
        start = fh.read(len(_ZIP_MAGIC))
    if start == _ZIP_MAGIC:
        raise CLIError(
            f"{option} {str(path)!r} is a damaged or incomplete model file (its end is "
            "missing: was the copy or download interrupted?); copy it again, or fit and "
            "save the model again with 'sksynth fit'"
        )
    raise CLIError(
        f"{option} {str(path)!r} is not a model file written by 'sksynth fit' (those are "
        "zip archives)"
    )


def load_model(path, *, option: str = "MODEL") -> dict:
    """Load a model bundle written by :func:`save_model`.

    The file's integrity is checked against its manifest, and nothing in it is
    executed (no pickle): a modified, truncated or foreign file is refused.

    Parameters
    ----------
    path : str or path-like
        The model file.
    option : str, default="MODEL"
        How the file is named in error messages.

    Returns
    -------
    bundle : dict
        The sampler (``"sampler"``) and what was recorded with it.

    Raises
    ------
    CLIError
        If the file is missing, damaged, not an sksynth model file, or was
        modified.
    """
    path = Path(path)
    if not path.is_file():
        raise CLIError(f"{option} {str(path)!r}: no such file")
    _check_archive(path, option)
    try:
        metadata = read_model_info(path).get("metadata") or {}
        sampler = load_sampler(path)
    except ModelFileError as exc:
        raise CLIError(
            f"{option} {str(path)!r} cannot be loaded as a model file written by "
            f"'sksynth fit': {one_line(exc)}"
        ) from None
    if metadata.get("format") != _MODEL_FORMAT:
        raise CLIError(f"{option} {str(path)!r} is not a model file written by 'sksynth fit'")
    if metadata.get("format_version", 0) > _MODEL_FORMAT_VERSION:
        raise CLIError(
            f"{option} {str(path)!r} was written by a newer sksynth; upgrade sksynth to read it"
        )
    return {**metadata, "sampler": sampler}
