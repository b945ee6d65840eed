"""Reporting periods (kỳ báo cáo): codes, their spellings, their names in text.

The windows themselves (start, end, due_before) are data in plan.yaml, never here.
"""

from __future__ import annotations

import unicodedata

from .diagnostics import UsageError

PERIODS = ("q1", "6m", "q3", "year")

# Every accepted spelling, compared after `_key` (NFC, lower case, no spaces,
# no punctuation). Vietnamese forms from the contract and from workbooks.
_ALIASES = {
    "q1": ("q1", "quy1", "quýi", "quyi", "quý1", "i"),
    "6m": ("6m", "6t", "6tháng", "6thang", "6thángđầunăm", "6thangdaunam", "sáutháng"),
    "q3": ("q3", "quy3", "quýiii", "quyiii", "quý3", "9tháng", "9thang", "iii"),
    "year": ("year", "nam", "năm", "cảnăm", "canam", "tổnghợpnăm"),
}

# Trích yếu wording and short names, as the reference plan writes them.
PERIOD_PHRASE = {  # "... công tác cải cách hành chính <phrase> năm 2024"
    "q1": "quý I",
    "6m": "6 tháng đầu",
    "q3": "quý III",
    "year": "",
}
PERIOD_NAME = {"q1": "Quý I", "6m": "6 tháng", "q3": "Quý III", "year": "Năm"}


def _key(text: str) -> str:
    text = unicodedata.normalize("NFC", str(text)).strip().lower()
    return "".join(ch for ch in text if ch.isalnum())


_LOOKUP = {_key(alias): code for code, aliases in _ALIASES.items() for alias in aliases}


def parse_period(text: object) -> str | None:
    """The period code for any accepted spelling, or None."""
    if text is None:
        return None
    return _LOOKUP.get(_key(str(text)))


def require_period(text: object) -> str:
    """Like parse_period, but a clear error listing what is accepted."""
    code = parse_period(text)
    if code is None:
        raise UsageError(
            f"Kỳ báo cáo «{text}» không hợp lệ. Các giá trị được chấp nhận: "
            "q1 (quy1, Quý I), 6m (6t, 6 tháng), q3 (quy3, Quý III), year (nam, Năm)."
        )
    return code


def previous_period(period: str) -> str | None:
    """The period before this one in the same year (q1 has none; year follows q3)."""
    order = {"6m": "q1", "q3": "6m", "year": "q3"}
    return order.get(period)


def subject_phrase(period: str, year: int) -> str:
    """'quý I năm 2024', '6 tháng đầu năm 2024', 'quý III năm 2024', 'năm 2024'."""
    phrase = PERIOD_PHRASE[period]
    return f"{phrase} năm {year}" if phrase else f"năm {year}"


def report_name(year: int, period: str) -> str:
    """The file stem of a period's report: BC-CCHC-<year>-<period>."""
    return f"BC-CCHC-{year}-{period}"
