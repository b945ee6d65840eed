"""Aggregate: pure functions from validated records to the figures of a period."""

from __future__ import annotations

from ..figures import PeriodReport
from ..plan import Plan
from ..records import Intake


def build_period(plan: Plan, intake: Intake, period: str, *, last_year: tuple[Plan, Intake] | None = None) -> PeriodReport:
    """The figures of `period` (q1/6m/q3/year) from the plan's window for it."""
    raise NotImplementedError("aggregate")
