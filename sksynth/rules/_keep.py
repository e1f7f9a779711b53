"""Keeping rules in generated rows by reparameterising the table a generator learns.

:class:`RuleKeeper` is fitted on the real training table and a list of rules.
``transform`` gives the table the generator trains on (computed columns left
out, the larger side of an order replaced by its gap, point masses as an extra
category column, fixed combinations as one column); ``inverse_transform``
turns generated rows back into the original columns, order and dtypes, with
every kept rule holding on every row. No row is ever rejected.
"""

from __future__ import annotations

import copy

import numpy as np

from ..utils import check_dataframe, infer_column_kind
from ..utils._kinds import can_hold_missing
from ._composition import (
    clash,
    defined,
    produced,
    read_computed_dates,
    shaped_bands,
    undo_order,
)
from ._discovery import find_rules
from ._values import numeric
from .base import Rule, RuleSet, RuleViolationError

# "auto" keeps found point masses only where they hold at least this share
_AUTO_POINT_MASS_SHARE = 0.1
# a found band whose middle half of rows spreads over this share of the usual
# gap of an order it left out gives way to the orders on its column
_LOOSE_SHARE = 0.75

__all__ = ["RuleKeeper", "fit_keeper"]


class RuleKeeper:
    """Reparameterise a table so that generated rows obey a set of rules.

    Parameters
    ----------
    rules : list of Rule or RuleSet
        The rules to keep.
    declared : bool, default=True
        Whether the rules were declared by the user: then each must hold on
        every training row (:class:`~sksynth.rules.RuleViolationError`
        otherwise) and two rules that cannot be kept together (two rules
        setting the same column, a cycle) are refused with a ``ValueError``.
        ``False`` (rules found by :func:`~sksynth.rules.find_rules`): rules
        that do not hold on every row, or that clash with an earlier one,
        are left out (listed in ``skipped_``), and a band that would often
        break orders it leaves out gives way to them (see
        :doc:`/user_guide/rules`).
    random_state : int or None, default=0
        Seeds the few values drawn after sampling (a value for a column that
        came out missing where a :class:`~sksynth.rules.MissingWhen` says it
        must be present).
    private : bool, default=False
        The training rows are private (differential privacy): the rules are
        public knowledge and nothing is learned from, or reported about, the
        rows. They are not checked on the rows (a rule the rows break is
        still enforced on generated rows), and rules that would learn values
        from the rows (dependencies, combinations, missingness, zeros, a
        threshold without ``above``/``below``) are refused.
    mass_stand_ins : bool, default=True
        What the generator sees in place of the number on the rows of a kept
        :class:`~sksynth.rules.PointMasses` (a mass, or missing): a training
        value off the masses (from near the mass on a mass's row), so that the
        category column alone says which rows take a mass (True), or a missing
        number (False). The conditional VAE learns better from the first, the
        conditional GAN from the second; the plain samplers follow them
        (:doc:`/benchmarks`).

    Attributes
    ----------
    rules_ : RuleSet
        The kept rules.
    skipped_ : list of (Rule, str)
        Rules left out, with the reason.
    feature_names_in_ : list
        The training columns, in order.
    derived_columns_ : list
        Columns computed after sampling (not learned by the generator).

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.rules import Formula, Inequality, RuleKeeper
    >>> X = pd.DataFrame({"a": [1.0, 2.0, 4.0], "b": [2.0, 2.5, 9.0]})
    >>> X["total"] = X["a"] + X["b"]
    >>> keeper = RuleKeeper([Formula("total", "a + b"), Inequality("a", "b")]).fit(X)
    >>> keeper.transform(X).columns.tolist()
    ['a', 'b']
    >>> keeper.inverse_transform(keeper.transform(X)).equals(X)
    True
    """

    def __init__(self, rules, *, declared=True, random_state=0, private=False,
                 mass_stand_ins=True):
        self.rules = rules
        self.declared = declared
        self.random_state = random_state
        self.private = private
        self.mass_stand_ins = mass_stand_ins

    # ------------------------------------------------------------------ fit
    def fit(self, X):
        """Check and select the rules on the training table ``X``; learn what they need.

        Parameters
        ----------
        X : DataFrame
            The real training table.

        Returns
        -------
        self : RuleKeeper
        """
        frame = check_dataframe(X)
        self.feature_names_in_ = list(frame.columns)
        self._dtypes = [frame[c].dtype for c in frame.columns]
        rules = _as_rules(self.rules)
        read_computed_dates(rules)
        kept, self.skipped_ = self._select(rules, frame)
        if not self.declared and not self.private:
            kept, self.skipped_ = self._orders_before_loose_bands(rules, kept, self.skipped_, frame)
        # private rows: the rules learn their columns' dtypes only
        schema = frame.iloc[:0] if self.private else frame
        for rule in kept:
            rule._fit_keep(schema)
            rule._join(kept, stand_ins=bool(self.mass_stand_ins))
        # after joining: what a rule reads may grow with the rules beside it
        self._order = undo_order(kept)
        self.rules_ = RuleSet(kept)
        self.derived_columns_ = list(dict.fromkeys(c for r in kept for c in defined(r)))
        return self

    def _select(self, rules, frame):
        """Return the rules kept, in order, and the ``(rule, reason)`` of those left out."""
        kept, skipped = [], []
        for rule in rules:
            reason = self._refusal(rule, frame, kept)
            if reason is None:
                kept.append(rule)
            elif self.declared:
                raise ValueError(reason)
            else:
                skipped.append((rule, reason))
        # a band keeps a range, a grid or an order of its column where the range
        # of its inputs allows it; leaving one out can widen the range of another
        # band's column, so the check runs until nothing more is left out
        left_out = True
        while left_out:
            left_out = False
            for band, shaper in shaped_bands(kept):
                reason = band._refusal_beside(shaper, kept, None if self.private else frame)
                if reason is None:
                    continue
                if self.declared:
                    raise ValueError(f"{reason} Keep one of the two rules.")
                kept.remove(shaper)
                skipped.append((shaper, reason))
                left_out = True
                break
        return kept, skipped

    def _orders_before_loose_bands(self, rules, kept, skipped, frame):
        """Select again without the found bands too loose for an order they left out.

        Such a band would put its column on the wrong side of the order on
        many rows (see :func:`_loose_bands`); it gives way only where its
        order is then kept. Returns the kept rules and the ``(rule, reason)``
        of those left out, as :meth:`_select`.
        """
        loose = _loose_bands(kept, skipped, frame)
        while loose:
            fewer_kept, fewer_skipped = self._select(
                [rule for rule in rules if rule not in loose], frame
            )
            helped = {band: gave for band, gave in loose.items() if gave[0] in fewer_kept}
            if len(helped) == len(loose):
                return fewer_kept, [*fewer_skipped, *((b, why) for b, (_, why) in loose.items())]
            loose = helped
        return kept, skipped

    def _refusal(self, rule, frame, kept):
        missing = [c for c in rule.columns if c not in frame.columns]
        if missing:
            return f"The rule {rule.formula!r} names column(s) {missing} that X does not have."
        if self.private:
            if rule._learns_from_rows:
                raise ValueError(
                    f"The rule {rule.formula!r} cannot be kept with differential privacy: "
                    "keeping it learns values from the private rows. Leave it out, or give "
                    "its values (e.g. above= and below= of CategoryThreshold)."
                )
            return clash(rule, kept)
        try:
            if self.declared:
                rule.check(frame)
            elif not rule._score(frame).all():
                return f"{rule.formula!r} does not hold on every row."
        except RuleViolationError:
            raise
        except (TypeError, ValueError) as exc:
            if self.declared:
                raise ValueError(f"The rule {rule.formula!r} cannot be checked: {exc}") from None
            return str(exc)
        bad = rule._undefined_rows(frame) if rule.kind == "formula" else []
        if bad:
            what = "takes the log of a number that is not positive or divides by zero" if (
                "log" in rule.expression.calls
            ) else "divides by zero"
            return (
                f"The formula {rule.formula!r} {what} on row(s) {bad} where its columns are "
                "present; the rule cannot compute the column there."
            )
        if rule.kind == "formula" and rule._gives_fractions(frame):
            return (
                f"The formula {rule.formula!r} computes the whole-number column "
                f"{rule.target!r} by a division or a fraction: from generated values it "
                "would give fractions, which rounding takes off the formula. Solve it for "
                "another column."
            )
        if rule.kind == "band" and rule._narrower_than_grid(frame):
            return (
                f"The band {rule.formula!r} is narrower than the grid of {rule.target!r} "
                "(whole numbers, or a fixed number of decimals) on some rows: a generated "
                "row could find no value of the grid inside it. Widen the band, or compute "
                "the other column from this one."
            )
        return clash(rule, kept)

    # ------------------------------------------------------------ transform
    def transform(self, X):
        """Return the table the generator learns (the caller's frame is not modified).

        Parameters
        ----------
        X : DataFrame
            A table with the training columns.

        Returns
        -------
        Z : DataFrame
            Computed columns left out; order gaps and point-mass categories
            in place of the raw values.
        """
        self._check_fitted()
        original = check_dataframe(X)
        frame = original.copy()
        for rule in reversed(self._order):
            frame = rule._forward(frame)
        if self.private:
            frame = self._keep_integers(original, frame)
        return frame

    def learnt_bounds(self, bounds):
        """Return public bounds of the table's columns in the units the generator learns them.

        A private generator clips each learnt number to public bounds
        (``dp_metadata``). A kept rule may learn a column in other units: a
        clock time in minutes since midnight (the day bounds them, declared
        ``hhmm`` bounds narrow it), a clock gap's later time as minutes after
        the start (the rule's window), an order's larger side as its gap
        above the smaller sides (bounded where every side has bounds).

        Parameters
        ----------
        bounds : dict
            ``{column: (low, high)}`` in the table's own units.

        Returns
        -------
        bounds : dict
            The same in the units the generator learns; a column whose learnt
            bounds are unknown is left out, a computed column is kept (it is
            not learnt, so its bounds go unused).
        """
        self._check_fitted()
        dtypes = dict(zip(self.feature_names_in_, self._dtypes, strict=True))
        out = dict(bounds)
        for rule in reversed(self._order):  # the order transform runs them in
            out.update(rule._learnt_bounds(out, dtypes))
        return {c: pair for c, pair in out.items() if pair is not None}

    def _keep_integers(self, original, frame):
        """Give learnt columns of whole numbers their integer dtype back.

        With private rows the encoder reads each column's dtype, not its
        values: a float column may hold missing values, so the minutes of a
        clock time or the gap of an order between two counts would come back
        missing on some rows. Decided from the dtypes and the kept rules
        alone, never from the rows.
        """
        def integer(column):  # numpy integers cannot hold missing values
            return not can_hold_missing(original[column].dtype)

        rules_of = {}  # the rules that set or shape each column
        for rule in self.rules_:
            for column in produced(rule):
                rules_of.setdefault(column, []).append(rule)
        for column, rules in rules_of.items():
            if column not in frame.columns or not integer(column):
                continue
            if all(r._learns_whole and all(map(integer, r.columns)) for r in rules):
                frame[column] = frame[column].astype(original[column].dtype)
        return frame

    def inverse_transform(self, Z, random_state=None):
        """Return generated rows in the original columns, with every kept rule holding.

        Parameters
        ----------
        Z : DataFrame
            Rows in the layout of :meth:`transform`.
        random_state : int, Generator or None, default=None
            Seeds the few draws (``None``: the keeper's ``random_state``).

        Returns
        -------
        X : DataFrame
            The training columns, in their order and dtypes.
        """
        self._check_fitted()
        seed = self.random_state if random_state is None else random_state
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        frame = check_dataframe(Z, allow_empty=True).copy()
        for rule in self._order:
            frame = rule._inverse(frame, rng)
        frame = frame[self.feature_names_in_]
        for column, dtype in zip(self.feature_names_in_, self._dtypes, strict=True):
            if frame[column].dtype != dtype:
                try:
                    frame[column] = frame[column].astype(dtype)
                except (TypeError, ValueError):
                    pass
        return frame

    def check_conditions(self, columns):
        """Raise a clear error if a condition names a column computed after sampling.

        A column learnt in other units (a clock time, in minutes) is refused too.

        Parameters
        ----------
        columns : iterable
            The columns a ``sample(conditions=...)`` call fixes.
        """
        self._check_fitted()
        for column in columns:
            for rule in self.rules_:
                if rule._learnt_in and column == rule.columns[0]:
                    raise ValueError(
                        f"conditions fix {column!r}, which the generator learns in "
                        f"{rule._learnt_in} to keep the rule {rule.formula!r}; fit the "
                        "sampler with rules that leave it out to condition on the column."
                    )
                if column in defined(rule):
                    raise ValueError(
                        f"conditions fix {column!r}, which the rule {rule.formula!r} computes "
                        "after sampling; condition on the columns it is computed from, or "
                        "fit the sampler with rules=None."
                    )

    def _check_fitted(self):
        if not hasattr(self, "rules_"):
            raise ValueError("This RuleKeeper is not fitted yet; call fit(X) first.")

    def __repr__(self):
        return f"RuleKeeper({len(_as_rules(self.rules))} rule(s))"


