#!/usr/bin/env python3
"""Generate the embedded sample inputs (seeded, byte-identical on every run).

    .venv/bin/python tools/make_sample.py [--out DIR] [--plan PLAN]

Writes, under DIR (default: the repository's `inputs/`):

- 2024/submissions/*.xlsx  one workbook per department per period, with the
  deliberate conditions of the 6m period: QLMT missing, QHXD late, QLDT sends
  a corrected workbook that replaces its first one;
- 2024/tthc/               the dossier log of the one-stop system in the shapes the
  systems export (dossier-exports.md): an .xlsx with a title block and real
  date-times, an Excel 97-2003 .xls (BIFF, written with xlwt, text dates), a
  UTF-8-BOM .csv, and an .xlsx with the system's own column names and value
  spellings (`Số hồ sơ`, `Ngày hẹn trả`, `Kênh nộp`, `Nộp trực tuyến`…); all with a
  status column, some dossiers withdrawn or cancelled (`Công dân rút hồ sơ`,
  `Đã hủy`); one dossier re-exported identically in two files;
- 2023/plan.yaml, 2023/tthc/  the previous year, for "so với cùng kỳ năm trước":
  its log is a web page saved as .xls (an HTML table, as web systems "Xuất Excel").

The 2024 plan (departments, periods, indicators, tasks) is read from PLAN
(default: inputs/2024/plan.yaml, never written here). Dossiers come from one
numpy Generator, submissions from another, so editing the plan's tasks does not
change the dossier log. Workbook metadata and zip entry times are fixed, so
regeneration gives the same bytes (tests/test_sample.py checks it).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import html
import io
import re
import sys
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
import xlwt

ROOT = Path(__file__).resolve().parent.parent
SEED_DOSSIERS = 20240609
SEED_SUBMISSIONS = 20240614
SEED_WITHDRAWN = 20240615  # its own stream: the other dossiers stay as they were
AGENCY_ID = "000.00.24.H23"  # mã định danh of the Ban on the one-stop system

PERIODS = ("q1", "6m", "q3", "year")

# The deliberate conditions of the sample (inputs/README.md describes them).
MISSING = ("6m", "QLMT")  # no workbook
LATE = ("6m", "QHXD", dt.date(2024, 6, 17))  # Ngày gửi after due_before
RESUBMITTED = ("6m", "QLDT", dt.date(2024, 6, 5), dt.date(2024, 6, 11))  # first, replacement

# Vietnamese public holidays (days off) the one-stop system skips when it
# counts working days.
HOLIDAYS = np.array(
    [
        "2022-12-31", "2023-01-01", "2023-01-02",
        *[f"2023-01-{d}" for d in range(20, 27)],  # Tết Quý Mão
        *[f"2023-04-{d}" for d in (29, 30)], "2023-05-01", "2023-05-02", "2023-05-03",
        *[f"2023-09-0{d}" for d in range(1, 5)],
        "2024-01-01",
        *[f"2024-02-{d:02d}" for d in range(8, 15)],  # Tết Giáp Thìn
        "2024-04-18",  # Giỗ Tổ Hùng Vương
        *[f"2024-04-{d}" for d in range(27, 31)], "2024-05-01",
        "2024-08-31", "2024-09-01", "2024-09-02", "2024-09-03",
    ],
    dtype="datetime64[D]",
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --------------------------------------------------------------------------- #
# Procedures of an industrial-zone board
# --------------------------------------------------------------------------- #
# key, Thủ tục, Lĩnh vực, Đơn vị, working days, fee, weight, late share, online bias
PROCEDURES = [
    ("dt_cap", "Cấp Giấy chứng nhận đăng ký đầu tư đối với dự án không thuộc diện chấp thuận chủ trương đầu tư", "Đầu tư", "QLDT", 15, False, 0.016, 0.006, 0.0),
    ("dt_dc", "Điều chỉnh Giấy chứng nhận đăng ký đầu tư đối với dự án không thuộc diện chấp thuận điều chỉnh chủ trương đầu tư", "Đầu tư", "QLDT", 10, False, 0.080, 0.008, 0.0),
    ("dt_caplai", "Cấp lại Giấy chứng nhận đăng ký đầu tư", "Đầu tư", "QLDT", 5, False, 0.006, 0.0, 0.05),
    ("dt_chamdut", "Chấm dứt hoạt động của dự án đầu tư", "Đầu tư", "QLDT", 15, False, 0.003, 0.0, -0.1),
    ("dt_gopvon", "Góp vốn, mua cổ phần, mua phần vốn góp của nhà đầu tư nước ngoài vào tổ chức kinh tế", "Đầu tư", "QLDT", 15, False, 0.014, 0.0, 0.0),
    ("co", "Cấp Giấy chứng nhận xuất xứ hàng hóa (C/O) ưu đãi", "Thương mại", "QLDN", 1, False, 0.160, 0.004, 0.12),
    ("vpdd", "Cấp Giấy phép thành lập Văn phòng đại diện của thương nhân nước ngoài tại Việt Nam", "Thương mại", "QLDN", 7, True, 0.004, 0.0, -0.1),
    ("gpkd", "Cấp Giấy phép kinh doanh cho tổ chức kinh tế có vốn đầu tư nước ngoài", "Thương mại", "QLDN", 10, True, 0.007, 0.0, -0.05),
    ("cnht", "Cấp Giấy xác nhận ưu đãi dự án sản xuất sản phẩm công nghiệp hỗ trợ", "Doanh nghiệp", "QLDN", 15, False, 0.004, 0.0, -0.1),
    ("xd_gp", "Cấp giấy phép xây dựng mới đối với công trình trong khu công nghiệp", "Xây dựng", "QHXD", 20, True, 0.034, 0.03, -0.05),
    ("xd_dcgp", "Điều chỉnh, gia hạn giấy phép xây dựng", "Xây dựng", "QHXD", 10, True, 0.008, 0.01, 0.0),
    ("xd_tk", "Thẩm định thiết kế cơ sở, Báo cáo nghiên cứu khả thi đầu tư xây dựng", "Xây dựng", "QHXD", 20, True, 0.018, 0.07, -0.2),
    ("xd_qh", "Thẩm định nhiệm vụ, đồ án quy hoạch chi tiết xây dựng tỷ lệ 1/500", "Xây dựng", "QHXD", 15, False, 0.004, 0.04, -0.25),
    ("mt_dk", "Đăng ký môi trường", "Môi trường", "QLMT", 10, False, 0.020, 0.0, 0.0),
    ("mt_kh", "Xác nhận kế hoạch bảo vệ môi trường", "Môi trường", "QLMT", 10, False, 0.004, 0.0, -0.15),
    ("ld_gp", "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam", "Lao động", "QLLD", 5, True, 0.205, 0.01, 0.05),
    ("ld_caplai", "Cấp lại giấy phép lao động cho người lao động nước ngoài", "Lao động", "QLLD", 3, True, 0.038, 0.0, 0.05),
    ("ld_giahan", "Gia hạn giấy phép lao động cho người lao động nước ngoài", "Lao động", "QLLD", 5, True, 0.070, 0.005, 0.05),
    ("ld_xn", "Xác nhận người lao động nước ngoài không thuộc diện cấp giấy phép lao động", "Lao động", "QLLD", 3, False, 0.060, 0.005, 0.05),
    ("ld_nc", "Chấp thuận nhu cầu sử dụng người lao động nước ngoài", "Lao động", "QLLD", 10, False, 0.118, 0.004, 0.05),
    ("ld_nq", "Đăng ký nội quy lao động của doanh nghiệp", "Lao động", "QLLD", 7, False, 0.045, 0.0, -0.05),
]
PROC_KEYS = [p[0] for p in PROCEDURES]

COMPANY_CORES = [
    "Điện tử Sao Việt", "Cơ khí chính xác Tân Á", "Dệt may Hoàng Long", "Linh kiện ô tô Daeyoung Việt Nam",
    "Bao bì Nam Sách", "Nhựa kỹ thuật Kim Thành", "Công nghệ Hanwa Vina", "May mặc Thiên Phú",
    "Vật liệu xây dựng Phúc Điền", "Thực phẩm Hải Hà", "Thiết bị điện Sunrise Việt Nam", "Giày da Phú Thái",
    "Kết cấu thép Đại An", "Hóa chất Minh Tâm", "Điện tử Brightway Việt Nam", "Linh kiện điện tử Yuwon Vina",
    "Sợi Tân Trường", "Cơ khí Lai Vu", "Logistics Cộng Hòa", "Công nghiệp Kenmark Việt Hòa",
    "Dây cáp điện Lương Điền", "Kính an toàn Cẩm Điền", "Khuôn mẫu Nichias Việt Nam", "Gỗ nội thất An Phát",
    "Thiết bị y tế Medivina", "Pin năng lượng Solartech", "Phụ tùng xe máy Lai Cách", "Dược phẩm Hải Dương Pharma",
    "Bao bì giấy Gia Lộc", "Điện lạnh Thành Đông", "Đúc kim loại Seoul Metal Vina", "Vải kỹ thuật Phú Hưng",
    "Thiết bị viễn thông Kinh Môn", "In ấn Thanh Hà", "Sơn công nghiệp Toa Vina", "Chế biến nông sản Bình Giang",
]
COMPANY_FORMS = ["Công ty TNHH", "Công ty TNHH", "Công ty Cổ phần"]


# --------------------------------------------------------------------------- #
# Byte-stable xlsx
# --------------------------------------------------------------------------- #
def save_stable(wb: Workbook, path: Path, when: dt.datetime) -> None:
    """Save `wb` to `path` with every timestamp fixed to `when`.

    openpyxl stamps docProps/core.xml `modified` and every zip entry with the
    current time; both are rewritten here."""
    wb.properties.created = when
    wb.properties.modified = when
    buf = io.BytesIO()
    wb.save(buf)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    lambda m: m.group(1) + stamp.encode() + m.group(2),
                    data,
                )
            zi = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zi.create_system = 3
            dst.writestr(zi, data)
    path.write_bytes(out.getvalue())


THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")


def style_header(ws, row: int, ncols: int) -> None:
    for col in range(1, ncols + 1):
        cell = ws.cell(row=row, column=col)
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


# --------------------------------------------------------------------------- #
# Dossiers
# --------------------------------------------------------------------------- #
def simulate_dossiers(rng: np.random.Generator) -> pd.DataFrame:
    """Every dossier received 2022-11-01 .. 2024-12-09, with its true outcome."""
    first, last = np.datetime64("2022-11-01"), np.datetime64("2024-12-09")
    days = np.arange(first, last + 1)
    t = (days - np.datetime64("2022-12-10")).astype(float) / 365.0  # years since the 2023 window
    rate = 8.6 * (1.0 + 0.55 * t)  # dossiers per working day, growing
    workday = np.is_busday(days, holidays=HOLIDAYS)
    weekend = ~np.is_busday(days)
    factor = np.where(workday, 1.0, np.where(weekend, 0.05, 0.03))
    # quieter around Tết
    for tet in ("2023-01-22", "2024-02-10"):
        gap = np.abs((days - np.datetime64(tet)).astype(int))
        factor = factor * np.where(gap <= 12, 0.6, 1.0)
    counts = rng.poisson(rate * factor)
    received = np.repeat(days, counts)
    n = received.size

    weights = np.array([p[6] for p in PROCEDURES])
    proc = rng.choice(len(PROCEDURES), size=n, p=weights / weights.sum())
    work_days = np.array([p[4] for p in PROCEDURES])[proc]
    fee = np.array([p[5] for p in PROCEDURES])[proc]
    late_p = np.array([p[7] for p in PROCEDURES])[proc]
    online_bias = np.array([p[8] for p in PROCEDURES])[proc]
    tt = (received - np.datetime64("2022-12-10")).astype(float) / 365.0

    due = np.busday_offset(received, work_days, roll="forward", holidays=HOLIDAYS)

    u = rng.random(n)
    late = u < late_p
    on_time = ~late & (u < late_p + 0.11)
    early_k = np.floor(rng.beta(1.4, 2.6, size=n) * work_days).astype(int)
    early_k = np.minimum(early_k, np.maximum(work_days - 1, 0))
    returned = np.busday_offset(received, early_k, roll="forward", holidays=HOLIDAYS)
    returned = np.where(on_time, due, returned)
    late_by = rng.integers(1, 7, size=n)
    returned = np.where(late, np.busday_offset(due, late_by, roll="forward", holidays=HOLIDAYS), returned)
    # a few dossiers stay open (waiting for the applicant, then forgotten)
    stuck = (rng.random(n) < 0.0015) & (received >= np.datetime64("2024-01-01"))
    returned = np.where(stuck, np.datetime64("NaT"), returned).astype("datetime64[D]")

    # channel: online grows over the two years
    p_online = np.clip(0.55 + 0.19 * tt + online_bias, 0.05, 0.96)
    r = rng.random(n)
    off_day = ~np.is_busday(received, holidays=HOLIDAYS)
    channel = np.where(off_day | (r < p_online), "Trực tuyến", np.where(r < p_online + 0.02, "Bưu chính", "Trực tiếp"))

    # online payment of fees: introduced on the national portal in April 2024
    p_pay = np.where(received < np.datetime64("2024-04-01"), 0.22 + 0.15 * np.clip(tt, 0, None), 0.63)
    paid = fee & (rng.random(n) < p_pay)
    p_digit = np.where(tt < 1.0, 0.86 + 0.09 * tt, 0.968)
    digitized = rng.random(n) < p_digit
    reused = rng.random(n) < np.clip(0.25 + 0.30 * tt, 0, 0.8)

    rated = ~np.isnat(returned) & (rng.random(n) < np.where(channel == "Trực tuyến", 0.34, 0.18))
    rr = rng.random(n)
    rating = np.where(rated, np.where(rr < 0.045, "Không hài lòng", np.where(rr < 0.40, "Hài lòng", "Rất hài lòng")), "")

    company = np.array([f"{COMPANY_FORMS[i % 3]} {c}" for i, c in enumerate(COMPANY_CORES)])[
        rng.integers(0, len(COMPANY_CORES), size=n)
    ]
    # registered capital (million USD) of new projects and of capital increases
    capital = np.round(rng.lognormal(2.3, 0.9, size=n), 2)
    increase = rng.random(n) < 0.30
    minutes_in = rng.integers(7 * 60 + 30, 16 * 60 + 45, size=n)
    minutes_out = rng.integers(8 * 60, 17 * 60, size=n)

    df = pd.DataFrame(
        {
            "received": received,
            "proc": proc,
            "due": due,
            "returned": returned,
            "channel": channel,
            "fee": fee,
            "paid": paid,
            "digitized": digitized,
            "reused": reused,
            "rating": rating,
            "company": company,
            "capital": capital,
            "increase": increase,
            "min_in": minutes_in,
            "min_out": minutes_out,
            "tiebreak": rng.random(n),
        }
    )
    df = df.sort_values(["received", "tiebreak"], kind="mergesort").reset_index(drop=True)
    seq = df.groupby("received").cumcount() + 1
    ymd = pd.to_datetime(df["received"]).dt.strftime("%y%m%d")
    df["id"] = AGENCY_ID + "-" + ymd + "-" + seq.map("{:04d}".format)
    df["key"] = np.array(PROC_KEYS)[df["proc"].to_numpy()]
    df["procedure"] = np.array([p[1] for p in PROCEDURES])[df["proc"].to_numpy()]
    df["field"] = np.array([p[2] for p in PROCEDURES])[df["proc"].to_numpy()]
    df["department"] = np.array([p[3] for p in PROCEDURES])[df["proc"].to_numpy()]
    return df.drop(columns=["tiebreak"])


def log_for_year(df: pd.DataFrame, start: dt.date, end: dt.date, exported: dt.date) -> pd.DataFrame:
    """The rows of a year's log: received in the window, or carried over into it;
    results returned after the export day are not known yet (blank)."""
    s, e, x = (np.datetime64(d) for d in (start, end, exported))
    ret = df["returned"].to_numpy()
    rec = df["received"].to_numpy()
    known = ~np.isnat(ret) & (ret <= x)
    in_window = (rec >= s) & (rec <= e)
    carried = (rec < s) & (~known | (ret >= s))
    out = df[in_window | carried].copy()
    out.loc[~(~np.isnat(out["returned"].to_numpy()) & (out["returned"].to_numpy() <= x)), "returned"] = pd.NaT
    out.loc[out["returned"].isna(), "rating"] = ""
    return out.reset_index(drop=True)


DOSSIER_HEADERS = [
    "STT", "Mã hồ sơ", "Thủ tục", "Lĩnh vực", "Tổ chức, cá nhân nộp hồ sơ", "Đơn vị",
    "Ngày tiếp nhận", "Hạn xử lý", "Ngày trả kết quả", "Trạng thái", "Hình thức nộp",
    "Phí, lệ phí", "Thanh toán trực tuyến", "Số hóa", "Tái sử dụng dữ liệu", "Đánh giá",
]


def _yn(flag: bool) -> str:
    return "Có" if flag else "Không"


def _row_values(r, date_mode: str, casing_noise: bool = False) -> list:
    """One exported row. date_mode: 'datetime' (real dates, with time of day),
    'date' (real dates), 'text' (dd/mm/yyyy)."""
    def d(value, minutes=None):
        if pd.isna(value):
            return None
        day = pd.Timestamp(value).date()
        if date_mode == "text":
            return day.strftime("%d/%m/%Y")
        if date_mode == "datetime" and minutes is not None:
            return dt.datetime.combine(day, dt.time(int(minutes) // 60, int(minutes) % 60))
        return dt.datetime.combine(day, dt.time())

    status = getattr(r, "status", None)
    if not isinstance(status, str) or not status:
        status = "Đang xử lý" if pd.isna(r.returned) else "Đã trả kết quả"
    return [
        None,
        r.id,
        r.procedure,
        r.field,
        r.company,
        r.department,
        d(r.received, r.min_in),
        d(r.due),
        d(r.returned, r.min_out),
        status,
        r.channel,
        _yn(r.fee),
        _yn(r.paid) if r.fee else None,
        _yn(r.digitized),
        _yn(r.reused),
        r.rating or None,
    ]


def write_dossier_xlsx(path: Path, rows: pd.DataFrame, title_range: str, exported: dt.date, date_mode: str) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "DanhSachHoSo"
    ncols = len(DOSSIER_HEADERS)
    titles = [
        ("HỆ THỐNG THÔNG TIN GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TỈNH HẢI DƯƠNG", 13),
        ("DANH SÁCH HỒ SƠ TIẾP NHẬN VÀ GIẢI QUYẾT - BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP", 13),
        (title_range, 11),
    ]
    for i, (text, size) in enumerate(titles, start=1):
        ws.cell(row=i, column=1, value=text).font = Font(bold=i < 3, italic=i == 3, size=size)
        ws.cell(row=i, column=1).alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=ncols)
    ws.cell(row=4, column=ncols - 3, value=f"Ngày xuất dữ liệu: {exported:%d/%m/%Y}").font = Font(italic=True, size=10)
    header_row = 5
    for col, name in enumerate(DOSSIER_HEADERS, start=1):
        ws.cell(row=header_row, column=col, value=name)
    style_header(ws, header_row, ncols)
    fmt = "dd/mm/yyyy hh:mm" if date_mode == "datetime" else "dd/mm/yyyy"
    for i, r in enumerate(rows.itertuples(index=False), start=1):
        values = _row_values(r, date_mode)
        values[0] = i
        ws.append(values)
        if date_mode != "text":
            row = header_row + i
            for col, f in ((7, fmt), (8, "dd/mm/yyyy"), (9, fmt)):
                ws.cell(row=row, column=col).number_format = f
    widths = [6, 28, 60, 13, 40, 8, 17, 12, 17, 15, 12, 10, 12, 8, 12, 14]
    for col, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = w
    ws.freeze_panes = ws.cell(row=header_row + 1, column=3)
    save_stable(wb, path, dt.datetime.combine(exported, dt.time(7, 45)))


WITHDRAWN_STATUSES = ("Công dân rút hồ sơ", "Đã hủy", "Rút hồ sơ", "Dừng xử lý")


def withdrawn_dossiers(rng: np.random.Generator, rows: pd.DataFrame, n: int) -> pd.DataFrame:
    """`n` more dossiers like some of `rows`, withdrawn or cancelled before any
    result (Mã hồ sơ numbered from 9001 on their day, never taken by others)."""
    pick = np.sort(rng.choice(len(rows), size=n, replace=False))
    out = rows.iloc[pick].copy().reset_index(drop=True)
    out["returned"] = pd.Series(pd.NaT, index=out.index, dtype=rows["returned"].dtype)
    out["rating"] = ""
    out["status"] = [WITHDRAWN_STATUSES[i] for i in rng.integers(0, len(WITHDRAWN_STATUSES), size=n)]
    ymd = pd.to_datetime(out["received"]).dt.strftime("%y%m%d")
    out["id"] = [f"{AGENCY_ID}-{d}-{9001 + i:04d}" for i, d in enumerate(ymd)]
    return out


def with_withdrawn(rows: pd.DataFrame, extra: pd.DataFrame) -> pd.DataFrame:
    """`rows` and `extra` in order of Ngày tiếp nhận (stable)."""
    both = pd.concat([rows.assign(status=""), extra], ignore_index=True)
    return both.sort_values("received", kind="mergesort").reset_index(drop=True)


def write_dossier_xls(path: Path, rows: pd.DataFrame, title_range: str) -> None:
    """An Excel 97-2003 (BIFF8) export, as many one-stop systems still give:
    title block with merged cells, text dates dd/mm/yyyy (xlwt writes no
    timestamps: the same rows give the same bytes)."""
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("DanhSachHoSo")
    ncols = len(DOSSIER_HEADERS)
    bold = xlwt.easyxf("font: bold on; align: horiz centre")
    ws.write_merge(0, 0, 0, ncols - 1, "HỆ THỐNG THÔNG TIN GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TỈNH HẢI DƯƠNG", bold)
    ws.write_merge(1, 1, 0, ncols - 1, title_range, xlwt.easyxf("font: italic on; align: horiz centre"))
    head = xlwt.easyxf("font: bold on; pattern: pattern solid, fore_colour pale_blue; borders: left thin, right thin, top thin, bottom thin")
    for col, name in enumerate(DOSSIER_HEADERS):
        ws.write(3, col, name, head)
    for i, r in enumerate(rows.itertuples(index=False), start=1):
        values = _row_values(r, "text")
        values[0] = i
        for col, v in enumerate(values):
            if v is not None:
                ws.write(3 + i, col, v)
    for col, w in enumerate([6, 28, 60, 13, 40, 8, 12, 12, 12, 15, 12, 10, 12, 8, 12, 14]):
        ws.col(col).width = 256 * w
    wb.save(str(path))


def write_dossier_html(path: Path, rows: pd.DataFrame, title_range: str) -> None:
    """A web system's "Xuất Excel": an HTML table saved with the name .xls, dates
    as text with the time of day, a totals row under the table."""
    out = io.StringIO()
    out.write('<html xmlns:x="urn:schemas-microsoft-com:office:excel">\n<head><meta http-equiv="Content-Type" '
              'content="text/html; charset=utf-8"><title>DanhSachHoSo</title></head>\n<body>\n<table border="1">\n')
    out.write(f'<tr><td colspan="{len(DOSSIER_HEADERS)}" align="center"><b>DANH SÁCH HỒ SƠ TIẾP NHẬN VÀ GIẢI QUYẾT'
              f'</b></td></tr>\n<tr><td colspan="{len(DOSSIER_HEADERS)}" align="center"><i>{html.escape(title_range)}'
              '</i></td></tr>\n')
    out.write("<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in DOSSIER_HEADERS) + "</tr>\n")
    for i, r in enumerate(rows.itertuples(index=False), start=1):
        values = _row_values(r, "datetime")
        values[0] = i
        cells = []
        for v in values:
            if isinstance(v, dt.datetime):
                v = v.strftime("%d/%m/%Y %H:%M") if (v.hour or v.minute) else v.strftime("%d/%m/%Y")
            cells.append("<td>" + ("" if v is None else html.escape(str(v))) + "</td>")
        out.write("<tr>" + "".join(cells) + "</tr>\n")
    out.write(f'<tr><td colspan="2"><b>Tổng cộng: {len(rows)} hồ sơ</b></td></tr>\n</table>\n</body>\n</html>\n')
    path.write_bytes(out.getvalue().encode("utf-8"))


# The column names and value spellings of another vendor's one-stop software
# (dossier-exports.md): the same columns, in its own words.
ALIASED_HEADERS = [
    "STT", "Số hồ sơ", "Tên thủ tục", "Tên lĩnh vực", "Tổ chức, cá nhân nộp hồ sơ", "Cơ quan giải quyết",
    "Ngày nhận hồ sơ", "Ngày hẹn trả", "Ngày có kết quả", "Tình trạng", "Kênh nộp",
    "Có phí", "TT trực tuyến", "Số hóa hồ sơ", "Tái sử dụng", "Mức độ hài lòng",
]
ALIASED_VALUES = {
    10: {"Trực tuyến": "Nộp trực tuyến", "Trực tiếp": "Tại bộ phận một cửa", "Bưu chính": "Bưu chính công ích"},
    13: {"Có": "Đã số hóa", "Không": "Chưa số hóa"},
    9: {"Đã trả kết quả": "Đã trả", "Đang xử lý": "Đang giải quyết"},
}


def write_dossier_aliased_xlsx(path: Path, rows: pd.DataFrame, exported: dt.date, names: dict[str, str]) -> None:
    """An .xlsx from another vendor: its own headers and spellings, the department
    by name, real date-times, "Chưa đánh giá" for a dossier not rated."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Hồ sơ"
    ws.cell(row=1, column=1, value="PHẦN MỀM MỘT CỬA ĐIỆN TỬ - BÁO CÁO CHI TIẾT HỒ SƠ").font = Font(bold=True)
    ws.append([])
    ws.append(ALIASED_HEADERS)
    style_header(ws, 3, len(ALIASED_HEADERS))
    for i, r in enumerate(rows.itertuples(index=False), start=1):
        values = _row_values(r, "datetime")
        values[0] = i
        values[5] = names.get(values[5], values[5])
        for col, spelled in ALIASED_VALUES.items():
            values[col] = spelled.get(values[col], values[col])
        if values[15] is None and values[8] is not None:
            values[15] = "Chưa đánh giá"
        ws.append(values)
        for col in (7, 8, 9):
            ws.cell(row=3 + i, column=col).number_format = "dd/mm/yyyy hh:mm"
    for col, w in enumerate([6, 28, 60, 13, 40, 30, 17, 17, 17, 15, 20, 8, 12, 12, 10, 14], start=1):
        ws.column_dimensions[get_column_letter(col)].width = w
    save_stable(wb, path, dt.datetime.combine(exported, dt.time(8, 5)))


