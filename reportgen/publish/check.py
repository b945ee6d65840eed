"""Checking an edited draft (`make check`, and `make archive` before issuing).

`check_draft` compares the draft the clerk saved with what the tool wrote (the
draft's record) and with what the data gives now (a fresh rendering handed in by
the pipeline), by text, paragraph by paragraph:

- paragraphs are matched by their words with every number masked (so a
  paragraph whose figure was changed still matches its original; one with a
  sentence added matches the most similar original);
- inside a matched paragraph the numbers are compared word by word: a number
  replaced is "changed", one gone "removed", one more "added"; numbers of a
  paragraph with no original are "added", of an original with no paragraph left
  "removed";
- the văn thư's elements (`Số:` line, place-and-date line, type name, trích
  yếu, the signer's title and name, `Nơi nhận`) must be there: a missing one is
  an error (the draft cannot be issued), an odd one a warning.

Nothing here reads the inputs or runs a stage: the caller hands the fresh
.docx bytes, figures and input hashes.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal, Optional

from .. import vi_format
from .draft_record import flat_figures, lines_of
from .draft_text import (
    Block,
    comparable,
    docx_blocks,
    first_words,
    is_date_line,
    is_number_line,
    masked,
    normalize,
    tokens,
)

SIMILAR = 0.6  # two paragraphs with at least this share of words in common are one paragraph edited


@dataclass(frozen=True)
class NumberDiff:
    kind: Literal["changed", "removed", "added"]
    paragraph: str  # first words of the paragraph: the draft's, the original's for "removed"
    written: Optional[str]  # in the draft (None: removed)
    expected: Optional[str]  # by the data (None: added by hand)
    figures: tuple[str, ...] = ()  # figures.json paths behind `expected`

    def as_json(self) -> dict:
        return {"kind": self.kind, "paragraph": self.paragraph, "written": self.written,
                "data": self.expected, "figures": list(self.figures)}

    def describe(self) -> str:
        where = f"đoạn «{self.paragraph}»"
        shown = ", ".join(self.figures[:3]) + (", …" if len(self.figures) > 3 else "")
        behind = f" (số liệu: {shown})" if self.figures else ""
        if self.kind == "changed":
            return f"{where}: viết {self.written}, số liệu cho {self.expected}{behind}."
        if self.kind == "removed":
            return f"{where}: đã xóa số {self.expected}{behind}."
        return f"{where}: thêm số {self.written} (không có trong số liệu)."


@dataclass(frozen=True)
class Element:
    name: str  # 'dòng «Số:»'
    problem: str  # '' when fine
    error: bool = False


@dataclass
class DraftCheck:
    draft: str  # the file checked
    record_found: bool
    hand: list[NumberDiff] = field(default_factory=list)  # the draft against what the tool wrote / the data
    inputs_changed: dict[str, list[str]] = field(default_factory=lambda: {"changed": [], "added": [], "removed": []})
    figures_changed: list[tuple[str, object, object]] = field(default_factory=list)  # path, in draft, now
    stale: list[NumberDiff] = field(default_factory=list)  # the draft's numbers the new data changes
    elements: list[Element] = field(default_factory=list)

    @property
    def changed_inputs(self) -> list[str]:
        return [*self.inputs_changed["changed"], *self.inputs_changed["added"], *self.inputs_changed["removed"]]

    @property
    def errors(self) -> list[str]:
        return [f"{e.name}: {e.problem}" for e in self.elements if e.error]

    def inputs_lines(self) -> list[str]:
        out = []
        labels = {"changed": "đã sửa", "added": "mới thêm", "removed": "đã xóa hoặc đổi tên"}
        for kind, files in self.inputs_changed.items():
            for name in files:
                out.append(f"tệp «{name}» {labels[kind]} sau khi tạo dự thảo.")
        for path, before, now in self.figures_changed:
            if _shown(before, path) == _shown(now, path):
                continue  # a change below what the report shows (a rate's further decimals)
            out.append(f"số liệu {path}: trong dự thảo {_shown(before, path)}, dữ liệu hiện nay {_shown(now, path)}.")
        out += [d.describe() for d in self.stale]
        return out


def _shown(value, path: str = "") -> str:
    """A figure of figures.json as the report writes it: '1.756', '96,7%'."""
    if value is None:
        return "không có"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, float) and path.startswith(("indicators.", "comparison.")) and path.endswith(".value"):
        return vi_format.percent(Fraction(value).limit_denominator(10**9))
    if isinstance(value, (int, float)):
        return vi_format.number(value)
    return str(value)


# ------------------------------------------------------------------ comparing texts


def _pair_numbers(written: list[str], expected: list[tuple[str, tuple]], where_written: str,
                  where_expected: str) -> list[NumberDiff]:
    out = []
    for i in range(max(len(written), len(expected))):
        w = written[i] if i < len(written) else None
        e, figs = expected[i] if i < len(expected) else (None, ())
        if w is not None and e is not None:
            if w != e:
                out.append(NumberDiff("changed", where_written, w, e, figs))
        elif e is not None:
            out.append(NumberDiff("removed", where_expected, None, e, figs))
        elif w is not None:
            out.append(NumberDiff("added", where_written, w, None))
    return out


def _compare_line(written: str, expected: str, figures: list[tuple[str, ...]]) -> list[NumberDiff]:
    """Numbers of one paragraph as edited against the same paragraph as made."""
    a, b = tokens(written), tokens(expected)
    where_w, where_e = first_words(written), first_words(expected)
    b_numbers = [i for i, t in enumerate(b) if t[0] == "#"]
    figs_of = {pos: (figures[k] if k < len(figures) else ()) for k, pos in enumerate(b_numbers)}
    key = lambda t: "#" if t[0] == "#" else t[1]  # noqa: E731
    matcher = difflib.SequenceMatcher(None, [key(t) for t in a], [key(t) for t in b], autojunk=False)
    out: list[NumberDiff] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        ws = [a[i][1] for i in range(i1, i2) if a[i][0] == "#"]
        es = [(b[j][1], tuple(figs_of.get(j, ()))) for j in range(j1, j2) if b[j][0] == "#"]
        out += _pair_numbers(ws, es, where_w, where_e)
    return out


def compare_lines(written: list[str], expected: list[str], figures: list[list[tuple[str, ...]]] | None = None
                  ) -> list[NumberDiff]:
    """Every number of `written` (the draft's lines) that differs from `expected`
    (the lines as made from the data), see the module's docstring. `figures[i]`
    are the figure paths behind each number of expected[i]."""
    figures = figures or [[] for _ in expected]
    ka, kb = [masked(t) for t in written], [masked(t) for t in expected]
    matcher = difflib.SequenceMatcher(None, ka, kb, autojunk=False)
    out: list[NumberDiff] = []

    lone_written: list[int] = []  # paragraphs of the draft with no original
    lone_expected: list[int] = []  # originals with no paragraph in the draft

    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2)):
                if written[i] != expected[j]:
                    out += _compare_line(written[i], expected[j], figures[j])
        elif op == "delete":
            lone_written += range(i1, i2)
        elif op == "insert":
            lone_expected += range(j1, j2)
        else:  # replace: pair each original with its most similar edited paragraph, in order
            pairs: dict[int, int] = {}
            start = i1
            for j in range(j1, j2):
                best, best_ratio = None, SIMILAR
                for i in range(start, i2):
                    ratio = difflib.SequenceMatcher(None, ka[i].split(), kb[j].split(), autojunk=False).ratio()
                    if ratio >= best_ratio:
                        best, best_ratio = i, ratio
                if best is not None:
                    pairs[best] = j
                    start = best + 1
            lone_written += [i for i in range(i1, i2) if i not in pairs]
            matched = set(pairs.values())
            lone_expected += [j for j in range(j1, j2) if j not in matched]
            for i, j in sorted(pairs.items()):
                out += _compare_line(written[i], expected[j], figures[j])
    # a paragraph moved elsewhere (a table, a section) is the same paragraph
    moved: dict[int, int] = {}
    for i in lone_written:
        j = next((j for j in lone_expected if j not in moved.values() and kb[j] == ka[i]), None)
        if j is not None:
            moved[i] = j
            out += _compare_line(written[i], expected[j], figures[j])
    for i in lone_written:
        if i not in moved:
            out.extend(NumberDiff("added", first_words(written[i]), n, None) for n, _ in _numbers_with(written[i], []))
    for j in lone_expected:
        if j not in moved.values():
            out.extend(NumberDiff("removed", first_words(expected[j]), None, n, tuple(f))
                       for n, f in _numbers_with(expected[j], figures[j]))
    return out


def _numbers_with(text: str, figures: list) -> list[tuple[str, tuple]]:
    found = [value for kind, value in tokens(text) if kind == "#"]
    return [(n, tuple(figures[k]) if k < len(figures) else ()) for k, n in enumerate(found)]


# ------------------------------------------------------------------ the văn thư's elements


def check_elements(blocks: list[Block], doc, agency_code: str) -> list[Element]:
    """Are the elements the văn thư needs still there? `doc` is the freshly
    composed document model (type name, trích yếu, signer, as the plan says)."""
    paragraphs = [p for b in blocks for p in b.paragraphs]
    folded = [p.casefold() for p in paragraphs]
    out: list[Element] = []

    numbers = [p for p in paragraphs if is_number_line(p)]
    if not numbers:
        out.append(Element("dòng «Số:»", "không còn trong dự thảo: văn thư không có chỗ ghi số văn bản. "
                           f"Thêm lại dòng «Số:      /{doc.kind}-{agency_code}» ở đầu văn bản.", True))
    elif not re.match(rf"^Số\s*:\s*(\d+)?\s*/\s*{re.escape(doc.kind)}-{re.escape(agency_code)}$", numbers[0]):
        out.append(Element("dòng «Số:»", f"«{numbers[0]}» không đúng dạng «Số: …/{doc.kind}-{agency_code}».", False))

    if not any(is_date_line(p) for p in paragraphs):
        out.append(Element("dòng địa danh, ngày tháng", "không còn trong dự thảo (cần dạng "
                           f"«{doc.header.place_date}»).", True))

    type_name = doc.doc_type.casefold()
    if type_name not in folded:
        out.append(Element("tên loại văn bản", f"không tìm thấy dòng «{doc.doc_type}».", True))
    else:
        subject = " ".join(doc.subject)
        if not any(normalize(subject).casefold() == f for f in folded):
            after = folded.index(type_name) + 1
            if after < len(paragraphs) and paragraphs[after].strip():
                out.append(Element("trích yếu", f"đã sửa thành «{paragraphs[after]}» (bản gốc: «{subject}»).", False))
            else:
                out.append(Element("trích yếu", f"không tìm thấy «{subject}».", True))

    text = " ".join(folded)
    for line in doc.signature.title_lines:
        if normalize(line).casefold() not in text:
            out.append(Element("chức vụ người ký", f"không tìm thấy «{line}».", True))
    if normalize(doc.signature.name).casefold() not in text:
        out.append(Element("họ tên người ký", f"không tìm thấy «{doc.signature.name}».", True))
    if not any(f.startswith("nơi nhận") for f in folded):
        out.append(Element("«Nơi nhận»", "không còn trong dự thảo.", True))
    return out


# ------------------------------------------------------------------ the whole check


def _diff_inputs(made: dict[str, str], now: dict[str, str]) -> dict[str, list[str]]:
    return {
        "changed": sorted(k for k in made if k in now and now[k] != made[k]),
        "added": sorted(k for k in now if k not in made),
        "removed": sorted(k for k in made if k not in now),
    }


def _diff_figures(made: dict, now: dict) -> list[tuple[str, object, object]]:
    a, b = flat_figures(made), flat_figures(now)
    return [(k, a.get(k), b.get(k)) for k in [*a, *(k for k in b if k not in a)] if a.get(k) != b.get(k)]


def check_draft(draft: bytes, draft_name: str, record: dict | None, *, fresh_docx: bytes, fresh_figures: dict,
                fresh_inputs: dict[str, str], doc, agency_code: str) -> DraftCheck:
    """The draft (bytes of the edited .docx) against its record and the data now.
    Raises draft_text.DraftUnreadable when it is not a readable .docx."""
    blocks = docx_blocks(draft)
    written = [comparable(b) for b in blocks]
    fresh = lines_of(fresh_docx, fresh_figures)
    result = DraftCheck(draft=draft_name, record_found=record is not None)
    result.elements = check_elements(blocks, doc, agency_code)
    if record is None:
        result.hand = compare_lines(written, [l["text"] for l in fresh],
                                    [[tuple(n["figures"]) for n in l["numbers"]] for l in fresh])
        return result
    made = record["lines"]
    result.hand = compare_lines(written, [l["text"] for l in made],
                                [[tuple(n["figures"]) for n in l["numbers"]] for l in made])
    result.inputs_changed = _diff_inputs(record["inputs"], fresh_inputs)
    if result.changed_inputs:
        result.figures_changed = _diff_figures(record["figures"], fresh_figures)
        result.stale = compare_lines([l["text"] for l in made], [l["text"] for l in fresh],
                                     [[tuple(n["figures"]) for n in l["numbers"]] for l in fresh])
    return result


def report_lines(result: DraftCheck) -> list[tuple[str, list[str]]]:
    """The check as (title, lines) sections for the console, in Vietnamese."""
    sections: list[tuple[str, list[str]]] = []
    if not result.record_found:
        sections.append(("Không tìm thấy bản ghi của dự thảo", [
            "không biết dự thảo được tạo từ dữ liệu nào: so sánh với số liệu tính từ dữ liệu hiện nay.",
        ]))
    basis = "số liệu" if not result.changed_inputs else "số liệu lúc tạo dự thảo"
    for kind, title in (("changed", f"Số liệu sửa tay (khác với {basis})"),
                        ("removed", "Số liệu bị xóa khỏi dự thảo"),
                        ("added", "Số thêm vào dự thảo (không có trong số liệu)")):
        found = [d.describe() for d in result.hand if d.kind == kind]
        if found or kind == "changed":
            sections.append((title, found or ["không có."]))
    if result.record_found:
        sections.append(("Dữ liệu đầu vào thay đổi từ khi tạo dự thảo",
                         result.inputs_lines() or ["không có."]))
    problems = [f"{'LỖI' if e.error else 'Lưu ý'}: {e.name}: {e.problem}" for e in result.elements]
    sections.append(("Các thành phần văn thư cần", problems or [
        "đủ: dòng «Số:», địa danh và ngày tháng, tên loại và trích yếu, người ký, «Nơi nhận»."]))
    return sections
