"""tthc.by_month and the lists of dossiers behind the bad figures (review.md), with
hand-computed expectations; the chi-tiet workbook written from them."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import asdict

import numpy as np
import openpyxl
import pandas as pd
import pytest

from reportgen.aggregate import build_period
from reportgen.aggregate.by_month import month_keys, monthly_figures
from reportgen.aggregate.dossier_lists import dossier_lists
from reportgen.aggregate.dossiers import dossier_figures, prepare_dossiers
from reportgen.figures import MONTH_KEYS, MonthStats
from reportgen.intake import read_inputs
from reportgen.plan import load_plan
from reportgen.records import Intake

from conftest import SAMPLE_INPUTS
from test_aggregate_dossiers import frame, make_plan

D = dt.date
START, END = D(2024, 1, 10), D(2024, 3, 9)  # make_plan's q1
N = None
# id, dept, R, D, C, channel, fee, paid, digitized, reused, rating
ROWS = [
    # carried over (received before the window), resolved 15/1 before its deadline: early, January
    ("a1", "A", D(2024, 1, 5), D(2024, 1, 20), D(2024, 1, 15), "online", False, False, True, False, N),
    # received 10/1 online, resolved on its deadline 20/1: on time, January
    ("a2", "A", D(2024, 1, 10), D(2024, 1, 20), D(2024, 1, 20), "online", False, False, True, False, N),
    # received 31/1 directly, resolved 7/2 two days after its deadline: late, February
    ("a3", "A", D(2024, 1, 31), D(2024, 2, 5), D(2024, 2, 7), "direct", False, False, True, False, N),
    # received 1/2 by post, pending, deadline 10/2: overdue 9/3 - 10/2 = 28 days
    ("a4", "A", D(2024, 2, 1), D(2024, 2, 10), N, "postal", False, False, True, False, N),
    # received 12/1 directly, returned 10/3 (after the window): pending at the end, overdue 54 days
    ("e2", "A", D(2024, 1, 12), D(2024, 1, 15), D(2024, 3, 10), "direct", False, False, True, False, N),
    # received after the window: in nothing
    ("x1", "A", D(2024, 3, 10), D(2024, 3, 20), N, "online", False, False, True, False, N),
    # received 15/2 online, pending, deadline after the end: in time
    ("b1", "B", D(2024, 2, 15), D(2024, 3, 20), N, "online", False, False, True, False, N),
    # received on the last day, deadline the last day, returned later: pending, in time (D == end)
    ("b2", "B", D(2024, 3, 9), D(2024, 3, 9), D(2024, 3, 12), "direct", False, False, True, False, N),
    # carried over, pending, deadline 5/1: overdue 9/3 - 5/1 = 64 days
    ("b3", "B", D(2023, 12, 20), D(2024, 1, 5), N, "online", False, False, True, False, N),
    # received 1/3 online, resolved 8/3 three days late: March
    ("b4", "B", D(2024, 3, 1), D(2024, 3, 5), D(2024, 3, 8), "online", False, False, True, False, N),
]


def month(received=0, online=0, direct=0, postal=0, resolved=0, early=0, on_time=0, late=0) -> MonthStats:
    return MonthStats(received, online, direct, postal, resolved, early, on_time, late)


def test_month_keys_cover_every_calendar_month_of_the_window():
    assert month_keys(D(2023, 12, 10), D(2024, 6, 9)) == [
        "2023-12", "2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
    assert month_keys(D(2024, 3, 1), D(2024, 3, 31)) == ["2024-03"]


def test_by_month_hand_computed():
    arrays = prepare_dossiers(frame(ROWS), ["A", "B", "C"])
    months = monthly_figures(arrays, START, END)
    assert months.overall == {
        "2024-01": month(received=3, online=1, direct=2, resolved=2, early=1, on_time=1),
        "2024-02": month(received=2, online=1, postal=1, resolved=1, late=1),
        "2024-03": month(received=2, online=1, direct=1, resolved=1, late=1),
    }
    assert months.by_department["A"] == {
        "2024-01": month(received=3, online=1, direct=2, resolved=2, early=1, on_time=1),
        "2024-02": month(received=1, postal=1, resolved=1, late=1),
        "2024-03": month(),
    }
    assert months.by_department["B"] == {
        "2024-01": month(),
        "2024-02": month(received=1, online=1),
        "2024-03": month(received=2, online=1, direct=1, resolved=1, late=1),
    }
    assert months.by_department["C"] == {m: month() for m in ("2024-01", "2024-02", "2024-03")}


def _summed(by_month: dict[str, MonthStats]) -> dict[str, int]:
    return {k: sum(getattr(m, k) for m in by_month.values()) for k in MONTH_KEYS}


def _window(stats) -> dict[str, int]:
    return {k: getattr(stats, k) for k in MONTH_KEYS}


def test_by_month_sums_to_the_window_hand_computed():
    arrays = prepare_dossiers(frame(ROWS), ["A", "B", "C"])
    window = dossier_figures(arrays, START, END)
    months = monthly_figures(arrays, START, END)
    assert _summed(months.overall) == _window(window.stats) == {
        "received": 7, "online": 3, "direct": 3, "postal": 1, "resolved": 4, "early": 1, "on_time": 1, "late": 2}
    for code in "ABC":
        assert _summed(months.by_department[code]) == _window(window.by_department[code])


@pytest.fixture(scope="module")
def sample():
    plan = load_plan(SAMPLE_INPUTS / "2024" / "plan.yaml")
    return plan, read_inputs(SAMPLE_INPUTS / "2024", plan)


@pytest.mark.parametrize("period", ["q1", "6m", "q3", "year"])
def test_by_month_sums_to_the_window_on_the_sample(sample, period):
    plan, intake = sample
    report = build_period(plan, intake, period)
    data = json.loads(report.figures.to_json())["tthc"]
    window = plan.periods[period]
    assert list(data["by_month"]) == month_keys(window.start, window.end)
    assert sum(m["received"] for m in data["by_month"].values()) > 0
    for key in MONTH_KEYS:
        assert sum(m[key] for m in data["by_month"].values()) == data[key], key
        for code, dep in data["by_department"].items():
            assert list(dep["by_month"]) == list(data["by_month"])
            assert sum(m[key] for m in dep["by_month"].values()) == dep[key], (code, key)


# ------------------------------------------------------------------ the lists


def ids(df: pd.DataFrame) -> list[str]:
    return list(df["id"])


def test_lists_hand_computed():
    df = frame(ROWS)
    lists = dossier_lists(df, prepare_dossiers(df, ["A", "B", "C"]), START, END)
    # by department, then Hạn xử lý (overdue) / Ngày trả (late)
    assert ids(lists.pending_overdue) == ["e2", "a4", "b3"]
    assert list(lists.pending_overdue["days_late"]) == [54, 28, 64]
    assert list(lists.pending_overdue["department"]) == ["A", "A", "B"]
    assert ids(lists.late) == ["a3", "b4"]
    assert list(lists.late["days_late"]) == [2, 3]
    assert lists.withdrawn is None  # no status column: no list of withdrawn dossiers
    stats = dossier_figures(prepare_dossiers(df, ["A", "B", "C"]), START, END).stats
    assert (len(lists.pending_overdue), len(lists.late)) == (stats.pending_overdue, stats.late)
    first = lists.pending_overdue.iloc[0]
    assert (first["received"], first["due"], first["returned"]) == (
        pd.Timestamp(2024, 1, 12), pd.Timestamp(2024, 1, 15), pd.Timestamp(2024, 3, 10))


def with_withdrawn() -> pd.DataFrame:
    """ROWS plus two dossiers, with a `withdrawn` column (engineer D's interface):
    a4 withdrawn, w1 withdrawn in the window, w2 withdrawn but received before it."""
    rows = ROWS + [
        ("w1", "A", D(2024, 2, 20), D(2024, 3, 1), N, "online", False, False, True, False, N),
        ("w2", "B", D(2023, 12, 1), D(2023, 12, 20), N, "online", False, False, True, False, N),
    ]
    df = frame(rows)
    df["withdrawn"] = df["id"].isin(["a4", "w1", "w2"]).to_numpy()
    return df


def test_withdrawn_left_out_of_the_lists_and_listed_on_their_own():
    df = with_withdrawn()
    lists = dossier_lists(df, prepare_dossiers(df, ["A", "B", "C"]), START, END)
    assert set(ids(lists.pending_overdue)) == {"e2", "b3"}  # a4, w1, w2 withdrawn
    assert set(ids(lists.late)) == {"a3", "b4"}
    assert ids(lists.withdrawn) == ["a4", "w1"]  # received in the window; w2 was received before it
    assert lists.withdrawn["days_late"].isna().all()


def test_withdrawn_left_out_of_by_month():
    df = with_withdrawn()
    report = build_period(make_plan(), Intake([], df), "q1")
    months = report.figures.current.tthc_by_month
    assert months.overall["2024-02"] == month(received=1, online=1, resolved=1, late=1)  # b1; a4, w1 withdrawn
    assert months.by_department["A"]["2024-02"] == month(resolved=1, late=1)
    assert ids(report.dossier_lists.withdrawn) == ["a4", "w1"]


def test_lists_of_the_sample_match_an_independent_selection(sample):
    """The ids of each list against a plain pandas selection of the figures.md rules."""
    plan, intake = sample
    report = build_period(plan, intake, "6m")
    cur = report.figures.current
    df = intake.dossiers
    start, end = pd.Timestamp(cur.start), pd.Timestamp(cur.end)
    R, Dd, C = df["received"], df["due"], df["returned"]
    in_total = R.between(start, end) | ((R < start) & (C.isna() | (C >= start)))
    resolved = in_total & C.between(start, end)
    expected_overdue = set(df.loc[in_total & ~resolved & (Dd < end), "id"])
    expected_late = set(df.loc[resolved & (C > Dd), "id"])
    lists = report.dossier_lists
    assert set(ids(lists.pending_overdue)) == expected_overdue and len(expected_overdue) == cur.tthc.pending_overdue > 0
    assert set(ids(lists.late)) == expected_late and len(expected_late) == cur.tthc.late > 0
    assert len(set(ids(lists.late))) == len(lists.late)
    order = {code: i for i, code in enumerate(plan.department_codes)}
    keys = [(order[d], due) for d, due in zip(lists.pending_overdue["department"], lists.pending_overdue["due"])]
    assert keys == sorted(keys)
