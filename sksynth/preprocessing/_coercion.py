"""Type coercion of messy columns: numbers as strings, yes/no booleans, and more."""

from __future__ import annotations

from numbers import Integral

import numpy as np
import pandas as pd
from pandas.tseries.api import guess_datetime_format
from sklearn.utils._param_validation import Interval, StrOptions

from ..exceptions import DataQualityWarning
from ..utils import (
    KINDS,
    check_no_inf,
    fill_doc,
    infer_column_kind,
    infer_column_kinds,
    warn_caller,
)
from ._base import _TableTransformer
from ._docs import SHARED_ENTRIES

__all__ = ["TypeCoercer"]

#: Words read as booleans (compared after stripping blanks and lower-casing).
BOOL_WORDS = {"yes": True, "no": False, "y": True, "n": False, "true": True, "false": False}
#: Extra spellings accepted when a column is *told* to be boolean.
_BOOL_WORDS_FORCED = {
    **BOOL_WORDS,
    "t": True,
    "f": False,
    "1": True,
    "0": False,
    "1.0": True,
    "0.0": False,
}
#: Strings read as missing in a column being coerced (compared lower-cased).
DEFAULT_MISSING_TOKENS = ("", "?", "na", "n/a", "nan", "null", "none", "-")
#: A text column whose values parse as numbers this often, but not always, is
#: ambiguous: it is reported as an error rather than guessed.
AMBIGUOUS_NUMERIC_SHARE = 0.8

_OBJECT_NUMBER_TYPES = {"integer", "floating", "mixed-integer-float", "decimal"}
_OBJECT_MIXED_TYPES = {"mixed-integer", "mixed"}
_OBJECT_DATE_TYPES = {"datetime", "datetime64", "date"}


def _is_text_like(dtype) -> bool:
    """Object or string dtype (not category): where messy values hide."""
    return pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)


def _clean_text(column: pd.Series, missing_tokens) -> tuple[pd.Series, np.ndarray]:
    """Strip and lower-case a column as text; return it and a mask of real values."""
    text = column.astype("string").str.strip()
    lowered = text.str.lower()
    tokens = [str(t).strip().lower() for t in missing_tokens]
    valid = column.notna().to_numpy() & ~lowered.isin(tokens).fillna(True).to_numpy(bool)
    return lowered.where(valid), valid


def _examples(column: pd.Series, mask: np.ndarray, n: int = 3) -> list:
    return column[mask].drop_duplicates().head(n).tolist()


class _Keep:
    """Leave the column as it is."""

    name = "keep"

    def __call__(self, column, missing_tokens):
        return column, np.zeros(len(column), dtype=bool)


class _ToNumeric:
    """Parse numbers (possibly stored as text) into float64."""

    name = "to_numeric"

    def __call__(self, column, missing_tokens):
        if pd.api.types.is_bool_dtype(column.dtype):
            out = column.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
            return pd.Series(out, index=column.index, name=column.name), np.zeros(len(out), bool)
        if pd.api.types.is_numeric_dtype(column.dtype):
            out = column.to_numpy(dtype="float64", na_value=np.nan)
            return pd.Series(out, index=column.index, name=column.name), np.zeros(len(out), bool)
        text, valid = _clean_text(column, missing_tokens)
        parsed = pd.to_numeric(text, errors="coerce")
        out = np.asarray(parsed.to_numpy(dtype="float64", na_value=np.nan), dtype="float64")
        failed = valid & np.isnan(out)
        return pd.Series(out, index=column.index, name=column.name), failed


class _ToBoolean:
    """Read yes/no, true/false, y/n (any case) as pandas' nullable ``boolean``."""

    name = "to_boolean"

    def __init__(self, words=None):
        self.words = BOOL_WORDS if words is None else words

    def __call__(self, column, missing_tokens):
        if pd.api.types.is_bool_dtype(column.dtype):
            return column.astype("boolean"), np.zeros(len(column), dtype=bool)
        if pd.api.types.is_numeric_dtype(column.dtype):
            column = column.astype("Float64").astype("string")
        text, valid = _clean_text(column, missing_tokens)
        mapped = text.map(self.words)
        failed = valid & mapped.isna().to_numpy()
        out = mapped.astype("boolean")
        return out.rename(column.name), failed


