"""Dossier logs (sổ theo dõi hồ sơ TTHC): .csv, .xlsx, .xls and HTML tables saved
as .xls/.xlsx (dossier-exports.md) into one DataFrame.

A log can hold millions of rows, so nothing here loops over rows in Python:
- CSV is parsed by pyarrow (all columns as text), .xlsx/.xls by python-calamine,
  an HTML table by lxml (`intake.html_table`); which reader is chosen by the
  file's first bytes (`sniff.log_kind`), not its name;
- headers are matched with the contract names, the systems' aliases and the
  plan's `dossier_columns` (`intake.columns`);
- `Mã hồ sơ` (one distinct value per row) never becomes Python objects: it is
  cleaned, checked for repeats and handed to pandas as Arrow ("string[pyarrow]");
- each column is factorised (dictionary-encoded) and only its *distinct* values
  are parsed in Python (a log has a few thousand distinct dates and a handful of
  distinct coded values), then the result is taken back to the rows with numpy;
- checks are boolean masks; each (file, column, kind) reports at most
  MAX_MESSAGES rows by name and one summary Problem for the rest.

The result has exactly the columns of `records.empty_dossiers()`; how each file
was understood goes to `readings` (records.LogReading) for the review page.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from openpyxl.utils import get_column_letter

from ..diagnostics import Diagnostics, Location
from ..plan import Plan
from ..records import CHANNELS, DOSSIER_COLUMNS, FRAME_COLUMNS, LOG_COLUMNS, RATINGS, LogReading, empty_dossiers
from . import spellings as S
from . import values as V
from .columns import HeaderMatch, HeaderMatcher
from .html_table import HtmlTableError, read_html_tables
from .legacy import fix_legacy, legacy_candidates
from .sniff import log_kind, what_is
from .workbook import check_workbook
from ..text_controls import BIDI_CONTROLS

BIDI_PATTERN = f"[{BIDI_CONTROLS}]"

MAX_MESSAGES = 20
HEADER_SCAN_ROWS = 30
OPTIONAL = ("procedure", "field", "status")  # every other contract column must be there
REQUIRED = tuple(k for k in DOSSIER_COLUMNS if k not in OPTIONAL)
# compared for "identical" duplicates (figures.md, dossier-exports.md): all but
# Thủ tục and Lĩnh vực, and Trạng thái too
COMPARED = tuple(k for k in LOG_COLUMNS if k not in ("procedure", "field"))
NAT = np.datetime64("NaT", "ns")
KIND_TEXT = {"csv": "CSV", "xlsx": "Excel (.xlsx)", "xls": "Excel 97-2003 (.xls)"}
MAX_SPELLINGS = 12  # per column, on the review page
# a totals row under the data ("Tổng cộng", "Tổng số: 1.234", "Cộng")
_TOTALS = re.compile(r"^(?:tổng\s*cộng|tổng\s*số|tổng|cộng)(?:\W|\d|$)", re.IGNORECASE)


def is_totals_label(value) -> bool:
    return isinstance(value, str) and _TOTALS.match(V.nfc(value).strip()) is not None


@dataclass
class RawLog:
    """One log as read: for each present column, its codes (-1 blank) into `uniques`."""

    file: str  # relative path, for messages
    sheet: str | None
    headers: dict[str, str]  # key -> header as the user wrote it
    rows: np.ndarray  # row number a person sees, per data row
    columns: dict[str, tuple[np.ndarray, list]] = field(default_factory=dict)
    ids: pa.Array | None = None  # full text of Mã hồ sơ (trimmed, NFC; null when blank)
    first_cells: np.ndarray | None = None  # the sheet's first column (xlsx), where "Tổng cộng" often sits
    kind: str = "csv"  # csv / xlsx / xls / html
    header_row: int = 1

    def where(self, key: str, row: int | None = None) -> Location:
        return Location(file=self.file, sheet=self.sheet, row=row, column=self.headers.get(key, LOG_COLUMNS.get(key)))


class _Reporter:
    """Errors/warnings for masks of rows, capped per (file, column, kind)."""

    def __init__(self, diag: Diagnostics):
        self.diag = diag

    def rows(self, log: RawLog, key: str | None, mask: np.ndarray, message: str, *, expected=None,
             found=None, code="", warning=False) -> int:
        idx = np.flatnonzero(mask)
        if not len(idx):
            return 0
        add = self.diag.warn if warning else self.diag.error
        for i in idx[:MAX_MESSAGES]:
            shown = found(i) if callable(found) else found
            add(message, log.where(key, int(log.rows[i])) if key else Location(log.file, log.sheet, int(log.rows[i])),
                found=shown, expected=expected, code=code)
        rest = len(idx) - MAX_MESSAGES
        if rest > 0:
            add(f"{message} — và {V.number_text(rest)} dòng khác cùng lỗi này",
                log.where(key) if key else Location(log.file, log.sheet), expected=expected, code=code)
        return len(idx)


# --- factorising ------------------------------------------------------------

def _factorize_arrow(col: pa.ChunkedArray) -> tuple[np.ndarray, list]:
    """Codes (-1 for null) and distinct values of a dictionary-encoded column
    whose chunks share one dictionary (Table.unify_dictionaries)."""
    if col.num_chunks == 0:
        return np.empty(0, dtype=np.int32), []
    if not pa.types.is_dictionary(col.type):
        col = pc.dictionary_encode(col)
    # one fill_null over all chunks' indices (not one call per 1 MB block)
    indices = pa.chunked_array([ch.indices for ch in col.chunks], type=col.type.index_type)
    codes = pc.fill_null(indices, -1).to_numpy().astype(np.int32, copy=False)
    return codes, col.chunk(0).dictionary.to_pylist()


def _factorize_objects(values: np.ndarray) -> tuple[np.ndarray, list]:
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    return codes.astype(np.int32, copy=False), list(uniques)


def _raw(log: RawLog, key: str, i: int) -> str:
    codes, uniques = log.columns[key]
    c = codes[i]
    return "" if c < 0 else V.shown(uniques[c])


# --- finding the header -----------------------------------------------------

def _find_header(rows: list[list], matcher: HeaderMatcher) -> tuple[int, HeaderMatch] | None:
    best = None
    for i, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        hit = matcher.match(cells)
        if len(hit.found) >= 3 and (best is None or len(hit.found) > len(best[1].found)):
            best = (i, hit)
            if len(hit.found) == len(LOG_COLUMNS):
                break
    return best


def _expected_columns() -> str:
    return ("dòng tiêu đề có các cột " + ", ".join(f"«{DOSSIER_COLUMNS[k]}»" for k in REQUIRED)
            + " (hoặc tên khác của cùng cột, hoặc ghi tên cột trong plan.yaml, mục dossier_columns)")


def _complete(hit: HeaderMatch) -> bool:
    """A header row naming every required column."""
    return all(k in hit.found for k in REQUIRED)


def _check_columns(file: str, sheet: str | None, header_row: int, hit: HeaderMatch, names: list, diag) -> bool:
    """Every required column found, and no two columns meaning the same one."""
    missing = [k for k in REQUIRED if k not in hit.found]
    for k in missing:
        diag.error(f"thiếu cột bắt buộc «{DOSSIER_COLUMNS[k]}» trong dòng tiêu đề",
                   Location(file, sheet, header_row), expected=_expected_columns(), code="missing_column")
    for k, idx in hit.conflicts.items():
        both = " và ".join(f"«{V.shown(names[j])}» (cột {get_column_letter(j + 1)})" for j in idx)
        diag.error(f"các cột {both} cùng là cột «{LOG_COLUMNS[k]}»", Location(file, sheet, header_row),
                   found=", ".join(V.shown(names[j]) for j in idx),
                   expected=f"chỉ một cột «{LOG_COLUMNS[k]}»: xóa cột thừa, hoặc ghi trong plan.yaml "
                            f"dossier_columns: {{{LOG_COLUMNS[k]}: <tên cột cần dùng>}}", code="duplicate_column")
    return not missing and not hit.conflicts


# --- CSV --------------------------------------------------------------------

def _csv_encoding(path: Path, file: str, diag: Diagnostics) -> tuple[str, str] | None:
    """(pyarrow encoding, decoded head) or None (error reported)."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", head.decode("utf-16", errors="ignore")
    sniffed = what_is(path, "csv")
    if sniffed:
        diag.error("không đọc được tệp CSV", Location(file), found=sniffed[0], expected=sniffed[1],
                   code="corrupt_file")
        return None
    # UTF-16 without a byte order mark: every other byte of the (ASCII) header is 0
    even, odd = head[0:256:2], head[1:256:2]
    if len(head) >= 8 and odd.count(0) > 0.5 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le", head.decode("utf-16-le", errors="ignore")
    if len(head) >= 8 and even.count(0) > 0.5 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be", head.decode("utf-16-be", errors="ignore")
    enc = "utf-8"
    if head.startswith(codecs.BOM_UTF8):
        head = head[3:]
    bad = b"\x00" in head
    if not bad:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        except UnicodeDecodeError:
            bad = True
    if bad:
        diag.error("tệp CSV không ở bảng mã được chấp nhận", Location(file),
                   expected="lưu lại tệp dạng CSV UTF-8 (Excel: Lưu dưới dạng → CSV UTF-8) hoặc Unicode (UTF-16)",
                   code="csv_encoding")
        return None
    return enc, head.decode("utf-8", errors="ignore")


