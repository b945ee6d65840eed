"""Checking an uploaded file and keeping it when it passes.

The checks are intake's own (`read_submission`, `read_dossiers`,
`check_resubmissions`): the page refuses exactly what `make report` would stop
on. On top of them, what only the page knows: the link's department must be the
workbook's `Đơn vị`, the workbook's year the page's year, and a workbook must not
have the same Ngày gửi as one already kept for its department and period (make
report would stop on the pair).

The upload is checked in a private temporary folder; only a file that passes is
stored (store.py), and then its register entry is committed.
"""

from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath

from ..diagnostics import Diagnostics, Location, Problem
from ..digest import sha256_bytes
from ..intake import input_files
from ..intake.dossiers import read_dossiers
from ..intake.submissions import INFO, check_resubmissions, read_submission
from ..intake.values import header_key
from ..periods import PERIOD_NAME
from ..plan import Plan
from ..records import Submission
from ..text_controls import visible
from .register import OFFICE, Link, Register
from .status import Inputs
from .store import SUBMISSIONS, TTHC, store, stored_name

MAX_BYTES = 20 * 1024 * 1024
_STORE_LOCK = threading.Lock()
MAX_MB = 20
SUBMISSION_SUFFIXES = (".xlsx",)
LOG_SUFFIXES = (".xlsx", ".xls", ".csv")


@dataclass
class Outcome:
    """What happened to one upload, for the page."""

    accepted: bool
    name: str  # as uploaded (display only)
    kind: str = SUBMISSIONS
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    message: str = ""  # one sentence in Vietnamese
    stored: Path | None = None  # where it was kept
    stored_as: str | None = None  # the same, relative to INPUTS/<year>/
    submission: Submission | None = None


def display_name(filename: str | None) -> str:
    """The base name of what the browser sent (never used as a path)."""
    name = PureWindowsPath(PurePosixPath(filename or "").name).name.strip()
    return visible(name)[:200] or "(không có tên)"  # a bidi or control character written out


def _suffix(name: str) -> str:
    return PurePosixPath(name.lower()).suffix


def _is_submission_workbook(path: Path) -> bool:
    """An .xlsx with a `Thông tin` sheet is a department workbook; any other
    .xlsx (or one that does not open) is taken for what its sheets say."""
    from python_calamine import CalamineWorkbook

    try:
        names = CalamineWorkbook.from_path(str(path)).sheet_names
    except Exception:
        return True  # read_submission says what the file is
    return any(header_key(n) == header_key(INFO) for n in names)


def refuse_size(name: str) -> Outcome:
    return Outcome(False, name, message=f"Tệp lớn hơn {MAX_MB} MB: bị từ chối, không được lưu. "
                                        f"Chỉ nhận tệp đến {MAX_MB} MB.")


def check_and_store(inputs: Inputs, register: Register, link: Link, year: int, plan: Plan,
                    filename: str | None, data: bytes) -> Outcome:
    name = display_name(filename)
    suffix = _suffix(name)
    office = link.role == OFFICE
    allowed = LOG_SUFFIXES if office else SUBMISSION_SUFFIXES
    if not data:
        return Outcome(False, name, message="Chưa chọn tệp, hoặc tệp rỗng: không có gì được lưu.")
    if len(data) > MAX_BYTES:
        outcome = refuse_size(name)
    elif suffix not in allowed:
        outcome = Outcome(False, name, message=(
            f"Tệp «{name}» không phải tệp {' hoặc '.join(allowed)}: bị từ chối, không được lưu. "
            "Mở tệp bằng Excel và lưu lại dạng .xlsx (Excel Workbook) rồi gửi lại."))
    else:
        with tempfile.TemporaryDirectory(prefix="reportgen-upload-") as tmp:
            staged = Path(tmp) / f"tep{suffix}"
            staged.write_bytes(data)
            if suffix == ".xlsx" and (not office or _is_submission_workbook(staged)):
                outcome = _submission(inputs, link, year, plan, name, staged, data)
            else:
                outcome = _dossier_log(inputs, year, plan, name, staged, data)
    _record(register, link, year, outcome, data)
    return outcome


def _record(register: Register, link: Link, year: int, outcome: Outcome, data: bytes) -> None:
    sub = outcome.submission
    reasons = [p.format_vi() for p in outcome.errors] or ([outcome.message] if not outcome.accepted else [])
    register.record(
        link=link, year=year, kind=outcome.kind, original_name=outcome.name, size=len(data),
        sha256=sha256_bytes(data), accepted=outcome.accepted,
        stored_as=outcome.stored_as,
        department=sub.department if sub else None, period=sub.period if sub else None,
        sent_on=sub.sent_on if sub else None, reasons=reasons)


