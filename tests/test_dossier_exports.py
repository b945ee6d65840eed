"""Dossier logs as the one-stop systems export them (dossier-exports.md): the same
nine dossiers written as a BIFF .xls (xlwt), an HTML table saved as .xls, a CSV
with the plan's dossier_columns, and an .xlsx with the systems' own column
names and value spellings, read into figures compared with hand-computed ones
(withdrawn dossiers included)."""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
from dataclasses import asdict

import openpyxl
import pytest
import xlwt

from conftest import run_cli
from intake_helpers import make_inputs, make_outputs, run_report_fails
from reportgen.aggregate import build_period
from reportgen.diagnostics import InputError
from reportgen.intake import read_inputs
from reportgen.plan import load_plan

D = dt.date
# (id, dept, received, due, returned, channel, fee, paid, digitized, reused, rating, status)
# window of 6m: 10/12/2023 .. 09/6/2024
DOSSIERS = [
    ("A1", "VP", D(2024, 3, 5), D(2024, 3, 20), D(2024, 3, 15), "Nộp trực tuyến", "Có", "Có", "Đã số hóa", "Có",
     "Rất hài lòng", "Đã trả kết quả"),
    ("A2", "VP", D(2024, 3, 10), D(2024, 3, 20), D(2024, 3, 20), "Tại quầy", "Có", "Không", "Đã số hóa", "Không",
     "Chưa đánh giá", "Hoàn thành"),
    ("A3", "QLDT", D(2024, 4, 1), D(2024, 4, 10), D(2024, 4, 12), "BCCI", "Không", "", "Đã số hóa", "Không",
     "Không hài lòng", "Đã giải quyết"),
    ("A4", "QLDT", D(2024, 5, 1), D(2024, 6, 1), None, "DVCTT", "Không", "", "Chưa số hóa", "Không", "",
     "Đang xử lý"),
    # a status the spec does not list: the dates decide (pending, in time)
    ("A5", "QLDT", D(2024, 5, 20), D(2024, 6, 20), None, "Online", "Không", "", "Chưa số hóa", "Không", "",
     "Chờ bổ sung"),
    # carried over from before the window, resolved early in it
    ("A6", "VP", D(2023, 12, 1), D(2023, 12, 15), D(2023, 12, 14), "Trực tiếp", "Không", "", "Có", "Không",
     "Hài lòng", "Đã trả"),
    # withdrawn / cancelled: out of every figure; received in the window -> counted
    ("A7", "VP", D(2024, 4, 2), D(2024, 4, 20), None, "Trực tuyến", "Không", "", "Có", "Không", "",
     "Công dân rút hồ sơ"),
    ("A8", "QLDT", D(2024, 4, 3), D(2024, 4, 20), None, "Trực tuyến", "Không", "", "Có", "Không", "", "Đã hủy"),
    ("A9", "QLDT", D(2023, 11, 1), D(2023, 11, 20), None, "Trực tuyến", "Không", "", "Có", "Không", "",
     "Dừng xử lý"),
]
EXPECTED = {"received": 5, "carried_over": 1, "total": 6, "online": 3, "direct": 1, "postal": 1, "resolved": 4,
            "early": 2, "on_time": 1, "late": 1, "pending": 2, "pending_in_time": 1, "pending_overdue": 1,
            "withdrawn": 2}
EXPECTED_BY_DEPT = {
    "VP": {"received": 2, "carried_over": 1, "total": 3, "online": 1, "direct": 1, "postal": 0, "resolved": 3,
           "early": 2, "on_time": 1, "late": 0, "pending": 0, "pending_in_time": 0, "pending_overdue": 0,
           "withdrawn": 1},
    "QLDT": {"received": 3, "carried_over": 0, "total": 3, "online": 2, "direct": 0, "postal": 1, "resolved": 1,
             "early": 0, "on_time": 0, "late": 1, "pending": 2, "pending_in_time": 1, "pending_overdue": 1,
             "withdrawn": 1},
}
# TTHC-02 (early + on time) / resolved; 03 digitised / received; 05 paid online /
# received with a fee; 07 satisfied / resolved rated; 08 reused / received; 09 online / received
EXPECTED_RATIOS = {"TTHC-02": (3, 4), "TTHC-03": (3, 5), "TTHC-05": (1, 2), "TTHC-07": (2, 3), "TTHC-08": (1, 5),
                   "TTHC-09": (3, 5)}

