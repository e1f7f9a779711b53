"""The figures of an :class:`EvaluationReport`: marginals, association heatmaps, privacy distances.

Each function draws on a new :class:`matplotlib.figure.Figure` (matplotlib is
imported when a figure is drawn) and returns it; the report's ``plot_*``
methods check their arguments and call these.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import leaves_list, linkage
from scipy.spatial.distance import squareform

from ._common import NUMERIC_KINDS, numeric_values
from ._explanation import _short

__all__ = ["marginals_figure", "pairwise_figure", "privacy_figure"]


def marginals_figure(real, synthetic, kinds, scores, columns, n_cols, max_categories):
    """Draw the real and synthetic distribution of each of ``columns``.

    ``scores`` holds the column-shape score of each column (for the titles);
    ``n_cols`` subplots stand in a row.
    """
    from matplotlib.figure import Figure

    n_cols = max(1, min(n_cols, len(columns)))
    n_rows = -(-len(columns) // n_cols)
    fig = Figure(figsize=(3.4 * n_cols, 2.7 * n_rows), layout="constrained")
    axes = fig.subplots(n_rows, n_cols, squeeze=False).ravel()
    for ax, col in zip(axes, columns, strict=False):
        if kinds[col] in NUMERIC_KINDS:
            _hist(ax, real[col], synthetic[col], datetime=kinds[col] == "datetime")
        else:
            _bars(ax, real[col], synthetic[col], max_categories)
        ax.set_title(f"{_short(col, 24)} (score {scores[col]:.2f})", fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in axes[len(columns) :]:
        ax.set_visible(False)
    axes[0].legend(fontsize=7)
    return fig


def _hist(ax, real_column, synthetic_column, *, datetime):
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    real = numeric_values(real_column)
    syn = numeric_values(synthetic_column)
    real, syn = real[np.isfinite(real)], syn[np.isfinite(syn)]
    if real.size == 0:
        return
    edges = np.histogram_bin_edges(real, bins=30)
    syn = np.clip(syn, edges[0], edges[-1])
    ax.hist(real, bins=edges, density=True, alpha=0.5, label="real")
    ax.hist(syn, bins=edges, density=True, alpha=0.5, label="synthetic")
    # few, short tick labels: large amounts (e.g. 250000) would overlap
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
    write = _date if datetime else _compact
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: write(value)))
    ax.set_yticks([])  # a density's scale says nothing a reader needs


def _bars(ax, real_column, synthetic_column, max_categories):
    real = real_column.astype(object).fillna("<missing>").astype(str)
    syn = synthetic_column.astype(object).fillna("<missing>").astype(str)
    real_share = real.value_counts(normalize=True)
    syn_share = syn.value_counts(normalize=True)
    labels = real_share.index[:max_categories]
    positions = np.arange(len(labels))
    ax.bar(positions - 0.2, real_share[labels].to_numpy(), width=0.4, label="real")
    ax.bar(
        positions + 0.2,
        syn_share.reindex(labels, fill_value=0.0).to_numpy(),
        width=0.4,
        label="synthetic",
    )
    ax.set_xticks(positions, [_short(v, 12) for v in labels], rotation=45, ha="right")
    ax.set_ylabel("share", fontsize=7)


def pairwise_figure(real: pd.DataFrame, syn: pd.DataFrame):
    """Draw the real and synthetic association matrices and their absolute difference."""
    from matplotlib.figure import Figure

    order = _cluster_order(real)
    real, syn = real.iloc[order, order], syn.iloc[order, order]
    n = len(real)
    if n <= 12:
        size = max(3.5, 0.35 * n + 1.5)
        fig = Figure(figsize=(3 * size + 2, size), layout="constrained")
        panels = [("real", real, "coolwarm", -1), ("synthetic", syn, "coolwarm", -1)]
    else:
        size = min(12.0, 0.2 * n + 2.0)
        fig = Figure(figsize=(size + 1.5, 2 * size), layout="constrained")
        lower = np.tril(np.ones((n, n), dtype=bool), k=-1)
        both = real.where(lower | np.eye(n, dtype=bool), syn)
        panels = [("real (below the diagonal) and synthetic (above)", both, "coolwarm", -1)]
    panels.append(("|real - synthetic|", (real - syn).abs(), "Reds", 0))
    grid = (1, len(panels)) if n <= 12 else (len(panels), 1)
    axes = fig.subplots(*grid, squeeze=False).ravel()
    fontsize = 8 if n <= 30 else 6
    for ax, (title, matrix, cmap, low) in zip(axes, panels, strict=True):
        image = ax.imshow(matrix.to_numpy(dtype=float), cmap=cmap, vmin=low, vmax=1)
        ticks = np.arange(n)
        labels = [_short(c, 18) for c in matrix.columns]
        ax.set_xticks(ticks, labels, rotation=90, fontsize=fontsize)
        ax.set_yticks(ticks, labels, fontsize=fontsize)
        ax.set_title(title, fontsize=10)
        fig.colorbar(image, ax=ax, shrink=0.7)
    return fig


def privacy_figure(distances: dict):
    """Draw the distances to the closest record, both ways (see ``privacy_details``)."""
    from matplotlib.figure import Figure

    d = distances
    fig = Figure(figsize=(10, 3.5), layout="constrained")
    left, right = fig.subplots(1, 2)
    for ax, first, second, labels, title in (
        (left, "synthetic_to_train", "synthetic_to_holdout", ("to training", "to holdout"),
         "synthetic row to closest real row"),
        (right, "train_to_synthetic", "holdout_to_synthetic", ("training", "holdout"),
         "real row to closest synthetic row"),
    ):  # fmt: skip
        values = np.concatenate([d[first], d[second]])
        edges = np.histogram_bin_edges(values, bins=40)
        ax.hist(d[first], bins=edges, alpha=0.5, label=labels[0])
        ax.hist(d[second], bins=edges, alpha=0.5, label=labels[1])
        ax.set_xlabel("distance")
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=8)
    return fig


def _compact(value: float) -> str:
    """Write a tick value in at most about five characters (250000 -> 250k)."""
    size = abs(value)
    if size >= 1e9:
        return f"{value / 1e9:.3g}G"
    if size >= 1e6:
        return f"{value / 1e6:.3g}M"
    if size >= 1e4:
        return f"{value / 1e3:.3g}k"
    if size >= 1:
        return f"{value:.4g}"
    return f"{value:.3g}"


def _date(value: float) -> str:
    """Write a datetime tick (nanoseconds since 1970) as a date."""
    return pd.Timestamp(int(value)).strftime("%Y-%m-%d")


def _cluster_order(matrix: pd.DataFrame) -> np.ndarray:
    """Order columns so that strongly associated ones sit together."""
    if len(matrix) < 3:
        return np.arange(len(matrix))
    strength = np.nan_to_num(np.abs(matrix.to_numpy(dtype=float)), nan=0.0)
    distance = np.clip(1.0 - strength, 0.0, 1.0)
    np.fill_diagonal(distance, 0.0)
    condensed = squareform((distance + distance.T) / 2, checks=False)
    return leaves_list(linkage(condensed, method="average", optimal_ordering=True))
