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

from .. import vi_format
from ..periods import parse_period
from ..text_controls import strip_bidi


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
    text = strip_bidi(text.replace("\u00a0", " ").replace("\u200b", "")).strip()
    return text or None


def clean_paragraphs(value: object) -> str | None:
    """Free text as clean_text, and its lines normalised: Windows/Mac line ends
    become "\\n", each line trimmed with runs of spaces made one, empty lines
    dropped (a cell's Alt+Enter breaks are kept, the stray ones are not)."""
    text = clean_text(value)
    if text is None or ("\n" not in text and "\r" not in text and "  " not in text and "\t" not in text):
        return text
    lines = (re.sub(r"[ \t]+", " ", line).strip() for line in re.split(r"\r\n|\r|\n", text))
    return "\n".join(line for line in lines if line) or None


def header_key(text: object) -> str:
    """A header or label compared ignoring case, spaces (line breaks inside the
    cell too), Unicode normal form, and a trailing colon or required-field mark
    ("Đơn vị:", "Mã hồ sơ (*)", "Ngày gửi *")."""
    if text is None:
        return ""
    text = nfc(str(text)).replace("\u00a0", " ").casefold()
    text = re.sub(r"\s+", "", text)
    return re.sub(r"(?:\(\*\)|\*|:)+$", "", text)


def code_key(text: object) -> str:
    """A coded value compared ignoring case and surrounding (and doubled) spaces."""
    if text is None:
        return ""
    return re.sub(r"\s+", " ", nfc(str(text)).replace("\u00a0", " ")).strip().casefold()


# --- dates ------------------------------------------------------------------

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T,]+\d{1,2}[:h]\d{1,2}(?::\d{1,2}(?:\.\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?|SA|CH|sa|ch)?)?$")
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


# Dates no system means: a log holds dossiers received years before the report
# (carried over), never one from before the one-stop era nor decades ahead.
# 31/12/9999 ("no deadline" in some systems) or 05/03/2924 (a typo) would otherwise
# reach the figures; they are errors naming the value (docs/decisions.md).
EARLIEST_DATE = dt.date(1990, 1, 1)
YEARS_AHEAD = 5


def date_bounds(year: int) -> tuple[dt.date, dt.date]:
    """The plausible dates of a year's inputs: 01/01/1990 to 31/12 of year + 5."""
    return EARLIEST_DATE, dt.date(year + YEARS_AHEAD, 12, 31)


def date_range_expected(low: dt.date, high: dt.date) -> str:
    return f"một ngày có thật, từ {low:%d/%m/%Y} đến {high:%d/%m/%Y}"


def parse_date_between(value: object, low: dt.date, high: dt.date) -> dt.date | None:
    """parse_date, and a date outside low..high is a BadValue too."""
    day = parse_date(value)
    if day is not None and not (low <= day <= high):
        raise BadValue(date_range_expected(low, high))
    return day


def number_text(n: int) -> str:
    """A count as Vietnamese text (1.234), for messages."""
    return vi_format.number(n)  # the project's one number formatter


def _from_serial(serial: float) -> dt.date:
    # Excel serial dates in a plausible range (1900..2200); time of day dropped
    if not (1 <= serial < 110_000):
        raise BadValue(DATE_EXPECTED)
    return _EXCEL_EPOCH + dt.timedelta(days=int(math.floor(serial)))


# --- numbers ----------------------------------------------------------------

