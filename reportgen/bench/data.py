"""Synthetic dossier logs for benchmarks and tests (valid by construction).

    write_dossier_csv(path, rows, plan, seed=0)
    write_dossier_xlsx(path, rows, plan, seed=0)
    write_export_csv(path, rows, plan, seed=0)   # shaped like a one-stop system's export

Everything is generated column-wise with numpy and written with pyarrow (CSV) or
a minimal streaming .xlsx writer (inline strings, real Excel dates), so a million
rows take seconds. The same seed gives the same file. Dossiers spread over the
plan's departments; Ngày tiếp nhận runs from a month before the earliest period
start to the latest period end; Hạn xử lý and Ngày trả kết quả are never before
Ngày tiếp nhận; about 8% are still pending (blank Ngày trả kết quả). Mã hồ sơ are HS<year>-0000001... from `first_id`: give
logs meant to be read together distinct ranges.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..plan import Plan
from ..records import CHANNELS, DOSSIER_COLUMNS, RATINGS

HEADERS = list(DOSSIER_COLUMNS.values())

_PROCEDURES = np.array([
    "Cấp Giấy chứng nhận đăng ký đầu tư",
    "Điều chỉnh Giấy chứng nhận đăng ký đầu tư",
    "Cấp giấy phép lao động cho người nước ngoài",
    "Gia hạn giấy phép lao động",
    "Cấp giấy phép xây dựng",
    "Thẩm định báo cáo đánh giá tác động môi trường",
    "Xác nhận hợp đồng lao động",
], dtype=object)
_FIELDS = np.array(["Đầu tư", "Đầu tư", "Lao động", "Lao động", "Xây dựng", "Môi trường", "Lao động"], dtype=object)


def _window(plan: Plan) -> tuple[np.datetime64, np.datetime64]:
    if plan.periods:
        start = min(w.start for w in plan.periods.values()) - dt.timedelta(days=30)
        end = max(w.end for w in plan.periods.values())
    else:
        start, end = dt.date(plan.year - 1, 11, 10), dt.date(plan.year, 12, 9)
    return np.datetime64(start, "D"), np.datetime64(end, "D")


def generate_dossiers(rows: int, plan: Plan, seed: int = 0, first_id: int = 1) -> dict[str, np.ndarray]:
    """Column arrays (keys: DOSSIER_COLUMNS keys). Dates are datetime64[D]
    (NaT for pending); coded columns hold the Vietnamese texts ("" for blank)."""
    rng = np.random.default_rng(seed)
    start, end = _window(plan)
    span = int((end - start).astype(int)) + 1
    received = start + rng.integers(0, span, rows).astype("timedelta64[D]")
    due = received + rng.integers(1, 31, rows).astype("timedelta64[D]")
    returned = received + rng.integers(0, 36, rows).astype("timedelta64[D]")
    returned[rng.random(rows) < 0.08] = np.datetime64("NaT")
    depts = np.array(plan.department_codes, dtype=object)
    proc = rng.integers(0, len(_PROCEDURES), rows)
    fee = rng.random(rows) < 0.4
    yes_no = np.array(["Không", "Có"], dtype=object)
    paid = np.where(fee, yes_no[(rng.random(rows) < 0.6).astype(int)], "")
    ratings = np.array(list(RATINGS.values()) + [""], dtype=object)
    prefix = f"HS{plan.year}-"
    ids = np.char.add(prefix, np.char.zfill(np.arange(first_id, first_id + rows).astype(str), 7)).astype(object)
    return {
        "id": ids,
        "department": depts[rng.integers(0, len(depts), rows)],
        "procedure": _PROCEDURES[proc],
        "field": _FIELDS[proc],
        "received": received,
        "due": due,
        "returned": returned,
        "channel": np.array(list(CHANNELS.values()), dtype=object)[rng.choice(3, rows, p=[0.7, 0.25, 0.05])],
        "fee": yes_no[fee.astype(int)],
        "online_payment": paid.astype(object),
        "digitized": yes_no[(rng.random(rows) < 0.9).astype(int)],
        "reused": yes_no[(rng.random(rows) < 0.65).astype(int)],
        "rating": ratings[rng.choice(4, rows, p=[0.3, 0.5, 0.05, 0.15])],
    }


def _date_text(values: np.ndarray) -> pa.Array:
    """dd/mm/yyyy text, null for NaT."""
    ts = pa.array(values.astype("datetime64[s]"), type=pa.timestamp("s"))
    return pc.strftime(ts, format="%d/%m/%Y")


def write_dossier_csv(path: Path, rows: int, plan: Plan, seed: int = 0, encoding: str = "utf-8",
                      first_id: int = 1) -> Path:
    """A valid dossier log as CSV (UTF-8; dates dd/mm/yyyy). `encoding` may be
    "utf-8-sig" or "utf-16" to test those (slower: re-encoded in Python)."""
    cols = generate_dossiers(rows, plan, seed, first_id)
    arrays = []
    for key in DOSSIER_COLUMNS:
        values = cols[key]
        arrays.append(_date_text(values) if values.dtype.kind == "M" else pa.array(values, type=pa.string()))
    table = pa.table(arrays, names=HEADERS)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if encoding == "utf-8":
        pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed"))
    else:
        sink = pa.BufferOutputStream()
        pacsv.write_csv(table, sink, pacsv.WriteOptions(quoting_style="needed"))
        path.write_bytes(sink.getvalue().to_pybytes().decode("utf-8").encode(encoding))
    return path


# --- a minimal .xlsx writer -------------------------------------------------

_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# style 0: general; style 1: date dd/mm/yyyy; style 2: bold
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _col_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _cells(values: np.ndarray, letter: str, rownums: pa.Array) -> pa.Array:
    """One <c> element per row for a column (empty string for a blank)."""
    if values.dtype.kind == "M":
        serial = (values.astype("datetime64[D]") - _EXCEL_EPOCH).astype("int64")
        text = pa.array(serial.astype(str).astype(object), type=pa.string())
        blank = np.isnat(values)
        parts = ['<c r="' + letter, rownums, '" s="1"><v>', text, "</v></c>"]
    else:
        text = pa.array(values, type=pa.string())
        # generated values hold no XML specials; escape anyway for safety
        text = pc.replace_substring(pc.replace_substring(pc.replace_substring(text, "&", "&amp;"), "<", "&lt;"), ">", "&gt;")
        blank = np.asarray(pc.equal(text, "").to_numpy(zero_copy_only=False), dtype=bool)
        parts = ['<c r="' + letter, rownums, '" t="inlineStr"><is><t>', text, "</t></is></c>"]
    cell = pc.binary_join_element_wise(*parts, "")
    return pc.if_else(pa.array(blank), "", cell)


def write_dossier_xlsx(path: Path, rows: int, plan: Plan, seed: int = 0, title: bool = True,
                       sheet_name: str = "Danh sách hồ sơ", first_id: int = 1) -> Path:
    """A valid dossier log as .xlsx: real Excel dates, and (with `title`) a
    one-stop-system style title block with merged cells above the header row."""
    cols = generate_dossiers(rows, plan, seed, first_id)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    head_rows = []
    last = _col_letter(len(HEADERS) - 1)
    merges = ""
    first = 1
    if title:
        head_rows.append('<row r="1"><c r="A1" t="inlineStr" s="2"><is><t>HỆ THỐNG THÔNG TIN GIẢI QUYẾT TTHC</t></is></c></row>')
        head_rows.append('<row r="2"><c r="A2" t="inlineStr"><is><t>Danh sách hồ sơ tiếp nhận</t></is></c></row>')
        merges = f'<mergeCells count="2"><mergeCell ref="A1:{last}1"/><mergeCell ref="A2:{last}2"/></mergeCells>'
        first = 4  # row 3 left empty
    header_cells = "".join(
        f'<c r="{_col_letter(i)}{first}" t="inlineStr" s="2"><is><t>{escape(h)}</t></is></c>' for i, h in enumerate(HEADERS)
    )
    head_rows.append(f'<row r="{first}">{header_cells}</row>')
    rownums = pa.array(np.arange(first + 1, first + 1 + rows).astype(str).astype(object), type=pa.string())
    cells = [_cells(cols[key], _col_letter(i), rownums) for i, key in enumerate(DOSSIER_COLUMNS)]
    body = pc.binary_join_element_wise('<row r="', rownums, '">', *cells, "</row>", "")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK.format(name=escape(sheet_name, {'"': "&quot;"})))
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        zf.writestr("xl/styles.xml", _STYLES)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            out.write("".join(head_rows).encode("utf-8"))
            chunk = 50_000
            for i in range(0, len(body), chunk):
                out.write("".join(body.slice(i, chunk).to_pylist()).encode("utf-8"))
            out.write(b"</sheetData>" + merges.encode("utf-8") + b"</worksheet>")
    return path


# --- a log shaped like a real export ------------------------------------------

EXPORT_HEADERS = ["STT", "Mã hồ sơ", "Thủ tục", "Lĩnh vực", "Tổ chức, cá nhân nộp hồ sơ", "Đơn vị",
                  "Ngày tiếp nhận", "Hạn xử lý", "Ngày trả kết quả", "Trạng thái", "Hình thức nộp", "Phí, lệ phí",
                  "Thanh toán trực tuyến", "Số hóa", "Tái sử dụng dữ liệu", "Đánh giá"]
_APPLICANTS = np.array(["Công ty TNHH Điện tử Sao Việt", "Công ty Cổ phần Dệt may Hoàng Long, chi nhánh Hải Dương",
                        "Công ty TNHH Linh kiện ô tô Daeyoung Việt Nam", "Nguyễn Văn An", "Trần Thị Bình",
                        'Công ty TNHH "Kết cấu thép Đại An"'], dtype=object)


def write_export_csv(path: Path, rows: int, plan: Plan, seed: int = 0) -> Path:
    """A valid dossier log shaped like a one-stop system's CSV export: every cell
    quoted, an STT column and an applicant column (with commas and quotes),
    day-first text dates, codes typed loosely (department by code in any case or
    by name, Có/có/1, channel in the systems' spellings), a status column with
    about 1% withdrawn dossiers (no result date) and results marked returned."""
    rng = np.random.default_rng(seed + 1)
    cols = generate_dossiers(rows, plan, seed)
    n = rows
    dept = cols["department"]
    names = {d.code: d.name for d in plan.departments}
    style = rng.random(n)
    department = np.where(style < 0.6, dept, np.where(style < 0.8, np.char.lower(dept.astype(str)).astype(object),
                                                      np.array([names[c] for c in plan.department_codes],
                                                               dtype=object)[_codes(dept, plan)]))
    returned = cols["returned"].copy()
    withdrawn = rng.random(n) < 0.01
    returned[withdrawn] = np.datetime64("NaT")
    status = np.where(withdrawn, np.array(["Công dân rút hồ sơ", "Đã hủy"], dtype=object)[rng.integers(0, 2, n)],
                      np.where(np.isnat(returned), "Đang xử lý", "Đã trả kết quả")).astype(object)
    channel = cols["channel"].copy()
    spelled = {"Trực tuyến": "Nộp trực tuyến", "Trực tiếp": "Tại quầy", "Bưu chính": "BCCI"}
    loose = rng.random(n) < 0.3
    for canonical, other in spelled.items():
        channel[loose & (channel == canonical)] = other

    def yes_no(values):
        out = values.copy()
        lower = rng.random(n) < 0.2
        out[lower & (values == "Có")] = "có"
        out[lower & (values == "Không")] = "không"
        return out

    rating = cols["rating"].copy()
    rating[np.isnat(returned)] = ""
    arrays = [
        pa.array(np.arange(1, n + 1).astype(str).astype(object), type=pa.string()),
        pa.array(cols["id"], type=pa.string()),
        pa.array(cols["procedure"], type=pa.string()),
        pa.array(cols["field"], type=pa.string()),
        pa.array(_APPLICANTS[rng.integers(0, len(_APPLICANTS), n)], type=pa.string()),
        pa.array(department, type=pa.string()),
        _date_text(cols["received"]),
        _date_text(cols["due"]),
        _date_text(returned),
        pa.array(status, type=pa.string()),
        pa.array(channel, type=pa.string()),
        pa.array(yes_no(cols["fee"]), type=pa.string()),
        pa.array(yes_no(cols["online_payment"]), type=pa.string()),
        pa.array(yes_no(cols["digitized"]), type=pa.string()),
        pa.array(yes_no(cols["reused"]), type=pa.string()),
        pa.array(rating, type=pa.string()),
    ]
    table = pa.table(arrays, names=EXPORT_HEADERS)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="all_valid"))
    return path


def _codes(dept: np.ndarray, plan: Plan) -> np.ndarray:
    """Plan index of each department code."""
    import pandas as pd

    return pd.Index(plan.department_codes).get_indexer(dept)
