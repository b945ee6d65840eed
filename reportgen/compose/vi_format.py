"""Vietnamese formatting of numbers, percentages and dates (Babel, locale vi).

- Numbers: 1.234.567 ; decimals with a comma: 2,5.
- Percentages: one decimal unless whole (100%, 98,5%), rounded half up. A rate
  that is not exactly 1 never shows as 100% (99,96% shows 99,9%), and one that is
  not exactly 0 never shows as 0% (0,04% shows 0,1%): a "100%" next to "chưa đạt"
  would mislead the reader.
- Dates in running text: d/m/yyyy with Nghị định 30's leading-zero rule (zero for
  days below 10 and for months 1 and 2): 10/12/2023, 09/6/2024, 05/02/2024.
- The date line: "Hải Dương, ngày 05 tháng 02 năm 2024"; a draft leaves the day
  blank: "Hải Dương, ngày      tháng 6 năm 2024".
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal, localcontext
from fractions import Fraction

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "vi"
BLANK = "      "  # the space left for the văn thư to write the number or day


def number(value: int | float | Fraction | Decimal) -> str:
    """1234567 -> '1.234.567'; 2.5 -> '2,5' (at most two decimals)."""
    # enough digits for any figure: quantize fails past the context's precision
    with localcontext() as ctx:
        if isinstance(value, Fraction):
            ctx.prec = max(28, len(str(abs(value.numerator) // value.denominator)) + 4)
            value = Decimal(value.numerator) / Decimal(value.denominator)
        value = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        if not value.is_finite():
            return str(value)
        ctx.prec = max(ctx.prec, value.adjusted() + 4)
        value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return format_decimal(value, format="#,##0.##", locale=LOCALE)


def percent(rate: Fraction | float | int) -> str:
    """A fraction as a percentage: 0.985 -> '98,5%', 1 -> '100%'."""
    exact = Fraction(rate) if not isinstance(rate, Fraction) else rate
    with localcontext() as ctx:
        ctx.prec = max(28, len(str(abs(exact.numerator) * 100 // exact.denominator)) + 6)
        scaled = Decimal(exact.numerator * 100) / Decimal(exact.denominator)
        shown = scaled.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if shown == 100 and exact != 1:
            shown = scaled.quantize(Decimal("0.1"), rounding=ROUND_DOWN)
        if shown == 0 and exact != 0:
            shown = scaled.quantize(Decimal("0.1"), rounding=ROUND_UP)
        return format_decimal(shown, format="#,##0.#", locale=LOCALE) + "%"


def _month_pattern(month: int) -> str:
    return "MM" if month <= 2 else "M"


def date(value: dt.date) -> str:
    """Running-text date: 10/12/2023, 09/6/2024, 05/02/2024."""
    return format_date(value, f"dd/{_month_pattern(value.month)}/yyyy", locale=LOCALE)


def date_line(place: str, value: dt.date | None = None, *, month: int | None = None, year: int | None = None) -> str:
    """The place-and-date line. With no day (a draft) give month and year."""
    if value is not None:
        body = format_date(value, f"'ngày' dd 'tháng' {_month_pattern(value.month)} 'năm' yyyy", locale=LOCALE)
        return f"{place}, {body}"
    if month is None or year is None:
        raise ValueError("a draft date line needs month and year")
    month_text = f"{month:02d}" if month <= 2 else str(month)
    return f"{place}, ngày{BLANK}tháng {month_text} năm {year}"


def document_number(type_code: str, agency_code: str, number: int | None = None) -> str:
    """'Số: 07/BC-KCN'; a draft: 'Số:      /BC-KCN'."""
    symbol = f"{type_code}-{agency_code}"
    if number is None:
        return f"Số:{BLANK}/{symbol}"
    return f"Số: {number:02d}/{symbol}"


def recipients(lines: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Nơi nhận lines: '- X;' each, the last '- X.' (any punctuation typed is replaced)."""
    cleaned = [line.strip().lstrip("-–+ ").rstrip(" ;.,") for line in lines if line and line.strip()]
    out = [f"- {text};" for text in cleaned]
    if out:
        out[-1] = out[-1][:-1] + "."
    return tuple(out)
