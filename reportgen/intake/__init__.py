"""Intake: read and validate INPUTS/<year>/ (submissions and dossier logs).

    read_inputs(folder, plan) -> Intake

Every submission workbook (.xlsx, .xls) of every period is read (choosing the
period and replacing resubmissions is the aggregate stage's job); all dossier
logs (.xlsx, .xls, .csv, web pages saved as .xls/.xlsx) become one DataFrame
(`intake.dossiers`, with `withdrawn` and `status`), and how each log was read is
kept in `intake.log_readings` (`intake.has_status`: some log had a status
column). Every problem of every file is collected and raised at once as
InputError; warnings travel in Intake.warnings.
"""

from __future__ import annotations

from dataclasses import replace
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..diagnostics import Diagnostics, Location
from ..digest import sha256_file
from ..plan import Plan
from ..records import Intake
from .dossiers import read_dossiers
from .submissions import check_resubmissions, read_submission


def _visible(path: Path) -> bool:
    return path.is_file() and not path.name.startswith(("~$", ".", ".~lock"))


# the files read: submission workbooks (.xlsx, Excel 97-2003 .xls) and dossier
# logs (also .csv; an .xls/.xlsx may be a web page saved with an Excel name)
SUBMISSION_SUFFIXES = (".xlsx", ".xls")
LOG_SUFFIXES = (".xlsx", ".xls", ".csv")


def input_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """(submission workbooks, dossier logs) under `folder`, sorted by name."""
    subs = sorted(p for p in (folder / "submissions").glob("*")
                  if _visible(p) and p.suffix.lower() in SUBMISSION_SUFFIXES) \
        if (folder / "submissions").is_dir() else []
    logs = sorted(p for p in (folder / "tthc").glob("*") if _visible(p) and p.suffix.lower() in LOG_SUFFIXES) \
        if (folder / "tthc").is_dir() else []
    return subs, logs


# spreadsheets in a form intake does not read: silently skipping one would leave
# its dossiers or its department out of the report
_OTHER_SHEETS = (".xls", ".xlsm", ".xlsb", ".ods", ".txt", ".tsv")


def unreadable_files(folder: Path) -> list[Path]:
    """Spreadsheet-like files under submissions/ and tthc/ that are not read."""
    out = []
    for sub, ok in (("submissions", SUBMISSION_SUFFIXES), ("tthc", LOG_SUFFIXES)):
        if (folder / sub).is_dir():
            out += sorted(p for p in (folder / sub).glob("*")
                          if _visible(p) and p.suffix.lower() in _OTHER_SHEETS and p.suffix.lower() not in ok)
    return out


def read_inputs(folder: Path, plan: Plan) -> Intake:
    """Read every submission workbook and dossier log under `folder`.

    Raises InputError with every problem found (file, sheet, row, column)."""
    folder = Path(folder)
    diag = Diagnostics()
    sub_paths, log_paths = input_files(folder)
    for path in unreadable_files(folder):
        accepted = ".xlsx" if path.parent.name == "submissions" else ".xlsx hoặc .csv (UTF-8)"  # what to save as
        diag.error(f"tệp dạng {path.suffix.lower()} không được đọc", Location(path.relative_to(folder).as_posix()),
                   expected=f"mở bằng Excel và lưu lại dạng {accepted}, rồi xóa tệp {path.suffix.lower()}",
                   code="unsupported_file")
    rel = {p: p.relative_to(folder).as_posix() for p in sub_paths + log_paths}
    hashed = [folder / "plan.yaml"] if (folder / "plan.yaml").is_file() else []
    hashed += sub_paths + log_paths
    # hashing (hashlib releases the GIL) runs beside the parsing of big logs
    with ThreadPoolExecutor(max_workers=1) as pool:
        digests = pool.map(sha256_file, hashed)
        submissions = []
        for path in sub_paths:
            sub = read_submission(path, rel[path], plan, diag)
            if sub is not None:
                submissions.append(sub)
        readings: list = []
        dossiers = read_dossiers([(p, rel[p]) for p in log_paths], plan, diag, readings)
        hashes = {p.relative_to(folder).as_posix(): h for p, h in zip(hashed, digests)}
    check_resubmissions(submissions, diag)
    diag.raise_if_errors()
    submissions = [replace(s, sha256=hashes[s.file]) for s in submissions]
    return Intake(submissions=submissions, dossiers=dossiers, warnings=diag.warnings, input_hashes=hashes,
                  log_readings=readings)
