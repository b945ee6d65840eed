"""The archive of issued reports (`make archive`, `make verify-archive`).

`archive_issue` stores an issued report it is handed (publish.issue makes the
files: the reviewed draft with its number and date, the PDF/A LibreOffice made
from it, figures.json) under OUTPUTS/archive/<year of DATE>/:

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
       "inputs": {"2024/plan.yaml": "<sha256>", "2024/submissions/VP.xlsx": ...},
       "draft": {"source": "reviewed_draft", "file": ..., "sha256": ..., "record": true},
       "hand_changes": [{"kind": "changed", "paragraph": "Trong kỳ, Ban tiếp nhận …",
                         "written": "1.760", "data": "1.756", "figures": ["tthc.received"]}],
       "issued_with_changed_inputs": true, ...      only when ALLOW_CHANGED_INPUTS
       "signatures": [...]}]}                        only when a signer signed

`inputs` holds every input file the figures were computed from (plan.yaml,
workbooks and dossier logs of INPUTS/<year>/, and of INPUTS/<year-1>/ when the
comparisons with last year came from it), by path relative to INPUTS, as intake
hashed them while reading (for a reviewed draft: those its record names). They
are checked again after rendering; a file changed meanwhile stops the issue.

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
- A run killed between linking the files and writing the register leaves a
  journal; the next archive run or `verify-archive --repair` rolls that issue
  back (or completes it when the register already has it) and says so
  (`recover_interrupted`).
- `verify_archive(check_pdf=...)` is the place for a further check of each
  archived PDF (signatures, issue 12).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import signal
import sys
from pathlib import Path
from typing import Callable

from .. import vi_format
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


def check_date(window_end: dt.date | None, date: dt.date, year: int, period: str, today: dt.date) -> None:
    """DATE before the end of the period's data window is refused; after today warned."""
    if window_end is not None and date < window_end:
        raise ArchiveRefused(
            f"Ngày ban hành {vi_format.date(date)} trước ngày chốt số liệu của kỳ {subject_phrase(period, year)} "
            f"({vi_format.date(window_end)}): báo cáo chưa thể có đủ số liệu của kỳ. "
            "Kiểm tra lại DATE (dạng YYYY-MM-DD, ví dụ DATE=2024-06-12). Không có tệp nào được ghi."
        )
    if date > today:
        _warn(f"ngày ban hành {vi_format.date(date)} ở sau ngày hôm nay. Kiểm tra lại DATE.")


def precheck(outputs: Path, *, number: int, date: dt.date, year: int, period: str, sym: str) -> None:
    """The register's refusals, read only, before the issued files are made (the
    same checks run again under the lock when they are stored)."""
    if number < 1:
        raise UsageError(f"Số văn bản «{number}» không hợp lệ. Cần một số nguyên dương, ví dụ NUMBER=45.")
    root = Path(outputs) / ARCHIVE
    _check_register(_registers(root), root, number, date, year, period, sym)


def archive_issue(
    outputs: Path,
    *,
    number: int,
    date: dt.date,
    year: int,
    period: str,
    sym: str,
    files: dict[str, bytes],
    inputs: dict[str, str],
    extra: dict | None = None,
    now: Callable[[], dt.datetime] | None = None,
) -> list[Path]:
    """Store an issued report: `files` ({'<report>.docx', '<report>.pdf',
    'figures.json'}: bytes) under their archive names in OUTPUTS/archive/<year of
    DATE>/ and its entry in that year's register. `inputs`: the SHA-256 of the
    inputs its figures came from; `extra`: more keys of the manifest entry (the
    draft, hand changes, signatures). Returns the paths written, manifest last."""
    now = now or (lambda: dt.datetime.now(dt.timezone.utc))
    if number < 1:
        raise UsageError(f"Số văn bản «{number}» không hợp lệ. Cần một số nguyên dương, ví dụ NUMBER=45.")
    root = Path(outputs) / ARCHIVE
    target = root / str(date.year)
    stem = archive_stem(number, year, period)
    archived = _archived_files(files, year, period, stem)
    created: list[Path] = []
    try:
        make_dirs(root, created)
        with folder_lock(root):
            for message in recover_interrupted(root):
                print(message, file=sys.stderr)
            registers = _registers(root)
            _check_register(registers, root, number, date, year, period, sym)
            register = registers.get(target, {"format": FORMAT, "year": date.year, "issues": []})
            _order_warnings(register, number, date)
            entry = {
                "number": number,
                "symbol": sym,
                "date": date.isoformat(),
                "year_reported": year,
                "period": period,
                "title": f"Báo cáo kết quả thực hiện công tác cải cách hành chính {subject_phrase(period, year)}",
                "issued_at": now().astimezone(dt.timezone.utc).isoformat(timespec="seconds"),
                "files": {name: sha256_bytes(data) for name, data in archived.items()},
                "inputs": inputs,
                **(extra or {}),
            }
            register = {**register, "issues": [*register["issues"], entry]}
            return _store(target, archived, register, created, stem)
    except BaseException:
        remove_dirs(created)
        raise


