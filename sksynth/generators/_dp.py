"""Differential privacy for the generative samplers: budget, public table, noisy counts.

Under ``dp=True`` nothing computed from the training rows leaves ``fit``
unless it is differentially private:

* the network is trained with DP-SGD (:mod:`sksynth.nn._privacy`): the whole
  VAE, or the GAN's critic (the generator only ever sees the critic);
* the :class:`~sksynth.encoding.TabularEncoder` is fitted on a *public
  stand-in table* built from the schema (column names and dtypes), from
  metadata the user declares (``dp_metadata``) and, for what is not declared,
  from differentially private statistics: numeric ranges by the shared private
  range estimator (:mod:`sksynth.utils._private_range`), category lists by a
  thresholded noisy histogram.
  All the encoder's statistics (levels, frequencies, ranges, modes) are then
  post-processing of those;
* the counts that conditional samplers keep (category x label frequencies)
  and the class counts of per-class samplers are released with Laplace noise.

The budget is split by sequential composition: a share ``budget_share``
(default 10%) of ``target_epsilon`` (and of ``target_delta``) goes to the
statistics, split evenly among those estimated; the rest goes to DP-SGD. When
everything is declared, DP-SGD gets the whole budget.

The sampler chooses its strategy once per fit: :class:`PrivateFit` under
``dp=True`` (it holds the budget plan and the noise of that fit), else
:class:`NoPrivacy`; both answer the same few questions (how to fit the
encoder, what the nets need, which counts may leave ``fit``, what was spent).
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import Interval, StrOptions

from ..encoding._columns import numbers_to_dtype, numeric_values
from ..exceptions import DataQualityWarning
from ..nn._privacy import check_opacus
from ..utils import warn_caller
from ..utils._kinds import can_hold_missing
from ..utils._private_range import private_range
from ._private_metadata import (
    DISCRETE_KINDS,
    bound_pair,
    check_declared_columns,
    check_levels,
    datetime_edges,
    dtype_kind,
    observed_bounds,
    public_levels,
)

__all__ = [
    "DP_ATTRIBUTES",
    "DP_CONSTRAINTS",
    "NoPrivacy",
    "PrivateFit",
    "dp_categories",
]

DP_CONSTRAINTS = {
    "dp": ["boolean"],
    "target_epsilon": [Interval(numbers.Real, 0, None, closed="neither")],
    "target_delta": [Interval(numbers.Real, 0, 1, closed="neither"), None],
    "max_grad_norm": [Interval(numbers.Real, 0, None, closed="neither")],
    "dp_metadata": [dict, StrOptions({"public-bounds"}), None],
}

#: Fitted attributes that report the privacy spent (``dp=True`` only).
DP_ATTRIBUTES = ("epsilon_", "delta_", "dp_accounting_")
_METADATA_KEYS = {"bounds", "categories", "budget_share"}
_PUBLIC_ROWS = 1000


def dp_categories(series, epsilon, delta, rng):
    """Levels of ``series`` and their noisy counts, by a thresholded Laplace histogram.

    Each present level's count gets ``Laplace(1 / epsilon)`` noise and is
    released only above ``1 + ln(1 / delta) / epsilon``, which makes the
    release ``(epsilon, delta)``-DP although the list of levels comes from the
    data.

    Parameters
    ----------
    series : pandas.Series
    epsilon, delta : float
    rng : numpy.random.Generator

    Returns
    -------
    levels : list
    counts : ndarray of float

    Examples
    --------
    >>> import pandas as pd
    >>> import numpy as np
    >>> from sksynth.generators._dp import dp_categories
    >>> s = pd.Series(["a"] * 500 + ["b"] * 300 + ["rare"])
    >>> levels, counts = dp_categories(s, 1.0, 1e-5, np.random.default_rng(0))
    >>> sorted(levels)
    ['a', 'b']
    """
    counts = series.value_counts(dropna=True, sort=False)
    noisy = counts.to_numpy(dtype=float) + rng.laplace(scale=1.0 / epsilon, size=len(counts))
    keep = noisy >= 1.0 + np.log(1.0 / delta) / epsilon
    return list(counts.index[keep]), noisy[keep]


def _spread(levels, weights, n_rows):
    """Repeat ``levels`` in proportion to ``weights`` into about ``n_rows`` values."""
    weights = np.maximum(np.asarray(weights, dtype=float), 0.0)
    weights = weights if weights.sum() > 0 else np.ones(len(levels))
    repeats = np.maximum(1, np.round(weights / weights.sum() * n_rows)).astype(int)
    array = np.empty(len(levels), dtype=object)
    array[:] = list(levels)
    return np.repeat(array, repeats)


class NoPrivacy:
    """The fit strategy of ``dp=False``: every hook lets its input through."""

    def training_sampling(self, default):
        """How training draws rows: the sampler's ``default``."""
        return default

    def fit_encoder(self, encoder, frame):
        """Fit ``encoder`` on ``frame``; return the encoded rows."""
        return encoder.fit(frame).transform(frame)

    def encoder_params(self):
        """Parameters that the strategy imposes on the table encoder."""
        return {}

    def net_params(self):
        """Parameters that the strategy imposes on the nets."""
        return {}

    def release_layout(self, layout):
        """Return the condition layout as it may leave ``fit``."""
        return layout

    def release_class_counts(self, counts):
        """Return the class counts as they may leave ``fit``."""
        return counts

    def report(self, nets):
        """Fitted attributes describing the privacy spent (none)."""
        return {}


