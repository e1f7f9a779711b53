"""What gives synthetic rows away: the detection test taken apart.

A whole-row detection AUC near 1 says *that* a classifier tells synthetic rows
from real ones, not *why*. Often every column alone looks right and the rows
are given away by relations between columns (a total that is not the sum of its
parts, an amount above the price it is part of) or by exact values (numbers off
the grid the real values lie on). :func:`explain_detection` reports:

- the cross-validated detection AUC of whole rows (the detector of
  :func:`detection_auc`, on the same folds);
- the permutation importance of each column for that detector (the drop of its
  held-out AUC when the column is shuffled);
- the detection AUC of each column alone, and the share of synthetic values off
  the grid of the real values;
- the detection AUC of the strongest pairs of columns, screened among the
  columns the whole-row detector leans on most, and how much a pair adds to its
  better column alone;
- given rules of the real table, the share of real and synthetic rows that obey
  each.
"""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pandas as pd
from sklearn.inspection import permutation_importance
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import cross_val_score, cross_validate

from ..rules import find_rules
from ._common import check_tables, model_frames, numeric_values
from ._detection import (
    _duplicate_aware_folds,
    _seed,
    check_cv,
    default_classifier,
    detection_problem,
)
from ._explanation import DetectionExplanation

__all__ = ["explain_detection"]

# Boosting rounds of the small models that score one column or one pair: a
# column alone needs few splits, and there are many such models.
_SMALL_MAX_ITER = 10
# Candidate grid steps of a numeric column, coarsest first.
_GRID_STEPS = (1000.0, 100.0, 10.0, 1.0, 0.1, 0.01, 0.001, 0.0001)


# --------------------------------------------------------------------------- #
# the pieces
# --------------------------------------------------------------------------- #
def _resolve_rules(rules, real: pd.DataFrame) -> list:
    """Return the rules to check as a list (``"auto"``: those found in ``real``)."""
    if rules is None:
        return []
    if isinstance(rules, str):
        if rules == "auto":
            return list(find_rules(real))
        raise ValueError(f"rules must be an iterable of rules, 'auto' or None; got {rules!r}.")
    return list(rules)


