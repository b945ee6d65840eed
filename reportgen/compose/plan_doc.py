"""Compose the year's plan (kế hoạch, `make plan`) from plan.yaml.

One source of truth: the text of the plan is `plan.plan_text` (reportgen/plan.py,
PlanText), but
- the "Nhiệm vụ" bullets of each area are `plan.tasks` (by area, in order);
- every number of a chỉ tiêu is written as `{CODE}` and filled with that
  indicator's target ("{TTHC-02}" -> "100%"), so the plan and the reports that
  judge those targets cannot disagree;
- the report deadline's day and the cut-off windows of section III come from
  `plan.periods` ("từ ngày 10/12/2023 đến ngày 09/3/2024", "trước ngày 14").

A plan.yaml without plan_text (only the contract's keys, maybe tasks) still gives
a complete plan, every missing part built from the data:
- trích yếu "Cải cách hành chính của <cơ quan> năm <year>", a one-sentence opening;
- no section "MỤC ĐÍCH, YÊU CẦU" (the Roman numbers of what follows shift up);
- section "CÁC CHỈ TIÊU, NHIỆM VỤ CHỦ YẾU": one point per area that has an
  indicator with a target or a task, titled as in the 2024 plan; "a) Chỉ tiêu"
  bullets written from the indicators' names and targets ("Tỷ lệ …: từ 90% trở
  lên."; indicators without a target are monitored, not planned: left out) and
  "b) Nhiệm vụ" from the tasks; no "Kinh phí" point;
- section "TỔ CHỨC THỰC HIỆN": one numbered paragraph with the reporting
  deadlines and the cut-off window of every period;
- a closing sentence, then the report's signer and Nơi nhận (plan.signer,
  plan.recipients).
Any single part of plan_text may be given alone; the others keep their defaults.

When the plan has tasks, the document ends with one appendix ("Phụ lục", after
the signature): every task in a table grouped by area (STT · Mã nhiệm vụ · Nội
dung nhiệm vụ · Đơn vị chủ trì · Thời gian hoàn thành). The italic note of the
funding point ("(Chi tiết ... kèm theo)") points at it, so it is left out when
there are no tasks.
"""

from __future__ import annotations

import datetime as dt

from ..areas import PLAN_AREA_TITLES, area_title
from ..diagnostics import InputError, Problem
from ..periods import PERIODS
from ..plan import Indicator, Plan, PlanText, ReportingSchedule, fill_placeholders
from .. import vi_format
from . import common
from .model import Appendix, Document, Header, Metadata, Paragraph, Run, TaskGroup, TaskLine, TaskTable

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


DEFAULT_IMPLEMENTATION = (
    "Các phòng, đơn vị căn cứ nội dung của Kế hoạch này xây dựng biện pháp triển khai thực hiện "
    "và báo cáo kết quả thực hiện nhiệm vụ được giao."
)


def compose_plan(plan: Plan) -> Document:
    text = plan.plan_text or PlanText()
    values = _values(plan)
    subject = fill_placeholders(text.subject, values) if text.subject else (
        f"Cải cách hành chính của {plan.organization.text_name} năm {plan.year}")

    body: list[Paragraph] = []
    body += [_para(t, values) for t in (text.opening if text.opening is not None else [_default_opening(plan)])]

    sections = []
    if text.purpose or text.requirements:
        sections.append(("MỤC ĐÍCH, YÊU CẦU", _purpose(text, values)))
    sections.append(("CÁC CHỈ TIÊU, NHIỆM VỤ CHỦ YẾU", _targets_and_tasks(plan, text, values)))
    sections.append(("TỔ CHỨC THỰC HIỆN", _implementation(plan, text, values)))
    # a plan without targets or tasks has no section of them (no empty heading)
    sections = [(title, paragraphs) for title, paragraphs in sections if paragraphs]
    for number, (title, paragraphs) in enumerate(sections):
        body.append(Paragraph.of(f"{ROMAN[number]}. {title}", "heading1", bold=True))
        body += paragraphs

    closing = text.closing if text.closing is not None else (
        f"Trên đây là Kế hoạch cải cách hành chính năm {plan.year} của {plan.organization.text_name}")
    body.append(_para(common.close_body(fill_placeholders(closing, values)), values))

    return Document(
        kind="KH",
        header=_header(plan, text),
        doc_type="KẾ HOẠCH",
        subject=(subject,),
        body=tuple(body),
        # the plan's own signer and Nơi nhận, else the plan-level (report's) ones
        signature=common.signature(plan, text.signer),
        recipients=common.recipients(plan, text.recipients or None),
        meta=Metadata(
            title=f"Kế hoạch cải cách hành chính năm {plan.year}",
            author=plan.organization.text_name,
            subject=subject,
            keywords=("cải cách hành chính", "CCHC", "kế hoạch", str(plan.year)),
        ),
        appendices=_appendices(plan, text, values),
        page=common.page_setup(plan),
    )