def fit_keeper(rules, X, *, private=False, protect=(), round_values=False, one_hot=(),
               mass_stand_ins=True, random_state=0):
    """Return the :class:`RuleKeeper` a generator uses, fitted on ``X``, or None.

    Parameters
    ----------
    rules : "auto", None, Rule, list of Rule or RuleSet
        ``"auto"``: the rules :func:`~sksynth.rules.find_rules` finds on ``X``
        that hold on every row (none when ``private``: discovery would look
        at private rows), except point masses that together hold under
        a tenth of the rows (a rare exact zero is left to the model) and,
        unless ``round_values``, round values
        (:class:`~sksynth.rules.RoundValues`, then kept only when declared);
        ``None``: no rules; otherwise declared rules.
    X : DataFrame
        The training table.
    private : bool, default=False
        The rows are private (differential privacy); see :class:`RuleKeeper`.
    protect : "all" or list, default=()
        Columns that ``"auto"`` must leave learned (not computed by a found
        rule), e.g. the columns a conditional sampler can be conditioned on;
        ``"all"``: every categorical or boolean column.
    round_values : bool, default=False
        Whether ``"auto"`` keeps the round values it finds, where a tenth of
        the rows are round without sitting on a kept point mass. They make
        rows harder to tell from real ones for a VAE, but their level columns
        cost a conditional GAN fidelity.
    one_hot : list, default=()
        Columns the generator would learn level by level (one-hot): ``"auto"``
        keeps no point masses or round values on them, since their exact
        values come back anyway, unless another found rule sets the column
        (the larger side of an order is learned as a gap, a number).
    mass_stand_ins : bool, default=True
        What the generator sees on the rows of a kept point mass; see
        :class:`RuleKeeper`.
    random_state : int, default=0
        The keeper's seed.

    Returns
    -------
    keeper : RuleKeeper or None
        None when there is no rule to keep.
    """
    if rules is None:
        return None
    if isinstance(rules, str):
        if rules != "auto":
            raise ValueError(
                f"rules must be 'auto', None or a list of sksynth.rules rules; got {rules!r}."
            )
        if private:
            return None
        found = find_rules(X)
        if isinstance(protect, str) and protect == "all":
            protect = [
                c for c in X.columns if infer_column_kind(X[c]) in ("categorical", "boolean")
            ]
        protect = set([] if protect is None else protect)
        found = [rule for rule in found if not protect & set(defined(rule))]
        # point masses that hold only a few rows (a rare exact zero) are left to
        # the model: their category would be learned from a handful of rows
        masses = {
            rule.column: rule.values for rule in found
            if rule.kind == "point masses" and _share_on(X, rule.column, rule.values)
            >= _AUTO_POINT_MASS_SHARE
        }
        # a column another rule sets (an order's larger side, learned as the gap
        # above its smaller side) is not the one-hot column the encoder would see
        levels = set(one_hot) - {c for rule in found for c in defined(rule)}
        found = [rule for rule in found if _worth_keeping(rule, X, masses, round_values, levels)]
        keeper = RuleKeeper(found, declared=False, random_state=random_state,
                            mass_stand_ins=mass_stand_ins)
    else:
        keeper = RuleKeeper(rules, declared=True, random_state=random_state, private=private,
                            mass_stand_ins=mass_stand_ins)
    keeper.fit(X)
    return keeper if keeper.rules_ else None


