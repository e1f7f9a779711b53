"""Numpydoc entries shared by the metrics' docstrings (see :func:`~sksynth.utils.fill_doc`).

A docstring holds ``{name}`` alone on a line where the entry ``name`` goes.
"""

ENTRIES = {
    # the two tables every fidelity and detection function compares
    "tables": """\
real : pandas.DataFrame or array-like
    The real table.
synthetic : pandas.DataFrame or array-like
    The synthetic table, with the same columns (in any order).
kinds : dict of str to str, default=None
    Column kinds that replace those inferred from ``real``
    (see :func:`sksynth.utils.infer_column_kinds`).""",
    # how pairs of columns are compared (column_pair_trends and all that use it)
    "pair_options": """\
correlation_threshold : float, default=0.5
    A numeric pair counts in the average only if the absolute Pearson
    correlation in the real table exceeds this.
association_threshold : float, default=0.3
    Any other pair counts only if Cramér's V of the real contingency table
    exceeds this (0 counts every pair).
n_bins : int, default=10
    Number of equal-width bins for a numeric column paired with a discrete
    one.
binning : {"shared", "separate"}, default="shared"
    ``"shared"`` bins both tables with the edges of the real column (the
    outermost bins open-ended); ``"separate"`` bins each table over its own
    range, reproducing ``sdmetrics`` exactly (including its placing the
    largest value in the missing-value bin), at the cost of rating a shifted
    synthetic column as perfect in mixed pairs.""",
    "include_missing": """\
include_missing : bool, default=False
    Whether the column-shape score also averages in the missing-value
    similarity (``sdmetrics`` does not).""",
    # the tables of the privacy metrics
    "train_synthetic": """\
train : pandas.DataFrame or array-like
    The real rows the generator was fitted on.
synthetic : pandas.DataFrame or array-like
    The synthetic table, with the same columns.""",
    "train_kinds": """\
kinds : dict of str to str, default=None
    Column kinds that replace those inferred from ``train``.""",
    "subsample_seed": """\
random_state : int, RandomState instance or None, default=None
    Seeds the subsampling that equalises the training and holdout sizes.""",
    # the tables and the model of the utility metrics
    "utility_tables": """\
real_train : pandas.DataFrame
    The real table the generator was fitted on, target column included.
synthetic : pandas.DataFrame
    The synthetic table, with the same columns.
real_test : pandas.DataFrame
    Real rows the generator did not see, with the same columns.
target : str
    The name of the target column.""",
    "utility_options": """\
estimator : estimator, default=None
    The model; None uses histogram gradient boosting (classifier or regressor)
    with native categorical support. Any other estimator is cloned and gets
    the raw feature columns (use a pipeline that encodes them).
metric : str or list of str, default=None
    Scorer names for :func:`sklearn.metrics.get_scorer`. None uses ROC AUC
    (``"roc_auc"``, or ``"roc_auc_ovr"`` for more than two classes),
    ``"balanced_accuracy"`` and ``"f1_macro"`` for classification and
    ``"r2"`` for regression.
task : {"classification", "regression"}, default=None
    None infers it from the real target (continuous values mean regression).
kinds : dict of str to str, default=None
    Column kinds that replace those inferred from ``real_train``.
random_state : int, RandomState instance or None, default=None
    Seeds the default model.""",
}
