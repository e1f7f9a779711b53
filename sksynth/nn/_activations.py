"""Span activations: the per-span output heads of the generative networks.

Every head reads the encoded layout from a sequence of *spans* (objects with
``start``, ``stop`` and ``activation`` attributes, normally
:class:`sksynth.encoding.Span`). The layout is turned once into a gather
of the columns, the *grouped* order: numeric columns first, then the softmax
spans in blocks. A block is a contiguous slice viewed as ``(n_rows, n_spans,
size)``; short spans of different sizes share a block, padded to its size with
slots whose logits are so negative that their probability is exactly 0 (which
spans share a block is chosen once, trading padded columns against the fixed
cost of one more block). One gather puts logits in that order, so the per-span
activations take one call per block (no per-block gathers, whose backward would
be a scatter-add); one gather puts the result back in the encoded layout.
"""

from __future__ import annotations

from collections import defaultdict

import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["SpanActivation", "gumbel_softmax"]

_ACTIVATIONS = ("tanh", "identity", "softmax")
_MODES = ("gumbel", "soft", "sample", "hard")


class _Gather(torch.autograd.Function):
    """Gather of columns whose backward is a gather too (no scatter-add).

    ``index`` may point one past the last column, at a column of ``fill``;
    every real column is gathered at most once, at ``back_index`` (which points
    one past the last gathered column, at a column of ``back_fill``, for the
    columns that were not gathered).
    """

    generate_vmap_rule = True

    @staticmethod
    def forward(x, index, back_index, fill, back_fill):
        if fill is not None:
            x = torch.cat([x, x.new_full((*x.shape[:-1], 1), fill)], dim=-1)
        return x.index_select(-1, index)

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[1], inputs[2])
        ctx.fills = (inputs[3], inputs[4])

    @staticmethod
    def backward(ctx, grad):
        index, back_index = ctx.saved_tensors
        fill, back_fill = ctx.fills
        # the gradient of a gathered fill slot is dropped; a gradient slot that
        # was not gathered is 0
        back_fill = None if back_fill is None else 0.0
        again = None if fill is None else 0.0
        return _Gather.apply(grad, back_index, index, back_fill, again), None, None, None, None


# Above this many categories per span, torch's own kernels are faster; below it
# they are 1.5-2x slower than a few element-wise ops (measured, fwd + bwd, CPU).
_SMALL_SPAN = 16
# Logit of a padded slot: its exp() is exactly 0 in float32, and it stays finite
# (so that a zero target times its log-probability is 0, not NaN).
_PAD_LOGIT = -1e9
# One more block of spans costs about as much as this many padded columns
# (activations, losses and their backward, CPU, batch 500).
_BLOCK_COST = 12


def _plan_blocks(groups):
    """Assign the softmax spans to blocks: ``[(block_size, [columns of each span])]``.

    Spans of at most ``_SMALL_SPAN`` categories are sorted by size and cut into
    runs that minimise ``_BLOCK_COST`` per block plus the padded width (a small
    dynamic programme over the distinct sizes); longer spans keep one block per
    size, unpadded.
    """
    small = sorted(size for size in groups if size <= _SMALL_SPAN)
    best = [0] + [float("inf")] * len(small)
    cut = [0] * (len(small) + 1)
    for stop in range(1, len(small) + 1):
        n_spans = 0
        for start in range(stop, 0, -1):
            n_spans += len(groups[small[start - 1]])
            cost = best[start - 1] + _BLOCK_COST + n_spans * small[stop - 1]
            if cost < best[stop]:
                best[stop], cut[stop] = cost, start - 1
    runs, stop = [], len(small)
    while stop:
        runs.append(small[cut[stop] : stop])
        stop = cut[stop]
    plan = [(run[-1], [cols for size in run for cols in groups[size]]) for run in reversed(runs)]
    plan.extend((size, list(groups[size])) for size in sorted(groups) if size > _SMALL_SPAN)
    return plan


class _OutputSavingFunction(torch.autograd.Function):
    """An autograd function whose backward needs only its output (vmap-able)."""

    generate_vmap_rule = True

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(output)


