"""Checks of a produced .docx against Nghị định 30 (format-nd30.md), reusable.

Everything is read from the produced file (never the template), with python-docx
and the raw XML: formatting is resolved the way Word does it, run -> paragraph
style -> its basedOn chain -> docDefaults, so a property only counts where it
really applies. Each `check_*` function raises AssertionError with a message
naming the element and what is wrong.

    from docx_checks import DocxFile, check_all
    f = DocxFile(render_docx(doc))
    check_all(f, doc)               # header, title, body, page numbers, signature ...

The plan (KẾ HOẠCH) uses the same checks: `check_all` adapts to `doc.kind` and
to the presence of appendices.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Iterable, Optional

import docx
from docx.oxml.ns import qn

TNR = "Times New Roman"
FONT_SLOTS = ("ascii", "hAnsi", "cs", "eastAsia")
TWIPS_PER_MM = 1440 / 25.4
A4_TWIPS = (11906, 16838)


def w(tag: str) -> str:
    return qn(f"w:{tag}")


def _on(el) -> Optional[bool]:
    if el is None:
        return None
    return el.get(w("val"), "true") not in ("0", "false", "off", "none")


# --------------------------------------------------------------------------- file access

class DocxFile:
    """A produced .docx: python-docx document, raw parts and property resolution."""

    def __init__(self, data: bytes):
        self.data = data
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.document = docx.Document(io.BytesIO(data))
        self.body = self.document.element.body
        styles = self.document.styles.element
        self.styles = {s.get(w("styleId")): s for s in styles.findall(w("style"))}
        self.default_pstyle = next(
            (sid for sid, s in self.styles.items()
             if s.get(w("type")) == "paragraph" and s.get(w("default")) in ("1", "true")),
            "Normal")
        dd = styles.find(w("docDefaults"))
        rd = dd.find(w("rPrDefault")) if dd is not None else None
        pd = dd.find(w("pPrDefault")) if dd is not None else None
        self.default_rpr = rd.find(w("rPr")) if rd is not None else None
        self.default_ppr = pd.find(w("pPr")) if pd is not None else None

    def part_xml(self, name: str) -> str:
        return self.zip.read(name).decode("utf-8")

    @property
    def document_xml(self) -> str:
        return self.part_xml("word/document.xml")

    # ---- styles
    def style_chain(self, style_id: Optional[str]) -> list:
        chain, seen = [], set()
        sid = style_id or self.default_pstyle
        while sid and sid not in seen and sid in self.styles:
            seen.add(sid)
            s = self.styles[sid]
            chain.append(s)
            based = s.find(w("basedOn"))
            sid = based.get(w("val")) if based is not None else None
        return chain

    @staticmethod
    def pstyle_id(p_el) -> Optional[str]:
        ppr = p_el.find(w("pPr"))
        ps = ppr.find(w("pStyle")) if ppr is not None else None
        return ps.get(w("val")) if ps is not None else None

    def _rpr_levels(self, p_el, r_el=None) -> list:
        levels = []
        if r_el is not None and r_el.find(w("rPr")) is not None:
            levels.append(r_el.find(w("rPr")))
        for s in self.style_chain(self.pstyle_id(p_el)):
            if s.find(w("rPr")) is not None:
                levels.append(s.find(w("rPr")))
        if self.default_rpr is not None:
            levels.append(self.default_rpr)
        return levels

    def _ppr_levels(self, p_el) -> list:
        levels = []
        if p_el.find(w("pPr")) is not None:
            levels.append(p_el.find(w("pPr")))
        for s in self.style_chain(self.pstyle_id(p_el)):
            if s.find(w("pPr")) is not None:
                levels.append(s.find(w("pPr")))
        if self.default_ppr is not None:
            levels.append(self.default_ppr)
        return levels

    def run_el(self, p_el, r_el, tag: str):
        for rpr in self._rpr_levels(p_el, r_el):
            el = rpr.find(w(tag))
            if el is not None:
                return el
        return None

    def font(self, p_el, r_el, slot: str) -> Optional[str]:
        """The effective font of one rFonts slot; a theme font counts as 'theme:...'."""
        for rpr in self._rpr_levels(p_el, r_el):
            rf = rpr.find(w("rFonts"))
            if rf is None:
                continue
            theme = rf.get(w(f"{slot}Theme" if slot != "cs" else "cstheme"))
            if theme:
                return f"theme:{theme}"
            if rf.get(w(slot)):
                return rf.get(w(slot))
        return None

    def run_props(self, p_el, r_el=None) -> dict:
        sz = self.run_el(p_el, r_el, "sz")
        return {
            "fonts": {slot: self.font(p_el, r_el, slot) for slot in FONT_SLOTS},
            "size": int(sz.get(w("val"))) / 2 if sz is not None else 10.0,
            "bold": bool(_on(self.run_el(p_el, r_el, "b"))),
            "italic": bool(_on(self.run_el(p_el, r_el, "i"))),
            "caps": bool(_on(self.run_el(p_el, r_el, "caps"))),
            "underline": (self.run_el(p_el, r_el, "u").get(w("val"))
                          if self.run_el(p_el, r_el, "u") is not None else None),
        }

    def para_attr(self, p_el, tag: str, attr: str) -> Optional[str]:
        for ppr in self._ppr_levels(p_el):
            el = ppr.find(w(tag))
            if el is not None and el.get(w(attr)) is not None:
                return el.get(w(attr))
        return None

    def alignment(self, p_el) -> str:
        return self.para_attr(p_el, "jc", "val") or "left"

    def para_el(self, p_el, tag: str):
        for ppr in self._ppr_levels(p_el):
            el = ppr.find(w(tag))
            if el is not None:
                return el
        return None

    # ---- text
    @staticmethod
    def text(el) -> str:
        out = []
        for t in el.iter(w("t"), w("br"), w("tab")):
            if t.tag == w("t"):
                out.append(t.text or "")
            else:
                out.append("\n" if t.tag == w("br") else "\t")
        return "".join(out)

    def paragraphs(self, root=None) -> list:
        return list((root if root is not None else self.body).iter(w("p")))

    def find_paragraphs(self, text: str, root=None) -> list:
        return [p for p in self.paragraphs(root) if self.text(p) == text]

    def find_paragraph(self, text: str, root=None):
        found = self.find_paragraphs(text, root)
        assert found, f"no paragraph with text {text!r}"
        return found[0]

    def tables(self) -> list:
        return list(self.body.iterchildren(w("tbl")))

    def sections(self) -> list:
        out = [p.find(w("pPr")).find(w("sectPr")) for p in self.body.iterchildren(w("p"))
               if p.find(w("pPr")) is not None and p.find(w("pPr")).find(w("sectPr")) is not None]
        return out + [self.body.find(w("sectPr"))]


# --------------------------------------------------------------------------- text assertions

def assert_run_format(f: DocxFile, p_el, *, size: float, bold: bool = False, italic: bool = False,
                      what: str = "", caps: Optional[bool] = None) -> None:
    """Every run with text in the paragraph: Times New Roman in all slots, size,
    bold, italic, no underline."""
    runs = [r for r in p_el.iter(w("r")) if f.text(r).strip()]
    assert runs, f"{what}: paragraph {f.text(p_el)!r} has no text runs"
    for r in runs:
        props = f.run_props(p_el, r)
        label = f"{what} ({f.text(r)!r})"
        for slot, font in props["fonts"].items():
            assert font == TNR, f"{label}: font {slot}={font!r}, expected {TNR}"
        assert props["size"] == size, f"{label}: size {props['size']}, expected {size}"
        assert props["bold"] is bold, f"{label}: bold={props['bold']}, expected {bold}"
        assert props["italic"] is italic, f"{label}: italic={props['italic']}, expected {italic}"
        assert props["underline"] in (None, "none"), f"{label}: underlined"
        if caps is not None:
            assert props["caps"] is caps or f.text(r) == f.text(r).upper(), f"{label}: not in capitals"


def assert_all_fonts_tnr(f: DocxFile) -> None:
    """Every run of the body and of the headers resolves to Times New Roman."""
    roots = [f.body] + [
        docx.oxml.parse_xml(f.zip.read(n)) for n in f.zip.namelist() if re.match(r"word/header\d+\.xml", n)]
    for root in roots:
        for p in root.iter(w("p")):
            for r in p.iter(w("r")):
                if not f.text(r).strip():
                    continue
                for slot in FONT_SLOTS:
                    font = f.font(p, r, slot)
                    assert font == TNR, f"run {f.text(r)!r}: font {slot}={font!r}"


def check_no_template_residue(f: DocxFile, allowed: Iterable[str] = ()) -> None:
    """No Jinja left over, no Python None/nan in any text part. `allowed` lists
    literal texts of the document that legitimately contain such sequences."""
    for name in f.zip.namelist():
        if not name.endswith(".xml"):
            continue
        xml = f.part_xml(name)
        text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)) if name.startswith("word/") else xml
        for literal in allowed:
            text = text.replace(literal.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), "")
            text = text.replace(literal, "")
        for bad in ("{{", "}}", "{%", "%}", "{#"):
            assert bad not in text, f"{name}: template residue {bad!r}"
        for bad in (r"\bNone\b", r"\bnan\b", r"\bNaN\b", r"\bnull\b"):
            assert not re.search(bad, text), f"{name}: {bad} in the text"


# --------------------------------------------------------------------------- page

def mm(twips: str | int) -> float:
    return int(twips) / TWIPS_PER_MM


def check_page(f: DocxFile, margins_mm=(20, 20, 30, 15), landscape: Iterable[int] = ()) -> None:
    """A4 everywhere (landscape sections swap the sizes), margins as given (top,
    bottom, left, right) on every section."""
    landscape = set(landscape)
    for i, sp in enumerate(f.sections()):
        pg = sp.find(w("pgSz"))
        size = (int(pg.get(w("w"))), int(pg.get(w("h"))))
        if i in landscape:
            assert size == A4_TWIPS[::-1], f"section {i}: {size}, expected A4 landscape"
            assert pg.get(w("orient")) == "landscape", f"section {i}: orient not landscape"
        else:
            assert size == A4_TWIPS, f"section {i}: {size}, expected A4 portrait"
            assert pg.get(w("orient")) in (None, "portrait"), f"section {i}: orientation"
        mar = sp.find(w("pgMar"))
        got = tuple(round(mm(mar.get(w(k))), 1) for k in ("top", "bottom", "left", "right"))
        assert got == tuple(float(x) for x in margins_mm), f"section {i}: margins {got} mm, expected {margins_mm}"


def check_page_numbers(f: DocxFile, size_range=(13, 14)) -> None:
    """Every section: titlePg; a default header with a centred PAGE field (13-14,
    upright); an empty first-page header."""
    doc_rels = f.document.part.rels
    for i, sp in enumerate(f.sections()):
        assert _on(sp.find(w("titlePg"))), f"section {i}: no titlePg (number would show on page 1)"
        refs = {h.get(w("type")): h.get(qn("r:id")) for h in sp.findall(w("headerReference"))}
        assert "default" in refs and "first" in refs, f"section {i}: header references {refs}"
        default = doc_rels[refs["default"]].target_part.element
        first = doc_rels[refs["first"]].target_part.element
        instr = " ".join(t.text or "" for t in default.iter(w("instrText")))
        simple = " ".join(fs.get(w("instr")) or "" for fs in default.iter(w("fldSimple")))
        assert re.search(r"\bPAGE\b", instr + simple), f"section {i}: no PAGE field in the default header"
        paras = [p for p in default.iter(w("p")) if p.find(".//" + w("fldChar")) is not None
                 or p.find(".//" + w("fldSimple")) is not None]
        for p in paras:
            assert f.alignment(p) == "center", f"section {i}: page number not centred"
            for r in p.iter(w("r")):
                props = f.run_props(p, r)
                assert size_range[0] <= props["size"] <= size_range[1], f"page number size {props['size']}"
                assert not props["italic"] and not props["bold"], "page number not upright"
                assert props["fonts"]["ascii"] == TNR, "page number font"
        assert not f.text(first).strip(), f"section {i}: first-page header not empty"
        assert first.find(".//" + w("fldChar")) is None and first.find(".//" + w("fldSimple")) is None, \
            f"section {i}: field in the first-page header"
    starts = [sp.find(w("pgNumType")) for sp in f.sections()]
    for i, st in enumerate(starts[1:], start=1):
        assert st is not None and st.get(w("start")) == "1", f"section {i} (appendix): numbering does not restart"


# --------------------------------------------------------------------------- tables

def table_borders(tbl) -> dict:
    bd = tbl.find(w("tblPr")).find(w("tblBorders"))
    return {el.tag.split("}")[1]: el.get(w("val")) for el in bd} if bd is not None else {}


def assert_borderless(tbl, what: str) -> None:
    borders = table_borders(tbl)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        assert borders.get(side) in ("nil", "none"), f"{what}: border {side}={borders.get(side)}"
    for tc in tbl.iter(w("tc")):
        tcb = tc.find(w("tcPr")).find(w("tcBorders")) if tc.find(w("tcPr")) is not None else None
        if tcb is not None:
            for el in tcb:
                assert el.get(w("val")) in ("nil", "none"), f"{what}: a cell has a border"


def grid_cm(tbl) -> list[float]:
    return [round(int(g.get(w("w"))) / TWIPS_PER_MM / 10, 3) for g in tbl.find(w("tblGrid")).findall(w("gridCol"))]


def rows(tbl) -> list:
    return tbl.findall(w("tr"))


def cells(tr) -> list:
    return tr.findall(w("tc"))


def span(tc) -> int:
    gs = tc.find(w("tcPr")).find(w("gridSpan")) if tc.find(w("tcPr")) is not None else None
    return int(gs.get(w("val"))) if gs is not None else 1


def vmerge(tc) -> Optional[str]:
    vm = tc.find(w("tcPr")).find(w("vMerge")) if tc.find(w("tcPr")) is not None else None
    if vm is None:
        return None
    return vm.get(w("val")) or "continue"


def is_header_row(tr) -> bool:
    trpr = tr.find(w("trPr"))
    return trpr is not None and _on(trpr.find(w("tblHeader"))) is True


def rule_length_ratio(f: DocxFile, rule_p, text_ps, avail_twips: int) -> float:
    """Length of a rule (bottom border between indents) over the longest line of
    the text paragraphs above it (measured with Times New Roman widths)."""
    from reportgen.render.docx_metrics import longest_line_pt

    bottom = f.para_el(rule_p, "pBdr")
    assert bottom is not None and bottom.find(w("bottom")) is not None, "rule paragraph has no bottom border"
    assert bottom.find(w("bottom")).get(w("val")) == "single", "rule is not a single solid line"
    left = int(f.para_attr(rule_p, "ind", "left") or 0)
    right = int(f.para_attr(rule_p, "ind", "right") or 0)
    rule_pt = (avail_twips - left - right) / 20
    widths = []
    for p in text_ps:
        r = next(r for r in p.iter(w("r")) if f.text(r).strip())
        props = f.run_props(p, r)
        text = f.text(p).upper() if props["caps"] else f.text(p)
        widths.append(longest_line_pt(text, props["size"], props["bold"], avail_twips / 20))
    return rule_pt / max(widths)


def cell_text_width(tc, tbl) -> int:
    width = int(tc.find(w("tcPr")).find(w("tcW")).get(w("w")))
    mar = tbl.find(w("tblPr")).find(w("tblCellMar"))
    for side in ("left", "right"):
        el = mar.find(w(side)) if mar is not None else None
        width -= int(el.get(w("w"))) if el is not None else 108
    return width


# --------------------------------------------------------------------------- document parts

@dataclass
class Expect:
    """Decree defaults (format-nd30.md), overridable for another organisation's choice."""

    body_size: float = 14
    margins_mm: tuple = (20, 20, 30, 15)
    header_widths_cm: tuple = (6.75, 10.0)


