"""tthc.by_month and the lists of dossiers behind the bad figures (review.md), with
hand-computed expectations; the chi-tiet workbook written from them."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

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
from reportgen.render.dossier_lists_xlsx import HEADERS, render_dossier_lists

from conftest import SAMPLE_INPUTS
from intake_helpers import LOG_HEADERS, log_row, make_inputs, write_csv
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
    active = ~df["withdrawn"].astype(bool)  # withdrawn or cancelled: in no figure (dossier-exports.md)
    in_total = (R.between(start, end) | ((R < start) & (C.isna() | (C >= start)))) & active
    resolved = in_total & C.between(start, end)
    expected_withdrawn = set(df.loc[R.between(start, end) & ~active, "id"])
    expected_overdue = set(df.loc[in_total & ~resolved & (Dd < end), "id"])
    expected_late = set(df.loc[resolved & (C > Dd), "id"])
    lists = report.dossier_lists
    assert set(ids(lists.pending_overdue)) == expected_overdue and len(expected_overdue) == cur.tthc.pending_overdue > 0
    assert set(ids(lists.late)) == expected_late and len(expected_late) == cur.tthc.late > 0
    assert len(set(ids(lists.late))) == len(lists.late)
    assert set(ids(lists.withdrawn)) == expected_withdrawn and len(expected_withdrawn) == cur.tthc.withdrawn > 0
    order = {code: i for i, code in enumerate(plan.department_codes)}
    keys = [(order[d], due) for d, due in zip(lists.pending_overdue["department"], lists.pending_overdue["due"])]
    assert keys == sorted(keys)


# ------------------------------------------------------------------ the chi-tiet workbook

LIST_HEADER = list(HEADERS.values())


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_workbook_sheets_hold_exactly_the_lists():
    df = with_withdrawn()
    lists = dossier_lists(df, prepare_dossiers(df, ["A", "B", "C"]), START, END)
    data = render_dossier_lists(lists, as_of=END, title="t")
    wb = workbook(data)
    assert wb.sheetnames == ["Hồ sơ quá hạn", "Hồ sơ trả quá hạn", "Hồ sơ rút"]
    overdue = list(wb["Hồ sơ quá hạn"].iter_rows(values_only=True))
    assert list(overdue[0]) == LIST_HEADER
    rows = overdue[1:]  # Thủ tục is blank in these rows; a blank Ngày trả is an empty cell
    assert [r[0] for r in rows] == ["e2", "b3"]
    assert rows[0] == ("e2", "A", None, dt.datetime(2024, 1, 12), dt.datetime(2024, 1, 15), dt.datetime(2024, 3, 10), 54)
    assert rows[1] == ("b3", "B", None, dt.datetime(2023, 12, 20), dt.datetime(2024, 1, 5), None, 64)
    late = list(wb["Hồ sơ trả quá hạn"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[6]) for r in late] == [("a3", 2), ("b4", 3)]
    gone = list(wb["Hồ sơ rút"].iter_rows(values_only=True))
    assert list(gone[0]) == LIST_HEADER[:-1]  # no days late for a withdrawn dossier
    assert [r[0] for r in gone[1:]] == ["a4", "w1"]


def test_workbook_rows_written_piece_by_piece_are_the_same(monkeypatch):
    """A long list is made and compressed ROWS_PER_PIECE rows at a time: pieces of
    one row give the same cells, in order, with their row numbers."""
    import reportgen.render.dossier_lists_xlsx as xlsx

    df = with_withdrawn()
    df["procedure"] = pd.Series([" lề trái", "a & b", "x"] * (len(df) // 3) + ["y"] * (len(df) % 3), dtype="string")
    lists = dossier_lists(df, prepare_dossiers(df, ["A", "B", "C"]), START, END)
    whole = workbook(render_dossier_lists(lists, as_of=END, title="t"))
    monkeypatch.setattr(xlsx, "ROWS_PER_PIECE", 1)
    pieces = workbook(render_dossier_lists(lists, as_of=END, title="t"))
    for name in whole.sheetnames:
        rows = list(pieces[name].iter_rows(values_only=True))
        assert rows == list(whole[name].iter_rows(values_only=True))
        assert len(rows) > 2
        assert [row[0].row for row in pieces[name].iter_rows(min_row=2)] == list(range(2, len(rows) + 1))


def test_workbook_layout_dates_filter_frozen_header_widths():
    df = frame(ROWS)
    df["procedure"] = pd.Series(["Cấp giấy phép xây dựng công trình có quy mô lớn"] * len(df), dtype="string")
    lists = dossier_lists(df, prepare_dossiers(df, ["A", "B", "C"]), START, END)
    wb = workbook(render_dossier_lists(lists, as_of=END, title="t"))
    assert wb.sheetnames == ["Hồ sơ quá hạn", "Hồ sơ trả quá hạn"]  # no status column: no Hồ sơ rút
    for ws, n in ((wb["Hồ sơ quá hạn"], 3), (wb["Hồ sơ trả quá hạn"], 2)):
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:G{n + 1}"
        assert ws.max_row == n + 1 and ws.max_column == 7
        assert all(cell.font.bold for cell in ws[1])
        for cell in ws["D"][1:] + ws["E"][1:]:
            assert isinstance(cell.value, dt.datetime) and cell.is_date and cell.number_format == "dd/mm/yyyy"
        widths = {c: ws.column_dimensions[c].width for c in "ABCDEFG"}
        assert widths["C"] >= len("Cấp giấy phép xây dựng công trình có quy mô lớn")
        assert widths["G"] >= len("Số ngày quá hạn") and widths["A"] >= len("Mã hồ sơ")
    empty = dossier_lists(frame([]), prepare_dossiers(frame([]), ["A", "B", "C"]), START, END)
    ws = workbook(render_dossier_lists(empty, as_of=END, title="t"))["Hồ sơ quá hạn"]
    assert list(ws.iter_rows(values_only=True)) == [tuple(LIST_HEADER)] and ws.auto_filter.ref == "A1:G1"


def test_text_that_looks_like_a_formula_stays_text():
    df = frame(ROWS)
    # listed: a3 (late), a4, e2, b3 (overdue), b4 (late)
    df["id"] = pd.Series(["a1", "a2", "=1+1", "+84-HS", "-HS", "x1", "b1", "b2", "@SUM(A1)", "b4"], dtype="string")
    df["procedure"] = pd.Series([None, None, '=HYPERLINK("http://x","y")', "<b>&amp;</b>", "+1", None, None, None,
                                 "-", None], dtype="string")
    lists = dossier_lists(df, prepare_dossiers(df, ["A", "B", "C"]), START, END)
    data = render_dossier_lists(lists, as_of=END, title="t")
    cells = [c for ws in workbook(data) for row in ws.iter_rows(min_row=2) for c in row[:3] if c.value is not None]
    values = {c.value for c in cells}
    assert {"=1+1", "+84-HS", "-HS", "@SUM(A1)", '=HYPERLINK("http://x","y")', "<b>&amp;</b>", "+1", "-"} <= values
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_workbook_same_bytes_twice():
    df = with_withdrawn()
    lists = dossier_lists(df, prepare_dossiers(df, ["A", "B", "C"]), START, END)
    first = render_dossier_lists(lists, as_of=END, title="t")
    again = dossier_lists(df.iloc[::-1].reset_index(drop=True), prepare_dossiers(df.iloc[::-1].reset_index(drop=True),
                                                                                 ["A", "B", "C"]), START, END)
    assert render_dossier_lists(again, as_of=END, title="t") == first  # nor on the order of the logs


def test_a_dossier_in_two_logs_is_listed_once(tmp_path):
    year = make_inputs(tmp_path)
    overdue = log_row(1, "VP", r="05/03/2024", d="20/03/2024", c="")  # pending, overdue at 09/6/2024
    late = log_row(2, "QLDT", r="05/03/2024", d="20/03/2024", c="25/03/2024")
    write_csv(year / "tthc" / "a.csv", [overdue, late], LOG_HEADERS)
    write_csv(year / "tthc" / "b.csv", [overdue, late, log_row(3, "VP")], LOG_HEADERS)
    plan = load_plan(year / "plan.yaml")
    report = build_period(plan, read_inputs(year, plan), "6m")
    stats = report.figures.current.tthc
    wb = workbook(render_dossier_lists(report.dossier_lists, as_of=report.figures.current.end, title="t"))
    assert [r[0] for r in wb["Hồ sơ quá hạn"].iter_rows(min_row=2, values_only=True)] == ["HS-00001"]
    assert [r[0] for r in wb["Hồ sơ trả quá hạn"].iter_rows(min_row=2, values_only=True)] == ["HS-00002"]
    assert (stats.pending_overdue, stats.late) == (1, 1)


def test_chi_tiet_of_the_sample_matches_the_figures_and_an_independent_selection(sample_report_6m, sample):
    plan, intake = sample
    figures = json.loads((sample_report_6m / "figures.json").read_text(encoding="utf-8"))
    wb = openpyxl.load_workbook(sample_report_6m / "BC-CCHC-2024-6m-chi-tiet.xlsx")
    df = intake.dossiers
    start, end = pd.Timestamp(2023, 12, 10), pd.Timestamp(2024, 6, 9)
    R, Dd, C = df["received"], df["due"], df["returned"]
    active = ~df["withdrawn"].astype(bool)
    in_total = (R.between(start, end) | ((R < start) & (C.isna() | (C >= start)))) & active
    resolved = in_total & C.between(start, end)
    for sheet, mask, figure in (("Hồ sơ quá hạn", in_total & ~resolved & (Dd < end), "pending_overdue"),
                                ("Hồ sơ trả quá hạn", resolved & (C > Dd), "late"),
                                ("Hồ sơ rút", R.between(start, end) & ~active, "withdrawn")):
        ws = wb[sheet]
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        assert [c.value for c in ws[1]] == (LIST_HEADER if figure != "withdrawn" else LIST_HEADER[:-1])  # no days late
        assert len(rows) == figures["tthc"][figure] > 0
        assert {r[0] for r in rows} == set(df.loc[mask, "id"])
        assert all(isinstance(r[3], dt.datetime) and isinstance(r[4], dt.datetime) for r in rows)
        by_id = df.set_index("id")
        for r in rows[:50]:
            assert pd.Timestamp(r[4]) == by_id.loc[r[0], "due"]
            if figure == "withdrawn":
                continue
            expected = (end - by_id.loc[r[0], "due"]).days if figure == "pending_overdue" else \
                (by_id.loc[r[0], "returned"] - by_id.loc[r[0], "due"]).days
            assert r[6] == expected > 0
