"""Department submission workbooks (six sheets, contract.md) into `Submission`s.

Read with python-calamine (values as typed: numbers, real dates, text). Sheet
names and headers match ignoring case, spaces and Unicode form. Required columns
per sheet (a sheet that is there must have them; the others are optional):

- Kết quả: Lĩnh vực, Kết quả thực hiện, Tiến độ (Mã nhiệm vụ, Ghi chú optional)
- Số liệu: Mã chỉ tiêu, Giá trị, Mẫu số (Ghi chú optional)
- Tồn tại, hạn chế: Nội dung (Nguyên nhân optional); Kiến nghị, Phương hướng: Nội dung

A `Kết quả` row pre-listed by `make forms` (Lĩnh vực and Mã nhiệm vụ only) that the
department left without Kết quả thực hiện and Tiến độ is skipped: nothing reported;
so is a `Số liệu` row pre-listed by the form (its "Tên chỉ tiêu (tham khảo)" filled)
left without Giá trị and Mẫu số. A row typed with a code and no Giá trị is an error.
"""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl.utils import get_column_letter

from ..diagnostics import Diagnostics, Location
from ..plan import Plan
from ..records import PROGRESS_TEXT, IndicatorRow, ResultRow, Submission, TextRow
from . import values as V
from .legacy import fix_legacy, legacy_candidates
from .sniff import what_is
from .workbook import check_workbook

INFO = "Thông tin"
SHEETS = {
    "results": ("Kết quả", {"area": "Lĩnh vực", "task": "Mã nhiệm vụ", "text": "Kết quả thực hiện",
                            "progress": "Tiến độ", "note": "Ghi chú"}, ("area", "text", "progress")),
    "indicators": ("Số liệu", {"code": "Mã chỉ tiêu", "value": "Giá trị", "denominator": "Mẫu số", "note": "Ghi chú",
                               "hint": "Tên chỉ tiêu (tham khảo)"},
                   ("code", "value", "denominator")),
    "shortcomings": ("Tồn tại, hạn chế", {"content": "Nội dung", "cause": "Nguyên nhân"}, ("content",)),
    "recommendations": ("Kiến nghị", {"content": "Nội dung"}, ("content",)),
    "directions": ("Phương hướng", {"content": "Nội dung"}, ("content",)),
}
INFO_LABELS = {"department": "Đơn vị", "period": "Kỳ báo cáo", "year": "Năm", "sent_on": "Ngày gửi",
               "prepared_by": "Người lập", "phone": "Điện thoại"}
INFO_REQUIRED = ("department", "period", "year", "sent_on")
HEADER_SCAN_ROWS = 10


class _Uncached(str):
    """A formula cell without a stored result (a workbook written by a program and
    never opened in Excel): calamine reads it as blank, which must not pass for
    "nothing typed"."""


# synonyms of the Tiến độ values: "Đã hoàn thành", and the values typed without
# diacritics (unambiguous among three)
PROGRESS_SYNONYMS = {"Đã hoàn thành": "hoan_thanh", "hoan thanh": "hoan_thanh", "da hoan thanh": "hoan_thanh",
                     "dang thuc hien": "dang_thuc_hien", "chua thuc hien": "chua_thuc_hien"}
AREA_PREFIXES = ("lĩnh vực", "linh vuc", "lv")


def _coded(parse, value, where: Location, diag: Diagnostics):
    """parse(value); when that fails, the value read as TCVN3 or VNI text (a
    coded value typed with a legacy font, "Cã" for "Có"), with a warning."""
    try:
        return parse(value)
    except V.BadValue:
        if not isinstance(value, str):
            raise
        for cand, enc in legacy_candidates(V.clean_text(value) or ""):
            try:
                got = parse(cand)
            except V.BadValue:
                continue
            diag.warn(f"văn bản gõ bằng bảng mã cũ {enc}, đã chuyển sang Unicode thành «{cand}»", where,
                      found=V.shown(value), expected="gõ bằng bảng mã Unicode", code="legacy_encoding")
            return got
        raise


