"""Sphinx configuration of logbessel's documentation.

Build (from the repository root, with ``pip install ".[docs]"``)::

    sphinx-build -W --keep-going -b html docs docs/_build/html

The API reference is generated from the docstrings of the installed ``logbessel`` (the ufuncs'
docstrings live in src/cpp/docstrings.hpp); the accuracy and speed pages include the files that
``bench/accuracy_maps.py`` and ``bench/report.py`` write under docs/_static and docs/generated.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))

import logbessel  # noqa: E402

project = "logbessel"
author = "the logbessel developers"
copyright = "2026, the logbessel developers"  # noqa: A001 - Sphinx's name
release = logbessel.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "numpydoc",
    "ufuncdoc",
]

# The ufuncs' docstrings start with NumPy's generated signature line
# "log_iv(x1, x2, /, out=None, *, ...)"; ufuncdoc replaces it with the documented names.
autodoc_docstring_signature = True
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

exclude_patterns = ["_build", "generated/*.inc"]
templates_path: list[str] = []
html_static_path = ["_static"]
html_theme = "alabaster"
html_theme_options = {
    "description": "log I_v(x), log K_v(x) and friends as NumPy ufuncs",
    "fixed_sidebar": True,
}
pygments_style = "sphinx"
