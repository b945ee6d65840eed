"""Indicator values and their judging against the plan's targets (figures.md).

Department-reported indicators (`source: submissions`), over every counted
submission's rows for the code:
- count: the sum of Giá trị; no rows: no data.
- rate: Σ numerators / Σ denominators; no rows or Σ denominators = 0: no data.
- bool: True when every row is true, False when any is false; no rows: no data.

Dossier indicators (`source: tthc`, plan.TTHC_RATIOS) come from dossiers.dossier_figures.

Judging is exact: Fractions against the target as written (0.3 is 3/10); a bool
against a bool with the op (normally ==). No target: khong_co_chi_tieu. No data:
khong_co_so_lieu.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Iterable

from ..figures import IndicatorResult, Status
from ..plan import OPS, Indicator
from ..records import IndicatorRow

def exact(value) -> int | Fraction:
    """A number as an int when whole, else a Fraction (bools as 0/1)."""
    fraction = Fraction(int(value)) if isinstance(value, bool) else Fraction(value)
    return fraction.numerator if fraction.denominator == 1 else fraction


def target_of(indicator: Indicator) -> Fraction | bool | None:
    """The target exactly as written in plan.yaml."""
    if isinstance(indicator.target, bool):
        return indicator.target
    return indicator.target_fraction


def judge(value, target, op: str | None) -> Status:
    """dat / chua_dat / khong_co_so_lieu / khong_co_chi_tieu."""
    if target is None or op is None:
        return "khong_co_chi_tieu"
    if value is None:
        return "khong_co_so_lieu"
    if isinstance(target, bool) or isinstance(value, bool):
        if not (isinstance(target, bool) and isinstance(value, bool)):
            return "khong_co_so_lieu"  # a bool against a number: cannot be judged
        return "dat" if OPS[op](value, target) else "chua_dat"
    return "dat" if OPS[op](Fraction(value), Fraction(target)) else "chua_dat"


def _result(indicator: Indicator, value, numerator=None, denominator=None) -> IndicatorResult:
    target = target_of(indicator)
    return IndicatorResult(
        code=indicator.code,
        name=indicator.name,
        area=indicator.area,
        unit=indicator.unit,
        source=indicator.source,
        value=value,
        status=judge(value, target, indicator.op),
        numerator=numerator,
        denominator=denominator,
        target=target,
        op=indicator.op,
    )


def rate_result(indicator: Indicator, numerator, denominator) -> IndicatorResult:
    """A rate from its exact numerator and denominator (None: no rows at all)."""
    if numerator is None or denominator is None:
        return _result(indicator, None)
    numerator, denominator = exact(numerator), exact(denominator)
    value = Fraction(numerator) / Fraction(denominator) if denominator != 0 else None
    return _result(indicator, value, numerator, denominator)


def _as_bool(value) -> bool:
    return bool(value) if isinstance(value, bool) else Fraction(value) != 0


def submission_indicator(indicator: Indicator, rows: Iterable[IndicatorRow]) -> IndicatorResult:
    """A department-reported indicator from every counted row of its code."""
    rows = list(rows)
    if not rows:
        if indicator.unit == "rate":
            return rate_result(indicator, None, None)
        return _result(indicator, None)
    if indicator.unit == "bool":
        return _result(indicator, all(_as_bool(r.value) for r in rows))
    if indicator.unit == "count":
        return _result(indicator, exact(sum((Fraction(exact(r.value)) for r in rows), Fraction(0))))
    numerator = sum((Fraction(exact(r.value)) for r in rows), Fraction(0))
    denominator = sum((Fraction(exact(r.denominator)) for r in rows if r.denominator is not None), Fraction(0))
    return rate_result(indicator, numerator, denominator)


def tthc_indicator(indicator: Indicator, ratio: tuple[int, int]) -> IndicatorResult:
    """A dossier-based indicator from (numerator, denominator) of the window."""
    numerator, denominator = ratio
    if indicator.unit == "count":  # a plan that counts rather than rates: the numerator
        return _result(indicator, int(numerator))
    return rate_result(indicator, numerator, denominator)
