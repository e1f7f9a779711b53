"""``sksynth evaluate``: a synthetic table against the real one, printed and as HTML."""

from __future__ import annotations

from ..metrics import evaluate
from ._common import CLIError, column_list, info
from ._options import parse_kinds
from ._tables import check_report_output, read_table, target_column

__all__ = ["run"]


def _same_columns(real, synthetic):
    missing = [c for c in real.columns if c not in synthetic.columns]
    extra = [c for c in synthetic.columns if c not in real.columns]
    if missing or extra:
        raise CLIError(
            "REAL and SYNTHETIC must have the same columns; "
            + (f"missing from SYNTHETIC: {column_list(missing)}" if missing else "")
            + ("; " if missing and extra else "")
            + (f"not in REAL: {column_list(extra)}" if extra else "")
        )


def run(args) -> int:
    """Evaluate ``args.synthetic`` against ``args.real``; print the scores, write the report."""
    if args.out is not None:
        check_report_output(args.out)
    real = read_table(args.real, option="REAL")
    synthetic = read_table(args.synthetic, option="SYNTHETIC")
    holdout = None if args.holdout is None else read_table(args.holdout, option="--holdout")
    for option, table in (("REAL", real), ("SYNTHETIC", synthetic), ("--holdout", holdout)):
        if table is not None:
            target_column(table, args.target, option=option)
    _same_columns(real, synthetic)
    features = [c for c in real.columns if c != args.target]
    kinds = parse_kinds(args.kinds, features, target=args.target)
    synthetic = synthetic[list(real.columns)]
    if holdout is not None:
        holdout = holdout[[c for c in real.columns if c in holdout.columns]]
    info(
        args,
        f"evaluating {args.synthetic} ({len(synthetic)} rows) against {args.real} "
        f"({len(real)} rows)",
    )
    report = evaluate(
        real,
        synthetic,
        target=args.target,
        holdout=holdout,
        kinds=kinds,
        detection=not args.no_detection,
        random_state=args.random_state,
    )
    print(report.summary().to_string(float_format=lambda v: f"{v:.4f}"))
    for note in report.notes:
        print(f"note: {note}")
    explanation = getattr(report, "detection", None)
    if explanation is not None:
        print()
        print(explanation.summary())
    if args.out is not None:
        report.to_html(args.out)
        print(f"report written to {args.out}")
    return 0
