"""PyTorch modules, loss functions and skorch nets of the generative models.

- modules: :class:`Generator` (residual MLP with per-span output heads),
  :class:`Critic` (PacGAN), :class:`TabularVAE`, :class:`SpanActivation`;
- losses: plain functions (:func:`wasserstein_critic_loss`, :func:`gradient_penalty`,
  :func:`vae_reconstruction_loss`, :func:`condition_loss`, ...);
- nets: :class:`GANNet` and :class:`VAENet`, trained by skorch on
  :class:`TrainingData` through :class:`TensorBatchIterator`;
- callbacks: :class:`DivergenceGuard`, :class:`LossProgressBar`;
- :class:`ConditionLayout`: the conditional vector and training-by-sampling.
"""

from ._activations import SpanActivation, gumbel_softmax
from ._callbacks import DivergenceGuard, LossProgressBar
from ._conditions import ConditionLayout
from ._gan_net import GANNet
from ._iterators import TensorBatchIterator, TrainingData
from ._losses import (
    bce_critic_loss,
    bce_generator_loss,
    condition_loss,
    gradient_penalty,
    kl_divergence,
    vae_loss_terms,
    vae_reconstruction_loss,
    wasserstein_critic_loss,
    wasserstein_generator_loss,
)
from ._networks import Critic, Generator, TabularVAE, dropout_mask
from ._vae_net import VAENet

__all__ = [
    "GANNet",
    "VAENet",
    "Generator",
    "Critic",
    "TabularVAE",
    "SpanActivation",
    "gumbel_softmax",
    "dropout_mask",
    "TrainingData",
    "TensorBatchIterator",
    "ConditionLayout",
    "DivergenceGuard",
    "LossProgressBar",
    "wasserstein_critic_loss",
    "wasserstein_generator_loss",
    "bce_critic_loss",
    "bce_generator_loss",
    "gradient_penalty",
    "vae_reconstruction_loss",
    "vae_loss_terms",
    "kl_divergence",
    "condition_loss",
]
