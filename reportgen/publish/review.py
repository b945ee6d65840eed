"""The review file: what the clerk checks before signing (HTML, readable anywhere).

`render_review(plan, report)` gives `BC-CCHC-<year>-<period>-kiem-tra.html`: one
self-contained page (inline CSS, no script, UTF-8, prints on A4) from
`templates/kiem-tra.html.j2` (Jinja2, autoescaped: department text may hold
`&`, `<`, `{{`). `summary_lines(plan, report)` says the same in a few console
lines. Both read one `Review`, built by `build_review`.

The page also shows the period in four charts (render/charts.py, inline SVG) and
the overdue dossiers per department, most first, linking the chi-tiet workbook
(render/dossier_lists_xlsx.py) that lists them. `ReviewFiles` gives the page and
the workbook, their charts and workbook made in a child process beside the
report's PDF.

What is flagged as odd ("cần xem lại"), compared with the previous period and
with the same period of last year when those figures exist:

- a rate that moved by more than RATE_POINTS (10) percentage points;
- a count (an indicator, or the dossier totals received / resolved / late /
  pending overdue) that changed by more than COUNT_RELATIVE (30%) of the earlier
  value and by at least COUNT_MIN_CHANGE (5), or from 0 to at least 5. Counts are
  only compared between windows of about the same length (within 10%): the 6m
  window holds the q1 window, so twice the dossiers is no news;
- a yes/no indicator that changed, an indicator that had data and has none now;
- a department with no dossier received this period that had some before;
- a department that submitted but reported no `Kết quả` row in an area where it
  owns tasks of the plan;
- a submission sent (Ngày gửi) before the end of the data window: its figures
  may be incomplete.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..render.charts import review_charts  # matplotlib itself is imported when a chart is drawn
from ..render.dossier_lists_xlsx import chi_tiet_name, render_dossier_lists
from ..resources import TEMPLATES
from ..text_controls import file_name
from ..areas import area_title
from .. import vi_format
from ..compose.sentences import ratio_text, target_text
from ..compose.sentences import value_text as _shown_value
from ..figures import STATUS_TEXT, IndicatorResult, PeriodFigures, PeriodReport
from ..periods import PERIOD_NAME, report_name, subject_phrase
from ..plan import Plan
from .child_process import ChildJob, Worker
from .review_logs import build_log_review


TEMPLATE = "kiem-tra.html.j2"

RATE_POINTS = 10  # percentage points
COUNT_RELATIVE = Fraction(3, 10)
COUNT_MIN_CHANGE = 5

SHOWN_ELSEWHERE = {"other_period", "superseded_submission"}  # warning codes with a table of their own
STAT_TEXT = {
    "received": "hồ sơ tiếp nhận trong kỳ",
    "resolved": "hồ sơ đã giải quyết",
    "late": "hồ sơ giải quyết quá hạn",
    "pending_overdue": "hồ sơ đang giải quyết quá hạn",
}


def review_name(year: int, period: str) -> str:
    return f"{report_name(year, period)}-kiem-tra.html"


# ------------------------------------------------------------------ the review


@dataclass
class Row:
    """One line of a table in the review; `cells` already formatted text."""

    cells: list[str]
    flag: bool = False  # shown highlighted


@dataclass
class Review:
    title: str
    organization: str
    period_text: str  # "6 tháng đầu năm 2024"
    window: str  # "từ 10/12/2023 đến 09/6/2024"
    due: str  # "trước ngày 14/6/2024 (chậm nhất ngày 13/6/2024)"
    expected: int
    submitted: list[Row] = field(default_factory=list)  # code, name, Ngày gửi, file, note
    missing: list[Row] = field(default_factory=list)  # code, name
    late: list[Row] = field(default_factory=list)  # code, name, Ngày gửi, days late
    superseded: list[Row] = field(default_factory=list)
    other_period: list[Row] = field(default_factory=list)  # file, why it is left out
    warnings: list[str] = field(default_factory=list)
    not_met: list[Row] = field(default_factory=list)  # code, name, figure, target
    no_data: list[Row] = field(default_factory=list)  # code, name, target
    odd: list[str] = field(default_factory=list)
    indicators: list[Row] = field(default_factory=list)  # every indicator
    file_name: str = ""
    # the dossiers behind the figures: the chi-tiet workbook and its counts per department
    chi_tiet: str = ""  # the workbook's file name ("" when there are no lists)
    overdue: list[Row] = field(default_factory=list)  # name, code, pending overdue, late[, withdrawn]; worst first
    overdue_total: Row | None = None
    has_withdrawn: bool = False
    charts: list = field(default_factory=list)  # render.charts.Chart, drawn by render_review


def build_review(plan: Plan, report: PeriodReport) -> Review:
    cur = report.figures.current
    subs = cur.submissions
    names = {d.code: d.name for d in plan.departments}
    last_day = cur.due_before - dt.timedelta(days=1)
    d = vi_format.date
    review = Review(
        title=f"Kiểm tra trước khi ký: báo cáo CCHC {subject_phrase(cur.period, cur.year)}",
        organization=plan.organization.name,
        period_text=subject_phrase(cur.period, cur.year),
        window=f"từ {d(cur.start)} đến {d(cur.end)}",
        due=f"trước ngày {d(cur.due_before)} (chậm nhất ngày {d(last_day)})",
        expected=len(subs.expected),
        file_name=review_name(cur.year, cur.period),
    )
    late = {s.department for s in subs.late}
    for sub in report.submissions:  # the ones that count, in the plan's order
        note = f"Muộn {_days_late(sub.sent_on, cur.due_before)} ngày" if sub.department in late else ""
        review.submitted.append(Row(
            [sub.department, names.get(sub.department, sub.department), d(sub.sent_on), file_name(sub.file), note],
            flag=sub.department in late,
        ))
    review.missing = [Row([code, names.get(code, code)], flag=True) for code in subs.missing]
    review.late = [
        Row([s.department, names.get(s.department, s.department), d(s.sent_on), str(_days_late(s.sent_on, cur.due_before))], flag=True)
        for s in subs.late
    ]
    review.superseded = [
        Row([s.department, file_name(s.file), d(s.sent_on), file_name(s.replaced_by), d(s.replaced_sent_on)])
        for s in subs.superseded
    ]
    # Warnings about files left out or replaced are shown in their own tables.
    reasons = {p.where.file: p.message for p in report.warnings if p.code == "other_period"}
    review.other_period = [
        Row([file_name(f), _capital(reasons.get(f, "báo cáo của kỳ khác"))]) for f in subs.other_period
    ]
    review.warnings = [p.format_vi() for p in report.warnings if p.code not in SHOWN_ELSEWHERE]
    for ind in cur.indicators.values():
        figure, target = value_text(ind), target_text(ind)
        review.indicators.append(
            Row([ind.code, ind.name, target, figure, STATUS_TEXT[ind.status]], flag=ind.status in ("chua_dat", "khong_co_so_lieu"))
        )
        if ind.status == "chua_dat":
            review.not_met.append(Row([ind.code, ind.name, figure, target], flag=True))
        elif ind.status == "khong_co_so_lieu" or (ind.value is None and ind.status == "khong_co_chi_tieu"):
            review.no_data.append(Row([ind.code, ind.name, target]))
    review.odd = odd_figures(plan, report)
    if report.deferred_lists is not None:
        review.chi_tiet = chi_tiet_name(report_name(cur.year, cur.period))
        review.has_withdrawn = report.deferred_lists.with_withdrawn
        review.overdue, review.overdue_total = overdue_by_department(plan, cur, review.has_withdrawn)
    return review


def overdue_by_department(plan: Plan, cur: PeriodFigures, with_withdrawn: bool) -> tuple[list[Row], Row]:
    """Per department with any listed dossier: [name, code, pending overdue, resolved
    late(, withdrawn)], the most overdue dossiers (pending + late) first, then plan
    order; and the total row. The counts are the figures of each department, which
    are the rows of the chi-tiet sheets (the lists are chosen with the figures'
    own masks: tests/test_dossier_lists.py holds them to it)."""
    by_department = cur.tthc_by_department
    overdue = {c: s.pending_overdue for c, s in by_department.items() if s.pending_overdue}
    late = {c: s.late for c, s in by_department.items() if s.late}
    withdrawn = {c: s.withdrawn for c, s in by_department.items() if s.withdrawn} if with_withdrawn else None
    names = {d.code: d.name for d in plan.departments}
    order = {code: i for i, code in enumerate(plan.department_codes)}
    codes = set(overdue) | set(late) | set(withdrawn or ())
    codes = sorted(codes, key=lambda c: (-(overdue.get(c, 0) + late.get(c, 0)), -overdue.get(c, 0),
                                         order.get(c, len(order)), c))
    n = vi_format.number

    def row(name: str, code: str, o: int, la: int, w: int | None, flag: bool) -> Row:
        cells = [name, code, n(o), n(la)] + ([n(w)] if withdrawn is not None else [])
        return Row(cells, flag=flag)

    rows = [row(names.get(c, c), c, overdue.get(c, 0), late.get(c, 0),
                (withdrawn or {}).get(c, 0), flag=overdue.get(c, 0) + late.get(c, 0) > 0) for c in codes]
    total = row("Tổng cộng", "", cur.tthc.pending_overdue, cur.tthc.late,
                cur.tthc.withdrawn if withdrawn is not None else None, flag=False)
    return rows, total


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _days_late(sent_on: dt.date, due_before: dt.date) -> int:
    """Days after the last allowed day (the day before due_before)."""
    return (sent_on - due_before).days + 1


# ------------------------------------------------------------------ formatting



def value_text(ind: IndicatorResult) -> str:
    """The figure as the report shows it, with its fraction: '98,5% (985/1.000)'."""
    ratio = ratio_text(ind) if ind.value is not None else ""
    return f"{_shown_value(ind)} ({ratio})" if ratio else _shown_value(ind)


# ------------------------------------------------------------------ odd figures


def _count_jump(old, new) -> bool:
    change = abs(Fraction(new) - Fraction(old))
    if change < COUNT_MIN_CHANGE:
        return False
    return old == 0 or change > COUNT_RELATIVE * abs(Fraction(old))


def _signed_points(old, new) -> str:
    change = Fraction(new) - Fraction(old)
    sign = "+" if change > 0 else "−"
    return f"{sign}{vi_format.percent(abs(change)).removesuffix('%')} điểm %"


def _relative(old, new) -> str:
    if old == 0:
        return "từ 0"
    change = (Fraction(new) - Fraction(old)) / Fraction(old)
    sign = "+" if change > 0 else "−"
    return f"{sign}{vi_format.percent(abs(change))}"


def _label(p: PeriodFigures, which: str) -> str:
    return f"{which} ({PERIOD_NAME[p.period]} năm {p.year})"


def odd_figures(plan: Plan, report: PeriodReport) -> list[str]:
    """Everything a careful clerk would look at twice (see the module's doc)."""
    figures = report.figures
    cur = figures.current
    out: list[str] = []
    no_dossiers: dict[str, list[str]] = {}  # department -> "kỳ trước (...) tiếp nhận N"
    names = {dep.code: dep.name for dep in plan.departments}
    comparisons = [
        (figures.previous, "kỳ trước"),
        (figures.same_period_last_year, "cùng kỳ năm trước"),
    ]
    for other, which in comparisons:
        if other is None:
            continue
        label = _label(other, which)
        counts_ok = cur.counts_comparable_with(other)
        for code, ind in cur.indicators.items():
            old = other.indicators.get(code)
            if old is None or old.value is None:
                continue
            head = f"Chỉ tiêu {code} ({ind.name})"
            if ind.value is None:
                out.append(f"{head}: kỳ này chưa có số liệu, {label} có ({value_text(old)}).")
            elif ind.unit == "bool" or isinstance(ind.value, bool):
                if bool(ind.value) != bool(old.value):
                    out.append(f"{head}: kỳ này «{value_text(ind)}», {label} «{value_text(old)}».")
            elif ind.unit == "rate":
                if abs(Fraction(ind.value) - Fraction(old.value)) * 100 > RATE_POINTS:
                    out.append(
                        f"{head}: {vi_format.percent(ind.value)}, {label} {vi_format.percent(old.value)} "
                        f"({_signed_points(old.value, ind.value)})."
                    )
            elif counts_ok and _count_jump(old.value, ind.value):
                out.append(
                    f"{head}: {vi_format.number(ind.value)}, {label} {vi_format.number(old.value)} "
                    f"({_relative(old.value, ind.value)})."
                )
        if counts_ok:
            for key, text in STAT_TEXT.items():
                new, old_count = getattr(cur.tthc, key), getattr(other.tthc, key)
                if _count_jump(old_count, new):
                    out.append(
                        f"Số {text}: {vi_format.number(new)}, {label} {vi_format.number(old_count)} "
                        f"({_relative(old_count, new)})."
                    )
        for code, stats in cur.tthc_by_department.items():
            before = other.tthc_by_department.get(code)
            if stats.received == 0 and before is not None and before.received > 0:
                no_dossiers.setdefault(code, []).append(f"{label} tiếp nhận {vi_format.number(before.received)}")
    for code, befores in no_dossiers.items():
        out.append(
            f"{names.get(code, code)} ({code}) không tiếp nhận hồ sơ TTHC nào trong kỳ; "
            f"{', '.join(befores)}: kiểm tra tệp nhật ký hồ sơ."
        )
    owned: dict[str, set[int]] = {}
    for task in plan.tasks:
        if task.owner:
            owned.setdefault(task.owner, set()).add(task.area)
    for sub in report.submissions:
        who = f"{names.get(sub.department, sub.department)} ({sub.department})"
        silent = sorted(owned.get(sub.department, set()) - {row.area for row in sub.results})
        if silent:
            areas = "; ".join(f"{area}. {area_title(area)}" for area in silent)
            out.append(
                f"{who} chủ trì nhiệm vụ của kế hoạch nhưng không báo cáo kết quả nào ở "
                f"{'lĩnh vực' if len(silent) == 1 else 'các lĩnh vực'}: {areas} "
                f"(trang «Kết quả», tệp «{file_name(sub.file)}»)."
            )
        if sub.sent_on < cur.end:
            out.append(
                f"{who} gửi báo cáo ngày {vi_format.date(sub.sent_on)}, trước ngày chốt số liệu "
                f"{vi_format.date(cur.end)}: số liệu có thể chưa đầy đủ."
            )
    return out


# ------------------------------------------------------------------ outputs


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "j2"], default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_review(plan: Plan, report: PeriodReport, charts: list | None = None) -> tuple[str, bytes]:
    """(file name, content) of the review file for this period; `charts` already
    drawn (ReviewFiles draws them beside the documents), else drawn here."""
    review = build_review(plan, report)
    review.charts = review_charts(plan, report.figures) if charts is None else charts
    html = _environment().get_template(TEMPLATE).render(
        r=review,
        logs=build_log_review(plan, report),
        rate_points=RATE_POINTS,
        count_relative=vi_format.percent(COUNT_RELATIVE),
        count_min=COUNT_MIN_CHANGE,
    )
    return review.file_name, html.encode("utf-8")


