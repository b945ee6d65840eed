"""plan.yaml: the year's CCHC plan, validated once on load, then trusted.

The contract's required keys (year, organization, departments, periods,
indicators, signer, recipients) and the project's own optional keys (tasks, the
plan's number and date, Kính gửi, page format, the full plan text for `make plan`).
A typo gets a Vietnamese message naming the key's path and its line in the file.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
import unicodedata
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .diagnostics import InputError, Location, Problem
from . import vi_format
from .periods import PERIODS
from .text_controls import strip_bidi

Unit = Literal["rate", "count", "bool"]
Op = Literal[">=", ">", "<=", "<", "=="]
Source = Literal["tthc", "submissions"]

# What each `op` means: a figure meets its target when OPS[op](figure, target).
OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq}

# Dossier-based indicators (`source: tthc`) the dossier logs can give (figures.md,
# "Indicator values from the same window"): a plan.yaml with any other code as
# `source: tthc` is refused; aggregate.dossiers computes exactly these.
TTHC_RATIOS = ("TTHC-02", "TTHC-03", "TTHC-05", "TTHC-07", "TTHC-08", "TTHC-09")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Organization(_Model):
    name: str  # BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP (capitals, as in the header)
    parent: Optional[str] = None  # UBND TỈNH HẢI DƯƠNG (cơ quan chủ quản)
    place: str  # Hải Dương (địa danh)
    code: str  # KCN (ký hiệu)
    # How the agency is named in running text ("Ban Quản lý các khu công nghiệp")
    # and for short ("Ban"). Derived from `name` when absent (first letter kept
    # capital, the rest lower case) - a plan should set them where that is wrong.
    name_in_text: Optional[str] = None
    short_name: Optional[str] = None
    # The seal for the agency's digital signature (a red .png, transparent
    # background; path relative to the plan's folder) and its real diameter.
    seal_image: Optional[str] = None
    seal_diameter_mm: float = Field(36, gt=0, le=100)

    @property
    def text_name(self) -> str:
        if self.name_in_text:
            return self.name_in_text
        return _name_in_text(self.name, self.place)[0]

    @property
    def short(self) -> str:
        """The short name in running text: short_name, else the kind of agency
        its name starts with ("Ủy ban", "Sở", "Ban"), by the same rule whether
        the name in text is given or derived."""
        if self.short_name:
            return self.short_name
        return _short_name(self.text_name)


# Kinds of agency (loại hình cơ quan, tổ chức) an agency's name starts with, longest
# first, with their short form in running text ("Sở", "Ban", "Ủy ban").
_AGENCY_KINDS = (
    ("ủy ban nhân dân", "Ủy ban"), ("uỷ ban nhân dân", "Ủy ban"), ("hội đồng nhân dân", "Hội đồng"),
    ("kho bạc nhà nước", "Kho bạc"), ("bảo hiểm xã hội", "Bảo hiểm xã hội"),
    ("văn phòng", "Văn phòng"), ("trung tâm", "Trung tâm"), ("chi cục", "Chi cục"), ("tổng cục", "Tổng cục"),
    ("bệnh viện", "Bệnh viện"), ("thanh tra", "Thanh tra"), ("ủy ban", "Ủy ban"), ("uỷ ban", "Ủy ban"),
    ("sở", "Sở"), ("ban", "Ban"), ("bộ", "Bộ"), ("cục", "Cục"), ("viện", "Viện"), ("đài", "Đài"),
    ("trường", "Trường"), ("phòng", "Phòng"),
)
# Kinds whose name is a list of fields, each capitalised: "Sở Tài nguyên và Môi
# trường", "Sở Văn hóa, Thể thao và Du lịch", "Bộ Lao động - Thương binh và Xã hội".
_FIELD_LIST_KINDS = ("sở", "bộ")
# Kinds that already name the function: what follows is a place or a level, in
# lower case ("Ủy ban nhân dân huyện Gia Lâm").
_NAMED_KINDS = ("ủy ban nhân dân", "uỷ ban nhân dân", "hội đồng nhân dân", "kho bạc nhà nước", "bảo hiểm xã hội")
_ACRONYMS = ("UBND", "HĐND", "CNTT")  # kept in capitals
_FIELD_SEPARATORS = re.compile(r"(\s+và\s+|\s*,\s*|\s+-\s+)")


def _kind(lower: str) -> tuple[str, str] | None:
    """(kind, its short form) the lower-case name starts with, or None."""
    return next(((k, short) for k, short in _AGENCY_KINDS if lower == k or lower.startswith(k + " ")), None)


def _short_name(text_name: str) -> str:
    """The short form of a name in running text: its kind ("Ủy ban nhân dân
    huyện Gia Lâm" -> "Ủy ban"), else its first word."""
    words = text_name.split()
    kind = _kind(" ".join(words).lower())
    return kind[1] if kind else (words[0] if words else text_name)


def _name_in_text(name: str, place: str) -> tuple[str, str]:
    """(name in running text, short name) derived from the header's capitals, by
    Nghị định 30's rule for names of agencies: capital first letters for the kind
    of agency and for its field ("SỞ XÂY DỰNG" -> "Sở Xây dựng", "BAN QUẢN LÝ CÁC
    KHU CÔNG NGHIỆP" -> "Ban Quản lý các khu công nghiệp"); a trailing place name
    is written as `place` ("... TỈNH QUẢNG NAM" -> "... tỉnh Quảng Nam"). A plan
    sets name_in_text / short_name where this guess is wrong."""
    words = " ".join(name.split())
    lower = " ".join(w if w in _ACRONYMS else w.lower() for w in words.split())
    tail = ""
    place = " ".join(place.split())
    if place and lower.endswith(" " + place.lower()) and len(place) < len(words):
        lower, tail = lower[: -len(place) - 1], " " + place
    kind = _kind(lower)
    if kind is None:
        text = lower[:1].upper() + lower[1:]
        return text + tail, _short_name(text + tail)
    prefix, short = kind
    rest = lower[len(prefix):].strip()
    if prefix in _FIELD_LIST_KINDS:
        rest = "".join(part if _FIELD_SEPARATORS.fullmatch(part) else part[:1].upper() + part[1:]
                       for part in _FIELD_SEPARATORS.split(rest))
    elif prefix not in _NAMED_KINDS:
        rest = rest[:1].upper() + rest[1:]
    text = " ".join(x for x in (prefix[:1].upper() + prefix[1:], rest) if x) + tail
    return text, short


class Department(_Model):
    code: str
    name: str


class Window(_Model):
    start: dt.date
    end: dt.date
    due_before: dt.date

    @model_validator(mode="after")
    def _ordered(self):
        if self.start > self.end:
            raise ValueError("ngày bắt đầu (start) phải trước hoặc bằng ngày kết thúc (end)")
        return self


class Indicator(_Model):
    code: str
    area: int = Field(ge=1, le=8)
    name: str
    unit: Unit
    target: Optional[bool | Decimal] = None
    op: Optional[Op] = None
    source: Source

    @field_validator("target", mode="before")
    @classmethod
    def _exact_target(cls, value):
        # YAML gives bool, int or (with _DecimalLoader) Decimal: keep bools, make
        # every number an exact Decimal (an int 1 must not become True).
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, (int, float, str)):
            try:
                value = Decimal(str(value).strip())
            except ArithmeticError:
                raise ValueError(f"chỉ tiêu (target) «{value}» không phải là số")
        if isinstance(value, Decimal):
            if not value.is_finite():
                raise ValueError(f"chỉ tiêu (target) «{value}» không phải là một số hữu hạn")
            if value < 0:
                raise ValueError(f"chỉ tiêu (target) «{value}» là số âm; chỉ tiêu là một số lượng hoặc tỷ lệ, từ 0 trở lên")
        return value

    @model_validator(mode="after")
    def _target_fits_unit(self):
        if self.target is None:
            return self
        if self.op is None:
            raise ValueError("có chỉ tiêu (target) thì phải có phép so sánh (op)")
        if self.unit == "bool" and not isinstance(self.target, bool):
            raise ValueError("chỉ tiêu kiểu bool phải có target là true hoặc false")
        if self.unit != "bool" and isinstance(self.target, bool):
            raise ValueError(f"chỉ tiêu kiểu {self.unit} phải có target là một số")
        return self

    @model_validator(mode="after")
    def _tthc_computable(self):
        """`source: tthc` only for what the dossier logs give (figures.md): one of
        TTHC_RATIOS, as a rate (or a count: its numerator). Anything else would
        silently stay without data in every report."""
        if self.source != "tthc":
            return self
        if self.code not in TTHC_RATIOS:
            raise ValueError(
                f"chỉ tiêu «{self.code}» có source: tthc, nhưng từ sổ theo dõi hồ sơ chỉ tính được "
                f"{', '.join(TTHC_RATIOS)}; chỉ tiêu do phòng, đơn vị báo cáo thì ghi source: submissions"
            )
        if self.unit == "bool":
            raise ValueError(
                f"chỉ tiêu «{self.code}» có source: tthc là một tỷ lệ: unit phải là rate (hoặc count), không phải bool"
            )
        return self

    @property
    def target_fraction(self) -> Fraction | None:
        """The target exactly as written (0.3 is 3/10); None for bool or no target."""
        if self.target is None or isinstance(self.target, bool):
            return None
        return Fraction(self.target)


