"""The Word file and the PDF say the same thing (issue 6).

One hand-built Document (tests/sample_document.py) is rendered with both renderers; the
text of each is extracted (python-docx: body paragraphs and table cells in
document order, nested tables included, merged cells once; pypdf: every page
without the page numbers in the top margin) and whitespace-normalised. Then:

- every piece of text of the model (header, type name, trích yếu, Kính gửi, body
  paragraphs, Nơi nhận, signature, appendix headings, every table row) is in both,
  and, from the type name on, in the same order;
- the numbers are the same (as a multiset: same figures, same number of times);
- what the templates add on their own (table column headings, "Nơi nhận:") is the
  same set of words in both.

Two documents: the hand-built report (Phụ lục I and II) and the 2024 plan
composed from the sample plan.yaml (its Phụ lục of tasks).
"""

from __future__ import annotations

import io
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pdf_checks import inspect_pdf, squash  # noqa: E402
from reportgen.compose.model import Document, DossierTable, IndicatorTable, TaskTable  # noqa: E402
from sample_document import sample_document  # noqa: E402

NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")
GROUPED_FIELDS = {IndicatorTable: ("stt", "name", "target", "result", "assessment"),
                  TaskTable: ("stt", "code", "text", "owner", "deadline")}
DOSSIER_FIELDS = ("stt", "name", "total", "online", "direct_postal", "carried_over", "resolved",
                  "early", "on_time", "late", "pending", "pending_in_time", "pending_overdue")


# ---- extraction ------------------------------------------------------------

def unglue(text: str) -> str:
    """A space between a lower-case letter directly followed by an upper-case one.

    pypdf joins two table cells drawn at the same height without a space
    ("Quá hạnTrực tuyến"); Vietnamese text never has that shape, so it is undone
    the same way on both sides (and on the model's text)."""
    out = []
    for i, ch in enumerate(text):
        if i and ch.isupper() and text[i - 1].islower():
            out.append(" ")
        out.append(ch)
    return "".join(out)


_EXTRACTION_SPACES = re.compile(r"(?<=[/(]) | (?=\))")


def norm(text: str) -> str:
    """Whitespace-normalised, and without the spaces pypdf puts where a line
    breaks after a slash ("43/2011/ NĐ-CP") or an italic run meets a
    parenthesis ("( kiểm tra"): the same on both sides and on the model's text."""
    return _EXTRACTION_SPACES.sub("", squash(unglue(text)))


def docx_text(data: bytes) -> str:
    """Body paragraphs and table cells of a .docx in document order (headers and
    footers, where the page number field lives, are left out)."""
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(io.BytesIO(data))
    out: list[str] = []

    def paragraph_text(p) -> str:
        # w:t and w:tab / w:br of the runs, as Word shows them
        parts = []
        for node in p.iter():
            if node.tag == qn("w:t") and node.text:
                parts.append(node.text)
            elif node.tag in (qn("w:tab"), qn("w:br"), qn("w:cr")):
                parts.append(" ")
        return "".join(parts)

    def walk(element) -> None:
        for child in element.iterchildren():
            if child.tag == qn("w:p"):
                out.append(paragraph_text(child))
            elif child.tag == qn("w:tbl"):
                for row in child.iterchildren(qn("w:tr")):
                    for cell in row.iterchildren(qn("w:tc")):
                        vmerge = cell.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
                        if vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue"):
                            continue  # the continuation of a vertically merged cell
                        walk(cell)  # a horizontally merged cell is one w:tc
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    walk(content)

    walk(document.element.body)
    return norm(" ".join(out))


def pdf_text(data: bytes, top_margin_mm: float = 20) -> str:
    """Every page's text without what sits in the top margin (the page number)."""
    info = inspect_pdf(data)
    return norm(" ".join(page.text_below(top_margin_mm) for page in info.pages))


# ---- what the model says ------------------------------------------------------

def header_pieces(doc: Document) -> list[str]:
    h = doc.header
    return [x for x in (h.parent, h.agency, h.motto_country, h.motto, h.number, h.place_date) if x]