# ---------------------------------------------------------------- header

def draft_date(plan: Plan) -> dt.date:
    """The month and year shown on a draft's date line (the day is for the văn
    thư): plan_text.issued, else December of the year before the plan's."""
    issued = plan.plan_text.issued if plan.plan_text else None
    if issued:
        return dt.date(issued.year, issued.month, 1)
    return dt.date(plan.year - 1, 12, 1)


def _header(plan: Plan, text: PlanText) -> Header:
    """Draft: 'Số:      /KH-KCN', 'Hải Dương, ngày      tháng 12 năm 2023'.
    Issued (plan_document.number / date filled in): 'Số: 125/KH-KCN', the full date."""
    ref = plan.plan_document
    head = common.header(plan, "KH", draft_date=draft_date(plan))
    number = vi_format.document_number("KH", plan.organization.code, ref.number)
    place_date = vi_format.date_line(plan.organization.place, ref.date, month_of=draft_date(plan))
    return Header(parent=head.parent, agency=head.agency, number=number, place_date=place_date)


# ---------------------------------------------------------------- sections

def _purpose(text: PlanText, values: dict[str, str]) -> list[Paragraph]:
    out = []
    parts = [("Mục đích", text.purpose), ("Yêu cầu", text.requirements)]
    for number, (title, bullets) in enumerate([p for p in parts if p[1]], 1):
        out.append(Paragraph.of(f"{number}. {title}", "heading2", bold=True))
        out += [_bullet(b, values) for b in bullets]
    return out


def _area_order(plan: Plan, text: PlanText) -> list[int]:
    """The areas of section II in order: plan_text.areas' own order, then any area
    it forgot that has a target or a task; else every such area by number."""
    given = {a.area for a in text.areas} if text.areas is not None else set()
    used_areas = sorted({i.area for i in plan.indicators if i.target is not None}
                        | {t.area for t in plan.tasks} | given)
    if text.areas is not None:
        return [a.area for a in text.areas] + [a for a in used_areas if a not in given]
    return used_areas


def _area_heading(area: int, text: PlanText, values: dict[str, str]) -> str:
    """An area's title as section II writes it (plan_text's, else PLAN_AREA_TITLES)."""
    spec = next((a for a in text.areas or () if a.area == area), None)
    return fill_placeholders(spec.title if spec else area_title(area, PLAN_AREA_TITLES), values)


