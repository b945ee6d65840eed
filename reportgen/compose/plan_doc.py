"""Compose the year's plan (kế hoạch) from plan.yaml."""

from __future__ import annotations

from ..plan import Plan
from .model import Document


def compose_plan(plan: Plan) -> Document:
    raise NotImplementedError("compose plan")
