"""The model-input step: scale numbers, encode categories, by column kind."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import TransformerMixin, clone
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    MinMaxScaler,
    OneHotEncoder,
    OrdinalEncoder,
    RobustScaler,
    StandardScaler,
)

from ..utils import check_dataframe, check_no_inf, infer_column_kinds

__all__ = ["make_encoder"]

_SCALERS = {"standard": StandardScaler, "minmax": MinMaxScaler, "robust": RobustScaler}
_EPOCH = pd.Timestamp(0, tz="UTC")


def booleans_to_float(X):
    """Turn boolean columns (plain, nullable or object) into a float array: 0.0/1.0, NaN.

    A missing value becomes NaN; the array has the shape of ``X``.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.preprocessing._encoder import booleans_to_float
    >>> booleans_to_float(pd.DataFrame({"a": pd.array([True, None], dtype="boolean")}))
    array([[ 1.],
           [nan]])
    """
    return pd.DataFrame(X).astype("Float64").to_numpy(dtype="float64", na_value=np.nan)


def datetimes_to_seconds(X):
    """Turn datetime columns into a float array of seconds since 1970-01-01 UTC.

    Naive datetimes are read as UTC and a missing value becomes NaN; the array
    has the shape of ``X``.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.preprocessing._encoder import datetimes_to_seconds
    >>> datetimes_to_seconds(pd.DataFrame({"d": pd.to_datetime(["1970-01-02"])}))
    array([[86400.]])
    """
    frame = pd.DataFrame(X)
    seconds = {
        col: (pd.to_datetime(frame[col], utc=True) - _EPOCH).dt.total_seconds()
        for col in frame.columns
    }
    return pd.DataFrame(seconds, index=frame.index).to_numpy(dtype="float64", na_value=np.nan)


def categories_as_objects(X):
    """Make categorical columns safe for scikit-learn's encoders.

    Each column becomes ``object`` with every missing value (``None``,
    ``pd.NA``, ``NaN``) as ``NaN``; a column that mixes Python types (``1``
    and ``"a"``) has its values turned into strings, which the encoders need
    (``1`` and ``"1"`` then become one category). The result is a new
    DataFrame; ``X`` is not changed.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.preprocessing._encoder import categories_as_objects
    >>> X = pd.DataFrame({"a": pd.array(["x", None], dtype="string"), "b": [1, "y"]})
    >>> categories_as_objects(X).to_numpy().tolist()
    [['x', '1'], [nan, 'y']]
    """
    frame = pd.DataFrame(X)
    columns = {}
    for col in frame.columns:
        values = frame[col].astype(object)
        missing = values.isna().to_numpy()
        if pd.api.types.infer_dtype(values, skipna=True) in ("mixed", "mixed-integer"):
            values = values.astype(str)
        values = values.where(~missing, np.nan)
        columns[col] = values
    return pd.DataFrame(columns, index=frame.index, columns=frame.columns)


def _make_scaler(scale):
    if scale is None or scale == "passthrough":
        return "passthrough"
    if isinstance(scale, str):
        if scale not in _SCALERS:
            raise ValueError(
                f"scale must be one of {sorted(_SCALERS)}, 'passthrough', None or a "
                f"transformer; got {scale!r}."
            )
        return _SCALERS[scale]()
    if not isinstance(scale, TransformerMixin) and not hasattr(scale, "transform"):
        raise TypeError(f"scale must be a string, None or a transformer; got {scale!r}.")
    return clone(scale)


def _make_categorical(categorical, min_frequency, max_categories):
    if categorical == "onehot":
        return OneHotEncoder(
            handle_unknown="infrequent_if_exist" if min_frequency or max_categories else "ignore",
            sparse_output=False,
            min_frequency=min_frequency,
            max_categories=max_categories,
        )
    if categorical == "ordinal":
        return OrdinalEncoder(
            handle_unknown="use_encoded_value",
            unknown_value=-1,
            min_frequency=min_frequency,
            max_categories=max_categories,
        )
    raise ValueError(f"categorical must be 'onehot' or 'ordinal'; got {categorical!r}.")


def make_encoder(
    X,
    *,
    kinds=None,
    scale="standard",
    categorical="onehot",
    min_frequency=None,
    max_categories=None,
):
    """Build the model-input step: a ColumnTransformer that encodes by column kind.

    Numeric columns (``"continuous"``, ``"integer"``) are scaled; categorical
    columns are one-hot encoded (unknown categories at transform: all zeros)
    or ordinal encoded (unknown: ``-1``); boolean columns become 0/1; datetime
    columns become seconds since 1970 and are then scaled. Columns are picked
    by *name* for a DataFrame (by position for an array), and output names are
    short (``verbose_feature_names_out=False``). Columns that ``X`` lacks but
    the fitted table has are passed through unchanged.

    Missing values survive encoding (NaN for numbers, a category of their own
    for one-hot, NaN for ordinal), which suits
    :class:`~sklearn.ensemble.HistGradientBoostingClassifier`; for models that
    reject NaN, put :func:`make_cleaner` (or a generator's output) first.

    Parameters
    ----------
    X : {array-like, DataFrame} of shape (n_samples, n_features)
        A sample of the table that will be encoded (its columns and kinds).
    kinds : dict of str to str, default=None
        Kinds forced by column name; the others are inferred.
    scale : {"standard", "minmax", "robust", "passthrough"}, None or transformer, \
            default="standard"
        The scaler of numeric (and datetime) columns; a transformer instance is
        cloned.
    categorical : {"onehot", "ordinal"}, default="onehot"
        The encoding of categorical columns.
    min_frequency : int or float, default=None
        Passed to the categorical encoder (rare categories grouped together).
    max_categories : int, default=None
        Passed to the categorical encoder.

    Returns
    -------
    encoder : sklearn.compose.ColumnTransformer
        The unfitted encoder (dense output).

    See Also
    --------
    make_cleaner : The cleaning step that usually comes before.

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.preprocessing import make_encoder
    >>> df = pd.DataFrame({"age": [30, 40, 50], "job": ["a", "b", "a"], "ok": [True, False, True]})
    >>> encoder = make_encoder(df)
    >>> encoder.fit_transform(df).shape
    (3, 4)
    >>> encoder.get_feature_names_out().tolist()
    ['age', 'job_a', 'job_b', 'ok']
    """
    frame = check_dataframe(X, name="X")
    check_no_inf(frame)
    resolved = infer_column_kinds(frame, overrides=kinds)
    by_name = isinstance(X, pd.DataFrame)
    position = {col: i for i, col in enumerate(frame.columns)}

    def select(wanted):
        cols = [c for c, k in resolved.items() if k in wanted]
        return cols if by_name else [position[c] for c in cols]

    transformers = []
    numeric = select(("continuous", "integer"))
    if numeric:
        transformers.append(("numeric", _make_scaler(scale), numeric))
    labels = select(("categorical",))
    if labels:
        as_objects = FunctionTransformer(categories_as_objects, feature_names_out="one-to-one")
        encoder = _make_categorical(categorical, min_frequency, max_categories)
        transformers.append(("categorical", make_pipeline(as_objects, encoder), labels))
    flags = select(("boolean",))
    if flags:
        transformers.append(
            (
                "boolean",
                FunctionTransformer(booleans_to_float, feature_names_out="one-to-one"),
                flags,
            )
        )
    dates = select(("datetime",))
    if dates:
        to_seconds = FunctionTransformer(datetimes_to_seconds, feature_names_out="one-to-one")
        transformers.append(("datetime", make_pipeline(to_seconds, _make_scaler(scale)), dates))
    return ColumnTransformer(
        transformers,
        remainder="passthrough",
        sparse_threshold=0.0,
        verbose_feature_names_out=False,
    )
