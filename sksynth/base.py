"""Base class of the generative samplers: validate, encode, train ``net_``, sample, decode.

:class:`BaseGenerativeSampler` is the extension point of :mod:`sksynth.generators`.
It is an imbalanced-learn over-sampler (``fit_resample`` and ``sampling_strategy``
mean what they mean there) that also fits on a whole table (``fit``) and draws
new rows from it (``sample``). A subclass says how to build its skorch net
(:meth:`BaseGenerativeSampler._make_net`) and whether it is conditional.
"""

from __future__ import annotations

import copy
import numbers
from abc import abstractmethod

import numpy as np
import pandas as pd
import torch
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import check_target_type
from scipy import sparse
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d
from sklearn_compat.base import _fit_context
from sklearn_compat.utils.validation import validate_data

from .nn import ConditionLayout, LossProgressBar, TrainingData
from .utils import check_dataframe, check_no_inf, check_same_columns, limit_threads

__all__ = ["BaseGenerativeSampler"]

LABEL_COLUMN = "<label>"


def _check_hidden_dims(hidden_dims, name="hidden_dims"):
    dims = tuple(hidden_dims)
    if not dims or not all(
        isinstance(d, numbers.Integral) and not isinstance(d, bool) and d > 0 for d in dims
    ):
        raise ValueError(
            f"{name} must be a non-empty tuple of positive integers (layer widths); "
            f"got {hidden_dims!r}."
        )
    return tuple(int(d) for d in dims)


def _check_widths_or(default, widths, name):
    """``widths`` checked as layer widths, or ``default`` (already checked) when None."""
    return default if widths is None else _check_hidden_dims(widths, name)


def _check_device(device):
    name = str(device)
    try:
        parsed = torch.device(name)
    except RuntimeError:  # not a device string at all ("gpu", "cuda:x", ...)
        parsed = None
    if parsed is None or parsed.type not in ("cpu", "cuda", "mps") or (
        parsed.type != "cuda" and parsed.index is not None
    ):
        raise ValueError(f"device must be 'cpu', 'cuda', 'cuda:N' or 'mps'; got {device!r}.")
    if parsed.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device={device!r} was asked but PyTorch sees no CUDA GPU on this machine; "
                "use device='cpu'."
            )
        if parsed.index is not None and parsed.index >= torch.cuda.device_count():
            raise ValueError(
                f"device={device!r}: this machine has {torch.cuda.device_count()} CUDA GPU(s), "
                "numbered from 0."
            )
    if parsed.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError(
            "device='mps' was asked but PyTorch sees no Apple-silicon GPU (MPS) on this "
            "machine; use device='cpu'."
        )
    return name


def _check_callbacks(callbacks):
    if callbacks is None:
        return []
    items = list(callbacks.items()) if isinstance(callbacks, dict) else list(callbacks)
    named = []
    for i, item in enumerate(items):
        name, cb = item if isinstance(item, tuple) else (f"callback_{i}", item)
        monitor = getattr(cb, "monitor", None)
        if isinstance(monitor, str) and monitor.startswith("valid_"):
            raise ValueError(
                f"Callback {name!r} monitors {monitor!r}, but generative nets train without "
                "a validation split (train_split=None); monitor 'train_loss' instead."
            )
        named.append((name, cb))
    return named


def _label_span(start, classes):
    from .encoding import Span

    return Span(LABEL_COLUMN, "discrete", start, start + len(classes), "softmax", tuple(classes))


def _span_codes(Z, span):
    block = Z[:, span.start : span.stop]
    return np.where(block.sum(axis=1) > 0, block.argmax(axis=1), -1)


