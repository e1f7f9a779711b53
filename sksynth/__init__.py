"""sksynth: dataset cleaning, quality assessment and synthetic data for scikit-learn.

The library is organised in families, as imbalanced-learn is:

- :mod:`sksynth.preprocessing` -- cleaning steps (transformers and row-dropping samplers);
- :mod:`sksynth.quality` -- assessment of a real dataset;
- :mod:`sksynth.encoding` -- the reversible tabular encoder used by the generators;
- :mod:`sksynth.nn` -- PyTorch modules, losses and skorch nets;
- :mod:`sksynth.generators` -- GAN, VAE and conditional samplers;
- :mod:`sksynth.metrics` -- evaluation of synthetic data against real data;
- :mod:`sksynth.datasets` -- bundled real datasets, fingerprints and dataset cards.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sksynth")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = ["__version__"]
