"""The pipeline: one function per command, each running the stages in order.

    intake -> aggregate -> compose -> render -> publish

Nothing is written under OUTPUTS until every stage has succeeded; then all files
of the run are published atomically (publish.files).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from . import console
from .diagnostics import InputError, Location, Problem, UsageError
from .periods import report_name
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

    year, folder = year_folder(inputs, year)
    plan = load_year_plan(folder, year)
    plan.window(period)  # before reading any file: a period the plan has no window for
    with console.stage(STAGES[0]):
        intake = read_inputs(folder, plan)
        last_year, last_year_warnings = _last_year(inputs, year)
    with console.stage(STAGES[1]):
        report = build_period(plan, intake, period, last_year=last_year)
    if last_year_warnings:
        report = replace(report, warnings=[*report.warnings, *last_year_warnings])
    return plan, report


def review_worker():
    """The review's worker process (publish.child_process.Worker), forked now,
    before the heavy imports: it imports matplotlib while the logs are read, then
    draws the review's charts beside the PDF. A context manager that gives None
    where forking is unsafe or useless: `with review_worker() as worker:`, so
    that it never outlives the run."""
    from .publish.child_process import Worker

    from .render.charts import warm_up

    worker = Worker.start(warm_up)
    return worker if worker is not None else contextlib.nullcontext()


def render_report_files(plan: Plan, report, issue: Issue | None = None, worker=None) -> dict[str, bytes]:
    """Every file of a report run, in memory: nothing is written here. `worker`:
    review_worker()'s process, to draw the charts."""
    from .compose.report import compose_report
    from .publish.draft_record import build_record, record_name
    from .publish.review import ReviewFiles
    from .render.docx import render_docx
    from .render.pdf import render_pdf

    with console.stage(STAGES[2]):
        with console.paused():  # the review forks its child process: no display thread then
            review = ReviewFiles(plan, report, worker)  # its charts and workbook are made beside the documents
        with review:
            doc = compose_report(plan, report, issue)
            figures_json = report.figures.to_json().encode("utf-8")
            name = report_name(plan.year, report.figures.current.period)
            files = {
                f"{name}.docx": render_docx(doc),
                f"{name}.pdf": render_pdf(doc, {"figures.json": figures_json}),
                "figures.json": figures_json,
            }
            files.update(review.files())  # the review page and the chi-tiet workbook
        if issue is None:  # a draft: its record, to recognise it when it comes back edited
            files[record_name(plan.year, report.figures.current.period)] = build_record(
                files[f"{name}.docx"], figures_json, report.inputs, plan.year, report.figures.current.period)
    return files


def write_report(outputs: Path, plan: Plan, report, worker=None) -> list[Path]:
    """Render the draft report of a prepared period and publish it under
    OUTPUTS/<year>/<period>/ (`worker`: see render_report_files)."""
    import sys

    from .publish.files import publish
    from .publish.issue import edited_draft_copy

    files = render_report_files(plan, report, worker=worker)
    folder = Path(outputs) / str(plan.year) / report.figures.current.period
    with console.stage(STAGES[3]):
        kept = edited_draft_copy(folder, plan.year, report.figures.current.period)
        written = publish(folder, {**files, **kept}, state_root=outputs)
    for name in kept:
        print(f"Dự thảo cũ đã được sửa sau khi tạo: giữ lại bản đã sửa ở «{folder / name}» trước khi ghi dự thảo "
              "mới (chép lại nội dung đã sửa vào dự thảo mới nếu cần).", file=sys.stderr)
    return written


def run_report(inputs: Path, outputs: Path, period: str, year: int | None = None) -> list[Path]:
    """`make report`: the draft report of a period under OUTPUTS/<year>/<period>/."""
    with review_worker() as worker:
        plan, report = prepare_report(inputs, period, year)
        return write_report(outputs, plan, report, worker)


