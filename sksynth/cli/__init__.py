"""The ``sksynth`` command line: assess, clean, fit, sample and evaluate tables in files.

For people who have a CSV or Parquet file and want a report, a clean table or
a synthetic copy without writing code::

    sksynth assess data.csv --target churn --out report.html
    sksynth clean data.csv --out clean.parquet
    sksynth fit data.csv --model conditional-gan --target churn --epochs 300 --out model.sksynth
    sksynth sample model.sksynth --n 100000 --out synth.parquet --conditions churn=yes
    sksynth evaluate real.csv synth.parquet --target churn --out report.html

``python -m sksynth ...`` is the same program. Every command has ``--help``.

Reading files
-------------
A file is read by its extension: ``.csv`` (also compressed, ``.csv.gz``,
``.csv.bz2``, ``.csv.zip``, ``.csv.xz``) with :func:`pandas.read_csv`, and
``.parquet`` / ``.pq`` with :func:`pandas.read_parquet` (needs ``pyarrow``).
CSV columns keep the dtypes pandas gives them: numbers stay numbers and text
stays text. Text is *not* turned into ``category`` on reading: sksynth treats
text columns as categorical anyway, and a text column may hold numbers written
as text (``"1,200"``, ``"?"``) that ``sksynth clean`` parses. The target column
is always kept exactly as read (labels ``yes``/``no`` stay strings, ``0``/``1``
stay integers). Parquet files keep their stored dtypes, categories included.
When the kind of a column is guessed wrong, ``--kinds col=kind`` sets it.

Outputs
-------
Output names are checked before any work starts. Every file is written
atomically (to a temporary file next to the destination, then moved into
place), so an interrupted command never leaves a half-written report, table or
model. ``sksynth sample`` writes its rows chunk by chunk (``--chunk-size``), so
ten million rows never sit in memory at once.

Model files
-----------
``sksynth fit`` saves the fitted sampler as a safe sksynth model file
(:func:`sksynth.io.save_sampler`): a zip archive of hyperparameters and encoder
state as JSON and NPZ arrays, weights as torch state dicts loaded with
``weights_only=True``, and a SHA-256 manifest. It is not a pickle: loading such
a file runs no code from it, and a modified or truncated file is refused. Any
file name works (``model.sksynth`` is conventional).

Errors
------
Bad input (a missing file, an unknown column, a malformed option) ends the
command with exit code 2 and one line on standard error that says what was
wrong; ``--debug`` shows the full traceback instead. Other failures exit with
code 1.
"""

from ._clean import column_changes, parse_thousands
from ._common import CLIError
from ._main import build_parser, main
from ._model import MODELS, load_model, save_model
from ._options import parse_conditions, parse_kinds
from ._tables import check_report_output, check_table_output, read_table, write_table

__all__ = [
    "MODELS",
    "CLIError",
    "build_parser",
    "check_report_output",
    "check_table_output",
    "column_changes",
    "load_model",
    "main",
    "parse_conditions",
    "parse_kinds",
    "parse_thousands",
    "read_table",
    "save_model",
    "write_table",
]
