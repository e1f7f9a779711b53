"""Drawing rows from a fitted generative sampler: ``sample``, its checks, generation, decoding.

The rows of a call come from the fitted nets (``net_``, or ``nets_`` one per
class): the arguments of :meth:`SamplingMixin.sample` are checked, labels
drawn in their training proportions when none are asked for, encoded rows
generated (with their conditional vector for conditional samplers) and
decoded to the training columns and dtypes.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ..utils._random import SEED_BOUND
from ._checks import check_n_samples, output_X, output_y
from ._models import (
    check_conditions,
    check_sample_labels,
    generate_conditional,
    generate_per_class,
)

__all__ = ["SamplingMixin"]


class SamplingMixin:
    """``sample`` of a fitted generative sampler.

    Needs what :class:`~sksynth.generators.BaseGenerativeSampler` fits and
    its hooks ``_runtime``, ``_table_columns`` and ``_finish_table``.
    """

    def sample(self, n_samples, *, y=None, conditions=None, random_state=None):
        """Generate new rows from the fitted model.

        Parameters
        ----------
        n_samples : int
            Number of rows.
        y : label or array-like of shape (n_samples,), default=None
            Ask for rows of this class (or one class per row). ``None``: the
            classes are drawn in their training proportions (given
            ``conditions``, for conditional samplers). Needs a sampler fitted
            with ``y``.
        conditions : dict, default=None
            ``{column: value}`` of discrete columns that every generated row
            must hold (conditional samplers only).
        random_state : int, RandomState instance or None, default=None
            Seed of the draws; ``None`` continues the sampler's own sequence
            (seeded by its ``random_state``), so successive calls differ.

        Returns
        -------
        X_new : DataFrame or ndarray of shape (n_samples, n_features)
            Same columns, dtypes and categories as the training table
            (an array when it was fitted on an array).
        y_new : Series or ndarray of shape (n_samples,)
            Only when fitted with ``y``: the class of each row.
        """
        check_is_fitted(self, "encoder_")
        with self._runtime():
            n_samples = check_n_samples(n_samples)
            seed = self._sample_seed(random_state)
            labels = self._check_sample_labels(y, n_samples)
            conditions = self._check_conditions(conditions, n_samples)
            if self._fitted_with_y and labels is None and not self._conditional:
                rng = np.random.default_rng([seed, 1])
                p = self._class_counts / self._class_counts.sum()
                labels = self.classes_[rng.choice(len(self.classes_), size=n_samples, p=p)]
            frame, labels = self._generate(labels, conditions, seed)
        X_new = output_X(frame, self._container)
        if not self._fitted_with_y:
            return X_new
        return X_new, output_y(labels, self._y_meta, self._y_dtype)

    def _check_sample_labels(self, y, n_samples):
        return check_sample_labels(
            y,
            n_samples,
            classes=self.classes_ if self._fitted_with_y else None,
            trained=None if self._conditional else getattr(self, "nets_", None),
            owner=type(self).__name__,
        )

    def _check_conditions(self, conditions, n_samples):
        """Check the ``conditions`` of :meth:`sample`; return their slots and values."""
        columns = list(getattr(self, "feature_names_in_", self._table_columns()))
        if getattr(self, "rules_", None) is not None:
            self.rules_.check_conditions(conditions or {})
        return check_conditions(
            conditions,
            n_samples,
            layout=getattr(self, "condition_", None),
            columns=columns,
            conditional=self._conditional,
            owner=type(self).__name__,
        )

    def _generate(self, labels, conditions, seed):
        """Generate one row per entry of ``labels`` (``None``: no label).

        Returns the decoded rows and their labels (``None`` without labels).
        """
        rng = np.random.default_rng(seed)
        if self._conditional:
            n_rows = len(labels) if labels is not None else conditions["n"]
            codes = None if labels is None else np.searchsorted(self.classes_, labels)
            frame, codes = generate_conditional(
                self.net_, self.condition_, n_rows, rng, self._decode,
                label_codes=codes, conditions=conditions,
            )
            return frame, (labels if codes is None else self.classes_[codes])
        if labels is None:
            Z = self.net_.sample(conditions["n"], generator=int(rng.integers(SEED_BOUND)))
            return self._decode(Z, rng), None
        frame = generate_per_class(
            self.nets_, labels, rng, self._decode, self.encoder_.n_features_out_
        )
        return frame, labels

    def _decode(self, Z, rng, fixed=None):
        # the nets draw every softmax span as an exact one-hot: decode without argmax
        Z = Z[:, : self.encoder_.n_features_out_]
        frame = self.encoder_._inverse_transform(
            Z, int(rng.integers(SEED_BOUND)), sample_discrete=False, one_hot=True
        )
        return self._finish_table(frame, rng, fixed)
