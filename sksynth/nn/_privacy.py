"""Differentially private training (DP-SGD) of the generative nets, through Opacus.

DP-SGD bounds what one training row can change in each update: every row's
gradient is clipped to an L2 norm of ``max_grad_norm``, the clipped gradients
of a batch are summed, and Gaussian noise of standard deviation
``noise_multiplier * max_grad_norm`` is added before the optimizer step. With
batches drawn by *Poisson sampling* (each row kept independently with
probability ``sample_rate`` at every step), Opacus' Rényi-DP accountant turns
the number of steps, the sampling rate and the noise into a guarantee
``(epsilon, delta)``.

Per-row gradients come from :mod:`torch.func` (``vmap`` over ``grad``), which
also differentiates through the WGAN gradient penalty (a gradient of a
gradient); the clipping, the noise and the accounting are Opacus'
(:class:`opacus.optimizers.DPOptimizer`, :class:`opacus.accountants.RDPAccountant`).
All the randomness (the noise included) comes from explicit generators.
"""

from __future__ import annotations

import warnings

import numpy as np
import torch
from torch import nn
from torch.func import functional_call, grad, grad_and_value, vmap
from torch.nn import functional as F

from ._losses import (
    bce_critic_loss,
    condition_loss,
    kl_divergence,
    vae_reconstruction_loss,
    wasserstein_critic_loss,
)
from ._networks import dropout_mask

__all__ = [
    "DPGradientStep",
    "check_opacus",
    "critic_pair_loss",
    "critic_scores",
    "draw_public_conditions",
    "noise_multiplier_for",
    "per_row_gradients",
    "vae_row_loss",
]

_EXTRA = "privacy"


def check_opacus():
    """Import Opacus, or raise an ImportError that says how to install it.

    Returns
    -------
    module
        The ``opacus`` module.

    Examples
    --------
    >>> from sksynth.nn._privacy import check_opacus
    >>> try:
    ...     ready = check_opacus().__name__ == "opacus"
    ... except ImportError as exc:  # without Opacus: the message says what to install
    ...     ready = "pip install 'sksynth[privacy]'" in str(exc)
    >>> ready
    True
    """
    try:
        import opacus
    except ImportError as exc:
        raise ImportError(
            "dp=True trains with DP-SGD through Opacus, which is not installed. Install the "
            f"optional dependency with: pip install 'sksynth[{_EXTRA}]' (or pip install opacus)."
        ) from exc
    return opacus


def noise_multiplier_for(target_epsilon, target_delta, sample_rate, steps):
    """Smallest noise multiplier whose RDP guarantee after ``steps`` is within the target.

    Parameters
    ----------
    target_epsilon : float
        The epsilon to reach at most.
    target_delta : float
        The delta of the guarantee.
    sample_rate : float
        Poisson sampling probability of a row at each step.
    steps : int
        Number of noisy steps.

    Returns
    -------
    float
        The noise multiplier (noise standard deviation over ``max_grad_norm``).

    Examples
    --------
    >>> from sksynth.nn._privacy import noise_multiplier_for
    >>> sigma = noise_multiplier_for(3.0, 1e-3, 0.1, 100)  # doctest: +SKIP
    >>> 0.5 < sigma < 2.0  # doctest: +SKIP
    True
    """
    check_opacus()
    from opacus.accountants.utils import get_noise_multiplier

    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Optimal order is the")
            sigma = get_noise_multiplier(
                target_epsilon=float(target_epsilon),
                target_delta=float(target_delta),
                sample_rate=float(sample_rate),
                steps=int(steps),
                accountant="rdp",
            )
        return float(sigma)
    except ValueError as exc:
        raise ValueError(
            f"target_epsilon={target_epsilon} cannot be reached in {steps} DP-SGD steps at "
            f"sampling rate {sample_rate:.4g}: {exc} Raise target_epsilon or lower epochs."
        ) from None