def check_header_block(f: DocxFile, header, expect: Expect = Expect()) -> None:
    tbl = f.tables()[0]
    assert f.body.index(tbl) == 0, "the header table is not the first thing in the document"
    assert_borderless(tbl, "header table")
    widths = grid_cm(tbl)
    assert len(widths) == 2, f"header table has {len(widths)} columns"
    for got, want in zip(widths, expect.header_widths_cm):
        assert abs(got - want) <= 0.3, f"header column {got} cm, expected about {want} cm"
    r1, r2 = rows(tbl)[:2]
    left, right = cells(r1)
    # left column: parent (13, not bold), agency (13, bold), short rule
    if header.parent:
        p = f.find_paragraph(header.parent, left)
        assert_run_format(f, p, size=13, bold=False, what="cơ quan chủ quản", caps=True)
        assert f.alignment(p) == "center", "cơ quan chủ quản not centred"
    agency = f.find_paragraph(header.agency, left)
    assert_run_format(f, agency, size=13, bold=True, what="cơ quan ban hành", caps=True)
    assert f.alignment(agency) == "center", "cơ quan ban hành not centred"
    rule = agency.getnext()
    ratio = rule_length_ratio(f, rule, [agency], cell_text_width(left, tbl))
    assert 1 / 3 - 0.01 <= ratio <= 1 / 2 + 0.01, f"agency rule is {ratio:.2f} of the text, expected 1/3..1/2"
    # right column: Quốc hiệu (13 bold), Tiêu ngữ (14 bold) with a rule as long as it
    qh = f.find_paragraph(header.motto_country, right)
    assert_run_format(f, qh, size=13, bold=True, what="Quốc hiệu", caps=True)
    motto = f.find_paragraph(header.motto, right)
    assert_run_format(f, motto, size=14, bold=True, what="Tiêu ngữ")
    for p, what in ((qh, "Quốc hiệu"), (motto, "Tiêu ngữ")):
        assert f.alignment(p) == "center", f"{what} not centred"
    ratio = rule_length_ratio(f, motto.getnext(), [motto], cell_text_width(right, tbl))
    assert abs(ratio - 1) <= 0.03, f"Tiêu ngữ rule is {ratio:.2f} of the text, expected 1"
    # second row: Số (13 upright) | place-date (14 italic), same row
    so = f.find_paragraph(header.number, cells(r2)[0])
    assert_run_format(f, so, size=13, what="số, ký hiệu")
    date = f.find_paragraph(header.place_date, cells(r2)[1])
    assert_run_format(f, date, size=14, italic=True, what="địa danh, ngày")
    for p, what in ((so, "số, ký hiệu"), (date, "địa danh, ngày")):
        assert f.alignment(p) == "center", f"{what} not centred"


