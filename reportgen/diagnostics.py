"""Problems found in the inputs: errors stop the run, warnings go to the review file.

Every problem names where it was found (file, sheet, row as a person sees it in
Excel or a text editor, column) and says in Vietnamese what was found and what is
expected. Stages collect problems and raise them all at once (`InputError`), so the
clerk fixes everything in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .text_controls import strip_bidi


MAX_SHOWN = 200  # characters of a value shown in a message (a 200,000-character cell is not)


def _shown(value: object) -> str:
    """User text quoted in a message: no bidi controls, at most MAX_SHOWN characters."""
    text = strip_bidi(str(value))
    if len(text) > MAX_SHOWN:
        text = f"{text[:MAX_SHOWN]}… ({len(text):,} ký tự)".replace(",", ".")
    return text


@dataclass(frozen=True)
class Location:
    """Where a value sits: any part may be unknown (None)."""

    file: str | None = None
    sheet: str | None = None
    row: int | None = None  # 1-based, the row number a person sees
    column: str | None = None  # the header text as the user wrote it (or a letter)

    def describe(self) -> str:
        parts = []
        if self.file:
            parts.append(f"tệp «{_shown(Path(self.file).name)}»")
        if self.sheet:
            parts.append(f"trang «{_shown(self.sheet)}»")
        if self.row is not None:
            parts.append(f"dòng {self.row}")
        if self.column:
            parts.append(f"cột «{_shown(self.column)}»")
        return ", ".join(parts)


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in the inputs."""

    message: str  # what is wrong, in Vietnamese
    where: Location = field(default_factory=Location)
    found: str | None = None  # the value as read
    expected: str | None = None  # what would be accepted, in Vietnamese
    code: str = ""  # a short machine tag, e.g. "duplicate_dossier"; for tests and grouping

    def format_vi(self) -> str:
        """The problem in one line of Vietnamese. User text in it (file, sheet,
        column, value) carries no bidi control that could reorder the words
        around it; the console shows remaining control characters visibly."""
        text = self.message
        where = self.where.describe()
        if where:
            text = f"{where[0].upper()}{where[1:]}: {text}"
        if self.found is not None:
            text += f" (giá trị: «{_shown(self.found)}»)"
        if self.expected:
            text += f". Cần: {self.expected}"
        if not text.endswith((".", "!", "?")):
            text += "."
        return text


class ReportgenError(Exception):
    """Base of every error that a clerk is shown (never with a traceback)."""

    def messages(self) -> list[str]:
        return [str(self)]


class InputError(ReportgenError):
    """The inputs have errors: all of them, found in one run."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} lỗi trong dữ liệu đầu vào")

    def messages(self) -> list[str]:
        return [p.format_vi() for p in self.problems]


class UsageError(ReportgenError):
    """A command used wrongly (bad PERIOD, missing folder...)."""


@dataclass
class Diagnostics:
    """Collects errors and warnings of one run."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def error(self, message: str, where: Location | None = None, **kw) -> None:
        self.errors.append(Problem(message, where or Location(), **kw))

    def warn(self, message: str, where: Location | None = None, **kw) -> None:
        self.warnings.append(Problem(message, where or Location(), **kw))

    def extend(self, other: "Diagnostics") -> None:
        self.errors.extend(other.errors)
        self.warnings.extend(other.warnings)

    def raise_if_errors(self) -> None:
        if self.errors:
            raise InputError(self.errors)
