"""Render a document model to PDF/A through WeasyPrint and templates/*.html.j2."""

from __future__ import annotations

from ..compose.model import Document


def render_pdf(doc: Document, attachments: dict[str, bytes] | None = None) -> bytes:
    raise NotImplementedError("pdf")


def font_in_use() -> str:
    """The family the PDF is set in (Times New Roman or its metric twin)."""
    raise NotImplementedError("pdf font")
