"""Issue 17 pieces: absurd figures refused at intake, number formatting robust
to any size, and only a bad file's own errors blamed on the file."""

from __future__ import annotations

from fractions import Fraction

import pytest

from intake_helpers import make_inputs, run_report_fails, submission

from reportgen.vi_format import number, percent
from reportgen.diagnostics import Diagnostics
from reportgen.intake import submissions as S
from reportgen.plan import load_plan
from intake_helpers import PLAN


@pytest.mark.parametrize("value", [1e30, 10 ** 26, 1e12, "1000000000000", "1.000.000.000.000"])
def test_a_pasted_huge_count_is_an_input_error(tmp_path, value):
    year = make_inputs(tmp_path)
    submission(year / "submissions" / "VP.xlsx", indicators=[["TC-02", value, None, None]])
    run_report_fails(tmp_path, "Tệp «VP.xlsx», trang «Số liệu», dòng 2, cột «Giá trị»", "quá lớn",
                     "nhỏ hơn 1.000.000.000.000")


def test_a_huge_denominator_is_an_input_error(tmp_path):
    year = make_inputs(tmp_path)
    submission(year / "submissions" / "VP.xlsx", indicators=[["CDDH-02", 3, 1e20, None]])
    run_report_fails(tmp_path, "cột «Mẫu số»", "Mẫu số của chỉ tiêu CDDH-02 quá lớn")


def test_number_formatting_takes_any_size():
    assert number(10 ** 30) == "1." + ".".join(["000"] * 10)
    assert number(Fraction(10 ** 40, 3)).endswith("333,33")
    assert number(Fraction(5, 2)) == "2,5" and number(1234567) == "1.234.567"
    assert percent(Fraction(10 ** 30, 7)).endswith(",3%")
    assert percent(Fraction(999, 1000)) == "99,9%"


def test_a_bug_while_reading_is_not_blamed_on_the_file(tmp_path, monkeypatch):
    """Only what a bad file raises is "không mở được tệp Excel"; a defect of the
    program (here a TypeError) is not turned into the clerk's fault."""
    year = make_inputs(tmp_path)
    path = submission(year / "submissions" / "VP.xlsx")
    import python_calamine

    def broken(*a, **kw):
        raise TypeError("a bug")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", broken)
    with pytest.raises(TypeError):
        S.read_submission(path, "submissions/VP.xlsx", load_plan(PLAN), Diagnostics())


def test_a_bug_in_the_formula_check_is_not_silently_ignored(tmp_path, monkeypatch):
    year = make_inputs(tmp_path)
    path = submission(year / "submissions" / "VP.xlsx", results=[[1, None, "=A1", "Hoàn thành", None]])
    import openpyxl

    def broken(*a, **kw):
        raise TypeError("a bug")

    monkeypatch.setattr(openpyxl, "load_workbook", broken)
    with pytest.raises(TypeError):
        S.read_submission(path, "submissions/VP.xlsx", load_plan(PLAN), Diagnostics())
    # and the check itself still works: an uncached formula is an error naming the cell
    monkeypatch.undo()
    diag = Diagnostics()
    S.read_submission(path, "submissions/VP.xlsx", load_plan(PLAN), diag)
    assert [p.code for p in diag.errors] == ["formula_without_value"]
