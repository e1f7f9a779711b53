"""The ``sksynth`` command line: assess, clean, fit, sample and evaluate tables in files.

For people who have a CSV or Parquet file and want a report, a clean table or
a synthetic copy without writing code::

    sksynth assess data.csv --target churn --out report.html
    sksynth clean data.csv --out clean.parquet
    sksynth fit data.csv --model conditional-gan --target churn --epochs 300 --out model.joblib
    sksynth sample model.joblib --n 100000 --out synth.parquet --conditions churn=yes
    sksynth evaluate real.csv synth.parquet --target churn --out report.html

``python -m sksynth ...`` is the same program. Every command has ``--help``.

Reading files
-------------
A file is read by its extension: ``.csv`` (also compressed, ``.csv.gz``,
``.csv.bz2``, ``.csv.zip``, ``.csv.xz``) with :func:`pandas.read_csv`, and
``.parquet`` / ``.pq`` with :func:`pandas.read_parquet` (needs ``pyarrow``).
CSV columns keep the dtypes pandas gives them: numbers stay numbers and text
stays text (pandas' string dtype, or ``object``). Text is *not* turned into
``category`` on reading: sksynth treats text columns as categorical anyway,
and a text column may hold numbers written as text (``"1,200"``, ``"?"``) that
``sksynth clean`` must still be able to parse. The target column is always
kept exactly as read (labels ``yes``/``no`` stay strings, ``0``/``1`` stay
integers). Parquet files keep their stored dtypes, categories included.

Outputs
-------
Every file is written atomically (to a temporary file next to the
destination, then moved into place), so an interrupted command never leaves a
half-written report, table or model. ``sksynth sample`` writes its rows chunk
by chunk (``--chunk-size``), so ten million rows never sit in memory at once.

Model files
-----------
``sksynth fit`` saves the fitted sampler as a safe sksynth model file
(:func:`sksynth.io.save_sampler`): hyperparameters and encoder state as JSON
and NPZ, weights as torch state dicts loaded with ``weights_only=True``, and a
SHA-256 manifest. Loading such a file runs no code from it, and a modified file
is refused. Any file name works (``model.sksynth`` is conventional; the
``model.joblib`` of older examples is accepted as a name, but the content is
not pickle).

Errors
------
Bad input (a missing file, an unknown column, a malformed option) ends the
command with exit code 2 and one line on standard error that says what was
wrong; ``--debug`` shows the full traceback instead. Other failures exit with
code 1.
"""

from __future__ import annotations

import argparse
import ast
import sys
import traceback
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "MODELS",
    "CLIError",
    "build_parser",
    "load_model",
    "main",
    "parse_conditions",
    "read_table",
    "save_model",
    "write_table",
]

PROG = "sksynth"

#: ``--model`` names and the sampler classes of :mod:`sksynth.generators` they build.
MODELS = {
    "gan": "GANSampler",
    "vae": "VAESampler",
    "conditional-gan": "ConditionalGANSampler",
    "conditional-vae": "ConditionalVAESampler",
}

_MODEL_FORMAT = "sksynth-model"
_MODEL_FORMAT_VERSION = 1
_CSV_SUFFIXES = (".csv", ".csv.gz", ".csv.bz2", ".csv.zip", ".csv.xz")
_PARQUET_SUFFIXES = (".parquet", ".pq")
_EXIT_BAD_INPUT = 2
_EXIT_FAILURE = 1


class CLIError(Exception):
    """A problem with the command's input, reported as one line (exit code 2)."""


# --------------------------------------------------------------------------- messages
def _one_line(text) -> str:
    return " ".join(str(text).split())


def _info(args, message: str) -> None:
    """Progress message on standard error (silenced by ``--quiet``)."""
    if not getattr(args, "quiet", False):
        print(message, file=sys.stderr, flush=True)


