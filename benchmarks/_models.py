"""One small interface over our samplers and the peers: ``fit(frame)``, ``sample(n)``.

Settings are equal on both sides (:data:`GAN_SETTINGS`, :data:`VAE_SETTINGS`): the
``ctgan`` package's defaults -- generator and discriminator (256, 256), embedding 128,
batch 500, pac 10, Adam 2e-4 with decay 1e-6 for the GANs; (128, 128) encoder and
decoder, batch 500, Adam 1e-3 for the VAEs. Two of our defaults differ from ctgan's and
run as such: the conditional GAN's critic (a row layer before its packs,
``critic_row_dim=96``, and no dropout) and the conditional VAE's latent size 32 and
one-layer encoder (TVAE: 128 and (128, 128); our VAE: latent 32, encoder (128, 128));
``[CTGAN critic]`` and ``[TVAE sizes]`` rows run ours at ctgan's values (equal
arithmetic). Only the number of epochs changes between runs, and it is the same for
every model of a run.
"""

from __future__ import annotations

import contextlib
import time

import numpy as np
import pandas as pd
from skorch.callbacks import Callback

GAN_SETTINGS = {"batch_size": 500, "hidden_dims": (256, 256), "latent_dim": 128, "pac": 10}
# ``ConditionalGANSampler`` defaults to ``pac=10`` behind a row layer of 96, without
# dropout (a plain packed critic barely learns the row-condition link; see its
# docstring). The quality and augmentation parts run it so; the speed part also
# times it with ctgan's critic (no row layer, dropout 0.5: equal arithmetic).
VAE_SETTINGS = {"batch_size": 500, "hidden_dims": (128, 128)}
# our VAEs' default latent size is 32; TVAE's (and the [TVAE sizes] rows') is 128
TVAE_LATENT = 128

OURS = ["sksynth.ConditionalGAN", "sksynth.ConditionalVAE", "sksynth.GAN", "sksynth.VAE"]
CTGAN_PEERS = ["ctgan.CTGAN", "ctgan.TVAE"]
SDV_PEERS = ["sdv.GaussianCopula", "sdv.CTGAN", "sdv.TVAE"]
ALL = OURS + CTGAN_PEERS + SDV_PEERS


def _is_numeric(column):
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def discrete_columns(frame):
    """The non-numeric columns of ``frame``."""
    return [c for c in frame if not _is_numeric(frame[c])]


class Model:
    """A generator under test: ``fit(frame)`` then ``sample(n) -> DataFrame``."""

    name = "?"
    family = "?"
    device = "cpu"  # "cuda": benchmarks/gpu_timing.py trains on a GPU

    def __init__(self, epochs, seed):
        self.epochs = epochs
        self.seed = seed

    def fit(self, frame):
        raise NotImplementedError

    def sample(self, n):
        raise NotImplementedError

    def epoch_seconds(self):
        """Per-epoch durations the model recorded itself, when it does (ours)."""
        return None


class EpochClock(Callback):
    """Wall and CPU seconds of every epoch, from marks taken at each epoch start.

    For ours it is a skorch callback; for the ``ctgan`` package (and SDV, which
    runs it) it wraps the ``tqdm`` epoch loop of its ``fit``. Either way the
    epoch's time runs from the start of one epoch to the start of the next
    (the last one: to the end of the loop), so both sides are measured alike.
    """

    def __init__(self):
        self.marks = []

    def mark(self):
        self.marks.append((time.perf_counter(), time.process_time()))

    def epochs(self):
        """``(wall, cpu)`` seconds per epoch."""
        return [(b[0] - a[0], b[1] - a[1]) for a, b in zip(self.marks, self.marks[1:])]

    def on_epoch_begin(self, net, **kwargs):
        self.mark()

    def on_train_end(self, net, **kwargs):
        self.mark()

    def wrap(self, iterable):
        """Iterate ``iterable`` and take a mark before each item and at the end."""
        for item in iterable:
            self.mark()
            yield item
        self.mark()


_CLOCK = None


@contextlib.contextmanager
def ctgan_epoch_clock():
    """Patch the ``ctgan`` package's epoch loops so that :data:`_CLOCK` marks epochs."""
    import ctgan.synthesizers.ctgan as ctgan_module
    import ctgan.synthesizers.tvae as tvae_module

    global _CLOCK
    _CLOCK = clock = EpochClock()
    originals = {m: m.tqdm for m in (ctgan_module, tvae_module)}

    def timed_tqdm(iterable, *args, **kwargs):
        return clock.wrap(iterable)

    for m in originals:
        m.tqdm = timed_tqdm
    try:
        yield clock
    finally:
        for m, original in originals.items():
            m.tqdm = original
        _CLOCK = None


