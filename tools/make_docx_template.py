"""Build templates/van-ban.docx: the Nghị định 30 Word template for both kinds.

    .venv/bin/python tools/make_docx_template.py [OUT]

One template serves the báo cáo (BC) and the kế hoạch (KH); everything that
differs between them is data (type name, number, subject, body, appendices).
The template owns the layout: page, named paragraph styles (all in Times New
Roman), the borderless header and signature tables, the page-number header, the
appendix sections and their tables. docxtpl fills it (reportgen/render/docx.py).

The generated file is checked in, so a clerk can open it in Word, change a
style, a width or a spacing, and save it; re-running this script overwrites such
edits, so make lasting changes here.

Layout of the body (grey "ND30 Lệnh mẫu" paragraphs are docxtpl tags and vanish
when rendering):

    header table         2 x 2, no borders, 6.75 cm + 10 cm
    type name            "{{ doc_type }}"
    trích yếu            one paragraph per subject line, then a short rule
    Kính gửi             one centred line, or "Kính gửi:" and a list
    body                 one paragraph per model paragraph, style by kind
    signature table      Nơi nhận | signer, no borders
    appendices           for each: a section break, label, title, note, table
                         (indicators, dossiers or the plan's tasks)
    final section        the document's last sectPr (see _finish_sections)

Sections: the paragraph that ends a section carries its sectPr, so each
appendix starts with a section break describing the section *before* it (the
main text for the first appendix, else the previous appendix, portrait or
landscape). After the loop, a last break describes the last appendix; the
renderer moves it into the body's final sectPr (it would otherwise leave an
empty section). Every section has a different first page (titlePg): the main
text shows no number on page 1; each appendix restarts at 1 and shows its
numbers from its own second page on.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor, Twips

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reportgen.render.docx_layout import (  # noqa: E402
    RULE_FULL_STYLE,
    RULE_SHORT_RATIO,
    RULE_SHORT_STYLE,
    RULE_SUBJECT_STYLE,
    rule_indent_twips,
)
from reportgen.render.docx_metrics import longest_line_pt  # noqa: E402

OUT = ROOT / "reportgen" / "templates" / "van-ban.docx"
FONT = "Times New Roman"

# Page (A4) and the decree's default margins; the renderer applies doc.page.
PAGE_W, PAGE_H = Mm(210), Mm(297)
MARGINS = dict(top=Mm(20), bottom=Mm(20), left=Mm(30), right=Mm(15))
HEADER_DISTANCE = Mm(10)  # page number sits in the top margin

# Header and signature tables: the decree sample's 6.75 cm + 10 cm, centred on
# the 16.5 cm text width (they overhang each margin by 1.25 mm).
COL_LEFT, COL_RIGHT = Cm(6.75), Cm(10)
HEADER_CELL_MARGIN = Cm(0.1)

# Sample texts, only to give the template's rules sensible default lengths; the
# renderer re-measures the real text.
SAMPLE_AGENCY = "BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP"
SAMPLE_MOTTO = "Độc lập - Tự do - Hạnh phúc"
SAMPLE_SUBJECT = "Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024"

CTL = "ND30Lenh"  # style of the docxtpl tag paragraphs
_STYLE_BY_ID: dict = {}  # style id -> python-docx style, filled while building


# --------------------------------------------------------------------------- xml helpers

def _el(tag: str, **attrs: str) -> OxmlElement:
    e = OxmlElement(tag)
    for k, v in attrs.items():
        e.set(qn(f"w:{k}"), str(v))
    return e


def _insert_ordered(parent, child, order: tuple[str, ...]) -> None:
    """Insert `child` into `parent` respecting the schema's child order."""
    tag = child.tag
    for old in parent.findall(tag):
        parent.remove(old)
    idx = order.index(tag)
    for i, existing in enumerate(parent):
        if existing.tag in order and order.index(existing.tag) > idx:
            existing.addprevious(child)
            return
    parent.append(child)


_TBLPR = tuple(qn(t) for t in (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders",
    "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"))