@contextmanager
def _compact_warnings(enabled: bool):
    """Show each warning as one ``sksynth: warning: ...`` line (not with ``--debug``)."""
    if not enabled:
        yield
        return

    def show(message, category, filename, lineno, file=None, line=None):
        print(
            f"{PROG}: warning: {category.__name__}: {_one_line(message)}",
            file=sys.stderr if file is None else file,
        )

    with warnings.catch_warnings():
        warnings.showwarning = show
        yield


# --------------------------------------------------------------------------- files
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


def _needs_pyarrow(action: str):
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise CLIError(
            f"{action} Parquet files needs the pyarrow package: pip install pyarrow"
        ) from None


def read_table(path, *, option: str = "DATA") -> pd.DataFrame:
    """Read a CSV or Parquet file into a DataFrame, with clear errors.

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
    try:
        if fmt == "csv":
            frame = pd.read_csv(path, low_memory=False)
        else:
            _needs_pyarrow("Reading")
            frame = pd.read_parquet(path)
    except CLIError:
        raise
    except pd.errors.EmptyDataError:
        raise CLIError(f"{option} {str(path)!r} is empty") from None
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise CLIError(f"{option} {str(path)!r} cannot be read as {fmt}: {exc}") from None
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise CLIError(
            f"{option} {str(path)!r} holds no data ({frame.shape[0]} rows, "
            f"{frame.shape[1]} columns)"
        )
    return frame


class _CSVChunks:
    def __init__(self, fh):
        self.fh = fh
        self.header = True

    def write(self, frame):
        frame.to_csv(self.fh, header=self.header, index=False)
        self.header = False

    def close(self):
        pass


class _ParquetChunks:
    def __init__(self, fh):
        self.fh = fh
        self.writer = None
        self.schema = None

    def write(self, frame):
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.writer is None:
            self.schema = pa.Schema.from_pandas(frame, preserve_index=False)
            self.writer = pq.ParquetWriter(self.fh, self.schema)
        table = pa.Table.from_pandas(frame, schema=self.schema, preserve_index=False)
        self.writer.write_table(table)

    def close(self):
        if self.writer is not None:
            self.writer.close()


@contextmanager
def _chunk_writer(path, *, option: str = "--out"):
    """Write a table chunk by chunk to ``path`` (CSV or Parquet), atomically."""
    from .utils import atomic_write

    path = Path(path)
    fmt = _table_format(path, option=option)
    if fmt == "csv" and not path.name.lower().endswith(".csv"):
        raise CLIError(
            f"{option} {str(path)!r}: compressed CSV output is not supported; "
            "write .csv or .parquet"
        )
    if fmt == "parquet":
        _needs_pyarrow("Writing")
    if path.is_dir():
        raise CLIError(f"{option} {str(path)!r} is a folder; give a file name")
    mode, extra = ("w", {"newline": ""}) if fmt == "csv" else ("wb", {})
    with atomic_write(path, mode, **extra) as fh:
        writer = _CSVChunks(fh) if fmt == "csv" else _ParquetChunks(fh)
        try:
            yield writer
        finally:
            writer.close()


def write_table(frame: pd.DataFrame, path, *, option: str = "--out"):
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
    with _chunk_writer(path, option=option) as writer:
        writer.write(frame)
    return Path(path)


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
    from .io import save_sampler

    metadata = {key: value for key, value in bundle.items() if key != "sampler"}
    metadata["format"] = _MODEL_FORMAT
    metadata["format_version"] = _MODEL_FORMAT_VERSION
    save_sampler(bundle["sampler"], path, metadata=metadata)
    return Path(path)


def load_model(path, *, option: str = "MODEL") -> dict:
    """Load a model bundle written by :func:`save_model`.

    The file's integrity is checked against its manifest, and nothing in it is
    executed (no pickle): a modified or foreign file is refused.

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
        If the file is missing, is not an sksynth model file, or was modified.
    """
    from .io import ModelFileError, load_sampler, read_model_info

    path = Path(path)
    if not path.is_file():
        raise CLIError(f"{option} {str(path)!r}: no such file")
    try:
        metadata = read_model_info(path).get("metadata") or {}
        sampler = load_sampler(path)
    except ModelFileError as exc:
        raise CLIError(
            f"{option} {str(path)!r} is not a model file written by 'sksynth fit' "
            f"({_one_line(exc)})"
        ) from None
    if metadata.get("format") != _MODEL_FORMAT:
        raise CLIError(f"{option} {str(path)!r} is not a model file written by 'sksynth fit'")
    if metadata.get("format_version", 0) > _MODEL_FORMAT_VERSION:
        raise CLIError(
            f"{option} {str(path)!r} was written by a newer sksynth; upgrade sksynth to read it"
        )
    return {**metadata, "sampler": sampler}


# --------------------------------------------------------------------------- parsing
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
    if isinstance(texts, str):
        texts = [texts]
    conditions = {}
    for text in texts or []:
        for part in str(text).split(","):
            part = part.strip()
            if not part:
                continue
            column, sep, value = part.partition("=")
            column, value = column.strip(), value.strip()
            if not sep or not column or not value:
                raise CLIError(
                    f"--conditions: cannot read {part!r}; write column=value, several "
                    "separated by commas (e.g. --conditions churn=yes,plan=basic)"
                )
            if column in conditions:
                raise CLIError(f"--conditions: column {column!r} is given twice")
            conditions[column] = value
    return conditions


def _parse_params(texts) -> dict:
    """``--param key=value`` pairs; values read as Python literals when they are ones."""
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


def _match_value(text: str, known):
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


def _split_target(frame: pd.DataFrame, target, *, option: str):
    if target is None:
        return frame, None
    if target not in frame.columns:
        raise CLIError(
            f"--target {target!r} is not a column of {option}; its columns are "
            f"{_column_list(frame.columns)}"
        )
    y = frame[target]
    n_missing = int(y.isna().sum())
    if n_missing:
        raise CLIError(
            f"--target {target!r} has {n_missing} missing value(s) in {option}; every row "
            "needs a label (drop those rows first)"
        )
    return frame.drop(columns=target), y


def _column_list(columns, limit: int = 20) -> str:
    names = [str(c) for c in columns]
    shown = ", ".join(names[:limit])
    return shown + (f", ... ({len(names)} in all)" if len(names) > limit else "")


def _is_classification(y) -> bool:
    from sklearn.utils.multiclass import type_of_target

    try:
        return type_of_target(np.asarray(y)) in ("binary", "multiclass")
    except ValueError:
        return False


# --------------------------------------------------------------------------- commands
def _cmd_assess(args) -> int:
    from .quality import assess

    frame = read_table(args.data, option="DATA")
    _split_target(frame, args.target, option=str(args.data))
    _info(args, f"assessing {args.data}: {frame.shape[0]} rows x {frame.shape[1]} columns")
    label_issues = {"auto": "auto", "yes": True, "no": False}[args.label_issues]
    report = assess(
        frame,
        args.target,
        label_issues=label_issues,
        cv=args.cv,
        random_state=args.random_state,
    )
    print(report.summary())
    if args.out is not None:
        report.to_html(args.out)
        print(f"report written to {args.out}")
    return 0


def _cmd_clean(args) -> int:
    from .preprocessing import make_cleaning_steps

    frame = read_table(args.data, option="DATA")
    X, y = _split_target(frame, args.target, option=str(args.data))
    labelled = y is not None and _is_classification(y)
    y_steps = y.to_numpy() if labelled else np.arange(len(X)) % 2  # row filters need 2 classes
    steps = make_cleaning_steps(
        X,
        drop_duplicates=not args.keep_duplicates,
        drop_missing_rows=args.drop_missing_rows,
        drop_outliers=args.drop_outliers,
        include_target=labelled,
        impute=None if args.impute == "none" else args.impute,
        clip_outliers=not args.no_clip,
        random_state=args.random_state,
    )
    _info(args, f"cleaning {args.data}: {X.shape[0]} rows x {X.shape[1]} feature columns")
    n_missing = int(X.isna().sum().sum())
    kept = np.arange(len(X))
    current = X
    dropped = {}
    for name, step in steps:
        if hasattr(step, "fit_resample"):
            before = len(current)
            current, _ = step.fit_resample(current, y_steps[kept])
            kept = kept[step.sample_indices_]
            dropped[name] = before - len(current)
        else:
            current = step.fit_transform(current)
    out = current.reset_index(drop=True)
    if y is not None:
        position = list(frame.columns).index(args.target)
        out.insert(min(position, out.shape[1]), args.target, y.iloc[kept].reset_index(drop=True))
    write_table(out, args.out)
    left = int(current.isna().sum().sum())
    print(f"rows: {len(X)} read, {len(out)} written")
    for name, count in dropped.items():
        print(f"  {name.replace('_', ' ')}: {count} row(s) dropped")
    print(f"missing cells: {n_missing} before, {left} after")
    print(f"clean table written to {args.out}")
    return 0


def _make_sampler(args):
    from . import generators

    params = {"epochs": args.epochs, "batch_size": args.batch_size}
    if args.random_state is not None:
        params["random_state"] = args.random_state
    params.update(_parse_params(args.param))
    params["verbose"] = 0 if args.quiet else 1
    sampler = getattr(generators, MODELS[args.model])()
    valid = sampler.get_params()
    unknown = [key for key in params if key not in valid]
    if unknown:
        raise CLIError(
            f"--param {unknown[0]!r} is not a parameter of --model {args.model}; valid ones "
            f"are {', '.join(sorted(valid))}"
        )
    return sampler.set_params(**params)


def _cmd_fit(args) -> int:
    frame = read_table(args.data, option="DATA")
    X, y = _split_target(frame, args.target, option=str(args.data))
    sampler = _make_sampler(args)
    out = Path(args.out)
    if out.is_dir():
        raise CLIError(f"--out {str(out)!r} is a folder; give a file name (model.sksynth)")
    _info(
        args,
        f"fitting {args.model} ({args.epochs} epochs) on {X.shape[0]} rows x "
        f"{X.shape[1]} columns" + (f", target {args.target!r}" if y is not None else ""),
    )
    sampler.fit(X, y)
    save_model(
        {
            "model": args.model,
            "sampler": sampler.set_params(verbose=0, callbacks=None),
            "target": args.target,
            "columns": list(frame.columns),
            "n_rows": int(frame.shape[0]),
            "source": str(args.data),
        },
        out,
    )
    print(f"model written to {out}")
    return 0


def _resolve_conditions(bundle: dict, texts):
    """Split parsed conditions into the label ``y`` and the column ``conditions``."""
    sampler, target, columns = bundle["sampler"], bundle.get("target"), bundle["columns"]
    wanted = parse_conditions(texts)
    label = None
    conditions = {}
    layout = getattr(sampler, "condition_", None)
    for column, text in wanted.items():
        if column not in columns:
            raise CLIError(
                f"--conditions: {column!r} is not a column of the model's table; its columns "
                f"are {_column_list(columns)}"
            )
        if column == target:
            classes = list(sampler.classes_)
            label = _match_value(text, classes)
            if not any(str(c) == str(label) for c in classes):
                raise CLIError(
                    f"--conditions: {target}={text!r} is not a class of the target; the "
                    f"classes are {', '.join(map(str, classes))}"
                )
            continue
        known = ()
        if layout is not None and column in layout.columns:
            known = layout.categories[layout.columns.index(column)]
        conditions[column] = _match_value(text, known)
    return label, conditions


def _assemble(out, bundle: dict) -> pd.DataFrame:
    target = bundle.get("target")
    if isinstance(out, tuple):
        X_new, y_new = out
        frame = X_new.reset_index(drop=True)
        if target is not None:
            frame[target] = pd.Series(y_new).reset_index(drop=True)
        return frame[bundle["columns"]]
    return out.reset_index(drop=True)


def _cmd_sample(args) -> int:
    from tqdm.auto import tqdm

    bundle = load_model(args.model, option="MODEL")
    sampler = bundle["sampler"]
    if args.n < 1:
        raise CLIError(f"--n must be a positive number of rows; got {args.n}")
    if args.chunk_size < 1:
        raise CLIError(f"--chunk-size must be a positive number of rows; got {args.chunk_size}")
    label, conditions = _resolve_conditions(bundle, args.conditions)
    seed = args.random_state
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    # Fail on bad conditions before the output file is opened.
    _assemble(sampler.sample(1, y=label, conditions=conditions or None, random_state=seed), bundle)
    _info(args, f"sampling {args.n} rows from {args.model} ({bundle.get('model')})")
    with (
        _chunk_writer(args.out) as writer,
        tqdm(total=args.n, unit="row", unit_scale=True, disable=args.quiet, file=sys.stderr) as bar,
    ):
        chunks = sampler.iter_samples(
            args.n, args.chunk_size, y=label, conditions=conditions or None, random_state=seed
        )
        for out in chunks:
            frame = _assemble(out, bundle)
            writer.write(frame)
            bar.update(len(frame))
    print(f"{args.n} synthetic rows written to {args.out}")
    return 0


def _cmd_evaluate(args) -> int:
    from .metrics import evaluate

    real = read_table(args.real, option="REAL")
    synthetic = read_table(args.synthetic, option="SYNTHETIC")
    holdout = None if args.holdout is None else read_table(args.holdout, option="--holdout")
    for option, table in (("REAL", real), ("SYNTHETIC", synthetic), ("--holdout", holdout)):
        if table is not None:
            _split_target(table, args.target, option=option)
    missing = [c for c in real.columns if c not in synthetic.columns]
    extra = [c for c in synthetic.columns if c not in real.columns]
    if missing or extra:
        raise CLIError(
            "REAL and SYNTHETIC must have the same columns; "
            + (f"missing from SYNTHETIC: {_column_list(missing)}" if missing else "")
            + ("; " if missing and extra else "")
            + (f"not in REAL: {_column_list(extra)}" if extra else "")
        )
    synthetic = synthetic[list(real.columns)]
    if holdout is not None:
        holdout = holdout[[c for c in real.columns if c in holdout.columns]]
    _info(
        args,
        f"evaluating {args.synthetic} ({len(synthetic)} rows) against {args.real} "
        f"({len(real)} rows)",
    )
    report = evaluate(
        real,
        synthetic,
        target=args.target,
        holdout=holdout,
        detection=not args.no_detection,
        random_state=args.random_state,
    )
    print(report.summary().to_string(float_format=lambda v: f"{v:.4f}"))
    if args.out is not None:
        report.to_html(args.out)
        print(f"report written to {args.out}")
    return 0


# --------------------------------------------------------------------------- parser
class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (raised, not printed and exited)."""

    def error(self, message):
        raise CLIError(f"{message} (see '{self.prog} --help')")


