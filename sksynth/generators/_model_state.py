"""Model-state hooks of the generators: what a model file stores, and restoring it.

:mod:`sksynth.io` encodes, checks and decodes model files; what goes into one
and how a sampler is rebuilt from it is decided here, through the sampler's
``_get_model_state`` and ``_set_model_state`` hooks.
"""

from __future__ import annotations

import torch
from sklearn.utils.validation import check_is_fitted
from skorch.history import History

from ..io import ModelFileError, load_sampler, save_sampler
from ._checks import resolve_device

__all__ = ["ModelFileMixin", "get_model_state", "set_model_state"]

# kept out of a model file's generic state: the nets are stored as weights
_NET_ATTRIBUTES = ("net_", "nets_", "history_")


def get_model_state(sampler):
    """Everything a model file stores of a fitted ``sampler``, as plain objects.

    Parameters
    ----------
    sampler : BaseGenerativeSampler
        A fitted sampler.

    Returns
    -------
    model : dict
        ``params`` (``get_params(deep=False)``), ``state`` (the other
        attributes but the nets), ``layout`` (``"single"`` or
        ``"per_class"``) and ``nets``: for each net its ``label``, the
        ``spans`` and ``seed`` it was built with, whether it is conditioned
        on ``condition_`` (``with_condition``), its ``history`` (list of
        dicts) and the state dicts of its ``modules`` and ``optimizers``.
    """
    params = sampler.get_params(deep=False)
    state = {
        name: value
        for name, value in vars(sampler).items()
        if name not in params and name not in _NET_ATTRIBUTES
    }
    if hasattr(sampler, "nets_"):
        layout, nets = "per_class", [(label, net, False) for label, net in sampler.nets_.items()]
    else:
        layout, nets = "single", [(None, sampler.net_, True)]
    records = [
        {
            "label": label,
            "spans": list(net.module__output_spans),
            "with_condition": with_condition,
            "seed": net.random_state,
            "history": [dict(row) for row in net.history],
            "modules": {n: getattr(net, n + "_").state_dict() for n in net._modules},
            "optimizers": {n: getattr(net, n + "_").state_dict() for n in net._optimizers},
        }
        for label, net, with_condition in nets
    ]
    return {"params": params, "state": state, "layout": layout, "nets": records}


def set_model_state(sampler, state, layout, nets, *, device=None):
    """Restore on ``sampler`` (built from the saved params) what :func:`get_model_state` gave.

    Parameters
    ----------
    sampler : BaseGenerativeSampler
        A sampler built from the saved parameters.
    state : dict
        The fitted attributes.
    layout : {"single", "per_class"}
        Whether ``nets`` is one net or one per class.
    nets : list of dict
        As in :func:`get_model_state`.
    device : str, default=None
        Torch device; ``None``: the training device when this machine has
        it, else ``"cpu"``.

    Returns
    -------
    sampler : BaseGenerativeSampler

    Raises
    ------
    ModelFileError
        If stored weights do not fit the rebuilt nets.
    """
    sampler.__dict__.update(state)
    target = resolve_device(sampler.device, device)
    if target != str(sampler.device) or device is not None:
        sampler.device = target
    sampler._device = target
    built = {}
    for record in nets:
        condition = getattr(sampler, "condition_", None) if record["with_condition"] else None
        epochs = max(len(record["history"]), 1)  # what the net was trained for
        params = sampler._net_params(record["seed"], epochs, condition=condition)
        net = sampler._make_net(record["spans"], condition, params)
        net.initialize()
        for name, weights in record["modules"].items():
            try:
                getattr(net, name + "_").load_state_dict(weights)
            except (RuntimeError, KeyError, TypeError) as exc:
                raise ModelFileError(
                    f"the weights of {name!r} do not fit the rebuilt net ({exc})"
                ) from None
        for name, optimizer_state in record["optimizers"].items():
            optimizer = getattr(net, name + "_")
            optimizer.load_state_dict(optimizer_state)
            for values in optimizer.state.values():  # Adam's moments: move them
                for key, value in values.items():
                    if isinstance(value, torch.Tensor) and key != "step":
                        values[key] = value.to(target)
        net.history = History(record["history"])
        built[record["label"]] = net
    if layout == "per_class":
        sampler.nets_ = built
        sampler.history_ = {label: net.history for label, net in built.items()}
    else:
        sampler.net_ = built[None]
        sampler.history_ = sampler.net_.history
    return sampler


class ModelFileMixin:
    """Model files of a generative sampler: ``save``, ``load`` and the two state hooks."""

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
        trusted = [] if type(self).__module__.split(".")[0] == "sksynth" else [type(self)]
        return save_sampler(self, path, metadata=metadata, trusted_types=trusted)

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

    def _get_model_state(self):
        """Everything a model file stores, as plain objects (the hook of :mod:`sksynth.io`).

        See :func:`get_model_state`.
        """
        check_is_fitted(self, "encoder_")
        return get_model_state(self)

    def _set_model_state(self, state, layout, nets, *, device=None):
        """Restore what :meth:`_get_model_state` gave, on a sampler built from its params.

        See :func:`set_model_state`.
        """
        return set_model_state(self, state, layout, nets, device=device)

