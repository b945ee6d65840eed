"""The pipeline: one function per command, each running the stages in order.

    intake -> aggregate -> compose -> render -> publish

Nothing is written under OUTPUTS until every stage has succeeded; then all files
of the run are published atomically (publish.files).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from . import console
from .diagnostics import InputError, Location, Problem, UsageError
from .periods import report_name  # noqa: F401  (re-exported for callers of the pipeline)
from .plan import Plan, load_plan

STAGES = ("Đọc dữ liệu", "Tổng hợp số liệu", "Soạn và xuất báo cáo", "Ghi tệp")


@dataclass(frozen=True)
class Issue:
    """Number and date given by the văn thư when the report is issued."""

    number: int
    date: dt.date


def year_folder(inputs: Path, year: int | None) -> tuple[int, Path]:
    """The year to report on and its input folder: the given year, or the newest
    year folder under INPUTS that has a plan.yaml."""
    inputs = Path(inputs)
    if year is not None:
        folder = inputs / str(year)
        if not (folder / "plan.yaml").is_file():
            raise UsageError(f"Không có tệp kế hoạch {folder / 'plan.yaml'} cho năm {year}.")
        return year, folder
    years = sorted(
        int(p.name) for p in inputs.glob("*") if p.name.isdigit() and (p / "plan.yaml").is_file()
    ) if inputs.is_dir() else []
    if not years:
        raise UsageError(
            f"Không tìm thấy thư mục năm nào có plan.yaml trong «{inputs}». "
            "Cần: INPUTS/<năm>/plan.yaml (ví dụ inputs/2024/plan.yaml)."
        )
    return years[-1], inputs / str(years[-1])


def load_year_plan(folder: Path, year: int) -> Plan:
    plan = load_plan(folder / "plan.yaml")
    if plan.year != year:
        raise InputError([Problem(
            f"năm trong plan.yaml là {plan.year}, nhưng tệp nằm trong thư mục năm {year}",
            expected=f"year: {year}",
        )])
    return plan


def _last_year(inputs: Path, year: int) -> tuple[tuple | None, list[Problem]]:
    """Last year's plan and inputs, for "so với cùng kỳ" comparisons, and the
    warnings for the review. None when absent; when unreadable, None and a warning
    saying why the comparison is left out (no reason to stop this year's report)."""
    from .intake import read_inputs

    folder = Path(inputs) / str(year - 1)
    if not (folder / "plan.yaml").is_file():
        return None, []
    try:
        plan = load_year_plan(folder, year - 1)
        return (plan, read_inputs(folder, plan)), []
    except (InputError, UsageError) as exc:
        messages = exc.messages()
        shown = "; ".join(messages[:3]) + (f"; và {len(messages) - 3} lỗi khác" if len(messages) > 3 else "")
        return None, [Problem(
            f"không so sánh được với cùng kỳ năm {year - 1}: dữ liệu năm {year - 1} có "
            f"{len(messages)} lỗi ({shown})",
            Location(file=str(folder)),
            expected=f"sửa dữ liệu trong «{folder}» nếu cần so sánh với cùng kỳ năm trước",
            code="last_year_unreadable",
        )]


def prepare_report(inputs: Path, period: str, year: int | None = None):
    """Intake and aggregation for one period: (plan, PeriodReport)."""
    from .aggregate import build_period
    from .intake import read_inputs
    from .render.charts import preload

    preload()  # the review's charts: matplotlib is imported while the logs are read

    year, folder = year_folder(inputs, year)
    plan = load_year_plan(folder, year)
    if period not in plan.periods:
        raise InputError([Problem(
            f"plan.yaml không có khoảng thời gian chốt số liệu cho kỳ «{period}»",
            expected=f"khóa periods.{period} với start, end, due_before",
        )])
    with console.stage(STAGES[0]):
        intake = read_inputs(folder, plan)
        last_year, last_year_warnings = _last_year(inputs, year)
    with console.stage(STAGES[1]):
        report = build_period(plan, intake, period, last_year=last_year)
    if last_year_warnings:
        report = replace(report, warnings=[*report.warnings, *last_year_warnings])
    return plan, report


def render_report_files(plan: Plan, report, issue: Issue | None = None) -> dict[str, bytes]:
    """Every file of a report run, in memory: nothing is written here."""
    from .compose.report import compose_report
    from .publish.review import ReviewFiles
    from .render.docx import render_docx
    from .render.pdf import render_pdf

    with console.stage(STAGES[2]), ReviewFiles(plan, report) as review:  # its charts and workbook run beside
        doc = compose_report(plan, report, issue)
        figures_json = report.figures.to_json().encode("utf-8")
        name = report_name(plan.year, report.figures.current.period)
        files = {
            f"{name}.docx": render_docx(doc),
            f"{name}.pdf": render_pdf(doc, {"figures.json": figures_json}),
            "figures.json": figures_json,
        }
        files.update(review.files())  # the review page and the chi-tiet workbook
    return files


def write_report(outputs: Path, plan: Plan, report) -> list[Path]:
    """Render the draft report of a prepared period and publish it under
    OUTPUTS/<year>/<period>/."""
    from .publish.files import publish

    files = render_report_files(plan, report)
    with console.stage(STAGES[3]):
        return publish(Path(outputs) / str(plan.year) / report.figures.current.period, files)


def run_report(inputs: Path, outputs: Path, period: str, year: int | None = None) -> list[Path]:
    """`make report`: the draft report of a period under OUTPUTS/<year>/<period>/."""
    plan, report = prepare_report(inputs, period, year)
    return write_report(outputs, plan, report)


def run_plan(inputs: Path, outputs: Path, year: int | None = None) -> list[Path]:
    """`make plan`: the year's plan, KH-CCHC-<year>.docx and .pdf."""
    from .compose.plan_doc import compose_plan
    from .publish.files import publish
    from .render.docx import render_docx
    from .render.pdf import render_pdf

    year, folder = year_folder(inputs, year)
    plan = load_year_plan(folder, year)
    doc = compose_plan(plan)
    name = f"KH-CCHC-{year}"
    return publish(Path(outputs) / str(year), {f"{name}.docx": render_docx(doc), f"{name}.pdf": render_pdf(doc)})


def run_forms(inputs: Path, outputs: Path, period: str, year: int | None = None) -> list[Path]:
    """`make forms`: a blank submission workbook per department."""
    from .forms import build_forms
    from .publish.files import publish

    year, folder = year_folder(inputs, year)
    plan = load_year_plan(folder, year)
    files = {f"forms/{code}.xlsx": data for code, data in build_forms(plan, period).items()}
    return publish(Path(outputs) / str(year) / period, files)
