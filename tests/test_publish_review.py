"""The review page and the console summary, on a hand-built PeriodReport."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from fractions import Fraction

import pytest

from test_publish_support import hand_built_report

from reportgen import console
from reportgen.figures import Figures, PeriodReport
from reportgen.publish.review import build_review, odd_figures, render_review, summary_lines


@pytest.fixture(scope="module")
def built():
    return hand_built_report()


@pytest.fixture(scope="module")
def page(built) -> str:
    name, data = render_review(*built)
    assert name == "BC-CCHC-2024-6m-kiem-tra.html"
    return data.decode("utf-8")


def section(page: str, heading: str) -> str:
    start = page.index(heading)
    end = page.find("<h2", start + 1)
    return page[start:end if end > 0 else None]


def test_page_is_self_contained_vietnamese_html(page):
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="vi">' in page and '<meta charset="utf-8">' in page
    assert "<style>" in page and "@media print" in page
    assert "<script" not in page and not re.search(r'(src|href)="', page)
    assert "ngày 14/6/2024" in page and "10/12/2023" in page and "09/6/2024" in page


def test_page_lists_missing_and_late_departments(page):
    missing = section(page, "1. Chưa gửi báo cáo")
    assert "QLLD" in missing and "Phòng Quản lý Lao động" in missing
    late = section(page, "2. Gửi muộn")
    assert "QLDN" in late and "17/6/2024" in late and "<td class=\"num\">4</td>" in late
    assert "VP-cu.xlsx" in section(page, "4. Bản gửi lại")
    assert "QLDT-quy1.xlsx" in section(page, "5. Tệp của kỳ báo cáo khác")


def test_page_lists_targets_not_met_with_figure_and_target(page):
    not_met = section(page, "II. Chỉ tiêu chưa đạt")
    assert "TTHC-02" in not_met and "97,4% (370/380)" in not_met and "≥ 100%" in not_met
    assert "CDDH-02" in not_met and "14,3% (1/7)" in not_met and "&gt; 30%" in not_met
    assert "CDDH-01" not in not_met
    assert "TC-01" in section(page, "III. Chỉ tiêu chưa có số liệu")


def test_page_escapes_department_text(page):
    assert "Tỷ lệ phòng &lt;kiểm tra&gt; &amp; đơn vị" in page
    assert "<kiểm tra>" not in page
    assert "{{ dup }}" in page  # a warning's text is shown as typed, never evaluated
    assert "Tệp «log.csv», dòng 12" in section(page, "V. Cảnh báo")


def test_odd_figures(built, page):
    plan, report = built
    odd = odd_figures(plan, report)
    assert any("TTHC-09" in line and "+50 điểm %" in line for line in odd)  # 25% -> 75% vs q1
    assert any(line.startswith("Số hồ sơ tiếp nhận trong kỳ: 400") and "+100%" in line for line in odd)  # vs last year
    # counts are not compared with q1: its window is half as long
    assert not any("Số hồ sơ" in line and "kỳ trước" in line for line in odd)
    assert any(line.startswith("Văn phòng (VP) chủ trì nhiệm vụ") for line in odd)  # VP sent no Kết quả
    assert any(line.startswith("Văn phòng (VP) không tiếp nhận hồ sơ") for line in odd)
    assert not any(line.startswith("Phòng Quản lý Đầu tư (QLDT) không tiếp nhận") for line in odd)
    assert "TTHC-09" in section(page, "IV. Số liệu cần xem lại")


def test_small_changes_are_not_flagged(built):
    plan, report = built
    cur = report.figures.current
    ind = cur.indicators["TTHC-09"]
    near = dataclasses.replace(ind, value=Fraction(66, 100), numerator=66, denominator=100)  # 75% -> 66%: 9 points
    previous = dataclasses.replace(report.figures.previous, indicators={**cur.indicators, "TTHC-09": near})
    figures = Figures(cur, previous, None)
    odd = odd_figures(plan, PeriodReport(figures, report.submissions, report.warnings))
    assert not any("TTHC-09" in line for line in odd)


def test_a_report_sent_before_the_cut_off_is_flagged(built):
    plan, report = built
    early = dataclasses.replace(report.submissions[0], sent_on=dt.date(2024, 6, 5))
    odd = odd_figures(plan, PeriodReport(report.figures, [early, *report.submissions[1:]], []))
    assert any("05/6/2024" in line and "trước ngày chốt số liệu 09/6/2024" in line for line in odd)


def test_no_history_no_comparison(built):
    plan, _ = built
    _, report = hand_built_report(plan, with_history=False)
    assert not any("kỳ trước" in line or "cùng kỳ" in line for line in odd_figures(plan, report))
    review = build_review(plan, report)
    assert [row.cells[0] for row in review.not_met] == ["TTHC-02", "CDDH-02"]


def test_console_summary(built):
    lines = summary_lines(*built)
    text = "\n".join(lines)
    assert "Đã gửi: 6/7" in text
    assert "Chưa gửi: Phòng Quản lý Lao động (QLLD)" in text
    assert "Gửi muộn: Phòng Quản lý Doanh nghiệp (QLDN) ngày 17/6/2024, muộn 4 ngày" in text
    assert "Chỉ tiêu chưa đạt (2): TTHC-02, CDDH-02" in text
    assert lines[-1] == "Chi tiết: BC-CCHC-2024-6m-kiem-tra.html."
    out = io.StringIO()
    console.print_lines(lines, title="Cần xem trước khi ký:", stream=out)
    assert out.getvalue().startswith("Cần xem trước khi ký:\n- Kỳ báo cáo: 6 tháng đầu năm 2024")


def test_progress_is_plain_text_off_a_terminal(monkeypatch):
    monkeypatch.delenv("REPORTGEN_QUIET", raising=False)
    err = io.StringIO()
    with console.progress(["Đọc dữ liệu", "Tổng hợp"], stream=err):
        with console.stage("Đọc dữ liệu"):
            pass
        with console.stage("Tổng hợp"):
            pass
    lines = err.getvalue().splitlines()
    assert lines[:2] == ["[1/2] Đọc dữ liệu...", "[2/2] Tổng hợp..."]
    assert lines[2].startswith("Hoàn tất 2 bước sau ")

    err = io.StringIO()
    with pytest.raises(ValueError):
        with console.progress(["A", "B"], stream=err):
            with console.stage("A"):
                raise ValueError("boom")
    assert err.getvalue().splitlines() == ["[1/2] A...", "[1/2] A: dừng do lỗi."]

    err = io.StringIO()
    with console.stage("Một bước", stream=err):
        pass
    assert err.getvalue() == "Một bước...\n"


def test_progress_can_be_silenced(monkeypatch):
    monkeypatch.setenv("REPORTGEN_QUIET", "1")
    err = io.StringIO()
    with console.progress(["A"], stream=err):
        with console.stage("A"):
            pass
    assert err.getvalue() == ""