NUMBER_EXPECTED = "một số không âm (ví dụ 12 hoặc 12,5)"
# Vietnamese thousands grouping: 1.234, 12.345.678, 1.234,5 (never 0.123: a decimal)
_VI_THOUSANDS = re.compile(r"^[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?$")
_PLAIN_NUMBER = re.compile(r"^-?(?:\d+(?:\.\d*)?|\.\d+)$")


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
        if text.endswith("%"):
            raise BadValue(NUMBER_EXPECTED + "; tỷ lệ ghi tử số ở Giá trị và mẫu số ở Mẫu số, không ghi %")
        if _VI_THOUSANDS.match(text):  # 1.234 / 1.234.567 / 1.234,5: dots group thousands
            text = text.replace(".", "").replace(",", ".")
        elif "," in text and "." not in text and text.count(",") == 1:
            text = text.replace(",", ".")  # 12,5: the decimal comma
        if not _PLAIN_NUMBER.match(text):  # no "1e3", "Infinity", "1,2,3", "+5"
            raise BadValue(NUMBER_EXPECTED)
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

YES_NO = {"có": True, "co": True, "1": True, "x": True, "true": True,
          "không": False, "khong": False, "0": False, "false": False}
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


def parse_code(value: object, choices: dict[str, str], synonyms: dict[str, str] | None = None) -> str | None:
    """The code whose text (or the code itself, or one of `synonyms`: text ->
    code) matches, ignoring case, surrounding spaces and a final full stop;
    None for blank. `choices` maps code -> display text."""
    key = code_key(clean_text(value) or "").rstrip(".;").strip()
    if key == "":
        return None
    for code, text in choices.items():
        if key in (code_key(text), code_key(code)):
            return code
    for text, code in (synonyms or {}).items():
        if key == code_key(text):
            return code
    raise BadValue(" / ".join(choices.values()))


PERIOD_EXPECTED = "q1, 6m, q3, year (hoặc Quý I, 6 tháng, Quý III, Năm)"
# "Quý I/2024", "quý 1 năm 2024", "6 tháng đầu năm 2024", "Năm 2024", "Q1-2024"
_PERIOD_YEAR = re.compile(r"^(.*?)[\s/\-.,]*((?:19|20|21)\d{2})$")


def parse_period_value(value: object) -> str | None:
    """q1 / 6m / q3 / year from any accepted spelling (Quý I, 6 tháng, ...)."""
    got = parse_period_with_year(value)
    return None if got is None else got[0]


def parse_period_with_year(value: object) -> tuple[str, int | None] | None:
    """(period code, the year written after it or None): "quý 1/2024" -> ("q1",
    2024). None for blank; BadValue when no period is recognised."""
    text = clean_text(value)
    if text is None:
        return None
    code = parse_period(text)
    if code is not None:
        return code, None
    m = _PERIOD_YEAR.match(text)
    head = m.group(1).strip() if m else ""
    if head:
        tries = [head, head + " năm"]
        if head.casefold().endswith("năm"):
            tries.append(head[:-3])
        for attempt in tries:
            code = parse_period(attempt)
            if code is not None:
                return code, int(m.group(2))
    raise BadValue(PERIOD_EXPECTED)


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}


def parse_int(value: object, low: int, high: int, prefixes: tuple[str, ...] = (), roman: bool = False) -> int | None:
    """A whole number low..high (1, 1.0, "1", "01"); None for blank. `prefixes`:
    words allowed before it ("Lĩnh vực 3", "năm 2024"); `roman`: I..X too."""
    expected = f"một số nguyên từ {low} đến {high}"
    text = clean_text(value)
    if text is None:
        return None
    for prefix in prefixes:
        words = r"\s*".join(re.escape(w) for w in nfc(prefix).split())
        stripped = re.sub(rf"^{words}[\s:.\-]*", "", text, flags=re.IGNORECASE)
        if stripped != text and stripped:
            text = stripped
            break
    if roman and code_key(text) in _ROMAN:
        number = _ROMAN[code_key(text)]
        if not (low <= number <= high):
            raise BadValue(expected)
        return number
    try:
        dec = Decimal(text)
    except (InvalidOperation, ValueError):
        raise BadValue(expected)
    if not dec.is_finite() or dec.adjusted() > 18:  # "inf", "1E+999999999": no Fraction of those
        raise BadValue(expected)
    number = Fraction(dec)
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
