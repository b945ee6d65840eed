"""The report's appendices: Phụ lục I (indicators against targets, by area) and
Phụ lục II (dossiers per department, with a total row)."""

from __future__ import annotations

from ..figures import STATUS_TEXT, DossierStats, IndicatorResult, PeriodFigures
from ..plan import Plan
from .. import vi_format
from .common import department_name
from .model import Appendix, DossierLine, DossierTable, IndicatorGroup, IndicatorLine, IndicatorTable
from .sentences import target_text, value_text

from ..areas import area_title


def indicator_line(stt: str, ind: IndicatorResult) -> IndicatorLine:
    assessment = "" if ind.status == "khong_co_chi_tieu" else STATUS_TEXT[ind.status]
    met = {"dat": True, "chua_dat": False}.get(ind.status)
    return IndicatorLine(stt=stt, name=ind.name.strip(), target=target_text(ind), result=value_text(ind),
                         assessment=assessment, met=met)


def indicator_table(figures: PeriodFigures) -> IndicatorTable:
    """Every indicator of the plan, grouped by area (in area order, the plan's
    order inside an area); groups numbered 1, 2, ... and lines 1.1, 1.2, ..."""
    by_area: dict[int, list[IndicatorResult]] = {}
    for ind in figures.indicators.values():
        by_area.setdefault(ind.area, []).append(ind)
    groups = []
    for number, area in enumerate(sorted(by_area), start=1):
        lines = tuple(indicator_line(f"{number}.{i}", ind) for i, ind in enumerate(by_area[area], start=1))
        groups.append(IndicatorGroup(title=f"{number}. {area_title(area)}", lines=lines))
    return IndicatorTable(groups=tuple(groups))


def dossier_line(stt: str, name: str, s: DossierStats) -> DossierLine:
    n = vi_format.number
    return DossierLine(
        stt=stt, name=name, total=n(s.total), online=n(s.online), direct_postal=n(s.direct + s.postal),
        carried_over=n(s.carried_over), resolved=n(s.resolved), early=n(s.early), on_time=n(s.on_time),
        late=n(s.late), pending=n(s.pending), pending_in_time=n(s.pending_in_time),
        pending_overdue=n(s.pending_overdue),
    )


def dossier_table(plan: Plan, figures: PeriodFigures) -> DossierTable:
    """One line per department of the plan (zeros when it had no dossiers), then
    any other department the figures hold, and the total line."""
    codes = list(plan.department_codes)
    codes += [c for c in figures.tthc_by_department if c not in codes]
    lines = tuple(
        dossier_line(str(i), department_name(plan, code), figures.tthc_by_department.get(code, DossierStats()))
        for i, code in enumerate(codes, start=1)
    )
    return DossierTable(lines=lines, total=dossier_line("", "Tổng cộng", figures.tthc))


def appendices(plan: Plan, figures: PeriodFigures, note: str) -> tuple[Appendix, ...]:
    """Phụ lục I and Phụ lục II, each with the same "(Kèm theo ...)" note."""
    out = []
    if figures.indicators:
        out.append(Appendix(label="Phụ lục I", title="KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CCHC", note=note,
                            table=indicator_table(figures)))
    label = "Phụ lục II" if out else "Phụ lục I"
    out.append(Appendix(label=label, title="TÌNH HÌNH GIẢI QUYẾT TTHC", note=note,
                        table=dossier_table(plan, figures), landscape=True))
    if len(out) == 1:
        out[0] = Appendix(label="Phụ lục", title=out[0].title, note=note, table=out[0].table, landscape=True)
    return tuple(out)
