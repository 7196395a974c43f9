"""Sphinx configuration of the apimap site.

`apimap build` renders the mapping pages into ``generated/`` and then builds
this project; see README.md.
"""

from __future__ import annotations

project = "PyTorch → MindSpore API mapping"
author = "apimap contributors"
copyright = "apimap contributors"  # Sphinx reads this name

# MathJax ships with the site: readers (and the browser tests) need no network
extensions = ["myst_parser", "sphinx.ext.mathjax", "sphinx-mathjax-offline"]
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "README.md"]
language = "en"

html_theme = "furo"
html_title = project
html_static_path = ["_static"]
html_last_updated_fmt = None
html_show_sphinx = False
html_copy_source = False
# label columns that never wrap, and one block per row at phone width (docs/_static/apimap.css)
html_css_files = ["apimap.css"]
html_js_files = ["apimap.js", "apimap-filter.js"]