class _Ours(Model):
    family = "sksynth"
    params = None  # extra sampler parameters (benchmarks/sweep.py sets them)

    def _make(self):
        raise NotImplementedError

    def fit(self, frame):
        self.clock = EpochClock()
        estimator = self._make()
        # the sampler deep-copies its callbacks: the net's copy holds the marks
        estimator.set_params(callbacks={"epoch_clock": self.clock}, device=self.device,
                             **(self.params or {}))
        self.estimator = estimator.fit(frame)
        self.clock = dict(self.estimator.net_.callbacks_)["epoch_clock"]
        return self

    def sample(self, n):
        return self.estimator.sample(n, random_state=self.seed + 1)

    def epoch_seconds(self):
        return self.clock.epochs()


class OursConditionalGAN(_Ours):
    name = "sksynth.ConditionalGAN"

    def _make(self):
        from sksynth.generators import ConditionalGANSampler

        return ConditionalGANSampler(epochs=self.epochs, random_state=self.seed, **GAN_SETTINGS)


class OursConditionalGANCtganCritic(OursConditionalGAN):
    """The conditional GAN with CTGAN's critic (packs of 10, no row layer, dropout 0.5)."""

    name = "sksynth.ConditionalGAN[CTGAN critic]"
    params = {"critic_row_dim": None, "critic_dropout": 0.5}


class OursConditionalGANNoRules(OursConditionalGAN):
    """The conditional GAN without rules between columns (what rules=None gives)."""

    name = "sksynth.ConditionalGAN[no rules]"
    params = {"rules": None}


class OursGAN(_Ours):
    name = "sksynth.GAN"

    def _make(self):
        from sksynth.generators import GANSampler

        return GANSampler(epochs=self.epochs, random_state=self.seed, **GAN_SETTINGS)


class OursConditionalVAE(_Ours):
    name = "sksynth.ConditionalVAE"

    def _make(self):
        from sksynth.generators import ConditionalVAESampler

        return ConditionalVAESampler(epochs=self.epochs, random_state=self.seed, **VAE_SETTINGS)


class OursConditionalVAETvaeSizes(OursConditionalVAE):
    """The conditional VAE at TVAE's sizes (latent 128, (128, 128) encoder): TVAE's arithmetic."""

    name = "sksynth.ConditionalVAE[TVAE sizes]"
    params = {"latent_dim": TVAE_LATENT, "encoder_dims": VAE_SETTINGS["hidden_dims"]}


class OursConditionalVAEAutoEpochs(OursConditionalVAE):
    """The conditional VAE at its default training length (``epochs="auto"``)."""

    name = "sksynth.ConditionalVAE[auto epochs]"
    params = {"epochs": "auto"}


class OursConditionalVAEAutoEpochsNoRules(OursConditionalVAE):
    """The conditional VAE at its default training length, without rules between columns."""

    name = "sksynth.ConditionalVAE[auto epochs, no rules]"
    params = {"epochs": "auto", "rules": None}


class OursConditionalVAENoRules(OursConditionalVAE):
    """The conditional VAE without rules between columns (what rules=None gives)."""

    name = "sksynth.ConditionalVAE[no rules]"
    params = {"rules": None}


class OursVAE(_Ours):
    name = "sksynth.VAE"

    def _make(self):
        from sksynth.generators import VAESampler

        return VAESampler(epochs=self.epochs, random_state=self.seed, **VAE_SETTINGS)


class _Peer(Model):
    def fit(self, frame):
        with ctgan_epoch_clock() as clock:
            self._fit(frame)
        self.clock = clock
        return self

    def epoch_seconds(self):
        return self.clock.epochs() if self.clock.marks else None


def _fill_numbers(frame):
    """Median-impute numeric NaN: the ``ctgan`` package refuses missing numbers."""
    numeric = [c for c in frame if _is_numeric(frame[c]) and frame[c].isna().any()]
    if not numeric:
        return frame
    return frame.fillna({c: frame[c].median() for c in numeric})


class CtganCTGAN(_Peer):
    name = "ctgan.CTGAN"
    family = "ctgan"

    def _fit(self, frame):
        from ctgan import CTGAN

        self.estimator = CTGAN(
            embedding_dim=GAN_SETTINGS["latent_dim"],
            generator_dim=GAN_SETTINGS["hidden_dims"],
            discriminator_dim=GAN_SETTINGS["hidden_dims"],
            batch_size=GAN_SETTINGS["batch_size"],
            pac=GAN_SETTINGS["pac"],
            epochs=self.epochs,
            enable_gpu=self.device == "cuda",
        )
        self.estimator.set_random_state(self.seed)
        self.estimator.fit(_fill_numbers(frame), discrete_columns(frame))

    def sample(self, n):
        return self.estimator.sample(n)


