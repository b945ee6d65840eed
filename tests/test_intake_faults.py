"""Each input fault, through the CLI: exit 2, a Vietnamese message naming file,
row and column, no traceback, OUTPUTS unchanged (it holds a file beforehand)."""

from __future__ import annotations

import datetime as dt

from intake_helpers import (LOG_HEADERS, info_rows, log_row, make_inputs, run_report_fails, submission,
                            write_csv, write_log_xlsx)


def test_unknown_department_in_submission(tmp_path):
    y = make_inputs(tmp_path)
    submission(y / "submissions" / "x.xlsx", info=info_rows(dept="KHONGCO"))
    run_report_fails(tmp_path, "x.xlsx", "Thông tin", "dòng 1", "KHONGCO", "không có trong kế hoạch")


def test_unknown_indicator_and_bad_numbers(tmp_path):
    y = make_inputs(tmp_path)
    submission(y / "submissions" / "so-lieu.xlsx", indicators=[
        ["XX-99", 1, None, None],  # row 2: unknown code
        ["TC-01", "nhiều", None, None],  # row 3: not a number
        ["TC-02", -3, None, None],  # row 4: negative
        ["CDDH-02", 9, 7, None],  # row 5: numerator above denominator
        ["CDDH-03", 2, None, None],  # row 6: rate without Mẫu số
        ["TC-03", None, None, "ghi chú"],  # row 7: code without Giá trị
        ["TCBM-03", 12, 10, None],  # row 8: op <= : allowed above 1
    ])
    err = run_report_fails(tmp_path, "so-lieu.xlsx", "Số liệu")
    assert "dòng 2, cột «Mã chỉ tiêu»" in err and "XX-99" in err
    assert "dòng 3, cột «Giá trị»" in err and "nhiều" in err
    assert "dòng 4, cột «Giá trị»" in err and "-3" in err
    assert "dòng 5, cột «Giá trị»" in err and "lớn hơn Mẫu số" in err
    assert "dòng 6, cột «Mẫu số»" in err and "thiếu Mẫu số" in err
    assert "dòng 7, cột «Giá trị»" in err
    assert "dòng 8" not in err


def test_bad_progress_area_task_and_missing_column(tmp_path):
    y = make_inputs(tmp_path)
    submission(y / "submissions" / "kq.xlsx", results=[
        [9, None, "Việc gì đó", "Hoàn thành", None],  # row 2: area outside 1..8
        [1, None, "Việc khác", "Xong rồi", None],  # row 3: unknown progress
        [1, "NV-KHONGCO", "Việc nữa", "Hoàn thành", None],  # row 4: unknown task code
    ], extra_sheets={"Kiến nghị": (["Ý kiến"], [["abc"]])})
    err = run_report_fails(tmp_path, "kq.xlsx")
    assert "trang «Kết quả», dòng 2, cột «Lĩnh vực»" in err
    assert "trang «Kết quả», dòng 3, cột «Tiến độ»" in err and "Xong rồi" in err
    assert "trang «Kết quả», dòng 4, cột «Mã nhiệm vụ»" in err and "NV-KHONGCO" in err
    assert "trang «Kiến nghị», dòng 1" in err and "thiếu cột «Nội dung»" in err


def test_missing_info_sheet_and_corrupt_file(tmp_path):
    y = make_inputs(tmp_path)
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    (y / "submissions").mkdir()
    wb.save(y / "submissions" / "trong.xlsx")
    (y / "submissions" / "hong.xlsx").write_bytes(b"not a zip file at all")
    (y / "submissions" / "~$khoa.xlsx").write_bytes(b"lock file, ignored")
    err = run_report_fails(tmp_path, "trong.xlsx", "thiếu trang «Thông tin»", "hong.xlsx", "không mở được")
    assert "khoa" not in err


