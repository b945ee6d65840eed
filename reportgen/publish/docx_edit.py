"""Write the number and the date into a reviewed draft, changing nothing else.

The văn thư's elements are found by their text (Word and LibreOffice split a
line into runs as they please): the `Số:` paragraph, the place-and-date
paragraph, and every `(Kèm theo Báo cáo số …)` note of the appendices. Each is
rewritten in place: the new text goes into the paragraph's first run (so it
keeps that run's font, size, bold/italic), the other runs of that paragraph
lose their text; paragraph properties, bookmarks and everything around stay.

Only `word/document.xml` is rewritten; every other part of the .docx (styles,
headers, settings, images, custom parts) is copied byte for byte, with its zip
entry's name, date and compression.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass

from lxml import etree

from .. import vi_format
from .draft_text import (
    DATE_LINE,
    DOCUMENT_PART,
    _SKIP_INSIDE,
    _w,
    document_root,
    is_attached_note,
    is_date_line,
    is_number_line,
    paragraph_text,
)

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


class DraftElementMissing(ValueError):
    """The draft has no `Số:` line or no date line to write into."""


@dataclass(frozen=True)
class Edit:
    what: str  # 'Số', 'ngày', 'Kèm theo'
    before: str
    after: str


def _text_runs(p) -> list:
    """The w:r of a paragraph that carry text, in order (not in deleted changes
    or text boxes)."""
    runs = []

    def walk(el):
        for child in el:
            if not isinstance(child.tag, str) or child.tag in _SKIP_INSIDE or child.tag == _w("p"):
                continue
            if child.tag == _w("r"):
                if any(c.tag in (_w("t"), _w("tab"), _w("br"), _w("cr")) for c in child):
                    runs.append(child)
            else:
                walk(child)

    walk(p)
    return runs


def set_paragraph_text(p, text: str) -> None:
    """Replace a paragraph's text, keeping its first text run's formatting."""
    runs = _text_runs(p)
    if not runs:
        run = etree.SubElement(p, _w("r"))
        runs = [run]
    first = runs[0]
    for child in list(first):
        if child.tag in (_w("t"), _w("tab"), _w("br"), _w("cr")):
            first.remove(child)
    t = etree.SubElement(first, _w("t"))
    t.text = text
    t.set(XML_SPACE, "preserve")
    for run in runs[1:]:
        run.getparent().remove(run)


_REFERENCE = re.compile(
    r"(?P<head>\bsố)\s*\d*\s*/\s*(?P<symbol>{symbol})\s+ngày\b.*?(?:\bnăm\s+\d{{4}}|\d{{1,2}}/\d{{1,2}}/\d{{4}})"
)


def fill_number_and_date(docx: bytes, *, type_code: str, agency_code: str, number: int, date: dt.date
                         ) -> tuple[bytes, list[Edit]]:
    """The draft with `Số: 07/BC-KCN`, `<place>, ngày 12 tháng 6 năm 2024` and
    `(Kèm theo Báo cáo số 07/BC-KCN ngày 12/6/2024 …)`; and what was changed.
    Raises DraftElementMissing when the Số or date line is not there."""
    root = document_root(docx)
    body = root.find(_w("body"))
    number_text = vi_format.document_number(type_code, agency_code, number)
    symbol = f"{type_code}-{agency_code}"
    reference = f"số {number_text.removeprefix('Số:').strip()} ngày {vi_format.date(date)}"
    reference_re = re.compile(_REFERENCE.pattern.format(symbol=re.escape(symbol)))
    edits: list[Edit] = []
    found_number = found_date = False
    for p in body.iter(_w("p")):
        if any(a.tag in _SKIP_INSIDE for a in p.iterancestors()):
            continue
        text = paragraph_text(p)
        if not text:
            continue
        new = None
        if not found_number and is_number_line(text):
            found_number, new, what = True, number_text, "Số"
        elif not found_date and is_date_line(text):
            place = DATE_LINE.match(text).group("place").strip()
            found_date, new, what = True, vi_format.date_line(place, date), "ngày"
        elif is_attached_note(text) and reference_re.search(text):
            new, what = reference_re.sub(lambda m: reference, text, count=1), "Kèm theo"
        if new is not None and new != text:
            set_paragraph_text(p, new)
            edits.append(Edit(what, text, new))
        elif new is not None:
            edits.append(Edit(what, text, new))
    missing = [name for name, found in (("dòng «Số:»", found_number), ("dòng địa danh, ngày tháng", found_date))
               if not found]
    if missing:
        raise DraftElementMissing(", ".join(missing))
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return _replace_part(docx, DOCUMENT_PART, xml), edits


def _replace_part(docx: bytes, name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = data if info.filename == name else src.read(info)
            dst.writestr(info, content, compress_type=info.compress_type)
    return out.getvalue()
