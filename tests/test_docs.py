"""The documentation lists every public name and the README keeps its promises."""

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FAMILIES = [
    "sksynth.datasets",
    "sksynth.quality",
    "sksynth.rules",
    "sksynth.preprocessing",
    "sksynth.encoding",
    "sksynth.generators",
    "sksynth.metrics",
    "sksynth.io",
    "sksynth.nn",
    "sksynth.utils",
]


@pytest.mark.parametrize("module_name", FAMILIES)
def test_api_reference_lists_every_public_name(module_name):
    api = (ROOT / "docs" / "api.rst").read_text(encoding="utf-8")
    section = api.split(f".. currentmodule:: {module_name}\n", 1)
    assert len(section) == 2, f"docs/api.rst has no section for {module_name}"
    listed = set(re.findall(r"^   (\w+)$", section[1].split(".. automodule::")[0], re.M))
    public = set(importlib.import_module(module_name).__all__)
    assert public <= listed, f"missing from docs/api.rst: {sorted(public - listed)}"


def test_user_guide_toctree_pages_exist():
    index = (ROOT / "docs" / "user_guide" / "index.rst").read_text(encoding="utf-8")
    pages = re.findall(r"^   (\w+)$", index, re.M)
    assert pages
    for page in pages:
        assert (ROOT / "docs" / "user_guide" / f"{page}.rst").exists(), page


def test_readme_names_the_test_command_that_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in readme
    assert "make test" in ci