def late_data_warning(sent: list[tuple[str, dt.date]], date: dt.date) -> None:
    """A DATE before the Ngày gửi of a counted submission: warned."""
    late = [(dept, day) for dept, day in sent if day > date]
    if late:
        _warn(
            f"ngày ban hành {vi_format.date(date)} trước ngày gửi của "
            + ", ".join(f"{dept} ({vi_format.date(day)})" for dept, day in late)
            + ": báo cáo dùng số liệu gửi sau ngày ban hành."
        )


# ------------------------------------------------------------------ interrupted issues
#
# Before linking an issue's files, _store writes a journal `.dang-phat-hanh-<stem>.json`
# (the entry: names and hashes of the files) into the year's folder; it removes it
# after the register is written. A run killed in between leaves the journal: the
# next archive run (under the lock) or `verify-archive --repair` finds it and
#   - completes the issue when the register already holds its entry (the kill came
#     after the register was written): only the journal is removed;
#   - otherwise rolls it back: the files it linked (same name and hash) are
#     removed, so the same NUMBER can be issued again; the register never saw it.

JOURNAL_PREFIX = ".dang-phat-hanh-"
TEST_DIE_AT = "REPORTGEN_TEST_DIE_AT"  # test-only: SIGKILL this process at a named point


def _test_point(name: str) -> None:
    """Test-only hook: `REPORTGEN_TEST_DIE_AT=<name>` kills the run here (SIGKILL),
    as a power cut would, so tests can check the recovery with a real kill."""
    if os.environ.get(TEST_DIE_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _journals(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(root.glob(f"*/{JOURNAL_PREFIX}*.json"))


def recover_interrupted(root: Path) -> list[str]:
    """Complete or roll back the issues a killed run left half done (see above);
    one Vietnamese sentence per issue saying what was done. Call under the lock."""
    messages = []
    for journal in _journals(root):
        folder = journal.parent
        try:
            pending = json.loads(journal.read_text(encoding="utf-8"))
            entry = pending["entry"]
            files = dict(entry["files"])
        except (OSError, ValueError, KeyError, TypeError):
            with contextlib.suppress(OSError):
                journal.unlink()
            messages.append(f"Đã xóa nhật ký phát hành hỏng «{journal}» (một lần phát hành bị dừng trước khi ghi tệp nào).")
            continue
        what = f"Lần phát hành số {entry.get('symbol')} ngày {entry.get('date')} ({', '.join(files)})"
        manifest = folder / MANIFEST
        register = _read_manifest(manifest) if manifest.is_file() else {"issues": []}
        if any(e.get("files") == files for e in register["issues"]):
            remove_stale_temps(folder)
            journal.unlink()
            fsync_dir(folder)
            messages.append(f"{what} đã ghi xong vào sổ lưu trữ trước khi bị dừng: đã hoàn tất (xóa nhật ký phát hành).")
            continue
        listed = {name for e in register["issues"] for name in e.get("files", {})}
        removed, kept = [], []
        for name, digest in files.items():
            path = folder / name
            if name in listed or not path.is_file():
                continue
            if sha256_file(path) == digest:
                path.unlink()
                removed.append(name)
            else:
                kept.append(name)
        remove_stale_temps(folder)
        journal.unlink()
        fsync_dir(folder)
        text = f"{what} bị dừng giữa chừng, chưa ghi vào sổ lưu trữ: đã hủy lần phát hành đó"
        text += f" (xóa {len(removed)} tệp đã chép: {', '.join(removed)})" if removed else " (chưa có tệp nào được chép)"
        if kept:
            text += f"; giữ lại {', '.join(kept)} vì nội dung khác với lần phát hành đó, cần kiểm tra"
        messages.append(text + ". Số văn bản đó chưa được dùng; chạy lại «make archive» để phát hành.")
    for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        stale = sorted(folder.glob(f".*{TMP_SUFFIX}"))
        if stale:
            remove_stale_temps(folder)
            messages.append(f"Đã xóa {len(stale)} tệp tạm của một lần chạy bị dừng trong «{folder}».")
    return messages


def _store(target: Path, files: dict[str, bytes], register: dict, created: list[Path], stem: str) -> list[Path]:
    """Journal, files (never over an existing name), register, journal removed;
    all or none (a kill in between is undone by recover_interrupted)."""
    linked: list[Path] = []
    temps: list[Path] = []
    journal = target / f"{JOURNAL_PREFIX}{stem}.json"
    registered = False
    try:
        make_dirs(target, created)
        remove_stale_temps(target)
        for path in [target / name for name in files]:
            if path.exists():
                raise ArchiveRefused(
                    f"Tệp «{path}» đã có trong lưu trữ nhưng không có trong sổ «{MANIFEST}»; "
                    "không ghi đè. Chạy «make verify-archive» và xử lý tệp đó trước."
                )
        pending = json.dumps({"entry": register["issues"][-1]}, ensure_ascii=False, indent=1).encode("utf-8")
        temp = write_temp(journal, pending)
        os.replace(temp, journal)
        fsync_dir(target)
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
        fsync_dir(target)
        _test_point("archive-linked")
        text = json.dumps(register, ensure_ascii=False, indent=2) + "\n"
        manifest = target / MANIFEST
        temp = write_temp(manifest, text.encode("utf-8"))
        temps.append(temp)
        os.replace(temp, manifest)
        registered = True
        fsync_dir(target)
        _test_point("archive-registered")
        journal.unlink()
        fsync_dir(target)
        return [*linked, manifest]
    except BaseException as exc:
        if not registered:
            for path in linked:
                with contextlib.suppress(OSError):
                    path.unlink()
            with contextlib.suppress(OSError):
                journal.unlink()
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


def verify_archive(outputs: Path, *, repair: bool = False,
                   check_pdf: Callable[[Path, dict], list[str]] | None = None) -> int:
    """Re-check every archived file against its year's manifest; print the result
    in Vietnamese. 0 when everything matches, 1 otherwise.

    `repair`: first complete or roll back the issues a killed run left half done
    (recover_interrupted), saying what was done. `check_pdf(path, entry)`: an
    optional further check of each archived PDF (e.g. its signatures), returning
    problems (empty when fine); it is called once per PDF whose hash matches."""
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
            if repair:
                raise ArchiveError(f"Không sửa được lưu trữ «{root}»: không ghi được vào thư mục ({exc.strerror or exc}).") from None
        if repair:
            messages = recover_interrupted(root)
            for message in messages:
                print(f"Đã xử lý: {message}")
            if not messages:
                print("Không có lần phát hành nào bị dừng giữa chừng.")
        problems, issues, checked = _verify(root, check_pdf)
    if problems:
        for problem in problems:
            print(f"LỖI: {problem}", file=sys.stderr)
        print(f"Kết quả: phát hiện {len(problems)} vấn đề trong lưu trữ «{root}».", file=sys.stderr)
        return 1
    print(f"Kết quả: lưu trữ «{root}» nguyên vẹn: {issues} văn bản, {checked} tệp khớp với sổ lưu trữ (SHA-256).")
    return 0


def _verify(root: Path, check_pdf: Callable[[Path, dict], list[str]] | None = None) -> tuple[list[str], int, int]:
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
                    if check_pdf is not None and name.lower().endswith(".pdf"):
                        problems += [f"«{path}»: {p}" for p in check_pdf(path, entry)]
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.relative_to(folder).as_posix() not in known:
                if path.name.startswith(JOURNAL_PREFIX):
                    problems.append(
                        f"«{path}»: một lần phát hành bị dừng giữa chừng (chưa ghi vào sổ lưu trữ). Chạy "
                        "«make verify-archive REPAIR=1» (reportgen verify-archive --repair) hoặc «make archive» "
                        "để hoàn tất hoặc hủy lần phát hành đó."
                    )
                    continue
                what = "tệp tạm còn sót lại của một lần chạy bị dừng" if path.name.endswith(TMP_SUFFIX) else "tệp không có trong sổ lưu trữ"
                problems.append(f"«{path}»: {what}.")
    for path in sorted(root.iterdir()):
        if path.is_file() and path.name != LOCK_NAME:
            problems.append(f"«{path}»: tệp không có trong sổ lưu trữ (nằm ngoài thư mục năm).")
    return problems, issues, checked
