"""Aggregate: pure functions from validated records to the figures of a period.

    build_period(plan, intake, period, last_year=...) -> PeriodReport

- submissions.select_submissions: which submissions count, missing, late;
- dossiers.prepare_dossiers / dossier_figures: the dossier statistics of a window;
- indicators: indicator values and their judging against the targets;
- here: one period's figures, and the comparison figures (the previous period of
  the same year; the same period of last year).

The window of a period is always plan.periods[period], never a date in code.
"""

from __future__ import annotations

import functools
from collections import defaultdict

from ..diagnostics import Location, Problem
from ..figures import DeferredLists, Figures, IndicatorResult, PeriodFigures, PeriodReport
from ..periods import previous_period
from ..plan import Plan
from ..records import Intake, Submission
from .by_month import monthly_figures, withdrawn_mask
from .dossier_lists import dossier_lists
from .dossiers import DossierArrays, DossierFigures, dossier_figures, prepare_dossiers
from .indicators import judge, submission_indicator, tthc_indicator
from .submissions import SubmissionSelection, select_submissions

__all__ = [
    "build_period",
    "period_figures",
    "monthly_figures",
    "dossier_lists",
    "indicator_results",
    "select_submissions",
    "prepare_dossiers",
    "dossier_figures",
    "judge",
]


def indicator_results(
    plan: Plan, counted: list[Submission], dossiers: DossierFigures
) -> tuple[dict[str, IndicatorResult], list[Problem]]:
    """Every indicator of the plan, in plan order, with the warnings about rows
    that cannot be used (a department's row for a dossier indicator)."""
    warnings: list[Problem] = []
    rows = defaultdict(list)
    indicators = {ind.code: ind for ind in plan.indicators}
    for sub in counted:
        for row in sub.indicators:
            ind = indicators[row.code]  # intake refuses a code that is not the plan's
            if ind.source != "submissions":
                warnings.append(Problem(
                    f"chỉ tiêu «{row.code}» được tính từ sổ theo dõi hồ sơ TTHC, "
                    "số liệu phòng, đơn vị tự báo cáo không được dùng",
                    row.where if row.where.file else Location(file=sub.file, sheet="Số liệu"),
                    code="tthc_indicator_reported",
                ))
            else:
                rows[row.code].append(row)
    results: dict[str, IndicatorResult] = {}
    for ind in plan.indicators:
        if ind.source == "submissions":
            results[ind.code] = submission_indicator(ind, rows.get(ind.code, ()))
        else:
            # plan.yaml refuses a `source: tthc` code the dossier logs do not give
            results[ind.code] = tthc_indicator(ind, dossiers.ratios[ind.code])
    return results, warnings


def period_figures(
    plan: Plan, intake: Intake, period: str, *, dossiers: DossierArrays | None = None
) -> tuple[PeriodFigures, SubmissionSelection, list[Problem]]:
    """The figures of one period of `plan`'s year: (figures, the selection of
    submissions, every warning of aggregation). `dossiers` is intake.dossiers
    already prepared (shared between the windows of the same intake)."""
    window = plan.window(period)
    if dossiers is None:
        dossiers = prepare_dossiers(intake.dossiers, plan.department_codes)
    selection = select_submissions(plan, intake.submissions, period, year=plan.year)
    tthc = dossier_figures(dossiers, window.start, window.end)
    indicators, warnings = indicator_results(plan, selection.counted, tthc)
    figures = PeriodFigures(
        year=plan.year,
        period=period,
        start=window.start,
        end=window.end,
        due_before=window.due_before,
        tthc=tthc.stats,
        tthc_by_department=tthc.by_department,
        indicators=indicators,
        submissions=selection.status,
        tthc_by_month=_by_month(intake, dossiers, window.start, window.end),
    )
    return figures, selection, selection.warnings + warnings


def _by_month(intake: Intake, dossiers: DossierArrays, start, end):
    """tthc.by_month of the window, withdrawn dossiers left out."""
    withdrawn = withdrawn_mask(intake.dossiers)
    return monthly_figures(dossiers, start, end, keep=None if withdrawn is None else ~withdrawn)


def _has_data(figures: PeriodFigures) -> bool:
    """Worth comparing against: some dossier in the window or some submission."""
    return figures.tthc.total > 0 or bool(figures.submissions.received)


def build_period(plan: Plan, intake: Intake, period: str, *, last_year: tuple[Plan, Intake] | None = None) -> PeriodReport:
    """The figures of `period` (q1/6m/q3/year) from the plan's window for it, with
    the previous period's (same intake) and the same period's of last year
    (`last_year` = (plan, intake) of year - 1) when that data is present."""
    dossiers = prepare_dossiers(intake.dossiers, plan.department_codes)
    current, selection, warnings = period_figures(plan, intake, period, dossiers=dossiers)

    previous = None
    before = previous_period(period)
    if before is not None and before in plan.periods:
        previous, _, _ = period_figures(plan, intake, before, dossiers=dossiers)
        if not _has_data(previous):
            previous = None

    same_period_last_year = None
    if last_year is not None:
        ly_plan, ly_intake = last_year
        if period in ly_plan.periods:
            same_period_last_year, _, _ = period_figures(ly_plan, ly_intake, period)
            if not _has_data(same_period_last_year):
                same_period_last_year = None

    return PeriodReport(
        figures=Figures(current=current, previous=previous, same_period_last_year=same_period_last_year),
        submissions=list(selection.counted),
        warnings=list(intake.warnings) + warnings,
        inputs=_input_hashes(plan, intake, last_year),
        log_readings=list(intake.log_readings),
        deferred_lists=DeferredLists(
            functools.partial(dossier_lists, intake.dossiers, dossiers, current.start, current.end),
            with_withdrawn="withdrawn" in intake.dossiers.columns),
    )


def _input_hashes(plan: Plan, intake: Intake, last_year: tuple[Plan, Intake] | None) -> dict[str, str]:
    """What the figures were computed from, by path relative to INPUTS."""
    sources = [(plan, intake)] + ([last_year] if last_year is not None else [])
    return {f"{p.year}/{rel}": digest for p, i in sources for rel, digest in sorted(i.input_hashes.items())}