class DPGradientStep:
    """Clip per-row gradients, add noise and step an optimizer; account for each step.

    Parameters
    ----------
    optimizer : torch.optim.Optimizer
        The optimizer of the private parameters.
    named_params : list of (str, torch.nn.Parameter)
        The private parameters, in the order of the per-row gradients.
    noise_multiplier : float
        Noise standard deviation over ``max_grad_norm``.
    max_grad_norm : float
        Clipping bound of each row's gradient (all parameters together).
    sample_rate : float
        Poisson sampling probability (for the accountant).
    expected_batch_size : float
        Divides the noisy sum (``sample_rate * n_rows``), so that the
        actual batch size is never used.
    generator : torch.Generator
        Source of the Gaussian noise.

    Examples
    --------
    >>> import torch
    >>> from sksynth.nn._privacy import DPGradientStep
    >>> layer = torch.nn.Linear(2, 1)
    >>> opt = torch.optim.SGD(layer.parameters(), lr=0.1)
    >>> step = DPGradientStep(opt, list(layer.named_parameters()), noise_multiplier=1.0,
    ...                       max_grad_norm=1.0, sample_rate=0.1, expected_batch_size=4,
    ...                       generator=torch.Generator().manual_seed(0))  # doctest: +SKIP
    >>> step.step({"weight": torch.ones(4, 1, 2), "bias": torch.ones(4, 1)})  # doctest: +SKIP
    >>> step.steps, step.epsilon(1e-3) > 0  # doctest: +SKIP
    (1, True)
    """

    def __init__(self, optimizer, named_params, *, noise_multiplier, max_grad_norm, sample_rate,
                 expected_batch_size, generator):
        check_opacus()
        from opacus.accountants import RDPAccountant
        from opacus.optimizers import DPOptimizer

        self.names = [name for name, _ in named_params]
        self.params = [p for _, p in named_params]
        self.noise_multiplier = float(noise_multiplier)
        self.sample_rate = float(sample_rate)
        self.optimizer = DPOptimizer(
            optimizer,
            noise_multiplier=self.noise_multiplier,
            max_grad_norm=float(max_grad_norm),
            expected_batch_size=float(expected_batch_size),
            loss_reduction="mean",
            generator=generator,
        )
        self.accountant = RDPAccountant()
        self.steps = 0

    def step(self, per_row_grads):
        """Privatise the per-row gradients ``{name: (n_rows, *shape)}`` and step."""
        for name, p in zip(self.names, self.params, strict=True):
            p.grad_sample = per_row_grads[name].detach()
        self.optimizer.step()
        self.accountant.step(noise_multiplier=self.noise_multiplier, sample_rate=self.sample_rate)
        self.steps += 1
        self.optimizer.zero_grad(set_to_none=True)

    def epsilon(self, delta):
        """Return the epsilon spent so far at ``delta`` (0 before the first step)."""
        if not self.steps:
            return 0.0
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Optimal order is the")
            return float(self.accountant.get_epsilon(delta=float(delta)))

    def close(self):
        """Remove Opacus' per-row attributes from the parameters (before pickling)."""
        for p in self.params:
            for attr in ("grad_sample", "summed_grad", "_processed"):
                if hasattr(p, attr):
                    delattr(p, attr)


def _trainable(module):
    return [(name, p) for name, p in module.named_parameters() if p.requires_grad]


