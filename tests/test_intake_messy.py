"""Intake on input as people really produce it: workbooks filled by hand, logs
exported by one-stop systems and re-saved by Excel. Each test failed before the
fix it covers (see docs/decisions.md, "Reading the inputs (intake)")."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import unicodedata
from fractions import Fraction

import openpyxl
import pytest

from conftest import run_cli
from intake_helpers import (LOG_HEADERS, info_rows, log_row, make_inputs, make_outputs, run_report_fails,
                            submission, write_csv, write_log_xlsx)
from reportgen.diagnostics import InputError
from reportgen.intake import read_inputs
from reportgen.intake import values as V
from reportgen.plan import load_plan


def _read(y):
    return read_inputs(y, load_plan(y / "plan.yaml"))


def _errors(y) -> list[str]:
    with pytest.raises(InputError) as exc:
        _read(y)
    return exc.value.messages()


def _csv_text(rows, headers=LOG_HEADERS, delimiter=",") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(headers)
    w.writerows(rows)
    return buf.getvalue()


# --- Thông tin ----------------------------------------------------------------------

def test_info_sheet_as_people_fill_it(tmp_path):
    """A title row above, labels with a colon / other case / extra spaces / in
    TCVN3, the value in column C, Năm as text, the department by its name."""
    y = make_inputs(tmp_path)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Thông tin"
    ws.append(["THÔNG TIN BÁO CÁO CCHC"])
    ws.merge_cells("A1:C1")
    ws.append(["Đơn vị:", None, "phòng quản lý  đầu tư"])  # name, not code; value in C
    ws.append(["  KỲ BÁO CÁO ", "quý 1/2024"])
    ws.append(["N¨m", "2024"])  # label typed in TCVN3
    ws.append(["Ngày gửi (*)", "12.03.2024"])
    for name, header, row in (("Kết quả", ["Lĩnh vực", "Kết quả thực hiện", "Tiến độ"],
                               ["III", "Dòng một\r\n  - dòng hai  \n\n\ndòng ba ", unicodedata.normalize("NFD", "ĐÃ HOÀN THÀNH")]),
                              ("Số liệu", ["Mã chỉ tiêu", "Giá trị", "Mẫu số"], ["TC-02", "1.234", None])):
        s = wb.create_sheet(name)
        s.append(header)
        s.append(row)
    (y / "submissions").mkdir()
    wb.save(y / "submissions" / "qldt.xlsx")
    sub = _read(y).submissions[0]
    assert (sub.department, sub.period, sub.year, sub.sent_on) == ("QLDT", "q1", 2024, dt.date(2024, 3, 12))
    assert (sub.results[0].area, sub.results[0].progress) == (3, "hoan_thanh")
    assert sub.results[0].text == "Dòng một\n- dòng hai\ndòng ba"
    assert [(r.code, r.value) for r in sub.indicators] == [("TC-02", 1234)]


@pytest.mark.parametrize("period, code", [("Quý 1 năm 2024", "q1"), ("6 tháng đầu năm 2024", "6m"),
                                          ("Năm 2024", "year"), ("Q3-2024", "q3"), ("Cả năm", "year")])
def test_period_spellings_with_the_year(tmp_path, period, code):
    y = make_inputs(tmp_path)
    submission(y / "submissions" / "vp.xlsx", info=info_rows(period=period, year="năm 2024"))
    assert _read(y).submissions[0].period == code


def test_period_year_disagreeing_and_unknown_department_name(tmp_path):
    y = make_inputs(tmp_path)
    submission(y / "submissions" / "a.xlsx", info=info_rows(period="Quý I/2023"))
    submission(y / "submissions" / "b.xlsx", info=info_rows(dept="Phòng Hành chính"))
    err = run_report_fails(tmp_path, "a.xlsx", "Kỳ báo cáo ghi năm 2023", "b.xlsx", "Phòng Hành chính",
                           "VP, QLDT, QLDN, QHXD, QLMT, QLLD, TTDV")
    assert "Traceback" not in err


# --- Số liệu, Kết quả ---------------------------------------------------------------

def test_numbers_as_typed_in_vietnamese(tmp_path):
    y = make_inputs(tmp_path)
    submission(y / "submissions" / "vp.xlsx", indicators=[
        ["TC-01", " 12 ", None, None], ["TC-02", "12.345.678", None, None], ["TC-03", "0012", None, None],
        ["CDDH-02", "1.234,5", "2.000", None], ["CDDH-01", "TRUE", None, None], ["CDDH-03", "0,5", "1", None]])
    got = {r.code: (r.value, r.denominator) for r in _read(y).submissions[0].indicators}
    assert got == {"TC-01": (12, None), "TC-02": (12345678, None), "TC-03": (12, None),
                   "CDDH-02": (Fraction(2469, 2), 2000), "CDDH-01": (True, None), "CDDH-03": (Fraction(1, 2), 1)}
    assert V.parse_number("0.123") == Fraction(123, 1000)  # a leading 0 is never a thousands group


def test_bad_numbers_formulas_and_legacy_yes(tmp_path):
    y = make_inputs(tmp_path)
    submission(y / "submissions" / "vp.xlsx", indicators=[
        ["TC-01", "1,5", None, None],  # row 2: a count must be whole (1,5 or an English 1,234)
        ["CDDH-02", "85%", 100, None],  # row 3: a percent typed for a rate
        ["TC-02", "=2+3", None, None],  # row 4: formula never calculated (openpyxl writes no result)
        ["CDDH-01", "Cã", None, None],  # row 5: "Có" typed with a TCVN3 font: accepted, warned
        ["TCBM-01", "yes", None, None],  # row 6
    ])
    msgs = "\n".join(_errors(y))
    assert "dòng 2, cột «Giá trị»" in msgs and "không phải số nguyên" in msgs and "«1,5»" in msgs
    assert "dòng 3, cột «Giá trị»" in msgs and "tử số ở Giá trị và mẫu số ở Mẫu số" in msgs
    assert "dòng 4, cột «Giá trị»: ô có công thức nhưng chưa có kết quả tính" in msgs and "«=2+3»" in msgs
    assert "dòng 5" not in msgs
    assert "dòng 6, cột «Giá trị»" in msgs and "Có hoặc Không" in msgs


def test_formula_in_info_sheet(tmp_path):
    y = make_inputs(tmp_path)
    submission(y / "submissions" / "vp.xlsx", info=info_rows(sent="=TODAY()"))
    msgs = "\n".join(_errors(y))
    assert "trang «Thông tin», dòng 4, cột «B»: ô có công thức" in msgs and "«=TODAY()»" in msgs
    assert "thiếu «Ngày gửi»" not in msgs


def test_results_area_and_progress_spellings(tmp_path):
    y = make_inputs(tmp_path)
    submission(y / "submissions" / "vp.xlsx", results=[
        ["Lĩnh vực 2", None, "a", "dang thuc hien", None], [None] * 5, ["viii", None, "b", "Chưa thực hiện.", None],
        [3.0, None, "c", "Hoµn thµnh", None]])
    sub = _read(y).submissions[0]
    assert [(r.area, r.progress) for r in sub.results] == [(2, "dang_thuc_hien"), (8, "chua_thuc_hien"),
                                                           (3, "hoan_thanh")]


# --- dossier logs ---------------------------------------------------------------------

def test_blank_dates_in_xlsx_and_spaces_in_csv_are_missing(tmp_path):
    """calamine gives "" for an empty cell inside the used area, and a CSV cell may
    hold spaces: both are blank. Before, such a dossier slipped through without
    its Ngày tiếp nhận (and out of every count)."""
    y = make_inputs(tmp_path)
    write_log_xlsx(y / "tthc" / "a.xlsx", [log_row(1, r=None), log_row(2), log_row(3, d=None)])
    write_csv(y / "tthc" / "b.csv", [log_row(4, r="  "), log_row(5, fee=" ")])
    msgs = "\n".join(_errors(y))
    assert "«a.xlsx», trang «Hồ sơ», dòng 5, cột «Ngày tiếp nhận»: thiếu Ngày tiếp nhận" in msgs
    assert "«a.xlsx», trang «Hồ sơ», dòng 7, cột «Hạn xử lý»: thiếu Hạn xử lý" in msgs
    assert "«b.csv», dòng 2, cột «Ngày tiếp nhận»: thiếu" in msgs and "«b.csv», dòng 3, cột «Phí, lệ phí»" in msgs


def test_totals_rows_skipped_with_a_warning(tmp_path):
    y = make_inputs(tmp_path)
    write_log_xlsx(y / "tthc" / "a.xlsx", [[i] + log_row(i) for i in (1, 2)] + [["Tổng cộng", 2]],
                   headers=["STT"] + LOG_HEADERS)
    (y / "tthc" / "b.csv").write_text(_csv_text([log_row(3), log_row(4, channel="Bưu chính công ích")])
                                      + "Tổng số: 2 hồ sơ\r\n" + ",,,,,,,,,,,,\r\n", encoding="utf-8")
    intake = _read(y)
    assert sorted(intake.dossiers["id"]) == ["HS-00001", "HS-00002", "HS-00003", "HS-00004"]
    assert intake.dossiers.set_index("id").loc["HS-00004", "channel"] == "postal"
    rows = sorted((w.where.file, w.where.row) for w in intake.warnings if w.code == "totals_row")
    assert rows == [("tthc/a.xlsx", 7), ("tthc/b.csv", 4)]


def test_ragged_csv_row_named(tmp_path):
    y = make_inputs(tmp_path)
    (y / "tthc").mkdir()
    (y / "tthc" / "a.csv").write_text(_csv_text([log_row(1), log_row(2)[:5], log_row(3, channel="Fax")]),
                                      encoding="utf-8")
    msgs = "\n".join(_errors(y))
    assert "«a.csv», dòng 3: dòng có 5 cột, khác dòng tiêu đề (13 cột)" in msgs
    assert "«a.csv», dòng 4, cột «Hình thức nộp»" in msgs  # rows after it keep their numbers


def test_csv_as_excel_writes_it(tmp_path):
    """`;` (Vietnamese Excel), headers and cells with line breaks, Vietnamese AM/PM,
    UTF-16 with tabs (with and without a byte order mark)."""
    y = make_inputs(tmp_path)
    headers = [h.replace("Ngày ", "Ngày\n") for h in LOG_HEADERS]
    first = log_row(1, r="05/03/2024 8:15 SA")
    first[2] = "Cấp giấy\r\nphép đầu tư"
    (y / "tthc").mkdir()
    (y / "tthc" / "a.csv").write_text("DANH SÁCH HỒ SƠ;;\r\n" + _csv_text([first, log_row(2, channel="Fax")], headers, ";"),
                                      encoding="utf-8-sig")
    msgs = "\n".join(_errors(y))
    assert msgs.count("Fax") == 1 and "«a.csv», dòng 4, cột «Hình thức nộp»" in msgs  # records, as Excel numbers them
    (y / "tthc" / "a.csv").write_text(_csv_text([first, log_row(2)], headers, ";"), encoding="utf-8")
    text = _csv_text([log_row(3), log_row(4)], delimiter="\t")
    (y / "tthc" / "b.txt.csv").write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    (y / "tthc" / "c.csv").write_bytes(_csv_text([log_row(5)], delimiter="\t").encode("utf-16-le"))
    df = _read(y).dossiers.set_index("id")
    assert sorted(df.index) == [f"HS-0000{i}" for i in range(1, 6)]
    assert df.loc["HS-00001", "procedure"] == "Cấp giấy phép đầu tư"


@pytest.mark.parametrize("content, needle", [
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "tệp PDF"),
    (b"PK\x03\x04\x14\x00\x00\x00", "tệp Excel (.xlsx) đặt tên đuôi .csv"),
    (b"", "tệp rỗng"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Excel 97-2003"),
])
def test_not_a_csv_says_what_it_is(tmp_path, content, needle):
    y = make_inputs(tmp_path)
    (y / "tthc").mkdir()
    (y / "tthc" / "so.csv").write_bytes(content)
    msgs = "\n".join(_errors(y))
    assert "«so.csv»" in msgs and needle in msgs


def test_unreadable_workbooks_and_old_formats(tmp_path):
    y = make_inputs(tmp_path)
    (y / "submissions").mkdir()
    (y / "tthc").mkdir()
    (y / "submissions" / "vp.xlsx").write_text("Mã hồ sơ,Đơn vị\n", encoding="utf-8")
    (y / "tthc" / "web.xlsx").write_text("<html><table><tr><td>Mã hồ sơ</td></tr></table></html>")
    (y / "tthc" / "cu.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (y / "tthc" / "ghi-chu.docx").write_bytes(b"PK")  # not a spreadsheet: not ours to judge
    # a web page saved as .xlsx and an .xls are read now (dossier-exports.md): a page
    # without the log's table and a damaged .xls say so
    err = run_report_fails(tmp_path, "vp.xlsx", "tệp văn bản (có thể là CSV)", "web.xlsx",
                           "trang web không có bảng nào có dòng tiêu đề", "cu.xls", "tệp Excel 97-2003 (.xls) hỏng")
    assert "ghi-chu" not in err


def test_messy_inputs_give_exact_figures(tmp_path):
    """Through the CLI: a hand-filled submission and messy logs, figures.json exact."""
    y = make_inputs(tmp_path)
    submission(y / "submissions" / "vp.xlsx", info=[["BÁO CÁO"], ["Đơn vị:", "Văn phòng"], ["Kỳ báo cáo:", "6 tháng đầu năm 2024"],
                                                    ["Năm:", 2024.0], ["Ngày gửi:", "10/6/2024"]],
               indicators=[["CDDH-02", "1.200", "1.500", None], ["TC-02", " 7 ", None, None], ["CDDH-01", "có", None, None]])
    write_log_xlsx(y / "tthc" / "a.xlsx", [log_row(1, r=dt.datetime(2024, 3, 5, 14, 30), c="15/03/2024 09:00"),
                                           log_row(2, channel="TRỰC TIẾP", c=None, d="2024-06-20"),
                                           ["Tổng cộng"] + [None] * 12])
    (y / "tthc" / "b.csv").write_text(_csv_text([log_row(3, channel="bưu chính", r="5/3/2024", c="20/03/2024"),
                                                 log_row(4, r="2024-01-05", d="2024-01-10", c="")], delimiter=";"),
                                      encoding="utf-8")
    out = make_outputs(tmp_path)
    proc = run_cli("report", "--period", "6m", "--inputs", str(tmp_path / "inputs"), "--outputs", str(out))
    assert proc.returncode == 0, proc.stderr
    figures = json.loads((out / "2024" / "6m" / "figures.json").read_text(encoding="utf-8"))
    t = figures["tthc"]
    assert (t["received"], t["online"], t["direct"], t["postal"]) == (4, 2, 1, 1)
    assert (t["resolved"], t["early"], t["on_time"], t["pending"], t["pending_overdue"], t["pending_in_time"]) == \
        (2, 1, 1, 2, 1, 1)
    ind = figures["indicators"]
    assert (ind["CDDH-02"]["numerator"], ind["CDDH-02"]["denominator"]) == (1200, 1500)
    assert ind["TC-02"]["value"] == 7 and ind["CDDH-01"]["value"] is True
    assert figures["submissions"]["received"] == ["VP"]


def test_dossier_department_given_by_name_as_in_submissions(tmp_path):
    """One-stop exports often carry the department's name: accepted like a code
    (NFC, any case, spaces collapsed), exactly as in submission workbooks."""
    import shutil

    from conftest import ROOT

    year = tmp_path / "in" / "2024"
    (year / "tthc").mkdir(parents=True)
    shutil.copy(ROOT / "inputs" / "2024" / "plan.yaml", year / "plan.yaml")
    (year / "tthc" / "log.csv").write_text(
        'Mã hồ sơ,Đơn vị,Thủ tục,Ngày tiếp nhận,Hạn xử lý,Ngày trả kết quả,Hình thức nộp,"Phí, lệ phí",'
        "Thanh toán trực tuyến,Số hóa,Tái sử dụng dữ liệu,Đánh giá\n"
        "A1,Phòng Quản lý Đầu tư,X,02/01/2024,20/01/2024,15/01/2024,Trực tuyến,Có,Có,Có,Có,Hài lòng\n"
        "A2,  phòng QUẢN LÝ   lao động ,X,02/01/2024,20/01/2024,,Trực tiếp,Không,,Có,Không,\n"
        "A3,QLDN,X,02/01/2024,20/01/2024,,Trực tiếp,Không,,Có,Không,\n"
        "A4,Phòng Đầu tư,X,02/01/2024,20/01/2024,,Trực tiếp,Không,,Có,Không,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    proc = run_cli("report", "--period", "q1", "--inputs", str(tmp_path / "in"), "--outputs", str(out))
    assert proc.returncode == 2
    assert "dòng 5, cột «Đơn vị»" in proc.stderr and "Phòng Đầu tư" in proc.stderr
    assert "dòng 2," not in proc.stderr and "dòng 3," not in proc.stderr
    (year / "tthc" / "log.csv").write_text(
        (year / "tthc" / "log.csv").read_text(encoding="utf-8").replace("A4,Phòng Đầu tư", "A4,QLDT"), encoding="utf-8")
    proc = run_cli("report", "--period", "q1", "--inputs", str(tmp_path / "in"), "--outputs", str(out))
    assert proc.returncode == 0, proc.stderr
    received = {k: v["received"] for k, v in json.loads((out / "2024" / "q1" / "figures.json").read_text())["tthc"]["by_department"].items()}
    assert received["QLDT"] == 2 and received["QLLD"] == 1 and received["QLDN"] == 1
