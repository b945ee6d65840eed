"""Blank submission workbooks (`make forms`), one per department.

Each workbook has the six sheets of contract.md with their exact headers, so a
filled form reads back through `intake.submissions` unchanged in structure:

- `Thông tin`: Đơn vị, Kỳ báo cáo, Năm filled in; Ngày gửi, Người lập, Điện thoại
  left for the department (Ngày gửi formatted and validated as a date).
- `Kết quả`: the department's tasks of the plan (tasks whose `owner` is the
  department) pre-listed with Lĩnh vực and Mã nhiệm vụ; the task text sits in an
  extra column "Nội dung nhiệm vụ (tham khảo)" that intake ignores. A pre-listed
  row left without Kết quả thực hiện and Tiến độ counts as not reported.
- `Số liệu`: every indicator of the plan with `source: submissions` (the plan does
  not say which department reports which, so all are listed and each department
  fills those it has figures for), with its name and how to fill it in extra
  columns. A pre-listed row left without Giá trị and Mẫu số counts as not reported;
  a Mẫu số without Giá trị is still an error.
- Drop-down lists (data validation) for Lĩnh vực, Mã nhiệm vụ, Tiến độ, Mã chỉ tiêu
  and the Có/Không of bool indicators, fed from a hidden sheet `Danh mục`.
- Bold headers, frozen header rows, column widths, wrapped text.

The bytes are deterministic: fixed document dates and zip entry times.
"""

from __future__ import annotations

import datetime as dt
import io
import re

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from .periods import PERIOD_NAME
from .plan import Plan
from .records import PROGRESS_TEXT
from .render.xlsx_text import keep_as_text, text_value
from .render.etree_lock import ETREE_LOCK
from .render.zip_writer import normalized_zip

HINT_TASK = "Nội dung nhiệm vụ (tham khảo)"
HINT_NAME = "Tên chỉ tiêu (tham khảo)"
HINT_HOW = "Cách ghi (tham khảo)"
_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_HINT_FONT = Font(italic=True, color="595959")
_WRAP = Alignment(wrap_text=True, vertical="top")
_ROWS = 200  # rows covered by the drop-down lists

_HOW = {
    "count": "Giá trị: số lượng. Để trống Mẫu số.",
    "rate": "Giá trị: tử số; Mẫu số: mẫu số (ví dụ 9 và 10 cho 90%).",
    "bool": "Giá trị: Có hoặc Không. Để trống Mẫu số.",
}


def _header(ws, headers: list[str], widths: list[float], hints: int = 0) -> None:
    ws.append(headers)
    for j, cell in enumerate(ws[1], start=1):
        cell.font = _BOLD if j <= len(headers) - hints else Font(bold=True, italic=True, color="595959")
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for j, width in enumerate(widths):
        ws.column_dimensions[chr(65 + j)].width = width
    ws.freeze_panes = "A2"


def _list_validation(ws, formula: str, ref: str, title: str, allow_blank: bool = True) -> None:
    dv = DataValidation(type="list", formula1=formula, allow_blank=allow_blank, showErrorMessage=True,
                        errorTitle=title, error=f"Chọn một giá trị trong danh sách ({title}).")
    dv.add(ref)
    ws.add_data_validation(dv)


def build_form(plan: Plan, period: str, code: str) -> bytes:
    """One department's blank workbook, as deterministic .xlsx bytes."""
    wb = Workbook()
    _info_sheet(wb.active, plan, period, code)
    lists = _Lists(wb, plan)
    _results_sheet(wb.create_sheet("Kết quả"), plan, code, lists)
    _figures_sheet(wb.create_sheet("Số liệu"), lists)
    _text_sheets(wb)
    wb.move_sheet("Danh mục", offset=len(wb.sheetnames))
    wb.active = 0
    return _save(wb, plan, period, code)


def _info_sheet(ws, plan: Plan, period: str, code: str) -> None:
    """Thông tin: Đơn vị, Kỳ báo cáo, Năm filled in; Ngày gửi a validated date."""
    dept = plan.department(code)
    ws.title = "Thông tin"
    rows = [("Đơn vị", code), ("Kỳ báo cáo", PERIOD_NAME[period]), ("Năm", plan.year), ("Ngày gửi", None),
            ("Người lập", None), ("Điện thoại", None)]
    for label, value in rows:
        ws.append([label, text_value(value)])
    for r in range(1, len(rows) + 1):
        ws.cell(r, 1).font = _BOLD
    ws["C1"] = text_value(dept.name) if dept else None
    ws["C1"].font = _HINT_FONT
    ws["B4"].number_format = "dd/mm/yyyy"
    ws["B4"].comment = Comment("Ngày gửi báo cáo, dạng ngày/tháng/năm, ví dụ 12/06/2024.", "reportgen")
    ws["B5"].number_format = "@"
    ws["B6"].number_format = "@"
    date_dv = DataValidation(type="date", operator="between", formula1="DATE(2000,1,1)", formula2="DATE(2100,12,31)",
                             allow_blank=True, showErrorMessage=True, errorTitle="Ngày gửi",
                             error="Nhập một ngày, ví dụ 12/06/2024.")
    date_dv.add("B4")
    ws.add_data_validation(date_dv)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 24
    ws.column_dimensions["C"].width = 50


