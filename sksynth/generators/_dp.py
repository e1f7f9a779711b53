"""Differential privacy for the generative samplers: budget, public table, noisy counts.

Under ``dp=True`` nothing computed from the training rows leaves ``fit``
unless it is differentially private:

* the network is trained with DP-SGD (:mod:`sksynth.nn._privacy`): the whole
  VAE, or the GAN's critic (the generator only ever sees the critic);
* the :class:`~sksynth.encoding.TabularEncoder` is fitted on a *public
  stand-in table* built from the schema (column names and dtypes), from
  metadata the user declares (``dp_metadata``) and, for what is not declared,
  from differentially private statistics: numeric ranges by a thresholded noisy
  histogram on fixed bins, category lists by a thresholded noisy histogram.
  All the encoder's statistics (levels, frequencies, ranges, modes) are then
  post-processing of those;
* the counts that conditional samplers keep (category x label frequencies)
  and the class counts of per-class samplers are released with Laplace noise.

The budget is split by sequential composition: a share ``budget_share``
(default 10%) of ``target_epsilon`` (and of ``target_delta``) goes to the
statistics, split evenly among those estimated; the rest goes to DP-SGD. When
everything is declared, DP-SGD gets the whole budget.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import Interval

from ..encoding._columns import numbers_to_dtype, numeric_values
from ..exceptions import DataQualityWarning
from ..utils import warn_caller

__all__ = ["DPSamplerMixin", "DP_CONSTRAINTS", "DP_DOC"]

DP_CONSTRAINTS = {
    "dp": ["boolean"],
    "target_epsilon": [Interval(numbers.Real, 0, None, closed="neither")],
    "target_delta": [Interval(numbers.Real, 0, 1, closed="neither"), None],
    "max_grad_norm": [Interval(numbers.Real, 0, None, closed="neither")],
    "dp_metadata": [dict, None],
}

DP_DOC = """dp : bool, default=False
        Train with differential privacy (needs the ``privacy`` extra: Opacus):
        DP-SGD with Poisson sampling on {what}, an encoder fitted on public
        or DP statistics only, noisy counts. See the user guide's privacy page.
    target_epsilon : float, default=3.0
        Privacy budget epsilon of the whole fit (``dp=True``); the spent value
        is ``epsilon_``.
    target_delta : float, default=None
        Privacy budget delta (``dp=True``); ``None``: ``1 / n_samples``.
    max_grad_norm : float, default=1.0
        Clipping bound of each row's gradient under DP-SGD.
    dp_metadata : dict, default=None
        Public metadata used instead of spending budget (``dp=True``):
        ``{{"bounds": {{column: (low, high)}}, "categories": {{column: [levels]}},
        "budget_share": 0.1}}``. Undeclared ranges and category lists are
        estimated privately with ``budget_share`` of the budget."""

_METADATA_KEYS = {"bounds", "categories", "budget_share"}
_PUBLIC_ROWS = 1000
_DISCRETE = {"categorical", "boolean"}
# bins of the DP ranges: edges +-2**(k/2), 2**-16 .. 2**48, for numbers; the first of
# each year, 1900 .. 2100, for datetimes (as nanoseconds since the epoch)
_MAGNITUDES = 2.0 ** (np.arange(-32, 97) / 2.0)
_LOG_EDGES = np.concatenate([-_MAGNITUDES[::-1], _MAGNITUDES])
_YEAR_EDGES = (
    np.arange("1900", "2101", dtype="datetime64[Y]").astype("datetime64[ns]")
    .astype(np.int64).astype(np.float64)
)


def _dtype_kind(dtype):
    """Kind of a column from its dtype alone (values are private)."""
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if isinstance(dtype, pd.CategoricalDtype):
        return "categorical"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_float_dtype(dtype):
        return "continuous"
    return "categorical"


def _can_hold_missing(dtype):
    if isinstance(dtype, np.dtype):
        return dtype.kind not in "biu"
    return True


def dp_bounds(values, epsilon, rng, *, edges=None):
    """Epsilon-DP range of ``values`` from a thresholded noisy histogram on fixed bins.

    The values are counted in data-independent bins, each count gets
    ``Laplace(1 / epsilon)`` noise (one row changes one count: the whole
    histogram is ``epsilon``-DP), and the range runs from the lowest to the
    highest bin whose noisy count exceeds ``(ln(n_bins) + 3) / epsilon``
    (an empty bin passes with probability about ``exp(-3) / (2 n_bins)``).
    The default bins are signed and logarithmic (edges ``+-2**(k/2)`` for
    ``2**-16 .. 2**48``), so a bound is found within a factor of about 1.4
    whatever the scale. Values in bins too thin to pass are clipped to the
    range when generated.

    Parameters
    ----------
    values : ndarray
        Private values without NaN.
    epsilon : float
    rng : numpy.random.Generator
    edges : ndarray, default=None
        Sorted bin edges.

    Returns
    -------
    (low, high) : tuple of float, or None
        ``None`` when no bin passed the threshold.

    Examples
    --------
    >>> import numpy as np
    >>> from sksynth.generators._dp import dp_bounds
    >>> values = np.random.default_rng(0).uniform(20, 80, size=2000)
    >>> low, high = dp_bounds(values, 1.0, np.random.default_rng(1))
    >>> 11 <= low <= 20 and 80 <= high <= 128
    True
    """
    edges = _LOG_EDGES if edges is None else edges
    counts = np.histogram(values, bins=edges)[0].astype(float)
    noisy = counts + rng.laplace(scale=1.0 / epsilon, size=len(counts))
    passed = np.flatnonzero(noisy > (np.log(len(counts)) + 3.0) / epsilon)
    if not len(passed):
        return None
    low, high = float(edges[passed[0]]), float(edges[passed[-1] + 1])
    tiny = _MAGNITUDES[0]  # the bin around zero reads as starting or ending at zero
    low, high = (0.0 if low == -tiny else low), (0.0 if high == tiny else high)
    return _widen(low, high)


def _widen(low, high):
    if high > low:
        return float(low), float(high)
    pad = max(abs(low) * 0.05, 1e-3)
    return float(low - pad), float(high + pad)


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


class DPSamplerMixin:
    """What the four samplers share under ``dp=True`` (mixed in before the base class)."""

    # ------------------------------------------------------------ validation
    def _check_dp_metadata(self, frame):
        metadata = dict(self.dp_metadata or {})
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
        for key, declared in (("bounds", bounds), ("categories", categories)):
            missing = [c for c in declared if c not in columns]
            if missing:
                raise ValueError(
                    f"dp_metadata[{key!r}] names column(s) {missing} that are not in X; the "
                    f"columns are {columns}."
                )
        for column, pair in bounds.items():
            try:
                low, high = pair
            except (TypeError, ValueError):
                raise ValueError(
                    f"dp_metadata['bounds'][{column!r}] must be a pair (low, high); got {pair!r}."
                ) from None
            if not low < high:
                raise ValueError(
                    f"dp_metadata['bounds'][{column!r}] needs low < high; got {pair!r}."
                )
        for column, levels in categories.items():
            if isinstance(levels, str) or len(list(levels)) == 0:
                raise ValueError(
                    f"dp_metadata['categories'][{column!r}] must be a non-empty list of "
                    f"levels; got {levels!r}."
                )
        return bounds, categories, float(share)

    # --------------------------------------------------------------- budget
    def _plan_budget(self, frame, y):
        """Split ``target_epsilon``/``target_delta`` between statistics and DP-SGD."""
        from ..nn._privacy import check_opacus

        check_opacus()
        bounds, categories, share = self._check_dp_metadata(frame)
        overrides = dict((self.encoder_params or {}).get("column_kinds") or {})
        kinds = {c: overrides.get(c, _dtype_kind(frame[c].dtype)) for c in frame.columns}
        for column in categories:
            if kinds[column] not in _DISCRETE | {"integer"}:
                kinds[column] = "categorical"
        estimated_numeric = [
            c for c, k in kinds.items() if k not in _DISCRETE and c not in bounds
            and c not in categories
        ]
        estimated_levels = [
            c for c, k in kinds.items()
            if k in _DISCRETE and c not in categories and not _public_levels(frame[c].dtype)
        ]
        counts_units = int(self._conditional or (y is not None and not self._conditional))
        units = len(estimated_numeric) + len(estimated_levels) + counts_units
        epsilon = float(self.target_epsilon)
        delta = 1.0 / len(frame) if self.target_delta is None else float(self.target_delta)
        stats_epsilon = share * epsilon if units else 0.0
        stats_delta = share * delta if estimated_levels else 0.0
        self._dp_plan = {
            "kinds": kinds,
            "bounds": bounds,
            "categories": categories,
            "numeric": estimated_numeric,
            "levels": estimated_levels,
            "unit_epsilon": stats_epsilon / units if units else 0.0,
            "unit_delta": stats_delta / len(estimated_levels) if estimated_levels else 0.0,
            "net_epsilon": epsilon - stats_epsilon,
            "net_delta": delta - stats_delta,
            "spent": {},
        }
        self._dp_rng = np.random.default_rng(self._named_seed("dp-statistics"))
        estimated = estimated_numeric + estimated_levels
        if estimated:
            warn_caller(
                f"dp=True: the ranges or category lists of column(s) {estimated} are estimated "
                f"from the data with epsilon {self._dp_plan['unit_epsilon']:.3g} each, which "
                "can be far off on small tables or budgets. Declare them (at no privacy cost) "
                "in dp_metadata={'bounds': {...}, 'categories': {...}}.",
                DataQualityWarning,
            )

    def _spend(self, item, epsilon, delta=0.0):
        self._dp_plan["spent"][item] = (float(epsilon), float(delta))

    # ---------------------------------------------------------- public table
    def _public_column(self, series, column):
        plan = self._dp_plan
        kind = plan["kinds"][column]
        dtype = series.dtype
        rng = self._dp_rng
        if column in plan["categories"]:
            levels = list(plan["categories"][column])
            values = _spread(levels, np.ones(len(levels)), _PUBLIC_ROWS)
        elif kind in _DISCRETE:
            levels = _public_levels(dtype)
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
                present = numeric_values(series, column)
                present = present[~np.isnan(present)]
                eps = plan["unit_epsilon"]
                edges = _datetime_edges(dtype) if kind == "datetime" else None
                found = dp_bounds(present, eps, rng, edges=edges)
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
            return self._with_missing(
                numbers_to_dtype(grid, np.zeros(len(grid), bool), dtype, kind != "continuous"),
                dtype,
            )
        return self._with_missing(pd.Series(values).astype(dtype), dtype)

    @staticmethod
    def _with_missing(series, dtype):
        series = series.reset_index(drop=True)
        if not _can_hold_missing(dtype):
            return series
        out = pd.concat([series, pd.Series([None], dtype=dtype)], ignore_index=True)
        return out.astype(dtype)

    def _public_table(self, frame):
        columns = {c: self._public_column(frame[c], c) for c in frame.columns}
        n_rows = max(len(s) for s in columns.values())
        table = {}
        for column, series in columns.items():
            take = np.arange(n_rows) % len(series)
            table[column] = series.iloc[take].reset_index(drop=True)
        return pd.DataFrame(table, columns=frame.columns)

    # -------------------------------------------------------------- hooks
    def _fit_encoder(self, frame):
        if not self.dp:
            return super()._fit_encoder(frame)
        from ..encoding import TabularEncoder

        params = dict(self.encoder_params or {})
        params.setdefault("continuous", self.continuous)
        params["column_kinds"] = dict(self._dp_plan["kinds"])
        params["random_state"] = self._named_seed("encoder")
        try:
            encoder = TabularEncoder(**params)
        except TypeError as exc:
            raise ValueError(f"encoder_params holds an unknown parameter: {exc}") from None
        self.encoder_ = encoder.fit(self._public_table(frame))
        with warnings.catch_warnings():
            # levels dropped by the noisy histogram are expected: all-zero spans
            warnings.simplefilter("ignore", DataQualityWarning)
            return self.encoder_.transform(frame)

    def _condition_layout(self, spans, codes, always=None):
        layout = super()._condition_layout(spans, codes, always=always)
        if self.dp:
            self._noise_layout(layout)
        return layout

    def _noise_layout(self, layout):
        """Replace the layout's counts by Laplace-noised ones (L1 sensitivity: one per column)."""
        eps = self._dp_plan["unit_epsilon"]
        scale = len(layout.columns) / eps
        rng = self._dp_rng
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

    def _fit_models(self, frame, y, classes_to_model=None):
        if not self.dp:
            for name in ("epsilon_", "delta_", "dp_accounting_"):
                self.__dict__.pop(name, None)
            return super()._fit_models(frame, y, classes_to_model)
        self._plan_budget(frame, y)
        super()._fit_models(frame, y, classes_to_model)
        if y is not None and not self._conditional:
            eps = self._dp_plan["unit_epsilon"]
            noisy = self._class_counts + self._dp_rng.laplace(
                scale=1.0 / eps, size=self._class_counts.shape
            )
            noisy = np.maximum(noisy, 0.0)
            self._class_counts = noisy if noisy.sum() > 0 else np.ones_like(noisy)
            self._spend("class counts", eps)
        self._account()
        del self._dp_rng

    def _account(self):
        nets = [self.net_] if hasattr(self, "net_") and not hasattr(self, "nets_") else []
        nets = nets or list(getattr(self, "nets_", {}).values())
        spent = self._dp_plan["spent"]
        stats_epsilon = sum(e for e, _ in spent.values())
        stats_delta = sum(d for _, d in spent.values())
        # per-class nets see disjoint rows: parallel composition (the largest counts)
        net_epsilon = max((net.epsilon_ for net in nets), default=0.0)
        net_delta = max((net.delta_ for net in nets), default=0.0)
        self.epsilon_ = float(stats_epsilon + net_epsilon)
        self.delta_ = float(stats_delta + net_delta)
        self.dp_accounting_ = {
            "network_epsilon": float(net_epsilon),
            "network_delta": float(net_delta),
            "noise_multiplier": float(max((n.noise_multiplier_ for n in nets), default=0.0)),
            "sample_rate": float(max((n.sample_rate_ for n in nets), default=0.0)),
            "statistics": {k: {"epsilon": e, "delta": d} for k, (e, d) in spent.items()},
        }
        del self._dp_plan

    def _dp_net_params(self):
        if not self.dp or not hasattr(self, "_dp_plan"):
            return {}  # outside fit (e.g. a net rebuilt to load weights): ordinary net
        return {
            "target_epsilon": self._dp_plan["net_epsilon"],
            "target_delta": self._dp_plan["net_delta"],
            "max_grad_norm": self.max_grad_norm,
        }

    def _net_common_params(self, seed):
        params = super()._net_common_params(seed)
        params.update(self._dp_net_params())
        return params


def _public_levels(dtype):
    """Levels that the dtype itself declares (pandas categories, booleans), or None."""
    if isinstance(dtype, pd.CategoricalDtype):
        return list(dtype.categories)
    if pd.api.types.is_bool_dtype(dtype):
        return [False, True]
    return None


def _datetime_edges(dtype):
    """Return the year edges in the column's unit (datetimes are encoded in it)."""
    unit = dtype.unit if isinstance(dtype, pd.DatetimeTZDtype) else np.datetime_data(dtype)[0]
    per_ns = np.timedelta64(1, unit) / np.timedelta64(1, "ns")
    return _YEAR_EDGES / per_ns