def _label_key(cell) -> str:
    """A label or header cell as a key; a label typed in TCVN3/VNI is read too."""
    if not isinstance(cell, str):
        return ""
    key = V.header_key(cell)
    fixed, enc = fix_legacy(V.clean_text(cell) or "")
    return key if enc is None else V.header_key(fixed)


def _has_formulas(path: Path) -> bool:
    """Whether a worksheet of the workbook holds a formula (`<f`), streamed: the
    members are bounded (intake.workbook) but may still be large."""
    import zipfile

    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not name.startswith("xl/worksheets/"):
                continue
            with zf.open(name) as fh:
                tail = b""
                while chunk := fh.read(1 << 20):
                    if b"<f" in tail + chunk or b":f>" in tail + chunk or b":f " in tail + chunk:
                        return True
                    tail = chunk[-8:]
    return False


def _mark_uncached(path: Path, sheets: dict) -> None:
    """Replace, in the rows read, each formula cell that has no stored result by
    an `_Uncached` (its formula). Only workbooks holding formulas are opened a
    second time (openpyxl, formulas as text)."""
    import zipfile
    import zlib

    from openpyxl.utils.exceptions import InvalidFileException

    try:
        if not _has_formulas(path):
            return
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    # what a file calamine could read but openpyxl cannot raises; anything else
    # is a bug and must not silently switch the check off
    except (zipfile.BadZipFile, zlib.error, OSError, KeyError, ValueError, InvalidFileException):
        return
    try:
        for sheet in sheets.values():
            if sheet.name not in wb.sheetnames:
                continue
            for r, row in enumerate(wb[sheet.name].iter_rows(values_only=True)):
                if r >= len(sheet.rows):
                    break
                cells = sheet.rows[r]
                for j, value in enumerate(row):
                    if isinstance(value, str) and value.startswith("=") and j < len(cells) \
                            and V.clean_text(cells[j]) is None:
                        cells[j] = _Uncached(value)
    finally:
        wb.close()


def _uncached_error(value: _Uncached, where: Location, diag: Diagnostics) -> None:
    diag.error("ô có công thức nhưng chưa có kết quả tính (tệp chưa được mở và lưu bằng Excel)", where,
               found=str(value), expected="mở tệp bằng Excel rồi lưu lại, hoặc gõ giá trị thay cho công thức",
               code="formula_without_value")


class _Sheet:
    """One sheet's rows (Excel row numbers) with the contract columns located."""

    def __init__(self, file: str, name: str, rows: list[list]):
        self.file, self.name, self.rows = file, name, rows

    def where(self, row: int | None = None, column: str | None = None) -> Location:
        return Location(self.file, self.name, row, column)


# a run of characters without a space longer than this is flagged in the review:
# the documents break it at the line's edge, but it is rarely what was meant
LONG_RUN = 200
_LONG_RUN = re.compile(rf"\S{{{LONG_RUN + 1},}}")


def _text(value, where: Location, diag: Diagnostics) -> str | None:
    text = V.clean_paragraphs(value)
    if text and len(text) > LONG_RUN and (run := _LONG_RUN.search(text)):
        diag.warn(f"văn bản có một chuỗi {len(run.group(0)):,} ký tự liền nhau không có dấu cách; trong báo cáo "
                  "chuỗi này bị ngắt ở lề trang".replace(",", "."), where,
                  found=run.group(0)[:60] + "…", expected="kiểm tra lại nội dung ô (dán nhầm?)", code="long_unbroken_text")
    if text:
        fixed, enc = fix_legacy(text)
        if enc:
            diag.warn(f"văn bản gõ bằng bảng mã cũ {enc}, đã chuyển sang Unicode thành «{fixed}»", where,
                      found=text, expected="gõ bằng bảng mã Unicode", code="legacy_encoding")
            text = fixed
    return text