class Task(_Model):
    """A task (nhiệm vụ) of the plan, owned by a department."""

    code: str
    area: int = Field(ge=1, le=8)
    text: str
    owner: Optional[str] = None  # department code
    deadline: Optional[str] = None  # free text, e.g. "Quý I"


class Signer(_Model):
    title: str  # one or two lines ("KT. TRƯỞNG BAN\nPHÓ TRƯỞNG BAN")
    name: str
    # The signer's signature picture for the digital signature (a .png with a
    # transparent background; path relative to the plan's folder).
    signature_image: Optional[str] = None

    @property
    def title_lines(self) -> list[str]:
        return [line.strip() for line in self.title.splitlines() if line.strip()]


class DocumentRef(_Model):
    """The plan's own number and date, quoted by the reports ("Kế hoạch số ...")."""

    number: Optional[str] = None  # e.g. "125/KH-KCN"
    date: Optional[dt.date] = None



# --- The full plan text (`make plan`) -------------------------------------------
#
# Everything a kế hoạch says beyond the contract's keys, as structured data. Every
# part is optional: a missing part falls back to a default built from the rest of
# plan.yaml (compose/plan_doc.py), so a plan.yaml without plan_text still gives a
# complete plan. Strings may hold:
#   {CODE}          an indicator's target, formatted ("{TTHC-02}" -> "100%",
#                   "{TC-01}" -> "02"): the plan's numbers and the reports' targets
#                   are one datum. Also allowed in tasks[].text.
#   {year}          the plan's year.
#   **bold**, *italic*  emphasis, as in the signed plan.
# The Nhiệm vụ bullets are not here: they are `tasks` (by area, in order).


