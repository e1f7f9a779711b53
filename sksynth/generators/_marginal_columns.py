"""Columns as finite domains for the marginal sampler: cells, groups of cells, decoding.

Every column becomes a set of *cells* that a row falls into:

* a number: equal-width bins between its bounds (one bin per whole number
  for integer columns with a short range), values outside the bounds clipped
  into the end bins and counted;
* a discrete column: one cell per level, and an ``other`` cell for rows whose
  level is not among the released ones;
* a missing-value cell when the dtype can hold missing values.

The cells' noisy counts (a one-way marginal) are then used, as post-
processing, to *group* cells for the two-way marginals (contiguous bins of
about equal mass for numbers; frequent levels kept, rare ones pooled for
discrete columns) and to decode a group back to a cell, and a cell to a
value, in proportion to the noisy counts.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd

from ..utils._kinds import can_hold_missing

__all__ = ["DiscreteColumn", "NumericColumn", "project_counts"]


def project_counts(noisy, total):
    """Return the non-negative counts summing to ``total`` nearest to ``noisy`` (Euclidean).

    One constant is taken off every count and what falls below zero is set to
    zero: small noisy counts, mostly noise, vanish, large ones keep their
    differences.
    """
    noisy = np.asarray(noisy, dtype=float)
    if total <= 0 or len(noisy) == 0:
        return np.zeros_like(noisy)
    ordered = np.sort(noisy)[::-1]
    shifts = (np.cumsum(ordered) - total) / np.arange(1, len(ordered) + 1)
    k = np.flatnonzero(ordered - shifts > 0)[-1]
    return np.maximum(noisy - shifts[k], 0.0)


def _grid(low, high, n_bins):
    """Bin edges from the bounds alone: ``n_bins`` of equal width, merged with a log grid.

    The log grid (``n_bins`` edges, geometric in the distance to the bound nearest
    zero) gives fine bins where skewed amounts pile up (many zeros, a long tail),
    the equal-width grid keeps the rest of the range resolved; both depend only
    on the public bounds.
    """
    linear = np.linspace(low, high, n_bins + 1)
    if high <= low:
        return linear
    anchor = min(max(0.0, low), high)  # the point of the range nearest zero
    reach = max(high - anchor, anchor - low)
    smallest = reach / 2.0 ** 12
    ratios = np.geomspace(smallest, reach, n_bins)
    log = np.concatenate([anchor - ratios, [anchor], anchor + ratios])
    edges = np.unique(np.concatenate([linear, log[(log > low) & (log < high)]]))
    # drop edges closer than a thousandth of the range to the next one
    keep = np.r_[True, np.diff(edges) > 1e-3 * (high - low) / n_bins]
    edges = edges[keep]
    edges[-1] = high
    return edges


# an integer column whose range holds at most this many whole numbers gets one cell
# per number (noisy cells too small to tell from the noise read as empty)
_WHOLE_NUMBER_CELLS = 256


def _special_points(low, high):
    """Return the bounds, and zero when it lies strictly between them."""
    return np.unique([low, high] + ([0.0] if low < 0 < high else []))


class _Column:
    """Shared part: missing cell, groups of cells, decoding a group to a cell."""

    def __init__(self, name, dtype):
        self.name = name
        self.dtype = dtype
        self.missing_cell = can_hold_missing(dtype)

    @property
    def n_cells(self):
        return self._n_values + int(self.missing_cell)

    def set_counts(self, noisy, n_groups, min_count, total):
        """Group the cells by their noisy one-way counts (post-processing).

        The counts are first made a distribution of ``total`` rows (the
        nearest one, :func:`project_counts`): noise in the many empty cells
        of a fine histogram would otherwise add mass where there is none.
        """
        self.noisy_counts = np.asarray(noisy, dtype=float)
        weights = project_counts(self.noisy_counts, total)
        if self.missing_cell and self.noisy_counts[-1] < min_count:
            weights[-1] = 0.0  # missing values too rare to tell from the noise
        self.counts = weights
        weights = weights if weights.sum() > 0 else np.ones_like(weights)
        group = self._group_values(weights[: self._n_values], n_groups, min_count)
        if self.missing_cell:
            group = np.append(group, group.max() + 1)
        self.group_of_cell = group
        self.n_groups = int(group.max()) + 1
        # within each group, cells in proportion to their noisy counts (a floor keeps
        # every cell reachable from its group)
        floor = 1e-3 * weights.sum() / len(weights)
        table = np.zeros((self.n_groups, self.n_cells))
        table[group, np.arange(self.n_cells)] = weights + floor
        if self.missing_cell and self.noisy_counts[-1] < min_count:
            table[:, -1] = 0.0  # missing values too rare to tell from the noise
            table[-1, -1] = 1.0
        self._cell_given_group = np.cumsum(table / table.sum(axis=1, keepdims=True), axis=1)
        return self

    def group_counts(self):
        """One-way counts of the groups (of the projected noisy counts)."""
        counts = np.zeros(self.n_groups)
        np.add.at(counts, self.group_of_cell, self.counts)
        return counts

    def groups(self, cells):
        return self.group_of_cell[cells]

    def cells_from_groups(self, groups, rng):
        draws = rng.random(len(groups))
        cum = self._cell_given_group[groups]
        cells = (cum < draws[:, None]).sum(axis=1)
        return np.minimum(cells, self.n_cells - 1)


class NumericColumn(_Column):
    """A number (float, integer or datetime) binned between declared or private bounds.

    Parameters
    ----------
    name : str
    dtype : dtype
    kind : {"continuous", "integer", "datetime"}
    low, high : float
        Bounds (datetimes as int64 in the column's unit).
    n_bins : int
        Bins of equal width, merged with as many log-spaced ones (see
        :func:`_grid`); an integer column whose range holds at most
        ``2 * n_bins`` whole numbers gets one bin per number. The bounds, and
        zero when it lies between them, are cells of their own (amounts that
        pile up at zero or at a bound come back exactly).
    """

    def __init__(self, name, dtype, kind, low, high, n_bins):
        super().__init__(name, dtype)
        self.kind = kind
        points = np.zeros(0)
        if kind == "integer":
            low, high = np.ceil(low), np.floor(high)
            high = max(high, low)
            if high - low + 1 <= _WHOLE_NUMBER_CELLS:
                edges = np.arange(low - 0.5, high + 1.0)
            else:  # whole numbers never straddle two bins; the special points alone
                special = _special_points(low, high)
                grid = np.concatenate([_grid(low, high, n_bins), special - 0.5, special + 0.5])
                edges = np.unique(np.clip(np.round(grid - 0.5) + 0.5, low - 0.5, high + 0.5))
        else:
            edges = _grid(low, high, n_bins)
            if kind == "continuous" and high > low:
                points = _special_points(low, high)
        self.low, self.high = float(low), float(high)
        self._set_cells(edges, points)

    def _set_cells(self, edges, points):
        """Cells in the order of their values: bins, and the points between them."""
        centres = np.concatenate([(edges[:-1] + edges[1:]) / 2.0, points])
        order = np.argsort(centres, kind="stable")
        self.edges, self.points = edges, points
        self.left = np.concatenate([edges[:-1], points])[order]
        self.right = np.concatenate([edges[1:], points])[order]
        self._cell_of = np.argsort(order)  # bins, then points -> cell
        self._n_values = len(centres)

    def share_at_bounds(self, weights):
        """Share of the rows in the end cells whose bound is not zero.

        ``weights`` are the cells' noisy counts made a distribution
        (:func:`project_counts`). Values beyond the bounds are clipped into
        the end cells; a private estimate of the range is widened beyond the
        values it found, so a large share there says the estimate cut the
        column short. Zero is left out: amounts piled at a lower bound of zero
        are common and real.
        """
        weights = weights[: self._n_values]
        if weights.sum() <= 0:
            return 0.0
        ends = [i for i, bound in ((0, self.low), (-1, self.high)) if bound != 0]
        return float(weights[ends].sum() / weights.sum()) if ends else 0.0

    def refined(self, weights, n_bins):
        """Return a copy binned where the rows are, from this column's noisy counts.

        The bounds a data owner declares are often far wider than the values,
        and equal-width or log bins between them leave a few wide bins where
        the rows are. The noisy counts of these cells, made a distribution
        (``weights``, :func:`project_counts`), place new edges at ``n_bins``
        quantiles (linear within a cell), beside the first and last cells that
        hold rows and the bounds; the points (bounds, zero) stay cells of
        their own. Post-processing of the noisy counts: it spends no budget.
        """
        weights = weights[: self._n_values]
        is_bin = self.right > self.left
        mass, left, right = weights[is_bin], self.left[is_bin], self.right[is_bin]
        refined = copy.copy(self)
        if mass.sum() <= 0:
            return refined
        held = np.flatnonzero(mass > 0)
        cum = np.concatenate([[0.0], np.cumsum(mass)])
        targets = cum[-1] * np.arange(1, n_bins) / n_bins
        at = np.clip(np.searchsorted(cum, targets, side="left"), 1, len(mass))
        share = (targets - cum[at - 1]) / np.maximum(mass[at - 1], 1e-12)
        quantiles = left[at - 1] + np.clip(share, 0.0, 1.0) * (right[at - 1] - left[at - 1])
        edges = np.concatenate([self.edges[[0, -1]], [left[held[0]], right[held[-1]]], quantiles])
        if self.kind == "integer":  # whole numbers never straddle two bins
            special = _special_points(self.low, self.high)
            edges = np.concatenate([np.round(edges - 0.5) + 0.5, special - 0.5, special + 0.5])
        edges = np.unique(np.clip(edges, self.edges[0], self.edges[-1]))
        keep = np.r_[True, np.diff(edges) > 1e-9 * (self.edges[-1] - self.edges[0])]
        edges = edges[keep]
        edges[-1] = self.edges[-1]
        refined._set_cells(edges, self.points)
        return refined

    def _values(self, series):
        if self.kind == "datetime":
            values = series.to_numpy(dtype="datetime64[ns]").astype(np.int64).astype(float)
            values[series.isna().to_numpy()] = np.nan
            return values
        return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)

    def cells(self, series):
        """Cell of every row and the number of values clipped to the bounds."""
        values = self._values(series)
        missing = np.isnan(values)
        inner = (self.edges[0], self.edges[-1])
        present = values[~missing]
        clipped = int(((present < inner[0]) | (present > inner[1])).sum())
        values = np.clip(values, *inner)
        n_intervals = len(self.edges) - 1
        raw = np.clip(np.searchsorted(self.edges, values, side="right") - 1, 0, n_intervals - 1)
        if len(self.points):
            at = np.clip(np.searchsorted(self.points, values), 0, len(self.points) - 1)
            exact = self.points[at] == values
            raw = np.where(exact, n_intervals + at, raw)
        cells = self._cell_of[raw]
        if self.missing_cell:
            cells[missing] = self._n_values
        return cells.astype(np.int64), clipped

    def _group_values(self, weights, n_groups, min_count):
        """Contiguous bins of about equal noisy mass; a heavy single value is a group alone.

        A value that holds half a group's mass or more (zero amounts, a bound,
        a frequent whole number) would otherwise share its group with its
        neighbours, and the relation of the other columns with it (a card
        holder's spending is zero or not) would be blurred.
        """
        n_groups = int(min(n_groups, self._n_values))
        share = np.cumsum(weights) / weights.sum()
        group = np.floor((share - 0.5 * weights / weights.sum()) * n_groups).astype(int)
        group = np.clip(group, 0, n_groups - 1)
        width = self.right - self.left
        single = width <= 1.0 if self.kind == "integer" else width == 0
        heavy = single & (weights >= max(0.5 * weights.sum() / n_groups, min_count))
        starts = np.r_[True, np.diff(group) != 0] | heavy | np.r_[False, heavy[:-1]]
        return np.cumsum(starts) - 1

    def decode(self, cells, rng):
        """Values of the given cells: uniform within a bin, whole numbers kept whole."""
        missing = cells >= self._n_values if self.missing_cell else np.zeros(len(cells), bool)
        bins = np.minimum(cells, self._n_values - 1)
        left, right = self.left[bins], self.right[bins]
        values = left + rng.random(len(cells)) * (right - left)
        if self.kind == "integer":
            values = np.clip(np.round(values), self.low, self.high)
        values[missing] = np.nan
        if self.kind == "datetime":
            stamps = pd.Series(pd.to_datetime(np.round(values), unit="ns"))
            if isinstance(self.dtype, pd.DatetimeTZDtype):
                stamps = stamps.dt.tz_localize("UTC").dt.tz_convert(self.dtype.tz)
            return stamps.astype(self.dtype)
        if self.kind == "integer" and not self.missing_cell:
            return pd.Series(values.astype(np.int64)).astype(self.dtype)
        return pd.Series(values).astype(self.dtype)


class DiscreteColumn(_Column):
    """A discrete column (category, bool, string...) over released levels.

    Parameters
    ----------
    name : str
    dtype : dtype
    levels : list
        The levels that get their own cell; rows holding another level fall
        into an ``other`` cell, decoded to the released levels in proportion.
    other_cell : bool
        Whether rows may hold a level outside ``levels``.
    """

    def __init__(self, name, dtype, levels, other_cell):
        super().__init__(name, dtype)
        self.levels = list(levels)
        self.other_cell = bool(other_cell)
        self._n_values = len(self.levels) + int(self.other_cell)

    def cells(self, series):
        """Cell of every row and the number of rows whose level is not released."""
        index = pd.Index(self.levels)
        values = series.astype(object)
        missing = values.isna().to_numpy()
        cells = index.get_indexer(values.where(~missing, None))
        unknown = (cells < 0) & ~missing
        if self.other_cell:
            cells[unknown] = len(self.levels)
        if self.missing_cell:
            cells[missing] = self._n_values
        # a level that cannot be represented (no other cell) is an error upstream
        return cells.astype(np.int64), int(unknown.sum())

    def _group_values(self, weights, n_groups, min_count):
        """Frequent levels alone, the rest (and ``other``) pooled in one group."""
        values = self.noisy_counts[: self._n_values]
        order = np.argsort(-values, kind="stable")
        keep = [i for i in order[:n_groups] if values[i] >= min_count]
        if self.other_cell:
            keep = [i for i in keep if i < len(self.levels)]
        group = np.full(self._n_values, len(keep))
        group[keep] = np.arange(len(keep))
        return np.unique(group, return_inverse=True)[1]

    def cells_from_groups(self, groups, rng):
        cells = super().cells_from_groups(groups, rng)
        if self.other_cell and self.levels:  # an unreleased level: a released one instead
            other = cells == len(self.levels)
            if other.any():
                weights = self.counts[: len(self.levels)]
                weights = weights if weights.sum() > 0 else np.ones_like(weights)
                cum = np.cumsum(weights / weights.sum())
                cells[other] = np.minimum(
                    np.searchsorted(cum, rng.random(int(other.sum()))), len(self.levels) - 1
                )
        return cells

    def decode(self, cells, rng):
        """Levels of the given cells (missing for the missing cell)."""
        array = np.empty(len(self.levels) + 1, dtype=object)
        array[: len(self.levels)] = self.levels
        array[-1] = None
        index = np.where(cells < len(self.levels), cells, len(self.levels))
        values = pd.Series(array[index], dtype=object)
        if isinstance(self.dtype, pd.CategoricalDtype):
            return pd.Series(pd.Categorical(values, dtype=self.dtype))
        if pd.api.types.is_bool_dtype(self.dtype) and not self.missing_cell:
            return values.astype(bool).astype(self.dtype)
        return values.astype(self.dtype)