def _body_paragraphs(f: DocxFile) -> list:
    return list(f.body.iterchildren(w("p")))


def check_title(f: DocxFile, doc_type: str, subject: tuple, kinh_gui: tuple = ()) -> None:
    top = _body_paragraphs(f)
    tp = f.find_paragraph(doc_type)
    assert tp in top, "type name is not a body paragraph"
    assert_run_format(f, tp, size=14, bold=True, what="tên loại", caps=True)
    assert f.alignment(tp) == "center", "tên loại not centred"
    subj = [f.find_paragraph(s) for s in subject]
    for p in subj:
        assert_run_format(f, p, size=14, bold=True, what="trích yếu")
        assert f.alignment(p) == "center", "trích yếu not centred"
    assert top.index(subj[0]) == top.index(tp) + 1, "trích yếu does not follow the type name"
    rule = subj[-1].getnext()
    sect = f.sections()[0]
    avail = int(sect.find(w("pgSz")).get(w("w"))) - int(sect.find(w("pgMar")).get(w("left"))) \
        - int(sect.find(w("pgMar")).get(w("right")))
    ratio = rule_length_ratio(f, rule, subj, avail)
    assert 1 / 3 - 0.01 <= ratio <= 1 / 2 + 0.01, f"trích yếu rule is {ratio:.2f} of the text"
    for line in kinh_gui:
        p = f.find_paragraph(line)
        assert_run_format(f, p, size=14, what="Kính gửi")


