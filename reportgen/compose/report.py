"""Compose the periodic report (báo cáo) from the plan and the period's figures."""

from __future__ import annotations

from ..figures import PeriodReport
from ..plan import Plan
from .model import Document


def compose_report(plan: Plan, report: PeriodReport, issue=None) -> Document:
    """The report as a document model; `issue` (pipeline.Issue) fills number and date."""
    raise NotImplementedError("compose report")
