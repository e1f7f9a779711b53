"""Exact duplicate rows."""

from __future__ import annotations

import numpy as np
from sklearn.utils._param_validation import StrOptions

from ..utils import fill_doc
from ._base import _RowFilterSampler
from ._docs import SHARED_ENTRIES

__all__ = ["DuplicateRemover"]


@fill_doc(SHARED_ENTRIES)
class DuplicateRemover(_RowFilterSampler):
    """Drop exact duplicate rows (an imbalanced-learn sampler, fit time only).

    Rows are compared value by value with :meth:`pandas.DataFrame.duplicated`,
    so two missing values count as equal. By default the target is part of
    the row: two rows with the same features but different labels are a
    label conflict, not a duplicate, and both are kept (set
    ``include_target=False`` to compare features only).

    Use it as its own top-level step of an :class:`imblearn.pipeline.Pipeline`
    (imbalanced-learn does not resample inside nested pipelines); rows are
    dropped at ``fit`` only, ``predict`` sees every row.

    Parameters
    ----------
    subset : str or list of str, default=None
        Only compare these columns (``None``: all columns; for a NumPy array the
        columns are named ``"x0"``, ``"x1"``, ...).
    keep : {"first", "last", "none"}, default="first"
        Which copy survives: the first, the last, or none of them.
    include_target : bool, default=True
        Whether the target must repeat too for a row to be a duplicate.

    Attributes
    ----------
    n_duplicates_ : int
        Number of rows dropped.
    {rows_kept}

    See Also
    --------
    sksynth.quality.assess : Reports exact and near duplicates without dropping them.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sksynth.preprocessing import DuplicateRemover
    >>> X = pd.DataFrame({"a": [1.0, 1.0, np.nan, np.nan, 1.0], "b": list("xxyyx")})
    >>> y = [0, 0, 1, 1, 1]
    >>> X_res, y_res = DuplicateRemover().fit_resample(X, y)
    >>> X_res.index.tolist()
    [0, 2, 4]
    >>> DuplicateRemover(include_target=False).fit_resample(X, y)[0].index.tolist()
    [0, 2]
    """

    _parameter_constraints: dict = {
        "subset": [str, list, tuple, None],
        "keep": [StrOptions({"first", "last", "none"})],
        "include_target": ["boolean"],
    }

    def __init__(self, *, subset=None, keep="first", include_target=True):
        self.subset = subset
        self.keep = keep
        self.include_target = include_target

    def _keep_mask(self, frame, y):
        columns = self._subset_columns(frame, self.subset)
        compared = frame[columns].copy(deep=False)
        compared.columns = range(len(columns))  # room for the target without a name clash
        if self.include_target:
            compared[len(columns)] = np.asarray(y)
        keep = False if self.keep == "none" else self.keep
        duplicated = compared.duplicated(keep=keep).to_numpy()
        self.n_duplicates_ = int(duplicated.sum())
        return ~duplicated
