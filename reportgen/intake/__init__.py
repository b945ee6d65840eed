"""Intake: read and validate INPUTS/<year>/ (submissions and dossier logs)."""

from __future__ import annotations

from pathlib import Path

from ..plan import Plan
from ..records import Intake


def read_inputs(folder: Path, plan: Plan) -> Intake:
    """Read every submission workbook and dossier log under `folder`.

    Raises InputError with every problem found (file, sheet, row, column)."""
    raise NotImplementedError("intake")