class PlanIssued(_Model):
    """Month and year of a draft plan's date line ("ngày      tháng 12 năm 2023").

    Once the plan is issued its full date goes in plan_document.date (quoted by
    the reports too), which then wins."""

    month: int = Field(ge=1, le=12)
    year: int = Field(ge=2000, le=2100)


class PlanArea(_Model):
    """One numbered area of section II (1. Công tác chỉ đạo, điều hành ...)."""

    area: int = Field(ge=1, le=8)
    title: str
    # "a) Chỉ tiêu" bullets. None (key absent): built from the area's indicators
    # with a target. []: none; the area's tasks then follow the title directly
    # (areas 1 and 8 of the 2024 plan), with no "a)"/"b)" headings.
    targets: Optional[list[str]] = None


class PlanFunding(_Model):
    """The last numbered point of section II ("9. Kinh phí thực hiện")."""

    title: str = "Kinh phí thực hiện"
    paragraphs: list[str] = Field(min_length=1)
    note: Optional[str] = None  # italic line: "(Chi tiết ... kèm theo)"


class ReportingSchedule(_Model):
    """Report deadlines and data cut-off windows (thời điểm chốt số liệu).

    The dates are never written here: they come from `periods`. Placeholders:
    {due_day} in `periodic` (the day of every period's due_before: "14"), and
    {period}, {start}, {end}, {due} in `cutoff` (one bullet per period)."""

    intro: Optional[str] = "Thời gian thực hiện các báo cáo:"
    periodic: Optional[str] = (
        "+ Đối với báo cáo định kỳ hàng quý, 6 tháng và năm: "
        "**chậm nhất trước ngày {due_day} của tháng cuối kỳ báo cáo**."
    )
    cutoff_intro: Optional[str] = "Thời điểm chốt số liệu của từng loại báo cáo cụ thể như sau:"
    cutoff: str = "Báo cáo {period}: thời gian chốt số liệu tính từ ngày {start} đến ngày {end}."
    period_names: dict[Literal["q1", "6m", "q3", "year"], str] = Field(
        default_factory=lambda: {
            "q1": "Quý I/{year}",
            "6m": "6 tháng đầu năm {year}",
            "q3": "Quý III/{year}",
            "year": "tổng hợp năm {year}",
        }
    )
    ad_hoc: Optional[str] = "+ Đối với các báo cáo đột xuất: Thực hiện theo đúng yêu cầu của cơ quan yêu cầu báo cáo."


