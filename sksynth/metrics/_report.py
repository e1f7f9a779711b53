"""``evaluate``: every metric at once, in a report with figures and an HTML export."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import leaves_list, linkage
from scipy.spatial.distance import squareform
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state

from sksynth.utils import atomic_write, check_dataframe, figure_to_html, render_html_report

from ..utils import limit_threads, progress_bar
from ._common import NUMERIC_KINDS, check_tables, numeric_values
from ._detection import _seed
from ._explain import explain_detection
from ._explanation import _short
from ._fidelity import fidelity_details
from ._privacy import privacy_details
from ._utility import augmentation_score, infer_task, tstr_score

__all__ = ["EvaluationReport", "evaluate"]

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

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sksynth.metrics import evaluate
    >>> rng = np.random.default_rng(0)
    >>> real = pd.DataFrame({"x": rng.normal(size=200), "c": rng.choice(["a", "b"], 200)})
    >>> report = evaluate(real, real.sample(frac=1, random_state=0), detection=False)
    >>> float(report.scores["fidelity"])
    1.0
    """

    def __init__(self, scores, details, real, synthetic, kinds, distances=None, detection=None):
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
        from matplotlib.figure import Figure

        columns = list(self.kinds) if columns is None else list(columns)
        unknown = [c for c in columns if c not in self.kinds]
        if unknown:
            raise ValueError(f"Unknown columns {unknown}; columns are {list(self.kinds)}.")
        if n_cols is None:
            n_cols = 5 if len(columns) > 20 else 4
        n_cols = max(1, min(n_cols, len(columns)))
        n_rows = -(-len(columns) // n_cols)
        fig = Figure(figsize=(3.4 * n_cols, 2.7 * n_rows), layout="constrained")
        axes = fig.subplots(n_rows, n_cols, squeeze=False).ravel()
        shapes = self.details["column_shapes"].set_index("column")["score"]
        for ax, col in zip(axes, columns, strict=False):
            if self.kinds[col] in NUMERIC_KINDS:
                self._hist(ax, col)
            else:
                self._bars(ax, col, max_categories)
            ax.set_title(f"{_short(col, 24)} (score {shapes[col]:.2f})", fontsize=9)
            ax.tick_params(labelsize=7)
        for ax in axes[len(columns) :]:
            ax.set_visible(False)
        axes[0].legend(fontsize=7)
        return fig

    def _hist(self, ax, col):
        from matplotlib.ticker import FuncFormatter, MaxNLocator

        real = numeric_values(self._real[col])
        syn = numeric_values(self._synthetic[col])
        real, syn = real[np.isfinite(real)], syn[np.isfinite(syn)]
        if real.size == 0:
            return
        edges = np.histogram_bin_edges(real, bins=30)
        syn = np.clip(syn, edges[0], edges[-1])
        ax.hist(real, bins=edges, density=True, alpha=0.5, label="real")
        ax.hist(syn, bins=edges, density=True, alpha=0.5, label="synthetic")
        # few, short tick labels: large amounts (e.g. 250000) would overlap
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
        write = _date if self.kinds[col] == "datetime" else _compact
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: write(value)))
        ax.set_yticks([])  # a density's scale says nothing a reader needs

    def _bars(self, ax, col, max_categories):
        real = self._real[col].astype(object).fillna("<missing>").astype(str)
        syn = self._synthetic[col].astype(object).fillna("<missing>").astype(str)
        real_share = real.value_counts(normalize=True)
        syn_share = syn.value_counts(normalize=True)
        labels = real_share.index[:max_categories]
        positions = np.arange(len(labels))
        ax.bar(positions - 0.2, real_share[labels].to_numpy(), width=0.4, label="real")
        ax.bar(
            positions + 0.2,
            syn_share.reindex(labels, fill_value=0.0).to_numpy(),
            width=0.4,
            label="synthetic",
        )
        ax.set_xticks(positions, [_short(v, 12) for v in labels], rotation=45, ha="right")
        ax.set_ylabel("share", fontsize=7)

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
        from matplotlib.figure import Figure

        real, syn = self.association_matrices()
        order = _cluster_order(real)
        real, syn = real.iloc[order, order], syn.iloc[order, order]
        n = len(real)
        if n <= 12:
            size = max(3.5, 0.35 * n + 1.5)
            fig = Figure(figsize=(3 * size + 2, size), layout="constrained")
            panels = [("real", real, "coolwarm", -1), ("synthetic", syn, "coolwarm", -1)]
        else:
            size = min(12.0, 0.2 * n + 2.0)
            fig = Figure(figsize=(size + 1.5, 2 * size), layout="constrained")
            lower = np.tril(np.ones((n, n), dtype=bool), k=-1)
            both = real.where(lower | np.eye(n, dtype=bool), syn)
            panels = [("real (below the diagonal) and synthetic (above)", both, "coolwarm", -1)]
        panels.append(("|real - synthetic|", (real - syn).abs(), "Reds", 0))
        grid = (1, len(panels)) if n <= 12 else (len(panels), 1)
        axes = fig.subplots(*grid, squeeze=False).ravel()
        fontsize = 8 if n <= 30 else 6
        for ax, (title, matrix, cmap, low) in zip(axes, panels, strict=True):
            image = ax.imshow(matrix.to_numpy(dtype=float), cmap=cmap, vmin=low, vmax=1)
            ticks = np.arange(n)
            labels = [_short(c, 18) for c in matrix.columns]
            ax.set_xticks(ticks, labels, rotation=90, fontsize=fontsize)
            ax.set_yticks(ticks, labels, fontsize=fontsize)
            ax.set_title(title, fontsize=10)
            fig.colorbar(image, ax=ax, shrink=0.7)
        return fig

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
        from matplotlib.figure import Figure

        d = self._distances
        if "synthetic_to_holdout" not in d:
            raise ValueError(
                "This report has no privacy results: pass holdout=<real rows the "
                "generator did not see> to evaluate()."
            )
        fig = Figure(figsize=(10, 3.5), layout="constrained")
        left, right = fig.subplots(1, 2)
        for ax, first, second, labels, title in (
            (left, "synthetic_to_train", "synthetic_to_holdout", ("to training", "to holdout"),
             "synthetic row to closest real row"),
            (right, "train_to_synthetic", "holdout_to_synthetic", ("training", "holdout"),
             "real row to closest synthetic row"),
        ):  # fmt: skip
            values = np.concatenate([d[first], d[second]])
            edges = np.histogram_bin_edges(values, bins=40)
            ax.hist(d[first], bins=edges, alpha=0.5, label=labels[0])
            ax.hist(d[second], bins=edges, alpha=0.5, label=labels[1])
            ax.set_xlabel("distance")
            ax.set_title(title, fontsize=10)
            ax.legend(fontsize=8)
        return fig

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
        sections = [("Scores", _table_html(self.summary(), index_name="metric"))]
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


