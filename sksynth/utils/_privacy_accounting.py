"""Privacy accounting shared by the private samplers: zCDP, (epsilon, delta), mechanisms.

Two currencies are used in sksynth:

* *(epsilon, delta)-differential privacy*, the budget users give
  (``target_epsilon``, ``target_delta``) and the value they read back
  (``epsilon_``);
* *rho-zero-concentrated DP* (zCDP), in which Gaussian measurements compose
  by simply adding their ``rho``; it is converted to (epsilon, delta) once,
  at the end.

Neighbouring tables differ by one row added or removed; the number of rows
is treated as public (it sets the default ``delta`` and the number of rows
generated).
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from scipy.optimize import brentq, minimize_scalar

__all__ = [
    "check_budget",
    "exponential_mechanism_rho",
    "gaussian_rho",
    "gaussian_sigma",
    "laplace_rho",
    "rho_for_epsilon",
    "split_budget",
    "zcdp_epsilon",
]


def zcdp_epsilon(rho, delta):
    """Epsilon of a ``rho``-zCDP mechanism at ``delta``.

    Uses the conversion of Canonne, Kamath and Steinke (2020, Proposition
    12), minimised over the Renyi order, which is tighter than the classic
    ``rho + 2 sqrt(rho ln(1/delta))``.

    Parameters
    ----------
    rho : float
        The zCDP parameter (``>= 0``).
    delta : float
        The delta of the (epsilon, delta) guarantee, in ``(0, 1)``.

    Returns
    -------
    epsilon : float

    Examples
    --------
    >>> from sksynth.utils._privacy_accounting import zcdp_epsilon
    >>> round(zcdp_epsilon(0.5, 1e-5), 2)
    4.73
    """
    if rho <= 0:
        return 0.0
    log_delta = math.log(delta)

    def bound(alpha):
        return (
            alpha * rho
            + (-log_delta + (alpha - 1) * math.log1p(-1 / alpha) - math.log(alpha)) / (alpha - 1)
        )

    classic = rho + 2 * math.sqrt(rho * -log_delta)
    upper = max(10.0, 10 * (1 + math.sqrt(-log_delta / rho)))
    best = minimize_scalar(bound, bounds=(1.0 + 1e-9, upper), method="bounded")
    return float(min(classic, best.fun))


def rho_for_epsilon(epsilon, delta):
    """Largest ``rho`` whose zCDP guarantee converts to at most ``(epsilon, delta)``.

    Parameters
    ----------
    epsilon : float
        Target epsilon (``> 0``).
    delta : float
        Target delta, in ``(0, 1)``.

    Returns
    -------
    rho : float

    Examples
    --------
    >>> from sksynth.utils._privacy_accounting import rho_for_epsilon, zcdp_epsilon
    >>> rho = rho_for_epsilon(1.0, 1e-6)
    >>> zcdp_epsilon(rho, 1e-6) <= 1.0
    True
    """
    high = epsilon  # zcdp_epsilon(rho) > rho, so rho = epsilon is always too much
    rho = brentq(lambda r: zcdp_epsilon(r, delta) - epsilon, 1e-12, high, xtol=1e-12)
    # brentq lands within xtol: step down until the guarantee holds
    while zcdp_epsilon(rho, delta) > epsilon:
        rho *= 1 - 1e-9
    return float(rho)


def gaussian_rho(sigma, sensitivity=1.0):
    """Return the zCDP cost ``sensitivity**2 / (2 sigma**2)`` of the Gaussian mechanism.

    Parameters
    ----------
    sigma : float
        Standard deviation of the noise.
    sensitivity : float, default=1.0
        L2 sensitivity of the measured quantity (one row changes one count
        of a histogram by one: 1).

    Returns
    -------
    rho : float
    """
    return float(sensitivity**2 / (2.0 * sigma**2))


def gaussian_sigma(rho, sensitivity=1.0):
    """Noise scale of a Gaussian measurement that costs ``rho``.

    Parameters
    ----------
    rho : float
        zCDP budget of the measurement (``> 0``).
    sensitivity : float, default=1.0
        L2 sensitivity of the measured quantity.

    Returns
    -------
    sigma : float
    """
    return float(sensitivity / math.sqrt(2.0 * rho))


def laplace_rho(epsilon):
    """Return the zCDP cost ``epsilon**2 / 2`` of a pure ``epsilon``-DP mechanism (e.g. Laplace).

    Parameters
    ----------
    epsilon : float

    Returns
    -------
    rho : float
    """
    return float(epsilon**2 / 2.0)


def exponential_mechanism_rho(epsilon):
    """Return the zCDP cost ``epsilon**2 / 8`` of the exponential mechanism (Cesar and Rogers).

    Parameters
    ----------
    epsilon : float
        The mechanism's epsilon (scores of sensitivity one, weights
        ``exp(epsilon * score / 2)``).

    Returns
    -------
    rho : float
    """
    return float(epsilon**2 / 8.0)


def split_budget(total, shares):
    """Split ``total`` into parts proportional to ``shares`` (a dict name -> weight).

    Parameters
    ----------
    total : float
    shares : dict of str to float
        Non-negative weights; a zero weight gets nothing.

    Returns
    -------
    parts : dict of str to float
        Same keys; the parts sum to ``total`` (or are all zero when every
        weight is zero).

    Examples
    --------
    >>> from sksynth.utils._privacy_accounting import split_budget
    >>> split_budget(1.0, {"a": 1, "b": 3})
    {'a': 0.25, 'b': 0.75}
    """
    weights = {k: float(v) for k, v in shares.items()}
    if any(v < 0 or not np.isfinite(v) for v in weights.values()):
        raise ValueError(f"Budget shares must be finite and non-negative; got {shares!r}.")
    norm = sum(weights.values())
    if norm == 0:
        return {k: 0.0 for k in weights}
    return {k: total * v / norm for k, v in weights.items()}


def check_budget(epsilon, delta, n_rows, *, epsilon_name="epsilon", delta_name="delta"):
    """Validate a privacy budget and resolve the default ``delta``.

    Parameters
    ----------
    epsilon : float
        Must be finite and positive.
    delta : float or None
        Must be in ``(0, 1 / n_rows)``: a larger delta allows mechanisms that
        publish a few rows outright. ``None``: ``1 / n_rows**2``.
    n_rows : int
        Rows of the private table.
    epsilon_name, delta_name : str
        Parameter names used in error messages.

    Returns
    -------
    epsilon, delta : float
    """
    if (
        not isinstance(epsilon, numbers.Real) or isinstance(epsilon, bool)
        or not np.isfinite(epsilon) or epsilon <= 0
    ):
        raise ValueError(f"{epsilon_name} must be a finite number > 0; got {epsilon!r}.")
    if delta is None:
        return float(epsilon), 1.0 / float(n_rows) ** 2
    if (
        not isinstance(delta, numbers.Real) or isinstance(delta, bool)
        or not np.isfinite(delta) or not 0 < delta < 1.0 / n_rows
    ):
        raise ValueError(
            f"{delta_name} must be in (0, 1/n_rows) = (0, {1.0 / n_rows:.3g}) for this table of "
            f"{n_rows} rows (a delta of 1/n or more allows publishing a row outright); got "
            f"{delta!r}. Leave it as None for 1/n_rows**2."
        )
    return float(epsilon), float(delta)
