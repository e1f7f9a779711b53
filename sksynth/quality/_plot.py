"""Figures of a :class:`~sksynth.quality.QualityReport` (matplotlib, no pyplot state)."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["plot_overview", "plot_distributions", "plot_categories"]

_OK, _WARN, _BAD, _NEUTRAL = "#4c72b0", "#dd8452", "#c44e52", "#8c8c8c"


def _pct(share: float) -> str:
    return "<0.1%" if 0 < share < 0.001 else f"{share:.1%}" if share < 0.1 else f"{share:.0%}"


def _figure(**kwargs):
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def _empty(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", color=_NEUTRAL, transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def _missing_panel(ax, report) -> None:
    rates = report.missing_rate.sort_values()
    rates = rates[rates > 0].tail(20)
    ax.set_title("Missing values per column")
    if rates.empty:
        _empty(ax, "no missing values")
        return
    colours = [_BAD if r >= 0.5 else _WARN if r >= 0.1 else _OK for r in rates]
    ax.barh([str(c) for c in rates.index], rates.to_numpy(), color=colours)
    for pos, rate in enumerate(rates):
        ax.text(rate, pos, f" {_pct(rate)}", va="center", fontsize=8)
    ax.set_xlim(0, min(1.0, rates.max() * 1.3))
    ax.set_xlabel("share of rows missing")


def _balance_panel(ax, report) -> None:
    ax.set_title("Class balance" + (f" of {report.target}" if report.target else ""))
    balance = report.class_balance
    if balance is None:
        _empty(ax, "no classification target")
        return
    balance = balance.head(20)
    labels = [str(c) for c in balance.index]
    ax.bar(labels, balance["count"].to_numpy(), color=_OK)
    for pos, (count, share) in enumerate(zip(balance["count"], balance["share"])):
        ax.text(pos, count, f"{int(count)}\n{share:.1%}", ha="center", va="bottom", fontsize=8)
    ax.set_ylim(0, balance["count"].max() * 1.25)
    ax.set_ylabel("rows")
    ax.set_title(f"{ax.get_title()} (imbalance {report.imbalance_ratio:.2f})")
    ax.tick_params(axis="x", labelrotation=30 if len(labels) > 5 else 0)


def _outlier_panel(ax, report) -> None:
    ax.set_title("Outliers per numeric column (IQR rule)")
    share = report.columns["outlier_share"].dropna().sort_values()
    share = share[share > 0].tail(20)
    if share.empty:
        _empty(
            ax,
            "no outliers"
            if report.columns["outlier_share"].notna().any()
            else "no numeric columns",
        )
        return
    colours = [_WARN if s >= 0.05 else _OK for s in share]
    ax.barh([str(c) for c in share.index], share.to_numpy(), color=colours)
    counts = report.columns.loc[share.index, "n_outliers"]
    for pos, (s, n) in enumerate(zip(share, counts)):
        ax.text(s, pos, f" {int(n)}", va="center", fontsize=8)
    ax.set_xlim(0, share.max() * 1.3)
    ax.set_xlabel("share of values outside the fences")


def _label_panel(ax, report) -> None:
    ax.set_title("Label check: probability of the given label")
    quality = report.label_quality
    if quality is None:
        _empty(ax, "labels not checked")
        return
    flagged = quality.index.isin(report.label_issues.index)
    bins = np.linspace(0, 1, 26)
    ax.hist(
        [quality.to_numpy()[~flagged], quality.to_numpy()[flagged]],
        bins=bins,
        stacked=True,
        color=[_OK, _BAD],
        label=["kept", f"flagged ({int(flagged.sum())})"],
    )
    ax.set_yscale("log")
    ax.set_xlabel("out-of-fold probability of the given label")
    ax.set_ylabel("rows (log scale)")
    ax.legend(loc="upper left", fontsize=8)


def plot_overview(report):
    """Draw missing rates, class balance, outlier shares and label confidence.

    Parameters
    ----------
    report : QualityReport
        The report to draw.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    fig = _figure(figsize=(12, 8.5), layout="constrained")
    axes = fig.subplots(2, 2)
    _missing_panel(axes[0, 0], report)
    _balance_panel(axes[0, 1], report)
    _outlier_panel(axes[1, 0], report)
    _label_panel(axes[1, 1], report)
    counts = report.warning_counts()
    fig.suptitle(
        f"{report.n_rows} rows x {report.n_columns} columns: completeness "
        f"{report.completeness:.1%}, {len(report.duplicates)} duplicate rows, "
        f"{counts['high']} high / {counts['medium']} medium / {counts['low']} low warnings"
    )
    return fig


