"""`BC-CCHC-<year>-<period>-chi-tiet.xlsx`: the dossiers behind the bad figures
(review.md, "The dossiers behind the figures").

One sheet per list (`Hồ sơ quá hạn`, `Hồ sơ trả quá hạn`, and `Hồ sơ rút` when
the logs had a status column): the header in row 1, one dossier per row below it
and nothing else; Ngày tiếp nhận, Hạn xử lý and Ngày trả kết quả are real Excel
dates (dd/mm/yyyy); the header row is frozen, an autofilter covers the table and
the columns are as wide as their longest value.

openpyxl builds the workbook (styles, frozen pane, autofilter, widths, document
properties) with the header and one model data row per sheet. A list can hold
hundreds of thousands of dossiers (a million-dossier log): writing them cell by
cell through openpyxl would take longer than the whole report, so the rows are
produced column-wise with pyarrow, in the model row's exact form (the same
style of each cell), and replace the model row. Every text cell is an inline
string with the quote-prefix style: a Mã hồ sơ or Thủ tục starting with `=`,
`+`, `-` or `@` stays text, never a formula.

Same lists, same bytes: fixed document dates, fixed zip entry times and order.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..figures import DossierLists
from .etree_lock import ETREE_LOCK
from .zip_writer import normalized_zip

SHEET_OVERDUE = "Hồ sơ quá hạn"
SHEET_LATE = "Hồ sơ trả quá hạn"
SHEET_WITHDRAWN = "Hồ sơ rút"
HEADERS = {
    "id": "Mã hồ sơ",
    "department": "Đơn vị",
    "procedure": "Thủ tục",
    "received": "Ngày tiếp nhận",
    "due": "Hạn xử lý",
    "returned": "Ngày trả kết quả",
    "days_late": "Số ngày quá hạn",
}
TEXT = ("id", "department", "procedure")
DATES = ("received", "due", "returned")
DATE_FORMAT = "dd/mm/yyyy"
ROWS_PER_PIECE = 16_384  # rows of a sheet made and compressed at a time
MAX_WIDTH = 80  # characters; a longer Thủ tục wraps when the clerk widens the row
_EXCEL_EPOCH_DAYS = 25569  # Excel's serial number of 1970-01-01
_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
# characters XML 1.0 does not allow (a log's text might carry one)
_NOT_XML = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{fffe}\x{ffff}]"
_NEEDS_ESCAPE = r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\x{fffe}\x{ffff}]"


def chi_tiet_name(report_stem: str) -> str:
    """'BC-CCHC-2024-6m' -> 'BC-CCHC-2024-6m-chi-tiet.xlsx'."""
    return f"{report_stem}-chi-tiet.xlsx"


def sheets_of(lists: DossierLists) -> list[tuple[str, pd.DataFrame, tuple[str, ...]]]:
    """(sheet name, list, columns) of each sheet, in order."""
    every = tuple(HEADERS)
    out = [(SHEET_OVERDUE, lists.pending_overdue, every), (SHEET_LATE, lists.late, every)]
    if lists.withdrawn is not None:
        out.append((SHEET_WITHDRAWN, lists.withdrawn, every[:-1]))  # no days late for a withdrawn dossier
    return out


# ------------------------------------------------------------------ the rows


def _escape(arr: pa.Array) -> pa.Array:
    """XML text: &, <, > as entities, characters XML does not allow removed. Most
    texts need nothing: one scan first, replacements only when needed."""
    if not pc.any(pc.match_substring_regex(arr, _NEEDS_ESCAPE)).as_py():
        return arr
    arr = pc.replace_substring_regex(arr, _NOT_XML, "")
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        arr = pc.replace_substring(arr, char, entity)
    return arr


def _arrow(values: pd.Series) -> pa.Array:
    """A text column as Arrow large strings (null where blank), without a copy
    through Python objects."""
    if not (isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"):
        values = values.astype("string[pyarrow]")
    arr = pa.array(values.array)
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def _text(values: pa.Array) -> pa.Array:
    """XML-escaped text of a column (null where blank). A column with few distinct
    values (Đơn vị, Thủ tục) is escaped once per distinct value."""
    arr = values.cast(pa.large_string())
    encoded = pc.dictionary_encode(arr)
    if len(encoded.dictionary) * 4 < len(arr):
        return pc.take(_escape(encoded.dictionary), encoded.indices)
    return _escape(arr)


def _join(*parts) -> pa.Array:
    """Element-wise concatenation of columns and literal texts (a null part makes
    the result null)."""
    parts = [pa.scalar(p, pa.large_string()) if isinstance(p, str) else p for p in parts]
    return pc.binary_join_element_wise(*parts, pa.scalar("", pa.large_string()))


def _day_serials(values: pd.Series) -> pa.Array:
    """Excel serial numbers of a date column, as text; null where blank."""
    days = values.to_numpy().astype("datetime64[D]")
    blank = np.isnat(days)
    serial = days.view("int64") + _EXCEL_EPOCH_DAYS
    return pa.array(serial, mask=blank).cast(pa.large_string())


def _cells(frame: pd.DataFrame, texts: dict[str, pa.Array], columns: tuple[str, ...], styles: list[str]) -> list:
    """The pieces of every row's `<c>` elements, in the model row's style: literal
    texts and columns, concatenated row by row in one pass. A column with blanks
    comes as whole cells, a blank being an empty cell of that style (so the next
    cells keep their column); a text with spaces at its ends keeps them."""
    parts: list = []
    for key, style in zip(columns, styles):
        if key in TEXT:
            values = _text(texts[key])
            keep = ' xml:space="preserve"' if pc.any(pc.match_substring_regex(values, r"^\s|\s$")).as_py() else ""
            head, tail = f'<c s="{style}" t="inlineStr"><is><t{keep}>', "</t></is></c>"
        else:
            if key in DATES:
                values = _day_serials(frame[key])
            else:
                numbers = frame[key].astype("Int64")
                values = pa.array(numbers.to_numpy(dtype="int64", na_value=0),
                                  mask=numbers.isna().to_numpy()).cast(pa.large_string())
            head, tail = f'<c s="{style}"><v>', "</v></c>"
        if values.null_count:
            parts.append(pc.fill_null(_join(head, values, tail), pa.scalar(f'<c s="{style}"/>', pa.large_string())))
        else:
            parts += [head, values, tail]
    return parts


def _rows_xml(frame: pd.DataFrame, texts: dict[str, pa.Array], columns: tuple[str, ...],
              styles: list[str]) -> Iterator[memoryview]:
    """`<row>` elements for every dossier of the list, rows 2.. (row 1: header),
    ROWS_PER_PIECE rows at a time, each piece one UTF-8 buffer (a view of Arrow's
    memory, not copied): the memory of a piece is used again for the next, so a
    list of hundreds of thousands of dossiers never sits in memory as XML."""
    n = len(frame)
    for start in range(0, n, ROWS_PER_PIECE):
        stop = min(start + ROWS_PER_PIECE, n)
        piece = frame.iloc[start:stop]
        piece_texts = {key: arr.slice(start, stop - start) for key, arr in texts.items()}
        numbers = pa.array(np.arange(start + 2, stop + 2), type=pa.int64()).cast(pa.large_string())
        rows = _join('<row r="', numbers, '">', *_cells(piece, piece_texts, columns, styles), "</row>")
        offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)[rows.offset: rows.offset + len(rows) + 1]
        yield memoryview(rows.buffers()[2])[offsets[0]: offsets[-1]]


def _widths(frame: pd.DataFrame, texts: dict[str, pa.Array], columns: tuple[str, ...]) -> list[float]:
    """Characters of the longest value (or header) of each column, plus a margin."""
    out = []
    for key in columns:
        longest = len(HEADERS[key])
        if key in texts and len(frame):
            longest = max(longest, pc.max(pc.utf8_length(texts[key])).as_py() or 0)
        elif key in DATES:
            longest = max(longest, 10)
        elif len(frame) and frame[key].notna().any():
            longest = max(longest, len(str(frame[key].max())))
        out.append(min(longest + 3, MAX_WIDTH))
    return out


# ------------------------------------------------------------------ the workbook


def _model_row(ws, columns: tuple[str, ...]) -> None:
    """Row 2: one cell of each column in its final style (text, date, number)."""
    for j, key in enumerate(columns, start=1):
        cell = ws.cell(row=2, column=j)
        if key in TEXT:
            cell.value = "x"
            cell.data_type = "s"
            cell.quotePrefix = True
        elif key in DATES:
            cell.value = dt.date(2000, 1, 1)
            cell.number_format = DATE_FORMAT
        else:
            cell.value = 0
            cell.number_format = "0"


def _build(lists: DossierLists, stamp: dt.datetime, title: str) -> tuple[bytes, list]:
    """openpyxl's workbook with one model data row per sheet, and for each sheet
    (its list, its text columns as Arrow, its columns)."""
    wb = Workbook()
    wb.remove(wb.active)
    sheets = []
    for name, frame, columns in sheets_of(lists):
        texts = {key: _arrow(frame[key]) for key in columns if key in TEXT}
        sheets.append((frame, texts, columns))
        ws = wb.create_sheet(name)
        ws.append([HEADERS[key] for key in columns])
        for cell in ws[1]:
            cell.font = _BOLD
            cell.fill = _HEAD_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        _model_row(ws, columns)
        last = get_column_letter(len(columns))
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{last}{len(frame) + 1}"
        for j, width in enumerate(_widths(frame, texts, columns), start=1):
            ws.column_dimensions[get_column_letter(j)].width = width
    wb.active = 0
    wb.properties.creator = "reportgen"
    wb.properties.lastModifiedBy = "reportgen"
    wb.properties.title = title
    wb.properties.created = stamp
    wb.properties.modified = stamp
    buf = io.BytesIO()
    with ETREE_LOCK:  # see render/etree_lock.py
        wb.save(buf)
    return buf.getvalue(), sheets


_MODEL_ROW = re.compile(rb'<row r="2"[^>]*>(.*?)</row>', re.DOTALL)
_STYLE = re.compile(rb'<c [^>]*?s="(\d+)"')
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')


def _sheet_parts(xml: bytes, frame: pd.DataFrame, texts: dict, columns: tuple[str, ...]) -> Iterator[bytes]:
    """The sheet's XML with the model row replaced by the list's rows, in pieces."""
    last = get_column_letter(len(columns))
    xml = _DIMENSION.sub(f'<dimension ref="A1:{last}{len(frame) + 1}"/>'.encode(), xml, count=1)
    model = _MODEL_ROW.search(xml)
    styles = [s.decode() for s in _STYLE.findall(model.group(1))]
    if len(styles) != len(columns):
        raise RuntimeError("chi-tiet: unexpected model row written by openpyxl")
    yield xml[:model.start()]
    yield from _rows_xml(frame, texts, columns, styles)
    yield xml[model.end():]


def _core_dates(xml: bytes, stamp: dt.datetime) -> bytes:
    """openpyxl stamps the save time as `modified`: put the fixed date back."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + iso + rb"\g<2>", xml)


def render_dossier_lists(lists: DossierLists, *, as_of: dt.date, title: str) -> bytes:
    """The chi-tiet workbook of `lists`; `as_of` (the window's end) is its
    document date, `title` its document title. openpyxl makes the frame of the
    sheets (under ETREE_LOCK, in _build); the rows are written into it piece by
    piece as the zip is made."""
    stamp = dt.datetime(as_of.year, as_of.month, as_of.day)
    data, sheets = _build(lists, stamp, title)
    sheet_files = {f"xl/worksheets/sheet{i}.xml": sheet for i, sheet in enumerate(sheets, start=1)}

    def rewrite(name: str, content: bytes) -> bytes | Iterator[bytes]:
        if name in sheet_files:
            return _sheet_parts(content, *sheet_files[name])  # written piece by piece
        if name == "docProps/core.xml":
            return _core_dates(content, stamp)
        return content

    # level 1: a list of 200,000 dossiers compresses 3 times faster, hardly bigger
    return normalized_zip(data, rewrite, compresslevel=1)
