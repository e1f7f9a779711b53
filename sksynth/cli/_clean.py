"""``sksynth clean``: a clean copy of a table, every change printed per column.

The steps are those of :func:`sksynth.preprocessing.make_cleaning_steps`:
numbers written as text are parsed (thousands separators included, see
:func:`parse_thousands`), exact duplicate rows dropped, missing values filled
and, with ``--clip``, outliers clipped. The target column is kept exactly
as read.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..preprocessing import TypeCoercer, make_cleaning_steps
from ..utils import is_classification
from ._common import info
from ._options import parse_kinds
from ._tables import check_table_output, read_table, target_column, write_table

__all__ = ["column_changes", "parse_thousands", "run"]

#: ``--thousands`` choices and the separator each one means.
THOUSANDS = {"comma": ",", "apostrophe": "'", "space": " ", "underscore": "_", "none": None}


def _is_text(column: pd.Series) -> bool:
    return column.dtype == object or isinstance(column.dtype, pd.StringDtype)


def parse_thousands(frame: pd.DataFrame, separator=",", *, missing_tokens=None):
    """Remove thousands separators from text columns that then hold only numbers.

    A text column is changed only when at least one of its values is a number
    written with separators (``"1,200"``, ``"-12,345.5"``: groups of three
    digits) and every other value is a plain number or a missing-value token
    (``"?"``, ``"NA"``...), so that the column parses as numbers afterwards.
    Other columns, and every value of them, are left as they are.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table (not modified).
    separator : str or None, default=","
        The thousands separator; ``None`` changes nothing.
    missing_tokens : sequence of str, default=None
        Strings that count as missing (case-insensitive); ``None`` uses those
        of :class:`~sksynth.preprocessing.TypeCoercer`.

    Returns
    -------
    frame : pandas.DataFrame
        A copy with the separators removed where they were.
    counts : dict of str to int
        Column name to the number of values whose separators were removed.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.cli import parse_thousands
    >>> table = pd.DataFrame({"income": ["1,200", "950", "?"], "city": ["Lyon", "1,000", "Nice"]})
    >>> parsed, counts = parse_thousands(table)
    >>> parsed["income"].tolist(), parsed["city"].tolist(), counts
    (['1200', '950', '?'], ['Lyon', '1,000', 'Nice'], {'income': 1})
    """
    if separator is None:
        return frame, {}
    if missing_tokens is None:
        missing_tokens = TypeCoercer().missing_tokens
    tokens = {str(t).strip().lower() for t in missing_tokens}
    sep = re.escape(separator)
    grouped = re.compile(rf"^[+-]?\d{{1,3}}(?:{sep}\d{{3}})+(?:\.\d+)?$")
    out, counts = frame.copy(), {}
    for col in frame.columns:
        column = frame[col]
        if not _is_text(column):
            continue
        text = column.dropna().astype(str).str.strip()
        is_grouped = text.str.match(grouped)
        if not is_grouped.any():
            continue
        rest = text[~is_grouped]
        plain = pd.to_numeric(rest, errors="coerce").notna() | rest.str.lower().isin(tokens)
        if not plain.all():
            continue
        stripped = text[is_grouped].str.replace(separator, "", regex=False)
        values = column.astype(object).copy()
        values.loc[stripped.index] = stripped
        out[col] = values.astype(column.dtype)
        counts[col] = int(is_grouped.sum())
    return out, counts


def _count_changed(before: pd.Series, after: pd.Series) -> int:
    both = before.notna().to_numpy() & after.notna().to_numpy()
    differ = before.astype(object).to_numpy() != after.astype(object).to_numpy()
    return int((both & differ).sum())


def column_changes(before: pd.DataFrame, after: pd.DataFrame) -> dict:
    """Describe, column by column, what a row-preserving step changed.

    Parameters
    ----------
    before, after : pandas.DataFrame
        The table before and after the step (same rows).

    Returns
    -------
    changes : dict of str to str
        Column name to a short description (dtype change, values filled,
        values made missing, values changed, column dropped); unchanged
        columns are left out.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sksynth.cli import column_changes
    >>> before = pd.DataFrame({"a": [1.0, np.nan, 30.0], "b": ["x", "y", "z"]})
    >>> column_changes(before, pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": ["x", "y", "z"]}))
    {'a': '1 missing value(s) filled, 1 value(s) changed'}
    """
    changes = {}
    for col in before.columns:
        if col not in after.columns:
            changes[col] = "column dropped"
            continue
        old, new = before[col], after[col]
        parts = []
        if old.dtype != new.dtype:
            parts.append(f"{old.dtype} -> {new.dtype}")
        filled = int((old.isna().to_numpy() & new.notna().to_numpy()).sum())
        emptied = int((old.notna().to_numpy() & new.isna().to_numpy()).sum())
        if filled:
            parts.append(f"{filled} missing value(s) filled")
        if emptied:
            parts.append(f"{emptied} value(s) made missing")
        if old.dtype == new.dtype:
            changed = _count_changed(old, new)
            if changed:
                parts.append(f"{changed} value(s) changed")
        if parts:
            changes[col] = ", ".join(parts)
    for col in after.columns:
        if col not in before.columns:
            changes[col] = "column added"
    return changes


# how each kind of change counted in a cleaner's ``changes_`` is printed
_CHANGE_WORDS = {
    "made_missing": "value(s) made missing",
    "imputed": "missing value(s) filled",
    "clipped": "value(s) clipped",
}


def _reported_changes(step, before, after) -> dict:
    """Describe the step's changes per column, from its own count (``changes_``) if it has one."""
    counted = getattr(step, "changes_", None)
    if counted is None:
        return column_changes(before, after)
    if isinstance(counted, pd.DataFrame):  # one row per column, one column per kind of change
        return {
            col: ", ".join(
                f"{int(n)} {_CHANGE_WORDS.get(kind, 'value(s) ' + kind.replace('_', ' '))}"
                for kind, n in row.items()
                if n
            )
            for col, row in counted.iterrows()
            if row.any()
        }
    counted = dict(counted.items())
    return {col: f"{count} value(s) changed" for col, count in counted.items() if count}


def _print_changes(name: str, changes: dict):
    for col, what in changes.items():
        print(f"  {name.replace('_', ' ')}: {col}: {what}")


def run(args) -> int:
    """Clean ``args.data`` and write it to ``args.out``, printing every change."""
    check_table_output(args.out)
    frame = read_table(args.data, option="DATA")
    X, y = target_column(frame, args.target, option=str(args.data))
    kinds = parse_kinds(args.kinds, X.columns, target=args.target)
    X, separated = parse_thousands(X, THOUSANDS[args.thousands])
    labelled = y is not None and is_classification(y)
    y_steps = y.to_numpy() if labelled else np.arange(len(X)) % 2  # row filters need 2 classes
    steps = make_cleaning_steps(
        X,
        drop_duplicates=not args.keep_duplicates,
        drop_missing_rows=args.drop_missing_rows,
        drop_outliers=args.drop_outliers,
        include_target=labelled,
        impute=None if args.impute == "none" else args.impute,
        clip_outliers=args.clip,
        random_state=args.random_state,
        **({"kinds": kinds} if kinds else {}),
    )
    info(args, f"cleaning {args.data}: {X.shape[0]} rows x {X.shape[1]} feature columns")
    n_missing = int(X.isna().sum().sum())
    kept = np.arange(len(X))
    current = X
    dropped, changed = {}, {}
    for name, step in steps:
        if hasattr(step, "fit_resample"):
            before = len(current)
            current, _ = step.fit_resample(current, y_steps[kept])
            kept = kept[step.sample_indices_]
            dropped[name] = before - len(current)
        else:
            before = current
            current = step.fit_transform(current)
            changed[name] = _reported_changes(step, before, current)
    out = current.reset_index(drop=True)
    if y is not None:
        position = list(frame.columns).index(args.target)
        out.insert(min(position, out.shape[1]), args.target, y.iloc[kept].reset_index(drop=True))
    write_table(out, args.out)
    left = int(current.isna().sum().sum())
    print(f"rows: {len(X)} read, {len(out)} written")
    for name, count in dropped.items():
        print(f"  {name.replace('_', ' ')}: {count} row(s) dropped")
    print("columns:" if separated or any(changed.values()) else "columns: unchanged")
    _print_changes("thousands", {c: f"{n} value(s) with separators read as numbers"
                                 for c, n in separated.items()})  # fmt: skip
    for name, changes in changed.items():
        _print_changes(name, changes)
    print(f"missing cells: {n_missing} before, {left} after")
    print(f"clean table written to {args.out}")
    return 0
