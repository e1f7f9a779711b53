"""One-liners that assemble the cleaning steps from a table's column kinds."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import pandas as pd
from sklearn.base import clone
from sklearn.utils._param_validation import Interval, StrOptions

from ..utils import check_dataframe, fill_doc, infer_column_kinds
from ._base import _TableTransformer
from ._coercion import TypeCoercer
from ._docs import SHARED_ENTRIES
from ._duplicates import DuplicateRemover
from ._missing import HighMissingColumnDropper, MissingRowDropper, MissingValueImputer
from ._outliers import OutlierClipper, OutlierRemover, count_outliers

__all__ = ["TableCleaner", "make_cleaner", "make_cleaning_steps"]

# the kind of change each row-preserving step makes, as counted in ``changes_``
_CHANGE_KINDS = {"coerce": "made_missing", "impute": "imputed", "clip": "clipped"}


def _count_changes(before, after, kind):
    """Count, per column of ``before``, the cells a step changed in the way ``kind`` names."""
    counts = {}
    for col in before.columns:
        if col not in after.columns:
            continue
        old, new = before[col], after[col]
        if kind == "made_missing":
            changed = old.notna() & new.isna()
        elif kind == "imputed":
            changed = old.isna() & new.notna()
        else:
            changed = old.notna() & new.notna() & (old != new)
        counts[col] = int(changed.sum())
    return pd.DataFrame({kind: pd.Series(counts, dtype="int64")})


_IMPUTE_CHOICES = ("auto", "median", "mean", "most_frequent", "constant", "knn", "iterative")


@fill_doc(SHARED_ENTRIES)
class TableCleaner(_TableTransformer):
    """Clean a table in one row-preserving step: coerce, fill, and clip only if asked.

    Chains, in this order, :class:`TypeCoercer` (``"coerce"``), optionally
    :class:`HighMissingColumnDropper` (``"drop_columns"``),
    :class:`MissingValueImputer` (``"impute"``) and :class:`OutlierClipper`
    (``"clip"``), each configured from the parameters below. It is one
    transformer, not a ``Pipeline``, because imbalanced-learn's ``Pipeline``
    accepts no nested pipeline as a step: it works at ``fit`` and at
    ``predict`` time, never drops a row and, with the defaults, returns a
    clean table with the *same* columns and column kinds as the input (not
    encoded), pandas in and pandas out, so a generator can come right after
    it. :func:`make_cleaner` builds one from a table.

    Parameters
    ----------
    kinds : dict of str to str, default=None
        Kinds forced by column name, passed to every step.
    coerce : bool, default=True
        Whether to start with a :class:`TypeCoercer`.
    max_int_categories : int, default=None
        Passed to :class:`TypeCoercer` (integer columns with few values become
        categories; changes those columns' kind).
    parse_dates : bool or list of str, default=False
        Passed to :class:`TypeCoercer`.
    errors : {"warn", "raise", "coerce"}, default="warn"
        Passed to :class:`TypeCoercer`: what happens to values that cannot be
        converted at transform time.
    drop_high_missing : float, default=None
        If given, columns whose missing rate during fit exceeds it are dropped
        (by :class:`HighMissingColumnDropper`; the output then has fewer
        columns, listed in the dropper's ``dropped_columns_``).
    impute : {"auto", "median", "mean", "most_frequent", "constant", "knn", \
            "iterative"} or None, default="auto"
        How numeric columns are filled (``"auto"`` is ``"median"``); ``None``
        leaves missing values in place.
    categorical_impute : {"most_frequent", "constant"}, default="most_frequent"
        How categorical columns are filled.
    add_indicator : bool, default=False
        Whether the imputer appends ``<col>__missing`` columns.
    clip_outliers : bool, default=False
        Whether to end with an :class:`OutlierClipper`. Outliers are often
        valid values (a large income, a rare long stay), so by default they are
        only counted, in ``outliers_``, and left as they are; set it to ``True``
        to pull them to the fences.
    outlier_method : {"iqr", "zscore"}, default="iqr"
        The rule that finds outliers (see :func:`outlier_bounds`).
    outlier_factor : float, default=None
        The width of the fences (``None``: 1.5 for IQR, 3 for z-score).
    random_state : int, RandomState instance or None, default=None
        Seed of ``impute="iterative"``.

    Attributes
    ----------
    steps_ : list of (str, estimator)
        The fitted steps, in order.
    named_steps_ : dict of str to estimator
        The same steps by name.
    kinds_ : dict of str to str
        The kind of every output column.
    changes_ : pandas.DataFrame
        Every change made to the table seen during fit, counted per column
        (rows) and kind of change (columns): ``"made_missing"`` (values the
        coercer could not read as the column's type), ``"imputed"`` (missing
        values filled) and ``"clipped"`` (outliers pulled to a fence). Cells
        not counted there were left as they were.
    outliers_ : pandas.Series
        The number of values outside the outlier fences per numeric column, at
        fit (clipped only when ``clip_outliers=True``).
    {columns_seen}

    See Also
    --------
    make_cleaner : Builds a cleaner from a table, failing early on problems.
    make_cleaning_steps : Adds row-dropping samplers for an imbalanced-learn Pipeline.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sksynth.preprocessing import TableCleaner
    >>> df = pd.DataFrame({"price": ["1", "2", "?", "3", "2", "1000"],
    ...                    "job": ["a", "b", "a", None, "a", "b"]})
    >>> cleaner = TableCleaner()
    >>> out = cleaner.fit_transform(df)
    >>> out["price"].tolist()  # "?" filled with the median; 1000 is flagged, not changed
    [1.0, 2.0, 2.0, 3.0, 2.0, 1000.0]
    >>> out["job"].tolist()
    ['a', 'b', 'a', 'a', 'a', 'b']
    >>> int(cleaner.outliers_["price"])
    1
    >>> cleaner.changes_.loc["price"].to_dict()
    {'made_missing': 1, 'imputed': 1, 'clipped': 0}
    """

    _parameter_constraints: dict = {
        "kinds": [dict, None],
        "coerce": ["boolean"],
        "max_int_categories": [Interval(Integral, 1, None, closed="left"), None],
        "parse_dates": ["boolean", list, tuple],
        "errors": [StrOptions({"warn", "raise", "coerce"})],
        "drop_high_missing": [Interval(Real, 0, 1, closed="both"), None],
        "impute": [StrOptions(set(_IMPUTE_CHOICES)), None],
        "categorical_impute": [StrOptions({"most_frequent", "constant"})],
        "add_indicator": ["boolean"],
        "clip_outliers": ["boolean"],
        "outlier_method": [StrOptions({"iqr", "zscore"})],
        "outlier_factor": [Interval(Real, 0, None, closed="left"), None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        kinds=None,
        coerce=True,
        max_int_categories=None,
        parse_dates=False,
        errors="warn",
        drop_high_missing=None,
        impute="auto",
        categorical_impute="most_frequent",
        add_indicator=False,
        clip_outliers=False,
        outlier_method="iqr",
        outlier_factor=None,
        random_state=None,
    ):
        self.kinds = kinds
        self.coerce = coerce
        self.max_int_categories = max_int_categories
        self.parse_dates = parse_dates
        self.errors = errors
        self.drop_high_missing = drop_high_missing
        self.impute = impute
        self.categorical_impute = categorical_impute
        self.add_indicator = add_indicator
        self.clip_outliers = clip_outliers
        self.outlier_method = outlier_method
        self.outlier_factor = outlier_factor
        self.random_state = random_state

    def _make_coercer(self):
        return TypeCoercer(
            kinds=self.kinds,
            max_int_categories=self.max_int_categories,
            parse_dates=self.parse_dates,
            errors=self.errors,
        )

    def _later_steps(self, kinds):
        """Yield the steps after coercion; ``kinds`` are the overrides still valid."""
        if self.impute is not None:
            strategy = "median" if self.impute == "auto" else self.impute
            yield (
                "impute",
                MissingValueImputer(
                    strategy=strategy,
                    categorical_strategy=self.categorical_impute,
                    add_indicator=self.add_indicator,
                    kinds=kinds,
                    random_state=self.random_state,
                ),
            )
        if self.clip_outliers:
            yield (
                "clip",
                OutlierClipper(method=self.outlier_method, factor=self.outlier_factor, kinds=kinds),
            )

    def _fit(self, frame):
        self._fit_transform(frame)

    def _fit_transform(self, frame):
        """Fit every step on the output of the previous one; return the last output."""
        self.steps_ = []
        counts = []  # one frame of change counts per step that changes values
        kinds = dict(self.kinds) if self.kinds else None
        if self.coerce:
            frame = self._fit_one("coerce", self._make_coercer(), frame, counts)
        if self.drop_high_missing is not None:
            dropper = HighMissingColumnDropper(threshold=self.drop_high_missing)
            frame = self._fit_one("drop_columns", dropper, frame, counts)
            if kinds:
                kinds = {c: k for c, k in kinds.items() if c in frame.columns} or None
        before_filling = frame
        for name, step in self._later_steps(kinds):
            frame = self._fit_one(name, step, frame, counts)
        self.named_steps_ = dict(self.steps_)
        self.kinds_ = infer_column_kinds(frame, overrides=kinds)
        self.outliers_ = count_outliers(
            before_filling, self.kinds_, method=self.outlier_method, factor=self.outlier_factor
        )
        changes = pd.DataFrame(
            0, index=pd.Index(frame.columns), columns=list(_CHANGE_KINDS.values())
        )
        for step_counts in counts:
            changes = changes.add(step_counts.reindex(changes.index, fill_value=0), fill_value=0)
        self.changes_ = changes[list(_CHANGE_KINDS.values())].astype("int64")
        return frame

    def _fit_one(self, name, step, frame, counts):
        out = step.fit_transform(frame)
        self.steps_.append((name, step))
        if name in _CHANGE_KINDS:
            counts.append(_count_changes(frame, out, _CHANGE_KINDS[name]))
        return out

    def _transform(self, frame):
        for _, step in self.steps_:
            frame = step.transform(frame)
        return frame

    def _names_out(self, names):
        for _, step in self.steps_:
            names = step.get_feature_names_out(names)
        return names


def make_cleaner(X, **params):
    """Build a :class:`TableCleaner` for the table ``X``, failing early on problems.

    The cleaner coerces types and fills missing values in one row-preserving
    transformer, and counts outliers without changing them (``clip_outliers=True``
    clips them); with the defaults it returns a clean table
    with the same columns and kinds as ``X`` (not encoded), pandas in and
    pandas out, so a generator can come right after it. It is a single
    transformer (not a ``Pipeline``), so it also works as one step of an
    :class:`imblearn.pipeline.Pipeline`; for the row-dropping samplers, which
    must be top-level steps there, see :func:`make_cleaning_steps`.

    ``X`` is used to check now, naming the column, what the cleaner could not
    fix (mixed types that cannot be coerced, columns holding no value at all,
    overrides naming unknown columns). The cleaner is returned unfitted.

    Parameters
    ----------
    X : {array-like, DataFrame} of shape (n_samples, n_features)
        A sample of the table to clean (usually the training table).
    **params : dict
        Parameters of :class:`TableCleaner` (``kinds``, ``impute``,
        ``clip_outliers``, ``outlier_method``, ``drop_high_missing``,
        ``add_indicator``, ...), every choice overridable.

    Returns
    -------
    cleaner : TableCleaner
        The unfitted cleaner.

    Raises
    ------
    ValueError
        Naming the column: mixed types that cannot be coerced, or (when
        imputing) a column with no value at all.

    See Also
    --------
    make_cleaning_steps : The same cleaning plus row-dropping samplers, as
        steps for an imbalanced-learn ``Pipeline``.
    make_encoder : The model-input step that follows a cleaner or generator.

    Examples
    --------
    >>> from sksynth.datasets import load_credit
    >>> from sksynth.preprocessing import make_cleaner
    >>> X, y = load_credit(return_X_y=True)
    >>> cleaner = make_cleaner(X, clip_outliers=True, outlier_method="zscore")
    >>> X_clean = cleaner.fit_transform(X)
    >>> [name for name, _ in cleaner.steps_]
    ['coerce', 'impute', 'clip']
    >>> int(X_clean.isna().sum().sum()), X_clean.shape == X.shape
    (0, True)
    """
    cleaner = TableCleaner(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the cleaner's own fit reports them again
        clone(cleaner).fit(check_dataframe(X, name="X"))
    return cleaner


def make_cleaning_steps(
    X,
    *,
    drop_duplicates=True,
    drop_missing_rows=False,
    drop_outliers=False,
    outlier_method="iqr",
    outlier_factor=None,
    include_target=True,
    coerce=True,
    random_state=None,
    **cleaner_params,
):
    """Build cleaning steps, row-dropping samplers included, for an imbalanced-learn Pipeline.

    imbalanced-learn refuses a step that both transforms and resamples, and it
    does not resample inside a nested pipeline. So the
    row-dropping samplers come back as separate top-level steps, to be spliced
    into an :class:`imblearn.pipeline.Pipeline`::

        Pipeline([*make_cleaning_steps(X), ("clf", HistGradientBoostingClassifier())])

    The steps are, in order: ``"coerce"`` (:class:`TypeCoercer`, so the
    samplers see real numbers), ``"drop_duplicates"``
    (:class:`DuplicateRemover`), ``"drop_missing_rows"``
    (:class:`MissingRowDropper`), ``"drop_outliers"`` (:class:`OutlierRemover`)
    and ``"clean"`` (the rest of :func:`make_cleaner`: imputation and
    clipping). The samplers drop rows while fitting only; at predict time
    every row goes through the transformers.

    Parameters
    ----------
    X : {array-like, DataFrame} of shape (n_samples, n_features)
        A sample of the table to clean (usually the training table).
    drop_duplicates : bool, default=True
        Whether to drop exact duplicate rows.
    drop_missing_rows : bool, default=False
        Whether to drop rows with missing values (before imputation).
    drop_outliers : bool, default=False
        Whether to drop rows holding outliers.
    outlier_method : {"iqr", "zscore", "isolation_forest"}, default="iqr"
        The rule of the outlier remover.
    outlier_factor : float, default=None
        The width of its fences.
    include_target : bool, default=True
        Whether the target must repeat too for a row to be a duplicate.
    coerce : bool, default=True
        Whether to start with a :class:`TypeCoercer`.
    random_state : int, RandomState instance or None, default=None
        Seed of the isolation forest and of iterative imputation.
    **cleaner_params : dict
        Passed to :func:`make_cleaner` (``kinds``, ``impute``,
        ``clip_outliers``, ...); ``kinds``, ``max_int_categories``,
        ``parse_dates`` and ``errors`` also configure the coercion step.

    Returns
    -------
    steps : list of (str, estimator)
        The steps, unfitted.

    See Also
    --------
    make_cleaner : The row-preserving part alone, as one transformer.

    Examples
    --------
    >>> from imblearn.pipeline import Pipeline
    >>> from sklearn.ensemble import HistGradientBoostingClassifier
    >>> from sksynth.datasets import load_credit
    >>> from sksynth.preprocessing import make_cleaning_steps, make_encoder
    >>> X, y = load_credit(return_X_y=True)
    >>> steps = make_cleaning_steps(X, drop_outliers=True)
    >>> [name for name, _ in steps]
    ['coerce', 'drop_duplicates', 'drop_outliers', 'clean']
    >>> model = Pipeline([*steps, ("encode", make_encoder(X)),
    ...                   ("clf", HistGradientBoostingClassifier(max_iter=20))])
    >>> model.fit(X, y).predict(X).shape
    (4454,)
    """
    coerce_keys = ("kinds", "max_int_categories", "parse_dates", "errors")
    coerce_params = {k: cleaner_params[k] for k in coerce_keys if k in cleaner_params}
    frame = check_dataframe(X, name="X")
    steps = []
    if coerce:
        coercer = TypeCoercer(**coerce_params)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            coerced = coercer.fit_transform(frame)
        frame = check_dataframe(coerced, name="X")
        steps.append(("coerce", coercer))
    if drop_duplicates:
        steps.append(("drop_duplicates", DuplicateRemover(include_target=include_target)))
    if drop_missing_rows:
        steps.append(("drop_missing_rows", MissingRowDropper()))
    if drop_outliers:
        steps.append(
            (
                "drop_outliers",
                OutlierRemover(
                    method=outlier_method,
                    factor=outlier_factor,
                    kinds=cleaner_params.get("kinds"),
                    random_state=random_state,
                ),
            )
        )
    cleaner_params = {k: v for k, v in cleaner_params.items() if k not in coerce_keys[1:]}
    cleaner_params.setdefault("random_state", random_state)
    cleaner = make_cleaner(frame, coerce=False, **cleaner_params)
    if cleaner.impute is not None or cleaner.clip_outliers or cleaner.drop_high_missing:
        steps.append(("clean", cleaner))
    return steps