_TRPR = tuple(qn(t) for t in (
    "w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter",
    "w:cantSplit", "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden"))
_PPR = tuple(qn(t) for t in (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
    "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
    "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
    "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
    "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
    "w:sectPr", "w:pPrChange"))
_RPR = tuple(qn(t) for t in (
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike",
    "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid",
    "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz",
    "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign",
    "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath"))


def _rfonts() -> OxmlElement:
    """Times New Roman for every script slot, so Vietnamese never falls back."""
    return _el("w:rFonts", ascii=FONT, hAnsi=FONT, cs=FONT, eastAsia=FONT)


def _set_rpr_font(rpr, size_pt: float | None = None) -> None:
    _insert_ordered(rpr, _rfonts(), _RPR)
    if size_pt is not None:
        _insert_ordered(rpr, _el("w:sz", val=int(size_pt * 2)), _RPR)
        _insert_ordered(rpr, _el("w:szCs", val=int(size_pt * 2)), _RPR)
    _insert_ordered(rpr, _el("w:color", val="000000"), _RPR)
    _insert_ordered(rpr, _el("w:lang", val="vi-VN", eastAsia="vi-VN", bidi="ar-SA"), _RPR)


# --------------------------------------------------------------------------- styles

def _base_styles(doc) -> None:
    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr_default):
        rpr_default.remove(child)
    _set_rpr_font(rpr_default, 14)
    ppr_default = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for child in list(ppr_default):
        ppr_default.remove(child)
    ppr_default.append(_el("w:spacing", after=0, line=240, lineRule="auto"))

    normal = doc.styles["Normal"]
    _set_rpr_font(normal.element.get_or_add_rPr(), 14)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    normal.paragraph_format.widow_control = True

    header = doc.styles["Header"]  # the page number
    header.font.size = Pt(14)
    header.font.bold = False
    header.font.italic = False
    header.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    tabs = header.element.pPr.find(qn("w:tabs")) if header.element.pPr is not None else None
    if tabs is not None:
        header.element.pPr.remove(tabs)


def _pstyle(doc, sid: str, name: str, base: str = "Normal", *, size=None, bold=None, italic=None,
            caps=None, align=None, first=None, left=None, right=None, hanging=None, before=None,
            after=None, line=None, exact=None, keep_next=None, outline=None, color=None):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = sid
    style.base_style = doc.styles["Normal"] if base == "Normal" else _STYLE_BY_ID[base]
    _STYLE_BY_ID[sid] = style
    style.quick_style = True
    f, pf = style.font, style.paragraph_format
    if size is not None:
        f.size = Pt(size)
    if bold is not None:
        f.bold = bold
    if italic is not None:
        f.italic = italic
    if caps is not None:
        f.all_caps = caps
    if color is not None:
        f.color.rgb = color
    if align is not None:
        pf.alignment = align
    if first is not None:
        pf.first_line_indent = first
    if hanging is not None:
        pf.first_line_indent = -hanging
    if left is not None:
        pf.left_indent = left
    if right is not None:
        pf.right_indent = right
    if before is not None:
        pf.space_before = before
    if after is not None:
        pf.space_after = after
    if line is not None:
        pf.line_spacing = line
    if exact is not None:
        pf.line_spacing = exact
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    if keep_next is not None:
        pf.keep_with_next = keep_next
    if outline is not None:
        _insert_ordered(style.element.get_or_add_pPr(), _el("w:outlineLvl", val=outline), _PPR)
    return style


def _rule_style(doc, sid: str, name: str, after=Pt(0)) -> None:
    """An empty, 1 pt high paragraph whose bottom border is the rule, 3 pt below
    the text above (clear of the dots under Vietnamese letters); its length is
    set by the paragraph's left and right indents."""
    s = _pstyle(doc, sid, name, size=1, align=WD_ALIGN_PARAGRAPH.CENTER, before=Pt(3), after=after,
                exact=Pt(1))
    pbdr = _el("w:pBdr")
    pbdr.append(_el("w:bottom", val="single", sz=6, space=1, color="000000"))
    _insert_ordered(s.element.get_or_add_pPr(), pbdr, _PPR)


