"""Batch iterators for skorch that slice pre-made tensors.

skorch's default path builds a per-row ``Dataset`` and a ``DataLoader`` that
collates rows one by one. Our training tables are already one encoded tensor,
so an epoch is one permutation and each batch one slice of the permuted
tensor (or, for conditional GANs, one vectorised draw).
"""

from __future__ import annotations

import math

import torch

__all__ = ["TrainingData", "TensorBatchIterator", "PoissonBatchIterator"]

# entries (rows x (features + condition)) drawn at once for the conditional batches
_DRAW_ENTRIES = 1 << 22


class TrainingData:
    """The encoded training rows as tensors, and how batches are drawn from them.

    Parameters
    ----------
    X : torch.Tensor of shape (n_rows, n_features)
        The encoded rows.
    codes : torch.Tensor of shape (n_rows, n_columns), default=None
        Category codes of the condition columns (conditional models only).
    condition : ConditionLayout, default=None
        The conditional-vector layout.
    sampling : {"log-frequency", "own"}, default="log-frequency"
        How conditional batches are drawn: CTGAN's training-by-sampling, or
        shuffled rows with a vector describing each row (VAEs).

    Examples
    --------
    >>> import torch
    >>> from sksynth.nn import TrainingData
    >>> len(TrainingData(torch.zeros(7, 2)))
    7
    """

    def __init__(self, X, codes=None, condition=None, sampling="log-frequency"):
        self.X = X
        self.codes = codes
        self.condition = condition
        self.sampling = sampling
        self.index = None
        if condition is not None and condition.cond_dim and sampling == "log-frequency":
            self.index = condition.training_index(codes)

    def __len__(self):
        return self.X.shape[0]

    def to(self, device):
        """Move the tensors to ``device`` (in place); return ``self``."""
        device = torch.device(device)
        if self.X.device != device:
            self.X = self.X.to(device)
            if self.codes is not None:
                self.codes = self.codes.to(device)
            if self.index is not None:
                self.index = {k: v.to(device) for k, v in self.index.items()}
        return self

    @property
    def conditional(self):
        """Whether batches carry a conditional vector."""
        return self.condition is not None and self.condition.cond_dim > 0


