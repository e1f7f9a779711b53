"""The registry of trusted types: the classes a model file may hold.

A model file rebuilds objects only of classes found here (or named by the
caller), never by importing a name read from the file. The fitted parts of
the samplers (encoder, codecs, normalisers, spans, condition layout) are
listed here; each generator class registers itself with
:func:`register_sampler` when its module is imported, so that this package
does not depend on the generators.
"""

from __future__ import annotations

from sklearn.preprocessing import QuantileTransformer

from .. import rules
from ..encoding._columns import DiscreteCodec, NumericCodec
from ..encoding._encoder import TabularEncoder
from ..encoding._normalisers import ModeNormaliser, QuantileNormaliser
from ..encoding._spans import RareLevels, Span
from ..nn._conditions import ConditionLayout
from ..rules._expression import Expression

__all__ = ["class_key", "default_trusted_types", "register_sampler", "registered_samplers"]

_COMPONENTS = (
    TabularEncoder,
    NumericCodec,
    DiscreteCodec,
    ModeNormaliser,
    QuantileNormaliser,
    Span,
    RareLevels,
    ConditionLayout,
    QuantileTransformer,
    rules.RuleKeeper,
    Expression,
    # the rule classes a fitted RuleKeeper holds
    *(
        cls for cls in map(rules.__dict__.get, rules.__all__)
        if isinstance(cls, type) and issubclass(cls, rules.Rule) and cls is not rules.Rule
    ),
)
_SAMPLERS: dict = {}


def class_key(cls):
    """Return the registry key of a class: ``"module.QualName"``.

    Parameters
    ----------
    cls : type
        The class.

    Returns
    -------
    key : str

    Examples
    --------
    >>> from sksynth.io._registry import class_key
    >>> from sksynth.encoding import TabularEncoder
    >>> class_key(TabularEncoder)
    'sksynth.encoding._encoder.TabularEncoder'
    """
    return f"{cls.__module__}.{cls.__qualname__}"


def register_sampler(cls):
    """Trust ``cls`` as a generator class that model files may hold (a class decorator).

    The class must provide the model-state hooks ``_get_model_state`` and
    ``_set_model_state`` of :class:`~sksynth.generators.BaseGenerativeSampler`.

    Parameters
    ----------
    cls : type
        The generator class.

    Returns
    -------
    cls : type
        The class itself.
    """
    if not (hasattr(cls, "_get_model_state") and hasattr(cls, "_set_model_state")):
        raise TypeError(
            f"{class_key(cls)} has no _get_model_state/_set_model_state hooks; only "
            "generative samplers can be registered."
        )
    _SAMPLERS[class_key(cls)] = cls
    return cls


def registered_samplers():
    """Return the registered generator classes, keyed by :func:`class_key`.

    Returns
    -------
    samplers : dict of str to type
    """
    return dict(_SAMPLERS)


def default_trusted_types():
    """Classes whose instances a model file may hold.

    The fitted parts of sksynth's samplers (encoder, codecs, normalisers,
    spans, condition layout, rule keeper and rules), the scikit-learn transformer some of them hold,
    and the registered generator classes (those of :mod:`sksynth.generators`
    once it is imported).

    Returns
    -------
    types : dict of str to type
        Keyed by :func:`class_key`.

    Examples
    --------
    >>> import sksynth.generators  # registers the samplers
    >>> from sksynth.io._registry import default_trusted_types
    >>> "sksynth.generators._gan.GANSampler" in default_trusted_types()
    True
    """
    types = {class_key(cls): cls for cls in _COMPONENTS}
    types.update(_SAMPLERS)
    return types
