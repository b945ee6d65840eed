"""The text of a .docx as a reader sees it, and the numbers in it.

Used to recognise a draft after Word or LibreOffice saved it again: runs split
differently, styles renamed, bookmarks moved, but the words are the words. So
everything here works on text, never on the XML's structure:

- `docx_blocks(data)`: the document body in reading order, one `Block` per
  paragraph and one per table row (its cells joined with " | "), white space
  collapsed, NFC. Deleted tracked changes, field codes and the duplicate text of
  text-box fallbacks are left out; headers and footers (page numbers) too.
- `numbers(text)`: the numbers written in a line (`1.756`, `83,4%`, `09/6/2024`,
  both halves of `1.723/1.730`), leaving out what is not a figure: symbols and
  codes (`07/BC-KCN`, `115/2020/NĐ-CP`, `TTHC-02`) and the numbering that starts
  a heading or a table row (`1.`, `a)`, `1.1 |`).
- The văn thư's elements (the `Số:` line, the place-and-date line, the
  `(Kèm theo ...)` notes) are recognised by their text (`is_number_line`, ...),
  so that the number and day written into them are not taken for figures.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
DOCUMENT_PART = "word/document.xml"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


_SKIP_INSIDE = {_w("txbxContent"), f"{{{MC}}}Fallback", _w("del"), _w("moveFrom")}
_CONTAINERS = {_w("sdt"), _w("sdtContent"), _w("customXml"), _w("smartTag"), _w("ins"), _w("moveTo")}

_SPACE = re.compile(r"\s+")


class DraftUnreadable(ValueError):
    """The file is not a Word document we can read."""


def normalize(text: str) -> str:
    """NFC, non-breaking spaces as spaces, runs of white space as one space."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u202f", " ")
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class Block:
    """A paragraph, or a table row (cells joined with ' | ')."""

    text: str
    paragraphs: tuple[str, ...]  # the paragraphs it is made of, each normalised


def document_root(data: bytes):
    """The parsed word/document.xml of a .docx (DraftUnreadable when it is not one)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            xml = z.read(DOCUMENT_PART)
        return etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, huge_tree=True))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError) as exc:
        raise DraftUnreadable(str(exc) or type(exc).__name__) from None


def paragraph_text(p) -> str:
    """The text of a w:p as displayed: w:t, tabs and breaks as spaces; nothing
    from deleted changes, field codes or text boxes' fallback copies."""
    parts: list[str] = []

    def walk(el):
        for child in el:
            tag = child.tag
            if tag in _SKIP_INSIDE or not isinstance(tag, str):
                continue
            if tag == _w("t"):
                parts.append(child.text or "")
            elif tag in (_w("tab"), _w("br"), _w("cr")):
                parts.append(" ")
            elif tag == _w("noBreakHyphen"):
                parts.append("-")
            elif tag == _w("p"):  # a paragraph inside a text box: not this one's text
                continue
            else:
                walk(child)

    walk(p)
    return normalize("".join(parts))


def _cell_paragraphs(tc) -> list[str]:
    """Every paragraph of a table cell, nested tables included, in reading order."""
    return [text for block in _body_blocks(tc) for text in block.paragraphs]


def _row_cells(tr) -> list[list[str]]:
    cells = []
    for child in tr:
        if child.tag == _w("tc"):
            cells.append(_cell_paragraphs(child))
        elif child.tag in _CONTAINERS:
            cells.extend(_row_cells(child))
    return cells


def _table_blocks(tbl) -> list[Block]:
    blocks = []
    for child in tbl:
        rows = [child] if child.tag == _w("tr") else (child.iter(_w("tr")) if child.tag in _CONTAINERS else [])
        for tr in rows:
            cells = _row_cells(tr)
            paragraphs = tuple(p for cell in cells for p in cell)
            if paragraphs:
                blocks.append(Block(" | ".join(" ".join(cell) for cell in cells), paragraphs))
    return blocks


def _body_blocks(el) -> list[Block]:
    blocks: list[Block] = []
    for child in el:
        if child.tag == _w("p"):
            text = paragraph_text(child)
            if text:
                blocks.append(Block(text, (text,)))
        elif child.tag == _w("tbl"):
            blocks.extend(_table_blocks(child))
        elif child.tag in _CONTAINERS:
            blocks.extend(_body_blocks(child))
    return blocks


