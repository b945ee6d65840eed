"""Storing an accepted upload under INPUTS/<year>/submissions/ or tthc/.

The name is the project's (department, period, time, random part), never the
uploaded file's name. Atomic: the bytes go to a hidden temporary file in the
same folder (fsynced), which is hard-linked to its final name (a link never
replaces an existing file) and removed; then the folder is fsynced. Only then
does the caller commit the register entry. A server killed half-way leaves at
most a hidden `.….reportgen-tmp` file, which intake never reads and the next
start removes (`clean_stale`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from pathlib import Path

from ..publish.files import TMP_SUFFIX, fsync_dir, remove_stale_temps, write_temp

SUBMISSIONS = "submissions"
TTHC = "tthc"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or "x"


def stored_name(kind: str, suffix: str, *, department: str | None = None, period: str | None = None,
                year: int | None = None, when: dt.datetime | None = None) -> str:
    """`QLDT_6m_2024_web-20240611-101500-3fa2c1.xlsx` (submissions) or
    `DanhSachHoSo_web-20240611-101500-3fa2c1.csv` (dossier logs)."""
    when = (when or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    tail = f"web-{when}-{secrets.token_hex(3)}{suffix}"
    if kind == SUBMISSIONS:
        return f"{_slug(department or 'x')}_{_slug(period or 'x')}_{year}_{tail}"
    return f"DanhSachHoSo_{tail}"


def store(folder: Path, name: str, data: bytes) -> Path:
    """Write `data` as folder/name atomically; never replaces a file."""
    folder = Path(folder)
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        fsync_dir(folder.parent)
    target = folder / name
    temp = write_temp(target, data)
    try:
        os.link(temp, target)
    finally:
        os.unlink(temp)
    fsync_dir(folder)
    return target


def clean_stale(year_folder: Path) -> None:
    """Temporary files a killed server left behind."""
    for sub in (SUBMISSIONS, TTHC):
        remove_stale_temps(Path(year_folder) / sub)


__all__ = ["store", "stored_name", "clean_stale", "SUBMISSIONS", "TTHC", "TMP_SUFFIX"]
