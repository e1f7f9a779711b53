"""Normalisers of one numeric column: mode-specific (CTGAN style) and quantile.

A normaliser works on the present (non-missing) values of one column, as a
1-D ``float64`` array. It declares the spans it produces (``layout``), encodes
values into a block of those spans, and decodes such a block back to values.
It keeps only its parameters, never the training values.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import BayesianGaussianMixture
from sklearn.preprocessing import QuantileTransformer

__all__ = ["ModeNormaliser", "QuantileNormaliser", "choose_slots"]

# Half-width, in standard deviations, of the window a mode maps onto [-1, 1].
_MODE_WIDTH = 4.0
# Variational iterations of a column's mixture. Past about 50 the fit's
# likelihood no longer changes; the extra iterations only prune a few more
# light components, at a cost of ~0.5 ms per iteration and column.
_MAX_ITER = 50


def choose_slots(probabilities, rng=None, one_hot=False):
    """Pick one slot per row: argmax, or a draw when a generator is given.

    Parameters
    ----------
    probabilities : ndarray of shape (n_rows, n_slots)
        Non-negative scores per slot (they need not sum to one).
    rng : numpy.random.Generator or None, default=None
        With a generator, each row's slot is drawn in proportion to its scores
        (one uniform per row and a cumulative sum: no loop over rows); rows
        whose scores are all zero fall back to the argmax (slot 0).
    one_hot : bool, default=False
        The caller knows every row is an exact one-hot (as generated draws
        are): the slot is read with one product by ``0 .. n_slots - 1``, 10-15x
        faster than numpy's argmax over a short axis. Other rows give wrong
        slots.

    Returns
    -------
    slots : ndarray of int64 of shape (n_rows,)

    Examples
    --------
    >>> import numpy as np
    >>> from sksynth.encoding._normalisers import choose_slots
    >>> choose_slots(np.array([[0.2, 0.8], [0.9, 0.1]])).tolist()
    [1, 0]
    """
    probabilities = np.asarray(probabilities)
    if one_hot:
        slots = probabilities @ np.arange(probabilities.shape[1], dtype=probabilities.dtype)
        return slots.astype(np.int64)
    if rng is None or probabilities.shape[1] == 1:
        return np.argmax(probabilities, axis=1).astype(np.int64)
    weights = np.clip(probabilities.astype(np.float64), 0.0, None)
    cumulative = np.cumsum(weights, axis=1)
    total = cumulative[:, -1]
    threshold = rng.random(len(weights)) * total
    slots = (cumulative <= threshold[:, None]).sum(axis=1)
    slots = np.minimum(slots, weights.shape[1] - 1)
    slots[total <= 0] = 0
    return slots.astype(np.int64)


class ModeNormaliser:
    """Mode-specific normalisation with a variational Gaussian mixture.

    A :class:`~sklearn.mixture.BayesianGaussianMixture` with a Dirichlet-process
    prior (concentration 0.001) is fitted on at most ``max_fit_samples`` values;
    the components whose weight exceeds ``weight_threshold`` are the modes. A
    value ``x`` is given a mode ``k`` drawn from its posterior over the modes and
    encoded as ``(x - mu_k) / (4 sigma_k)`` clipped to ``[-1, 1]``, followed by
    the one-hot of ``k``.

    Parameters
    ----------
    n_modes : int
        Most mixture components.
    weight_threshold : float
        Components with a weight at or below it are dropped.
    max_fit_samples : int
        The mixture is fitted on a random subsample of at most this many values.
    """

    def __init__(self, n_modes, weight_threshold, max_fit_samples):
        self.n_modes = n_modes
        self.weight_threshold = weight_threshold
        self.max_fit_samples = max_fit_samples

    def fit(self, values, rng):
        """Fit the modes on the present values of a column."""
        center = float(np.mean(values))
        scale = float(np.std(values))
        if not np.isfinite(scale) or scale <= 0:
            scale = 1.0
        full = values
        if values.size > self.max_fit_samples:
            values = rng.choice(values, size=self.max_fit_samples, replace=False)
        z = (values - center) / scale
        n_distinct = np.unique(z).size
        if n_distinct == 1:
            means, stds, weights = z[:1].copy(), np.ones(1), np.ones(1)
        else:
            means, stds, weights = self._fit_mixture(z, min(self.n_modes, n_distinct), rng)
        # Modes narrower than a millionth of the column's spread are widened:
        # they would otherwise blow a value's normalised offset up.
        stds = np.maximum(stds, 1e-6)
        self.default_mode_ = int(np.argmax(weights))
        means, stds, weights = _cover_gaps((full - center) / scale, means, stds, weights)
        self.means_ = means * scale + center
        self.stds_ = stds * scale
        self.log_weights_ = np.log(weights / weights.sum())
        return self

    def _fit_mixture(self, z, n_components, rng):
        mixture = BayesianGaussianMixture(
            n_components=n_components,
            weight_concentration_prior_type="dirichlet_process",
            weight_concentration_prior=0.001,
            covariance_type="spherical",
            max_iter=_MAX_ITER,
            n_init=1,
            random_state=int(rng.integers(2**31 - 1)),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            mixture.fit(z.reshape(-1, 1))
        weights = mixture.weights_
        keep = weights > self.weight_threshold
        if not keep.any():
            keep = weights == weights.max()
        return (
            mixture.means_[keep, 0],
            np.sqrt(mixture.covariances_[keep]),
            weights[keep],
        )

    @property
    def n_modes_(self):
        """The number of modes kept."""
        return self.means_.size

    def layout(self):
        """Spans produced, as ``(kind, size, activation)`` tuples."""
        return [("continuous", 1, "tanh"), ("component", self.n_modes_, "softmax")]

    def posterior(self, values):
        """Posterior probability of each mode for each value, shape (n, n_modes).

        Modes whose window (4 standard deviations) does not hold the value are
        ruled out whenever one does, so that a value is not clipped needlessly.
        """
        z = (values[:, None] - self.means_) / self.stds_
        log_p = self.log_weights_ - np.log(self.stds_) - 0.5 * z * z
        inside = np.abs(z) <= _MODE_WIDTH
        log_p = np.where(inside | ~inside.any(axis=1, keepdims=True), log_p, -np.inf)
        log_p -= log_p.max(axis=1, keepdims=True)
        p = np.exp(log_p)
        return p / p.sum(axis=1, keepdims=True)

    def transform(self, values, missing, rng):
        """Encode values (missing rows get 0 in the most weighted mode)."""
        n = values.size
        modes = np.full(n, self.default_mode_, dtype=np.int64)
        scaled = np.zeros(n)
        present = ~missing
        if present.any():
            x = values[present]
            k = choose_slots(self.posterior(x), rng)
            modes[present] = k
            scaled[present] = np.clip(
                (x - self.means_[k]) / (_MODE_WIDTH * self.stds_[k]), -1.0, 1.0
            )
        block = np.zeros((n, 1 + self.n_modes_))
        block[:, 0] = scaled
        block[np.arange(n), 1 + modes] = 1.0
        return block

    def inverse_transform(self, block, rng, one_hot=False):
        """Decode a block (value then mode scores) to values (see :func:`choose_slots`)."""
        k = choose_slots(block[:, 1:], rng, one_hot)
        scaled = np.clip(block[:, 0].astype(np.float64), -1.0, 1.0)
        return scaled * _MODE_WIDTH * self.stds_[k] + self.means_[k]


def _cover_gaps(values, means, stds, weights):
    """Add a mode for each stretch of training values that no mode's window covers.

    The mixture drops light components, so outliers and sparse tails can fall
    outside every mode's window of 4 standard deviations, where they would be
    clipped. Each such stretch gets a mode of its own whose window spans it
    exactly, weighted by its share of the values.
    """
    offsets = np.abs(values[:, None] - means) / stds
    uncovered = np.sort(values[~(offsets <= _MODE_WIDTH).any(axis=1)])
    if uncovered.size == 0:
        return means, stds, weights
    # Two uncovered values belong to the same stretch when no window lies between.
    order = np.argsort(means)
    window_hi = np.maximum.accumulate((means + _MODE_WIDTH * stds)[order])
    stretch = np.searchsorted(window_hi, uncovered, side="left")
    ids, first, counts = np.unique(stretch, return_index=True, return_counts=True)
    last = first + counts - 1
    lo, hi = uncovered[first], uncovered[last]
    extra_means = (lo + hi) / 2
    extra_stds = np.maximum((hi - lo) / (2 * _MODE_WIDTH), 1e-6)
    extra_weights = counts / values.size * weights.sum()
    return (
        np.concatenate([means, extra_means]),
        np.concatenate([stds, extra_stds]),
        np.concatenate([weights, extra_weights]),
    )


class QuantileNormaliser:
    """Quantile normalisation of a column to a standard normal.

    Parameters
    ----------
    max_fit_samples : int
        The quantiles are estimated on at most this many values.
    """

    def __init__(self, max_fit_samples):
        self.max_fit_samples = max_fit_samples

    def fit(self, values, rng):
        """Fit the quantiles on the present values of a column.

        The subsample always holds the column's minimum and maximum, so that
        the extreme values are not clipped to the subsample's range.
        """
        if values.size > self.max_fit_samples:
            sample = rng.choice(values, size=self.max_fit_samples - 2, replace=False)
            values = np.concatenate([sample, [values.min(), values.max()]])
        self.transformer_ = QuantileTransformer(
            n_quantiles=int(min(1000, values.size)),
            output_distribution="normal",
            subsample=None,
        ).fit(values.reshape(-1, 1))
        return self

    def layout(self):
        """Spans produced, as ``(kind, size, activation)`` tuples."""
        return [("continuous", 1, "identity")]

    def transform(self, values, missing, rng):
        """Encode values (missing rows get 0, the median)."""
        block = np.zeros((values.size, 1))
        present = ~missing
        if present.any():
            block[present, 0] = self.transformer_.transform(values[present, None])[:, 0]
        return block

    def inverse_transform(self, block, rng, one_hot=False):
        """Decode a block of one normal score per row to values (``one_hot`` is unused)."""
        return self.transformer_.inverse_transform(block[:, :1].astype(np.float64))[:, 0]
