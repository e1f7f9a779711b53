"""GAN samplers: :class:`GANSampler` and :class:`ConditionalGANSampler`."""

from __future__ import annotations

import numbers

from sklearn.utils._param_validation import Interval, StrOptions

from ..io._registry import register_sampler
from ..nn import Critic, GANNet, Generator
from ..utils import fill_doc
from ._base import CONDITION_CONSTRAINTS, BaseGenerativeSampler, parent_arguments
from ._checks import check_widths_or
from ._docs import SHARED_ENTRIES

__all__ = ["GANSampler", "ConditionalGANSampler"]

_GAN_CONSTRAINTS = {
    **BaseGenerativeSampler._parameter_constraints,
    "loss": [StrOptions({"wgan-gp", "bce"})],
    "pac": [Interval(numbers.Integral, 1, None, closed="left")],
    "critic_steps": [Interval(numbers.Integral, 1, None, closed="left")],
    "gp_weight": [Interval(numbers.Real, 0, None, closed="left")],
    "gp_interval": [Interval(numbers.Integral, 1, None, closed="left")],
    "critic_dims": [tuple, list, None],
    "critic_row_dim": [Interval(numbers.Integral, 1, None, closed="left"), None],
    "critic_dropout": [Interval(numbers.Real, 0, 1, closed="left")],
}


@register_sampler
@fill_doc(SHARED_ENTRIES)
class GANSampler(BaseGenerativeSampler):
    """Over-sample (or synthesise a table) with a tabular GAN trained by skorch.

    A :class:`~sksynth.encoding.TabularEncoder` turns the table into numbers
    (mode-specific normalisation, one-hot categories, missing indicators); a
    residual MLP generator with per-span heads (tanh for numbers,
    Gumbel-softmax for categories) is trained against a PacGAN critic
    (:class:`~sksynth.nn.GANNet`). ``fit_resample`` trains one model per class
    to over-sample; ``fit(X, y=None)`` then :meth:`sample` synthesises whole
    tables.

    Parameters
    ----------
    {sampling_strategy}
    {random_state}
    {epochs}
    {gan_batch_size}
    {gan_lr}
    {gan_latent_dim}
    {gan_hidden_dims}
    {critic_dims}
    {critic_row_dim}
    {critic_dropout}
    {loss}
    {pac}
    {critic_steps}
    {gp_weight}
    {gp_interval}
    {gan_dp}
    {dp_budget}
    {table_parameters}

    Attributes
    ----------
    {encoder_}
    {rules_}
    {net_}
    {nets_}
    {history_}
    {fit_attributes}

    See Also
    --------
    ConditionalGANSampler : One model for all classes, conditioned on the label.
    VAESampler : A variational autoencoder instead of a GAN.

    References
    ----------
    .. [1] L. Xu et al. "Modeling Tabular data using Conditional GAN". NeurIPS 2019.
    .. [2] I. Gulrajani et al. "Improved Training of Wasserstein GANs". NeurIPS 2017.
    .. [3] Z. Lin et al. "PacGAN: The power of two samples in generative
       adversarial networks". NeurIPS 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from sksynth.generators import GANSampler
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(60, 2))
    >>> y = np.array([0] * 45 + [1] * 15)
    >>> sampler = GANSampler(epochs=2, batch_size=20, hidden_dims=(16,), latent_dim=8,
    ...                      random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> X_res.shape, np.bincount(y_res).tolist()
    ((90, 2), [45, 45])
    """

    _parameter_constraints: dict = dict(_GAN_CONSTRAINTS)

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        epochs=300,
        batch_size=500,
        lr=2e-4,
        latent_dim=128,
        hidden_dims=(256, 256),
        critic_dims=None,
        critic_row_dim=None,
        critic_dropout=0.5,
        loss="wgan-gp",
        pac=10,
        critic_steps=1,
        gp_weight=10.0,
        gp_interval=1,
        dp=False,
        target_epsilon=3.0,
        target_delta=None,
        max_grad_norm=1.0,
        dp_metadata=None,
        continuous="mode",
        encoder_params=None,
        callbacks=None,
        device="cpu",
        verbose=0,
        rules="auto",
    ):
        super().__init__(**parent_arguments(BaseGenerativeSampler, locals()))
        self.critic_dims = critic_dims
        self.critic_row_dim = critic_row_dim
        self.critic_dropout = critic_dropout
        self.loss = loss
        self.pac = pac
        self.critic_steps = critic_steps
        self.gp_weight = gp_weight
        self.gp_interval = gp_interval

    def _check_params(self):
        super()._check_params()
        self._critic_dims = check_widths_or(self._hidden_dims, self.critic_dims, "critic_dims")

    def _make_net(self, spans, condition, params):
        packs = 1 if self.dp else self.pac
        params = dict(params)
        params.update(
            module=Generator,
            critic=Critic,
            module__output_spans=spans,
            critic__input_dim=spans[-1].stop + params["module__cond_dim"],
            critic__hidden_dims=self._critic_dims,
            # the row layer belongs to packing: a critic that reads rows one
            # at a time (pac=1, or dp=True) has none
            critic__row_dim=self.critic_row_dim if packs > 1 else None,
            critic__pac=packs,
            critic__dropout=self.critic_dropout,
            loss=self.loss,
            pac=packs,
            critic_steps=self.critic_steps,
            gp_weight=self.gp_weight,
            gp_interval=self.gp_interval,
            optimizer__weight_decay=1e-6,
        )
        return GANNet(**params)


