"""``sksynth assess``: a table's quality, printed and as an HTML report."""

from __future__ import annotations

from ..quality import assess
from ._common import info
from ._options import parse_kinds
from ._tables import check_report_output, read_table, target_column

__all__ = ["run"]


def run(args) -> int:
    """Assess the table ``args.data``; print the summary, write the report to ``args.out``."""
    if args.out is not None:
        check_report_output(args.out)
    frame = read_table(args.data, option="DATA")
    X, _ = target_column(frame, args.target, option=str(args.data))
    kinds = parse_kinds(args.kinds, X.columns, target=args.target)
    info(args, f"assessing {args.data}: {frame.shape[0]} rows x {frame.shape[1]} columns")
    label_issues = {"auto": "auto", "yes": True, "no": False}[args.label_issues]
    report = assess(
        frame,
        args.target,
        kinds=kinds,
        label_issues=label_issues,
        cv=args.cv,
        random_state=args.random_state,
    )
    print(report.summary())
    if args.out is not None:
        report.to_html(args.out)
        print(f"report written to {args.out}")
    return 0