def read_submission(path: Path, rel: str, plan: Plan, diag: Diagnostics) -> Submission | None:
    from python_calamine import CalamineError, CalamineWorkbook

    if not check_workbook(path, rel, diag):  # bounded memory before calamine allocates
        return None
    try:
        wb = CalamineWorkbook.from_path(str(path))
        names = {V.header_key(n): n for n in wb.sheet_names}
        sheets = {}
        for key, title in [("info", INFO)] + [(k, v[0]) for k, v in SHEETS.items()]:
            real = names.get(V.header_key(title))
            if real is not None:
                sheets[key] = _Sheet(rel, real, wb.get_sheet_by_name(real).to_python(skip_empty_area=False))
    except (CalamineError, OSError, ValueError):  # what a corrupt or non-xlsx file raises; a bug is not "tệp hỏng"
        kind = "xls" if path.suffix.lower() == ".xls" else "xlsx"
        found, expected = what_is(path, kind) or ("tệp hỏng, Excel không mở được", f"tệp .{kind} mở được bằng Excel")
        diag.error("không mở được tệp Excel", Location(rel), found=found, expected=expected, code="corrupt_file")
        return None
    _mark_uncached(path, sheets)
    before = len(diag.errors)
    if "info" not in sheets:
        diag.error(f"thiếu trang «{INFO}»", Location(rel),
                   expected=f"các trang {INFO}, " + ", ".join(v[0] for v in SHEETS.values()), code="missing_sheet")
        info = None
    else:
        info = _read_info(sheets["info"], plan, diag)
    parts = {}
    for key, (title, columns, required) in SHEETS.items():
        parts[key] = _read_table(sheets[key], columns, required, key, plan, diag) if key in sheets else []
    if len(diag.errors) > before or info is None:
        return None
    return Submission(file=rel, results=tuple(parts["results"]), indicators=tuple(parts["indicators"]),
                      shortcomings=tuple(parts["shortcomings"]), recommendations=tuple(parts["recommendations"]),
                      directions=tuple(parts["directions"]), **info)


def _read_info(sheet: _Sheet, plan: Plan, diag: Diagnostics) -> dict | None:
    labels = {V.header_key(text): key for key, text in INFO_LABELS.items()}
    found: dict[str, tuple[object, int, int]] = {}
    for r, cells in enumerate(sheet.rows):
        filled = [(j, c) for j, c in enumerate(cells) if V.clean_text(c) is not None]
        if not filled:
            continue
        j, label = filled[0]
        key = labels.get(_label_key(label))
        if key and key not in found:
            value = next((c for jj, c in filled[1:]), None)
            vj = next((jj for jj, c in filled[1:]), j + 1)
            found[key] = (value, r + 1, vj)
    out: dict = {}
    years: dict = {}
    ok = True
    expected = dict(_INFO_EXPECTED, department="mã phòng, đơn vị trong kế hoạch: " + ", ".join(plan.department_codes)
                    + " (hoặc tên đúng như trong kế hoạch)")
    for key, label in INFO_LABELS.items():
        value, row, col = found.get(key, (None, None, 1))
        where = sheet.where(row, get_column_letter(col + 1) if row else None)
        if isinstance(value, _Uncached):
            _uncached_error(value, where, diag)
            ok = False
            continue
        if key in INFO_REQUIRED and V.clean_text(value) is None:
            diag.error(f"thiếu «{label}»" if row else f"không có dòng «{label}»", where,
                       expected=expected[key], code="missing_info")
            ok = False
            continue
        try:
            if key == "department":
                out[key] = _department(_text(value, where, diag), plan, expected[key])
            elif key == "period":
                out[key], period_year = _coded(V.parse_period_with_year, value, where, diag)
                if period_year is not None:
                    years[key] = (period_year, where, value)
            elif key == "year":
                out[key] = V.parse_int(value, 2000, 2100, prefixes=("năm", "nam"))
                years[key] = (out[key], where, value)
            elif key == "sent_on":  # a date no system means (31/12/9999) is an error
                out[key] = V.parse_date_between(value, *V.date_bounds(plan.year))
            else:
                out[key] = _text(value, where, diag)
        except V.BadValue as exc:
            msg = {"department": "mã phòng, đơn vị không có trong kế hoạch"}.get(key, f"«{label}» không hợp lệ")
            diag.error(msg, where, found=V.shown(value), expected=exc.expected,
                       code="unknown_department" if key == "department" else "bad_value")
            ok = False
    if "period" in years and "year" in years and years["period"][0] != years["year"][0]:
        (py, pwhere, pvalue), (yy, _, _) = years["period"], years["year"]
        diag.error(f"Kỳ báo cáo ghi năm {py} nhưng dòng «Năm» ghi {yy}", pwhere, found=V.shown(pvalue),
                   expected="cùng một năm ở Kỳ báo cáo và Năm", code="bad_value")
        ok = False
    return out if ok else None


