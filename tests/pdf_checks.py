"""Reusable checks of a produced PDF: what is on it, not how it was made.

Any test can use it on a PDF from any path (the report, the plan, the archive):

    from pdf_checks import inspect_pdf, pdfa_problems
    info = inspect_pdf(pdf_bytes)
    assert not pdfa_problems(pdf_bytes)
    assert info.pages[0].size_mm == (210, 297)

It reads with pypdf (text, positions) and pikepdf (objects, XMP, attachments).
`pdfa_problems` is a structural PDF/A-3 check of the rules a generator most often
breaks; it is not a full validator (veraPDF is), but needs nothing outside the venv.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field

import pikepdf
import pypdf

PT_PER_MM = 72 / 25.4
A4_MM = (210, 297)

# Fonts a Nghị định 30 document may be set in: Times New Roman or a metric twin.
ACCEPTED_FONTS = re.compile(r"^(TimesNewRoman|Times-?New-?Roman|Liberation-?Serif|Tinos)", re.I)

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
}

TEMPLATE_LEFTOVERS = ("{{", "}}", "{%", "%}", "{#", "#}", "None", "Undefined", "&amp;", "&lt;", "&gt;", "&#")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def squash(text: str) -> str:
    """NFC, every run of whitespace (incl. no-break) to one space, stripped."""
    return re.sub(r"\s+", " ", nfc(text).replace("\u00a0", " ")).strip()


def join_hyphen_breaks(text: str) -> str:
    """Undo a line break after a word-internal hyphen ("CQS-\nNV13" -> "CQS-NV13").

    The layout never hyphenates Vietnamese (hyphens: manual), so a hyphen at the
    end of a line is a real one (a code, "2021-2025") and the break is not a space.
    A dash standing alone ("Độc lập - Tự do -") keeps its space."""
    return re.sub(r"(?<=[^\s-])-[ \t]*\n\s*(?=\S)", "-", text)


@dataclass
class FontInfo:
    name: str  # BaseFont without the subset tag, e.g. "Liberation-Serif-Bold"
    subset: bool  # "ABCDEF+" prefix
    embedded: bool  # FontFile, FontFile2 or FontFile3 present
    file_key: str | None  # which of them

    @property
    def accepted(self) -> bool:
        return bool(ACCEPTED_FONTS.match(self.name.replace(" ", "")))


@dataclass
class PageInfo:
    number: int  # 1-based
    width_pt: float
    height_pt: float
    text: str
    lines: list[tuple[float, float, str]]  # (x, y from the bottom, text), pt

    @property
    def size_mm(self) -> tuple[int, int]:
        return round(self.width_pt / PT_PER_MM), round(self.height_pt / PT_PER_MM)

    @property
    def landscape(self) -> bool:
        return self.width_pt > self.height_pt

    def text_above(self, mm_from_top: float) -> str:
        """Text whose baseline lies within `mm_from_top` of the top edge (the top margin)."""
        limit = self.height_pt - mm_from_top * PT_PER_MM
        return squash(join_hyphen_breaks("\n".join(t for _, y, t in self.lines if y >= limit)))

    def text_below(self, mm_from_top: float) -> str:
        """Text below the top margin: the page without its page number."""
        limit = self.height_pt - mm_from_top * PT_PER_MM
        return squash(join_hyphen_breaks("\n".join(t for _, y, t in self.lines if y < limit)))


@dataclass
class PdfInfo:
    pages: list[PageInfo]
    fonts: list[FontInfo]
    info: dict[str, str]  # document information dictionary, without the slash
    xmp: dict[str, str]  # pdfaid:part, pdfaid:conformance, dc:title, dc:creator, dc:description, dc:language...
    lang: str | None  # catalog /Lang
    attachments: dict[str, bytes]
    relationships: dict[str, str]  # attachment name -> AFRelationship
    mime_types: dict[str, str]  # attachment name -> MIME type
    catalog_af: int  # number of associated files in the catalog /AF
    output_intents: list[str]  # /S of each output intent
    raw_xmp: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.pages)


def _page_lines(page) -> list[tuple[float, float, str]]:
    items: list[tuple[float, float, str]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text and text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            items.append((float(x), float(y), nfc(text)))

    page.extract_text(visitor_text=visit)
    return items


def _xmp_fields(raw: str) -> dict[str, str]:
    import xml.etree.ElementTree as ET

    out: dict[str, str] = {}
    if not raw:
        return out
    start = raw.find("<x:xmpmeta")
    end = raw.rfind("</x:xmpmeta>")
    root = ET.fromstring(raw[start:end + len("</x:xmpmeta>")])
    for desc in root.iter(f"{{{NS['rdf']}}}Description"):
        for key, value in desc.attrib.items():
            for prefix, uri in NS.items():
                if key.startswith(f"{{{uri}}}"):
                    out[f"{prefix}:{key[len(uri) + 2:]}"] = value
        for child in desc:
            for prefix, uri in NS.items():
                if child.tag.startswith(f"{{{uri}}}"):
                    name = f"{prefix}:{child.tag[len(uri) + 2:]}"
                    items = [li.text or "" for li in child.iter(f"{{{NS['rdf']}}}li")]
                    out[name] = ", ".join(items) if items else (child.text or "")
    return out


def inspect_pdf(data: bytes) -> PdfInfo:
    reader = pypdf.PdfReader(io.BytesIO(data))
    pages = []
    for i, page in enumerate(reader.pages, start=1):
        box = page.mediabox
        pages.append(PageInfo(
            number=i, width_pt=float(box.width), height_pt=float(box.height),
            text=nfc(page.extract_text() or ""), lines=_page_lines(page),
        ))

    with pikepdf.open(io.BytesIO(data)) as pdf:
        fonts = []
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                base = str(obj.get("/FontName", ""))[1:]
                key = next((k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in obj), None)
                fonts.append(FontInfo(
                    name=base.split("+", 1)[-1], subset=bool(re.match(r"^[A-Z]{6}\+", base)),
                    embedded=key is not None, file_key=key[1:] if key else None,
                ))
        info = {str(k)[1:]: str(v) for k, v in (pdf.docinfo.items() if pdf.docinfo else [])}
        raw_xmp = ""
        if "/Metadata" in pdf.Root:
            raw_xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        lang = str(pdf.Root.Lang) if "/Lang" in pdf.Root else None
        attachments, relationships, mime_types = {}, {}, {}
        for name, spec in pdf.attachments.items():
            attachments[name] = spec.get_file().read_bytes()
            rel = spec.obj.get("/AFRelationship")
            relationships[name] = str(rel)[1:] if rel is not None else ""
            mime_types[name] = spec.get_file().mime_type
        catalog_af = len(pdf.Root.AF) if "/AF" in pdf.Root else 0
        intents = [str(oi.get("/S", ""))[1:] for oi in pdf.Root.get("/OutputIntents", [])]

    return PdfInfo(
        pages=pages, fonts=fonts, info=info, xmp=_xmp_fields(raw_xmp), lang=lang,
        attachments=attachments, relationships=relationships, mime_types=mime_types,
        catalog_af=catalog_af, output_intents=intents, raw_xmp=raw_xmp,
    )


def pdfa_problems(data: bytes, *, part: int = 3, conformance: str = "B") -> list[str]:
    """Structural PDF/A checks; an empty list when nothing was found wrong."""
    problems = []
    info = inspect_pdf(data)
    if info.xmp.get("pdfaid:part") != str(part):
        problems.append(f"XMP pdfaid:part is {info.xmp.get('pdfaid:part')!r}, expected {part}")
    if info.xmp.get("pdfaid:conformance") != conformance:
        problems.append(f"XMP pdfaid:conformance is {info.xmp.get('pdfaid:conformance')!r}, expected {conformance}")
    if "GTS_PDFA1" not in info.output_intents:
        problems.append(f"no GTS_PDFA1 output intent (found {info.output_intents})")
    for font in info.fonts:
        if not font.embedded:
            problems.append(f"font {font.name} not embedded")
    # The document information dictionary must agree with the XMP packet.
    pairs = {"Title": "dc:title", "Author": "dc:creator", "Subject": "dc:description",
             "Keywords": "pdf:Keywords", "Producer": "pdf:Producer", "Creator": "xmp:CreatorTool"}
    for key, xmp_key in pairs.items():
        if key in info.info and info.info[key] != info.xmp.get(xmp_key):
            problems.append(f"/{key} {info.info[key]!r} differs from XMP {xmp_key} {info.xmp.get(xmp_key)!r}")
    for key, xmp_key in (("CreationDate", "xmp:CreateDate"), ("ModDate", "xmp:ModifyDate")):
        if (key in info.info) != (xmp_key in info.xmp):
            problems.append(f"/{key} and XMP {xmp_key} must be both present or both absent")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if pdf.is_encrypted:
            problems.append("encrypted")
        if "/ID" not in pdf.trailer:
            problems.append("no /ID in the trailer")
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Dictionary):
                continue
            if obj.get("/Type") == "/Filespec":
                for key in ("/F", "/UF", "/AFRelationship"):
                    if key not in obj:
                        problems.append(f"file specification without {key}")
                ef = obj.get("/EF", {}).get("/F")
                if ef is not None and "/Subtype" not in ef:
                    problems.append("embedded file without a MIME /Subtype")
            if obj.get("/S") == "/JavaScript" or "/JS" in obj:
                problems.append("JavaScript present")
    if info.attachments and info.catalog_af < len(info.attachments):
        problems.append("an attachment is not listed in the catalog /AF")
    return problems