def _targets_and_tasks(plan: Plan, text: PlanText, values: dict[str, str]) -> list[Paragraph]:
    given = {a.area: a for a in text.areas} if text.areas is not None else {}
    order = _area_order(plan, text)
    out: list[Paragraph] = []
    number = 0
    for area in order:
        spec = given.get(area)
        tasks = [t for t in plan.tasks if t.area == area]
        if spec is not None and spec.targets is not None:
            targets = [_bullet(t, values) for t in spec.targets]
        else:
            targets = [Paragraph.of(f"- {_target_sentence(i, values)}", "bullet")
                       for i in plan.indicators if i.area == area and i.target is not None]
        if not targets and not tasks and spec is None:
            continue
        number += 1
        out.append(Paragraph.of(f"{number}. {_area_heading(area, text, values)}", "heading2", bold=True))
        task_bullets = [_bullet(t.text, values) for t in tasks]
        if targets:
            out.append(Paragraph.of("a) Chỉ tiêu", "heading3", bold=True))
            out += targets
            if task_bullets:
                out.append(Paragraph.of("b) Nhiệm vụ", "heading3", bold=True))
        out += task_bullets
    if text.funding is not None:
        number += 1
        out.append(Paragraph.of(f"{number}. {text.funding.title}", "heading2", bold=True))
        out += [_para(p, values) for p in text.funding.paragraphs]
        if text.funding.note and plan.tasks:  # it points at the appendix of the tasks
            out.append(Paragraph.of(fill_placeholders(text.funding.note, values), "note", italic=True))
    return out


# ---------------------------------------------------------------- appendix: the tasks

def _appendices(plan: Plan, text: PlanText, values: dict[str, str]) -> tuple[Appendix, ...]:
    """One appendix listing every task, when the plan has tasks."""
    if not plan.tasks:
        return ()
    return (Appendix(
        label="Phụ lục",  # the only appendix: no number (Nghị định 30)
        title=f"DANH MỤC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM {plan.year}",
        note=appendix_note(plan),
        table=task_table(plan, text, values),
    ),)


def task_table(plan: Plan, text: PlanText | None = None, values: dict[str, str] | None = None) -> TaskTable:
    """The tasks grouped by area, in section II's order of areas and `tasks`' order
    inside an area; groups numbered 1, 2, ... (only areas with tasks), lines 1.1,
    1.2, ... Titles as section II's points; the department's name for its code;
    the deadline as typed, else "Trong năm <year>" (docs/decisions.md)."""
    text = text or plan.plan_text or PlanText()
    values = values if values is not None else _values(plan)
    groups = []
    for area in _area_order(plan, text):
        tasks = [t for t in plan.tasks if t.area == area]
        if not tasks:
            continue
        number = len(groups) + 1
        lines = tuple(
            TaskLine(
                stt=f"{number}.{i}",
                code=common.clean(task.code),
                text=common.clean(common.plain(task.text)),
                owner=common.department_name(plan, task.owner) if task.owner else "",
                deadline=common.clean(task.deadline) or f"Trong năm {plan.year}",
            )
            for i, task in enumerate(tasks, start=1)
        )
        groups.append(TaskGroup(title=f"{number}. {_area_heading(area, text, values)}", lines=lines))
    return TaskTable(groups=tuple(groups))


def appendix_note(plan: Plan) -> str:
    """'(Kèm theo Kế hoạch số      /KH-KCN ngày      tháng 12 năm 2023 của Ban ...)'
    for a draft, as the report's notes (common.appendix_note); the number and
    the date of plan_document where given ('số 125/KH-KCN ngày 27/12/2023')."""
    ref = plan.plan_document
    reference = common.document_reference(plan, "KH", draft_date=draft_date(plan), number=ref.number,
                                           date=ref.date)
    return f"(Kèm theo {reference})"


def _implementation(plan: Plan, text: PlanText, values: dict[str, str]) -> list[Paragraph]:
    if text.implementation is None:
        items = [(DEFAULT_IMPLEMENTATION, ReportingSchedule())]
    else:
        items = [(item.text, item.reporting) for item in text.implementation]
    out: list[Paragraph] = []
    for number, (item_text, reporting) in enumerate(items, 1):
        out.append(_para(f"{number}. {item_text}", values))
        if reporting is not None:
            out += _reporting(plan, reporting, values)
    return out


# The default deadline wording when the periods' due_before are not all the same
# day of the period's last month (other provinces' windows): each cut-off line
# carries its own deadline.
PERIODIC_EACH_DUE = ("+ Đối với báo cáo định kỳ hàng quý, 6 tháng và năm: **gửi trước thời hạn của từng "
                     "kỳ báo cáo nêu dưới đây**.")