C = WD_ALIGN_PARAGRAPH.CENTER
J = WD_ALIGN_PARAGRAPH.JUSTIFY
L = WD_ALIGN_PARAGRAPH.LEFT


def _styles(doc) -> None:
    _base_styles(doc)
    grey = RGBColor(0x80, 0x80, 0x80)
    _pstyle(doc, CTL, "ND30 Lệnh mẫu", size=9, color=grey)

    # Header block
    _pstyle(doc, "ND30CoQuanChuQuan", "ND30 Cơ quan chủ quản", size=13, bold=False, caps=True, align=C)
    _pstyle(doc, "ND30CoQuanBanHanh", "ND30 Cơ quan ban hành", size=13, bold=True, caps=True, align=C)
    _rule_style(doc, RULE_SHORT_STYLE, "ND30 Gạch ngắn")
    _pstyle(doc, "ND30SoKyHieu", "ND30 Số, ký hiệu", size=13, align=C, before=Pt(6))
    _pstyle(doc, "ND30QuocHieu", "ND30 Quốc hiệu", size=13, bold=True, caps=True, align=C)
    _pstyle(doc, "ND30TieuNgu", "ND30 Tiêu ngữ", size=14, bold=True, align=C)
    _rule_style(doc, RULE_FULL_STYLE, "ND30 Gạch tiêu ngữ")
    _pstyle(doc, "ND30DiaDanhNgay", "ND30 Địa danh, ngày", size=14, italic=True, align=C, before=Pt(6))

    # Type name, trích yếu, Kính gửi
    _pstyle(doc, "ND30TenLoai", "ND30 Tên loại", size=14, bold=True, caps=True, align=C,
            before=Pt(24), keep_next=True)
    _pstyle(doc, "ND30TrichYeu", "ND30 Trích yếu", size=14, bold=True, align=C, keep_next=True)
    _rule_style(doc, RULE_SUBJECT_STYLE, "ND30 Gạch trích yếu", after=Pt(6))
    _pstyle(doc, "ND30KinhGui", "ND30 Kính gửi", size=14, align=C, before=Pt(6), after=Pt(12))
    _pstyle(doc, "ND30KinhGuiDau", "ND30 Kính gửi (nhiều nơi)", size=14, align=L, left=Cm(3),
            before=Pt(6))
    _pstyle(doc, "ND30KinhGuiDS", "ND30 Kính gửi - danh sách", size=14, align=L, left=Cm(5.5),
            after=Pt(6))

    # Body: justified, first line 1.27 cm, 6 pt after, 1.15 lines; headings at body size
    _pstyle(doc, "ND30NoiDung", "ND30 Nội dung", size=14, align=J, first=Cm(1.27), after=Pt(6),
            line=1.15)
    _pstyle(doc, "ND30Muc", "ND30 Mục (I, II)", base="ND30NoiDung", bold=True, keep_next=True, outline=0)
    _pstyle(doc, "ND30Khoan", "ND30 Khoản (1, 2)", base="ND30NoiDung", bold=True, keep_next=True, outline=1)
    _pstyle(doc, "ND30Diem", "ND30 Điểm (a, b)", base="ND30NoiDung", keep_next=True, outline=2)
    _pstyle(doc, "ND30GachDauDong", "ND30 Gạch đầu dòng", base="ND30NoiDung")
    _pstyle(doc, "ND30GhiChu", "ND30 Ghi chú", base="ND30NoiDung", italic=True, align=C, first=Cm(0))

    # Signature block (a 12 pt gap above the table: tables have no space before)
    _pstyle(doc, "ND30TruocChuKy", "ND30 Khoảng trước chữ ký", size=1, before=Pt(0), after=Pt(0),
            exact=Pt(12))
    _pstyle(doc, "ND30NoiNhan", "ND30 Nơi nhận", size=12, bold=True, italic=True, align=L)
    _pstyle(doc, "ND30NoiNhanDS", "ND30 Nơi nhận - danh sách", size=11, align=L)
    _pstyle(doc, "ND30ChucVu", "ND30 Chức vụ người ký", size=14, bold=True, caps=True, align=C)
    _pstyle(doc, "ND30NguoiKy", "ND30 Họ tên người ký", size=14, bold=True, align=C, before=Pt(114))

    # Appendices
    _pstyle(doc, "ND30PhuLuc", "ND30 Phụ lục", size=14, bold=True, align=C, keep_next=True)
    _pstyle(doc, "ND30TenPhuLuc", "ND30 Tên phụ lục", size=14, bold=True, caps=True, align=C,
            keep_next=True)
    _pstyle(doc, "ND30GhiChuPhuLuc", "ND30 Ghi chú phụ lục", size=14, italic=True, align=C,
            after=Pt(12), keep_next=True)
    _pstyle(doc, "ND30Bang", "ND30 Bảng", size=12, align=L, before=Pt(2), after=Pt(2))
    _pstyle(doc, "ND30BangGiua", "ND30 Bảng - giữa", base="ND30Bang", align=C)
    _pstyle(doc, "ND30BangGiuaDam", "ND30 Bảng - giữa đậm", base="ND30Bang", align=C, bold=True)
    _pstyle(doc, "ND30BangTieuDe", "ND30 Bảng - tiêu đề", base="ND30Bang", align=C, bold=True)
    _pstyle(doc, "ND30BangNhom", "ND30 Bảng - nhóm", base="ND30Bang", align=L, bold=True)
    _pstyle(doc, "ND30BangChu", "ND30 Bảng - chữ", base="ND30Bang", align=L)

    # Carrier of a section break: 1 pt high so it never adds a line or a page.
    _pstyle(doc, "ND30NgatPhan", "ND30 Ngắt phần", size=1, before=Pt(0), after=Pt(0), exact=Pt(1))


