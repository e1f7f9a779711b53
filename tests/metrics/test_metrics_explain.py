import html
import re

import numpy as np
import pandas as pd
import pytest
from conftest import make_mixed_frame
from matplotlib.figure import Figure

from sksynth.metrics import DetectionExplanation, detection_auc, evaluate, explain_detection
from sksynth.metrics._explanation import read_detection_auc


class Rule:
    """The rules protocol: columns, a readable formula and holds(frame)."""

    def __init__(self, low, high):
        self.columns = (low, high)
        self.formula = f"{low} <= {high}"

    def holds(self, frame):
        low, high = frame[self.columns[0]], frame[self.columns[1]]
        return (low <= high).to_numpy() | low.isna().to_numpy() | high.isna().to_numpy()


def priced(n, seed, *, amount_above_price=0.0):
    """Price, an Amount below it (above it for a share of rows), and two other columns."""
    rng = np.random.default_rng(seed)
    price = rng.gamma(4, 300, n).round()
    amount = (price * rng.uniform(0.3, 1.0, n)).round()
    above = rng.random(n) < amount_above_price
    amount[above] = (price[above] * rng.uniform(1.05, 1.6, above.sum())).round()
    return pd.DataFrame(
        {
            "Price": price,
            "Amount": amount,
            "Age": rng.integers(18, 80, n),
            "Home": rng.choice(["rent", "owner", "parents"], n),
        }
    )


# ----------------------------------------------------------------- the parts
def test_column_alone_finds_the_one_broken_column():
    rng = np.random.default_rng(0)

    def table(broken):
        n = 800
        frame = pd.DataFrame({name: rng.normal(size=n) for name in "abcd"})
        frame["kind"] = rng.choice(["x", "y", "z"], n)
        if broken:  # about the same mean and spread, two modes instead of one
            frame["c"] = rng.choice([-1.0, 1.0], n) * 0.95 + rng.normal(0, 0.3, n)
        return frame

    result = explain_detection(table(False), table(True), n_pairs=2, random_state=0)
    aucs = result.columns.set_index("column")["auc"]
    assert aucs.idxmax() == "c"
    assert aucs["c"] > 0.65
    assert aucs.drop("c").max() < 0.57
    assert result.columns["column"].iloc[0] == "c"  # strongest first
    assert "mostly by c alone" in result.summary()


def test_pair_finds_a_broken_total_that_no_column_shows():
    rng = np.random.default_rng(1)
    n = 1000

    def table(total_is_sum):
        x, y = rng.normal(size=n), rng.normal(size=n)
        # both totals have the distribution of a sum of two normals
        total = x + y if total_is_sum else rng.normal(size=n) + rng.normal(size=n)
        noise = {f"noise_{i}": rng.normal(size=n) for i in range(4)}
        return pd.DataFrame({"x": x, "y": y, "total": total, **noise})

    result = explain_detection(table(True), table(False), n_pairs=3, random_state=0)
    assert result.columns["auc"].max() < 0.6
    assert result.auc > 0.75
    top = result.pairs.iloc[0]
    assert "total" in {top.column_1, top.column_2}
    assert {top.column_1, top.column_2} <= {"x", "y", "total"}
    assert top.auc > 0.65 and top.gain > 0.15
    importance = result.columns.set_index("column")["importance"]
    assert importance[["x", "y", "total"]].min() > importance.filter(like="noise").max()
    assert "Rows are told apart mostly by" in result.summary()


