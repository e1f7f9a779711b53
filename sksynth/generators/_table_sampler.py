"""What every sampler of :mod:`sksynth.generators` shares: table input, seeds and tags.

The generative samplers and the marginal sampler are imbalanced-learn
over-samplers that take a table as it is (strings, categories, booleans,
missing values): none of them coerces ``X`` to numbers, each remembers the
container it was given (see ``_checks``), and each draws its seeds from one
entropy fixed at fit time.
"""

from __future__ import annotations

import numpy as np
from imblearn.utils import check_target_type
from sklearn_compat.utils.validation import validate_data

from ..utils._random import SEED_BOUND, derive_seed, to_seed
from ._checks import check_fit_frame, check_fit_input, remember_container

__all__ = ["TableSamplerMixin"]


class TableSamplerMixin:
    """Mixed-type input and seeds of a sampler; comes before ``BaseOverSampler`` in its bases.

    The sampler implements ``_check_params`` (called by :meth:`_prepare_fit`).
    """

    def _check_X_y(self, X, y, accept_sparse=None):
        """Validate without coercing: strings, categories and NaN pass through."""
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        self._container = remember_container(X)
        frame = check_fit_frame(X, type(self).__name__)
        validate_data(self, X=X, y=y, reset=True, skip_check_array=True)
        return frame, y, binarize_y

    def _prepare_fit(self, X, y):
        """Validate ``X`` (and ``y``) for ``fit``; return the frame and labels."""
        self._check_params()
        frame, y, self._container, y_meta = check_fit_input(self, X, y)
        if y is not None:
            self._y_meta = y_meta
        return frame, y

    def _start_randomness(self):
        """Fix the entropy of a fit (from ``random_state``) and the sequence of ``sample``."""
        self._entropy = to_seed(self.random_state)
        self._sample_rng = np.random.default_rng([self._entropy, 7])

    def _sample_seed(self, random_state):
        """Seed of one call of ``sample``: given, or next of the sampler's own sequence."""
        if random_state is None:
            return int(self._sample_rng.integers(SEED_BOUND))
        return to_seed(random_state)

    def _named_seed(self, name):
        return derive_seed(self._entropy, name)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        return tags