# --------------------------------------------------------------------------- paragraphs

def _p(container, text: str, style: str):
    p = container.add_paragraph(style=_STYLE_BY_ID[style])
    if text:
        p.add_run(text)
    return p


def _ctl(container, tag: str):
    return _p(container, tag, CTL)


def _first(cell, text: str, style: str):
    """Fill the cell's initial empty paragraph, or add one."""
    paras = cell.paragraphs
    p = paras[0]
    if len(paras) == 1 and not p.runs and p._p.pPr is None:
        p.style = _STYLE_BY_ID[style]
        if text:
            p.add_run(text)
        return p
    return _p(cell, text, style)


def _set_rule_indent(p, avail_twips: int, text: str, size: float, bold: bool, ratio: float) -> None:
    longest = longest_line_pt(text, size, bold, avail_twips / 20)
    ind = rule_indent_twips(avail_twips, longest, ratio)
    pf = p.paragraph_format
    pf.left_indent = ind * 635  # twips -> EMU
    pf.right_indent = ind * 635


# --------------------------------------------------------------------------- tables

def _table(doc, widths, *, borders: bool, cell_margin=None, align=WD_TABLE_ALIGNMENT.CENTER):
    t = doc.add_table(rows=0, cols=len(widths))
    t.alignment = align
    t.autofit = False
    tblpr = t._tbl.tblPr
    _insert_ordered(tblpr, _el("w:tblW", w=sum(w.twips for w in widths), type="dxa"), _TBLPR)
    bd = _el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if borders:
            bd.append(_el(f"w:{side}", val="single", sz=4, space=0, color="000000"))
        else:
            bd.append(_el(f"w:{side}", val="nil"))
    _insert_ordered(tblpr, bd, _TBLPR)
    if cell_margin is not None:
        mar = _el("w:tblCellMar")
        mar.append(_el("w:left", w=cell_margin.twips, type="dxa"))
        mar.append(_el("w:right", w=cell_margin.twips, type="dxa"))
        _insert_ordered(tblpr, mar, _TBLPR)
    grid = t._tbl.tblGrid
    for gc, w in zip(grid.findall(qn("w:gridCol")), widths):
        gc.set(qn("w:w"), str(w.twips))
    t._widths = widths
    return t


