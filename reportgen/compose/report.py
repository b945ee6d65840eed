"""Compose the periodic report (báo cáo) from the plan and the period's figures.

The outline is `report-outline.md`: header, BÁO CÁO + trích yếu, Kính gửi, an
opening paragraph (the plan carried out, the data window), sections I-V, the
signature and Nơi nhận, Phụ lục I and II. Every sentence is built from the plan,
the figures and the departments' submissions; fixed text is limited to headings
and connecting phrases, and nothing names the sample agency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Optional

from ..figures import IndicatorResult, PeriodFigures, PeriodReport
from ..periods import subject_phrase
from ..plan import Plan
from .. import vi_format
from ..areas import area_title
from .appendices import appendices
from .common import (
    agency_intro,
    appendix_note,
    as_clause,
    as_sentence,
    capitalize_first,
    clean,
    close_body,
    department_name,
    first_sentence,
    header,
    join_names,
    kinh_gui,
    lower_first,
    page_setup,
    plain,
    recipients,
    signature,
    text_key,
)
from .model import Document, Metadata, Paragraph, Run
from .sentences import (
    comparison_sentences,
    dossier_paragraphs,
    indicator_sentence,
    met_phrase,
    shortfall_sentence,
)

TYPE_CODE = "BC"

# Section II's khoản are areas 2..8 (area 1 is section I); area 8 only with content.

PROGRESS_NOTE = {"dang_thuc_hien": "đang thực hiện", "chua_thuc_hien": "chưa thực hiện"}

NO_CONTENT = "Trong kỳ, các phòng, đơn vị chưa báo cáo kết quả về nội dung này."


# ---------------------------------------------------------------- paragraphs

def _h1(text: str) -> Paragraph:
    return Paragraph.of(text, "heading1", bold=True)


def _h2(text: str) -> Paragraph:
    return Paragraph.of(text, "heading2", bold=True)


def _body(text: str) -> Paragraph:
    return Paragraph.of(text, "body")


def _bullet(text: str) -> Paragraph:
    return Paragraph.of(f"- {text}", "bullet")


# ---------------------------------------------------------------- merging department rows

@dataclass
class Item:
    """A department sentence after merging: the same text from several
    departments is one item naming them all."""

    text: str  # as typed (first occurrence), cleaned
    departments: list[str] = field(default_factory=list)  # codes, first-seen order
    progress: Optional[str] = None
    causes: list[str] = field(default_factory=list)


def merge_rows(rows: Iterable[tuple[str, str, Optional[str], Optional[str]]]) -> list[Item]:
    """(department, text, progress, cause) rows -> items without duplicates.

    Two texts are the same when they differ only in white space, case, Unicode
    form, a leading dash or trailing punctuation. Order: first occurrence.
    """
    items: dict[str, Item] = {}
    for dept, text, progress, cause in rows:
        key = text_key(text)
        if not key:
            continue
        item = items.get(key)
        if item is None:
            item = items[key] = Item(text=clean(text), progress=progress)
        if dept not in item.departments:
            item.departments.append(dept)
        if progress and item.progress is None:
            item.progress = progress
        cause_text = as_clause(cause)
        if cause_text and all(text_key(c) != text_key(cause_text) for c in item.causes):
            item.causes.append(cause_text)
    return list(items.values())


def _who(plan: Plan, item: Item) -> str:
    return join_names([department_name(plan, code) for code in item.departments])


def item_text(plan: Plan, item: Item, *, show_progress: bool = True) -> str:
    """'Ban hành Kế hoạch ... (Văn phòng).' ; unfinished work says so:
    '... (Văn phòng; đang thực hiện).'"""
    text = as_sentence(item.text)
    body = text[:-1] if text.endswith(".") else text
    notes = [_who(plan, item)]
    key = text_key(item.text)
    if show_progress and item.progress in PROGRESS_NOTE and not any(
            w in key for w in ("đang thực hiện", "đang triển khai", "chưa thực hiện", "chưa triển khai")):
        notes.append(PROGRESS_NOTE[item.progress])
    notes = [n for n in notes if n]
    return f"{body} ({'; '.join(notes)})." if notes else text


# ---------------------------------------------------------------- the report's parts

class _Context:
    """What every section needs, computed once."""

    def __init__(self, plan: Plan, report: PeriodReport, issue):
        self.plan = plan
        self.report = report
        self.issue = issue
        self.figures: PeriodFigures = report.figures.current
        self.short = plan.organization.short
        self.submissions = sorted(
            report.submissions,
            key=lambda s: plan.department_codes.index(s.department) if s.department in plan.department_codes else 10**6,
        )

    def indicators(self, area: Optional[int] = None) -> list[IndicatorResult]:
        return [i for i in self.figures.indicators.values() if area is None or i.area == area]

    def results(self, area: int) -> list[Item]:
        return merge_rows(
            (s.department, r.text, r.progress, None) for s in self.submissions for r in s.results if r.area == area
        )


def trich_yeu(period: str, year: int) -> str:
    """'Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024'."""
    return f"Kết quả thực hiện công tác cải cách hành chính {subject_phrase(period, year)}"


def plan_reference(plan: Plan) -> str:
    """'Kế hoạch số 125/KH-KCN ngày 28/12/2023 của Ban Quản lý các khu công nghiệp
    (Ban) về cải cách hành chính năm 2024', or without number/date when the plan
    does not give them: 'Kế hoạch cải cách hành chính năm 2024 của ...'."""
    ref = plan.plan_document
    agency = agency_intro(plan)
    number = (ref.number or "").strip()
    if not number and ref.date is None:
        return f"Kế hoạch cải cách hành chính năm {plan.year} của {agency}"
    text = "Kế hoạch"
    if number:  # the plan's own number as its header shows it ("07/KH-KCN")
        text += f" số {vi_format.symbol_number(number, 'KH', plan.organization.code)}"
    if ref.date is not None:
        text += f" ngày {vi_format.date(ref.date)}"
    return f"{text} của {agency} về cải cách hành chính năm {plan.year}"


def opening(ctx: _Context) -> list[Paragraph]:
    """One sentence, as the reference plan's documents open: the plan carried out,
    then who reports on what, the data window in parentheses before "như sau:"."""
    f = ctx.figures
    return [_body(
        f"Thực hiện {plan_reference(ctx.plan)}, {ctx.short} báo cáo kết quả thực hiện công tác cải cách "
        f"hành chính {subject_phrase(f.period, f.year)} (Số liệu tính từ ngày {vi_format.date(f.start)} "
        f"đến ngày {vi_format.date(f.end)}) như sau:"
    )]


def area_content(ctx: _Context, area: int) -> list[Paragraph]:
    """Departments' results of the area (merged), the dossier figures for area 3,
    then the area's indicators against their targets."""
    out = [_bullet(item_text(ctx.plan, item)) for item in ctx.results(area)]
    if area == 3:
        out += [_body(p) for p in dossier_paragraphs(ctx.figures.tthc, ctx.short)]
        out += [_body(p) for p in comparison_sentences(
            ctx.figures, ctx.report.figures.previous, ctx.report.figures.same_period_last_year)]
    indicators = ctx.indicators(area)
    if indicators:
        out.append(_body("Kết quả thực hiện các chỉ tiêu:"))
        out += [_bullet(indicator_sentence(ind)) for ind in indicators]
    return out


