"""The review file: what the clerk checks before signing (HTML, readable anywhere)."""

from __future__ import annotations

from ..figures import PeriodReport
from ..plan import Plan


def render_review(plan: Plan, report: PeriodReport) -> tuple[str, bytes]:
    """(file name, content) of the review file for this period."""
    raise NotImplementedError("review")