class CtganTVAE(_Peer):
    name = "ctgan.TVAE"
    family = "ctgan"

    def _fit(self, frame):
        from ctgan import TVAE

        self.estimator = TVAE(
            embedding_dim=TVAE_LATENT,
            compress_dims=VAE_SETTINGS["hidden_dims"],
            decompress_dims=VAE_SETTINGS["hidden_dims"],
            batch_size=VAE_SETTINGS["batch_size"],
            epochs=self.epochs,
            enable_gpu=self.device == "cuda",
        )
        self.estimator.set_random_state(self.seed)
        self.estimator.fit(_fill_numbers(frame), discrete_columns(frame))

    def sample(self, n):
        return self.estimator.sample(n)


def restore_dtypes(frame, dtypes):
    """Give sampled columns the training dtypes (categories back to category)."""
    for col, dtype in dtypes.items():
        if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_integer_dtype(dtype):
            if pd.api.types.is_integer_dtype(dtype) and frame[col].isna().any():
                continue
            frame[col] = frame[col].astype(dtype)
    return frame


def sdv_metadata(frame):
    """SDV metadata from the dtypes (numbers numerical, everything else categorical).

    Built explicitly so that SDV does not guess ids or personal data from
    column names, and sees the same column kinds as the other models.
    """
    from sdv.metadata import Metadata

    columns = {}
    for col in frame:
        if _is_numeric(frame[col]):
            columns[col] = {"sdtype": "numerical"}
        else:
            columns[col] = {"sdtype": "categorical"}
    return Metadata.load_from_dict({"tables": {"table": {"columns": columns}}})


class _Sdv(_Peer):
    family = "sdv"

    def _make(self, metadata):
        raise NotImplementedError

    def _fit(self, frame):
        import torch

        np.random.seed(self.seed)
        torch.manual_seed(self.seed)
        self.dtypes = frame.dtypes
        self.estimator = self._make(sdv_metadata(frame))
        # SDV's CTGAN and TVAE refuse the category dtype: give them objects
        plain = frame.astype(
            {c: object for c in frame if isinstance(frame[c].dtype, pd.CategoricalDtype)}
        )
        self.estimator.fit({"table": plain})  # SDV 2 takes {table name: frame}

    def sample(self, n):
        import torch

        np.random.seed(self.seed + 1)
        torch.manual_seed(self.seed + 1)
        out = self.estimator.sample(num_rows=n)
        out = out["table"] if isinstance(out, dict) else out
        return restore_dtypes(out, self.dtypes)


class SdvGaussianCopula(_Sdv):
    name = "sdv.GaussianCopula"

    def _make(self, metadata):
        from sdv.single_table import GaussianCopulaSynthesizer

        return GaussianCopulaSynthesizer(metadata)


class SdvCTGAN(_Sdv):
    name = "sdv.CTGAN"

    def _make(self, metadata):
        from sdv.single_table import CTGANSynthesizer

        return CTGANSynthesizer(
            metadata,
            embedding_dim=GAN_SETTINGS["latent_dim"],
            generator_dim=GAN_SETTINGS["hidden_dims"],
            discriminator_dim=GAN_SETTINGS["hidden_dims"],
            batch_size=GAN_SETTINGS["batch_size"],
            pac=GAN_SETTINGS["pac"],
            epochs=self.epochs,
            enable_gpu=False,
        )


class SdvTVAE(_Sdv):
    name = "sdv.TVAE"

    def _make(self, metadata):
        from sdv.single_table import TVAESynthesizer

        return TVAESynthesizer(
            metadata,
            embedding_dim=TVAE_LATENT,
            compress_dims=VAE_SETTINGS["hidden_dims"],
            decompress_dims=VAE_SETTINGS["hidden_dims"],
            batch_size=VAE_SETTINGS["batch_size"],
            epochs=self.epochs,
            enable_gpu=False,
        )


MODELS = {
    cls.name: cls
    for cls in (
        OursConditionalGAN,
        OursConditionalGANCtganCritic,
        OursConditionalGANNoRules,
        OursConditionalVAE,
        OursConditionalVAETvaeSizes,
        OursConditionalVAEAutoEpochs,
        OursConditionalVAEAutoEpochsNoRules,
        OursConditionalVAENoRules,
        OursGAN,
        OursVAE,
        CtganCTGAN,
        CtganTVAE,
        SdvGaussianCopula,
        SdvCTGAN,
        SdvTVAE,
    )
}


def make(name, epochs, seed):
    """A fresh model by name."""
    return MODELS[name](epochs=epochs, seed=seed)
