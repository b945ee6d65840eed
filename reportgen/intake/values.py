"""Parsing single cell values the way a clerk types them.

Every function takes what a reader gives (str, int, float, bool, date, datetime,
None) and returns the parsed value, or raises `BadValue` with what is expected in
Vietnamese. Vectorised readers call these on the *unique* values of a column only.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from ..periods import parse_period


class BadValue(ValueError):
    """A value that cannot be read; `expected` says what would be."""

    def __init__(self, expected: str):
        super().__init__(expected)
        self.expected = expected


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean_text(value: object) -> str | None:
    """Text trimmed and in NFC; None for a blank cell. Numbers keep their
    written form (12.0 -> "12")."""
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        value = repr(value)[:-2] if value.is_integer() else repr(value)
    elif isinstance(value, (dt.datetime, dt.date)):
        value = value.strftime("%d/%m/%Y")
    text = nfc(str(value)).strip()
    # non-breaking and zero-width spaces, common in pasted text
    text = text.replace("\u00a0", " ").replace("\u200b", "").strip()
    return text or None


def header_key(text: object) -> str:
    """A header compared ignoring case, spaces and Unicode normal form."""
    if text is None:
        return ""
    text = nfc(str(text)).replace("\u00a0", " ").casefold()
    return re.sub(r"\s+", "", text)


def code_key(text: object) -> str:
    """A coded value compared ignoring case and surrounding (and doubled) spaces."""
    if text is None:
        return ""
    return re.sub(r"\s+", " ", nfc(str(text)).replace("\u00a0", " ")).strip().casefold()


# --- dates ------------------------------------------------------------------

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T,]+\d{1,2}[:h]\d{1,2}(?::\d{1,2}(?:\.\d+)?)?\s*(?:[AaPp][Mm])?)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_SERIAL = re.compile(r"^\d{4,6}(?:\.\d+)?$")

DATE_EXPECTED = "một ngày dạng ngày/tháng/năm (ví dụ 05/03/2024), năm-tháng-ngày (2024-03-05) hoặc ô kiểu ngày của Excel"


def parse_date(value: object) -> dt.date | None:
    """A calendar date (time of day dropped); None for blank. Text is day-first."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise BadValue(DATE_EXPECTED)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return None
        return _from_serial(float(value))
    text = clean_text(value)
    if text is None:
        return None
    m = _DAY_FIRST.match(text)
    try:
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        m = _ISO.match(text)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise BadValue(DATE_EXPECTED + " có thật (ngày, tháng hợp lệ)")
    if _SERIAL.match(text):
        return _from_serial(float(text))
    raise BadValue(DATE_EXPECTED)


def _from_serial(serial: float) -> dt.date:
    # Excel serial dates in a plausible range (1900..2200); time of day dropped
    if not (1 <= serial < 110_000):
        raise BadValue(DATE_EXPECTED)
    return _EXCEL_EPOCH + dt.timedelta(days=int(math.floor(serial)))


# --- numbers ----------------------------------------------------------------

NUMBER_EXPECTED = "một số không âm (ví dụ 12 hoặc 12,5)"


def parse_number(value: object) -> Fraction | None:
    """An exact non-negative number; None for blank. Text goes through Decimal
    (a comma is read as the decimal mark when there is no dot: 12,5 = 12.5),
    Excel floats through their shortest repr (0.1 stays 1/10)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise BadValue(NUMBER_EXPECTED)
    if isinstance(value, int):
        number = Fraction(value)
    elif isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise BadValue(NUMBER_EXPECTED)
        number = Fraction(Decimal(repr(value)))
    else:
        text = clean_text(value)
        if text is None:
            return None
        text = text.replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".") if text.count(",") == 1 else text
        if text.endswith("%"):
            raise BadValue(NUMBER_EXPECTED + "; tỷ lệ ghi tử số ở Giá trị và mẫu số ở Mẫu số, không ghi %")
        try:
            dec = Decimal(text)
        except InvalidOperation:
            raise BadValue(NUMBER_EXPECTED)
        if not dec.is_finite():
            raise BadValue(NUMBER_EXPECTED)
        number = Fraction(dec)
    if number < 0:
        raise BadValue(NUMBER_EXPECTED)
    return number


# --- coded values -----------------------------------------------------------

YES_NO = {"có": True, "co": True, "1": True, "x": True, "không": False, "khong": False, "0": False}
YES_NO_EXPECTED = "Có hoặc Không (hoặc 1/0)"


def parse_bool(value: object) -> bool | None:
    """Có/Không, 1/0 (also real booleans and numbers 1/0); None for blank."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return None
        if value in (0, 1):
            return bool(value)
        raise BadValue(YES_NO_EXPECTED)
    key = code_key(value)
    if key == "":
        return None
    if key in YES_NO:
        return YES_NO[key]
    raise BadValue(YES_NO_EXPECTED)


def parse_code(value: object, choices: dict[str, str]) -> str | None:
    """The code whose text (or the code itself) matches, ignoring case and
    surrounding spaces; None for blank. `choices` maps code -> display text."""
    key = code_key(clean_text(value) or "")
    if key == "":
        return None
    for code, text in choices.items():
        if key in (code_key(text), code_key(code)):
            return code
    raise BadValue(" / ".join(choices.values()))


def parse_period_value(value: object) -> str | None:
    """q1 / 6m / q3 / year from any accepted spelling (Quý I, 6 tháng, ...)."""
    text = clean_text(value)
    if text is None:
        return None
    code = parse_period(text)
    if code is None:
        raise BadValue("q1, 6m, q3, year (hoặc Quý I, 6 tháng, Quý III, Năm)")
    return code


def parse_int(value: object, low: int, high: int) -> int | None:
    """A whole number low..high (1, 1.0, "1", "01"); None for blank."""
    expected = f"một số nguyên từ {low} đến {high}"
    text = clean_text(value)
    if text is None:
        return None
    try:
        number = Fraction(Decimal(text))
    except (InvalidOperation, ValueError):
        raise BadValue(expected)
    if number.denominator != 1 or not (low <= number <= high):
        raise BadValue(expected)
    return int(number)


def shown(value: object) -> str:
    """The value as a person would recognise it, for messages."""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M") if (value.hour or value.minute) else value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    text = clean_text(value)
    return "" if text is None else text
