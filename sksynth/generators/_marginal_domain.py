"""The private domain of a table for the marginal sampler: metadata, budget plan, columns.

What is declared public (bounds, level lists, the dtypes' own levels) is
checked; the budget is split between the metadata still to estimate
(numeric ranges by the shared private range estimator, level lists by
Gaussian thresholding), the selection of pairs and the measurements; and
every column becomes a finite domain (:mod:`._marginal_columns`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

from ..exceptions import DataQualityWarning
from ..utils import warn_caller
from ..utils._privacy_accounting import check_budget, gaussian_sigma, rho_for_epsilon
from ..utils._private_range import private_range
from ._marginal_columns import DiscreteColumn, NumericColumn, project_counts
from ._private_metadata import (
    DISCRETE_KINDS,
    YEAR_EDGES_NS,
    bound_pair,
    check_declared_columns,
    check_levels,
    dtype_kind,
    observed_bounds,
    public_levels,
)

__all__ = [
    "build_columns", "check_declared", "combined_row_count", "measure_one_way",
    "noisy_row_count", "plan_budget", "private_levels", "warn_small",
]


def private_levels(series, sigma, delta, rng):
    """Levels of ``series`` released by Gaussian thresholding (Gaussian noise on each count).

    A level is released when its count plus ``N(0, sigma**2)`` noise exceeds
    ``1 + sigma * z(1 - delta)``: the counts cost ``1 / (2 sigma**2)`` of
    zCDP, and a level held by a single row is released with probability at
    most ``delta``, which is added to the delta spent.
    """
    counts = series.value_counts(dropna=True, sort=False)
    noisy = counts.to_numpy(dtype=float) + rng.normal(scale=sigma, size=len(counts))
    keep = noisy > 1.0 + sigma * norm.isf(delta)
    return list(counts.index[keep])


def check_declared(frame, bounds, categories):
    """Validate the declared ``bounds`` and ``categories``; ``"public-bounds"`` resolved."""
    columns = list(frame.columns)
    bounds = observed_bounds(frame) if isinstance(bounds, str) else dict(bounds or {})
    categories = dict(categories or {})
    check_declared_columns(columns, {"bounds": bounds, "categories": categories})
    checked = {}
    for column, pair in bounds.items():
        if dtype_kind(frame[column].dtype) in DISCRETE_KINDS:
            raise ValueError(
                f"bounds[{column!r}]: column {column!r} is discrete "
                f"({frame[column].dtype}); declare its levels in categories instead."
            )
        low, high = bound_pair(pair, f"bounds[{column!r}]")
        low, high = _as_number(low, frame[column].dtype), _as_number(
            high, frame[column].dtype
        )
        if not np.isfinite([low, high]).all() or not low <= high:
            raise ValueError(
                f"bounds[{column!r}] needs finite low <= high; got {pair!r}."
            )
        checked[column] = (low, high) if high > low else (low, low + 1.0)
    for column, levels in categories.items():
        check_levels(levels, f"categories[{column!r}]")
    return checked, {c: list(v) for c, v in categories.items()}

def _as_number(value, dtype):
    """Return a bound as a float (datetimes as nanoseconds since the epoch, in UTC)."""
    if pd.api.types.is_datetime64_any_dtype(dtype):
        stamp = pd.Timestamp(value)
        stamp = stamp.tz_convert("UTC") if stamp.tzinfo is not None else stamp
        return float(stamp.as_unit("ns").value)
    return float(value)

# -------------------------------------------------------------- fitting

# share of the marginals' budget spent on a noisy count of the rows: the number of rows
# is private too (a neighbouring table has one row more or less), and the domain's
# resolution and the consistency of the counts are chosen from this count
_COUNT_SHARE = 0.02
# budget of a number's first one-way marginal, as a share of a measurement's: it only
# places the bins where the rows are (see NumericColumn.refined); coarse counts suffice
_BINS_SHARE = 0.25


def plan_budget(frame, y, params):
    """Split the budget: metadata (epsilon, delta), then zCDP for the marginals.

    ``params`` are the sampler's parameters (``get_params()``).
    """
    n = len(frame)
    epsilon, delta = check_budget(params["epsilon"], params["delta"], n)
    bounds, categories = check_declared(frame, params["bounds"], params["categories"])
    kinds = {c: dtype_kind(frame[c].dtype) for c in frame.columns}
    numeric = [c for c, k in kinds.items() if k not in DISCRETE_KINDS and c not in bounds]
    levels = [
        c for c, k in kinds.items()
        if k in DISCRETE_KINDS and c not in categories and public_levels(frame[c].dtype) is None
    ]
    units = len(numeric) + len(levels)
    meta_delta = params["metadata_share"] * delta if levels else 0.0
    rho = rho_for_epsilon(epsilon, delta - meta_delta)
    meta_rho = params["metadata_share"] * rho if units else 0.0
    d = frame.shape[1] + int(y is not None)
    selection = params["selection_share"] * (rho - meta_rho) if d > 1 else 0.0
    count_rho = _COUNT_SHARE * (rho - meta_rho)
    # every column's one-way marginal, the d - 1 pairs of the tree, and, at a share of
    # a measurement, the numbers' first one-way marginal that places their bins
    n_numbers = sum(k not in DISCRETE_KINDS for k in kinds.values())
    per_marginal = (rho - meta_rho - selection - count_rho) / (
        2 * d - 1 + _BINS_SHARE * n_numbers
    )
    unit_rho = meta_rho / units if units else 0.0
    return {
        "n": n, "count_rho": count_rho, "count_sigma": gaussian_sigma(count_rho),
        "epsilon": epsilon, "delta": delta, "kinds": kinds, "bounds": bounds,
        "categories": categories, "numeric": numeric, "levels": levels,
        "bins_rho": _BINS_SHARE * n_numbers * per_marginal,
        "unit_rho": unit_rho, "unit_delta": meta_delta / len(levels) if levels else 0.0,
        "meta_rho": meta_rho, "meta_delta": meta_delta, "rho": rho,
        "selection_rho": selection, "marginal_rho": per_marginal,
        "sigma": gaussian_sigma(per_marginal),
        "bins_sigma": gaussian_sigma(_BINS_SHARE * per_marginal),
    }

def noisy_row_count(n, plan, rng):
    """Return the number of rows plus Gaussian noise of ``plan["count_sigma"]`` (at least 1)."""
    return max(1.0, n + rng.normal(scale=plan["count_sigma"]))


def combined_row_count(count, plan, noisy_sums, sum_variances):
    """Inverse-variance mean of the noisy count and of the sums of noisy one-way marginals.

    A one-way marginal of ``k`` cells with noise ``sigma`` sums to the number
    of rows plus noise of variance ``k * sigma**2`` (``sum_variances``):
    post-processing that sharpens the count used to make the marginals
    consistent.
    """
    variances = np.concatenate([[plan["count_sigma"] ** 2],
                                np.asarray(sum_variances, dtype=float)])
    estimates = np.concatenate([[count], np.asarray(noisy_sums, dtype=float)])
    weights = 1.0 / variances
    return max(1.0, float(np.sum(weights * estimates) / weights.sum()))


def build_columns(frame, plan, n_bins, rng):
    """Build the domain of every column, spending the metadata budget where needed.

    ``plan["n_noisy"]`` (the noisy row count) sets the resolution. Returns
    the columns, the metadata estimated (for ``budget_``), the number of
    bins and the bounds of the numbers.
    """
    n, sigma = plan["n_noisy"], plan["sigma"]
    if n_bins == "auto":
        n_bins = int(np.clip(round(n / (4.0 * sigma)), 8, 64))
    columns, metadata, bounds = [], {}, {}
    for name in frame.columns:
        series, kind = frame[name], plan["kinds"][name]
        if kind not in DISCRETE_KINDS:
            if name in plan["bounds"]:
                low, high = plan["bounds"][name]
            else:
                eps = float(np.sqrt(2.0 * plan["unit_rho"]))  # pure eps-DP is eps**2/2-zCDP
                values = NumericColumn(name, series.dtype, kind, 0, 1, 2)._values(series)
                candidates = YEAR_EDGES_NS if kind == "datetime" else None
                found = private_range(values, eps, rng, candidates=candidates)
                low, high = found if found is not None else (0.0, 1.0)
                metadata[f"range of {name!r}"] = {"rho": plan["unit_rho"], "epsilon": eps}
            bounds[name] = (low, high)
            columns.append(NumericColumn(name, series.dtype, kind, low, high, n_bins))
            continue
        public = plan["categories"].get(name, public_levels(series.dtype))
        if public is not None:
            # a declared list may miss levels of the data: an "other" cell, always (its
            # presence must not depend on the data); a dtype's own levels are complete
            declared = name in plan["categories"]
            columns.append(DiscreteColumn(name, series.dtype, public, declared))
            continue
        level_sigma, delta = gaussian_sigma(plan["unit_rho"]), plan["unit_delta"]
        released = private_levels(series, level_sigma, delta, rng)
        metadata[f"levels of {name!r}"] = {"rho": plan["unit_rho"], "delta": delta}
        if not released:
            warn_caller(
                f"No level of column {name!r} is frequent enough to be released privately "
                f"(noise +-{level_sigma:.0f} rows on its level counts): it is generated as "
                "missing values. Declare its levels in categories={column: [...]}, raise "
                "epsilon or metadata_share, or drop the column (e.g. an identifier).",
                DataQualityWarning,
            )
        columns.append(DiscreteColumn(name, series.dtype, sorted(released, key=str), True))
    return columns, metadata, n_bins, bounds

def measure_one_way(frame, columns, cells, plan, n_bins, rng):
    """Measure every column's one-way marginal; numbers get bins placed where their rows are.

    A number is first counted on the cells fixed by its bounds, with the
    noise of ``plan["bins_sigma"]`` (a share of a measurement's budget); these
    counts place new bins at its quantiles (:meth:`NumericColumn.refined`) and
    the number is counted again on them with ``plan["sigma"]``. ``columns``
    and ``cells`` are updated in place.

    Returns
    -------
    noisy : list of ndarray
        The noisy one-way counts the model uses.
    n : float
        The noisy number of rows, sharpened by the sums of the first counts.
    cut_short : list of str
        Numbers with an estimated range whose first counts put many rows at
        an end of it (values beyond it are clipped there), or a range of no
        width.
    """
    sigma = plan["sigma"]
    scales = [
        plan["bins_sigma"] if isinstance(column, NumericColumn) else sigma for column in columns
    ]
    noisy = [
        np.bincount(codes, minlength=column.n_cells) + rng.normal(scale=scale, size=column.n_cells)
        for column, codes, scale in zip(columns, cells, scales, strict=True)
    ]
    # the number of rows is private: everything after this reads this estimate only
    n = combined_row_count(
        plan["n_noisy"], plan, [c.sum() for c in noisy],
        [c.n_cells * scale**2 for c, scale in zip(columns, scales, strict=True)],
    )
    cut_short = []
    for k, column in enumerate(columns):
        if not isinstance(column, NumericColumn):
            continue
        weights = project_counts(noisy[k], n)
        estimated = column.name in plan["numeric"]
        if estimated and (column.high <= column.low or column.share_at_bounds(weights) > 0.1):
            cut_short.append(column.name)
        columns[k] = column.refined(weights, n_bins)
        cells[k] = columns[k].cells(frame[column.name])[0]
        again = np.bincount(cells[k], minlength=columns[k].n_cells) + rng.normal(
            scale=sigma, size=columns[k].n_cells
        )
        if np.array_equal(columns[k].edges, column.edges):  # the same cells twice
            share = (sigma / plan["bins_sigma"]) ** 2
            again = (share * noisy[k] + again) / (1.0 + share)
        noisy[k] = again
    return noisy, n, cut_short


def warn_small(plan):
    """Warn when the noise of each count is large next to the number of rows."""
    n, sigma = plan["n"], plan["sigma"]
    if n < 10 * sigma:
        warn_caller(
            f"The table has {n} rows; at epsilon={plan['epsilon']:g} each measured count "
            f"gets noise of about +-{sigma:.0f} rows, so the generated rows will show "
            "little of the table's structure. Raise epsilon, keep fewer columns, or fit "
            "on more rows.",
            DataQualityWarning,
        )
