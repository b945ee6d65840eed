"""The archive of issued reports (`make archive`, `make verify-archive`).

`run_archive` renders the issued report (number and date filled in) and stores
it under OUTPUTS/archive/<year of DATE>/:

    045-BC-CCHC-2024-6m.docx           the report as issued
    045-BC-CCHC-2024-6m.pdf            the same, PDF/A
    045-BC-CCHC-2024-6m-figures.json   every figure behind it
    manifest.json                      the register of that calendar year

File names start with the number (three digits, so they sort in issue order),
then the report's name (year and period reported). manifest.json:

    {"format": 1, "year": 2024, "issues": [
      {"number": 45, "symbol": "45/BC-KCN", "date": "2024-06-12",
       "year_reported": 2024, "period": "6m", "title": "Báo cáo kết quả ...",
       "issued_at": "2024-06-12T08:30:00+00:00",
       "files": {"045-BC-CCHC-2024-6m.docx": "<sha256>", ...},
       "inputs": {"2024/plan.yaml": "<sha256>", "2024/submissions/VP.xlsx": ...}}]}

`inputs` holds every input file the figures were computed from (plan.yaml,
workbooks and dossier logs of INPUTS/<year>/, and of INPUTS/<year-1>/ when the
comparisons with last year came from it), by path relative to INPUTS, as intake
hashed them while reading. They are checked again after rendering; a file changed
meanwhile stops the issue.

Rules (a văn thư's):
- Numbers restart each calendar year: a number already in the register of the
  year of DATE is refused. The same report (year reported, period) issued before,
  in any year's register, is refused. Both messages name the earlier issue.
- DATE before the end of the period's data window is refused: the report cannot
  hold figures that do not exist yet. Accepted, with a warning on stderr: a DATE
  after today; a DATE before the Ngày gửi of a submission the report counts; a
  number out of order with the dates already in the register.
- Archived files are never overwritten: each is written to a temporary file,
  then hard-linked to its final name (which fails if the name exists); the
  register is replaced atomically (temp + rename) only after every file is in
  place. On any failure the files of this issue are removed again: the archive is
  left byte for byte as it was. Archive runs and verify take the lock of
  OUTPUTS/archive (publish.files.folder_lock).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import sys
from pathlib import Path
from typing import Callable

from .. import console, pipeline
from ..compose import vi_format
from ..diagnostics import ReportgenError, UsageError
from ..digest import sha256_bytes, sha256_file
from ..periods import PERIOD_NAME, report_name, subject_phrase
from .files import (
    LOCK_NAME,
    TMP_SUFFIX,
    fsync_dir,
    folder_lock,
    make_dirs,
    remove_dirs,
    remove_stale_temps,
    write_temp,
)

ARCHIVE = "archive"
MANIFEST = "manifest.json"
FORMAT = 1
_ENTRY_KEYS = {"number", "symbol", "date", "year_reported", "period", "files", "inputs", "issued_at"}


class ArchiveRefused(UsageError):
    """The issue would break the register: nothing was written."""


class ArchiveError(ReportgenError):
    """The archive could not be written or read; nothing was changed."""


# ------------------------------------------------------------------ names


def archive_stem(number: int, year: int, period: str) -> str:
    """'045-BC-CCHC-2024-6m'."""
    return f"{number:03d}-{report_name(year, period)}"


def symbol(number: int, agency_code: str) -> str:
    """'45/BC-KCN', '07/BC-KCN' (the decree's leading zero below 10)."""
    return vi_format.document_number("BC", agency_code, number).removeprefix("Số:").strip()


def _archived_files(files: dict[str, bytes], year: int, period: str, stem: str) -> dict[str, bytes]:
    """The issued .docx, PDF and figures.json of a run, under their archive names."""
    report = report_name(year, period)
    wanted = {f"{report}.docx": f"{stem}.docx", f"{report}.pdf": f"{stem}.pdf", "figures.json": f"{stem}-figures.json"}
    missing = [name for name in wanted if name not in files]
    if missing:
        raise ArchiveError(f"Bước xuất tệp không tạo ra {', '.join(missing)}: không lưu trữ được.")
    return {archived: files[name] for name, archived in wanted.items()}


# ------------------------------------------------------------------ hashing


def changed_inputs(inputs: Path, hashes: dict[str, str]) -> list[str]:
    """The input files (relative to INPUTS) whose content is no longer what the
    figures were computed from: changed or removed since they were read."""
    changed = []
    for rel, digest in hashes.items():
        try:
            same = sha256_file(Path(inputs) / rel) == digest
        except OSError:
            same = False
        if not same:
            changed.append(rel)
    return changed


# ------------------------------------------------------------------ register


def _read_manifest(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("issues"), list):
            raise ValueError("thiếu danh sách «issues»")
        for i, entry in enumerate(data["issues"], 1):
            if not isinstance(entry, dict) or not _ENTRY_KEYS <= entry.keys() or not isinstance(entry["files"], dict):
                raise ValueError(f"mục thứ {i} thiếu một trong các khóa {', '.join(sorted(_ENTRY_KEYS))}")
            dt.date.fromisoformat(entry["date"])
        return data
    except (OSError, ValueError, TypeError) as exc:
        raise ArchiveError(
            f"Sổ lưu trữ «{path}» không đọc được ({exc}). Không ghi gì thêm vào lưu trữ; "
            "chạy «make verify-archive» và khôi phục tệp này từ bản sao lưu."
        ) from None


def _registers(root: Path) -> dict[Path, dict]:
    """Every year's manifest under OUTPUTS/archive, by folder."""
    if not root.is_dir():
        return {}
    return {
        path.parent: _read_manifest(path)
        for path in sorted(root.glob(f"*/{MANIFEST}"))
    }


def _describe(entry: dict) -> str:
    date = dt.date.fromisoformat(entry["date"])
    return (
        f"số {entry['symbol']} ngày {vi_format.date(date)} "
        f"(báo cáo {PERIOD_NAME.get(entry['period'], entry['period'])} năm {entry['year_reported']}, "
        f"tệp {', '.join(entry['files'])})"
    )


def _check_register(registers: dict[Path, dict], root: Path, number: int, date: dt.date, year: int, period: str, sym: str) -> None:
    problems = []
    this_year = registers.get(root / str(date.year), {"issues": []})
    for entry in this_year["issues"]:
        if entry["number"] == number:
            problems.append(
                f"Số {sym} đã được dùng trong năm {date.year}: {_describe(entry)}. Số văn bản bắt đầu lại "
                f"từ 01 mỗi năm và không được cấp hai lần trong một năm; chọn số tiếp theo trong sổ đăng ký văn bản."
            )
    for folder, register in registers.items():
        for entry in register["issues"]:
            if entry["year_reported"] == year and entry["period"] == period:
                problems.append(
                    f"Báo cáo CCHC {subject_phrase(period, year)} đã được ban hành và lưu trữ: {_describe(entry)}, "
                    f"trong «{folder}». Mỗi báo cáo chỉ lưu trữ một lần; tệp đã lưu trữ không được ghi đè. "
                    "Nếu cần sửa, ban hành văn bản sửa đổi, thay thế theo quy định."
                )
    if problems:
        raise ArchiveRefused(" ".join(problems) + " Lưu trữ giữ nguyên, không có tệp nào được ghi.")


def _warn(message: str) -> None:
    print(f"CẢNH BÁO: {message}", file=sys.stderr)


def _order_warnings(register: dict, number: int, date: dt.date) -> None:
    for entry in register["issues"]:
        other = dt.date.fromisoformat(entry["date"])
        if (entry["number"] < number and other > date) or (entry["number"] > number and other < date):
            _warn(
                f"số {number} ngày {vi_format.date(date)} không theo thứ tự với văn bản đã lưu trữ "
                f"{_describe(entry)}. Kiểm tra lại với sổ đăng ký văn bản đi."
            )


# ------------------------------------------------------------------ issue


def run_archive(
    inputs: Path,
    outputs: Path,
    period: str,
    year: int | None = None,
    *,
    number: int,
    date: dt.date,
    prepare: Callable | None = None,
    render: Callable | None = None,
    now: Callable[[], dt.datetime] | None = None,
) -> list[Path]:
    """`make archive`: issue the report of (year, period) as number/date and
    archive it. Returns the paths written (the files, then the manifest).

    `prepare(inputs, period, year) -> (plan, report)` and
    `render(plan, report, issue) -> {name: bytes}` default to the pipeline's.
    """
    prepare = prepare or pipeline.prepare_report
    render = render or pipeline.render_report_files
    now = now or (lambda: dt.datetime.now(dt.timezone.utc))
    if number < 1:
        raise UsageError(f"Số văn bản «{number}» không hợp lệ. Cần một số nguyên dương, ví dụ NUMBER=45.")
    year, folder = pipeline.year_folder(inputs, year)
    plan = pipeline.load_year_plan(folder, year)
    window = plan.periods.get(period)
    if window is not None and date < window.end:
        raise ArchiveRefused(
            f"Ngày ban hành {vi_format.date(date)} trước ngày chốt số liệu của kỳ {subject_phrase(period, year)} "
            f"({vi_format.date(window.end)}): báo cáo chưa thể có đủ số liệu của kỳ. "
            "Kiểm tra lại DATE (dạng YYYY-MM-DD, ví dụ DATE=2024-06-12). Không có tệp nào được ghi."
        )
    if date > now().astimezone().date():
        _warn(f"ngày ban hành {vi_format.date(date)} ở sau ngày hôm nay. Kiểm tra lại DATE.")
    sym = symbol(number, plan.organization.code)
    root = Path(outputs) / ARCHIVE
    target = root / str(date.year)
    created: list[Path] = []
    try:
        make_dirs(root, created)
        with folder_lock(root):
            registers = _registers(root)
            _check_register(registers, root, number, date, year, period, sym)
            register = registers.get(target, {"format": FORMAT, "year": date.year, "issues": []})
            _order_warnings(register, number, date)
            plan, report = prepare(inputs, period, year)
            late_data = [s for s in report.submissions if s.sent_on > date]
            if late_data:
                _warn(
                    f"ngày ban hành {vi_format.date(date)} trước ngày gửi của "
                    + ", ".join(f"{s.department} ({vi_format.date(s.sent_on)})" for s in late_data)
                    + ": báo cáo dùng số liệu gửi sau ngày ban hành."
                )
            stem = archive_stem(number, year, period)
            files = _archived_files(render(plan, report, pipeline.Issue(number, date)), year, period, stem)
            changed = changed_inputs(inputs, report.inputs)
            if changed:
                raise ArchiveError(
                    f"Dữ liệu đầu vào đã thay đổi trong khi phát hành: {', '.join(changed)}. "
                    "Không lưu trữ; chạy lại khi không còn ai sửa tệp đầu vào."
                )
            entry = {
                "number": number,
                "symbol": sym,
                "date": date.isoformat(),
                "year_reported": year,
                "period": period,
                "title": f"Báo cáo kết quả thực hiện công tác cải cách hành chính {subject_phrase(period, year)}",
                "issued_at": now().astimezone(dt.timezone.utc).isoformat(timespec="seconds"),
                "files": {name: sha256_bytes(data) for name, data in files.items()},
                "inputs": report.inputs,
            }
            register = {**register, "issues": [*register["issues"], entry]}
            with console.stage(pipeline.STAGES[3]):
                return _store(target, files, register, created)
    except BaseException:
        remove_dirs(created)
        raise


def _store(target: Path, files: dict[str, bytes], register: dict, created: list[Path]) -> list[Path]:
    """Files first (never over an existing name), then the register; all or none."""
    linked: list[Path] = []
    temps: list[Path] = []
    try:
        make_dirs(target, created)
        remove_stale_temps(target)
        for name, data in files.items():
            path = target / name
            temp = write_temp(path, data)
            temps.append(temp)
            try:
                os.link(temp, path)  # fails if the name exists: never overwrite
            except FileExistsError:
                raise ArchiveRefused(
                    f"Tệp «{path}» đã có trong lưu trữ nhưng không có trong sổ «{MANIFEST}»; "
                    "không ghi đè. Chạy «make verify-archive» và xử lý tệp đó trước."
                ) from None
            linked.append(path)
        text = json.dumps(register, ensure_ascii=False, indent=2) + "\n"
        manifest = target / MANIFEST
        temp = write_temp(manifest, text.encode("utf-8"))
        temps.append(temp)
        os.replace(temp, manifest)
        fsync_dir(target)
        return [*linked, manifest]
    except BaseException as exc:
        for path in linked:
            with contextlib.suppress(OSError):
                path.unlink()
        if isinstance(exc, OSError):
            raise ArchiveError(
                f"Không ghi được vào lưu trữ «{target}» ({exc.strerror or exc}). Lưu trữ giữ nguyên."
            ) from exc
        raise
    finally:
        for temp in temps:
            with contextlib.suppress(OSError):
                temp.unlink()


# ------------------------------------------------------------------ verify


def verify_archive(outputs: Path) -> int:
    """Re-check every archived file against its year's manifest; print the result
    in Vietnamese. 0 when everything matches, 1 otherwise."""
    root = Path(outputs) / ARCHIVE
    if not root.is_dir():
        print(f"Chưa có văn bản nào được lưu trữ trong «{root}».")
        return 0
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(folder_lock(root))
        except OSError as exc:  # an archive on read-only media: nobody can write it either
            if not isinstance(exc, PermissionError) and exc.errno != errno.EROFS:
                raise
        problems, issues, checked = _verify(root)
    if problems:
        for problem in problems:
            print(f"LỖI: {problem}", file=sys.stderr)
        print(f"Kết quả: phát hiện {len(problems)} vấn đề trong lưu trữ «{root}».", file=sys.stderr)
        return 1
    print(f"Kết quả: lưu trữ «{root}» nguyên vẹn: {issues} văn bản, {checked} tệp khớp với sổ lưu trữ (SHA-256).")
    return 0


def _verify(root: Path) -> tuple[list[str], int, int]:
    problems: list[str] = []
    issues = checked = 0
    seen_reports: dict[tuple, str] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        manifest = folder / MANIFEST
        known = {MANIFEST}
        if not manifest.is_file():
            problems.append(f"thư mục «{folder}» không có sổ lưu trữ {MANIFEST}.")
            register = {"issues": []}
        else:
            try:
                register = _read_manifest(manifest)
            except ArchiveError as exc:
                problems.append(str(exc))
                register = {"issues": []}
        numbers: set[int] = set()
        for entry in register["issues"]:
            issues += 1
            number, files = entry["number"], entry["files"]
            key = (entry["year_reported"], entry["period"])
            if str(dt.date.fromisoformat(entry["date"]).year) != folder.name:
                problems.append(f"«{manifest}»: văn bản số {entry['symbol']} ngày {entry['date']} nằm trong thư mục năm {folder.name}.")
            if number in numbers:
                problems.append(f"«{manifest}»: số {entry['symbol']} ghi hai lần trong năm {folder.name}.")
            numbers.add(number)
            if key in seen_reports:
                problems.append(f"báo cáo {PERIOD_NAME.get(key[1], key[1])} năm {key[0]} được lưu trữ hai lần ({seen_reports[key]} và {entry['symbol']}).")
            seen_reports[key] = entry["symbol"]
            for name, digest in files.items():
                known.add(name)
                path = folder / name
                if not path.is_file():
                    problems.append(f"thiếu tệp «{path}» (có trong sổ lưu trữ, văn bản số {entry['symbol']}).")
                elif sha256_file(path) != digest:
                    problems.append(
                        f"tệp «{path}» đã bị thay đổi sau khi lưu trữ (SHA-256 khác với sổ lưu trữ, văn bản số {entry['symbol']})."
                    )
                else:
                    checked += 1
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.relative_to(folder).as_posix() not in known:
                what = "tệp tạm còn sót lại của một lần chạy bị dừng" if path.name.endswith(TMP_SUFFIX) else "tệp không có trong sổ lưu trữ"
                problems.append(f"«{path}»: {what}.")
    for path in sorted(root.iterdir()):
        if path.is_file() and path.name != LOCK_NAME:
            problems.append(f"«{path}»: tệp không có trong sổ lưu trữ (nằm ngoài thư mục năm).")
    return problems, issues, checked
