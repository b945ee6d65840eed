"""Typed records that intake produces and aggregation consumes.

Submissions are few and small: dataclasses. Dossiers can be millions: one pandas
DataFrame with the canonical columns of DOSSIER_COLUMNS (see `intake.dossiers`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal, Optional

import pandas as pd

from .diagnostics import Location, Problem

Progress = Literal["hoan_thanh", "dang_thuc_hien", "chua_thuc_hien"]
PROGRESS_TEXT = {
    "hoan_thanh": "Hoàn thành",
    "dang_thuc_hien": "Đang thực hiện",
    "chua_thuc_hien": "Chưa thực hiện",
}


@dataclass(frozen=True)
class ResultRow:
    """A row of sheet `Kết quả`: what a department did in one area."""

    area: int  # 1..8
    text: str
    task_code: Optional[str] = None
    progress: Optional[Progress] = None
    note: Optional[str] = None
    where: Location = field(default_factory=Location)


@dataclass(frozen=True)
class IndicatorRow:
    """A row of sheet `Số liệu`.

    count: value is the count, denominator None. rate: value is the numerator,
    denominator the Mẫu số. bool: value is True/False, denominator None.
    Numbers are exact (Fraction), as typed.
    """

    code: str
    value: Fraction | bool
    denominator: Optional[Fraction] = None
    note: Optional[str] = None
    where: Location = field(default_factory=Location)


@dataclass(frozen=True)
class TextRow:
    """A row of `Tồn tại, hạn chế` (content + cause), `Kiến nghị` or `Phương hướng`."""

    content: str
    cause: Optional[str] = None
    where: Location = field(default_factory=Location)


@dataclass(frozen=True)
class Submission:
    """One department workbook for one period."""

    file: str
    department: str  # code, checked against the plan
    period: str  # q1 / 6m / q3 / year
    year: int
    sent_on: dt.date  # Ngày gửi
    prepared_by: Optional[str] = None  # Người lập
    phone: Optional[str] = None
    results: tuple[ResultRow, ...] = ()
    indicators: tuple[IndicatorRow, ...] = ()
    shortcomings: tuple[TextRow, ...] = ()  # Tồn tại, hạn chế
    recommendations: tuple[TextRow, ...] = ()  # Kiến nghị
    directions: tuple[TextRow, ...] = ()  # Phương hướng
    sha256: str = ""  # of the file, for the archive manifest


from .log_columns import CHANNELS, DOSSIER_COLUMNS, LOG_COLUMNS, STATUS_COLUMN  # noqa: E402,F401
FRAME_COLUMNS = (*DOSSIER_COLUMNS, "status", "withdrawn")
RATINGS = {"very_satisfied": "Rất hài lòng", "satisfied": "Hài lòng", "dissatisfied": "Không hài lòng"}


@dataclass(frozen=True)
class LogReading:
    """How one dossier log was understood, for the review page: which header
    stood for which contract column, which spellings of coded values it used,
    and its status values with their counts."""

    file: str  # relative path
    kind: str  # "CSV", "Excel (.xlsx)", "Excel 97-2003 (.xls)", "trang web (HTML) lưu tên .xls"
    sheet: Optional[str]  # sheet name, "bảng 1" for an HTML table, None for CSV
    header_row: int
    rows: int  # dossier rows read (totals and empty rows left out)
    columns: tuple[tuple[str, str], ...]  # (contract name, header as written), in contract order
    spellings: tuple[tuple[str, str, str], ...] = ()  # (contract column, as written, read as), non-canonical ones
    statuses: tuple[tuple[str, str, int], ...] = ()  # (status as written, how it counts, rows)
    withdrawn: int = 0  # rows withdrawn or cancelled (any date)

    @property
    def has_status(self) -> bool:
        return any(name == STATUS_COLUMN for name, _ in self.columns)


@dataclass
class Intake:
    """Everything read from INPUTS/<year>/, validated."""

    submissions: list[Submission]
    dossiers: pd.DataFrame  # columns: DOSSIER_COLUMNS keys
    warnings: list[Problem] = field(default_factory=list)
    input_hashes: dict[str, str] = field(default_factory=dict)  # relative path -> sha256
    log_readings: list[LogReading] = field(default_factory=list)  # one per dossier log read

    @property
    def has_status(self) -> bool:
        """True when some dossier log had a status column (Trạng thái): only then
        is `dossiers.withdrawn` (and tthc.withdrawn) informative."""
        return any(r.has_status for r in self.log_readings)


def empty_dossiers() -> pd.DataFrame:
    """A dossier frame with the canonical columns and no rows."""
    return pd.DataFrame(
        {
            "id": pd.Series([], dtype="string[pyarrow]"),  # Arrow-backed: millions of ids
            "department": pd.Categorical([]),
            "procedure": pd.Series([], dtype="string"),
            "field": pd.Series([], dtype="string"),
            "received": pd.Series([], dtype="datetime64[ns]"),
            "due": pd.Series([], dtype="datetime64[ns]"),
            "returned": pd.Series([], dtype="datetime64[ns]"),
            "channel": pd.Categorical([], categories=list(CHANNELS)),
            "fee": pd.Series([], dtype=bool),
            "online_payment": pd.Series([], dtype=bool),
            "digitized": pd.Series([], dtype=bool),
            "reused": pd.Series([], dtype=bool),
            "rating": pd.Categorical([], categories=list(RATINGS)),
            "status": pd.Categorical([]),
            "withdrawn": pd.Series([], dtype=bool),
        }
    )
