"""Rules that used to be written twice and disagreed: each has one home now, and
these tests put the places that use it side by side, so two outputs that
differ again turn a test red.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import pytest

from reportgen import vi_format
from reportgen.aggregate.submissions import select_submissions
from reportgen.compose import common
from reportgen.compose.plan_doc import appendix_note, compose_plan, runs, task_table
from reportgen.compose.report import plan_reference
from reportgen.compose.sentences import target_text, target_words
from reportgen.figures import IndicatorResult
from reportgen.plan import Plan, load_plan
from reportgen.records import Submission

ROOT = Path(__file__).resolve().parent.parent
MINIMAL_PLAN = ROOT / "tests" / "data" / "minimal-plan.yaml"


def minimal_plan(**update) -> Plan:
    plan = load_plan(MINIMAL_PLAN)
    data = plan.model_dump()
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return Plan.model_validate(data)


# ---------------------------------------------------------------- the plan's number

@pytest.mark.parametrize("typed,shown", [("7", "07/KH-SXD"), ("07", "07/KH-SXD"), ("12", "12/KH-SXD"),
                                         ("125/KH-SXD", "125/KH-SXD")])
def test_plan_number_is_the_same_in_the_plan_and_in_the_reports(typed, shown):
    """Nghị định 30 pads a number below 10: the plan's header, its appendix note and
    the report's "Thực hiện Kế hoạch số …" show one and the same number."""
    plan = minimal_plan(plan_document={"number": typed, "date": dt.date(2024, 12, 27)},
                        tasks=[{"code": "NV-01", "area": 2, "text": "Rà soát văn bản"}])
    assert compose_plan(plan).header.number == f"Số: {shown}"
    assert f"Kế hoạch số {shown} ngày 27/12/2024" in appendix_note(plan)
    assert f"Kế hoạch số {shown} ngày 27/12/2024" in plan_reference(plan)


def test_issued_report_number_is_padded_in_header_and_note():
    from reportgen.pipeline import Issue

    plan = minimal_plan()
    issue = Issue(number=5, date=dt.date(2025, 2, 3))
    assert common.number_line(plan, "BC", issue) == "Số: 05/BC-SXD"
    assert common.document_reference(plan, "BC", issue, with_agency=False) == "Báo cáo số 05/BC-SXD ngày 03/02/2025"


# ---------------------------------------------------------------- emphasis markup

MARKED = [
    "a*b*c",
    "**Đậm** và *nghiêng*",
    "5 * 3 = 15, không có gì nghiêng",
    "*nghiêng* rồi **đậm**, rồi * sao lẻ",
    "R&D **{không phải mẫu}** *x*y",
    "**",
]


@pytest.mark.parametrize("text", MARKED)
def test_emphasis_reads_the_same_in_the_plan_body_and_as_plain_text(text):
    """The plan's paragraphs (runs) and the plain text of its task table parse
    plan.yaml's markup with one parser: the same characters, stars marked or kept
    alike."""
    assert "".join(run.text for run in runs(text)) == common.plain(text)


def test_a_star_inside_a_word_marks_italic_in_both():
    assert [(r.text, r.italic) for r in runs("a*b*c")] == [("a", False), ("b", True), ("c", False)]
    assert common.plain("a*b*c") == "abc"


def test_task_text_in_the_body_and_in_the_appendix_table_agree():
    plan = minimal_plan(tasks=[{"code": "NV-01", "area": 2, "text": "Rà soát a*b*c và **văn bản**"}])
    doc = compose_plan(plan)
    bullet = next(p for p in doc.body if "Rà soát" in p.text)
    line = task_table(plan).groups[0].lines[0]
    assert bullet.text == "- " + line.text == "- Rà soát abc và văn bản"


# ---------------------------------------------------------------- Kính gửi and Nơi nhận

def test_a_typed_bullet_is_cleaned_alike_in_kinh_gui_and_noi_nhan():
    typed = ["• UBND tỉnh;", "- • Sở Nội vụ.", "Lưu: VT"]
    assert common.kinh_gui(typed) == ("Kính gửi:", "- UBND tỉnh;", "- Sở Nội vụ;", "- Lưu: VT.")
    lines = common.recipients(minimal_plan(), typed)
    assert lines == ("- UBND tỉnh;", "- Sở Nội vụ;", "- Lưu: VT.")
    assert not any("•" in line for line in lines)


# ---------------------------------------------------------------- the agency's short name

