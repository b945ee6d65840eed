"""The Word renderer: Nghị định 30 format, read back from the produced file."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from jinja2 import UndefinedError

from reportgen.compose.model import (
    Appendix,
    Document,
    DossierLine,
    DossierTable,
    Header,
    IndicatorGroup,
    IndicatorLine,
    IndicatorTable,
    Metadata,
    PageSetup,
    Paragraph,
    Run,
    Signature,
)
from reportgen.render.docx import TEMPLATE, build_context, render_docx, render_template

from docx_checks import (
    DocxFile,
    Expect,
    cells,
    check_all,
    check_no_template_residue,
    check_page,
    grid_cm,
    is_header_row,
    rows,
    span,
    vmerge,
    w,
)

ROOT = Path(__file__).resolve().parent.parent
SPECIAL = "Phòng QLDN & Lao động <QLDN> ghi {{ không phải biến }} và {% if %} nguyên văn"


def _report() -> Document:
    body = (
        Paragraph.of("Thực hiện Kế hoạch số 125/KH-KCN ngày 29/12/2023 của Ban Quản lý các khu công "
                     "nghiệp về cải cách hành chính năm 2024, Ban báo cáo kết quả 6 tháng đầu năm 2024 "
                     "(số liệu tính từ ngày 10/12/2023 đến ngày 09/6/2024) như sau:"),
        Paragraph.of("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC", "heading1"),
        Paragraph((Run("Ban đã ban hành "), Run("Kế hoạch số 125/KH-KCN", bold=True), Run(" và "),
                   Run("Quyết định số 12/QĐ-KCN", italic=True), Run(" về công tác CCHC.")), "body"),
        Paragraph.of("II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CCHC", "heading1"),
        Paragraph.of("1. Cải cách thủ tục hành chính", "heading2"),
        Paragraph((Run("a) Chỉ tiêu", bold=True),), "heading3"),
        Paragraph.of("- Trong kỳ, Ban tiếp nhận 1.234 hồ sơ, trong đó 1.100 hồ sơ trực tuyến (89,1%); đã "
                     "giải quyết 1.200 hồ sơ, trước và đúng hạn 1.198 hồ sơ (99,8%).", "bullet"),
        *(Paragraph.of(f"Đoạn {i}: tiếp tục triển khai thực hiện có hiệu quả Chương trình tổng thể cải "
                       "cách hành chính nhà nước giai đoạn 2021 - 2030.") for i in range(1, 4)),
        Paragraph.of("(Chi tiết tại Phụ lục I, Phụ lục II kèm theo)", "note"),
        Paragraph.of("Trên đây là báo cáo kết quả thực hiện công tác CCHC 6 tháng đầu năm 2024./."),
    )
    groups = (
        IndicatorGroup("1. Công tác chỉ đạo, điều hành", (
            IndicatorLine("1", "Ban hành kế hoạch CCHC năm", "Có", "Có", "Đạt", True),
            IndicatorLine("2", "Tỷ lệ nhiệm vụ hoàn thành đúng tiến độ", "100%", "95,0%", "Chưa đạt", False),
        )),
        IndicatorGroup("3. Cải cách thủ tục hành chính", (
            IndicatorLine("3", "Tỷ lệ hồ sơ trước và đúng hạn", "≥ 100%", "99,8%", "Chưa đạt", False),
            IndicatorLine("4", "Số sáng kiến CCHC", "—", "Chưa có số liệu", "Chưa có số liệu", None),
        )),
    )
    lines = (
        DossierLine("1", "Phòng Quản lý đầu tư", "800", "750", "40", "10", "790", "300", "488", "2", "10", "10", "0"),
        DossierLine("2", "Phòng Quản lý doanh nghiệp", "434", "350", "74", "10", "410", "100", "310", "0", "24",
                    "23", "1"),
    )
    total = DossierLine("", "Tổng cộng", "1.234", "1.100", "114", "20", "1.200", "400", "798", "2", "34", "33", "1")
    note = "(Kèm theo Báo cáo số      /BC-KCN ngày      tháng 6 năm 2024 của Ban Quản lý các khu công nghiệp)"
    return Document(
        kind="BC",
        header=Header("UBND TỈNH HẢI DƯƠNG", "BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP", "Số:      /BC-KCN",
                      "Hải Dương, ngày      tháng 6 năm 2024"),
        doc_type="BÁO CÁO",
        subject=("Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024",),
        body=body,
        signature=Signature(("KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"), "Nguyễn Văn A"),
        recipients=("- UBND tỉnh (để b/c);", "- Sở Nội vụ (để tổng hợp);", "- Lưu: VT, VP."),
        meta=Metadata("Báo cáo kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024",
                      "BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP", "Cải cách hành chính", keywords=("CCHC", "báo cáo")),
        kinh_gui=("Kính gửi: Sở Nội vụ tỉnh Hải Dương.",),
        appendices=(
            Appendix("Phụ lục I", "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CCHC", note, IndicatorTable(groups)),
            Appendix("Phụ lục II", "TÌNH HÌNH GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", note, DossierTable(lines, total),
                     landscape=True),
        ),
    )


def _plan() -> Document:
    """A plan of another organisation: nothing of the Ban may show."""
    return Document(
        kind="KH",
        header=Header(None, "SỞ NỘI VỤ", "Số:      /KH-SNV", "Bắc Ninh, ngày      tháng 12 năm 2023"),
        doc_type="KẾ HOẠCH",
        subject=("Cải cách hành chính của Sở Nội vụ", "năm 2024"),
        body=(
            Paragraph.of("Thực hiện Kế hoạch của UBND tỉnh, Sở Nội vụ xây dựng kế hoạch như sau:"),
            Paragraph.of("I. MỤC ĐÍCH, YÊU CẦU", "heading1"),
            Paragraph.of("1. Mục đích", "heading2"),
            Paragraph.of("- Tiếp tục triển khai có hiệu quả Chương trình tổng thể CCHC.", "bullet"),
            Paragraph.of("Trên đây là Kế hoạch cải cách hành chính năm 2024 của Sở Nội vụ./."),
        ),
        signature=Signature(("GIÁM ĐỐC",), "Trần Thị B"),
        recipients=("- UBND tỉnh (để b/c);", "- Lưu: VT."),
        meta=Metadata("Kế hoạch cải cách hành chính năm 2024", "SỞ NỘI VỤ", "Cải cách hành chính"),
        kinh_gui=("Kính gửi:", "- UBND tỉnh Bắc Ninh;", "- Bộ Nội vụ."),
    )


@pytest.fixture(scope="module")
def report() -> Document:
    return _report()


@pytest.fixture(scope="module")
def report_bytes(report) -> bytes:
    return render_docx(report)


@pytest.fixture(scope="module")
def report_file(report_bytes) -> DocxFile:
    return DocxFile(report_bytes)


@pytest.fixture(scope="module")
def plan_file() -> DocxFile:
    return DocxFile(render_docx(_plan()))


# --------------------------------------------------------------------------- whole documents

def test_report_meets_nd30(report, report_file):
    check_all(report_file, report)


def test_plan_meets_nd30_without_appendices(plan_file):
    plan = _plan()
    check_all(plan_file, plan)
    assert len(plan_file.sections()) == 1
    assert "Phụ lục" not in plan_file.document_xml


def test_other_organisation_leaks_nothing_of_the_ban(plan_file):
    text = "\n".join(plan_file.text(p) for p in plan_file.paragraphs())
    for leak in ("KCN", "Hải Dương", "HẢI DƯƠNG", "khu công nghiệp", "KHU CÔNG NGHIỆP", "UBND TỈNH"):
        assert leak not in text, leak
    for name in plan_file.zip.namelist():
        if name.endswith(".xml"):
            assert "KCN" not in plan_file.part_xml(name), name
    # the parent agency is left out cleanly: the agency is the first line
    first = [p for p in cells(rows(plan_file.tables()[0])[0])[0].iter(w("p")) if plan_file.text(p).strip()]
    assert plan_file.text(first[0]) == "SỞ NỘI VỤ"


def test_multi_line_kinh_gui_and_subject(plan_file):
    kg = [plan_file.find_paragraph(t) for t in ("Kính gửi:", "- UBND tỉnh Bắc Ninh;", "- Bộ Nội vụ.")]
    indents = [int(plan_file.para_attr(p, "ind", "left") or 0) for p in kg]
    assert indents[0] < indents[1] == indents[2], "list of Kính gửi not indented under the label"
    body = list(plan_file.body.iterchildren(w("p")))
    s1, s2 = (plan_file.find_paragraph(t) for t in ("Cải cách hành chính của Sở Nội vụ", "năm 2024"))
    assert body.index(s2) == body.index(s1) + 1


# --------------------------------------------------------------------------- appendices

def test_appendix_sections(report_file):
    secs = report_file.sections()
    assert len(secs) == 3
    check_page(report_file, landscape=[2])
    # each appendix starts its own section; its heading is the first text there
    for label in ("Phụ lục I", "Phụ lục II"):
        p = report_file.find_paragraph(label)
        prev = p.getprevious()
        assert prev.find(w("pPr")).find(w("sectPr")) is not None, f"{label} does not start a section"
        props = report_file.run_props(p, next(p.iter(w("r"))))
        assert props["size"] == 14 and props["bold"] and report_file.alignment(p) == "center"
    title = report_file.find_paragraph("KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CCHC")
    assert report_file.run_props(title, next(title.iter(w("r"))))["bold"]
    note = title.getnext()
    assert report_file.run_props(note, next(note.iter(w("r"))))["italic"]


def _appendix_table(f: DocxFile, label: str):
    p = f.find_paragraph(label)
    el = p.getnext()
    while el.tag != w("tbl"):
        el = el.getnext()
    return el


def test_indicator_table(report_file):
    f = report_file
    tbl = _appendix_table(f, "Phụ lục I")
    assert abs(sum(grid_cm(tbl)) - 16.5) < 0.05, "Phụ lục I does not fill the portrait text width"
    trs = rows(tbl)
    assert [f.text(c) for c in cells(trs[0])] == ["STT", "Chỉ tiêu", "Kế hoạch", "Kết quả kỳ báo cáo", "Đánh giá"]
    assert is_header_row(trs[0])
    texts = [[f.text(c) for c in cells(tr)] for tr in trs[1:]]
    assert texts == [
        ["1. Công tác chỉ đạo, điều hành"],
        ["1", "Ban hành kế hoạch CCHC năm", "Có", "Có", "Đạt"],
        ["2", "Tỷ lệ nhiệm vụ hoàn thành đúng tiến độ", "100%", "95,0%", "Chưa đạt"],
        ["3. Cải cách thủ tục hành chính"],
        ["3", "Tỷ lệ hồ sơ trước và đúng hạn", "≥ 100%", "99,8%", "Chưa đạt"],
        ["4", "Số sáng kiến CCHC", "—", "Chưa có số liệu", "Chưa có số liệu"],
    ]
    for tr in (trs[1], trs[4]):  # group rows: merged across, bold
        (tc,) = cells(tr)
        assert span(tc) == 5
        p = next(tc.iter(w("p")))
        assert f.run_props(p, next(p.iter(w("r"))))["bold"]
    for tr in trs:
        for tc in cells(tr):
            for p in tc.iter(w("p")):
                for r in p.iter(w("r")):
                    props = f.run_props(p, r)
                    assert 11 <= props["size"] <= 13 and props["fonts"]["ascii"] == "Times New Roman"
    # numbers and verdicts centred; "Chưa đạt" bold, "Đạt" not
    row2 = cells(trs[3])
    for tc in (row2[0], row2[2], row2[3], row2[4]):
        assert f.alignment(next(tc.iter(w("p")))) == "center"
    verdict = lambda tc: f.run_props(next(tc.iter(w("p"))), next(tc.iter(w("r"))))["bold"]  # noqa: E731
    assert verdict(cells(trs[3])[4]) and not verdict(cells(trs[2])[4])
    # borders on
    borders = {el.tag.split("}")[1]: el.get(w("val")) for el in tbl.find(w("tblPr")).find(w("tblBorders"))}
    assert set(borders.values()) == {"single"}


def test_dossier_table_header_merges(report_file):
    f = report_file
    tbl = _appendix_table(f, "Phụ lục II")
    assert abs(sum(grid_cm(tbl)) - 25.2) < 0.05, "Phụ lục II does not fill the landscape text width"
    assert len(grid_cm(tbl)) == 13
    trs = rows(tbl)
    h = trs[:3]
    assert all(is_header_row(tr) for tr in h), "header rows do not repeat"
    assert not is_header_row(trs[3])

    def layout(tr):
        return [(f.text(tc), span(tc), vmerge(tc)) for tc in cells(tr)]

    assert layout(h[0]) == [
        ("STT", 1, "restart"), ("Đơn vị", 1, "restart"), ("Số hồ sơ nhận giải quyết", 4, None),
        ("Số hồ sơ đã giải quyết", 4, None), ("Số hồ sơ đang giải quyết", 3, None)]
    assert layout(h[1]) == [
        ("", 1, "continue"), ("", 1, "continue"), ("Tổng số", 1, "restart"), ("Trong kỳ", 2, None),
        ("Từ kỳ trước chuyển sang", 1, "restart"), ("Tổng số", 1, "restart"), ("Trước hạn", 1, "restart"),
        ("Đúng hạn", 1, "restart"), ("Quá hạn", 1, "restart"), ("Tổng số", 1, "restart"),
        ("Trong hạn", 1, "restart"), ("Quá hạn", 1, "restart")]
    assert layout(h[2]) == (
        [("", 1, "continue")] * 3 + [("Trực tuyến", 1, None), ("Trực tiếp, bưu chính", 1, None)]
        + [("", 1, "continue")] * 8)
    for tr in h[:3]:  # every header row covers the 13 grid columns
        assert sum(span(tc) for tc in cells(tr)) == 13
    data = [[f.text(tc) for tc in cells(tr)] for tr in trs[3:]]
    assert data == [
        ["1", "Phòng Quản lý đầu tư", "800", "750", "40", "10", "790", "300", "488", "2", "10", "10", "0"],
        ["2", "Phòng Quản lý doanh nghiệp", "434", "350", "74", "10", "410", "100", "310", "0", "24", "23", "1"],
        ["", "Tổng cộng", "1.234", "1.100", "114", "20", "1.200", "400", "798", "2", "34", "33", "1"],
    ]
    total = trs[-1]
    for tc in cells(total)[1:]:
        p = next(tc.iter(w("p")))
        assert f.run_props(p, next(p.iter(w("r"))))["bold"], "total row not bold"
    for tc in cells(trs[3])[2:]:
        p = next(tc.iter(w("p")))
        assert f.alignment(p) in ("center", "right"), "numbers not centred"
        assert 11 <= f.run_props(p, next(p.iter(w("r"))))["size"] <= 13
    # the table sits in the landscape section
    section_end = tbl.getnext()
    while section_end is not None and section_end.tag != w("sectPr"):
        section_end = section_end.getnext()
    assert section_end is not None and section_end.find(w("pgSz")).get(w("orient")) == "landscape"


# --------------------------------------------------------------------------- text safety

def test_special_characters_appear_literally():
    doc = replace(_report(), body=(Paragraph.of(SPECIAL), Paragraph((Run("A & B", bold=True), Run(" <c>")))),
                  kinh_gui=("Kính gửi: Sở A & B <C>.",))
    data = render_docx(doc)
    f = DocxFile(data)
    texts = [f.text(p) for p in f.paragraphs()]
    assert SPECIAL in texts
    assert "A & B <c>" in texts
    assert "Kính gửi: Sở A & B <C>." in texts
    xml = f.document_xml
    assert "&amp;amp;" not in xml and "&amp;lt;" not in xml, "text escaped twice"
    check_no_template_residue(f, allowed=[SPECIAL])
    # and python-docx reads it as text
    assert any(p.text == SPECIAL for p in docx.Document(io.BytesIO(data)).paragraphs)


def test_control_characters_do_not_break_the_file():
    doc = replace(_report(), body=(Paragraph.of("Dòng có ký tự lạ\x00\x07\x0c ở giữa"),))
    f = DocxFile(render_docx(doc))
    assert "Dòng có ký tự lạ    ở giữa" in [f.text(p) for p in f.paragraphs()]


def test_no_template_residue(report_file, plan_file):
    for f in (report_file, plan_file):
        check_no_template_residue(f)
        assert "ND30Lenh" not in f.document_xml, "a template tag paragraph survived"


def test_missing_variable_is_an_error(report):
    ctx = build_context(report)
    del ctx["signature"]
    with pytest.raises(UndefinedError):
        render_template(ctx)
    ctx = build_context(report)
    del ctx["appendices"][1]["table"]["total"]
    with pytest.raises(UndefinedError):
        render_template(ctx)


# --------------------------------------------------------------------------- determinism, metadata

def test_byte_identical_output(report, report_bytes):
    assert render_docx(report) == report_bytes
    z = zipfile.ZipFile(io.BytesIO(report_bytes))
    assert z.namelist()[0] == "[Content_Types].xml"
    assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_core_properties(report, report_file):
    cp = report_file.document.core_properties
    assert cp.author == report.meta.author
    assert cp.title == report.meta.title
    assert cp.subject == report.meta.subject
    assert cp.keywords == "CCHC, báo cáo"
    assert cp.language == "vi"
    assert cp.created == cp.modified and cp.created.year == 1980
    assert "lastPrinted" not in report_file.part_xml("docProps/core.xml")
    # revision ids only where the template has them (constant), none made up per run
    template_xml = DocxFile(TEMPLATE.read_bytes()).document_xml
    rsids = set(re.findall(r'w:rsid\w*="([0-9A-F]+)"', report_file.document_xml))
    assert rsids <= set(re.findall(r'w:rsid\w*="([0-9A-F]+)"', template_xml))


# --------------------------------------------------------------------------- configuration

def test_margins_and_body_size_from_the_model():
    page = PageSetup(margin_top=25, margin_bottom=25, margin_left=35, margin_right=20, body_size=13)
    doc = replace(_report(), page=page)
    f = DocxFile(render_docx(doc))
    check_all(f, doc, Expect(body_size=13, margins_mm=(25, 25, 35, 20), header_widths_cm=(6.34, 9.39)))
    # tables follow the narrower text width
    assert abs(sum(grid_cm(_appendix_table(f, "Phụ lục I"))) - 15.5) < 0.05
    assert abs(sum(grid_cm(_appendix_table(f, "Phụ lục II"))) - 24.2) < 0.05


# --------------------------------------------------------------------------- the template itself

def test_checked_in_template_is_what_the_builder_makes(tmp_path):
    out = tmp_path / "van-ban.docx"
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "make_docx_template.py"), str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes() == TEMPLATE.read_bytes(), \
        "reportgen/templates/van-ban.docx is stale: run .venv/bin/python tools/make_docx_template.py"


def test_template_styles_are_times_new_roman():
    f = DocxFile(TEMPLATE.read_bytes())
    rf = f.default_rpr.find(w("rFonts"))
    assert {slot: rf.get(w(slot)) for slot in ("ascii", "hAnsi", "cs", "eastAsia")} == dict.fromkeys(
        ("ascii", "hAnsi", "cs", "eastAsia"), "Times New Roman")
    normal = f.styles["Normal"].find(w("rPr"))
    assert normal.find(w("rFonts")).get(w("eastAsia")) == "Times New Roman"
    assert normal.find(w("sz")).get(w("val")) == "28"
    assert re.search(r"\{%p for para in body %\}", f.document_xml)