def fresh_report(inputs: Path, period: str, year: int | None = None):
    """What the data gives now, for checking and issuing a draft (publish.issue.Fresh)."""
    from .compose.report import compose_report
    from .publish.issue import Fresh
    from .render.docx import render_docx

    plan, report = prepare_report(inputs, period, year)
    with console.stage(STAGES[2]):
        doc = compose_report(plan, report)
        docx = render_docx(doc)
    return Fresh(
        plan=plan, report=report, doc=doc, docx=docx, figures_json=report.figures.to_json().encode("utf-8"),
        render_issued=lambda number, date: render_docx(compose_report(plan, report, Issue(number, date))),
    )


def run_check(inputs: Path, outputs: Path, period: str, year: int | None = None, *, draft: Path | None = None):
    """`make check`: the edited draft against its record and the data now."""
    from .publish import issue

    return issue.check(outputs, fresh_report(inputs, period, year), draft=draft)


def run_archive(inputs: Path, outputs: Path, period: str, year: int | None = None, *, number: int,
                date: dt.date, draft: Path | None = None, allow_changed_inputs: bool = False,
                signer_cert: str | Path | None = None, agency_cert: str | Path | None = None,
                signer=None) -> list[Path]:
    """`make archive`: issue the reviewed draft (or, without one, the report
    rendered from the data), sign it when certificates are given (the signer's,
    then the agency's), and archive it.

    Keys, passwords and images are checked before any other work: a wrong
    password or an unusable image stops the run with nothing archived.
    `signer`: another signing step (publish.issue's hook), when no certificate
    is given."""
    from .publish import issue

    signing = open_signing(inputs, year, signer_cert, agency_cert)
    with signing if signing is not None else contextlib.nullcontext():
        fresh = fresh_report(inputs, period, year)
        if signing is not None:
            def signer(pdf: bytes) -> tuple[bytes, list[dict]]:
                signed, result = signing.sign(pdf, source=f"{report_name(fresh.plan.year, period)}.pdf")
                for notice in result.notices:
                    print(f"Lưu ý: {notice}", file=sys.stderr)
                return signed, result.records
        with console.stage(STAGES[3]):
            return issue.issue(outputs, inputs, fresh, number=number, date=date, draft=draft,
                               allow_changed_inputs=allow_changed_inputs, signer=signer)


def open_signing(inputs: Path, year: int | None, signer_cert, agency_cert):
    """The keys and images for signing (publish.signing.PreparedSigning), or None
    when no certificate is given. Passwords come from SIGNER_PASSWORD /
    AGENCY_PASSWORD or a prompt, never from the command line."""
    if not (signer_cert or agency_cert):
        return None
    from .publish.signing import PreparedSigning

    year, folder = year_folder(inputs, year)
    plan = load_year_plan(folder, year)
    return PreparedSigning.open(plan, folder / "plan.yaml", signer_cert=signer_cert, agency_cert=agency_cert)


def signature_problems(path: Path, entry: dict, trust_roots: list | None = None) -> list[str]:
    """verify-archive's check of an archived PDF's signatures: each signature
    validated cryptographically (printed, with the signer's name), its chain to
    `trust_roots` when given (publish.signing.read_trust_roots), and what differs
    from the manifest's records of them."""
    from .publish.signing import check_records, verify_pdf

    if not entry.get("signatures"):  # issued unsigned: its bytes are checked against the manifest's hash
        return []
    checks = verify_pdf(path, trust_roots)
    for check in checks:
        print(f"  {check.summary_vi(path.name)}")
    return check_records(checks, entry["signatures"])


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
    return publish(Path(outputs) / str(year), {f"{name}.docx": render_docx(doc), f"{name}.pdf": render_pdf(doc)},
                   state_root=outputs)


def run_forms(inputs: Path, outputs: Path, period: str, year: int | None = None) -> list[Path]:
    """`make forms`: a blank submission workbook per department."""
    from .forms import build_forms
    from .publish.files import publish

    year, folder = year_folder(inputs, year)
    plan = load_year_plan(folder, year)
    files = {f"forms/{code}.xlsx": data for code, data in build_forms(plan, period).items()}
    return publish(Path(outputs) / str(year) / period, files, state_root=outputs)
