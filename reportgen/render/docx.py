"""Render a document model to .docx through the docxtpl templates in templates/."""

from __future__ import annotations

from ..compose.model import Document


def render_docx(doc: Document) -> bytes:
    raise NotImplementedError("docx")
