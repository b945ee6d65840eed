"""The review page's part about the dossier logs (dossier-exports.md): how each
file was understood, so a clerk can see it was read right, and the withdrawn
dossiers per department.

`build_log_review(plan, report)` gives a `LogReview` that the partial
`templates/kiem-tra-logs.html.j2` shows (included by `kiem-tra.html.j2`).
Everything comes from `report.log_readings` (records.LogReading, from intake)
and the figures; nothing is recomputed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import vi_format
from ..figures import PeriodReport
from ..plan import Plan
from ..text_controls import file_name

PARTIAL = "kiem-tra-logs.html.j2"


@dataclass
class LogFile:
    name: str
    kind: str
    where: str  # "trang «Hồ sơ», dòng tiêu đề 5"
    rows: str  # formatted count
    columns: list[tuple[str, str, bool]] = field(default_factory=list)  # contract name, header, named otherwise
    spellings: list[tuple[str, str, str]] = field(default_factory=list)
    statuses: list[tuple[str, str, str]] = field(default_factory=list)  # as written, how it counts, count
    has_status: bool = False


@dataclass
class LogReview:
    has_status: bool
    withdrawn_total: str
    withdrawn: list[tuple[str, str, str]] = field(default_factory=list)  # code, name, count (worst first)
    files: list[LogFile] = field(default_factory=list)


def build_log_review(plan: Plan, report: PeriodReport) -> LogReview:
    cur = report.figures.current
    names = {d.code: d.name for d in plan.departments}
    readings = list(report.log_readings)
    withdrawn = sorted(((code, s.withdrawn) for code, s in cur.tthc_by_department.items() if s.withdrawn),
                       key=lambda item: (-item[1], list(names).index(item[0]) if item[0] in names else 0))
    review = LogReview(
        has_status=any(r.has_status for r in readings),
        withdrawn_total=vi_format.number(cur.tthc.withdrawn),
        withdrawn=[(code, names.get(code, code), vi_format.number(n)) for code, n in withdrawn],
    )
    for r in readings:
        where = (f"trang «{r.sheet}», " if r.sheet else "") + f"dòng tiêu đề {r.header_row}"
        review.files.append(LogFile(
            name=file_name(r.file), kind=r.kind, where=where, rows=vi_format.number(r.rows),
            columns=[(name, header, _differs(name, header)) for name, header in r.columns],
            spellings=list(r.spellings),
            statuses=[(text, kind, vi_format.number(n)) for text, kind, n in r.statuses],
            has_status=r.has_status,
        ))
    return review


def _differs(name: str, header: str) -> bool:
    return " ".join(name.casefold().split()) != " ".join(header.casefold().rstrip(":").split())
