"""Render a document model to PDF/A through WeasyPrint and templates/*.html.j2.

- PDF/A-3b: every font embedded and subset, sRGB output intent, XMP metadata
  (title, author = the agency, subject, language), and the attachments given
  (figures.json) embedded as PDF/A-3 associated files (AFRelationship /Data).
- The font is Times New Roman or its metric twin (fonts.find_family); the
  renderer refuses to run without one and warns if a character had to be taken
  from another font.
- Deterministic: the same Document gives the same bytes. No dates are written
  unless asked for (`created=`, or SOURCE_DATE_EPOCH in the environment), and the
  file identifier is a hash of the content.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sys
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..resources import TEMPLATES
from ..compose.model import Document
from . import fonts
from .etree_lock import ETREE_LOCK


TEMPLATE = "van-ban.html.j2"
PDF_VARIANT = "pdf/a-3b"

# PDF/A-3 AFRelationship of an attachment, by extension: figures.json is the data
# the tables and sentences were made from ("Data"); anything else "Supplement".
_RELATIONSHIPS = {".json": "Data", ".csv": "Data", ".xlsx": "Source", ".xml": "Data"}
_DESCRIPTIONS = {"figures.json": "Số liệu tổng hợp của báo cáo (figures.json)"}

_env: Environment | None = None


def _environment() -> Environment:
    global _env
    if _env is None:
        _env = Environment(
            loader=FileSystemLoader(str(TEMPLATES)),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
    return _env


def font_in_use() -> str:
    """The family the PDF is set in (Times New Roman or its metric twin)."""
    return fonts.find_family()


def _created(created: dt.datetime | None) -> dt.datetime | None:
    if created is not None:
        return created if created.tzinfo else created.replace(tzinfo=dt.timezone.utc)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    return None


def render_html(doc: Document, *, font_family: str | None = None, created: dt.datetime | None = None) -> str:
    """The HTML WeasyPrint lays out (exposed for debugging and tests)."""
    stamp = created.isoformat(timespec="seconds") if created else ""
    return _environment().get_template(TEMPLATE).render(
        doc=doc, font_family=font_family or fonts.find_family(), created=stamp,
    )


def _language_xmp(lang: str) -> bytes:
    return (
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>"
        "</rdf:Description>"
    ).encode()


def _finisher(lang: str, keep_dates: bool):
    """Post-process the pydyf PDF before it is written: dc:language in the XMP
    packet (WeasyPrint only sets /Lang), one /AF entry per attachment, and no
    wall-clock time anywhere (font subsets, attachments) unless the document is
    dated: the same Document gives the same bytes."""

    def finish(document, pdf) -> None:
        ref = pdf.catalog.get("Metadata")
        if ref is not None:
            stream = pdf.objects[int(ref.split()[0])]
            data = b"".join(
                part if isinstance(part, bytes) else str(part).encode() for part in stream.stream)
            closing = b"</rdf:RDF>"
            if b"dc:language" not in data and closing in data:
                head, _, tail = data.rpartition(closing)
                stream.stream = [head + _language_xmp(lang) + closing + tail]
        # WeasyPrint 70 lists each associated file twice in the catalog's /AF
        # (once from the name tree, once from the file specification): keep one.
        if "AF" in pdf.catalog:
            seen = []
            for reference in pdf.catalog["AF"]:
                if reference not in seen:
                    seen.append(reference)
            pdf.catalog["AF"][:] = seen
        for obj in pdf.objects:
            extra = getattr(obj, "extra", None)
            if not isinstance(extra, dict):
                continue
            if "Length1" in extra and len(obj.stream) == 1 and isinstance(obj.stream[0], bytes):
                # an embedded TrueType program: HarfBuzz stamped it with the time
                obj.stream[0] = fonts.freeze_timestamp(obj.stream[0])
            elif extra.get("Type") == "/EmbeddedFile" and not keep_dates:
                params = extra.get("Params")
                if params is not None:
                    params.pop("CreationDate", None)
                    params.pop("ModDate", None)

    return finish


def _attachments(attachments: dict[str, bytes] | None, created: dt.datetime | None):
    import weasyprint

    stamp = created or dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)  # removed again by the finisher
    result = []
    for name, data in (attachments or {}).items():
        result.append(weasyprint.Attachment(
            string=bytes(data),
            name=name,
            description=_DESCRIPTIONS.get(name, name),
            relationship=_RELATIONSHIPS.get(Path(name).suffix.lower(), "Supplement"),
            created=stamp,
            modified=stamp,
        ))
    return result


def _check_fonts(document, family: str) -> None:
    """Warn (on stderr, in Vietnamese) when a glyph came from a font other than the
    chosen family: never a silent fallback."""
    others = {font.family for font in document.fonts.values() if not fonts.is_acceptable(font.family)}
    if others:
        print(
            f"CẢNH BÁO: một số ký tự không có trong phông {family}, đã dùng phông khác: "
            f"{', '.join(sorted(others))}. Kiểm tra lại các ký tự đặc biệt trong nội dung báo cáo.",
            file=sys.stderr,
        )


def render_pdf(doc: Document, attachments: dict[str, bytes] | None = None, *,
               created: dt.datetime | None = None) -> bytes:
    """The document as PDF/A-3b bytes, with `attachments` (name -> bytes) embedded."""
    with ETREE_LOCK:  # WeasyPrint registers its XMP namespaces in ElementTree's global registry when imported
        import weasyprint

    family = fonts.find_family()
    when = _created(created)
    html = render_html(doc, font_family=family, created=when)
    with _weasyprint_errors_only():
        rendered = weasyprint.HTML(string=html, base_url=str(TEMPLATES) + "/").render()
        with ETREE_LOCK:  # and serialises that metadata against it
            pdf = rendered.write_pdf(
                pdf_variant=PDF_VARIANT,
                attachments=_attachments(attachments, when),
                finisher=_finisher(doc.meta.language, keep_dates=when is not None),
            )
    _check_fonts(rendered, family)  # document.fonts is filled while drawing
    return pdf


@contextlib.contextmanager
def _weasyprint_errors_only():
    """WeasyPrint logs every CSS property it does not support at WARNING: quiet
    during our render only; the logger's level is given back afterwards."""
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
