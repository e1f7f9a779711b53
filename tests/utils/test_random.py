"""The one way random_state becomes seeds (sksynth.utils._random)."""

import numpy as np
import pytest

from sksynth.utils import as_generator
from sksynth.utils._random import SEED_BOUND, derive_seed, spawn_seeds, to_seed


def test_ints_are_kept_and_generators_give_one_reproducible_draw():
    assert to_seed(0) == 0 and to_seed(np.int64(12)) == 12
    assert to_seed(np.random.default_rng(5)) == to_seed(np.random.default_rng(5))
    assert to_seed(np.random.RandomState(5)) == to_seed(np.random.RandomState(5))
    rng = np.random.default_rng(5)
    assert to_seed(rng) != to_seed(rng)  # a draw advances the generator


def test_every_seed_is_within_the_bound():
    seeds = [to_seed(None) for _ in range(50)]
    seeds += [to_seed(np.random.default_rng(i)) for i in range(50)]
    seeds += [to_seed(np.random.RandomState(i)) for i in range(50)]
    seeds += spawn_seeds(3, 50) + [derive_seed(3, f"s{i}") for i in range(50)]
    assert all(0 <= s < SEED_BOUND for s in seeds)
    assert len(set(seeds)) == len(seeds)


@pytest.mark.parametrize("bad", [-1, 1.5, "0", [0]])
def test_bad_random_state_names_the_parameter(bad):
    with pytest.raises(ValueError, match="random_state must be"):
        to_seed(bad)


def test_derived_streams_are_stable_and_named():
    assert derive_seed(7, "encoder") == derive_seed(7, "encoder")
    assert derive_seed(7, "encoder") != derive_seed(7, "net")
    assert derive_seed(7, "encoder") != derive_seed(8, "encoder")
    assert spawn_seeds(7, 3) == spawn_seeds(7, 3)


def test_as_generator_keeps_a_generator_and_seeds_the_rest():
    rng = np.random.default_rng(0)
    assert as_generator(rng) is rng
    assert as_generator(4).integers(10**9) == as_generator(4).integers(10**9)
    assert isinstance(as_generator(np.random.RandomState(0)), np.random.Generator)


def test_seeds_are_reproducible_and_streams_independent():
    assert to_seed(3) == 3
    assert to_seed(np.random.default_rng(0)) == to_seed(np.random.default_rng(0))
    a, b = spawn_seeds(0, 2)
    assert a != b and spawn_seeds(0, 2) == [a, b]
    assert derive_seed(0, "encoder") == derive_seed(0, "encoder") != derive_seed(0, "net")
