"""skorch net training the tabular (conditional) VAE: :class:`VAENet`."""

from __future__ import annotations

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import PassthroughScoring

from ..utils import fill_doc
from ._activations import SpanActivation
from ._fused import fused_reparametrize_kl, fused_vae_loss, sample_head
from ._losses import kl_divergence, vae_loss_terms
from ._net_base import NET_ENTRIES, _fused_adam_kwargs, _GenerativeNetMixin
from ._networks import LOGVAR_BOUND, TabularVAE
from ._privacy import per_row_gradients, vae_row_loss

__all__ = ["VAENet"]


@fill_doc(NET_ENTRIES)
class VAENet(_GenerativeNetMixin, NeuralNet):
    """skorch net of a tabular (conditional) VAE.

    The loss is the per-span reconstruction loss (Gaussian for numbers,
    cross-entropy for categories) plus ``beta`` times the KL divergence, plus
    ``condition_weight`` times the condition loss when conditional.

    Parameters
    ----------
    module : type or torch.nn.Module, default=TabularVAE
        The VAE (``module__*`` parameters are passed to it).
    criterion : type, default=torch.nn.Identity
        Unused (see :func:`~sksynth.nn.vae_loss_terms`); kept for skorch.
    optimizer : type, default=torch.optim.Adam
        Adam runs its fused kernel (``fused=True``) on CPU and CUDA unless
        ``optimizer__fused`` or ``optimizer__foreach`` is given.
    lr : float, default=1e-3
    max_epochs : int, default=300
    batch_size : int, default=500
    beta : float, default=1.0
        Weight of the KL term.
    condition_weight : float, default=0.0
        Weight of the auxiliary condition loss.
    cond_index : sequence of int, default=None
        Encoded column of each slot of the conditional vector.
    target_epsilon : float, default=None
        Train with DP-SGD (Poisson-sampled batches, per-row clipping, Gaussian
        noise; Opacus' RDP accountant) so that the whole VAE is
        ``(target_epsilon, target_delta)``-differentially private. ``None``:
        ordinary training.
    {dp_bounds}
    random_state : int, default=None
        Seed of the weight initialisation, the reparametrisation noise and the
        shuffling.
    {skorch_parameters}
    **kwargs
        Other skorch parameters.

    Examples
    --------
    The output spans come from the table encoder:

    >>> import pandas as pd, torch
    >>> from sksynth.encoding import TabularEncoder
    >>> from sksynth.nn import VAENet
    >>> X = pd.DataFrame({"amount": [1.0, 2.5, 3.0, 4.5] * 2, "home": ["rent", "own"] * 4})
    >>> encoder = TabularEncoder(random_state=0).fit(X)
    >>> Z = torch.as_tensor(encoder.transform(X), dtype=torch.float32)
    >>> net = VAENet(module__output_spans=encoder.output_spans_, module__latent_dim=2,
    ...              module__hidden_dims=(8,), batch_size=4, max_epochs=2, random_state=0)
    >>> net.fit(Z).sample(5, generator=0).shape == (5, Z.shape[1])
    True
    """

    def __init__(
        self, module=TabularVAE, *, lr=1e-3, beta=1.0, condition_weight=0.0, **kwargs
    ):
        kwargs.setdefault("optimizer__weight_decay", 1e-5)
        super().__init__(module, lr=lr, condition_weight=condition_weight, **kwargs)
        self.beta = beta

    def _extra_scores(self):
        return [
            ("reconstruction", PassthroughScoring(name="reconstruction", on_train=True)),
            ("kl", PassthroughScoring(name="kl", on_train=True)),
        ]

    def initialize_module(self):
        """Create the VAE with seeded weights."""
        with self._seeded():
            torch.manual_seed(self.init_seed_)
            super().initialize_module()
        return self

    def initialize_optimizer(self, *args, **kwargs):
        """Create the optimizer (the fused Adam kernel unless ``optimizer__foreach``/``fused``)."""
        named = self.get_all_learnable_params()
        args, kwargs = self.get_params_for_optimizer("optimizer", named)
        kwargs = _fused_adam_kwargs(self.optimizer, kwargs, self.device)
        self.optimizer_ = self.optimizer(*args, **kwargs)
        return self

    def train_step(self, batch, **fit_params):
        """One gradient step on the VAE loss."""
        self._set_training(True)
        x = batch["X"].to(self.device)
        cond = batch.get("cond")
        cond = None if cond is None else cond.to(self.device)
        if self._private:
            return self._private_train_step(x, cond)
        vae = self.module_
        conditioned = cond is not None and bool(self.condition_weight)
        cond_index = self._cond_index() if conditioned else None
        if type(vae).forward is TabularVAE.forward:
            # the same arithmetic as below, with the losses' gradients in closed
            # form (about half the small operators of a step)
            if type(vae).encode is TabularVAE.encode:  # clamped in the fused function
                mu, logvar = vae._encode_unclamped(x, cond)
            else:
                mu, logvar = vae.encode(x, cond)
            eps = torch.randn(
                mu.shape, generator=self.torch_rng_, device=mu.device, dtype=mu.dtype
            )
            z, kl = fused_reparametrize_kl(mu, logvar, eps, bound=LOGVAR_BOUND)
            logits = vae.decode(z, cond)
            loss, reconstruction, cond_term = fused_vae_loss(
                logits, x, vae.head, vae.log_sigma,
                cond=cond if conditioned else None, cond_index=cond_index,
                weight=self.condition_weight if conditioned else 0.0,
            )
            loss = loss + self.beta * kl
        else:
            logits, mu, logvar = vae(x, cond, generator=self.torch_rng_)
            kl = kl_divergence(mu, logvar)
            reconstruction, cond_term = vae_loss_terms(
                logits, x, vae.head, vae.log_sigma,
                cond=cond if conditioned else None, cond_index=cond_index,
            )
            loss = reconstruction + self.beta * kl
            if conditioned:
                loss = loss + self.condition_weight * cond_term
        self.optimizer_.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer_.step()
        with torch.no_grad():
            vae.log_sigma.clamp_(float(np.log(0.01)), 0.0)
        self.history.record_batch("reconstruction", reconstruction.item())
        self.history.record_batch("kl", kl.item())
        return {"loss": loss.detach(), "y_pred": logits.detach()}

    def _private_module(self):
        return self.module_, self.optimizer_

    def _private_train_step(self, x, cond):
        """One DP-SGD step: per-row gradients, clipped, summed and noised (Opacus)."""
        vae = self.module_
        n_rows = x.shape[0]
        eps = torch.randn((n_rows, vae.latent_dim), generator=self.torch_rng_, device=self.device)
        conditional = cond is not None and cond.shape[1] > 0
        cond_in = cond if conditional else x.new_zeros((n_rows, 0))
        loss_one = vae_row_loss(
            vae, self.beta, self.condition_weight, self._cond_index(), conditional
        )
        named = [(n, p) for n, p in vae.named_parameters() if p.requires_grad]
        grads, aux = per_row_gradients(loss_one, named, (x, cond_in, eps), n_rows)
        self.dp_step_.step(grads)
        with torch.no_grad():
            vae.log_sigma.clamp_(float(np.log(0.01)), 0.0)
        values = [a.mean().detach() if n_rows else x.new_zeros(()) for a in (aux or (0, 0, 0))]
        self.history.record_batch("reconstruction", values[1].item())
        self.history.record_batch("kl", values[2].item())
        return {"loss": values[0], "y_pred": x.new_zeros((n_rows, x.shape[1]))}

    def sample(self, n_samples, cond=None, *, generator=None, mode="sample", chunk_size=4096):
        """Decode ``n_samples`` latent draws into encoded rows (float32 array).

        Numeric columns get Gaussian noise of the learned scale, as the
        likelihood says; softmax spans are drawn as ``mode`` says.

        Parameters
        ----------
        n_samples : int
        cond : torch.Tensor of shape (n_samples, cond_dim), default=None
        generator : torch.Generator or int, default=None
        mode : {"sample", "hard", "soft"}, default="sample"
        chunk_size : int, default=4096
            Rows decoded per forward pass (see :meth:`GANNet.sample`).

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        self.check_is_fitted()
        generator = self._noise_generator(generator)
        vae = self.module_
        head = vae.head

        def draw(n_rows, c):
            z = torch.randn((n_rows, vae.latent_dim), generator=generator, device=self.device)
            logits = vae.decode(z, c)
            if mode == "sample" and type(head) is SpanActivation:
                return sample_head(
                    logits, head, generator=generator, numeric_scale=torch.exp(vae.log_sigma)
                )
            out = head.activate_grouped(logits, mode=mode, generator=generator)
            if head.n_numeric:  # the numeric columns come first in the grouped order
                noise = torch.randn(
                    (n_rows, head.n_numeric), generator=generator, device=self.device
                )
                values = out[:, : head.n_numeric] + noise * torch.exp(vae.log_sigma)
                values = torch.where(head.numeric_is_tanh, values.clamp(-1.0, 1.0), values)
                out[:, : head.n_numeric] = values
            return head.ungroup(out)

        return self._sample_in_chunks(n_samples, cond, chunk_size, draw)
