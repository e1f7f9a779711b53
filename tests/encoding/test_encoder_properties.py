"""Property test: random mixed-type frames survive an encode/decode round trip."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sksynth.encoding import TabularEncoder

LABELS = ["a", "b", "c", "dd", "é", ""]


@st.composite
def columns(draw, n):
    """One column of n rows, of a random dtype, with or without missing values."""
    kind = draw(
        st.sampled_from(
            [
                "float",
                "int",
                "Int64",
                "float_int",
                "bool",
                "boolean",
                "object",
                "str",
                "category",
                "datetime",
                "datetime_tz",
            ]
        )
    )
    holes = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    holes = np.array(holes) & draw(st.booleans())  # about half the columns complete
    holes[draw(st.integers(0, n - 1))] = False  # never all missing
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    if kind in ("float", "int", "Int64", "float_int"):
        values = draw(
            st.lists(
                st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False),
                min_size=n,
                max_size=n,
            )
        )
        values = np.asarray(values)
        if kind == "float":
            return pd.Series(np.where(holes, np.nan, values))
        values = np.round(values)
        if kind == "int":
            return pd.Series(values.astype(np.int64))
        if kind == "Int64":
            return pd.Series(pd.array(np.where(holes, np.nan, values), dtype="Int64"))
        return pd.Series(np.where(holes, np.nan, values))
    if kind in ("bool", "boolean"):
        values = rng.random(n) < draw(st.floats(0, 1))
        if kind == "bool":
            return pd.Series(values)
        return pd.Series(pd.array(np.where(holes, None, values), dtype="boolean"))
    if kind in ("object", "str", "category"):
        levels = draw(st.lists(st.sampled_from(LABELS), min_size=1, max_size=5, unique=True))
        values = np.array(draw(st.lists(st.sampled_from(levels), min_size=n, max_size=n)))
        values = np.where(holes, None, values).astype(object)
        if kind == "object":
            return pd.Series(values, dtype=object)
        if kind == "str":
            return pd.Series(values, dtype="str")
        extra = draw(st.lists(st.sampled_from(["zz", "yy"]), max_size=2, unique=True))
        return pd.Series(pd.Categorical(values, categories=levels + extra))
    step = draw(st.sampled_from(["s", "h", "D"]))
    offsets = rng.integers(0, 10_000, n).astype(f"timedelta64[{step}]")
    stamps = pd.Series(np.datetime64("2015-06-01T00:00:00", "s") + offsets)
    stamps = stamps.where(~holes)
    if kind == "datetime_tz":
        stamps = stamps.dt.tz_localize("UTC").dt.tz_convert("America/New_York")
    return stamps


@st.composite
def frames(draw):
    n = draw(st.integers(3, 30))
    n_columns = draw(st.integers(1, 5))
    return pd.DataFrame({f"c{j}": draw(columns(n)) for j in range(n_columns)})


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(X=frames(), continuous=st.sampled_from(["mode", "quantile"]))
def test_random_frames_round_trip(X, continuous):
    before = X.copy(deep=True)
    enc = TabularEncoder(continuous=continuous, random_state=0).fit(X)
    Z = enc.transform(X)
    assert Z.shape == (len(X), enc.n_features_out_)
    assert np.isfinite(Z).all()
    R = enc.inverse_transform(Z)
    pd.testing.assert_frame_equal(X, before)
    assert list(R.columns) == list(X.columns)
    for col in X.columns:
        a, b = X[col], R[col]
        assert b.dtype == a.dtype, col
        np.testing.assert_array_equal(b.isna().to_numpy(), a.isna().to_numpy())
        if enc.column_kinds_[col] == "continuous":
            x = a.to_numpy(dtype=float, na_value=np.nan)
            y = b.to_numpy(dtype=float, na_value=np.nan)
            present = ~np.isnan(x)
            spread = np.ptp(x[present]) + 1e-9
            tolerance = 1e-4 if continuous == "mode" else 5e-2
            assert np.all(np.abs(y[present] - x[present]) <= tolerance * spread), col
            assert y[present].min() >= x[present].min()
            assert y[present].max() <= x[present].max()
        elif enc.column_kinds_[col] == "integer" and continuous == "quantile":
            # Rounded, inside the range, and nearly always exact.
            x = a.to_numpy(dtype=float, na_value=np.nan)
            y = b.to_numpy(dtype=float, na_value=np.nan)
            present = ~np.isnan(x)
            assert np.all(y[present] == np.round(y[present]))
            assert np.all(np.abs(y[present] - x[present]) <= 0.05 * np.ptp(x[present]) + 0.5)
        else:
            pd.testing.assert_series_equal(b, a, obj=col)
