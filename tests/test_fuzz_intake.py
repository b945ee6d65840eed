"""Fuzzing intake (issue 16): any cell a workbook or a dossier log can hold, of
any type, gives either records or a clean ReportgenError whose every problem
names its file: never another exception (exit 3) or a traceback.

Bounded for `make test`: the "ci" profile is derandomized (the same examples
every run, no database) with a fixed number of examples per test
(REPORTGEN_FUZZ_EXAMPLES multiplies them for a longer local hunt).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake_helpers import LOG_HEADERS, PLAN

from reportgen.diagnostics import InputError, ReportgenError
from reportgen.intake import read_inputs
from reportgen.plan import load_plan
from reportgen.render.xlsx_text import text_value
from reportgen.text_controls import visible

SCALE = float(os.environ.get("REPORTGEN_FUZZ_EXAMPLES", "1"))
settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile("ci")
PLAN_ = load_plan(PLAN)

# --- cells -------------------------------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
MEANINGFUL = st.sampled_from([
    "VP", "QLDT", "Văn phòng", "6m", "q1", "Quý I/2024", "6 tháng đầu năm 2024", "Năm 2024", "2024", "năm 2024",
    "Hoàn thành", "Đang thực hiện", "dang thuc hien", "Chưa thực hiện", "Có", "Không", "x", "TRUE", "Cã",
    "1", "0", "03", "III", "LV3", "Lĩnh vực 3", "CDDH-02", "TC-01", "CDDH-01", "12,5", "1.234", "1,234", "85%",
    "1E+30", "-1", "1e-300", "NaN", "inf", "", "   ", "Tổng cộng", "=1+1", "=SUM(A1:A3)", "+1", "@x", "-",
    "31/12/9999", "00/00/0000", "29/02/2023", "05/03/2024", "2024-02-30", "2024-06-10", "10/06/2024 08:30 SA",
    "\u202eVP", "\x1b[31mVP", "Trực tuyến", "Bưu chính công ích", "Rất hài lòng", "HS-00001",
])
NUMBERS = st.one_of(st.integers(min_value=-(10 ** 30), max_value=10 ** 30),
                    st.floats(allow_nan=True, allow_infinity=True),
                    st.floats(min_value=-1e6, max_value=1e6))
DATES = st.one_of(st.dates(), st.datetimes(), st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2025, 1, 1)))
CELL = st.one_of(st.none(), MEANINGFUL, TEXT, NUMBERS, st.booleans(), DATES)
DATE_TEXT = st.one_of(
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.dates().map(lambda d: d.isoformat()),
    st.tuples(st.integers(0, 99), st.integers(0, 99), st.integers(0, 99999)).map(lambda t: "%02d/%02d/%04d" % t),
)
LOG_CELL = st.one_of(st.none(), MEANINGFUL, TEXT, DATE_TEXT, NUMBERS.map(str))


def examples(n: int) -> settings:
    return settings(max_examples=max(1, int(n * SCALE)))


# --- writing real files ----------------------------------------------------------

def _xlsx_value(value):
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value)  # openpyxl cannot store them as numbers; Excel cannot either
    if isinstance(value, (dt.date, dt.datetime)) and value.year < 1900:
        return value.isoformat()  # Excel has no dates before 1900
    return text_value(value)  # control characters: written as Excel escapes them


def write_submission(path: Path, info: list, results: list, indicators: list, header_noise: bool) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Thông tin"
    for row in info:
        ws.append([_xlsx_value(v) for v in row])
    sheets = {"Kết quả": (["Lĩnh vực", "Mã nhiệm vụ", "Kết quả thực hiện", "Tiến độ", "Ghi chú"], results),
              "Số liệu": (["Mã chỉ tiêu", "Giá trị", "Mẫu số", "Ghi chú"], indicators)}
    for name, (header, rows) in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(header[:-1] + ["  Ghi   chú "] if header_noise else header)
        for row in rows:
            ws.append([_xlsx_value(v) for v in row])
    wb.save(path)


def check(folder: Path, names: set[str]) -> None:
    """Intake gives records or a clean error whose every problem names a file."""
    try:
        read_inputs(folder, PLAN_)
    except InputError as exc:
        assert exc.problems
        for problem in exc.problems:
            text = visible(problem.format_vi())
            assert problem.where.file, text
            assert Path(problem.where.file).name in names, text
            assert "\x1b" not in text
    except ReportgenError as exc:
        assert exc.messages()


def year_folder(tmp: str) -> Path:
    folder = Path(tmp) / "2024"
    (folder / "submissions").mkdir(parents=True)
    (folder / "tthc").mkdir()
    return folder


INFO_LABELS = st.sampled_from(["Đơn vị", "Kỳ báo cáo", "Năm", "Ngày gửi", "Người lập", "Điện thoại", "Đơn vị:",
                               "NGÀY GỬI (*)", "Ghi chú", ""])


@examples(60)
@given(info=st.lists(st.tuples(INFO_LABELS, CELL), max_size=8),
       results=st.lists(st.lists(CELL, min_size=5, max_size=5), max_size=4),
       indicators=st.lists(st.tuples(st.one_of(st.sampled_from([i.code for i in PLAN_.indicators]), CELL), CELL, CELL,
                                     CELL), max_size=4),
       header_noise=st.booleans())
def test_any_submission_workbook(info, results, indicators, header_noise):
    with tempfile.TemporaryDirectory() as tmp:
        folder = year_folder(tmp)
        write_submission(folder / "submissions" / "VP.xlsx", [list(r) for r in info], results,
                         [list(r) for r in indicators], header_noise)
        check(folder, {"VP.xlsx"})


def good_row(i: int) -> list:
    return [f"HS-{i:05d}", "VP", "Cấp phép", "Đầu tư", "05/03/2024", "20/03/2024", "15/03/2024", "Trực tuyến", "Có",
            "Có", "Có", "Không", "Hài lòng"]


ROW = st.lists(LOG_CELL, min_size=13, max_size=13)
# rows that are mostly right, one cell fuzzed: reaches the checks behind the header
MUTATED = st.tuples(st.integers(0, 12), LOG_CELL, st.integers(1, 99)).map(
    lambda t: [*(good_row(t[2])[: t[0]]), t[1], *(good_row(t[2])[t[0] + 1:])])


@examples(60)
@given(rows=st.lists(st.one_of(ROW, MUTATED), min_size=1, max_size=6), encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_any_dossier_log_csv(rows, encoding, delimiter):
    with tempfile.TemporaryDirectory() as tmp:
        folder = year_folder(tmp)
        text_rows = [["" if v is None else str(v) for v in row] for row in rows]
        with open(folder / "tthc" / "hoso.csv", "w", encoding=encoding, newline="", errors="surrogatepass") as fh:
            writer = csv.writer(fh, delimiter=delimiter)
            writer.writerow(LOG_HEADERS)
            writer.writerows(text_rows)
        check(folder, {"hoso.csv"})


XLSX_ROW = st.lists(st.one_of(CELL, LOG_CELL), min_size=13, max_size=13)


@examples(40)
@given(rows=st.lists(st.one_of(XLSX_ROW, MUTATED), min_size=1, max_size=6), title=st.booleans())
def test_any_dossier_log_xlsx(rows, title):
    with tempfile.TemporaryDirectory() as tmp:
        folder = year_folder(tmp)
        wb = openpyxl.Workbook()
        ws = wb.active
        if title:
            ws.append(["DANH SÁCH HỒ SƠ"])
        ws.append(LOG_HEADERS)
        for row in rows:
            ws.append([_xlsx_value(v) for v in row])
        wb.save(folder / "tthc" / "hoso.xlsx")
        check(folder, {"hoso.xlsx"})