class TensorBatchIterator:
    """skorch ``iterator_train`` yielding ``{"X": ..., "cond": ...}`` batches.

    Parameters
    ----------
    dataset : TrainingData or torch.Tensor
        The training data.
    batch_size : int, default=500
        Rows per batch (rounded down to a multiple of ``multiple_of``).
    generator : torch.Generator, default=None
        Source of the shuffling and of the conditional draws.
    shuffle : bool, default=True
        Whether to permute the rows each epoch.
    multiple_of : int, default=1
        Every batch has a multiple of this many rows (the PacGAN pack size);
        a table smaller than that is cycled through with repetition.
    drop_last : bool, default=False
        Make every batch full-size (``n_rows // batch_size`` batches per epoch),
        as batch normalisation and packing need.

    Examples
    --------
    >>> import torch
    >>> from sksynth.nn import TensorBatchIterator
    >>> it = TensorBatchIterator(torch.arange(10.0).reshape(5, 2), batch_size=2, shuffle=False)
    >>> [batch["X"].shape[0] for batch in it]
    [2, 2, 1]
    """

    def __init__(self, dataset, batch_size=500, *, generator=None, shuffle=True, multiple_of=1,
                 drop_last=False):
        if isinstance(dataset, torch.Tensor):
            dataset = TrainingData(dataset)
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.generator = generator
        self.shuffle = shuffle
        self.multiple_of = int(multiple_of)
        self.drop_last = bool(drop_last)

    def _plan(self):
        n_rows = len(self.dataset)
        m = self.multiple_of
        size = min(self.batch_size, n_rows)
        if m > 1:
            size = max(m, (size // m) * m)
        if self.dataset.conditional and self.dataset.sampling == "log-frequency":
            return size, max(1, n_rows // size), True
        if self._exact(size, n_rows):
            return size, max(1, n_rows // size), False
        return size, math.ceil(n_rows / size), False

    def _exact(self, size, n_rows):
        return self.multiple_of > 1 or self.drop_last or size > n_rows

    def __len__(self):
        return self._plan()[1]

    def _permutation(self, n_total):
        data = self.dataset
        n_rows = len(data)
        device = data.X.device
        if not self.shuffle:
            return torch.arange(n_total, device=device) % n_rows
        reps = math.ceil(n_total / n_rows)
        perms = [
            torch.randperm(n_rows, generator=self.generator, device=device) for _ in range(reps)
        ]
        return torch.cat(perms)[:n_total]

    def _batches_per_draw(self, size):
        """Batches whose conditional draws are made in one call (about 4M entries)."""
        data = self.dataset
        width = data.X.shape[1] + (data.condition.cond_dim if data.conditional else 0)
        return max(1, _DRAW_ENTRIES // max(size * width, 1))

    def __iter__(self):
        data = self.dataset
        size, n_batches, by_sampling = self._plan()
        if by_sampling:
            # one draw for several batches (the draws are row by row: the same
            # distribution as one call per batch, fewer small operators)
            per_draw = self._batches_per_draw(size)
            for first in range(0, n_batches, per_draw):
                n_drawn = min(per_draw, n_batches - first)
                rows, cond = data.condition.sample_training(
                    data.codes, data.index, size * n_drawn, self.generator
                )
                X = data.X[rows]
                for start in range(0, size * n_drawn, size):
                    yield {"X": X[start : start + size], "cond": cond[start : start + size]}
            return
        n_rows = len(data)
        total = size * n_batches if self._exact(size, n_rows) else n_rows
        if total == n_rows and n_batches == 1 and self.multiple_of == 1:
            # one batch of every row, no packs of neighbouring rows: order is moot
            X, codes = data.X, data.codes if data.conditional else None
        else:
            order = self._permutation(total)
            X = data.X[order]
            codes = data.codes[order] if data.conditional else None
        if codes is None:
            for start in range(0, total, size):
                yield {"X": X[start : start + size]}
            return
        span = size * self._batches_per_draw(size)
        for first in range(0, total, span):
            cond = data.condition.own_condition(codes[first : first + span], self.generator)
            for start in range(0, cond.shape[0], size):
                yield {"X": X[first + start : first + start + size],
                       "cond": cond[start : start + size]}


class PoissonBatchIterator:
    """skorch ``iterator_train`` of DP-SGD: Poisson-sampled batches of varying size.

    At every step each training row is included independently with
    probability ``sample_rate = min(1, batch_size / n_rows)`` (one vectorised
    ``torch.rand(n_rows) < sample_rate`` from the explicit generator), which is
    the sampling the privacy accountant assumes. A batch may be empty. An
    epoch has ``round(n_rows / batch_size)`` steps (at least one).

    Parameters
    ----------
    dataset : TrainingData or torch.Tensor
        The training data.
    batch_size : int, default=500
        Expected rows per batch.
    generator : torch.Generator, default=None
        Source of the inclusion draws and of the conditional vectors.

    Attributes
    ----------
    sample_rate : float
        Probability that a row is in a batch.

    Examples
    --------
    >>> import torch
    >>> from sksynth.nn._iterators import PoissonBatchIterator
    >>> it = PoissonBatchIterator(torch.zeros(100, 2), batch_size=10,
    ...                           generator=torch.Generator().manual_seed(0))
    >>> len(it), it.sample_rate
    (10, 0.1)
    >>> sum(batch["X"].shape[0] for batch in it) > 0
    True
    """

    def __init__(self, dataset, batch_size=500, *, generator=None):
        if isinstance(dataset, torch.Tensor):
            dataset = TrainingData(dataset)
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.generator = generator

    @staticmethod
    def plan(n_rows, batch_size):
        """Return ``(sample_rate, steps_per_epoch)`` for ``n_rows`` and ``batch_size``."""
        sample_rate = min(1.0, batch_size / n_rows)
        return sample_rate, max(1, round(n_rows / batch_size))

    @property
    def sample_rate(self):
        """Probability that a row is in a batch."""
        return self.plan(len(self.dataset), self.batch_size)[0]

    def __len__(self):
        return self.plan(len(self.dataset), self.batch_size)[1]

    def __iter__(self):
        data = self.dataset
        n_rows = len(data)
        device = data.X.device
        for _ in range(len(self)):
            keep = torch.rand(n_rows, generator=self.generator, device=device) < self.sample_rate
            rows = torch.nonzero(keep).squeeze(1)
            batch = {"X": data.X[rows]}
            if data.conditional:
                batch["cond"] = data.condition.own_condition(data.codes[rows], self.generator)
            yield batch
