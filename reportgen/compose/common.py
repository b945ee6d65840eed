"""Pieces every document of the agency shares: header block, Kính gửi, signature,
Nơi nhận, page setup, references to a document ("Báo cáo số 07/BC-KCN ngày ...")
and small text helpers.

Generic on purpose: the periodic report (BC) and the year's plan (KH) both use
them, and nothing here knows the sample agency. Everything comes from the plan.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Iterable, Optional

from ..plan import Plan
from .. import vi_format
from .model import Header, PageSetup, Signature

# Names of the document types of Phụ lục III of Nghị định 30, as they read in
# running text ("Thực hiện Kế hoạch số ...", "Kèm theo Báo cáo số ...").
TYPE_NAMES = {
    "BC": "Báo cáo",
    "KH": "Kế hoạch",
    "QĐ": "Quyết định",
    "TB": "Thông báo",
    "TTr": "Tờ trình",
    "CTr": "Chương trình",
    "HD": "Hướng dẫn",
    "CV": "Công văn",
}


# ---------------------------------------------------------------- header block

def number_line(plan: Plan, type_code: str, issue=None) -> str:
    """'Số:      /BC-KCN' for a draft, 'Số: 07/BC-KCN' once issued."""
    return vi_format.document_number(type_code, plan.organization.code, issue.number if issue else None)


def place_date_line(plan: Plan, issue=None, *, draft_date: Optional[dt.date] = None) -> str:
    """The place-and-date line.

    - issued (`issue` given): the full date, 'Hải Dương, ngày 05 tháng 02 năm 2024';
    - draft with `draft_date`: day left blank, month and year of `draft_date`
      ('Hải Dương, ngày      tháng 6 năm 2024');
    - draft without `draft_date`: day and month blank, the plan's year.
    """
    return vi_format.date_line(plan.organization.place, issue.date if issue is not None else None,
                               month_of=draft_date, year=plan.year)


def header(plan: Plan, type_code: str, issue=None, *, draft_date: Optional[dt.date] = None) -> Header:
    """The two-column header block of any document of the agency.

    `type_code` is the ký hiệu's type ("BC", "KH", ...); `issue` (pipeline.Issue:
    number, date) fills number and date; a draft leaves them blank, showing the
    month and year of `draft_date` (see `place_date_line`). The parent agency is
    left out (None) when the plan has none.
    """
    org = plan.organization
    parent = org.parent.strip() if org.parent and org.parent.strip() else None
    return Header(
        parent=parent,
        agency=org.name.strip(),
        number=number_line(plan, type_code, issue),
        place_date=place_date_line(plan, issue, draft_date=draft_date),
    )


def document_reference(plan: Plan, type_code: str, issue=None, *, draft_date: Optional[dt.date] = None,
                       with_agency: bool = True, number=None, date: Optional[dt.date] = None) -> str:
    """'Báo cáo số 07/BC-KCN ngày 12/6/2024 của Ban Quản lý các khu công nghiệp'.

    A draft: 'Báo cáo số      /BC-KCN ngày      tháng 6 năm 2024 của ...' (blanks
    for the văn thư; month and year of `draft_date`, or blank month without it).
    `number` and `date` may be given instead of `issue` (a document known by its
    number or its date alone, as the plan's own in plan_document).
    Used for the appendix note "(Kèm theo ...)".
    """
    name = TYPE_NAMES.get(type_code, type_code)
    if issue is not None:
        number, date = issue.number, issue.date
    symbol = vi_format.symbol_number(number, type_code, plan.organization.code)
    day = f"ngày {vi_format.date(date)}" if date is not None else vi_format.date_words(
        month_of=draft_date, year=plan.year)
    text = f"{name} số{'' if symbol.startswith(vi_format.BLANK) else ' '}{symbol} {day}"
    if with_agency:
        text += f" của {plan.organization.text_name}"
    return text


def appendix_note(plan: Plan, type_code: str, issue=None, *, draft_date: Optional[dt.date] = None) -> str:
    """'(Kèm theo Báo cáo số      /BC-KCN ngày      tháng 6 năm 2024 của ...)'."""
    return f"(Kèm theo {document_reference(plan, type_code, issue, draft_date=draft_date)})"


# ---------------------------------------------------------------- Kính gửi

def kinh_gui(names: Iterable[str]) -> tuple[str, ...]:
    """The Kính gửi lines (Nghị định 30).

    - none: () - the document has no Kính gửi;
    - one: ('Kính gửi: UBND tỉnh Hải Dương',) - a single line, no final stop;
    - several: ('Kính gửi:', '- UBND tỉnh Hải Dương;', '- Sở Nội vụ tỉnh Hải Dương.')
      - the first element is the label alone, then one '- …;' line per recipient,
      the last ending with '.'. Renderers put the label and the list side by side
      (the list's dashes aligned) or the list under the label.

    Whatever punctuation or dash the plan typed is replaced (vi_format.list_item,
    the same rule as Nơi nhận).
    """
    cleaned = [t for t in (vi_format.list_item(n) for n in names) if t]
    if not cleaned:
        return ()
    if len(cleaned) == 1:
        return (f"Kính gửi: {cleaned[0]}",)
    return ("Kính gửi:", *vi_format.list_lines(cleaned))


# ---------------------------------------------------------------- signature, Nơi nhận, page

def signature(plan: Plan, signer=None) -> Signature:
    """Signer's title lines in capitals ('KT. TRƯỞNG BAN', 'PHÓ TRƯỞNG BAN') and
    name; `signer` (a plan.Signer, e.g. plan_text.signer) overrides plan.signer."""
    signer = signer or plan.signer
    lines = tuple(line.upper() for line in signer.title_lines)
    return Signature(title_lines=lines, name=signer.name.strip())


def recipients(plan: Plan, items: Optional[Iterable[str]] = None) -> tuple[str, ...]:
    """Nơi nhận: '- UBND tỉnh (để b/c);' ... '- Lưu: VT, VP.'.

    From `items` (e.g. plan_text.recipients) or plan.recipients, in order; the
    filing line ('Lưu: ...') goes last, and is added ('- Lưu: VT.') when the list
    has none (Nghị định 30 requires it).
    """
    source = plan.recipients if items is None else list(items)
    items = [r for r in source if r and r.strip()]
    if not any(vi_format.list_item(r).lower().startswith("lưu") for r in items):
        items.append("Lưu: VT")
    else:
        # the filing line goes last, whatever the order typed
        filing = [r for r in items if vi_format.list_item(r).lower().startswith("lưu")]
        items = [r for r in items if r not in filing] + filing[-1:]
    return vi_format.list_lines(items)


def page_setup(plan: Plan) -> PageSetup:
    f = plan.format
    return PageSetup(margin_top=f.margin_top, margin_bottom=f.margin_bottom, margin_left=f.margin_left,
                     margin_right=f.margin_right, body_size=f.body_size)


def agency_intro(plan: Plan) -> str:
    """The agency's name at first mention, with its short form when it has one:
    'Ban Quản lý các khu công nghiệp (Ban)'."""
    org = plan.organization
    name, short = org.text_name, org.short
    return name if short == name else f"{name} ({short})"


# ---------------------------------------------------------------- text helpers

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", str(text))


def clean(text: str | None) -> str:
    """Trim, NFC and collapse runs of white space (department text as typed)."""
    if text is None:
        return ""
    return _SPACES.sub(" ", nfc(text)).strip()


def text_key(text: str | None) -> str:
    """A key to detect the same sentence typed twice: NFC, case, white space,
    leading dash and trailing punctuation ignored."""
    t = clean(text).casefold()
    t = t.lstrip("-–+•* ").rstrip(" .;,:!…")
    return t


def as_sentence(text: str | None) -> str:
    """A department's text as a sentence: no leading dash, capital first letter,
    a final stop (a trailing ';' or ',' replaced)."""
    t = clean(text).lstrip("-–+•* ").strip()
    t = t.rstrip(" ;,:")
    if not t:
        return ""
    t = capitalize_first(t)
    if not t.endswith((".", "!", "?", "…")):
        t += "."
    return t


def as_clause(text: str | None) -> str:
    """A department's text to go inside a sentence: no dash, no final stop."""
    t = clean(text).lstrip("-–+•* ").strip()
    return t.rstrip(" .;,:")


_SENTENCE_END = re.compile(r"[.!?]\s+(?=[^\W\d_])")


def first_sentence(text: str | None) -> str:
    """The first sentence of a longer text (up to a stop followed by a capital
    letter), without its final stop: a plan task named in a list."""
    t = as_clause(text)
    for match in _SENTENCE_END.finditer(t):
        following = t[match.end():match.end() + 1]
        if following.isupper():
            return t[:match.start()].rstrip(" .;,:")
    return t


# plan.yaml's emphasis: **bold**, *italic*. A star opens when a non-space follows
# it and closes when a non-space precedes it, also inside a word ("a*b*c": b in
# italic); stars that open or close nothing stay as typed ("5 * 3").
_EMPHASIS = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|\*(?=[^\s*])([^*]*?)(?<=[^\s*])\*")


def emphasis(text: str | None) -> tuple[tuple[str, bool, bool], ...]:
    """plan.yaml text as (text, bold, italic) pieces: the one parser of its
    emphasis markup, for the plan's paragraphs (runs) and for plain text alike."""
    text = text or ""
    out: list[tuple[str, bool, bool]] = []
    position = 0
    for match in _EMPHASIS.finditer(text):
        if match.start() > position:
            out.append((text[position:match.start()], False, False))
        if match.group(1) is not None:
            out.append((match.group(1), True, False))
        else:
            out.append((match.group(2), False, True))
        position = match.end()
    if position < len(text):
        out.append((text[position:], False, False))
    return tuple(out)


def plain(text: str | None) -> str:
    """Plan text without its **bold** / *italic* markers (plan.yaml's emphasis)."""
    return "".join(piece for piece, _, _ in emphasis(text))


def capitalize_first(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def lower_first(text: str) -> str:
    """'Tỷ lệ hồ sơ' -> 'tỷ lệ hồ sơ'; an acronym ('TTHC', 'UBND') is kept."""
    if len(text) >= 2 and text[0].isupper() and text[1].isupper():
        return text
    return text[:1].lower() + text[1:] if text else text


def join_names(names: list[str]) -> str:
    """'A', 'A và B', 'A, B và C'; with a comma inside a name: 'A; B; C'."""
    names = [n for n in names if n]
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    if any("," in n for n in names):
        return "; ".join(names)
    return ", ".join(names[:-1]) + " và " + names[-1]


def department_name(plan: Plan, code: str) -> str:
    dept = plan.department(code)
    return dept.name if dept else code


def close_body(text: str) -> str:
    """The body's last paragraph with the closing './.' of the decree's samples."""
    t = text.rstrip()
    if t.endswith("./."):
        return t
    t = t.rstrip(" .;,:")
    return t + "./."