def per_row_gradients(loss_one, named_params, batched, n_rows):
    """Per-row gradients of ``loss_one(params, *row_inputs)`` and the per-row losses.

    Parameters
    ----------
    loss_one : callable
        ``loss_one(params, *inputs) -> (scalar, aux)`` for one row (inputs
        without their batch axis); ``aux`` is a tuple of scalars to report.
    named_params : list of (str, Parameter)
        The parameters to differentiate.
    batched : tuple of torch.Tensor
        Inputs with a leading batch axis of length ``n_rows``.
    n_rows : int
        Batch size (0: zero gradients with no row).

    Returns
    -------
    grads : dict of str to torch.Tensor of shape (n_rows, *param.shape)
    aux : tuple of torch.Tensor of shape (n_rows,)
        The per-row losses and auxiliary values.
    """
    params = {name: p.detach() for name, p in named_params}
    if n_rows == 0:
        grads = {name: p.new_zeros((0, *p.shape)) for name, p in params.items()}
        return grads, None
    in_dims = (None,) + (0,) * len(batched)
    transform = vmap(grad_and_value(loss_one, has_aux=True), in_dims=in_dims)
    grads, (_, aux) = transform(params, *batched)
    return grads, aux


# ---------------------------------------------------------------------- critic
def critic_scores(critic, params, x, masks=None):
    """Run the :class:`~sksynth.nn.Critic` forward pass with given parameters and masks.

    Parameters
    ----------
    critic : Critic
        Gives the architecture (``row``, ``layers``, ``out``, ``input_dim``, ``pac``).
    params : dict of str to torch.Tensor
        The critic's parameters by name.
    x : torch.Tensor of shape (n_rows, input_dim)
    masks : list of torch.Tensor, default=None
        One scaled dropout mask (``keep / (1 - dropout)``) per hidden layer;
        ``None``: no dropout.

    Returns
    -------
    torch.Tensor of shape (n_rows // pac, 1)
    """
    if getattr(critic, "row", None) is not None:
        x = F.leaky_relu(F.linear(x, params["row.weight"], params["row.bias"]),
                         critic.negative_slope)
    h = x.reshape(-1, x.shape[-1] * critic.pac)
    for i in range(len(critic.layers)):
        h = F.linear(h, params[f"layers.{i}.weight"], params[f"layers.{i}.bias"])
        h = F.leaky_relu(h, critic.negative_slope)
        if masks is not None:
            h = h * masks[i]
    return F.linear(h, params["out.weight"], params["out.bias"])


def dropout_masks(critic, n_rows, generator, device):
    """Scaled dropout masks of the critic's hidden layers for ``n_rows`` rows (or None)."""
    if not critic.training or critic.dropout <= 0:
        return None
    return [
        dropout_mask((n_rows, layer.out_features), critic.dropout, generator, device)
        for layer in critic.layers
    ]


def critic_pair_loss(critic, loss, gp_weight):
    """Per-pair critic loss ``loss_one(params, real, fake, alpha, *masks)`` for vmap.

    One *pair* is one real row and one generated row: its loss is the
    critic's loss on the two (Wasserstein with the gradient penalty on their
    interpolate, or the standard GAN loss), so clipping its gradient bounds
    the influence of the real row.
    """
    n_layers = len(critic.layers)

    def loss_one(params, real, fake, alpha, *masks):
        def scores(x, m):
            return critic_scores(critic, params, x.unsqueeze(0), _row_masks(m))

        m_real, m_fake, m_mix = (masks[i * n_layers : (i + 1) * n_layers] for i in range(3))
        real_scores, fake_scores = scores(real, m_real), scores(fake, m_fake)
        if loss == "bce":
            value = bce_critic_loss(real_scores, fake_scores)
            return value, (value,)
        mixed = alpha * real + (1.0 - alpha) * fake
        slope = grad(lambda x: scores(x, m_mix).sum())(mixed)
        norm = torch.sqrt((slope**2).sum() + 1e-12)
        penalty = (norm - 1.0) ** 2
        value = wasserstein_critic_loss(real_scores, fake_scores) + gp_weight * penalty
        return value, (value,)

    return loss_one


def _row_masks(masks):
    if not masks:
        return None
    return [m.unsqueeze(0) for m in masks]


# ------------------------------------------------------------------------- VAE
class _VAEWithNoise(nn.Module):
    """A TabularVAE whose reparametrisation noise is an input (for torch.func)."""

    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, x, cond, eps):
        mu, logvar = self.vae.encode(x, cond)
        z = mu + eps * torch.exp(0.5 * logvar)
        return self.vae.decode(z, cond), mu, logvar