def _scan_records(text: str, delim: str) -> tuple[list[list[str]], list[int]]:
    """The first HEADER_SCAN_ROWS records of `text` and, for each, the number of
    physical lines read up to its end (a quoted header cell may hold line breaks:
    "Ngày<Alt+Enter>tiếp nhận")."""
    records, ends = [], []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        for record in reader:
            records.append(record)
            ends.append(reader.line_num)
            if len(records) >= HEADER_SCAN_ROWS:
                break
    except csv.Error:  # the head cut inside a quoted cell, or a stray NUL
        pass
    return records, ends


def _read_csv(path: Path, file: str, diag: Diagnostics, matcher: HeaderMatcher) -> RawLog | None:
    got = _csv_encoding(path, file, diag)
    if got is None:
        return None
    encoding, head = got
    head = head.lstrip("\ufeff")
    best = None
    for delim in (",", ";", "\t"):
        parsed, ends = _scan_records(head, delim)
        hit = _find_header(parsed, matcher)
        if hit and (best is None or len(hit[1].found) > len(best[1][1].found)):
            best = (delim, hit, parsed, ends)
    if best is None:
        diag.error("không tìm thấy dòng tiêu đề của sổ hồ sơ", Location(file), expected=_expected_columns(),
                   code="no_header")
        return None
    delim, (hidx, hit), parsed, ends = best
    names = parsed[hidx]
    if not _check_columns(file, None, hidx + 1, hit, names, diag):
        return None
    found = hit.found
    # pyarrow's reader is slower for every file with newlines_in_values, and few
    # exports need it: first without; rows that come out ragged (a quoted cell
    # holding a line break splits its record) make it read again with it
    table, ragged = _parse_csv(path, file, encoding, delim, ends[hidx], len(names), found, False, diag)
    if ragged:
        table, ragged = _parse_csv(path, file, encoding, delim, ends[hidx], len(names), found, True, diag)
    if table is None:
        return None
    if ragged:  # errors go to diag; the other rows are still checked (everything at once)
        _check_ragged(path, file, encoding, delim, hidx, len(names), ragged, diag)
    table = table.unify_dictionaries()
    n = table.num_rows
    log = RawLog(file=file, sheet=None, headers={k: str(names[j]).strip() for k, j in found.items()},
                 rows=np.arange(hidx + 2, hidx + 2 + n, dtype=np.int64), kind="csv", header_row=hidx + 1)
    if ragged:  # skipped rows: number the kept rows as a person sees them
        log.rows = _csv_row_numbers(path, encoding, delim, hidx, len(names))
    return _fill_columns(log, found, lambda j: table.column(f"c{j}"), _clean_ids, _factorize_arrow)