def _loose_bands(kept, skipped, frame):
    """Return ``{band: (order, reason)}`` for kept bands too loose for an order they left out.

    A band on one side of an order (its column is the order's larger or
    smaller side) whose middle half of rows spreads over much of the order's
    typical gap (its median over the training rows) would often set its
    column on the wrong side of the order: the open, high, low and close of
    a day's prices follow each other within a wide band, but sit a few cents
    apart, while a day's mean temperature sits well inside its minimum and
    maximum.
    """
    orders = [rule for rule, _ in skipped if rule.kind == "order"]
    loose = {}
    for band in (rule for rule in kept if rule.kind == "band"):
        spread = band._spread(frame)
        for order in orders:
            if band.target not in (order.low, order.high):
                continue
            with np.errstate(invalid="ignore"):
                gap = numeric(frame[order.high]) - numeric(frame[order.low])
            gap = np.nanmedian(gap) if np.isfinite(gap).any() else np.nan
            # sides that are usually equal (a gap of zero) are no sign of a loose band
            if gap > 0 and spread >= _LOOSE_SHARE * gap:
                loose[band] = order, (
                    f"The middle half of the band {band.formula!r} spreads over {spread:.4g}, "
                    f"against a usual gap of {gap:.4g} for {order.formula!r}: generated rows "
                    "would often break the order. The orders on its column are kept instead."
                )
                break
    return loose


