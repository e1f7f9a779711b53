"""What every command shares: the one-line error, progress messages, warnings."""

from __future__ import annotations

import re
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path

__all__ = [
    "PROG",
    "CLIError",
    "as_command_line",
    "check_not_folder",
    "column_list",
    "compact_warnings",
    "info",
    "one_line",
]

PROG = "sksynth"


class CLIError(Exception):
    """A problem with the command's input, reported as one line (exit code 2)."""


def one_line(text) -> str:
    """Return ``text`` with every run of blanks and newlines as one space."""
    return " ".join(str(text).split())


_KINDS_ADVICE = re.compile(r"kinds=\{'([^']+)': '(\w+)'\}")


def as_command_line(message: str) -> str:
    """Rewrite the library's ``kinds={'col': 'kind'}`` advice as the ``--kinds`` option."""
    return _KINDS_ADVICE.sub(r"--kinds \1=\2", message)


def column_list(columns, limit: int = 20) -> str:
    """Return column names as one comma-separated string (the first ``limit``)."""
    names = [str(c) for c in columns]
    shown = ", ".join(names[:limit])
    return shown + (f", ... ({len(names)} in all)" if len(names) > limit else "")


def check_not_folder(path, option: str, example: str) -> Path:
    """Return ``path`` as a Path; a folder is refused, with ``example`` as a file name to give."""
    path = Path(path)
    if path.is_dir():
        raise CLIError(f"{option} {str(path)!r} is a folder; give a file name ({example})")
    return path


def info(args, message: str) -> None:
    """Print a progress message on standard error (silenced by ``--quiet``)."""
    if not getattr(args, "quiet", False):
        print(message, file=sys.stderr, flush=True)


@contextmanager
def compact_warnings(enabled: bool):
    """Show each warning as one ``sksynth: warning: ...`` line (not with ``--debug``)."""
    if not enabled:
        yield
        return

    def show(message, category, filename, lineno, file=None, line=None):
        print(
            f"{PROG}: warning: {category.__name__}: {as_command_line(one_line(message))}",
            file=sys.stderr if file is None else file,
        )

    with warnings.catch_warnings():
        warnings.showwarning = show
        yield