def docx_blocks(data: bytes) -> list[Block]:
    """The body of a .docx in reading order (see the module's docstring)."""
    root = document_root(data)
    body = root.find(_w("body"))
    if body is None:
        raise DraftUnreadable("không có phần nội dung (w:body)")
    return _body_blocks(body)


def docx_plain_text(data: bytes) -> str:
    """Every paragraph of the body, one per line (for comparing with a PDF's text)."""
    return "\n".join(p for block in docx_blocks(data) for p in block.paragraphs)


# ------------------------------------------------------------------ the văn thư's elements

NUMBER_LINE = re.compile(r"^Số\s*:")
DATE_LINE = re.compile(r"^(?P<place>[^,|]+),\s*ngày\b(?P<rest>.*?\btháng\b.*?\bnăm\s+\d{4})\.?$")
ATTACHED_NOTE = re.compile(r"^\(?\s*Kèm theo\b", re.IGNORECASE)


def is_number_line(text: str) -> bool:
    return bool(NUMBER_LINE.match(text))


def is_date_line(text: str) -> bool:
    return bool(DATE_LINE.match(text))


def is_attached_note(text: str) -> bool:
    return bool(ATTACHED_NOTE.match(text))


def comparable(block: Block) -> str:
    """The block's text with the văn thư's elements replaced by a mark: the
    number and day written into them are not figures of the report."""
    parts = []
    changed = False
    for p in block.paragraphs:
        if is_number_line(p):
            parts.append("‹Số›")
            changed = True
        elif is_date_line(p):
            parts.append("‹ngày›")
            changed = True
        elif is_attached_note(p):
            parts.append("‹Kèm theo›")
            changed = True
        else:
            parts.append(p)
    return " ".join(parts) if changed else block.text


# ------------------------------------------------------------------ numbers

_DATE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")
_NUMBER = re.compile(r"^(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)%?$")
_LEADING = "([{“\"'‘«"
_TRAILING = ")]}.,;:!?”\"'’»…"
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\s*\||\d+(?:\.\d+)*[.)](?!\d)|[a-zđ]\)|[IVXLC]+\.)\s*")


@dataclass(frozen=True)
class Number:
    text: str  # as written: '1.756', '83,4%', '09/6/2024'
    start: int  # offset in the line


def _word_numbers(word: str) -> list[str]:
    core = word.lstrip(_LEADING).rstrip(_TRAILING)
    if not core or not any(ch.isdigit() for ch in core):
        return []
    if any(ch.isalpha() for ch in core):
        return []  # a symbol or code: 07/BC-KCN, TTHC-02, 115/2020/NĐ-CP, KCN2
    if _DATE.match(core):
        return [core]
    parts = core.split("/")
    if all(_NUMBER.match(part) for part in parts):
        return parts
    return []


def numbers(text: str) -> list[Number]:
    """The numbers written in a line, in order (see the module's docstring)."""
    out: list[Number] = []
    skip = _NUMBERING.match(text)
    offset = skip.end() if skip else 0
    for match in re.finditer(r"\S+", text[offset:]):
        position = offset + match.start()
        for part in _word_numbers(match.group()):
            out.append(Number(part, position + match.group().find(part)))
    return out


def tokens(text: str) -> list[tuple[str, str]]:
    """The line as ('w', word) and ('#', number) items, numbers in place: the
    unit of the word-by-word comparison of an edited line with its original."""
    out: list[tuple[str, str]] = []
    skip = _NUMBERING.match(text)
    if skip and skip.group().strip():
        out.append(("w", skip.group().strip()))
    offset = skip.end() if skip else 0
    for match in re.finditer(r"\S+", text[offset:]):
        word = match.group()
        found = _word_numbers(word)
        if not found:
            out.append(("w", word))
            continue
        masked = word
        for part in found:
            masked = masked.replace(part, "#", 1)
        if masked != "#":
            out.append(("w", masked))
        out.extend(("#", part) for part in found)
    return out


def masked(text: str) -> str:
    """The line with every number as '#': equal for a line whose figures changed."""
    return " ".join("#" if kind == "#" else value for kind, value in tokens(text))


def first_words(text: str, count: int = 10) -> str:
    """'Trong kỳ, Ban tiếp nhận 1.756 hồ sơ thủ tục…': how the clerk finds the paragraph."""
    words = text.split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")
