"""The result of :func:`sksynth.quality.assess`: numbers, warnings, text, figures and HTML."""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..utils import atomic_write, figure_to_html, render_html_report

__all__ = ["QualityReport", "QualityWarning", "SEVERITIES"]

SEVERITIES = ("high", "medium", "low")


@dataclass(frozen=True)
class QualityWarning:
    """One problem found in a dataset.

    Attributes can also be read like a dict (``warning["severity"]``).

    Parameters
    ----------
    severity : {"high", "medium", "low"}
        How much the problem is likely to hurt a model or an analysis.
    check : str
        The check that raised it (``"missing"``, ``"duplicates"``, ...).
    column : str or None
        The column concerned, or ``None`` for the whole table.
    message : str
        What was found and what to do about it.

    Examples
    --------
    >>> from sksynth.quality import QualityWarning
    >>> w = QualityWarning("high", "missing", "age", "age is entirely missing.")
    >>> w["severity"], w.column
    ('high', 'age')
    """

    severity: str
    check: str
    column: object
    message: str

    def __getitem__(self, key):
        return getattr(self, key)

    def to_dict(self) -> dict:
        """Return the warning as a plain dict."""
        return asdict(self)


def _count(n: int, total: int) -> str:
    share = n / total if total else 0.0
    return f"{n} ({share:.1%})"