class _ToCategory:
    """Turn values into a pandas ``category`` with the categories seen during fit."""

    name = "to_category"

    def __init__(self, categories):
        self.categories = categories

    def __call__(self, column, missing_tokens):
        present = column.notna().to_numpy()
        known = column.isin(self.categories).to_numpy()
        values = column.where(known)
        out = pd.Series(
            pd.Categorical(values, categories=self.categories), index=column.index, name=column.name
        )
        return out, present & ~known


class _ToDatetime:
    """Parse dates with the format guessed (or given) at fit time."""

    name = "to_datetime"

    def __init__(self, date_format):
        self.date_format = date_format

    def __call__(self, column, missing_tokens):
        if pd.api.types.is_datetime64_any_dtype(column.dtype):
            return column, np.zeros(len(column), dtype=bool)
        text = column.astype("string").str.strip()
        lowered = text.str.lower()
        tokens = [str(t).strip().lower() for t in missing_tokens]
        valid = column.notna().to_numpy() & ~lowered.isin(tokens).fillna(True).to_numpy(bool)
        parsed = pd.to_datetime(text.where(valid), errors="coerce", format=self.date_format)
        failed = valid & parsed.isna().to_numpy()
        return parsed.rename(column.name), failed


def _guess_date_format(text: pd.Series) -> str:
    first = text.dropna()
    fmt = guess_datetime_format(str(first.iloc[0])) if len(first) else None
    return fmt or "mixed"


