"""How many threads sksynth's work uses: one setting, applied around each long call.

Training (torch) and the scikit-learn models used by the quality and evaluation
code (OpenMP, BLAS) each keep their own pool of threads. Left alone, each pool
starts one thread per core, and when the two alternate -- a training step, then a
gradient-boosting fit -- or when other programs share the machine, their threads
compete for the same cores and everything slows down many times over. sksynth
therefore sets both pools to one number for the duration of each long call
(``fit``, ``fit_resample``, ``sample``, :func:`~sksynth.quality.assess`,
:func:`~sksynth.metrics.evaluate`, ...) and puts the previous values back after.

Choose the number with :func:`set_config` (for the session) or
:func:`config_context` (for a ``with`` block)::

    import sksynth
    sksynth.set_config(n_threads=4)
    with sksynth.config_context(n_threads=1):
        ...
"""

from __future__ import annotations

import contextlib
import functools
import numbers
import os
import threading

import torch
from threadpoolctl import threadpool_limits

__all__ = [
    "config_context",
    "get_config",
    "limit_threads",
    "set_config",
    "thread_count",
    "thread_scope",
]

_state = threading.local()
_DEFAULTS = {"n_threads": None}
# the most threads the automatic choice takes: the models sksynth trains are small,
# and more threads than this mostly add synchronisation
_AUTO_MAX = 4


def _config():
    if not hasattr(_state, "config"):
        _state.config = dict(_DEFAULTS)
    return _state.config


def get_config():
    """Return sksynth's current settings.

    Returns
    -------
    config : dict
        ``{"n_threads": ...}``; see :func:`set_config`.

    Examples
    --------
    >>> import sksynth
    >>> sorted(sksynth.get_config())
    ['n_threads']
    """
    return dict(_config())


def _check_n_threads(n_threads):
    if n_threads is None:
        return
    if (
        isinstance(n_threads, bool)
        or not isinstance(n_threads, numbers.Integral)
        or (n_threads < 1 and n_threads != -1)
    ):
        raise ValueError(
            f"n_threads must be None, -1 or a positive integer; got {n_threads!r}."
        )


def set_config(*, n_threads=None):
    """Set how many threads sksynth's long calls use, for the rest of this process.

    Parameters
    ----------
    n_threads : int or None, default=None
        Threads given to torch and to the OpenMP/BLAS libraries (through
        threadpoolctl) while a sksynth call runs; the previous settings come back
        when it returns. ``None`` chooses automatically: the value of the
        ``OMP_NUM_THREADS`` environment variable when it is set, otherwise half
        the cores this process may use, between 1 and 4 -- small models gain
        little from more threads, and the other half stays free for the rest of
        the machine. ``-1`` uses every core. Raise it on a large idle machine with
        big tables; keep it at 1 when several jobs run side by side.

    Examples
    --------
    >>> import sksynth
    >>> sksynth.set_config(n_threads=2)
    >>> sksynth.get_config()["n_threads"]
    2
    >>> sksynth.set_config(n_threads=None)
    """
    _check_n_threads(n_threads)
    _config()["n_threads"] = n_threads


@contextlib.contextmanager
def config_context(*, n_threads=None):
    """Change sksynth's settings inside a ``with`` block only.

    Parameters
    ----------
    n_threads : int or None, default=None
        As in :func:`set_config`.

    Examples
    --------
    >>> import sksynth
    >>> with sksynth.config_context(n_threads=1):
    ...     sksynth.get_config()["n_threads"]
    1
    """
    _check_n_threads(n_threads)
    config = _config()
    previous = dict(config)
    config["n_threads"] = n_threads
    try:
        yield
    finally:
        config.clear()
        config.update(previous)


def _usable_cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def thread_count():
    """Return the number of threads a sksynth call uses now.

    Returns
    -------
    n_threads : int
        The configured ``n_threads`` resolved as :func:`set_config` describes.

    Examples
    --------
    >>> import sksynth
    >>> from sksynth.utils import thread_count
    >>> with sksynth.config_context(n_threads=3):
    ...     thread_count()
    3
    """
    n_threads = _config()["n_threads"]
    if n_threads == -1:
        return _usable_cores()
    if n_threads is not None:
        return int(n_threads)
    from_env = os.environ.get("OMP_NUM_THREADS", "").strip()
    if from_env.isdigit() and int(from_env) > 0:
        return int(from_env)
    return max(1, min(_AUTO_MAX, _usable_cores() // 2))


class _Depth(threading.local):
    value = 0


_depth = _Depth()


@contextlib.contextmanager
def thread_scope():
    """Set torch's and the OpenMP/BLAS pools to :func:`thread_count` inside the block.

    The pools are restored on leaving it; nested scopes set them once, at the
    outermost one (what :func:`limit_threads` does around a function).

    Yields
    ------
    None
    """
    if _depth.value:  # an outer sksynth call already set the pools
        _depth.value += 1
        try:
            yield
        finally:
            _depth.value -= 1
        return
    n_threads = thread_count()
    torch_before = torch.get_num_threads()
    _depth.value += 1
    try:
        with threadpool_limits(limits=n_threads):
            torch.set_num_threads(n_threads)
            yield
    finally:
        torch.set_num_threads(torch_before)
        _depth.value -= 1


def limit_threads(func):
    """Run ``func`` with torch's and the OpenMP/BLAS thread pools set to :func:`thread_count`.

    The pools are restored when ``func`` returns or raises. Calls nested inside
    one another set the pools once, at the outermost call.

    Parameters
    ----------
    func : callable
        The function or method to wrap.

    Returns
    -------
    wrapped : callable
        ``func`` running inside the thread limits.

    Examples
    --------
    >>> import torch
    >>> import sksynth
    >>> from sksynth.utils import limit_threads
    >>> @limit_threads
    ... def threads_inside():
    ...     return torch.get_num_threads()
    >>> with sksynth.config_context(n_threads=1):
    ...     threads_inside()
    1
    """

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        with thread_scope():
            return func(*args, **kwargs)

    return wrapped
