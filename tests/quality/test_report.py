import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from sksynth.quality import QualityWarning, assess


@pytest.fixture
def report(mixed_frame):
    X = mixed_frame.copy()
    X.iloc[-3:] = X.iloc[1:4].to_numpy()  # same labels ("no") as rows 1..3
    y = pd.Series(np.where(np.arange(len(X)) % 4 == 0, "yes", "no"), name="bought")
    return assess(X, y, cv=3, random_state=0)


def test_text_views(report):
    text = report.summary()
    assert "Dataset quality report" in text
    assert "Class balance" in text and "bought" in text
    assert "exact duplicates  3" in text
    for col in ["income", "age", "home"]:
        assert col in text
    r = repr(report)
    assert r.startswith("<QualityReport: 200 rows x 6 columns, target 'bought'")
    assert "3 duplicate rows" in r
    frame = report.to_frame()
    assert list(frame.index) == list(report.columns.index)
    frame.iloc[0, 0] = "changed"
    assert report.columns.iloc[0, 0] != "changed"  # a copy


def test_warnings_are_ordered_and_readable(report):
    assert report.warnings, "the fixture has missing values and duplicates"
    ranks = [["high", "medium", "low"].index(w.severity) for w in report.warnings]
    assert ranks == sorted(ranks)
    for w in report.warnings:
        assert isinstance(w, QualityWarning)
        assert w["message"] == w.message and w.to_dict()["severity"] == w.severity
    table = report.warnings_frame()
    assert list(table.columns) == ["severity", "check", "column", "message"]
    assert len(table) == len(report.warnings)


def test_plot_returns_figures(report):
    figures = report.plot()
    assert set(figures) == {"overview", "distributions", "categories"}
    assert all(isinstance(fig, Figure) for fig in figures.values())
    assert len(figures["overview"].axes) == 4
    numeric = [c for c, k in report.kinds.items() if k in ("continuous", "integer")]
    assert sum(ax.get_visible() for ax in figures["distributions"].axes) == len(numeric)


def test_date_columns_get_a_histogram_over_time():
    days = pd.Series(pd.date_range("2020-01-01", periods=120, freq="D"))
    X = pd.DataFrame({
        "visit": days.where(days.index % 10 != 0),  # every tenth date missing
        "zoned": days.dt.tz_localize("Europe/Paris"),
        "ward": list("ab") * 60,
    })
    report = assess(X)
    counts, edges = report.histograms["visit"]
    assert np.issubdtype(edges.dtype, np.datetime64)
    assert counts.sum() == 108
    assert edges[0] == np.datetime64("2020-01-02") and edges[-1] == np.datetime64("2020-04-29")
    assert report.histograms["zoned"][0].sum() == 120
    titles = [ax.get_title() for ax in report.plot()["distributions"].axes if ax.get_visible()]
    assert titles[0].startswith("visit\n2020-01-02 to 2020-04-29")
    assert titles[0].endswith("10% missing")


@pytest.mark.parametrize("periods,freq", [(48, "h"), (60, "D"), (730, "D"), (30, "YS")])
def test_date_histograms_draw_without_warnings(periods, freq, tmp_path):
    days = pd.Series(pd.date_range("2016-01-01", periods=periods, freq=freq))
    report = assess(pd.DataFrame({"date": days, "v": np.arange(periods) % 7}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report.plot()["distributions"].savefig(tmp_path / "dates.png")
    assert (tmp_path / "dates.png").stat().st_size > 0


def test_plot_without_target_or_numbers():
    X = pd.DataFrame({"c": list("abcabcabca")})
    figures = assess(X).plot()
    assert set(figures) == {"overview", "categories"}


def test_to_html_writes_a_self_contained_page(report, tmp_path):
    path = tmp_path / "out" / "quality.html"
    page = report.to_html(path)
    assert path.read_text(encoding="utf-8") == page
    assert page.count("data:image/png;base64,") == 3
    assert "<h2>Warnings</h2>" in page and "sev-" in page
    assert "<h2>Exact duplicates</h2>" in page
    assert "<h2>Label issues</h2>" in page or report.label_issues.empty


frames = st.integers(min_value=1, max_value=40).flatmap(
    lambda n: st.tuples(
        st.lists(st.one_of(st.none(), st.floats(-1e6, 1e6)), min_size=n, max_size=n),
        st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "c"])), min_size=n, max_size=n),
        st.lists(st.integers(-5, 5), min_size=n, max_size=n),
    )
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames)
def test_counts_match_pandas_on_random_tables(columns):
    floats, cats, ints = columns
    X = pd.DataFrame({"f": pd.Series(floats, dtype="float64"), "c": cats, "i": ints})
    report = assess(X)
    pd.testing.assert_series_equal(
        report.missing_rate, X.isna().mean(), check_names=False, check_exact=False
    )
    assert list(report.duplicates) == list(X.index[X.duplicated()])
    assert not set(report.near_duplicates.index) & set(report.duplicates)
    assert report.completeness == pytest.approx(1 - X.isna().to_numpy().mean())
    nu = X.nunique()
    assert report.columns["n_unique"].to_dict() == nu.to_dict()
