"""Dossier statistics of a window and the dossier-based indicators (figures.md),
with hand-computed expectations."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from reportgen.aggregate import build_period
from reportgen.aggregate.dossiers import dossier_figures, dossier_stats, prepare_dossiers
from reportgen.figures import STAT_KEYS, DossierStats
from reportgen.plan import Plan
from reportgen.records import CHANNELS, RATINGS, Intake, empty_dossiers

D = dt.date
DEPTS = ["A", "B", "C"]
START, END = D(2024, 1, 10), D(2024, 6, 9)

TTHC_INDICATORS = [
    {"code": "TTHC-02", "area": 3, "name": "Đúng hạn", "unit": "rate", "target": "1.0", "op": ">=", "source": "tthc"},
    {"code": "TTHC-03", "area": 3, "name": "Số hóa", "unit": "rate", "target": "1.0", "op": ">=", "source": "tthc"},
    {"code": "TTHC-05", "area": 3, "name": "Thanh toán", "unit": "rate", "target": "0.50", "op": ">=", "source": "tthc"},
    {"code": "TTHC-07", "area": 3, "name": "Hài lòng", "unit": "rate", "target": "0.90", "op": ">=", "source": "tthc"},
    {"code": "TTHC-08", "area": 3, "name": "Tái sử dụng", "unit": "rate", "target": "0.60", "op": ">=", "source": "tthc"},
    {"code": "TTHC-09", "area": 3, "name": "Trực tuyến", "unit": "rate", "source": "tthc"},
]


def make_plan(indicators=TTHC_INDICATORS, departments=DEPTS, year=2024) -> Plan:
    return Plan.model_validate({
        "year": year,
        "organization": {"name": "BAN", "place": "Hải Dương", "code": "KCN"},
        "departments": [{"code": c, "name": f"Phòng {c}"} for c in departments],
        "periods": {
            "q1": {"start": D(year, 1, 10), "end": D(year, 3, 9), "due_before": D(year, 3, 14)},
            "6m": {"start": D(year, 1, 10), "end": D(year, 6, 9), "due_before": D(year, 6, 14)},
        },
        "indicators": indicators,
        "signer": {"title": "TRƯỞNG BAN", "name": "X"},
        "recipients": ["Lưu: VT, VP"],
    })


def frame(rows, categories=DEPTS) -> pd.DataFrame:
    """rows: (id, dept, R, D, C, channel, fee, online_payment, digitized, reused, rating)."""
    cols = list(zip(*rows)) if rows else [[] for _ in range(11)]
    ts = lambda values: pd.Series(pd.to_datetime(list(values)), dtype="datetime64[ns]")  # noqa: E731
    return pd.DataFrame({
        "id": pd.Series(cols[0], dtype="string"),
        "department": pd.Categorical(cols[1], categories=categories),
        "procedure": pd.Series([None] * len(rows), dtype="string"),
        "field": pd.Series([None] * len(rows), dtype="string"),
        "received": ts(cols[2]),
        "due": ts(cols[3]),
        "returned": ts(cols[4]),
        "channel": pd.Categorical(cols[5], categories=list(CHANNELS)),
        "fee": pd.Series(cols[6], dtype=bool),
        "online_payment": pd.Series(cols[7], dtype=bool),
        "digitized": pd.Series(cols[8], dtype=bool),
        "reused": pd.Series(cols[9], dtype=bool),
        "rating": pd.Categorical(cols[10], categories=list(RATINGS)),
    })


N = None
# id, dept, R, D, C, channel, fee, paid, digitized, reused, rating
ROWS = [
    # received before the window, resolved inside it: carried over, resolved early
    ("d1", "A", D(2024, 1, 5), D(2024, 1, 25), D(2024, 1, 20), "online", False, False, True, False, "very_satisfied"),
    # resolved on the deadline day: on time
    ("d2", "A", D(2024, 2, 1), D(2024, 2, 10), D(2024, 2, 10), "online", True, True, True, True, "satisfied"),
    # resolved the day after the deadline: late
    ("d3", "B", D(2024, 2, 1), D(2024, 2, 10), D(2024, 2, 11), "direct", True, False, True, False, "dissatisfied"),
    # received and resolved before the window start: not carried over, not counted at all
    ("d4", "B", D(2023, 12, 1), D(2023, 12, 20), D(2024, 1, 9), "online", True, True, True, True, "satisfied"),
    # pending, deadline on the window's last day: in time (online payment without fee: ignored)
    ("d5", "A", D(2024, 5, 1), D(2024, 6, 9), N, "postal", False, True, False, False, "very_satisfied"),
    # pending, deadline the day before the window's last day: overdue
    ("d6", "B", D(2024, 5, 1), D(2024, 6, 8), N, "online", True, True, True, False, N),
    # returned after the window end: still pending at the end (deadline passed: overdue)
    ("d7", "A", D(2024, 5, 20), D(2024, 6, 1), D(2024, 6, 10), "direct", False, False, False, False, N),
    # received after the window end: not counted
    ("d8", "B", D(2024, 6, 10), D(2024, 6, 20), D(2024, 6, 12), "online", True, True, True, True, "satisfied"),
    # received on the first day, resolved on the last day: received, resolved, early
    ("d9", "A", D(2024, 1, 10), D(2024, 6, 30), D(2024, 6, 9), "online", False, False, True, True, N),
    # received long before, never returned: carried over, pending overdue
    ("d10", "B", D(2023, 11, 1), D(2023, 11, 20), N, "direct", False, False, False, False, N),
    # received the day before the window, returned on its first day: carried over, on time
    ("d11", "A", D(2024, 1, 9), D(2024, 1, 10), D(2024, 1, 10), "postal", False, False, False, False, "satisfied"),
]

EXPECTED_TOTAL = DossierStats(
    received=6, carried_over=3, total=9, online=3, direct=2, postal=1,
    resolved=5, early=2, on_time=2, late=1, pending=4, pending_in_time=1, pending_overdue=3,
)
EXPECTED_A = DossierStats(
    received=4, carried_over=2, total=6, online=2, direct=1, postal=1,
    resolved=4, early=2, on_time=2, late=0, pending=2, pending_in_time=1, pending_overdue=1,
)
EXPECTED_B = DossierStats(
    received=2, carried_over=1, total=3, online=1, direct=1, postal=0,
    resolved=1, early=0, on_time=0, late=1, pending=2, pending_in_time=0, pending_overdue=2,
)


def test_window_statistics_hand_computed():
    figs = dossier_stats(frame(ROWS), DEPTS, START, END)
    assert figs.stats == EXPECTED_TOTAL
    assert list(figs.by_department) == DEPTS  # every plan department, plan order
    assert figs.by_department["A"] == EXPECTED_A
    assert figs.by_department["B"] == EXPECTED_B
    assert figs.by_department["C"] == DossierStats()  # no dossier: zeros


@pytest.mark.parametrize("index, expected", [
    (0, {"carried_over": 1, "resolved": 1, "early": 1}),
    (1, {"received": 1, "online": 1, "resolved": 1, "on_time": 1}),
    (2, {"received": 1, "direct": 1, "resolved": 1, "late": 1}),
    (3, {}),
    (4, {"received": 1, "postal": 1, "pending": 1, "pending_in_time": 1}),
    (5, {"received": 1, "online": 1, "pending": 1, "pending_overdue": 1}),
    (6, {"received": 1, "direct": 1, "pending": 1, "pending_overdue": 1}),
    (7, {}),
    (8, {"received": 1, "online": 1, "resolved": 1, "early": 1}),
    (9, {"carried_over": 1, "pending": 1, "pending_overdue": 1}),
    (10, {"carried_over": 1, "resolved": 1, "on_time": 1}),
])
def test_each_edge_dossier_alone(index, expected):
    figs = dossier_stats(frame([ROWS[index]]), DEPTS, START, END)
    counts = {k: v for k, v in asdict(figs.stats).items() if v}
    if counts:
        expected = {**expected, "total": 1}
    assert counts == expected


def test_department_categories_in_another_order_and_unused():
    df = frame(ROWS, categories=["C", "B", "A", "Z"])
    figs = dossier_stats(df, DEPTS, START, END)
    assert list(figs.by_department) == DEPTS
    assert figs.by_department["A"] == EXPECTED_A and figs.by_department["B"] == EXPECTED_B
    assert figs.stats == EXPECTED_TOTAL


def test_plain_dtypes_are_accepted():
    """Strings instead of categoricals, datetime64[us] instead of [ns]."""
    df = frame(ROWS)
    df["department"] = df["department"].astype("string")
    df["channel"] = df["channel"].astype("object")
    df["rating"] = df["rating"].astype("object")
    for col in ("received", "due", "returned"):
        df[col] = df[col].astype("datetime64[us]")
    figs = dossier_stats(df, DEPTS, START, END)
    assert figs.stats == EXPECTED_TOTAL and figs.by_department["B"] == EXPECTED_B
    assert figs.ratios["TTHC-07"] == (3, 4)


def test_empty_log_gives_zeros_for_every_department():
    figs = dossier_stats(empty_dossiers(), DEPTS, START, END)
    assert figs.stats == DossierStats()
    assert figs.by_department == {c: DossierStats() for c in DEPTS}
    assert figs.ratios["TTHC-02"] == (0, 0)


def test_dossier_indicator_ratios():
    figs = dossier_stats(frame(ROWS), DEPTS, START, END)
    assert figs.ratios == {
        "TTHC-02": (4, 5),  # early d1, d9 + on time d2, d11 / resolved d1 d2 d3 d9 d11
        "TTHC-03": (4, 6),  # digitised d2 d3 d6 d9 / received d2 d3 d5 d6 d7 d9
        "TTHC-05": (2, 3),  # paid online d2 d6 / with fee d2 d3 d6 (d5 paid without fee: ignored)
        "TTHC-07": (3, 4),  # satisfied d1 d2 d11 / rated resolved d1 d2 d3 d11 (d5 pending)
        "TTHC-08": (2, 6),  # reused d2 d9
        "TTHC-09": (3, 6),  # online d2 d6 d9
    }


def test_dossier_indicators_judged_in_build_period():
    plan = make_plan()
    report = build_period(plan, Intake([], frame(ROWS)), "6m")
    inds = report.figures.current.indicators
    assert list(inds) == [i["code"] for i in TTHC_INDICATORS]  # plan order
    t02 = inds["TTHC-02"]
    assert (t02.value, t02.numerator, t02.denominator, t02.status) == (Fraction(4, 5), 4, 5, "chua_dat")
    assert isinstance(t02.numerator, int) and isinstance(t02.denominator, int)
    assert t02.target == 1 and t02.op == ">="
    assert (inds["TTHC-03"].value, inds["TTHC-03"].status) == (Fraction(2, 3), "chua_dat")
    assert (inds["TTHC-05"].value, inds["TTHC-05"].status) == (Fraction(2, 3), "dat")
    assert (inds["TTHC-07"].value, inds["TTHC-07"].status) == (Fraction(3, 4), "chua_dat")
    assert (inds["TTHC-08"].value, inds["TTHC-08"].status) == (Fraction(1, 3), "chua_dat")
    t09 = inds["TTHC-09"]
    assert (t09.value, t09.status, t09.target) == (Fraction(1, 2), "khong_co_chi_tieu", None)
    assert report.figures.current.tthc == EXPECTED_TOTAL


def test_no_resolved_dossier_is_no_data():
    plan = make_plan()
    only_pending = [r for r in ROWS if r[0] in ("d5", "d6")]
    inds = build_period(plan, Intake([], frame(only_pending)), "6m").figures.current.indicators
    t02 = inds["TTHC-02"]
    assert (t02.value, t02.numerator, t02.denominator, t02.status) == (None, 0, 0, "khong_co_so_lieu")
    assert inds["TTHC-07"].status == "khong_co_so_lieu"
    assert inds["TTHC-03"].value == Fraction(1, 2)


def test_plan_may_omit_dossier_indicators():
    plan = make_plan(indicators=[TTHC_INDICATORS[0]])
    inds = build_period(plan, Intake([], frame(ROWS)), "6m").figures.current.indicators
    assert list(inds) == ["TTHC-02"]


def test_window_comes_from_the_plan():
    """A 15th-to-14th window (Nghị định 09's default) moves d11 and d1 around."""
    plan = make_plan()
    data = plan.model_dump()
    data["periods"]["6m"] = {"start": D(2024, 1, 9), "end": D(2024, 6, 8), "due_before": D(2024, 6, 14)}
    plan = Plan.model_validate(data)
    stats = build_period(plan, Intake([], frame(ROWS)), "6m").figures.current.tthc
    # d11 is now received on the first day; d4, returned on the first day, is carried
    # over and resolved late (due 20/12/2023); d9, returned 9/6, is now pending (in
    # time); d5 (due 9/6) and d6 (due 8/6, the last day) are pending in time.
    assert stats.received == 7 and stats.carried_over == 3  # d2 d3 d5 d6 d7 d9 d11 / d1 d4 d10
    assert stats.resolved == 5 and (stats.early, stats.on_time, stats.late) == (1, 2, 2)  # d1 / d2 d11 / d3 d4
    assert stats.pending_in_time == 3 and stats.pending_overdue == 2  # d5 d6 d9 / d7 d10


def _naive(df: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Row by row, straight from figures.md's table (slow reference)."""
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    out = []
    for r in df.itertuples():
        R, Dd, C = r.received, r.due, r.returned
        has_c = not pd.isna(C)
        rec = s <= R <= e
        car = R < s and (not has_c or C >= s)
        tot = rec or car
        res = tot and has_c and s <= C <= e
        pen = tot and not res
        out.append({
            "department": r.department, "received": rec, "carried_over": car, "total": tot,
            "online": rec and r.channel == "online", "direct": rec and r.channel == "direct",
            "postal": rec and r.channel == "postal", "resolved": res,
            "early": res and C < Dd, "on_time": res and C == Dd, "late": res and C > Dd,
            "pending": pen, "pending_in_time": pen and Dd >= e, "pending_overdue": pen and Dd < e,
        })
    return pd.DataFrame(out)


def test_vectorised_matches_row_by_row_reference():
    rng = np.random.default_rng(7)
    n = 3000
    base = D(2023, 11, 1)
    rows = []
    for i in range(n):
        r = base + dt.timedelta(days=int(rng.integers(0, 260)))
        due = r + dt.timedelta(days=int(rng.integers(0, 30)))
        c = None if rng.random() < 0.2 else r + dt.timedelta(days=int(rng.integers(0, 40)))
        rows.append((f"x{i}", DEPTS[rng.integers(0, 2)], r, due, c,
                     ["online", "direct", "postal"][rng.integers(0, 3)],
                     bool(rng.random() < .5), bool(rng.random() < .5), bool(rng.random() < .5),
                     bool(rng.random() < .5), [None, "satisfied", "dissatisfied"][rng.integers(0, 3)]))
    df = frame(rows)
    arrays = prepare_dossiers(df, DEPTS)
    for start, end in ((START, END), (D(2024, 3, 1), D(2024, 3, 31)), (D(2024, 6, 10), D(2024, 9, 9))):
        figs = dossier_figures(arrays, start, end)
        ref = _naive(df, start, end)
        assert asdict(figs.stats) == {**{k: int(ref[k].sum()) for k in STAT_KEYS}, "withdrawn": 0}
        per = ref.groupby("department", observed=False)[list(STAT_KEYS)].sum()
        for code in DEPTS:
            expected = {**{k: int(per.loc[code, k]) for k in STAT_KEYS}, "withdrawn": 0} if code in per.index \
                else asdict(DossierStats())
            assert asdict(figs.by_department[code]) == expected


def test_blank_received_date_counts_nowhere():
    """An intake error; aggregation must not crash nor count it (as carried over, say)."""
    df = frame([("x", "A", D(2024, 2, 1), D(2024, 2, 10), N, "online", False, False, False, False, N)])
    df["received"] = pd.Series([pd.NaT], dtype="datetime64[ns]")
    assert dossier_stats(df, DEPTS, START, END).stats == DossierStats()