class PrivateFit:
    """The fit strategy of ``dp=True``: budget, public table, noisy counts, DP-SGD.

    Created once per fit (it holds the budget plan and the noise generator
    of that fit); the sampler asks it at each step what may leave ``fit``.

    Parameters
    ----------
    frame : DataFrame
        The training table (private).
    y : ndarray or None
        The training labels (private).
    conditional : bool
        Whether the sampler keeps condition counts.
    target_epsilon, target_delta, max_grad_norm, dp_metadata
        The sampler's parameters of the same names.
    column_kinds : dict, default=None
        Column kinds declared in the encoder's parameters.
    rules : RuleKeeper or None, default=None
        The kept rules, when ``frame`` is the table they let the generator
        learn: ``dp_metadata`` names the user's columns, in their own units.
    seed : int
        Seed of the noise added to the statistics.
    """

    def __init__(
        self,
        frame,
        y,
        *,
        conditional,
        target_epsilon,
        target_delta,
        max_grad_norm,
        dp_metadata,
        column_kinds=None,
        rules=None,
        seed,
    ):
        check_opacus()
        self.max_grad_norm = max_grad_norm
        self._rng = np.random.default_rng(seed)
        self._plan = _plan_budget(
            frame,
            y,
            conditional=conditional,
            target_epsilon=target_epsilon,
            target_delta=target_delta,
            dp_metadata=dp_metadata,
            column_kinds=column_kinds,
            rules=rules,
        )

    def training_sampling(self, default):
        """DP-SGD needs Poisson-sampled rows, each with its own condition."""
        return "own"

    def encoder_params(self):
        """Return the column kinds read from the dtypes and the declarations only."""
        return {"column_kinds": dict(self._plan["kinds"])}

    def fit_encoder(self, encoder, frame):
        """Fit ``encoder`` on a public stand-in of ``frame``; return the encoded rows."""
        encoder.fit(self._public_table(frame))
        with warnings.catch_warnings():
            # levels dropped by the noisy histogram are expected: all-zero spans
            warnings.simplefilter("ignore", DataQualityWarning)
            return encoder.transform(frame)

    def net_params(self):
        """Return the DP-SGD share of the budget and the clipping bound."""
        return {
            "target_epsilon": self._plan["net_epsilon"],
            "target_delta": self._plan["net_delta"],
            "max_grad_norm": self.max_grad_norm,
        }

    def _spend(self, item, epsilon, delta=0.0):
        self._plan["spent"][item] = (float(epsilon), float(delta))

    # ---------------------------------------------------------- public table
    def _public_column(self, series, column):
        plan = self._plan
        kind = plan["kinds"][column]
        dtype = series.dtype
        rng = self._rng
        if column in plan["categories"]:
            levels = list(plan["categories"][column])
            values = _spread(levels, np.ones(len(levels)), _PUBLIC_ROWS)
        elif kind in DISCRETE_KINDS:
            levels = public_levels(dtype)
            if levels is not None:
                values = _spread(levels, np.ones(len(levels)), _PUBLIC_ROWS)
            else:
                eps, delta = plan["unit_epsilon"], plan["unit_delta"]
                levels, counts = dp_categories(series, eps, delta, rng)
                self._spend(f"categories of {column!r}", eps, delta)
                if not levels:
                    raise ValueError(
                        f"With dp=True, no category of column {column!r} passed the noisy "
                        f"histogram's threshold (epsilon {eps:.3g} for this column). Declare its "
                        "levels in dp_metadata={'categories': {column: [...]}} or raise "
                        "target_epsilon."
                    )
                values = _spread(levels, counts, _PUBLIC_ROWS)
        else:
            if column in plan["bounds"]:
                low, high = numeric_values(pd.Series(list(plan["bounds"][column])).astype(
                    dtype if kind == "datetime" else "float64"), column)
            else:
                eps = plan["unit_epsilon"]
                edges = datetime_edges(dtype) if kind == "datetime" else None
                found = private_range(numeric_values(series, column), eps, rng, candidates=edges)
                self._spend(f"range of {column!r}", eps)
                if found is None:
                    raise ValueError(
                        f"With dp=True, the range of column {column!r} could not be estimated "
                        f"with epsilon {eps:.3g} (no histogram bin held enough rows to stand "
                        "out of the noise). Declare it in dp_metadata={'bounds': {column: "
                        "(low, high)}} or raise target_epsilon."
                    )
                low, high = found
            grid = np.linspace(low, high, _PUBLIC_ROWS)
            return _with_missing(
                numbers_to_dtype(grid, np.zeros(len(grid), bool), dtype, kind != "continuous"),
                dtype,
            )
        return _with_missing(pd.Series(values).astype(dtype), dtype)

    def _public_table(self, frame):
        columns = {c: self._public_column(frame[c], c) for c in frame.columns}
        n_rows = max(len(s) for s in columns.values())
        table = {}
        for column, series in columns.items():
            take = np.arange(n_rows) % len(series)
            table[column] = series.iloc[take].reset_index(drop=True)
        return pd.DataFrame(table, columns=frame.columns)

    # ------------------------------------------------------------- counts
    def release_layout(self, layout):
        """Replace the layout's counts by Laplace-noised ones (L1 sensitivity: one per column)."""
        eps = self._plan["unit_epsilon"]
        scale = len(layout.columns) / eps
        rng = self._rng
        if layout.joint_counts is not None:
            joint = layout.joint_counts + rng.laplace(scale=scale, size=layout.joint_counts.shape)
            layout.joint_counts = np.maximum(joint, 0.0)
            counts = layout.joint_counts.sum(axis=1)
        else:
            counts = np.maximum(layout.counts + rng.laplace(scale=scale, size=layout.counts.shape),
                                0.0)
        for offset, size in zip(layout.offsets, layout.sizes, strict=True):
            block = counts[offset : offset + size]
            if block.sum() <= 0:
                block[:] = 1.0
        layout.counts = counts
        log_freq = np.log1p(counts)
        probs = np.zeros(tuple(layout.log_frequency.shape))
        for j, (offset, size) in enumerate(zip(layout.offsets, layout.sizes, strict=True)):
            block = log_freq[offset : offset + size]
            probs[j, :size] = block / block.sum()
        layout.log_frequency = layout.log_frequency.new_tensor(probs)
        self._spend("condition counts", eps)
        return layout

    def release_class_counts(self, counts):
        """Return Laplace-noised class counts (per-class samplers)."""
        eps = self._plan["unit_epsilon"]
        noisy = np.maximum(counts + self._rng.laplace(scale=1.0 / eps, size=counts.shape), 0.0)
        self._spend("class counts", eps)
        return noisy if noisy.sum() > 0 else np.ones_like(noisy)

    # ---------------------------------------------------------- accounting
    def report(self, nets):
        """Return ``epsilon_``, ``delta_`` and ``dp_accounting_`` of the fit of ``nets``."""
        spent = self._plan["spent"]
        stats_epsilon = sum(e for e, _ in spent.values())
        stats_delta = sum(d for _, d in spent.values())
        # per-class nets see disjoint rows: parallel composition (the largest counts)
        net_epsilon = max((net.epsilon_ for net in nets), default=0.0)
        net_delta = max((net.delta_ for net in nets), default=0.0)
        return {
            "epsilon_": float(stats_epsilon + net_epsilon),
            "delta_": float(stats_delta + net_delta),
            "dp_accounting_": {
                "network_epsilon": float(net_epsilon),
                "network_delta": float(net_delta),
                "noise_multiplier": float(max((n.noise_multiplier_ for n in nets), default=0.0)),
                "sample_rate": float(max((n.sample_rate_ for n in nets), default=0.0)),
                "statistics": {k: {"epsilon": e, "delta": d} for k, (e, d) in spent.items()},
            },
        }


