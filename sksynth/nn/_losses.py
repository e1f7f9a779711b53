"""Loss functions of the generative models, as plain functions of tensors."""

from __future__ import annotations

import torch
from torch.nn import functional as F

from ..utils import fill_doc

__all__ = [
    "wasserstein_critic_loss",
    "wasserstein_generator_loss",
    "bce_critic_loss",
    "bce_generator_loss",
    "gradient_penalty",
    "vae_reconstruction_loss",
    "kl_divergence",
    "condition_loss",
    "vae_loss_terms",
]


# the inputs both VAE losses take (see ``fill_doc``)
_ENTRIES = {
    "vae_inputs": (
        "logits : torch.Tensor of shape (n_rows, n_features)\n"
        "    Decoder output before activations.\n"
        "target : torch.Tensor of shape (n_rows, n_features)\n"
        "    The encoded rows.\n"
        "layout : SpanActivation\n"
        "    The span layout.\n"
        "log_sigma : torch.Tensor of shape (n_numeric,)\n"
        "    Log-scale of each numeric column."
    ),
}

def wasserstein_critic_loss(real_scores, fake_scores):
    """Critic loss of a Wasserstein GAN: ``mean(fake) - mean(real)``.

    Parameters
    ----------
    real_scores, fake_scores : torch.Tensor
        Critic outputs on real and generated packs.

    Returns
    -------
    torch.Tensor
        A scalar.

    Examples
    --------
    >>> import torch
    >>> from sksynth.nn import wasserstein_critic_loss
    >>> float(wasserstein_critic_loss(torch.tensor([2.0]), torch.tensor([0.5])))
    -1.5
    """
    return fake_scores.mean() - real_scores.mean()


def wasserstein_generator_loss(fake_scores):
    """Compute the generator loss of a Wasserstein GAN: ``-mean(fake)``.

    Parameters
    ----------
    fake_scores : torch.Tensor
        The critic's scores of generated rows (or packs of rows).

    Returns
    -------
    loss : torch.Tensor
        A scalar; minimising it raises the critic's scores of generated rows.

    Examples
    --------
    >>> import torch
    >>> from sksynth.nn import wasserstein_generator_loss
    >>> float(wasserstein_generator_loss(torch.tensor([1.0, 3.0])))
    -2.0
    """
    return -fake_scores.mean()


def bce_critic_loss(real_scores, fake_scores):
    """Discriminator loss of the standard GAN, from logits.

    ``-log sigmoid(real) - log(1 - sigmoid(fake))``, averaged.

    Parameters
    ----------
    real_scores : torch.Tensor
        The discriminator's logits for real rows.
    fake_scores : torch.Tensor
        The discriminator's logits for generated rows.

    Returns
    -------
    loss : torch.Tensor
        A scalar binary cross-entropy (real labelled 1, generated 0).

    Examples
    --------
    >>> import torch
    >>> from sksynth.nn import bce_critic_loss
    >>> round(float(bce_critic_loss(torch.zeros(2), torch.zeros(2))), 4)
    1.3863
    """
    return F.softplus(-real_scores).mean() + F.softplus(fake_scores).mean()


def bce_generator_loss(fake_scores):
    """Non-saturating generator loss of the standard GAN: ``-log sigmoid(fake)``.

    Parameters
    ----------
    fake_scores : torch.Tensor
        The discriminator's logits for generated rows.

    Returns
    -------
    loss : torch.Tensor
        A scalar; it keeps a strong gradient when the discriminator rejects the
        generated rows, unlike ``log(1 - sigmoid(fake))``.

    Examples
    --------
    >>> import torch
    >>> from sksynth.nn import bce_generator_loss
    >>> round(float(bce_generator_loss(torch.zeros(3))), 4)
    0.6931
    """
    return F.softplus(-fake_scores).mean()