class ImplementationItem(_Model):
    """A numbered paragraph of "TỔ CHỨC THỰC HIỆN" (the number is added)."""

    text: str
    reporting: Optional[ReportingSchedule] = None  # printed right after `text`


class PlanText(_Model):
    issued: Optional[PlanIssued] = None  # draft date line; default December of the year before
    subject: Optional[str] = None  # trích yếu; default "Cải cách hành chính của <Ban ...> năm <year>"
    opening: Optional[list[str]] = None  # paragraphs before section I
    purpose: Optional[list[str]] = None  # I.1 Mục đích (bullets)
    requirements: Optional[list[str]] = None  # I.2 Yêu cầu (bullets)
    areas: Optional[list[PlanArea]] = None  # II: title and chỉ tiêu of each area
    funding: Optional[PlanFunding] = None  # II, last point: Kinh phí thực hiện
    implementation: Optional[list[ImplementationItem]] = None  # III
    closing: Optional[str] = None  # last paragraph; "./." is added
    signer: Optional[Signer] = None  # default: plan.signer
    recipients: Optional[list[str]] = None  # Nơi nhận of the plan; default: plan.recipients

    @field_validator("areas")
    @classmethod
    def _areas_once(cls, value):
        if value:
            seen = [a.area for a in value]
            dup = sorted({a for a in seen if seen.count(a) > 1})
            if dup:
                raise ValueError(f"lĩnh vực {', '.join(map(str, dup))} xuất hiện hai lần trong plan_text.areas")
        return value


_PLACEHOLDER = re.compile(r"\{([^{}\s]+)\}")
# Placeholders other than indicator codes, and where they may be used.
_CONTEXT_NAMES = {
    "periodic": {"due_day"},
    "cutoff": {"period", "start", "end", "due"},
}


def format_target(indicator: "Indicator") -> str:
    """An indicator's target as the plan writes it: rates "100%", "30%";
    counts 1 to 9 with two digits ("02 hoạt động"), zero as "0" (never "00")."""
    if indicator.target is None or isinstance(indicator.target, bool):
        raise ValueError(f"chỉ tiêu {indicator.code} không có mục tiêu bằng số")
    if indicator.unit == "rate":
        return vi_format.percent(Fraction(indicator.target))
    value = indicator.target
    if value == int(value) and 1 <= value < 10:
        return vi_format.padded(int(value))
    return vi_format.number(value)


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Replace every {name} of `text` from `values` (KeyError on an unknown one)."""
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


class PageFormat(_Model):
    """Margins in mm, within Nghị định 30's ranges."""

    margin_top: float = Field(20, ge=20, le=25)
    margin_bottom: float = Field(20, ge=20, le=25)
    margin_left: float = Field(30, ge=30, le=35)
    margin_right: float = Field(15, ge=15, le=20)
    body_size: float = Field(14, ge=13, le=14)