def _rule_shares(rules: list, real: pd.DataFrame, synthetic: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for rule in rules:
        for attr in ("columns", "formula", "holds"):
            if not hasattr(rule, attr):
                raise TypeError(
                    f"Each rule must have .columns, .formula and .holds(frame); "
                    f"{rule!r} has no .{attr}."
                )
        missing = [c for c in rule.columns if c not in real.columns]
        if missing:
            raise ValueError(f"Rule {rule.formula!r} uses columns {missing} not in the tables.")
        shares = [_obeyed(rule, table, name) for name, table in
                  (("real", real), ("synthetic", synthetic))]  # fmt: skip
        rows.append((str(rule.formula), tuple(rule.columns), *shares))
    table = pd.DataFrame(rows, columns=["rule", "columns", "real_share", "synthetic_share"])
    return table.sort_values("synthetic_share", kind="stable").reset_index(drop=True)


def _obeyed(rule, table: pd.DataFrame, name: str) -> float:
    holds = np.asarray(rule.holds(table))
    if holds.shape != (len(table),) or holds.dtype != bool:
        raise ValueError(
            f"Rule {rule.formula!r}: holds() must return one boolean per row of the {name} "
            f"table ({len(table)}); got dtype {holds.dtype} and shape {holds.shape}."
        )
    return float(holds.mean())


def _cap_rows(table: pd.DataFrame, max_rows, rng) -> pd.DataFrame:
    if max_rows is None or len(table) <= max_rows:
        return table
    keep = np.sort(rng.choice(len(table), size=max_rows, replace=False))
    return table.iloc[keep]


def _grid(real: pd.Series, synthetic: pd.Series) -> tuple[float, float]:
    """Return the coarsest step all real values lie on and the synthetic share off it."""
    values = numeric_values(real)
    values = values[np.isfinite(values)]
    if np.unique(values).size < 2:
        return np.nan, np.nan
    for step in _GRID_STEPS:
        if _on_grid(values, step).all():
            syn = numeric_values(synthetic)
            syn = syn[np.isfinite(syn)]
            return step, float((~_on_grid(syn, step)).mean()) if syn.size else np.nan
    return np.nan, np.nan


def _on_grid(values: np.ndarray, step: float) -> np.ndarray:
    scaled = values / step
    return np.abs(scaled - np.round(scaled)) <= 1e-6 * np.maximum(1.0, np.abs(scaled))


def _small_auc(X: pd.DataFrame, y, cv, seed) -> float:
    """Return the detection AUC of a small model on a few columns.

    The folds keep identical values of *these* columns together: a value that
    both tables hold says nothing about the label, and with its twin of the
    other label in the training folds it would push the AUC below 0.5.
    """
    hashes = pd.util.hash_pandas_object(X, index=False).to_numpy()
    values, group = np.unique(hashes, return_inverse=True)
    if len(values) < 2 * cv:
        # too few distinct values to hold each out in its own fold: score each
        # value by the share of synthetic rows holding it (a constant: 0.5)
        synthetic_share = np.bincount(group, weights=y) / np.bincount(group)
        return float(roc_auc_score(y, synthetic_share[group])) if len(values) > 1 else 0.5
    folds = _duplicate_aware_folds(X, cv, seed)
    model = default_classifier(seed, max_iter=_SMALL_MAX_ITER)
    scores = cross_val_score(model, X, y, cv=folds, scoring="roc_auc", error_score="raise")
    return float(np.mean(scores))


def _whole_rows(problem, n_repeats, seed) -> tuple[float, np.ndarray, np.ndarray]:
    """Cross-validate the detector; permutation importances on each held-out fold."""
    result = cross_validate(
        problem.model, problem.X, problem.y, cv=problem.folds, scoring="roc_auc",
        return_estimator=True, return_indices=True, error_score="raise",
    )  # fmt: skip
    repeats = []
    for model, test in zip(result["estimator"], result["indices"]["test"], strict=True):
        importance = permutation_importance(
            model, problem.X.iloc[test], problem.y[test], scoring="roc_auc",
            n_repeats=n_repeats, random_state=seed,
        )  # fmt: skip
        repeats.append(importance.importances)
    repeats = np.hstack(repeats)
    return float(np.mean(result["test_score"])), repeats.mean(axis=1), repeats.std(axis=1)


def _n_screened(n_pairs: int, n_columns: int) -> int:
    """Columns whose pairs are scored: enough for three candidates per reported pair."""
    wanted = math.ceil((1 + math.sqrt(1 + 24 * n_pairs)) / 2)  # m (m - 1) / 2 >= 3 n_pairs
    return min(n_columns, max(wanted, 2))


def _check_positive_int(value, name, *, allow_zero=False, allow_none=False):
    if value is None and allow_none:
        return
    low = 0 if allow_zero else 1
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < low:
        raise ValueError(f"{name} must be an integer of at least {low}; got {value!r}.")


# --------------------------------------------------------------------------- #
# the function
# --------------------------------------------------------------------------- #
def explain_detection(
    real,
    synthetic,
    *,
    rules="auto",
    kinds=None,
    estimator=None,
    n_pairs=5,
    cv=3,
    n_repeats=3,
    max_rows=5000,
    random_state=None,
) -> DetectionExplanation:
    """Find what lets a classifier tell synthetic rows from real rows.

    Runs the detection test of :func:`detection_auc` on whole rows and takes it
    apart: the permutation importance of every column for the whole-row
    detector, the detection AUC of every column alone, the AUC of the strongest
    pairs of columns and, given rules of the real table, how many synthetic
    rows obey each.

    Pairs are screened, not all scored: the pairs among the columns with the
    highest permutation importance are scored (enough columns for about three
    candidate pairs per reported pair; 6 columns and 15 pairs for
    ``n_pairs=5``), and the ``n_pairs`` pairs whose AUC most exceeds that of
    their better column alone are reported.

    Parameters
    ----------
    real : pandas.DataFrame
        The real table.
    synthetic : pandas.DataFrame
        The synthetic table, with the same columns.
    rules : "auto", iterable of rules or None, default="auto"
        Rules that hold in the real table. ``"auto"``: those
        :func:`~sksynth.rules.find_rules` finds in ``real``; ``None``: no
        rule is checked. Each rule has ``columns`` (a tuple of
        column names), ``formula`` (a readable string such as
        ``"Amount <= Price"``) and ``holds(frame)`` returning one boolean per
        row (True where the row obeys or one of the rule's columns is missing).
        Checked on all rows of both tables.
    kinds : dict of str to str, default=None
        Column kinds that replace those inferred from ``real``.
    estimator : {None, "hist_gradient_boosting", "logistic_regression"} or classifier
        The whole-row detector, as in :func:`detection_auc`. The models of one
        column or one pair are always small gradient-boosting models.
    n_pairs : int, default=5
        The pairs of columns reported (0 to skip pairs).
    cv : int, default=3
        Folds of every detector (identical rows are kept in one fold). More
        folds give steadier AUCs and take longer.
    n_repeats : int, default=3
        Shuffles of each column for the permutation importance, in each fold.
    max_rows : int or None, default=5000
        The most rows drawn from each table for the detectors (rules are checked
        on all rows). The time grows with the rows times the columns; None uses
        every row.
    random_state : int, RandomState instance or None, default=None
        Seeds the row cap, the folds, the models and the shuffles. On tables
        under the row cap, with the same ``cv``, ``estimator`` and seed, the
        whole-row AUC equals :func:`detection_auc`'s.

    Returns
    -------
    explanation : DetectionExplanation
        Its ``summary()`` says in words what gives the rows away; ``plot()``
        draws it.

    Raises
    ------
    ValueError
        If the tables do not have the same columns (the missing and unexpected
        ones are named), a rule uses a column the tables lack, or a parameter
        is out of range.

    See Also
    --------
    detection_auc : The whole-row detection test alone.
    evaluate : Every metric, this explanation included, in one report.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sksynth.metrics import explain_detection
    >>> rng = np.random.default_rng(0)
    >>> x, y = rng.normal(size=400), rng.normal(size=400)
    >>> real = pd.DataFrame({"x": x, "y": y, "total": x + y})
    >>> fake = real.assign(total=rng.permutation(real["total"].to_numpy()))
    >>> result = explain_detection(real, fake, random_state=0)
    >>> result.auc > 0.8
    True
    >>> float(result.columns["auc"].max())  # each column alone looks real
    0.5
    >>> "total" in set(result.pairs.loc[0, ["column_1", "column_2"]])  # the relation does not
    True
    """
    check_cv(cv)
    _check_positive_int(n_pairs, "n_pairs", allow_zero=True)
    _check_positive_int(n_repeats, "n_repeats")
    _check_positive_int(max_rows, "max_rows", allow_none=True)
    if max_rows is not None and max_rows < cv:
        raise ValueError(f"max_rows must be at least cv={cv}; got {max_rows}.")
    real, others, kinds = check_tables(real, {"synthetic": synthetic}, kinds=kinds, min_rows=cv)
    synthetic = others["synthetic"]
    rule_table = _rule_shares(_resolve_rules(rules, real), real, synthetic)

    seed = _seed(random_state)
    rng = np.random.default_rng(seed)
    real_rows, syn_rows = _cap_rows(real, max_rows, rng), _cap_rows(synthetic, max_rows, rng)
    problem = detection_problem(real_rows, syn_rows, kinds, estimator, cv, seed)
    auc, importance, importance_std = _whole_rows(problem, n_repeats, seed)

    X = problem.X
    if not problem.is_model_frame:
        X = pd.concat(model_frames([real_rows, syn_rows], kinds), ignore_index=True)
    names = list(kinds)
    column_auc = [_small_auc(X[[col]], problem.y, cv, seed) for col in names]
    grids = [
        _grid(real[col], synthetic[col]) if kinds[col] in ("continuous", "integer")
        else (np.nan, np.nan)
        for col in names
    ]  # fmt: skip
    columns = pd.DataFrame(
        {
            "column": names,
            "auc": column_auc,
            "importance": importance,
            "importance_std": importance_std,
            "grid": [g for g, _ in grids],
            "off_grid": [share for _, share in grids],
        }
    )
    pairs = _pair_table(X, problem.y, columns, n_pairs, cv, seed)
    columns = columns.sort_values("auc", ascending=False, kind="stable").reset_index(drop=True)
    return DetectionExplanation(auc, columns, pairs, rule_table, (len(real_rows), len(syn_rows)))


def _pair_table(X, y, columns, n_pairs, cv, seed) -> pd.DataFrame:
    names = ["column_1", "column_2", "auc", "gain"]
    if n_pairs == 0 or len(columns) < 2:
        return pd.DataFrame(columns=names)
    order = columns.sort_values(["importance", "auc"], ascending=False, kind="stable")
    screened = order["column"].head(_n_screened(n_pairs, len(columns)))
    screened = [c for c in columns["column"] if c in set(screened)]  # keep the table's order
    alone = columns.set_index("column")["auc"]
    rows = []
    for a, b in combinations(screened, 2):
        auc = _small_auc(X[[a, b]], y, cv, seed)
        rows.append((a, b, auc, auc - max(alone[a], alone[b])))
    table = pd.DataFrame(rows, columns=names)
    table = table.sort_values("gain", ascending=False, kind="stable").head(n_pairs)
    return table.reset_index(drop=True)