def _common(parser):
    group = parser.add_argument_group("general options")
    group.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bars or progress messages on standard error",
    )
    group.add_argument(
        "--debug", action="store_true", help="on error, show the full traceback instead of one line"
    )


def _random_state(parser, default, what):
    parser.add_argument(
        "--random-state",
        type=int,
        default=default,
        metavar="SEED",
        help=f"seed of {what} (default: {default}); the same seed gives the same output",
    )


def build_parser() -> argparse.ArgumentParser:
    """Build the ``sksynth`` argument parser (one subcommand per task).

    Returns
    -------
    parser : argparse.ArgumentParser
        The parser; its errors raise :class:`CLIError`.

    Examples
    --------
    >>> from sksynth.cli import build_parser
    >>> args = build_parser().parse_args(["clean", "data.csv", "--out", "clean.parquet"])
    >>> args.command, args.out
    ('clean', 'clean.parquet')
    """
    from . import __version__

    parser = _Parser(
        prog=PROG,
        description="Dataset quality, cleaning and synthetic data from CSV or Parquet files.",
        epilog="Run 'sksynth COMMAND --help' for the options of a command. Model files are "
        "pickles: load only those you trust.",
    )
    parser.add_argument("--version", action="version", version=f"sksynth {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = commands.add_parser(
        "assess",
        help="report on a table's quality (HTML)",
        description="Assess a table's quality: missing values, duplicates, outliers, class "
        "balance and likely label errors. Prints a summary; --out writes an HTML "
        "report with figures.",
    )
    p.add_argument("data", metavar="DATA", help="CSV or Parquet file")
    p.add_argument("--target", help="the label column (class balance and label check)")
    p.add_argument("--out", metavar="REPORT.html", help="write the HTML report here")
    p.add_argument(
        "--label-issues",
        choices=["auto", "yes", "no"],
        default="auto",
        help="look for mislabelled rows (cross-validated; the slow part on big "
        "tables); default: auto",
    )
    p.add_argument("--cv", type=int, default=5, help="folds of the label check (default: 5)")
    _random_state(p, 0, "the label check")
    _common(p)
    p.set_defaults(func=_cmd_assess)

    p = commands.add_parser(
        "clean",
        help="clean a table (types, duplicates, missing values, outliers)",
        description="Clean a table: parse numbers written as text, drop exact duplicate "
        "rows, fill missing values and clip outliers. The target column "
        "(--target) is kept as read; rows are only dropped as the options say, "
        "and the counts are printed.",
    )
    p.add_argument("data", metavar="DATA", help="CSV or Parquet file")
    p.add_argument(
        "--out", required=True, metavar="CLEAN", help="the clean table (.csv or .parquet)"
    )
    p.add_argument(
        "--target",
        help="the label column: kept as read, and part of the row when looking for duplicates",
    )
    p.add_argument(
        "--keep-duplicates",
        action="store_true",
        help="keep exact duplicate rows (dropped by default)",
    )
    p.add_argument(
        "--drop-missing-rows",
        action="store_true",
        help="drop rows with missing values instead of filling them",
    )
    p.add_argument(
        "--drop-outliers", action="store_true", help="drop rows holding outliers (IQR rule)"
    )
    p.add_argument(
        "--impute",
        default="auto",
        choices=["auto", "median", "mean", "most_frequent", "knn", "iterative", "none"],
        help="how numeric missing values are filled (default: auto = median)",
    )
    p.add_argument("--no-clip", action="store_true", help="do not clip outlying values")
    _random_state(p, 0, "iterative imputation")
    _common(p)
    p.set_defaults(func=_cmd_clean)

    p = commands.add_parser(
        "fit",
        help="fit a generator and save it (a safe sksynth model file)",
        description="Fit a generative model of a table and save it. With --target, "
        "conditional models learn one model conditioned on the label, "
        "unconditional ones one model per class. The model file is a pickle: "
        "load it only if you trust it.",
    )
    p.add_argument("data", metavar="DATA", help="CSV or Parquet file")
    p.add_argument(
        "--model",
        choices=list(MODELS),
        default="conditional-gan",
        help="the generator (default: conditional-gan)",
    )
    p.add_argument("--target", help="the label column")
    p.add_argument("--epochs", type=int, default=300, help="training epochs (default: 300)")
    p.add_argument("--batch-size", type=int, default=500, help="rows per batch (default: 500)")
    p.add_argument(
        "--param",
        action="append",
        metavar="NAME=VALUE",
        help="any other parameter of the sampler, e.g. --param lr=1e-3 "
        "--param hidden_dims='(128,128)' (repeatable)",
    )
    p.add_argument("--out", required=True, metavar="MODEL.sksynth", help="the model file")
    _random_state(p, 0, "training")
    _common(p)
    p.set_defaults(func=_cmd_fit)

    p = commands.add_parser(
        "sample",
        help="draw synthetic rows from a saved model",
        description="Draw synthetic rows from a model saved by 'sksynth fit' and write them "
        "chunk by chunk. Chunk i is drawn with seed SEED+i, so the same seed and "
        "chunk size give the same file.",
    )
    p.add_argument("model", metavar="MODEL", help="model file written by 'sksynth fit'")
    p.add_argument("--n", type=int, required=True, help="number of rows")
    p.add_argument(
        "--out", required=True, metavar="SYNTH", help="the synthetic table (.csv or .parquet)"
    )
    p.add_argument(
        "--conditions",
        action="append",
        metavar="COL=VALUE[,COL=VALUE]",
        help="values every row must hold: the target's class (any model fitted "
        "with --target) or categories of other columns (conditional models)",
    )
    p.add_argument(
        "--chunk-size",
        type=int,
        default=100_000,
        help="rows generated and written at a time (default: 100000)",
    )
    _random_state(p, 0, "the draws")
    _common(p)
    p.set_defaults(func=_cmd_sample)

    p = commands.add_parser(
        "evaluate",
        help="compare a synthetic table with the real one (HTML)",
        description="Evaluate a synthetic table against the real table: fidelity, "
        "detection, utility (with --target) and privacy (with --holdout, real "
        "rows the generator did not see). Prints the scores; --out writes an "
        "HTML report with figures.",
    )
    p.add_argument("real", metavar="REAL", help="the real table the generator was fitted on")
    p.add_argument("synthetic", metavar="SYNTHETIC", help="the synthetic table")
    p.add_argument("--target", help="the label column (utility: train on synthetic, test on real)")
    p.add_argument(
        "--holdout", metavar="HOLDOUT", help="real rows the generator did not see (privacy metrics)"
    )
    p.add_argument("--out", metavar="REPORT.html", help="write the HTML report here")
    p.add_argument(
        "--no-detection", action="store_true", help="skip the real-vs-synthetic classifier test"
    )
    _random_state(p, 0, "the evaluation models and splits")
    _common(p)
    p.set_defaults(func=_cmd_evaluate)
    return parser


