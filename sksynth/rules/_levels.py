"""Level columns: the labels a rule adds to the table its generator learns.

Round values mark each row with its largest round step, point masses with
its mass, fixed combinations with the combination's number. The generator
learns such a column as a category; after sampling the rule reads each
row's level back as a position in its list of labels.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["level_codes", "level_column"]


def level_column(labels, index):
    """Return a rule's level column: its text labels as a categorical Series.

    The categories are the labels sorted as text: the encoder lays out the
    slots as it would for a text column of the same labels, and gives the
    column back as codes, which :func:`level_codes` reads without comparing
    strings row by row.
    """
    labels = np.asarray(labels, dtype=object)
    dtype = pd.CategoricalDtype(sorted(set(labels.tolist())))
    return pd.Series(pd.Categorical(labels, dtype=dtype), index=index)


def level_codes(series, labels):
    """Return the position of each row's level in ``labels``; -1 for any other value.

    A label listed twice reads as its last position.
    """
    last = {label: i for i, label in enumerate(labels)}
    if isinstance(series.dtype, pd.CategoricalDtype):  # one lookup per category
        found = [last.get(level, -1) for level in series.cat.categories]
        codes = series.cat.codes.to_numpy()
    else:
        found = list(last.values())
        codes = pd.Index(list(last), dtype=object).get_indexer(series.to_numpy(dtype=object))
    return np.append(np.asarray(found, dtype=np.int64), -1)[codes]
