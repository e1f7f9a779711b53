"""Finding bands: which column stays close to a formula of which others.

A band is searched from each numeric column's most correlated columns (see
:func:`find_bands`): a formula fitted on one half of a row sample must
explain most of the other half's variance, and a further column enters it
only if it removes a good share of what is left.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ._bands import _SCALES, Band, _step
from ._expression import Expression, _name, _number
from ._values import numeric

__all__ = ["find_bands"]

# held-out share of the variance a band's formula must explain to be found
_MIN_R2 = 0.9
# a further column enters a found formula only if it removes this share of
# the remaining held-out variance
_MIN_GAIN = 0.3
# a fit this close is not extended (further columns would chase rounding)
_ENOUGH_R2 = 0.999
_MAX_TERMS = 3
# correlation the strongest input must have with the target (pruning: other
# columns are only tried once it is in)
_MIN_LEAD_CORR = 0.9
# how much held-out R2 a target with point masses gives up in the choice of targets
_CROWDED_PENALTY = 0.05
# share of a fit's rows on which a further column may be undefined
_MAX_UNDEFINED = 0.01
# strongly correlated columns each tried as the start of a target's formula
_LEADS = 3
# a difference band around a product is kept only if it is narrower than this
# share of the target's standard deviation
_MAX_DIFFERENCE_WIDTH = 0.5
# a column whose logarithm spreads less than this (values within about a
# percent of each other, such as calendar years) is a level, not a factor of
# a product: it takes no part in ratio bands
_MIN_LOG_SPREAD = 0.01
# how much wider than a grid step a widened difference band is
_STEP_SLACK = 1e-6
# a difference band this share of a grid step wide or more is widened to a
# step (a column rounded from its formula spreads over nearly a whole step)
_MIN_ROUNDED_WIDTH = 0.8
# significant digits tried for a difference band's coefficients; more are
# shown only where they narrow the band by this share of its width (or of a
# grid step, if larger)
_DIGITS = (3, 4, 5, 6)
_DIGITS_SLACK = 0.05


def find_bands(frame, sample, columns, rng, *, min_rows, taken=(), read_only=None):
    """Find bands between the numeric ``columns``, tightest first.

    Each column is regressed, on one half of ``sample``, on its most
    correlated column (on logarithms where all are positive) and on at most
    two more, each the column most correlated with what the fit leaves
    unexplained; a formula is reported when it explains at least 90 % of the variance on
    the other half. The band is the range of the ratio (or difference) on
    every row of ``frame``, so the rule holds on all of them. Each of the
    (up to three) columns correlated above 0.9 with a target starts a fit
    of its own, and the tightest fits are kept first. A column is the
    target of at most one band; a band may read the target of another one
    unless that one reads it back, directly or through others (no cycles).

    A column with fewer than ``min_rows`` distinct values takes no part: a
    fit through it rests on a few distinct points (a national figure repeated
    on every row of its year). A column whose values stay within about a
    percent of each other (calendar years) takes no part in a ratio band:
    its exponent would only fit a trend.

    Parameters
    ----------
    frame : DataFrame
        The whole table.
    sample : DataFrame
        The rows the search fits on (a sample of ``frame``).
    columns : list
        Numeric columns to search, with no missing values.
    rng : numpy.random.Generator
        Splits the sample in halves.
    min_rows : int
        Fewest rows a band is fitted and checked on.
    taken : iterable, default=()
        Columns already computed by other rules: no band computes them, and
        none reads them (it would restate the rule) unless ``read_only``
        names them.
    read_only : dict, default=None
        Those of ``taken`` a band may read (a number a dependency looks up,
        such as a route's distance), each mapped to the columns it is looked
        up by: a band never computes those from it (a cycle).

    Returns
    -------
    bands : list of Band
    """
    read_only = {} if read_only is None else read_only
    hidden = set(taken) - set(read_only)
    columns = [c for c in columns if c not in hidden and sample[c].nunique() >= min_rows]
    if len(columns) < 2 or len(sample) < 2 * min_rows:
        return []
    raw = np.column_stack([numeric(sample[c]) for c in columns])
    # a band reads complete columns only: where an input is missing its formula says
    # nothing, and the column would take values apart from the rows beside it
    partial = {i for i, c in enumerate(columns) if frame[c].isna().any()}
    half = rng.permutation(len(sample)) < len(sample) // 2
    candidates = []
    for scale in _SCALES:
        if scale == "ratio":  # logarithms; non-positive values leave their rows out
            with np.errstate(divide="ignore", invalid="ignore"):
                values = np.where(raw > 0, np.log(np.where(raw > 0, raw, 1.0)), np.nan)
            values[:, _spread(values) < _MIN_LOG_SPREAD] = np.nan
        else:
            values = raw
        corr = np.abs(np.nan_to_num(pd.DataFrame(values).corr(min_periods=min_rows).to_numpy()))
        for j in range(len(columns)):
            if columns[j] in read_only:
                continue
            leads = [
                i for i in np.argsort(-corr[j])
                if i != j and i not in partial and corr[j, i] > _MIN_LEAD_CORR
            ]
            if not leads:
                continue
            for lead in leads[:_LEADS]:
                fit = _best_fit(values, j, lead, half, min_rows, partial)
                if fit is not None:
                    sources = [columns[i] for i in fit[1]]
                    if any(columns[j] in read_only.get(c, ()) for c in sources):
                        continue  # an age from the age squared it decides
                    candidates.append((fit[0], columns[j], sources, fit[2], scale))
    # a column rounded from a formula first (its band a grid step wide, as a
    # charge in cents from minutes, rather than the minutes from the charge),
    # then the tightest fits; a column whose values crowd on a few points
    # (point masses) makes a poorer target (computing it loses them): it goes
    # first only when its fit is clearly tighter
    crowded = {c: _crowded(sample[c]) for c in columns}
    steps = {c: _step(frame[c]) for c in {target for _, target, *_ in candidates}}
    found = [(r2, _band(frame, target, sources, coef, scale, steps[target]), sources)
             for r2, target, sources, coef, scale in candidates]
    found = [item for item in found if item[1] is not None]
    found.sort(key=lambda item: (
        not _rounded_from(item[1], steps[item[1].target]),
        -item[0] + _CROWDED_PENALTY * crowded[item[1].target],
    ))
    # a column is the target of one band at most, and a band may read the
    # target of another unless that one reads it back, however far: no cycle
    bands, reads = [], {}
    for _r2, band, sources in found:
        target = band.target
        if target in reads or any(target in _read_by(s, reads) for s in sources):
            continue
        bands.append(band)
        reads[target] = set(sources)
    return bands


def _rounded_from(band, step):
    """Whether ``band`` says its column is its formula rounded onto the column's grid.

    Such a column sits anywhere within half a ``step`` of the formula: its
    band is a difference band about a step wide (see :func:`_at_least_a_step`).
    """
    return (band.scale == "difference" and step is not None
            and band.high - band.low <= step * (1 + 2 * _STEP_SLACK))


def _read_by(column, reads):
    """Every column that ``column`` is computed from, however far back."""
    found, todo = set(), [column]
    while todo:
        for source in reads.get(todo.pop(), ()):
            if source not in found:
                found.add(source)
                todo.append(source)
    return found


def _crowded(series):
    """Whether a few values (five) hold a tenth of the column's rows."""
    counts = series.value_counts(normalize=True)
    return bool(counts.iloc[:5].sum() >= 0.1)


def _best_fit(values, j, lead, half, min_rows, partial=()):
    """(held-out R2, source indices, coefficients) of the best small fit, or None.

    The fit starts from the ``lead`` column (strongly correlated with the
    target); each further column is the one most correlated with what the fit
    leaves unexplained (a column may matter only once the lead is in, as
    income does in ``expenditure / income``), and stays only if it removes a
    good share of the held-out error.
    """
    target = values[:, j]
    best, sources = None, [lead]
    while True:
        rows = ~np.isnan(values[:, [j, *sources]]).any(axis=1)
        fit_rows, test_rows = rows & half, rows & ~half
        if fit_rows.sum() < min_rows or test_rows.sum() < min_rows:
            break
        if np.var(target[test_rows]) == 0:
            break
        A = np.column_stack([values[:, sources], np.ones(len(values))])
        coef, *_ = np.linalg.lstsq(A[fit_rows], target[fit_rows], rcond=None)
        error = np.var(target[test_rows] - A[test_rows] @ coef)
        r2 = 1 - error / np.var(target[test_rows])
        if best is not None and 1 - r2 > (1 - _MIN_GAIN) * (1 - best[0]):
            break
        best = (r2, list(sources), coef[:-1])
        if len(sources) == _MAX_TERMS or r2 >= _ENOUGH_R2:
            break
        residual = np.where(fit_rows, target - A @ coef, np.nan)
        following = _most_correlated(values, residual, exclude={j, *sources, *partial})
        if following is None:
            break
        sources.append(following)
    return best if best is not None and best[0] >= _MIN_R2 else None


def _spread(values):
    """Return the standard deviation of each column over its finite rows (0: none)."""
    with warnings.catch_warnings():  # a column with no finite row: NaN, then 0
        warnings.simplefilter("ignore", RuntimeWarning)
        spread = np.nanstd(np.where(np.isfinite(values), values, np.nan), axis=0)
    return np.nan_to_num(spread)


def _most_correlated(values, residual, exclude):
    """Index of the column most correlated with ``residual``, or None.

    Only columns defined on nearly every row where the residual is are tried
    (all but a hundredth: a stray zero, on logarithms, leaves its row out);
    a column undefined on more of them would fit a subset of the rows and
    look better than it is. They are compared on the rows where all of them
    are defined.
    """
    rows = ~np.isnan(residual)
    if rows.sum() < 3:
        return None
    X = values[rows]
    defined = ~np.isnan(X)
    tried = defined.mean(axis=0) >= 1 - _MAX_UNDEFINED
    tried[list(exclude)] = False
    common = defined[:, tried].all(axis=1)
    if common.sum() < 3:
        return None
    X = np.where(defined, X, 0.0)[common]
    r = residual[rows][common]
    X = X - X.mean(axis=0)
    r = r - r.mean()
    spread = np.sqrt((X**2).sum(axis=0) * (r**2).sum())
    tried &= spread > 0
    if not tried.any():
        return None
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.abs(np.where(tried, X.T @ r / np.where(spread > 0, spread, 1.0), 0.0))
    best = int(np.argmax(corr))
    return best if corr[best] > 0 else None


def _band(frame, target, sources, coef, scale, step):
    """Return the Band with a readable formula and its range over every row of ``frame``.

    ``step`` is the grid of the target's values (see ``_bands._step``).

    A product found on logarithms is kept as a ratio band, or as a
    difference band around the product times a constant when that band is
    the narrower one next to the target's spread (a share computed from an
    amount up to rounding: the ratio is loose where the amount is small, the
    difference stays tiny). Exponents within 0.05 of a whole number are
    also tried whole (real formulas multiply and divide), and the narrowest
    band is kept.
    """
    target_values = numeric(frame[target])
    present = ~np.isnan(target_values)
    if scale == "difference":
        def around_sum(digits):
            terms = [_name(c) if k == 1 else f"{_number(k)} * {_name(c)}"
                     for c, k in zip(sources, _rounded(coef, digits), strict=True)]
            text = " + ".join(terms).replace("+ -", "- ")
            value = Expression(text).evaluate(frame)
            return _range_band(target, text, target_values - value, present, len(frame),
                               scale)

        band = _fewest_digits(around_sum, step)
        return _narrowest(frame, [] if band is None else [(0.0, band)], step)
    exponents = [_rounded(coef)]
    whole = np.round(coef)
    snapped = np.where((np.abs(coef - whole) < 0.05) & (whole != 0), whole, coef)
    if not np.array_equal(snapped, coef):
        exponents.append(_rounded(snapped))
    logs = np.log(target_values[present & (target_values > 0)])
    log_spread = np.std(logs) if len(logs) else 0.0
    spread = np.std(target_values[present])
    found = []
    for powers in exponents:
        text = " * ".join(_name(c) if k == 1 else f"{_name(c)} ** {_number(k)}"
                          for c, k in zip(sources, powers, strict=True))
        value = Expression(text).evaluate(frame)
        with np.errstate(divide="ignore", invalid="ignore"):
            band = _range_band(target, text, target_values / value,
                               present & (value > 0) & (target_values > 0), len(frame),
                               "ratio")
        if band is not None and log_spread > 0:
            found.append((np.log(band.high / band.low) / log_spread, band))
        band = _difference_around(target, text, target_values, value, present, step)
        if band is not None and spread > 0:
            width = (band.high - band.low) / spread
            if width < _MAX_DIFFERENCE_WIDTH:
                found.append((width, band))
    return _narrowest(frame, found, step)


def _narrowest(frame, found, step):
    """Return the band of least width among ``(width, band)`` pairs, or None.

    A band narrower than the grid of its column on some row is left out,
    except a difference band nearly a step wide, which is widened to a step
    around its middle: a column rounded from a formula (a charge of
    ``0.27 * minutes`` in cents) lies within half a step of it, and a band a
    step wide always holds a value of the grid.
    """
    found = [(width, _at_least_a_step(band, step)) for width, band in found]
    found = [item for item in found if not item[1]._narrower_than_step(frame, step)]
    return min(found, key=lambda item: item[0])[1] if found else None


def _at_least_a_step(band, step):
    """Return ``band``; a difference band nearly a step wide widened to a step."""
    width = band.high - band.low
    if band.scale != "difference" or step is None or not (
        _MIN_ROUNDED_WIDTH * step <= width < step * (1 + _STEP_SLACK)
    ):
        return band
    middle = (band.low + band.high) / 2
    # a hair over a step, so that float error never makes it narrower
    half = step * (1 + _STEP_SLACK) / 2
    return Band(band.target, str(band.expression), middle - half, middle + half,
                scale="difference")


def _rounded(coef, digits=3):
    return [float(f"{k:.{digits}g}") for k in coef]


def _fewest_digits(make, step):
    """Return the band ``make(digits)`` with the fewest significant digits that is tight.

    Coefficients are shown with three significant digits where that widens
    the band by little next to more digits; a relation that holds up to
    rounding needs more (minutes from a charge in cents are ``5.8824 *
    charge`` within a few hundredths of a minute, but ``5.88 * charge``
    drifts by a tenth on large charges, and the band would be wider than the
    rounding).
    """
    tightest = make(_DIGITS[-1])
    if tightest is None:
        return make(_DIGITS[0])
    width = tightest.high - tightest.low
    slack = _DIGITS_SLACK * max(step or 0.0, width)
    for digits in _DIGITS[:-1]:  # fewest first; the tightest is built once
        band = make(digits)
        if band is not None and band.high - band.low <= width + slack:
            return band
    return tightest


def _difference_around(target, text, target_values, value, present, step):
    """Return the band ``target - k * (text)``, ``k`` by least squares (None: no band)."""
    n_rows = len(target_values)
    usable = present & np.isfinite(value)
    if usable.sum() < n_rows // 2:
        return None
    norm = value[usable] @ value[usable]
    if not np.isfinite(norm) or norm <= 0:  # all zero, or too small (or large) to square
        return None
    fitted = target_values[usable] @ value[usable] / norm

    def around_product(digits):
        k = _rounded([fitted], digits)[0]
        if k == 0 or not np.isfinite(k):
            return None
        scaled = f"{_number(k)} * {text}" if k != 1 else text
        return _range_band(target, scaled, target_values - k * value, usable, n_rows,
                           "difference")

    return _fewest_digits(around_product, step)


def _range_band(target, text, position, defined, n_rows, scale):
    """Return the band of ``position`` over the ``defined`` rows (None: too few, unbounded)."""
    position = position[defined]
    if len(position) < n_rows // 2 or not np.isfinite(position).all():
        return None
    if scale == "ratio" and position.min() <= 0:
        return None  # the target must be positive where the formula is
    return Band(target, text, float(position.min()), float(position.max()), scale=scale)