def ordered_pieces(doc: Document) -> list[str]:
    """Everything from the type name on, in reading order."""
    pieces = [doc.doc_type, *doc.subject, *doc.kinh_gui]
    pieces += [p.text for p in doc.body]
    pieces += [*doc.recipients, *doc.signature.title_lines, doc.signature.name]
    for appendix in doc.appendices:
        pieces += [appendix.label, appendix.title, appendix.note]
        table = appendix.table
        if isinstance(table, (IndicatorTable, TaskTable)):
            fields = GROUPED_FIELDS[type(table)]
            for group in table.groups:
                pieces.append(group.title)
                pieces += [" ".join(x for x in (getattr(line, f) for f in fields) if x) for line in group.lines]
        elif isinstance(table, DossierTable):
            for line in (*table.lines, table.total):
                pieces.append(" ".join(getattr(line, f) for f in DOSSIER_FIELDS if getattr(line, f)))
        else:  # a new table kind must be covered here too
            raise AssertionError(f"parity test does not know {type(table).__name__}")
    return [norm(p) for p in pieces if norm(p)]


def missing_or_out_of_order(text: str, pieces: list[str]) -> list[str]:
    """Pieces not found in `text` after the previous one."""
    problems, position = [], 0
    for piece in pieces:
        found = text.find(piece, position)
        if found < 0:
            problems.append(piece if piece not in text else f"(out of order) {piece}")
        else:
            position = found + len(piece)
    return problems


def residue(text: str, doc: Document) -> set[str]:
    """The words the templates add on their own: the text minus everything of the
    model. A set: the PDF repeats the table headings on every page, Word once."""
    for piece in sorted(header_pieces(doc) + ordered_pieces(doc), key=len, reverse=True):
        text = text.replace(norm(piece), " ", 1)
    return set(text.split())


# ---- the test ---------------------------------------------------------------

def plan_document() -> Document:
    from conftest import SAMPLE_INPUTS
    from reportgen.compose.plan_doc import compose_plan
    from reportgen.plan import load_plan

    doc = compose_plan(load_plan(SAMPLE_INPUTS / "2024" / "plan.yaml"))
    assert [type(a.table) for a in doc.appendices] == [TaskTable]
    return doc


@pytest.fixture(scope="module", params=["report", "plan"])
def doc(request) -> Document:
    return sample_document(25) if request.param == "report" else plan_document()


@pytest.fixture(scope="module")
def rendered(doc):
    from reportgen.render.docx import render_docx
    from reportgen.render.pdf import render_pdf

    return docx_text(render_docx(doc)), pdf_text(render_pdf(doc))


def test_same_text_in_the_same_order(rendered, doc):
    word, pdf = rendered
    pieces = ordered_pieces(doc)
    assert missing_or_out_of_order(word, pieces) == [], "the .docx"
    assert missing_or_out_of_order(pdf, pieces) == [], "the PDF"
    for piece in header_pieces(doc):
        assert norm(piece) in word, f".docx header: {piece}"
        assert norm(piece) in pdf, f"PDF header: {piece}"


def test_same_numbers(rendered):
    word, pdf = rendered
    assert Counter(NUMBER.findall(word)) == Counter(NUMBER.findall(pdf))


def test_same_words_added_by_the_templates(rendered, doc):
    word, pdf = rendered
    only_word = residue(word, doc) - residue(pdf, doc)
    only_pdf = residue(pdf, doc) - residue(word, doc)
    assert (sorted(only_word), sorted(only_pdf)) == ([], []), "table headings or labels differ"


# ---- the real thing: the sample report written by `reportgen report` ------------

def test_sample_report_docx_and_pdf_agree(sample_report_6m):
    """Without the model at hand: the same figures the same number of times, and
    the same vocabulary, in the .docx and the PDF of one run."""
    word_file = next(sample_report_6m.glob("BC-CCHC-*.docx"))
    pdf_file = next(sample_report_6m.glob("BC-CCHC-*.pdf"))
    word, pdf = docx_text(word_file.read_bytes()), pdf_text(pdf_file.read_bytes())
    assert Counter(NUMBER.findall(word)) == Counter(NUMBER.findall(pdf))
    assert set(word.split()) ^ set(pdf.split()) == set()