def _submission(inputs: Inputs, link: Link, year: int, plan: Plan, name: str, staged: Path, data: bytes) -> Outcome:
    rel = f"{SUBMISSIONS}/{name}"
    diag = Diagnostics()
    sub = read_submission(staged, rel, plan, diag)
    if sub is not None:
        # every link sends only its own department's workbooks (the Văn phòng's: VP's)
        own = plan.department(link.account)
        if own is None:
            diag.error("đường dẫn của Văn phòng chỉ nhận danh sách hồ sơ TTHC: kế hoạch không có phòng, đơn vị mã "
                       f"{link.account}; báo cáo của phòng, đơn vị gửi qua đường dẫn của phòng đó (hoặc chép vào "
                       "thư mục submissions/)", Location(rel, INFO, column="Đơn vị"), found=sub.department,
                       code="other_department")
        elif sub.department != link.account:
            other = plan.department(sub.department)
            diag.error(
                f"tệp là báo cáo của {other.name if other else sub.department} ({sub.department}), không phải của "
                f"{own.name} ({link.account}); mỗi phòng, đơn vị chỉ gửi báo cáo của mình qua đường dẫn của mình "
                "(Văn phòng nhận qua thư điện tử thì chép vào thư mục submissions/)",
                Location(rel, INFO, column="Đơn vị"), found=sub.department, expected=link.account,
                code="other_department")
        if sub.year != year:
            diag.error(f"tệp là báo cáo năm {sub.year}, trang này nhận báo cáo năm {year}",
                       Location(rel, INFO, column="Năm"), found=str(sub.year), expected=str(year), code="other_year")
    outcome = Outcome(False, name, SUBMISSIONS)
    # the check against the kept workbooks and the store are one step: two
    # uploads with the same Ngày gửi at once cannot both pass
    with _STORE_LOCK:
        kept = []
        if sub is not None and not diag.errors:
            kept = [r.submission for r in inputs.submissions(year, plan)
                    if r.submission is not None and (r.submission.department, r.submission.year, r.submission.period)
                    == (sub.department, sub.year, sub.period)]
            check_resubmissions([*kept, sub], diag)
        outcome.errors, outcome.warnings = list(diag.errors), list(diag.warnings)
        if diag.errors or sub is None:
            outcome.message = (f"Tệp «{name}» có {len(diag.errors)} lỗi: bị từ chối, không được lưu. "
                               "Sửa các lỗi trong bảng dưới đây rồi gửi lại.")
            return outcome
        target = stored_name(SUBMISSIONS, ".xlsx", department=sub.department, period=sub.period, year=sub.year)
        outcome.stored = store(inputs.folder(year) / SUBMISSIONS, target, data)
    outcome.accepted = True
    outcome.submission = sub
    outcome.stored_as = f"{SUBMISSIONS}/{target}"
    dept = plan.department(sub.department)
    outcome.message = (f"Đã nhận và lưu tệp «{name}»: báo cáo {PERIOD_NAME.get(sub.period, sub.period)} năm "
                       f"{sub.year} của {dept.name if dept else sub.department}, Ngày gửi {sub.sent_on:%d/%m/%Y}. "
                       "Tệp hợp lệ.")
    later = [k for k in kept if k.sent_on > sub.sent_on]
    if later:
        newest = max(k.sent_on for k in later)
        outcome.message += (f" Lưu ý: tệp này không được tính vào báo cáo vì đã có bản Ngày gửi {newest:%d/%m/%Y} "
                            "(sau tệp này); muốn thay thì ghi Ngày gửi mới hơn rồi gửi lại.")
    return outcome


def _dossier_log(inputs: Inputs, year: int, plan: Plan, name: str, staged: Path, data: bytes) -> Outcome:
    rel = f"{TTHC}/{name}"
    diag = Diagnostics()
    read_dossiers([(staged, rel)], plan, diag)
    errors = list(diag.errors)
    with _STORE_LOCK:
        return _dossier_log_locked(inputs, year, plan, name, staged, data, rel, diag, errors)


def _dossier_log_locked(inputs, year, plan, name, staged, data, rel, diag, errors) -> Outcome:
    if not errors:
        # with the logs already kept: a Mã hồ sơ kept with other content would stop the report
        _, existing = input_files(inputs.folder(year))
        pairs = [(p, p.relative_to(inputs.folder(year)).as_posix()) for p in existing]
        together = Diagnostics()
        read_dossiers([*pairs, (staged, rel)], plan, together)
        if together.errors:
            before = Diagnostics()
            read_dossiers(pairs, plan, before)
            old = {p.format_vi() for p in before.errors}
            errors = [p for p in together.errors if p.format_vi() not in old]
    outcome = Outcome(False, name, TTHC, errors, list(diag.warnings))
    if errors:
        outcome.message = (f"Tệp «{name}» có {len(errors)} lỗi: bị từ chối, không được lưu. "
                           "Sửa các lỗi trong bảng dưới đây rồi gửi lại.")
        return outcome
    target = stored_name(TTHC, _suffix(name))
    outcome.stored = store(inputs.folder(year) / TTHC, target, data)
    outcome.stored_as = f"{TTHC}/{target}"
    outcome.accepted = True
    outcome.message = f"Đã nhận và lưu danh sách hồ sơ TTHC «{name}». Tệp hợp lệ."
    return outcome
