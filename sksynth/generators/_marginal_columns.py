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

import numpy as np
import pandas as pd

__all__ = ["DiscreteColumn", "NumericColumn", "can_hold_missing"]


def can_hold_missing(dtype):
    """Whether a column of ``dtype`` can hold missing values (numpy ints and bools cannot)."""
    if isinstance(dtype, np.dtype):
        return dtype.kind not in "biu"
    return True


def _weights(noisy, floor=0.0):
    """Non-negative weights from noisy counts: those under ``floor`` read as empty.

    Uniform when nothing is left.
    """
    noisy = np.asarray(noisy, dtype=float)
    weights = np.where(noisy >= floor, np.maximum(noisy, 0.0), 0.0)
    return weights if weights.sum() > 0 else np.ones_like(weights)


class _Column:
    """Shared part: missing cell, groups of cells, decoding a group to a cell."""

    def __init__(self, name, dtype):
        self.name = name
        self.dtype = dtype
        self.missing_cell = can_hold_missing(dtype)

    @property
    def n_cells(self):
        return self._n_values + int(self.missing_cell)

    def set_counts(self, noisy, n_groups, min_count):
        """Group the cells by their noisy one-way counts (post-processing)."""
        self.noisy_counts = np.asarray(noisy, dtype=float)
        # cells whose noisy count is under half the release threshold read as empty:
        # noise in empty bins would otherwise spread values where there are none
        weights = _weights(self.noisy_counts, 0.5 * min_count)
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
        """Noisy one-way counts of the groups (clipped at zero)."""
        counts = np.zeros(self.n_groups)
        np.add.at(counts, self.group_of_cell, np.maximum(self.noisy_counts, 0.0))
        if self.missing_cell and self.noisy_counts[-1] < self._min_count_used:
            counts[-1] = 0.0
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
        Bins of equal width; an integer column whose range holds at most
        ``2 * n_bins`` whole numbers gets one bin per number.
    """

    def __init__(self, name, dtype, kind, low, high, n_bins):
        super().__init__(name, dtype)
        self.kind = kind
        if kind == "integer":
            low, high = np.ceil(low), np.floor(high)
            high = max(high, low)
            if high - low + 1 <= 2 * n_bins:
                self.edges = np.arange(low - 0.5, high + 1.0)
            else:
                self.edges = np.linspace(low - 0.5, high + 0.5, n_bins + 1)
        else:
            self.edges = np.linspace(low, high, n_bins + 1)
        self.low, self.high = float(low), float(high)
        self._n_values = len(self.edges) - 1

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
        cells = np.searchsorted(self.edges, np.clip(values, *inner), side="right") - 1
        cells = np.clip(cells, 0, self._n_values - 1)
        if self.missing_cell:
            cells[missing] = self._n_values
        return cells.astype(np.int64), clipped

    def _group_values(self, weights, n_groups, min_count):
        """Contiguous bins of about equal noisy mass."""
        self._min_count_used = min_count
        n_groups = int(min(n_groups, self._n_values))
        share = np.cumsum(weights) / weights.sum()
        group = np.floor((share - 0.5 * weights / weights.sum()) * n_groups).astype(int)
        group = np.clip(group, 0, n_groups - 1)
        return np.unique(group, return_inverse=True)[1]

    def decode(self, cells, rng):
        """Values of the given cells: uniform within a bin, whole numbers kept whole."""
        missing = cells >= self._n_values if self.missing_cell else np.zeros(len(cells), bool)
        bins = np.minimum(cells, self._n_values - 1)
        left, right = self.edges[bins], self.edges[bins + 1]
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
        self._min_count_used = min_count
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
                weights = _weights(self.noisy_counts[: len(self.levels)])
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