def _area8_has_content(ctx: _Context) -> bool:
    return bool(ctx.results(8)) or any(i.value is not None for i in ctx.indicators(8))


def section_direction(ctx: _Context) -> list[Paragraph]:
    return [_h1("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC"), *(area_content(ctx, 1) or [_body(NO_CONTENT)])]


def section_tasks(ctx: _Context) -> list[Paragraph]:
    out = [_h1("II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CCHC")]
    number = 0
    for area in range(2, 9):
        if area == 8 and not _area8_has_content(ctx):
            continue
        number += 1
        out.append(_h2(f"{number}. {area_title(area)}"))
        out += area_content(ctx, area) or [_body(NO_CONTENT)]
    return out


def _completed_task_codes(ctx: _Context) -> list[str]:
    codes: list[str] = []
    for s in ctx.submissions:
        for r in s.results:
            if r.progress == "hoan_thanh" and r.task_code and r.task_code not in codes:
                codes.append(r.task_code)
    known = [t.code for t in ctx.plan.tasks]
    return sorted(codes, key=lambda c: known.index(c) if c in known else len(known))


def _tasks_done(ctx: _Context, codes: list[str]) -> str:
    """'23/52 nhiệm vụ của Kế hoạch ... (công tác chỉ đạo, điều hành: 4/8; ...)'
    with the plan's tasks; without them, the codes reported completed."""
    plan = ctx.plan
    head = f"nhiệm vụ của Kế hoạch cải cách hành chính năm {plan.year}"
    if not plan.tasks:
        return f"{len(codes)} {head} (mã nhiệm vụ: {', '.join(codes)})"
    done = set(codes)
    per_area = []
    for area in sorted({t.area for t in plan.tasks}):
        tasks = [t for t in plan.tasks if t.area == area]
        title = lower_first(area_title(area))
        per_area.append(f"{title}: {sum(t.code in done for t in tasks)}/{len(tasks)}")
    count = sum(t.code in done for t in plan.tasks)
    return f"{count}/{len(plan.tasks)} {head} ({'; '.join(per_area)})"


