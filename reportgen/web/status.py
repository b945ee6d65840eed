"""What the pages show about INPUTS: the year folders and their plans, the
workbooks under submissions/ (uploaded or copied by hand alike), each
department's state per period, and the problems of the current inputs.

Everything is read by the same code as `make report` (intake.read_submission,
aggregate.select_submissions, pipeline.prepare_report) and cached by file
(path, modification time, size), so a page does not re-read unchanged files.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..aggregate.submissions import select_submissions
from ..diagnostics import Diagnostics, InputError, Problem, ReportgenError
from ..intake import input_files
from ..intake.submissions import read_submission
from ..pipeline import load_year_plan, prepare_report
from ..plan import Plan
from ..records import Submission

STATE_SENT = "đã gửi"
STATE_LATE = "gửi muộn"
STATE_MISSING = "chưa gửi"
STATE_RESENT = "gửi lại"


def _stamp(path: Path):
    st = path.stat()
    return (st.st_mtime_ns, st.st_size)


@dataclass(frozen=True)
class FileRead:
    """One workbook of submissions/ as intake reads it."""

    path: Path
    rel: str  # "submissions/<name>", as intake names it
    submission: Submission | None
    errors: list[Problem]
    modified: dt.datetime  # local time the file was last written


@dataclass(frozen=True)
class DepartmentRow:
    code: str
    name: str
    state: str  # words: đã gửi / gửi muộn / chưa gửi / gửi lại (+ gửi muộn)
    counted: FileRead | None
    files: list[FileRead] = field(default_factory=list)  # every file of the period, oldest Ngày gửi first


class Inputs:
    """INPUTS as the pages see it; thread-safe caches."""

    def __init__(self, inputs: Path):
        self.root = Path(inputs)
        self._lock = threading.Lock()
        self._plans: dict[int, tuple[tuple, Plan]] = {}
        self._files: dict[tuple, FileRead] = {}
        self._reports: dict[tuple, tuple] = {}

    # ---------------------------------------------------------------- years

    def years(self) -> list[int]:
        if not self.root.is_dir():
            return []
        return sorted(int(p.name) for p in self.root.iterdir()
                      if p.name.isdigit() and (p / "plan.yaml").is_file())

    def folder(self, year: int) -> Path:
        return self.root / str(year)

    def plan(self, year: int) -> Plan:
        """The year's plan (cached until plan.yaml changes). Raises ReportgenError."""
        path = self.folder(year) / "plan.yaml"
        stamp = _stamp(path)
        with self._lock:
            cached = self._plans.get(year)
        if cached and cached[0] == stamp:
            return cached[1]
        plan = load_year_plan(self.folder(year), year)
        with self._lock:
            self._plans[year] = (stamp, plan)
        return plan

    # ---------------------------------------------------------- submissions

    def read(self, year: int, plan: Plan, path: Path) -> FileRead:
        folder = self.folder(year)
        key = (str(path), _stamp(path), id(plan))
        with self._lock:
            hit = self._files.get(key)
        if hit:
            return hit
        diag = Diagnostics()
        rel = path.relative_to(folder).as_posix()
        sub = read_submission(path, rel, plan, diag)
        modified = dt.datetime.fromtimestamp(path.stat().st_mtime).astimezone()
        got = FileRead(path, rel, sub, list(diag.errors), modified)
        with self._lock:
            self._files[key] = got
        return got

    def submissions(self, year: int, plan: Plan) -> list[FileRead]:
        """Every workbook under INPUTS/<year>/submissions/ (by name)."""
        paths, _ = input_files(self.folder(year))
        out = []
        for path in paths:
            try:
                out.append(self.read(year, plan, path))
            except FileNotFoundError:  # removed meanwhile
                continue
        return out

    def departments(self, year: int, plan: Plan, period: str, reads: list[FileRead] | None = None) -> list[DepartmentRow]:
        """Each department of the plan with its state for the period, by the
        rules of figures.md (the same function as the report). `reads`: the
        year's workbooks when the caller has them already."""
        reads = [r for r in (self.submissions(year, plan) if reads is None else reads) if r.submission is not None]
        by_file = {r.rel: r for r in reads}
        selection = select_submissions(plan, [r.submission for r in reads], period, year=year)
        status = selection.status
        counted = {s.department: by_file[s.file] for s in selection.counted}
        late = {s.department for s in status.late}
        resent = {s.department for s in status.superseded}
        rows = []
        for dept in plan.departments:
            files = sorted((r for r in reads if r.submission.department == dept.code
                            and (r.submission.year, r.submission.period) == (year, period)),
                           key=lambda r: (r.submission.sent_on, r.rel))
            if dept.code not in counted:
                state = STATE_MISSING
            else:  # "gửi lại" never hides whether the counted one is on time
                state = STATE_LATE if dept.code in late else STATE_SENT
                if dept.code in resent:
                    state += f" ({STATE_RESENT})"
            rows.append(DepartmentRow(dept.code, dept.name, state, counted.get(dept.code), files))
        return rows

    # --------------------------------------------------------- the report

    def _fingerprint(self, year: int) -> tuple:
        parts = []
        for y in (year, year - 1):
            folder = self.folder(y)
            if (folder / "plan.yaml").is_file():
                parts.append(("plan", y, _stamp(folder / "plan.yaml")))
            for sub in ("submissions", "tthc"):
                if (folder / sub).is_dir():
                    for p in sorted((folder / sub).iterdir()):
                        if p.is_file():
                            parts.append((y, sub, p.name, _stamp(p)))
        return tuple(parts)

    def problems(self, year: int, period: str) -> tuple[list[Problem], list[Problem]]:
        """(errors, warnings) of the current inputs for a period, as `make
        report` would find them (cached until an input file changes)."""
        key = (year, period)
        fingerprint = self._fingerprint(year)
        with self._lock:
            cached = self._reports.get(key)
        if cached and cached[0] == fingerprint:
            return cached[1]
        try:
            _plan, report = prepare_report(self.root, period, year)
            result = ([], list(report.warnings))
        except InputError as exc:
            result = (list(exc.problems), [])
        except ReportgenError as exc:
            result = ([Problem(m) for m in exc.messages()], [])
        with self._lock:
            self._reports[key] = (fingerprint, result)
        return result
