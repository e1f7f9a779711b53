"""Safe model files: a fitted generator saved as JSON, NPZ and torch state dicts.

A model file is a zip archive that is only *read*, never executed:

* ``manifest.json`` -- format name and version, library versions, the sampler's
  class, and the SHA-256 and size of every other member;
* ``params.json`` -- the hyperparameters (``get_params(deep=False)``);
* ``state.json`` + ``arrays.npz`` -- the fitted state: encoder (levels, dtypes,
  normaliser parameters), condition layout, classes, random generator state...
  as tagged JSON and numeric arrays (``np.load(allow_pickle=False)``);
* ``nets.json`` + ``nets/<i>/<name>.pt`` -- for each trained net, the layout it
  was built for, its training history and the ``state_dict`` of each of its
  modules and optimizers, read with ``torch.load(weights_only=True)``;
* ``metadata.json`` -- free JSON given by the caller (e.g. the CLI's target).

The sampler gives and takes its state through two hooks,
``_get_model_state()`` and ``_set_model_state(state, layout, nets, device=)``;
this module only encodes, checks and decodes. Loading rebuilds objects only of
trusted classes (the parts listed in :mod:`sksynth.io._registry`, the
generators registered there, and the classes the caller names), by restoring
their ``__dict__``: no pickle, no import by name.
Any change to a member (or an added or missing member) is caught by the
manifest's hashes and reported as a :class:`ModelFileError`.
"""

from __future__ import annotations

import hashlib
import inspect
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import torch

from ..utils import atomic_write, warn_caller
from ..utils._versions import library_versions
from ._registry import class_key, default_trusted_types, registered_samplers
from ._state import StateReader, StateWriter, UntrustedClassError

__all__ = ["ModelFileError", "load_sampler", "read_model_info", "save_sampler"]

FORMAT = "sksynth-model"
FORMAT_VERSION = 1
_MANIFEST = "manifest.json"
# A member bigger than this (uncompressed) is refused before it is read.
_MAX_MEMBER_BYTES = 8 * 2**30


class ModelFileError(ValueError):
    """A model file is not a valid sksynth model file, or it was modified.

    Examples
    --------
    >>> from sksynth.io import ModelFileError
    >>> issubclass(ModelFileError, ValueError)
    True
    """


def _trusted(trusted_types):
    trusted = default_trusted_types()
    for cls in trusted_types or ():
        if not inspect.isclass(cls):
            raise TypeError(f"trusted_types must hold classes; got {cls!r} ({type(cls).__name__}).")
        trusted[class_key(cls)] = cls
    return trusted


def _json_bytes(data):
    return json.dumps(data, allow_nan=False, separators=(",", ":")).encode("utf-8")


def _torch_bytes(state_dict):
    buffer = io.BytesIO()
    torch.save({k: v.detach().cpu() for k, v in state_dict.items()}, buffer)
    return buffer.getvalue()


