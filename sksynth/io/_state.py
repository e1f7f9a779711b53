"""Plain-data encoding of fitted objects: tagged JSON plus numeric arrays.

:class:`StateWriter` turns a Python value (numbers, strings, containers, numpy
arrays and scalars, pandas dtypes and missing-value markers, torch tensors,
random generators, and objects of *trusted* classes) into JSON-able data; numeric
arrays go to a separate dict that is written as an ``.npz`` file.
:class:`StateReader` turns that data back. Reading never imports a module and
never unpickles: a class is rebuilt only when it is in the reader's trusted
registry, by creating an empty instance and restoring its ``__dict__`` (its
``__init__`` does not run), and every numeric array is read with
``allow_pickle=False``.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
from collections import OrderedDict

import numpy as np
import pandas as pd

__all__ = [
    "StateReader",
    "StateWriter",
    "UntrustedClassError",
    "class_key",
    "default_trusted_types",
]

TAG = "__t__"

# Numeric array kinds stored in the .npz file (never pickled there).
_NPZ_KINDS = set("biufcmMUS")

_BIT_GENERATORS = {
    name: getattr(np.random, name) for name in ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")
}


class UntrustedClassError(TypeError):
    """The data holds an object of a class the reader does not trust."""


def class_key(cls):
    """Return the registry key of a class: ``"module.QualName"``.

    Parameters
    ----------
    cls : type
        The class.

    Returns
    -------
    key : str

    Examples
    --------
    >>> from sksynth.io._state import class_key
    >>> from sksynth.encoding import TabularEncoder
    >>> class_key(TabularEncoder)
    'sksynth.encoding._encoder.TabularEncoder'
    """
    return f"{cls.__module__}.{cls.__qualname__}"


def default_trusted_types():
    """Classes whose instances a model file may hold.

    The fitted parts of sksynth's samplers (encoder, codecs, normalisers,
    spans, condition layout), the scikit-learn transformer some of them hold,
    and the generator classes of :mod:`sksynth.generators`.

    Returns
    -------
    types : dict of str to type
        Keyed by :func:`class_key`.

    Examples
    --------
    >>> from sksynth.io._state import default_trusted_types
    >>> "sksynth.generators._gan.GANSampler" in default_trusted_types()
    True
    """
    from sklearn.preprocessing import QuantileTransformer

    from .. import generators, rules
    from ..encoding._columns import DiscreteCodec, NumericCodec
    from ..encoding._encoder import TabularEncoder
    from ..encoding._normalisers import ModeNormaliser, QuantileNormaliser
    from ..encoding._spans import RareLevels, Span
    from ..nn._conditions import ConditionLayout
    from ..rules import RuleKeeper
    from ..rules._expression import Expression

    types = [
        TabularEncoder,
        NumericCodec,
        DiscreteCodec,
        ModeNormaliser,
        QuantileNormaliser,
        Span,
        RareLevels,
        ConditionLayout,
        QuantileTransformer,
    ]
    types += [getattr(generators, name) for name in generators.__all__]
    types += [RuleKeeper, Expression]
    types += [
        cls for cls in map(rules.__dict__.get, rules.__all__)
        if isinstance(cls, type) and issubclass(cls, rules.Rule) and cls is not rules.Rule
    ]
    return {class_key(cls): cls for cls in types}


def _tz_name(tz):
    if tz is None:
        return None
    key = getattr(tz, "key", None) or getattr(tz, "zone", None)
    if key:
        return {"name": str(key)}
    if isinstance(tz, dt.timezone):
        offset = tz.utcoffset(None)
        if offset == dt.timedelta(0):
            return {"name": "UTC"}
        return {"offset": offset.total_seconds()}
    name = str(tz)
    if name == "UTC":
        return {"name": "UTC"}
    raise TypeError(f"time zone {tz!r} cannot be stored")


def _tz_from(node):
    if node is None:
        return None
    if "offset" in node:
        return dt.timezone(dt.timedelta(seconds=node["offset"]))
    return node["name"]


class StateWriter:
    """Encode values as JSON-able data (numeric arrays kept aside).

    Parameters
    ----------
    trusted : dict of str to type
        Classes whose instances are encoded by their ``__dict__``.

    Attributes
    ----------
    arrays : dict of str to ndarray
        The numeric arrays referred to by the encoded data.

    Examples
    --------
    >>> import numpy as np
    >>> from sksynth.io._state import StateReader, StateWriter
    >>> writer = StateWriter({})
    >>> data = writer.encode({"a": (1, np.arange(3)), "b": float("nan")})
    >>> value = StateReader(writer.arrays, {}).decode(data)
    >>> value["a"][1].tolist(), value["b"] != value["b"]
    ([0, 1, 2], True)
    """

    def __init__(self, trusted):
        self.trusted = trusted
        self._trusted_types = {cls: key for key, cls in trusted.items()}
        self.arrays = {}

    def _store(self, array):
        key = f"a{len(self.arrays)}"
        self.arrays[key] = np.asarray(array, order="C")  # keeps 0-d arrays 0-d
        return key

    def encode(self, value, path="value"):
        """Return ``value`` as JSON-able data; ``path`` names it in errors."""
        if isinstance(value, np.generic):
            return self._scalar(value, path)
        if value is None or isinstance(value, bool | str):
            return str(value) if isinstance(value, str) else value
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float):
            return value if math.isfinite(value) else {TAG: "float", "v": repr(value)}
        if value is pd.NA:
            return {TAG: "NA"}
        if value is pd.NaT:
            return {TAG: "NaT"}
        if isinstance(value, np.ndarray):
            return self._array(value, path)
        if isinstance(value, list):
            return [self.encode(v, f"{path}[{i}]") for i, v in enumerate(value)]
        if isinstance(value, tuple) and type(value) is tuple:
            return {TAG: "tuple", "items": self.encode(list(value), path)}
        if isinstance(value, set | frozenset):
            items = sorted(value, key=repr)
            kind = "set" if isinstance(value, set) else "frozenset"
            return {TAG: kind, "items": self.encode(items, path)}
        if isinstance(value, dict) and type(value) in (dict, OrderedDict):
            return self._dict(value, path)
        encoder = self._ENCODERS.get(type(value))
        if encoder is not None:
            return encoder(self, value, path)
        if type(value) in self._trusted_types:
            return self._object(value, path)
        return self._special(value, path)

    # -- pieces ---------------------------------------------------------------------

    def _scalar(self, value, path):
        if value.dtype.kind in "mMSUV" or value.dtype == object:
            if value.dtype.kind not in _NPZ_KINDS:
                raise TypeError(f"{path}: numpy scalar of dtype {value.dtype} cannot be stored")
            return {TAG: "npscalar", "ref": self._store(np.asarray(value))}
        return {TAG: "npscalar", "dtype": value.dtype.str, "v": self.encode(value.item(), path)}

    def _array(self, value, path):
        if value.dtype.kind in _NPZ_KINDS and value.dtype.names is None:
            return {TAG: "ndarray", "ref": self._store(value)}
        if value.dtype == object:
            items = [self.encode(v, f"{path}.flat[{i}]") for i, v in enumerate(value.ravel())]
            return {TAG: "objarray", "shape": list(value.shape), "items": items}
        raise TypeError(f"{path}: numpy arrays of dtype {value.dtype} cannot be stored")

    def _dict(self, value, path):
        ordered = type(value) is OrderedDict
        if not ordered and all(isinstance(k, str) and k != TAG for k in value):
            return {
                TAG: "map",
                "v": {k: self.encode(v, f"{path}[{k!r}]") for k, v in value.items()},
            }
        items = [
            [self.encode(k, f"{path}.key"), self.encode(v, f"{path}[{k!r}]")]
            for k, v in value.items()
        ]
        return {TAG: "odict" if ordered else "dict", "items": items}

    def _object(self, value, path):
        if not hasattr(value, "__dict__"):
            raise TypeError(f"{path}: {type(value).__name__} has no __dict__ to store")
        state = {name: self.encode(attr, f"{path}.{name}") for name, attr in vars(value).items()}
        return {TAG: "object", "class": self._trusted_types[type(value)], "state": state}

    def _dtype(self, value, path):
        if value.names is not None:
            raise TypeError(f"{path}: structured dtype {value} cannot be stored")
        return {TAG: "dtype", "v": value.str}

    def _categorical_dtype(self, value, path):
        categories = None if value.categories is None else self.encode(value.categories, path)
        return {TAG: "catdtype", "categories": categories, "ordered": bool(value.ordered)}

    def _tz_dtype(self, value, path):
        try:
            tz = _tz_name(value.tz)
        except TypeError as exc:
            raise TypeError(f"{path}: {exc}") from None
        return {TAG: "tzdtype", "unit": value.unit, "tz": tz}

    def _string_dtype(self, value, path):
        return {
            TAG: "strdtype",
            "storage": value.storage,
            "na_value": self.encode(value.na_value, path),
        }

    def _index(self, value, path):
        return {
            TAG: "index",
            "values": self.encode(value.to_numpy(), f"{path}.values"),
            "dtype": self.encode(value.dtype, f"{path}.dtype"),
            "name": self.encode(value.name, f"{path}.name"),
        }

    def _timestamp(self, value, path):
        naive = value.tz_convert(None) if value.tz is not None else value
        return {
            TAG: "timestamp",
            "iso": naive.isoformat(),
            "unit": value.unit,
            "tz": _tz_name(value.tz),
        }

    def _timedelta(self, value, path):
        return {TAG: "timedelta", "ns": int(value.as_unit("ns").value), "unit": value.unit}

    def _datetime(self, value, path):
        kind = {dt.datetime: "datetime", dt.date: "date", dt.time: "time"}[type(value)]
        if getattr(value, "tzinfo", None) is not None:
            raise TypeError(f"{path}: time-zone aware Python {kind} objects cannot be stored")
        return {TAG: kind, "iso": value.isoformat()}

    def _bytes(self, value, path):
        return {TAG: "bytes", "b64": base64.b64encode(value).decode("ascii")}

    def _complex(self, value, path):
        return {TAG: "complex", "re": self.encode(value.real), "im": self.encode(value.imag)}

    def _rng(self, value, path):
        name = type(value.bit_generator).__name__
        if name not in _BIT_GENERATORS:
            raise TypeError(f"{path}: bit generator {name} cannot be stored")
        state = self.encode(value.bit_generator.state, f"{path}.state")
        return {TAG: "generator", "bit_generator": name, "state": state}

    def _random_state(self, value, path):
        return {TAG: "randomstate", "state": self.encode(value.get_state(legacy=False), path)}

    _ENCODERS = {
        np.dtype: _dtype,
        pd.CategoricalDtype: _categorical_dtype,
        pd.DatetimeTZDtype: _tz_dtype,
        pd.StringDtype: _string_dtype,
        pd.Timestamp: _timestamp,
        pd.Timedelta: _timedelta,
        dt.datetime: _datetime,
        dt.date: _datetime,
        dt.time: _datetime,
        bytes: _bytes,
        complex: _complex,
        np.random.Generator: _rng,
        np.random.RandomState: _random_state,
    }

    def _special(self, value, path):
        import torch

        if isinstance(value, np.dtype):  # dtype subclasses (np.dtypes.Float64DType...)
            return self._dtype(value, path)
        if isinstance(value, pd.Index):
            return self._index(value, path)
        if isinstance(value, torch.Tensor):
            array = value.detach().cpu().numpy()
            return {TAG: "tensor", "ref": self._store(array)}
        if isinstance(value, pd.api.extensions.ExtensionDtype):
            name = str(value)
            try:
                same = pd.api.types.pandas_dtype(name) == value
            except TypeError:
                same = False
            if same:
                return {TAG: "pddtype", "name": name}
        raise TypeError(
            f"{path} is a {type(value).__module__}.{type(value).__qualname__}, which a safe "
            "model file cannot hold (only plain data, numpy/pandas/torch values and trusted "
            "classes). Pass the class in trusted_types if you trust it, or use "
            "joblib/pickle for this model."
        )


class StateReader:
    """Decode the data written by :class:`StateWriter`.

    Parameters
    ----------
    arrays : mapping of str to ndarray
        The numeric arrays (an ``np.load(..., allow_pickle=False)`` result).
    trusted : dict of str to type
        The classes that may be rebuilt, keyed by :func:`class_key`.
    """

    def __init__(self, arrays, trusted):
        self.arrays = arrays
        self.trusted = trusted

    def _array(self, node):
        key = node.get("ref")
        if not isinstance(key, str) or key not in self.arrays:
            raise ValueError(f"reference to a missing array {key!r}")
        return self.arrays[key]

    def decode(self, node):
        """Return the value that ``node`` encodes."""
        if node is None or isinstance(node, bool | int | float | str):
            return node
        if isinstance(node, list):
            return [self.decode(v) for v in node]
        if not isinstance(node, dict) or not isinstance(node.get(TAG), str):
            raise ValueError(f"unexpected entry {str(node)[:80]!r}")
        decoder = self._DECODERS.get(node[TAG])
        if decoder is None:
            raise ValueError(f"unknown entry type {node[TAG]!r}")
        return decoder(self, node)

    def _object(self, node):
        key = node.get("class")
        cls = self.trusted.get(key)
        if cls is None:
            raise UntrustedClassError(
                f"the file holds an object of class {key!r}, which is not trusted; pass the "
                "class in trusted_types if you trust it"
            )
        state = node.get("state")
        if not isinstance(state, dict):
            raise ValueError(f"object of class {key!r} has no state")
        obj = cls.__new__(cls)
        obj.__dict__.update({str(name): self.decode(v) for name, v in state.items()})
        return obj

    def _dict(self, node, factory=dict):
        return factory((self.decode(k), self.decode(v)) for k, v in node["items"])

    def _npscalar(self, node):
        if "ref" in node:
            return self._array(node)[()]
        return np.dtype(node["dtype"]).type(self.decode(node["v"]))

    def _objarray(self, node):
        items = [self.decode(v) for v in node["items"]]
        array = np.empty(len(items), dtype=object)
        array[:] = items
        return array.reshape([int(n) for n in node["shape"]])

    def _index(self, node):
        return pd.Index(
            self.decode(node["values"]),
            dtype=self.decode(node["dtype"]),
            name=self.decode(node["name"]),
        )

    def _string_dtype(self, node):
        na_value = self.decode(node["na_value"])
        try:
            return pd.StringDtype(storage=node["storage"], na_value=na_value)
        except ImportError:  # saved with pyarrow storage; pyarrow missing here
            return pd.StringDtype(storage="python", na_value=na_value)

    def _timestamp(self, node):
        stamp = pd.Timestamp(node["iso"]).as_unit(node["unit"])
        tz = _tz_from(node["tz"])
        return stamp if tz is None else stamp.tz_localize("UTC").tz_convert(tz)

    def _generator(self, node):
        name = node["bit_generator"]
        if name not in _BIT_GENERATORS:
            raise ValueError(f"unknown bit generator {name!r}")
        bit_generator = _BIT_GENERATORS[name]()
        bit_generator.state = self.decode(node["state"])
        return np.random.Generator(bit_generator)

    def _random_state(self, node):
        state = np.random.RandomState()
        state.set_state(self.decode(node["state"]))
        return state

    def _tensor(self, node):
        import torch

        return torch.from_numpy(np.array(self._array(node)))

    _DECODERS = {
        "float": lambda self, n: float(n["v"]),
        "NA": lambda self, n: pd.NA,
        "NaT": lambda self, n: pd.NaT,
        "tuple": lambda self, n: tuple(self.decode(n["items"])),
        "set": lambda self, n: set(self.decode(n["items"])),
        "frozenset": lambda self, n: frozenset(self.decode(n["items"])),
        "map": lambda self, n: {str(k): self.decode(v) for k, v in n["v"].items()},
        "dict": _dict,
        "odict": lambda self, n: self._dict(n, OrderedDict),
        "npscalar": _npscalar,
        "ndarray": lambda self, n: np.array(self._array(n)),
        "objarray": _objarray,
        "object": _object,
        "dtype": lambda self, n: np.dtype(n["v"]),
        "catdtype": lambda self, n: pd.CategoricalDtype(
            self.decode(n["categories"]), ordered=bool(n["ordered"])
        ),
        "tzdtype": lambda self, n: pd.DatetimeTZDtype(n["unit"], _tz_from(n["tz"])),
        "strdtype": _string_dtype,
        "pddtype": lambda self, n: pd.api.types.pandas_dtype(str(n["name"])),
        "index": _index,
        "timestamp": _timestamp,
        "timedelta": lambda self, n: pd.Timedelta(int(n["ns"]), unit="ns").as_unit(n["unit"]),
        "datetime": lambda self, n: dt.datetime.fromisoformat(n["iso"]),
        "date": lambda self, n: dt.date.fromisoformat(n["iso"]),
        "time": lambda self, n: dt.time.fromisoformat(n["iso"]),
        "bytes": lambda self, n: base64.b64decode(n["b64"]),
        "complex": lambda self, n: complex(self.decode(n["re"]), self.decode(n["im"])),
        "generator": _generator,
        "randomstate": _random_state,
        "tensor": _tensor,
    }