def _department(text: str | None, plan: Plan, expected: str) -> str:
    """The plan department whose code, or whose name (NFC, any case, spaces
    collapsed: "Văn phòng"), is `text`."""
    key = V.code_key(text)
    for dept in plan.departments:
        if key == V.code_key(dept.code):
            return dept.code
    for dept in plan.departments:
        if dept.name and key == V.code_key(dept.name):
            return dept.code
    raise V.BadValue(expected)


_INFO_EXPECTED = {
    "period": "q1, 6m, q3, year (hoặc Quý I, 6 tháng, Quý III, Năm)",
    "year": "năm bốn chữ số, ví dụ 2024",
    "sent_on": V.DATE_EXPECTED,
}


def _find_header(sheet: _Sheet, columns: dict[str, str], required: tuple, diag: Diagnostics):
    keys = {V.header_key(text): key for key, text in columns.items()}
    best = None
    for r, cells in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        hit = {}
        for j, cell in enumerate(cells):
            key = keys.get(_label_key(cell))
            if key and key not in hit:
                hit[key] = (j, V.clean_text(cell))
        if hit and (best is None or len(hit) > len(best[1])):
            best = (r, hit)
    if best is None:
        for k in required:
            diag.error(f"thiếu cột «{columns[k]}» (không tìm thấy dòng tiêu đề)", sheet.where(1),
                       expected="dòng tiêu đề có các cột " + ", ".join(f"«{columns[c]}»" for c in columns),
                       code="missing_column")
        return None
    r, hit = best
    missing = [k for k in required if k not in hit]
    for k in missing:
        diag.error(f"thiếu cột «{columns[k]}»", sheet.where(r + 1),
                   expected="dòng tiêu đề có các cột " + ", ".join(f"«{columns[c]}»" for c in columns),
                   code="missing_column")
    return None if missing else best


def _read_table(sheet: _Sheet, columns: dict[str, str], required: tuple, kind: str, plan: Plan, diag: Diagnostics):
    header = _find_header(sheet, columns, required, diag)
    if header is None:
        return []
    hr, hit = header
    out = []
    for r in range(hr + 1, len(sheet.rows)):
        cells = sheet.rows[r]
        raw = {k: (cells[j] if j < len(cells) else None) for k, (j, _) in hit.items()}
        raw = {k: (None if V.clean_text(v) is None else v) for k, v in raw.items()}
        if all(v is None for v in raw.values()):
            continue
        row = r + 1

        def where(key, _hit=hit, _row=row):
            return sheet.where(_row, _hit[key][1] if key in _hit else columns[key])

        uncached = [k for k, v in raw.items() if isinstance(v, _Uncached)]
        for k in uncached:
            _uncached_error(raw[k], where(k), diag)
        if uncached:
            continue

        item = _READERS[kind](raw, where, plan, diag)
        if item is not None:
            out.append(item)
    return out