# --------------------------------------------------------------------------- entry point
_BAD_INPUT = (CLIError, ValueError, TypeError, KeyError, OSError)


def _prog_of(args) -> str:
    command = getattr(args, "command", None)
    return f"{PROG} {command}" if command else PROG


def main(argv=None) -> int:
    """Run the ``sksynth`` command line; return the exit code.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments after the program name; ``None`` reads ``sys.argv``.

    Returns
    -------
    code : int
        0 on success, 2 on bad input (one line on standard error), 1 on other
        failures.

    Examples
    --------
    >>> from sksynth.cli import main
    >>> main(["sample", "no-such-model.joblib", "--n", "5", "--out", "s.csv"])
    2
    """
    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    debug = "--debug" in argv
    args = None
    try:
        args = build_parser().parse_args(argv)
        with _compact_warnings(not debug):
            return int(args.func(args) or 0)
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        print(f"{_prog_of(args)}: interrupted", file=sys.stderr)
        return 130
    except _BAD_INPUT as exc:
        if debug:
            traceback.print_exc()
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"{_prog_of(args)}: error: {_one_line(message)}", file=sys.stderr)
        return _EXIT_BAD_INPUT
    except Exception as exc:  # noqa: BLE001 - one line, the traceback with --debug
        if debug:
            traceback.print_exc()
        hint = "" if debug else " (run again with --debug for the traceback)"
        print(
            f"{_prog_of(args)}: failed: {type(exc).__name__}: {_one_line(exc)}{hint}",
            file=sys.stderr,
        )
        return _EXIT_FAILURE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