def _fill_columns(log: RawLog, found: dict[str, int], column, clean_ids, factorize) -> RawLog:
    """The log's columns by contract key, whatever the reader: Mã hồ sơ as
    cleaned Arrow strings (ids), every other column factorized (codes, uniques)."""
    for key, j in found.items():
        col = column(j)
        if key == "id":
            log.ids = clean_ids(col)
            log.columns[key] = (np.where(log.ids.is_null().to_numpy(zero_copy_only=False), -1, 0), [])
        else:
            log.columns[key] = factorize(col)
    return log


def _parse_csv(path: Path, file: str, encoding: str, delim: str, skip: int, width: int, found: dict[str, int],
               newlines: bool, diag: Diagnostics) -> tuple[pa.Table | None, list[str]]:
    """(table of the contract columns as text, the ragged rows' text) or (None, [])
    with the error reported. Mã hồ sơ is plain text, every other column a
    dictionary (a log has few distinct values per column)."""
    col_names = [f"c{j}" for j in range(width)]  # unique names (duplicate/blank headers)
    ragged: list[str] = []  # rows whose cell count differs from the header's (rare: a Python callback)

    def on_ragged(row) -> str:
        ragged.append(row.text)
        return "skip"

    try:
        table = pacsv.read_csv(
            path,
            # skip_rows counts physical lines, not records
            read_options=pacsv.ReadOptions(skip_rows=skip, column_names=col_names, encoding=encoding),
            parse_options=pacsv.ParseOptions(delimiter=delim, ignore_empty_lines=False, newlines_in_values=newlines,
                                             invalid_row_handler=on_ragged),
            convert_options=pacsv.ConvertOptions(
                column_types={n: (pa.string() if j == found["id"] else pa.dictionary(pa.int32(), pa.string()))
                              for j, n in enumerate(col_names)},
                include_columns=[col_names[j] for j in found.values()],
                strings_can_be_null=True, null_values=[""], quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError, OSError) as exc:
        text = str(exc)
        if not newlines and "newline" in text.lower():
            return None, ["(xuống dòng trong ô)"]
        if "UTF8" in text or "utf-8" in text.lower() or isinstance(exc, UnicodeDecodeError):
            diag.error("tệp CSV có ký tự không đúng bảng mã UTF-8", Location(file),
                       expected="lưu lại tệp dạng CSV UTF-8 hoặc Unicode (UTF-16)", code="csv_encoding")
        else:
            diag.error("tệp CSV sai cấu trúc, không đọc được", Location(file), found=text.splitlines()[0][:120],
                       expected="tệp CSV xuất từ hệ thống một cửa, mỗi dòng có đủ các cột như dòng tiêu đề",
                       code="csv_corrupt")
        return None, []
    return table, ragged


def _csv_records(path: Path, encoding: str, delim: str):
    """(row number a person sees, cells) of every record (slow: error paths only)."""
    enc = "utf-8-sig" if encoding == "utf-8" else encoding
    with open(path, encoding=enc, newline="", errors="replace") as fh:
        for i, record in enumerate(csv.reader(fh, delimiter=delim)):
            yield i + 1, record


def _csv_row_numbers(path: Path, encoding: str, delim: str, hidx: int, width: int) -> np.ndarray:
    """Row numbers of the records pyarrow kept (those with `width` cells)."""
    return np.array([r for r, cells in _csv_records(path, encoding, delim) if r > hidx + 1 and len(cells) == width],
                    dtype=np.int64)


def _check_ragged(path, file, encoding, delim, hidx, width, ragged: list[str], diag: Diagnostics) -> bool:
    """Rows with another number of cells than the header: a totals row ("Tổng
    cộng: 1.234") or an empty row is skipped with a warning; anything else is an
    error naming the row. False when there were errors."""
    ok = True
    shown = 0
    for row, cells in _csv_records(path, encoding, delim):
        if row <= hidx + 1 or len(cells) == width:
            continue
        filled = [c for c in cells if c.strip()]
        if not filled:
            continue
        if is_totals_label(filled[0]):
            diag.warn("dòng tổng cộng (không phải hồ sơ) được bỏ qua", Location(file, row=row),
                      found=delim.join(cells).strip(delim + " ")[:80], code="totals_row")
            continue
        ok = False
        if shown < MAX_MESSAGES:
            diag.error(f"dòng có {len(cells)} cột, khác dòng tiêu đề ({width} cột)", Location(file, row=row),
                       found=delim.join(cells)[:100],
                       expected="mỗi dòng có đủ các cột như dòng tiêu đề (ô có dấu phân cách hoặc xuống dòng phải "
                                "nằm trong dấu ngoặc kép)", code="csv_corrupt")
        shown += 1
    if shown > MAX_MESSAGES:
        diag.error(f"dòng có số cột khác dòng tiêu đề — và {shown - MAX_MESSAGES} dòng khác", Location(file),
                   code="csv_corrupt")
    return ok


def _clean_ids(col: pa.ChunkedArray) -> pa.Array:
    """Mã hồ sơ as one Arrow string array: trimmed, NFC, null when blank. Stays in
    Arrow (no Python str per row); the costly steps run only when needed."""
    ids = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    ids = pc.utf8_trim_whitespace(ids)
    if not pc.all(pc.string_is_ascii(ids)).as_py():
        ids = pc.utf8_trim_whitespace(pc.replace_substring_regex(ids, BIDI_PATTERN, ""))
        ids = pc.utf8_normalize(ids, form="NFC")
    blank = pc.equal(ids, "")  # only whitespace before trimming ("" itself is read as null)
    if pc.any(blank).as_py():
        ids = pc.if_else(blank, pa.scalar(None, pa.string()), ids)
    return ids


# --- xlsx -------------------------------------------------------------------

def _open_workbook(path: Path):
    """The workbook (.xlsx or .xls, BIFF8) opened by calamine: the one place a
    log's workbook is opened (a guard on its size belongs here)."""
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path))