def write_dossier_csv(path: Path, rows: pd.DataFrame, casing_noise_every: int = 0) -> None:
    """UTF-8 with BOM, CRLF, day-first text dates, no title block."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(DOSSIER_HEADERS)
    for i, r in enumerate(rows.itertuples(index=False), start=1):
        values = _row_values(r, "text")
        values[0] = i
        if casing_noise_every and i % casing_noise_every == 0:
            # a little harmless noise of hand-edited exports: case and spaces
            values[11] = values[11].lower()
            values[10] = values[10] + " "
        w.writerow(["" if v is None else v for v in values])
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))


# --------------------------------------------------------------------------- #
# Statistics for the narrative (the same rules as figures.md)
# --------------------------------------------------------------------------- #
def window_stats(log: pd.DataFrame, start: dt.date, end: dt.date, dept: str | None = None) -> dict:
    s, e = np.datetime64(start), np.datetime64(end)
    df = log if dept is None else log[log["department"] == dept]
    rec = df["received"].to_numpy().astype("datetime64[D]")
    ret = df["returned"].to_numpy().astype("datetime64[D]")
    due = df["due"].to_numpy().astype("datetime64[D]")
    has_ret = ~np.isnat(ret)
    received = (rec >= s) & (rec <= e)
    carried = (rec < s) & (~has_ret | (ret >= s))
    total = received | carried
    resolved = total & has_ret & (ret >= s) & (ret <= e)
    ontime = resolved & (ret <= due)
    rated = resolved & (df["rating"].to_numpy() != "")
    satisfied = rated & (df["rating"].to_numpy() != "Không hài lòng")
    fee = df["fee"].to_numpy()
    keys = df["key"].to_numpy()
    out = {
        "received": int(received.sum()),
        "carried": int(carried.sum()),
        "resolved": int(resolved.sum()),
        "ontime": int(ontime.sum()),
        "late": int((resolved & ~ontime).sum()),
        "online": int((received & (df["channel"].to_numpy() == "Trực tuyến")).sum()),
        "fee": int((received & fee).sum()),
        "paid": int((received & df["paid"].to_numpy()).sum()),
        "reused": int((received & df["reused"].to_numpy()).sum()),
        "rated": int(rated.sum()),
        "satisfied": int(satisfied.sum()),
        "rec": {k: int((received & (keys == k)).sum()) for k in PROC_KEYS},
        "res": {k: int((resolved & (keys == k)).sum()) for k in PROC_KEYS},
        "late_by": {k: int((resolved & ~ontime & (keys == k)).sum()) for k in PROC_KEYS},
    }
    new = resolved & (keys == "dt_cap")
    inc = resolved & (keys == "dt_dc") & df["increase"].to_numpy()
    cap = df["capital"].to_numpy()
    out["new_projects"] = int(new.sum())
    out["new_capital"] = float(cap[new].sum())
    out["increases"] = int(inc.sum())
    out["added_capital"] = float((cap[inc] * 0.45).sum())
    return out


def num(n: int | float) -> str:
    """1234 -> '1.234' (Vietnamese thousands separator)."""
    return f"{int(round(n)):,}".replace(",", ".")


def pct(a: float, b: float) -> str:
    if not b:
        return "0%"
    v = round(100.0 * a / b, 1)
    return (f"{v:.0f}%" if v == int(v) else f"{v:.1f}%".replace(".", ","))


def two(n: int) -> str:
    """Counts below 10 are written with a leading zero in administrative text."""
    return f"{n:02d}" if 0 <= n < 10 else num(n)


def usd(x: float) -> str:
    return f"{x:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


# --------------------------------------------------------------------------- #
# Submissions: who reports what
# --------------------------------------------------------------------------- #
KY = {"q1": "quý I/2024", "6m": "6 tháng đầu năm 2024", "q3": "quý III/2024", "year": "năm 2024"}
NEXT = {"q1": "quý II/2024", "6m": "6 tháng cuối năm 2024", "q3": "quý IV/2024", "year": "năm 2025"}
FRAC = {"q1": 0.25, "6m": 0.5, "q3": 0.26, "year": 1.0}
HT, DTH, CTH = "Hoàn thành", "Đang thực hiện", "Chưa thực hiện"


def part(base: float, p: str, minimum: int = 1) -> int:
    return max(minimum, int(round(base * FRAC[p])))


# Indicator rows per department: code -> {period: value}; rate values are
# (numerator, denominator), bool values True/False, counts ints.
def indicator_table() -> dict[str, dict[str, dict]]:
    per = lambda q1, h1, q3, y: {"q1": q1, "6m": h1, "q3": q3, "year": y}  # noqa: E731
    same = lambda v: per(v, v, v, v)  # noqa: E731
    t = {
        "VP": {
            "CDDH-01": same(True),
            "CDDH-02": per((1, 6), (2, 6), (2, 6), (4, 6)),
            "CDDH-03": per((3, 3), (7, 7), (4, 4), (15, 15)),
            "CDDH-04": per((9, 9), (21, 21), (11, 11), (45, 46)),
            "CDDH-05": per((4, 4), (9, 9), (6, 6), (19, 19)),
            "TC-01": per(0, 1, 1, 2),
            "TC-02": per(2, 5, 3, 9),
            "TC-03": per(6, 14, 5, 21),
            "TCBM-01": same(True),
            "TCBM-02": per((0, 6), (1, 6), (1, 6), (2, 6)),
            "TCBM-03": per((36, 39), (36, 39), (37, 39), (37, 39)),
            "CV-02": per((1, 1), (3, 3), (1, 1), (5, 5)),
            "CV-03": per((4, 4), (11, 11), (7, 7), (24, 25)),
            "TCC-01": per((2, 2), (3, 3), (1, 1), (4, 4)),
            "TCC-02": same(True),
            "CQS-03": per((212, 212), (471, 471), (248, 248), (963, 963)),
            "CQS-04": same((3, 4)),
            "DGTD-01": per((61, 66), (142, 155), (77, 82), (301, 324)),
        },
        "QLDT": {
            "CDDH-03": per((2, 2), (4, 4), (2, 2), (7, 7)),
            "CDDH-05": per((1, 1), (2, 2), (1, 1), (3, 3)),
            "TC-02": per(0, 1, 1, 2),
            "TTHC-01": same((12, 12)),
            "TTHC-06": same((10, 10)),
            "CQS-01": same((10, 10)),
        },
        "QLDN": {
            "CDDH-03": per((1, 1), (2, 2), (1, 1), (4, 4)),
            "CDDH-05": per((1, 1), (1, 1), (1, 1), (1, 1)),
            "TTHC-01": same((8, 8)),
            "TTHC-04": per((0, 2), (1, 2), (1, 2), (1, 2)),
            "TTHC-06": same((6, 6)),
            "CQS-01": same((6, 6)),
        },
        "QHXD": {
            "CDDH-03": per((1, 1), (3, 4), (2, 2), (6, 7)),
            "CDDH-05": per((1, 1), (2, 2), (1, 1), (3, 3)),
            "TC-02": per(0, 0, 0, 1),
            "TTHC-01": same((9, 9)),
            "TTHC-04": per((1, 3), (2, 3), (2, 3), (3, 3)),
            "TTHC-06": per((5, 6), (6, 6), (6, 6), (6, 6)),
            "CQS-01": same((6, 6)),
        },
        "QLMT": {
            "CDDH-05": per((1, 1), (1, 1), (1, 1), (2, 2)),
            "TTHC-01": same((3, 3)),
            "TTHC-06": same((2, 2)),
            "CQS-01": same((2, 2)),
        },
        "QLLD": {
            "CDDH-03": per((1, 1), (2, 2), (1, 1), (3, 3)),
            "CDDH-05": per((2, 2), (3, 3), (2, 2), (4, 4)),
            "TC-01": per(0, 0, 1, 1),
            "TC-02": per(0, 0, 0, 1),
            "TTHC-01": same((11, 11)),
            "TTHC-04": per((2, 3), (3, 3), (3, 3), (3, 3)),
            "TTHC-06": same((9, 9)),
            "CQS-01": same((9, 9)),
        },
        "TTDV": {
            "CDDH-05": per((1, 1), (1, 1), (1, 1), (2, 2)),
            "TCBM-03": same((14, 15)),
            "CV-01": per((1, 1), (1, 1), (2, 2), (3, 3)),
        },
    }
    # CQS-02 (hồ sơ công việc trên môi trường mạng) from every unit: below the
    # 85% target in q1 and 6m, above it later in the year.
    base = {"VP": (0.80, 1300), "QLDT": (0.84, 740), "QLDN": (0.80, 600), "QHXD": (0.72, 410),
            "QLMT": (0.78, 220), "QLLD": (0.82, 940), "TTDV": (0.74, 160)}
    boost = {"q1": -0.03, "6m": -0.005, "q3": 0.09, "year": 0.055}
    for dept, (rate, annual) in base.items():
        t[dept]["CQS-02"] = {}
        for p in PERIODS:
            den = int(round(annual * FRAC[p]))
            t[dept]["CQS-02"][p] = (int(round(den * min(rate + boost[p], 0.99))), den)
    return t


INDICATOR_NOTES = {
    ("VP", "CDDH-04", "year"): "01 báo cáo đột xuất gửi chậm 01 ngày so với yêu cầu",
    ("VP", "CQS-04", None): "Hệ thống cơ sở dữ liệu doanh nghiệp KCN chưa kết nối LGSP",
    ("VP", "CV-03", "year"): "01 lớp chuyển sang năm 2025 do cơ sở đào tạo chưa tổ chức",
    ("VP", "TC-01", "q1"): "Đã ban hành Kế hoạch, triển khai từ quý II",
    ("QHXD", "CDDH-03", "6m"): "01 nhiệm vụ chậm tiến độ (rà soát quy hoạch KCN Cẩm Điền - Lương Điền)",
    ("QHXD", "CDDH-03", "year"): "01 nhiệm vụ hoàn thành chậm so với tiến độ giao",
    ("QLDN", "TTHC-04", None): "Thủ tục cấp Giấy phép kinh doanh chưa tích hợp thanh toán trực tuyến",
    ("TTDV", "TCBM-03", None): "Số người làm việc đang sử dụng / được giao",
}


# --------------------------------------------------------------------------- #
# Narrative results (Kết quả): per department, built from the period's figures
# --------------------------------------------------------------------------- #
def progress(kind: str, p: str) -> str:
    order = PERIODS.index(p)
    return {
        "done": HT,  # finished within each period (regular work, or done in Q1)
        "ongoing": HT if p == "year" else DTH,
        "slow": DTH if order else CTH,  # started late, still open at the year end
        "h2": HT if p == "year" else (DTH if p == "q3" else CTH),
    }[kind]


class Ctx:
    def __init__(self, p: str, plan: dict, log: pd.DataFrame, ind: dict):
        self.p = p
        w = plan["periods"][p]
        self.start, self.end = w["start"], w["end"]
        self.ky = KY[p]
        self.trong = "Trong " + KY[p]
        self.next = NEXT[p]
        self.all = window_stats(log, self.start, self.end)
        self.by = {d["code"]: window_stats(log, self.start, self.end, d["code"]) for d in plan["departments"]}
        self.ind = ind

    def v(self, dept: str, code: str):
        return self.ind[dept][code][self.p]


def results_vp(c: Ctx) -> list[tuple]:
    p, a = c.p, c.all
    r = []
    if p in ("q1", "6m"):
        r.append((1, "CDDH-NV01", "Tham mưu Lãnh đạo Ban ban hành Kế hoạch cải cách hành chính năm 2024 của Ban; phân công nhiệm vụ cụ thể cho từng phòng, đơn vị, gắn trách nhiệm người đứng đầu với kết quả thực hiện CCHC.", HT, None))
    else:
        r.append((1, "CDDH-NV01", "Theo dõi, đôn đốc các phòng, đơn vị triển khai Kế hoạch CCHC năm 2024 của Ban; tổng hợp, đánh giá kết quả thực hiện từng nhiệm vụ tại cuộc họp giao ban hằng tháng.", HT, None))
    r.append((1, "CDDH-NV02", {
        "q1": "Lãnh đạo Ban quán triệt, chỉ đạo nhiệm vụ CCHC tại Hội nghị cán bộ, công chức, viên chức năm 2024; 100% trưởng phòng, giám đốc đơn vị ký cam kết thực hiện nhiệm vụ CCHC năm 2024.",
        "6m": "Lãnh đạo Ban chỉ đạo thực hiện nhiệm vụ CCHC tại các cuộc họp giao ban định kỳ; tổ chức sơ kết công tác CCHC 6 tháng đầu năm, chỉ rõ nhiệm vụ chậm tiến độ và trách nhiệm của từng phòng, đơn vị.",
        "q3": "Tiếp tục gắn trách nhiệm người đứng đầu với kết quả thực hiện nhiệm vụ CCHC; chỉ đạo khắc phục các tồn tại được nêu tại báo cáo sơ kết 6 tháng.",
        "year": "Người đứng đầu các phòng, đơn vị trực tiếp chỉ đạo công tác CCHC; kết quả CCHC được sử dụng làm căn cứ đánh giá, xếp loại và bình xét thi đua năm 2024 đối với tập thể, cá nhân.",
    }[p], progress("ongoing", p), None))
    n2 = c.v("VP", "CDDH-02")[0]
    r.append((1, "CDDH-NV03", {
        "q1": "Ban hành Kế hoạch kiểm tra công tác CCHC năm 2024; tiến hành kiểm tra trực tiếp tại Trung tâm Tư vấn, dịch vụ việc làm, hỗ trợ doanh nghiệp KCN (01/06 phòng, đơn vị). Hoàn thành tự chấm điểm Chỉ số CCHC năm 2023 của Ban, gửi Sở Nội vụ đúng thời hạn.",
        "6m": f"Kiểm tra trực tiếp công tác CCHC tại {two(n2)}/06 phòng, đơn vị (Trung tâm Tư vấn, dịch vụ việc làm, hỗ trợ doanh nghiệp KCN; Phòng Quản lý Lao động), đạt {pct(n2, 6)}; qua kiểm tra đã chấn chỉnh việc cập nhật tiến độ xử lý hồ sơ trên Hệ thống thông tin giải quyết TTHC.",
        "q3": f"Kiểm tra trực tiếp công tác CCHC tại Phòng Quản lý Doanh nghiệp và Phòng Quy hoạch và Xây dựng ({two(n2)}/06 phòng, đơn vị).",
        "year": f"Hoàn thành kiểm tra trực tiếp công tác CCHC tại {two(n2)}/06 phòng, đơn vị trực thuộc, đạt {pct(n2, 6)} (chỉ tiêu trên 30%); ban hành thông báo kết luận kiểm tra, các phòng, đơn vị đã khắc phục các tồn tại được chỉ ra.",
    }[p], progress("ongoing", p), None))
    r.append((1, "CDDH-NV04", f"Đăng tải {two(part(44, p))} tin, bài về CCHC trên Trang thông tin điện tử của Ban; niêm yết, công khai đầy đủ TTHC tại Bộ phận Một cửa của Ban ở Trung tâm Phục vụ hành chính công tỉnh; lồng ghép tuyên truyền CCHC tại {two(part(6, p))} hội nghị đối thoại, gặp mặt doanh nghiệp KCN.", progress("ongoing", p), None))
    a3, b3 = c.v("VP", "CDDH-03")
    r.append((1, "CDDH-NV05", f"Triển khai {two(a3)}/{two(b3)} nhiệm vụ UBND tỉnh, Chủ tịch UBND tỉnh giao cho Ban có thời hạn trong kỳ, bảo đảm đúng tiến độ; cập nhật kết quả trên Hệ thống theo dõi nhiệm vụ của UBND tỉnh.", progress("ongoing", p), None))
    a4, b4 = c.v("VP", "CDDH-04")
    r.append((1, "CDDH-NV08", f"Thực hiện {two(b4)} báo cáo định kỳ, đột xuất về CCHC, kiểm soát TTHC, chuyển đổi số gửi UBND tỉnh, Sở Nội vụ, Văn phòng UBND tỉnh; {two(a4)}/{two(b4)} báo cáo gửi đúng thời hạn.", HT if a4 == b4 else DTH, "Chi tiết tại Phụ lục kèm theo" if p == "year" else None))
    r.append((1, "CDDH-NV07", f"Cử {two(part(9, p))} lượt công chức tham dự hội nghị, lớp tập huấn nghiệp vụ CCHC, kiểm soát TTHC do Sở Nội vụ, Văn phòng UBND tỉnh tổ chức.", HT, None))
    if True:
        r.append((1, "CDDH-NV06", {
            "q1": "Phát động phong trào thi đua thực hiện CCHC gắn với chuyển đổi số năm 2024; hướng dẫn các phòng, đơn vị đăng ký sáng kiến, giải pháp CCHC.",
            "q3": "Tổng hợp 05 sáng kiến, giải pháp CCHC do các phòng, đơn vị đăng ký để Hội đồng sáng kiến xem xét, công nhận.",
            "6m": "Sơ kết phong trào thi đua thực hiện CCHC gắn với chuyển đổi số; biểu dương 02 tập thể, 05 cá nhân có cách làm hay trong giải quyết TTHC.",
            "year": "Đề nghị khen thưởng 03 tập thể, 08 cá nhân có thành tích xuất sắc trong công tác CCHC năm 2024; 02 sáng kiến về rút ngắn thời gian giải quyết TTHC được công nhận cấp cơ sở.",
        }[p], progress("ongoing", p), None))
    # 2. thể chế
    r.append((2, "TC-NV02", f"Rà soát, hệ thống hóa {two(c.v('VP', 'TC-03'))} văn bản QPPL thuộc lĩnh vực quản lý nhà nước của Ban; qua rà soát chưa phát hiện văn bản có nội dung trái pháp luật, chồng chéo cần kiến nghị sửa đổi.", progress("ongoing", p), None))
    r.append((2, "TC-NV03", {
        "q1": "Ban hành Kế hoạch theo dõi tình hình thi hành pháp luật và Kế hoạch phổ biến, giáo dục pháp luật năm 2024 của Ban.",
        "6m": "Tổ chức 01 đợt kiểm tra tình hình thi hành pháp luật về đầu tư, xây dựng tại 06 doanh nghiệp trong KCN Đại An và KCN Nam Sách; phổ biến Luật Đất đai năm 2024 cho cán bộ, công chức và doanh nghiệp.",
        "q3": "Tổ chức điều tra, khảo sát tình hình thi hành pháp luật về bảo vệ môi trường tại 15 doanh nghiệp có vốn đầu tư nước ngoài trong các KCN.",
        "year": "Thực hiện đầy đủ 02 hoạt động theo dõi thi hành pháp luật (kiểm tra tình hình thi hành pháp luật; điều tra, khảo sát tình hình thi hành pháp luật), ban hành báo cáo kết quả và kiến nghị xử lý theo thẩm quyền.",
    }[p], progress("ongoing", p), None))
    r.append((2, "TC-NV01", f"Tham gia góp ý {two(c.v('VP', 'TC-02'))} dự thảo văn bản QPPL của HĐND, UBND tỉnh do các sở, ngành chủ trì soạn thảo, bảo đảm đúng thời hạn yêu cầu.", progress("ongoing", p), None))
    # 3. TTHC
    r.append((3, "TTHC-NV01", {
        "q1": "Tham mưu ban hành Kế hoạch kiểm soát TTHC và thực hiện cơ chế một cửa, một cửa liên thông năm 2024 của Ban; Kế hoạch kiểm tra công tác kiểm soát TTHC năm 2024.",
        "6m": "Triển khai Kế hoạch kiểm soát TTHC và thực hiện cơ chế một cửa, một cửa liên thông năm 2024; cập nhật danh mục TTHC tiếp nhận tại Bộ phận Một cửa theo các Quyết định công bố mới của Chủ tịch UBND tỉnh.",
        "q3": "Tiếp tục triển khai Kế hoạch kiểm soát TTHC năm 2024; kiểm tra việc tiếp nhận, trả kết quả tại Bộ phận Một cửa của Ban.",
        "year": "Hoàn thành các nội dung của Kế hoạch kiểm soát TTHC và thực hiện cơ chế một cửa, một cửa liên thông năm 2024 của Ban.",
    }[p], HT, None))
    r.append((3, "TTHC-NV03", f"Bộ phận Một cửa của Ban tại Trung tâm Phục vụ hành chính công tỉnh tiếp nhận {num(a['received'])} hồ sơ TTHC (trực tuyến {num(a['online'])} hồ sơ, đạt {pct(a['online'], a['received'])}), kỳ trước chuyển sang {num(a['carried'])} hồ sơ; đã giải quyết {num(a['resolved'])} hồ sơ, trong đó đúng hạn và trước hạn {num(a['ontime'])} hồ sơ ({pct(a['ontime'], a['resolved'])}). Không có phản ánh, kiến nghị về quy định hành chính.", HT, None))
    r.append((3, "TTHC-NV08", {
        "q1": "Rà soát danh mục TTHC nội bộ giữa các cơ quan hành chính nhà nước thuộc phạm vi quản lý của Ban.",
        "6m": "Hoàn thành rà soát, đề xuất UBND tỉnh công bố 03 TTHC nội bộ thuộc phạm vi quản lý của Ban.",
        "q3": "Xây dựng quy trình nội bộ giải quyết 03 TTHC nội bộ đã được UBND tỉnh công bố.",
        "year": "Đã công bố, công khai và thực hiện 03 TTHC nội bộ giữa các cơ quan hành chính nhà nước theo chỉ đạo của UBND tỉnh.",
    }[p], progress("ongoing", p), None))
    r.append((3, "TTHC-NV06", "Phối hợp Trung tâm Phục vụ hành chính công tỉnh thực hiện Đề án thí điểm đổi mới cơ chế một cửa, một cửa liên thông; cử 02 công chức có năng lực làm việc thường trực tại Bộ phận Một cửa.", progress("ongoing", p), None))
    # 4. tổ chức bộ máy
    r.append((4, "TCBM-NV01", "Giữ ổn định cơ cấu tổ chức gồm Văn phòng, 05 phòng chuyên môn và 01 đơn vị sự nghiệp trực thuộc theo Nghị định số 107/2020/NĐ-CP và Nghị định số 35/2022/NĐ-CP của Chính phủ.", HT, None))
    r.append((4, "TCBM-NV02", "Thực hiện đầy đủ các nhiệm vụ được UBND tỉnh phân cấp, ủy quyền trong lĩnh vực đầu tư, lao động, xây dựng, môi trường đối với các KCN.", HT, None))
    u3, g3 = c.v("VP", "TCBM-03")
    r.append((4, "TCBM-NV03", f"Sử dụng {two(u3)}/{two(g3)} biên chế công chức được UBND tỉnh giao; số lượng lãnh đạo cấp phòng và tương đương bảo đảm đúng định mức theo quy định.", HT, None))
    n4 = c.v("VP", "TCBM-02")[0]
    r.append((4, "TCBM-NV04", {
        "q1": "Xây dựng nội dung kiểm tra tổ chức và hoạt động của các phòng, đơn vị trực thuộc năm 2024.",
        "6m": "Kiểm tra tổ chức và hoạt động tại Trung tâm Tư vấn, dịch vụ việc làm, hỗ trợ doanh nghiệp KCN (01/06 phòng, đơn vị).",
        "q3": "Kiểm tra tổ chức và hoạt động tại Phòng Quản lý Môi trường.",
        "year": f"Hoàn thành kiểm tra tổ chức và hoạt động tại {two(n4)}/06 phòng, đơn vị trực thuộc, đạt {pct(n4, 6)}.",
    }[p], progress("ongoing", p), None))
    r.append((4, "TCBM-NV05", {
        "q1": "Chờ hướng dẫn của Sở Nội vụ về danh mục vị trí việc làm để xây dựng Đề án vị trí việc làm & cơ cấu ngạch công chức của Ban và Đề án vị trí việc làm & cơ cấu chức danh nghề nghiệp viên chức của Trung tâm.",
        "6m": "Hoàn thiện dự thảo Đề án vị trí việc làm của Ban và của Trung tâm, gửi Sở Nội vụ thẩm định.",
        "q3": "Tiếp thu ý kiến thẩm định của Sở Nội vụ, hoàn thiện hồ sơ trình UBND tỉnh phê duyệt Đề án vị trí việc làm.",
        "year": "Đã trình UBND tỉnh phê duyệt Đề án vị trí việc làm của Ban và Trung tâm; đến thời điểm báo cáo chưa được phê duyệt.",
    }[p], progress("slow", p), "Chờ UBND tỉnh phê duyệt" if p in ("q3", "year") else None))
    # 5. công vụ
    a5, b5 = c.v("VP", "CV-03")
    r.append((5, "CV-NV03", f"Cử {two(part(38, p))} lượt cán bộ, công chức, viên chức tham gia các lớp đào tạo, bồi dưỡng (lý luận chính trị, quản lý nhà nước, kiến thức quốc phòng và an ninh, chuyên môn nghiệp vụ); thực hiện {two(a5)}/{two(b5)} lớp theo Kế hoạch đào tạo, bồi dưỡng năm 2024.", HT if a5 == b5 else DTH, None))
    r.append((5, "CV-NV01", "Bố trí công chức, viên chức theo vị trí việc làm hiện hành; chuẩn bị phương án sắp xếp theo Đề án vị trí việc làm mới sau khi được UBND tỉnh phê duyệt.", progress("slow", p), None))
    n5 = c.v("VP", "CV-02")[0]
    r.append((5, "CV-NV02", f"Thực hiện quy trình bổ nhiệm, bổ nhiệm lại, điều động, luân chuyển {two(n5)} công chức bảo đảm đúng quy trình, tiêu chuẩn theo quy định.", HT, None))
    r.append((5, "CV-NV04", {
        "q1": "Hoàn thành đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức năm 2023: 100% hoàn thành nhiệm vụ trở lên, trong đó 07 người hoàn thành xuất sắc nhiệm vụ.",
        "6m": "Duy trì đánh giá kết quả thực hiện nhiệm vụ hằng tháng đối với công chức, viên chức gắn với vị trí việc làm.",
        "q3": "Duy trì đánh giá kết quả thực hiện nhiệm vụ hằng tháng đối với công chức, viên chức gắn với vị trí việc làm.",
        "year": "Triển khai đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức năm 2024 theo Nghị định số 48/2023/NĐ-CP.",
    }[p], HT if p != "year" else DTH, None))
    r.append((5, "CV-NV06", "Tăng cường kỷ luật, kỷ cương hành chính theo Công điện số 968/CĐ-TTg; trong kỳ không có cán bộ, công chức, viên chức vi phạm kỷ luật. Cập nhật đầy đủ hồ sơ trên Phần mềm quản lý hồ sơ cán bộ, công chức, viên chức của tỉnh.", HT, None))
    r.append((5, "CV-NV05", "Thực hiện nghiêm Quy tắc ứng xử của cán bộ, công chức, viên chức trong cơ quan theo Đề án văn hóa công vụ; không có phản ánh về thái độ, tác phong của công chức tại Bộ phận Một cửa.", HT, None))
    # 6. tài chính công
    if p == "q3":
        r.append((6, "TCC-NV03", "Thực hiện Quy chế chi tiêu nội bộ năm 2024 đã ban hành trong quý I/2024; Trung tâm đã ban hành Quy chế chi tiêu nội bộ của đơn vị.", HT, None))
    else:
        r.append((6, "TCC-NV03", "Rà soát, sửa đổi, bổ sung Quy chế chi tiêu nội bộ năm 2024 của Ban; lấy ý kiến tại Hội nghị cán bộ, công chức, viên chức ngày 26/01/2024 và ban hành trong quý I/2024; hướng dẫn Trung tâm hoàn thiện Quy chế chi tiêu nội bộ của đơn vị.", HT, None))
    r.append((6, "TCC-NV04", "Công khai dự toán ngân sách năm 2024, quyết toán ngân sách năm 2023 theo Luật Ngân sách nhà nước; thực hành tiết kiệm, chống lãng phí; quản lý, sử dụng tài sản công đúng tiêu chuẩn, định mức.", HT, None))
    a6, b6 = c.v("VP", "TCC-01")
    r.append((6, "TCC-NV01", f"Thực hiện cơ chế tự chủ về kinh phí quản lý hành chính theo Nghị định số 130/2005/NĐ-CP, Nghị định số 117/2013/NĐ-CP; thực hiện {two(a6)}/{two(b6)} kiến nghị của Đoàn kiểm tra Sở Tài chính về quyết toán ngân sách.", HT, None))
    r.append((6, "TCC-NV05", {
        "q1": "Hướng dẫn Trung tâm Tư vấn, dịch vụ việc làm, hỗ trợ doanh nghiệp KCN xây dựng phương án tự chủ tài chính giai đoạn 2024 - 2026.",
        "6m": "Thẩm định phương án tự chủ tài chính giai đoạn 2024 - 2026 của Trung tâm, gửi Sở Tài chính cho ý kiến.",
        "q3": "Kiểm tra việc thực hiện cơ chế tự chủ tài chính và quản lý, sử dụng tài sản công tại Trung tâm Tư vấn, dịch vụ việc làm, hỗ trợ doanh nghiệp KCN.",
        "year": "Hoàn thành kiểm tra việc thực hiện cơ chế tự chủ tài chính tại Trung tâm; phương án tự chủ giai đoạn 2024 - 2026 của Trung tâm được phê duyệt.",
    }[p], progress("ongoing", p), None))
    r.append((6, "TCC-NV06", "Rà soát, cập nhật tài sản công trên Cơ sở dữ liệu quốc gia về tài sản công; không phát sinh sử dụng tài sản công vào mục đích kinh doanh, cho thuê.", HT, None))
    # 7. chính quyền số
    a7, b7 = c.v("VP", "CQS-03")
    x7, y7 = c.v("VP", "CQS-02")
    r.append((7, "CQS-NV04", f"Duy trì phần mềm Quản lý văn bản và hồ sơ công việc của tỉnh: {num(a7)}/{num(b7)} văn bản đi (trừ văn bản mật) được ký số và gửi, nhận điện tử; {num(x7)}/{num(y7)} hồ sơ công việc của Văn phòng được xử lý trên môi trường mạng ({pct(x7, y7)}).", HT, None))
    r.append((7, "CQS-NV01", f"Duy trì mô hình một cửa điện tử tại Bộ phận Một cửa; {pct(a['online'], a['received'])} hồ sơ TTHC được nộp trực tuyến; 100% văn bản điều hành của Lãnh đạo Ban được ký số.", progress("ongoing", p), None))
    r.append((7, "CQS-NV02", {
        "q1": "Rà soát hạ tầng mạng nội bộ, đề xuất Sở Thông tin và Truyền thông hỗ trợ nâng cấp đường truyền số liệu chuyên dùng.",
        "6m": "Phối hợp Sở Thông tin và Truyền thông nâng cấp đường truyền số liệu chuyên dùng, thay thế 12 máy tính đã hết khấu hao.",
        "q3": "Hoàn thành nâng cấp mạng nội bộ, lắp đặt tường lửa cho hệ thống máy chủ của Ban.",
        "year": "Hoàn thành nâng cấp hạ tầng mạng nội bộ, đường truyền số liệu chuyên dùng và trang thiết bị công nghệ thông tin năm 2024.",
    }[p], progress("ongoing", p), None))
    r.append((7, "CQS-NV09", "Vận hành ổn định mạng internet, mạng wi-fi, phần mềm quản lý văn bản và các trang thiết bị phục vụ hoạt động của cơ quan.", HT, None))
    r.append((7, "CQS-NV11", {
        "q1": "Rà soát 08 TTHC đủ điều kiện cung cấp dịch vụ công trực tuyến toàn trình để đề nghị tích hợp lên Cổng Dịch vụ công của tỉnh.",
        "6m": "Đề nghị tích hợp 06 dịch vụ công trực tuyến toàn trình lên Cổng Dịch vụ công của tỉnh và Cổng Dịch vụ công quốc gia.",
        "q3": "Phối hợp VNPT Hải Dương cấu hình quy trình điện tử cho 06 dịch vụ công trực tuyến toàn trình mới tích hợp.",
        "year": "100% TTHC đủ điều kiện được cung cấp dịch vụ công trực tuyến toàn trình và tích hợp trên Cổng Dịch vụ công quốc gia.",
    }[p], progress("ongoing", p), None))
    r.append((7, "CQS-NV08", f"Triển khai chữ ký số trên thiết bị di động cho {two({'q1': 6, '6m': 14, 'q3': 14, 'year': 16}[p])} lãnh đạo Ban và lãnh đạo các phòng, đơn vị.", progress("ongoing", p), None))
    r.append((7, "CQS-NV03", "Phối hợp Sở Thông tin và Truyền thông kết nối các hệ thống thông tin của Ban qua nền tảng LGSP của tỉnh: 03/04 hệ thống đã kết nối; Hệ thống cơ sở dữ liệu doanh nghiệp KCN chưa kết nối do chưa được nâng cấp.", DTH, None))
    r.append((7, "CQS-NV05", f"Trang thông tin điện tử của Ban hoạt động ổn định, cập nhật {two(part(120, p))} tin, bài; công khai đầy đủ thông tin theo Nghị định số 42/2022/NĐ-CP.", HT, None))
    r.append((7, "CQS-NV06", "Ban hành Kế hoạch ứng dụng công nghệ thông tin, chuyển đổi số năm 2024 của Ban." if p == "q1"
              else "Triển khai Kế hoạch ứng dụng công nghệ thông tin, chuyển đổi số năm 2024 của Ban theo đúng tiến độ.",
              HT if p in ("q1", "year") else DTH, None))
    if p == "q1":
        r.append((7, "CQS-NV13", "Thành lập Tổ Công nghệ số cộng đồng của Ban gồm 07 thành viên.", HT, None))
    else:
        r.append((7, "CQS-NV13", f"Tổ Công nghệ số cộng đồng của Ban hướng dẫn {two(part(260, p))} lượt doanh nghiệp nộp hồ sơ trực tuyến, thanh toán phí, lệ phí trực tuyến.", progress("ongoing", p), None))
    r.append((7, "CQS-NV12", "Cử 02 công chức tham gia diễn tập ứng cứu sự cố an toàn thông tin mạng do Sở Thông tin và Truyền thông tổ chức." if p in ("q3", "year")
              else "Rà soát phương án ứng cứu sự cố máy tính của Ban, cử công chức đầu mối tham gia Đội ứng cứu sự cố của tỉnh.",
              HT if p in ("q3", "year") else DTH, None))
    r.append((7, "CQS-NV07", "Duy trì sử dụng thư điện tử công vụ trong trao đổi công việc, thông báo họp nội bộ; phát hành văn bản tới các phòng, đơn vị qua thư điện tử và Website Ban.", HT, None))
    r.append((7, "CQS-NV10", "Duy trì Hệ thống thông tin giải quyết TTHC của tỉnh tại Bộ phận Một cửa; 100% hồ sơ TTHC được cập nhật, theo dõi tiến độ trên Hệ thống.", HT, None))
    # 8. tác động
    s8, n8 = c.v("VP", "DGTD-01")
    r.append((8, "DGTD-NV01", f"Phối hợp Sở Nội vụ khảo sát sự hài lòng của người dân, tổ chức đối với sự phục vụ của Ban: {num(s8)}/{num(n8)} phiếu đánh giá hài lòng và rất hài lòng ({pct(s8, n8)}).", progress("ongoing", p), None))
    return r


def results_qldt(c: Ctx) -> list[tuple]:
    p, s = c.p, c.by["QLDT"]
    r = [
        (1, None, "Quán triệt Kế hoạch CCHC năm 2024 của Ban đến 100% công chức của phòng; phân công công chức theo dõi từng nhiệm vụ được giao." if p == "q1" else "Thực hiện nghiêm các nhiệm vụ CCHC được Lãnh đạo Ban giao; báo cáo kết quả định kỳ về Văn phòng.", HT, None),
        (3, "TTHC-NV05", f"Tiếp nhận {two(s['rec']['dt_cap'])} hồ sơ cấp mới và {two(s['rec']['dt_dc'])} hồ sơ điều chỉnh Giấy chứng nhận đăng ký đầu tư; đã cấp mới {two(s['res']['dt_cap'])} Giấy chứng nhận đăng ký đầu tư với tổng vốn đăng ký {usd(s['new_capital'])} triệu USD, điều chỉnh {two(s['res']['dt_dc'])} lượt (trong đó {two(s['increases'])} lượt tăng vốn, tăng thêm {usd(s['added_capital'])} triệu USD). Kết quả giải quyết được trả bản điện tử có ký số.", HT, None),
        (3, None, f"Giải quyết {two(s['res']['dt_gopvon'])} hồ sơ góp vốn, mua cổ phần của nhà đầu tư nước ngoài; cấp lại {two(s['res']['dt_caplai'])} Giấy chứng nhận đăng ký đầu tư; chấm dứt hoạt động {two(s['res']['dt_chamdut'])} dự án đầu tư.", HT, None),
        (3, "TTHC-NV02", {
            "q1": "Rà soát 12 TTHC lĩnh vực đầu tư áp dụng tại Ban; cập nhật quy trình nội bộ, quy trình điện tử trên Hệ thống thông tin giải quyết TTHC của tỉnh.",
            "6m": "Đề xuất phương án đơn giản hóa thành phần hồ sơ của 02 TTHC (điều chỉnh, cấp lại Giấy chứng nhận đăng ký đầu tư); công khai hằng tháng kết quả giải quyết TTHC trên Trang thông tin điện tử của Ban.",
            "q3": "Công khai hằng tháng kết quả giải quyết TTHC lĩnh vực đầu tư; cập nhật 02 TTHC sửa đổi theo Quyết định công bố của Bộ Kế hoạch và Đầu tư.",
            "year": "Hoàn thành rà soát, đơn giản hóa TTHC năm 2024: 02 TTHC được cắt giảm thành phần hồ sơ; 100% TTHC được công bố, công khai đúng quy định.",
        }[p], progress("ongoing", p), None),
        (7, None, "Cập nhật đầy đủ thông tin dự án trên Hệ thống thông tin quốc gia về đầu tư; hồ sơ nộp trực tiếp được số hóa ngay khi tiếp nhận tại Bộ phận Một cửa.", HT, None),
        (8, "DGTD-NV02", f"Phối hợp các chủ đầu tư hạ tầng KCN xúc tiến đầu tư: trong {c.ky} thu hút {two(s['new_projects'])} dự án mới và {two(s['increases'])} lượt dự án tăng vốn, tổng vốn đăng ký mới và tăng thêm đạt {usd(s['new_capital'] + s['added_capital'])} triệu USD.", progress("ongoing", p), None),
    ]
    if c.v("QLDT", "TC-02"):
        r.insert(1, (2, None, {
            "6m": "Tham mưu UBND tỉnh ban hành Quyết định sửa đổi Quy chế phối hợp quản lý nhà nước đối với các KCN trên địa bàn tỉnh.",
            "q3": "Tham gia góp ý dự thảo Quyết định của UBND tỉnh quy định trình tự giới thiệu địa điểm đầu tư trong KCN.",
            "year": "Tham mưu, tham gia xây dựng 02 văn bản QPPL của UBND tỉnh về quản lý đầu tư trong KCN.",
        }[p], HT, None))
    return r


def results_qldn(c: Ctx) -> list[tuple]:
    p, s = c.p, c.by["QLDN"]
    reused = c.all["reused"]
    return [
        (1, None, "Phổ biến Kế hoạch CCHC năm 2024 của Ban tới toàn thể công chức của phòng; đưa nội dung CCHC vào đánh giá kết quả công việc hằng tháng.", HT, None),
        (2, None, f"Phổ biến Luật Doanh nghiệp năm 2020, Luật Đầu tư năm 2020 và văn bản hướng dẫn cho {two(part(160, p))} lượt doanh nghiệp tại các hội nghị tập huấn.", HT, None),
        (3, None, f"Cấp {num(s['res']['co'])} bộ Giấy chứng nhận xuất xứ hàng hóa (C/O) ưu đãi cho doanh nghiệp trong KCN; cấp {two(s['res']['vpdd'])} Giấy phép thành lập Văn phòng đại diện, {two(s['res']['gpkd'])} Giấy phép kinh doanh cho tổ chức kinh tế có vốn đầu tư nước ngoài; xác nhận ưu đãi {two(s['res']['cnht'])} dự án sản xuất sản phẩm công nghiệp hỗ trợ.", HT, "Thời gian cấp C/O bình quân < 8 giờ làm việc"),
        (3, "TTHC-NV04", f"Phối hợp kết nối, chia sẻ dữ liệu doanh nghiệp KCN với Hệ thống thông tin giải quyết TTHC và Cổng Dịch vụ công quốc gia; {num(reused)}/{num(c.all['received'])} hồ sơ ({pct(reused, c.all['received'])}) không phải cung cấp lại giấy tờ đã được chấp nhận hoặc chia sẻ.", progress("ongoing", p), None),
        (3, None, f"Tổ chức {two(part(4, p))} hội nghị đối thoại doanh nghiệp KCN; tiếp nhận {two(part(36, p))} kiến nghị, đã trả lời, giải quyết {two(part(34, p))} kiến nghị, số còn lại đang phối hợp các sở, ngành xử lý.", progress("ongoing", p), None),
        (8, None, f"Tổng hợp báo cáo giám sát, đánh giá đầu tư của {num(part(420, p))}/{num(part(468, p))} doanh nghiệp trên Hệ thống thông tin quốc gia về đầu tư; đôn đốc các doanh nghiệp chưa nộp báo cáo đúng hạn.", progress("ongoing", p), None),
        (7, None, "Vận hành phần mềm tiếp nhận báo cáo trực tuyến của doanh nghiệp KCN (báo cáo thống kê, báo cáo tình hình sản xuất kinh doanh).", HT, None),
    ]


def results_qhxd(c: Ctx) -> list[tuple]:
    p, s = c.p, c.by["QHXD"]
    late = sum(s["late_by"][k] for k in ("xd_gp", "xd_dcgp", "xd_tk", "xd_qh"))
    r = [
        (1, None, "Phòng Quy hoạch & Xây dựng quán triệt Kế hoạch CCHC năm 2024, phân công công chức phụ trách từng nhiệm vụ, từng KCN.", HT, None),
        (2, None, f"Phòng Quy hoạch & Xây dựng phối hợp Sở Xây dựng kiểm tra việc chấp hành pháp luật về xây dựng, trật tự xây dựng tại {two(part(14, p))} dự án trong KCN Phúc Điền, KCN Tân Trường, KCN Lai Vu.", HT, None),
        (3, None, f"Cấp {two(s['res']['xd_gp'])} giấy phép xây dựng, điều chỉnh, gia hạn {two(s['res']['xd_dcgp'])} giấy phép xây dựng; thẩm định {two(s['res']['xd_tk'])} hồ sơ thiết kế cơ sở, báo cáo nghiên cứu khả thi; thẩm định {two(s['res']['xd_qh'])} nhiệm vụ, đồ án quy hoạch chi tiết xây dựng tỷ lệ 1/500.", HT,
         f"{two(late)} hồ sơ trả quá hạn" if late else "Thời gian giải quyết bình quân < 12 ngày làm việc"),
        (3, None, {
            "q1": "Rà soát quy hoạch chi tiết KCN Cẩm Điền - Lương Điền theo nhiệm vụ UBND tỉnh giao.",
            "6m": "Rà soát quy hoạch chi tiết KCN Cẩm Điền - Lương Điền: chưa hoàn thành do chờ ý kiến của Sở Xây dựng và UBND huyện Cẩm Giàng về phương án đấu nối hạ tầng.",
            "q3": "Hoàn thành rà soát quy hoạch chi tiết KCN Cẩm Điền - Lương Điền, báo cáo UBND tỉnh.",
            "year": "Hoàn thành rà soát quy hoạch chi tiết KCN Cẩm Điền - Lương Điền và KCN Lai Cách mở rộng (01 nhiệm vụ chậm so với tiến độ giao).",
        }[p], {"q1": DTH, "6m": DTH, "q3": HT, "year": HT}[p], None),
        (7, None, "100% hồ sơ cấp giấy phép xây dựng tiếp nhận trực tuyến được xử lý trên Hệ thống thông tin giải quyết TTHC; kết quả trả bản điện tử có ký số.", HT, None),
    ]
    if c.v("QHXD", "TC-02"):
        r.insert(2, (2, None, "Tham gia xây dựng dự thảo Quyết định của UBND tỉnh quy định phân cấp, ủy quyền cấp giấy phép xây dựng đối với công trình trong KCN.", HT, None))
    return r


def results_qlmt(c: Ctx) -> list[tuple]:
    p, s = c.p, c.by["QLMT"]
    return [
        (1, None, "Quán triệt Kế hoạch CCHC năm 2024 của Ban tới công chức của phòng.", HT, None),
        (2, None, f"Phổ biến Luật Bảo vệ môi trường năm 2020, Nghị định số 08/2022/NĐ-CP, Thông tư số 02/2022/TT-BTNMT cho {two(part(120, p))} doanh nghiệp trong các KCN.", HT, None),
        (2, None, f"Phối hợp Phòng Cảnh sát phòng, chống tội phạm về môi trường Công an tỉnh kiểm tra công tác bảo vệ môi trường tại {two(part(24, p))} doanh nghiệp.", progress("ongoing", p), None),
        (3, None, f"Tiếp nhận, giải quyết {two(s['res']['mt_dk'])} hồ sơ đăng ký môi trường và {two(s['res']['mt_kh'])} hồ sơ xác nhận kế hoạch bảo vệ môi trường; 100% hồ sơ giải quyết đúng hạn." if s["late"] == 0 else f"Tiếp nhận, giải quyết {two(s['res']['mt_dk'])} hồ sơ đăng ký môi trường và {two(s['res']['mt_kh'])} hồ sơ xác nhận kế hoạch bảo vệ môi trường.", HT, None),
        (7, None, "Theo dõi dữ liệu quan trắc tự động, liên tục nước thải của 09 trạm xử lý nước thải tập trung KCN được truyền về Sở Tài nguyên và Môi trường.", HT, None),
    ]


def results_qlld(c: Ctx) -> list[tuple]:
    p, s = c.p, c.by["QLLD"]
    r = [
        (1, None, "Quán triệt Kế hoạch CCHC năm 2024; phân công công chức tiếp nhận, thẩm định hồ sơ TTHC lĩnh vực lao động theo từng KCN.", HT, None),
        (3, None, f"Cấp mới {num(s['res']['ld_gp'])}, cấp lại {two(s['res']['ld_caplai'])}, gia hạn {two(s['res']['ld_giahan'])} giấy phép lao động cho người lao động nước ngoài; xác nhận {two(s['res']['ld_xn'])} trường hợp không thuộc diện cấp giấy phép lao động; chấp thuận nhu cầu sử dụng người lao động nước ngoài cho {num(s['res']['ld_nc'])} lượt doanh nghiệp.", HT, None),
        (3, None, f"Tiếp nhận đăng ký nội quy lao động của {two(s['res']['ld_nq'])} doanh nghiệp; hướng dẫn sửa đổi {two(part(12, p))} nội quy chưa phù hợp quy định của Bộ luật Lao động năm 2019.", HT, None),
        (3, "TTHC-NV09", f"Hướng dẫn doanh nghiệp thanh toán trực tuyến lệ phí cấp giấy phép lao động qua Cổng Dịch vụ công quốc gia: {num(s['paid'])}/{num(s['fee'])} hồ sơ có phí được thanh toán trực tuyến ({pct(s['paid'], s['fee'])})." + (" Từ tháng 4/2024 triển khai thu lệ phí qua nền tảng thanh toán của Cổng." if p != "q1" else ""), progress("ongoing", p), None),
        (3, "TTHC-NV07", f"Phối hợp Bộ phận Một cửa lấy ý kiến đánh giá của doanh nghiệp: {num(s['rated'])} lượt đánh giá, {num(s['satisfied'])} lượt hài lòng và rất hài lòng ({pct(s['satisfied'], s['rated'])}).", HT, None),
        (8, None, f"Theo dõi quan hệ lao động trong các KCN: trong {c.ky} xảy ra {two({'q1': 2, '6m': 3, 'q3': 1, 'year': 5}[p])} vụ ngừng việc tập thể, đã phối hợp Liên đoàn Lao động tỉnh giải quyết dứt điểm, không để phát sinh điểm nóng.", HT, None),
    ]
    if c.v("QLLD", "TC-01"):
        r.insert(1, (2, None, f"Phối hợp Sở Lao động - Thương binh và Xã hội kiểm tra tình hình thi hành pháp luật lao động tại {two(part(30, p))} doanh nghiệp trong KCN.", HT, None))
    if c.v("QLLD", "TC-02"):
        r.insert(1, (2, None, "Tham gia góp ý dự thảo Nghị định sửa đổi, bổ sung Nghị định số 152/2020/NĐ-CP về người lao động nước ngoài làm việc tại Việt Nam.", HT, None))
    return r


def results_ttdv(c: Ctx) -> list[tuple]:
    p = c.p
    a, b = c.v("TTDV", "CV-01")
    return [
        (1, None, "Quán triệt Kế hoạch CCHC năm 2024 của Ban tới viên chức, người lao động của Trung tâm.", HT, None),
        (5, None, f"Tổ chức xét tuyển {two(b)} viên chức theo đúng trình tự, thủ tục quy định tại Nghị định số 115/2020/NĐ-CP; {two(a)}/{two(b)} viên chức được tuyển dụng đúng thời gian.", HT, None),
        (6, "TCC-NV02", {
            "q1": "Xây dựng phương án tự chủ tài chính giai đoạn 2024 - 2026 của Trung tâm theo Nghị định số 60/2021/NĐ-CP; ban hành Quy chế chi tiêu nội bộ năm 2024.",
            "6m": "Hoàn thiện phương án tự chủ tài chính giai đoạn 2024 - 2026, trình Ban thẩm định và gửi Sở Tài chính cho ý kiến.",
            "q3": "Tiếp thu ý kiến của Sở Tài chính, hoàn thiện phương án tự chủ tài chính trình cấp có thẩm quyền phê duyệt.",
            "year": "Phương án tự chủ tài chính giai đoạn 2024 - 2026 được phê duyệt; Trung tâm tự bảo đảm một phần chi thường xuyên.",
        }[p], progress("ongoing", p), None),
        (8, None, f"Tư vấn, giới thiệu việc làm cho {num(part(5200, p))} lượt người lao động; tổ chức {two(part(24, p))} phiên giao dịch việc làm tại các KCN; hỗ trợ {two(part(180, p))} doanh nghiệp tuyển dụng {num(part(3100, p))} lao động.", HT, None),
        (8, None, f"Hỗ trợ doanh nghiệp: tư vấn thủ tục đầu tư, lao động, bảo hiểm cho {two(part(340, p))} lượt doanh nghiệp; tổ chức {two(part(6, p))} lớp tập huấn kỹ năng cho cán bộ nhân sự doanh nghiệp KCN.", HT, None),
        (7, None, f"Vận hành Sàn giao dịch việc làm trực tuyến của Trung tâm; đăng tải {num(part(1400, p))} tin tuyển dụng của doanh nghiệp.", HT, None),
    ]


RESULTS = {"VP": results_vp, "QLDT": results_qldt, "QLDN": results_qldn, "QHXD": results_qhxd,
           "QLMT": results_qlmt, "QLLD": results_qlld, "TTDV": results_ttdv}


def shortcomings(dept: str, c: Ctx) -> list[tuple[str, str | None]]:
    p = c.p
    out: list[tuple[str, str | None]] = []
    if dept == "VP":
        num2 = sum(c.ind[d]["CQS-02"][p][0] for d in c.ind if "CQS-02" in c.ind[d])
        den2 = sum(c.ind[d]["CQS-02"][p][1] for d in c.ind if "CQS-02" in c.ind[d])
        if num2 < 0.85 * den2:
            out.append((f"Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng ({pct(num2, den2)}) chưa đạt chỉ tiêu kế hoạch (85%).",
                        "Một số hồ sơ có tài liệu kèm theo dung lượng lớn, bản vẽ khổ lớn chưa được số hóa nên vẫn xử lý song song bản giấy."))
        out.append(("Hệ thống cơ sở dữ liệu doanh nghiệp KCN chưa kết nối qua nền tảng LGSP của tỉnh (03/04 hệ thống đã kết nối, chưa đạt chỉ tiêu 80%).",
                    "Phần mềm được xây dựng từ năm 2016, chưa đáp ứng chuẩn kết nối; chưa được bố trí kinh phí nâng cấp."))
        a = c.all
        if a["paid"] < 0.5 * a["fee"]:
            out.append((f"Tỷ lệ giao dịch thanh toán trực tuyến phí, lệ phí đạt {pct(a['paid'], a['fee'])}, chưa đạt chỉ tiêu 50%.",
                        "Nhiều doanh nghiệp FDI chưa có tài khoản thanh toán trực tuyến trong nước, còn thói quen nộp lệ phí trực tiếp."))
        if p == "year":
            out.append(("Đề án vị trí việc làm của Ban chưa được phê duyệt nên việc sắp xếp, bố trí công chức theo vị trí việc làm mới còn chậm.",
                        "Đang chờ UBND tỉnh phê duyệt sau khi Sở Nội vụ thẩm định."))
    elif dept == "QLDT":
        out.append(("Một số hồ sơ điều chỉnh dự án đầu tư phải yêu cầu bổ sung, hoàn thiện nhiều lần.",
                    "Nhà đầu tư nước ngoài chưa nắm rõ quy định; hồ sơ thiếu văn bản hợp pháp hóa lãnh sự; một số đơn vị tư vấn dịch vụ chưa chuyên nghiệp."))
    elif dept == "QLDN":
        out.append(("Tỷ lệ doanh nghiệp nộp báo cáo giám sát, đánh giá đầu tư đúng hạn còn thấp.",
                    "Một số doanh nghiệp chưa quan tâm, thường xuyên thay đổi nhân sự phụ trách báo cáo."))
    elif dept == "QHXD":
        s = c.by["QHXD"]
        if s["late"]:
            out.append((f"Còn {two(s['late'])} hồ sơ TTHC lĩnh vực xây dựng giải quyết quá hạn.",
                        "Hồ sơ phức tạp, phải lấy ý kiến cơ quan Cảnh sát PCCC & CNCH; thời gian chờ ý kiến cơ quan phối hợp chưa được tách khỏi thời hạn giải quyết."))
        if p in ("6m", "year"):
            out.append(("01 nhiệm vụ UBND tỉnh giao (rà soát quy hoạch chi tiết KCN Cẩm Điền - Lương Điền) chưa hoàn thành đúng tiến độ.",
                        "Chờ ý kiến thống nhất của Sở Xây dựng và UBND huyện Cẩm Giàng về phương án đấu nối hạ tầng."))
    elif dept == "QLMT":
        out.append(("Một số doanh nghiệp chưa thực hiện đầy đủ quan trắc môi trường định kỳ, báo cáo công tác bảo vệ môi trường chậm.",
                    "Nhận thức về trách nhiệm bảo vệ môi trường của một bộ phận doanh nghiệp chưa cao; lực lượng công chức mỏng (04 người)."))
    elif dept == "QLLD":
        out.append(("Hồ sơ đề nghị cấp giấy phép lao động còn phải bổ sung, hoàn thiện nhiều lần.",
                    "Giấy tờ chứng minh kinh nghiệm của người lao động nước ngoài chưa được hợp pháp hóa lãnh sự, bản dịch chưa đúng quy định."))
    elif dept == "TTDV" and p != "q1":
        out.append(("Số lao động được giới thiệu việc làm thành công còn thấp so với nhu cầu tuyển dụng của doanh nghiệp.",
                    None))
    return out


def recommendations(dept: str, p: str) -> list[str]:
    return {
        "VP": ["Đề nghị Sở Thông tin & Truyền thông hỗ trợ nâng cấp, kết nối Hệ thống cơ sở dữ liệu doanh nghiệp KCN với nền tảng LGSP của tỉnh."]
        + (["Đề nghị UBND tỉnh sớm phê duyệt Đề án vị trí việc làm của Ban và của Trung tâm Tư vấn, dịch vụ việc làm, hỗ trợ doanh nghiệp KCN."] if p in ("q3", "year") else []),
        "QLDT": ["Đề nghị Bộ Kế hoạch và Đầu tư kết nối Hệ thống thông tin quốc gia về đầu tư với Hệ thống thông tin giải quyết TTHC của tỉnh, tránh nhập liệu hai lần."],
        "QLDN": ["Đề nghị UBND tỉnh chỉ đạo các sở, ngành chia sẻ dữ liệu đăng ký doanh nghiệp, thuế qua nền tảng LGSP để giảm giấy tờ doanh nghiệp phải nộp."],
        "QHXD": ["Đề nghị Sở Xây dựng hướng dẫn việc tính thời hạn thẩm định đối với công trình phải lấy ý kiến thẩm duyệt thiết kế về PCCC trong KCN."],
        "QLMT": [],
        "QLLD": ["Đề nghị Trung tâm Phục vụ hành chính công tỉnh phối hợp đơn vị cung cấp phần mềm tích hợp thanh toán lệ phí cấp giấy phép lao động bằng mã QR."],
        "TTDV": ["Đề nghị Ban bố trí kinh phí nâng cấp Sàn giao dịch việc làm trực tuyến, kết nối với Cổng thông tin việc làm của Bộ Lao động - Thương binh và Xã hội."] if p in ("6m", "year") else [],
    }[dept]


def directions(dept: str, p: str) -> list[str]:
    nx = NEXT[p]
    common = {
        "VP": [f"Tiếp tục theo dõi, đôn đốc các phòng, đơn vị thực hiện nhiệm vụ CCHC {nx}; kiểm tra trực tiếp công tác CCHC tại các phòng, đơn vị chưa được kiểm tra.",
               "Phối hợp Sở Thông tin và Truyền thông hoàn thành kết nối Hệ thống cơ sở dữ liệu doanh nghiệp KCN qua nền tảng LGSP.",
               "Nâng tỷ lệ hồ sơ công việc xử lý trên môi trường mạng đạt từ 85% trở lên."],
        "QLDT": [f"Giải quyết đúng hạn, trước hạn 100% hồ sơ TTHC lĩnh vực đầu tư {nx}.",
                 "Tiếp tục rà soát, đề xuất đơn giản hóa TTHC lĩnh vực đầu tư."],
        "QLDN": ["Đôn đốc doanh nghiệp nộp báo cáo giám sát, đánh giá đầu tư đúng hạn.",
                 f"Tổ chức hội nghị đối thoại doanh nghiệp KCN {nx}."],
        "QHXD": ["Rút ngắn thời gian thẩm định thiết kế cơ sở; phối hợp chặt chẽ với cơ quan Cảnh sát PCCC & CNCH để không phát sinh hồ sơ quá hạn.",
                 "Tăng cường kiểm tra trật tự xây dựng trong các KCN."],
        "QLMT": [f"Kiểm tra công tác bảo vệ môi trường tại các doanh nghiệp có nguồn thải lớn {nx}.",
                 "Hướng dẫn doanh nghiệp thực hiện đăng ký môi trường trực tuyến."],
        "QLLD": ["Nâng tỷ lệ thanh toán trực tuyến lệ phí cấp giấy phép lao động.",
                 "Theo dõi chặt chẽ quan hệ lao động, nhất là dịp cuối năm và trước Tết Nguyên đán." if p in ("q3", "year") else "Theo dõi chặt chẽ quan hệ lao động trong các KCN."],
        "TTDV": [f"Tổ chức các phiên giao dịch việc làm {nx}; tăng cường kết nối cung - cầu lao động.",
                 "Thực hiện phương án tự chủ tài chính theo Nghị định số 60/2021/NĐ-CP."],
    }
    return common[dept]


# --------------------------------------------------------------------------- #
# Tasks: Mã nhiệm vụ from the plan (when present)
# --------------------------------------------------------------------------- #
def assign_tasks(rows: list[tuple], dept: str, tasks: list[dict], p: str) -> list[tuple]:
    """Keep a row's task code only when the plan has that task owned by `dept`
    in the same area; add a row for each task of `dept` not reported yet."""
    owned = {t["code"]: t for t in tasks if t.get("owner") == dept}
    out, used = [], set()
    for area, code, text, prog, note in rows:
        if code not in owned or owned[code].get("area") != area:
            code = None
        if code:
            used.add(code)
        out.append((area, code, text, prog, note))
    for code, task in owned.items():
        if code in used:
            continue
        deadline = str(task.get("deadline") or "")
        done_at = "q1" if re.search(r"Quý I\b(?!I)", deadline) else None
        status = HT if (done_at or p == "year") else DTH
        if status == HT:
            phrase = "đã hoàn thành theo kế hoạch"
        phrase = {
            "q1": "đã phân công công chức theo dõi, xây dựng nội dung triển khai",
            "6m": "đang triển khai theo kế hoạch, bảo đảm tiến độ",
            "q3": "tiếp tục triển khai, đôn đốc thực hiện",
            "year": "đã hoàn thành theo kế hoạch",
        }[p]
        text = re.sub(r"\s*\{[^}]*\}", "", str(task.get("text", ""))).strip()
        first = re.split(r"(?<=[.;])\s", text)[0].split(":")[0].rstrip(" .;,")
        first = first[:1].lower() + first[1:] if first[:2] != first[:2].upper() else first
        out.append((int(task.get("area") or 1), code, f"Thực hiện nhiệm vụ «{first}»: {phrase}.", status, None))
    out.sort(key=lambda r: r[0])
    return out


# --------------------------------------------------------------------------- #
# Submission workbooks
# --------------------------------------------------------------------------- #
PEOPLE = {
    "VP": ("Nguyễn Quang Hưng", "0220 3853 425"),
    "QLDT": ("Trần Thị Thu Hà", "0220.3853.618"),
    "QLDN": ("Phạm Văn Dũng", "0912 468 305"),
    "QHXD": ("Lê Minh Tuấn", "0220 3853 717"),
    "QLMT": ("Vũ Thị Lan Anh", "0983.271.446"),
    "QLLD": ("Đỗ Thị Hồng Nhung", "0220 3853 529"),
    "TTDV": ("Bùi Đức Thắng", "0220.3891.216"),
}
FILE_NAMES = {
    "VP": {"q1": "VP_Quy1_2024.xlsx", "6m": "VP_6thang_2024.xlsx", "q3": "VP_Quy3_2024.xlsx", "year": "VP_Nam_2024.xlsx"},
    "QLDT": {"q1": "BC CCHC quy I - Phong QLDT.xlsx", "6m": "BC CCHC 6 thang - Phong QLDT (ban sua 11.6).xlsx",
             "q3": "BC CCHC quy III - Phong QLDT.xlsx", "year": "BC CCHC nam 2024 - Phong QLDT.xlsx"},
    "QLDN": {"q1": "QLDN_BC_CCHC_Q1.2024.xlsx", "6m": "QLDN_BC_CCHC_6T.2024.xlsx", "q3": "QLDN_BC_CCHC_Q3.2024.xlsx", "year": "QLDN_BC_CCHC_Nam2024.xlsx"},
    "QHXD": {"q1": "Phong QHXD - bao cao CCHC quy 1.xlsx", "6m": "Phong QHXD - bao cao CCHC 6 thang.xlsx",
             "q3": "Phong QHXD - bao cao CCHC quy 3.xlsx", "year": "Phong QHXD - bao cao CCHC nam.xlsx"},
    "QLMT": {"q1": "QLMT-CCHC-2024-Q1.xlsx", "6m": "QLMT-CCHC-2024-6T.xlsx", "q3": "QLMT-CCHC-2024-Q3.xlsx", "year": "QLMT-CCHC-2024-Nam.xlsx"},
    "QLLD": {"q1": "QLLD - BC CCHC quy I.xlsx", "6m": "QLLD - BC CCHC 6 thang dau nam.xlsx",
             "q3": nfc("Báo cáo CCHC quý III - Phòng QLLĐ.xlsx"), "year": "QLLD - BC CCHC nam 2024.xlsx"},
    "TTDV": {"q1": "TTDV_baocao_CCHC_q1.xlsx", "6m": "TTDV_baocao_CCHC_6thang.xlsx", "q3": "TTDV_baocao_CCHC_q3.xlsx", "year": "TTDV_baocao_CCHC_nam.xlsx"},
}
FIRST_VERSION_NAME = "BC CCHC 6 thang - Phong QLDT.xlsx"
PERIOD_SPELLING = {  # what each clerk types in Kỳ báo cáo
    "VP": {"q1": "Quý I", "6m": "6 tháng", "q3": "Quý III", "year": "Năm"},
    "QLDT": {"q1": "q1", "6m": "6m", "q3": "q3", "year": "year"},
    "QLDN": {"q1": "Quý I", "6m": "6 tháng", "q3": "Quý III", "year": "Năm"},
    "QHXD": {"q1": "Quý I", "6m": "6 tháng", "q3": "Quý III", "year": "Năm"},
    "QLMT": {"q1": "q1", "6m": "6m", "q3": "q3", "year": "year"},
    "QLLD": {"q1": "Quý I", "6m": "6 tháng", "q3": "q3", "year": "Năm"},
    "TTDV": {"q1": "q1", "6m": "6m", "q3": "q3", "year": "year"},
}

HEADERS = {
    "Kết quả": ["Lĩnh vực", "Mã nhiệm vụ", "Kết quả thực hiện", "Tiến độ", "Ghi chú"],
    "Số liệu": ["Mã chỉ tiêu", "Giá trị", "Mẫu số", "Ghi chú"],
    "Tồn tại, hạn chế": ["Nội dung", "Nguyên nhân"],
    "Kiến nghị": ["Nội dung"],
    "Phương hướng": ["Nội dung"],
}


def header_text(dept: str, name: str) -> str:
    """Headers as each clerk's template has them (all match the contract)."""
    if dept == "QLDN":
        return name.upper()
    if dept == "QLDT":
        return f"  {name} "
    if dept == "TTDV" and name == "Kết quả thực hiện":
        return "Kết quả  thực hiện"  # a double space typed by hand
    return name