@dataclass(repr=False, eq=False)
class QualityReport:
    """Quality assessment of a dataset, as returned by :func:`sksynth.quality.assess`.

    Every attribute is computed once by :func:`~sksynth.quality.assess`; the
    report holds summaries (no copy of the data), so it is cheap to keep, plot
    and write out.

    Attributes
    ----------
    n_rows, n_columns : int
        Shape of the assessed features.
    target : str or None
        Name of the target, when one was given.
    kinds : dict of str to str
        The kind of every column.
    columns : pandas.DataFrame
        One row per column: ``kind``, ``dtype``, ``n_missing``,
        ``missing_rate``, ``n_infinite``, ``n_unique``, ``unique_ratio``,
        ``top``, ``top_share``, ``mean``, ``std``, ``min``, ``max``, ``skew``,
        ``lower_fence``, ``upper_fence``, ``log_fences`` (fences taken on a log
        scale), ``n_outliers``, ``outlier_share``,
        ``n_placeholders``, ``constant``, ``id_like``.
    missing_rate : pandas.Series
        Share of missing values per column.
    completeness : float
        Share of non-missing cells in the whole table.
    row_completeness : pandas.Series
        Share of non-missing cells per row.
    complete_rows : float
        Share of rows without any missing value.
    duplicates : pandas.Index
        Labels of the rows that repeat an earlier row exactly (features and
        target).
    near_duplicates : pandas.DataFrame
        Indexed by the labels of rows within ``near_duplicate_tol`` of an
        earlier row that they do not repeat exactly; columns ``duplicate_of``
        (the closest such earlier row) and ``distance``.
    label_conflicts : pandas.Index
        Labels of rows whose features exactly repeat another row's but whose
        target differs.
    outliers : pandas.DataFrame
        One row per outlying cell: ``row`` (row label), ``column``, ``value``.
    class_balance : pandas.DataFrame or None
        ``count`` and ``share`` per class, most frequent first.
    imbalance_ratio : float
        Size of the largest class over the smallest (NaN without classes).
    label_issues : pandas.DataFrame
        Indexed by the flagged rows' labels, most suspicious first:
        ``given_label``, ``predicted_label``, ``score`` (out-of-fold
        probability of the given label; lower is more suspicious) and
        ``predicted_score``. Empty when labels were not checked.
    label_quality : pandas.Series or None
        The out-of-fold probability of the given label for every checked row.
    label_thresholds : pandas.Series or None
        Per-class average self-confidence used as thresholds.
    warnings : list of QualityWarning
        Problems found, most severe first.
    notes : list of str
        What was not checked or was checked on a subsample, and why.
    histograms : dict
        Column to ``(counts, edges)`` for numeric and date columns (for
        plots; a date column's edges are ``datetime64``).
    top_values : dict
        Column to a Series of the most frequent values (for plots).
    timings : dict of str to float
        Seconds spent in each step.
    rules : RuleSet or None
        Exact rules between the columns (:func:`sksynth.rules.find_rules`),
        or None when they were not looked for.
    params : dict
        The settings of the assessment.
    label_issue_rows : pandas.DataFrame or None
        The feature values of the first 50 rows in ``label_issues`` (None when
        the row labels of X are not unique), shown next to them in the HTML page.
    """

    n_rows: int
    n_columns: int
    target: object
    kinds: dict
    columns: pd.DataFrame
    missing_rate: pd.Series
    completeness: float
    row_completeness: pd.Series
    complete_rows: float
    duplicates: pd.Index
    near_duplicates: pd.DataFrame
    label_conflicts: pd.Index
    outliers: pd.DataFrame
    class_balance: pd.DataFrame | None
    imbalance_ratio: float
    label_issues: pd.DataFrame
    label_quality: pd.Series | None
    label_thresholds: pd.Series | None
    warnings: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    histograms: dict = field(default_factory=dict)
    top_values: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    rules: object = None
    label_issue_rows: pd.DataFrame | None = None

    # ------------------------------------------------------------------ text
    def warning_counts(self) -> dict:
        """Return the number of warnings per severity.

        Returns
        -------
        counts : dict of str to int
            ``{"high": ..., "medium": ..., "low": ...}``.
        """
        return {s: sum(w.severity == s for w in self.warnings) for s in SEVERITIES}

    def overview(self) -> pd.Series:
        """Return the headline numbers as a Series.

        Returns
        -------
        overview : pandas.Series
            Rows, columns, completeness, duplicates, outliers, classes, label
            issues and warning counts.
        """
        counts = self.warning_counts()
        items = {
            "rows": self.n_rows,
            "columns": self.n_columns,
            "completeness": round(self.completeness, 4),
            "complete rows": round(self.complete_rows, 4),
            "exact duplicates": _count(len(self.duplicates), self.n_rows),
            "near duplicates": _count(len(self.near_duplicates), self.n_rows),
            "outlying cells": len(self.outliers),
            "constant columns": int(self.columns["constant"].sum()),
            "ID-like columns": int(self.columns["id_like"].sum()),
        }
        if self.class_balance is not None:
            items["target"] = str(self.target)
            items["classes"] = len(self.class_balance)
            items["imbalance ratio"] = round(self.imbalance_ratio, 2)
            items["label conflicts"] = len(self.label_conflicts)
            if self.label_quality is not None:
                checked = len(self.label_quality)
                items["label issues"] = f"{len(self.label_issues)} of {checked} checked"
        items["warnings"] = f"{counts['high']} high, {counts['medium']} medium, {counts['low']} low"
        return pd.Series(items, name="value", dtype=object)

    def __repr__(self) -> str:
        counts = self.warning_counts()
        target = ""
        if self.class_balance is not None:
            target = (
                f", target {self.target!r} ({len(self.class_balance)} classes, "
                f"imbalance {self.imbalance_ratio:.2f})"
            )
        return (
            f"<QualityReport: {self.n_rows} rows x {self.n_columns} columns{target}; "
            f"completeness {self.completeness:.1%}, {len(self.duplicates)} duplicate rows, "
            f"{len(self.label_issues)} label issues; warnings: {counts['high']} high, "
            f"{counts['medium']} medium, {counts['low']} low>"
        )

    def summary(self, *, max_warnings: int = 30) -> str:
        """Return a plain-text summary of the report.

        Parameters
        ----------
        max_warnings : int, default=30
            At most this many warnings are listed (the most severe first).

        Returns
        -------
        text : str
            Overview, warnings and the per-column table.
        """
        lines = ["Dataset quality report", "=" * 22]
        overview = self.overview()
        width = max(len(k) for k in overview.index)
        lines += [f"{k:<{width}}  {v}" for k, v in overview.items()]
        if self.class_balance is not None:
            lines += ["", "Class balance", "-" * 13, self.class_balance.to_string()]
        lines += ["", "Warnings", "-" * 8]
        if not self.warnings:
            lines.append("none")
        for w in self.warnings[:max_warnings]:
            where = f"[{w.column}] " if w.column is not None else ""
            lines.append(f"{w.severity.upper():<6}  {where}{w.message}")
        if len(self.warnings) > max_warnings:
            lines.append(f"... and {len(self.warnings) - max_warnings} more")
        if self.notes:
            lines += ["", "Notes", "-" * 5] + [f"- {n}" for n in self.notes]
        lines += self._rules_lines()
        shown = ["kind", "missing_rate", "n_unique", "skew", "outlier_share", "constant", "id_like"]
        table = self.columns[shown].copy()
        lines += ["", "Columns", "-" * 7, table.to_string(float_format=lambda v: f"{v:.3g}")]
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Return the per-column summary as a new DataFrame.

        Returns
        -------
        frame : pandas.DataFrame
            A copy of :attr:`columns`, one row per column.
        """
        return self.columns.copy()

    def warnings_frame(self) -> pd.DataFrame:
        """Return the warnings as a DataFrame (severity, check, column, message).

        Returns
        -------
        frame : pandas.DataFrame
        """
        return pd.DataFrame(
            [w.to_dict() for w in self.warnings], columns=["severity", "check", "column", "message"]
        )

    # --------------------------------------------------------------- figures
    def _distributions_title(self):
        """Title of the histograms: "Numbers and dates" when a date column is drawn."""
        dates = any(
            np.issubdtype(edges.dtype, np.datetime64) for _, edges in self.histograms.values()
        )
        return "Numbers and dates" if dates else "Numeric columns"

    def plot(self, *, max_columns: int = 24) -> dict:
        """Draw the report as matplotlib figures.

        Parameters
        ----------
        max_columns : int, default=24
            At most this many columns are drawn in the small-multiple figures
            (those with the most missing values and outliers first).

        Returns
        -------
        figures : dict of str to matplotlib.figure.Figure
            ``"overview"`` (missing rates, class balance, outlier shares and
            label confidence), ``"distributions"`` (a histogram per numeric
            column with its outlier fences, and per date column) and
            ``"categories"`` (the most frequent values of categorical
            columns); figures without content are left out.
        """
        from ._plot import plot_categories, plot_distributions, plot_overview

        figures = {"overview": plot_overview(self)}
        dist = plot_distributions(self, max_columns=max_columns)
        if dist is not None:
            figures["distributions"] = dist
        cats = plot_categories(self, max_columns=max_columns)
        if cats is not None:
            figures["categories"] = cats
        return figures

    # ------------------------------------------------------------------ HTML
    def to_html(self, path=None, *, title: str = "Dataset quality report", max_rows: int = 50):
        """Render the report as a self-contained HTML page with embedded figures.

        Parameters
        ----------
        path : str or path-like, default=None
            Where to write the page (atomically). If None, nothing is written.
        title : str, default="Dataset quality report"
            Title of the page.
        max_rows : int, default=50
            At most this many rows are listed in each detail table.

        Returns
        -------
        page : str
            The HTML document.
        """
        sections = [("Overview", self.overview().to_frame().to_html(header=False))]
        warnings = self.warnings_frame()
        if len(warnings):
            rows = "".join(
                f'<tr><td class="sev-{html.escape(r.severity)}">{html.escape(r.severity)}</td>'
                f"<td>{html.escape(r.check)}</td>"
                f"<td>{html.escape('(whole table)' if pd.isna(r.column) else str(r.column))}</td>"
                f'<td style="text-align:left">{html.escape(r.message)}</td></tr>'
                for r in warnings.itertuples()
            )
            body = (
                "<table><tr><th>severity</th><th>check</th><th>column</th><th>message</th></tr>"
                f"{rows}</table>"
            )
        else:
            body = "<p>No problems found.</p>"
        sections.append(("Warnings", body))
        if self.notes:
            items = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
            sections.append(("Notes", f"<ul>{items}</ul>"))
        labels = {
            "overview": "Missing values, class balance, outliers and label confidence",
            "distributions": self._distributions_title(),
            "categories": "Categorical columns",
        }
        for name, fig in self.plot().items():
            sections.append((labels[name], figure_to_html(fig, alt=labels[name])))
        columns_table = self.columns.to_html(float_format=lambda v: f"{v:.4g}", na_rep="")
        sections.append(("Columns", f'<div style="overflow-x:auto">{columns_table}</div>'))
        if self.rules is not None:
            sections.append(("Rules between columns", self._rules_html()))
        if self.class_balance is not None:
            sections.append(("Class balance", self.class_balance.to_html()))
        details = [
            ("Label issues", self._label_issues_with_values()),
            ("Exact duplicates", pd.DataFrame(index=self.duplicates)),
            ("Near duplicates", self.near_duplicates),
            ("Outlying cells", self.outliers.set_index(["row", "column"])),
        ]
        for heading, table in details:
            if len(table):
                note = f"<p>{len(table)} in total; the first {max_rows} are listed.</p>"
                shown = table.head(max_rows)
                if shown.shape[1] == 0:
                    body = "<p>" + html.escape(", ".join(map(str, shown.index))) + "</p>"
                else:
                    body = shown.to_html(float_format=lambda v: f"{v:.4g}")
                sections.append((heading, (note if len(table) > max_rows else "") + body))
        subtitle = f"{self.n_rows} rows x {self.n_columns} columns"
        if self.target is not None:
            subtitle += f", target {self.target}"
        page = render_html_report(title, sections, subtitle=subtitle)
        if path is not None:
            with atomic_write(Path(path)) as fh:
                fh.write(page)
        return page

    # ----------------------------------------------------------------- rules
    # the rules between columns (sksynth.rules), kept apart from the rest
    def _rules_table(self) -> pd.DataFrame:
        table = self.rules.to_frame()[["formula", "support", "n_exceptions", "exceptions"]]
        return table.rename(columns={"n_exceptions": "exceptions", "exceptions": "rows"})

    def _rules_lines(self) -> list:
        if self.rules is None:
            return []
        lines = ["", "Rules between columns", "-" * 21]
        if not len(self.rules):
            return lines + ["none found"]
        table = self._rules_table()
        return lines + [table.to_string(index=False, float_format=lambda v: f"{v:.3f}")]

    def _rules_html(self) -> str:
        if not len(self.rules):
            return "<p>No exact rule found.</p>"
        return self._rules_table().to_html(index=False, float_format=lambda v: f"{v:.3f}")
    def _label_issues_with_values(self) -> pd.DataFrame:
        if self.label_issue_rows is None or not len(self.label_issues):
            return self.label_issues
        rows = self.label_issue_rows
        return self.label_issues.join(rows, how="left", suffixes=("", " (feature)"))

    def _repr_html_(self) -> str:  # pragma: no cover - notebooks only
        return self.overview().to_frame().to_html(header=False)


def severity_order(warnings: list) -> list:
    """Sort warnings from high to low severity, keeping their order otherwise."""
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(warnings, key=lambda w: rank[w.severity])


def _finite(values) -> np.ndarray:
    values = np.asarray(values, dtype="float64")
    return values[np.isfinite(values)]
