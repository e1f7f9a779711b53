"""The report of :func:`evaluate`: scores, detail tables, figures and an HTML export."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd

from sksynth.utils import atomic_write, figure_to_html, render_html_report

from ._report_plots import marginals_figure, pairwise_figure, privacy_figure

__all__ = ["EvaluationReport"]

# name -> (ideal value, what it means); the order is the order of the summary
_DESCRIPTIONS = {
    "fidelity": (1.0, "mean of column shapes and column pair trends"),
    "column_shapes": (1.0, "mean KS / TV complement over the columns"),
    "column_pair_trends": (1.0, "mean correlation / contingency similarity over related pairs"),
    "missing_values": (1.0, "mean similarity of the missing-value rates"),
    "detection_auc": (0.5, "cross-validated ROC AUC of a real-vs-synthetic classifier"),
    "tstr_ratio": (1.0, "train-synthetic/test-real score over train-real/test-real score"),
    "augmentation_ratio": (1.0, "real+synthetic training over real-only training (>1 helps)"),
    "dcr_share": (0.5, "share of synthetic rows closer to training rows than to the holdout"),
    "exact_copy_rate": (0.0, "share of synthetic rows identical to a training row"),
    "nndr": (1.0, "median nearest / second-nearest training-row distance ratio"),
    "mia_auc": (0.5, "ROC AUC of a distance-based membership-inference attack"),
}


class EvaluationReport:
    """The result of :func:`evaluate`: scores, detail tables and figures.

    Parameters
    ----------
    scores : pandas.Series
        The headline numbers, indexed by metric name.
    details : dict of str to pandas.DataFrame
        Per-column (``"column_shapes"``), per-pair (``"column_pair_trends"``),
        utility (``"utility"``, ``"augmentation"``), per-row privacy
        (``"privacy"``) and detection (``"detection_columns"``,
        ``"detection_pairs"``, ``"detection_rules"``) tables.
    real : pandas.DataFrame
        The real (training) table.
    synthetic : pandas.DataFrame
        The synthetic table.
    kinds : dict of str to str
        The kind of every column.
    distances : dict of str to ndarray, default=None
        Nearest-neighbour distances behind the privacy scores.
    detection : DetectionExplanation, default=None
        What gives the synthetic rows away (see :func:`explain_detection`).
    notes : list of str, default=()
        Caveats of the scores, shown with them.

    Attributes
    ----------
    scores : pandas.Series
        The headline numbers: always ``fidelity``, ``column_shapes``,
        ``column_pair_trends``, ``missing_values`` and (unless disabled)
        ``detection_auc``; with a target ``tstr_ratio`` and
        ``augmentation_ratio``; with a holdout ``dcr_share``,
        ``exact_copy_rate``, ``nndr`` and ``mia_auc``.
    details : dict of str to pandas.DataFrame
        The tables behind the scores.
    kinds : dict of str to str
        The kind of every column.
    detection : DetectionExplanation or None
        What gives the synthetic rows away: per-column and pair AUCs,
        permutation importance and rule obedience, with ``summary()`` in words;
        None when detection was disabled.
    notes : list of str
        Caveats of the scores, e.g. utility tested on rows the generator saw.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.metrics import evaluate
    >>> real = pd.DataFrame({"x": [0.5, 1.5, 2.5, 3.5] * 50, "c": ["a", "b"] * 100})
    >>> report = evaluate(real, real.sample(frac=1, random_state=0), detection=False)
    >>> report.summary().loc["fidelity", ["score", "ideal"]].tolist()
    [1.0, 1.0]
    """

    def __init__(self, scores, details, real, synthetic, kinds, distances=None, detection=None,
                 notes=()):  # fmt: skip
        self.notes = list(notes)
        self.scores = scores
        self.details = details
        self.kinds = kinds
        self.detection = detection
        self._real = real
        self._synthetic = synthetic
        self._distances = distances or {}

    def summary(self) -> pd.DataFrame:
        """Return the scores with their ideal values and meanings.

        Returns
        -------
        summary : pandas.DataFrame
            Indexed by metric name, with columns ``score``, ``ideal`` and
            ``meaning``.
        """
        rows = {
            name: {
                "score": self.scores[name],
                "ideal": _DESCRIPTIONS.get(name, (np.nan, ""))[0],
                "meaning": _DESCRIPTIONS.get(name, (np.nan, ""))[1],
            }
            for name in self.scores.index
        }
        return pd.DataFrame.from_dict(rows, orient="index")

    def __repr__(self):
        lines = [f"{type(self).__name__}("]
        lines += [f"  {name:<20} {value:.4f}" for name, value in self.scores.items()]
        return "\n".join(lines) + "\n)"

    # ------------------------------------------------------------------ plots
    def plot_marginals(self, columns=None, *, n_cols=None, max_categories=15):
        """Plot the real and synthetic distribution of each column.

        Numeric and datetime columns are drawn as overlaid density histograms
        on bins from the real range; categorical and boolean columns as paired
        bars of the category shares (the ``max_categories`` most frequent real
        categories; missing values as ``"<missing>"``).

        Parameters
        ----------
        columns : list of str, default=None
            The columns to draw; all when None.
        n_cols : int, default=None
            Subplots per row; 4, or 5 for more than 20 columns, when None.
        max_categories : int, default=15
            The most categories drawn per column.

        Returns
        -------
        fig : matplotlib.figure.Figure
        """
        columns = list(self.kinds) if columns is None else list(columns)
        unknown = [c for c in columns if c not in self.kinds]
        if unknown:
            raise ValueError(f"Unknown columns {unknown}; columns are {list(self.kinds)}.")
        if n_cols is None:
            n_cols = 5 if len(columns) > 20 else 4
        scores = self.details["column_shapes"].set_index("column")["score"]
        return marginals_figure(
            self._real, self._synthetic, self.kinds, scores, columns, n_cols, max_categories
        )

    def association_matrices(self):
        """Return the real and synthetic association matrices.

        Numeric pairs hold Pearson correlations, all other pairs Cramér's V
        (numeric columns binned), both taken from ``details["column_pair_trends"]``.

        Returns
        -------
        real : pandas.DataFrame
        synthetic : pandas.DataFrame
        """
        columns = list(self.kinds)
        pairs = self.details["column_pair_trends"]
        out = []
        for side in ("real", "synthetic"):
            matrix = pd.DataFrame(np.eye(len(columns)), index=columns, columns=columns)
            for a, b, value in zip(pairs["column_1"], pairs["column_2"], pairs[side], strict=True):
                matrix.loc[a, b] = matrix.loc[b, a] = value
            out.append(matrix)
        return tuple(out)

    def plot_pairwise(self):
        """Plot the real and synthetic association heatmaps and their difference.

        The columns are ordered by a hierarchical clustering of the real
        associations, so that related columns sit together. Up to 12 columns
        the three heatmaps stand side by side; with more, real and synthetic
        share one heatmap (real below the diagonal, synthetic above) drawn above
        the difference, each as wide as the page.

        Returns
        -------
        fig : matplotlib.figure.Figure
            The real and synthetic associations (Pearson correlation for numeric
            pairs, Cramér's V otherwise) and their absolute difference.
        """
        return pairwise_figure(*self.association_matrices())

    def plot_detection(self, *, max_columns=20):
        """Plot what gives the synthetic rows away.

        Parameters
        ----------
        max_columns : int, default=20
            The most columns drawn in the per-column panel (the strongest).

        Returns
        -------
        fig : matplotlib.figure.Figure
            The detection AUC of each column alone, of the strongest pairs and,
            when rules were given, the share of rows that obey each rule (see
            :meth:`DetectionExplanation.plot`).

        Raises
        ------
        ValueError
            If the report was made with ``detection=False``.
        """
        if self.detection is None:
            raise ValueError(
                "This report has no detection results: call evaluate() with detection=True."
            )
        return self.detection.plot(max_columns=max_columns)

    def plot_privacy(self):
        """Plot the distances to the closest record.

        Returns
        -------
        fig : matplotlib.figure.Figure
            Left: distance of each synthetic row to its closest training row
            and closest holdout row. Right: distance of each training and holdout
            row to its closest synthetic row (what the membership attack sees).

        Raises
        ------
        ValueError
            If the report was made without a holdout.
        """
        if "synthetic_to_holdout" not in self._distances:
            raise ValueError(
                "This report has no privacy results: pass holdout=<real rows the "
                "generator did not see> to evaluate()."
            )
        return privacy_figure(self._distances)

    # ------------------------------------------------------------------- html
    def to_html(self, path, *, max_rows=15):
        """Write a self-contained HTML report with the figures embedded.

        Parameters
        ----------
        path : str or path-like
            The file to write (atomically).
        max_rows : int, default=15
            The most rows of a per-column or per-pair table shown (the worst);
            a note says how many more are in :attr:`details`.

        Returns
        -------
        path : pathlib.Path
            The file written.
        """
        notes = "".join(f"<p>{html.escape(note)}</p>" for note in self.notes)
        sections = [("Scores", _table_html(self.summary(), index_name="metric") + notes)]
        if self.detection is not None:
            sections.append(("What gives synthetic rows away", self._detection_html(max_rows)))
        shapes = self.details["column_shapes"].sort_values("score", kind="stable")
        sections.append(
            (
                "Column shapes",
                _worst_rows_html(shapes, max_rows, "columns", "column_shapes")
                + figure_to_html(self.plot_marginals(), alt="marginal distributions"),
            )
        )
        pairs = self.details["column_pair_trends"]
        counted = pairs[pairs["meets_threshold"]].sort_values("score", kind="stable")
        note = (
            f"<p>{len(counted)} of {len(pairs)} pairs carry a trend in the real table and "
            "count in the score. Heatmap columns are ordered so that related columns sit "
            "together.</p>"
        )
        sections.append(
            (
                "Column pair trends",
                note
                + _worst_rows_html(counted, max_rows, "pairs", "column_pair_trends")
                + figure_to_html(self.plot_pairwise(), alt="association heatmaps"),
            )
        )
        for key, title in (("utility", "Utility (train on synthetic, test on real)"),
                           ("augmentation", "Utility (augmentation)")):  # fmt: skip
            if key in self.details:
                sections.append((title, _table_html(self.details[key])))
        if "synthetic_to_holdout" in self._distances:
            sections.append(("Privacy", figure_to_html(self.plot_privacy(), alt="privacy")))
        subtitle = (
            f"{len(self._real)} real rows, {len(self._synthetic)} synthetic rows, "
            f"{len(self.kinds)} columns"
        )
        page = render_html_report("Synthetic data evaluation", sections, subtitle=subtitle)
        path = Path(path)
        with atomic_write(path) as fh:
            fh.write(page)
        return path

    def _detection_html(self, max_rows) -> str:
        explanation = self.detection
        real_rows, syn_rows = explanation.n_rows
        causes = explanation.summary()[len(explanation.reading()) :]
        parts = [
            f"<p><strong>{html.escape(explanation.reading())}</strong>"
            f"{html.escape(causes)}</p>",
            figure_to_html(self.plot_detection(), alt="what gives synthetic rows away"),
            "<p>A classifier is trained to tell real rows from synthetic rows, on whole rows "
            "(the detection AUC above), on each column alone and on pairs of columns; 0.5 "
            "means it cannot tell them apart, 1.0 that it tells every row. <em>importance</em> "
            "is how much the whole-row AUC drops when the column is shuffled; "
            "<em>off_grid</em> the share of synthetic values off the step every real value "
            f"lies on. Detectors used {real_rows} real and {syn_rows} synthetic rows.</p>",
        ]
        columns = explanation.columns[["column", "auc", "importance", "off_grid"]]
        parts.append(_worst_rows_html(columns, max_rows, "columns", "detection_columns"))
        if len(explanation.pairs):
            parts.append(
                "<p>Strongest pairs: <em>gain</em> is the pair's AUC minus that of its "
                "better column alone, what the relation between the two gives away.</p>"
            )
            parts.append(_table_html(explanation.pairs))
        if len(explanation.rules):
            rules = explanation.rules.assign(
                columns=explanation.rules["columns"].map(", ".join)
            )
            parts.append("<p>Share of rows that obey each rule of the real table:</p>")
            parts.append(_table_html(rules))
        return "\n".join(parts)

    def _repr_html_(self):  # pragma: no cover - notebook display
        return f"<b>{html.escape(type(self).__name__)}</b>" + self.summary().to_html()


def _table_html(frame: pd.DataFrame, *, index_name=None) -> str:
    """Render a table with one header row (a named index becomes a column)."""
    name = index_name or frame.index.name
    if name is not None:
        frame = frame.rename_axis(name).reset_index()
    frame = frame.rename_axis(columns=None)
    return frame.to_html(index=False, float_format="{:.4f}".format, na_rep="")


def _worst_rows_html(frame: pd.DataFrame, max_rows: int, what: str, key: str) -> str:
    """Render the first ``max_rows`` rows, with a note on how many are left out."""
    html_table = _table_html(frame.head(max_rows))
    if len(frame) <= max_rows:
        return html_table
    note = (
        f'<p class="meta">The {max_rows} worst of {len(frame)} {what} are shown; the '
        f'other {len(frame) - max_rows} are in <code>report.details["{key}"]</code>.</p>'
    )
    return html_table + note