def _compact(value: float) -> str:
    """Write a tick value in at most about five characters (250000 -> 250k)."""
    size = abs(value)
    if size >= 1e9:
        return f"{value / 1e9:.3g}G"
    if size >= 1e6:
        return f"{value / 1e6:.3g}M"
    if size >= 1e4:
        return f"{value / 1e3:.3g}k"
    if size >= 1:
        return f"{value:.4g}"
    return f"{value:.3g}"


def _date(value: float) -> str:
    """Write a datetime tick (nanoseconds since 1970) as a date."""
    return pd.Timestamp(int(value)).strftime("%Y-%m-%d")


def _cluster_order(matrix: pd.DataFrame) -> np.ndarray:
    """Order columns so that strongly associated ones sit together."""
    if len(matrix) < 3:
        return np.arange(len(matrix))
    strength = np.nan_to_num(np.abs(matrix.to_numpy(dtype=float)), nan=0.0)
    distance = np.clip(1.0 - strength, 0.0, 1.0)
    np.fill_diagonal(distance, 0.0)
    condensed = squareform((distance + distance.T) / 2, checks=False)
    return leaves_list(linkage(condensed, method="average", optimal_ordering=True))


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


def _check_target(target, tables: dict) -> None:
    for name, table in tables.items():
        if table is None:
            continue
        columns = check_dataframe(table, name=name, allow_empty=True).columns
        if target not in columns:
            raise ValueError(f"The target column {target!r} is missing from the {name} table.")


def _utility_split(real, target, test_size, seed):
    task = infer_task(real[target])
    stratify = real[target] if task == "classification" else None
    try:
        return train_test_split(real, test_size=test_size, random_state=seed, stratify=stratify)
    except ValueError:  # a class too rare to stratify on
        return train_test_split(real, test_size=test_size, random_state=seed)