@pytest.mark.parametrize("name,in_text,short", [
    ("ỦY BAN NHÂN DÂN HUYỆN GIA LÂM", "Ủy ban nhân dân huyện Gia Lâm", "Ủy ban"),
    ("SỞ XÂY DỰNG", "Sở Xây dựng", "Sở"),
    ("BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP", "Ban Quản lý các khu công nghiệp", "Ban"),
])
def test_short_name_is_the_same_whether_name_in_text_is_given_or_derived(name, in_text, short):
    derived = minimal_plan(organization={"name": name, "place": "Hà Nội"}).organization
    given = minimal_plan(organization={"name": name, "place": "Hà Nội", "name_in_text": in_text}).organization
    assert given.short == derived.short == short


# ---------------------------------------------------------------- the month's leading zero

@pytest.mark.parametrize("day,month_text", [(dt.date(2025, 2, 3), "02"), (dt.date(2025, 6, 9), "6"),
                                            (dt.date(2025, 1, 20), "01"), (dt.date(2025, 12, 5), "12")])
def test_months_one_and_two_have_a_leading_zero_everywhere(day, month_text):
    plan = minimal_plan(plan_text={"issued": {"month": day.month, "year": day.year}},
                        tasks=[{"code": "NV-01", "area": 2, "text": "Rà soát văn bản"}])
    assert vi_format.month(day.month) == month_text
    assert vi_format.date(day) == f"{day.day:02d}/{month_text}/{day.year}"
    assert vi_format.date_line("Hà Nội", day) == f"Hà Nội, ngày {day.day:02d} tháng {month_text} năm {day.year}"
    draft = f"ngày{vi_format.BLANK}tháng {month_text} năm {day.year}"
    assert common.place_date_line(plan, draft_date=day) == f"Hà Nội, {draft}"
    assert common.document_reference(plan, "BC", draft_date=day).endswith(f"{draft} của Sở Xây dựng")
    assert draft in compose_plan(plan).header.place_date
    assert draft in appendix_note(plan)
    # the review's warning about a submission sent again (aggregate)
    subs = [Submission(file=f"{i}.xlsx", department="VP", period="6m", year=2025, sent_on=sent)
            for i, sent in enumerate((day - dt.timedelta(days=1), day))]
    messages = " ".join(p.message for p in select_submissions(plan, subs, "6m").warnings)
    assert f"ngày {vi_format.date(day)}" in messages


# ---------------------------------------------------------------- targets by comparison

@pytest.mark.parametrize("op,unit,target,words,cell", [
    (">=", "rate", "0.9", "từ 90% trở lên", "≥ 90%"),
    (">=", "rate", "1", "100%", "≥ 100%"),
    (">", "rate", "0.3", "trên 30%", "> 30%"),
    ("<=", "count", "12", "không quá 12", "≤ 12"),
    ("<", "count", "20", "dưới 20", "< 20"),
    ("==", "rate", "0.5", "50%", "50%"),
])
def test_target_wording_is_the_same_in_the_plan_and_in_the_report(op, unit, target, words, cell):
    indicator = {"code": "CT-01", "area": 2, "name": "Chỉ tiêu thử", "unit": unit, "target": target, "op": op,
                 "source": "submissions"}
    plan = minimal_plan(indicators=[indicator])
    bullet = next(p.text for p in compose_plan(plan).body if p.text.startswith("- Chỉ tiêu thử"))
    result = IndicatorResult(code="CT-01", name="Chỉ tiêu thử", area=2, unit=unit, source="submissions",
                             value=None, status="khong_co_so_lieu", target=Fraction(target), op=op)
    assert bullet == f"- Chỉ tiêu thử: {target_words(result)}."
    assert target_words(result) == words
    assert target_text(result) == cell


# ---------------------------------------------------------------- the deterministic zip

def test_docx_and_forms_are_zipped_by_the_same_writer():
    """Both Office files come out of render.zip_writer: fixed entry times and
    attributes, [Content_Types].xml first, so equal content gives equal bytes."""
    import io
    import zipfile

    from reportgen.compose.plan_doc import compose_plan
    from reportgen.forms import build_form
    from reportgen.render.docx import render_docx
    from reportgen.render.zip_writer import ZIP_DATE

    plan = minimal_plan()
    for data in (render_docx(compose_plan(plan)), build_form(plan, "q3", "VP")):
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
        assert infos[0].filename == "[Content_Types].xml"
        assert {(i.date_time, i.create_system, i.external_attr) for i in infos} == {(ZIP_DATE, 0, 0o600 << 16)}
