"""What the skorch nets of the generative models share: seeding, batches, DP-SGD.

Both nets (:class:`~sksynth.nn.GANNet`, :class:`~sksynth.nn.VAENet`) keep
skorch's training loop, history and callbacks, train on a
:class:`~sksynth.nn.TrainingData` through :class:`~sksynth.nn.TensorBatchIterator`
(no per-row ``Dataset``), run with ``train_split=None`` (so callbacks monitor
``train_loss``) and draw all their randomness from explicit generators seeded by
``random_state``: the same seed gives bit-identical weights and samples on CPU,
without touching torch's global random state.
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod

import numpy as np
import torch
from skorch.callbacks import EpochTimer, PassthroughScoring

from ..utils._random import spawn_seeds, to_seed
from ._callbacks import DivergenceGuard
from ._iterators import PoissonBatchIterator, TensorBatchIterator, TrainingData
from ._privacy import DPGradientStep, noise_multiplier_for

# numpydoc entries both nets' docstrings share (see ``fill_doc``)
NET_ENTRIES = {
    "dp_bounds": (
        "target_delta : float, default=None\n"
        "    The delta of the guarantee (``None``: ``1 / n_rows``).\n"
        "max_grad_norm : float, default=1.0\n"
        "    Clipping bound of each row's gradient under DP-SGD."
    ),
    "skorch_parameters": (
        "iterator_train : type, default=TensorBatchIterator\n"
        "train_split : default=None\n"
        "verbose : int, default=0"
    ),
}


def _seeds(random_state, n=3):
    """Independent integer seeds from ``random_state`` (fresh entropy for ``None``)."""
    return spawn_seeds(to_seed(random_state), n)


def _fused_adam_kwargs(optimizer, kwargs, device):
    """Ask for the fused Adam kernel unless the caller chose the implementation.

    torch runs the per-parameter ("single tensor") Adam on CPU by default; the
    fused kernel does the same update in one pass over all parameters, faster
    on the sizes of these models and deterministic.
    """
    is_adam = isinstance(optimizer, type) and issubclass(
        optimizer, (torch.optim.Adam, torch.optim.AdamW)
    )
    if (
        is_adam
        and torch.device(device).type in ("cpu", "cuda")
        and not {"fused", "foreach"} & set(kwargs)
    ):
        kwargs = {**kwargs, "fused": True}
    return kwargs


def _fork_devices(device):
    if str(device).startswith("cuda") and torch.cuda.is_available():
        return [torch.device(device).index or torch.cuda.current_device()]
    return []


class _GenerativeNetMixin(metaclass=ABCMeta):
    """What the two nets share: parameters, seeding, tensor iterator, callbacks, pickling.

    Its ``__init__`` takes the parameters both nets have (their documentation
    is in :class:`~sksynth.nn.GANNet` and :class:`~sksynth.nn.VAENet`) and
    hands skorch's own to :class:`skorch.NeuralNet`; each net takes its own
    parameters and the defaults that differ (``lr``, ``condition_weight``).
    """

    def __init__(
        self,
        module,
        *,
        lr,
        condition_weight,
        criterion=torch.nn.Identity,
        optimizer=torch.optim.Adam,
        max_epochs=300,
        batch_size=500,
        cond_index=None,
        target_epsilon=None,
        target_delta=None,
        max_grad_norm=1.0,
        random_state=None,
        iterator_train=TensorBatchIterator,
        train_split=None,
        verbose=0,
        **kwargs,
    ):
        super().__init__(
            module,
            criterion,
            optimizer=optimizer,
            lr=lr,
            max_epochs=max_epochs,
            batch_size=batch_size,
            iterator_train=iterator_train,
            train_split=train_split,
            verbose=verbose,
            **kwargs,
        )
        self.condition_weight = condition_weight
        self.cond_index = cond_index
        self.target_epsilon = target_epsilon
        self.target_delta = target_delta
        self.max_grad_norm = max_grad_norm
        self.random_state = random_state

    @property
    def _default_callbacks(self):
        return [
            ("epoch_timer", EpochTimer()),
            ("train_loss", PassthroughScoring(name="train_loss", on_train=True)),
            *self._extra_scores(),
            ("divergence_guard", DivergenceGuard()),
        ]

    def _extra_scores(self):
        return []

    def initialize(self):
        """Seed the generators from ``random_state``, then initialise as skorch does."""
        init_seed, train_seed, _ = _seeds(self.random_state)
        for name in ("accountant_", "epsilon_", "delta_", "noise_multiplier_", "sample_rate_"):
            self.__dict__.pop(name, None)
        self.init_seed_ = init_seed
        self.torch_rng_ = torch.Generator(device=self.device).manual_seed(train_seed)
        return super().initialize()

    def _seeded(self):
        return torch.random.fork_rng(devices=_fork_devices(self.device))

    def _set_training(self, training=True):
        """Set train/eval mode, as skorch does, unless every module is in it already.

        ``train_step`` calls it at every step; setting the mode walks every
        submodule and sets an attribute on each, checking it only reads them.
        """
        for name in self._modules + self._criteria:
            module = getattr(self, name + "_", None)
            if isinstance(module, torch.nn.Module) and any(
                m.training != training for m in module.modules()
            ):
                return super()._set_training(training)
        return None

    def get_dataset(self, X, y=None):
        """Return ``X`` as a :class:`~sksynth.nn.TrainingData` (tensors stay as they are)."""
        if isinstance(X, TrainingData):
            return X
        if isinstance(X, torch.Tensor):
            return TrainingData(X)
        return super().get_dataset(X, y)

    def get_iterator(self, dataset, training=False):
        """Pass the training generator (and the batch constraints) to the iterator.

        Under DP-SGD (``target_epsilon`` set), batches are Poisson samples
        (:class:`~sksynth.nn._iterators.PoissonBatchIterator`).
        """
        if training and isinstance(dataset, TrainingData):
            dataset.to(self.device)  # batches are drawn where the model trains
            kwargs = self.get_params_for("iterator_train")
            kwargs.setdefault("batch_size", self.batch_size)
            if kwargs["batch_size"] == -1:
                kwargs["batch_size"] = len(dataset)
            if self._private:
                return PoissonBatchIterator(
                    dataset, kwargs["batch_size"], generator=self.torch_rng_
                )
            if self.iterator_train is TensorBatchIterator:
                kwargs.setdefault("generator", self.torch_rng_)
                kwargs.update(self._iterator_constraints())
            return self.iterator_train(dataset, **kwargs)
        return super().get_iterator(dataset, training=training)

    def _iterator_constraints(self):
        return {}

    # ------------------------------------------------------------ DP-SGD
    @property
    def _private(self):
        return getattr(self, "target_epsilon", None) is not None

    @abstractmethod
    def _private_module(self):
        """Return the module trained with DP-SGD and its optimizer.

        Each net defines it (the critic for :class:`GANNet`, the whole model for
        :class:`VAENet`); the mixin alone has nothing to train privately.
        """

    def _check_private(self):
        """Raise if the net's settings cannot be trained with DP-SGD."""

    def fit_loop(self, X, y=None, **fit_params):
        """Run skorch's loop; under DP-SGD, calibrate the noise first and account after."""
        if not self._private:
            return super().fit_loop(X, y, **fit_params)
        data = self.get_dataset(X, y)
        self._start_private(data)
        try:
            return super().fit_loop(data, y, **fit_params)
        finally:
            self._finish_private()

    def _start_private(self, data):
        self._check_private()
        n_rows = len(data)
        batch_size = n_rows if self.batch_size == -1 else int(self.batch_size)
        rate, per_epoch = PoissonBatchIterator.plan(n_rows, batch_size)
        self.delta_ = (
            1.0 / n_rows if self.target_delta is None else float(self.target_delta)
        )
        self.sample_rate_ = rate
        self.noise_multiplier_ = noise_multiplier_for(
            self.target_epsilon, self.delta_, rate, per_epoch * self.max_epochs
        )
        module, optimizer = self._private_module()
        self.dp_step_ = DPGradientStep(
            optimizer,
            [(n, p) for n, p in module.named_parameters() if p.requires_grad],
            noise_multiplier=self.noise_multiplier_,
            max_grad_norm=self.max_grad_norm,
            sample_rate=rate,
            expected_batch_size=rate * n_rows,
            generator=self.torch_rng_,
        )
        previous = getattr(self, "accountant_", None)
        if previous is not None:  # a further partial_fit spends more
            self.dp_step_.accountant = previous
            self.dp_step_.steps = len(previous.history)
        self.accountant_ = self.dp_step_.accountant
        self._fake_batch = max(2, min(batch_size, n_rows))
        self._public_condition = data.condition if data.conditional else None

    def _finish_private(self):
        step = self.__dict__.pop("dp_step_", None)
        self.__dict__.pop("_public_condition", None)
        if step is not None:
            step.close()
            self.epsilon_ = step.epsilon(self.delta_)

    def _cond_index(self):
        if self.cond_index is None:
            return None
        return [int(c) for c in self.cond_index]

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("torch_rng_", None)  # training-time only; may live on a GPU
        state.pop("dp_step_", None)
        # skorch maps its modules and optimizers to the CPU when no GPU is there; any
        # other tensor (the last generator loss) is stored on the CPU so that a model
        # trained on a GPU unpickles on a machine without one
        for name, value in state.items():
            if isinstance(value, torch.Tensor) and value.device.type != "cpu":
                state[name] = value.cpu()
        return state

    def _sample_in_chunks(self, n_samples, cond, chunk_size, draw):
        """Return ``n_samples`` encoded rows as a float32 array, ``chunk_size`` at a time.

        ``draw(n_rows, cond)`` generates the activated rows of one chunk (with
        its conditional vectors, or None); it runs in eval and inference mode.
        """
        self._set_training(False)
        # column-major: the sampling head gives each chunk column by column, and
        # the encoder reads the rows back one column (or span) at a time
        result = np.empty((self.module_.head.n_features, n_samples), dtype=np.float32).T
        with torch.inference_mode():
            for start in range(0, n_samples, chunk_size):
                stop = min(start + chunk_size, n_samples)
                c = None if cond is None else cond[start:stop].to(self.device)
                torch.from_numpy(result[start:stop]).copy_(draw(stop - start, c))
        return result

    def _noise_generator(self, generator):
        if generator is None:
            return torch.Generator(device=self.device).manual_seed(_seeds(None, 1)[0])
        if isinstance(generator, torch.Generator):
            return generator
        return torch.Generator(device=self.device).manual_seed(_seeds(generator, 1)[0])

