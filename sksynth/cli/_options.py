"""Reading the values of options: ``--conditions``, ``--kinds``, ``--param``."""

from __future__ import annotations

import ast

import numpy as np

from ..utils import KINDS
from ._common import CLIError, column_list

__all__ = ["match_value", "parse_conditions", "parse_kinds", "parse_params"]


def _pairs(texts, option: str, example: str):
    """Yield ``(name, value)`` from ``"a=1,b=2"`` strings (the option may repeat)."""
    if isinstance(texts, str):
        texts = [texts]
    seen = set()
    for text in texts or []:
        for part in str(text).split(","):
            part = part.strip()
            if not part:
                continue
            name, sep, value = part.partition("=")
            name, value = name.strip(), value.strip()
            if not sep or not name or not value:
                raise CLIError(
                    f"{option}: cannot read {part!r}; write column=value, several "
                    f"separated by commas (e.g. {option} {example})"
                )
            if name in seen:
                raise CLIError(f"{option}: column {name!r} is given twice")
            seen.add(name)
            yield name, value


def parse_conditions(texts) -> dict:
    """Parse ``--conditions`` values ``"col=value[,col=value]"`` into a dict of strings.

    Parameters
    ----------
    texts : str or list of str
        One or several (repeated option) condition strings.

    Returns
    -------
    conditions : dict of str to str
        Column name to the value as written (matched to the column's values later).

    Raises
    ------
    CLIError
        On a part without ``=``, an empty column name or value, or a column
        given twice.

    Examples
    --------
    >>> from sksynth.cli import parse_conditions
    >>> parse_conditions("churn=yes, plan=basic")
    {'churn': 'yes', 'plan': 'basic'}
    """
    return dict(_pairs(texts, "--conditions", "churn=yes,plan=basic"))


def parse_kinds(texts, columns, *, target=None) -> dict | None:
    """Parse ``--kinds`` values ``"col=kind[,col=kind]"`` and check them against a table.

    Parameters
    ----------
    texts : str or list of str
        One or several (repeated option) strings.
    columns : sequence of str
        The columns of the table (without the target).
    target : str, default=None
        The ``--target`` column, which keeps the labels as read and takes no kind.

    Returns
    -------
    kinds : dict of str to str or None
        Column name to kind, ``None`` when the option was not given.

    Raises
    ------
    CLIError
        On a malformed part, a column the table lacks, the target, or a kind
        that is not one of ``continuous``, ``integer``, ``categorical``,
        ``boolean``, ``datetime``.

    Examples
    --------
    >>> from sksynth.cli import parse_kinds
    >>> parse_kinds("Amount=continuous,Home=categorical", ["Amount", "Home", "Age"])
    {'Amount': 'continuous', 'Home': 'categorical'}
    """
    if not texts:
        return None
    kinds = {}
    known = [str(c) for c in columns]
    for column, kind in _pairs(texts, "--kinds", "Amount=continuous,Home=categorical"):
        if column == target:
            raise CLIError(
                f"--kinds: {column!r} is the --target column, which is kept as read; "
                "give kinds of the other columns"
            )
        if column not in known:
            raise CLIError(
                f"--kinds: {column!r} is not a column of the table; its columns are "
                f"{column_list(known)}"
            )
        if kind not in KINDS:
            raise CLIError(
                f"--kinds: {column}={kind!r} is not a kind; the kinds are {', '.join(KINDS)}"
            )
        kinds[column] = kind
    return kinds


def parse_params(texts) -> dict:
    """``--param name=value`` pairs; values read as Python literals when they are ones."""
    params = {}
    for text in texts or []:
        key, sep, raw = text.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            raise CLIError(f"--param: cannot read {text!r}; write name=value (e.g. lr=1e-3)")
        try:
            params[key] = ast.literal_eval(raw.strip())
        except (ValueError, SyntaxError):
            params[key] = raw.strip()
    return params


def match_value(text: str, known):
    """Return the known value written ``text`` (``"1"`` -> ``1``), else ``text`` itself."""
    for value in known:
        if getattr(value, "levels", None) is not None:  # a slot of grouped rare levels
            continue
        if str(value) == text:
            return value.item() if isinstance(value, np.generic) else value
    lowered = text.lower()
    if lowered in ("true", "false"):
        for value in known:
            if isinstance(value, bool | np.bool_) and str(value).lower() == lowered:
                return bool(value)
    return text
