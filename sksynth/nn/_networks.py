"""Torch networks of the generative models: generator, critic and VAE.

Each network ends in a :class:`~sksynth.nn.SpanActivation` head built from the
encoded layout (see :mod:`sksynth.nn._activations`).
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from ._activations import SpanActivation

__all__ = ["Generator", "Critic", "TabularVAE", "dropout_mask"]

# The VAE's posterior log-variance is clamped to [-LOGVAR_BOUND, LOGVAR_BOUND].
LOGVAR_BOUND = 20.0


class _Residual(nn.Module):
    """Linear -> BatchNorm -> ReLU, concatenated with its input (as in CTGAN)."""

    def __init__(self, in_features, out_features):
        super().__init__()
        self.linear = nn.Linear(in_features, out_features)
        self.norm = nn.BatchNorm1d(out_features)

    def forward(self, x):
        return torch.cat([F.relu(self.norm(self.linear(x))), x], dim=1)


class Generator(nn.Module):
    """MLP generator with residual blocks and per-span output heads.

    Parameters
    ----------
    latent_dim : int
        Size of the noise vector.
    output_spans : sequence of Span
        The encoded layout it generates.
    hidden_dims : tuple of int, default=(256, 256)
        Width of each residual block.
    cond_dim : int, default=0
        Size of the conditional vector appended to the noise.

    Examples
    --------
    >>> import torch
    >>> from types import SimpleNamespace as Span
    >>> from sksynth.nn import Generator
    >>> gen = Generator(latent_dim=4, output_spans=[Span(start=0, stop=2, activation="softmax")],
    ...                 hidden_dims=(8,))
    >>> gen(torch.zeros(3, 4)).shape
    torch.Size([3, 2])
    """

    def __init__(self, *, latent_dim, output_spans, hidden_dims=(256, 256), cond_dim=0):
        super().__init__()
        self.latent_dim = int(latent_dim)
        self.cond_dim = int(cond_dim)
        self.head = SpanActivation(output_spans)
        blocks = []
        width = self.latent_dim + self.cond_dim
        for hidden in hidden_dims:
            blocks.append(_Residual(width, int(hidden)))
            width += int(hidden)
        self.body = nn.Sequential(*blocks)
        self.out = nn.Linear(width, self.head.n_features)

    def forward(self, z, cond=None):
        """Return the logits (before the span activations) for noise ``z``."""
        if cond is not None and cond.shape[1]:
            z = torch.cat([z, cond], dim=1)
        return self.out(self.body(z))


class Critic(nn.Module):
    """PacGAN critic: scores packs of ``pac`` rows at once.

    Parameters
    ----------
    input_dim : int
        Width of one row (encoded features plus conditional vector).
    hidden_dims : tuple of int, default=(256, 256)
        Hidden layer widths.
    pac : int, default=10
        Rows per pack; the batch size must be a multiple of it.
    dropout : float, default=0.5
        Dropout rate, with masks drawn from the generator given to ``forward``
        (see :func:`dropout_mask`: the rate is rounded to a multiple of 2**-16).
    negative_slope : float, default=0.2
        LeakyReLU slope.
    row_dim : int, default=None
        Width of a layer applied to every row with the same weights (a
        LeakyReLU after it) before the rows are packed; ``None``: the rows are
        packed as they are (PacGAN, as in CTGAN). A packed first layer reads
        each position of a pack with its own weights, so it learns how a row
        relates to its own condition once per position; a shared row layer
        learns it once for all.

    Examples
    --------
    >>> import torch
    >>> from sksynth.nn import Critic
    >>> Critic(input_dim=3, hidden_dims=(8,), pac=2)(torch.zeros(4, 3)).shape
    torch.Size([2, 1])
    >>> Critic(input_dim=3, hidden_dims=(8,), pac=2, row_dim=5)(torch.zeros(4, 3)).shape
    torch.Size([2, 1])
    """

    def __init__(self, *, input_dim, hidden_dims=(256, 256), pac=10, dropout=0.5,
                 negative_slope=0.2, row_dim=None):
        super().__init__()
        self.input_dim = int(input_dim)
        self.pac = int(pac)
        self.dropout = float(dropout)
        self.negative_slope = float(negative_slope)
        self.row = None if row_dim is None else nn.Linear(self.input_dim, int(row_dim))
        width = (self.input_dim if self.row is None else self.row.out_features) * self.pac
        layers = []
        for hidden in hidden_dims:
            layers.append(nn.Linear(width, int(hidden)))
            width = int(hidden)
        self.layers = nn.ModuleList(layers)
        self.out = nn.Linear(width, 1)

    def forward(self, x, generator=None):
        """Score ``x`` of shape (n_rows, input_dim); returns (n_rows // pac, 1)."""
        if x.shape[0] % self.pac:
            raise ValueError(
                f"The critic packs {self.pac} rows at a time (pac={self.pac}); got a batch "
                f"of {x.shape[0]} rows, which is not a multiple of it."
            )
        if self.row is not None:
            x = F.leaky_relu(self.row(x), self.negative_slope)
        h = x.reshape(-1, x.shape[1] * self.pac)
        for layer in self.layers:
            h = F.leaky_relu(layer(h), self.negative_slope)
            if self.training and self.dropout > 0:
                h = h * dropout_mask(h.shape, self.dropout, generator, h.device, h.dtype)
        return self.out(h)


def dropout_mask(shape, rate, generator=None, device=None, dtype=torch.float32):
    """Scaled dropout mask: 0 with probability ``rate``, else ``1 / (1 - rate)``.

    Each entry reads 16 random bits: one 64-bit draw serves four entries, and
    the mask is made with a few float operators (measured on one CPU thread,
    masking 1000 x 256 entries took 1.06 ms with a uniform float per entry
    and a boolean comparison, 0.38 ms this way). ``rate`` is therefore
    rounded to a multiple of 2**-16 (0.5 exactly).

    Parameters
    ----------
    shape : tuple of int
    rate : float
        Probability of dropping an entry, in [0, 1).
    generator : torch.Generator, default=None
    device, dtype : default=None, torch.float32

    Returns
    -------
    torch.Tensor of the given shape

    Examples
    --------
    >>> import torch
    >>> from sksynth.nn import dropout_mask
    >>> mask = dropout_mask((1000, 64), 0.5, torch.Generator().manual_seed(0))
    >>> sorted(mask.unique().tolist()), round(float((mask == 0).float().mean()), 2)
    ([0.0, 2.0], 0.5)
    """
    shape = tuple(int(size) for size in shape)
    n = math.prod(shape)
    words = torch.empty(((n + 3) // 4,), dtype=torch.int64, device=device)
    words.random_(-(2**63), 2**63 - 1, generator=generator)
    # 16-bit integers, uniform on [-32768, 32767]; keep those below the threshold
    levels = words.view(torch.int16)[:n].to(dtype)
    threshold = round((1.0 - float(rate)) * 65536) - 32768
    if threshold <= -32768:  # everything dropped
        return torch.zeros(shape, device=device, dtype=dtype)
    # integer-valued floats: threshold - level is >= 1 where kept, <= 0 elsewhere
    mask = levels.neg_().add_(threshold).clamp_(0.0, 1.0)
    return mask.mul_(65536.0 / (threshold + 32768)).view(shape)


def _mlp(in_features, hidden_dims):
    layers, width = [], in_features
    for hidden in hidden_dims:
        # in place: the Linear before it does not need its output for backward
        layers += [nn.Linear(width, int(hidden)), nn.ReLU(inplace=True)]
        width = int(hidden)
    return nn.Sequential(*layers), width


class TabularVAE(nn.Module):
    """Variational autoencoder over an encoded table, optionally conditional.

    The encoder maps ``[x, cond]`` to the mean and log-variance of a Gaussian
    posterior; the decoder maps ``[z, cond]`` to logits in the encoded layout.
    ``log_sigma`` holds one learned scale per numeric column for the Gaussian
    reconstruction loss.

    Parameters
    ----------
    output_spans : sequence of Span
        The encoded layout.
    latent_dim : int, default=128
        Size of the latent code.
    hidden_dims : tuple of int, default=(128, 128)
        Decoder widths, mirrored (the last is next to the output), and the
        encoder's widths when ``encoder_dims`` is None.
    cond_dim : int, default=0
        Size of the conditional vector given to encoder and decoder.
    encoder_dims : tuple of int, default=None
        Encoder widths, when they differ from ``hidden_dims``.

    Examples
    --------
    >>> import torch
    >>> from types import SimpleNamespace as Span
    >>> from sksynth.nn import TabularVAE
    >>> vae = TabularVAE(output_spans=[Span(start=0, stop=2, activation="tanh")],
    ...                  latent_dim=2, hidden_dims=(8,))
    >>> logits, mu, logvar = vae(torch.zeros(5, 2), generator=torch.Generator().manual_seed(0))
    >>> logits.shape, mu.shape
    (torch.Size([5, 2]), torch.Size([5, 2]))
    """

    def __init__(self, *, output_spans, latent_dim=128, hidden_dims=(128, 128), cond_dim=0,
                 encoder_dims=None):
        super().__init__()
        self.head = SpanActivation(output_spans)
        self.latent_dim = int(latent_dim)
        self.cond_dim = int(cond_dim)
        n_features = self.head.n_features
        encoder_dims = hidden_dims if encoder_dims is None else encoder_dims
        self.encoder, width = _mlp(n_features + self.cond_dim, encoder_dims)
        self.mu = nn.Linear(width, self.latent_dim)
        self.logvar = nn.Linear(width, self.latent_dim)
        self.decoder, width = _mlp(self.latent_dim + self.cond_dim, tuple(hidden_dims)[::-1])
        self.out = nn.Linear(width, n_features)
        self.log_sigma = nn.Parameter(
            torch.full((len(self.head.numeric_index),), float(torch.log(torch.tensor(0.1))))
        )

    @staticmethod
    def _join(a, cond):
        if cond is not None and cond.shape[1]:
            return torch.cat([a, cond], dim=1)
        return a

    def encode(self, x, cond=None):
        """Return ``(mu, logvar)`` of the posterior (``logvar`` clamped to [-20, 20])."""
        mu, logvar = self._encode_unclamped(x, cond)
        return mu, logvar.clamp(-LOGVAR_BOUND, LOGVAR_BOUND)

    def _encode_unclamped(self, x, cond=None):
        h = self.encoder(self._join(x, cond))
        return self.mu(h), self.logvar(h)

    def decode(self, z, cond=None):
        """Return the logits of the reconstruction for latent codes ``z``."""
        return self.out(self.decoder(self._join(z, cond)))

    def forward(self, x, cond=None, generator=None):
        """Encode, draw ``z`` with the reparametrisation trick, decode.

        Returns
        -------
        logits, mu, logvar : torch.Tensor
        """
        mu, logvar = self.encode(x, cond)
        eps = torch.randn(mu.shape, generator=generator, device=mu.device, dtype=mu.dtype)
        z = mu + eps * torch.exp(0.5 * logvar)
        return self.decode(z, cond), mu, logvar
