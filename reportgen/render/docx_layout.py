"""What the .docx template cannot do by itself, done on the rendered document.

The template (templates/van-ban.docx, built by tools/make_docx_template.py) owns
the layout. A few things depend on the data and cannot be written into a Word
file that must stay openable and editable, so the renderer finishes them here,
on the rendered python-docx document:

- the last section: the template ends with a section break describing the last
  appendix; it becomes the body's final sectPr (no empty trailing section);
- page margins from the model (doc.page), on every section, with the tables of a
  section scaled to its new text width;
- the body text size (doc.page.body_size) on the body style;
- the length of the rules under the agency, the Tiêu ngữ and the trích yếu,
  measured from the text above them (docx_metrics);
- a zip with fixed entry timestamps and order, so output is byte-identical
  (zip_writer, shared with the forms).

Nothing here chooses a font, a size or a position the template does not define.
"""

from __future__ import annotations

from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .docx_metrics import longest_line_pt

RULE_SHORT_STYLE = "ND30GachNgan"  # 1/3 to 1/2 of the text above: the agency
RULE_SUBJECT_STYLE = "ND30GachTrichYeu"  # the same under the trích yếu
RULE_FULL_STYLE = "ND30GachTieuNgu"  # as long as the text above: the Tiêu ngữ
RULE_SHORT_RATIO = 0.35  # inside the decree's 1/3 .. 1/2
RULE_RATIOS = {RULE_SHORT_STYLE: RULE_SHORT_RATIO, RULE_SUBJECT_STYLE: RULE_SHORT_RATIO,
               RULE_FULL_STYLE: 1.0}
BODY_STYLE = "ND30NoiDung"

DEFAULT_CELL_MARGIN = 108  # twips, Word's "Normal Table" left/right cell margin

W_P, W_TBL, W_TC, W_SECTPR = qn("w:p"), qn("w:tbl"), qn("w:tc"), qn("w:sectPr")


# --------------------------------------------------------------------------- styles

def _style_el(document, style_id: str):
    for s in document.styles.element.findall(qn("w:style")):
        if s.get(qn("w:styleId")) == style_id:
            return s
    return None


def style_rpr_value(document, style_id: str | None, tag: str):
    """The first `tag` element found in the style chain's rPr, then docDefaults."""
    seen = set()
    while style_id and style_id not in seen:
        seen.add(style_id)
        s = _style_el(document, style_id)
        if s is None:
            break
        rpr = s.find(qn("w:rPr"))
        if rpr is not None and rpr.find(qn(tag)) is not None:
            return rpr.find(qn(tag))
        based = s.find(qn("w:basedOn"))
        style_id = based.get(qn("w:val")) if based is not None else None
    dd = document.styles.element.find(qn("w:docDefaults"))
    rpr = dd.find(qn("w:rPrDefault")).find(qn("w:rPr")) if dd is not None else None
    return rpr.find(qn(tag)) if rpr is not None else None


def _on(el) -> bool:
    return el is not None and el.get(qn("w:val"), "true") not in ("0", "false", "off")


def _pstyle_id(p) -> str | None:
    ppr = p.find(qn("w:pPr"))
    ps = ppr.find(qn("w:pStyle")) if ppr is not None else None
    return ps.get(qn("w:val")) if ps is not None else None


def _text(p) -> str:
    parts = []
    for el in p.iter(qn("w:t"), qn("w:br"), qn("w:tab")):
        if el.tag == qn("w:t"):
            parts.append(el.text or "")
        else:
            parts.append("\n" if el.tag == qn("w:br") else " ")
    return "".join(parts)


# --------------------------------------------------------------------------- sections

def _sections(body):
    """[(sectPr, [top-level blocks of that section])] in document order."""
    out, blocks = [], []
    for child in body:
        if child.tag == W_SECTPR:
            continue
        blocks.append(child)
        if child.tag == W_P:
            ppr = child.find(qn("w:pPr"))
            sp = ppr.find(W_SECTPR) if ppr is not None else None
            if sp is not None:
                out.append((sp, blocks))
                blocks = []
    out.append((body.find(W_SECTPR), blocks))
    return out


def _text_width(sectpr) -> int:
    pgsz, mar = sectpr.find(qn("w:pgSz")), sectpr.find(qn("w:pgMar"))
    return int(pgsz.get(qn("w:w"))) - int(mar.get(qn("w:left"))) - int(mar.get(qn("w:right")))


