"""reportgen.vi_format: the Vietnamese forms of numbers, percentages and dates."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from reportgen import vi_format


@pytest.mark.parametrize("rate,shown", [
    (Fraction(1), "100%"),
    (Fraction(0), "0%"),
    (Fraction(985, 1000), "98,5%"),
    (Fraction(1, 2), "50%"),
    (Fraction(9996, 10000), "99,9%"),   # rounds to 100,0: not exactly 1, so never "100%"
    (Fraction(1999, 2000), "99,9%"),    # 99,95 rounds half up to 100,0: still "99,9%"
    (Fraction(4, 10000), "0,1%"),       # rounds to 0,0: not exactly 0, so never "0%"
    (Fraction(1, 10**9), "0,1%"),
    (Fraction(10**9 - 1, 10**9), "99,9%"),
    (Fraction(9994, 10000), "99,9%"),   # ordinary rounding below the edge
    (Fraction(6, 10000), "0,1%"),
    (Fraction(3, 2), "150%"),
])
def test_percent_is_never_100_or_0_unless_exact(rate, shown):
    """docs/decisions.md: a rate that is not exactly 100% never reads "100%" (next
    to "chưa đạt" it would mislead), one that is not exactly 0 never "0%"."""
    assert vi_format.percent(rate) == shown


def test_percent_of_float_and_int():
    assert vi_format.percent(0.5) == "50%"
    assert vi_format.percent(1) == "100%"


@pytest.mark.parametrize("value,shown", [(1234567, "1.234.567"), (Fraction(5, 2), "2,5"), (0, "0"),
                                         (Fraction(1, 3), "0,33"), (2.005, "2,01")])
def test_number(value, shown):
    assert vi_format.number(value) == shown


@pytest.mark.parametrize("value,shown", [(dt.date(2024, 2, 5), "05/02/2024"), (dt.date(2024, 6, 9), "09/6/2024"),
                                         (dt.date(2023, 12, 10), "10/12/2023"), (dt.date(2024, 1, 31), "31/01/2024")])
def test_running_text_date(value, shown):
    assert vi_format.date(value) == shown


@pytest.mark.parametrize("typed,shown", [(None, "Số:      /BC-KCN"), ("", "Số:      /BC-KCN"), (7, "Số: 07/BC-KCN"),
                                         ("45", "Số: 45/BC-KCN"), ("125/BC-KCN", "Số: 125/BC-KCN")])
def test_document_number(typed, shown):
    assert vi_format.document_number("BC", "KCN", typed) == shown


@pytest.mark.parametrize("typed,clean", [("- UBND tỉnh;", "UBND tỉnh"), ("• Sở Nội vụ.", "Sở Nội vụ"),
                                         ("- • Lưu: VT, VP", "Lưu: VT, VP"), ("  ", "")])
def test_list_item(typed, clean):
    assert vi_format.list_item(typed) == clean
