"""skorch net training the tabular GAN: :class:`GANNet`."""

from __future__ import annotations

import math

import torch
from skorch import NeuralNet
from skorch.callbacks import PassthroughScoring

from ..utils import fill_doc
from ._activations import SpanActivation
from ._fused import fused_gumbel_head, sample_head
from ._losses import (
    bce_critic_loss,
    bce_generator_loss,
    condition_loss,
    gradient_penalty,
    wasserstein_critic_loss,
    wasserstein_generator_loss,
)
from ._net_base import NET_ENTRIES, _fused_adam_kwargs, _GenerativeNetMixin
from ._networks import Critic, Generator
from ._privacy import critic_pair_loss, draw_public_conditions, dropout_masks, per_row_gradients

__all__ = ["GANNet"]

_GAN_LOSSES = ("wgan-gp", "bce")


@fill_doc(NET_ENTRIES)
class GANNet(_GenerativeNetMixin, NeuralNet):
    """skorch net of a tabular GAN: generator ``module_`` and critic ``critic_``.

    The critic and its optimizer are created in :meth:`initialize_module` and
    :meth:`initialize_optimizer`, so ``critic__*`` and ``critic_optimizer__*``
    parameters reach them and ``set_params`` re-initialises them. Each training
    batch makes one critic step; every ``critic_steps``-th batch also makes a
    generator step.

    Parameters
    ----------
    module : type or torch.nn.Module, default=Generator
        The generator (``module__*`` parameters are passed to it).
    critic : type or torch.nn.Module, default=Critic
        The critic (``critic__*`` parameters).
    criterion : type, default=torch.nn.Identity
        Unused (the losses are plain functions chosen by ``loss``); kept for skorch.
    optimizer, critic_optimizer : type, default=torch.optim.Adam
        Optimizers of the generator and of the critic; both use ``lr`` unless
        ``optimizer__lr`` / ``critic_optimizer__lr`` are given. Adam runs its
        fused kernel (``fused=True``) on CPU and CUDA unless ``optimizer__fused``
        or ``optimizer__foreach`` (``critic_optimizer__*``) is given.
    lr : float, default=2e-4
        Learning rate.
    max_epochs : int, default=300
        Number of epochs.
    batch_size : int, default=500
        Rows per batch (a multiple of ``pac``).
    loss : {"wgan-gp", "bce"}, default="wgan-gp"
        Wasserstein loss with gradient penalty, or the non-saturating form of
        the standard minimax loss.
    pac : int, default=10
        PacGAN pack size (must match ``critic__pac``).
    critic_steps : int, default=1
        Critic steps per generator step.
    gp_weight : float, default=10.0
        Weight of the gradient penalty.
    gp_interval : int, default=1
        Take the gradient penalty every ``gp_interval``-th critic step only,
        weighted by ``gp_interval`` ("lazy regularisation"); 1 takes it at
        every step.
    condition_weight : float, default=1.0
        Weight of the auxiliary condition loss ``-log p(c | x_generated)``.
    cond_index : sequence of int, default=None
        Encoded column of each slot of the conditional vector.
    tau : float, default=0.2
        Gumbel-softmax temperature during training.
    target_epsilon : float, default=None
        Train with DP-SGD (Poisson-sampled batches, per-row clipping, Gaussian
        noise; Opacus' RDP accountant) so that the critic (the only part that sees real rows) is
        ``(target_epsilon, target_delta)``-differentially private. ``None``:
        ordinary training.
    {dp_bounds}
    random_state : int, default=None
        Seed of the weight initialisation, the noise and the batch draws.
    {skorch_parameters}
    **kwargs
        Other skorch parameters (``callbacks``, ``device``, ``module__*``...).

    Examples
    --------
    >>> import torch
    >>> from types import SimpleNamespace as Span
    >>> from sksynth.nn import GANNet
    >>> spans = [Span(start=0, stop=1, activation="tanh"),
    ...          Span(start=1, stop=3, activation="softmax")]
    >>> net = GANNet(module__latent_dim=4, module__output_spans=spans,
    ...              module__hidden_dims=(8,), critic__input_dim=3, critic__pac=2,
    ...              critic__hidden_dims=(8,), pac=2, batch_size=4, max_epochs=2,
    ...              random_state=0)
    >>> data = torch.tensor([[0.5, 1.0, 0.0], [-0.5, 0.0, 1.0]] * 4)
    >>> net = net.fit(data)
    >>> net.sample(3, generator=0).shape
    (3, 3)
    """

    def __init__(
        self,
        module=Generator,
        critic=Critic,
        *,
        critic_optimizer=torch.optim.Adam,
        lr=2e-4,
        loss="wgan-gp",
        pac=10,
        critic_steps=1,
        gp_weight=10.0,
        gp_interval=1,
        condition_weight=1.0,
        tau=0.2,
        **kwargs,
    ):
        kwargs.setdefault("optimizer__betas", (0.5, 0.9))
        kwargs.setdefault("critic_optimizer__betas", (0.5, 0.9))
        super().__init__(module, lr=lr, condition_weight=condition_weight, **kwargs)
        self.critic = critic
        self.critic_optimizer = critic_optimizer
        self.loss = loss
        self.pac = pac
        self.critic_steps = critic_steps
        self.gp_weight = gp_weight
        self.gp_interval = gp_interval
        self.tau = tau

    def _extra_scores(self):
        return [("critic_loss", PassthroughScoring(name="critic_loss", on_train=True))]

    def _iterator_constraints(self):
        return {"multiple_of": self.pac, "drop_last": True}

    def initialize(self):
        """Check ``loss`` then initialise."""
        if self.loss not in _GAN_LOSSES:
            raise ValueError(f"loss must be one of {_GAN_LOSSES}; got {self.loss!r}.")
        self.critic_updates_ = 0
        self.last_generator_loss_ = None
        return super().initialize()

    def initialize_module(self):
        """Create the generator and the critic, with seeded weights."""
        with self._seeded():
            torch.manual_seed(self.init_seed_)
            super().initialize_module()
            params = self.get_params_for("critic")
            self.critic_ = self.initialized_instance(self.critic, params)
        return self

    def initialize_optimizer(self, *args, **kwargs):
        """One optimizer for the generator, one (``critic_optimizer_``) for the critic."""
        named = self.module_.named_parameters()
        args, kwargs = self.get_params_for_optimizer("optimizer", named)
        kwargs = _fused_adam_kwargs(self.optimizer, kwargs, self.device)
        self.optimizer_ = self.optimizer(*args, **kwargs)
        named = self.critic_.named_parameters()
        args, kwargs = self.get_params_for_optimizer("critic_optimizer", named)
        kwargs = _fused_adam_kwargs(self.critic_optimizer, kwargs, self.device)
        self.critic_optimizer_ = self.critic_optimizer(*args, **kwargs)
        return self

    # ---------------------------------------------------------------- training
    @staticmethod
    def _join(x, cond):
        return x if cond is None else torch.cat([x, cond], dim=1)

    def _noise(self, n_rows, generator):
        return torch.randn(
            (n_rows, self.module_.latent_dim), generator=generator, device=self.device
        )

    def _critic_loss(self, real, fake, cond):
        """Critic loss: one critic pass over the real and generated rows, stacked.

        Stacking gives the same scores as two passes (rows, or packs of ``pac``
        rows, are scored independently) with one weight-gradient product per
        layer instead of two. The WGAN-GP penalty has its own pass (its double
        backward then only runs over the mixed rows), every ``gp_interval``-th
        critic step, weighted by ``gp_interval``.
        """
        rng = self.torch_rng_
        real_in, fake_in = self._join(real, cond), self._join(fake, cond)
        scores = self.critic_(torch.cat([real_in, fake_in]), generator=rng)
        real_scores, fake_scores = scores.chunk(2)
        if self.loss == "bce":
            return bce_critic_loss(real_scores, fake_scores)
        loss = wasserstein_critic_loss(real_scores, fake_scores)
        interval = max(int(self.gp_interval), 1)
        if self.gp_weight <= 0 or (self.critic_updates_ - 1) % interval:
            return loss
        penalty = gradient_penalty(
            lambda x: self.critic_(x, generator=rng), real_in, fake_in, pac=self.pac,
            generator=rng,
        )
        return loss + (self.gp_weight * interval) * penalty

    def _fake(self, n_rows, cond, *, with_condition=False):
        """Generate ``n_rows`` rows: ``(logits, fake, condition)``.

        ``condition`` is the condition loss when ``with_condition`` and the
        head is a plain :class:`SpanActivation` (computed with the head, in one
        pass); otherwise ``None`` (see :meth:`_generator_loss`).
        """
        rng = self.torch_rng_
        logits = self.module_(self._noise(n_rows, rng), cond)
        head = self.module_.head
        if type(head) is SpanActivation:
            conditioned = with_condition and cond is not None and bool(self.condition_weight)
            fake, condition = fused_gumbel_head(
                logits, head, tau=self.tau, generator=rng,
                cond=cond if conditioned else None,
                cond_index=self._cond_index() if conditioned else None,
            )
            return logits, fake, condition if conditioned else None
        return logits, head(logits, mode="gumbel", tau=self.tau, generator=rng), None

    def _generator_loss(self, logits, fake, cond, condition=None):
        scores = self.critic_(self._join(fake, cond), generator=self.torch_rng_)
        if self.loss == "bce":
            loss = bce_generator_loss(scores)
        else:
            loss = wasserstein_generator_loss(scores)
        if cond is not None and self.condition_weight:
            if condition is None:
                condition = condition_loss(logits, cond, self.module_.head, self._cond_index())
            loss = loss + self.condition_weight * condition
        return loss

    def train_step(self, batch, **fit_params):
        """One critic step and, every ``critic_steps`` batches, one generator step.

        The generator step reuses the rows generated for the critic step (as
        the usual alternating scheme with a shared draw does): the generator's
        forward pass runs once per batch.
        """
        self._set_training(True)
        real = batch["X"].to(self.device)
        cond = batch.get("cond")
        cond = None if cond is None else cond.to(self.device)
        self.critic_updates_ += 1
        generator_turn = self.critic_updates_ % self.critic_steps == 0
        if self._private:
            return self._private_train_step(real, cond, generator_turn)
        with torch.set_grad_enabled(generator_turn):
            logits, fake, condition = self._fake(
                real.shape[0], cond, with_condition=generator_turn
            )
        critic_loss = self._critic_loss(real, fake.detach(), cond)
        self.critic_optimizer_.zero_grad(set_to_none=True)
        critic_loss.backward()
        self.critic_optimizer_.step()
        if generator_turn:
            self.critic_.requires_grad_(False)
            generator_loss = self._generator_loss(logits, fake, cond, condition)
            self.optimizer_.zero_grad(set_to_none=True)
            generator_loss.backward()
            self.optimizer_.step()
            self.critic_.requires_grad_(True)
            self.last_generator_loss_ = generator_loss.detach()
        elif self.last_generator_loss_ is None:  # report a value before the first update
            with torch.no_grad():
                self.last_generator_loss_ = self._generator_loss(logits, fake, cond)
        critic_loss = critic_loss.detach()
        self.history.record_batch("critic_loss", critic_loss.item())
        return {
            "loss": self.last_generator_loss_,
            "y_pred": fake.detach(),
            "critic_loss": critic_loss,
        }

    # ------------------------------------------------------------------ DP-SGD
    def _check_private(self):
        if self.pac != 1 or getattr(self.critic_, "pac", 1) != 1:
            raise ValueError(
                f"DP-SGD needs pac=1 (got pac={self.pac}): a pack mixes several real rows "
                "into one critic input, so clipping per pack would not bound one row's "
                "influence."
            )

    def _private_module(self):
        return self.critic_, self.critic_optimizer_

    def _public_cond(self, n_rows):
        if self._public_condition is None:
            return None
        return draw_public_conditions(
            self._public_condition, n_rows, self.torch_rng_, device=self.device
        )

    def _private_fakes(self, n_rows):
        """Generate rows to pair with ``n_rows`` real ones, with public conditions.

        They are generated in chunks of a fixed size, so that batch
        normalisation never mixes in the number of real rows drawn.
        """
        size = self._fake_batch
        parts = []
        for _ in range(max(1, math.ceil(n_rows / size))):
            cond = self._public_cond(size)
            _, fake, _ = self._fake(size, cond)
            parts.append(self._join(fake, cond))
        return torch.cat(parts)[:n_rows]

    def _private_train_step(self, real, cond, generator_turn):
        """DP-SGD step of the critic on (real, generated) pairs; generator step on public data.

        Each real row is paired with a generated row; the pair's critic loss
        (with the gradient penalty on their interpolate) is differentiated per
        pair, clipped, summed and noised (Opacus). The generator step uses
        fresh rows with conditions drawn from the noisy counts: it only sees
        the privatised critic.
        """
        rng = self.torch_rng_
        n_rows = real.shape[0]
        with torch.no_grad():
            fake_in = self._private_fakes(n_rows)
        real_in = self._join(real, cond)
        alpha = torch.rand((n_rows, 1), generator=rng, device=self.device)
        masks = [dropout_masks(self.critic_, n_rows, rng, self.device) for _ in range(3)]
        masks = [m for group in masks if group is not None for m in group]
        loss_one = critic_pair_loss(self.critic_, self.loss, self.gp_weight)
        named = [(n, p) for n, p in self.critic_.named_parameters() if p.requires_grad]
        grads, aux = per_row_gradients(
            loss_one, named, (real_in, fake_in, alpha, *masks), n_rows
        )
        self.dp_step_.step(grads)
        critic_loss = aux[0].mean().detach() if n_rows else real.new_zeros(())
        if generator_turn or self.last_generator_loss_ is None:
            with torch.set_grad_enabled(generator_turn):
                cond_g = self._public_cond(self._fake_batch)
                logits, fake, condition = self._fake(
                    self._fake_batch, cond_g, with_condition=True
                )
                self.critic_.requires_grad_(False)
                generator_loss = self._generator_loss(logits, fake, cond_g, condition)
                if generator_turn:
                    self.optimizer_.zero_grad(set_to_none=True)
                    generator_loss.backward()
                    self.optimizer_.step()
                self.critic_.requires_grad_(True)
            self.last_generator_loss_ = generator_loss.detach()
        self.history.record_batch("critic_loss", critic_loss.item())
        return {"loss": self.last_generator_loss_, "y_pred": fake_in.detach(),
                "critic_loss": critic_loss}

    # ---------------------------------------------------------------- sampling
    def sample(self, n_samples, cond=None, *, generator=None, mode="sample", chunk_size=4096):
        """Generate ``n_samples`` encoded rows (activated), as a float32 array.

        Parameters
        ----------
        n_samples : int
            Number of rows.
        cond : torch.Tensor of shape (n_samples, cond_dim), default=None
            Conditional vectors, one per row.
        generator : torch.Generator or int, default=None
            Source of the noise (a seed is turned into a generator).
        mode : {"sample", "hard", "soft", "gumbel"}, default="sample"
            How softmax spans are produced (see :class:`SpanActivation`).
        chunk_size : int, default=4096
            Rows generated per forward pass. Small chunks keep the layers'
            intermediates in cache, which is faster than one pass over many
            rows; raise it only on a GPU with memory to spare.

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        self.check_is_fitted()
        generator = self._noise_generator(generator)
        head = self.module_.head

        def draw(n_rows, c):
            logits = self.module_(self._noise(n_rows, generator), c)
            if mode == "sample" and type(head) is SpanActivation:
                return sample_head(logits, head, generator=generator)
            return head(logits, mode=mode, tau=self.tau, generator=generator)

        return self._sample_in_chunks(n_samples, cond, chunk_size, draw)