def check_body_paragraph(f: DocxFile, p_el, body_size: float = 14) -> None:
    """Body text: justified, first line 1.27 cm (or 1 cm), >= 6 pt between
    paragraphs, line spacing single to 1.5, Times New Roman at body size, upright
    unless a run says otherwise."""
    text = f.text(p_el)
    assert f.alignment(p_el) == "both", f"body paragraph not justified: {text[:40]!r}"
    first = int(f.para_attr(p_el, "ind", "firstLine") or 0)
    assert first in (567, 720), f"first-line indent {first} twips: {text[:40]!r}"
    after = int(f.para_attr(p_el, "spacing", "after") or 0)
    before = int(f.para_attr(p_el, "spacing", "before") or 0)
    assert after + before >= 120, f"space between paragraphs {after + before} twips < 6 pt: {text[:40]!r}"
    line = int(f.para_attr(p_el, "spacing", "line") or 240)
    rule = f.para_attr(p_el, "spacing", "lineRule") or "auto"
    if rule == "auto":
        assert 240 <= line <= 360, f"line spacing {line / 240:.2f} lines: {text[:40]!r}"
    else:  # exact / atLeast in twips: single .. 1.5 lines of the body size
        assert body_size * 20 * 1.0 <= line <= body_size * 20 * 1.5 * 1.2, f"line spacing {line}"
    for r in p_el.iter(w("r")):
        if not f.text(r).strip():
            continue
        props = f.run_props(p_el, r)
        for slot, font in props["fonts"].items():
            assert font == TNR, f"body run {f.text(r)!r}: {slot}={font}"
        assert props["size"] == body_size, f"body run {f.text(r)!r}: size {props['size']}"


