"""Which department submissions count for a period (figures.md, "Which submissions count").

- Only submissions whose (year, period) are the report's count; the others are
  left out, listed in SubmissionStatus.other_period, each with a warning.
- Every submission's department is one of the plan's: intake refuses any other.
- Two (or more) for the same department: the latest `Ngày gửi` counts, the others
  are superseded (a warning each). The same `Ngày gửi` twice is an intake error;
  here it does not crash: the last by file name counts, with a warning.
- Missing: a plan department with no counted submission (plan order).
- Late: a counted submission sent on or after the period's `due_before`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .. import vi_format
from ..diagnostics import Location, Problem
from ..figures import LateSubmission, SubmissionStatus, SupersededSubmission
from ..periods import PERIOD_NAME
from ..plan import Plan
from ..records import Submission


@dataclass(frozen=True)
class SubmissionSelection:
    """The submissions that count (plan department order), who is missing or late,
    and the warnings for the review file."""

    counted: list[Submission]
    status: SubmissionStatus
    warnings: list[Problem] = field(default_factory=list)


def as_date(value) -> dt.date:
    """A date from a date or datetime (only the calendar date counts)."""
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _name(path: str) -> str:
    return Path(path).name


def _period_text(period: str, year: int) -> str:
    return f"{PERIOD_NAME.get(period, period)} năm {year}"


def select_submissions(plan: Plan, submissions: list[Submission], period: str, *, year: int | None = None) -> SubmissionSelection:
    """Apply the rules above to every submission read for the year."""
    year = plan.year if year is None else year
    due_before = plan.periods[period].due_before
    departments = plan.department_codes
    warnings: list[Problem] = []

    def who(code: str) -> str:
        dept = plan.department(code)
        return f"{dept.name} ({code})" if dept else f"«{code}»"

    other_period: list[str] = []
    by_department: dict[str, list[Submission]] = {}
    for sub in submissions:
        if (sub.year, sub.period) != (year, period):
            other_period.append(sub.file)
            warnings.append(Problem(
                f"báo cáo của {who(sub.department)} là kỳ {_period_text(sub.period, sub.year)}, "
                f"không thuộc kỳ {_period_text(period, year)}: không tính vào báo cáo này",
                Location(file=sub.file),
                code="other_period",
            ))
            continue
        by_department.setdefault(sub.department, []).append(sub)

    counted: dict[str, Submission] = {}
    superseded: list[SupersededSubmission] = []
    for code, subs in by_department.items():
        ordered = sorted(subs, key=lambda s: (as_date(s.sent_on), s.file))
        winner = ordered[-1]
        counted[code] = winner
        for old in ordered[:-1]:
            old_on, new_on = as_date(old.sent_on), as_date(winner.sent_on)
            superseded.append(SupersededSubmission(code, old.file, old_on, winner.file, new_on))
            if old_on == new_on:
                message = (
                    f"{who(code)} có hai báo cáo kỳ {_period_text(period, year)} cùng ngày gửi {vi_format.date(new_on)}: "
                    f"tạm tính bản «{_name(winner.file)}», bỏ bản «{_name(old.file)}»"
                )
                expected, tag = "chỉ giữ một bản (xóa bản thừa)", "duplicate_submission"
            else:
                message = (
                    f"{who(code)} gửi lại báo cáo kỳ {_period_text(period, year)}: bản gửi ngày {vi_format.date(new_on)} "
                    f"(tệp «{_name(winner.file)}») thay cho bản gửi ngày {vi_format.date(old_on)}"
                )
                expected, tag = None, "superseded_submission"
            warnings.append(Problem(message, Location(file=old.file), expected=expected, code=tag))

    ordered_counted = [counted[c] for c in departments if c in counted]
    status = SubmissionStatus(
        expected=list(departments),
        received=[s.department for s in ordered_counted],
        missing=[c for c in departments if c not in counted],
        late=[LateSubmission(s.department, as_date(s.sent_on)) for s in ordered_counted if as_date(s.sent_on) >= due_before],
        superseded=sorted(superseded, key=lambda s: (departments.index(s.department), s.sent_on, s.file)),
        other_period=other_period,
    )
    return SubmissionSelection(ordered_counted, status, warnings)