CONTRACT = ["Mã hồ sơ", "Đơn vị", "Thủ tục", "Lĩnh vực", "Ngày tiếp nhận", "Hạn xử lý", "Ngày trả kết quả",
            "Hình thức nộp", "Phí, lệ phí", "Thanh toán trực tuyến", "Số hóa", "Tái sử dụng dữ liệu", "Đánh giá",
            "Trạng thái"]
# the systems' own names (dossier-exports.md, "Column names")
ALIASES_XLS = ["Số hồ sơ", "Đơn vị xử lý", "Tên thủ tục", "Tên lĩnh vực", "Ngày nhận", "Ngày hẹn trả",
               "Ngày có kết quả", "Kênh nộp", "Có phí", "TT trực tuyến", "Số hóa hồ sơ", "Tái sử dụng",
               "Mức độ hài lòng", "Tình trạng"]
ALIASES_XLSX = ["Mã số hồ sơ", "Cơ quan giải quyết", "Thủ tục hành chính", "Lĩnh vực", "Ngày nhận hồ sơ:",
                "Hạn giải quyết", "Ngày hoàn thành", "Hình thức tiếp nhận", "Phí/lệ phí", "Đã thanh toán trực tuyến",
                "Đã số hóa", "Sử dụng lại dữ liệu", "Kết quả đánh giá", "Trạng thái hồ sơ (*)"]
# a system nobody listed: plan.yaml maps its names
MAPPED = ["Mã biên nhận", "Phòng thụ lý", "TTHC", "Nhóm", "Ngày tiếp nhận", "Hạn trả theo phiếu hẹn",
          "Ngày trả KQ", "Nguồn", "Phí, lệ phí", "Thanh toán trực tuyến", "Số hóa", "Tái sử dụng dữ liệu",
          "Đánh giá", "Tình trạng xử lý"]
MAPPING = "\n".join(["dossier_columns:"] + [f"  {c}: {m}" for c, m in zip(CONTRACT, MAPPED) if c != m and c not in
                                             ("Ngày tiếp nhận",)]) + "\n"


def _cells(row, when: str):
    """A dossier as cells: dates as datetime (with a time of day) or text."""
    ident, dept, r, d, c, *rest = row

    def date(value, hour=0):
        if value is None:
            return None
        if when == "datetime":
            return dt.datetime(value.year, value.month, value.day, hour, 30)
        if when == "text-time":
            return value.strftime("%d/%m/%Y") + (f" {hour:02d}:30" if hour else "")
        return value.strftime("%d/%m/%Y")

    return [ident, dept, "Cấp giấy phép", "Đầu tư", date(r, 9), date(d), date(c, 15), *rest]


def write_xls(path, headers=ALIASES_XLS, rows=DOSSIERS):
    """An Excel 97-2003 workbook (BIFF8) with a title block, real date-times."""
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Danh sach")
    ws.write_merge(0, 0, 0, len(headers) - 1, "DANH SÁCH HỒ SƠ TIẾP NHẬN")
    for j, h in enumerate(headers):
        ws.write(2, j, h)
    style = xlwt.easyxf(num_format_str="dd/mm/yyyy hh:mm")
    for i, row in enumerate(rows, start=3):
        for j, v in enumerate(_cells(row, "datetime")):
            if isinstance(v, dt.datetime):
                ws.write(i, j, v, style)
            elif v not in (None, ""):
                ws.write(i, j, v)
    ws.write(len(rows) + 3, 0, "Tổng cộng")
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(path))
    return path


