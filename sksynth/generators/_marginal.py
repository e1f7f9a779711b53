"""Differentially private sampler built on measured marginals: :class:`MarginalPrivateSampler`."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from imblearn.over_sampling.base import BaseOverSampler
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted
from sklearn_compat.base import _fit_context

from ..exceptions import DataQualityWarning
from ..io._registry import register_sampler
from ..utils import warn_caller
from ..utils._privacy_accounting import (
    exponential_mechanism_rho,
    zcdp_epsilon,
)
from ._checks import (
    check_n_samples,
    output_X,
    output_y,
    remember_y,
    to_container,
)
from ._marginal_columns import DiscreteColumn, NumericColumn
from ._marginal_domain import (
    build_columns,
    measure_one_way,
    noisy_row_count,
    plan_budget,
    warn_small,
)
from ._marginal_tree import LabelledTree, MarginalTree, pair_counts, select_tree
from ._model_state import ModelFileMixin
from ._models import append_rows, check_sample_labels, resample_labels
from ._table_sampler import TableSamplerMixin

__all__ = ["MarginalPrivateSampler"]

_LABEL = "<label>"
_MAX_LABELLED_CLASSES = 10


# the fitted parts a model file stores as plain data (class name and attributes): a
# fixed set, so that loading rebuilds only these classes
_PARTS = {cls.__name__: cls for cls in (NumericColumn, DiscreteColumn, MarginalTree, LabelledTree)}


def _part_state(part):
    return {"part": type(part).__name__, "state": dict(vars(part))}


def _part_from_state(record):
    cls = _PARTS[record["part"]]
    part = cls.__new__(cls)
    part.__dict__.update(record["state"])
    return part


@register_sampler
class MarginalPrivateSampler(TableSamplerMixin, ModelFileMixin, BaseOverSampler):
    """Differentially private tables from a tree of noisy marginals (MST / AIM style).

    The sampler measures low-order marginals of the table with Gaussian noise
    and generates rows that agree with them; nothing else is learnt from the
    data, so the whole fit is ``(epsilon, delta)``-differentially private:

    1. *metadata*: numeric bounds and category lists are declared (``bounds``,
       ``categories``, pandas categories, booleans) or estimated privately
       with ``metadata_share`` of ``epsilon``; the number of rows is private
       too and measured with a small share of the budget;
    2. *one-way marginals* of every column: levels, or bins of a number placed
       where its rows are (a first, cheaper histogram between the bounds finds
       them; declared bounds may be generous);
    3. *selection* of a spanning tree of column pairs, pair by pair with the
       exponential mechanism, scoring how badly independence gets a pair
       wrong minus the noise its measurement would add;
    4. *two-way marginals* of the tree's pairs on coarser groups; fitted with
       ``y`` of at most 10 classes, *three-way* marginals (label x pair), so
       that every column's relation with the label is measured;
    5. the noisy marginals are made non-negative and consistent, and rows are
       drawn along the tree (ancestral sampling, one vectorised draw per
       column), numbers decoded through the fine one-way histogram.

    Steps 2-4 share a zCDP budget, converted to ``(epsilon, delta)`` together
    with step 1. Prefer it to the DP-SGD samplers (``dp=True``) on small and
    medium tables; DP-SGD needs far more rows per unit of epsilon.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        Which classes ``fit_resample`` over-samples and how far, as in
        imbalanced-learn.
    epsilon : float, default=1.0
        Privacy budget of the whole fit; the spent value is ``epsilon_``.
    delta : float, default=None
        Privacy budget delta, below ``1 / n_rows``; ``None``: ``1 / n_rows**2``.
    bounds : dict or "public-bounds", default=None
        ``{column: (low, high)}`` of numeric (or datetime) columns, public
        knowledge that costs no budget; values outside are clipped to the
        bounds and counted in ``clipped_``. ``"public-bounds"`` declares the
        observed minimum and maximum of every numeric column public (only when
        they are, e.g. fixed by the data's definition). Undeclared bounds are
        estimated privately.
    categories : dict, default=None
        ``{column: [levels]}`` of discrete columns, public. Pandas
        categoricals and booleans declare their levels themselves; the levels
        of other discrete columns are estimated privately (a thresholded noisy
        histogram: rare levels are never generated).
    metadata_share : float, default=0.1
        Share of ``epsilon`` (and of ``delta``) spent on undeclared bounds and
        level lists, split evenly; nothing when everything is declared.
    selection_share : float, default=0.1
        Share of the zCDP budget spent on choosing the pairs to measure.
    n_bins : int or "auto", default="auto"
        Bins of each number's one-way marginal; ``"auto"`` chooses between 8
        and 64 from the (noisy) number of rows and the budget (fewer bins,
        less noise each).
    max_levels : int, default=32
        Levels of a discrete column kept apart in the two-way marginals; the
        rarer ones are pooled (and told apart again by their one-way counts).
    random_state : int, RandomState instance or None, default=None
        Seed of the noise and of the draws; the same seed gives the same
        model and rows.

    Attributes
    ----------
    epsilon_ : float
        Epsilon spent (never above ``epsilon``).
    delta_ : float
        Delta spent.
    budget_ : dict
        The breakdown: ``"metadata"`` (epsilon and delta of each estimated
        bound or level list), ``"row_count"``, ``"selection"``, ``"one_way"``
        and ``"two_way"`` (zCDP rho and noise scale; ``"bins_sigma"``, the noise of
        the numbers' first one-way counts that place their bins), ``"rho"``
        (zCDP total).
    tree_ : list of (str, str)
        The measured pairs of columns (parent, child); ``"<label>"`` names
        the labels.
    bounds_ : dict
        Bounds used for every numeric column.
    clipped_ : dict
        Per column, the rows clipped to the bounds or holding a level that
        was not released. Exact counts, for the data owner: not private.
    classes_ : ndarray
        Class labels (fitted with ``y``), treated as public.

    See Also
    --------
    sksynth.generators.ConditionalGANSampler : DP-SGD with ``dp=True``, for
        large tables.

    References
    ----------
    McKenna, Miklau and Sheldon, "Winning the NIST Contest: A scalable and
    general approach to differentially private synthetic data", 2021 (MST).
    McKenna, Mullins, Sheldon and Miklau, "AIM: An Adaptive and Iterative
    Mechanism for Differentially Private Synthetic Data", 2022.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sksynth.generators import MarginalPrivateSampler
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"age": rng.integers(18, 90, 2000),
    ...                   "city": rng.choice(["north", "south"], 2000)})
    >>> sampler = MarginalPrivateSampler(epsilon=1.0, bounds={"age": (18, 90)},
    ...                                  categories={"city": ["north", "south"]},
    ...                                  random_state=0).fit(X)
    >>> sampler.epsilon_ <= 1.0
    True
    >>> sampler.sample(5).dtypes.tolist() == X.dtypes.tolist()
    True
    """

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "epsilon": [Interval(numbers.Real, 0, None, closed="neither")],
        "delta": [Interval(numbers.Real, 0, 1, closed="neither"), None],
        "bounds": [dict, StrOptions({"public-bounds"}), None],
        "categories": [dict, None],
        "metadata_share": [Interval(numbers.Real, 0, 1, closed="neither")],
        "selection_share": [Interval(numbers.Real, 0, 1, closed="neither")],
        "n_bins": [Interval(numbers.Integral, 2, None, closed="left"), StrOptions({"auto"})],
        "max_levels": [Interval(numbers.Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        epsilon=1.0,
        delta=None,
        bounds=None,
        categories=None,
        metadata_share=0.1,
        selection_share=0.1,
        n_bins="auto",
        max_levels=32,
        random_state=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.epsilon = epsilon
        self.delta = delta
        self.bounds = bounds
        self.categories = categories
        self.metadata_share = metadata_share
        self.selection_share = selection_share
        self.n_bins = n_bins
        self.max_levels = max_levels
        self.random_state = random_state

    def _start(self):
        """Start the randomness of a fit; return the generator of its noise."""
        self._start_randomness()
        return np.random.default_rng([self._entropy, 1])

    def _fit_model(self, frame, y):
        rng = self._start()
        plan = plan_budget(frame, y, self.get_params())
        plan["n_noisy"] = noisy_row_count(len(frame), plan, rng)
        columns, metadata, n_bins, self.bounds_ = build_columns(frame, plan, self.n_bins, rng)
        if metadata:
            warn_caller(
                f"The bounds or level lists of {sorted(metadata)} are estimated from the data "
                f"with {self.metadata_share:.0%} of the budget (zCDP rho {plan['meta_rho']:.3g} "
                f"of {plan['rho']:.3g}); declare them in bounds= / categories= to "
                "spend the whole budget on the marginals.",
                DataQualityWarning,
            )
        cells, self.clipped_ = [], {}
        for column in columns:
            codes, clipped = column.cells(frame[column.name])
            cells.append(codes)
            self.clipped_[column.name] = clipped
        if y is not None:
            label = DiscreteColumn(_LABEL, np.dtype(object), list(self.classes_), False)
            label.missing_cell = False
            label._n_values = len(self.classes_)
            columns.append(label)
            cells.append(np.searchsorted(self.classes_, y).astype(np.int64))
        warn_small(plan)
        sigma = plan["sigma"]
        noisy, n, cut_short = measure_one_way(frame, columns, cells, plan, n_bins, rng)
        if cut_short:
            warn_caller(
                f"The private estimates of the ranges of {cut_short} leave many of their rows "
                "at an end of the range, where values beyond it are clipped: the estimates "
                "are too narrow for this budget. Declare their bounds in bounds=, or raise "
                "epsilon or metadata_share.",
                DataQualityWarning,
            )
        d = len(columns)
        labelled = y is not None and d > 1 and len(self.classes_) <= _MAX_LABELLED_CLASSES
        # a number's groups for the measured pairs: about 3 sigma rows per cell on
        # average, the cells of a three-way table (label x parent x child) included
        along = len(self.classes_) if labelled else 1
        n_groups = int(np.clip(round(np.sqrt(n / (3.0 * sigma * along))), 2, 16))
        for column, counts in zip(columns, noisy, strict=True):
            groups = self.max_levels if isinstance(column, DiscreteColumn) else n_groups
            column.set_counts(counts, groups, 3.0 * sigma, n)
        groups = np.column_stack(
            [column.groups(codes) for column, codes in zip(columns, cells, strict=True)]
        )
        sizes = [column.n_groups for column in columns]
        one_way = [column.group_counts() for column in columns]
        # with few classes every column is measured together with the label (three-way
        # marginals label x parent x child); otherwise the label is one more column
        free = d - 1 if labelled else d
        epsilon_round = np.sqrt(8.0 * plan["selection_rho"] / max(free - 1, 1))
        edges = []
        if free > 1:
            edges = select_tree(
                groups[:, :free], sizes[:free], one_way[:free], n, epsilon_round, sigma, rng,
                max_cells=max(64, int(n / sigma)),
            )
        root = int(np.argmax(np.bincount(np.ravel(edges), minlength=free))) if edges else 0
        names = [c.name for c in columns]
        if labelled:
            label = groups[:, -1]
            n_classes = sizes[-1]
            root_table = pair_counts(label, groups[:, root], n_classes, sizes[root]).astype(float)
            root_table += rng.normal(scale=sigma, size=root_table.shape)
            three_way = {}
            for i, j in edges:
                flat = (label * sizes[i] + groups[:, i]) * sizes[j] + groups[:, j]
                table = np.bincount(flat, minlength=n_classes * sizes[i] * sizes[j]).astype(float)
                table = table.reshape(n_classes, sizes[i], sizes[j])
                three_way[(i, j)] = table + rng.normal(scale=sigma, size=table.shape)
            self.model_ = LabelledTree(sizes[:-1], one_way, root_table, three_way, root)
            self.tree_ = [(_LABEL, names[root])] + [
                (names[self.model_.parent[v]], names[v]) for v in self.model_.order[1:]
            ]
            edges = edges + [(d - 1, root)]
        else:
            two_way = {}
            for i, j in edges:
                table = pair_counts(groups[:, i], groups[:, j], sizes[i], sizes[j]).astype(float)
                two_way[(i, j)] = table + rng.normal(scale=sigma, size=table.shape)
            root = d - 1 if y is not None else root
            self.model_ = MarginalTree(sizes, one_way, two_way, root)
            self.tree_ = [(names[self.model_.parent[v]], names[v]) for v in self.model_.order[1:]]
        self.columns_ = columns
        measured = d + len(edges)
        spent_rho = (
            plan["meta_rho"]
            + plan["count_rho"]
            + plan["bins_rho"]
            + exponential_mechanism_rho(epsilon_round) * max(free - 1, 0)
            + measured * plan["marginal_rho"]
        )
        spent_rho = min(spent_rho, plan["rho"])  # rounding: never above the plan
        self.delta_ = float(plan["delta"])
        self.epsilon_ = float(zcdp_epsilon(spent_rho, plan["delta"] - plan["meta_delta"]))
        self.budget_ = {
            "metadata": metadata,
            "row_count": {"rho": plan["count_rho"], "sigma": plan["count_sigma"]},
            "selection": {"rho": plan["selection_rho"], "epsilon_per_pair": float(epsilon_round)},
            "one_way": {
                "rho": d * plan["marginal_rho"] + plan["bins_rho"],
                "sigma": sigma,
                "bins_sigma": plan["bins_sigma"],
            },
            "two_way": {"rho": len(edges) * plan["marginal_rho"], "sigma": sigma},
            "rho": plan["rho"],
        }
        self.n_bins_ = n_bins

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Measure the marginals of ``X`` (and ``y``) privately and build the model.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The table; mixed types and missing values are allowed.
        y : array-like of shape (n_samples,), default=None
            Class labels, modelled as one more column.

        Returns
        -------
        self : object
            The fitted sampler.
        """
        frame, y = self._prepare_fit(X, y)
        if y is None:
            self._fitted_with_y = False
        else:
            self._set_classes(y)
        self._fit_model(frame, y)
        return self

    def _check_params(self):
        """Nothing beyond ``_parameter_constraints`` (the budget is checked against the rows)."""

    def _set_classes(self, y):
        self._fitted_with_y = True
        self._y_dtype = np.asarray(y).dtype
        self.classes_ = np.unique(y)

    def _fit_resample(self, X, y):
        self._y_meta = remember_y(None)
        self._set_classes(y)
        self._fit_model(X, y)
        targets = {c: n for c, n in self.sampling_strategy_.items() if n > 0}
        labels = resample_labels(targets, np.asarray(y).dtype)
        seed = int(np.random.SeedSequence([self._entropy, 3]).generate_state(1)[0])
        new = self._generate(len(labels), labels, None, np.random.default_rng(seed))[0]
        y_res = np.concatenate([np.asarray(y), labels])
        return to_container(append_rows(X, new), self._container), y_res

    # ------------------------------------------------------------- sampling
    def _evidence(self, conditions):
        if conditions is None or (isinstance(conditions, dict) and not conditions):
            return {}, {}
        if not isinstance(conditions, dict):
            raise TypeError(
                f"conditions must be a dict {{column: value}}; got {type(conditions).__name__}."
            )
        names = [c.name for c in self.columns_]
        evidence, fixed = {}, {}
        for column, value in conditions.items():
            if column not in names or column == _LABEL:
                raise ValueError(
                    f"Unknown condition column {column!r}: not a column of the training table."
                )
            index = names.index(column)
            domain = self.columns_[index]
            if not isinstance(domain, DiscreteColumn):
                raise ValueError(
                    f"conditions[{column!r}]: only discrete columns can be fixed; {column!r} "
                    "is numeric."
                )
            if value not in domain.levels:
                raise ValueError(
                    f"conditions[{column!r}]={value!r} is not a level the model knows; its "
                    f"levels are {domain.levels[:20]}."
                )
            cell = domain.levels.index(value)
            mask = np.zeros(domain.n_groups, dtype=bool)
            mask[domain.group_of_cell[cell]] = True
            evidence[index] = mask
            fixed[column] = value
        return evidence, fixed

    def _generate(self, n_rows, labels, conditions, rng):
        evidence, fixed = self._evidence(conditions)
        root_codes = None
        if labels is not None:
            root_codes = np.searchsorted(self.classes_, labels)
        groups = self.model_.sample(n_rows, rng, evidence, root_codes)
        out, drawn = {}, None
        for index, column in enumerate(self.columns_):
            cells = column.cells_from_groups(groups[:, index], rng)
            if column.name == _LABEL:
                drawn = self.classes_[cells]
                continue
            values = column.decode(cells, rng)
            if column.name in fixed:
                values = pd.Series([fixed[column.name]] * n_rows).astype(column.dtype)
            out[column.name] = values.reset_index(drop=True)
        frame = pd.DataFrame(out, columns=[c.name for c in self.columns_ if c.name != _LABEL])
        if labels is None and self._fitted_with_y:
            labels = drawn
        return frame, labels

    def sample(self, n_samples, *, y=None, conditions=None, random_state=None):
        """Generate new rows from the fitted model.

        Parameters
        ----------
        n_samples : int
            Number of rows.
        y : label or array-like of shape (n_samples,), default=None
            Rows of this class (or one class per row); needs a sampler fitted
            with ``y``. ``None``: classes as the model has them.
        conditions : dict, default=None
            ``{column: level}`` of discrete columns every row must hold; the
            other columns follow the model's conditional distribution.
        random_state : int, RandomState instance or None, default=None
            Seed of the draws; ``None`` continues the sampler's own sequence.

        Returns
        -------
        X_new : DataFrame or ndarray of shape (n_samples, n_features)
            Same columns, dtypes and categories as the training table.
        y_new : Series or ndarray of shape (n_samples,)
            Only when fitted with ``y``.
        """
        check_is_fitted(self, "model_")
        n_samples = check_n_samples(n_samples)
        rng = np.random.default_rng(self._sample_seed(random_state))
        labels = check_sample_labels(
            y,
            n_samples,
            classes=self.classes_ if self._fitted_with_y else None,
            trained=None,
            owner=type(self).__name__,
        )
        frame, labels = self._generate(n_samples, labels, conditions, rng)
        X_new = output_X(frame, self._container)
        if not self._fitted_with_y:
            return X_new
        return X_new, output_y(labels, self._y_meta, self._y_dtype)

    # ---------------------------------------------------------- persistence
    # save and load come from ModelFileMixin, as for the other generators

    def _get_model_state(self):
        """Return what a model file stores: parameters, fitted attributes, no nets."""
        check_is_fitted(self, "model_")
        params = self.get_params(deep=False)
        state = {name: value for name, value in vars(self).items() if name not in params}
        state["columns_"] = [_part_state(column) for column in self.columns_]
        state["model_"] = _part_state(self.model_)
        return {"params": params, "state": state, "layout": "single", "nets": []}

    def _set_model_state(self, state, layout, nets, *, device=None):
        """Restore what :meth:`_get_model_state` gave, on a sampler built from its params."""
        state = dict(state)
        state["columns_"] = [_part_from_state(record) for record in state["columns_"]]
        state["model_"] = _part_from_state(state["model_"])
        self.__dict__.update(state)
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = False
        return tags