class Plan(_Model):
    year: int = Field(ge=2000, le=2100)
    organization: Organization
    departments: list[Department] = Field(min_length=1)
    periods: dict[str, Window]
    indicators: list[Indicator]
    signer: Signer
    recipients: list[str] = Field(min_length=1)
    # optional, the project's own
    tasks: list[Task] = Field(default_factory=list)
    plan_document: DocumentRef = Field(default_factory=DocumentRef)
    kinh_gui: list[str] = Field(default_factory=list)  # Kính gửi of the reports
    format: PageFormat = Field(default_factory=PageFormat)
    plan_text: Optional[PlanText] = None  # full plan text for `make plan` (see PlanText)
    # dossier-exports.md: contract column name -> the header a one-stop system writes
    dossier_columns: dict[str, str] = Field(default_factory=dict)

    @field_validator("dossier_columns")
    @classmethod
    def _contract_columns(cls, value: dict[str, str]):
        """Keys are contract column names (any case, spaces); stored as written in
        the contract. Headers must not be blank, nor two keys name one header."""
        from .log_columns import LOG_COLUMNS

        names = {_column_key(n): n for n in LOG_COLUMNS.values()}
        out, problems, seen = {}, [], {}
        for key, header in value.items():
            name = names.get(_column_key(str(key)))
            if name is None:
                problems.append(f"«{key}» không phải tên cột của sổ hồ sơ (cần một trong: {', '.join(names.values())})")
                continue
            if not str(header).strip():
                problems.append(f"cột «{name}» chưa ghi tên cột trong tệp xuất")
                continue
            if _column_key(str(header)) in seen:
                problems.append(f"«{header}» được gán cho cả «{seen[_column_key(str(header))]}» và «{name}»")
            seen[_column_key(str(header))] = name
            out[name] = str(header).strip()
        if problems:
            raise ValueError("; ".join(problems))
        return out

    @field_validator("periods")
    @classmethod
    def _known_periods(cls, value: dict[str, Window]):
        unknown = [key for key in value if key not in PERIODS]
        if unknown:
            raise ValueError(
                f"kỳ báo cáo không hợp lệ: {', '.join(unknown)}; chỉ dùng {', '.join(PERIODS)}"
            )
        return value

    @model_validator(mode="after")
    def _cross_checks(self):
        problems = []
        for label, codes in (
            ("Mã phòng, đơn vị", [d.code for d in self.departments]),
            ("Mã chỉ tiêu", [i.code for i in self.indicators]),
            ("Mã nhiệm vụ", [t.code for t in self.tasks]),
        ):
            seen = set()
            for code in codes:
                if code in seen:
                    problems.append(f"{label} «{code}» bị trùng")
                seen.add(code)
        dept_codes = {d.code for d in self.departments}
        for task in self.tasks:
            if task.owner and task.owner not in dept_codes:
                problems.append(f"nhiệm vụ «{task.code}» giao cho phòng «{task.owner}» không có trong departments")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @model_validator(mode="after")
    def _placeholders(self):
        """Every {…} of plan_text and of the tasks' text names something known.
        Errors carry the key's path. (Filling them is a step of its own after
        validation: `with_placeholders_filled`.)"""
        from pydantic_core import PydanticCustomError

        targets = self.placeholder_values()
        unusable = {ind.code: "không có mục tiêu bằng số (target) để điền"
                    for ind in self.indicators if ind.code not in targets}
        errors = []

        def check(text: str, loc: tuple, context: set[str]) -> None:
            for name in _PLACEHOLDER.findall(text):
                if name in targets or name == "year" or name in context:
                    continue
                why = unusable.get(name) or (
                    "không phải mã chỉ tiêu trong indicators"
                    + (f" (ở đây chỉ dùng được: {', '.join(sorted(context))})" if context else "")
                )
                errors.append({
                    "type": PydanticCustomError("plan_placeholder", "chỗ điền «{name}» {why}",
                                                {"name": "{" + name + "}", "why": why}),
                    "loc": loc,
                    "input": text,
                })

        def walk(value, loc: tuple, context: set[str]) -> None:
            if isinstance(value, str):
                check(value, loc, context)
            elif isinstance(value, BaseModel):
                for key in type(value).model_fields:
                    walk(getattr(value, key), loc + (key,), _CONTEXT_NAMES.get(key, set()))
            elif isinstance(value, dict):
                for key, item in value.items():
                    walk(item, loc + (key,), context)
            elif isinstance(value, (list, tuple)):
                for i, item in enumerate(value):
                    walk(item, loc + (i,), context)

        if self.plan_text is not None:
            walk(self.plan_text, ("plan_text",), set())
        for i, task in enumerate(self.tasks):
            check(task.text, ("tasks", i, "text"), set())
        if errors:
            raise ValidationError.from_exception_data("Plan", errors)
        return self

    @classmethod
    def from_data(cls, data: dict) -> "Plan":
        """Validate plan.yaml's data, then fill the tasks' placeholders."""
        return cls.model_validate(data).with_placeholders_filled()

    def placeholder_values(self) -> dict[str, str]:
        """What {name} stands for in plan text: "year", and each indicator with a
        number as target by its code ("TTHC-02" -> "100%", "TC-01" -> "02")."""
        values = {"year": str(self.year)}
        for ind in self.indicators:
            if ind.target is not None and not isinstance(ind.target, bool):
                values[ind.code] = format_target(ind)
        return values

    def with_placeholders_filled(self) -> "Plan":
        """The plan with each task's {CODE} and {year} filled in, so everyone
        downstream (forms, reports, the plan's appendix) reads the final text."""
        values = self.placeholder_values()
        filled = [
            task.model_copy(update={"text": fill_placeholders(task.text, values)}) if "{" in task.text else task
            for task in self.tasks
        ]
        return self.model_copy(update={"tasks": filled})

    # lookups
    def window(self, period: str) -> Window:
        """The data cut-off window of `period`; an input error when the plan has none."""
        if period not in self.periods:
            raise InputError([Problem(
                f"plan.yaml không có khoảng thời gian chốt số liệu cho kỳ «{period}»",
                expected=f"khóa periods.{period} với start, end, due_before",
            )])
        return self.periods[period]

    def department(self, code: str) -> Department | None:
        return next((d for d in self.departments if d.code == code), None)

    def indicator(self, code: str) -> Indicator | None:
        return next((i for i in self.indicators if i.code == code), None)

    @property
    def department_codes(self) -> list[str]:
        return [d.code for d in self.departments]