def _check_dp_metadata(dp_metadata, frame, rules=None):
    """Return the declared bounds, categories and budget share of the learnt table ``frame``.

    With a :class:`~sksynth.rules.RuleKeeper` (``rules``), declarations name
    the columns of the user's table: a computed column's are dropped (it is
    not learnt) and bounds are put in the units the generator learns.
    """
    if isinstance(dp_metadata, str):  # "public-bounds": the observed ranges are declared
        dp_metadata = {"bounds": observed_bounds(frame)}
        rules = None  # read from the learnt table itself
    metadata = dict(dp_metadata or {})
    unknown = set(metadata) - _METADATA_KEYS
    if unknown:
        raise ValueError(
            f"dp_metadata has unknown key(s) {sorted(unknown)}; valid keys are "
            f"{sorted(_METADATA_KEYS)}."
        )
    share = metadata.get("budget_share", 0.1)
    if not isinstance(share, numbers.Real) or not 0 < share < 1:
        raise ValueError(
            f"dp_metadata['budget_share'] must be a number in (0, 1); got {share!r}."
        )
    columns = list(frame.columns)
    bounds = dict(metadata.get("bounds") or {})
    categories = dict(metadata.get("categories") or {})
    check_declared_columns(
        columns if rules is None else list(rules.feature_names_in_),
        {"dp_metadata['bounds']": bounds, "dp_metadata['categories']": categories},
    )
    for column, pair in bounds.items():
        low, high = bound_pair(pair, f"dp_metadata['bounds'][{column!r}]")
        if not low < high:
            raise ValueError(
                f"dp_metadata['bounds'][{column!r}] needs low < high; got {pair!r}."
            )
        bounds[column] = (low, high)
    for column, levels in categories.items():
        check_levels(levels, f"dp_metadata['categories'][{column!r}]")
    if rules is not None:
        bounds = rules.learnt_bounds(bounds)
        bounds = {c: pair for c, pair in bounds.items() if c in columns}
        categories = {c: levels for c, levels in categories.items() if c in columns}
    return bounds, categories, float(share)