class _SmallSoftmax(_OutputSavingFunction):
    """Softmax over a short last axis, from element-wise ops (torch's kernel is slow there)."""

    @staticmethod
    def forward(x):
        e = (x - x.amax(dim=-1, keepdim=True)).exp_()
        return e.div_(e.sum(dim=-1, keepdim=True))

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return y * (grad - (grad * y).sum(dim=-1, keepdim=True))


class _SmallLogSoftmax(_OutputSavingFunction):
    """Log-softmax over a short last axis, from element-wise ops."""

    @staticmethod
    def forward(x):
        z = x - x.amax(dim=-1, keepdim=True)
        return z - z.exp().sum(dim=-1, keepdim=True).log_()

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad - y.exp() * grad.sum(dim=-1, keepdim=True)


def span_softmax(x):
    """Softmax over the last axis, fast for the short axes of category spans."""
    if x.shape[-1] <= _SMALL_SPAN:
        return _SmallSoftmax.apply(x)
    return F.softmax(x, dim=-1)


def span_log_softmax(x):
    """Log-softmax over the last axis, fast for the short axes of category spans."""
    if x.shape[-1] <= _SMALL_SPAN:
        return _SmallLogSoftmax.apply(x)
    return F.log_softmax(x, dim=-1)


def _categorical_one_hot(logits, generator, last=None):
    """One-hot draws from ``softmax(logits)`` over the last axis, one uniform per row and span.

    Inverse-CDF sampling: the same distribution as the Gumbel-max draw of
    :func:`gumbel_softmax` with ``hard=True``, with one random number per span
    instead of one per category. ``last`` (shape ``(n_spans, 1)``) caps each
    span's draw at its last real slot (a padded span's rounding must not land
    on a padded slot).
    """
    weights = (logits - logits.amax(dim=-1, keepdim=True)).exp_()
    cdf = weights.cumsum_(dim=-1)
    uniform = torch.rand(
        logits.shape[:-1] + (1,), generator=generator, device=logits.device, dtype=logits.dtype
    )
    index = (cdf <= uniform * cdf[..., -1:]).sum(dim=-1, keepdim=True)
    index = index.clamp_(max=logits.shape[-1] - 1) if last is None else torch.minimum(index, last)
    return torch.zeros_like(logits).scatter_(-1, index, 1.0)


def gumbel_softmax(logits, *, tau=0.2, generator=None, hard=False, dim=-1):
    """Gumbel-softmax relaxation drawing its noise from an explicit generator.

    Parameters
    ----------
    logits : torch.Tensor
        Unnormalised log-probabilities.
    tau : float, default=0.2
        Temperature; the lower, the closer to one-hot.
    generator : torch.Generator, default=None
        Source of the Gumbel noise (the global generator when ``None``).
    hard : bool, default=False
        Return one-hot vectors of the perturbed argmax instead: an exact draw
        from the categorical distribution ``softmax(logits)``.
    dim : int, default=-1
        The category axis.

    Returns
    -------
    torch.Tensor
        Same shape as ``logits``.

    Examples
    --------
    >>> import torch
    >>> from sksynth.nn import gumbel_softmax
    >>> out = gumbel_softmax(torch.zeros(4, 3), generator=torch.Generator().manual_seed(0))
    >>> out.shape, bool(torch.allclose(out.sum(1), torch.ones(4)))
    (torch.Size([4, 3]), True)
    """
    uniform = torch.rand(
        logits.shape, generator=generator, device=logits.device, dtype=logits.dtype
    )
    gumbels = -torch.log(-torch.log(uniform.clamp_(1e-10, 1.0 - 1e-7)))
    perturbed = logits + gumbels
    if hard:
        index = perturbed.argmax(dim=dim, keepdim=True)
        return torch.zeros_like(logits).scatter_(dim, index, 1.0)
    if dim in (-1, logits.ndim - 1):
        return span_softmax(perturbed / tau)
    return F.softmax(perturbed / tau, dim=dim)