def html_page(headers=CONTRACT, rows=DOSSIERS, end=True) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v)) if v else ''}</td>" for v in _cells(r, "text-time"))
                   + "</tr>\n" for r in rows)
    page = ('<html><head><meta charset="utf-8"><title>Xuất Excel</title></head><body>\n'
            f'<table><tr><td colspan="{len(headers)}"><b>DANH SÁCH HỒ SƠ</b></td></tr>\n'
            f"<tr>{head}</tr>\n{body}"
            f'<tr><td colspan="4">Tổng cộng: {len(rows)} hồ sơ</td></tr>\n')
    return page + ("</table></body></html>\n" if end else "")


def write_csv(path, headers=MAPPED, rows=DOSSIERS):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        for r in rows:
            w.writerow(["" if v is None else v for v in _cells(r, "text")])
    return path


def write_xlsx(path, headers=ALIASES_XLSX, rows=DOSSIERS):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Hồ sơ"
    ws.append(["HỆ THỐNG THÔNG TIN GIẢI QUYẾT TTHC"])
    ws.append([])
    ws.append(headers)
    for r in rows:
        ws.append(_cells(r, "datetime"))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _write(shape: str, y):
    tthc = y / "tthc"
    tthc.mkdir(exist_ok=True)
    if shape == "xls":
        write_xls(tthc / "DanhSachHoSo.xls")
    elif shape == "html":
        (tthc / "XuatExcel.xls").write_text(html_page(), encoding="utf-8")
    elif shape == "csv":
        write_csv(tthc / "hoso.csv")
        with open(y / "plan.yaml", "a", encoding="utf-8") as fh:
            fh.write(MAPPING)
    else:
        write_xlsx(tthc / "so-ho-so.xlsx")


@pytest.mark.parametrize("shape", ["xls", "html", "csv", "xlsx"])
def test_each_export_shape_gives_the_hand_computed_figures(tmp_path, shape):
    y = make_inputs(tmp_path)
    _write(shape, y)
    plan = load_plan(y / "plan.yaml")
    intake = read_inputs(y, plan)
    assert intake.has_status
    assert intake.dossiers["withdrawn"].sum() == 3
    fig = build_period(plan, intake, "6m").figures.current
    assert asdict(fig.tthc) == EXPECTED
    for code, expected in EXPECTED_BY_DEPT.items():
        assert asdict(fig.tthc_by_department[code]) == expected, code
    for code, (num, den) in EXPECTED_RATIOS.items():
        ind = fig.indicators[code]
        assert (ind.numerator, ind.denominator) == (num, den), code
    reading = intake.log_readings[0]
    assert dict(reading.columns)["Trạng thái"] and reading.withdrawn == 3 and reading.rows == 9
    assert ("Hình thức nộp", "BCCI", "Bưu chính") in reading.spellings
    assert ("Số hóa", "Đã số hóa", "Có") in reading.spellings
    assert {s[0]: s[2] for s in reading.statuses}["Công dân rút hồ sơ"] == 1
    # only the unread totals row is worth a warning (xls/html carry one); nothing else
    assert not [w for w in intake.warnings if w.code not in ("totals_row",)], intake.warnings


