"""VAE samplers: :class:`VAESampler` and :class:`ConditionalVAESampler`."""

from __future__ import annotations

import numbers

from sklearn.utils._param_validation import Interval, StrOptions

from ..io._registry import register_sampler
from ..nn import TabularVAE, VAENet
from ..utils import fill_doc
from ._base import CONDITION_CONSTRAINTS, BaseGenerativeSampler, parent_arguments
from ._checks import check_widths_or
from ._docs import SHARED_ENTRIES

__all__ = ["VAESampler", "ConditionalVAESampler"]

# epochs="auto": the optimiser steps aimed at, the range of epochs, and the
# most epochs per training row (tiny tables are copied when trained longer)
_AUTO_STEPS = 8_000
_AUTO_MIN_EPOCHS, _AUTO_MAX_EPOCHS = 300, 2_000
_AUTO_EPOCHS_PER_ROW = 5

_VAE_CONSTRAINTS = {
    **BaseGenerativeSampler._parameter_constraints,
    "epochs": [Interval(numbers.Integral, 1, None, closed="left"), StrOptions({"auto"})],
    "beta": [Interval(numbers.Real, 0, None, closed="left")],
    "encoder_dims": [tuple, list, None],
}


def _auto_epochs(n_rows, batch_size):
    """Epochs that ``epochs="auto"`` trains a VAE for on ``n_rows`` rows.

    About 8,000 optimiser steps, within 300 to 2,000 epochs and at most five
    epochs per row.

    Parameters
    ----------
    n_rows : int
        Training rows of the net.
    batch_size : int
        Rows per optimiser step.

    Returns
    -------
    epochs : int
    """
    steps_per_epoch = -(-n_rows // batch_size)
    epochs = min(-(-_AUTO_STEPS // steps_per_epoch), _AUTO_MAX_EPOCHS,
                 _AUTO_EPOCHS_PER_ROW * n_rows)
    return max(epochs, _AUTO_MIN_EPOCHS)


@register_sampler
@fill_doc(SHARED_ENTRIES)
class VAESampler(BaseGenerativeSampler):
    """Over-sample (or synthesise a table) with a tabular VAE trained by skorch.

    A :class:`~sksynth.encoding.TabularEncoder` turns the table into numbers;
    a variational autoencoder (:class:`~sksynth.nn.VAENet`) learns it with a
    per-span reconstruction loss (Gaussian for numbers, cross-entropy for
    categories) plus ``beta`` times the KL divergence (TVAE-like). New rows are
    decoded from latent draws. ``fit_resample`` trains one model per class to
    over-sample; ``fit(X, y=None)`` then :meth:`sample` synthesises tables.

    Parameters
    ----------
    {sampling_strategy}
    {random_state}
    {vae_epochs}
    {vae_batch_size}
    {vae_lr}
    {vae_latent_dim}
    {vae_hidden_dims}
    encoder_dims : tuple of int, default=None
        Widths of the VAE's encoder (the posterior network, used in training
        only); ``None``: ``hidden_dims``. Not the table encoder
        (``encoder_params``); see :doc:`/user_guide/vae`.
    {beta}
    {vae_dp}
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
    ConditionalVAESampler : One model for all classes, conditioned on the label.
    GANSampler : A GAN instead of a VAE.

    References
    ----------
    .. [1] D. P. Kingma, M. Welling. "Auto-Encoding Variational Bayes". ICLR 2014.
    .. [2] L. Xu et al. "Modeling Tabular data using Conditional GAN". NeurIPS 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from sksynth.generators import VAESampler
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(60, 2))
    >>> sampler = VAESampler(epochs=2, batch_size=20, hidden_dims=(16,), latent_dim=4,
    ...                      random_state=0).fit(X)
    >>> sampler.sample(5).shape
    (5, 2)
    """

    _training_sampling = "own"
    _keeps_round_values = True
    _mass_stand_ins = True
    _parameter_constraints: dict = dict(_VAE_CONSTRAINTS)

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        epochs="auto",
        batch_size=500,
        lr=1e-3,
        latent_dim=32,
        hidden_dims=(128, 128),
        encoder_dims=None,
        beta=1.0,
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
        self.encoder_dims = encoder_dims
        self.beta = beta

    def _check_params(self):
        super()._check_params()
        self._encoder_dims = check_widths_or(self._hidden_dims, self.encoder_dims,
                                             "encoder_dims")

    def _training_epochs(self, n_rows):
        if self.epochs != "auto":
            return self.epochs
        if self.dp:
            return _AUTO_MIN_EPOCHS
        return _auto_epochs(n_rows, self.batch_size)

    def _make_net(self, spans, condition, params):
        params = dict(params)
        params.update(
            module=TabularVAE,
            module__output_spans=spans,
            module__encoder_dims=self._encoder_dims,
            beta=self.beta,
        )
        return VAENet(**params)


@register_sampler
@fill_doc(SHARED_ENTRIES)
class ConditionalVAESampler(VAESampler):
    """Over-sample (or synthesise a table) with a conditional tabular VAE.

    One model for all classes: the encoder and the decoder both receive a
    conditional vector holding the class label and the category of one
    discrete column of the row (chosen at random per row during training), and
    an optional auxiliary loss ``condition_weight * -log p(c | x_decoded)``
    makes the decoded rows honour it. :meth:`sample` can ask for rows of a
    class (``y=``) and with given values of discrete columns (``conditions=``).

    Parameters
    ----------
    {sampling_strategy}
    {random_state}
    {vae_epochs}
    {vae_batch_size}
    {vae_lr}
    {vae_latent_dim}
    {vae_hidden_dims}
    encoder_dims : tuple of int, default=(128,)
        Widths of the VAE's encoder (the posterior network, used in training
        only); ``None``: ``hidden_dims``. One layer trains faster than the
        decoder's two and is enough here (:doc:`/user_guide/vae`). Not the
        table encoder (``encoder_params``).
    {beta}
    {condition_weight}
    {condition_columns}
    {vae_dp}
    {dp_budget}
    {table_parameters}

    Attributes
    ----------
    {encoder_}
    {rules_}
    net_ : VAENet
        The trained net.
    {condition_}
    history_ : skorch History
        The training history.
    {fit_attributes}

    See Also
    --------
    VAESampler : One unconditional model per class.
    ConditionalGANSampler : The conditional GAN.

    Examples
    --------
    >>> import numpy as np
    >>> from sksynth.generators import ConditionalVAESampler
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(60, 2))
    >>> y = np.array(["a"] * 45 + ["b"] * 15)
    >>> sampler = ConditionalVAESampler(epochs=2, batch_size=20, hidden_dims=(16,),
    ...                                 latent_dim=4, random_state=0).fit(X, y)
    >>> X_new, y_new = sampler.sample(4, y="b")
    >>> X_new.shape, y_new.tolist()
    ((4, 2), ['b', 'b', 'b', 'b'])
    """

    _conditional = True
    _parameter_constraints: dict = {**_VAE_CONSTRAINTS, **CONDITION_CONSTRAINTS}

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        epochs="auto",
        batch_size=500,
        lr=1e-3,
        latent_dim=32,
        hidden_dims=(128, 128),
        encoder_dims=(128,),
        beta=1.0,
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
        super().__init__(**parent_arguments(VAESampler, locals()))
        self.condition_weight = condition_weight
        self.condition_columns = condition_columns
