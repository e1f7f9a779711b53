"""Base class of the generative samplers: validate, encode, train ``net_``, sample, decode.

:class:`BaseGenerativeSampler` is the extension point of :mod:`sksynth.generators`.
It is an imbalanced-learn over-sampler (``fit_resample`` and ``sampling_strategy``
mean what they mean there) that also fits on a whole table (``fit``) and draws
new rows from it (``sample``). A subclass says how to build its skorch net
(:meth:`BaseGenerativeSampler._make_net`) and whether it is conditional.

The parts live beside it: parameter and input checks and the memory of the
input containers in ``_checks``, the table input and seeds that every
sampler shares in ``_table_sampler``, :meth:`~BaseGenerativeSampler.sample`
and the decoding of generated rows in ``_sampling``, the conditional vector in
:class:`sksynth.nn.ConditionLayout`, training and generation in ``_models``,
differential privacy as a fit strategy in ``_dp``, chunked output and model
files in :mod:`sksynth.io`.
"""

from __future__ import annotations

import copy
import inspect
import numbers
from abc import abstractmethod

import numpy as np
import torch
from imblearn.over_sampling.base import BaseOverSampler
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted
from sklearn_compat.base import _fit_context
from sklearn_compat.utils.validation import validate_data

from ..encoding import TabularEncoder
from ..io._chunked import ChunkedOutputMixin
from ..metrics import fidelity_score
from ..nn import LossProgressBar
from ..rules import fit_keeper
from ..utils import check_dataframe, check_same_columns, fill_doc, thread_scope
from ..utils._random import SEED_BOUND
from ._checks import (
    check_callbacks,
    check_device,
    check_hidden_dims,
    check_y_finite,
    remember_y,
    to_container,
)
from ._docs import SHARED_ENTRIES
from ._dp import DP_ATTRIBUTES, DP_CONSTRAINTS, NoPrivacy, PrivateFit
from ._model_state import ModelFileMixin
from ._models import (
    append_rows,
    condition_layout,
    constant_like,
    resample_labels,
    resolve_condition_columns,
    train_net,
    train_per_class,
)
from ._sampling import SamplingMixin
from ._table_sampler import TableSamplerMixin

__all__ = ["CONDITION_CONSTRAINTS", "BaseGenerativeSampler", "parent_arguments"]

#: Constraints of the parameters of the conditional samplers.
CONDITION_CONSTRAINTS = {
    "condition_weight": [Interval(numbers.Real, 0, None, closed="left")],
    "condition_columns": [StrOptions({"all"}), list, tuple, None],
}


def parent_arguments(parent, values):
    """Pick the arguments of ``parent.__init__`` from ``values``.

    A sampler's ``__init__`` stores its own parameters and hands the ones its
    parent stores over with ``super().__init__(**parent_arguments(Parent,
    locals()))``: every parameter is still stored, untouched, by exactly one
    ``__init__``, and the list of forwarded names is the parent's signature.
    """
    names = [name for name in inspect.signature(parent.__init__).parameters if name != "self"]
    return {name: values[name] for name in names}


