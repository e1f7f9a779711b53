"""Column kinds from dtypes and values (sksynth.utils._kinds)."""

import numpy as np
import pandas as pd
import pytest

from sksynth.utils import infer_column_kind
from sksynth.utils._kinds import kind_of_dtype


@pytest.mark.parametrize(
    "column, from_dtype, from_values",
    [
        (pd.Series([True, False]), "boolean", "boolean"),
        (pd.Series(pd.array([True, None], dtype="boolean")), "boolean", "boolean"),
        (pd.Series(pd.to_datetime(["2020-01-01", None])), "datetime", "datetime"),
        (pd.Series(["a", "b"], dtype="category"), "categorical", "categorical"),
        (pd.Series(pd.array([1, None], dtype="Int64")), "integer", "integer"),
        (pd.Series([1.0, np.nan, 3.0]), "continuous", "integer"),
        (pd.Series([1.5, 2.0]), "continuous", "continuous"),
        (pd.Series([True, None, False], dtype=object), "categorical", "boolean"),
        (pd.Series(["x", "y"], dtype="string"), "categorical", "categorical"),
    ],
)
def test_values_refine_only_floats_and_objects(column, from_dtype, from_values):
    assert kind_of_dtype(column.dtype) == from_dtype
    assert infer_column_kind(column) == from_values