def _optimizer_bytes(state_dict):
    def to_cpu(value):
        if isinstance(value, torch.Tensor):
            return value.detach().cpu()
        if isinstance(value, dict):
            return {k: to_cpu(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(to_cpu(v) for v in value)
        return value

    buffer = io.BytesIO()
    torch.save(to_cpu(state_dict), buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- saving


def _encode_params(params, writer):
    encoded, dropped = {}, []
    for name, value in params.items():
        if name == "device" and not isinstance(value, str):
            value = str(value)
        try:
            encoded[name] = writer.encode(value, f"parameter {name!r}")
        except TypeError:
            dropped.append(name)
    if dropped:
        warn_caller(
            f"The parameter(s) {dropped} hold Python objects (e.g. callbacks or a callable "
            "sampling_strategy) that a safe model file does not store; the loaded sampler "
            "gets their default values. The fitted model is saved in full.",
            UserWarning,
        )
    return encoded, dropped


def _net_members(nets, writer):
    records, members = [], {}
    for i, net in enumerate(nets):
        record = {
            "label": writer.encode(net["label"], "nets_ key"),
            "spans": writer.encode(list(net["spans"]), "net spans"),
            "with_condition": bool(net["with_condition"]),
            "seed": writer.encode(net["seed"], "net random_state"),
            "history": writer.encode(net["history"], "net history"),
            "modules": {},
            "optimizers": {},
        }
        for name, state_dict in net["modules"].items():
            member = f"nets/{i}/{name}.pt"
            members[member] = _torch_bytes(state_dict)
            record["modules"][name] = member
        for name, state_dict in net["optimizers"].items():
            member = f"nets/{i}/{name}.pt"
            members[member] = _optimizer_bytes(state_dict)
            record["optimizers"][name] = member
        records.append(record)
    return records, members


def save_sampler(sampler, path, *, metadata=None, trusted_types=None):
    """Save a fitted generator to a safe model file (loads without running code).

    Parameters
    ----------
    sampler : BaseGenerativeSampler
        A fitted sksynth generator.
    path : str or path-like
        The destination (conventionally ``.sksynth``); written atomically.
    metadata : dict, default=None
        Extra JSON-able information stored with the model (read it back with
        :func:`read_model_info`).
    trusted_types : sequence of type, default=None
        Extra classes whose instances the fitted state may hold (e.g. a
        custom sampler subclass).

    Returns
    -------
    path : pathlib.Path
        The file written.

    See Also
    --------
    load_sampler : Read the file back.

    Notes
    -----
    Parameters that hold Python objects (skorch callbacks, a callable
    ``sampling_strategy``) are not stored, with a warning: the loaded
    sampler gets their defaults. Everything the fitted model needs to sample
    is stored.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import numpy as np
    >>> from sksynth.generators import VAESampler
    >>> from sksynth.io import load_sampler, save_sampler
    >>> X = np.random.default_rng(0).normal(size=(40, 2))
    >>> sampler = VAESampler(epochs=1, batch_size=20, hidden_dims=(8,), latent_dim=2,
    ...                      random_state=0).fit(X)
    >>> path = save_sampler(sampler, pathlib.Path(tempfile.mkdtemp()) / "vae.sksynth")
    >>> loaded = load_sampler(path)
    >>> np.array_equal(loaded.sample(5, random_state=1), sampler.sample(5, random_state=1))
    True
    """
    if not hasattr(sampler, "_get_model_state"):
        raise TypeError(
            f"save_sampler saves sksynth generators; got {type(sampler).__name__}. Use "
            "joblib.dump for other estimators (trusted files only)."
        )
    model = sampler._get_model_state()  # raises NotFittedError before fit
    if metadata is not None and not isinstance(metadata, dict):
        raise TypeError(f"metadata must be a dict or None; got {type(metadata).__name__}.")
    trusted = _trusted(trusted_types)
    if type(sampler) not in trusted.values():
        raise TypeError(
            f"{class_key(type(sampler))} is not one of sksynth's generators; pass it in "
            "trusted_types to save (and load) it."
        )
    writer = StateWriter(trusted)
    params, dropped = _encode_params(model["params"], writer)
    state = {name: writer.encode(value, name) for name, value in model["state"].items()}
    layout = model["layout"]
    records, members = _net_members(model["nets"], writer)
    arrays = io.BytesIO()
    np.savez(arrays, **writer.arrays)
    members.update(
        {
            "params.json": _json_bytes(params),
            "state.json": _json_bytes(state),
            "arrays.npz": arrays.getvalue(),
            "nets.json": _json_bytes({"layout": layout, "nets": records}),
            "metadata.json": _json_bytes(metadata or {}),
        }
    )
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "class": class_key(type(sampler)),
        "versions": {**library_versions(), "torch": torch.__version__},
        "dropped_params": dropped,
        "files": {
            name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in sorted(members.items())
        },
    }
    path = Path(path)
    with atomic_write(path, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(_MANIFEST, json.dumps(manifest, indent=1))
        for name, data in sorted(members.items()):
            zf.writestr(name, data)
    return path


# -------------------------------------------------------------------------- loading


class _Archive:
    """Verified access to the members of a model file."""

    def __init__(self, path):
        self.path = Path(path)
        try:
            self.zip = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise
        except (zipfile.BadZipFile, OSError) as exc:
            raise ModelFileError(
                f"{str(self.path)!r} cannot be read as a sksynth model file ({exc}): it is "
                "damaged or incomplete (copy it again, or fit and save the model again), or "
                "it is not a sksynth model file."
            ) from None
        self.manifest = self._read_manifest()
        self._check_members()

    def _fail(self, why):
        raise ModelFileError(
            f"{str(self.path)!r} is corrupt or was modified after it was saved: {why}. "
            "Do not use it; save the model again."
        )

    def _read_manifest(self):
        try:
            manifest = json.loads(self.zip.read(_MANIFEST))
        except KeyError:
            raise ModelFileError(
                f"{str(self.path)!r} is not a sksynth model file (no {_MANIFEST})."
            ) from None
        except ValueError as exc:
            self._fail(f"unreadable {_MANIFEST} ({exc})")
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ModelFileError(f"{str(self.path)!r} is not a sksynth model file.")
        version = manifest.get("format_version")
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise ModelFileError(
                f"{str(self.path)!r} has model file format {version!r}; this sksynth reads "
                f"format {FORMAT_VERSION} and older. Upgrade sksynth to load it."
            )
        if not isinstance(manifest.get("files"), dict):
            self._fail("the manifest lists no files")
        return manifest

    def _check_members(self):
        listed = set(self.manifest["files"])
        names = [info.filename for info in self.zip.infolist()]
        present = set(names) - {_MANIFEST}
        if len(names) != len(set(names)):
            self._fail("a member appears twice")
        if present - listed:
            self._fail(f"unexpected member(s) {sorted(present - listed)}")
        if listed - present:
            self._fail(f"missing member(s) {sorted(listed - present)}")

    def read(self, name):
        entry = self.manifest["files"].get(name)
        if not isinstance(entry, dict):
            self._fail(f"the manifest does not list {name}")
        info = self.zip.getinfo(name)
        size = entry.get("size")
        if info.file_size != size or not isinstance(size, int) or size > _MAX_MEMBER_BYTES:
            self._fail(f"{name} has {info.file_size} bytes, the manifest says {size}")
        try:
            data = self.zip.read(name)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:  # a CRC error, truncated data
            self._fail(f"{name} cannot be read ({exc})")
        if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            self._fail(f"the SHA-256 of {name} does not match the manifest")
        return data

    def json(self, name):
        data = self.read(name)
        try:
            return json.loads(data)
        except ValueError as exc:
            self._fail(f"{name} is not valid JSON ({exc})")

    def close(self):
        self.zip.close()


def read_model_info(path):
    """Check a model file and return its manifest and metadata (loads no model).

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save_sampler`.

    Returns
    -------
    info : dict
        ``class``, ``format_version``, ``versions`` (of the libraries that
        wrote it), ``dropped_params``, ``files`` (hashes and sizes) and
        ``metadata``.

    Raises
    ------
    ModelFileError
        If the file is not a model file, or a member does not match its hash.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import numpy as np
    >>> from sksynth.generators import VAESampler
    >>> from sksynth.io import read_model_info, save_sampler
    >>> X = np.random.default_rng(0).normal(size=(40, 2))
    >>> sampler = VAESampler(epochs=1, batch_size=20, hidden_dims=(8,), latent_dim=2,
    ...                      random_state=0).fit(X)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "vae.sksynth"
    >>> _ = save_sampler(sampler, path, metadata={"target": None})
    >>> info = read_model_info(path)
    >>> info["class"], info["metadata"]
    ('sksynth.generators._vae.VAESampler', {'target': None})
    """
    archive = _Archive(path)
    try:
        for name in archive.manifest["files"]:
            archive.read(name)
        info = dict(archive.manifest)
        info["metadata"] = archive.json("metadata.json")
    finally:
        archive.close()
    return info


def _read_state_dict(archive, member):
    try:
        return torch.load(io.BytesIO(archive.read(member)), map_location="cpu", weights_only=True)
    except ModelFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - any unpickling refusal is a bad file
        archive._fail(f"{member} is not a plain state dict ({type(exc).__name__}: {exc})")


def _read_nets(archive, reader):
    data = archive.json("nets.json")
    nets = []
    for record in data["nets"]:
        nets.append(
            {
                "label": reader.decode(record["label"]),
                "spans": reader.decode(record["spans"]),
                "with_condition": bool(record["with_condition"]),
                "seed": reader.decode(record["seed"]),
                "history": reader.decode(record["history"]),
                "modules": {
                    name: _read_state_dict(archive, member)
                    for name, member in record["modules"].items()
                },
                "optimizers": {
                    name: _read_state_dict(archive, member)
                    for name, member in record["optimizers"].items()
                },
            }
        )
    return data["layout"], nets


def _decode_fields(reader, fields):
    if not isinstance(fields, dict):
        raise ValueError("expected a JSON object of fields")
    return {str(name): reader.decode(value) for name, value in fields.items()}


def load_sampler(path, *, device=None, trusted_types=None):
    """Load a generator saved by :func:`save_sampler`, without running any code from it.

    Parameters
    ----------
    path : str or path-like
        The model file.
    device : str, default=None
        Torch device for the nets. ``None``: the device it was trained on
        when this machine has it, else ``"cpu"`` (a model trained on a GPU
        loads on a CPU-only machine). The sampler's ``device`` parameter is
        set accordingly.
    trusted_types : sequence of type, default=None
        Extra classes the file may hold (those passed to :func:`save_sampler`).

    Returns
    -------
    sampler : BaseGenerativeSampler
        The fitted sampler; it samples exactly as the saved one did (same
        seed, same rows, on the same device type).

    Raises
    ------
    ModelFileError
        If the file is not a model file, was modified, or holds an object of
        a class that is not trusted.

    See Also
    --------
    save_sampler : Write the file (its example reads one back).
    read_model_info : Check a file and read its metadata.

    Examples
    --------
    A file that is not a model file is refused before anything is built:

    >>> import pathlib, tempfile
    >>> from sksynth.io import ModelFileError, load_sampler
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "notes.sksynth"
    >>> _ = path.write_text("not a model")
    >>> try:
    ...     load_sampler(path)
    ... except ModelFileError:
    ...     print("refused")
    refused
    """
    trusted = _trusted(trusted_types)
    samplers = registered_samplers()
    samplers.update(
        {class_key(c): c for c in trusted_types or () if hasattr(c, "_set_model_state")}
    )
    archive = _Archive(path)
    try:
        key = archive.manifest.get("class")
        cls = samplers.get(key)
        if cls is None:
            raise ModelFileError(
                f"{str(archive.path)!r} holds a {key!r}, which is not a trusted sksynth "
                "generator; pass its class in trusted_types if you trust it."
            )
        arrays = np.load(io.BytesIO(archive.read("arrays.npz")), allow_pickle=False)
        reader = StateReader({name: arrays[name] for name in arrays.files}, trusted)
        try:
            params = _decode_fields(reader, archive.json("params.json"))
            state = _decode_fields(reader, archive.json("state.json"))
            sampler = cls(**params)
        except ModelFileError:
            raise
        except UntrustedClassError as exc:
            raise ModelFileError(f"{str(archive.path)!r}: {exc}.") from None
        except (ValueError, TypeError, KeyError) as exc:
            archive._fail(f"its content cannot be decoded ({exc})")
        layout, nets = _read_nets(archive, reader)
        try:
            sampler._set_model_state(state, layout, nets, device=device)
        except ModelFileError as exc:  # the stored weights do not fit the rebuilt nets
            archive._fail(str(exc))
    finally:
        archive.close()
    return sampler
