"""Column-kind inference shared by every part of sksynth.

A *kind* is what a column means to a model, not how pandas stores it:

``"continuous"``
    real numbers (float columns holding non-integral values);
``"integer"``
    whole numbers, whatever their storage (``int64``, ``Int64`` or a float column
    whose non-missing values are all integral, as pandas makes of an integer
    column with missing values);
``"categorical"``
    a finite set of labels (``category``, ``object`` or ``string`` columns);
``"boolean"``
    two truth values (``bool``/``boolean`` columns, or object columns holding only
    ``True``/``False``);
``"datetime"``
    timestamps (``datetime64`` columns, time-zone aware or not).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = [
    "KINDS",
    "can_hold_missing",
    "infer_column_kind",
    "infer_column_kinds",
    "kind_of_dtype",
    "parse_iso_dates",
    "text_time_kind",
]

KINDS = ("continuous", "integer", "categorical", "boolean", "datetime")

# durations written as text, hours to seconds: "2:08:37", "101:02:03.5"
_TEXT_DURATION = r"^\d+:\d{2}:\d{2}(?:\.\d+)?$"
# an ISO 8601 date, optionally with a time and a UTC offset
_ISO_DATE = r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$"


def _is_bool_like(values: pd.Series) -> bool:
    non_null = values.dropna()
    if non_null.empty:
        return False
    return bool(non_null.map(lambda v: isinstance(v, bool | np.bool_)).all())


# the kind a dtype alone gives, checked in order (booleans before integers)
_DTYPE_KINDS = (
    (pd.api.types.is_bool_dtype, "boolean"),
    (pd.api.types.is_datetime64_any_dtype, "datetime"),
    (lambda dtype: isinstance(dtype, pd.CategoricalDtype), "categorical"),
    (pd.api.types.is_integer_dtype, "integer"),
    (pd.api.types.is_float_dtype, "continuous"),
)


def kind_of_dtype(dtype) -> str:
    """Return the kind a column has from its dtype alone, without reading its values.

    Float columns are ``"continuous"`` and ``object`` or ``string`` columns
    ``"categorical"``; :func:`infer_column_kind` refines both from the values
    (whole numbers, Python booleans). Use this where the values must not be
    looked at, for example because they are private.

    Parameters
    ----------
    dtype : numpy or pandas dtype
        The column's dtype.

    Returns
    -------
    kind : str
        One of :data:`KINDS`.
    """
    for matches, kind in _DTYPE_KINDS:
        if matches(dtype):
            return kind
    return "categorical"


def can_hold_missing(dtype):
    """Whether a column of ``dtype`` can hold missing values (numpy ints and bools cannot)."""
    if isinstance(dtype, np.dtype):
        return dtype.kind not in "biu"
    return True


def infer_column_kind(column: pd.Series) -> str:
    """Infer the kind of one column.

    Parameters
    ----------
    column : pandas.Series
        The column to inspect.

    Returns
    -------
    kind : str
        One of :data:`KINDS`.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.utils import infer_column_kind
    >>> infer_column_kind(pd.Series([1.0, 2.0, None]))
    'integer'
    >>> infer_column_kind(pd.Series(["a", "b"]))
    'categorical'
    """
    kind = kind_of_dtype(column.dtype)
    if kind == "continuous":
        values = column.to_numpy(dtype="float64", na_value=np.nan)
        finite = values[np.isfinite(values)]
        if finite.size and np.all(finite == np.round(finite)):
            return "integer"
    elif pd.api.types.is_object_dtype(column.dtype) and _is_bool_like(column):
        return "boolean"
    return kind


def infer_column_kinds(
    X: pd.DataFrame, overrides: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Infer the kind of every column of a DataFrame.

    Parameters
    ----------
    X : pandas.DataFrame
        The table to inspect.
    overrides : dict of str to str, default=None
        Kinds that replace the inferred ones, by column name.

    Returns
    -------
    kinds : dict of str to str
        Column name to kind, in the column order of ``X``.

    Raises
    ------
    ValueError
        If an override names a column that ``X`` lacks or a kind that does not
        exist.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.utils import infer_column_kinds
    >>> df = pd.DataFrame({"age": [30, 41], "job": ["a", "b"], "ok": [True, False]})
    >>> infer_column_kinds(df)
    {'age': 'integer', 'job': 'categorical', 'ok': 'boolean'}
    >>> infer_column_kinds(df, overrides={"age": "continuous"})["age"]
    'continuous'
    """
    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"X must be a pandas DataFrame, got {type(X).__name__}.")
    kinds = {col: infer_column_kind(X[col]) for col in X.columns}
    for col, kind in (overrides or {}).items():
        if col not in kinds:
            raise ValueError(
                f"overrides names column {col!r}, which is not in X; "
                f"columns are {list(X.columns)}."
            )
        if kind not in KINDS:
            raise ValueError(
                f"overrides gives column {col!r} the kind {kind!r}; "
                f"expected one of {KINDS}."
            )
        kinds[col] = kind
    return kinds


def parse_iso_dates(column: pd.Series):
    """Return a text column read as dates, or None if it is not one.

    It is read when every present value is an ISO 8601 date or timestamp
    (``"1969-01-01"``, ``"2013-01-01T10:00:00Z"``) and all of them parse
    together (with a UTC offset on all or none).

    Parameters
    ----------
    column : pandas.Series
        A column as read from a text file.

    Returns
    -------
    dates : pandas.Series or None
        The ``datetime64`` column, or None.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.utils import infer_column_kind, parse_iso_dates
    >>> infer_column_kind(parse_iso_dates(pd.Series(["1969-01-01", None, "1969-01-03"])))
    'datetime'
    >>> parse_iso_dates(pd.Series(["1969-01-01", "soon"])) is None
    True
    """
    if not (column.dtype == object or pd.api.types.is_string_dtype(column.dtype)):
        return None
    present = column.dropna()
    if not len(present) or not present.astype(str).str.match(_ISO_DATE).all():
        return None
    try:
        return pd.to_datetime(column, format="ISO8601")
    except (ValueError, TypeError):
        return None


def text_time_kind(values):
    """Return what text values hold, if times: ``"date"``, ``"duration"`` or None.

    Durations are hours to seconds (``"2:08:37"``). Dates are ISO 8601 or any
    format pandas reads, each value on its own (day-first and month-first
    alike); every one must hold a four-digit year, which keeps version
    numbers, times of day and bare numbers out.

    Parameters
    ----------
    values : array-like
        A few values of a column (labels).

    Returns
    -------
    kind : {"date", "duration"} or None
        None unless every value is one.

    Examples
    --------
    >>> from sksynth.utils import text_time_kind
    >>> text_time_kind(["13/01/2001", "Jan 5, 2010"]), text_time_kind(["2:08:37", "101:02:03.5"])
    ('date', 'duration')
    >>> text_time_kind(["1.2.3", "10:30"]) is None
    True
    >>> text_time_kind(["2020-01-01T00:00+01:00", "2020-06-01T00:00+02:00"])
    'date'
    """
    text = pd.Series(values, dtype=object).astype(str)
    if text.str.match(_TEXT_DURATION).all():
        return "duration"
    if not text.str.contains(r"(?<!\d)\d{4}(?!\d)").all() or text.str.fullmatch(r"\d+").any():
        return None
    with warnings.catch_warnings():  # pandas warns when it reads values one by one
        warnings.simplefilter("ignore")
        # in UTC: timestamps with offsets that differ (across a clock change) are dates too
        dates = pd.to_datetime(text, format="mixed", errors="coerce", utc=True)
    return "date" if dates.notna().all() else None