def _worth_keeping(rule, X, masses, round_values, one_hot):
    """Whether ``"auto"`` keeps a found rule.

    ``masses`` maps a column to the point masses ``"auto"`` keeps (see
    :func:`fit_keeper`). Round values are kept only with ``round_values``, and
    where they say something the kept masses do not: a tenth of the rows round
    without sitting on a kept mass (a loan term that is always 24, 36, 48 or 60
    months needs no round-value column). Neither is kept on a column of
    ``one_hot``, whose exact values the generator learns as levels.
    """
    if rule.kind in ("point masses", "rounding") and rule.column in one_hot:
        return False
    if rule.kind == "point masses":
        return rule.column in masses
    if rule.kind == "rounding":
        if not round_values:
            return False
        off_mass = ~X[rule.column].isin(masses.get(rule.column, []))
        said = (rule.levels(X) != "none") & off_mass
        return bool(said.mean() >= _AUTO_POINT_MASS_SHARE)
    return True


def _share_on(X, column, values):
    return float(X[column].isin(values).mean())


def _as_rules(rules):
    if rules is None:
        return []
    rules = [rules] if isinstance(rules, Rule) else list(rules)
    for rule in rules:
        if not isinstance(rule, Rule):
            raise TypeError(
                f"rules must hold sksynth.rules.Rule objects; got {rule!r} "
                f"({type(rule).__name__})."
            )
    return [copy.deepcopy(rule) for rule in rules]