@limit_threads
def evaluate(
    real,
    synthetic,
    *,
    target=None,
    holdout=None,
    kinds=None,
    detection=True,
    rules="auto",
    estimator=None,
    metric=None,
    cv=5,
    test_size=0.3,
    correlation_threshold=0.5,
    association_threshold=0.3,
    n_bins=10,
    binning="shared",
    random_state=None,
    verbose=1,
) -> EvaluationReport:
    """Evaluate a synthetic table against the real table it imitates.

    Fidelity is always computed, detection unless ``detection=False``; utility
    runs when a ``target`` is given and privacy when a ``holdout`` is given.

    Parameters
    ----------
    real : pandas.DataFrame
        The real table the generator was fitted on.
    synthetic : pandas.DataFrame
        The synthetic table, with the same columns.
    target : str, default=None
        A target column for utility (TSTR and augmentation). Models are tested on
        ``holdout`` when given, otherwise on a ``test_size`` split of ``real``
        (optimistic: the generator saw those rows).
    holdout : pandas.DataFrame, default=None
        Real rows the generator did not see, with the same columns; enables the
        privacy metrics.
    kinds : dict of str to str, default=None
        Column kinds that replace those inferred from ``real``.
    detection : bool or str or classifier, default=True
        Whether to run the detection test and explain it (see
        :func:`explain_detection`, on at most 5000 rows of each table); a string
        or classifier is passed as its ``estimator``.
    rules : "auto", iterable of rules or None, default="auto"
        Rules of the real table whose obedience by the synthetic rows is
        reported with the detection (``"auto"``: those
        :func:`~sksynth.rules.find_rules` finds in ``real``; see
        :func:`explain_detection`).
    estimator : estimator, default=None
        The utility model (see :func:`tstr_score`).
    metric : str or list of str, default=None
        The utility metrics; the first gives ``tstr_ratio``.
    cv : int, default=5
        Folds of the detection classifier.
    test_size : float, default=0.3
        Share of ``real`` held out for utility when there is no holdout.
    correlation_threshold, association_threshold : float, default=0.5, 0.3
        See :func:`column_pair_trends`.
    n_bins : int, default=10
        See :func:`column_pair_trends`.
    binning : {"shared", "separate"}, default="shared"
        See :func:`column_pair_trends`.
    random_state : int, RandomState instance or None, default=None
        Seeds detection, the utility split and models, and privacy subsampling.
    verbose : int, default=1
        Show a progress bar over the four parts on a terminal; 0 turns it off.

    Returns
    -------
    report : EvaluationReport

    Raises
    ------
    ValueError
        For mismatched columns or kinds, a target missing from a table or with a
        single class, and tables with fewer than two rows.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sksynth.metrics import evaluate
    >>> rng = np.random.default_rng(0)
    >>> def table(n):
    ...     x = rng.normal(size=n)
    ...     return pd.DataFrame({"x": x, "y": np.where(x + rng.normal(size=n) > 0, "a", "b")})
    >>> real, synthetic, holdout = table(200), table(200), table(200)
    >>> report = evaluate(real, synthetic, target="y", holdout=holdout, random_state=0)
    >>> sorted(report.scores.index)  # doctest: +NORMALIZE_WHITESPACE
    ['augmentation_ratio', 'column_pair_trends', 'column_shapes', 'dcr_share',
     'detection_auc', 'exact_copy_rate', 'fidelity', 'mia_auc', 'missing_values',
     'nndr', 'tstr_ratio']
    """
    if target is not None:
        _check_target(target, {"real": real, "synthetic": synthetic, "holdout": holdout})
    others = {"synthetic": synthetic}
    if holdout is not None:
        others["holdout"] = holdout
    real, others, kinds = check_tables(real, others, kinds=kinds)
    synthetic = others["synthetic"]
    rng = check_random_state(random_state)
    bar = progress_bar(4, "evaluate", verbose=verbose)
    bar.set_postfix_str("fidelity")

    scores, shapes, pairs = fidelity_details(
        real,
        synthetic,
        kinds=kinds,
        correlation_threshold=correlation_threshold,
        association_threshold=association_threshold,
        n_bins=n_bins,
        binning=binning,
    )
    details = {"column_shapes": shapes, "column_pair_trends": pairs}
    bar.update()
    bar.set_postfix_str("detection")

    explanation = None
    if detection is not False:
        model = None if detection is True else detection
        explanation = explain_detection(
            real, synthetic, rules=rules, kinds=kinds, estimator=model, cv=cv,
            random_state=_seed(rng),
        )  # fmt: skip
        scores["detection_auc"] = explanation.auc
        details["detection_columns"] = explanation.columns
        details["detection_pairs"] = explanation.pairs
        details["detection_rules"] = explanation.rules
    bar.update()
    bar.set_postfix_str("utility")

    if target is not None:
        seed = _seed(rng)
        if holdout is not None:
            train, test = real, others["holdout"]
        else:
            train, test = _utility_split(real, target, test_size, seed)
        options = {"estimator": estimator, "metric": metric, "kinds": kinds, "random_state": seed}
        utility = tstr_score(train, synthetic, test, target, **options)
        augmentation = augmentation_score(train, synthetic, test, target, **options)
        details["utility"], details["augmentation"] = utility, augmentation
        scores["tstr_ratio"] = float(utility["ratio"].iloc[0])
        scores["augmentation_ratio"] = float(augmentation["ratio"].iloc[0])
    bar.update()
    bar.set_postfix_str("privacy")

    distances = None
    if holdout is not None:
        privacy, distances = privacy_details(
            real, synthetic, others["holdout"], kinds=kinds, random_state=_seed(rng)
        )
        scores.update(privacy)
        details["privacy"] = pd.DataFrame(
            {
                "distance_to_train": distances["synthetic_to_train"],
                "distance_to_holdout": distances["synthetic_to_holdout"],
            },
            index=synthetic.index,
        )
    bar.update()
    bar.close()
    order = [name for name in _DESCRIPTIONS if name in scores]
    series = pd.Series({name: float(scores[name]) for name in order}, name="score")
    return EvaluationReport(series, details, real, synthetic, kinds, distances, explanation)
