"""Generative samplers: GAN, VAE and their conditional forms, as imbalanced-learn samplers.

Each sampler over-samples with ``fit_resample(X, y)`` (usable in an imblearn
``Pipeline``) and synthesises whole tables with ``fit(X, y=None)`` then
``sample(n_samples)``. :class:`BaseGenerativeSampler` is the template they
share and the class to extend for a new generator.
:class:`MarginalPrivateSampler` is differentially private by construction (noisy
marginals, no network).
"""

from ._base import BaseGenerativeSampler
from ._gan import ConditionalGANSampler, GANSampler
from ._marginal import MarginalPrivateSampler
from ._vae import ConditionalVAESampler, VAESampler

__all__ = [
    "BaseGenerativeSampler",
    "GANSampler",
    "VAESampler",
    "ConditionalGANSampler",
    "ConditionalVAESampler",
    "MarginalPrivateSampler",
]
