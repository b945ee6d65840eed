"""Shared test fixtures: paths, running the CLI, the sample report built once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_INPUTS = ROOT / "inputs"


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `reportgen ARGS` as a clerk would; returns the completed process
    (stdout, stderr as text)."""
    return subprocess.run(
        [sys.executable, "-m", "reportgen.cli", *args],
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


def docx_text(path: Path) -> str:
    """The text of a .docx as python-docx reads it: paragraphs, table cells, headers."""
    import docx

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    for section in document.sections:
        for part in (section.header, section.first_page_header):
            parts += [p.text for p in part.paragraphs]
    return "\n".join(parts)


def pdf_text(path: Path) -> str:
    """The text of every page of a PDF, as pypdf extracts it."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def tree_snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, as a reader sees them (through
    the links publish makes; its `.reportgen/` sets are not listed): to assert
    nothing changed."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".reportgen" not in p.relative_to(folder).parts}


@pytest.fixture(scope="session")
def sample_inputs() -> Path:
    return SAMPLE_INPUTS


@pytest.fixture(scope="session")
def sample_report_6m(tmp_path_factory) -> Path:
    """OUTPUTS folder of `reportgen report --period 6m` on the sample, built once."""
    out = tmp_path_factory.mktemp("outputs")
    proc = run_cli("report", "--period", "6m", "--inputs", str(SAMPLE_INPUTS), "--outputs", str(out))
    assert proc.returncode == 0, proc.stderr
    return out / "2024" / "6m"
