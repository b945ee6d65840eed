"""Limits checked on an .xlsx before python-calamine opens it.

calamine trusts what a workbook says: a single cell at `XFD1048576` makes it
allocate the whole 1,048,576 x 16,384 grid (hundreds of GB: the process aborts),
and a sheet or shared-string table that inflates to gigabytes is held in memory,
also when it is a sheet the contract says to ignore. So before a reader opens a
workbook, `check_workbook(path, file, diag)`:

- reads the zip's directory (zipfile) and, for every member, its declared
  uncompressed size, then streams the member through zlib counting the bytes it
  really inflates to, stopping at the limit (a header can lie);
- for every worksheet, reads the declared `<dimension ref=...>` and, while
  streaming, the real extent of its cells (the highest row and column any cell
  names, and an upper bound for cells that name no position), so the grid
  calamine will allocate is known before it does;
- reports one clear Vietnamese error naming the file and the sheet (and returns
  False) when a limit is passed; the reader then does not open the file.

Memory stays bounded (one chunk of CHUNK bytes at a time) whatever the file
claims. Files that are not zips are left to the reader (its own "not an .xlsx"
message). The limits fit the biggest real files, a one-stop system's export of
a million dossiers (docs/decisions.md).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostics, Location

EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384
# A worksheet's grid (rows x columns from A1 to its farthest cell): a million
# dossier rows of up to 24 columns. calamine allocates the whole grid.
MAX_CELLS = EXCEL_ROWS * 24
# Inflated size of one worksheet or of the shared-string table: a million rows
# of 16 text columns written as inline strings stay under 1 GiB.
MAX_SHEET_BYTES = 1 << 30
# Any other member (workbook.xml, styles, relationships, images...).
MAX_OTHER_BYTES = 64 << 20
# All members together.
MAX_TOTAL_BYTES = 2 << 30
MAX_MEMBERS = 10_000
# Distinct strings of the shared-string table (calamine keeps them all): a
# million dossiers have a million ids and a few thousand other texts.
MAX_STRINGS = 8_000_000
CHUNK = 8 << 20

_REF = re.compile(rb"^\$?([A-Z]{1,3})\$?([0-9]{1,7})$")
# XML allows either quote and spaces around "=": every pattern below does too
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_PREFIX = re.compile(rb"<(\w+:)?sheetData\b")
# a tag's attributes up to its `r` attribute's value, quoted values skipped whole
# (a ">" may stand inside one): the general form, for tags where `r` is not first
_ATTRS_BEFORE_R = rb"TAG\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*?\sr\s*=\s*[\"']\s*"
_SST_PREFIX = re.compile(rb"<(\w+:)?sst\b")


class _Limit(Exception):
    def __init__(self, message: str, found: str, expected: str):
        self.message, self.found, self.expected = message, found, expected
        self.sheet: str | None = None


@dataclass
class _Extent:
    rows: int = 0  # highest row number named
    columns: int = 0  # highest column number named
    row_tags: int = 0
    cell_tags: int = 0
    cells_with_ref: int = 0
    row_cells: int = 0  # most cells in one row, where cells name no position
    carry: int = 0  # cells of the row still open at the end of the last chunk

    def grid(self) -> tuple[int, int]:
        rows = max(self.rows, self.row_tags)
        columns = self.columns
        if self.cell_tags > self.cells_with_ref:  # cells that name no position follow the last one named
            columns += self.row_cells
        return rows, columns


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


def _ref_cells(ref: bytes) -> tuple[int, int] | None:
    """(rows, columns) from A1 to the bottom-right corner of a `ref` like `A1:L900`."""
    corner = ref.split(b":")[-1].strip()
    m = _REF.match(corner.upper())
    if not m:
        return None
    return int(m.group(2)), _column_number(m.group(1))


def _letters(column: int) -> str:
    text = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        text = chr(65 + rest) + text
    return text


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Member path -> sheet name as the clerk sees it (best effort: the member's
    own name when the workbook's relationships cannot be read)."""
    names: dict[str, str] = {}
    try:
        workbook = _read_small(zf, "xl/workbook.xml")
        rels = _read_small(zf, "xl/_rels/workbook.xml.rels")
    except (KeyError, _Limit):
        return names
    targets = {}
    for rel in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
        tag = rel.group(0)
        rid = re.search(rb"\bId\s*=\s*[\"']([^\"']*)[\"']", tag)
        target = re.search(rb"\bTarget\s*=\s*[\"']([^\"']*)[\"']", tag)
        if rid and target:
            path = target.group(1).decode("utf-8", "replace").lstrip("/")
            targets[rid.group(1)] = path if path.startswith("xl/") else "xl/" + path
    for sheet in re.finditer(rb"<(?:\w+:)?sheet\b[^>]*>", workbook):
        tag = sheet.group(0)
        name = re.search(rb"\bname\s*=\s*\"([^\"]*)\"", tag) or re.search(rb"\bname\s*=\s*'([^']*)'", tag)
        rid = re.search(rb"\b(?:\w+:)?id\s*=\s*[\"']([^\"']*)[\"']", tag)
        if name and rid and rid.group(1) in targets:
            names[targets[rid.group(1)]] = _unescape(name.group(1).decode("utf-8", "replace"))
    return names


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def _read_small(zf: zipfile.ZipFile, name: str) -> bytes:
    info = zf.getinfo(name)
    out = bytearray()
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            out += chunk
            if len(out) > MAX_OTHER_BYTES:
                raise _Limit("", "", "")
    return bytes(out)