class BaseGenerativeSampler(BaseOverSampler):
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

    Subclasses implement :meth:`_make_net` and set ``_conditional``.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        As in imbalanced-learn's over-samplers.
    random_state : int, RandomState instance or None, default=None
        Seeds the encoder, the weight initialisation, the training noise and
        batches, and the draws of ``sample``. The same seed gives bit-identical
        output on CPU; torch's and numpy's global random states are untouched.
    epochs : int, default=300
        Training epochs.
    batch_size : int, default=500
        Rows per batch.
    lr : float
        Learning rate (Adam).
    latent_dim : int, default=128
        Size of the noise / latent vector.
    hidden_dims : tuple of int
        Hidden layer widths.
    continuous : {"mode", "quantile"}, default="mode"
        How the encoder normalises numeric columns (see
        :class:`~sksynth.encoding.TabularEncoder`).
    encoder_params : dict, default=None
        Other parameters of the :class:`~sksynth.encoding.TabularEncoder`
        (``rare_threshold``, ``max_categories``, ``column_kinds``...).
    callbacks : dict or list, default=None
        Extra skorch callbacks (``{name: callback}`` or a list). Nets train
        without a validation split: monitor ``"train_loss"``.
    device : str, default="cpu"
        Torch device (``"cuda"`` needs a GPU; a model trained there unpickles
        on a CPU-only machine).
    verbose : int, default=0
        ``1`` shows a progress bar with the losses.

    See Also
    --------
    sksynth.generators.GANSampler, sksynth.generators.VAESampler,
    sksynth.generators.ConditionalGANSampler, sksynth.generators.ConditionalVAESampler

    Examples
    --------
    >>> from sksynth.base import BaseGenerativeSampler
    >>> from sksynth.generators import VAESampler
    >>> issubclass(VAESampler, BaseGenerativeSampler)
    True
    >>> hasattr(VAESampler(), "transform")  # imblearn's Pipeline refuses such steps
    False
    """

    _conditional = False
    _min_class_rows = 2
    _mixed_input = True
    # parameters added after samplers were first saved, with the value that
    # gives the former behaviour: a pickle or model file that lacks one gets it
    _former_params: dict = {}

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
        continuous="mode",
        encoder_params=None,
        callbacks=None,
        device="cpu",
        verbose=0,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.latent_dim = latent_dim
        self.hidden_dims = hidden_dims
        self.continuous = continuous
        self.encoder_params = encoder_params
        self.callbacks = callbacks
        self.device = device
        self.verbose = verbose

    # ---------------------------------------------------------- subclass API
    @abstractmethod
    def _make_net(self, spans, condition, seed):
        """Return an unfitted skorch net for the encoded ``spans``.

        Parameters
        ----------
        spans : list of Span
            Layout of the training tensor (the label span last for conditional
            models fitted with ``y``).
        condition : ConditionLayout or None
            The conditional vector (conditional samplers).
        seed : int
            The net's ``random_state``.
        """

    _training_sampling = "log-frequency"

    def _net_common_params(self, seed):
        callbacks = copy.deepcopy(_check_callbacks(self.callbacks))
        if self.verbose:
            callbacks.append(("progress_bar", LossProgressBar(desc=type(self).__name__)))
        return {
            "max_epochs": self.epochs,
            "batch_size": self.batch_size,
            "lr": self.lr,
            "random_state": seed,
            "device": self._device,
            "callbacks": callbacks or None,
        }

    def _condition_columns(self):
        return []

    # ------------------------------------------------------------ validation
    def __setstate__(self, state):
        for name, value in type(self)._former_params.items():
            state.setdefault(name, value)
        super().__setstate__(state)

    def _check_params(self):
        self._hidden_dims = _check_hidden_dims(self.hidden_dims)
        self._device = _check_device(self.device)
        _check_callbacks(self.callbacks)

    def _check_X_y(self, X, y, accept_sparse=None):
        """Validate without coercing: strings, categories and NaN pass through."""
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        self._remember_container(X)
        frame = self._check_frame(X)
        validate_data(self, X=X, y=y, reset=True, skip_check_array=True)
        return frame, y, binarize_y

    def _remember_container(self, X):
        if isinstance(X, pd.DataFrame):
            self._container = ("dataframe", None)
        elif sparse.issparse(X):
            self._container = ("sparse", (X.format, X.dtype))
        elif isinstance(X, np.ndarray):
            self._container = ("ndarray", X.dtype)
        else:
            self._container = ("ndarray", np.asarray(X).dtype)

    def _check_frame(self, X):
        shape = getattr(X, "shape", None)
        if shape is not None and len(shape) == 2 and shape[1] == 0:
            raise ValueError(
                f"Found array with 0 feature(s) (shape={tuple(shape)}) while a minimum of 1 "
                "is required."
            )
        frame = check_dataframe(X)
        check_no_inf(frame)
        if frame.shape[0] < 2:
            raise ValueError(
                f"X has {frame.shape[0]} sample; {type(self).__name__} needs at least 2 rows "
                "to learn from."
            )
        return frame

    @staticmethod
    def _check_y_finite(y):
        if y is None:
            return
        values = np.asarray(y.to_numpy() if hasattr(y, "to_numpy") else y)
        if values.dtype.kind in "fc":
            if np.isnan(values).any():
                raise ValueError(
                    f"y contains {int(np.isnan(values).sum())} NaN value(s); every row needs a "
                    "class label."
                )
            if np.isinf(values).any():
                raise ValueError("y contains infinite values; every row needs a class label.")
        elif values.dtype == object and pd.isna(values).any():
            raise ValueError(
                f"y contains {int(pd.isna(values).sum())} missing value(s); every row needs a "
                "class label."
            )

    def _prepare_fit(self, X, y):
        """Validate ``X`` (and ``y``) for :meth:`fit`; return the frame and labels."""
        self._check_params()
        self._check_y_finite(y)
        self._remember_container(X)
        frame = self._check_frame(X)
        if y is None:
            validate_data(self, X=X, reset=True, skip_check_array=True)
            return frame, None
        if isinstance(y, pd.DataFrame) and y.shape[1] == 1:
            y = y.iloc[:, 0]
        self._y_meta = (
            ("series", y.name, y.dtype) if isinstance(y, pd.Series) else ("ndarray", None, None)
        )
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if len(y) != frame.shape[0]:
            raise ValueError(
                f"X and y have different numbers of rows: {frame.shape[0]} and {len(y)}."
            )
        validate_data(self, X=X, y=y, reset=True, skip_check_array=True)
        return frame, y

    # -------------------------------------------------------------- fitting
    def _named_seed(self, name):
        return int(
            np.random.SeedSequence([self._entropy, *map(ord, name)]).generate_state(1)[0]
        )

    def _start_randomness(self):
        state = self.random_state
        if state is None:
            entropy = int(np.random.SeedSequence().generate_state(1)[0])
        elif isinstance(state, np.random.RandomState):
            entropy = int(state.randint(2**31 - 1))
        elif isinstance(state, np.random.Generator):
            entropy = int(state.integers(2**31 - 1))
        else:
            entropy = int(state)
        self._entropy = entropy
        self._sample_rng = np.random.default_rng([entropy, 7])

    def _fit_encoder(self, frame):
        from .encoding import TabularEncoder

        params = dict(self.encoder_params or {})
        params.setdefault("continuous", self.continuous)
        params["random_state"] = self._named_seed("encoder")
        try:
            encoder = TabularEncoder(**params)
        except TypeError as exc:
            raise ValueError(f"encoder_params holds an unknown parameter: {exc}") from None
        self.encoder_ = encoder.fit(frame)
        return self.encoder_.transform(frame)

    def _train(self, Z, label_codes=None, *, name="net"):
        """Train one net on the encoded rows ``Z`` (and their labels, if conditional)."""
        spans = list(self.encoder_.output_spans_)
        condition = None
        codes = None
        if self._conditional:
            condition_spans = [
                s for s in spans if s.kind == "discrete" and s.column in self._condition_set
            ]
            if label_codes is not None:
                label = _label_span(Z.shape[1], self.classes_)
                onehot = np.zeros((Z.shape[0], len(self.classes_)), dtype=np.float32)
                onehot[np.arange(Z.shape[0]), label_codes] = 1.0
                Z = np.hstack([Z, onehot])
                spans.append(label)
                condition_spans.append(label)
            if condition_spans:
                codes = np.column_stack([_span_codes(Z, s) for s in condition_spans])
                condition = self._condition_layout(
                    condition_spans, codes, always=LABEL_COLUMN if label_codes is not None else None
                )
        net = self._make_net(spans, condition, self._named_seed(name))
        data = TrainingData(
            torch.from_numpy(np.ascontiguousarray(Z, dtype=np.float32)),
            None if codes is None else torch.from_numpy(codes),
            condition,
            sampling=self._training_sampling,
        )
        net.fit(data)
        del data
        return net, condition

    def _condition_layout(self, spans, codes, always=None):
        """Build the conditional-vector layout (a hook: DP samplers noise its counts)."""
        return ConditionLayout(spans, codes, always=always)

    def _fit_models(self, frame, y, classes_to_model=None):
        Z = self._fit_encoder(frame)
        if self._conditional:
            self._condition_set = self._resolve_condition_columns()
        if y is None:
            self.net_, self.condition_ = self._train(Z)
            self.history_ = self.net_.history
            return
        self.classes_, y_codes = np.unique(y, return_inverse=True)
        self._class_counts = np.bincount(y_codes, minlength=len(self.classes_))
        if self._conditional:
            self.net_, self.condition_ = self._train(Z, y_codes)
            self.history_ = self.net_.history
            return
        classes = self.classes_ if classes_to_model is None else classes_to_model
        self.nets_ = {}
        for label in classes:
            index = int(np.searchsorted(self.classes_, label))
            rows = y_codes == index
            if rows.sum() < self._min_class_rows:
                raise ValueError(
                    f"Class {_plain(label)!r} has {int(rows.sum())} row(s); {type(self).__name__} "
                    f"trains one model per class and needs at least {self._min_class_rows} "
                    "rows of a class to learn it. Leave the class out with "
                    "sampling_strategy, or use a conditional sampler."
                )
            self.nets_[label] = self._train(Z[rows], name=f"class-{index}")[0]
        self.history_ = {label: net.history for label, net in self.nets_.items()}

    def _resolve_condition_columns(self):
        discrete = list(dict.fromkeys(self.encoder_.discrete_columns_))
        wanted = self._condition_columns()
        if isinstance(wanted, str) and wanted == "all":
            return set(discrete)
        if wanted is None:
            return set()
        wanted = [wanted] if isinstance(wanted, str) else list(wanted)
        unknown = [c for c in wanted if c not in discrete]
        if unknown:
            raise ValueError(
                f"condition_columns {unknown} are not discrete columns of X; valid ones are "
                f"{discrete}."
            )
        return set(wanted)

    @limit_threads
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
        frame, y = self._prepare_fit(X, y)
        self._start_randomness()
        self._fitted_with_y = y is not None
        if y is not None:
            self._y_dtype = np.asarray(y).dtype
        self._fit_models(frame, y)
        return self

    @limit_threads
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
        self._check_y_finite(y)
        return super().fit_resample(X, y, **params)

    def _fit_resample(self, X, y):
        self._check_params()
        self._start_randomness()
        self._fitted_with_y = True
        self._y_dtype = np.asarray(y).dtype
        self._y_meta = ("ndarray", None, None)
        targets = {c: n for c, n in self.sampling_strategy_.items() if n > 0}
        self._fit_models(X, y, classes_to_model=list(targets))
        labels = np.concatenate(
            [np.full(n, c, dtype=np.asarray(y).dtype) for c, n in targets.items()]
            or [np.zeros(0, dtype=np.asarray(y).dtype)]
        )
        new, _ = self._generate(labels, conditions=None, seed=self._named_seed("resample"))
        X_res = pd.concat([X, new], ignore_index=True) if len(new) else X.reset_index(drop=True)
        X_res = X_res.astype(X.dtypes.to_dict())
        y_res = np.concatenate([np.asarray(y), labels])
        return self._to_container(X_res), y_res

    def _to_container(self, frame):
        kind, meta = getattr(self, "_container", ("dataframe", None))
        if kind == "dataframe":
            return frame
        if kind == "sparse":
            fmt, dtype = meta
            return sparse.csr_matrix(frame.to_numpy(dtype=dtype)).asformat(fmt)
        if meta is not None and meta != np.dtype(object):
            return frame.to_numpy(dtype=meta)
        return frame.to_numpy()

    # ------------------------------------------------------------- sampling
    def _generate(self, labels, conditions, seed):
        """Generate one row per entry of ``labels`` (``None``: no label).

        Returns the decoded rows and their labels (``None`` without labels).
        """
        rng = np.random.default_rng(seed)
        if self._conditional:
            n_rows = len(labels) if labels is not None else conditions["n"]
            return self._generate_conditional(n_rows, labels, conditions, rng)
        if labels is None:
            Z = self.net_.sample(conditions["n"], generator=int(rng.integers(2**62)))
            return self._decode(Z, rng), None
        frames = []
        index = []
        for label in np.unique(labels) if len(labels) else []:
            rows = np.flatnonzero(labels == label)
            net = self.nets_[label]
            Z = net.sample(len(rows), generator=int(rng.integers(2**62)))
            frames.append(self._decode(Z, rng))
            index.append(rows)
        if not frames:
            empty = np.zeros((0, self.encoder_.n_features_out_), np.float32)
            return self._decode(empty, rng), labels
        out = pd.concat(frames, ignore_index=True)
        order = np.argsort(np.concatenate(index), kind="stable")
        return out.iloc[order].reset_index(drop=True), labels

    def _decode(self, Z, rng):
        # the nets draw every softmax span as an exact one-hot: decode without argmax
        Z = Z[:, : self.encoder_.n_features_out_]
        return self.encoder_._inverse_transform(
            Z, int(rng.integers(2**62)), sample_discrete=False, one_hot=True
        )

    def _generate_conditional(self, n_rows, labels, conditions, rng):
        condition = self.condition_
        fixed = list((conditions or {}).get("slots", []))
        slot_columns = []
        if condition is None:
            cond = None
        else:
            if condition.always_index is not None:
                offset = int(condition.offsets[condition.always_index])
                if labels is None:
                    codes = condition.label_given(fixed, rng)(n_rows)
                else:
                    codes = np.searchsorted(self.classes_, labels)
                slot_columns.append(offset + codes)
            slot_columns.extend(np.full(n_rows, s, dtype=np.int64) for s in fixed)
            if not slot_columns:
                slot_columns.append(condition.empirical_slots(n_rows, rng))
            cond = condition.vectors(slot_columns)
        Z = self.net_.sample(n_rows, cond, generator=int(rng.integers(2**62)))
        frame = self._decode(Z, rng)
        for column, value in (conditions or {}).get("values", {}).items():
            frame[column] = _constant_like(frame[column], value)
        if labels is None and condition is not None and condition.always_index is not None:
            labels = self.classes_[slot_columns[0] - offset]
        return frame, labels

    @limit_threads
    def sample(self, n_samples, *, y=None, conditions=None, random_state=None):
        """Generate new rows from the fitted model.

        Parameters
        ----------
        n_samples : int
            Number of rows.
        y : label or array-like of shape (n_samples,), default=None
            Ask for rows of this class (or one class per row). ``None``: the
            classes are drawn in their training proportions (given
            ``conditions``, for conditional samplers). Needs a sampler fitted
            with ``y``.
        conditions : dict, default=None
            ``{column: value}`` of discrete columns that every generated row
            must hold (conditional samplers only).
        random_state : int, RandomState instance or None, default=None
            Seed of the draws; ``None`` continues the sampler's own sequence
            (seeded by its ``random_state``), so successive calls differ.

        Returns
        -------
        X_new : DataFrame or ndarray of shape (n_samples, n_features)
            Same columns, dtypes and categories as the training table
            (an array when it was fitted on an array).
        y_new : Series or ndarray of shape (n_samples,)
            Only when fitted with ``y``: the class of each row.
        """
        check_is_fitted(self, "encoder_")
        if not isinstance(n_samples, numbers.Integral) or isinstance(n_samples, bool) or (
            n_samples < 0
        ):
            raise ValueError(f"n_samples must be a non-negative integer; got {n_samples!r}.")
        n_samples = int(n_samples)
        seed = self._sample_seed(random_state)
        labels = self._check_sample_labels(y, n_samples)
        conditions = self._check_conditions(conditions, n_samples)
        if self._fitted_with_y and labels is None and not self._conditional:
            rng = np.random.default_rng([seed, 1])
            p = self._class_counts / self._class_counts.sum()
            labels = self.classes_[rng.choice(len(self.classes_), size=n_samples, p=p)]
        frame, labels = self._generate(labels, conditions, seed)
        X_new = self._output_X(frame)
        if not self._fitted_with_y:
            return X_new
        return X_new, self._output_y(np.asarray(labels))

    def _sample_seed(self, random_state):
        if random_state is None:
            return int(self._sample_rng.integers(2**62))
        if isinstance(random_state, numbers.Integral):
            return int(random_state)
        if isinstance(random_state, np.random.RandomState):
            return int(random_state.randint(2**31 - 1))
        if isinstance(random_state, np.random.Generator):
            return int(random_state.integers(2**62))
        raise ValueError(
            f"random_state must be None, an int, a RandomState or a Generator; got "
            f"{random_state!r}."
        )

    def _check_sample_labels(self, y, n_samples):
        if y is None:
            return None
        if not self._fitted_with_y:
            raise ValueError(
                f"y={y!r} asks for rows of a class, but this {type(self).__name__} was fitted "
                "without y; fit it with fit(X, y) first."
            )
        values = np.asarray(y)
        if values.ndim == 0:
            values = np.repeat(values, n_samples)
        values = values.ravel()
        if len(values) != n_samples:
            raise ValueError(
                f"y must be one label or one label per row ({n_samples}); got {len(values)}."
            )
        known = np.isin(values, self.classes_)
        if not known.all():
            bad = pd.unique(values[~known])[:5].tolist()
            raise ValueError(
                f"Unknown class(es) {bad} in y; the classes are {list(self.classes_)}."
            )
        if not self._conditional and not np.isin(values, list(self.nets_)).all():
            missing = sorted(set(values.tolist()) - set(self.nets_), key=str)
            raise ValueError(
                f"No model was trained for class(es) {missing} (fit_resample only trains the "
                "classes it over-samples); fit the sampler with fit(X, y) to sample them."
            )
        return values.astype(self.classes_.dtype, copy=False)

    def _check_conditions(self, conditions, n_samples):
        if conditions is None or (isinstance(conditions, dict) and not conditions):
            return {"n": n_samples}
        if not isinstance(conditions, dict):
            raise TypeError(
                f"conditions must be a dict {{column: value}}; got {type(conditions).__name__}."
            )
        if not self._conditional:
            raise ValueError(
                f"{type(self).__name__} is unconditional and cannot fix column values; use "
                "ConditionalGANSampler or ConditionalVAESampler to sample with conditions."
            )
        columns = list(self.feature_names_in_) if hasattr(self, "feature_names_in_") else list(
            self.encoder_.feature_names_in_
        )
        unknown = [c for c in conditions if c not in columns]
        if unknown:
            valid = [c for c in self.condition_.columns if c != LABEL_COLUMN] if (
                self.condition_ is not None
            ) else []
            raise ValueError(
                f"Unknown condition column(s) {unknown}: not columns of the training table. "
                f"Valid condition columns are {valid}."
            )
        if self.condition_ is None:
            raise ValueError(
                "This sampler has no condition column (no discrete column was given as a "
                "condition during fit); conditions cannot be used."
            )
        slots = [self.condition_.slot_of(column, value) for column, value in conditions.items()]
        return {"n": n_samples, "slots": slots, "values": dict(conditions)}

    def _output_X(self, frame):
        kind, meta = getattr(self, "_container", ("dataframe", None))
        if kind == "dataframe":
            return frame
        return self._to_container(frame) if kind != "sparse" else frame.to_numpy()

    def _output_y(self, y_new):
        kind, name, dtype = getattr(self, "_y_meta", ("ndarray", None, None))
        y_new = y_new.astype(self._y_dtype, copy=False)
        if kind == "series":
            return pd.Series(y_new, name=name).astype(dtype)
        return y_new

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
        from .metrics import fidelity_score

        check_is_fitted(self, "encoder_")
        validate_data(self, X=X, reset=False, skip_check_array=True)
        real = check_dataframe(X)
        if hasattr(self, "feature_names_in_"):
            check_same_columns(real, self.feature_names_in_)
        else:
            real.columns = list(self.encoder_.feature_names_in_)
        out = self.sample(len(real), random_state=self._named_seed("score"))
        synthetic = out[0] if isinstance(out, tuple) else out
        synthetic = check_dataframe(synthetic)
        synthetic.columns = list(real.columns)
        return float(np.mean(fidelity_score(real, synthetic)))

    # ----------------------------------------------------- chunked sampling
    def iter_samples(
        self, n_samples, chunk_size=100_000, *, y=None, conditions=None, random_state=None
    ):
        """Generate ``n_samples`` rows in chunks of ``chunk_size``, one chunk at a time.

        Only one chunk is in memory at once, so tables larger than memory can
        be streamed to disk (see :meth:`to_parquet`). Chunk ``i`` is
        ``sample(size_i, random_state=seed_i)`` where ``seed_0`` is the base
        seed and the others are derived from it and ``i``
        (:func:`numpy.random.SeedSequence`): the same ``random_state`` and the
        same ``chunk_size`` give the same rows, in any process; another
        ``chunk_size`` gives other rows from the same model.

        Parameters
        ----------
        n_samples : int
            Total number of rows.
        chunk_size : int, default=100_000
            Rows per chunk (the last one may be smaller).
        y : label or array-like of shape (n_samples,), default=None
            As in :meth:`sample` (one label, or one per row: sliced per chunk).
        conditions : dict, default=None
            As in :meth:`sample`.
        random_state : int, RandomState instance or None, default=None
            Base seed; ``None`` takes one from the sampler's own sequence.

        Yields
        ------
        chunk : DataFrame or ndarray, or (X_chunk, y_chunk)
            What :meth:`sample` returns for the chunk's rows.

        Examples
        --------
        >>> import numpy as np
        >>> from sksynth.generators import VAESampler
        >>> X = np.random.default_rng(0).normal(size=(40, 2))
        >>> sampler = VAESampler(epochs=1, batch_size=20, hidden_dims=(8,), latent_dim=2,
        ...                      random_state=0).fit(X)
        >>> [chunk.shape[0] for chunk in sampler.iter_samples(10, chunk_size=4, random_state=0)]
        [4, 4, 2]
        """
        from .utils._chunks import check_chunking, chunk_bounds, chunk_seed

        check_is_fitted(self, "encoder_")
        n_samples, chunk_size = check_chunking(n_samples, chunk_size)
        seed = self._sample_seed(random_state)
        labels = self._check_sample_labels(y, n_samples)
        per_row = labels is not None and np.ndim(y) > 0
        self._check_conditions(conditions, min(n_samples, 1))

        def chunks():
            for i, (start, stop) in enumerate(chunk_bounds(n_samples, chunk_size)):
                chunk_y = labels[start:stop] if per_row else y
                yield self.sample(
                    stop - start,
                    y=chunk_y,
                    conditions=conditions,
                    random_state=chunk_seed(seed, i),
                )

        return chunks()

    def to_parquet(
        self,
        path,
        n_samples,
        chunk_size=100_000,
        *,
        y=None,
        conditions=None,
        random_state=None,
        label_column=None,
    ):
        """Write ``n_samples`` generated rows to a Parquet file, chunk by chunk.

        The rows are those of :meth:`iter_samples` (same seeds), each chunk a
        row group; memory holds one chunk at a time. The file is written
        atomically: it appears complete or not at all. Needs ``pyarrow``
        (``pip install 'sksynth[io]'``).

        Parameters
        ----------
        path : str or path-like
            The destination file.
        n_samples : int
            Total number of rows.
        chunk_size : int, default=100_000
            Rows per chunk.
        y, conditions, random_state
            As in :meth:`iter_samples`.
        label_column : str, default=None
            For a sampler fitted with ``y``: the column holding each row's
            class (default: the name of the ``y`` Series it was fitted on,
            else ``"y"``).

        Returns
        -------
        path : pathlib.Path
            The file written.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> import numpy as np, pandas as pd
        >>> from sksynth.generators import VAESampler
        >>> X = pd.DataFrame({"a": np.random.default_rng(0).normal(size=40)})
        >>> sampler = VAESampler(epochs=1, batch_size=20, hidden_dims=(8,), latent_dim=2,
        ...                      random_state=0).fit(X)
        >>> path = sampler.to_parquet(pathlib.Path(tempfile.mkdtemp()) / "s.parquet", 25,
        ...                           chunk_size=10, random_state=0)
        >>> pd.read_parquet(path).shape
        (25, 1)
        """
        from pathlib import Path

        from .utils._chunks import require_pyarrow, write_parquet

        require_pyarrow("to_parquet")
        chunks = self.iter_samples(
            n_samples, chunk_size, y=y, conditions=conditions, random_state=random_state
        )
        if n_samples == 0:  # one empty chunk still gives the file its schema
            chunks = iter([self.sample(0, y=y if np.ndim(y) else None, conditions=conditions)])
        label = None
        if self._fitted_with_y:
            _, y_name, _ = getattr(self, "_y_meta", ("ndarray", None, None))
            label = label_column if label_column is not None else y_name
            label = "y" if label is None else str(label)
        frames = (self._chunk_frame(chunk, label) for chunk in chunks)
        write_parquet(frames, path)
        return Path(path)

    def _chunk_frame(self, chunk, label):
        X_new, y_new = chunk if isinstance(chunk, tuple) else (chunk, None)
        frame = check_dataframe(X_new, allow_empty=True)
        frame.columns = [str(c) for c in frame.columns]  # Parquet names are strings
        if label is not None:
            if label in frame.columns:
                raise ValueError(
                    f"label_column={label!r} is already a column of the samples; give "
                    "another label_column."
                )
            frame[label] = y_new.to_numpy() if isinstance(y_new, pd.Series) else y_new
        return frame

    # ---------------------------------------------------------- persistence
    def save(self, path, *, metadata=None):
        """Save the fitted sampler to a safe model file (it loads without running code).

        The file is a zip of JSON (hyperparameters, encoder state, condition
        layout), NPZ (numeric arrays) and torch state dicts, with a SHA-256
        manifest; it is written atomically. See :func:`sksynth.io.save_sampler`.
        Pickle and joblib also work, but load their files from trusted
        sources only.

        Parameters
        ----------
        path : str or path-like
            The destination (conventionally ``.sksynth``).
        metadata : dict, default=None
            Extra JSON-able information to store with the model.

        Returns
        -------
        path : pathlib.Path
            The file written.
        """
        from .io import save_sampler

        return save_sampler(self, path, metadata=metadata)

    @classmethod
    def load(cls, path, *, device=None, trusted_types=None):
        """Load a sampler saved with :meth:`save`.

        Parameters
        ----------
        path : str or path-like
            The model file.
        device : str, default=None
            Torch device; ``None``: the training device when available here,
            else ``"cpu"``.
        trusted_types : sequence of type, default=None
            Extra classes the file may hold (custom subclasses).

        Returns
        -------
        sampler : BaseGenerativeSampler
            The fitted sampler, which samples exactly as the saved one.
        """
        from .io import load_sampler

        trusted = list(trusted_types or [])
        if cls.__module__.split(".")[0] != "sksynth" and cls not in trusted:
            trusted.append(cls)
        sampler = load_sampler(path, device=device, trusted_types=trusted)
        if not isinstance(sampler, cls):
            raise TypeError(
                f"{str(path)!r} holds a {type(sampler).__name__}, not a {cls.__name__}; "
                f"load it with {type(sampler).__name__}.load or sksynth.io.load_sampler."
            )
        return sampler

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        return tags


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def _constant_like(column, value):
    values = pd.Series([value] * len(column), index=column.index)
    try:
        return values.astype(column.dtype)
    except (TypeError, ValueError):
        return values