def test_all_shapes_together_through_the_cli(tmp_path):
    """The four files at once (distinct ids), `reportgen report`: figures.json holds
    four times the figures, the review lists each file's columns, spellings and
    statuses and the withdrawn dossiers per department."""
    y = make_inputs(tmp_path)
    tthc = y / "tthc"
    for prefix, writer in (("X", lambda rows: write_xls(tthc / "a.xls", rows=rows)),
                           ("H", lambda rows: (tthc / "b.xls").write_text(html_page(rows=rows), encoding="utf-8")),
                           ("C", lambda rows: write_csv(tthc / "c.csv", rows=rows)),
                           ("S", lambda rows: write_xlsx(tthc / "d.xlsx", rows=rows))):
        tthc.mkdir(exist_ok=True)
        writer([(prefix + r[0], *r[1:]) for r in DOSSIERS])
    with open(y / "plan.yaml", "a", encoding="utf-8") as fh:
        fh.write(MAPPING)
    out = tmp_path / "outputs"
    proc = run_cli("report", "--period", "6m", "--inputs", str(tmp_path / "inputs"), "--outputs", str(out))
    assert proc.returncode == 0, proc.stderr
    figures = json.loads((out / "2024" / "6m" / "figures.json").read_text(encoding="utf-8"))
    tthc_fig = figures["tthc"]
    assert {k: tthc_fig[k] for k in EXPECTED} == {k: 4 * v for k, v in EXPECTED.items()}
    assert tthc_fig["by_department"]["VP"]["withdrawn"] == 4
    assert tthc_fig["by_department"]["QLDT"]["withdrawn"] == 4
    assert figures["indicators"]["TTHC-09"]["numerator"] == 12
    page = (out / "2024" / "6m" / "BC-CCHC-2024-6m-kiem-tra.html").read_text(encoding="utf-8")
    for needle in ("Excel 97-2003 (.xls)", "trang web (HTML)", "Ngày hẹn trả", "Hạn trả theo phiếu hẹn",
                   "Công dân rút hồ sơ", "BCCI", "Hồ sơ rút, hủy"):
        assert needle in page, needle


# --- columns ------------------------------------------------------------------

def _errors(y) -> str:
    with pytest.raises(InputError) as exc:
        read_inputs(y, load_plan(y / "plan.yaml"))
    return "\n".join(exc.value.messages())


def test_two_columns_meaning_the_same_are_refused_naming_both(tmp_path):
    y = make_inputs(tmp_path)
    headers = CONTRACT + ["Ngày hẹn trả"]
    rows = [(*r, r[3].strftime("%d/%m/%Y")) for r in DOSSIERS]
    path = y / "tthc" / "hai-cot.csv"
    path.parent.mkdir()
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        for r in rows:
            w.writerow(["" if v is None else v for v in _cells(r[:-1], "text")] + [r[-1]])
    msgs = _errors(y)
    assert "«hai-cot.csv»" in msgs and "«Hạn xử lý» (cột F)" in msgs and "«Ngày hẹn trả» (cột O)" in msgs
    # plan.yaml says which one to use: read
    with open(y / "plan.yaml", "a", encoding="utf-8") as fh:
        fh.write("dossier_columns:\n  Hạn xử lý: Ngày hẹn trả\n")
    plan = load_plan(y / "plan.yaml")
    fig = build_period(plan, read_inputs(y, plan), "6m").figures.current
    assert asdict(fig.tthc) == EXPECTED


def test_a_mapping_no_file_has_is_a_warning_naming_the_key(tmp_path):
    y = make_inputs(tmp_path)
    write_xlsx(y / "tthc" / "a.xlsx")
    with open(y / "plan.yaml", "a", encoding="utf-8") as fh:
        fh.write("dossier_columns:\n  Đánh giá: Ý kiến công dân\n")
    intake = read_inputs(y, load_plan(y / "plan.yaml"))
    unused = [w for w in intake.warnings if w.code == "unused_mapping"]
    assert len(unused) == 1 and "«Đánh giá»" in unused[0].format_vi() and "Ý kiến công dân" in unused[0].format_vi()


def test_plan_mapping_keys_must_be_contract_columns(tmp_path):
    y = make_inputs(tmp_path)
    with open(y / "plan.yaml", "a", encoding="utf-8") as fh:
        fh.write("dossier_columns:\n  Ngày hẹn: Ngày hẹn trả\n")
    with pytest.raises(InputError) as exc:
        load_plan(y / "plan.yaml")
    assert "dossier_columns" in exc.value.messages()[0] and "«Ngày hẹn»" in exc.value.messages()[0]


# --- status -----------------------------------------------------------------------