def _is_sheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _member_limit(name: str) -> int:
    if _is_sheet(name) or name == "xl/sharedStrings.xml":
        return MAX_SHEET_BYTES
    return MAX_OTHER_BYTES


def _too_big(what: str, size: str, limit: int) -> _Limit:
    return _Limit(
        f"{what} quá lớn khi giải nén ({size}, giới hạn {_n(limit >> 20)} MB): tệp có thể bị hỏng hoặc là tệp "
        "cố ý làm tràn bộ nhớ",
        f"hơn {_n(limit >> 20)} MB" if size.startswith("hơn") else size,
        "tệp .xlsx bình thường (mở bằng Excel, xóa các trang và vùng không dùng, lưu lại); "
        "sổ hồ sơ rất lớn thì xuất dạng .csv",
    )


def _scan_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str | None, total: list[int]) -> None:
    what = "trang tính" if sheet else f"phần «{info.filename}» của tệp"
    try:
        _scan(zf, info, what, total)
    except _Limit as exc:
        exc.sheet = sheet
        raise


def _scan(zf: zipfile.ZipFile, info: zipfile.ZipInfo, what: str, total: list[int]) -> None:
    limit = _member_limit(info.filename)
    if info.file_size > limit:
        raise _too_big(what, f"khai báo {_n(info.file_size >> 20)} MB", limit)
    extent = _Extent() if _is_sheet(info.filename) else None
    strings = [0, None] if info.filename == "xl/sharedStrings.xml" else None  # (count, namespace prefix)
    size, tail, prefix = 0, b"", None
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            total[0] += len(chunk)
            if size > limit:
                raise _too_big(what, f"hơn {_n(limit >> 20)} MB", limit)
            if total[0] > MAX_TOTAL_BYTES:
                raise _too_big("tệp", f"hơn {_n(MAX_TOTAL_BYTES >> 20)} MB", MAX_TOTAL_BYTES)
            if strings is not None:
                data = tail + chunk
                if strings[1] is None:
                    m = _SST_PREFIX.search(data[: 1 << 20])
                    strings[1] = (m.group(1) or b"") if m else b""
                p = strings[1]
                strings[0] += data.count(b"<" + p + b"si>") + data.count(b"<" + p + b"si ")
                tail = data[-(len(p) + 3):]
                if strings[0] > MAX_STRINGS:
                    raise _Limit(
                        f"bảng chuỗi dùng chung của tệp có hơn {_n(MAX_STRINGS)} chuỗi (chương trình sẽ hết bộ nhớ)",
                        f"hơn {_n(MAX_STRINGS)} chuỗi", "tệp .xlsx bình thường; sổ hồ sơ rất lớn thì xuất dạng .csv")
                continue
            if extent is None:
                continue
            data = tail + chunk
            # cut before the last "<": a raw "<" never sits inside a tag (it is
            # escaped in attribute values, unlike ">"), so no tag is split
            cut = data.rfind(b"<")
            if cut <= 0 and len(data) < (1 << 20):
                tail = data
                continue
            if cut <= 0:
                cut = len(data)
            body, tail = data[:cut], data[cut:]
            if prefix is None:
                m = _PREFIX.search(body)
                if m is None and len(body) < (4 << 20):  # the sheet's head: keep until <sheetData> is seen
                    tail = body + tail
                    continue
                prefix = (m.group(1) or b"") if m else b""
                _check_declared(body, what)
            _measure(body, extent, prefix)
            _check_extent(extent, what)
    if extent is not None and (tail or prefix is None):
        if prefix is None:
            _check_declared(tail, what)
            m = _PREFIX.search(tail)
            prefix = (m.group(1) or b"") if m else b""
        _measure(tail, extent, prefix)
        _check_extent(extent, what)