def strengths(ctx: _Context) -> list[Paragraph]:
    """Ưu điểm: targets met, completed tasks, submissions complete and on time."""
    out = []
    judged = [i for i in ctx.indicators() if i.status in ("dat", "chua_dat")]
    met = [i for i in judged if i.status == "dat"]
    if met:
        if len(judged) == 1:
            lead = "Chỉ tiêu đã có số liệu đánh giá đạt kế hoạch đề ra"
        elif len(met) == len(judged):
            lead = f"Tất cả {len(judged)} chỉ tiêu đã có số liệu đánh giá đều đạt kế hoạch đề ra"
        else:
            lead = f"Đạt {len(met)}/{len(judged)} chỉ tiêu đã có số liệu đánh giá"
        out.append(_bullet(f"{lead}: {'; '.join(met_phrase(i) for i in met)}."))
    codes = _completed_task_codes(ctx)
    others = sum(1 for s in ctx.submissions for r in s.results if r.progress == "hoan_thanh" and not r.task_code)
    if codes:
        text = f"Hoàn thành {_tasks_done(ctx, codes)}"
        if others:
            text += f", cùng {others} nội dung công việc khác"
        out.append(_bullet(text + "."))
    elif others:
        out.append(_bullet(f"Các phòng, đơn vị đã hoàn thành {others} nội dung công việc cải cách hành chính."))
    subs = ctx.figures.submissions
    if subs.expected and not subs.missing and not subs.late:
        out.append(_bullet(f"{len(subs.expected)}/{len(subs.expected)} phòng, đơn vị gửi báo cáo đầy đủ, đúng hạn."))
    if not out:
        out.append(_body("Trong kỳ chưa ghi nhận chỉ tiêu đạt kế hoạch hoặc nhiệm vụ hoàn thành."))
    return out


def shortcomings(ctx: _Context) -> list[Paragraph]:
    """Tồn tại, hạn chế và nguyên nhân: departments' rows with their causes, every
    target not met (figure and target), targets without data, late dossiers,
    missing and late departments."""
    out = []
    items = merge_rows(
        (s.department, row.content, None, row.cause) for s in ctx.submissions for row in s.shortcomings
    )
    for item in items:
        text = item_text(ctx.plan, item)
        if item.causes:
            text += f" Nguyên nhân: {'; '.join(lower_first(c) for c in item.causes)}."
        out.append(_bullet(text))
    for ind in ctx.indicators():
        if ind.status == "chua_dat":
            out.append(_bullet(shortfall_sentence(ind)))
    no_data = [i for i in ctx.indicators() if i.status == "khong_co_so_lieu" and i.target is not None]
    if no_data:
        names = "; ".join(lower_first(i.name.strip().rstrip(" .;:")) for i in no_data)
        out.append(_bullet(f"Chưa có số liệu để đánh giá {len(no_data)} chỉ tiêu: {names}."))
    t = ctx.figures.tthc
    late_parts = []
    if t.late:
        late_parts.append(f"{vi_format.number(t.late)} hồ sơ thủ tục hành chính giải quyết quá hạn")
    if t.pending_overdue:
        late_parts.append(f"{vi_format.number(t.pending_overdue)} hồ sơ đang giải quyết đã quá hạn")
    if late_parts:
        out.append(_bullet(f"Trong kỳ còn {' và '.join(late_parts)}."))
    subs = ctx.figures.submissions
    if subs.missing:
        names = join_names([department_name(ctx.plan, c) for c in subs.missing])
        out.append(_bullet(f"Chưa nhận được báo cáo của {names}."))
    if subs.late:
        due = vi_format.date(ctx.figures.due_before)
        parts = [f"{department_name(ctx.plan, s.department)} (gửi ngày {vi_format.date(s.sent_on)})" for s in subs.late]
        out.append(_bullet(f"Báo cáo gửi chậm so với thời hạn (trước ngày {due}): {'; '.join(parts)}."))
    if not out:
        out.append(_body("Các phòng, đơn vị không báo cáo tồn tại, hạn chế; các chỉ tiêu đã có số liệu "
                         "đều đạt kế hoạch."))
    return out


def section_assessment(ctx: _Context) -> list[Paragraph]:
    return [
        _h1("III. ĐÁNH GIÁ CHUNG"),
        _h2("1. Ưu điểm"), *strengths(ctx),
        _h2("2. Tồn tại, hạn chế và nguyên nhân"), *shortcomings(ctx),
    ]