def _row(t, *, header=False, cant_split=True):
    row = t.add_row()
    for cell, w in zip(row.cells, t._widths):
        cell.width = w
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    trpr = row._tr.get_or_add_trPr()
    if cant_split:
        _insert_ordered(trpr, _el("w:cantSplit"), _TRPR)
    if header:
        _insert_ordered(trpr, _el("w:tblHeader"), _TRPR)
    return row


def _tag_row(t, tag: str):
    """A row holding only a docxtpl row tag ({%tr ... %}); it vanishes on rendering."""
    row = _row(t)
    cell = row.cells[0].merge(row.cells[-1])
    _first(cell, tag, CTL)
    return row


def _cells_text(row, texts_styles):
    for cell, (text, style) in zip(row.cells, texts_styles):
        _first(cell, text, style)


def _grouped_table(doc, widths, headers, line_cells):
    """A bordered table of lines grouped under bold rows merged across the table
    (Phụ lục I's indicators by area, the plan's tasks by area): a repeating header
    row, then `{%tr for g in ap.table.groups %}` group rows, each kept with its
    first line (never alone at the foot of a page; the PDF: break-after: avoid),
    and `{%tr for l in g.lines %}` lines whose first cells are `line_cells`.
    Returns the line row, for cells the caller fills itself."""
    t = _table(doc, widths, borders=True)
    _cells_text(_row(t, header=True), [(text, "ND30BangTieuDe") for text in headers])
    _tag_row(t, "{%tr for g in ap.table.groups %}")
    group = _row(t)
    cell = group.cells[0].merge(group.cells[-1])
    _first(cell, "{{ g.title }}", "ND30BangNhom").paragraph_format.keep_with_next = True
    _tag_row(t, "{%tr for l in g.lines %}")
    line = _row(t)
    _cells_text(line, line_cells)
    _tag_row(t, "{%tr endfor %}")
    _tag_row(t, "{%tr endfor %}")
    return line


# --------------------------------------------------------------------------- sections

def _sect_variant(base_sectpr, *, landscape: bool, restart: bool):
    s = copy.deepcopy(base_sectpr)
    pgsz = s.find(qn("w:pgSz"))
    if landscape:
        pgsz.set(qn("w:w"), str(PAGE_H.twips))
        pgsz.set(qn("w:h"), str(PAGE_W.twips))
        pgsz.set(qn("w:orient"), "landscape")
    old = s.find(qn("w:pgNumType"))
    if old is not None:
        s.remove(old)
    if restart:
        num = _el("w:pgNumType", fmt="decimal", start=1)
        s.find(qn("w:pgMar")).addnext(num)
    return s


def _section_break(doc, sectpr):
    p = _p(doc, "", "ND30NgatPhan")
    p._p.get_or_add_pPr().append(copy.deepcopy(sectpr))
    return p


# --------------------------------------------------------------------------- build

