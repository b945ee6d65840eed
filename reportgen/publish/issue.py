"""The life of a report: draft -> reviewed -> issued -> archived, in one place.

1. draft     `make report` writes BC-CCHC-<year>-<period>.docx and, beside it,
             its record (draft_record: the numbers it wrote with the figures
             behind them, the SHA-256 of every input read).
2. reviewed  the Văn phòng and the leaders edit the .docx in Word or LibreOffice;
             `make check` (`check`) compares it with its record and with what
             the data gives now (publish.check) and says what changed.
3. issued    `make archive` (`issue`): the reviewed draft (DRAFT=, else the one
             in OUTPUTS) gets its number and date (docx_edit), is refused when
             its inputs changed since it was made (unless the clerk says to issue
             it as it is), and LibreOffice makes the PDF/A from it (office);
             an optional `signer` signs the PDF; with no draft at all, the report
             is rendered from the data, and the run says so.
4. archived  archive.archive_issue stores the files and the register entry
             (hand changes, the draft, the staleness decision, signatures).

The pipeline (or the CLI) runs intake, aggregation, compose and render and hands
this module what the data gives now (`Fresh`); nothing here imports upward.

Signing hook: `signer(pdf_bytes) -> (signed_pdf_bytes, [signature records])` is
called exactly once, in `_sign`, between "the PDF/A bytes are made" and "the
files are stored"; its records go into the manifest entry as `signatures`.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from .. import console
from .. import vi_format
from ..diagnostics import UsageError
from ..digest import sha256_bytes
from ..periods import report_name, subject_phrase
from . import archive, office
from .archive import ArchiveError, ArchiveRefused
from .check import DraftCheck, check_draft, report_lines
from .docx_edit import DraftElementMissing, fill_number_and_date
from .draft_record import SUFFIX, RecordUnreadable, read_record, record_name
from .draft_text import DraftUnreadable

Signer = Callable[[bytes], tuple[bytes, list]]


@dataclass(frozen=True)
class Fresh:
    """What the data gives now, handed in by the pipeline."""

    plan: Any  # plan.Plan
    report: Any  # figures.PeriodReport
    doc: Any  # compose.model.Document of the draft (no number, no day)
    docx: bytes  # that draft rendered (.docx)
    figures_json: bytes  # figures.json of the report
    render_issued: Callable[[int, dt.date], bytes]  # the issued .docx rendered from the data

    @property
    def year(self) -> int:
        return self.report.figures.current.year

    @property
    def period(self) -> str:
        return self.report.figures.current.period


# ------------------------------------------------------------------ finding the draft


def default_draft(outputs: Path, year: int, period: str) -> Path:
    return Path(outputs) / str(year) / period / f"{report_name(year, period)}.docx"


def find_draft(outputs: Path, year: int, period: str, draft: Optional[Path]) -> Optional[Path]:
    """DRAFT when given (it must exist), else the draft in OUTPUTS, else None."""
    if draft is not None:
        draft = Path(draft)
        if not draft.is_file():
            raise UsageError(f"Không tìm thấy tệp dự thảo «{draft}» (DRAFT=...). Kiểm tra lại đường dẫn.")
        if draft.suffix.lower() != ".docx":
            raise UsageError(f"Tệp dự thảo «{draft}» không phải tệp Word .docx. Lưu dự thảo dạng .docx rồi chạy lại.")
        return draft
    path = default_draft(outputs, year, period)
    return path if path.is_file() else None


def find_record(draft: Path, outputs: Path, year: int, period: str) -> Optional[dict]:
    """The draft's record: beside the draft (`<name>.draft.json`), else the one
    `make report` wrote in OUTPUTS for this report. None when there is none. A
    draft whose own record names another report is refused: it is not this one."""
    beside = draft.with_name(draft.stem + SUFFIX)
    default = Path(outputs) / str(year) / period / record_name(year, period)
    for path in dict.fromkeys([beside, default]):
        if path.is_file():
            try:
                record = read_record(path)
            except RecordUnreadable as exc:
                raise UsageError(f"{exc} Chạy lại «make report» để tạo lại dự thảo và bản ghi.") from None
            if record["year"] == year and record["period"] == period:
                return record
            if path == beside:
                raise UsageError(
                    f"Dự thảo «{draft}» là báo cáo {subject_phrase(record['period'], record['year'])} (theo bản ghi "
                    f"«{path.name}»), không phải báo cáo {subject_phrase(period, year)}. Kiểm tra lại DRAFT, PERIOD, YEAR."
                )
    return None


def _read_draft(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"Không đọc được tệp dự thảo «{path}» ({exc.strerror or exc}).") from None


def _check(path: Path, data: bytes, record: Optional[dict], fresh: Fresh) -> DraftCheck:
    try:
        return check_draft(
            data, str(path), record, fresh_docx=fresh.docx, fresh_figures=json.loads(fresh.figures_json),
            fresh_inputs=fresh.report.inputs, doc=fresh.doc, agency_code=fresh.plan.organization.code,
        )
    except DraftUnreadable as exc:
        raise UsageError(
            f"Không đọc được tệp dự thảo «{path}»: không phải tệp Word .docx hợp lệ ({exc}). "
            "Mở tệp bằng Word hoặc LibreOffice Writer, lưu lại dạng .docx rồi chạy lại."
        ) from None


def edited_draft_copy(folder: Path, year: int, period: str) -> dict[str, bytes]:
    """1. draft, made again: when the draft in `folder` was edited since `make
    report` wrote it (its SHA-256 is not its record's), the edited file under a
    free name '<report>-ban-da-sua-<n>.docx', to be written with the new draft:
    running `make report` again must not lose the clerk's work."""
    name = report_name(year, period)
    draft, sidecar = Path(folder) / f"{name}.docx", Path(folder) / record_name(year, period)
    if not draft.is_file() or not sidecar.is_file():
        return {}
    data = draft.read_bytes()
    try:
        if read_record(sidecar).get("docx_sha256") == sha256_bytes(data):
            return {}
    except RecordUnreadable:
        pass
    n = 1
    while (Path(folder) / f"{name}-ban-da-sua-{n}.docx").exists():
        n += 1
    return {f"{name}-ban-da-sua-{n}.docx": data}


# ------------------------------------------------------------------ 2. reviewed: make check


def check(outputs: Path, fresh: Fresh, *, draft: Optional[Path] = None) -> DraftCheck:
    """`make check`: print what the clerk must know about the edited draft.
    Raises UsageError (exit 2) when the draft is missing or unreadable or an
    element the văn thư needs is missing; otherwise warnings only."""
    path = find_draft(outputs, fresh.year, fresh.period, draft)
    if path is None:
        raise UsageError(
            f"Chưa có dự thảo «{default_draft(outputs, fresh.year, fresh.period)}». Chạy «make report "
            f"PERIOD={fresh.period}» để tạo dự thảo, hoặc chỉ tệp đã sửa bằng DRAFT=đường/dẫn/tệp.docx."
        )
    result = _check(path, _read_draft(path), find_record(path, outputs, fresh.year, fresh.period), fresh)
    print(f"Kiểm tra dự thảo «{path}»:")
    for title, lines in report_lines(result):
        console.print_lines(lines, title=f"{title}:")
    if result.errors:
        raise UsageError(f"Dự thảo «{path}» thiếu: " + "; ".join(result.errors))
    return result


# ------------------------------------------------------------------ 3. issued, 4. archived


def _sign(pdf: bytes, signer: Optional[Signer]) -> tuple[bytes, list]:
    """The one place where the issued PDF is signed (see the module's docstring)."""
    if signer is None:
        return pdf, []
    signed, records = signer(pdf)
    return signed, list(records)


def _stale_message(result: DraftCheck, period: str, draft: Path) -> str:
    lines = result.inputs_lines()
    files = len(result.changed_inputs)
    limit = files + 8
    shown = lines[:limit] + ([f"… và {len(lines) - limit} thay đổi khác (xem đủ bằng «make check PERIOD={period}»)."]
                             if len(lines) > limit else [])
    return (
        f"Dự thảo «{draft}» được tạo từ dữ liệu đầu vào đã thay đổi sau đó: " + " ".join(shown) + " "
        f"Cách làm tiếp: chạy lại «make report PERIOD={period}» để tạo dự thảo mới từ dữ liệu hiện nay (rồi sửa "
        f"lại nội dung đã sửa trong dự thảo cũ), hoặc nếu người ký quyết định ban hành dự thảo như hiện có, thêm "
        "ALLOW_CHANGED_INPUTS=1 (reportgen archive --allow-changed-inputs): sổ lưu trữ sẽ ghi lại quyết định đó. "
        "Không có tệp nào được ghi."
    )


def issue(
    outputs: Path,
    inputs: Path,
    fresh: Fresh,
    *,
    number: int,
    date: dt.date,
    draft: Optional[Path] = None,
    allow_changed_inputs: bool = False,
    signer: Optional[Signer] = None,
    now: Callable[[], dt.datetime] | None = None,
) -> list[Path]:
    """`make archive`: issue the reviewed draft as number/date and archive it."""
    now = now or (lambda: dt.datetime.now(dt.timezone.utc))
    plan, year, period = fresh.plan, fresh.year, fresh.period
    window = plan.periods.get(period)
    archive.check_date(window.end if window else None, date, year, period, now().astimezone().date())
    sym = archive.symbol(number, plan.organization.code)
    archive.precheck(outputs, number=number, date=date, year=year, period=period, sym=sym)
    archive.late_data_warning([(s.department, s.sent_on) for s in fresh.report.submissions], date)
    office.find_soffice()  # a clear error before any work when LibreOffice is missing

    path = find_draft(outputs, year, period, draft)
    extra: dict[str, Any] = {}
    if path is None:
        print(f"Không có dự thảo «{default_draft(outputs, year, period)}»: văn bản phát hành được tạo từ dữ liệu "
              "(chưa qua xem xét, sửa chữa). Nếu đã có bản dự thảo đã sửa, chỉ tệp đó bằng DRAFT=...")
        docx = fresh.render_issued(number, date)
        figures_json, inputs_used = fresh.figures_json, fresh.report.inputs
        extra["draft"] = {"source": "rendered_from_data"}
    else:
        data = _read_draft(path)
        record = find_record(path, outputs, year, period)
        result = _check(path, data, record, fresh)
        if result.errors:
            raise ArchiveRefused(
                f"Dự thảo «{path}» không phát hành được: thiếu " + "; ".join(result.errors)
                + " Sửa dự thảo rồi chạy lại. Không có tệp nào được ghi."
            )
        stale = bool(record) and bool(result.changed_inputs)
        if stale and not allow_changed_inputs:
            raise ArchiveRefused(_stale_message(result, period, path))
        if record is None:
            print(f"Không tìm thấy bản ghi của dự thảo «{path}» ({Path(path).stem}{SUFFIX}): không kiểm tra được dữ "
                  "liệu đầu vào có thay đổi sau khi tạo dự thảo hay không; số liệu được so với dữ liệu hiện nay.",
                  file=sys.stderr)
        if result.hand:
            console.print_lines([d.describe() for d in result.hand],
                                title=f"Số liệu sửa tay trong dự thảo ({len(result.hand)}), phát hành theo quyết "
                                      "định của người ký, ghi vào sổ lưu trữ:")
        if stale:
            console.print_lines(result.inputs_lines(), title="Phát hành dự thảo dù dữ liệu đầu vào đã thay đổi "
                                                             "(ALLOW_CHANGED_INPUTS), ghi vào sổ lưu trữ:")
        try:
            docx, edits = fill_number_and_date(data, type_code="BC", agency_code=plan.organization.code,
                                               number=number, date=date)
        except DraftElementMissing as exc:  # check_elements already refuses this; kept for safety
            raise ArchiveRefused(f"Dự thảo «{path}» thiếu {exc}: không ghi được số và ngày.") from None
        if record is not None:
            figures_json = (json.dumps(record["figures"], ensure_ascii=False, indent=2) + "\n").encode("utf-8")
            inputs_used = record["inputs"]
        else:
            figures_json, inputs_used = fresh.figures_json, fresh.report.inputs
        extra["draft"] = {"source": "reviewed_draft", "file": str(path), "sha256": sha256_bytes(data),
                          "record": record is not None}
        extra["hand_changes"] = [d.as_json() for d in result.hand]
        if stale:
            extra["issued_with_changed_inputs"] = True
            extra["inputs_changed_since_draft"] = result.inputs_changed
            extra["figures_changed_since_draft"] = [
                {"figure": k, "draft": a, "now": b} for k, a, b in result.figures_changed]

    meta = fresh.doc.meta
    pdf = office.docx_to_pdfa(docx)
    pdf = office.finish_pdfa(pdf, title=meta.title, author=meta.author, subject=meta.subject,
                             keywords=", ".join(meta.keywords), language=meta.language,
                             attachments={"figures.json": figures_json})
    pdf, signatures = _sign(pdf, signer)
    if signatures:
        extra["signatures"] = signatures

    changed = archive.changed_inputs(inputs, fresh.report.inputs)
    if changed:
        raise ArchiveError(
            f"Dữ liệu đầu vào đã thay đổi trong khi phát hành: {', '.join(changed)}. "
            "Không lưu trữ; chạy lại khi không còn ai sửa tệp đầu vào."
        )
    name = report_name(year, period)
    files = {f"{name}.docx": docx, f"{name}.pdf": pdf, "figures.json": figures_json}
    written = archive.archive_issue(outputs, number=number, date=date, year=year, period=period, sym=sym,
                                    files=files, inputs=inputs_used, extra=extra, now=now)
    print(f"Đã phát hành: Báo cáo số {sym} ngày {vi_format.date(date)}, {subject_phrase(period, year)}.")
    return written