def section_directions(ctx: _Context) -> list[Paragraph]:
    """Phương hướng rows, then the work not finished: results in progress or not
    started, and the plan's tasks no department reported completed."""
    out = [_h1("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI")]
    directions = merge_rows((s.department, r.content, None, None) for s in ctx.submissions for r in s.directions)
    out += [_bullet(item_text(ctx.plan, item)) for item in directions]

    unfinished: list[str] = []
    completed = set(_completed_task_codes(ctx))
    task_codes = {t.code for t in ctx.plan.tasks}
    progress_of: dict[str, str] = {}  # plan task -> progress reported (in progress beats not started)
    loose = []  # unfinished rows that name no task of the plan
    for s in ctx.submissions:
        for r in s.results:
            if r.progress not in ("dang_thuc_hien", "chua_thuc_hien"):
                continue
            if r.task_code in task_codes:
                if progress_of.get(r.task_code) != "dang_thuc_hien":
                    progress_of[r.task_code] = r.progress
            else:
                loose.append((s.department, first_sentence(r.text), r.progress, None))
    for task in ctx.plan.tasks:
        if task.code in completed:
            continue
        notes = [task.code]
        if task.owner:
            notes.append(department_name(ctx.plan, task.owner))
        notes.append(PROGRESS_NOTE.get(progress_of.get(task.code), "chưa báo cáo kết quả"))
        if task.deadline and task.deadline.strip():
            notes.append(f"thời hạn: {clean(task.deadline)}")
        unfinished.append(f"{capitalize_first(first_sentence(plain(task.text)))} ({'; '.join(notes)}).")
    for item in merge_rows(loose):
        notes = [_who(ctx.plan, item), PROGRESS_NOTE[item.progress]]
        unfinished.append(f"{capitalize_first(first_sentence(item.text))} ({'; '.join(notes)}).")
    if unfinished:
        out.append(_body("Các nhiệm vụ chưa hoàn thành, cần tiếp tục triển khai:"))
        out += [_bullet(text) for text in unfinished]
    if len(out) == 1:
        out.append(_body("Các phòng, đơn vị chưa báo cáo phương hướng, nhiệm vụ kỳ tới."))
    return out


def section_recommendations(ctx: _Context) -> list[Paragraph]:
    items = merge_rows((s.department, r.content, None, None) for s in ctx.submissions for r in s.recommendations)
    out = [_h1("V. ĐỀ XUẤT, KIẾN NGHỊ")]
    if items:
        out += [_bullet(item_text(ctx.plan, item)) for item in items]
    else:
        out.append(_body("Không có đề xuất, kiến nghị."))
    return out


def body(ctx: _Context) -> tuple[Paragraph, ...]:
    paragraphs = [
        *opening(ctx),
        *section_direction(ctx),
        *section_tasks(ctx),
        *section_assessment(ctx),
        *section_directions(ctx),
        *section_recommendations(ctx),
    ]
    last = paragraphs[-1]
    closed = close_body(last.text)
    paragraphs[-1] = Paragraph((Run(closed, bold=last.runs[0].bold if last.runs else False,
                                    italic=last.runs[0].italic if last.runs else False),), last.style)
    return tuple(paragraphs)


def compose_report(plan: Plan, report: PeriodReport, issue=None) -> Document:
    """The report as a document model; `issue` (pipeline.Issue) fills number and date.

    A draft (no issue) leaves number and day blank, its date line showing the
    month and year of the period's `due_before`. Kính gửi lines: see
    `common.kinh_gui` (one recipient: one line; several: the label, then a
    '- …;' line each, the last ending with '.'). The body's last paragraph ends
    with './.'.
    """
    ctx = _Context(plan, report, issue)
    f = ctx.figures
    subject = trich_yeu(f.period, f.year)
    note = appendix_note(plan, TYPE_CODE, issue, draft_date=f.due_before)
    return Document(
        kind="BC",
        header=header(plan, TYPE_CODE, issue, draft_date=f.due_before),
        doc_type="BÁO CÁO",
        subject=(subject,),
        kinh_gui=kinh_gui(plan.kinh_gui),
        body=body(ctx),
        signature=signature(plan),
        recipients=recipients(plan),
        appendices=appendices(plan, f, note),
        meta=Metadata(
            title=f"Báo cáo {lower_first(subject)}",
            author=plan.organization.text_name,
            subject=subject,
            keywords=("cải cách hành chính", "CCHC", "báo cáo", subject_phrase(f.period, f.year)),
        ),
        page=page_setup(plan),
    )
