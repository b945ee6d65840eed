"""Which submissions count, department-reported indicators, judging against
targets, figures.json and the comparison periods (figures.md), hand-computed."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

from reportgen.aggregate import build_period, judge, select_submissions
from reportgen.aggregate.indicators import submission_indicator
from reportgen.diagnostics import Location, Problem
from reportgen.figures import MONTH_KEYS, STAT_KEYS
from reportgen.plan import Indicator, Plan
from reportgen.records import CHANNELS, RATINGS, IndicatorRow, Intake, Submission, empty_dossiers

D = dt.date
F = Fraction
DEPTS = ["VP", "QLDT", "QLMT"]


def ind(code, unit, target=None, op=None, source="submissions", area=1):
    out = {"code": code, "area": area, "name": f"Chỉ tiêu {code}", "unit": unit, "source": source}
    if target is not None:
        out["target"] = Decimal(target) if isinstance(target, str) else target
        out["op"] = op
    return out


INDICATORS = [
    ind("CDDH-01", "bool", True, "=="),
    ind("CDDH-02", "rate", "0.30", ">"),
    ind("CDDH-03", "rate", "1.0", ">="),
    ind("CDDH-04", "rate", "1.0", ">="),
    ind("TC-01", "count", 2, ">=", area=2),
    ind("TC-02", "count", area=2),
    ind("TC-03", "count", area=2),
    ind("TTHC-02", "rate", "1.0", ">=", source="tthc", area=3),
    ind("TCBM-01", "bool", True, "==", area=4),
    ind("TCBM-02", "rate", "0.30", ">=", area=4),
    ind("TCBM-03", "rate", "1.0", "<=", area=4),
    ind("DGTD-01", "rate", area=8),
]


def make_plan(year=2024, departments=DEPTS, indicators=INDICATORS, periods=None) -> Plan:
    periods = periods or {
        "q1": {"start": D(year - 1, 12, 10), "end": D(year, 3, 9), "due_before": D(year, 3, 14)},
        "6m": {"start": D(year - 1, 12, 10), "end": D(year, 6, 9), "due_before": D(year, 6, 14)},
        "q3": {"start": D(year, 6, 10), "end": D(year, 9, 9), "due_before": D(year, 9, 14)},
    }
    return Plan.model_validate({
        "year": year,
        "organization": {"name": "BAN", "place": "Hải Dương", "code": "KCN"},
        "departments": [{"code": c, "name": f"Phòng {c}"} for c in departments],
        "periods": periods,
        "indicators": indicators,
        "signer": {"title": "TRƯỞNG BAN", "name": "X"},
        "recipients": ["Lưu: VT, VP"],
    })


def row(code, value, den=None):
    value = value if isinstance(value, bool) else F(value)
    return IndicatorRow(code, value, None if den is None else F(den))


def sub(file, dept, sent_on, period="6m", year=2024, rows=()):
    return Submission(file=file, department=dept, period=period, year=year, sent_on=sent_on, indicators=tuple(rows))


def one_dossier(dept="VP", received=D(2024, 2, 1), due=D(2024, 2, 10), returned=D(2024, 2, 5)) -> pd.DataFrame:
    return pd.DataFrame({
        "id": pd.Series(["h1"], dtype="string"),
        "department": pd.Categorical([dept], categories=DEPTS),
        "procedure": pd.Series([None], dtype="string"),
        "field": pd.Series([None], dtype="string"),
        "received": pd.Series([pd.Timestamp(received)], dtype="datetime64[ns]"),
        "due": pd.Series([pd.Timestamp(due)], dtype="datetime64[ns]"),
        "returned": pd.Series([pd.Timestamp(returned) if returned else pd.NaT], dtype="datetime64[ns]"),
        "channel": pd.Categorical(["online"], categories=list(CHANNELS)),
        "fee": [False], "online_payment": [False], "digitized": [True], "reused": [False],
        "rating": pd.Categorical([None], categories=list(RATINGS)),
    })


# --- which submissions count ---------------------------------------------------


def test_submission_selection_rules():
    plan = make_plan()
    subs = [
        sub("qldt.xlsx", "QLDT", D(2024, 6, 14)),  # sent on due_before: late
        sub("vp-2.xlsx", "VP", D(2024, 6, 12)),  # resubmission: replaces vp-1
        sub("vp-1.xlsx", "VP", D(2024, 6, 10)),
        sub("vp-q1.xlsx", "VP", D(2024, 3, 10), period="q1"),  # another period
        sub("vp-2023.xlsx", "VP", D(2023, 6, 10), year=2023),  # same period, another year
    ]
    sel = select_submissions(plan, subs, "6m")
    assert [s.file for s in sel.counted] == ["vp-2.xlsx", "qldt.xlsx"]  # plan order
    st = sel.status
    assert st.expected == DEPTS
    assert st.received == ["VP", "QLDT"]
    assert st.missing == ["QLMT"]
    assert [(s.department, s.sent_on) for s in st.late] == [("QLDT", D(2024, 6, 14))]
    assert [(s.department, s.file, s.sent_on, s.replaced_by, s.replaced_sent_on) for s in st.superseded] == [
        ("VP", "vp-1.xlsx", D(2024, 6, 10), "vp-2.xlsx", D(2024, 6, 12))
    ]
    assert st.other_period == ["vp-q1.xlsx", "vp-2023.xlsx"]
    codes = [p.code for p in sel.warnings]
    assert codes.count("other_period") == 2 and codes.count("superseded_submission") == 1
    superseded = next(p for p in sel.warnings if p.code == "superseded_submission")
    assert superseded.where.file == "vp-1.xlsx" and "12/6/2024" in superseded.message and "10/6/2024" in superseded.message
    assert all(p.message and p.where.file for p in sel.warnings)


def test_sent_the_day_before_due_is_not_late():
    sel = select_submissions(make_plan(), [sub("a.xlsx", "VP", D(2024, 6, 13))], "6m")
    assert sel.status.late == [] and sel.status.missing == ["QLDT", "QLMT"]


def test_same_sent_on_does_not_crash():
    sel = select_submissions(make_plan(), [sub("b.xlsx", "VP", D(2024, 6, 10)), sub("a.xlsx", "VP", D(2024, 6, 10))], "6m")
    assert len(sel.counted) == 1 and len(sel.status.superseded) == 1
    assert any(p.code == "duplicate_submission" for p in sel.warnings)


def test_build_period_submissions_and_warnings():
    plan = make_plan()
    intake_warning = Problem("hồ sơ trùng", Location(file="log.csv", row=3), code="duplicate_dossier")
    subs = [
        sub("qldt.xlsx", "QLDT", D(2024, 6, 1)),
        sub("vp-1.xlsx", "VP", D(2024, 6, 1), rows=[row("TC-01", 5)]),
        sub("vp-2.xlsx", "VP", D(2024, 6, 2), rows=[row("TC-01", 1)]),
        sub("vp-q1.xlsx", "VP", D(2024, 3, 1), period="q1", rows=[row("TC-01", 7)]),
    ]
    report = build_period(plan, Intake(subs, empty_dossiers(), warnings=[intake_warning]), "6m")
    assert [s.file for s in report.submissions] == ["vp-2.xlsx", "qldt.xlsx"]
    assert report.warnings[0] is intake_warning
    assert {p.code for p in report.warnings[1:]} == {"superseded_submission", "other_period"}
    # only the counted submission's rows: not the replaced one, not q1's
    assert report.figures.current.indicators["TC-01"].value == 1


# --- department-reported indicators ------------------------------------------------


def test_submission_indicators_hand_computed():
    plan = make_plan()
    subs = [
        sub("vp.xlsx", "VP", D(2024, 6, 10), rows=[
            row("CDDH-01", True), row("CDDH-02", 1, 5), row("CDDH-03", 2, 3), row("CDDH-04", 0, 0),
            row("TC-01", 1), row("TC-02", F(3, 2)), row("TCBM-01", True), row("TCBM-02", 1, 5),
            row("TCBM-03", 12, 10),
        ]),
        sub("qldt.xlsx", "QLDT", D(2024, 6, 11), rows=[
            row("CDDH-01", False), row("CDDH-02", 2, 5), row("CDDH-03", 1, 1),
            row("TC-01", 1), row("TC-02", 1), row("TCBM-01", True), row("TCBM-02", 2, 5),
        ]),
    ]
    inds = build_period(plan, Intake(subs, empty_dossiers()), "6m").figures.current.indicators
    assert list(inds) == [i["code"] for i in INDICATORS]

    def got(code):
        r = inds[code]
        return (r.value, r.numerator, r.denominator, r.status)

    assert got("CDDH-01") == (False, None, None, "chua_dat")  # bool with one 0
    assert got("CDDH-02") == (F(3, 10), 3, 10, "chua_dat")  # exactly 3/10, op ">": not met
    assert got("CDDH-03") == (F(3, 4), 3, 4, "chua_dat")  # Σnum / Σden, not the mean of rates
    assert got("CDDH-04") == (None, 0, 0, "khong_co_so_lieu")  # zero denominator
    assert got("TC-01") == (2, None, None, "dat")  # 1 + 1 >= 2
    assert isinstance(inds["TC-01"].value, int)
    assert got("TC-02") == (F(5, 2), None, None, "khong_co_chi_tieu")
    assert got("TC-03") == (None, None, None, "khong_co_chi_tieu")  # no target, no rows
    assert got("TCBM-01") == (True, None, None, "dat")
    assert got("TCBM-02") == (F(3, 10), 3, 10, "dat")  # 3/10 >= 0.30
    assert got("TCBM-03") == (F(6, 5), 12, 10, "chua_dat")  # above 1 with "<=": not met, no error
    assert got("DGTD-01") == (None, None, None, "khong_co_chi_tieu")
    assert inds["CDDH-02"].target == F(3, 10) and inds["CDDH-02"].op == ">"
    assert inds["CDDH-01"].target is True
    for code in ("CDDH-02", "CDDH-03", "TCBM-03"):
        assert isinstance(inds[code].numerator, int) and isinstance(inds[code].denominator, int)


def test_no_rows_is_no_data():
    plan = make_plan()
    inds = build_period(plan, Intake([], empty_dossiers()), "6m").figures.current.indicators
    for code in ("CDDH-01", "CDDH-03", "TC-01", "TCBM-03"):
        assert inds[code].value is None and inds[code].status == "khong_co_so_lieu", code


def test_bool_all_true_and_count_with_fraction_target():
    indicator = Indicator.model_validate(ind("X", "bool", True, "=="))
    assert submission_indicator(indicator, [row("X", True), row("X", True)]).status == "dat"
    assert submission_indicator(indicator, [row("X", True), row("X", F(0))]).value is False  # 0 as a number
    count = Indicator.model_validate(ind("Y", "count", "2.5", ">="))
    assert submission_indicator(count, [row("Y", 2)]).status == "chua_dat"
    assert submission_indicator(count, [row("Y", 2), row("Y", F(1, 2))]).status == "dat"


@pytest.mark.parametrize("value, target, op, status", [
    (F(3, 10), F(3, 10), ">", "chua_dat"),
    (F(3, 10), F(3, 10), ">=", "dat"),
    (F(3, 10) + F(1, 10**12), F(3, 10), ">", "dat"),
    (F(6, 5), F(1), "<=", "chua_dat"),
    (F(1), F(1), "<=", "dat"),
    (F(999, 1000), F(1), "<", "dat"),
    (3, F(3), "==", "dat"),
    (True, True, "==", "dat"),
    (False, True, "==", "chua_dat"),
    (None, F(1), ">=", "khong_co_so_lieu"),
    (F(1, 2), None, None, "khong_co_chi_tieu"),
])
def test_judge(value, target, op, status):
    assert judge(value, target, op) == status


def test_target_point_three_is_exact_not_float():
    """0.1 + 0.2 style: 3/10 from the plan is not the binary float 0.3."""
    plan = make_plan(indicators=[ind("CDDH-02", "rate", "0.3", ">=")])
    assert plan.indicators[0].target_fraction == F(3, 10)
    subs = [sub("vp.xlsx", "VP", D(2024, 6, 1), rows=[row("CDDH-02", 3, 10)])]
    assert build_period(plan, Intake(subs, empty_dossiers()), "6m").figures.current.indicators["CDDH-02"].status == "dat"


def test_reported_dossier_indicator_rows_are_warned_not_counted():
    """A code not in the plan never reaches aggregation (intake refuses it,
    test_intake_faults); a department's row for a dossier indicator does, and is
    left out with a warning."""
    plan = make_plan()
    subs = [sub("vp.xlsx", "VP", D(2024, 6, 1), rows=[row("TTHC-02", 1, 1)])]
    report = build_period(plan, Intake(subs, empty_dossiers()), "6m")
    assert {p.code for p in report.warnings} == {"tthc_indicator_reported"}
    assert report.figures.current.indicators["TTHC-02"].value is None


def test_dossier_figures_give_every_tthc_code_the_plan_accepts():
    """plan.TTHC_RATIOS (what plan.yaml accepts as `source: tthc`) and the ratios
    aggregate.dossiers computes are the same list."""
    from reportgen.aggregate.dossiers import dossier_figures, prepare_dossiers
    from reportgen.plan import TTHC_RATIOS

    figures = dossier_figures(prepare_dossiers(empty_dossiers(), ["VP"]), D(2024, 1, 1), D(2024, 6, 30))
    assert tuple(figures.ratios) == TTHC_RATIOS


# --- figures.json -------------------------------------------------------------------


def test_to_json_schema():
    plan = make_plan()
    subs = [
        sub("vp.xlsx", "VP", D(2024, 6, 14), rows=[row("CDDH-01", True), row("CDDH-03", 98, 100), row("TC-02", 3)]),
    ]
    report = build_period(plan, Intake(subs, one_dossier()), "6m")
    data = json.loads(report.figures.to_json())
    assert {"year", "period", "window", "tthc", "indicators", "submissions"} <= set(data)
    assert (data["year"], data["period"]) == (2024, "6m")
    assert data["window"] == {"start": "2023-12-10", "end": "2024-06-09"}
    tthc = data["tthc"]
    assert set(STAT_KEYS) <= set(tthc)
    assert tthc["received"] == 1 and tthc["resolved"] == 1 and tthc["early"] == 1
    assert list(tthc["by_department"]) == DEPTS  # every department, even without dossiers
    months = ["2023-12", "2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
    for code in DEPTS:
        assert set(tthc["by_department"][code]) == set(STAT_KEYS) | {"withdrawn", "by_month"}
        assert list(tthc["by_department"][code]["by_month"]) == months
    assert list(tthc["by_month"]) == months
    assert tthc["by_department"]["QLMT"] == {**{k: 0 for k in (*STAT_KEYS, "withdrawn")},
                                             "by_month": {m: {k: 0 for k in MONTH_KEYS} for m in months}}
    inds = data["indicators"]
    assert list(inds) == [i["code"] for i in INDICATORS]
    c03 = inds["CDDH-03"]
    assert (c03["value"], c03["numerator"], c03["denominator"], c03["target"], c03["op"], c03["status"]) == (
        0.98, 98, 100, 1, ">=", "chua_dat")
    assert {k: inds["CDDH-01"][k] for k in ("value", "target", "op", "status")} == {
        "value": True, "target": True, "op": "==", "status": "dat"}
    assert inds["TC-02"]["value"] == 3 and inds["TC-02"]["status"] == "khong_co_chi_tieu"
    assert "target" not in inds["TC-02"]
    assert inds["CDDH-04"]["value"] is None and inds["CDDH-04"]["status"] == "khong_co_so_lieu"
    assert inds["TTHC-02"]["value"] == 1 and inds["TTHC-02"]["status"] == "dat"
    s = data["submissions"]
    assert s["expected"] == DEPTS and s["received"] == ["VP"]
    assert s["missing"] == ["QLDT", "QLMT"] and s["late"] == ["VP"]


# --- comparison periods -----------------------------------------------------------------


def test_previous_period_and_same_period_last_year():
    plan = make_plan()
    subs = [
        sub("vp-6m.xlsx", "VP", D(2024, 6, 10), rows=[row("TC-01", 3)]),
        sub("vp-q1.xlsx", "VP", D(2024, 3, 10), period="q1", rows=[row("TC-01", 1)]),
    ]
    dossiers = one_dossier(received=D(2024, 4, 1), due=D(2024, 4, 10), returned=D(2024, 4, 12))
    last_plan = make_plan(year=2023)
    last = Intake([sub("vp-2023.xlsx", "QLDT", D(2023, 6, 10), year=2023, rows=[row("TC-01", 2)])], one_dossier())
    report = build_period(plan, Intake(subs, dossiers), "6m", last_year=(last_plan, last))
    figs = report.figures
    assert figs.current.indicators["TC-01"].value == 3 and figs.current.tthc.late == 1
    prev = figs.previous
    assert (prev.year, prev.period, prev.start, prev.end) == (2024, "q1", D(2023, 12, 10), D(2024, 3, 9))
    assert prev.indicators["TC-01"].value == 1 and prev.tthc.total == 0
    ly = figs.same_period_last_year
    assert (ly.year, ly.period, ly.end) == (2023, "6m", D(2023, 6, 9))
    assert ly.submissions.received == ["QLDT"] and ly.indicators["TC-01"].value == 2
    assert ly.tthc.total == 0  # the 2024 dossier is outside 2023's window
    # only this period's warnings reach the review
    assert [p.code for p in report.warnings] == ["other_period"]
    data = json.loads(figs.to_json())
    assert data["comparison"]["previous"]["period"] == "q1"
    assert data["comparison"]["same_period_last_year"]["year"] == 2023


def test_no_comparison_without_data():
    plan = make_plan()
    report = build_period(plan, Intake([], empty_dossiers()), "q1",
                          last_year=(make_plan(year=2023), Intake([], empty_dossiers())))
    assert report.figures.previous is None  # q1 has no previous period
    assert report.figures.same_period_last_year is None  # nothing in last year's inputs
    report = build_period(plan, Intake([], empty_dossiers()), "q3")
    assert report.figures.previous is None  # 6m window, but no data in it


def test_period_without_window_is_an_input_error():
    from reportgen.diagnostics import InputError

    with pytest.raises(InputError):
        build_period(make_plan(), Intake([], empty_dossiers()), "year")