# ------------------------------------------------------------------ beside the documents

CHILD_TIMEOUT = 600  # seconds the child may still need once the documents are done


def _workbook(report: PeriodReport) -> bytes | None:
    """The chi-tiet workbook (render/dossier_lists_xlsx), None without lists."""
    lists = report.dossier_lists  # made now, when they were not yet
    if lists is None:
        return None
    cur = report.figures.current
    return render_dossier_lists(
        lists, as_of=cur.end, title=f"Hồ sơ TTHC quá hạn, trả quá hạn - {report_name(cur.year, cur.period)}")


def _review_parts(plan: Plan, report: PeriodReport, charts: bool = True) -> tuple[list | None, bytes | None]:
    """The child's job: the charts (unless `charts` is False: the worker draws
    them) and the chi-tiet workbook (the dossier lists made on the way)."""
    return (review_charts(plan, report.figures) if charts else None), _workbook(report)


class ReviewFiles:
    """The review's files, started before the report's documents are rendered:

        with ReviewFiles(plan, report, worker) as review:
            ... render the .docx and the PDF ...
            files.update(review.files())

    The slow parts (the four charts; the dossier lists and their chi-tiet
    workbook: matplotlib, pandas and openpyxl, Python that holds the
    interpreter's lock like WeasyPrint) are made on a second core while this
    process renders the documents (publish/child_process.py): the lists and the
    workbook in a child forked here (the dossier frame is in memory); the charts
    by `worker`, a process forked at the start of the run that has imported
    matplotlib meanwhile (pipeline.review_worker), or else by that child too. Where forking is unsafe or useless (one core, no fork, other
    threads running, as in the collection page's server), or when a child
    fails, the work is done here in `files()`: the same bytes either way.
    `files()` gives {review page name: bytes, chi-tiet name: bytes}.
    """

    def __init__(self, plan: Plan, report: PeriodReport, worker: Worker | None = None, *, in_child: bool = True):
        self.plan, self.report = plan, report
        with_charts = worker is None
        self._job = ChildJob.start(lambda: _review_parts(plan, report, with_charts)) if in_child else None
        # after the fork (a child must not inherit a half-sent pipe); a refused job: drawn in files()
        self._worker = worker if worker is not None and worker.submit(review_charts, plan, report.figures) else None

    def files(self) -> dict[str, bytes]:
        charts = self._worker.result(CHILD_TIMEOUT) if self._worker is not None else None
        made = self._job.result(CHILD_TIMEOUT) if self._job is not None else None
        self._worker = self._job = None
        child_charts, workbook = made if made is not None else (None, _workbook(self.report))
        if charts is None:  # no worker, or it failed: the child's, else drawn here
            charts = child_charts if child_charts is not None else review_charts(self.plan, self.report.figures)
        name, page = render_review(self.plan, self.report, charts=charts)
        out = {name: page}
        if workbook is not None:
            cur = self.report.figures.current
            out[chi_tiet_name(report_name(cur.year, cur.period))] = workbook
        return out

    def close(self) -> None:
        for helper in (self._worker, self._job):
            if helper is not None:
                helper.close()
        self._worker = self._job = None

    def __enter__(self) -> "ReviewFiles":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def summary_lines(plan: Plan, report: PeriodReport) -> list[str]:
    """The review in a few Vietnamese lines for the console."""
    r = build_review(plan, report)
    lines = [
        f"Kỳ báo cáo: {r.period_text}, số liệu {r.window}; hạn gửi {r.due}.",
        f"Đã gửi: {len(r.submitted)}/{r.expected} phòng, đơn vị.",
    ]
    if r.missing:
        lines.append("Chưa gửi: " + "; ".join(f"{row.cells[1]} ({row.cells[0]})" for row in r.missing) + ".")
    if r.late:
        lines.append(
            "Gửi muộn: "
            + "; ".join(f"{row.cells[1]} ({row.cells[0]}) ngày {row.cells[2]}, muộn {row.cells[3]} ngày" for row in r.late)
            + "."
        )
    if r.superseded:
        lines.append(f"Bản gửi lại thay thế bản trước: {len(r.superseded)}.")
    if r.other_period:
        lines.append(f"Tệp của kỳ khác, không tính vào báo cáo này: {len(r.other_period)}.")
    if r.warnings:
        lines.append(f"Cảnh báo từ dữ liệu đầu vào: {len(r.warnings)}.")
    if r.not_met:
        lines.append(f"Chỉ tiêu chưa đạt ({len(r.not_met)}): " + ", ".join(row.cells[0] for row in r.not_met) + ".")
    if r.no_data:
        lines.append(f"Chỉ tiêu chưa có số liệu ({len(r.no_data)}): " + ", ".join(row.cells[0] for row in r.no_data) + ".")
    if r.odd:
        lines.append(f"Số liệu cần xem lại: {len(r.odd)}.")
    if r.overdue_total is not None and r.overdue:
        worst = r.overdue[0]
        lines.append(
            f"Hồ sơ TTHC đang giải quyết quá hạn: {r.overdue_total.cells[2]}, đã trả quá hạn: "
            f"{r.overdue_total.cells[3]}; nhiều nhất: {worst.cells[0]} ({worst.cells[1]}); "
            f"danh sách: {r.chi_tiet}."
        )
    lines.append(f"Chi tiết: {r.file_name}.")
    return lines
