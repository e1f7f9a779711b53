"""Fingerprints and dataset cards: trace a cleaned or synthetic table back to its origin."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ..utils import atomic_write, infer_column_kinds
from ..utils._versions import library_versions
from ._describe import describe_steps, jsonable

__all__ = ["DatasetCard", "fingerprint", "make_card"]

CARD_FORMAT = 1
_FINGERPRINT_SALT = b"sksynth-fingerprint-v1\x00"
_MAX_CATEGORIES = 100


def _check_frame(df, name: str = "df") -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(df).__name__}.")
    if df.columns.duplicated().any():
        dup = df.columns[df.columns.duplicated()].unique().tolist()
        raise ValueError(f"{name} has duplicate column names: {dup}.")
    return df


def _dtype_descriptor(column: pd.Series):
    """Describe a column's dtype so that equal data under pandas 2 and 3 agree.

    Text is ``"string"`` whether pandas stores it as ``object``, ``str`` or
    ``string``; a categorical records its categories and whether they are ordered.
    """
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return {
            "dtype": "category",
            "ordered": bool(dtype.ordered),
            "categories": [jsonable(c) for c in dtype.categories],
        }
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        return "string"
    if pd.api.types.is_object_dtype(dtype):
        inferred = pd.api.types.infer_dtype(column, skipna=True)
        return "string" if inferred in ("string", "empty") else "object"
    return str(dtype)


def fingerprint(df, *, ignore_row_order: bool = False) -> str:
    """Return a stable content hash (SHA-256, hexadecimal) of a DataFrame.

    Covered: the column names and their order, each column's type (text counts
    as ``"string"`` whether stored as ``object``, ``str`` or ``string``; a
    categorical includes its categories and ordering), the number of rows and
    every value (through :func:`pandas.util.hash_pandas_object`, which hashes
    numbers bit for bit, ``0.0`` and ``-0.0`` alike, text by content, and
    categories by their values). The row order is covered unless
    ``ignore_row_order``, in which case the table is hashed as a multiset of
    rows (a repeated row still counts twice).

    Not covered: the index (row labels), ``DataFrame.attrs`` and other
    metadata. The hash uses a fixed key, so it is the same in every process
    and on every machine; it could change only if pandas changed its hashing
    algorithm.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    ignore_row_order : bool, default=False
        If True, tables holding the same rows in any order get the same hash.

    Returns
    -------
    digest : str
        64 hexadecimal characters.

    Raises
    ------
    TypeError
        If ``df`` is not a DataFrame.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.datasets import fingerprint
    >>> df = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    >>> fingerprint(df) == fingerprint(df.copy())
    True
    >>> shuffled = df.iloc[[2, 0, 1]]
    >>> fingerprint(shuffled) == fingerprint(df)
    False
    >>> fingerprint(shuffled, ignore_row_order=True) == fingerprint(df, ignore_row_order=True)
    True
    """
    df = _check_frame(df)
    digest = hashlib.sha256(_FINGERPRINT_SALT)
    schema = [[repr(col), _dtype_descriptor(df[col])] for col in df.columns]
    digest.update(json.dumps(schema, sort_keys=True).encode("utf-8"))
    digest.update(f"\x00rows={len(df)};unordered={bool(ignore_row_order)}\x00".encode())
    if df.shape[1] and len(df):
        rows = pd.util.hash_pandas_object(df, index=False).to_numpy(dtype=np.uint64)
        if ignore_row_order:
            rows = np.sort(rows)
        digest.update(rows.astype("<u8").tobytes())
    return digest.hexdigest()


# ------------------------------------------------------------------------ card
def _categories(column: pd.Series):
    if isinstance(column.dtype, pd.CategoricalDtype):
        values = list(column.cat.categories)
    else:
        values = list(pd.unique(column.dropna()))
        if len(values) > _MAX_CATEGORIES:
            return None
        try:
            values = sorted(values)
        except TypeError:  # mixed types: keep the order of appearance
            pass
    if len(values) > _MAX_CATEGORIES:
        return None
    return [jsonable(v) for v in values]


def _schema(df: pd.DataFrame, kinds: dict) -> list:
    n = len(df)
    missing = df.isna().sum()
    unique = df.nunique(dropna=True)
    schema = []
    for col in df.columns:
        kind = kinds[col]
        entry = {
            "name": jsonable(col),
            "dtype": str(df[col].dtype),
            "kind": kind,
            "missing_rate": float(missing[col] / n) if n else 0.0,
            "n_unique": int(unique[col]),
            "categories": _categories(df[col]) if kind in ("categorical", "boolean") else None,
        }
        schema.append(entry)
    return schema


@dataclasses.dataclass(repr=False)
class DatasetCard:
    """Where a table comes from, what it holds and how it was made.

    A card is built by :func:`make_card`, written with :meth:`to_json` and read
    back with :meth:`from_json`; :meth:`matches` tells whether a table is the
    one the card describes.

    Parameters
    ----------
    name : str
        Name of the table.
    source : str
        Where it comes from (a loader, a URL, a file, "synthetic: ...").
    description : str
        Free text.
    n_rows, n_columns : int
        Shape of the table.
    columns : list of dict
        The schema: ``name``, ``dtype``, ``kind``, ``missing_rate``,
        ``n_unique`` and ``categories`` (for categorical and boolean columns
        with at most 100 values, otherwise None) of every column.
    target : str or None
        The target column, if any.
    fingerprint : str
        :func:`fingerprint` of the table.
    fingerprint_unordered : str
        :func:`fingerprint` with ``ignore_row_order=True``.
    steps : list of dict
        The processing steps applied: ``name``, ``class``, ``params``
        (``get_params(deep=False)`` rendered JSON-safe) and ``fitted``, or a
        ``description`` for steps given as text.
    versions : dict of str to str
        sksynth, Python, NumPy, pandas and scikit-learn versions.
    created : str
        Creation time, ISO 8601 in UTC.
    format : int
        Version of the card layout.

    See Also
    --------
    make_card : Build a card from a DataFrame.
    fingerprint : The content hash recorded in the card.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.datasets import make_card
    >>> df = pd.DataFrame({"age": [31, 45, None], "job": ["a", "b", "a"]})
    >>> card = make_card(df, name="toy", source="hand-made")
    >>> card.shape, [c["kind"] for c in card.columns]
    ((3, 2), ['integer', 'categorical'])
    >>> card.matches(df), card.matches(df.iloc[::-1])
    (True, False)
    """

    name: str
    source: str
    description: str
    n_rows: int
    n_columns: int
    columns: list
    target: str | None
    fingerprint: str
    fingerprint_unordered: str
    steps: list
    versions: dict
    created: str
    format: int = CARD_FORMAT

    @property
    def shape(self) -> tuple:
        """Return the shape of the table, ``(n_rows, n_columns)``."""
        return (self.n_rows, self.n_columns)

    @property
    def sksynth_version(self) -> str:
        """Return the version of sksynth that made the card."""
        return self.versions.get("sksynth", "unknown")

    def __repr__(self) -> str:
        return (
            f"DatasetCard(name={self.name!r}, source={self.source!r}, shape={self.shape}, "
            f"fingerprint={self.fingerprint[:12]!r}..., steps={len(self.steps)}, "
            f"created={self.created!r})"
        )

    def matches(self, df, *, ignore_row_order: bool = False) -> bool:
        """Tell whether ``df`` is the table this card describes.

        Parameters
        ----------
        df : pandas.DataFrame
            The table to check.
        ignore_row_order : bool, default=False
            Compare the row-order-independent fingerprints instead.

        Returns
        -------
        same : bool
            True if the fingerprints are equal.
        """
        expected = self.fingerprint_unordered if ignore_row_order else self.fingerprint
        return fingerprint(df, ignore_row_order=ignore_row_order) == expected

    def to_dict(self) -> dict:
        """Return the card as a dict of JSON-compatible values.

        Returns
        -------
        card : dict
        """
        return dataclasses.asdict(self)

    def to_json(self, path=None, *, indent: int = 2) -> str:
        """Serialise the card as JSON, optionally writing it (atomically) to ``path``.

        Parameters
        ----------
        path : str or path-like, default=None
            Destination file; its folder is created if needed.
        indent : int, default=2
            Indentation of the JSON text.

        Returns
        -------
        text : str
            The JSON document.
        """
        text = json.dumps(self.to_dict(), indent=indent, allow_nan=False, ensure_ascii=False)
        if path is not None:
            with atomic_write(Path(path)) as fh:
                fh.write(text + "\n")
        return text

    @classmethod
    def from_dict(cls, data: dict) -> DatasetCard:
        """Build a card from :meth:`to_dict`'s output.

        Parameters
        ----------
        data : dict
            The card's fields.

        Returns
        -------
        card : DatasetCard

        Raises
        ------
        ValueError
            If fields are missing or unknown.
        """
        if not isinstance(data, dict):
            raise TypeError(f"A card must be a JSON object; got {type(data).__name__}.")
        fields = {f.name for f in dataclasses.fields(cls)}
        required = {f.name for f in dataclasses.fields(cls) if f.name != "format"}
        missing, unknown = sorted(required - data.keys()), sorted(data.keys() - fields)
        if missing or unknown:
            raise ValueError(f"Not a dataset card: missing fields {missing}, unknown {unknown}.")
        if data.get("format", CARD_FORMAT) > CARD_FORMAT:
            raise ValueError(
                f"The card has format {data['format']}; this sksynth reads format "
                f"{CARD_FORMAT} or older. Upgrade sksynth."
            )
        return cls(**data)

    @classmethod
    def from_json(cls, path) -> DatasetCard:
        """Read a card written by :meth:`to_json`.

        Parameters
        ----------
        path : str or path-like
            The JSON file.

        Returns
        -------
        card : DatasetCard
        """
        with open(path, encoding="utf-8") as fh:
            return cls.from_dict(json.load(fh))


def make_card(
    df,
    *,
    name: str,
    source: str,
    description: str = "",
    steps=None,
    target: str | None = None,
    kinds=None,
) -> DatasetCard:
    """Describe a table in a :class:`DatasetCard`: origin, schema, fingerprint, steps.

    Parameters
    ----------
    df : pandas.DataFrame
        The table (target column included, if any).
    name : str
        Name of the table.
    source : str
        Where it comes from.
    description : str, default=""
        Free text.
    steps : estimator, Pipeline, list or None, default=None
        The processing applied to make ``df``: a (fitted) scikit-learn or
        imbalanced-learn ``Pipeline`` (one entry per step), a single estimator,
        or a list of estimators, ``(name, estimator)`` pairs, strings (free
        text) or dicts. Estimators are recorded by class and
        ``get_params(deep=False)``, rendered JSON-safe.
    target : str, default=None
        The target column; it must be a column of ``df``.
    kinds : dict of str to str, default=None
        Column kinds that replace the inferred ones.

    Returns
    -------
    card : DatasetCard

    Raises
    ------
    TypeError
        If ``df`` is not a DataFrame, ``name``/``source``/``description`` are
        not strings, or a step is not an estimator, string or dict.
    ValueError
        If ``target`` is not a column of ``df``.

    Examples
    --------
    >>> from sklearn.impute import SimpleImputer
    >>> from sksynth.datasets import load_credit, make_card
    >>> df = load_credit()
    >>> card = make_card(df, name="credit", source="sksynth.datasets.load_credit",
    ...                  steps=[SimpleImputer(strategy="median")], target="Status")
    >>> card.shape, card.steps[0]["class"], card.steps[0]["params"]["strategy"]
    ((4454, 14), 'sklearn.impute._base.SimpleImputer', 'median')
    """
    df = _check_frame(df)
    for label, value in (("name", name), ("source", source), ("description", description)):
        if not isinstance(value, str):
            raise TypeError(f"{label} must be a string; got {type(value).__name__}.")
    if target is not None and target not in df.columns:
        raise ValueError(
            f"target {target!r} is not a column of df; columns are {list(df.columns)}."
        )
    kinds = infer_column_kinds(df, overrides=kinds)
    return DatasetCard(
        name=name,
        source=source,
        description=description,
        n_rows=int(df.shape[0]),
        n_columns=int(df.shape[1]),
        columns=_schema(df, kinds),
        target=jsonable(target),
        fingerprint=fingerprint(df),
        fingerprint_unordered=fingerprint(df, ignore_row_order=True),
        steps=describe_steps(steps),
        versions=library_versions(),
        created=datetime.now(UTC).isoformat(timespec="seconds"),
    )
