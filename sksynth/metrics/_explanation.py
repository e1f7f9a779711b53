"""The result of :func:`explain_detection`: what gives synthetic rows away, in words and figures.

:class:`DetectionExplanation` holds the tables of the detection test taken
apart; its ``summary()`` says in a few sentences how well and by what the
synthetic rows are told apart, and ``plot()`` draws it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["DetectionExplanation", "read_detection_auc"]

# Below this AUC the rows are taken as indistinguishable and nothing is blamed.
_CHANCE_AUC = 0.55


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def _percent(share: float) -> str:
    return f"{100 * share:.0f} %"


def _alone(auc_1: float, auc_2: float) -> str:
    """Say how well each column of a pair tells rows apart alone.

    A cross-validated AUC a little under 0.5 is chance (held-out values
    pull it down), not a column that tells rows apart backwards.
    """
    if max(auc_1, auc_2) <= 0.5:
        return "neither better than chance alone"
    named = [f"{auc:.2f}" if auc > 0.5 else "chance" for auc in (auc_1, auc_2)]
    return f"{named[0]} and {named[1]} alone"


# (the AUC below which it applies, how many synthetic rows a classifier tells
# from real ones), in increasing order of AUC above chance
_HOW_MANY = (
    (0.65, "only a few synthetic rows"),
    (0.8, "many synthetic rows"),
    (0.95, "most synthetic rows"),
    (np.inf, "almost every synthetic row"),
)


def read_detection_auc(auc: float) -> str:
    """Say in words what a whole-row detection AUC means.

    Parameters
    ----------
    auc : float
        A value of :func:`detection_auc`.

    Returns
    -------
    sentence : str
        The AUC, then how many synthetic rows a classifier tells from real ones.

    Examples
    --------
    >>> from sksynth.metrics._explanation import read_detection_auc
    >>> read_detection_auc(0.99)
    'Detection AUC 0.99: a classifier tells almost every synthetic row from a real one; 0.5 would be indistinguishable.'
    """  # noqa: E501
    if auc < _CHANCE_AUC:
        what = "a classifier cannot tell synthetic rows from real ones (0.5 is chance)."
    else:
        how = next(text for below, text in _HOW_MANY if auc < below)
        what = f"a classifier tells {how} from a real one; 0.5 would be indistinguishable."
    return f"Detection AUC {auc:.2f}: {what}"


@dataclass(eq=False, repr=False)
class DetectionExplanation:
    """The result of :func:`explain_detection`.

    Attributes
    ----------
    auc : float
        Cross-validated detection AUC of whole rows.
    columns : pandas.DataFrame
        One row per column, the strongest first: ``column``, ``auc`` (detection
        AUC of the column alone), ``importance`` and ``importance_std``
        (permutation importance for the whole-row detector, in AUC), ``grid``
        (the step all real values lie on, ``NaN`` when none or not numeric) and
        ``off_grid`` (share of synthetic values off that grid).
    pairs : pandas.DataFrame
        The strongest screened pairs: ``column_1``, ``column_2``, ``auc``
        (detection AUC of the two columns together) and ``gain`` (``auc`` minus
        the larger AUC of the two columns alone: what the relation adds),
        largest gain first.
    rules : pandas.DataFrame
        One row per rule, the most broken first: ``rule`` (its formula),
        ``columns``, ``real_share`` and ``synthetic_share`` (share of rows that
        obey it). Empty when no rules were given.
    n_rows : tuple of int
        The real and synthetic rows the detectors used (after the row cap).
    """

    auc: float
    columns: pd.DataFrame
    pairs: pd.DataFrame
    rules: pd.DataFrame
    n_rows: tuple[int, int]

    def __repr__(self):
        return (
            f"{type(self).__name__}(auc={self.auc:.4f}, {len(self.columns)} columns, "
            f"{len(self.pairs)} pairs, {len(self.rules)} rules)"
        )

    def reading(self) -> str:
        """Say in words what the whole-row AUC means.

        Returns
        -------
        sentence : str
        """
        return read_detection_auc(self.auc)

    def summary(self) -> str:
        """Say in a few sentences how well and by what synthetic rows are told apart.

        Returns
        -------
        text : str
            The reading of the whole-row AUC; when the rows can be told apart,
            the column or pair that gives them away most and the columns the
            detector leans on; always the most broken rule and the columns
            whose synthetic values lie off the grid of the real values.
        """
        sentences, named_rule, named_column = [self.reading()], None, None
        broken = self._broken_rules()
        if self.auc >= _CHANCE_AUC:
            cause, named_rule, named_column = self._main_cause(broken)
            sentences.append(cause)
        off_grid = self.columns[self.columns["off_grid"] >= 0.1]
        off_grid = off_grid[off_grid["column"] != named_column].head(3)
        if len(off_grid):
            listed = ", ".join(
                f"{row.column} ({_percent(row.off_grid)} off a grid of {row.grid:g})"
                for row in off_grid.itertuples()
            )
            sentences.append(f"Synthetic values lie off the grid of the real values in {listed}.")
        others = broken.drop(index=named_rule) if named_rule is not None else broken
        if len(others):
            sentences.append(_capitalize(self._rule_clause(others.iloc[0])) + ".")
        if self.auc >= _CHANCE_AUC:
            lean = self.columns.sort_values("importance", ascending=False, kind="stable")
            lean = lean[lean["importance"] > 0.005]["column"].head(3).tolist()
            if lean:
                sentences.append(f"The whole-row detector leans most on {', '.join(lean)}.")
        return " ".join(sentences)

    def _broken_rules(self) -> pd.DataFrame:
        """Return the rules synthetic rows break more often than real rows, worst first."""
        if self.rules.empty:
            return self.rules
        drop = self.rules["real_share"] - self.rules["synthetic_share"]
        return self.rules[drop >= 0.01]

    def _rule_clause(self, rule) -> str:
        return (
            f"{_percent(1 - rule.synthetic_share)} of synthetic rows break {rule.rule} "
            f"(against {_percent(1 - rule.real_share)} of real rows)"
        )

    def _main_cause(self, broken):
        """Return the sentence on what gives rows away most, the rule and column it names."""
        column = self.columns.sort_values("auc", ascending=False, kind="stable").iloc[0]
        pair = self.pairs.iloc[0] if len(self.pairs) else None
        if pair is not None and pair.gain >= 0.05 and pair.auc >= column.auc:
            alone = self.columns.set_index("column")["auc"]
            text = (
                f"Rows are told apart mostly by {pair.column_1} vs {pair.column_2} "
                f"(AUC {pair.auc:.2f} together, "
                f"{_alone(alone[pair.column_1], alone[pair.column_2])})"
            )
            both = {pair.column_1, pair.column_2}
            related = broken[broken["columns"].map(lambda cols: bool(both & set(cols)))]
            if len(related):
                text += ": " + self._rule_clause(related.iloc[0])
                return text + ".", related.index[0], None
            return text + ".", None, None
        if column.auc >= 0.6:
            text = f"Rows are told apart mostly by {column.column} alone (AUC {column.auc:.2f})"
            if column.off_grid >= 0.1:
                text += (
                    f": {_percent(column.off_grid)} of its synthetic values are off the "
                    f"grid of {column.grid:g} that every real value lies on"
                )
            return text + ".", None, column.column
        text = (
            f"No column alone gives the rows away (the strongest, {column.column}, has AUC "
            f"{column.auc:.2f})"
        )
        if pair is not None:
            text += (
                f" and no screened pair does (the strongest, {pair.column_1} vs "
                f"{pair.column_2}, has AUC {pair.auc:.2f})"
            )
        return text + ": look for relations among more columns.", None, None

    def plot(self, *, max_columns=20):
        """Plot the per-column AUC, the strongest pairs and the rule obedience.

        Parameters
        ----------
        max_columns : int, default=20
            The most columns (the strongest) and rules (the most broken) drawn;
            the titles say how many are left out.

        Returns
        -------
        fig : matplotlib.figure.Figure
        """
        from matplotlib.figure import Figure

        columns = self.columns.sort_values("auc", ascending=False)
        shown = columns.head(max_columns)
        panels = [self._plot_columns, self._plot_pairs] + (
            [self._plot_rules] if len(self.rules) else []
        )
        n_bars = max(len(shown), len(self.pairs), min(len(self.rules), max_columns), 3)
        fig = Figure(figsize=(4.2 * len(panels), 1.8 + 0.26 * n_bars), layout="constrained")
        axes = fig.subplots(1, len(panels), squeeze=False).ravel()
        left_out = len(columns) - len(shown)
        for ax, draw in zip(axes, panels, strict=True):
            draw(ax, shown, left_out, max_columns)
            ax.set_ylim(n_bars - 0.5, -0.5)  # bars of one thickness in every panel
        return fig

    def _auc_axis(self, ax):
        ax.axvline(0.5, color="0.4", lw=1, ls=":")
        ax.axvline(self.auc, color="C3", lw=1.5, ls="--", label=f"whole rows ({self.auc:.2f})")
        ax.set_xlim(self._auc_floor(), 1.0)
        ax.set_xlabel("detection AUC (0.5 = indistinguishable)", fontsize=9)

    def _auc_floor(self) -> float:
        lowest = min(self.columns["auc"].min(), self.pairs["auc"].min() if len(self.pairs) else 1)
        return float(min(0.4, np.floor(lowest * 10) / 10))

    def _plot_columns(self, ax, shown, left_out, most):
        positions = np.arange(len(shown))
        floor = self._auc_floor()
        ax.barh(positions, shown["auc"] - floor, left=floor, color="C0")
        ax.set_yticks(positions, [_short(c) for c in shown["column"]], fontsize=9)
        title = "Each column alone"
        if left_out:
            title += f" ({len(shown)} strongest; {left_out} more left out)"
        ax.set_title(title, fontsize=10)
        self._auc_axis(ax)
        _legend_below(ax)

    def _plot_pairs(self, ax, shown, left_out, most):
        pairs = self.pairs
        positions = np.arange(len(pairs))
        labels = [f"{_short(a, 14)} vs {_short(b, 14)}" for a, b in
                  zip(pairs["column_1"], pairs["column_2"], strict=True)]  # fmt: skip
        alone = pairs["auc"] - pairs["gain"]
        floor = self._auc_floor()
        ax.barh(positions, pairs["auc"] - floor, left=floor, color="C1", label="pair together")
        ax.plot(alone, positions, "k|", ms=12, mew=2, label="better column alone")
        ax.set_yticks(positions, labels, fontsize=9)
        ax.set_title("Strongest pairs of columns", fontsize=10)
        self._auc_axis(ax)
        _legend_below(ax)

    def _plot_rules(self, ax, shown, left_out, most):
        rules = self.rules.head(most)  # the most broken first
        positions = np.arange(len(rules))
        ax.barh(positions, rules["synthetic_share"], color="C2", label="synthetic rows")
        ax.plot(rules["real_share"], positions, "k|", ms=12, mew=2, label="real rows")
        ax.set_yticks(positions, [_short(r, 32) for r in rules["rule"]], fontsize=9)
        ax.set_xlim(0, 1.03)
        ax.set_xlabel("share of rows that obey the rule", fontsize=9)
        title = "Rules of the real table"
        if len(self.rules) > len(rules):
            title += f" ({len(rules)} most broken; {len(self.rules) - len(rules)} more left out)"
        ax.set_title(title, fontsize=10)
        _legend_below(ax)


def _legend_below(ax):
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2, frameon=False)


def _short(text, width=22) -> str:
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"
