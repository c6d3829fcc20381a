"""Sphinx configuration: the API reference from the numpydoc docstrings (napoleon) and the
Markdown pages (MyST)."""

project = "qb_symbolic"
author = "qb_symbolic developers"
# myst_parser: the Markdown pages (conventions.md)
extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx.ext.mathjax", "myst_parser"]
napoleon_numpy_docstring = True
napoleon_google_docstring = False
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # the signatures show the names; the docstrings say the types
exclude_patterns = ["_build", "tutorial.ipynb"]
html_theme = "alabaster"
