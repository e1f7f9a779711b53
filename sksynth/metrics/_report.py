"""``evaluate``: every metric at once, in a report with figures and an HTML export."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state

from sksynth.utils import atomic_write, check_dataframe, figure_to_html, render_html_report

from ..utils import limit_threads, progress_bar
from ._common import NUMERIC_KINDS, check_tables, numeric_values
from ._detection import _seed, detection_auc
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
        utility (``"utility"``, ``"augmentation"``) and per-row privacy
        (``"privacy"``) tables.
    real : pandas.DataFrame
        The real (training) table.
    synthetic : pandas.DataFrame
        The synthetic table.
    kinds : dict of str to str
        The kind of every column.
    distances : dict of str to ndarray, default=None
        Nearest-neighbour distances behind the privacy scores.

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

    def __init__(self, scores, details, real, synthetic, kinds, distances=None):
        self.scores = scores
        self.details = details
        self.kinds = kinds
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
    def plot_marginals(self, columns=None, *, n_cols=4, max_categories=15):
        """Plot the real and synthetic distribution of each column.

        Numeric and datetime columns are drawn as overlaid density histograms
        on bins from the real range; categorical and boolean columns as paired
        bars of the category shares (the ``max_categories`` most frequent real
        categories; missing values as ``"<missing>"``).

        Parameters
        ----------
        columns : list of str, default=None
            The columns to draw; all when None.
        n_cols : int, default=4
            Subplots per row.
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
        n_cols = max(1, min(n_cols, len(columns)))
        n_rows = -(-len(columns) // n_cols)
        fig = Figure(figsize=(4 * n_cols, 3 * n_rows), layout="constrained")
        axes = fig.subplots(n_rows, n_cols, squeeze=False).ravel()
        shapes = self.details["column_shapes"].set_index("column")["score"]
        for ax, col in zip(axes, columns, strict=False):
            if self.kinds[col] in NUMERIC_KINDS:
                self._hist(ax, col)
            else:
                self._bars(ax, col, max_categories)
            ax.set_title(f"{col} (score {shapes[col]:.2f})", fontsize=10)
        for ax in axes[len(columns) :]:
            ax.set_visible(False)
        axes[0].legend(fontsize=8)
        return fig

    def _hist(self, ax, col):
        real = numeric_values(self._real[col])
        syn = numeric_values(self._synthetic[col])
        real, syn = real[np.isfinite(real)], syn[np.isfinite(syn)]
        if real.size == 0:
            return
        edges = np.histogram_bin_edges(real, bins=30)
        syn = np.clip(syn, edges[0], edges[-1])
        ax.hist(real, bins=edges, density=True, alpha=0.5, label="real")
        ax.hist(syn, bins=edges, density=True, alpha=0.5, label="synthetic")
        if self.kinds[col] == "datetime":
            ax.set_xlabel("ns since 1970")

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
        ax.set_xticks(positions, labels, rotation=45, ha="right", fontsize=8)
        ax.set_ylabel("share")

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

        Returns
        -------
        fig : matplotlib.figure.Figure
            Three heatmaps: real, synthetic (Pearson correlation for numeric
            pairs, Cramér's V otherwise) and the absolute difference.
        """
        from matplotlib.figure import Figure

        real, syn = self.association_matrices()
        size = max(4.0, 0.35 * len(real))
        fig = Figure(figsize=(3 * size + 2, size), layout="constrained")
        axes = fig.subplots(1, 3)
        panels = [
            ("real", real, "coolwarm", -1),
            ("synthetic", syn, "coolwarm", -1),
            ("|real - synthetic|", (real - syn).abs(), "Reds", 0),
        ]
        for ax, (title, matrix, cmap, low) in zip(axes, panels, strict=True):
            image = ax.imshow(matrix.to_numpy(dtype=float), cmap=cmap, vmin=low, vmax=1)
            ticks = np.arange(len(matrix))
            ax.set_xticks(ticks, matrix.columns, rotation=90, fontsize=8)
            ax.set_yticks(ticks, matrix.index, fontsize=8)
            ax.set_title(title)
            fig.colorbar(image, ax=ax, shrink=0.7)
        return fig

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
    def to_html(self, path):
        """Write a self-contained HTML report with the figures embedded.

        Parameters
        ----------
        path : str or path-like
            The file to write (atomically).

        Returns
        -------
        path : pathlib.Path
            The file written.
        """
        sections = [("Scores", self.summary().to_html(float_format="{:.4f}".format))]
        shapes = self.details["column_shapes"]
        sections.append(
            (
                "Column shapes",
                shapes.to_html(index=False, float_format="{:.4f}".format)
                + figure_to_html(self.plot_marginals(), alt="marginal distributions"),
            )
        )
        pairs = self.details["column_pair_trends"]
        counted = pairs[pairs["meets_threshold"]]
        note = (
            f"<p>{len(counted)} of {len(pairs)} pairs carry a trend in the real table and "
            "count in the score.</p>"
        )
        sections.append(
            (
                "Column pair trends",
                note
                + counted.to_html(index=False, float_format="{:.4f}".format)
                + figure_to_html(self.plot_pairwise(), alt="association heatmaps"),
            )
        )
        for key, title in (("utility", "Utility (train on synthetic, test on real)"),
                           ("augmentation", "Utility (augmentation)")):  # fmt: skip
            if key in self.details:
                sections.append((title, self.details[key].to_html(float_format="{:.4f}".format)))
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

    def _repr_html_(self):  # pragma: no cover - notebook display
        return f"<b>{html.escape(type(self).__name__)}</b>" + self.summary().to_html()


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
        Whether to run the detection test; a string or classifier is passed as
        ``estimator`` to :func:`detection_auc`.
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

    if detection is not False:
        model = None if detection is True else detection
        scores["detection_auc"] = detection_auc(
            real, synthetic, kinds=kinds, estimator=model, cv=cv, random_state=_seed(rng)
        )
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
    return EvaluationReport(series, details, real, synthetic, kinds, distances)