CUTOFF_WITH_DUE = ("Báo cáo {period}: thời gian chốt số liệu tính từ ngày {start} đến ngày {end}; "
                   "gửi báo cáo trước ngày {due}.")


def _reporting(plan: Plan, spec: ReportingSchedule, values: dict[str, str]) -> list[Paragraph]:
    """Deadline and cut-off windows: the dates are the plan's `periods`."""
    periods = [(code, plan.periods[code]) for code in PERIODS if code in plan.periods]
    out: list[Paragraph] = []
    if spec.intro:
        out.append(_para(spec.intro, values))
    default = ReportingSchedule()
    in_last_month = all((w.due_before.year, w.due_before.month) == (w.end.year, w.end.month) for _, w in periods)
    if spec.periodic == default.periodic and (len({w.due_before.day for _, w in periods}) > 1 or not in_last_month):
        # The default sentence ("before the Nth of the period's last month") does
        # not fit these windows: name each period's deadline in its cut-off line.
        spec = spec.model_copy(update={
            "periodic": PERIODIC_EACH_DUE,
            "cutoff": CUTOFF_WITH_DUE if spec.cutoff == default.cutoff else spec.cutoff,
        })
    if spec.periodic:
        days = sorted({w.due_before.day for _, w in periods})
        local = dict(values)
        if len(days) == 1:
            local["due_day"] = f"{days[0]:02d}"
        elif "{due_day}" in spec.periodic:
            raise InputError([Problem(
                "plan_text: «{due_day}» cần mọi kỳ có cùng ngày của hạn gửi (due_before), "
                f"nhưng periods có các ngày {', '.join(map(str, days))}",
                expected="viết câu hạn gửi báo cáo không dùng {due_day}, hoặc dùng {due} trong cutoff",
            )])
        out.append(_para(spec.periodic, local))
    if periods:
        if spec.cutoff_intro:
            out.append(_para(spec.cutoff_intro, values))
        for code, window in periods:
            name = spec.period_names.get(code) or ReportingSchedule().period_names[code]
            local = {**values,
                     "period": fill_placeholders(name, values),
                     "start": vi_format.date(window.start),
                     "end": vi_format.date(window.end),
                     "due": vi_format.date(window.due_before)}
            out.append(_bullet(spec.cutoff, local))
    if spec.ad_hoc:
        out.append(_para(spec.ad_hoc, values))
    return out


# ---------------------------------------------------------------- defaults

def _default_opening(plan: Plan) -> str:
    from .common import agency_intro

    return (f"{agency_intro(plan)} xây dựng kế hoạch thực hiện công tác cải cách hành chính "
            f"năm {plan.year} tại đơn vị với những nội dung như sau:")


def _target_sentence(indicator: Indicator, values: dict[str, str]) -> str:
    """A chỉ tiêu written from an indicator: 'Tỷ lệ …: từ 90% trở lên.'."""
    name = indicator.name.strip().rstrip(".")
    if isinstance(indicator.target, bool):
        return f"{name}." if indicator.target else f"{name}: không."
    phrase = vi_format.target_phrase(indicator.op, values[indicator.code], unit=indicator.unit,
                                     target=indicator.target)
    return f"{name}: {phrase}."


# ---------------------------------------------------------------- text

def _values(plan: Plan) -> dict[str, str]:
    return plan.placeholder_values()


def runs(text: str) -> tuple[Run, ...]:
    """'a **b** *c*' -> runs with bold and italic (common.emphasis, the one
    parser of plan.yaml's markup); stars that mark something are never text."""
    out = [Run(piece, bold=bold, italic=italic) for piece, bold, italic in common.emphasis(text) if piece]
    return tuple(out) or (Run(""),)


def _para(text: str, values: dict[str, str], style="body") -> Paragraph:
    return Paragraph(runs(fill_placeholders(text, values)), style)


def _bullet(text: str, values: dict[str, str]) -> Paragraph:
    return _para(f"- {text}", values, "bullet")
