"""skorch callbacks: a divergence guard and a progress bar with the losses."""

from __future__ import annotations

import math
import sys

from skorch.callbacks import Callback

from ..exceptions import TrainingDivergedError

__all__ = ["DivergenceGuard", "LossProgressBar"]


class DivergenceGuard(Callback):
    """Stop training with a clear error as soon as a loss is NaN or infinite.

    Parameters
    ----------
    keys : tuple of str, default=("loss", "critic_loss")
        Batch-level history entries to watch.
    advice : str, default=None
        What to change, appended to the message; by default it names ``lr``.

    Examples
    --------
    >>> from sksynth.nn import DivergenceGuard
    >>> DivergenceGuard().keys
    ('loss', 'critic_loss')
    """

    def __init__(self, keys=("loss", "critic_loss"), advice=None):
        self.keys = keys
        self.advice = advice

    def on_batch_end(self, net, batch=None, training=None, **kwargs):
        """Raise :class:`~sksynth.exceptions.TrainingDivergedError` on a non-finite loss."""
        values = {}
        for key in self.keys:
            value = kwargs.get(key)
            if value is not None:
                values[key] = float(value)
        bad = {k: v for k, v in values.items() if not math.isfinite(v)}
        if bad:
            epoch = len(net.history)
            advice = self.advice or (
                f"lower the learning rate `lr` (now {net.lr}) or the batch size, or check "
                "the data for extreme values"
            )
            raise TrainingDivergedError(
                f"Training diverged at epoch {epoch}: {', '.join(bad)} became "
                f"{', '.join(str(v) for v in bad.values())}. To fix it, {advice}."
            )


class LossProgressBar(Callback):
    """An epoch-level tqdm progress bar showing the latest losses.

    Parameters
    ----------
    keys : tuple of str, default=("train_loss", "critic_loss")
        Epoch-level history entries shown next to the bar.
    file : file-like, default=None
        Where to draw the bar (``sys.stderr`` when ``None``).
    desc : str, default=None
        The name shown before the bar, such as the sampler being trained;
        ``None`` shows the net's class name.

    Examples
    --------
    >>> from sksynth.nn import LossProgressBar
    >>> LossProgressBar().keys
    ('train_loss', 'critic_loss')
    """

    def __init__(self, keys=("train_loss", "critic_loss"), file=None, desc=None):
        self.keys = keys
        self.file = file
        self.desc = desc

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        """Open the bar."""
        from tqdm.auto import tqdm

        self.bar_ = tqdm(
            total=net.max_epochs,
            desc=self.desc or type(net).__name__,
            unit="epoch",
            file=self.file or sys.stderr,
            leave=True,
        )

    def on_epoch_end(self, net, **kwargs):
        """Advance the bar and show the losses."""
        row = net.history[-1]
        shown = {key: f"{row[key]:.4g}" for key in self.keys if key in row}
        self.bar_.update(1)
        self.bar_.set_postfix(shown)

    def on_train_end(self, net, X=None, y=None, **kwargs):
        """Close the bar."""
        bar = getattr(self, "bar_", None)
        if bar is not None:
            bar.close()
            del self.bar_