def gradient_penalty(critic, real, fake, *, pac=1, generator=None):
    """WGAN-GP penalty ``(||grad critic(x_hat)|| - 1)^2`` on interpolates.

    One interpolation weight is drawn per pack of ``pac`` rows, and the
    gradient norm is taken over the whole pack, as the critic sees it.

    Parameters
    ----------
    critic : callable
        Maps a (n_rows, n_features) tensor to (n_rows // pac, 1) scores.
    real, fake : torch.Tensor of shape (n_rows, n_features)
        Real and generated rows (``fake`` may carry gradients; it is detached).
    pac : int, default=1
        Rows per pack.
    generator : torch.Generator, default=None
        Source of the interpolation weights.

    Returns
    -------
    torch.Tensor
        A scalar, differentiable with respect to the critic's parameters.

    Examples
    --------
    >>> import torch
    >>> from sksynth.nn import gradient_penalty
    >>> critic = torch.nn.Linear(2, 1)
    >>> gp = gradient_penalty(critic, torch.zeros(4, 2), torch.ones(4, 2))
    >>> gp.ndim
    0
    """
    n_rows, n_features = real.shape
    alpha = torch.rand(
        (n_rows // pac, 1, 1), generator=generator, device=real.device, dtype=real.dtype
    )
    real_packs = real.detach().reshape(-1, pac, n_features)
    fake_packs = fake.detach().reshape(-1, pac, n_features)
    mixed = (alpha * real_packs + (1.0 - alpha) * fake_packs).reshape(n_rows, n_features)
    mixed.requires_grad_(True)
    scores = critic(mixed)
    (grads,) = torch.autograd.grad(scores.sum(), mixed, create_graph=True)
    norms = grads.reshape(-1, pac * n_features).norm(2, dim=1)
    return ((norms - 1.0) ** 2).mean()


@fill_doc(_ENTRIES)
def vae_reconstruction_loss(logits, target, layout, log_sigma):
    """Per-span reconstruction loss of a VAE, summed over columns, mean over rows.

    Numeric columns (``"tanh"`` / ``"identity"`` spans) use a Gaussian negative
    log-likelihood with learned scale ``exp(log_sigma)`` around the activated
    output; softmax spans use the cross-entropy against the one-hot target.

    Parameters
    ----------
    {vae_inputs}

    Returns
    -------
    reconstruction : torch.Tensor
        The negative log-likelihood of ``target``, a scalar.

    Examples
    --------
    A numeric column off by 0.5 at unit scale costs ``0.5 ** 2 / 2``:

    >>> import torch
    >>> from types import SimpleNamespace as Span
    >>> from sksynth.nn import SpanActivation, vae_reconstruction_loss
    >>> layout = SpanActivation([Span(start=0, stop=1, activation="tanh")])
    >>> float(vae_reconstruction_loss(torch.zeros(1, 1), torch.tensor([[0.5]]), layout,
    ...                               torch.zeros(1)))
    0.125
    """
    return vae_loss_terms(logits, target, layout, log_sigma)[0]


def kl_divergence(mu, logvar):
    """KL divergence of ``N(mu, exp(logvar))`` from ``N(0, 1)``, summed, mean over rows.

    Parameters
    ----------
    mu : torch.Tensor of shape (n_rows, latent_dim)
        Means of the approximate posterior.
    logvar : torch.Tensor of shape (n_rows, latent_dim)
        Log variances of the approximate posterior.

    Returns
    -------
    kl : torch.Tensor
        ``-0.5 * sum(1 + logvar - mu**2 - exp(logvar))`` over latent dimensions,
        averaged over rows.

    Examples
    --------
    >>> import torch
    >>> from sksynth.nn import kl_divergence
    >>> float(kl_divergence(torch.zeros(3, 2), torch.zeros(3, 2)))
    0.0
    """
    return -0.5 * torch.sum(1.0 + logvar - mu**2 - logvar.exp()) / mu.shape[0]


def condition_loss(logits, cond, layout, cond_index):
    """Auxiliary condition loss ``-log p(c | x_generated)``, mean over rows.

    For each row the conditional vector ``cond`` marks (one-hot) the asked
    category of one or more discrete spans; the loss is the cross-entropy of
    the generated span probabilities at those categories.

    Parameters
    ----------
    logits : torch.Tensor of shape (n_rows, n_features)
        Generator (or decoder) output before activations.
    cond : torch.Tensor of shape (n_rows, cond_dim)
        The conditional vector.
    layout : SpanActivation
        The span layout.
    cond_index : sequence of int or torch.Tensor of shape (cond_dim,)
        The encoded column of each slot of the conditional vector.

    Returns
    -------
    torch.Tensor
        A scalar (0 when ``cond_dim`` is 0).

    Examples
    --------
    >>> import torch
    >>> from types import SimpleNamespace as Span
    >>> from sksynth.nn import SpanActivation, condition_loss
    >>> layout = SpanActivation([Span(start=0, stop=1, activation="tanh"),
    ...                          Span(start=1, stop=3, activation="softmax")])
    >>> logits = torch.tensor([[0.0, 0.0, 0.0]])
    >>> cond = torch.tensor([[0.0, 1.0]])
    >>> round(float(condition_loss(logits, cond, layout, torch.tensor([1, 2]))), 4)
    0.6931
    """
    if cond is None or cond.shape[1] == 0:
        return logits.new_zeros(())
    if isinstance(cond_index, torch.Tensor):
        cond_index = cond_index.tolist()
    log_probs = layout.log_softmax_at(logits, cond_index)
    return -(log_probs * cond).sum() / logits.shape[0]


@fill_doc(_ENTRIES)
def vae_loss_terms(logits, target, layout, log_sigma, cond=None, cond_index=None):
    """Reconstruction and condition losses of a VAE from one pass over the spans.

    The same values as :func:`vae_reconstruction_loss` and
    :func:`condition_loss`, but every span's log-softmax is computed once and
    serves both terms (the conditioned spans are reconstructed too).

    Parameters
    ----------
    {vae_inputs}
    cond : torch.Tensor of shape (n_rows, cond_dim), default=None
        The conditional vector (``None`` or no columns: the condition loss is 0).
    cond_index : sequence of int, default=None
        The encoded column of each slot of the conditional vector.

    Returns
    -------
    reconstruction, condition : torch.Tensor
        Two scalars.

    Examples
    --------
    >>> import torch
    >>> from types import SimpleNamespace as Span
    >>> from sksynth.nn import SpanActivation, vae_loss_terms
    >>> layout = SpanActivation([Span(start=0, stop=2, activation="softmax")])
    >>> target = torch.tensor([[1.0, 0.0]])
    >>> rec, cond = vae_loss_terms(torch.zeros(1, 2), target, layout, torch.zeros(0),
    ...                            cond=torch.tensor([[0.0, 1.0]]), cond_index=[0, 1])
    >>> round(float(rec), 4), round(float(cond), 4)
    (0.6931, 0.6931)
    """
    n_rows = logits.shape[0]
    numeric, log_probs = layout.block_log_probs(logits)
    grouped_target = layout.group(target, fill=0.0)
    total = -(grouped_target[..., layout.n_numeric :] * log_probs).sum() / n_rows
    if layout.n_numeric:
        observed = grouped_target[..., : layout.n_numeric]
        predicted = layout.activate_numeric_values(numeric)
        sigma = torch.exp(log_sigma)
        nll = (observed - predicted) ** 2 / (2.0 * sigma**2) + log_sigma
        total = total + nll.sum() / n_rows
    if cond is None or cond.shape[1] == 0:
        return total, logits.new_zeros(())
    if isinstance(cond_index, torch.Tensor):
        cond_index = cond_index.tolist()
    at_cond = log_probs.index_select(-1, layout.softmax_positions(cond_index))
    return total, -(at_cond * cond).sum() / n_rows
