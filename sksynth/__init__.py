"""sksynth: dataset cleaning, quality assessment and synthetic data for scikit-learn.

The library is organised in families, as imbalanced-learn is:

- :mod:`sksynth.preprocessing` -- cleaning steps (transformers and row-dropping samplers);
- :mod:`sksynth.quality` -- assessment of a real dataset;
- :mod:`sksynth.encoding` -- the reversible tabular encoder used by the generators;
- :mod:`sksynth.nn` -- PyTorch modules, losses and skorch nets;
- :mod:`sksynth.generators` -- GAN, VAE and conditional samplers;
- :mod:`sksynth.metrics` -- evaluation of synthetic data against real data;
- :mod:`sksynth.datasets` -- bundled real datasets, fingerprints and dataset cards.

:func:`set_config` and :func:`config_context` choose how many threads the long
calls use (``n_threads``); :func:`get_config` shows the current choice.
"""

from importlib.metadata import PackageNotFoundError, version

from .utils._threads import config_context, get_config, set_config

try:
    __version__ = version("sksynth")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = ["__version__", "config_context", "get_config", "set_config"]