def _ranked(report, columns, max_columns: int):
    """Columns with the most trouble (missing, outliers) first, then in table order."""
    table = report.columns.loc[list(columns)]
    trouble = table["missing_rate"].fillna(0) + table["outlier_share"].fillna(0)
    order = sorted(range(len(table)), key=lambda i: -trouble.iloc[i])
    return [table.index[i] for i in order][:max_columns]


def _grid(n: int, ncols: int = 4, cell=(3.0, 2.3)):
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    fig = _figure(figsize=(cell[0] * ncols, cell[1] * nrows + 0.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False).ravel())
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes


def _log1p(values):
    return np.log1p(np.maximum(values, 0.0))


def _per_column(report, columns, max_columns, draw, title):
    """Draw one small panel per column, the most troubled columns first.

    ``draw(ax, report, col, row)`` fills the panel of ``col`` (``row`` is its
    line of ``report.columns``) and returns the details shown under the column's
    name. Returns None when there is no column to draw.
    """
    columns = _ranked(report, columns, max_columns)
    if not columns:
        return None
    fig, axes = _grid(len(columns))
    for ax, col in zip(axes, columns):
        row = report.columns.loc[col]
        details = draw(ax, report, col, row)
        if row["missing_rate"] > 0:
            details += f", {_pct(row['missing_rate'])} missing"
        ax.set_title(f"{col}\n{details.strip(', ')}", fontsize=9)
        ax.tick_params(labelsize=7)
    fig.suptitle(title)
    return fig


def _draw_histogram(ax, report, col, row) -> str:
    counts, edges = report.histograms[col]
    ax.stairs(counts, edges, fill=True, color=_OK, alpha=0.8)
    if np.issubdtype(edges.dtype, np.datetime64):  # a date column: no fences, no skew
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

        locator = AutoDateLocator(minticks=2, maxticks=4)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        first, last = (np.datetime_as_string(e, unit="D") for e in (edges[0], edges[-1]))
        return f"{first} to {last}"
    for fence in (row["lower_fence"], row["upper_fence"]):
        if np.isfinite(fence) and edges[0] <= fence <= edges[-1]:
            ax.axvline(fence, color=_BAD, linestyle="--", linewidth=1)
    details = f"skew {row['skew']:.2f}" if np.isfinite(row["skew"]) else ""
    if row.get("log_fences") is True or row.get("log_fences") == 1:
        # a long tail drawn on a linear axis is one spike: use a log(1 + x) axis
        ax.set_xscale("function", functions=(_log1p, np.expm1))
        ticks = np.expm1(np.linspace(_log1p(edges[0]), _log1p(edges[-1]), 4))
        ax.set_xticks(ticks, [f"{t:.3g}" for t in ticks])
        details += ", log(1+x) axis"
    if row["n_outliers"]:
        details += f", {int(row['n_outliers'])} outliers"
    return details


def _draw_top_values(ax, report, col, row) -> str:
    counts = report.top_values[col]
    labels = [str(v)[:14] for v in counts.index][::-1]
    ax.barh(labels, counts.to_numpy()[::-1], color=_OK)
    return f"{int(row['n_unique'])} values"


def plot_distributions(report, *, max_columns: int = 24):
    """Draw a histogram per numeric column with its outlier fences, and per date column.

    Parameters
    ----------
    report : QualityReport
        The report to draw.
    max_columns : int, default=24
        At most this many columns are drawn, those with the most missing
        values and outliers first.

    Returns
    -------
    fig : matplotlib.figure.Figure or None
        None when the table has no numeric or date column with values.
    """
    title = report._distributions_title()
    return _per_column(
        report,
        report.histograms,
        max_columns,
        _draw_histogram,
        f"{title} (dashed: outlier fences; long tails on a log(1+x) axis)",
    )


def plot_categories(report, *, max_columns: int = 24):
    """Draw the most frequent values of each categorical or boolean column.

    Takes the same arguments as :func:`plot_distributions` and returns None
    when the table has no categorical column with values.
    """
    columns = [c for c, counts in report.top_values.items() if len(counts)]
    return _per_column(
        report,
        columns,
        max_columns,
        _draw_top_values,
        "Categorical columns (most frequent values)",
    )
