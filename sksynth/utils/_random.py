"""The one way sksynth turns a ``random_state`` into integer seeds.

Every random part of the library (the generative samplers, their nets, the
helpers that take a ``random_state``) goes through these functions, so that a
``random_state`` means the same thing everywhere: an int is used as it is, a
``RandomState`` or ``Generator`` gives one draw, ``None`` takes fresh entropy
from the operating system. Independent streams are then derived from one seed
with :class:`numpy.random.SeedSequence`.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

__all__ = ["SEED_BOUND", "as_generator", "derive_seed", "spawn_seeds", "to_seed"]

#: Every seed is an integer in ``[0, SEED_BOUND)`` (62 bits: fits numpy, torch and Python).
SEED_BOUND = 2**62


def to_seed(random_state, *, name="random_state"):
    """Turn ``random_state`` into one integer seed in ``[0, SEED_BOUND)``.

    Parameters
    ----------
    random_state : None, int, numpy.random.RandomState or numpy.random.Generator
        ``None``: fresh entropy; an int: itself; a ``RandomState`` or a
        ``Generator``: one draw from it (which advances it).
    name : str, default="random_state"
        The parameter's name, for the error message.

    Returns
    -------
    seed : int
        The seed, in ``[0, SEED_BOUND)``.

    Raises
    ------
    ValueError
        If ``random_state`` is a negative int or of another type.
    """
    if random_state is None:
        return int(np.random.SeedSequence().generate_state(2, dtype=np.uint64)[0] % SEED_BOUND)
    if isinstance(random_state, Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"{name} must be a non-negative integer; got {random_state!r}.")
        return int(random_state)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(SEED_BOUND, dtype=np.int64))
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(SEED_BOUND))
    raise ValueError(
        f"{name} must be None, an int, a numpy RandomState or a numpy Generator; got "
        f"{random_state!r} ({type(random_state).__name__})."
    )


def spawn_seeds(seed, n):
    """Derive ``n`` independent seeds from one seed (:class:`numpy.random.SeedSequence`).

    Parameters
    ----------
    seed : int or None
        The base seed (``None``: fresh entropy).
    n : int
        Number of seeds.

    Returns
    -------
    seeds : list of int
        Each in ``[0, SEED_BOUND)``.
    """
    sequence = np.random.SeedSequence(None if seed is None else int(seed))
    return [int(s % SEED_BOUND) for s in sequence.generate_state(n, dtype=np.uint64)]


def derive_seed(seed, name):
    """Seed of the stream called ``name`` derived from ``seed``.

    Streams with different names are independent; the same ``(seed, name)``
    always gives the same seed.

    Parameters
    ----------
    seed : int
        The base seed.
    name : str
        The stream's name (e.g. ``"encoder"``).

    Returns
    -------
    seed : int
        The stream's seed, in ``[0, SEED_BOUND)``.
    """
    state = np.random.SeedSequence([int(seed), *map(ord, name)]).generate_state(2, np.uint64)
    return int(state[0] % SEED_BOUND)


def as_generator(random_state):
    """Turn ``random_state`` (None, int, Generator or RandomState) into a Generator.

    Parameters
    ----------
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        A Generator is returned as is; anything else seeds a new Generator
        through :func:`to_seed`.

    Returns
    -------
    rng : numpy.random.Generator

    Examples
    --------
    >>> from sksynth.utils import as_generator
    >>> int(as_generator(0).integers(10)) == int(as_generator(0).integers(10))
    True
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    return np.random.default_rng(to_seed(random_state))