def _result(raw, where, plan: Plan, diag: Diagnostics) -> ResultRow | None:
    ok = True
    task = None
    task_code = V.clean_text(raw.get("task"))
    if task_code is not None:
        task = next((t for t in plan.tasks if V.code_key(t.code) == V.code_key(task_code)), None)
        if task is None and plan.tasks:
            diag.error("mã nhiệm vụ không có trong kế hoạch", where("task"), found=task_code,
                       expected="một mã nhiệm vụ của kế hoạch (ví dụ " + plan.tasks[0].code + ") hoặc để trống",
                       code="unknown_task")
            ok = False
        elif task is not None:
            task_code = task.code
    text = _text(raw.get("text"), where("text"), diag)
    progress_raw = raw.get("progress")
    if text is None and progress_raw is None:
        return None  # a pre-listed task left unanswered (or a stray Lĩnh vực)
    try:
        area = V.parse_int(raw.get("area"), 1, 8, prefixes=AREA_PREFIXES, roman=True)
        if area is None:
            if task is None:
                raise V.BadValue("một số nguyên từ 1 đến 8")
            area = task.area
    except V.BadValue as exc:
        diag.error("Lĩnh vực không hợp lệ", where("area"), found=V.shown(raw.get("area")),
                   expected=exc.expected + " (hoặc I đến VIII)",
                   code="bad_area")
        ok = False
    progress = None
    if progress_raw is not None:
        try:
            progress = _coded(lambda v: V.parse_code(v, PROGRESS_TEXT, PROGRESS_SYNONYMS), progress_raw,
                              where("progress"), diag)
        except V.BadValue as exc:
            diag.error("Tiến độ không hợp lệ", where("progress"), found=V.shown(progress_raw), expected=exc.expected,
                       code="bad_progress")
            ok = False
    if text is None:
        if task is None:
            diag.error("thiếu nội dung Kết quả thực hiện", where("text"), expected="mô tả kết quả đã thực hiện",
                       code="blank")
            ok = False
        else:
            text = task.text
    if not ok:
        return None
    return ResultRow(area=area, text=text, task_code=task_code, progress=progress,
                     note=_text(raw.get("note"), where("note"), diag), where=where("text"))


# Giá trị and Mẫu số of a department's figure: counts of dossiers, documents,
# activities, staff. Anything from a thousand billion up is a paste gone wrong
# (`1E+30`), never a figure (docs/decisions.md).
MAX_FIGURE = 10 ** 12


def _figure(raw, what: str, where: Location, diag: Diagnostics):
    """A Giá trị or Mẫu số read as an exact number; None (an error in diag) when it
    is not a number or too large to be a real figure."""
    try:
        value = V.parse_number(raw)
    except V.BadValue as exc:
        diag.error(f"{what} không hợp lệ", where, found=V.shown(raw), expected=exc.expected, code="bad_number")
        return None
    return value if _plausible(value, raw, what, where, diag) else None


def _plausible(value, raw, what: str, where: Location, diag: Diagnostics) -> bool:
    if abs(value) < MAX_FIGURE:
        return True
    diag.error(f"{what} quá lớn, không thể là số liệu thật", where, found=V.shown(raw),
               expected=f"một số nhỏ hơn {MAX_FIGURE:,} (kiểm tra ô có dán nhầm, ví dụ 1E+30)".replace(",", "."),
               code="implausible_number")
    return False