def _check_declared(head: bytes, what: str) -> None:
    m = _DIMENSION.search(head[: 1 << 20])
    if not m:
        return
    cells = _ref_cells(m.group(1))
    if cells and cells[0] * cells[1] > MAX_CELLS:
        ref = m.group(1).decode("ascii", "replace")
        raise _area(what, f"khai báo vùng dữ liệu «{ref}»", *cells)


def _beyond(letters: str, p: bytes) -> re.Pattern:
    """A search for a cell whose column is past `letters` (same length and
    greater, or longer, or written in lower case): one pass at C speed over a
    chunk, where listing every cell's column would cost a Python object each."""
    n = len(letters)
    alts = [f"[A-Z]{{{n + 1},}}", "[A-Z]*[a-z]"]
    for i, ch in enumerate(letters):
        if ch < "Z":
            alts.append(f"{letters[:i]}[{chr(ord(ch) + 1)}-Z][A-Z]{{{n - i - 1}}}")
    return re.compile(rb"<" + re.escape(p) + rb"c r=[\"']\$?(?:" + "|".join(alts).encode() + rb")\$?[0-9]")


_ANY_PREFIX = rb"<(?:[\w.\-]+:)?"
_CELL_TAG = re.compile(_ANY_PREFIX + rb"c[\s/>]")
_ROW_TAG = re.compile(_ANY_PREFIX + rb"row[\s/>]")
_CELL_REF = re.compile(_ANY_PREFIX + _ATTRS_BEFORE_R.replace(b"TAG", b"c") + rb"\$?([A-Za-z]{1,10})")
_ROW_REF = re.compile(_ANY_PREFIX + _ATTRS_BEFORE_R.replace(b"TAG", b"row") + rb"([0-9]{1,10})")


def _measure(body: bytes, extent: _Extent, p: bytes) -> None:
    """Add the cells and rows of `body` (whole tags only) to `extent`. The
    common form (no namespace prefix, `r` first, as Excel and every library
    write it) is measured with fast counts; a chunk with any other form is
    measured with the general patterns (any prefix, any attribute order,
    quotes and spaces as XML allows)."""
    if p or b":c" in body or b":row" in body:  # a prefixed cell or row may be there
        _measure_general(body, extent)
        return
    # every "<c" is a cell written `<c r="...` (the fast path), or a tag whose
    # name goes on (<col>, <cfRule>...): anything else (a cell without r, with
    # r later, a line break after its name) takes the general path
    cells = with_ref = body.count(b'<c r="') + body.count(b"<c r='")
    if body.count(b"<c") != with_ref + body.count(b"<co") + body.count(b"<cf"):
        _measure_general(body, extent)
        return
    extent.cell_tags += cells
    extent.cells_with_ref += with_ref
    if with_ref and (extent.columns == 0 or _beyond(_letters(extent.columns), b"").search(body)):
        cols = re.findall(rb"<c r=[\"']\$?([A-Za-z]{1,10})", body)
        extent.columns = max(extent.columns, max(_column_number(c) for c in set(cols)))
    rows = re.findall(rb"<row r=[\"']([0-9]{1,10})", body)
    row_tags = len(rows)
    if body.count(b"<row") != row_tags:  # a row without r first (or <rowBreaks>): the general patterns
        row_tags = len(_ROW_TAG.findall(body))
        rows = _ROW_REF.findall(body)
    extent.row_tags += row_tags
    if rows:
        extent.rows = max(extent.rows, max(map(int, rows)))