class SpanActivation(nn.Module):
    """Apply each span's output activation to a matrix of logits.

    Columns of ``"tanh"`` spans go through :func:`torch.tanh`, ``"identity"``
    columns pass unchanged, ``"softmax"`` spans are gathered into blocks (short
    spans padded to a common size) and activated one block at a time.

    Parameters
    ----------
    spans : sequence of Span
        The encoded layout (``start``, ``stop``, ``activation``), covering
        columns ``0 .. n_features - 1`` without gaps.

    Attributes
    ----------
    n_features : int
        Width of the encoded matrix.
    softmax_sizes : list of int
        The distinct sizes of the softmax spans, one index buffer per size.
    group_shapes : list of (int, int)
        ``(size, n_spans)`` of each block of the grouped order (see :meth:`split`).
    n_grouped : int
        Width of the grouped order (``n_features`` plus the padded slots).

    Examples
    --------
    >>> import torch
    >>> from types import SimpleNamespace as Span
    >>> from sksynth.nn import SpanActivation
    >>> spans = [Span(start=0, stop=1, activation="tanh"),
    ...          Span(start=1, stop=4, activation="softmax")]
    >>> head = SpanActivation(spans)
    >>> out = head(torch.zeros(2, 4), mode="soft")
    >>> out[0].tolist()
    [0.0, 0.333..., 0.333..., 0.333...]
    """

    def __init__(self, spans):
        super().__init__()
        spans = sorted(spans, key=lambda span: span.start)
        tanh, identity = [], []
        groups = defaultdict(list)
        position = 0
        for span in spans:
            if span.start != position or span.stop <= span.start:
                raise ValueError(
                    "spans must cover the encoded columns contiguously from 0; got a span "
                    f"[{span.start}, {span.stop}) after column {position}."
                )
            if span.activation not in _ACTIVATIONS:
                raise ValueError(
                    f"Unknown span activation {span.activation!r}; expected one of "
                    f"{_ACTIVATIONS}."
                )
            columns = list(range(span.start, span.stop))
            if span.activation == "tanh":
                tanh.extend(columns)
            elif span.activation == "identity":
                identity.extend(columns)
            else:
                groups[len(columns)].append(columns)
            position = span.stop
        self.n_features = position
        self.softmax_sizes = sorted(groups)
        self.register_buffer("tanh_index", torch.tensor(tanh, dtype=torch.long))
        self.register_buffer("identity_index", torch.tensor(identity, dtype=torch.long))
        self.register_buffer(
            "numeric_index", torch.tensor(sorted(tanh + identity), dtype=torch.long)
        )
        order = list(tanh) + list(identity)
        for size in self.softmax_sizes:
            index = torch.tensor(groups[size], dtype=torch.long)
            self.register_buffer(f"softmax_index_{size}", index)
            order.extend(index.flatten().tolist())
        self.register_buffer(
            "inverse_order", torch.argsort(torch.tensor(order, dtype=torch.long))
        )
        numeric_first = sorted(tanh + identity)
        for size in self.softmax_sizes:
            numeric_first.extend(getattr(self, f"softmax_index_{size}").flatten().tolist())
        self.register_buffer(
            "numeric_first_inverse",
            torch.argsort(torch.tensor(numeric_first, dtype=torch.long)),
        )
        numeric_is_tanh = torch.isin(
            torch.tensor(sorted(tanh + identity), dtype=torch.long),
            torch.tensor(tanh, dtype=torch.long),
        )
        self.register_buffer("numeric_is_tanh", numeric_is_tanh)
        self._build_blocks()

    def _build_blocks(self):
        """Derive the grouped order from the persistent index buffers.

        Not persistent (absent from older model files and pickles, rebuilt on
        load): ``group_order`` gathers the grouped row from the encoded one plus
        one fill column; ``group_inverse`` is each encoded column's position in
        the grouped row; ``group_shapes`` holds ``(size, n_spans)`` per block and
        ``block_last_<k>`` the last real slot of each span of a padded block.
        """
        device = self.numeric_index.device
        groups = {size: index.tolist() for size, index in self.softmax_groups()}
        plan = _plan_blocks(groups)
        fill = self.n_features  # the gathered fill column
        order = self.numeric_index.tolist()
        self.padded_blocks = []
        for k, (size, spans) in enumerate(plan):
            for columns in spans:
                order.extend(columns + [fill] * (size - len(columns)))
            padded = any(len(columns) < size for columns in spans)
            self.padded_blocks.append(padded)
            last = torch.tensor([[len(columns) - 1] for columns in spans], dtype=torch.long)
            self.register_buffer(f"block_last_{k}", last.to(device), persistent=False)
        order = torch.tensor(order, dtype=torch.long)
        real = order < fill
        inverse = torch.empty(self.n_features, dtype=torch.long)
        inverse[order[real]] = torch.nonzero(real).flatten()
        self.register_buffer("group_order", order.to(device), persistent=False)
        self.register_buffer("group_inverse", inverse.to(device), persistent=False)
        self.padded = any(self.padded_blocks)
        self.n_numeric = len(self.numeric_index)
        self.group_shapes = [(size, len(spans)) for size, spans in plan]
        self.n_grouped = len(order)

    def __getstate__(self):
        # the cache may hold tensors on a GPU: never pickle it (a model trained
        # there must load on a CPU-only machine); it is rebuilt on first use
        state = self.__dict__.copy()
        state.pop("_softmax_positions", None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        self._build_blocks()  # the grouped order may differ from the pickled one's

    def softmax_groups(self):
        """Yield ``(size, index)`` pairs, ``index`` of shape (n_spans, size)."""
        for size in self.softmax_sizes:
            yield size, getattr(self, f"softmax_index_{size}")

    def group(self, x, fill=_PAD_LOGIT):
        """Gather the columns of ``x`` (encoded layout) into the grouped order.

        The grouped order holds the numeric columns (in the order of
        ``numeric_index``) then the softmax spans block by block (see
        :meth:`split`), ``n_grouped`` columns in all. Padded slots hold
        ``fill``: the default is a logit whose probability is 0; pass 0 for a
        target. Its backward is a gather too.
        """
        return _Gather.apply(
            x, self.group_order, self.group_inverse, fill if self.padded else None, None
        )

    def ungroup(self, x):
        """Gather the columns of ``x`` from the grouped order back to the encoded layout."""
        return _Gather.apply(
            x, self.group_inverse, self.group_order, None, 0.0 if self.padded else None
        )

    def split(self, grouped):
        """Return views of a grouped matrix: the numeric columns and the span blocks.

        Returns
        -------
        numeric : torch.Tensor of shape (n_rows, n_numeric)
        blocks : list of (size, torch.Tensor of shape (n_rows, n_spans, size))
            Spans shorter than their block's ``size`` are padded at the end.
        """
        # one split (its backward is one concatenation), not a slice per block (each
        # slice's backward would build a zero matrix of the full width)
        widths = [self.n_numeric] + [size * n_spans for size, n_spans in self.group_shapes]
        numeric, *parts = grouped.split(widths, dim=-1)
        blocks = [
            (size, part.unflatten(-1, (n_spans, size)))
            for (size, n_spans), part in zip(self.group_shapes, parts, strict=True)
        ]
        return numeric, blocks

    def activate_numeric_values(self, values):
        """Activate numeric columns given in the order of ``numeric_index``."""
        return torch.where(self.numeric_is_tanh, torch.tanh(values), values)

    def activate_numeric(self, logits):
        """Return the activated numeric columns, in the order of ``numeric_index``."""
        return self.activate_numeric_values(self.split(self.group(logits))[0])

    def log_softmax(self, logits, *, grouped=False):
        """Per-span log-probabilities placed in the encoded layout (0 elsewhere).

        Parameters
        ----------
        logits : torch.Tensor of shape (n_rows, n_features)
        grouped : bool, default=False
            Return them in the grouped order (see :meth:`group`) instead.

        Returns
        -------
        torch.Tensor of shape (n_rows, n_features)
        """
        numeric, log_probs = self.block_log_probs(logits)
        out = torch.cat([torch.zeros_like(numeric), log_probs], dim=-1)
        return out if grouped else self.ungroup(out)

    def block_log_probs(self, logits):
        """Numeric logits and the log-probabilities of every softmax span, grouped.

        Parameters
        ----------
        logits : torch.Tensor of shape (n_rows, n_features)

        Returns
        -------
        numeric : torch.Tensor of shape (n_rows, n_numeric)
            The numeric columns' logits (not activated).
        log_probs : torch.Tensor of shape (n_rows, n_grouped - n_numeric)
            Each block's log-softmax, flattened and concatenated in the grouped
            order (padded slots hold a very negative, finite value).
        """
        numeric, blocks = self.split(self.group(logits))
        parts = [span_log_softmax(block).flatten(-2) for _, block in blocks]
        if not parts:
            return numeric, logits.new_zeros((*logits.shape[:-1], 0))
        return numeric, parts[0] if len(parts) == 1 else torch.cat(parts, dim=-1)

    def softmax_positions(self, columns):
        """Positions of encoded ``columns`` (softmax slots) in :meth:`block_log_probs` output."""
        device = self.group_order.device
        key = (tuple(int(c) for c in columns), str(device))
        cache = self.__dict__.setdefault("_softmax_positions", {})
        if key not in cache:  # cached on the layout's device: no copy per training step
            positions = self.group_inverse.cpu()[list(key[0])] - self.n_numeric
            if key[0] and int(positions.min()) < 0:
                bad = [c for c, p in zip(key[0], positions.tolist(), strict=True) if p < 0]
                raise ValueError(f"Columns {bad} are not in a softmax span.")
            cache[key] = positions.to(device)
        return cache[key]

    def log_softmax_at(self, logits, columns):
        """Log-probabilities of the given encoded ``columns`` (each in a softmax span).

        Parameters
        ----------
        logits : torch.Tensor of shape (n_rows, n_features)
        columns : sequence of int
            Encoded columns, all inside softmax spans.

        Returns
        -------
        torch.Tensor of shape (n_rows, len(columns))
        """
        _, log_probs = self.block_log_probs(logits)
        return log_probs.index_select(-1, self.softmax_positions(columns))

    def activate_grouped(self, logits, *, mode="gumbel", tau=0.2, generator=None):
        """Like :meth:`forward`, but return the result in the grouped order (see :meth:`group`)."""
        if mode not in _MODES:
            raise ValueError(f"mode must be one of {_MODES}; got {mode!r}.")
        numeric, blocks = self.split(self.group(logits))
        parts = [self.activate_numeric_values(numeric)]
        for k, (_, block) in enumerate(blocks):
            if mode == "gumbel":
                block = gumbel_softmax(block, tau=tau, generator=generator)
            elif mode == "sample":
                last = getattr(self, f"block_last_{k}") if self.padded_blocks[k] else None
                block = _categorical_one_hot(block, generator, last=last)
            elif mode == "soft":
                block = span_softmax(block)
            else:
                block = torch.zeros_like(block).scatter_(
                    -1, block.argmax(dim=-1, keepdim=True), 1.0
                )
            parts.append(block.flatten(-2))
        return torch.cat(parts, dim=-1)

    def forward(self, logits, *, mode="gumbel", tau=0.2, generator=None):
        """Activate ``logits``.

        Parameters
        ----------
        logits : torch.Tensor of shape (n_rows, n_features)
        mode : {"gumbel", "soft", "sample", "hard"}, default="gumbel"
            What softmax spans become: a Gumbel-softmax relaxation (training),
            probabilities, one-hot draws from the predicted distribution, or the
            one-hot argmax.
        tau : float, default=0.2
            Gumbel-softmax temperature.
        generator : torch.Generator, default=None
            Source of the Gumbel noise and of the draws.

        Returns
        -------
        torch.Tensor of shape (n_rows, n_features)
        """
        return self.ungroup(
            self.activate_grouped(logits, mode=mode, tau=tau, generator=generator)
        )