def test_same_sent_on_twice(tmp_path):
    y = make_inputs(tmp_path)
    submission(y / "submissions" / "vp-1.xlsx")
    submission(y / "submissions" / "vp-2.xlsx")
    run_report_fails(tmp_path, "vp-1.xlsx", "vp-2.xlsx", "cùng Ngày gửi", "10/06/2024")


def test_dossier_csv_faults(tmp_path):
    y = make_inputs(tmp_path)
    rows = [
        log_row(1),  # line 2 ok
        log_row(2, r="31/02/2024"),  # line 3: impossible date
        log_row(3, c="01/03/2024"),  # line 4: C < R
        log_row(4, d="01/03/2024"),  # line 5: D < R
        log_row(5, dept="XYZ"),  # line 6: unknown department
        log_row(6, channel="Fax"),  # line 7: outside the list
        log_row(7, digit=""),  # line 8: blank where forbidden
        log_row(8, r=""),  # line 9: missing date
        log_row(9, rating="Tạm được"),  # line 10
    ]
    write_csv(y / "tthc" / "so.csv", rows)
    err = run_report_fails(tmp_path, "so.csv")
    for needle in ("dòng 3, cột «Ngày tiếp nhận»", "31/02/2024", "dòng 4, cột «Ngày trả kết quả»",
                   "dòng 5, cột «Hạn xử lý»", "dòng 6, cột «Đơn vị»", "XYZ", "dòng 7, cột «Hình thức nộp»", "Fax",
                   "dòng 8, cột «Số hóa»", "dòng 9, cột «Ngày tiếp nhận»", "dòng 10, cột «Đánh giá»"):
        assert needle in err, needle
    assert "dòng 2," not in err


def test_dossier_xlsx_faults_under_title_block(tmp_path):
    y = make_inputs(tmp_path)
    write_log_xlsx(y / "tthc" / "log.xlsx", [log_row(1), log_row(2, c=dt.datetime(2024, 3, 1, 9, 30))])
    # header on row 4 (title block of 3 rows): data rows 5, 6
    run_report_fails(tmp_path, "log.xlsx", "trang «Hồ sơ», dòng 6, cột «Ngày trả kết quả»")


def test_missing_required_column(tmp_path):
    y = make_inputs(tmp_path)
    headers = [h for h in LOG_HEADERS if h != "Hạn xử lý"]
    write_csv(y / "tthc" / "thieu.csv", [[v for h, v in zip(LOG_HEADERS, log_row(1)) if h != "Hạn xử lý"]],
              headers=headers)
    run_report_fails(tmp_path, "thieu.csv", "dòng 1", "thiếu cột bắt buộc «Hạn xử lý»")


def test_conflicting_duplicate_dossier(tmp_path):
    y = make_inputs(tmp_path)
    write_csv(y / "tthc" / "a.csv", [log_row(1)])
    write_csv(y / "tthc" / "b.csv", [log_row(2), log_row(1, c="16/03/2024")])
    run_report_fails(tmp_path, "Mã hồ sơ «HS-00001»", "tệp «a.csv», dòng 2", "tệp «b.csv», dòng 3",
                     "Ngày trả kết quả")


def test_csv_in_legacy_codepage_refused(tmp_path):
    y = make_inputs(tmp_path)
    text = ",".join(LOG_HEADERS) + "\n" + ",".join(log_row(1)) + "\n"
    (y / "tthc").mkdir()
    (y / "tthc" / "cp1258.csv").write_bytes(text.encode("cp1258", errors="replace"))
    run_report_fails(tmp_path, "cp1258.csv", "bảng mã", "UTF-8")


def test_many_bad_rows_are_capped(tmp_path):
    y = make_inputs(tmp_path)
    write_csv(y / "tthc" / "nhieu.csv", [log_row(i, channel="Fax") for i in range(1, 501)])
    err = run_report_fails(tmp_path, "nhieu.csv", "và 480 dòng khác")
    assert err.count("Fax") == 20
