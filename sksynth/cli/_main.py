"""The ``sksynth`` argument parser and entry point: one subcommand per module."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable
from typing import NamedTuple

from .. import __version__
from . import _assess, _clean, _evaluate, _fit, _sample
from ._clean import THOUSANDS
from ._common import PROG, CLIError, as_command_line, compact_warnings, one_line
from ._model import MODELS

__all__ = ["build_parser", "main"]

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1


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


def _kinds(parser):
    parser.add_argument(
        "--kinds",
        action="append",
        metavar="COL=KIND[,COL=KIND]",
        help="force what columns are, when the guess from their values is wrong: "
        "continuous, integer, categorical, boolean or datetime (e.g. --kinds "
        "Amount=continuous,Home=categorical; repeatable)",
    )


def _random_state(parser, default, what):
    parser.add_argument(
        "--random-state",
        type=int,
        default=default,
        metavar="SEED",
        help=f"seed of {what} (default: {default}); the same seed gives the same output",
    )


def _epochs(text):
    """``--epochs``: a whole number, or ``auto``."""
    if text == "auto":
        return text
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number or 'auto', got {text!r}"
        ) from None


def _data(parser):
    parser.add_argument("data", metavar="DATA", help="CSV or Parquet file")


def _assess_options(p):
    _data(p)
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


def _clean_options(p):
    _data(p)
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
    p.add_argument(
        "--clip",
        action="store_true",
        help="clip outlying values to the outlier fences (by default they are counted and "
        "left as they are: a valid value is never changed unless asked)",
    )
    p.add_argument(
        "--thousands",
        choices=list(THOUSANDS),
        default="comma",
        help="the thousands separator of numbers written as text (\"1,200\" with comma, "
        "the default); text columns holding only such numbers are parsed as numbers",
    )


def _fit_options(p):
    _data(p)
    p.add_argument(
        "--model",
        choices=list(MODELS),
        default="conditional-gan",
        help="the generator (default: conditional-gan)",
    )
    p.add_argument("--target", help="the label column")
    p.add_argument(
        "--epochs",
        type=_epochs,
        help="training epochs, or 'auto' for the VAEs (default: the model's own, 'auto' for "
        "the VAEs and 300 for the GANs)",
    )
    p.add_argument("--batch-size", type=int, default=500, help="rows per batch (default: 500)")
    p.add_argument(
        "--param",
        action="append",
        metavar="NAME=VALUE",
        help="any other parameter of the sampler, e.g. --param lr=1e-3 "
        "--param hidden_dims='(128,128)' (repeatable)",
    )
    p.add_argument(
        "--no-rules",
        action="store_true",
        help="do not find and keep the rules between columns (by default every generated "
        "row obeys the exact rules found in DATA: formulas, orders, grids...)",
    )
    p.add_argument("--out", required=True, metavar="MODEL.sksynth", help="the model file")


def _sample_options(p):
    p.add_argument("model", metavar="MODEL", help="model file written by 'sksynth fit'")
    p.add_argument("-n", "--n", type=int, required=True, help="number of rows")
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


def _evaluate_options(p):
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


class _Command(NamedTuple):
    """One subcommand: its help, its own options, and what its seed drives."""

    run: Callable
    help: str
    description: str
    add_options: Callable
    seed_of: str
    takes_kinds: bool = True


_COMMANDS = {
    "assess": _Command(
        _assess.run,
        "report on a table's quality (HTML)",
        "Assess a table's quality: missing values, duplicates, outliers, class "
        "balance and likely label errors. Prints a summary; --out writes an HTML "
        "report with figures.",
        _assess_options,
        "the label check",
    ),
    "clean": _Command(
        _clean.run,
        "clean a table (types, duplicates, missing values, outliers)",
        "Clean a table: parse numbers written as text, drop exact duplicate "
        "rows and fill missing values; outliers are counted, and clipped only with --clip. "
        "The target column "
        "(--target) is kept as read; rows are only dropped as the options say, "
        "and the counts are printed.",
        _clean_options,
        "iterative imputation",
    ),
    "fit": _Command(
        _fit.run,
        "fit a generator and save it (a safe sksynth model file)",
        "Fit a generative model of a table and save it. With --target, "
        "conditional models learn one model conditioned on the label, "
        "unconditional ones one model per class. The model file is a safe sksynth "
        "model file (a zip of JSON, arrays and torch weights, not a pickle).",
        _fit_options,
        "training",
    ),
    "sample": _Command(
        _sample.run,
        "draw synthetic rows from a saved model",
        "Draw synthetic rows from a model saved by 'sksynth fit' and write them "
        "chunk by chunk. Chunk i is drawn with seed SEED+i, so the same seed and "
        "chunk size give the same file.",
        _sample_options,
        "the draws",
        takes_kinds=False,
    ),
    "evaluate": _Command(
        _evaluate.run,
        "compare a synthetic table with the real one (HTML)",
        "Evaluate a synthetic table against the real table: fidelity, "
        "detection, utility (with --target) and privacy (with --holdout, real "
        "rows the generator did not see). Prints the scores; --out writes an "
        "HTML report with figures.",
        _evaluate_options,
        "the evaluation models and splits",
    ),
}


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
    parser = _Parser(
        prog=PROG,
        description="Dataset quality, cleaning and synthetic data from CSV or Parquet files.",
        epilog="Run 'sksynth COMMAND --help' for the options of a command. Model files are "
        "zip archives of JSON, NumPy arrays and torch weights with a SHA-256 manifest (not "
        "pickles): loading one runs no code from it, and a modified file is refused.",
    )
    parser.add_argument("--version", action="version", version=f"sksynth {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, command in _COMMANDS.items():
        p = commands.add_parser(name, help=command.help, description=command.description)
        command.add_options(p)
        _random_state(p, 0, command.seed_of)
        if command.takes_kinds:
            _kinds(p)
        _common(p)
        p.set_defaults(func=command.run)
    return parser


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
        with compact_warnings(not debug):
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
        print(f"{_prog_of(args)}: error: {as_command_line(one_line(message))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # noqa: BLE001 - one line, the traceback with --debug
        if debug:
            traceback.print_exc()
        hint = "" if debug else " (run again with --debug for the traceback)"
        print(
            f"{_prog_of(args)}: failed: {type(exc).__name__}: {one_line(exc)}{hint}",
            file=sys.stderr,
        )
        return EXIT_FAILURE