def _read_workbook(path: Path, file: str, diag: Diagnostics, matcher: HeaderMatcher, kind: str) -> RawLog | None:
    """A .xlsx or .xls log: the sheet whose header row names the most columns."""
    from python_calamine import CalamineError

    if not check_workbook(path, file, diag):  # bounded memory before calamine allocates (zip only)
        return None
    name = None
    try:
        wb = _open_workbook(path)
        chosen = None
        for name in wb.sheet_names:
            # get_sheet_by_name parses the whole sheet: keep the chosen one, never parse it twice
            sheet = wb.get_sheet_by_name(name)
            top = sheet.to_python(skip_empty_area=False, nrows=HEADER_SCAN_ROWS)
            hit = _find_header(top, matcher)
            if hit and _complete(hit[1]):  # the first sheet holding a header row is the log
                chosen = (name, hit, sheet)
                break
            if hit and (chosen is None or len(hit[1].found) > len(chosen[1][1].found)):
                chosen = (name, hit, sheet)  # the closest, for the message about missing columns
            del sheet
        if chosen is None:
            diag.error("không tìm thấy dòng tiêu đề của sổ hồ sơ trong trang tính nào", Location(file),
                       expected=_expected_columns(), code="no_header")
            return None
        name, (hidx, hit), sheet = chosen
        rows = sheet.to_python(skip_empty_area=False)
    except (CalamineError, OSError) as exc:  # what a damaged or mislabelled file raises
        found_, expected = what_is(path, kind) or (
            f"tệp hỏng, Excel không mở được ({str(exc).splitlines()[0][:100]})",
            f"tệp {'.xls' if kind == 'xls' else '.xlsx'} mở được bằng Excel (xuất lại từ hệ thống một cửa)")
        diag.error("không mở được tệp Excel", Location(file, name), found=found_, expected=expected,
                   code="corrupt_file")
        return None
    return _grid_log(file, name, kind, rows, hidx, hit, diag)


def _read_html(path: Path, file: str, diag: Diagnostics, matcher: HeaderMatcher) -> RawLog | None:
    """A web page saved with an Excel name: the first table holding a header row."""
    try:
        tables = read_html_tables(path)
    except HtmlTableError as exc:
        diag.error(exc.message, Location(file, exc.table, exc.row, exc.column), found=exc.found,
                   expected=exc.expected, code="html_table")
        return None
    complete = [i for i, t in enumerate(tables) if (h := _find_header(t.rows, matcher)) and _complete(h[1])]
    for i, table in enumerate(tables):
        hit = _find_header(table.rows, matcher)
        if hit is None or (complete and i != complete[0]):
            continue
        if table.truncated:
            last = len(table.rows)
            header = table.rows[hit[0]]
            cells = table.rows[-1] if last > hit[0] + 1 else header
            width = len([c for c in header if c is not None])
            column = V.shown(header[len(cells)]) if len(cells) < len(header) else None
            diag.error(f"bảng {i + 1} bị cắt cụt: tệp kết thúc giữa bảng, sau dòng {last} "
                       f"(dòng này có {len(cells)}/{width} ô)", Location(file, f"bảng {i + 1}", last, column),
                       expected="tệp xuất trọn vẹn từ hệ thống một cửa (tải lại tệp, chờ tải xong)",
                       code="html_truncated")
            return None
        return _grid_log(file, f"bảng {i + 1}", "html", table.rows, hit[0], hit[1], diag)
    diag.error("trang web không có bảng nào có dòng tiêu đề của sổ hồ sơ"
               if tables else "trang web không có bảng (<table>) nào", Location(file),
               found=f"{len(tables)} bảng" if tables else "không có bảng",
               expected="tệp «Xuất Excel» của hệ thống một cửa có bảng danh sách hồ sơ, " + _expected_columns(),
               code="no_header")
    return None


def _grid_log(file: str, sheet: str | None, kind: str, rows: list[list], hidx: int, hit: HeaderMatch,
              diag: Diagnostics) -> RawLog | None:
    """A log from rows of cells (a sheet or an HTML table) whose header is rows[hidx]."""
    names = rows[hidx]
    if not _check_columns(file, sheet, hidx + 1, hit, names, diag):
        return None
    found = hit.found
    body = rows[hidx + 1:]
    width = max(found.values()) + 1
    grid = pd.DataFrame(body).reindex(columns=range(width)).to_numpy(dtype=object) if body else np.empty((0, width), object)
    log = RawLog(file=file, sheet=sheet, headers={k: str(names[j]).strip() for k, j in found.items()},
                 rows=np.arange(hidx + 2, hidx + 2 + len(body), dtype=np.int64), first_cells=grid[:, 0],
                 kind=kind, header_row=hidx + 1)
    return _fill_columns(log, found, lambda j: grid[:, j], _grid_ids, _factorize_objects)


def _grid_ids(col: np.ndarray) -> pa.Array:
    """Mã hồ sơ of a sheet: text trimmed, NFC, null when blank; ids typed as numbers
    read as written (12345.0 -> "12345")."""
    s = pd.Series(col, dtype=object)
    s = s.where(s.notna(), "")
    text = s.astype(str)
    is_num = s.map(type).isin((int, float)).to_numpy()
    if is_num.any():
        nums = pd.to_numeric(s[is_num], errors="coerce")
        text[is_num] = nums.map(lambda x: V.clean_text(float(x)) or "")
    text = text.str.replace(BIDI_PATTERN, "", regex=True).str.strip().str.normalize("NFC").astype(pd.StringDtype())
    text = text.mask(text == "")
    return pa.array(text.reset_index(drop=True), type=pa.string(), from_pandas=True)


# --- parsing distinct values ------------------------------------------------

def _map_uniques(uniques: list, parse, legacy: bool = False):
    """(parsed per unique, bad mask per unique, legacy conversions {raw: (new, enc)})."""
    out, bad, conv = [], [], {}
    for u in uniques:
        try:
            out.append(parse(u))
            bad.append(False)
        except V.BadValue:
            fixed = None
            if legacy and isinstance(u, str):
                for cand, enc in legacy_candidates(V.clean_text(u) or ""):
                    try:
                        fixed = parse(cand)
                        conv[u] = (cand, enc)
                        break
                    except V.BadValue:
                        continue
            out.append(fixed)
            bad.append(fixed is None)
    return out, np.array(bad + [False], dtype=bool), conv