@fill_doc(SHARED_ENTRIES)
class BaseGenerativeSampler(
    TableSamplerMixin, SamplingMixin, ChunkedOutputMixin, ModelFileMixin, BaseOverSampler
):
    """Template of the generative samplers (GAN, VAE and their conditional forms).

    ``fit(X, y=None)`` learns a model of a whole table (one model per class for
    unconditional samplers fitted with ``y``); ``sample(n)`` draws new rows;
    ``fit_resample(X, y)`` over-samples the classes that ``sampling_strategy``
    names, returning the original rows untouched followed by the new ones.

    The steps are: validate the input (mixed types allowed: strings,
    categories, booleans, missing values) -> fit a
    :class:`~sksynth.encoding.TabularEncoder` -> build and train a skorch net
    (``net_``) on the encoded tensor -> sample encoded rows -> decode them to
    the original columns and dtypes.

    Subclasses implement :meth:`_make_net` and set ``_conditional``; a
    conditional one has the parameters ``condition_weight`` and
    ``condition_columns`` (constraints in ``CONDITION_CONSTRAINTS``). Hooks
    for extensions, each called in one place: :meth:`_prepare_table` (the
    training table just before the encoder is fitted), :meth:`_finish_table`
    (every decoded table), :meth:`_check_conditions` (the ``conditions`` of
    :meth:`sample`), :meth:`_runtime` (the context ``fit``, ``fit_resample``
    and ``sample`` run in), :meth:`_get_model_state` and
    :meth:`_set_model_state` (model files).

    Parameters
    ----------
    {sampling_strategy}
    {random_state}
    {epochs}
    batch_size : int, default=500
        Rows per batch.
    lr : float, default=1e-3
        Learning rate (Adam).
    latent_dim : int, default=128
        Size of the noise / latent vector.
    hidden_dims : tuple of int, default=(256, 256)
        Hidden layer widths.
    dp : bool, default=False
        Train with differential privacy (needs the ``privacy`` extra: Opacus;
        :doc:`/user_guide/privacy`).
    {dp_budget}
    {table_parameters}

    Attributes
    ----------
    {rules_}

    See Also
    --------
    sksynth.generators.GANSampler, sksynth.generators.VAESampler,
    sksynth.generators.ConditionalGANSampler, sksynth.generators.ConditionalVAESampler

    Examples
    --------
    >>> from sksynth.generators import BaseGenerativeSampler, VAESampler
    >>> issubclass(VAESampler, BaseGenerativeSampler)
    True
    >>> hasattr(VAESampler(), "transform")  # imblearn's Pipeline refuses such steps
    False
    """

    _conditional = False
    _min_class_rows = 2
    _mixed_input = True
    # how training draws rows: "log-frequency" of the condition categories, or
    # "own" (each row with a condition of its own); DP training always uses "own"
    _training_sampling = "log-frequency"
    # whether rules="auto" keeps the round values it finds (see fit_keeper)
    _keeps_round_values = False
    # whether the model sees stand-in values on the rows of a kept point mass
    # (see RuleKeeper's mass_stand_ins)
    _mass_stand_ins = False

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "epochs": [Interval(numbers.Integral, 1, None, closed="left")],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "lr": [Interval(numbers.Real, 0, None, closed="neither")],
        "latent_dim": [Interval(numbers.Integral, 1, None, closed="left")],
        "hidden_dims": [tuple, list],
        "continuous": [StrOptions({"mode", "quantile"})],
        "encoder_params": [dict, None],
        "callbacks": [dict, list, None],
        "device": [str, torch.device],
        "verbose": [Interval(numbers.Integral, 0, None, closed="left"), "boolean"],
        "rules": [StrOptions({"auto"}), list, tuple, None],
        **DP_CONSTRAINTS,
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        epochs=300,
        batch_size=500,
        lr=1e-3,
        latent_dim=128,
        hidden_dims=(256, 256),
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
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.latent_dim = latent_dim
        self.hidden_dims = hidden_dims
        self.dp = dp
        self.target_epsilon = target_epsilon
        self.target_delta = target_delta
        self.max_grad_norm = max_grad_norm
        self.dp_metadata = dp_metadata
        self.continuous = continuous
        self.encoder_params = encoder_params
        self.callbacks = callbacks
        self.device = device
        self.verbose = verbose
        self.rules = rules

    # ---------------------------------------------------------- subclass API
    @abstractmethod
    def _make_net(self, spans, condition, params):
        """Return an unfitted skorch net for the encoded ``spans``.

        Parameters
        ----------
        spans : list of Span
            Layout of the training tensor (the label span last for conditional
            models fitted with ``y``).
        condition : ConditionLayout or None
            The conditional vector (conditional samplers).
        params : dict
            The parameters every net takes (:meth:`_net_params`): epochs,
            batch size, learning rate, seed, device, callbacks, the
            generating module's latent size, hidden widths and condition
            width, the conditional vector's columns (``cond_index``) and
            ``condition_weight`` (conditional samplers) and, under
            differential privacy, the DP-SGD budget. Add the net's own.
        """

    def _training_epochs(self, n_rows):
        """Epochs to train a net on ``n_rows`` encoded rows: ``epochs`` unless overridden."""
        return self.epochs

    def _check_params(self):
        """Check the parameters that ``_parameter_constraints`` cannot; extend in subclasses."""
        self._hidden_dims = check_hidden_dims(self.hidden_dims)
        self._device = check_device(self.device)
        check_callbacks(self.callbacks)

    def _condition_columns(self):
        """Discrete columns the conditional vector may hold (conditional samplers)."""
        return self.condition_columns if self._conditional else []

    def _net_params(self, seed, epochs, privacy=None, condition=None):
        """Parameters common to every net: built once here, completed by :meth:`_make_net`."""
        callbacks = copy.deepcopy(check_callbacks(self.callbacks))
        if self.verbose:
            callbacks.append(("progress_bar", LossProgressBar(desc=type(self).__name__)))
        params = {
            "max_epochs": epochs,
            "batch_size": self.batch_size,
            "lr": self.lr,
            "random_state": seed,
            "device": self._device,
            "callbacks": callbacks or None,
            "module__latent_dim": self.latent_dim,
            "module__hidden_dims": self._hidden_dims,
            "module__cond_dim": 0 if condition is None else condition.cond_dim,
            "cond_index": None if condition is None else condition.encoded_index.tolist(),
        }
        if self._conditional:
            params["condition_weight"] = self.condition_weight
        params.update((privacy or NoPrivacy()).net_params())
        return params

    def _make_privacy(self, frame, y):
        """Return the privacy strategy of one fit, chosen from the ``dp`` parameter."""
        if not getattr(self, "dp", False):
            return NoPrivacy()
        return PrivateFit(
            frame,
            y,
            conditional=self._conditional,
            target_epsilon=self.target_epsilon,
            target_delta=self.target_delta,
            max_grad_norm=self.max_grad_norm,
            dp_metadata=self.dp_metadata,
            column_kinds=(self.encoder_params or {}).get("column_kinds"),
            rules=getattr(self, "rules_", None),
            seed=self._named_seed("dp-statistics"),
        )

    # ---------------------------------------------------------------- hooks
    def _prepare_table(self, frame):
        """Return the training table as the encoder should see it.

        Fits ``rules_`` (a :class:`~sksynth.rules.RuleKeeper`, or None) and
        returns the table it trains on: computed columns left out, orders as
        gaps (see the user guide's page on rules).
        """
        self.rules_ = fit_keeper(
            self.rules,
            frame,
            private=bool(getattr(self, "dp", False)),
            protect=self._condition_columns(),
            round_values=self._keeps_round_values,
            one_hot=self._encoder().level_columns(frame),
            mass_stand_ins=self._mass_stand_ins,
            random_state=self._named_seed("rules"),
        )
        return frame if self.rules_ is None else self.rules_.transform(frame)

    def _finish_table(self, frame, rng, fixed=None):
        """Return a decoded table as the user should see it, every kept rule holding.

        ``fixed`` holds the ``{column: value}`` conditions of the rows, set
        before the computed columns are derived from them.
        """
        keeper = getattr(self, "rules_", None)
        if keeper is None:
            return frame
        for column, value in (fixed or {}).items():
            if column in frame.columns:
                frame[column] = constant_like(frame[column], value)
        return keeper.inverse_transform(frame, random_state=int(rng.integers(SEED_BOUND)))

    def _table_columns(self):
        """Return the columns of the training table (before the rules left any out)."""
        keeper = getattr(self, "rules_", None)
        return self.encoder_.feature_names_in_ if keeper is None else keeper.feature_names_in_

    def _runtime(self):
        """Context that ``fit``, ``fit_resample`` and ``sample`` run in: the thread limits.

        Torch's and the OpenMP/BLAS thread pools are set to
        :func:`sksynth.get_config`'s ``n_threads`` for the call and restored after.
        """
        return thread_scope()

    # -------------------------------------------------------------- fitting
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn a generative model of the table ``X`` (and its labels ``y``).

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The table; mixed types and missing values are allowed.
        y : array-like of shape (n_samples,), default=None
            Class labels. Conditional samplers learn one model conditioned on
            them; unconditional ones learn one model per class.

        Returns
        -------
        self : object
            The fitted sampler.
        """
        with self._runtime():
            frame, y = self._prepare_fit(X, y)
            self._start_randomness()
            self._fitted_with_y = y is not None
            if y is not None:
                self._y_dtype = np.asarray(y).dtype
            self._fit_models(frame, y)
        return self

    def fit_resample(self, X, y, **params):
        """Over-sample ``X`` with generated rows, as ``sampling_strategy`` says.

        Parameters
        ----------
        X : {array-like, DataFrame, sparse matrix} of shape (n_samples, n_features)
            The table; mixed types and missing values are allowed.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        X_resampled : same container as ``X``
            The original rows, untouched, followed by the generated rows.
        y_resampled : same container as ``y``
            Their labels.
        """
        with self._runtime():
            check_y_finite(y)
            return super().fit_resample(X, y, **params)

    def _fit_resample(self, X, y):
        self._check_params()
        self._start_randomness()
        self._fitted_with_y = True
        self._y_dtype = np.asarray(y).dtype
        self._y_meta = remember_y(None)
        targets = {c: n for c, n in self.sampling_strategy_.items() if n > 0}
        self._fit_models(X, y, classes_to_model=list(targets))
        labels = resample_labels(targets, np.asarray(y).dtype)
        new, _ = self._generate(labels, conditions=None, seed=self._named_seed("resample"))
        y_res = np.concatenate([np.asarray(y), labels])
        return to_container(append_rows(X, new), self._container), y_res

    def _fit_models(self, frame, y, classes_to_model=None):
        """Encode ``frame`` and train the net(s), under the privacy strategy of this fit."""
        for name in DP_ATTRIBUTES:
            self.__dict__.pop(name, None)
        frame = self._prepare_table(frame)
        privacy = self._make_privacy(frame, y)
        self._train_models(frame, y, classes_to_model, privacy)
        nets = [self.net_] if not hasattr(self, "nets_") else list(self.nets_.values())
        self.__dict__.update(privacy.report(nets))

    def _encoder(self, **settings):
        """Return the unfitted encoder of ``encoder_params``, with ``settings`` on top."""
        params = dict(self.encoder_params or {})
        params.setdefault("continuous", self.continuous)
        params.update(settings)
        try:
            return TabularEncoder(**params)
        except TypeError as exc:
            raise ValueError(f"encoder_params holds an unknown parameter: {exc}") from None

    def _fit_encoder(self, frame, privacy):
        encoder = self._encoder(
            **privacy.encoder_params(), random_state=self._named_seed("encoder")
        )
        Z = privacy.fit_encoder(encoder, frame)
        self.encoder_ = encoder
        return Z

    def _train_models(self, frame, y, classes_to_model, privacy):
        for name in ("net_", "nets_", "classes_", "_class_counts"):
            self.__dict__.pop(name, None)
        Z = self._fit_encoder(frame, privacy)
        spans = list(self.encoder_.output_spans_)
        if self._conditional:
            discrete = list(dict.fromkeys(self.encoder_.discrete_columns_))
            keeper = getattr(self, "rules_", None)
            if keeper is not None:  # the level columns kept rules add are not the caller's
                discrete = [c for c in discrete if c in keeper.feature_names_in_]
            columns = resolve_condition_columns(self._condition_columns(), discrete)
            self._condition_set = columns
        if y is not None:
            self.classes_, y_codes = np.unique(y, return_inverse=True)
            self._class_counts = np.bincount(y_codes, minlength=len(self.classes_))
        if self._conditional:
            classes, codes = (None, None) if y is None else (self.classes_, y_codes)
            Z, spans, layout, codes = condition_layout(Z, spans, columns, classes, codes)
            self.condition_ = None if layout is None else privacy.release_layout(layout)
            self.net_ = self._train(Z, spans, codes, self.condition_, "net", privacy)
            self.history_ = self.net_.history
            return
        if y is None:
            self.net_ = self._train(Z, spans, None, None, "net", privacy)
            self.history_ = self.net_.history
            return
        self.nets_ = train_per_class(
            lambda rows, name: self._train(rows, spans, None, None, name, privacy),
            Z,
            y_codes,
            self.classes_,
            self.classes_ if classes_to_model is None else classes_to_model,
            minimum=self._min_class_rows,
            owner=type(self).__name__,
        )
        self.history_ = {label: net.history for label, net in self.nets_.items()}
        self._class_counts = privacy.release_class_counts(self._class_counts)

    def _train(self, Z, spans, codes, condition, name, privacy):
        """Build the net of ``spans`` (seeded by ``name``) and train it on ``Z``."""
        epochs = self._training_epochs(len(Z))
        params = self._net_params(self._named_seed(name), epochs, privacy, condition)
        net = self._make_net(spans, condition, params)
        sampling = privacy.training_sampling(self._training_sampling)
        return train_net(net, Z, codes, condition, sampling=sampling)

    # -------------------------------------------------------------- scoring
    def score(self, X, y=None):
        """Fidelity of ``len(X)`` generated rows to the table ``X`` (1 is best).

        Parameters
        ----------
        X : DataFrame or array-like
            A real table with the training columns (e.g. held-out rows).
        y : None
            Ignored.

        Returns
        -------
        score : float
            :func:`sksynth.metrics.fidelity_score` of a fresh sample against ``X``.
        """
        check_is_fitted(self, "encoder_")
        validate_data(self, X=X, reset=False, skip_check_array=True)
        real = check_dataframe(X)
        if hasattr(self, "feature_names_in_"):
            check_same_columns(real, self.feature_names_in_)
        else:
            real.columns = list(self._table_columns())
        out = self.sample(len(real), random_state=self._named_seed("score"))
        synthetic = out[0] if isinstance(out, tuple) else out
        synthetic = check_dataframe(synthetic)
        synthetic.columns = list(real.columns)
        return float(np.mean(fidelity_score(real, synthetic)))