def test_result_status_without_return_date_is_an_error_naming_the_row(tmp_path):
    y = make_inputs(tmp_path)
    rows = list(DOSSIERS)
    rows[3] = (*rows[3][:-1], "Đã trả kết quả")  # A4 has no Ngày trả kết quả
    write_xlsx(y / "tthc" / "a.xlsx", rows=rows)
    msgs = _errors(y)
    assert "«a.xlsx», trang «Hồ sơ», dòng 7, cột «Ngày hoàn thành»" in msgs
    assert "thiếu Ngày trả kết quả" in msgs and "Đã trả kết quả" in msgs


def test_in_progress_with_a_date_is_one_warning_per_file_and_the_date_decides(tmp_path):
    y = make_inputs(tmp_path)
    rows = [(*r[:-1], "Đang xử lý") if r[4] is not None else r for r in DOSSIERS]  # 4 resolved "in progress"
    write_xlsx(y / "tthc" / "a.xlsx", rows=rows)
    plan = load_plan(y / "plan.yaml")
    intake = read_inputs(y, plan)
    warned = [w for w in intake.warnings if w.code == "status_contradiction"]
    assert len(warned) == 1 and warned[0].format_vi().count("4 hồ sơ") == 1
    assert asdict(build_period(plan, intake, "6m").figures.current.tthc) == EXPECTED


def test_duplicate_rule_compares_the_status(tmp_path):
    y = make_inputs(tmp_path)
    write_xlsx(y / "tthc" / "a.xlsx", rows=DOSSIERS[:2])
    write_xlsx(y / "tthc" / "b.xlsx", rows=[DOSSIERS[0], (*DOSSIERS[1][:-1], "Đã hủy")])
    msgs = _errors(y)
    assert "«A2»" in msgs and "khác ở cột Trạng thái" in msgs and "«A1»" not in msgs


def test_without_a_status_column_nothing_is_withdrawn(tmp_path):
    y = make_inputs(tmp_path)
    rows = [r[:-1] for r in DOSSIERS[:6]]
    write_xlsx(y / "tthc" / "a.xlsx", headers=ALIASES_XLSX[:-1], rows=[(*r, None) for r in rows])
    intake = read_inputs(y, load_plan(y / "plan.yaml"))
    assert not intake.has_status and not intake.dossiers["withdrawn"].any()
    assert intake.dossiers["status"].isna().all()


# --- bad files: exit 2, file / table / row / column, OUTPUTS untouched -------------

