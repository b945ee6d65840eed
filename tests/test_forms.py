"""`make forms`: blank workbooks per department that read back through intake."""

from __future__ import annotations

import datetime as dt
import io
from fractions import Fraction

import openpyxl

from conftest import run_cli, tree_snapshot
from intake_helpers import make_inputs
from reportgen.forms import build_forms
from reportgen.intake import read_inputs
from reportgen.plan import load_plan

CONTRACT = {
    "Thông tin": None,
    "Kết quả": ["Lĩnh vực", "Mã nhiệm vụ", "Kết quả thực hiện", "Tiến độ", "Ghi chú"],
    "Số liệu": ["Mã chỉ tiêu", "Giá trị", "Mẫu số", "Ghi chú"],
    "Tồn tại, hạn chế": ["Nội dung", "Nguyên nhân"],
    "Kiến nghị": ["Nội dung"],
    "Phương hướng": ["Nội dung"],
}


def test_forms_structure_and_determinism(tmp_path):
    y = make_inputs(tmp_path)
    plan = load_plan(y / "plan.yaml")
    forms = build_forms(plan, "q3")
    assert set(forms) == set(plan.department_codes)
    assert build_forms(plan, "q3") == forms  # same bytes each run
    wb = openpyxl.load_workbook(io.BytesIO(forms["VP"]))
    for name, headers in CONTRACT.items():
        ws = wb[name]
        if headers:
            assert [c.value for c in ws[1]][: len(headers)] == headers
            assert ws.freeze_panes == "A2" and ws["A1"].font.b
    info = {r[0]: r[1] for r in wb["Thông tin"].iter_rows(values_only=True)}
    assert info["Đơn vị"] == "VP" and info["Kỳ báo cáo"] == "Quý III" and info["Năm"] == 2024
    assert info["Ngày gửi"] is None and wb["Thông tin"]["B4"].number_format == "dd/mm/yyyy"
    tasks = [t for t in plan.tasks if t.owner == "VP"]
    listed = [r[1] for r in wb["Kết quả"].iter_rows(min_row=2, values_only=True)]
    assert listed == [t.code for t in tasks]
    codes = [r[0] for r in wb["Số liệu"].iter_rows(min_row=2, values_only=True)]
    assert codes == [i.code for i in plan.indicators if i.source == "submissions"]
    assert wb["Số liệu"]["E2"].value == plan.indicator(codes[0]).name
    lists = [dv.formula1 for dv in wb["Kết quả"].data_validations.dataValidation]
    assert any("Danh mục" in (f or "") for f in lists)
    assert wb["Danh mục"].sheet_state == "hidden"


def test_blank_form_reads_back_as_nothing_then_filled_form_reads_back(tmp_path):
    y = make_inputs(tmp_path)
    plan = load_plan(y / "plan.yaml")
    (y / "submissions").mkdir()
    raw = build_forms(plan, "6m")["QLDT"]
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    wb["Thông tin"]["B4"] = dt.datetime(2024, 6, 11)
    wb.save(y / "submissions" / "blank.xlsx")
    sub = read_inputs(y, plan).submissions[0]
    assert (sub.department, sub.period, sub.year, sub.sent_on) == ("QLDT", "6m", 2024, dt.date(2024, 6, 11))
    assert sub.results == () and sub.indicators == ()

    # fill it in as a department would
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    wb["Thông tin"]["B4"] = dt.datetime(2024, 6, 12)
    wb["Thông tin"]["B5"] = "Trần Thị C"
    ws = wb["Kết quả"]
    ws["C2"], ws["D2"] = "Đã thực hiện xong", "Hoàn thành"
    first_task = ws["B2"].value
    ws.append([7, None, "Triển khai phần mềm một cửa", "Đang thực hiện", "ghi chú"])
    ws = wb["Số liệu"]
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    ws.cell(rows["CDDH-01"], 2).value = "Có"
    ws.cell(rows["CDDH-02"], 2).value, ws.cell(rows["CDDH-02"], 3).value = 3, 7
    ws.cell(rows["TC-01"], 2).value = 2
    wb["Tồn tại, hạn chế"].append(["Chưa đồng bộ", "Thiếu kinh phí"])
    wb["Kiến nghị"].append(["Cấp thêm kinh phí"])
    wb["Phương hướng"].append(["Hoàn thiện quy trình"])
    (y / "submissions" / "blank.xlsx").unlink()
    wb.save(y / "submissions" / "filled.xlsx")
    intake = read_inputs(y, plan)
    sub = intake.submissions[0]
    assert sub.sent_on == dt.date(2024, 6, 12) and sub.prepared_by == "Trần Thị C"
    task = next(t for t in plan.tasks if t.code == first_task)
    assert [(r.area, r.task_code, r.text, r.progress) for r in sub.results] == [
        (task.area, task.code, "Đã thực hiện xong", "hoan_thanh"),
        (7, None, "Triển khai phần mềm một cửa", "dang_thuc_hien")]
    assert [(i.code, i.value, i.denominator) for i in sub.indicators] == [
        ("CDDH-01", True, None), ("CDDH-02", Fraction(3), Fraction(7)), ("TC-01", Fraction(2), None)]
    assert [t.content for t in sub.shortcomings] == ["Chưa đồng bộ"] and sub.shortcomings[0].cause == "Thiếu kinh phí"
    assert [t.content for t in sub.recommendations] == ["Cấp thêm kinh phí"]
    assert [t.content for t in sub.directions] == ["Hoàn thiện quy trình"]
    assert intake.warnings == []


def test_make_forms_cli(tmp_path):
    make_inputs(tmp_path)
    out = tmp_path / "outputs"
    proc = run_cli("forms", "--period", "q3", "--inputs", str(tmp_path / "inputs"), "--outputs", str(out))
    assert proc.returncode == 0, proc.stderr
    files = tree_snapshot(out)
    assert "2024/q3/forms/VP.xlsx" in files and len([f for f in files if f.endswith(".xlsx")]) == 7
