"""Dossier logs (sổ theo dõi hồ sơ TTHC): .csv and .xlsx into one DataFrame.

A log can hold millions of rows, so nothing here loops over rows in Python:
- CSV is parsed by pyarrow (all columns as text), xlsx by python-calamine;
- `Mã hồ sơ` (one distinct value per row) never becomes Python objects: it is
  cleaned, checked for repeats and handed to pandas as Arrow ("string[pyarrow]");
- each column is factorised (dictionary-encoded) and only its *distinct* values
  are parsed in Python (a log has a few thousand distinct dates and a handful of
  distinct coded values), then the result is taken back to the rows with numpy;
- checks are boolean masks; each (file, column, kind) reports at most
  MAX_MESSAGES rows by name and one summary Problem for the rest.

The result has exactly the columns of `records.empty_dossiers()`.
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

from ..diagnostics import Diagnostics, Location
from ..plan import Plan
from ..records import CHANNELS, DOSSIER_COLUMNS, RATINGS, empty_dossiers
from . import values as V
from .legacy import fix_legacy, legacy_candidates
from .sniff import what_is
from .workbook import check_workbook
from ..text_controls import BIDI_CONTROLS

BIDI_PATTERN = f"[{BIDI_CONTROLS}]"

MAX_MESSAGES = 20
HEADER_SCAN_ROWS = 30
OPTIONAL = ("procedure", "field")  # every other contract column must be there
REQUIRED = tuple(k for k in DOSSIER_COLUMNS if k not in OPTIONAL)
# compared for "identical" duplicates (figures.md): all but Thủ tục and Lĩnh vực
COMPARED = tuple(k for k in DOSSIER_COLUMNS if k not in ("procedure", "field"))
_HEADER_KEYS = {V.header_key(text): key for key, text in DOSSIER_COLUMNS.items()}
_HEADER_KEYS.update({V.header_key(a): k for a, k in (("Phí lệ phí", "fee"), ("Số hoá", "digitized"), ("Ngày trả", "returned"))})
NAT = np.datetime64("NaT", "ns")
# "Bưu chính công ích" (the public postal service, QĐ 45/2016/QĐ-TTg) is how some
# one-stop systems name the postal channel
CHANNEL_SYNONYMS = {"Bưu chính công ích": "postal", "Qua bưu chính": "postal", "Qua bưu chính công ích": "postal"}
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

    def where(self, key: str, row: int | None = None) -> Location:
        return Location(file=self.file, sheet=self.sheet, row=row, column=self.headers.get(key, DOSSIER_COLUMNS.get(key)))


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
            add(f"{message} — và {rest:,} dòng khác cùng lỗi này".replace(",", "."),
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

def _header_match(cells: list) -> dict[str, int]:
    found = {}
    for j, cell in enumerate(cells):
        key = _HEADER_KEYS.get(V.header_key(cell)) if isinstance(cell, str) else None
        if key and key not in found:
            found[key] = j
    return found


def _find_header(rows: list[list]) -> tuple[int, dict[str, int]] | None:
    best = None
    for i, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        found = _header_match(cells)
        if len(found) >= 3 and (best is None or len(found) > len(best[1])):
            best = (i, found)
            if len(found) == len(DOSSIER_COLUMNS):
                break
    return best


def _expected_columns() -> str:
    return "dòng tiêu đề có các cột " + ", ".join(f"«{DOSSIER_COLUMNS[k]}»" for k in REQUIRED)


def _check_columns(file: str, sheet: str | None, header_row: int, found: dict[str, int], names: list, diag) -> bool:
    missing = [k for k in REQUIRED if k not in found]
    for k in missing:
        diag.error(f"thiếu cột bắt buộc «{DOSSIER_COLUMNS[k]}» trong dòng tiêu đề",
                   Location(file, sheet, header_row), expected=_expected_columns(), code="missing_column")
    return not missing


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


def _read_csv(path: Path, file: str, diag: Diagnostics) -> RawLog | None:
    got = _csv_encoding(path, file, diag)
    if got is None:
        return None
    encoding, head = got
    head = head.lstrip("\ufeff")
    best = None
    for delim in (",", ";", "\t"):
        parsed, ends = _scan_records(head, delim)
        hit = _find_header(parsed)
        if hit and (best is None or len(hit[1]) > len(best[1][1])):
            best = (delim, hit, parsed, ends)
    if best is None:
        diag.error("không tìm thấy dòng tiêu đề của sổ hồ sơ", Location(file), expected=_expected_columns(),
                   code="no_header")
        return None
    delim, (hidx, found), parsed, ends = best
    names = parsed[hidx]
    if not _check_columns(file, None, hidx + 1, found, names, diag):
        return None
    # unique column names for pyarrow (duplicates/blank headers get a suffix)
    col_names = [f"c{j}" for j in range(len(names))]
    ragged: list[str] = []  # rows whose cell count differs from the header's (rare: a Python callback)

    def on_ragged(row) -> str:
        ragged.append(row.text)
        return "skip"

    try:
        table = pacsv.read_csv(
            path,
            # skip_rows counts physical lines, not records
            read_options=pacsv.ReadOptions(skip_rows=ends[hidx], column_names=col_names, encoding=encoding),
            # quoted cells may hold line breaks (costs pyarrow next to nothing)
            parse_options=pacsv.ParseOptions(delimiter=delim, ignore_empty_lines=False, newlines_in_values=True,
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
        if "UTF8" in text or "utf-8" in text.lower() or isinstance(exc, UnicodeDecodeError):
            diag.error("tệp CSV có ký tự không đúng bảng mã UTF-8", Location(file),
                       expected="lưu lại tệp dạng CSV UTF-8 hoặc Unicode (UTF-16)", code="csv_encoding")
        else:
            diag.error("tệp CSV sai cấu trúc, không đọc được", Location(file), found=text.splitlines()[0][:120],
                       expected="tệp CSV xuất từ hệ thống một cửa, mỗi dòng có đủ các cột như dòng tiêu đề",
                       code="csv_corrupt")
        return None
    if ragged:  # errors go to diag; the other rows are still checked (everything at once)
        _check_ragged(path, file, encoding, delim, hidx, len(names), ragged, diag)
    table = table.unify_dictionaries()
    n = table.num_rows
    log = RawLog(file=file, sheet=None, headers={k: str(names[j]).strip() for k, j in found.items()},
                 rows=np.arange(hidx + 2, hidx + 2 + n, dtype=np.int64))
    if ragged:  # skipped rows: number the kept rows as a person sees them
        log.rows = _csv_row_numbers(path, encoding, delim, hidx, len(names))
    for key, j in found.items():
        col = table.column(col_names[j])
        if key == "id":
            log.ids = _clean_ids(col)
            log.columns[key] = (np.where(log.ids.is_null().to_numpy(zero_copy_only=False), -1, 0), [])
        else:
            log.columns[key] = _factorize_arrow(col)
    return log


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

def _read_xlsx(path: Path, file: str, diag: Diagnostics) -> RawLog | None:
    from python_calamine import CalamineWorkbook

    if not check_workbook(path, file, diag):  # bounded memory before calamine allocates
        return None
    try:
        wb = CalamineWorkbook.from_path(str(path))
        chosen = None
        for name in wb.sheet_names:
            # get_sheet_by_name parses the whole sheet: keep the chosen one, never parse it twice
            sheet = wb.get_sheet_by_name(name)
            top = sheet.to_python(skip_empty_area=False, nrows=HEADER_SCAN_ROWS)
            hit = _find_header(top)
            if hit and (chosen is None or len(hit[1]) > len(chosen[1][1])):
                chosen = (name, hit, sheet)
            del sheet
        if chosen is None:
            diag.error("không tìm thấy dòng tiêu đề của sổ hồ sơ trong trang tính nào", Location(file),
                       expected=_expected_columns(), code="no_header")
            return None
        name, (hidx, found), sheet = chosen
        rows = sheet.to_python(skip_empty_area=False)
    except Exception:  # calamine raises its own error types for corrupt files
        found_, expected = what_is(path, "xlsx") or ("tệp hỏng, Excel không mở được", "tệp .xlsx mở được bằng Excel")
        diag.error("không mở được tệp Excel", Location(file), found=found_, expected=expected, code="corrupt_file")
        return None
    names = rows[hidx]
    if not _check_columns(file, name, hidx + 1, found, names, diag):
        return None
    body = rows[hidx + 1:]
    width = max(found.values()) + 1
    grid = pd.DataFrame(body).reindex(columns=range(width)).to_numpy(dtype=object) if body else np.empty((0, width), object)
    log = RawLog(file=file, sheet=name, headers={k: str(names[j]).strip() for k, j in found.items()},
                 rows=np.arange(hidx + 2, hidx + 2 + len(body), dtype=np.int64), first_cells=grid[:, 0])
    for key, j in found.items():
        col = grid[:, j]
        if key == "id":
            s = pd.Series(col, dtype=object)
            s = s.where(s.notna(), "")
            text = s.astype(str)
            is_num = s.map(type).isin((int, float)).to_numpy()
            if is_num.any():  # numeric ids typed as numbers: 12345.0 -> "12345"
                nums = pd.to_numeric(s[is_num], errors="coerce")
                text[is_num] = nums.map(lambda x: V.clean_text(float(x)) or "")
            text = text.str.replace(BIDI_PATTERN, "", regex=True).str.strip().str.normalize("NFC").astype(pd.StringDtype())
            text = text.mask(text == "")
            log.ids = pa.array(text.reset_index(drop=True), type=pa.string(), from_pandas=True)
            log.columns[key] = (np.where(log.ids.is_null().to_numpy(zero_copy_only=False), -1, 0), [])
        else:
            log.columns[key] = _factorize_objects(col)
    return log


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
    """One log turned into canonical columns + per-row problem masks."""

    def __init__(self, log: RawLog, plan: Plan, rep: _Reporter, diag: Diagnostics):
        self.log, self.rep = log, rep
        n = len(log.rows)
        cols = log.columns
        # drop empty rows (every contract cell blank)
        # a cell holding only spaces (or the "" calamine gives for an empty cell in
        # the used area) is blank: code -1, like an empty one
        for key, (codes, uniques) in list(cols.items()):
            if key == "id" or not uniques:
                continue
            blank = np.array([V.clean_text(u) is None for u in uniques] + [True], dtype=bool)
            if blank[:-1].any():
                cols[key] = (np.where(blank[codes], -1, codes).astype(np.int32, copy=False), uniques)
        present = np.zeros(n, dtype=bool)
        for codes, _ in cols.values():
            present |= codes >= 0
        present &= ~_totals_rows(log, diag)
        self.keep = present
        data: dict[str, object] = {}
        legacy_notes: dict[str, tuple[str, str]] = {}

        # Mã hồ sơ
        data["id"] = log.ids if log.ids is not None else pa.nulls(n, pa.string())
        rep.rows(log, "id", present & (cols["id"][0] < 0), "thiếu Mã hồ sơ", expected="mã hồ sơ của hệ thống một cửa",
                 code="blank")

        # dates
        for key in ("received", "due", "returned"):
            codes, uniques = cols[key]
            parsed, bad, _ = _map_uniques(uniques, V.parse_date)
            arr = np.array([np.datetime64(p, "D") if p else np.datetime64("NaT") for p in parsed] or [],
                           dtype="datetime64[D]").astype("datetime64[ns]")
            values = _take(arr, codes, NAT)
            badrow = present & bad[codes]
            rep.rows(log, key, badrow, f"{DOSSIER_COLUMNS[key]} không đọc được là ngày", expected=V.DATE_EXPECTED,
                     found=lambda i, k=key: _raw(log, k, i), code="bad_date")
            if key != "returned":
                rep.rows(log, key, present & (codes < 0), f"thiếu {DOSSIER_COLUMNS[key]}", expected=V.DATE_EXPECTED,
                         code="blank")
            data[key] = values
        r, d, c = data["received"], data["due"], data["returned"]
        rep.rows(log, "returned", present & (c < r),
                 "Ngày trả kết quả trước Ngày tiếp nhận", code="returned_before_received",
                 found=lambda i: f"{_raw(log, 'returned', i)} < {_raw(log, 'received', i)}",
                 expected="Ngày trả kết quả cùng ngày hoặc sau Ngày tiếp nhận")
        rep.rows(log, "due", present & (d < r),
                 "Hạn xử lý trước Ngày tiếp nhận", code="due_before_received",
                 found=lambda i: f"{_raw(log, 'due', i)} < {_raw(log, 'received', i)}",
                 expected="Hạn xử lý cùng ngày hoặc sau Ngày tiếp nhận")

        # coded columns -> category codes (-1 blank)
        def coded(key, choices: dict[str, str], expected: str, required: bool, synonyms=None):
            codes, uniques = cols[key]
            cats = list(choices)
            parsed, bad, conv = _map_uniques(uniques, lambda u: V.parse_code(u, choices, synonyms), legacy=True)
            legacy_notes.update(conv)
            idx = np.array([cats.index(p) if p is not None else -1 for p in parsed], dtype=np.int64)
            values = _take(idx, codes, -1)
            badrow = present & bad[codes]
            rep.rows(log, key, badrow, f"giá trị {DOSSIER_COLUMNS[key]} không hợp lệ", expected=expected,
                     found=lambda i: _raw(log, key, i), code="bad_value")
            if required:
                rep.rows(log, key, present & ~badrow & (values < 0), f"để trống {DOSSIER_COLUMNS[key]}",
                         expected=expected, code="blank")
            return np.where(badrow, -1, values)

        # the code, or the department's name as the plan writes it (as in submissions)
        dept_choices = {d.code: d.name for d in plan.departments}
        dcodes = coded("department", dept_choices, "mã (hoặc tên) phòng, đơn vị trong kế hoạch: " + ", ".join(plan.department_codes), True)
        data["department"] = pd.Categorical.from_codes(dcodes, categories=plan.department_codes)
        data["channel"] = pd.Categorical.from_codes(
            coded("channel", CHANNELS, " / ".join(CHANNELS.values()), True, CHANNEL_SYNONYMS), categories=list(CHANNELS))
        data["rating"] = pd.Categorical.from_codes(
            coded("rating", RATINGS, " / ".join(RATINGS.values()) + " hoặc để trống", False), categories=list(RATINGS))
        for key, required in (("fee", True), ("online_payment", False), ("digitized", True), ("reused", True)):
            codes, uniques = cols[key]
            parsed, bad, conv = _map_uniques(uniques, V.parse_bool, legacy=True)
            legacy_notes.update(conv)
            idx = np.array([-1 if p is None else int(p) for p in parsed], dtype=np.int64)
            values = _take(idx, codes, -1)
            badrow = present & bad[codes]
            rep.rows(log, key, badrow, f"giá trị {DOSSIER_COLUMNS[key]} không hợp lệ", expected=V.YES_NO_EXPECTED,
                     found=lambda i, k=key: _raw(log, k, i), code="bad_value")
            if required:
                rep.rows(log, key, present & ~badrow & (values < 0), f"để trống {DOSSIER_COLUMNS[key]}",
                         expected=V.YES_NO_EXPECTED, code="blank")
            data[key] = values == 1
        stray = present & data["online_payment"] & ~data["fee"]
        if stray.any():
            first = int(log.rows[np.flatnonzero(stray)[0]])
            diag.warn(f"{int(stray.sum()):,} hồ sơ ghi Thanh toán trực tuyến = Có nhưng không có phí, lệ phí; "
                      f"đã bỏ qua giá trị này (dòng đầu tiên: {first})".replace(",", "."),
                      log.where("online_payment"), code="payment_without_fee")
            data["online_payment"] = data["online_payment"] & data["fee"]

        # free text
        for key in ("procedure", "field"):
            if key not in cols:
                data[key] = pd.array([pd.NA] * n, dtype="string") if n else pd.array([], dtype="string")
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
                        legacy_notes[t] = (fixed, enc)
                        t = fixed
                cleaned.append(t)
            # the distinct texts taken to the rows; StringArray wraps the object array
            # as is (pd.array(..., dtype="string") would copy and re-check every row)
            arr = np.array([pd.NA if t is None else t for t in cleaned] + [pd.NA], dtype=object)
            data[key] = pd.arrays.StringArray(arr[codes])
        for raw_text, (new, enc) in list(legacy_notes.items())[:MAX_MESSAGES]:
            diag.warn(f"văn bản gõ bằng bảng mã cũ {enc}, đã chuyển sang Unicode thành «{new}»",
                      Location(log.file, log.sheet), found=V.shown(raw_text), expected="gõ bằng bảng mã Unicode",
                      code="legacy_encoding")
        self.data = data

    def columns(self) -> tuple[dict[str, object], np.ndarray]:
        """Canonical columns of the kept rows (id still an Arrow array) and their row numbers."""
        keep = self.keep
        everything = bool(keep.all())
        out = {}
        for key in DOSSIER_COLUMNS:
            v = self.data[key]
            if everything:
                out[key] = v
            elif isinstance(v, pa.Array):
                out[key] = v.filter(pa.array(keep))
            else:
                out[key] = v[keep]
        return out, self.log.rows if everything else self.log.rows[keep]


# --- all logs together --------------------------------------------------------

def read_dossiers(paths: list[tuple[Path, str]], plan: Plan, diag: Diagnostics) -> pd.DataFrame:
    """Every log in `paths` ((path, relative name) pairs) as one canonical frame.
    Problems go to `diag` (errors make the frame meaningless; the caller raises)."""
    rep = _Reporter(diag)
    parts, files, file_idx, rows = [], [], [], []
    for path, rel in paths:
        reader = _read_csv if path.suffix.lower() == ".csv" else _read_xlsx
        log = reader(path, rel, diag)
        if log is None:
            continue
        cols, kept_rows = _Parsed(log, plan, rep, diag).columns()
        parts.append(cols)
        file_idx.append(np.full(len(kept_rows), len(files), dtype=np.int32))
        rows.append(kept_rows)
        files.append(log)
    if not parts:
        return empty_dossiers().assign(department=pd.Categorical([], categories=plan.department_codes))
    ids = pa.chunked_array([p["id"] for p in parts], type=pa.string())
    data = {}
    for key in DOSSIER_COLUMNS:
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
    file_idx, rows = np.concatenate(file_idx), np.concatenate(rows)
    drop = _deduplicate(ids, data, file_idx, rows, files, diag)
    if drop is not None:
        keep = ~drop
        ids = ids.filter(pa.array(keep))
        data = {k: v[keep] for k, v in data.items()}
    # Arrow-backed "string[pyarrow]": wraps the Arrow buffers, no Python str per row
    frame = {"id": pd.Series(pd.arrays.ArrowStringArray(ids), copy=False)}
    frame.update(data)
    return pd.DataFrame(frame, columns=list(DOSSIER_COLUMNS), copy=False)


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
            differ = [DOSSIER_COLUMNS[k] for k in COMPARED if k != "id" and not _same(a[k], b[k])]
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
