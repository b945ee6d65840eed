"""Blank submission workbooks (`make forms`), one per department."""

from __future__ import annotations

from .plan import Plan


def build_forms(plan: Plan, period: str) -> dict[str, bytes]:
    """{department code: .xlsx bytes}"""
    raise NotImplementedError("forms")