def finish_sections(document) -> None:
    """Make the template's trailing section break the document's final sectPr."""
    body = document.element.body
    final = body.find(W_SECTPR)
    prev = final.getprevious()
    if prev is None or prev.tag != W_P:
        return
    ppr = prev.find(qn("w:pPr"))
    sp = ppr.find(W_SECTPR) if ppr is not None else None
    if sp is not None and not _text(prev).strip():
        ppr.remove(sp)
        body.replace(final, sp)


def _scale_table(tbl, factor: float) -> None:
    for el in tbl.iter(qn("w:gridCol")):
        el.set(qn("w:w"), str(round(int(el.get(qn("w:w"))) * factor)))
    for tag in ("w:tcW", "w:tblW"):
        for el in tbl.iter(qn(tag)):
            if el.get(qn("w:type")) == "dxa":
                el.set(qn("w:w"), str(round(int(el.get(qn("w:w"))) * factor)))


def apply_page(document, page) -> None:
    """Margins from the model (millimetres) on every section; tables follow the
    text width. Body text size from the model."""
    for sectpr, blocks in _sections(document.element.body):
        before = _text_width(sectpr)
        mar = sectpr.find(qn("w:pgMar"))
        for side, mm in (("top", page.margin_top), ("bottom", page.margin_bottom),
                         ("left", page.margin_left), ("right", page.margin_right)):
            mar.set(qn(f"w:{side}"), str(Mm(mm).twips))
        after = _text_width(sectpr)
        if after != before:
            for block in blocks:
                if block.tag == W_TBL:
                    _scale_table(block, after / before)
    sz = style_rpr_value(document, BODY_STYLE, "w:sz")
    if sz is not None and int(sz.get(qn("w:val"))) != round(page.body_size * 2):
        style = next(s for s in document.styles if s.style_id == BODY_STYLE)
        style.font.size = Pt(page.body_size)


# --------------------------------------------------------------------------- rules

def rule_indent_twips(avail_twips: int, longest_pt: float, ratio: float) -> int:
    """Left and right indent that leave a centred rule `ratio` times the text."""
    length = round(longest_pt * 20 * ratio)
    return max(0, (avail_twips - length) // 2)


def _container_width(p, section_width: int) -> int:
    tc = p.getparent()
    if tc.tag != W_TC:
        return section_width
    tcw = tc.find(qn("w:tcPr")).find(qn("w:tcW"))
    width = int(tcw.get(qn("w:w")))
    tbl = tc.getparent().getparent()
    mar = tbl.find(qn("w:tblPr")).find(qn("w:tblCellMar"))
    for side in ("left", "right"):
        el = mar.find(qn(f"w:{side}")) if mar is not None else None
        width -= int(el.get(qn("w:w"))) if el is not None else DEFAULT_CELL_MARGIN
    return width


def fit_rules(document) -> None:
    """Set each rule's indents from the text of the paragraphs just above it
    (consecutive, same style: a trích yếu on two lines counts its longer line)."""
    for sectpr, blocks in _sections(document.element.body):
        width = _text_width(sectpr)
        for block in blocks:
            for p in ([block] if block.tag == W_P else list(block.iter(W_P))):
                sid = _pstyle_id(p)
                if sid not in RULE_RATIOS:
                    continue
                texts, style, prev = [], None, p.getprevious()
                while prev is not None and prev.tag == W_P and _text(prev).strip():
                    psid = _pstyle_id(prev)
                    if style is not None and psid != style:
                        break
                    style = psid
                    texts.append(_text(prev))
                    prev = prev.getprevious()
                if not texts:
                    continue
                size = int(style_rpr_value(document, style, "w:sz").get(qn("w:val"))) / 2
                bold = _on(style_rpr_value(document, style, "w:b"))
                if _on(style_rpr_value(document, style, "w:caps")):
                    texts = [t.upper() for t in texts]
                avail = _container_width(p, width)
                longest = max(longest_line_pt(t, size, bold, avail / 20) for t in texts)
                ratio = RULE_RATIOS[sid]
                ind = rule_indent_twips(avail, longest, ratio)
                ppr = p.find(qn("w:pPr"))
                old = ppr.find(qn("w:ind"))
                if old is None:
                    old = ppr.makeelement(qn("w:ind"), {})
                    spacing = ppr.find(qn("w:spacing"))
                    (spacing.addnext(old) if spacing is not None else ppr.find(qn("w:pStyle")).addnext(old))
                old.attrib.clear()
                old.set(qn("w:left"), str(ind))
                old.set(qn("w:right"), str(ind))