def check_body(f: DocxFile, body, body_size: float = 14) -> None:
    """Each model paragraph is in the file, in order, with its style's format and
    its runs' bold/italic."""
    top = _body_paragraphs(f)
    last = -1
    for para in body:
        found = [p for p in top if f.text(p) == para.text]
        assert found, f"body paragraph missing: {para.text[:60]!r}"
        p = next((x for x in found if top.index(x) > last), found[0])
        assert top.index(p) > last, f"body paragraph out of order: {para.text[:60]!r}"
        last = top.index(p)
        if para.style == "note":
            assert f.alignment(p) == "center", "note not centred"
            assert all(f.run_props(p, r)["italic"] for r in p.iter(w("r")) if f.text(r).strip()), "note not italic"
        else:
            check_body_paragraph(f, p, body_size)
        runs = [r for r in p.iter(w("r")) if f.text(r)]
        model_runs = [r for r in para.runs if r.text]
        assert len(runs) == len(model_runs), f"runs of {para.text[:40]!r}: {len(runs)} vs {len(model_runs)}"
        for r, mr in zip(runs, model_runs):
            props = f.run_props(p, r)
            assert f.text(r) == mr.text
            heading_bold = para.style in ("heading1", "heading2")
            assert props["bold"] is (mr.bold or heading_bold), f"bold of {mr.text!r}"
            assert props["italic"] is (mr.italic or para.style == "note"), f"italic of {mr.text!r}"