class _Lists:
    """Danh mục: the hidden sheet that feeds the drop-down lists."""

    def __init__(self, wb, plan: Plan):
        self.task_codes = [t.code for t in plan.tasks]
        self.indicators = [i for i in plan.indicators if i.source == "submissions"]
        self.columns = {"A": ["Mã nhiệm vụ"] + self.task_codes, "B": ["Mã chỉ tiêu"] + [i.code for i in self.indicators],
                        "C": ["Tiến độ"] + list(PROGRESS_TEXT.values()), "D": ["Có/Không"] + ["Có", "Không"],
                        "E": ["Lĩnh vực"] + [str(a) for a in range(1, 9)]}
        self.plan = plan
        lists = wb.create_sheet("Danh mục")
        for col, values in self.columns.items():
            for r, v in enumerate(values, start=1):
                lists[f"{col}{r}"] = text_value(v)
        lists.sheet_state = "hidden"

    def ref(self, col: str) -> str:
        return f"'Danh mục'!${col}$2:${col}${max(2, len(self.columns[col]))}"


def _results_sheet(ws, plan: Plan, code: str, lists: _Lists) -> None:
    """Kết quả: the department's tasks pre-listed, drop-downs for the coded columns."""
    _header(ws, ["Lĩnh vực", "Mã nhiệm vụ", "Kết quả thực hiện", "Tiến độ", "Ghi chú", HINT_TASK],
            [10, 14, 60, 18, 24, 60], hints=1)
    for task in (t for t in plan.tasks if t.owner == code):
        ws.append([task.area, text_value(task.code), None, None, None, text_value(task.text)])
        row = ws.max_row
        for j in range(1, 7):
            ws.cell(row, j).alignment = _WRAP
        ws.cell(row, 6).font = _HINT_FONT
    area_dv = DataValidation(type="whole", operator="between", formula1="1", formula2="8", allow_blank=True,
                             showErrorMessage=True, errorTitle="Lĩnh vực",
                             error="Lĩnh vực là số từ 1 đến 8 (1 chỉ đạo điều hành ... 8 đánh giá tác động).")
    area_dv.add(f"A2:A{_ROWS}")
    ws.add_data_validation(area_dv)
    if lists.task_codes:
        _list_validation(ws, lists.ref("A"), f"B2:B{_ROWS}", "Mã nhiệm vụ")
    _list_validation(ws, lists.ref("C"), f"D2:D{_ROWS}", "Tiến độ")


def _figures_sheet(ws, lists: _Lists) -> None:
    """Số liệu: every `source: submissions` indicator pre-listed with how to fill it."""
    _header(ws, ["Mã chỉ tiêu", "Giá trị", "Mẫu số", "Ghi chú", HINT_NAME, HINT_HOW], [14, 12, 12, 24, 70, 40],
            hints=2)
    for i in lists.indicators:
        ws.append([text_value(i.code), None, None, None, text_value(i.name), _HOW[i.unit]])
        row = ws.max_row
        ws.cell(row, 5).alignment = _WRAP
        ws.cell(row, 6).alignment = _WRAP
        ws.cell(row, 5).font = _HINT_FONT
        ws.cell(row, 6).font = _HINT_FONT
        if i.unit == "bool":
            _list_validation(ws, lists.ref("D"), f"B{row}", "Có/Không")
    _list_validation(ws, lists.ref("B"), f"A2:A{_ROWS}", "Mã chỉ tiêu")
    num_dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            showErrorMessage=True, errorTitle="Mẫu số", error="Mẫu số là một số không âm.")
    num_dv.add(f"C2:C{_ROWS}")
    ws.add_data_validation(num_dv)


def _text_sheets(wb) -> None:
    """Tồn tại, hạn chế; Kiến nghị; Phương hướng: headers only."""
    ws = wb.create_sheet("Tồn tại, hạn chế")
    _header(ws, ["Nội dung", "Nguyên nhân"], [70, 50])
    for name in ("Kiến nghị", "Phương hướng"):
        ws = wb.create_sheet(name)
        _header(ws, ["Nội dung"], [100])


def _save(wb, plan: Plan, period: str, code: str) -> bytes:
    """The workbook's bytes with fixed document dates (1 January of the plan's
    year) and fixed zip entries (render.zip_writer)."""
    stamp = dt.datetime(plan.year, 1, 1)
    wb.properties.creator = "reportgen"
    wb.properties.lastModifiedBy = "reportgen"
    wb.properties.title = f"Báo cáo CCHC {PERIOD_NAME[period]} năm {plan.year} - {code}"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    keep_as_text(wb)  # a task text "=HYPERLINK(...)" stays text (render/xlsx_text.py)
    buf = io.BytesIO()
    with ETREE_LOCK:  # see render/etree_lock.py
        wb.save(buf)
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()

    def fixed_modified(name: str, content: bytes) -> bytes:
        # openpyxl writes the time of saving as dcterms:modified, whatever was set
        if name != "docProps/core.xml":
            return content
        return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + iso + rb"\g<2>", content)

    return normalized_zip(buf.getvalue(), fixed_modified)


def build_forms(plan: Plan, period: str) -> dict[str, bytes]:
    """{department code: .xlsx bytes}"""
    return {code: build_form(plan, period, code) for code in plan.department_codes}