@register_sampler
@fill_doc(SHARED_ENTRIES)
class ConditionalGANSampler(GANSampler):
    """Over-sample (or synthesise a table) with a conditional tabular GAN (CTGAN-like).

    One model for all classes: the generator and the critic receive a
    conditional vector that holds the class label and, as in CTGAN, the
    category of one discrete column. Training draws the conditions by
    log-frequency and real rows that match them (*training-by-sampling*, one
    vectorised draw per batch), and an auxiliary loss
    ``condition_weight * -log p(c | x_generated)`` makes the generated rows
    honour the condition. :meth:`sample` can then ask for rows of a class
    (``y=``) and with given values of discrete columns (``conditions=``): the
    rows are generated with that condition, never rejected.

    Parameters
    ----------
    {sampling_strategy}
    {random_state}
    {epochs}
    {gan_batch_size}
    {gan_lr}
    {gan_latent_dim}
    {gan_hidden_dims}
    {critic_dims}
    critic_row_dim : int or None, default=96
        Width of a layer the critic applies to every row, with the same
        weights, before packing ``pac`` rows together; ``None``: rows are
        packed as they are (PacGAN, as in CTGAN). Used only when the critic
        packs rows (``pac > 1`` and ``dp=False``). With it the critic learns
        how a row relates to its own condition once for all positions of a
        pack; set ``None`` for a plain PacGAN critic
        (:doc:`/user_guide/conditional`, section "Packing and conditions").
    critic_dropout : float, default=0.0
        Dropout rate of the critic's hidden layers during training (CTGAN's
        discriminator, and :class:`GANSampler`'s, use 0.5). Packs of ``pac``
        rows leave the critic few inputs per batch, and dropout on them slows
        its learning on small tables (:doc:`/user_guide/conditional`).
    {loss}
    {pac}
    {critic_steps}
    {gp_weight}
    {gp_interval}
    {condition_weight}
    {condition_columns}
    {gan_dp}
    {dp_budget}
    {table_parameters}

    Attributes
    ----------
    {encoder_}
    {rules_}
    net_ : GANNet
        The trained net.
    {condition_}
    history_ : skorch History
        The training history.
    {fit_attributes}

    See Also
    --------
    GANSampler : One unconditional model per class.
    ConditionalVAESampler : The conditional VAE.

    References
    ----------
    .. [1] L. Xu et al. "Modeling Tabular data using Conditional GAN". NeurIPS 2019.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.generators import ConditionalGANSampler
    >>> X = pd.DataFrame({"amount": [1.0, 2.5, 3.0, 4.5] * 10,
    ...                   "home": ["rent", "own", "rent", "parents"] * 10})
    >>> sampler = ConditionalGANSampler(epochs=2, batch_size=20, hidden_dims=(16,),
    ...                                 latent_dim=8, random_state=0).fit(X)
    >>> rows = sampler.sample(5, conditions={"home": "own"})
    >>> rows["home"].tolist()
    ['own', 'own', 'own', 'own', 'own']
    """

    _conditional = True
    _parameter_constraints: dict = {**_GAN_CONSTRAINTS, **CONDITION_CONSTRAINTS}

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        epochs=300,
        batch_size=500,
        lr=2e-4,
        latent_dim=128,
        hidden_dims=(256, 256),
        critic_dims=None,
        critic_row_dim=96,
        critic_dropout=0.0,
        loss="wgan-gp",
        pac=10,
        critic_steps=1,
        gp_weight=10.0,
        gp_interval=1,
        condition_weight=1.0,
        condition_columns="all",
        dp=False,
        target_epsilon=3.0,
        target_delta=None,
        max_grad_norm=1.0,
        dp_metadata=None,
        continuous="mode",
        encoder_params=None,
        callbacks=None,
        device="cpu",
        verbose=0,
        rules="auto",
    ):
        super().__init__(**parent_arguments(GANSampler, locals()))
        self.condition_weight = condition_weight
        self.condition_columns = condition_columns
