"""Helpers for intake tests: an INPUTS tree with the real plan, workbooks and logs."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import openpyxl

from conftest import ROOT, run_cli, tree_snapshot

PLAN = ROOT / "inputs" / "2024" / "plan.yaml"
LOG_HEADERS = ["Mã hồ sơ", "Đơn vị", "Thủ tục", "Lĩnh vực", "Ngày tiếp nhận", "Hạn xử lý", "Ngày trả kết quả",
               "Hình thức nộp", "Phí, lệ phí", "Thanh toán trực tuyến", "Số hóa", "Tái sử dụng dữ liệu", "Đánh giá"]


def make_inputs(tmp: Path) -> Path:
    """tmp/inputs/2024 with plan.yaml; returns the year folder."""
    year = tmp / "inputs" / "2024"
    year.mkdir(parents=True)
    shutil.copy(PLAN, year / "plan.yaml")
    return year


def make_outputs(tmp: Path) -> Path:
    out = tmp / "outputs"
    (out / "2024" / "6m").mkdir(parents=True)
    (out / "2024" / "6m" / "cu.txt").write_text("tệp có sẵn")
    return out


def info_rows(dept="VP", period="6m", year=2024, sent=dt.date(2024, 6, 10)):
    return [["Đơn vị", dept], ["Kỳ báo cáo", period], ["Năm", year], ["Ngày gửi", sent],
            ["Người lập", "Nguyễn Văn B"], ["Điện thoại", "0220 3850 000"]]


def submission(path: Path, info=None, results=None, indicators=None, shortcomings=None, recommendations=None,
               directions=None, extra_sheets=None) -> Path:
    """A submission workbook; each argument is a list of rows (None: default)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Thông tin"
    for row in (info if info is not None else info_rows()):
        ws.append(row)
    sheets = {
        "Kết quả": (["Lĩnh vực", "Mã nhiệm vụ", "Kết quả thực hiện", "Tiến độ", "Ghi chú"],
                    results if results is not None else [[1, None, "Ban hành kế hoạch CCHC", "Hoàn thành", None]]),
        "Số liệu": (["Mã chỉ tiêu", "Giá trị", "Mẫu số", "Ghi chú"],
                    indicators if indicators is not None else [["CDDH-01", "Có", None, None], ["CDDH-02", 3, 7, None],
                                                               ["TC-02", 4, None, None]]),
        "Tồn tại, hạn chế": (["Nội dung", "Nguyên nhân"], shortcomings or [["Còn chậm", "Thiếu người"]]),
        "Kiến nghị": (["Nội dung"], recommendations or [["Bổ sung biên chế"]]),
        "Phương hướng": (["Nội dung"], directions or [["Tiếp tục triển khai"]]),
    }
    sheets.update(extra_sheets or {})
    for name, spec in sheets.items():
        if spec is None:
            continue
        header, rows = spec
        ws = wb.create_sheet(name)
        ws.append(header)
        for row in rows:
            ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def log_row(i=1, dept="VP", r="05/03/2024", d="20/03/2024", c="15/03/2024", channel="Trực tuyến", fee="Có",
            paid="Có", digit="Có", reuse="Không", rating="Hài lòng"):
    return [f"HS-{i:05d}", dept, "Cấp giấy phép", "Đầu tư", r, d, c, channel, fee, paid, digit, reuse, rating]


def write_csv(path: Path, rows, headers=None, encoding="utf-8", title_lines=()) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as fh:
        for line in title_lines:
            fh.write(line + "\r\n")
        w = csv.writer(fh)
        w.writerow(headers or LOG_HEADERS)
        w.writerows(rows)
    return path


def write_log_xlsx(path: Path, rows, headers=None, title=True) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Hồ sơ"
    if title:
        ws.append(["BÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ"])
        ws.merge_cells("A1:M1")
        ws.append(["Từ ngày 10/12/2023 đến ngày 09/6/2024"])
        ws.merge_cells("A2:M2")
        ws.append([])
    ws.append(headers or LOG_HEADERS)
    for row in rows:
        ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def run_report_fails(tmp: Path, *needles: str) -> str:
    """Run `report --period 6m` on tmp/inputs; assert it fails with every needle in
    stderr, no traceback, and OUTPUTS untouched. Returns stderr."""
    out = make_outputs(tmp) if not (tmp / "outputs").exists() else tmp / "outputs"
    before = tree_snapshot(out)
    proc = run_cli("report", "--period", "6m", "--inputs", str(tmp / "inputs"), "--outputs", str(out))
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    for needle in needles:
        assert needle in proc.stderr, f"{needle!r} not in:\n{proc.stderr}"
    assert tree_snapshot(out) == before
    return proc.stderr
