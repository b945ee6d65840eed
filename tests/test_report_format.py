"""The Nghị định 30 checks of the renderers (tests/docx_checks.py,
tests/pdf_checks.py), applied to the report the command line actually produced
from the sample inputs, not only to hand-built documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import docx_checks
import pdf_checks
from conftest import SAMPLE_INPUTS

from reportgen import pipeline
from reportgen.compose.report import compose_report


@pytest.fixture(scope="module")
def expected_doc():
    """The document model the run rendered (composition is pure: same inputs, same model)."""
    plan, report = pipeline.prepare_report(SAMPLE_INPUTS, "6m", 2024)
    return compose_report(plan, report)


def test_produced_docx_meets_nd30(sample_report_6m: Path, expected_doc):
    data = (sample_report_6m / "BC-CCHC-2024-6m.docx").read_bytes()
    docx_checks.check_all(docx_checks.DocxFile(data), expected_doc)


def test_produced_pdf_meets_nd30_and_pdfa(sample_report_6m: Path, expected_doc):
    data = (sample_report_6m / "BC-CCHC-2024-6m.pdf").read_bytes()
    assert pdf_checks.pdfa_problems(data) == []
    info = pdf_checks.inspect_pdf(data)
    assert info.fonts and all(f.embedded and f.subset and f.accepted for f in info.fonts), info.fonts
    assert info.pages[0].size_mm == (210, 297) and not info.pages[0].landscape
    assert info.pages[-1].landscape  # Phụ lục II
    assert info.pages[0].text_above(15) == "" and info.pages[1].text_above(15) == "2"
    assert info.lang.startswith("vi") and info.xmp.get("dc:title") == expected_doc.meta.title
    assert info.xmp.get("pdfaid:part") == "3" and info.xmp.get("pdfaid:conformance") == "B"
    figures = (sample_report_6m / "figures.json").read_bytes()
    assert info.attachments.get("figures.json") == figures
    assert json.loads(figures)["period"] == "6m"
    text = pdf_checks.squash(" ".join(page.text_below(15) for page in info.pages))
    missing = [line for line in expected_doc.plain_text() if pdf_checks.squash(line) not in text]
    assert not missing, missing[:5]
