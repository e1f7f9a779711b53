"""``make demo``'s main job runs end to end (tiny settings) and writes what it promises."""

import json
import warnings
from pathlib import Path

import sksynth
from sksynth.demo import main


def test_demo_quick_writes_reports_card_table_and_summary(tmp_path, capsys):
    assert main(["--quick", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    for name in [
        "quality_report.html",
        "evaluation_report.html",
        "credit_clean_card.json",
        "credit_synthetic.csv",
        "summary.json",
    ]:
        path = tmp_path / name
        assert path.is_file() and path.stat().st_size > 0, name
        assert str(path.resolve()) in printed, f"{name} location not printed"
    assert "data:image/png;base64," in (tmp_path / "quality_report.html").read_text()
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert 0.0 <= summary["scores"]["fidelity"] <= 1.0
    assert {"no resampling", "SMOTENC", "ConditionalVAESampler"} <= set(summary["augmentation"])
    card = json.loads((tmp_path / "credit_clean_card.json").read_text())
    assert card["n_rows"] > 0 and card["steps"], "the card records rows and cleaning steps"


def test_demo_warns_nothing_from_inside_sksynth(tmp_path):
    package = str(Path(sksynth.__file__).resolve().parent)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        main(["--quick", "--out", str(tmp_path)])
    inside = [
        f"{w.filename}:{w.lineno}: {w.message}" for w in caught if w.filename.startswith(package)
    ]
    assert not inside