def sent_day(end: dt.date, due: dt.date, pick: float) -> dt.date:
    """A working day after the data cut-off (`end`) and before `due`; `pick` in
    [0, 1) chooses which (clerks send in the last days)."""
    days = np.arange(np.datetime64(end) + 1, np.datetime64(due))
    days = days[np.is_busday(days, holidays=HOLIDAYS)]
    return days[int(pick * len(days))].astype(object)


def write_submission(path: Path, dept: str, p: str, year: int, sent: dt.date, results: list[tuple],
                     indicators: list[tuple], faults: list, recs: list[str], dirs: list[str]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Thông tin"
    person, phone = PEOPLE[dept]
    info = [("Đơn vị", dept), ("Kỳ báo cáo", PERIOD_SPELLING[dept][p]), ("Năm", year),
            ("Ngày gửi", dt.datetime.combine(sent, dt.time())), ("Người lập", person), ("Điện thoại", phone)]
    for row in info:
        ws.append(list(row))
    ws["B4"].number_format = "dd/mm/yyyy"
    for cell in ws["A"]:
        cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 28

    stt = dept in ("QLDT", "QHXD")  # an STT column first
    extra = dept == "QLLD"  # an extra column at the end

    def sheet(name: str, rows: list[list], widths: list[int]):
        sh = wb.create_sheet(name)
        heads = [header_text(dept, h) for h in HEADERS[name]]
        if stt:
            heads = ["STT"] + heads
            widths = [6] + widths
        if extra and name == "Kết quả":
            heads = heads + ["Công chức thực hiện"]
            widths = widths + [22]
        sh.append(heads)
        style_header(sh, 1, len(heads))
        i = 0
        for values in rows:
            if values is None:  # an empty row left by the clerk
                sh.append([])
                continue
            i += 1
            vals = list(values)
            if stt:
                vals = [i] + vals
            if extra and name == "Kết quả":
                vals = vals + [person]
            sh.append(vals)
        for col, w in enumerate(widths, start=1):
            sh.column_dimensions[get_column_letter(col)].width = w
        for row in sh.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        return sh

    res_rows: list = []
    prev_area = None
    for area, code, text, prog, note in results:
        if dept == "QLDN" and prev_area is not None and area != prev_area:
            res_rows.append(None)
        res_rows.append([area, code, text, prog, note])
        prev_area = area
    if dept == "TTDV":
        res_rows.append(None)
    num_rows = [list(r) for r in indicators]
    order = ["Số liệu", "Kết quả"] if dept == "QHXD" else ["Kết quả", "Số liệu"]
    for name in order:
        if name == "Kết quả":
            sheet("Kết quả", res_rows, [9, 13, 90, 16, 28])
        else:
            sheet("Số liệu", num_rows, [13, 10, 10, 48])
    if faults:
        sheet("Tồn tại, hạn chế", [[a, b] for a, b in faults], [70, 70])
    if recs or dept != "QLMT":
        sheet("Kiến nghị", [[x] for x in recs], [100])
    sheet("Phương hướng", [[x] for x in dirs], [100])
    if dept == "VP":
        guide = wb.create_sheet("Hướng dẫn")
        for line in (
            "Lĩnh vực: 1 Chỉ đạo điều hành; 2 Thể chế; 3 TTHC; 4 Tổ chức bộ máy; 5 Công vụ; 6 Tài chính công; 7 Chính quyền số; 8 Đánh giá tác động.",
            "Tiến độ: Hoàn thành / Đang thực hiện / Chưa thực hiện.",
            "Số liệu tỷ lệ: Giá trị là tử số, Mẫu số là mẫu số.",
        ):
            guide.append([line])
    if dept == "TTDV":
        wb.create_sheet("Sheet1")
    minute = sum(map(ord, dept + p)) % 50
    save_stable(wb, path, dt.datetime.combine(sent, dt.time(9, minute)))


def indicator_rows(dept: str, p: str, table: dict, plan_codes: dict[str, dict]) -> list[tuple]:
    rows = []
    for code, per in table.get(dept, {}).items():
        if code not in plan_codes:
            continue
        unit = plan_codes[code]["unit"]
        v = per[p]
        note = INDICATOR_NOTES.get((dept, code, p)) or INDICATOR_NOTES.get((dept, code, None))
        if unit == "bool":
            value = (1 if v else 0) if dept == "QLLD" or p in ("q3", "year") else ("Có" if v else "Không")
            rows.append((code, value, None, note))
        elif unit == "rate":
            rows.append((code, v[0], v[1], note))
        else:
            rows.append((code, v, None, note))
    return rows


def check_coverage(table: dict, plan: dict) -> None:
    """Every submissions indicator of the plan has rows in every period."""
    for ind in plan["indicators"]:
        if ind.get("source") != "submissions":
            continue
        for p in PERIODS:
            reporters = [d for d in table if ind["code"] in table[d]
                         and not (p, d) == MISSING]
            if not reporters:
                raise SystemExit(f"make_sample: no department reports {ind['code']} in {p}")


# --------------------------------------------------------------------------- #
# 2023 plan
# --------------------------------------------------------------------------- #
def _q(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _target(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def plan_2023_text(plan: dict) -> str:
    org = plan["organization"]
    lines = [
        "# Kế hoạch CCHC năm 2023 của Ban Quản lý các khu công nghiệp tỉnh Hải Dương:",
        "# only the contract's keys, for the comparison with the same period of the",
        "# previous year. Generated by tools/make_sample.py from inputs/2024/plan.yaml.",
        "year: 2023",
        "",
        "organization:",
        f"  name: {org['name']}",
        f"  parent: {org['parent']}",
        f"  place: {org['place']}",
        f"  code: {org['code']}",
    ]
    for key in ("name_in_text", "short_name"):
        if org.get(key):
            lines.append(f"  {key}: {org[key]}")
    lines += ["", "departments:"]
    for d in plan["departments"]:
        lines.append(f"  - {{code: {d['code']}, name: {_q(d['name'])}}}")
    lines += ["", "periods:"]
    for p, w in plan["periods"].items():
        shift = lambda d: d.replace(year=d.year - 1)  # noqa: E731
        lines.append(f"  {p + ':':<5} {{start: {shift(w['start'])}, end: {shift(w['end'])}, due_before: {shift(w['due_before'])}}}")
    lines += ["", "indicators:"]
    for i in plan["indicators"]:
        parts = [f"code: {i['code']}", f"area: {i['area']}", f"unit: {i['unit']}"]
        if i.get("target") is not None:
            parts += [f"target: {_target(i['target'])}", f"op: {_q(i['op'])}"]
        parts += [f"source: {i['source']}", f"name: {_q(i['name'])}"]
        lines.append("  - {" + ", ".join(parts) + "}")
    signer = plan["signer"]
    lines += ["", "signer:", f"  title: {_q(signer['title'])}", f"  name: {signer['name']}", "", "recipients:"]
    lines += [f"  - {_q(r)}" for r in plan["recipients"]]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- #
# Main
# --------------------------------------------------------------------------- #
def _clean(folder: Path, patterns: tuple[str, ...]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for pattern in patterns:
        for f in folder.glob(pattern):
            if f.is_file():
                f.unlink()


def generate(out: Path, plan_path: Path) -> list[Path]:
    plan = yaml.safe_load(plan_path.read_text(encoding="utf-8"))
    year = int(plan["year"])
    periods = plan["periods"]
    written: list[Path] = []

    # ---- dossiers -------------------------------------------------------- #
    df = simulate_dossiers(np.random.default_rng(SEED_DOSSIERS))
    y_start, y_end = periods["year"]["start"], periods["year"]["end"]
    exported = y_end + dt.timedelta(days=1)
    log = log_for_year(df, y_start, y_end, exported)
    prev_start, prev_end = y_start.replace(year=year - 2), y_end.replace(year=year - 1)
    log_prev = log_for_year(df, prev_start, prev_end, dt.date(year - 1, 12, 11))

    tthc = out / str(year) / "tthc"
    _clean(tthc, ("*.xlsx", "*.xls", "*.csv"))
    rng_w = np.random.default_rng(SEED_WITHDRAWN)
    names = {d["code"]: d["name"] for d in plan["departments"]}
    h1_end = periods["6m"]["end"]
    q3_end = periods["q3"]["end"]
    rec = log["received"].dt.date
    part_h1 = log[rec <= h1_end]
    part_q3 = log[(rec > h1_end) & (rec <= q3_end)]
    part_q4 = log[rec > q3_end]
    # the system re-exported one dossier received just before the 6m cut-off
    overlap = part_h1[(part_h1["received"].dt.date <= h1_end) & part_h1["returned"].notna()].tail(1)
    # withdrawn or cancelled dossiers: in the logs only, in no figure (nor in the
    # departments' narratives, which follow `log`)
    in_window = part_h1[part_h1["received"].dt.date >= y_start]
    f1 = tthc / f"DanhSachHoSo_{y_start:%d%m%Y}-{h1_end:%d%m%Y}.xlsx"
    write_dossier_xlsx(f1, with_withdrawn(part_h1, withdrawn_dossiers(rng_w, in_window, 7)),
                       f"Từ ngày {y_start:%d/%m/%Y} đến ngày {h1_end:%d/%m/%Y} (bao gồm hồ sơ kỳ trước chuyển sang)",
                       exported, "datetime")
    f2 = tthc / f"DanhSachHoSo_{h1_end + dt.timedelta(days=1):%d%m%Y}-{q3_end:%d%m%Y}.xls"
    write_dossier_xls(f2, with_withdrawn(pd.concat([overlap, part_q3]), withdrawn_dossiers(rng_w, part_q3, 3)),
                      f"Từ ngày {overlap['received'].iloc[0]:%d/%m/%Y} đến ngày {q3_end:%d/%m/%Y}")
    # the last quarter: half as CSV, the rest from the other vendor's software
    split = part_q4["received"].iloc[len(part_q4) // 2]
    part_q4a, part_q4b = part_q4[part_q4["received"] < split], part_q4[part_q4["received"] >= split]
    f3 = tthc / f"hoso_{q3_end + dt.timedelta(days=1):%Y%m%d}_{split - pd.Timedelta(days=1):%Y%m%d}.csv"
    write_dossier_csv(f3, part_q4a, casing_noise_every=97)
    f5 = tthc / f"BaoCaoChiTietHoSo_{split:%d%m%Y}_{y_end:%d%m%Y}.xlsx"
    write_dossier_aliased_xlsx(f5, with_withdrawn(part_q4b, withdrawn_dossiers(rng_w, part_q4b, 4)), exported, names)
    written += [f1, f2, f3, f5]

    prev = out / str(year - 1)
    _clean(prev / "tthc", ("*.xlsx", "*.xls", "*.csv"))
    f4 = prev / "tthc" / f"DanhSachHoSo_nam{year - 1}.xls"
    write_dossier_html(f4, log_prev,
                       f"Từ ngày {prev_start:%d/%m/%Y} đến ngày {prev_end:%d/%m/%Y} (bao gồm hồ sơ kỳ trước chuyển sang)")
    plan_prev = prev / "plan.yaml"
    plan_prev.write_text(plan_2023_text(plan), encoding="utf-8", newline="\n")
    written += [f4, plan_prev]

    # ---- submissions ----------------------------------------------------- #
    rng = np.random.default_rng(SEED_SUBMISSIONS)
    table = indicator_table()
    plan_codes = {i["code"]: i for i in plan["indicators"]}
    check_coverage(table, plan)
    tasks = plan.get("tasks") or []
    subs = out / str(year) / "submissions"
    _clean(subs, ("*.xlsx",))
    depts = [d["code"] for d in plan["departments"]]
    for p in PERIODS:
        ctx = Ctx(p, plan, log, table)
        due = periods[p]["due_before"]
        for dept in depts:
            pick = float(rng.random())
            if (p, dept) == MISSING or dept not in RESULTS:
                continue
            sent = sent_day(periods[p]["end"], due, pick)
            if (p, dept) == LATE[:2]:
                sent = LATE[2]
            results = assign_tasks(RESULTS[dept](ctx), dept, tasks, p)
            inds = indicator_rows(dept, p, table, plan_codes)
            faults = shortcomings(dept, ctx)
            recs = recommendations(dept, p)
            dirs = directions(dept, p)
            path = subs / FILE_NAMES[dept][p]
            if (p, dept) == RESUBMITTED[:2]:
                # first version: sent early, one result row and a figure wrong,
                # no Kiến nghị; the corrected workbook replaces it.
                first_inds = [(c, v - 18 if c == "CQS-02" else v, d, n) for c, v, d, n in inds]
                write_submission(subs / FIRST_VERSION_NAME, dept, p, year, RESUBMITTED[2],
                                 results[:-1], first_inds, faults, [], dirs)
                written.append(subs / FIRST_VERSION_NAME)
                sent = RESUBMITTED[3]
                inds = [(c, v, d, "Số liệu cập nhật, thay thế báo cáo gửi ngày 05/6/2024" if c == "CQS-02" else n)
                        for c, v, d, n in inds]
            write_submission(path, dept, p, year, sent, results, inds, faults, recs, dirs)
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Regenerate the embedded sample inputs (seeded).")
    ap.add_argument("--out", type=Path, default=ROOT / "inputs", help="inputs folder to write (default: inputs/)")
    ap.add_argument("--plan", type=Path, default=ROOT / "inputs" / "2024" / "plan.yaml",
                    help="the plan to follow (default: inputs/2024/plan.yaml)")
    args = ap.parse_args(argv)
    written = generate(args.out, args.plan)
    print(f"make_sample: {len(written)} files under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