def _column_key(text: str) -> str:
    """A column name compared ignoring case, spaces and a trailing colon."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text)).casefold().rstrip(":")


class _DecimalLoader(yaml.SafeLoader):
    """Reads floats as Decimal, so a target of 0.3 is exactly 3/10."""


_SPECIAL_FLOATS = {".inf": "Infinity", "+.inf": "Infinity", "-.inf": "-Infinity", ".nan": "NaN"}


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    text = loader.construct_scalar(node).replace("_", "")
    # .inf / .nan (any case) are YAML floats too: kept as such, refused by the
    # schema with the key and line, never an exception here
    return Decimal(_SPECIAL_FLOATS.get(text.lower(), text))


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.Node):
    """A date YAML recognises by its form but the calendar does not have
    (2024-02-30): kept as the text written, so the schema refuses it naming the
    key and line (PyYAML itself would raise a bare ValueError)."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_DecimalLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _duplicate_keys(root: yaml.Node | None, where: str) -> list[Problem]:
    """Keys written twice in one mapping (a second `6m:` window): YAML would keep
    the last silently. One problem per repeat, naming both lines."""
    problems: list[Problem] = []
    stack: list[tuple[yaml.Node, tuple]] = [(root, ())] if root is not None else []
    seen_nodes: set[int] = set()
    while stack:
        node, path = stack.pop()
        if id(node) in seen_nodes:  # an alias points at a node already walked
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[str, yaml.Node] = {}
            for key, value in node.value:
                name = key.value if isinstance(key, yaml.ScalarNode) else None
                if name is not None and name != "<<":
                    if name in first:
                        line1, line2 = first[name].start_mark.line + 1, key.start_mark.line + 1
                        problems.append(Problem(
                            f"khóa «{_path_text((*path, name))}» được ghi hai lần (dòng {line1} và dòng {line2}); "
                            "chương trình không đoán lần nào đúng",
                            Location(file=where, row=line2),
                            expected=f"giữ một trong hai và xóa (hoặc đổi tên) khóa ở dòng {line1} hoặc {line2}",
                            code="plan_duplicate_key",
                        ))
                    else:
                        first[name] = key
                stack.append((value, (*path, name)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*path, i)) for i, item in enumerate(node.value))
    problems.sort(key=lambda p: p.where.row or 0)
    return problems


