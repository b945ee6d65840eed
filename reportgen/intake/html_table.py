"""Tables of a web page saved with an Excel name (what many web systems send as
"Xuất Excel": an .xls whose bytes are an HTML document holding a <table>).

`read_html_tables(path)` parses the page with lxml's HTML parser and gives each
top-level <table> as rows of cell texts (the text of a cell as a browser shows it:
<br> a line break, runs of spaces one space, blank -> None); a cell spanning
columns (colspan) is its text followed by blank cells, as a merged Excel cell
reads. A table whose end tag is missing (the download stopped part-way) is marked
`truncated`: lxml's parser quietly closes what is left open, so the check is that
the bytes hold as many `</table>` end tags as tables.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

import lxml.etree as etree
import lxml.html

_MAX_COLSPAN = 200  # a colspan="100000" must not make a million cells


@dataclass
class HtmlTable:
    rows: list[list]
    truncated: bool = False


@dataclass
class HtmlTableError(Exception):
    """A page that cannot be read as tables (message in Vietnamese)."""

    message: str
    table: str | None = None
    row: int | None = None
    column: str | None = None
    found: str | None = None
    expected: str | None = None

    def __post_init__(self):
        super().__init__(self.message)


def _decode(data: bytes) -> str | bytes:
    """Text when the encoding is certain (a byte order mark, or valid UTF-8);
    else the bytes, for lxml to read the page's own <meta charset>."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data


def _cell_text(cell) -> str | None:
    for br in cell.iter("br"):
        br.tail = "\n" + (br.tail or "")
    text = cell.text_content()
    lines = [" ".join(line.split()) for line in text.replace("\r", "\n").split("\n")]
    text = "\n".join(line for line in lines if line)
    return text or None


def _rows(table) -> list[list]:
    out = []
    for tr in table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr"):
        cells: list = []
        for cell in tr.xpath("./td | ./th"):
            cells.append(_cell_text(cell))
            try:
                span = int(cell.get("colspan") or 1)
            except ValueError:
                span = 1
            cells.extend([None] * (min(max(span, 1), _MAX_COLSPAN) - 1))
        out.append(cells)
    return out


def read_html_tables(path: Path) -> list[HtmlTable]:
    """Every top-level table of the page (nested tables are part of their cell)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise HtmlTableError("không đọc được tệp", found=str(exc)[:100], expected="tệp đọc được (không bị khóa)")
    try:
        text = _decode(data)
        try:
            root = lxml.html.document_fromstring(text)
        except ValueError:  # text with an <?xml … encoding=…?> declaration: lxml reads the bytes
            root = lxml.html.document_fromstring(data)
    except (etree.ParserError, ValueError) as exc:
        raise HtmlTableError("không đọc được trang web", found=str(exc)[:100],
                             expected="tệp «Xuất Excel» của hệ thống một cửa (trang web có bảng)")
    tables = [t for t in root.iter("table") if not any(a.tag == "table" for a in t.iterancestors())]
    lowered = data.lower() if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) \
        else data.decode("utf-16", errors="replace").lower().encode("utf-8")
    closed = lowered.count(b"</table")
    opened = len(list(root.iter("table")))
    out = [HtmlTable(_rows(t)) for t in tables]
    if closed < opened and out:
        # lxml closed the last table itself: the file ends inside it
        out[-1].truncated = True
    return out