def _plan_budget(
    frame, y, *, conditional, target_epsilon, target_delta, dp_metadata, column_kinds,
    rules=None,
):
    """Split ``target_epsilon``/``target_delta`` between statistics and DP-SGD."""
    bounds, categories, share = _check_dp_metadata(dp_metadata, frame, rules)
    overrides = dict(column_kinds or {})
    kinds = {c: overrides.get(c, dtype_kind(frame[c].dtype)) for c in frame.columns}
    for column in categories:
        if kinds[column] not in DISCRETE_KINDS | {"integer"}:
            kinds[column] = "categorical"
    estimated_numeric = [
        c for c, k in kinds.items() if k not in DISCRETE_KINDS and c not in bounds
        and c not in categories
    ]
    estimated_levels = [
        c for c, k in kinds.items()
        if k in DISCRETE_KINDS and c not in categories and not public_levels(frame[c].dtype)
    ]
    counts_units = int(conditional or y is not None)
    units = len(estimated_numeric) + len(estimated_levels) + counts_units
    epsilon = float(target_epsilon)
    delta = 1.0 / len(frame) if target_delta is None else float(target_delta)
    stats_epsilon = share * epsilon if units else 0.0
    stats_delta = share * delta if estimated_levels else 0.0
    plan = {
        "kinds": kinds,
        "bounds": bounds,
        "categories": categories,
        "unit_epsilon": stats_epsilon / units if units else 0.0,
        "unit_delta": stats_delta / len(estimated_levels) if estimated_levels else 0.0,
        "net_epsilon": epsilon - stats_epsilon,
        "net_delta": delta - stats_delta,
        "spent": {},
    }
    estimated = estimated_numeric + estimated_levels
    if estimated:
        warn_caller(
            f"dp=True: the ranges or category lists of column(s) {estimated} are estimated "
            f"from the data with {share:.0%} of the budget (epsilon "
            f"{plan['unit_epsilon']:.3g} each, {stats_epsilon:.3g} of {epsilon:.3g} in all), "
            "which can be far off on small tables or budgets. Declare them (at no privacy "
            "cost) in dp_metadata={'bounds': {...}, 'categories': {...}} or "
            "dp_metadata='public-bounds'.",
            DataQualityWarning,
        )
    return plan


def _with_missing(series, dtype):
    series = series.reset_index(drop=True)
    if not can_hold_missing(dtype):
        return series
    out = pd.concat([series, pd.Series([None], dtype=dtype)], ignore_index=True)
    return out.astype(dtype)
