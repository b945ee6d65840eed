"""The document model: what both renderers (.docx and PDF) are fed.

Everything here is final text, already formatted in Vietnamese (numbers, dates,
punctuation of Nơi nhận, the body's closing "./."). Renderers only lay it out, so
the Word file and the PDF can never disagree. Templates own the layout; this
module owns nothing but the shape of a document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Optional, Union

ParagraphStyle = Literal[
    "heading1",  # "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC": capitals, bold
    "heading2",  # "1. Cải cách thể chế": bold
    "heading3",  # "a) Chỉ tiêu": upright (bold when the source has it so)
    "body",  # justified, first-line indent
    "bullet",  # "- ...": a body paragraph that starts with a dash (text holds the dash)
    "note",  # italic, centred: "(Chi tiết ... kèm theo)"
]


@dataclass(frozen=True)
class Run:
    """A stretch of text with its emphasis, inside a paragraph."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]
    style: ParagraphStyle = "body"

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)

    @classmethod
    def of(cls, text: str, style: ParagraphStyle = "body", *, bold: bool = False, italic: bool = False) -> "Paragraph":
        return cls((Run(text, bold=bold, italic=italic),), style)


@dataclass(frozen=True)
class Header:
    """The two-column header block."""

    parent: Optional[str]  # cơ quan chủ quản, "UBND TỈNH HẢI DƯƠNG" (None: left out)
    agency: str  # cơ quan ban hành, "BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP"
    number: str  # "Số:      /BC-KCN" (draft) or "Số: 07/BC-KCN"
    place_date: str  # "Hải Dương, ngày      tháng 6 năm 2024"
    motto_country: str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    motto: str = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class Signature:
    title_lines: tuple[str, ...]  # ("KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN") or ("TRƯỞNG BAN",)
    name: str


@dataclass(frozen=True)
class IndicatorLine:
    stt: str  # "1"
    name: str
    target: str  # "≥ 100%", "Có", "—"
    result: str  # "98,5%", "12", "Có", "Chưa có số liệu"
    assessment: str  # Đạt / Chưa đạt / Chưa có số liệu / "" (no target)
    met: Optional[bool] = None  # for emphasis (e.g. bold "Chưa đạt"); None: not judged


@dataclass(frozen=True)
class IndicatorGroup:
    title: str  # "1. Công tác chỉ đạo, điều hành"
    lines: tuple[IndicatorLine, ...]


@dataclass(frozen=True)
class IndicatorTable:
    """Phụ lục I: STT · Chỉ tiêu · Kế hoạch · Kết quả kỳ báo cáo · Đánh giá."""

    groups: tuple[IndicatorGroup, ...]
    kind: Literal["indicators"] = "indicators"


@dataclass(frozen=True)
class DossierLine:
    """A row of Phụ lục II, every cell already formatted ("1.234")."""

    stt: str  # "1"; "" on the total row
    name: str  # department name, or "Tổng cộng"
    total: str  # Số hồ sơ nhận giải quyết: Tổng số
    online: str  # Trong kỳ: Trực tuyến
    direct_postal: str  # Trong kỳ: Trực tiếp, bưu chính
    carried_over: str  # Từ kỳ trước chuyển sang
    resolved: str  # Số hồ sơ đã giải quyết: Tổng số
    early: str
    on_time: str
    late: str
    pending: str  # Số hồ sơ đang giải quyết: Tổng số
    pending_in_time: str
    pending_overdue: str


@dataclass(frozen=True)
class DossierTable:
    """Phụ lục II: one row per department and a total row, two-level header."""

    lines: tuple[DossierLine, ...]
    total: DossierLine
    kind: Literal["dossiers"] = "dossiers"


@dataclass(frozen=True)
class TaskLine:
    """A task of the plan's appendix, every cell already final."""

    stt: str  # "1.1"
    code: str  # Mã nhiệm vụ, "CDDH-NV01" (the departments quote it in their submissions)
    text: str  # Nội dung nhiệm vụ, without emphasis markers
    owner: str  # Đơn vị chủ trì: the department's name ("" when the task names none)
    deadline: str  # Thời gian hoàn thành: "Quý I", or "Trong năm 2024"


@dataclass(frozen=True)
class TaskGroup:
    title: str  # "1. Công tác chỉ đạo, điều hành"
    lines: tuple[TaskLine, ...]


@dataclass(frozen=True)
class TaskTable:
    """The plan's Phụ lục: STT · Mã nhiệm vụ · Nội dung nhiệm vụ · Đơn vị chủ trì ·
    Thời gian hoàn thành, grouped by area."""

    groups: tuple[TaskGroup, ...]
    kind: Literal["tasks"] = "tasks"


@dataclass(frozen=True)
class Appendix:
    label: str  # "Phụ lục I"
    title: str  # "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CCHC"
    note: str  # "(Kèm theo Báo cáo số      /BC-KCN ngày ... của ...)"
    table: Union[IndicatorTable, DossierTable, TaskTable]
    landscape: bool = False


@dataclass(frozen=True)
class PageSetup:
    """Millimetres; defaults are the decree's defaults (format-nd30.md)."""

    margin_top: float = 20
    margin_bottom: float = 20
    margin_left: float = 30
    margin_right: float = 15
    body_size: float = 14


@dataclass(frozen=True)
class Metadata:
    title: str  # "Báo cáo kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024"
    author: str  # the agency
    subject: str
    language: str = "vi"
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    kind: Literal["BC", "KH"]  # báo cáo, kế hoạch
    header: Header
    doc_type: str  # "BÁO CÁO", "KẾ HOẠCH"
    subject: tuple[str, ...]  # trích yếu, one or more lines
    body: tuple[Paragraph, ...]
    signature: Signature
    recipients: tuple[str, ...]  # "- UBND tỉnh (để b/c);" ... "- Lưu: VT, VP."
    meta: Metadata
    kinh_gui: tuple[str, ...] = ()  # "Kính gửi: ..." lines, empty when none
    appendices: tuple[Appendix, ...] = ()
    page: PageSetup = field(default_factory=PageSetup)

    def plain_text(self) -> list[str]:
        """Every line of text in reading order: for tests comparing renderings."""
        lines = [x for x in (self.header.parent, self.header.agency, self.header.motto_country,
                             self.header.motto, self.header.number, self.header.place_date) if x]
        lines += [self.doc_type, *self.subject, *self.kinh_gui]
        lines += [p.text for p in self.body]
        lines += ["Nơi nhận:", *self.recipients, *self.signature.title_lines, self.signature.name]
        for a in self.appendices:
            lines += [a.label, a.title, a.note]
        return lines
