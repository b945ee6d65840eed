"""The archive PDF (issue 6): rendered once from a hand-built Document, then
inspected as a reader and an archivist would (pdf_checks.py)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pdf_checks import TEMPLATE_LEFTOVERS, inspect_pdf, pdfa_problems, squash  # noqa: E402
from reportgen.compose.model import Header, Paragraph  # noqa: E402
from reportgen.diagnostics import ReportgenError  # noqa: E402
from reportgen.render import fonts, pdf  # noqa: E402
from sample_document import DIACRITICS, DIACRITICS_UPPER, TRICKY, sample_document  # noqa: E402

LONG = 60  # departments in Phụ lục II: several landscape pages
FIGURES = json.dumps({"period": "6m", "year": 2024, "note": "số liệu", "rate": 0.891},
                     ensure_ascii=False, indent=2).encode("utf-8")


@pytest.fixture(scope="module")
def doc():
    return sample_document(LONG)


@pytest.fixture(scope="module")
def pdf_bytes(doc) -> bytes:
    return pdf.render_pdf(doc, {"figures.json": FIGURES})


@pytest.fixture(scope="module")
def info(pdf_bytes):
    return inspect_pdf(pdf_bytes)


def _appendix_pages(info):
    """(first page index of Phụ lục I, of Phụ lục II), 0-based."""
    starts = [i for i, p in enumerate(info.pages) if squash(p.text).startswith("Phụ lục ")]
    assert len(starts) == 2, [squash(p.text)[:40] for p in info.pages]
    return starts


# ---- pages -----------------------------------------------------------------

def test_pages_are_a4_portrait_then_landscape_for_phu_luc_ii(info):
    first_i, first_ii = _appendix_pages(info)
    for page in info.pages[:first_ii]:
        assert page.size_mm == (210, 297), page.number
    landscape = info.pages[first_ii:]
    assert len(landscape) >= 3, "a 60-department Phụ lục II takes several pages"
    for page in landscape:
        assert page.size_mm == (297, 210), page.number


def test_page_numbers_top_centre_from_page_two_and_per_appendix(info):
    first_i, first_ii = _appendix_pages(info)
    top = [p.text_above(20) for p in info.pages]  # the top margin is 20 mm
    assert top[0] == "", "no page number on page 1"
    assert top[1] == "2"
    # Body pages: 2, 3, ... ; each appendix numbered on its own, its first page unnumbered.
    assert top[:first_i] == [""] + [str(n) for n in range(2, first_i + 1)]
    assert top[first_i:first_ii] == [""] + [str(n) for n in range(2, first_ii - first_i + 1)]
    assert top[first_ii:] == [""] + [str(n) for n in range(2, len(info.pages) - first_ii + 1)]
    # The number is centred: its x is near the middle of the text column.
    page = info.pages[1]
    (x, _, _), = [(x, y, t) for x, y, t in page.lines if t.strip() == "2" and y > page.height_pt - 57]
    left, right = 30 * 72 / 25.4, page.width_pt - 15 * 72 / 25.4
    assert abs(x - (left + right) / 2) < 12


def test_phu_luc_ii_header_repeats_and_total_row_last(info, doc):
    _, first_ii = _appendix_pages(info)
    for page in info.pages[first_ii:]:
        text = squash(page.text)
        assert "Số hồ sơ nhận giải quyết" in text and "Từ kỳ trước chuyển sang" in text, page.number
    last = squash(info.pages[-1].text)
    total = doc.appendices[1].table.total
    assert f"Tổng cộng {total.total} {total.online} {total.direct_postal}" in last


# ---- PDF/A, metadata, attachment ------------------------------------------------

def test_pdfa_3b_identification_and_structure(info, pdf_bytes):
    assert info.xmp["pdfaid:part"] == "3"
    assert info.xmp["pdfaid:conformance"] == "B"
    assert pdfa_problems(pdf_bytes) == []


def test_metadata_title_author_subject_language(info, doc):
    assert info.info["Title"] == doc.meta.title == info.xmp["dc:title"]
    assert info.info["Author"] == doc.meta.author == info.xmp["dc:creator"]
    assert info.info["Subject"] == doc.meta.subject == info.xmp["dc:description"]
    assert info.lang == "vi"
    assert info.xmp["dc:language"] == "vi"


def test_figures_json_attached_byte_equal(info):
    assert info.attachments == {"figures.json": FIGURES}
    assert info.relationships["figures.json"] == "Data"
    assert info.mime_types["figures.json"] == "application/json"
    assert info.catalog_af == 1


def test_fonts_embedded_subset_and_times_metric(info):
    family = pdf.font_in_use()
    assert family in fonts.FAMILIES
    assert info.fonts, "no font at all"
    for font in info.fonts:
        assert font.embedded and font.file_key in ("FontFile2", "FontFile3"), font
        assert font.subset, font
        assert font.accepted, f"unexpected font {font.name}"
        assert "dejavu" not in font.name.lower()
    # regular, bold, italic and bold italic are real faces, not synthesised
    assert len({f.name for f in info.fonts}) == 4
    squashed = family.replace(" ", "").lower()
    assert all(f.name.replace("-", "").lower().startswith(squashed) for f in info.fonts)


# ---- text ---------------------------------------------------------------------

def test_header_text_extracted_correctly(info, doc):
    first = info.pages[0]
    text = squash(first.text)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "UBND TỈNH HẢI DƯƠNG" in text
    assert "BAN QUẢN LÝ CÁC KHU" in text and "CÔNG NGHIỆP" in text
    # the blanks left for the văn thư survive (white-space: pre-wrap)
    raw = first.text.replace("\u00a0", " ")
    assert "Số:      /BC-KCN" in raw
    assert "ngày      tháng 6 năm 2024" in raw
    assert "BÁO CÁO" in text and "Kính gửi: Sở Nội vụ tỉnh Hải Dương." in text


def test_diacritics_and_special_characters_survive(info):
    text = squash(info.text)
    assert squash(DIACRITICS) in text
    assert squash(DIACRITICS_UPPER) in text
    assert squash(TRICKY) in text


def test_no_template_leftovers(info):
    text = info.text.replace(TRICKY, "")
    squashed = squash(text).replace(squash(TRICKY), "")
    for bad in TEMPLATE_LEFTOVERS:
        assert bad not in squashed, bad


def test_every_line_of_the_model_is_in_the_pdf(info, doc):
    text = squash(info.text)
    for line in doc.plain_text():
        # the PDF wraps long lines; compare word sequences
        assert squash(line) in text, line


def test_signature_block_on_one_page(info, doc):
    pages = [p for p in info.pages if "Nơi nhận:" in p.text]
    assert len(pages) == 1
    text = squash(pages[0].text)
    for part in (*doc.recipients, *doc.signature.title_lines, doc.signature.name):
        assert part in text


def test_dossier_numbers_all_present(info, doc):
    _, first_ii = _appendix_pages(info)
    text = squash(" ".join(p.text for p in info.pages[first_ii:]))
    for line in doc.appendices[1].table.lines:
        assert f"{line.total} {line.online} {line.direct_postal} {line.carried_over}" in text, line.stt


# ---- behaviour ------------------------------------------------------------------

def test_html_is_escaped_and_strict(doc):
    html = pdf.render_html(doc, font_family="Liberation Serif")
    assert "R&amp;D &lt; 5" in html
    assert "{{ chưa thay }}" in html  # passed through as text, not evaluated
    assert 'lang="vi"' in html


def test_deterministic_small_document():
    small = sample_document(2, kinh_gui=False)
    small = type(small)(**{**small.__dict__, "appendices": small.appendices[:1]})
    a = pdf.render_pdf(small, {"figures.json": b"{}"})
    b = pdf.render_pdf(small, {"figures.json": b"{}"})
    assert a == b
    dated = pdf.render_pdf(small, created=dt.datetime(2024, 6, 12, 8, 30, tzinfo=dt.timezone.utc))
    meta = inspect_pdf(dated)
    assert meta.info["CreationDate"].startswith("D:20240612083000")
    assert meta.xmp["xmp:CreateDate"].startswith("2024-06-12T08:30:00")
    assert pdfa_problems(dated) == []


def test_no_parent_agency_and_long_signature(doc):
    header = Header(parent=None, agency="SỞ NỘI VỤ", number="Số: 05/BC-SNV",
                    place_date="Hải Dương, ngày 05 tháng 02 năm 2024")
    body = (Paragraph.of("Nội dung ngắn./."),)
    small = type(doc)(**{**doc.__dict__, "header": header, "body": body, "appendices": ()})
    info = inspect_pdf(pdf.render_pdf(small))
    assert len(info.pages) == 1
    assert "UBND TỈNH HẢI DƯƠNG" not in info.text
    assert "Số: 05/BC-SNV" in info.text
    assert info.attachments == {}


def test_missing_font_is_a_clear_vietnamese_error(monkeypatch):
    monkeypatch.setattr(fonts, "_faces_from_fc_list", lambda _: {"DejaVu Serif": set(fonts._FACES)})
    monkeypatch.setattr(fonts, "_faces_from_files", lambda: {})
    with pytest.raises(ReportgenError) as err:
        fonts.find_family()
    assert "fonts-liberation2" in str(err.value)
    assert "phông" in str(err.value)


def test_font_and_log_level_leave_no_state_behind(monkeypatch):
    """The font is looked up on each call (no cache a test or a long-running
    process must clear), and a render gives WeasyPrint's logger its level back."""
    import logging

    found = fonts.find_family()
    monkeypatch.setattr(fonts, "_faces_from_fc_list", lambda _: {"Tinos": set(fonts._FACES)})
    monkeypatch.setattr(fonts.shutil, "which", lambda name: "/usr/bin/fc-list")
    assert fonts.find_family() == "Tinos"
    monkeypatch.undo()
    assert fonts.find_family() == found

    logger = logging.getLogger("weasyprint")
    before = logger.level
    logger.setLevel(logging.INFO)
    try:
        pdf.render_pdf(sample_document(1, kinh_gui=False))
        assert logger.level == logging.INFO
    finally:
        logger.setLevel(before)
