"""Per-column statistics of :func:`sksynth.quality.assess`: the column table, outliers, histograms.

Everything here is vectorised over rows; loops run over columns only.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..utils import iqr_fences

__all__: list[str] = []

NUMERIC_KINDS = ("continuous", "integer")
PLACEHOLDERS = frozenset({"", "?", "-", "--", "na", "n/a", "nan", "null", "none", "missing"})
_N_BINS = 30
_N_TOP = 10


def numeric_block(frame: pd.DataFrame, kinds: dict) -> pd.DataFrame:
    """Return the continuous and integer columns as float64 (missing as NaN, inf kept)."""
    columns = {}
    for col, kind in kinds.items():
        if kind not in NUMERIC_KINDS:
            continue
        values = frame[col]
        if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(
            values.dtype
        ):
            columns[col] = values.to_numpy(dtype="float64", na_value=np.nan)
            continue
        converted = pd.to_numeric(values, errors="coerce")
        bad = converted.isna() & values.notna()
        if bad.any():
            example = values[bad].iloc[0]
            raise ValueError(
                f"Column {col!r} has kind {kind!r} but holds values that are not numbers "
                f"(e.g. {example!r}, {int(bad.sum())} in all); coerce it first "
                "(sksynth.preprocessing) or give it the kind 'categorical'."
            )
        columns[col] = converted.to_numpy(dtype="float64", na_value=np.nan)
    return pd.DataFrame(columns, index=frame.index)


def _skew(values: np.ndarray) -> np.ndarray:
    """Return the adjusted Fisher-Pearson skewness of every column, ignoring NaN."""
    present = ~np.isnan(values)
    count = present.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(present, values, 0.0).sum(axis=0) / count
        dev = np.where(present, values - mean, 0.0)
        sq = dev * dev
        m2 = sq.sum(axis=0) / count
        m3 = (sq * dev).sum(axis=0) / count
        skew = m3 / m2**1.5 * np.sqrt(count * (count - 1.0)) / (count - 2.0)
    tiny = m2 <= 1e-14 * np.maximum(mean**2, 1e-300)
    return np.where((count > 2) & ~tiny, skew, np.nan)


def _numeric_summary(block: pd.DataFrame, iqr_factor: float) -> tuple[pd.DataFrame, np.ndarray]:
    """Statistics and Tukey-fence outliers of the numeric columns (inf left out)."""
    values = block.to_numpy(dtype="float64", copy=True)
    infinite = np.isinf(values)
    values[infinite] = np.nan
    present = ~np.isnan(values)
    n_present = present.sum(axis=0)
    empty = n_present == 0
    probe = values.copy()
    probe[:, empty] = 0.0  # all-missing columns get placeholder statistics, masked below
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # one-value columns: no std
        # no spread between the quartiles: NaN fences; skewed non-negative: log scale
        lower, upper, log_scale = iqr_fences(values, iqr_factor)
        outlying = present & ((values < lower) | (values > upper))
        n_outliers = outlying.sum(axis=0)
        summary = pd.DataFrame(
            {
                "n_infinite": infinite.sum(axis=0),
                "mean": np.nanmean(probe, axis=0),
                "std": np.nanstd(probe, axis=0, ddof=1) if len(values) > 1 else np.nan,
                "min": np.nanmin(probe, axis=0),
                "max": np.nanmax(probe, axis=0),
                "skew": _skew(probe),
                "lower_fence": lower,
                "upper_fence": upper,
                "log_fences": log_scale,
                "n_outliers": n_outliers,
                "outlier_share": n_outliers / np.maximum(n_present, 1),
            },
            index=block.columns,
        )
    stats = ["mean", "std", "min", "max", "lower_fence", "upper_fence", "outlier_share"]
    summary.loc[empty, stats] = np.nan
    summary.loc[np.isnan(lower), "outlier_share"] = np.nan
    return summary, outlying


def _placeholders(values: pd.Series) -> int:
    """Count strings that look like a missing-value placeholder ("?", "N/A", "")."""
    counts = values.value_counts(dropna=True)
    if counts.empty:
        return 0
    labels = pd.Index(counts.index)
    is_text = labels.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    if not is_text.any():
        return 0
    norm = pd.Index(labels[is_text].astype(str)).str.strip().str.lower()
    return int(counts.to_numpy()[is_text][norm.isin(PLACEHOLDERS)].sum())


def _top(values: pd.Series) -> tuple[object, float, pd.Series]:
    counts = values.value_counts(dropna=True)
    if counts.empty:
        return None, np.nan, counts
    return counts.index[0], counts.iloc[0] / counts.sum(), counts.head(_N_TOP)


def _is_id_like(values: pd.Series, kind: str, n_unique: int, n_present: int, threshold: float):
    if n_present < 20 or n_unique < threshold * n_present:
        return False
    if kind == "categorical":
        return True
    if kind == "integer":  # a dense run of whole numbers, as row numbers and keys are
        numbers_ = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        finite = numbers_[np.isfinite(numbers_)]
        return bool(finite.size) and (finite.max() - finite.min() + 1) <= 2 * n_unique
    return False


def column_summary(frame, kinds, block, iqr_factor, id_threshold):
    n = len(frame)
    n_missing = frame.isna().sum()
    n_unique = frame.nunique(dropna=True)
    numeric, outlying = _numeric_summary(block, iqr_factor)
    tops, top_values = {}, {}
    for col, kind in kinds.items():
        if kind in ("categorical", "boolean") or col not in block.columns:
            top, share, counts = _top(frame[col])
            tops[col] = (top, share)
            if kind in ("categorical", "boolean"):
                top_values[col] = counts
        else:
            values = block[col]
            counts = values[np.isfinite(values)].value_counts()
            tops[col] = (
                (counts.index[0], counts.iloc[0] / counts.sum()) if len(counts) else (None, np.nan)
            )
    present = n - n_missing
    summary = pd.DataFrame(
        {
            "kind": pd.Series(kinds),
            "dtype": frame.dtypes.astype(str),
            "n_missing": n_missing,
            "missing_rate": n_missing / n,
            "n_unique": n_unique,
            "unique_ratio": (n_unique / present.where(present > 0)).astype("float64"),
            "top": pd.Series({c: t[0] for c, t in tops.items()}, dtype=object),
            "top_share": pd.Series({c: t[1] for c, t in tops.items()}, dtype="float64"),
        },
        index=frame.columns,
    )
    summary = summary.join(numeric)
    summary["n_infinite"] = summary["n_infinite"].fillna(0).astype("int64")
    summary["n_outliers"] = summary["n_outliers"].fillna(0).astype("int64")
    summary["n_placeholders"] = [
        _placeholders(frame[c]) if kinds[c] == "categorical" else 0 for c in frame.columns
    ]
    summary["constant"] = (n_unique <= 1) & (present > 0)
    summary["id_like"] = [
        _is_id_like(frame[c], kinds[c], int(n_unique[c]), int(present[c]), id_threshold)
        for c in frame.columns
    ]
    return summary, outlying, top_values


def histograms(block: pd.DataFrame, log_scale) -> dict:
    """Histogram per column; bins evenly spaced in ``log1p`` for long-tailed columns."""
    result = {}
    for col, log in zip(block.columns, log_scale):
        values = block[col].to_numpy()
        finite = values[np.isfinite(values)]
        if finite.size:
            bins = _N_BINS
            if log and finite.max() > finite.min():
                bins = np.expm1(np.linspace(np.log1p(finite.min()), np.log1p(finite.max()), 31))
            result[col] = np.histogram(finite, bins=bins)
    return result


def date_histograms(frame: pd.DataFrame, kinds: dict) -> dict:
    """Histogram per date column, with ``datetime64`` bin edges (a zoned column in UTC)."""
    result = {}
    for col, kind in kinds.items():
        values = frame[col]
        if kind != "datetime" or not pd.api.types.is_datetime64_any_dtype(values.dtype):
            continue
        if getattr(values.dtype, "tz", None) is not None:
            values = values.dt.tz_convert("UTC").dt.tz_localize(None)
        stamps = values.dropna().to_numpy(dtype="datetime64[ns]").astype("int64")
        if stamps.size:
            counts, edges = np.histogram(stamps.astype("float64"), bins=_N_BINS)
            result[col] = counts, edges.astype("int64").astype("datetime64[ns]")
    return result


def outlier_frame(block: pd.DataFrame, outlying: np.ndarray) -> pd.DataFrame:
    rows, cols = np.nonzero(outlying)
    return pd.DataFrame(
        {
            "row": block.index[rows],
            "column": block.columns[cols],
            "value": block.to_numpy(dtype="float64")[rows, cols],
        }
    )
