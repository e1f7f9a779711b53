"""Progress bars for long calls: tqdm on a terminal, nothing otherwise."""

from __future__ import annotations

import sys

from tqdm.auto import tqdm

__all__ = ["progress_bar"]


def progress_bar(total, desc, verbose=1, unit="step"):
    """Return a tqdm bar, disabled when ``verbose`` is 0 or standard error is not a terminal.

    Parameters
    ----------
    total : int
        Number of steps.
    desc : str
        The name shown before the bar.
    verbose : int, default=1
        0 turns the bar off.
    unit : str, default="step"
        The unit shown after the counts.

    Returns
    -------
    bar : tqdm.tqdm
        Call ``bar.update()`` per step, ``bar.set_postfix_str`` to name it and
        ``bar.close()`` at the end.

    Examples
    --------
    >>> from sksynth.utils import progress_bar
    >>> bar = progress_bar(3, "work", verbose=0)
    >>> bar.disable
    True
    >>> bar.close()
    """
    stream = sys.stderr
    shown = bool(verbose) and hasattr(stream, "isatty") and stream.isatty()
    return tqdm(total=total, desc=desc, unit=unit, file=stream, disable=not shown, leave=False)
