"""Threads: default settings against one thread, on an idle machine and next to a busy process.

Two workloads, each run in a fresh Python process so that environment variables
apply from the start:

- ``quickstart`` -- the README's quick start on the bundled credit table:
  ``assess``, a ``ConditionalGANSampler`` fit and ``sample``, ``evaluate`` and a
  cross-validated imbalanced-learn pipeline with gradient boosting;
- ``cli_fit`` -- ``sksynth fit`` on the same table written to a CSV file.

Two settings: ``default`` (the environment as it is, without any
``*_NUM_THREADS`` variable) and ``one_thread`` (``OMP_NUM_THREADS=1`` and its
MKL/OpenBLAS siblings). Two conditions: ``idle`` and ``busy`` (a second process,
started by this script, spinning on one core for the whole run). The figure of
merit is ``default / one_thread`` per workload and condition: sksynth's own
thread management should keep it near 1 (at most 1.5).

Run it: ``python -m benchmarks.run --part threads [--thread-epochs 10] [--quick]``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

__all__ = ["run"]

_THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)

_QUICKSTART = textwrap.dedent(
    """
    import sys
    from imblearn.pipeline import make_pipeline
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import cross_val_score
    from sksynth.datasets import load_credit
    from sksynth.generators import ConditionalGANSampler
    from sksynth.metrics import evaluate
    from sksynth.preprocessing import make_cleaner, make_encoder
    from sksynth.quality import assess

    epochs, rows, cv = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    X, y = load_credit(return_X_y=True)
    if rows:
        X, y = X.iloc[:rows], y.iloc[:rows]
    assess(X, y).summary()
    gen = ConditionalGANSampler(epochs=epochs, random_state=0).fit(X, y)
    X_syn, y_syn = gen.sample(1000)
    evaluate(X.assign(Status=y), X_syn.assign(Status=y_syn), target="Status")
    pipe = make_pipeline(make_cleaner(X), ConditionalGANSampler(epochs=epochs),
                         make_encoder(X), HistGradientBoostingClassifier())
    cross_val_score(pipe, X, y, scoring="balanced_accuracy", cv=cv).mean()
    """
)

_WRITE_CSV = textwrap.dedent(
    """
    import sys
    from sksynth.datasets import load_credit
    X, y = load_credit(return_X_y=True)
    frame = X.assign(Status=y)
    rows = int(sys.argv[2])
    (frame.iloc[:rows] if rows else frame).to_csv(sys.argv[1], index=False)
    """
)


def _environment(setting):
    env = {k: v for k, v in os.environ.items() if k not in _THREAD_VARIABLES}
    if setting == "one_thread":
        env.update(dict.fromkeys(_THREAD_VARIABLES, "1"))
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


def _timed_run(command, env):
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(f"{command[:3]} failed:\n{done.stderr[-2000:]}")
    return seconds


class _BusyProcess:
    """A process spinning on one core while the ``with`` block runs."""

    def __enter__(self):
        self.process = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        return self

    def __exit__(self, *exc):
        self.process.kill()
        self.process.wait()


def measure(*, epochs=10, cli_epochs=5, rows=0, cv=5, conditions=("idle", "busy"), log=print):
    """Time both workloads under both settings and conditions.

    Parameters
    ----------
    epochs : int, default=10
        Epochs of the quick start's generators.
    cli_epochs : int, default=5
        Epochs of ``sksynth fit``.
    rows : int, default=0
        Use only the first ``rows`` rows of the credit table (0: all of it).
    cv : int, default=5
        Folds of the quick start's cross-validation.
    conditions : tuple of {"idle", "busy"}, default=("idle", "busy")
        Whether to run next to a busy process, without, or both.
    log : callable, default=print
        Progress messages.

    Returns
    -------
    result : dict
        ``rows``: one dict per run (workload, condition, setting, seconds) and
        ``ratios``: ``default / one_thread`` per workload and condition.
    """
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "credit.csv"
        subprocess.run(
            [sys.executable, "-c", _WRITE_CSV, str(csv), str(rows)],
            env=_environment("one_thread"),
            check=True,
        )
        workloads = {
            "quickstart": [sys.executable, "-c", _QUICKSTART, str(epochs), str(rows), str(cv)],
            "cli_fit": [
                sys.executable,
                "-m",
                "sksynth",
                "fit",
                str(csv),
                "--target",
                "Status",
                "--epochs",
                str(cli_epochs),
                "--out",
                str(Path(tmp) / "model.sksynth"),
            ],
        }
        for condition in conditions:
            for workload, command in workloads.items():
                for setting in ("default", "one_thread"):
                    if condition == "busy":
                        with _BusyProcess():
                            seconds = _timed_run(command, _environment(setting))
                    else:
                        seconds = _timed_run(command, _environment(setting))
                    log(f"  {workload:10s} {condition:4s} {setting:10s} {seconds:7.1f} s")
                    results.append(
                        {
                            "workload": workload,
                            "condition": condition,
                            "setting": setting,
                            "seconds": seconds,
                        }
                    )
    ratios = {}
    for row in results:
        if row["setting"] == "default":
            other = next(
                r["seconds"]
                for r in results
                if r["setting"] == "one_thread"
                and r["workload"] == row["workload"]
                and r["condition"] == row["condition"]
            )
            ratios[f"{row['workload']}/{row['condition']}"] = row["seconds"] / other
    return {"rows": results, "ratios": ratios}


def add_arguments(parser):
    parser.add_argument("--thread-epochs", type=int, default=None,
                       help="epochs of the quick start (default 10)")
    parser.add_argument("--cli-epochs", type=int, default=None,
                       help="epochs of sksynth fit (default 5)")


def run(args):
    """``--quick``: 300 rows, 1 epoch, 2 folds, idle only."""
    log = getattr(args, "log", print)
    if getattr(args, "quick", False):
        return measure(epochs=1, cli_epochs=1, rows=300, cv=2, conditions=("idle",), log=log)
    epochs = getattr(args, "thread_epochs", None) or 10
    cli_epochs = getattr(args, "cli_epochs", None) or 5
    return measure(epochs=epochs, cli_epochs=cli_epochs, log=log)
