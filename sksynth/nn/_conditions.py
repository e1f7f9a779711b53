"""The conditional vector: layout, training-by-sampling and sampling-time vectors.

A conditional vector concatenates one one-hot block per *condition column* (a
discrete column of the table, or the class label). During training each row
switches on the block of one randomly chosen column (as CTGAN does), plus the
block of an *always-on* column (the label, for models fitted with ``y``).
Everything here is vectorised over rows: one call per batch.
"""

from __future__ import annotations

import numpy as np
import torch

__all__ = ["ConditionLayout"]


class ConditionLayout:
    """Which discrete spans form the conditional vector, and their frequencies.

    Only aggregated counts are kept (per category and per category x label),
    never training rows.

    Parameters
    ----------
    spans : sequence of Span
        The ``"discrete"`` spans of the condition columns, in vector order.
    codes : array-like of int of shape (n_rows, n_columns)
        Category index of every training row in each condition column (``-1``
        where the row has no category: a missing or unseen value), used only
        to count frequencies.
    always : str, default=None
        Name of a column (the label) whose block is set in every vector.

    Attributes
    ----------
    columns : list of str
        Condition column names, in vector order.
    sizes, offsets : ndarray of int
        Block size and first slot of each column.
    cond_dim : int
        Length of the conditional vector.
    encoded_index : torch.Tensor of shape (cond_dim,)
        Encoded column of each slot.
    counts : ndarray of shape (cond_dim,)
        Training frequency of each category.
    always_index : int or None
        Position of the always-on column in ``columns``.
    joint_counts : ndarray of shape (cond_dim, n_labels) or None
        Co-occurrence counts of each category with each label.

    Examples
    --------
    >>> import numpy as np
    >>> from types import SimpleNamespace as Span
    >>> from sksynth.nn import ConditionLayout
    >>> spans = [Span(column="a", start=1, stop=3, categories=("x", "y")),
    ...          Span(column="b", start=3, stop=6, categories=(1, 2, 3))]
    >>> layout = ConditionLayout(spans, np.array([[0, 2], [1, 0]]))
    >>> layout.cond_dim, layout.offsets.tolist(), layout.encoded_index.tolist()
    (5, [0, 2], [1, 2, 3, 4, 5])
    """

    def __init__(self, spans, codes, *, always=None):
        self.columns = [span.column for span in spans]
        self.categories = [tuple(span.categories) for span in spans]
        self.sizes = np.array([span.stop - span.start for span in spans], dtype=np.int64)
        self.offsets = (np.cumsum(self.sizes) - self.sizes).astype(np.int64)
        self.cond_dim = int(self.sizes.sum())
        self.encoded_index = torch.tensor(
            [i for span in spans for i in range(span.start, span.stop)], dtype=torch.long
        )
        codes = np.asarray(codes, dtype=np.int64).reshape(-1, len(spans))
        valid = codes >= 0
        slots = codes + self.offsets
        self.counts = np.bincount(slots[valid], minlength=self.cond_dim).astype(np.int64)
        self.always_index = None if always is None else self.columns.index(always)
        self.joint_counts = None
        if self.always_index is not None:
            labels = np.broadcast_to(codes[:, [self.always_index]], codes.shape)
            n_labels = int(self.sizes[self.always_index])
            flat = slots[valid] * n_labels + labels[valid]
            self.joint_counts = np.bincount(
                flat, minlength=self.cond_dim * n_labels
            ).reshape(self.cond_dim, n_labels)
        log_freq = np.log1p(self.counts.astype(np.float64))
        width = int(self.sizes.max()) if len(spans) else 0
        probs = np.zeros((len(spans), width))
        for j, (offset, size) in enumerate(zip(self.offsets, self.sizes, strict=True)):
            block = log_freq[offset : offset + size]
            probs[j, :size] = block / block.sum() if block.sum() > 0 else 0.0
        self.log_frequency = torch.tensor(probs, dtype=torch.float32)

    @classmethod
    def from_encoded(cls, Z, spans, *, always=None):
        """Build the layout of ``spans`` from encoded rows (one-hot blocks).

        Parameters
        ----------
        Z : ndarray of shape (n_rows, n_encoded)
            Encoded training rows; a row whose block is all zeros has no
            category in that column.
        spans : sequence of Span
            The condition columns' spans, in vector order.
        always : str, default=None
            As in the constructor.

        Returns
        -------
        layout : ConditionLayout
        codes : ndarray of shape (n_rows, len(spans))
            Category index of every row in each condition column (``-1``: none).
        """
        codes = np.column_stack([_span_codes(Z, span) for span in spans])
        return cls(spans, codes, always=always), codes

    # ----------------------------------------------------------------- training
    def training_index(self, codes):
        """Precompute, for training-by-sampling, rows grouped by category.

        Parameters
        ----------
        codes : torch.Tensor of shape (n_rows, n_columns), long

        Returns
        -------
        dict
            ``rows`` (row indices sorted by slot) and ``starts`` (first position
            of each slot in ``rows``); delete it after training.
        """
        n_rows, n_columns = codes.shape
        slots = codes + torch.as_tensor(self.offsets, device=codes.device)
        slots = torch.where(codes >= 0, slots, self.cond_dim)  # no category: sorted last
        order = torch.argsort(slots.reshape(-1), stable=True)
        counts = torch.as_tensor(self.counts, device=codes.device)
        starts = torch.cumsum(counts, 0) - counts
        return {"rows": order // n_columns, "starts": starts, "counts": counts}

    def _switch_on(self, n_rows, slots_list, device):
        # one extra column catches the slots marked -1 (no category), then is cut off
        cond = torch.zeros((n_rows, self.cond_dim + 1), device=device)
        rows = torch.arange(n_rows, device=device)
        for slots in slots_list:
            slots = slots.to(device)
            cond[rows, torch.where(slots >= 0, slots, self.cond_dim)] = 1.0
        return cond[:, : self.cond_dim]

    def sample_training(self, codes, index, n_rows, generator):
        """Draw rows by log-frequency of a random column's categories.

        Parameters
        ----------
        codes : torch.Tensor of shape (n_train, n_columns)
            Category codes of the training rows.
        index : dict
            The output of :meth:`training_index`.
        n_rows : int
            Batch size.
        generator : torch.Generator

        Returns
        -------
        rows : torch.Tensor of shape (n_rows,)
            Training rows, each one holding the chosen category.
        cond : torch.Tensor of shape (n_rows, cond_dim)
        """
        device = codes.device
        n_columns = len(self.columns)
        column = torch.randint(n_columns, (n_rows,), generator=generator, device=device)
        probs = self.log_frequency.to(device)[column]
        category = torch.multinomial(probs, 1, generator=generator).squeeze(1)
        slot = torch.as_tensor(self.offsets, device=device)[column] + category
        u = torch.rand(n_rows, generator=generator, device=device)
        position = index["starts"][slot] + (u * index["counts"][slot]).long()
        rows = index["rows"][position]
        return rows, self._switch_on(n_rows, self._with_always(slot, codes[rows]), device)

    def own_condition(self, codes_batch, generator):
        """Conditional vectors describing the rows themselves (for VAEs).

        Each row switches on the block of one random column, set to its own
        category, plus the always-on column.
        """
        n_rows = codes_batch.shape[0]
        device = codes_batch.device
        column = torch.randint(len(self.columns), (n_rows,), generator=generator, device=device)
        code = codes_batch[torch.arange(n_rows, device=device), column]
        slot = torch.where(
            code >= 0, torch.as_tensor(self.offsets, device=device)[column] + code, -1
        )
        return self._switch_on(n_rows, self._with_always(slot, codes_batch), device)

    def _with_always(self, slot, codes_rows):
        if self.always_index is None:
            return [slot]
        label_slot = int(self.offsets[self.always_index]) + codes_rows[:, self.always_index]
        return [slot, label_slot]

    # ----------------------------------------------------------------- sampling
    def slot_of(self, column, value):
        """Slot of ``value`` in ``column``; ValueError listing the valid ones."""
        if column not in self.columns:
            valid = [c for i, c in enumerate(self.columns) if i != self.always_index]
            raise ValueError(
                f"Cannot condition on column {column!r}: valid condition columns are "
                f"{valid}."
            )
        j = self.columns.index(column)
        categories = self.categories[j]
        matches = [k for k, cat in enumerate(categories) if _same(cat, value)]
        if not matches:
            raise ValueError(
                f"Unknown value {value!r} for condition column {column!r}; valid values "
                f"are {list(categories)}."
            )
        return int(self.offsets[j]) + matches[0]

    def slots_for(self, conditions):
        """Slots of ``{column: value}`` conditions, in the order given.

        Raises
        ------
        ValueError
            Naming the unknown column or value, and the valid ones.
        """
        return [self.slot_of(column, value) for column, value in conditions.items()]

    def empirical_slots(self, n_rows, rng, *, exclude_always=False):
        """Draw slots of random columns by their empirical frequency (numpy ``rng``)."""
        candidates = [
            j for j in range(len(self.columns)) if not (exclude_always and j == self.always_index)
        ]
        column = rng.choice(candidates, size=n_rows)
        slots = np.empty(n_rows, dtype=np.int64)
        for j in np.unique(column):
            mask = column == j
            block = self.counts[self.offsets[j] : self.offsets[j] + self.sizes[j]]
            slots[mask] = self.offsets[j] + rng.choice(
                len(block), size=int(mask.sum()), p=block / block.sum()
            )
        return slots

    def label_given(self, slots, rng):
        """Draw label codes given fixed condition slots (naive Bayes on the counts).

        Parameters
        ----------
        slots : list of int
            Slots switched on for every row.
        rng : numpy.random.Generator

        Returns
        -------
        callable
            ``draw(n_rows) -> ndarray`` of label codes.
        """
        label_offset = int(self.offsets[self.always_index])
        n_labels = int(self.sizes[self.always_index])
        prior = self.counts[label_offset : label_offset + n_labels].astype(np.float64)
        log_post = np.log(prior + 1e-12)
        for slot in slots:
            likelihood = (self.joint_counts[slot] + 1e-3) / (prior + 1e-3 * self.cond_dim)
            log_post = log_post + np.log(likelihood)
        post = np.exp(log_post - log_post.max())
        post /= post.sum()
        return lambda n_rows: rng.choice(n_labels, size=n_rows, p=post)

    def sampling_vectors(self, n_rows, rng, *, label_codes=None, fixed_slots=()):
        """Conditional vectors of ``n_rows`` rows to generate, and their label codes.

        The always-on column (the label) gets ``label_codes`` when given, else
        codes drawn given ``fixed_slots`` (:meth:`label_given`); every
        ``fixed_slots`` entry is switched on in every row; with neither a
        label nor fixed slots, one random column per row is set by its
        empirical frequency (:meth:`empirical_slots`).

        Parameters
        ----------
        n_rows : int
            Number of rows.
        rng : numpy.random.Generator
            Source of the draws.
        label_codes : ndarray of int of shape (n_rows,), default=None
            Index of each row's label (layouts with an always-on column).
        fixed_slots : sequence of int, default=()
            Slots of the conditions every row must hold (:meth:`slots_for`).

        Returns
        -------
        cond : torch.Tensor of shape (n_rows, cond_dim)
        label_codes : ndarray of int or None
            The label codes used (drawn or given); ``None`` without an
            always-on column.
        """
        slot_columns = []
        if self.always_index is not None:
            if label_codes is None:
                label_codes = self.label_given(list(fixed_slots), rng)(n_rows)
            slot_columns.append(int(self.offsets[self.always_index]) + np.asarray(label_codes))
        else:
            label_codes = None
        slot_columns.extend(np.full(n_rows, s, dtype=np.int64) for s in fixed_slots)
        if not slot_columns:
            slot_columns.append(self.empirical_slots(n_rows, rng))
        return self.vectors(slot_columns), label_codes

    def vectors(self, slot_columns):
        """Build conditional vectors from per-row slot arrays (numpy).

        Parameters
        ----------
        slot_columns : list of ndarray of shape (n_rows,)
            For each switched-on block, the slot of every row.

        Returns
        -------
        torch.Tensor of shape (n_rows, cond_dim)
        """
        n_rows = len(slot_columns[0]) if slot_columns else 0
        return self._switch_on(
            n_rows, [torch.as_tensor(np.asarray(s, dtype=np.int64)) for s in slot_columns], "cpu"
        )


def _same(a, b):
    levels = getattr(a, "levels", None)  # a slot grouping rare levels
    if levels is not None:
        return any(_same(level, b) for level in levels)
    try:
        return bool(a == b) or (a != a and b != b)  # noqa: PLR0124 - NaN equals NaN
    except (TypeError, ValueError):
        return False


def _span_codes(Z, span):
    """Category index of each row in the one-hot block of ``span`` (``-1``: none set)."""
    block = Z[:, span.start : span.stop]
    return np.where(block.sum(axis=1) > 0, block.argmax(axis=1), -1)
