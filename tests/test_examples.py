"""Run every gallery example with tiny settings (``SKSYNTH_EXAMPLE_QUICK=1``).

The examples' own settings take up to two minutes each; these runs only check
that every example still works with the current API (a few seconds each).
"""

import runpy
import warnings
from pathlib import Path

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# examples that use an optional dependency of sksynth (an extra in pyproject.toml)
NEEDS = {"plot_dp_tradeoff": ("opacus",)}
EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*/plot_*.py"))


def test_every_topic_has_a_readme():
    root = EXAMPLES[0].parents[1]
    assert (root / "README.txt").is_file()
    topics = {path.parent for path in EXAMPLES}
    assert len(topics) >= 7
    for topic in topics:
        assert (topic / "README.txt").is_file(), topic


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(path, monkeypatch, tmp_path, capsys):
    for module in NEEDS.get(path.stem, ()):  # an optional dependency (CI installs them all)
        pytest.importorskip(module)
    monkeypatch.setenv("SKSYNTH_EXAMPLE_QUICK", "1")
    monkeypatch.setenv("SKSYNTH_EXAMPLE_OUTPUT", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    source = path.read_text(encoding="utf-8")
    assert source.startswith('"""') and "# %%" in source  # sphinx-gallery layout
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*non-interactive.*")
            runpy.run_path(str(path), run_name="__main__")
    finally:
        plt.close("all")
    assert capsys.readouterr().out.strip()  # every example prints results