def _totals_rows(log: RawLog, diag: Diagnostics) -> np.ndarray:
    """Rows that are a totals line, not a dossier: no date and no Hình thức nộp,
    and "Tổng cộng" / "Tổng số" / "Cộng" in the sheet's first column, Mã hồ sơ,
    Đơn vị, Thủ tục or Lĩnh vực. They are left out with a warning."""
    cols = log.columns
    n = len(log.rows)
    candidate = np.ones(n, dtype=bool)
    for key in ("received", "due", "returned", "channel"):
        candidate &= cols[key][0] < 0  # (blank cells already have code -1)
    idx = np.flatnonzero(candidate)
    if not len(idx):
        return np.zeros(n, dtype=bool)
    label = np.zeros(len(idx), dtype=bool)
    if log.ids is not None:
        label |= np.array([is_totals_label(v) for v in log.ids.take(pa.array(idx)).to_pylist()], dtype=bool)
    if log.first_cells is not None:
        label |= np.array([is_totals_label(v) for v in log.first_cells[idx]], dtype=bool)
    for key in ("department", "procedure", "field"):
        if key in cols:
            codes, uniques = cols[key]
            is_label = np.array([is_totals_label(u) for u in uniques] + [False], dtype=bool)
            label |= is_label[codes[idx]]
    out = np.zeros(n, dtype=bool)
    out[idx[label]] = True
    if label.any():
        rows = log.rows[idx[label]]
        more = "" if len(rows) == 1 else " (" + f"{len(rows)} dòng: " + ", ".join(str(r) for r in rows[:5]) \
            + (", …" if len(rows) > 5 else "") + ")"
        diag.warn(f"dòng tổng cộng (không phải hồ sơ) được bỏ qua{more}", Location(log.file, log.sheet,
                  int(rows[0])), code="totals_row")
    return out


def _take(parsed: np.ndarray, codes: np.ndarray, blank) -> np.ndarray:
    """parsed[codes] per row, `blank` where the code is -1 (the appended last item)."""
    ext = np.append(parsed, np.array([blank], dtype=parsed.dtype))
    return ext[codes]