def test_rule_obedience_on_a_hand_made_table():
    real = pd.DataFrame(
        {"Amount": [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10], "Price": [2.0, 3, 4, 5, 6, 7, 8, 9, 10, 11]}
    )
    # rows 0, 3 and 6 break the rule; row 9 has no Amount, so it obeys
    synthetic = pd.DataFrame(
        {
            "Amount": [5.0, 2, 3, 9, 5, 6, 12, 8, 9, np.nan],
            "Price": [2.0, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        }
    )
    rules = [Rule("Amount", "Price"), Rule("Price", "Price")]
    result = explain_detection(real, synthetic, rules=rules, n_pairs=0, random_state=0)
    table = result.rules.set_index("rule")
    assert table.loc["Amount <= Price", "synthetic_share"] == pytest.approx(0.7)
    assert table.loc["Amount <= Price", "real_share"] == pytest.approx(1.0)
    assert table.loc["Price <= Price", "synthetic_share"] == pytest.approx(1.0)
    assert result.rules["rule"].iloc[0] == "Amount <= Price"  # the most broken first
    assert result.rules["columns"].iloc[0] == ("Amount", "Price")
    assert "30 % of synthetic rows break Amount <= Price" in result.summary()


def test_summary_names_the_relation_and_the_broken_rule():
    real = priced(1500, 0)
    synthetic = priced(1500, 1, amount_above_price=0.25)
    result = explain_detection(real, synthetic, rules=[Rule("Amount", "Price")], random_state=0)
    text = result.summary()
    assert text.startswith(f"Detection AUC {result.auc:.2f}: a classifier tells")
    assert "Rows are told apart mostly by Price vs Amount" in text
    broken = 1 - result.rules["synthetic_share"].iloc[0]
    assert f"{100 * broken:.0f} % of synthetic rows break Amount <= Price" in text
    assert 0.2 < broken < 0.3


def test_by_default_the_rules_of_the_real_table_are_found_and_checked():
    real = priced(1500, 0)
    synthetic = priced(1500, 1, amount_above_price=0.25)
    result = explain_detection(real, synthetic, n_pairs=0, random_state=0)
    table = result.rules.set_index("rule")
    order = [r for r in table.index if "Amount" in r and "Price" in r and "<" in r]
    assert order, f"the order between Amount and Price was not found: {list(table.index)}"
    assert table.loc[order[0], "real_share"] == pytest.approx(1.0)
    assert 0.7 < table.loc[order[0], "synthetic_share"] < 0.8


def test_reading_of_the_whole_row_auc():
    assert "cannot tell synthetic rows from real ones" in read_detection_auc(0.51)
    assert "almost every synthetic row" in read_detection_auc(0.99)
    assert "0.5 would be indistinguishable" in read_detection_auc(0.99)
    assert "most synthetic rows" in read_detection_auc(0.9)


def test_off_grid_values_are_reported():
    real = priced(600, 0)
    synthetic = priced(600, 1)
    synthetic["Price"] = synthetic["Price"] + 0.37  # every real price is a whole number
    result = explain_detection(real, synthetic, n_pairs=0, random_state=0)
    price = result.columns.set_index("column").loc["Price"]
    assert price["grid"] == 1.0
    assert price["off_grid"] == pytest.approx(1.0)
    assert np.isnan(result.columns.set_index("column").loc["Home", "grid"])
    assert "Price (100 % off a grid of 1)" in result.summary()


def test_whole_row_auc_is_the_detection_auc_under_the_row_cap():
    real, synthetic = priced(300, 0), priced(300, 1, amount_above_price=0.3)
    result = explain_detection(real, synthetic, n_pairs=1, cv=3, random_state=4)
    assert result.auc == pytest.approx(detection_auc(real, synthetic, cv=3, random_state=4))
    assert result.n_rows == (300, 300)
    capped = explain_detection(real, synthetic, n_pairs=1, max_rows=100, random_state=4)
    assert capped.n_rows == (100, 100)


def test_reproducible_and_inputs_untouched():
    real, synthetic = priced(300, 0), priced(300, 1, amount_above_price=0.3)
    copies = real.copy(), synthetic.copy()
    first = explain_detection(real, synthetic, rules=[Rule("Amount", "Price")], random_state=0)
    second = explain_detection(real, synthetic, rules=[Rule("Amount", "Price")], random_state=0)
    pd.testing.assert_frame_equal(first.columns, second.columns)
    pd.testing.assert_frame_equal(first.pairs, second.pairs)
    pd.testing.assert_frame_equal(real, copies[0])
    pd.testing.assert_frame_equal(synthetic, copies[1])


def test_plot_draws_columns_pairs_and_rules():
    real, synthetic = priced(300, 0), priced(300, 1, amount_above_price=0.3)
    with_rules = explain_detection(real, synthetic, rules=[Rule("Amount", "Price")],
                                   random_state=0)  # fmt: skip
    assert isinstance(with_rules, DetectionExplanation)
    fig = with_rules.plot()
    assert isinstance(fig, Figure)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["Each column alone", "Strongest pairs of columns", "Rules of the real table"]
    without = explain_detection(real, synthetic, rules=None, random_state=0)
    assert len(without.plot().axes) == 2


# ----------------------------------------------------------------- bad input
def test_mismatched_columns_are_named():
    real = priced(50, 0)
    synthetic = priced(50, 1).rename(columns={"Age": "age"})
    with pytest.raises(ValueError, match=r"missing \['Age'\], unexpected \['age'\]"):
        explain_detection(real, synthetic)


def test_bad_rules_and_parameters():
    real, synthetic = priced(50, 0), priced(50, 1)
    with pytest.raises(ValueError, match=r"Rule 'Amount <= Cost' uses columns \['Cost'\]"):
        explain_detection(real, synthetic, rules=[Rule("Amount", "Cost")])

    class ShortRule(Rule):
        def holds(self, frame):
            return super().holds(frame)[:-1]

    with pytest.raises(ValueError, match=r"one boolean per row of the real table \(50\)"):
        explain_detection(real, synthetic, rules=[ShortRule("Amount", "Price")])
    with pytest.raises(TypeError, match=r"has no \.columns"):
        explain_detection(real, synthetic, rules=[object()])
    with pytest.raises(ValueError, match="rules must be an iterable"):
        explain_detection(real, synthetic, rules="Amount <= Price")
    with pytest.raises(ValueError, match="n_pairs must be an integer"):
        explain_detection(real, synthetic, n_pairs=-1)
    with pytest.raises(ValueError, match="max_rows must be at least cv=3"):
        explain_detection(real, synthetic, max_rows=2)


# --------------------------------------------------------- evaluate and HTML
def wide_tables(n_columns, n_rows=240, seed=0):
    """A real table of related columns and a synthetic one made by perturbing it."""
    rng = np.random.default_rng(seed)
    real = priced(n_rows, seed)
    for i in range(n_columns - real.shape[1]):
        base = real["Price"] if i % 2 else real["Age"]
        real[f"feature_{i:02d}" if i % 5 else f"a_rather_long_column_name_{i:02d}"] = (
            base * rng.uniform(0.5, 2.0) + rng.normal(0, 50, n_rows)
        ).round(1)
    synthetic = real.sample(n_rows, replace=True, random_state=seed).reset_index(drop=True)
    synthetic["Amount"] = rng.permutation(synthetic["Amount"].to_numpy())
    synthetic["Age"] = synthetic["Age"] + 5
    return real, synthetic


@pytest.mark.parametrize("n_columns", [10, 50])
def test_html_report_shows_the_explanation(n_columns, tmp_path):
    real, synthetic = wide_tables(n_columns)
    report = evaluate(real, synthetic, rules=[Rule("Amount", "Price")], cv=2,
                      random_state=0)  # fmt: skip
    assert report.scores["detection_auc"] == report.detection.auc
    assert report.details["detection_rules"]["rule"].tolist() == ["Amount <= Price"]
    page = report.to_html(tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<h2>What gives synthetic rows away</h2>" in page
    reading = report.detection.reading()
    assert f"<strong>{reading}</strong>" in page
    assert html.escape(report.detection.summary()[len(reading) :]) in page
    assert "% of synthetic rows break Amount &lt;= Price" in page
    assert 'alt="what gives synthetic rows away"' in page
    assert page.count("<img") == 3
    # one header row per table, no empty index-name rows
    for head in re.findall(r"<thead>(.*?)</thead>", page, flags=re.S):
        assert head.count("<tr") == 1
    for body in re.findall(r"<tbody>(.*?)</tbody>", page, flags=re.S):
        assert body.count("<tr") <= 15
    if n_columns == 50:
        assert 'are in <code>report.details["column_pair_trends"]</code>' in page
        assert 'report.details["detection_columns"]' in page


def test_heatmaps_are_ordered_and_scale_with_the_columns():
    small = evaluate(*wide_tables(10), detection=False)
    large = evaluate(*wide_tables(50), detection=False)
    small_fig, large_fig = small.plot_pairwise(), large.plot_pairwise()
    assert len(small_fig.axes) == 6  # three heatmaps side by side, with colour bars
    assert len(large_fig.axes) == 4  # real/synthetic and the difference, stacked
    assert large_fig.get_size_inches()[1] > small_fig.get_size_inches()[1]
    labels = [t.get_text() for t in large_fig.axes[0].get_yticklabels()]
    assert len(labels) == 50
    assert labels != list(large.kinds)  # clustered, not in table order
    # Price and the columns built from it sit together
    from_price = [i for i, name in enumerate(labels) if name in ("Price", "Amount")]
    assert max(from_price) - min(from_price) < 40


def test_report_without_detection_has_no_explanation(tmp_path):
    report = evaluate(*wide_tables(6), detection=False)
    assert report.detection is None
    with pytest.raises(ValueError, match="detection=True"):
        report.plot_detection()
    page = report.to_html(tmp_path / "r.html").read_text(encoding="utf-8")
    assert "What gives synthetic rows away" not in page


def test_mixed_types_with_another_detector(mixed_frame):
    result = explain_detection(mixed_frame, make_mixed_frame(200, 1), n_pairs=2,
                               estimator="logistic_regression", random_state=0)  # fmt: skip
    assert set(result.columns["column"]) == set(mixed_frame.columns)
    assert 0.3 < result.auc < 0.7  # two draws of the same distribution
    assert result.summary().startswith(f"Detection AUC {result.auc:.2f}: a classifier cannot")
    assert len(result.pairs) == 2


@pytest.mark.parametrize(
    "alone, expected",
    [
        ((0.55, 0.61), "(AUC 0.80 together, 0.55 and 0.61 alone)"),
        ((0.58, 0.38), "(AUC 0.80 together, 0.58 and chance alone)"),
        ((0.46, 0.38), "(AUC 0.80 together, neither better than chance alone)"),
    ],
)
def test_summary_calls_a_column_alone_under_half_chance(alone, expected):
    result = DetectionExplanation(
        auc=0.8,
        columns=pd.DataFrame({
            "column": ["low", "high"], "auc": list(alone), "importance": [0.1, 0.1],
            "importance_std": [0.0, 0.0], "grid": [np.nan, np.nan], "off_grid": [0.0, 0.0],
        }),
        pairs=pd.DataFrame({"column_1": ["low"], "column_2": ["high"], "auc": [0.8],
                            "gain": [0.8 - max(alone)]}),  # fmt: skip
        rules=pd.DataFrame(columns=["rule", "columns", "real_share", "synthetic_share"]),
        n_rows=(100, 100),
    )
    assert f"Rows are told apart mostly by low vs high {expected}." in result.summary()
