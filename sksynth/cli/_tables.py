"""Reading and writing the command line's tables and reports, with one-line errors.

A file is read by its extension: ``.csv`` (also compressed, ``.csv.gz``,
``.csv.bz2``, ``.csv.zip``, ``.csv.xz``) with :func:`pandas.read_csv`, and
``.parquet`` / ``.pq`` with :func:`pandas.read_parquet` (needs ``pyarrow``).
Output paths are checked before any work starts, and every file is written
atomically (to a temporary file next to the destination, then moved into
place), so an interrupted command never leaves a half-written file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..utils import atomic_write, parse_iso_dates, split_target
from ..utils._chunks import require_pyarrow, write_parquet
from ._common import CLIError, check_not_folder, column_list

__all__ = [
    "check_report_output",
    "check_table_output",
    "read_table",
    "target_column",
    "write_chunks",
    "write_table",
]

_CSV_SUFFIXES = (".csv", ".csv.gz", ".csv.bz2", ".csv.zip", ".csv.xz")
_PARQUET_SUFFIXES = (".parquet", ".pq")
_REPORT_SUFFIXES = (".html", ".htm")


def _table_format(path: Path, *, option: str) -> str:
    name = path.name.lower()
    if name.endswith(_CSV_SUFFIXES):
        return "csv"
    if name.endswith(_PARQUET_SUFFIXES):
        return "parquet"
    raise CLIError(
        f"{option} {str(path)!r}: unknown file type; expected a name ending in "
        f"{', '.join(_CSV_SUFFIXES + _PARQUET_SUFFIXES)}"
    )


def _check_pyarrow(action: str):
    try:
        require_pyarrow(f"{action} Parquet files")
    except ImportError as exc:
        raise CLIError(str(exc)) from None


def check_table_output(path, *, option: str = "--out") -> Path:
    """Check that a table can be written to ``path``, before any work is done.

    Parameters
    ----------
    path : str or path-like
        The destination: ``.csv``, ``.parquet`` or ``.pq``.
    option : str, default="--out"
        How the file is named in error messages.

    Returns
    -------
    path : pathlib.Path

    Raises
    ------
    CLIError
        If the extension is not one of a table, the CSV is compressed, the
        path is a folder, or Parquet is asked for without ``pyarrow``.

    Examples
    --------
    >>> from sksynth.cli import CLIError, check_table_output
    >>> check_table_output("synth.csv").name
    'synth.csv'
    >>> try:
    ...     check_table_output("synth.txt")
    ... except CLIError as exc:
    ...     print(exc)
    --out 'synth.txt': unknown file type; expected a name ending in .csv, .parquet, .pq
    """
    path = Path(path)
    name = path.name.lower()
    if not name.endswith((".csv", *_PARQUET_SUFFIXES)) and not name.endswith(_CSV_SUFFIXES):
        raise CLIError(
            f"{option} {str(path)!r}: unknown file type; expected a name ending in "
            f".csv, {', '.join(_PARQUET_SUFFIXES)}"
        )
    fmt = _table_format(path, option=option)
    if fmt == "csv" and not name.endswith(".csv"):
        raise CLIError(
            f"{option} {str(path)!r}: compressed CSV output is not supported; "
            "write .csv or .parquet"
        )
    if fmt == "parquet":
        _check_pyarrow("Writing")
    return check_not_folder(path, option, "table.csv")


def check_report_output(path, *, option: str = "--out") -> Path:
    """Check that an HTML report can be written to ``path``, before any work is done.

    Parameters
    ----------
    path : str or path-like
        The destination, ending in ``.html`` or ``.htm``.
    option : str, default="--out"
        How the file is named in error messages.

    Returns
    -------
    path : pathlib.Path

    Raises
    ------
    CLIError
        If the name does not end in ``.html`` / ``.htm`` or is a folder.
    """
    path = Path(path)
    if not path.name.lower().endswith(_REPORT_SUFFIXES):
        raise CLIError(
            f"{option} {str(path)!r}: the report is an HTML page; give a name ending in .html"
        )
    return check_not_folder(path, option, "report.html")


def read_table(path, *, option: str = "DATA") -> pd.DataFrame:
    """Read a CSV or Parquet file into a DataFrame, with clear errors.

    CSV columns keep the dtypes pandas gives them: numbers stay numbers and
    text stays text (it is not turned into ``category``: a text column may
    hold numbers written as text, ``"1,200"`` or ``"?"``, that ``sksynth
    clean`` parses), except that a column of ISO 8601 dates or timestamps
    (``1969-01-01``, ``2013-01-01T10:00:00Z``) is read as dates. Parquet
    files keep their stored dtypes.

    Parameters
    ----------
    path : str or path-like
        The file; its extension picks the reader (``.csv`` and compressed
        ``.csv.gz`` etc., ``.parquet``, ``.pq``).
    option : str, default="DATA"
        How the file is named in error messages (the command-line argument).

    Returns
    -------
    frame : pandas.DataFrame
        The table, dtypes as pandas reads them (text stays text).

    Raises
    ------
    CLIError
        If the file is missing, of an unknown type, unreadable or empty.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from sksynth.cli import read_table
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = path.write_text("age,job" + chr(10) + "31,fixed" + chr(10) + "45,freelance")
    >>> read_table(path).shape
    (2, 2)
    """
    path = Path(path)
    if not path.exists():
        raise CLIError(f"{option} {str(path)!r}: no such file")
    if path.is_dir():
        raise CLIError(f"{option} {str(path)!r} is a folder, not a file")
    fmt = _table_format(path, option=option)
    if fmt == "parquet":
        _check_pyarrow("Reading")
    try:
        frame = pd.read_csv(path, low_memory=False) if fmt == "csv" else pd.read_parquet(path)
    except pd.errors.EmptyDataError:
        raise CLIError(f"{option} {str(path)!r} is empty") from None
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise CLIError(f"{option} {str(path)!r} cannot be read as {fmt}: {exc}") from None
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise CLIError(
            f"{option} {str(path)!r} holds no data ({frame.shape[0]} rows, "
            f"{frame.shape[1]} columns)"
        )
    if fmt == "csv":
        for column in frame.columns:
            dates = parse_iso_dates(frame[column])
            if dates is not None:
                frame[column] = dates
    return frame


def target_column(frame: pd.DataFrame, target, *, option: str):
    """Split the ``--target`` column off a table; every row must have a label.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table as read.
    target : str or None
        The ``--target`` option.
    option : str
        How the table is named in error messages.

    Returns
    -------
    X : pandas.DataFrame
        The other columns.
    y : pandas.Series or None
        The target column, exactly as read.
    """
    if target is None:
        return frame, None
    try:
        X, y, _ = split_target(frame, target, name="--target", table=option)
    except ValueError:
        raise CLIError(
            f"--target {target!r} is not a column of {option}; its columns are "
            f"{column_list(frame.columns)}"
        ) from None
    n_missing = int(y.isna().sum())
    if n_missing:
        raise CLIError(
            f"--target {target!r} has {n_missing} missing value(s) in {option}; every row "
            "needs a label (drop those rows first)"
        )
    return X, y


def _write_csv(frames, fh) -> int:
    n_rows = 0
    for i, frame in enumerate(frames):
        frame.to_csv(fh, header=i == 0, index=False)
        n_rows += len(frame)
    return n_rows


def write_chunks(frames, path, *, option: str = "--out") -> int:
    """Write an iterable of DataFrames to one CSV or Parquet file, chunk by chunk.

    Only one chunk is in memory at a time; the file appears under ``path``
    once every chunk is written. Parquet output goes through
    :func:`sksynth.utils._chunks.write_parquet` (one row group per chunk).

    Parameters
    ----------
    frames : iterable of pandas.DataFrame
        The parts of the table, in order, with the same columns.
    path : str or path-like
        The destination; ``.csv`` or ``.parquet`` / ``.pq``.
    option : str, default="--out"
        How the file is named in error messages.

    Returns
    -------
    n_rows : int
        Number of rows written.
    """
    path = check_table_output(path, option=option)
    if _table_format(path, option=option) == "parquet":
        return write_parquet(frames, path)
    with atomic_write(path, "w", newline="") as fh:
        return _write_csv(frames, fh)


def write_table(frame: pd.DataFrame, path, *, option: str = "--out") -> Path:
    """Write a DataFrame to a CSV or Parquet file atomically (no index).

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    path : str or path-like
        The destination; ``.csv`` or ``.parquet`` / ``.pq``.
    option : str, default="--out"
        How the file is named in error messages.

    Returns
    -------
    path : pathlib.Path
        The file written.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import pandas as pd
    >>> from sksynth.cli import read_table, write_table
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = write_table(pd.DataFrame({"a": [1, 2]}), path)
    >>> read_table(path)["a"].tolist()
    [1, 2]
    """
    write_chunks([frame], path, option=option)
    return Path(path)