class _Parsed:
    """One log turned into canonical columns + per-row problem masks; each step
    (blank cells, dates, coded values, yes/no flags, free text, status) is its
    own method, run in that order by __init__."""

    def __init__(self, log: RawLog, plan: Plan, rep: _Reporter, diag: Diagnostics, statuses: dict[str, int]):
        self.log, self.plan, self.rep, self.diag = log, plan, rep, diag
        self.n = len(log.rows)
        self.data: dict[str, object] = {}
        self.legacy_notes: dict[str, tuple[str, str]] = {}
        self.spellings: list[tuple[str, str, str]] = []  # (contract column, as written, read as)
        self.status_counts: list[tuple[str, str, int]] = []
        self.withdrawn_count = 0
        self._blank_cells()
        self.keep = self._present_rows()
        self._ids()
        self._dates()
        self._coded_columns()
        self._flags()
        self._free_text()
        self._status(statuses)
        self._warn_legacy()

    # -- rows --------------------------------------------------------------
    def _blank_cells(self) -> None:
        """A cell holding only spaces (or the "" calamine gives for an empty cell
        in the used area) is blank: code -1, like an empty one."""
        cols = self.log.columns
        for key, (codes, uniques) in list(cols.items()):
            if key == "id" or not uniques:
                continue
            blank = np.array([V.clean_text(u) is None for u in uniques] + [True], dtype=bool)
            if blank[:-1].any():
                cols[key] = (np.where(blank[codes], -1, codes).astype(np.int32, copy=False), uniques)

    def _present_rows(self) -> np.ndarray:
        """Rows with some contract cell filled, less the totals rows."""
        present = np.zeros(self.n, dtype=bool)
        for codes, _ in self.log.columns.values():
            present |= codes >= 0
        return present & ~_totals_rows(self.log, self.diag)

    def _ids(self) -> None:
        log = self.log
        self.data["id"] = log.ids if log.ids is not None else pa.nulls(self.n, pa.string())
        self.rep.rows(log, "id", self.keep & (log.columns["id"][0] < 0), "thiếu Mã hồ sơ",
                      expected="mã hồ sơ của hệ thống một cửa", code="blank")

    # -- dates -------------------------------------------------------------
    def _dates(self) -> None:
        """Ngày tiếp nhận, Hạn xử lý, Ngày trả kết quả: each distinct value parsed
        once; a date outside the plausible range is an error (never a silent
        overflow of datetime64[ns]: the range is checked before the conversion)."""
        log, rep, present = self.log, self.rep, self.keep
        low, high = V.date_bounds(self.plan.year)
        for key in ("received", "due", "returned"):
            codes, uniques = log.columns[key]
            parsed, bad, _ = _map_uniques(uniques, V.parse_date)
            far = np.array([p is not None and not (low <= p <= high) for p in parsed] + [False], dtype=bool)
            parsed = [None if f else p for p, f in zip(parsed, far)]
            days = np.array([np.datetime64(p, "D") if p else np.datetime64("NaT") for p in parsed] or [],
                            dtype="datetime64[D]")
            values = _take(days.astype("datetime64[ns]"), codes, NAT)  # all in range: no overflow
            rep.rows(log, key, present & bad[codes], f"{DOSSIER_COLUMNS[key]} không đọc được là ngày",
                     expected=V.DATE_EXPECTED, found=lambda i, k=key: _raw(log, k, i), code="bad_date")
            rep.rows(log, key, present & far[codes], f"{DOSSIER_COLUMNS[key]} là một ngày không hợp lý",
                     expected=V.date_range_expected(low, high), found=lambda i, k=key: _raw(log, k, i),
                     code="implausible_date")
            if key != "returned":
                rep.rows(log, key, present & (codes < 0), f"thiếu {DOSSIER_COLUMNS[key]}", expected=V.DATE_EXPECTED,
                         code="blank")
            self.data[key] = values
            self._note_spellings(key, uniques, parsed, bad, lambda p: None)
        r, d, c = self.data["received"], self.data["due"], self.data["returned"]
        rep.rows(log, "returned", present & (c < r),
                 "Ngày trả kết quả trước Ngày tiếp nhận", code="returned_before_received",
                 found=lambda i: f"{_raw(log, 'returned', i)} < {_raw(log, 'received', i)}",
                 expected="Ngày trả kết quả cùng ngày hoặc sau Ngày tiếp nhận")
        rep.rows(log, "due", present & (d < r),
                 "Hạn xử lý trước Ngày tiếp nhận", code="due_before_received",
                 found=lambda i: f"{_raw(log, 'due', i)} < {_raw(log, 'received', i)}",
                 expected="Hạn xử lý cùng ngày hoặc sau Ngày tiếp nhận")

    # -- coded values ------------------------------------------------------
    def _coded(self, key, choices: dict[str, str], expected: str, required: bool, synonyms=None,
               parse=None) -> np.ndarray:
        """Category codes (-1 blank or bad) of a coded column."""
        log, present = self.log, self.keep
        codes, uniques = log.columns[key]
        cats = list(choices)
        parse = parse or (lambda u: V.parse_code(u, choices, synonyms))
        parsed, bad, conv = _map_uniques(uniques, parse, legacy=True)
        self.legacy_notes.update(conv)
        idx = np.array([cats.index(p) if p is not None else -1 for p in parsed], dtype=np.int64)
        values = _take(idx, codes, -1)
        badrow = present & bad[codes]
        self.rep.rows(log, key, badrow, f"giá trị {DOSSIER_COLUMNS[key]} không hợp lệ", expected=expected,
                      found=lambda i: _raw(log, key, i), code="bad_value")
        if required:
            self.rep.rows(log, key, present & ~badrow & (values < 0), f"để trống {DOSSIER_COLUMNS[key]}",
                          expected=expected, code="blank")
        self._note_spellings(key, uniques, parsed, bad, lambda p: choices.get(p, p))
        return np.where(badrow, -1, values)

    def _coded_columns(self) -> None:
        plan = self.plan
        # the code, or the department's name as the plan writes it (as in submissions)
        dept_choices = {d.code: d.name for d in plan.departments}
        dcodes = self._coded("department", dept_choices, "mã (hoặc tên) phòng, đơn vị trong kế hoạch: "
                             + ", ".join(plan.department_codes), True)
        self.data["department"] = pd.Categorical.from_codes(dcodes, categories=plan.department_codes)
        self.data["channel"] = pd.Categorical.from_codes(
            self._coded("channel", CHANNELS, " / ".join(CHANNELS.values()), True, S.CHANNEL_SYNONYMS),
            categories=list(CHANNELS))

        def rating(u):
            return None if S.status_key(u) in S.UNRATED else V.parse_code(u, RATINGS)

        self.data["rating"] = pd.Categorical.from_codes(
            self._coded("rating", RATINGS, " / ".join(RATINGS.values()) + " hoặc để trống", False, parse=rating),
            categories=list(RATINGS))

    def _flags(self) -> None:
        """Có/Không columns (Số hóa also `Đã số hóa` / `Chưa số hóa`)."""
        log, present, rep = self.log, self.keep, self.rep

        def digitized(u):
            got = S.DIGITIZED_SYNONYMS.get(S.status_key(u) or "")
            return got if got is not None else V.parse_bool(u)

        for key, required in (("fee", True), ("online_payment", False), ("digitized", True), ("reused", True)):
            codes, uniques = log.columns[key]
            parsed, bad, conv = _map_uniques(uniques, digitized if key == "digitized" else V.parse_bool, legacy=True)
            self.legacy_notes.update(conv)
            idx = np.array([-1 if p is None else int(p) for p in parsed], dtype=np.int64)
            values = _take(idx, codes, -1)
            badrow = present & bad[codes]
            rep.rows(log, key, badrow, f"giá trị {DOSSIER_COLUMNS[key]} không hợp lệ", expected=V.YES_NO_EXPECTED,
                     found=lambda i, k=key: _raw(log, k, i), code="bad_value")
            if required:
                rep.rows(log, key, present & ~badrow & (values < 0), f"để trống {DOSSIER_COLUMNS[key]}",
                         expected=V.YES_NO_EXPECTED, code="blank")
            self.data[key] = values == 1
            self._note_spellings(key, uniques, parsed, bad, lambda p: "Có" if p else "Không")
        stray = present & self.data["online_payment"] & ~self.data["fee"]
        if stray.any():
            first = int(log.rows[np.flatnonzero(stray)[0]])
            self.diag.warn(f"{V.number_text(int(stray.sum()))} hồ sơ ghi Thanh toán trực tuyến = Có nhưng không có "
                           f"phí, lệ phí; đã bỏ qua giá trị này (dòng đầu tiên: {first})",
                           log.where("online_payment"), code="payment_without_fee")
            self.data["online_payment"] = self.data["online_payment"] & self.data["fee"]

    def _note_spellings(self, key: str, uniques: list, parsed: list, bad: np.ndarray, canonical) -> None:
        """Values read through a synonym (not written as the contract writes them),
        for the review page: (column, as written, read as)."""
        if key in ("received", "due", "returned"):
            return
        shown = 0
        for u, p, b in zip(uniques, parsed, bad[:-1]):
            written = V.shown(u)
            if b or not written or shown >= MAX_SPELLINGS:
                continue
            read_as = "để trống" if p is None else canonical(p)
            if read_as is not None and V.code_key(written) != V.code_key(read_as) \
                    and V.code_key(written) != V.code_key(p):
                self.spellings.append((LOG_COLUMNS[key], written, read_as))
                shown += 1

    # -- free text ---------------------------------------------------------
    def _free_text(self) -> None:
        cols, n = self.log.columns, self.n
        for key in ("procedure", "field"):
            if key not in cols:
                self.data[key] = pd.array([pd.NA] * n, dtype="string") if n else pd.array([], dtype="string")
                continue
            codes, uniques = cols[key]
            cleaned = []
            for u in uniques:
                t = V.clean_text(u)
                if t and not t.isascii() or t and ("\n" in t or "  " in t or "\r" in t):
                    t = " ".join(t.split())  # a name typed over two lines in its cell
                if t:
                    fixed, enc = fix_legacy(t)
                    if enc:
                        self.legacy_notes[t] = (fixed, enc)
                        t = fixed
                cleaned.append(t)
            # the distinct texts taken to the rows; StringArray wraps the object array
            # as is (pd.array(..., dtype="string") would copy and re-check every row)
            arr = np.array([pd.NA if t is None else t for t in cleaned] + [pd.NA], dtype=object)
            self.data[key] = pd.arrays.StringArray(arr[codes])

    # -- status ------------------------------------------------------------
    def _status(self, vocabulary: dict[str, int]) -> None:
        """Trạng thái (dossier-exports.md): withdrawn rows flagged, a result status
        without Ngày trả kết quả an error per row, an in-progress status beside a
        Ngày trả kết quả one warning for the file. `vocabulary` (status key -> code)
        is shared by every log, so the statuses of all logs are one categorical."""
        log, present, n = self.log, self.keep, self.n
        if "status" not in log.columns:
            self.data["status"] = np.full(n, -1, dtype=np.int32)
            self.data["withdrawn"] = np.zeros(n, dtype=bool)
            return
        codes, uniques = log.columns["status"]
        keys = [S.status_key(u) for u in uniques]
        kinds = [S.status_kind(k) for k in keys]
        to_vocab = np.array([vocabulary.setdefault(k, len(vocabulary)) if k else -1 for k in keys] + [-1],
                            dtype=np.int32)
        self.data["status"] = to_vocab[codes]
        kind_of = np.array(kinds + [None], dtype=object)[codes]
        withdrawn = present & (kind_of == S.WITHDRAWN)
        self.data["withdrawn"] = withdrawn
        self.withdrawn_count = int(withdrawn.sum())
        no_date = np.isnat(self.data["returned"]) & (log.columns["returned"][0] < 0)
        self.rep.rows(log, "returned", present & (kind_of == S.RETURNED) & no_date,
                      "Trạng thái là đã có kết quả nhưng thiếu Ngày trả kết quả", code="returned_without_date",
                      found=lambda i: _raw(log, "status", i),
                      expected="Ngày trả kết quả của hồ sơ đã trả kết quả (hoặc sửa Trạng thái)")
        busy = present & (kind_of == S.IN_PROGRESS) & ~np.isnat(self.data["returned"])
        if busy.any():
            first = int(log.rows[np.flatnonzero(busy)[0]])
            self.diag.warn(f"{V.number_text(int(busy.sum()))} hồ sơ có Trạng thái đang xử lý nhưng đã ghi Ngày trả "
                           f"kết quả; được tính theo Ngày trả kết quả (dòng đầu tiên: {first})",
                           log.where("status"), code="status_contradiction")
        counts = np.bincount(codes[present & (codes >= 0)], minlength=len(uniques))
        merged: dict[str, list] = {}
        for u, k, kind, count in zip(uniques, keys, kinds, counts):
            if k is None or not count:
                continue
            entry = merged.setdefault(k, [V.shown(u), kind, 0])
            entry[2] += int(count)
        self.status_counts = [(text, S.STATUS_KIND_TEXT[kind], count)
                              for text, kind, count in sorted(merged.values(), key=lambda e: -e[2])]

    def _warn_legacy(self) -> None:
        for raw_text, (new, enc) in list(self.legacy_notes.items())[:MAX_MESSAGES]:
            self.diag.warn(f"văn bản gõ bằng bảng mã cũ {enc}, đã chuyển sang Unicode thành «{new}»",
                           Location(self.log.file, self.log.sheet), found=V.shown(raw_text),
                           expected="gõ bằng bảng mã Unicode", code="legacy_encoding")

    # -- results -----------------------------------------------------------
    def reading(self) -> LogReading:
        log = self.log
        order = [k for k in LOG_COLUMNS if k in log.headers]
        return LogReading(
            file=log.file,
            kind=KIND_TEXT.get(log.kind, f"trang web (HTML) lưu tên {Path(log.file).suffix.lower()}"),
            sheet=log.sheet, header_row=log.header_row, rows=int(self.keep.sum()),
            columns=tuple((LOG_COLUMNS[k], log.headers[k]) for k in order),
            spellings=tuple(self.spellings), statuses=tuple(self.status_counts), withdrawn=self.withdrawn_count,
        )

    def columns(self) -> tuple[dict[str, object], np.ndarray]:
        """Canonical columns of the kept rows (id still an Arrow array) and their row numbers."""
        keep = self.keep
        everything = bool(keep.all())
        out = {}
        for key in FRAME_COLUMNS:
            v = self.data[key]
            if everything:
                out[key] = v
            elif isinstance(v, pa.Array):
                out[key] = v.filter(pa.array(keep))
            else:
                out[key] = v[keep]
        return out, self.log.rows if everything else self.log.rows[keep]


