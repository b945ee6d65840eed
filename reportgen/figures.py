"""The figures of one period: what aggregation produces, figures.json holds, and
the documents quote. The documents never recompute a number.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field, fields, make_dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Callable, Literal, Optional

if TYPE_CHECKING:
    import pandas as pd

Status = Literal["dat", "chua_dat", "khong_co_so_lieu", "khong_co_chi_tieu"]
STATUS_TEXT = {
    "dat": "Đạt",
    "chua_dat": "Chưa đạt",
    "khong_co_so_lieu": "Chưa có số liệu",
    "khong_co_chi_tieu": "Không có chỉ tiêu",
}


@dataclass(frozen=True)
class DossierStats:
    received: int = 0
    carried_over: int = 0
    total: int = 0
    online: int = 0
    direct: int = 0
    postal: int = 0
    resolved: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    pending: int = 0
    pending_in_time: int = 0
    pending_overdue: int = 0
    # withdrawn or cancelled dossiers received in the window (dossier-exports.md):
    # in none of the figures above; 0 when no log has a status column
    withdrawn: int = 0


# The window statistics' names in DossierStats' order (figures.json, aggregate's
# table): every field but `withdrawn`, which counts dossiers outside them.
STAT_KEYS = tuple(f.name for f in fields(DossierStats) if f.name != "withdrawn")


# Per calendar month of the window (review.md, "Pictures"): received and its
# channels by the month of Ngày tiếp nhận, resolved and its timeliness by the month
# of Ngày trả kết quả. Summed over the months they give the window's figures.
MONTH_KEYS = ("received", "online", "direct", "postal", "resolved", "early", "on_time", "late")
# the same names as DossierStats' fields of those figures, all 0 by default
MonthStats = make_dataclass("MonthStats", [(key, int, 0) for key in MONTH_KEYS], frozen=True)
MonthStats.__module__ = __name__


@dataclass(frozen=True)
class MonthlyFigures:
    """`tthc.by_month`: "YYYY-MM" -> MonthStats for every month of the window (in
    order, zeros where none), overall and for every plan department."""

    overall: dict[str, MonthStats] = field(default_factory=dict)
    by_department: dict[str, dict[str, MonthStats]] = field(default_factory=dict)


@dataclass(frozen=True)
class IndicatorResult:
    code: str
    name: str
    area: int
    unit: str  # rate / count / bool
    source: str  # tthc / submissions
    value: Fraction | int | bool | None  # exact; rates as numerator/denominator
    status: Status
    numerator: Optional[int | Fraction] = None  # rates only
    denominator: Optional[int | Fraction] = None
    target: Optional[Fraction | bool] = None  # exact, as written in plan.yaml
    op: Optional[str] = None


@dataclass(frozen=True)
class LateSubmission:
    department: str
    sent_on: dt.date


@dataclass(frozen=True)
class SupersededSubmission:
    department: str
    file: str  # the workbook that no longer counts
    sent_on: dt.date
    replaced_by: str  # the workbook that counts
    replaced_sent_on: dt.date


@dataclass(frozen=True)
class SubmissionStatus:
    expected: list[str]
    received: list[str]
    missing: list[str]
    late: list[LateSubmission] = field(default_factory=list)
    superseded: list[SupersededSubmission] = field(default_factory=list)
    other_period: list[str] = field(default_factory=list)  # files left out: another period


@dataclass(frozen=True)
class PeriodFigures:
    year: int
    period: str
    start: dt.date
    end: dt.date
    due_before: dt.date
    tthc: DossierStats
    tthc_by_department: dict[str, DossierStats]
    indicators: dict[str, IndicatorResult]  # in plan order
    submissions: SubmissionStatus
    tthc_by_month: MonthlyFigures = field(default_factory=MonthlyFigures)

    @property
    def days(self) -> int:
        """The window's length in days, both ends included."""
        return (self.end - self.start).days + 1

    def counts_comparable_with(self, other: "PeriodFigures") -> bool:
        """Counts compare only over windows of about the same length (within 10%):
        a 6-month total against a quarter's says nothing (rates still compare)."""
        return abs(self.days - other.days) * 10 <= max(self.days, other.days)


