"""The draft's record and the comparison of an edited draft with it, by text:
runs split differently, styles renamed and bookmarks moved change nothing; a
number changed, removed or added is found where it is (no LibreOffice here: the
round trip through it is in test_issue_archive.py)."""

from __future__ import annotations

import copy
import hashlib
import io
import json
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from conftest import SAMPLE_INPUTS

from reportgen import pipeline
from reportgen import vi_format
from reportgen.publish.check import check_draft, compare_lines
from reportgen.publish.draft_record import read_record
from reportgen.publish.draft_text import docx_blocks, masked, numbers

DRAFT = "BC-CCHC-2024-6m.docx"


@pytest.fixture(scope="module")
def fresh():
    return pipeline.fresh_report(SAMPLE_INPUTS, "6m", 2024)


@pytest.fixture(scope="module")
def record(sample_report_6m: Path) -> dict:
    return read_record(sample_report_6m / "BC-CCHC-2024-6m.draft.json")


def run_check(data: bytes, record, fresh):
    return check_draft(data, "du-thao.docx", record, fresh_docx=fresh.docx,
                       fresh_figures=json.loads(fresh.figures_json), fresh_inputs=fresh.report.inputs,
                       doc=fresh.doc, agency_code="KCN")


def save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_report_writes_the_drafts_record(sample_report_6m: Path, record: dict):
    draft = (sample_report_6m / DRAFT).read_bytes()
    assert record["docx_sha256"] == hashlib.sha256(draft).hexdigest()
    assert (record["year"], record["period"]) == (2024, "6m")
    # the SHA-256 of every input read
    assert record["inputs"]["2024/plan.yaml"] == hashlib.sha256(
        (SAMPLE_INPUTS / "2024" / "plan.yaml").read_bytes()).hexdigest()
    assert any(name.startswith("2024/tthc/") for name in record["inputs"])
    # every number of the text with the figure behind it
    figures = json.loads((sample_report_6m / "figures.json").read_text(encoding="utf-8"))
    assert record["figures"] == figures
    received = vi_format.number(figures["tthc"]["received"])
    line = next(l for l in record["lines"] if l["text"].startswith("Trong kỳ,") and received in l["text"])
    number = next(n for n in line["numbers"] if n["text"] == received)
    assert "tthc.received" in number["figures"]
    assert len(record["lines"]) == len(docx_blocks(draft))


def test_an_untouched_draft_has_nothing_to_report(sample_report_6m, record, fresh):
    result = run_check((sample_report_6m / DRAFT).read_bytes(), record, fresh)
    assert result.hand == [] and result.changed_inputs == [] and result.elements == []


def test_runs_styles_and_bookmarks_do_not_matter(sample_report_6m, record, fresh):
    document = docx.Document(str(sample_report_6m / DRAFT))
    for p in document.paragraphs:
        if len(p.text) > 20 and p.runs:  # every paragraph re-split into runs of 7 characters
            text, first = p.text, p.runs[0]
            for r in p.runs[1:]:
                r._element.getparent().remove(r._element)
            first.text = text[:7]
            for start in range(7, len(text), 7):
                extra = copy.deepcopy(first._element)
                first._element.addnext(extra)
                first = type(first)(extra, p)
                first.text = text[start:start + 7]
    for style in document.styles:
        if style.name and style.name.startswith("ND30"):
            style.name = "Kiểu " + style.name  # renamed, as a Word user may
    body = document.paragraphs[12]._element
    mark = body.makeelement(qn("w:bookmarkStart"), {qn("w:id"): "9", qn("w:name"): "_GoBack"})
    body.insert(0, mark)
    result = run_check(save(document), record, fresh)
    assert result.hand == [] and result.elements == []


def test_a_changed_removed_and_added_number(sample_report_6m, record, fresh):
    document = docx.Document(str(sample_report_6m / DRAFT))
    paragraphs = document.paragraphs
    rate = next(p for p in paragraphs if p.text.startswith("- Tỷ lệ hồ sơ TTHC trả kết quả đúng hạn"))
    old = numbers(rate.text)[0].text
    run = next(r for r in rate.runs if old in r.text)
    run.text = run.text.replace(old, "99,9%", 1)
    gone = next(p for p in paragraphs if p.text.startswith("Số hồ sơ tiếp nhận trong kỳ"))
    gone_numbers = [n.text for n in numbers(gone.text)]
    gone._element.getparent().remove(gone._element)
    paragraphs[20].insert_paragraph_before("Tổ chức thêm 3 buổi tập huấn cho 45 công chức.")
    result = run_check(save(document), record, fresh)
    kinds = [(d.kind, d.written, d.expected) for d in result.hand]
    assert sorted(kinds, key=str) == sorted([
        ("added", "3", None), ("added", "45", None),
        *[("removed", None, n) for n in gone_numbers],
        ("changed", "99,9%", old),
    ], key=str), kinds
    changed, = [d for d in result.hand if d.kind == "changed"]
    assert changed.paragraph.startswith("- Tỷ lệ hồ sơ TTHC trả kết quả")
    assert "indicators.TTHC-02.value" in changed.figures


