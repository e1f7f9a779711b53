"""The reversible tabular encoder shared by every generator."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted
from sklearn_compat.base import _fit_context

from ..utils import (
    as_generator,
    check_dataframe,
    check_no_inf,
    check_same_columns,
    infer_column_kinds,
)
from ._columns import learns_levels, make_codec, missing_mask
from ._normalisers import choose_slots
from ._spans import RareLevels, Span

__all__ = ["TabularEncoder"]


def _check_table(X):
    """Validate a table for fit or transform; return it as a DataFrame."""
    frame = check_dataframe(X)
    check_no_inf(frame)
    return frame


def _n_unique(series, kind):
    """Count the distinct values of an integer column (0 for other kinds: unused)."""
    return series.nunique(dropna=True) if kind == "integer" else 0


class TabularEncoder(TransformerMixin, BaseEstimator):
    """Reversible encoding of a mixed-type table for generative models.

    Every column becomes one or more *spans* of encoded columns, recorded once
    in :attr:`output_spans_`:

    * continuous, integer and datetime columns: with ``continuous="mode"``, a
      ``"continuous"`` span (``tanh``) holding the value normalised inside its
      mode, ``(x - mu_k) / (4 sigma_k)`` clipped to ``[-1, 1]``, then a
      ``"component"`` span (``softmax``), the one-hot of the mode ``k``. The
      modes are those of a :class:`~sklearn.mixture.BayesianGaussianMixture`
      (Dirichlet-process prior, concentration 0.001, at most ``n_modes``
      components, those weighing more than ``weight_threshold`` kept; 50
      variational iterations) fitted on at most ``max_fit_samples`` values.
      Where the kept modes leave training values outside every mode's window
      of 4 standard deviations (outliers, sparse tails), each such stretch
      gets one extra mode covering it, so no training value is clipped. Each
      value's mode is *drawn* from its posterior over the modes, as CTGAN
      does, so that overlapping modes share the values between them; the
      draws come from a seed fixed at ``fit``, so ``transform`` of the same
      table gives the same output. With
      ``continuous="quantile"``, one ``"continuous"`` span (``identity``) holds
      the value mapped to a standard normal by a
      :class:`~sklearn.preprocessing.QuantileTransformer`: faster and
      deterministic row by row.
    * categorical (``category``, ``object``, ``str``) and boolean columns, and
      integer columns with at most ``discrete_integer_threshold`` distinct
      values (a count of children, a loan term): a ``"discrete"`` span
      (``softmax``), the one-hot of the observed levels; its ``categories``
      give the level of each slot. Rare levels share one slot (see
      ``rare_threshold`` and ``max_categories``), whose category is a
      :class:`RareLevels`; decoding that slot draws one of the grouped levels
      in proportion to its training frequency.
    * a column with missing values (NaN, None, ``pd.NA``, NaT) at ``fit``
      gets a ``"missing"`` span (``softmax``): two slots ``[present,
      missing]``. A missing row holds 0 in the value span and the most
      weighted mode in the component span, and all zeros in a discrete span
      (so a discrete slot always means that level is present). Decoding puts
      the missing value back where the missing slot wins, which reproduces
      the real missing rate when a generator learns that span.

    The spans of one column are contiguous, in the order value or discrete
    span, component span, missing span. Datetimes (time-zone aware or not) are
    encoded as integer counts of their unit since the epoch, in UTC.

    Parameters
    ----------
    continuous : {"mode", "quantile"}, default="mode"
        How continuous, integer and datetime columns are normalised. Note that
        ``"quantile"`` keeps the fitted quantiles, which are training values
        (all of them when a column has fewer rows than quantiles), so a model
        fitted with it carries some real values; ``"mode"`` keeps only mixture
        parameters.
    n_modes : int, default=10
        Most modes of a column with ``continuous="mode"``.
    weight_threshold : float, default=0.005
        Mixture components weighing this much or less are dropped.
    max_categories : int or None, default=None
        Most slots of a discrete span, the rare slot included: beyond it, the
        least frequent levels join the rare slot. ``None``: no limit.
    rare_threshold : int or float, default=0.001
        Levels seen fewer times than this (an int: a count) or less often
        than this fraction of the non-missing rows (a float) join the rare
        slot; a rare group needs at least two levels (a single rare level
        keeps its own slot). A float ``t`` bounds the regular slots to
        ``1 / t``; this is what keeps a column of thousands of levels small.
    discrete_integer_threshold : int, default=20
        Integer columns with at most this many distinct values are encoded
        as discrete columns (their exact values come back); ``0`` encodes
        every integer column as a number.
    max_fit_samples : int, default=2000
        The mixture (or quantiles) of a column is fitted on a random
        subsample of at most this many values; this bounds ``fit``'s time.
    column_kinds : dict of str to str, default=None
        Kinds (see :data:`sksynth.utils.KINDS`) that replace the inferred
        ones, by column, e.g. ``{"zip": "categorical"}``.
    random_state : int, numpy.random.Generator, RandomState or None, default=None
        Drives the subsamples, the mixtures and the draws of modes in
        ``transform``.

    Attributes
    ----------
    output_spans_ : list of Span
        The layout of the encoded table, in encoded column order.
    n_features_out_ : int
        Number of encoded columns.
    feature_names_in_ : ndarray of object
        The column names seen during ``fit``.
    n_features_in_ : int
        Number of columns seen during ``fit``.
    column_kinds_ : dict of str to str
        The kind of each column.
    discrete_columns_ : list of str
        The columns encoded by a ``"discrete"`` span (valid conditions for a
        conditional generator).

    See Also
    --------
    sksynth.utils.infer_column_kinds : How the kinds are inferred.

    Notes
    -----
    Input rules: missing values are allowed; an infinite value, a column
    with no value at all, or a categorical column that looks like an
    identifier (more than 50 distinct values, over 90% of its rows unique)
    raise a ``ValueError`` naming the column. An ``object`` column mixing
    Python types is categorical and keeps its values as they are (``1`` and
    ``"1"`` are two levels). In ``transform``, a level not seen during
    ``fit`` is encoded as an all-zero discrete span (with a
    :class:`~sksynth.exceptions.DataQualityWarning`), and a missing value in
    a column that had none at ``fit`` raises a ``ValueError``.

    The fitted encoder keeps no training row: only levels and their
    frequencies, ranges and normaliser parameters.

    References
    ----------
    .. [1] L. Xu, M. Skoularidou, A. Cuesta-Infante, K. Veeramachaneni.
       "Modeling Tabular data using Conditional GAN". NeurIPS 2019.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.encoding import TabularEncoder
    >>> X = pd.DataFrame({"x": [0.5, 1.5, 2.5, 3.5], "c": ["a", "b", "a", None]})
    >>> encoder = TabularEncoder(random_state=0).fit(X)
    >>> [(s.column, s.kind, s.size) for s in encoder.output_spans_]
    [('x', 'continuous', 1), ('x', 'component', 1), ('c', 'discrete', 2), ('c', 'missing', 2)]
    >>> Z = encoder.transform(X)
    >>> Z.shape
    (4, 6)
    >>> encoder.inverse_transform(Z).round(6).equals(X)
    True
    """

    _parameter_constraints: dict = {
        "continuous": [StrOptions({"mode", "quantile"})],
        "n_modes": [Interval(Integral, 1, None, closed="left")],
        "weight_threshold": [Interval(Real, 0, 1, closed="left")],
        "max_categories": [Interval(Integral, 2, None, closed="left"), None],
        "rare_threshold": [
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0, 1, closed="left"),
        ],
        "discrete_integer_threshold": [Interval(Integral, 0, None, closed="left")],
        "max_fit_samples": [Interval(Integral, 10, None, closed="left")],
        "column_kinds": [dict, None],
        "random_state": ["random_state", np.random.Generator],
    }

    def __init__(
        self,
        *,
        continuous="mode",
        n_modes=10,
        weight_threshold=0.005,
        max_categories=None,
        rare_threshold=0.001,
        discrete_integer_threshold=20,
        max_fit_samples=2000,
        column_kinds=None,
        random_state=None,
    ):
        self.continuous = continuous
        self.n_modes = n_modes
        self.weight_threshold = weight_threshold
        self.max_categories = max_categories
        self.rare_threshold = rare_threshold
        self.discrete_integer_threshold = discrete_integer_threshold
        self.max_fit_samples = max_fit_samples
        self.column_kinds = column_kinds
        self.random_state = random_state

    # ------------------------------------------------------------------ fit

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the encoding of every column of ``X``.

        Parameters
        ----------
        X : pandas.DataFrame or array-like of shape (n_samples, n_features)
            The table; an array gets the column names ``x0``, ``x1``, ...
        y : None
            Ignored.

        Returns
        -------
        self : TabularEncoder
            The fitted encoder.
        """
        frame = _check_table(X)
        kinds = infer_column_kinds(frame, overrides=self.column_kinds)
        rng = as_generator(self.random_state)
        params = self.get_params()
        codecs, has_missing = [], []
        for column, kind in kinds.items():
            series = frame[column]
            missing = missing_mask(series)
            if missing.all():
                raise ValueError(
                    f"Column {column!r} has no value (all {missing.size} rows are "
                    "missing); drop it before fitting."
                )
            self._check_kind(column, kind, series)
            codec = make_codec(column, kind, _n_unique(series, kind), params)
            codec.fit(series, missing, np.random.default_rng(rng.integers(2**63)))
            codecs.append(codec)
            has_missing.append(bool(missing.any()))
        self._codecs = codecs
        self._has_missing = has_missing
        self._transform_seed = int(rng.integers(2**63))
        self.feature_names_in_ = np.asarray(list(frame.columns), dtype=object)
        self.n_features_in_ = frame.shape[1]
        self.column_kinds_ = kinds
        self._build_layout()
        return self

    def level_columns(self, X):
        """Return the columns of ``X`` that this encoder would one-hot encode.

        Categorical and boolean columns, and integer columns with at most
        ``discrete_integer_threshold`` distinct values: their exact values
        come back from the one-hot. Needs no fit; a fit on ``X`` gives the
        same columns in :attr:`discrete_columns_`.

        Parameters
        ----------
        X : pandas.DataFrame or array-like of shape (n_samples, n_features)
            The table.

        Returns
        -------
        columns : list of str

        Examples
        --------
        >>> import pandas as pd
        >>> from sksynth.encoding import TabularEncoder
        >>> X = pd.DataFrame({"children": [0, 1, 2, 1], "income": [1.5, 2.5, 3.0, 2.0]})
        >>> TabularEncoder().level_columns(X)
        ['children']
        """
        frame = _check_table(X)
        kinds = infer_column_kinds(frame, overrides=self.column_kinds)
        params = self.get_params()
        return [
            column for column, kind in kinds.items()
            if learns_levels(kind, _n_unique(frame[column], kind), params)
        ]

    @staticmethod
    def _check_kind(column, kind, series):
        is_datetime = pd.api.types.is_datetime64_any_dtype(series.dtype)
        if kind == "datetime" and not is_datetime:
            raise TypeError(
                f"Column {column!r} has the kind 'datetime' but the dtype "
                f"{series.dtype}; convert it with pandas.to_datetime first."
            )
        if kind in ("continuous", "integer") and is_datetime:
            raise TypeError(
                f"Column {column!r} holds datetimes; its kind must be 'datetime' "
                f"or 'categorical', not {kind!r}."
            )

    def _build_layout(self):
        spans, column_spans, start = [], [], 0
        for codec, has_missing in zip(self._codecs, self._has_missing):
            parts = list(codec.layout())
            if has_missing:
                parts.append(("missing", 2, "softmax", ()))
            own = []
            for kind, size, activation, categories in parts:
                own.append(Span(codec.column, kind, start, start + size, activation, categories))
                start += size
            spans.extend(own)
            column_spans.append(own)
        self.output_spans_ = spans
        self._column_spans = column_spans
        self.n_features_out_ = start
        self.discrete_columns_ = [s.column for s in spans if s.kind == "discrete"]

    # ------------------------------------------------------------ transform

    def transform(self, X):
        """Encode a table.

        Parameters
        ----------
        X : pandas.DataFrame or array-like of shape (n_samples, n_features)
            A table with the columns seen during ``fit``, in the same order.

        Returns
        -------
        Z : ndarray of float32 of shape (n_samples, `n_features_out_`)
            The encoded table, laid out as :attr:`output_spans_` says.
        """
        check_is_fitted(self)
        frame = _check_table(X)
        if frame.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {frame.shape[1]} features, but TabularEncoder is expecting "
                f"{self.n_features_in_} features as input."
            )
        check_same_columns(frame, self.feature_names_in_)
        Z = np.empty((frame.shape[0], self.n_features_out_), dtype=np.float32)
        for j, (codec, spans) in enumerate(zip(self._codecs, self._column_spans)):
            series = frame[codec.column]
            missing = missing_mask(series)
            rng = np.random.default_rng([self._transform_seed, j])
            if self._has_missing[j]:
                *spans, missing_span = spans
                Z[:, missing_span.start] = ~missing
                Z[:, missing_span.start + 1] = missing
            elif missing.any():
                raise ValueError(
                    f"Column {codec.column!r} has {int(missing.sum())} missing value(s) "
                    "but had none during fit; the encoder has no missing span for it. "
                    "Fit on data with missing values in this column, or impute them."
                )
            Z[:, spans[0].start : spans[-1].stop] = codec.transform(series, missing, rng)
        return Z

    def inverse_transform(self, Z, *, random_state=None, sample_discrete=False):
        """Decode an encoded (or generated) table back to the original columns.

        Parameters
        ----------
        Z : array-like of shape (n_samples, `n_features_out_`)
            Activated generator output or :meth:`transform` output: values in
            the continuous spans (``tanh`` spans are clipped to ``[-1, 1]``),
            scores or probabilities in the softmax spans.
        random_state : int, numpy.random.Generator, RandomState or None, default=None
            Drives the draws among rare levels (and of every softmax span
            when ``sample_discrete``); ``None`` draws fresh entropy.
        sample_discrete : bool, default=False
            Whether softmax spans (discrete, component, missing) are decoded
            by drawing a slot in proportion to its scores instead of the
            argmax.

        Returns
        -------
        X : pandas.DataFrame of shape (n_samples, `n_features_in_`)
            The columns seen during ``fit``, in order, with their dtypes
            (categories included); integers rounded; values clipped to the
            training range; missing values where the missing span says so.
        """
        return self._inverse_transform(Z, random_state, sample_discrete, one_hot=False)

    def _inverse_transform(self, Z, random_state, sample_discrete, one_hot):
        """Decode as :meth:`inverse_transform` does.

        With ``one_hot``, every softmax span of ``Z`` is known to be an exact
        one-hot (generated draws) and is read without an argmax (see
        ``choose_slots``).
        """
        check_is_fitted(self)
        Z = self._check_encoded(Z)
        rng = as_generator(random_state)
        seeds = rng.integers(2**63, size=len(self._codecs))
        columns = {}
        for codec, spans, has_missing, seed in zip(
            self._codecs, self._column_spans, self._has_missing, seeds
        ):
            column_rng = np.random.default_rng(seed)
            missing = np.zeros(Z.shape[0], dtype=bool)
            if has_missing:
                *spans, missing_span = spans
                scores = Z[:, missing_span.slice]
                choice = choose_slots(
                    scores, column_rng if sample_discrete else None, one_hot
                )
                missing = choice == 1
            block = Z[:, spans[0].start : spans[-1].stop]
            series = codec.inverse_transform(
                block, missing, column_rng, sample_discrete, one_hot
            )
            columns[codec.column] = series.reset_index(drop=True)
        frame = pd.DataFrame(columns)
        frame.columns = pd.Index(list(self.feature_names_in_))
        return frame

    def _check_encoded(self, Z):
        Z = np.asarray(Z)
        if not (np.issubdtype(Z.dtype, np.number) or Z.dtype == bool):
            raise TypeError(f"Z must be a numeric array; got dtype {Z.dtype}.")
        if Z.ndim != 2 or Z.shape[1] != self.n_features_out_:
            raise ValueError(
                f"Z must have shape (n_samples, {self.n_features_out_}) (n_features_out_); "
                f"got {Z.shape}."
            )
        bad = ~np.isfinite(Z).all(axis=0)
        if bad.any():
            columns = sorted(
                {s.column for s in self.output_spans_ if bad[s.start : s.stop].any()}, key=str
            )
            raise ValueError(
                f"Z holds NaN or infinite values in the spans of column(s) {columns}; "
                "a generator producing them has diverged."
            )
        return Z

    # ------------------------------------------------------------- metadata

    def get_feature_names_out(self, input_features=None):
        """Names of the encoded columns, e.g. ``income.value``, ``home=rent``.

        Parameters
        ----------
        input_features : None
            Ignored; the names seen during ``fit`` are used.

        Returns
        -------
        names : ndarray of object of shape (`n_features_out_`,)
        """
        check_is_fitted(self)
        names = []
        for span in self.output_spans_:
            column = str(span.column)
            if span.kind == "continuous":
                names.append(f"{column}.value")
            elif span.kind == "component":
                names.extend(f"{column}.mode{k}" for k in range(span.size))
            elif span.kind == "missing":
                names.extend([f"{column}.present", f"{column}.missing"])
            else:
                names.extend(
                    f"{column}=<rare>" if isinstance(c, RareLevels) else f"{column}={c}"
                    for c in span.categories
                )
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        tags.input_tags.sparse = True  # densified on input
        tags.transformer_tags.preserves_dtype = []
        # Modes are drawn row by row: a row's code depends on the rows around it.
        tags.non_deterministic = self.continuous == "mode"
        return tags
