"""Helpers for the publish tests (no tests here): a hand-built PeriodReport on the
sample plan, and fake prepare/render stages for the archive."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

from reportgen.diagnostics import Location, Problem
from reportgen.figures import (
    DossierStats,
    Figures,
    IndicatorResult,
    LateSubmission,
    PeriodFigures,
    PeriodReport,
    SubmissionStatus,
    SupersededSubmission,
)
from reportgen.periods import previous_period
from reportgen.pipeline import load_year_plan
from reportgen.records import ResultRow, Submission

ROOT = Path(__file__).resolve().parent.parent
PLAN_DIR = ROOT / "inputs" / "2024"


def sample_plan():
    return load_year_plan(PLAN_DIR, 2024)


def _ind(code, name, area, unit, value, status, num=None, den=None, target=None, op=None, source="submissions"):
    return IndicatorResult(code, name, area, unit, source, value, status, num, den, target, op)


def period_figures(plan, period="6m", *, year=2024, indicators=None, tthc=None, by_dept=None, submissions=None):
    window = plan.periods[period]
    start, end, due = window.start, window.end, window.due_before
    if year != plan.year:
        shift = lambda d: d.replace(year=d.year - (plan.year - year))  # noqa: E731
        start, end, due = shift(start), shift(end), shift(due)
    codes = plan.department_codes
    return PeriodFigures(
        year=year, period=period, start=start, end=end, due_before=due,
        tthc=tthc or DossierStats(received=400, total=420, resolved=380, early=300, on_time=70, late=10),
        tthc_by_department=by_dept or {c: DossierStats(received=100 if c == "QLDT" else 0) for c in codes},
        indicators=indicators or {},
        submissions=submissions or SubmissionStatus(expected=codes, received=codes, missing=[]),
    )


def hand_built_report(plan=None, *, period="6m", with_history=True) -> tuple:
    """(plan, PeriodReport) for `period` 2024 (6m by default): QLLD missing, QLDN late, two targets
    not met, a department name with `&` and `<`, warnings with `{{`."""
    plan = plan or sample_plan()
    codes = plan.department_codes
    received = [c for c in codes if c != "QLLD"]
    late_on = dt.date(2024, 6, 17)
    subs = SubmissionStatus(
        expected=codes,
        received=received,
        missing=["QLLD"],
        late=[LateSubmission("QLDN", late_on)],
        superseded=[SupersededSubmission("VP", "submissions/VP-cu.xlsx", dt.date(2024, 6, 10), "submissions/VP.xlsx", dt.date(2024, 6, 12))],
        other_period=["submissions/QLDT-quy1.xlsx"],
    )
    indicators = {
        "TTHC-02": _ind("TTHC-02", "Tỷ lệ hồ sơ TTHC trả kết quả đúng hạn, trước hạn", 3, "rate",
                        Fraction(370, 380), "chua_dat", 370, 380, Fraction(1), ">=", "tthc"),
        "CDDH-02": _ind("CDDH-02", "Tỷ lệ phòng <kiểm tra> & đơn vị", 1, "rate",
                        Fraction(1, 7), "chua_dat", 1, 7, Fraction(3, 10), ">"),
        "CDDH-01": _ind("CDDH-01", "Ban hành kế hoạch CCHC năm của Ban", 1, "bool", True, "dat", target=True, op="=="),
        "TC-01": _ind("TC-01", "Số hoạt động theo dõi thi hành pháp luật", 2, "count", None, "khong_co_so_lieu",
                      target=Fraction(2), op=">="),
        "TC-02": _ind("TC-02", "Số văn bản QPPL", 2, "count", 3, "khong_co_chi_tieu"),
        "TTHC-09": _ind("TTHC-09", "Tỷ lệ hồ sơ nộp trực tuyến", 3, "rate", Fraction(300, 400), "khong_co_chi_tieu",
                        300, 400, source="tthc"),
    }
    current = period_figures(plan, period, indicators=indicators, submissions=subs)
    previous = last_year = None
    if with_history:
        prev_ind = dict(indicators)
        prev_ind["TTHC-09"] = _ind("TTHC-09", "Tỷ lệ hồ sơ nộp trực tuyến", 3, "rate", Fraction(100, 400),
                                   "khong_co_chi_tieu", 100, 400, source="tthc")
        if previous_period(period):
            previous = period_figures(plan, previous_period(period), indicators=prev_ind)
        by_dept = {c: DossierStats(received=50) for c in codes}
        last_year = period_figures(
            plan, period, year=2023, indicators=dict(indicators), by_dept=by_dept,
            tthc=DossierStats(received=200, total=210, resolved=190, early=150, on_time=35, late=5),
        )
    submissions = [
        Submission(
            file=f"submissions/{c}.xlsx", department=c, period=period, year=2024,
            sent_on=late_on if c == "QLDN" else dt.date(2024, 6, 11),
            results=(ResultRow(area=3, text="Kết quả & <b>thử</b> {{ x }}"),) if c != "VP" else (),
        )
        for c in received
    ]
    warnings = [Problem("mã hồ sơ «HS-1» xuất hiện hai lần {{ dup }}", Location(file="tthc/log.csv", row=12), code="duplicate_dossier")]
    report = PeriodReport(Figures(current, previous, last_year), submissions, warnings)
    return plan, report


def fake_render(plan, report, issue=None, worker=None) -> dict[str, bytes]:
    """What pipeline.render_report_files returns, with the issue in the bytes."""
    name = f"BC-CCHC-{report.figures.current.year}-{report.figures.current.period}"
    stamp = f"{issue.number}|{issue.date.isoformat()}" if issue else "draft"
    return {
        f"{name}.docx": f"DOCX {name} {stamp}".encode(),
        f"{name}.pdf": f"%PDF {name} {stamp}".encode(),
        "figures.json": report.figures.to_json().encode(),
        f"{name}-kiem-tra.html": b"<html></html>",
    }


def fake_prepare(inputs, period, year=None):
    """pipeline.prepare_report on the hand-built figures (plan read from INPUTS)."""
    import dataclasses
    import hashlib

    year = year or 2024
    folder = Path(inputs) / str(year)
    plan = load_year_plan(folder, year)
    plan, report = hand_built_report(plan, period=period)
    read = [folder / "plan.yaml", *sorted((folder / "submissions").glob("[!~.]*.xlsx"))]  # as intake reads
    hashes = {p.relative_to(inputs).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in read}
    return plan, dataclasses.replace(report, inputs=hashes)