def _indicator(raw, where, plan: Plan, diag: Diagnostics) -> IndicatorRow | None:
    code_text = V.clean_text(raw.get("code"))
    if code_text is None:
        diag.error("thiếu Mã chỉ tiêu", where("code"), expected="một mã chỉ tiêu của kế hoạch", code="blank")
        return None
    ind = next((i for i in plan.indicators if V.code_key(i.code) == V.code_key(code_text)), None)
    if ind is None:
        diag.error("mã chỉ tiêu không có trong kế hoạch", where("code"), found=code_text,
                   expected="một trong: " + ", ".join(i.code for i in plan.indicators if i.source == "submissions"),
                   code="unknown_indicator")
        return None
    value_raw, den_raw = raw.get("value"), raw.get("denominator")
    if value_raw is None and den_raw is None and raw.get("hint") is not None:
        return None  # pre-listed by `make forms` and left blank: not reported
    if value_raw is None:
        diag.error(f"chỉ tiêu {ind.code} thiếu Giá trị", where("value"),
                   expected={"bool": V.YES_NO_EXPECTED}.get(ind.unit, V.NUMBER_EXPECTED), code="blank")
        return None
    note = _text(raw.get("note"), where("note"), diag)
    if ind.unit == "bool":
        try:
            return IndicatorRow(ind.code, _coded(V.parse_bool, value_raw, where("value"), diag), None, note,
                                where("value"))
        except V.BadValue as exc:
            diag.error(f"Giá trị của chỉ tiêu {ind.code} không hợp lệ", where("value"), found=V.shown(value_raw),
                       expected=exc.expected, code="bad_number")
            return None
    value = _figure(value_raw, f"Giá trị của chỉ tiêu {ind.code}", where("value"), diag)
    if value is None:
        return None
    if ind.unit == "count":
        if value.denominator != 1:
            diag.error(f"chỉ tiêu {ind.code} là số lượng nhưng Giá trị không phải số nguyên", where("value"),
                       found=V.shown(value_raw),
                       expected="một số nguyên không âm (hàng nghìn viết 1.234 hoặc 1234, không dùng dấu phẩy)",
                       code="bad_number")
            return None
        return IndicatorRow(ind.code, value, None, note, where("value"))
    if den_raw is None:
        diag.error(f"chỉ tiêu tỷ lệ {ind.code} thiếu Mẫu số", where("denominator"),
                   expected="mẫu số của tỷ lệ (Giá trị là tử số)", code="blank")
        return None
    den = _figure(den_raw, f"Mẫu số của chỉ tiêu {ind.code}", where("denominator"), diag)
    if den is None:
        return None
    if value > den and ind.op not in ("<=", "<"):
        diag.error(f"tử số (Giá trị) của chỉ tiêu {ind.code} lớn hơn Mẫu số", where("value"),
                   found=f"{V.shown(value_raw)} > {V.shown(den_raw)}", expected="Giá trị nhỏ hơn hoặc bằng Mẫu số",
                   code="numerator_above_denominator")
        return None
    return IndicatorRow(ind.code, value, den, note, where("value"))


def _text_row(raw, where, plan: Plan, diag: Diagnostics) -> TextRow | None:
    content = _text(raw.get("content"), where("content"), diag)
    cause = _text(raw.get("cause"), where("cause"), diag) if "cause" in raw else None
    if content is None:
        diag.error("thiếu Nội dung", where("content"), expected="nội dung của dòng (hoặc xóa dòng)", code="blank")
        return None
    return TextRow(content, cause, where("content"))


_READERS = {"results": _result, "indicators": _indicator, "shortcomings": _text_row,
            "recommendations": _text_row, "directions": _text_row}


def check_resubmissions(subs: list[Submission], diag: Diagnostics) -> None:
    """Two workbooks of one (department, year, period) with the same Ngày gửi: error
    (the later one replacing the earlier is the aggregate stage's business)."""
    seen: dict[tuple, Submission] = {}
    for sub in sorted(subs, key=lambda s: s.file):
        key = (sub.department, sub.year, sub.period, sub.sent_on)
        if key in seen:
            other = seen[key]
            diag.error(
                f"hai tệp báo cáo của {sub.department}, kỳ {sub.period} năm {sub.year} có cùng Ngày gửi "
                f"{sub.sent_on:%d/%m/%Y}: «{Path(other.file).name}» và «{Path(sub.file).name}»",
                Location(sub.file, INFO), found=f"{sub.sent_on:%d/%m/%Y}",
                expected="giữ một tệp (xóa tệp cũ) hoặc sửa Ngày gửi của bản gửi lại", code="same_sent_on")
        else:
            seen[key] = sub


__all__ = ["read_submission", "check_resubmissions", "SHEETS", "INFO", "INFO_LABELS"]
