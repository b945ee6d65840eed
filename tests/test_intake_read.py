"""Intake success paths, read_inputs called directly (later stages may not exist yet)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from intake_helpers import LOG_HEADERS, info_rows, log_row, make_inputs, submission, write_csv, write_log_xlsx
from reportgen.intake import read_inputs
from reportgen.intake import values as V
from reportgen.intake.legacy import fix_legacy
from reportgen.plan import load_plan
from reportgen.records import empty_dossiers


def _read(y):
    return read_inputs(y, load_plan(y / "plan.yaml"))


# --- values -------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("05/03/2024", dt.date(2024, 3, 5)), ("5/3/2024", dt.date(2024, 3, 5)), ("05-03-2024", dt.date(2024, 3, 5)),
    ("05/03/2024 14:30", dt.date(2024, 3, 5)), ("2024-03-05", dt.date(2024, 3, 5)),
    ("2024-03-05T08:00:00", dt.date(2024, 3, 5)), (dt.datetime(2024, 3, 5, 23, 59), dt.date(2024, 3, 5)),
    (45356.75, dt.date(2024, 3, 5)), ("45356", dt.date(2024, 3, 5)), ("", None), (None, None),
])
def test_dates_are_day_first(text, expected):
    assert V.parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2024", "2024/13/01", "hôm qua", "13-2024"])
def test_bad_dates(text):
    with pytest.raises(V.BadValue):
        V.parse_date(text)


def test_numbers_bools_periods_codes():
    assert V.parse_number("12,5") == Fraction(25, 2)
    assert V.parse_number(0.1) == Fraction(1, 10)
    assert V.parse_number(" 7 ") == 7
    for bad in ("-1", "abc", -2, "50%"):
        with pytest.raises(V.BadValue):
            V.parse_number(bad)
    assert V.parse_bool(" có ") is True and V.parse_bool("KHÔNG") is False
    assert V.parse_bool(1) is True and V.parse_bool("0") is False
    for text, code in (("Quý I", "q1"), ("6 tháng", "6m"), ("quý III", "q3"), ("Năm", "year"), ("q3", "q3")):
        assert V.parse_period_value(text) == code
    assert V.parse_code("  trực TUYẾN ", {"online": "Trực tuyến"}) == "online"
    nfd = unicodedata.normalize("NFD", "Ngày tiếp nhận")
    assert V.header_key(f"  {nfd.upper()} ") == V.header_key("Ngày tiếp nhận")


def test_legacy_text_converted():
    assert fix_legacy("Hoµn thµnh") == ("Hoàn thành", "TCVN3")
    assert fix_legacy("§ang thùc hiÖn") == ("Đang thực hiện", "TCVN3")
    assert fix_legacy("Ñang thöïc hieän") == ("Đang thực hiện", "VNI")
    assert fix_legacy("Đang thực hiện") == ("Đang thực hiện", None)


# --- submissions ----------------------------------------------------------------

def test_submission_read_exactly(tmp_path):
    y = make_inputs(tmp_path)
    submission(y / "submissions" / "qldt.xlsx", info=info_rows(dept=" qldt ", period="Quý I", sent="12/03/2024"),
               results=[[3, None, "Hoµn thµnh c«ng bè TTHC", " hoàn thành ", "ghi chú"]],
               indicators=[["tthc-01", 0.1, 0.3, None], ["CDDH-01", "Không", None, None], ["TC-01", "2", None, None]])
    submission(y / "submissions" / "vp-q3.xlsx", info=info_rows(period="q3", sent=dt.date(2024, 9, 1)))
    intake = _read(y)
    sub = {s.department: s for s in intake.submissions}
    q = sub["QLDT"]
    assert (q.period, q.year, q.sent_on) == ("q1", 2024, dt.date(2024, 3, 12))
    assert q.results[0].text == "Hoàn thành công bố TTHC" and q.results[0].progress == "hoan_thanh"
    assert [(r.code, r.value, r.denominator) for r in q.indicators] == [
        ("TTHC-01", Fraction(1, 10), Fraction(3, 10)), ("CDDH-01", False, None), ("TC-01", 2, None)]
    assert q.indicators[0].where.row == 2 and q.indicators[0].where.sheet == "Số liệu"
    assert sub["VP"].period == "q3"  # every period is read; choosing is aggregate's job
    assert any(w.code == "legacy_encoding" for w in intake.warnings)
    assert set(intake.input_hashes) == {"plan.yaml", "submissions/qldt.xlsx", "submissions/vp-q3.xlsx"}
    assert q.sha256 == intake.input_hashes["submissions/qldt.xlsx"] and len(q.sha256) == 64


# --- dossier logs -----------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_csv_encodings(tmp_path, encoding):
    y = make_inputs(tmp_path)
    write_csv(y / "tthc" / "log.csv", [log_row(1), log_row(2, c="")], encoding=encoding)
    df = _read(y).dossiers
    assert list(df["id"]) == ["HS-00001", "HS-00002"]
    assert df["received"].iloc[0] == pd.Timestamp(2024, 3, 5)
    assert pd.isna(df["returned"].iloc[1])


def test_dossier_frame_dtypes_and_values(tmp_path):
    y = make_inputs(tmp_path)
    nfd = [unicodedata.normalize("NFD", h).upper() for h in LOG_HEADERS]
    write_csv(y / "tthc" / "a.csv", [log_row(1, channel=" trực tiếp ", fee="Không", paid="Có", rating=""),
                                     log_row(2, r="2024-03-05", rating="RẤT HÀI LÒNG")],
              headers=nfd, title_lines=["SỔ THEO DÕI HỒ SƠ", ""])
    write_log_xlsx(y / "tthc" / "b.xlsx", [log_row(3, r=dt.datetime(2024, 3, 5, 10, 15), fee=1, paid=0),
                                           log_row(1, channel=" trực tiếp ", fee="Không", paid="", rating="")])
    intake = _read(y)
    df = intake.dossiers
    ref = empty_dossiers()
    assert list(df.columns) == list(ref.columns)
    for col in ref.columns:
        if col != "department":
            assert df[col].dtype == ref[col].dtype, col
    assert isinstance(df["department"].dtype, pd.CategoricalDtype)
    assert len(df) == 3  # HS-00001 twice, identical after parsing: counted once
    assert {w.code for w in intake.warnings} >= {"duplicate_dossier", "payment_without_fee"}
    one = df.set_index("id").loc["HS-00001"]
    assert one["channel"] == "direct" and not one["online_payment"] and pd.isna(one["rating"])
    three = df.set_index("id").loc["HS-00003"]
    assert three["received"] == pd.Timestamp(2024, 3, 5) and three["fee"] and not three["online_payment"]
    assert df.set_index("id").loc["HS-00002", "rating"] == "very_satisfied"
    assert df["received"].dt.normalize().equals(df["received"])


def test_no_folders_means_nothing(tmp_path):
    y = make_inputs(tmp_path)
    intake = _read(y)
    assert intake.submissions == [] and len(intake.dossiers) == 0
    assert list(intake.dossiers.columns) == list(empty_dossiers().columns)


def test_generated_logs_read_back(tmp_path):
    from reportgen.bench.data import write_dossier_csv, write_dossier_xlsx

    y = make_inputs(tmp_path)
    plan = load_plan(y / "plan.yaml")
    write_dossier_csv(y / "tthc" / "a.csv", 2000, plan, seed=1)
    write_dossier_xlsx(y / "tthc" / "b.xlsx", 500, plan, seed=2, first_id=5001)
    intake = read_inputs(y, plan)
    df = intake.dossiers
    assert len(df) == 2500 and df["id"].is_unique and not intake.warnings
    assert (df["due"] >= df["received"]).all()
    assert df["returned"].isna().any() and (df["returned"].dropna() >= df.loc[df["returned"].notna(), "received"]).all()


# --- Mã hồ sơ kept in Arrow; repeats found whatever the order (fast paths) ----------

@pytest.mark.parametrize("order", ["sorted", "shuffled", "descending"])
def test_dossier_ids_arrow_backed_and_repeats_found_in_any_order(tmp_path, order):
    from reportgen.diagnostics import Diagnostics
    from reportgen.intake.dossiers import read_dossiers

    y = make_inputs(tmp_path)
    plan = load_plan(y / "plan.yaml")
    rows = [log_row(i) for i in range(1, 301)]
    if order == "shuffled":
        rows = [rows[i] for i in np.random.default_rng(3).permutation(len(rows))]
    elif order == "descending":
        rows = rows[::-1]
    unique = write_csv(y / "tthc" / "unique.csv", rows)
    diag = Diagnostics()
    df = read_dossiers([(unique, "unique.csv")], plan, diag)
    assert df["id"].dtype == "string[pyarrow]" and df["id"].dtype == empty_dossiers()["id"].dtype
    assert len(df) == 300 and df["id"].is_unique and not diag.warnings and not diag.errors
    assert sorted(df["id"]) == [f"HS-{i:05d}" for i in range(1, 301)]

    # the same ids plus an identical repeat (a padded copy of a row far away) and a
    # blank (spaces only) id: one warning, one error, in the order of the file
    pos = {"sorted": 299, "shuffled": 150, "descending": 0}[order]
    repeat = rows[pos].copy()
    repeat[0] = f"  {repeat[0]} "
    blank = log_row(999)
    blank[0] = "   "
    extra = write_csv(y / "tthc" / "extra.csv", rows[:1] + [repeat] + rows[1:] + [blank])
    diag = Diagnostics()
    df = read_dossiers([(extra, "extra.csv")], plan, diag)
    assert [w.code for w in diag.warnings] == ["duplicate_dossier"]
    assert [(e.code, e.where.row) for e in diag.errors] == [("blank", 303)]
    assert df["id"].isna().sum() == 1 and df["id"].dropna().is_unique and len(df) == 301