@dataclass(frozen=True)
class Figures:
    """This period's figures, and for comparison the previous period's and the same
    period's of the previous year when that data is present."""

    current: PeriodFigures
    previous: Optional[PeriodFigures] = None
    same_period_last_year: Optional[PeriodFigures] = None

    def to_json(self) -> str:
        return json.dumps(_period_json(self.current, self), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def _number(value):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else float(value)
    return value


def _indicator_json(ind: IndicatorResult) -> dict:
    out: dict = {"value": _number(ind.value)}
    if ind.unit == "rate":
        out["numerator"] = _number(ind.numerator)
        out["denominator"] = _number(ind.denominator)
    if ind.target is not None:
        out["target"] = _number(ind.target)
        out["op"] = ind.op
    out["status"] = ind.status
    out.update({"name": ind.name, "area": ind.area, "unit": ind.unit, "source": ind.source})
    return out


def _period_json(p: PeriodFigures, figures: Figures | None = None) -> dict:
    tthc = asdict(p.tthc)
    tthc["by_department"] = {code: asdict(s) for code, s in p.tthc_by_department.items()}
    months = p.tthc_by_month
    if months.overall:
        tthc["by_month"] = {key: asdict(m) for key, m in months.overall.items()}
        for code, dep in tthc["by_department"].items():
            dep["by_month"] = {key: asdict(m) for key, m in months.by_department.get(code, {}).items()}
    out = {
        "year": p.year,
        "period": p.period,
        "window": {"start": p.start.isoformat(), "end": p.end.isoformat()},
        "due_before": p.due_before.isoformat(),
        "tthc": tthc,
        "indicators": {code: _indicator_json(ind) for code, ind in p.indicators.items()},
        "submissions": {
            "expected": p.submissions.expected,
            "received": p.submissions.received,
            "missing": p.submissions.missing,
            "late": [s.department for s in p.submissions.late],
            "late_detail": [{"department": s.department, "sent_on": s.sent_on.isoformat()} for s in p.submissions.late],
            "superseded": [
                {**asdict(s), "sent_on": s.sent_on.isoformat(), "replaced_sent_on": s.replaced_sent_on.isoformat()}
                for s in p.submissions.superseded
            ],
            "other_period": p.submissions.other_period,
        },
    }
    if figures is not None:
        out["comparison"] = {
            "previous": _period_json(figures.previous) if figures.previous else None,
            "same_period_last_year": _period_json(figures.same_period_last_year) if figures.same_period_last_year else None,
        }
    return out


# Columns of the dossier lists (DossierLists' frames); the chi-tiet workbook's
# headers are the contract's names of the first six and "Số ngày quá hạn".
LIST_COLUMNS = ("id", "department", "procedure", "received", "due", "returned", "days_late")


@dataclass(frozen=True)
class DossierLists:
    """The dossiers behind the window's bad figures (review.md, "The dossiers behind
    the figures"), each a small DataFrame with LIST_COLUMNS, sorted by department
    (plan order) then date; its length is the figure of figures.json.

    - pending_overdue: pending at the window's end and past Hạn xử lý; days_late =
      end - Hạn xử lý;
    - late: resolved in the window after Hạn xử lý; days_late = Ngày trả - Hạn xử lý;
    - withdrawn: received in the window and withdrawn (days_late blank); None when
      no dossier log has a status column.
    """

    pending_overdue: "pd.DataFrame"
    late: "pd.DataFrame"
    withdrawn: "Optional[pd.DataFrame]" = None


class DeferredLists:
    """The dossier lists of the current window, made by `make()` when first asked
    for. A million-dossier log lists hundreds of thousands of dossiers, and only
    the chi-tiet workbook reads them, so aggregation hands over the way to make
    them; the review makes them beside the report's PDF (publish/review.py).
    `with_withdrawn`: whether the lists will hold the withdrawn dossiers (some
    log has a status column), known without making them."""

    def __init__(self, make: Callable[[], DossierLists], *, with_withdrawn: bool):
        self._make = make
        self._lists: Optional[DossierLists] = None
        self.with_withdrawn = with_withdrawn

    def get(self) -> DossierLists:
        if self._lists is None:
            self._lists = self._make()
        return self._lists


@dataclass(frozen=True)
class PeriodReport:
    """What aggregation hands to compose and review: the figures, the submissions
    that count (after replacement, in the plan's department order), and the
    warnings of intake and aggregation for the review file."""

    figures: Figures
    submissions: list  # list[records.Submission]
    warnings: list  # list[diagnostics.Problem]
    # SHA-256 of every input file read, by path relative to INPUTS ("2024/plan.yaml")
    inputs: dict = field(default_factory=dict)
    # how each dossier log of this year was read (records.LogReading), for the review
    log_readings: list = field(default_factory=list)
    # the dossiers behind the current period's bad figures (the chi-tiet workbook),
    # made when first asked for: see DeferredLists
    deferred_lists: Optional["DeferredLists"] = None

    @property
    def dossier_lists(self) -> Optional[DossierLists]:
        """The lists (made now if they were not yet), or None without them."""
        return None if self.deferred_lists is None else self.deferred_lists.get()
