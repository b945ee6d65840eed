"""Issue 16, class 4: text from the inputs stays data in everything written.

- formula-looking text is written as text in the forms (read back as a string);
- a U+202E in a department's text cannot reverse the report's own words;
- a long unbroken string wraps in the PDF (nothing cut at the page edge) and is
  flagged in the review;
- control characters in a bad value reach the terminal only as visible text.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import docx_text, run_cli
from intake_helpers import PLAN, log_row, make_inputs, submission, write_csv

from reportgen.plan import load_plan
from reportgen.render.xlsx_text import keep_as_text, set_text

RLO = "\u202e"
FORMULAS = ['=HYPERLINK("http://evil.example/x","Bấm vào đây")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)",
            "\t=1+1"]


def add_tasks(year: Path, texts: list[str]) -> None:
    """Tasks owned by VP with the given texts, appended to plan.yaml."""
    import json

    lines = [f"  - {{code: HOSTILE-{i:02d}, area: 1, owner: VP, text: {json.dumps(t)}}}" for i, t in enumerate(texts)]
    plan = (year / "plan.yaml").read_text(encoding="utf-8")
    plan = plan.replace("\ntasks:\n", "\ntasks:\n" + "\n".join(lines) + "\n", 1)
    (year / "plan.yaml").write_text(plan, encoding="utf-8")


def test_formula_looking_task_text_stays_text_in_the_forms(tmp_path):
    year = make_inputs(tmp_path)
    add_tasks(year, [*FORMULAS, "Nhắc việc \x1b[31mĐỎ\x07"])
    proc = run_cli("forms", "--period", "6m", "--inputs", str(tmp_path / "inputs"), "--outputs", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    form = tmp_path / "out" / "2024" / "6m" / "forms" / "VP.xlsx"
    with zipfile.ZipFile(form) as zf:
        sheets = b"".join(zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in sheets and b"<f " not in sheets  # no formula anywhere
    ws = openpyxl.load_workbook(form)["Kết quả"]
    texts = {ws.cell(r, 2).value: ws.cell(r, 6) for r in range(2, ws.max_row + 1)}
    for i, text in enumerate(FORMULAS):
        cell = texts[f"HOSTILE-{i:02d}"]
        assert cell.value == text and cell.data_type == "s"
        assert cell.quotePrefix  # Excel keeps it text when the cell is edited
    # a control character is written visibly, never refused by openpyxl (exit 3)
    assert texts[f"HOSTILE-{len(FORMULAS):02d}"].value == "Nhắc việc \\x1b[31mĐỎ\\x07"
    # calamine (what intake uses) reads the same strings back
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(form)).get_sheet_by_name("Kết quả").to_python()
    assert [r[5] for r in rows if str(r[1]).startswith("HOSTILE")][: len(FORMULAS)] == FORMULAS


def test_the_shared_helper_keeps_any_workbook_text(tmp_path):
    """The helper other writers (the chi-tiết workbook) use: set_text and keep_as_text."""
    wb = openpyxl.Workbook()
    ws = wb.active
    set_text(ws["A1"], "=1+2")
    ws.append(["x", "=SUM(A1:A1)", "@x", 5, "thường"])
    keep_as_text(wb)
    path = tmp_path / "x.xlsx"
    wb.save(path)
    back = openpyxl.load_workbook(path).active
    assert back["A1"].value == "=1+2" and back["A1"].data_type == "s"
    assert [c.value for c in back[2]] == ["x", "=SUM(A1:A1)", "@x", 5, "thường"]
    assert back["B2"].data_type == "s" and back["D2"].data_type == "n"


def test_bidi_controls_in_the_plan_are_removed(tmp_path):
    year = make_inputs(tmp_path)
    text = (year / "plan.yaml").read_text(encoding="utf-8").replace("{code: VP, name: Văn phòng}",
                                                                    f"{{code: VP, name: \"{RLO}Văn phòng\u2066\"}}")
    (year / "plan.yaml").write_text(text, encoding="utf-8")
    assert load_plan(year / "plan.yaml").department("VP").name == "Văn phòng"


LONG = "QZ" * 10_000  # 20,000 characters without a space


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> Path:
    """A report whose VP results hold a U+202E and a 20,000-character word."""
    tmp = tmp_path_factory.mktemp("hostile")
    year = make_inputs(tmp)
    submission(year / "submissions" / "VP.xlsx", results=[
        [1, None, f"Rà soát quy chế{RLO} làm việc của Ban", "Hoàn thành", None],
        [2, None, f"Dán nhầm mã {LONG} vào báo cáo", "Hoàn thành", None],
    ])
    write_csv(year / "tthc" / "hoso.csv", [log_row(1)])
    proc = run_cli("report", "--period", "6m", "--inputs", str(tmp / "inputs"), "--outputs", str(tmp / "out"))
    assert proc.returncode == 0, proc.stderr
    return tmp / "out" / "2024" / "6m"


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_a_right_to_left_override_does_not_reverse_the_reports_words(hostile_report):
    pdf = pdftotext(hostile_report / "BC-CCHC-2024-6m.pdf")
    docx = docx_text(hostile_report / "BC-CCHC-2024-6m.docx")
    html = (hostile_report / "BC-CCHC-2024-6m-kiem-tra.html").read_text(encoding="utf-8")
    for text in (pdf, docx, html):
        assert RLO not in text
    flat = " ".join(pdf.split())
    assert "Rà soát quy chế làm việc của Ban" in flat
    assert "(Văn phòng)" in flat and "(gnòhp năV)" not in flat
    assert "Rà soát quy chế làm việc của Ban" in docx


def test_a_long_unbroken_string_wraps_in_the_pdf_and_is_flagged(hostile_report):
    pdf = pdftotext(hostile_report / "BC-CCHC-2024-6m.pdf")
    # every character is on a page (the page numbers between pages may split a pair)
    assert re.sub(r"\s+", "", pdf).count("QZ") >= 9_950
    assert max(len(line) for line in pdf.splitlines()) < 200  # broken at the line's edge
    assert LONG in docx_text(hostile_report / "BC-CCHC-2024-6m.docx")  # Word breaks it at the margin itself
    html = (hostile_report / "BC-CCHC-2024-6m-kiem-tra.html").read_text(encoding="utf-8")
    assert "chuỗi 20.000 ký tự liền nhau" in html


def test_escape_sequences_in_a_bad_value_are_shown_not_sent_to_the_terminal(tmp_path):
    year = make_inputs(tmp_path)
    write_csv(year / "tthc" / "hoso.csv", [log_row(1, dept="\x1b[2J\x1b[31mVP\x07"), log_row(2, dept="\u202eVP")])
    proc = run_cli("report", "--period", "6m", "--inputs", str(tmp_path / "inputs"), "--outputs", str(tmp_path / "o"))
    assert proc.returncode == 2, proc.stderr
    assert "\x1b" not in proc.stderr and "\x07" not in proc.stderr and RLO not in proc.stderr
    assert "\\x1b[2J\\x1b[31mVP\\x07" in proc.stderr
    assert "Tệp «hoso.csv»" in proc.stderr


def test_a_bidi_control_in_a_file_name_is_shown_written_out_on_the_review_page(tmp_path):
    """A file name is the clerk's to find: never reordered on the page by the
    U+202E it holds, nor silently cleaned; shown as \\u202e."""
    year = make_inputs(tmp_path)
    submission(year / "submissions" / f"VP-{RLO}xslx.exe.xlsx")
    write_csv(year / "tthc" / f"ho-so-{RLO}vsc.csv", [log_row(1)])
    proc = run_cli("report", "--period", "6m", "--inputs", str(tmp_path / "inputs"), "--outputs", str(tmp_path / "o"))
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "o" / "2024" / "6m" / "BC-CCHC-2024-6m-kiem-tra.html").read_text(encoding="utf-8")
    assert RLO not in html
    assert "VP-\\u202exslx.exe.xlsx" in html
    assert "ho-so-\\u202evsc.csv" in html
    assert RLO not in proc.stdout + proc.stderr


def test_an_uploaded_file_name_is_shown_with_its_controls_written_out():
    from reportgen.web.uploads import display_name

    assert display_name(f"C:\\Users\\vp\\bao-cao-{RLO}xslx.exe") == "bao-cao-\\u202exslx.exe"
    assert display_name("a\0b\x1b[31m.xlsx") == "a\\x00b\\x1b[31m.xlsx"
    assert display_name("Báo cáo 6 tháng.xlsx") == "Báo cáo 6 tháng.xlsx"
