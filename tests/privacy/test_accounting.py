"""The shared accounting (zCDP <-> (epsilon, delta)) and the private range estimator."""

import numpy as np
import pytest

from sksynth.utils._privacy_accounting import (
    check_budget,
    gaussian_rho,
    gaussian_sigma,
    rho_for_epsilon,
    split_budget,
    zcdp_epsilon,
)
from sksynth.utils._private_range import private_range


@pytest.mark.parametrize("epsilon, delta", [(0.3, 1e-6), (1.0, 1e-6), (3.0, 1e-4), (10.0, 1e-9)])
def test_rho_for_epsilon_is_the_largest_rho_within_the_budget(epsilon, delta):
    rho = rho_for_epsilon(epsilon, delta)
    assert zcdp_epsilon(rho, delta) <= epsilon
    assert zcdp_epsilon(rho * 1.01, delta) > epsilon
    # never looser than the classic conversion rho + 2 sqrt(rho log(1/delta))
    assert zcdp_epsilon(rho, delta) <= rho + 2 * np.sqrt(rho * np.log(1 / delta))


def test_gaussian_costs_invert_and_budgets_split():
    assert gaussian_rho(gaussian_sigma(0.02)) == pytest.approx(0.02)
    assert split_budget(2.0, {"a": 1, "b": 0, "c": 3}) == {"a": 0.5, "b": 0.0, "c": 1.5}


@pytest.mark.parametrize(
    "epsilon, delta", [(0.0, None), (-1.0, None), (np.inf, None), (np.nan, None), (1.0, 0.01)]
)
def test_bad_budgets_are_refused(epsilon, delta):
    with pytest.raises(ValueError, match="epsilon|delta"):
        check_budget(epsilon, delta, n_rows=1000)


@pytest.mark.parametrize("seed", range(5))
def test_private_range_covers_the_data_on_a_thousand_rows_at_small_epsilon(seed):
    values = np.random.default_rng(seed).lognormal(4, 0.5, size=1000)
    low, high = private_range(values, 0.2, np.random.default_rng(seed))
    assert low <= np.percentile(values, 2) and high >= np.percentile(values, 98)
    assert low >= 0 and high <= 8 * values.max()  # the right scale, not 2**40


def test_private_range_of_negative_values_stays_negative():
    values = np.random.default_rng(0).normal(-50, 5, size=1000)
    low, high = private_range(values, 0.5, np.random.default_rng(0))
    assert low <= values.min() * 0.9 and high <= 0


def test_private_range_at_epsilon_one_is_a_tight_positive_range():
    # the DP samplers' numeric ranges: uniform values on two thousand rows
    values = np.random.default_rng(0).uniform(20, 80, size=2000)
    low, high = private_range(values, 1.0, np.random.default_rng(1))
    assert 0 <= low <= 20 and 80 <= high <= 160