def _line_of(root: yaml.Node | None, path: tuple) -> int | None:
    """The line (1-based) of the deepest node of `path` found in the YAML tree."""
    node, line = root, None
    for key in path:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == str(key)), None)
            if match is None:
                match = next((k for k, v in node.value if k.value == str(key)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            match = node.value[key]
        else:
            match = None
        if match is None:
            break
        node, line = match, match.start_mark.line + 1
    return line


def _path_text(path: tuple) -> str:
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text or "(gốc)"


_PYDANTIC_VI = {
    "missing": "thiếu khóa bắt buộc",
    "extra_forbidden": "khóa không được biết (gõ sai tên?)",
    "literal_error": "giá trị không hợp lệ",
    "date_from_datetime_parsing": "không phải ngày hợp lệ (YYYY-MM-DD)",
    "date_parsing": "không phải ngày hợp lệ (YYYY-MM-DD)",
    "date_type": "không phải ngày hợp lệ (YYYY-MM-DD)",
    "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên",
    "string_type": "phải là chuỗi ký tự",
    "list_type": "phải là một danh sách",
    "dict_type": "phải là một bảng khóa: giá trị",
    "model_type": "phải là một bảng khóa: giá trị",
    "greater_than_equal": "nhỏ hơn mức cho phép",
    "greater_than": "phải lớn hơn mức tối thiểu cho phép",
    "float_parsing": "phải là một số",
    "less_than_equal": "lớn hơn mức cho phép",
    "too_short": "không được để trống",
}


def load_plan(path: Path) -> Plan:
    """Read and validate plan.yaml; every problem at once, as InputError."""
    path = Path(path)
    where = str(path)
    try:
        # NFC: a plan typed with decomposed accents (NFD, as some editors and macOS
        # save) must read, match codes and name things exactly as one in NFC.
        # Bidirectional controls removed (text_controls): they would reorder the
        # documents' own words after a name or a task.
        text = strip_bidi(unicodedata.normalize("NFC", path.read_text(encoding="utf-8-sig")))
    except FileNotFoundError:
        raise InputError([Problem("không tìm thấy tệp kế hoạch plan.yaml", Location(file=where))])
    except OSError as exc:
        from .system_errors import describe

        raise InputError([Problem(f"không đọc được tệp kế hoạch: {describe(exc)}", Location(file=where))])
    except UnicodeDecodeError as exc:
        raise InputError([Problem(f"không đọc được tệp kế hoạch ({exc})", Location(file=where))])
    try:
        root = yaml.compose(text, Loader=_DecimalLoader)
        data = yaml.load(text, Loader=_DecimalLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError([
            Problem(
                f"tệp YAML sai cú pháp: {getattr(exc, 'problem', exc)}",
                Location(file=where, row=mark.line + 1 if mark else None),
                expected="kiểm tra thụt đầu dòng, dấu hai chấm và dấu ngoặc kép",
            )
        ])
    duplicates = _duplicate_keys(root, where)
    if duplicates:
        raise InputError(duplicates)
    if not isinstance(data, dict):
        raise InputError([Problem("tệp kế hoạch phải là một bảng khóa: giá trị", Location(file=where))])
    try:
        plan = Plan.from_data(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "bool", "decimal"))))
            message = _PYDANTIC_VI.get(err["type"], err["msg"])
            if err["type"].startswith("value_error"):
                message = str(err.get("ctx", {}).get("error", err["msg"]))
            if err["type"] == "literal_error":
                message += "; cần một trong: " + str(err["ctx"]["expected"]).replace(" or ", ", ")
            found = err.get("input")
            problems.append(
                Problem(
                    f"khóa «{_path_text(loc)}»: {message}",
                    Location(file=where, row=_line_of(root, loc)),
                    found=None if isinstance(found, (dict, list)) or err["type"] == "missing" else str(found),
                    code="plan_schema",
                )
            )
        raise InputError(problems)
    return plan


# Image keys of the plan: paths relative to the plan's folder (digital signatures).
IMAGE_KEYS = (("signer", "signature_image"), ("organization", "seal_image"))


def image_path(plan: Plan, plan_file: Path, key: tuple[str, str]) -> Path | None:
    """The file an image key names, resolved against the plan's folder (None when unset)."""
    value = getattr(getattr(plan, key[0]), key[1])
    return (Path(plan_file).parent / value) if value else None


def check_image_files(plan: Plan, path: Path) -> None:
    """Every image key names a file that exists and can be read; otherwise an
    InputError naming the key and its line. Called where the images are used
    (signing), not on every load: a plan copied for a new year without its
    images still makes reports."""
    path = Path(path)
    try:
        root = yaml.compose(unicodedata.normalize("NFC", path.read_text(encoding="utf-8-sig")), Loader=_DecimalLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        root = None
    problems = []
    for key in IMAGE_KEYS:
        target = image_path(plan, path, key)
        if target is None:
            continue
        try:
            with open(target, "rb") as fh:
                fh.read(1)
        except OSError as exc:
            why = "không tìm thấy tệp" if isinstance(exc, FileNotFoundError) else f"không đọc được tệp ({exc.strerror or exc})"
            problems.append(Problem(
                f"khóa «{'.'.join(key)}»: {why} ảnh «{target}» (đường dẫn tính từ thư mục của plan.yaml)",
                Location(file=str(path), row=_line_of(root, key)),
                code="plan_schema",
            ))
    if problems:
        raise InputError(problems)