# --- all logs together --------------------------------------------------------

def _read_log(path: Path, rel: str, diag: Diagnostics, matcher: HeaderMatcher) -> RawLog | None:
    """One log by the reader its first bytes call for."""
    kind = log_kind(path)
    if kind == "csv":
        return _read_csv(path, rel, diag, matcher)
    if kind in ("xlsx", "xls"):
        return _read_workbook(path, rel, diag, matcher, kind)
    if kind == "html":
        return _read_html(path, rel, diag, matcher)
    found, expected = what_is(path, "xlsx") or ("không phải tệp Excel", "tệp .xlsx, .xls hoặc .csv")
    diag.error("không mở được tệp Excel", Location(rel), found=found, expected=expected, code="corrupt_file")
    return None


def read_dossiers(paths: list[tuple[Path, str]], plan: Plan, diag: Diagnostics,
                  readings: list[LogReading] | None = None) -> pd.DataFrame:
    """Every log in `paths` ((path, relative name) pairs) as one canonical frame.
    Problems go to `diag` (errors make the frame meaningless; the caller raises);
    how each file was understood is appended to `readings` when given."""
    rep = _Reporter(diag)
    matcher = HeaderMatcher(plan.dossier_columns)
    statuses: dict[str, int] = {}
    parts, files, file_idx, rows = [], [], [], []
    headers_seen: set[str] = set()
    for path, rel in paths:
        log = _read_log(path, rel, diag, matcher)
        if log is None:
            continue
        headers_seen.update(V.header_key(h) for h in log.headers.values())
        parsed = _Parsed(log, plan, rep, diag, statuses)
        if readings is not None:
            readings.append(parsed.reading())
        cols, kept_rows = parsed.columns()
        parts.append(cols)
        file_idx.append(np.full(len(kept_rows), len(files), dtype=np.int32))
        rows.append(kept_rows)
        files.append(log)
    _unused_mapping(plan, matcher, headers_seen, bool(paths) and bool(files), diag)
    if not parts:
        return empty_dossiers().assign(department=pd.Categorical([], categories=plan.department_codes))
    ids = pa.chunked_array([p["id"] for p in parts], type=pa.string())
    data = {}
    for key in FRAME_COLUMNS:
        if key == "id":
            continue
        vals = [p[key] for p in parts]
        if len(vals) == 1:
            data[key] = vals[0]
        elif isinstance(vals[0], pd.Categorical):
            data[key] = pd.Categorical.from_codes(np.concatenate([v.codes for v in vals]), dtype=vals[0].dtype)
        elif isinstance(vals[0], np.ndarray):
            data[key] = np.concatenate(vals)
        else:
            data[key] = pd.array(np.concatenate([np.asarray(v, dtype=object) for v in vals]), dtype="string")
    data["status"] = pd.Categorical.from_codes(data["status"], categories=list(statuses))
    file_idx, rows = np.concatenate(file_idx), np.concatenate(rows)
    drop = _deduplicate(ids, data, file_idx, rows, files, diag)
    if drop is not None:
        keep = ~drop
        ids = ids.filter(pa.array(keep))
        data = {k: v[keep] for k, v in data.items()}
    # Arrow-backed "string[pyarrow]": wraps the Arrow buffers, no Python str per row
    frame = {"id": pd.Series(pd.arrays.ArrowStringArray(ids), copy=False)}
    frame.update(data)
    return pd.DataFrame(frame, columns=list(FRAME_COLUMNS), copy=False)


