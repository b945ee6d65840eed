"""Where the package's own files are: templates ship as package data, so a
`pip install .` outside the checkout renders as the checkout does."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

# Regular (non-zipped) installs only: the renderers need real paths.
TEMPLATES = Path(str(files("reportgen").joinpath("templates")))
