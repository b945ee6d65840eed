"""Vietnamese formatting of numbers, percentages, dates, document numbers, list
lines and targets (Babel, locale vi): the one home of each of these rules.

It sits below every stage (plan, console, compose, publish use it) and imports
nothing of the project.

- Numbers: 1.234.567 ; decimals with a comma: 2,5.
- Percentages: one decimal unless whole (100%, 98,5%), rounded half up. A rate
  that is not exactly 1 never shows as 100% (99,96% shows 99,9%), and one that is
  not exactly 0 never shows as 0% (0,04% shows 0,1%): a "100%" next to "chưa đạt"
  would mislead the reader.
- Months: Nghị định 30's leading zero for months 1 and 2 only ("02", "6", "12").
- Dates in running text: d/m/yyyy with the decree's leading-zero rule (zero for
  days below 10 and for months 1 and 2): 10/12/2023, 09/6/2024, 05/02/2024.
- The date line: "Hải Dương, ngày 05 tháng 02 năm 2024"; a draft leaves the day
  blank: "Hải Dương, ngày      tháng 6 năm 2024".
- Document numbers: below 10 with a leading zero ("07/BC-KCN").
- Lines of a list (Kính gửi, Nơi nhận): whatever dash, bullet or final
  punctuation was typed is replaced by the renderer's own.
- Targets in words by comparison ("từ 90% trở lên", "không quá 5").
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal, localcontext
from fractions import Fraction

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


# ---------------------------------------------------------------- dates

def month(value: int) -> str:
    """A month as Nghị định 30 writes it: '01', '02', then '3' .. '12'."""
    return f"{value:02d}" if value <= 2 else str(value)


def date(value: dt.date) -> str:
    """Running-text date: 10/12/2023, 09/6/2024, 05/02/2024."""
    return f"{value.day:02d}/{month(value.month)}/{value.year}"


def date_words(value: dt.date | None = None, *, month_of: dt.date | None = None, year: int | None = None) -> str:
    """'ngày 05 tháng 02 năm 2024'; a draft (no `value`) leaves the day blank
    ('ngày      tháng 6 năm 2024', month and year of `month_of`), or the day and
    the month ('ngày      tháng      năm 2024', given only `year`)."""
    if value is not None:
        return f"ngày {value.day:02d} tháng {month(value.month)} năm {value.year}"
    if month_of is not None:
        return f"ngày{BLANK}tháng {month(month_of.month)} năm {month_of.year}"
    if year is None:
        raise ValueError("a draft date needs the month's date or the year")
    return f"ngày{BLANK}tháng{BLANK}năm {year}"


def date_line(place: str, value: dt.date | None = None, *, month_of: dt.date | None = None,
              year: int | None = None) -> str:
    """The place-and-date line: 'Hải Dương, ngày 05 tháng 02 năm 2024'; a draft
    as `date_words`."""
    return f"{place}, {date_words(value, month_of=month_of, year=year)}"


# ---------------------------------------------------------------- document numbers

def padded(number_: int) -> str:
    """A document's number as Nghị định 30 writes it: below 10 with a leading zero."""
    return f"{number_:02d}"


def symbol_number(number_: int | str | None, type_code: str, agency_code: str) -> str:
    """'07/BC-KCN' (7, '7' or '07'); a number typed with its own symbol
    ('125/KH-KCN') is kept as typed; a draft (None or blank): '      /BC-KCN'."""
    symbol = f"{type_code}-{agency_code}"
    text = str(number_).strip() if number_ is not None else ""
    if not text:
        return f"{BLANK}/{symbol}"
    if "/" in text:
        return text
    if text.isascii() and text.isdigit():
        text = padded(int(text))
    return f"{text}/{symbol}"


def document_number(type_code: str, agency_code: str, number_: int | str | None = None) -> str:
    """'Số: 07/BC-KCN'; a draft: 'Số:      /BC-KCN'."""
    text = symbol_number(number_, type_code, agency_code)
    return f"Số:{text}" if text.startswith(BLANK) else f"Số: {text}"


# ---------------------------------------------------------------- list lines

def list_item(text: str | None) -> str:
    """One line of Kính gửi or Nơi nhận as typed, without the dash, bullet or
    final punctuation the renderer puts itself ('- • UBND tỉnh;' -> 'UBND tỉnh')."""
    if not text:
        return ""
    return unicodedata.normalize("NFC", str(text)).strip().lstrip("-–—+•·* ").rstrip(" ;.,").strip()


def list_lines(items) -> tuple[str, ...]:
    """'- X;' a line each, the last '- X.' (Kính gửi with several recipients, Nơi nhận)."""
    cleaned = [t for t in (list_item(i) for i in items) if t]
    out = [f"- {text};" for text in cleaned]
    if out:
        out[-1] = out[-1][:-1] + "."
    return tuple(out)


def recipients(lines) -> tuple[str, ...]:
    """Nơi nhận lines: '- X;' each, the last '- X.' (any punctuation typed is replaced)."""
    return list_lines(lines)


# ---------------------------------------------------------------- targets

OP_SYMBOL = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": ""}
OP_PHRASE = {">=": "từ {} trở lên", ">": "trên {}", "<=": "không quá {}", "<": "dưới {}", "==": "{}"}


def target_phrase(op: str | None, shown: str, *, unit: str | None = None, target=None) -> str:
    """A target in running text by its comparison: 'từ 90% trở lên', 'trên 30%',
    'không quá 5', 'dưới 2', '100%'. A rate of at least 100% is simply '100%':
    nothing can be above it."""
    op = op or "=="
    if op == ">=" and unit == "rate" and target is not None and not isinstance(target, bool) and target == 1:
        return shown
    return OP_PHRASE[op].format(shown)


def target_symbol(op: str | None, shown: str) -> str:
    """A target for a table cell: '≥ 90%', '> 30%', '100%'."""
    symbol = OP_SYMBOL[op or "=="]
    return f"{symbol} {shown}" if symbol else shown