def check_signature(f: DocxFile, signature, recipients: tuple) -> None:
    """Borderless one-row table: Nơi nhận (12 bold italic) and the recipients (11,
    ';' ... '.') left; the signer's title (14 bold capitals) and name (14 bold)
    centred right, with room for the signature between them."""
    label = f.find_paragraph("Nơi nhận:")
    tc = label.getparent()
    assert tc.tag == w("tc"), "Nơi nhận is not in a table cell"
    tbl = tc.getparent().getparent()
    assert_borderless(tbl, "signature table")
    assert len(rows(tbl)) == 1 and len(cells(rows(tbl)[0])) == 2, "signature table is not 1 row x 2 columns"
    assert_run_format(f, label, size=12, bold=True, italic=True, what="Nơi nhận")
    left, right = cells(rows(tbl)[0])
    assert tc is left, "Nơi nhận is not in the left column"
    lines = [p for p in left.iter(w("p")) if f.text(p).strip()][1:]
    assert [f.text(p) for p in lines] == list(recipients), "recipients differ from the model"
    for p in lines:
        assert_run_format(f, p, size=11, what="nơi nhận")
        assert f.alignment(p) in ("left", "start", "both"), "recipients not flush left"
    texts = [f.text(p) for p in lines]
    assert texts and all(t.endswith(";") for t in texts[:-1]), "a recipient line does not end with ';'"
    assert texts[-1].endswith("."), "the last recipient line does not end with '.'"
    right_ps = [p for p in right.iter(w("p")) if f.text(p).strip()]
    assert [f.text(p) for p in right_ps] == [*signature.title_lines, signature.name], "signer block differs"
    for p in right_ps[:-1]:
        assert_run_format(f, p, size=14, bold=True, what="chức vụ", caps=True)
        assert f.alignment(p) == "center"
    name = right_ps[-1]
    assert_run_format(f, name, size=14, bold=True, what="họ tên người ký")
    assert f.alignment(name) == "center"
    room = int(f.para_attr(name, "spacing", "before") or 0)
    assert room >= 60 * 20, f"only {room / 20:.0f} pt left for the signature and seal"


def check_all(f: DocxFile, doc, expect: Optional[Expect] = None) -> None:
    """Every format rule that applies to `doc` (a compose.model.Document)."""
    expect = expect or Expect(body_size=doc.page.body_size,
                              margins_mm=(doc.page.margin_top, doc.page.margin_bottom,
                                          doc.page.margin_left, doc.page.margin_right))
    landscape = [i + 1 for i, a in enumerate(doc.appendices) if a.landscape]
    assert len(f.sections()) == 1 + len(doc.appendices), \
        f"{len(f.sections())} sections for {len(doc.appendices)} appendices"
    check_page(f, expect.margins_mm, landscape)
    check_page_numbers(f)
    check_header_block(f, doc.header, expect)
    check_title(f, doc.doc_type, doc.subject, doc.kinh_gui)
    check_body(f, doc.body, expect.body_size)
    check_signature(f, doc.signature, doc.recipients)
    assert_all_fonts_tnr(f)
    allowed = [r.text for p in doc.body for r in p.runs if re.search(r"\{\{|\{%|None|nan", r.text)]
    check_no_template_residue(f, allowed)