def test_without_its_record_the_draft_is_compared_with_the_data(sample_report_6m, fresh):
    document = docx.Document(str(sample_report_6m / DRAFT))
    result = run_check(save(document), None, fresh)
    assert result.record_found is False and result.hand == []


def test_numbers_in_a_line():
    line = ("- Tỷ lệ hồ sơ đạt 99,6% (1.723/1.730; chỉ tiêu: 100%) theo Nghị định số 115/2020/NĐ-CP, "
            "mã TTHC-02, từ ngày 10/12/2023, số 07/BC-KCN.")
    assert [n.text for n in numbers(line)] == ["99,6%", "1.723", "1.730", "100%", "10/12/2023"]
    assert [n.text for n in numbers("1.2 | Tỷ lệ | > 30% | 33,3% | Đạt")] == ["30%", "33,3%"]
    assert [n.text for n in numbers("2. Cải cách thủ tục hành chính")] == []
    assert masked("tiếp nhận 1.756 hồ sơ") == masked("tiếp nhận 1.760 hồ sơ")


def test_a_sentence_added_to_a_paragraph_keeps_its_numbers_matched():
    made = ["Trong kỳ tiếp nhận 1.756 hồ sơ, giải quyết 1.730 hồ sơ.", "Không có kiến nghị."]
    edited = ["Trong kỳ tiếp nhận 1.756 hồ sơ, giải quyết 1.731 hồ sơ. Lãnh đạo Ban đánh giá cao kết quả này.",
              "Không có kiến nghị."]
    diff, = compare_lines(edited, made)
    assert (diff.kind, diff.written, diff.expected) == ("changed", "1.731", "1.730")


def test_a_moved_paragraph_is_the_same_paragraph():
    made = ["Mở đầu.", "Tiếp nhận 12 hồ sơ.", "Giữa.", "Cuối cùng có 3 kiến nghị.", "Hết."]
    edited = ["Mở đầu.", "Giữa.", "Cuối cùng có 3 kiến nghị.", "Hết.", "Tiếp nhận 13 hồ sơ."]
    diff, = compare_lines(edited, made)
    assert (diff.kind, diff.written, diff.expected) == ("changed", "13", "12")


def test_number_and_date_written_into_lines_split_into_runs(sample_report_6m):
    """As Word saves it: the Số line in three runs with a bookmark between them;
    the new text keeps the first run's formatting, the rest of the document is
    untouched."""
    import datetime as dt

    from reportgen.publish.docx_edit import fill_number_and_date

    document = docx.Document(str(sample_report_6m / DRAFT))
    cell = document.tables[0].rows[1].cells[0]
    number = next(p for p in cell.paragraphs if p.text.startswith("Số:"))
    text = number.text
    number.runs[0].text = text[:3]
    number.runs[0].italic = True
    number.add_run(text[3:6])
    mark = number._element.makeelement(qn("w:bookmarkStart"), {qn("w:id"): "7", qn("w:name"): "so"})
    number._element.append(mark)
    number.add_run(text[6:])
    data = save(document)
    issued, edits = fill_number_and_date(data, type_code="BC", agency_code="KCN", number=45, date=dt.date(2024, 2, 5))
    assert [e.what for e in edits] == ["Số", "ngày", "Kèm theo", "Kèm theo"]
    after = docx.Document(io.BytesIO(issued))
    cell = after.tables[0].rows[1].cells
    number = next(p for p in cell[0].paragraphs if p.text.startswith("Số:"))
    assert number.text == "Số: 45/BC-KCN" and number.runs[0].italic is True
    assert number._element.find(qn("w:bookmarkStart")) is not None
    assert any(p.text == "Hải Dương, ngày 05 tháng 02 năm 2024" for p in cell[1].paragraphs)
    notes = [p.text for p in after.paragraphs if p.text.startswith("(Kèm theo")]
    assert notes and all("Báo cáo số 45/BC-KCN ngày 05/02/2024 của " in n for n in notes)
    before_blocks = [b.text for b in docx_blocks(data)]
    after_blocks = [b.text for b in docx_blocks(issued)]
    assert sum(a != b for a, b in zip(before_blocks, after_blocks)) == 3


def test_a_draft_of_another_period_is_refused(sample_report_6m, tmp_path):
    import shutil

    from reportgen.diagnostics import UsageError
    from reportgen.publish.issue import find_record

    draft = tmp_path / "du-thao.docx"
    shutil.copy(sample_report_6m / DRAFT, draft)
    shutil.copy(sample_report_6m / "BC-CCHC-2024-6m.draft.json", tmp_path / "du-thao.draft.json")
    assert find_record(draft, tmp_path / "outputs", 2024, "6m")["period"] == "6m"
    with pytest.raises(UsageError, match="6 tháng đầu năm 2024.*không phải báo cáo quý III năm 2024"):
        find_record(draft, tmp_path / "outputs", 2024, "q3")