def test_corrupt_xls_through_the_cli(tmp_path):
    y = make_inputs(tmp_path)
    good = write_xls(tmp_path / "good.xls").read_bytes()
    (y / "tthc").mkdir()
    (y / "tthc" / "cut.xls").write_bytes(good[: len(good) // 2])  # the download stopped half-way
    run_report_fails(tmp_path, "«cut.xls»", "không mở được tệp Excel", "tệp Excel 97-2003 (.xls) hỏng")


def test_html_without_a_table_through_the_cli(tmp_path):
    y = make_inputs(tmp_path)
    (y / "tthc").mkdir()
    (y / "tthc" / "xuat.xls").write_text("<html><body><p>Phiên đăng nhập đã hết hạn</p></body></html>",
                                         encoding="utf-8")
    run_report_fails(tmp_path, "«xuat.xls»", "trang web không có bảng (<table>) nào")


def test_truncated_html_table_through_the_cli(tmp_path):
    y = make_inputs(tmp_path)
    (y / "tthc").mkdir()
    page = html_page(end=False)
    cut = page[: page.index("<td>Cấp giấy phép", page.index("A4"))]  # inside A4's row, after Đơn vị
    (y / "tthc" / "xuat.xls").write_text(cut, encoding="utf-8")
    run_report_fails(tmp_path, "«xuat.xls», trang «bảng 1», dòng 6, cột «Thủ tục»", "bị cắt cụt")


def test_dates_no_system_means_are_errors_naming_the_value(tmp_path):
    """31/12/9999 ("no deadline") and 05/03/2924 (a typo) once overflowed into the
    1700s and were counted as carried over."""
    y = make_inputs(tmp_path)
    rows = [DOSSIERS[0], (*DOSSIERS[1][:3], D(9999, 12, 31), *DOSSIERS[1][4:]),
            (DOSSIERS[2][0], DOSSIERS[2][1], D(2924, 3, 5), *DOSSIERS[2][3:])]
    write_csv(y / "tthc" / "so.csv", headers=CONTRACT, rows=rows)
    err = run_report_fails(tmp_path, "«so.csv», dòng 3, cột «Hạn xử lý»", "«31/12/9999»",
                           "«so.csv», dòng 4, cột «Ngày tiếp nhận»", "«05/03/2924»", "31/12/2029")
    assert "1755" not in err


def test_submission_sent_on_a_date_no_system_means(tmp_path):
    from intake_helpers import info_rows, submission

    y = make_inputs(tmp_path)
    submission(y / "submissions" / "vp.xlsx", info=info_rows(sent="31/12/9999"))
    run_report_fails(tmp_path, "«vp.xlsx», trang «Thông tin», dòng 4", "«31/12/9999»", "01/01/1990")


def test_more_than_twenty_bad_values_keep_the_column_name(tmp_path):
    """The rest count is formatted as a number; the comma of «Phí, lệ phí» stays."""
    y = make_inputs(tmp_path)
    rows = [(f"B{i}", *DOSSIERS[0][1:6], "có thể", *DOSSIERS[0][7:]) for i in range(1225)]
    write_csv(y / "tthc" / "so.csv", headers=CONTRACT, rows=rows)
    err = run_report_fails(tmp_path, "giá trị Phí, lệ phí không hợp lệ — và 1.205 dòng khác cùng lỗi này")
    assert "Phí. lệ phí" not in err


# --- submissions as .xls -----------------------------------------------------------

def test_submission_workbook_saved_as_xls_is_read(tmp_path):
    y = make_inputs(tmp_path)
    wb = xlwt.Workbook(encoding="utf-8")
    info = wb.add_sheet("Thông tin")
    for i, (label, value) in enumerate([("Đơn vị", "VP"), ("Kỳ báo cáo", "6 tháng"), ("Năm", 2024),
                                        ("Ngày gửi", "10/06/2024"), ("Người lập", "Nguyễn Văn B")]):
        info.write(i, 0, label)
        info.write(i, 1, value)
    res = wb.add_sheet("Kết quả")
    for j, h in enumerate(["Lĩnh vực", "Kết quả thực hiện", "Tiến độ"]):
        res.write(0, j, h)
    for j, v in enumerate([1, "Ban hành kế hoạch CCHC năm 2024", "Hoàn thành"]):
        res.write(1, j, v)
    (y / "submissions").mkdir()
    wb.save(str(y / "submissions" / "VP_6thang.xls"))
    plan = load_plan(y / "plan.yaml")
    intake = read_inputs(y, plan)
    (sub,) = intake.submissions
    assert (sub.department, sub.period, sub.sent_on) == ("VP", "6m", D(2024, 6, 10))
    assert sub.results[0].text == "Ban hành kế hoạch CCHC năm 2024"
    report = build_period(plan, intake, "6m")
    assert "VP" in report.figures.current.submissions.received


def test_outputs_untouched_on_error_with_new_formats(tmp_path):
    """A .xls with a bad department among good files: nothing under OUTPUTS changes."""
    y = make_inputs(tmp_path)
    rows = [DOSSIERS[0], (DOSSIERS[1][0], "KHONGCO", *DOSSIERS[1][2:])]
    write_xls(y / "tthc" / "a.xls", rows=rows)
    make_outputs(tmp_path)
    run_report_fails(tmp_path, "«a.xls», trang «Danh sach», dòng 5, cột «Đơn vị xử lý»", "KHONGCO")


def test_aggregate_reads_far_dates_without_nanosecond_overflow():
    """A date far ahead given as an object (not through intake) is its day, never
    a 1755 date from an overflow of datetime64[ns]."""
    import pandas as pd

    from reportgen.aggregate.dossiers import _days, day_number

    days, blank = _days(pd.Series([D(2924, 3, 5), None, dt.datetime(2024, 3, 5, 14, 30)], dtype=object))
    assert days.tolist() == [day_number(D(2924, 3, 5)), 0, day_number(D(2024, 3, 5))]
    assert blank.tolist() == [False, True, False]


def test_the_first_sheet_with_a_whole_header_is_the_log(tmp_path):
    """A summary sheet first (three columns the log also has), then the log: the
    log is read, not the summary refused for its missing columns."""
    y = make_inputs(tmp_path)
    wb = openpyxl.Workbook()
    summary = wb.active
    summary.title = "Tổng hợp"
    summary.append(["Đơn vị", "Lĩnh vực", "Thủ tục", "Số hồ sơ"])
    summary.append(["VP", "Đầu tư", "Cấp giấy phép", 3])
    log = wb.create_sheet("Chi tiết")
    log.append(ALIASES_XLSX)
    for r in DOSSIERS:
        log.append(_cells(r, "datetime"))
    (y / "tthc").mkdir()
    wb.save(y / "tthc" / "bao-cao.xlsx")
    plan = load_plan(y / "plan.yaml")
    intake = read_inputs(y, plan)
    assert intake.log_readings[0].sheet == "Chi tiết"
    assert asdict(build_period(plan, intake, "6m").figures.current.tthc) == EXPECTED


def test_forms_do_not_change_with_dossier_columns(tmp_path):
    """`make forms` is the same with a plan that maps a system's column names."""
    from reportgen.forms import build_forms

    y = make_inputs(tmp_path)
    before = build_forms(load_plan(y / "plan.yaml"), "q3")
    with open(y / "plan.yaml", "a", encoding="utf-8") as fh:
        fh.write(MAPPING)
    assert build_forms(load_plan(y / "plan.yaml"), "q3") == before


def test_xml_spreadsheet_named_xls_says_what_it_is(tmp_path):
    """Excel 2003's XML Spreadsheet (it holds <Table> elements) is not taken for a
    web page: the message says what the file is and what to do."""
    y = make_inputs(tmp_path)
    (y / "tthc").mkdir()
    (y / "tthc" / "xml.xls").write_text(
        '<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
        '<Worksheet ss:Name="Sheet1"><Table><Row><Cell><Data ss:Type="String">Mã hồ sơ</Data></Cell></Row>'
        "</Table></Worksheet></Workbook>\n", encoding="utf-8")
    run_report_fails(tmp_path, "«xml.xls»", "Bảng tính XML 2003", "lưu lại dạng Sổ làm việc Excel (.xlsx)")


@pytest.mark.parametrize("text", ["15/03/2025 14:30", "15/03/2025 14:30:05", "2025-03-15T14:30:00",
                                  "2025-03-15 14:30", "15/03/2025"])
def test_dates_with_a_time_of_day_count_as_their_calendar_date(text):
    from reportgen.intake import values as V

    assert V.parse_date_between(text, *V.date_bounds(2025)) == D(2025, 3, 15)


def test_the_reader_follows_the_bytes_not_the_name(tmp_path):
    from reportgen.intake.sniff import log_kind

    xls = write_xls(tmp_path / "a.xls")
    cases = {"real.xls": xls.read_bytes(), "zip.xls": write_xlsx(tmp_path / "b.xlsx").read_bytes(),
             "page.xlsx": html_page().encode("utf-8"), "page16.xls": html_page().encode("utf-16"),
             "text.xls": b"Ma ho so,Don vi\n", "log.csv": b"Ma ho so\n"}
    kinds = {}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        kinds[name] = log_kind(tmp_path / name)
    assert kinds == {"real.xls": "xls", "zip.xls": "xlsx", "page.xlsx": "html", "page16.xls": "html",
                     "text.xls": None, "log.csv": "csv"}