@fill_doc(SHARED_ENTRIES)
class TypeCoercer(_TableTransformer):
    """Coerce messy columns to the types their values mean.

    Learned at ``fit`` (one conversion per column, in ``plan_``) and applied
    identically at ``transform``:

    * text columns whose values all parse as numbers become ``float64``
      (``"12"``, ``" 3.5 "``, ``"1e3"``; thousands separators are not parsed);
    * text columns holding only ``yes/no``, ``y/n`` or ``true/false`` (any case)
      become pandas' nullable ``boolean``, as do ``object`` columns of Python
      booleans;
    * ``object`` columns of Python numbers become ``float64``;
    * with ``max_int_categories``, integer columns with at most that many
      distinct values become ``category``;
    * with ``parse_dates``, text columns whose values all parse as dates become
      ``datetime64``.

    Every other column is left untouched. Strings listed in ``missing_tokens``
    (``"?"``, ``"NA"``, ...) count as missing in a column being coerced (never
    in a column left as text).

    Parameters
    ----------
    kinds : dict of str to str, default=None
        Kinds forced by column name (one of ``"continuous"``, ``"integer"``,
        ``"categorical"``, ``"boolean"``, ``"datetime"``); the column is
        converted to match. Values that do not fit the forced kind follow
        ``errors``.
    max_int_categories : int, default=None
        Integer columns with at most this many distinct values become
        categories. ``None`` turns this off.
    parse_dates : bool or list of str, default=False
        Whether text columns that hold dates are parsed (``True``: any text
        column; a list: only those columns).
    date_format : str, default=None
        The ``strftime`` format of the dates; ``None`` guesses it at fit from
        the first value (``"mixed"`` when it cannot be guessed).
    missing_tokens : tuple of str, default=("", "?", "na", "n/a", "nan", "null", "none", "-")
        Strings read as missing (case-insensitive, blanks stripped) in columns
        being converted.
    errors : {"warn", "raise", "coerce"}, default="warn"
        What happens to a value that cannot be converted to its column's
        learned type (for example ``"abc"`` arriving at ``transform`` in a
        numeric column, or a category unseen at fit in a column made
        categorical): ``"warn"`` turns it into a missing value and emits a
        :class:`~sksynth.exceptions.DataQualityWarning` naming the column and
        the count; ``"raise"`` raises a ``ValueError``; ``"coerce"`` turns it
        into a missing value silently. Put an imputer after this step to fill
        them.

    Attributes
    ----------
    kinds_ : dict of str to str
        The kind of every output column.
    plan_ : dict of str to str
        The conversion applied to every column: ``"keep"``, ``"to_numeric"``,
        ``"to_boolean"``, ``"to_category"`` or ``"to_datetime"``.
    {columns_seen}

    Raises
    ------
    ValueError
        At fit, naming the column, when a column mixes types that cannot be
        reconciled: Python numbers next to text that is not a number, or text
        of which most (at least 80%) but not all values are numbers. Force
        the column's kind with ``kinds`` to resolve it (``"categorical"``
        keeps it as text; ``"continuous"`` turns the odd values into missing
        values).

    See Also
    --------
    sksynth.utils.infer_column_kinds : The kind inference this builds on.
    MissingValueImputer : Fills what coercion leaves missing.

    Notes
    -----
    Output dtypes do not depend on the rows seen: a numeric text column always
    becomes ``float64`` and a yes/no column always nullable ``boolean``, so
    a batch at ``transform`` gets the same dtypes as the training table.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.preprocessing import TypeCoercer
    >>> df = pd.DataFrame({"price": ["1.5", " 2", "?"], "ok": ["Yes", "no", "YES"]})
    >>> coercer = TypeCoercer().fit(df)
    >>> coercer.plan_
    {'price': 'to_numeric', 'ok': 'to_boolean'}
    >>> coercer.transform(df).dtypes.astype(str).tolist()
    ['float64', 'boolean']
    """

    _parameter_constraints: dict = {
        "kinds": [dict, None],
        "max_int_categories": [Interval(Integral, 1, None, closed="left"), None],
        "parse_dates": ["boolean", list, tuple],
        "date_format": [str, None],
        "missing_tokens": [tuple, list],
        "errors": [StrOptions({"warn", "raise", "coerce"})],
    }

    def __init__(
        self,
        *,
        kinds=None,
        max_int_categories=None,
        parse_dates=False,
        date_format=None,
        missing_tokens=DEFAULT_MISSING_TOKENS,
        errors="warn",
    ):
        self.kinds = kinds
        self.max_int_categories = max_int_categories
        self.parse_dates = parse_dates
        self.date_format = date_format
        self.missing_tokens = missing_tokens
        self.errors = errors

    # -- fit -------------------------------------------------------------------------------
    def _fit(self, frame):
        """Learn one conversion per column."""
        overrides = dict(self.kinds or {})
        infer_column_kinds(frame, overrides=overrides)  # validates the overrides
        self._check_parse_dates(frame)
        self._converters_ = {
            col: (
                self._converter_for_kind(frame[col], overrides[col])
                if col in overrides
                else self._infer_converter(frame[col])
            )
            for col in frame.columns
        }
        converted = self._apply(frame)
        if self.max_int_categories is not None:
            converted = self._add_int_categories(converted, overrides)
        check_no_inf(converted, name="X")
        self.plan_ = {col: conv.name for col, conv in self._converters_.items()}
        self.kinds_ = infer_column_kinds(converted, overrides=overrides)

    def _check_parse_dates(self, frame):
        if isinstance(self.parse_dates, list | tuple):
            missing = [c for c in self.parse_dates if c not in frame.columns]
            if missing:
                raise ValueError(
                    f"parse_dates names column(s) {missing} that X lacks; columns are "
                    f"{list(frame.columns)}."
                )

    def _wants_dates(self, col) -> bool:
        if isinstance(self.parse_dates, bool):
            return self.parse_dates
        return col in self.parse_dates

    def _infer_converter(self, column: pd.Series):
        """Choose the conversion of a column from its values (no override)."""
        dtype = column.dtype
        if not _is_text_like(dtype):
            return _Keep()
        inferred = pd.api.types.infer_dtype(column, skipna=True)
        if inferred == "empty":
            return _Keep()
        if inferred in _OBJECT_NUMBER_TYPES:
            return _ToNumeric()
        if inferred == "boolean":
            return _ToBoolean()
        if inferred in _OBJECT_DATE_TYPES:
            return _ToDatetime(None)
        if inferred == "string":
            return self._infer_text_converter(column, mixed=False)
        if inferred in _OBJECT_MIXED_TYPES:
            return self._infer_text_converter(column, mixed=True)
        return _Keep()

    def _infer_text_converter(self, column: pd.Series, *, mixed: bool):
        text, valid = _clean_text(column, self.missing_tokens)
        n_valid = int(valid.sum())
        if n_valid == 0:
            return _Keep()
        numbers = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        parsed = valid & ~np.isnan(numbers)
        n_numeric = int(parsed.sum())
        if n_numeric == n_valid:
            return _ToNumeric()
        if text[valid].isin(list(BOOL_WORDS)).all():
            return _ToBoolean()
        if self._wants_dates(column.name):
            converter = _ToDatetime(self.date_format or _guess_date_format(text[valid]))
            _, failed = converter(column, self.missing_tokens)
            if not failed.any():
                return converter
        if mixed or n_numeric / n_valid >= AMBIGUOUS_NUMERIC_SHARE:
            bad = _examples(column, valid & ~parsed)
            what = (
                "Python numbers and text"
                if mixed
                else (f"text of which {n_numeric} of {n_valid} values are numbers")
            )
            raise ValueError(
                f"Column {column.name!r} mixes types that cannot be coerced: it holds {what}; "
                f"values that are not numbers include {bad}. Set kinds={{{column.name!r}: "
                f"'categorical'}} to keep it as text, or kinds={{{column.name!r}: "
                "'continuous'} to turn those values into missing values."
            )
        return _Keep()

    def _converter_for_kind(self, column: pd.Series, kind: str):
        """Choose the conversion that gives a column the kind the user forced."""
        dtype = column.dtype
        if kind in ("continuous", "integer"):
            if pd.api.types.is_datetime64_any_dtype(dtype):
                raise TypeError(
                    f"kinds asks for column {column.name!r} to be {kind!r}, but it holds "
                    "dates; convert them to numbers yourself (e.g. days since a reference)."
                )
            numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
            return _Keep() if numeric else _ToNumeric()
        if kind == "categorical":
            if isinstance(dtype, pd.CategoricalDtype) or _is_text_like(dtype):
                return _Keep()
            values = column.dropna().unique()
            return _ToCategory(np.sort(np.asarray(values)))
        if kind == "boolean":
            if pd.api.types.is_bool_dtype(dtype):
                return _Keep()
            return _ToBoolean(_BOOL_WORDS_FORCED)
        if kind == "datetime":
            if pd.api.types.is_datetime64_any_dtype(dtype):
                return _Keep()
            if pd.api.types.is_numeric_dtype(dtype):
                raise TypeError(
                    f"kinds asks for column {column.name!r} to be 'datetime', but it holds "
                    "numbers; only text or date objects can be parsed as dates."
                )
            text, valid = _clean_text(column, self.missing_tokens)
            return _ToDatetime(self.date_format or _guess_date_format(text[valid]))
        raise ValueError(  # pragma: no cover - infer_column_kinds validated it
            f"kinds gives column {column.name!r} the kind {kind!r}; expected one of {KINDS}."
        )

    def _add_int_categories(self, converted: pd.DataFrame, overrides) -> pd.DataFrame:
        converted = converted.copy(deep=False)
        for col in converted.columns:
            if col in overrides:
                continue
            values = converted[col]
            if infer_column_kind(values) != "integer" or pd.api.types.is_bool_dtype(values.dtype):
                continue
            uniques = values.dropna().unique()
            if len(uniques) == 0 or len(uniques) > self.max_int_categories:
                continue
            categories = np.sort(np.asarray(uniques, dtype="float64")).astype("int64")
            to_category = _ToCategory(categories)
            self._converters_[col] = _Chain(self._converters_[col], to_category)
            converted[col] = to_category(values, self.missing_tokens)[0]
        return converted

    # -- transform --------------------------------------------------------------------------
    def _apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        out, failures = {}, []
        for col, converter in self._converters_.items():
            converted, failed = converter(frame[col], self.missing_tokens)
            if failed.any():
                failures.append(self._describe_failures(frame[col], failed, converter))
            out[col] = converted
        if failures and self.errors == "warn":  # one warning for every column
            warn_caller(
                f"{len(failures)} column(s) hold values that could not be converted; "
                f"they become missing values: {'; '.join(failures)}.",
                DataQualityWarning,
            )
        result = pd.DataFrame(out, index=frame.index)
        result.columns = frame.columns
        return result

    def _describe_failures(self, column, failed, converter):
        """Describe a column's unconvertible values; raise at once with ``errors='raise'``."""
        n = int(failed.sum())
        message = (
            f"Column {column.name!r}: {n} value(s) could not be converted ({converter.name}), "
            f"e.g. {_examples(column, failed)}"
        )
        if self.errors == "raise":
            raise ValueError(f"{message}; errors='raise'.")
        return message

    def _transform(self, frame):
        result = self._apply(frame)
        check_no_inf(result, name="X")
        return result


class _Chain:
    """Two conversions one after the other (text -> number -> category)."""

    def __init__(self, first, second):
        self.first, self.second = first, second
        self.name = second.name

    def __call__(self, column, missing_tokens):
        middle, failed_first = self.first(column, missing_tokens)
        out, failed_second = self.second(middle, missing_tokens)
        return out, failed_first | failed_second
