"""Sphinx configuration for the sksynth documentation."""

import os

import sksynth

# The gallery runs every example, so that each page shows its printed results and
# figures. By default the examples run in their quick mode (small tables, few
# epochs: the whole gallery in a few minutes on 2 cores);
# ``SKSYNTH_EXAMPLE_QUICK=0`` runs them at their full settings (``make docs-full``).
os.environ.setdefault("SKSYNTH_EXAMPLE_QUICK", "1")

project = "sksynth"
author = "The sksynth developers"
copyright = "2026, The sksynth developers"
release = sksynth.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

autosummary_generate = True
autodoc_default_options = {
    "members": True,
    "inherited-members": False,
    # scikit-learn's metadata-routing setters are generated; they are documented there
    "exclude-members": ",".join(
        f"set_{method}_request"
        for method in ["fit", "transform", "inverse_transform", "score", "fit_resample"]
    ),
}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
templates_path = []

html_theme = "pydata_sphinx_theme"
html_title = "sksynth"
html_theme_options = {"navigation_with_keys": False}

# No intersphinx: the docs build offline (CI has no network access).

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "plot_gallery": "True",
    "within_subsection_order": "FileNameSortKey",
}
