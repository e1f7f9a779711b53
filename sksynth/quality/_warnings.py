"""The warnings of :func:`sksynth.quality.assess`: findings turned into ranked messages."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._report import QualityWarning

__all__: list[str] = []


def _pct(share: float) -> str:
    return "<0.1%" if 0 < share < 0.001 else f"{share:.1%}"


# low-severity warnings of these checks, when several columns raise them, become one
_GROUPED_CHECKS = {
    "missing": "{n} columns have a few missing values: {items}.",
    "outliers": "{n} columns have a few values (under 5%) outside their fences: {items}.",
    "skew": "{n} columns are strongly skewed; consider a log or quantile transform: {items}.",
}
_GROUP_FROM = 3


def _shown(value) -> str:
    """Return a column's value as a message shows it: ``'yes'``, ``2013``, ``0.5``."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    return repr(value)


def _group_item(check: str, row: pd.Series) -> str:
    if check == "missing":
        return f"{row.name} ({int(row['n_missing'])})"
    if check == "skew":
        return f"{row.name} ({row['skew']:.2f})"
    return (
        f"{row.name} ({int(row['n_outliers'])} outside "
        f"[{row['lower_fence']:.4g}, {row['upper_fence']:.4g}])"
    )


def _grouped(found: list, summary: pd.DataFrame) -> list:
    """Merge the low-severity warnings of one check, raised by several columns, into one."""
    out, groups = [], {}
    for warning in found:
        if warning.severity == "low" and warning.check in _GROUPED_CHECKS:
            groups.setdefault(warning.check, []).append(warning)
        else:
            out.append(warning)
    for check, members in groups.items():
        if len(members) < _GROUP_FROM:
            out.extend(members)
            continue
        items = ", ".join(_group_item(check, summary.loc[m.column]) for m in members)
        out.append(
            QualityWarning(
                "low",
                check,
                ", ".join(str(m.column) for m in members),
                _GROUPED_CHECKS[check].format(n=len(members), items=items),
            )
        )
    return out


def column_warnings(summary: pd.DataFrame, n_rows: int) -> list:
    found = []
    for col, row in summary.iterrows():
        rate = row["missing_rate"]
        if rate == 1:
            found.append(
                QualityWarning(
                    "high",
                    "all_missing",
                    col,
                    f"{col} is entirely missing; drop it or find its values.",
                )
            )
            continue
        if rate > 0:
            severity = "high" if rate >= 0.5 else "medium" if rate >= 0.1 else "low"
            found.append(
                QualityWarning(
                    severity,
                    "missing",
                    col,
                    f"{col} is missing in {int(row['n_missing'])} row(s) ({_pct(rate)}).",
                )
            )
        if row["n_infinite"]:
            found.append(
                QualityWarning(
                    "high",
                    "infinite",
                    col,
                    f"{col} holds {int(row['n_infinite'])} infinite value(s); they are left "
                    "out of its statistics.",
                )
            )
        if row["n_placeholders"]:
            found.append(
                QualityWarning(
                    "medium",
                    "placeholder",
                    col,
                    f"{col} holds {int(row['n_placeholders'])} value(s) that look like "
                    "missing-value placeholders ('', '?', 'N/A', ...).",
                )
            )
        if row["constant"]:
            found.append(
                QualityWarning(
                    "medium",
                    "constant",
                    col,
                    f"{col} takes a single value ({_shown(row['top'])}); it carries no "
                    "information.",
                )
            )
        elif row["top_share"] >= 0.99 and n_rows >= 100:
            found.append(
                QualityWarning(
                    "low",
                    "quasi_constant",
                    col,
                    f"{row['top_share']:.1%} of {col} is {_shown(row['top'])}.",
                )
            )
        if row["id_like"]:
            found.append(
                QualityWarning(
                    "medium",
                    "id_like",
                    col,
                    f"{col} looks like an identifier ({row['unique_ratio']:.0%} of its values "
                    "are distinct); exclude it from models and generators.",
                )
            )
        share = row["outlier_share"]
        if share > 0:
            found.append(
                QualityWarning(
                    "medium" if share >= 0.05 else "low",
                    "outliers",
                    col,
                    f"{col} has {int(row['n_outliers'])} value(s) ({share:.1%}) outside "
                    f"[{row['lower_fence']:.4g}, {row['upper_fence']:.4g}] (IQR rule"
                    f"{' on a log scale' if row['log_fences'] else ''}).",
                )
            )
        if abs(row["skew"]) > 2 and not row["constant"]:
            found.append(
                QualityWarning(
                    "low",
                    "skew",
                    col,
                    f"{col} is strongly skewed (skewness {row['skew']:.2f}); consider a log "
                    "or quantile transform.",
                )
            )
    return _grouped(found, summary)


def table_warnings(report_parts: dict, n_rows: int) -> list:
    found = []
    n_dup = len(report_parts["duplicates"])
    if n_dup:
        share = n_dup / n_rows
        severity = "high" if share >= 0.05 else "medium" if share >= 0.01 else "low"
        found.append(
            QualityWarning(
                severity,
                "duplicates",
                None,
                f"{n_dup} row(s) ({_pct(share)}) repeat an earlier row exactly.",
            )
        )
    n_near = len(report_parts["near_duplicates"])
    if n_near:
        found.append(
            QualityWarning(
                "medium" if n_near / n_rows >= 0.01 else "low",
                "near_duplicates",
                None,
                f"{n_near} row(s) are within {report_parts['tol']:g} (standardised distance) "
                "of an earlier row without repeating it exactly.",
            )
        )
    if len(report_parts["label_conflicts"]):
        found.append(
            QualityWarning(
                "medium",
                "label_conflicts",
                None,
                f"{len(report_parts['label_conflicts'])} row(s) share their features with "
                "another row but not its label.",
            )
        )
    balance = report_parts["class_balance"]
    if balance is not None:
        ratio = report_parts["imbalance_ratio"]
        if ratio >= 1.5:
            severity = "high" if ratio >= 10 else "medium" if ratio >= 3 else "low"
            found.append(
                QualityWarning(
                    severity,
                    "imbalance",
                    report_parts["target"],
                    f"the classes are imbalanced: the largest is {ratio:.1f} times the "
                    f"smallest ({balance.index[-1]!r}: {int(balance['count'].iloc[-1])} rows).",
                )
            )
        small = balance.index[balance["count"] < 10].tolist()
        if small:
            found.append(
                QualityWarning(
                    "high",
                    "small_class",
                    report_parts["target"],
                    f"class(es) {small} have fewer than 10 rows.",
                )
            )
    issues, checked = report_parts["label_issues"], report_parts["n_checked"]
    if len(issues):
        share = len(issues) / checked
        severity = "high" if share >= 0.1 else "medium" if share >= 0.02 else "low"
        found.append(
            QualityWarning(
                severity,
                "label_issues",
                report_parts["target"],
                f"{len(issues)} of {checked} checked row(s) ({share:.1%}) have a label that "
                "cross-validated predictions contradict; review them (report.label_issues).",
            )
        )
    return found