def _measure_general(body: bytes, extent: _Extent) -> None:
    cols = _CELL_REF.findall(body)
    extent.cells_with_ref += len(cols)
    if cols:
        extent.columns = max(extent.columns, max(_column_number(c) for c in set(cols)))
    # cells without a position (allowed; some exporters write them so) follow
    # the last one named: the grid is as wide as the fullest row, counted row by row
    counts = [len(_CELL_TAG.findall(seg)) for seg in _ROW_TAG.split(body)]
    extent.cell_tags += sum(counts)
    counts[0] += extent.carry  # the row left open at the end of the last chunk
    extent.carry = counts[-1]
    extent.row_cells = max(extent.row_cells, max(counts))
    rows = _ROW_REF.findall(body)
    extent.row_tags += len(counts) - 1
    if rows:
        extent.rows = max(extent.rows, max(map(int, rows)))


def _check_extent(extent: _Extent, what: str) -> None:
    rows, columns = extent.grid()
    if rows * columns > MAX_CELLS or rows > EXCEL_ROWS or columns > EXCEL_COLUMNS:
        far = f"{_letters(min(columns, EXCEL_COLUMNS * 26))}{rows}"
        raise _area(what, f"có ô ở tận {far}", rows, columns)


def _area(what: str, how: str, rows: int, columns: int) -> _Limit:
    return _Limit(
        f"{what} {how}: vùng dữ liệu từ A1 rộng {_n(rows)} dòng × {_n(columns)} cột, quá giới hạn "
        f"{_n(MAX_CELLS)} ô (chương trình sẽ hết bộ nhớ)",
        f"{_n(rows)} dòng × {_n(columns)} cột",
        "xóa các dòng, cột và ô thừa ở xa vùng dữ liệu (Ctrl+End cho biết ô cuối cùng Excel thấy), "
        "lưu lại rồi chạy lại; sổ hồ sơ rất lớn thì xuất dạng .csv",
    )


def check_workbook(path: Path, file: str, diag: Diagnostics) -> bool:
    """True when `path` may be opened by calamine; otherwise one error in `diag`
    (naming `file`, the clerk's name for it, and the sheet) and False.

    A file that is not a readable zip returns True: the reader's own open fails
    and says what the file really is."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return True
    try:
        with zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise _Limit(f"tệp có {_n(len(infos))} phần nén, quá giới hạn {_n(MAX_MEMBERS)}",
                             f"{_n(len(infos))} phần", "tệp .xlsx bình thường, lưu lại bằng Excel")
            sheets = _sheet_names(zf)
            total = [0]
            for info in infos:
                if info.is_dir():
                    continue
                _scan_member(zf, info, sheets.get(info.filename, _sheet_label(info.filename)), total)
    except _Limit as exc:
        diag.error(exc.message, Location(file, exc.sheet), found=exc.found, expected=exc.expected, code="too_big")
        return False
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        # A member that inflates to more or less than its header says (zipfile
        # stops at the declared size and checks the CRC), or a broken stream:
        # never handed to calamine, whose zip reader may trust another field.
        diag.error("không mở được tệp Excel", Location(file),
                   found=f"tệp hỏng ({type(exc).__name__}: nội dung nén không khớp với khai báo)",
                   expected="tệp .xlsx mở được bằng Excel (mở, lưu lại rồi chép lại)", code="corrupt_file")
        return False
    except (NotImplementedError, RuntimeError, OSError, ValueError):
        # an encrypted member or another compression method: calamine's own open
        # fails and the reader says what the file is
        return True
    return True


def _sheet_label(member: str) -> str | None:
    if _is_sheet(member):
        return Path(member).stem  # sheet1, when the workbook does not say its name
    return None