def vae_row_loss(vae, beta, condition_weight, cond_index, conditional):
    """Per-row VAE loss ``loss_one(params, x, cond, eps)`` for vmap.

    It returns the loss and ``(loss, reconstruction, kl)``. ``params`` are
    the VAE's parameters by name; ``eps`` is the row's reparametrisation
    noise, drawn outside the transform from the net's generator.
    """
    wrapper = _VAEWithNoise(vae)

    def loss_one(params, x, cond, eps):
        x, eps = x.unsqueeze(0), eps.unsqueeze(0)
        cond = cond.unsqueeze(0) if conditional else None
        named = {f"vae.{name}": value for name, value in params.items()}
        logits, mu, logvar = functional_call(wrapper, named, (x, cond, eps))
        reconstruction = vae_reconstruction_loss(logits, x, vae.head, params["log_sigma"])
        kl = kl_divergence(mu, logvar)
        total = reconstruction + beta * kl
        if conditional and condition_weight:
            total = total + condition_weight * condition_loss(logits, cond, vae.head, cond_index)
        return total, (total, reconstruction, kl)

    return loss_one


# ----------------------------------------------------------- public conditions
def draw_public_conditions(condition, n_rows, generator, device="cpu"):
    """Conditional vectors drawn from the (noisy) counts of a ConditionLayout.

    Under ``dp=True`` the counts are differentially private, so vectors drawn
    from them carry no more information on the training rows: a GAN's
    generator is then trained on them rather than on the conditions of real
    rows. As in training, each vector switches on one random column set to a
    category drawn given the label, plus the label (if any).

    Parameters
    ----------
    condition : ConditionLayout
    n_rows : int
    generator : torch.Generator
    device : str or torch.device, default="cpu"

    Returns
    -------
    torch.Tensor of shape (n_rows, cond_dim)
    """
    n_columns = len(condition.columns)
    width = int(condition.sizes.max())
    if condition.always_index is None:
        table = np.zeros((n_columns, 1, width))
        for j, (offset, size) in enumerate(zip(condition.offsets, condition.sizes, strict=True)):
            table[j, 0, :size] = condition.counts[offset : offset + size]
        label_probs = np.ones(1)
    else:
        n_labels = int(condition.sizes[condition.always_index])
        table = np.zeros((n_columns, n_labels, width))
        for j, (offset, size) in enumerate(zip(condition.offsets, condition.sizes, strict=True)):
            table[j, :, :size] = condition.joint_counts[offset : offset + size].T
        label_offset = int(condition.offsets[condition.always_index])
        label_probs = condition.counts[label_offset : label_offset + n_labels].astype(float)
    table = np.maximum(table, 0.0)
    empty = table.sum(axis=2, keepdims=True) <= 0
    sizes = condition.sizes[:, None, None]
    table = np.where(empty, (np.arange(width)[None, None, :] < sizes).astype(float), table)
    label_probs = np.maximum(label_probs, 0.0)
    label_probs = label_probs if label_probs.sum() > 0 else np.ones_like(label_probs)
    probs = torch.as_tensor(table, dtype=torch.float32, device=device)
    label = torch.multinomial(
        torch.as_tensor(label_probs, dtype=torch.float32, device=device), n_rows,
        replacement=True, generator=generator,
    )
    column = torch.randint(n_columns, (n_rows,), generator=generator, device=device)
    category = torch.multinomial(probs[column, label], 1, generator=generator).squeeze(1)
    offsets = torch.as_tensor(condition.offsets, device=device)
    slots = [(offsets[column] + category).cpu().numpy()]
    if condition.always_index is not None:
        slots.append((int(condition.offsets[condition.always_index]) + label).cpu().numpy())
    return condition.vectors(slots).to(device)