def build(out: Path = OUT) -> Path:
    doc = Document()
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    # No thumbnail of python-docx's blank sample page in file browsers.
    for rid, rel in list(doc.part.package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del doc.part.package.rels[rid]
    # Nor Word 2010's stale copy of the default (Calibri) styles.
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            del doc.part.rels[rid]

    _STYLE_BY_ID.clear()
    _styles(doc)
    _STYLE_BY_ID["Header"] = doc.styles["Header"]

    # ---- page, margins, headers: the main section (the body's sectPr for now)
    sec = doc.sections[0]
    sec.page_width, sec.page_height = PAGE_W, PAGE_H
    sec.top_margin, sec.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    sec.left_margin, sec.right_margin = MARGINS["left"], MARGINS["right"]
    sec.header_distance = sec.footer_distance = HEADER_DISTANCE
    sec.gutter = 0
    sec.different_first_page_header_footer = True
    hdr = sec.header
    hdr.is_linked_to_previous = False
    hp = hdr.paragraphs[0]
    hp.style = doc.styles["Header"]
    for typ, instr in (("begin", None), (None, " PAGE "), ("separate", None), ("text", "2"), ("end", None)):
        r = hp.add_run()
        if typ == "text":
            r.text = instr
        elif typ is None:
            it = OxmlElement("w:instrText")
            it.set(qn("xml:space"), "preserve")
            it.text = instr
            r._r.append(it)
        else:
            r._r.append(_el("w:fldChar", fldCharType=typ))
    first = sec.first_page_header
    first.is_linked_to_previous = False
    first.paragraphs[0].style = doc.styles["Header"]
    main_sectpr = copy.deepcopy(sec._sectPr)
    appx_portrait = _sect_variant(main_sectpr, landscape=False, restart=True)
    appx_landscape = _sect_variant(main_sectpr, landscape=True, restart=True)

    text_w = PAGE_W.twips - MARGINS["left"].twips - MARGINS["right"].twips
    land_w = PAGE_H.twips - MARGINS["left"].twips - MARGINS["right"].twips

    # ---- header block
    t = _table(doc, [COL_LEFT, COL_RIGHT], borders=False, cell_margin=HEADER_CELL_MARGIN)
    r1, r2 = _row(t), _row(t)
    for r in (r1, r2):
        for c in r.cells:
            c.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    left, right = r1.cells
    _first(left, "{%p if header.parent %}", CTL)
    _p(left, "{{ header.parent }}", "ND30CoQuanChuQuan")
    _ctl(left, "{%p endif %}")
    _p(left, "{{ header.agency }}", "ND30CoQuanBanHanh")
    avail_left = COL_LEFT.twips - 2 * HEADER_CELL_MARGIN.twips
    avail_right = COL_RIGHT.twips - 2 * HEADER_CELL_MARGIN.twips
    _set_rule_indent(_p(left, "", RULE_SHORT_STYLE), avail_left, SAMPLE_AGENCY, 13, True, RULE_SHORT_RATIO)
    _first(right, "{{ header.motto_country }}", "ND30QuocHieu")
    _p(right, "{{ header.motto }}", "ND30TieuNgu")
    _set_rule_indent(_p(right, "", RULE_FULL_STYLE), avail_right, SAMPLE_MOTTO, 14, True, 1.0)
    _first(r2.cells[0], "{{ header.number }}", "ND30SoKyHieu")
    _first(r2.cells[1], "{{ header.place_date }}", "ND30DiaDanhNgay")

    # ---- type name, trích yếu, Kính gửi
    _p(doc, "{{ doc_type }}", "ND30TenLoai")
    _ctl(doc, "{%p for line in subject %}")
    _p(doc, "{{ line }}", "ND30TrichYeu")
    _ctl(doc, "{%p endfor %}")
    _set_rule_indent(_p(doc, "", RULE_SUBJECT_STYLE), text_w, SAMPLE_SUBJECT, 14, True, RULE_SHORT_RATIO)
    _ctl(doc, "{%p if kinh_gui|length == 1 %}")
    _p(doc, "{{ kinh_gui[0] }}", "ND30KinhGui")
    _ctl(doc, "{%p endif %}")
    _ctl(doc, "{%p for line in kinh_gui if kinh_gui|length > 1 %}")
    _ctl(doc, "{%p if loop.first %}")
    _p(doc, "{{ line }}", "ND30KinhGuiDau")
    _ctl(doc, "{%p else %}")
    _p(doc, "{{ line }}", "ND30KinhGuiDS")
    _ctl(doc, "{%p endif %}")
    _ctl(doc, "{%p endfor %}")

    # ---- body: the paragraph's kind picks the style; runs carry bold/italic
    _ctl(doc, "{%p for para in body %}")
    branches = [("heading1", "ND30Muc"), ("heading2", "ND30Khoan"), ("heading3", "ND30Diem"),
                ("bullet", "ND30GachDauDong"), ("note", "ND30GhiChu")]
    for i, (kind, style) in enumerate(branches):
        _ctl(doc, f"{{%p {'if' if i == 0 else 'elif'} para.style == '{kind}' %}}")
        _p(doc, "{{r para.runs }}", style)
    _ctl(doc, "{%p else %}")
    _p(doc, "{{r para.runs }}", "ND30NoiDung")
    _ctl(doc, "{%p endif %}")
    _ctl(doc, "{%p endfor %}")

    # ---- signature and Nơi nhận
    _p(doc, "", "ND30TruocChuKy")
    t = _table(doc, [COL_LEFT, COL_RIGHT], borders=False, cell_margin=HEADER_CELL_MARGIN)
    row = _row(t)
    for c in row.cells:
        c.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    left, right = row.cells
    _first(left, "Nơi nhận:", "ND30NoiNhan")
    _ctl(left, "{%p for line in recipients %}")
    _p(left, "{{ line }}", "ND30NoiNhanDS")
    _ctl(left, "{%p endfor %}")
    _first(right, "{%p for line in signature.title_lines %}", CTL)
    _p(right, "{{ line }}", "ND30ChucVu")
    _ctl(right, "{%p endfor %}")
    _p(right, "{{ signature.name }}", "ND30NguoiKy")

    # ---- appendices, each in its own section
    _ctl(doc, "{%p for ap in appendices %}")
    _ctl(doc, "{%p if loop.first %}")
    _section_break(doc, main_sectpr)
    _ctl(doc, "{%p elif loop.previtem.landscape %}")
    _section_break(doc, appx_landscape)
    _ctl(doc, "{%p else %}")
    _section_break(doc, appx_portrait)
    _ctl(doc, "{%p endif %}")
    _p(doc, "{{ ap.label }}", "ND30PhuLuc")
    _p(doc, "{{ ap.title }}", "ND30TenPhuLuc")
    _p(doc, "{{ ap.note }}", "ND30GhiChuPhuLuc")

    # Phụ lục I: indicators, grouped by area (portrait, 16.5 cm)
    _ctl(doc, "{%p if ap.table.kind == 'indicators' %}")
    judged = _grouped_table(
        doc, [Cm(1.2), Cm(7.3), Cm(2.5), Cm(2.8), Cm(2.7)],
        ["STT", "Chỉ tiêu", "Kế hoạch", "Kết quả kỳ báo cáo", "Đánh giá"],
        [("{{ l.stt }}", "ND30BangGiua"), ("{{ l.name }}", "ND30BangChu"),
         ("{{ l.target }}", "ND30BangGiua"), ("{{ l.result }}", "ND30BangGiua")],
    ).cells[4]
    _first(judged, "{%p if l.met == false %}", CTL)
    _p(judged, "{{ l.assessment }}", "ND30BangGiuaDam")
    _ctl(judged, "{%p else %}")
    _p(judged, "{{ l.assessment }}", "ND30BangGiua")
    _ctl(judged, "{%p endif %}")

    # Phụ lục II: dossiers per department, three header levels (landscape, 25.2 cm)
    _ctl(doc, "{%p elif ap.table.kind == 'dossiers' %}")
    num_w = Cm(1.7).twips  # room for "1.234" and for "chuyển" in bold 12 pt
    widths = [Cm(1.2), Twips(land_w - Cm(1.2).twips - 11 * num_w)] + [Twips(num_w)] * 11
    t = _table(doc, widths, borders=True)
    h1, h2, h3 = (_row(t, header=True) for _ in range(3))
    # level 1
    stt = h1.cells[0].merge(h3.cells[0])
    unit = h1.cells[1].merge(h3.cells[1])
    recv = h1.cells[2].merge(h1.cells[5])
    done = h1.cells[6].merge(h1.cells[9])
    pend = h1.cells[10].merge(h1.cells[12])
    # level 2 (columns without a level-3 split are merged down to level 3)
    recv_total = h2.cells[2].merge(h3.cells[2])
    in_period = h2.cells[3].merge(h2.cells[4])
    carried = h2.cells[5].merge(h3.cells[5])
    lvl2 = [h2.cells[i].merge(h3.cells[i]) for i in range(6, 13)]
    for cell, text in [(stt, "STT"), (unit, "Đơn vị"), (recv, "Số hồ sơ nhận giải quyết"),
                       (done, "Số hồ sơ đã giải quyết"), (pend, "Số hồ sơ đang giải quyết"),
                       (recv_total, "Tổng số"), (in_period, "Trong kỳ"),
                       (carried, "Từ kỳ trước chuyển sang"),
                       (h3.cells[3], "Trực tuyến"), (h3.cells[4], "Trực tiếp, bưu chính")]:
        _first(cell, text, "ND30BangTieuDe")
    for cell, text in zip(lvl2, ["Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn", "Tổng số",
                                 "Trong hạn", "Quá hạn"]):
        _first(cell, text, "ND30BangTieuDe")
    fields = ["total", "online", "direct_postal", "carried_over", "resolved", "early", "on_time",
              "late", "pending", "pending_in_time", "pending_overdue"]
    _tag_row(t, "{%tr for l in ap.table.lines %}")
    _cells_text(_row(t), [("{{ l.stt }}", "ND30BangGiua"), ("{{ l.name }}", "ND30BangChu")]
                + [(f"{{{{ l.{f} }}}}", "ND30BangGiua") for f in fields])
    _tag_row(t, "{%tr endfor %}")
    _cells_text(_row(t), [("{{ ap.table.total.stt }}", "ND30BangGiuaDam"),
                          ("{{ ap.table.total.name }}", "ND30BangGiuaDam")]
                + [(f"{{{{ ap.table.total.{f} }}}}", "ND30BangGiuaDam") for f in fields])

    # The plan's Phụ lục: its tasks, grouped by area (portrait, 16.5 cm); the code
    # column is as wide as the longest code ("TCBM-NV01") in 12 pt plus the cell margins
    _ctl(doc, "{%p elif ap.table.kind == 'tasks' %}")
    _grouped_table(
        doc, [Cm(1.2), Cm(2.8), Cm(6.9), Cm(3.1), Cm(2.5)],
        ["STT", "Mã nhiệm vụ", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Thời gian hoàn thành"],
        [("{{ l.stt }}", "ND30BangGiua"), ("{{ l.code }}", "ND30BangGiua"), ("{{ l.text }}", "ND30BangChu"),
         ("{{ l.owner }}", "ND30BangGiua"), ("{{ l.deadline }}", "ND30BangGiua")],
    )
    _ctl(doc, "{%p endif %}")
    _ctl(doc, "{%p endfor %}")

    # ---- the last appendix's section; the renderer makes it the final sectPr
    _ctl(doc, "{%p if appendices and appendices[-1].landscape %}")
    _section_break(doc, appx_landscape)
    _ctl(doc, "{%p elif appendices %}")
    _section_break(doc, appx_portrait)
    _ctl(doc, "{%p endif %}")

    # ---- metadata: constant; the renderer sets the real values
    cp = doc.core_properties
    cp.author = ""
    cp.title = "Mẫu văn bản hành chính theo Nghị định 30/2020/NĐ-CP (báo cáo, kế hoạch)"
    cp.subject = ""
    cp.comments = "Tạo bởi tools/make_docx_template.py (reportgen)"
    cp.keywords = ""
    cp.category = ""
    cp.last_modified_by = ""
    cp.revision = 1
    cp.language = "vi-VN"
    from datetime import datetime, timezone
    cp.created = cp.modified = datetime(1980, 1, 1, tzinfo=timezone.utc)

    out.parent.mkdir(parents=True, exist_ok=True)
    from reportgen.render.zip_writer import normalized_zip
    import io
    buf = io.BytesIO()
    doc.save(buf)
    out.write_bytes(normalized_zip(buf.getvalue()))
    return out


if __name__ == "__main__":
    path = build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
    print(path)