def _unused_mapping(plan: Plan, matcher: HeaderMatcher, seen: set[str], any_read: bool, diag: Diagnostics) -> None:
    """A plan mapping naming a header no log has: a warning naming the key."""
    if not any_read:
        return
    for name, header in plan.dossier_columns.items():
        if V.header_key(header) not in seen:
            diag.warn(f"mục dossier_columns, khóa «{name}»: không tệp sổ hồ sơ nào có cột «{header}»",
                      Location("plan.yaml"), found=header,
                      expected="tên cột đúng như dòng tiêu đề của tệp xuất, hoặc bỏ dòng này", code="unused_mapping")


def _deduplicate(ids: pa.ChunkedArray, data: dict, file_idx: np.ndarray, rows: np.ndarray,
                 files: list[RawLog], diag: Diagnostics) -> np.ndarray | None:
    """Rows to drop (identical repeats), or None. Conflicting repeats are errors."""
    repeated = _repeated_ids(ids)
    if repeated is None:
        return None
    mask = pc.is_in(ids, value_set=repeated).to_numpy(zero_copy_only=False).astype(bool)
    where = np.flatnonzero(mask)
    sub = pd.DataFrame({"id": ids.filter(pa.array(mask)).to_numpy()}, index=where)
    for key in COMPARED:
        if key != "id":
            sub[key] = data[key][where]
    sub["_file"], sub["_row"] = file_idx[where], rows[where]
    same = sub.duplicated(subset=list(COMPARED), keep="first")
    repeats = int(same.sum())
    rest = sub.loc[~same]
    conflict = rest["id"].duplicated(keep=False)
    if conflict.any():
        groups = rest.loc[conflict].groupby("id", sort=False)
        shown = 0
        for ident, g in groups:
            if shown >= MAX_MESSAGES:
                break
            shown += 1
            a, b = g.iloc[0], g.iloc[1]
            places = " và ".join(_place(files, r) for _, r in g.head(3).iterrows())
            differ = [LOG_COLUMNS[k] for k in COMPARED if k != "id" and not _same(a[k], b[k])]
            log = files[int(a["_file"])]
            diag.error(f"Mã hồ sơ «{ident}» xuất hiện nhiều lần với nội dung khác nhau: {places}",
                       Location(log.file, log.sheet, int(a["_row"]), log.headers.get("id")),
                       found="khác ở cột " + ", ".join(differ),
                       expected="mỗi hồ sơ một dòng; xóa dòng sai hoặc sửa cho giống nhau", code="duplicate_conflict")
        if groups.ngroups > MAX_MESSAGES:
            diag.error(f"Mã hồ sơ trùng với nội dung khác nhau — và {groups.ngroups - MAX_MESSAGES} mã khác",
                       code="duplicate_conflict")
    if not repeats:
        return None
    first = sub.loc[same].iloc[0]
    diag.warn(f"{repeats} dòng hồ sơ lặp lại giống hệt (cùng Mã hồ sơ, cùng nội dung) được tính một lần; "
              f"ví dụ Mã hồ sơ «{first['id']}»", _loc(files, first), found=str(repeats), code="duplicate_dossier")
    drop = np.zeros(len(rows), dtype=bool)
    drop[sub.index[same.to_numpy()]] = True
    return drop


def _repeated_ids(ids: pa.ChunkedArray) -> pa.Array | None:
    """The ids (non-null) found more than once, or None when every id is distinct.

    Logs are big and repeats rare, so first the cheap exact tests, all in Arrow:
    ids in strictly increasing order (an export sorted by Mã hồ sơ) are distinct;
    otherwise a hash set (pc.unique, faster than count_distinct or value_counts)
    as long as the ids. Only when that differs are the counts taken."""
    present = ids.drop_null() if ids.null_count else ids  # (chunked: no 2 GiB limit)
    n = len(present)
    if n < 2:
        return None
    if pc.all(pc.less(present.slice(0, n - 1), present.slice(1))).as_py():
        return None
    if len(pc.unique(present)) == n:
        return None
    counts = pc.value_counts(present)
    return counts.field("values").filter(pc.greater(counts.field("counts"), 1))


def _loc(files: list[RawLog], row) -> Location:
    log = files[int(row["_file"])]
    return Location(log.file, log.sheet, int(row["_row"]), log.headers.get("id"))


def _place(files: list[RawLog], row) -> str:
    log = files[int(row["_file"])]
    return Location(log.file, log.sheet, int(row["_row"])).describe()


def _same(a, b) -> bool:
    if pd.isna(a) and pd.isna(b):
        return True
    if pd.isna(a) or pd.isna(b):
        return False
    return a == b
