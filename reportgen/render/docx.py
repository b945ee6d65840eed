"""Render a document model to .docx through the docxtpl template in templates/.

One template, templates/van-ban.docx (built by tools/make_docx_template.py and
checked in), serves both kinds: báo cáo (BC, with appendices) and kế hoạch (KH).
The template owns the layout; this module only turns the model into a plain
context (text, already final) and lets docxtpl fill it:

- Jinja runs with autoescape and StrictUndefined: a department's `&`, `<`, `{{`
  come out literally, and a variable the template expects but the context lacks
  is an error, never an empty hole;
- a body paragraph's runs become a docxtpl RichText (bold/italic only; the
  paragraph style carries font, size and spacing). RichText escapes its text
  itself, and Jinja does not escape it again;
- docx_layout then finishes what depends on the data (last section, margins,
  rule lengths) and the zip is normalised, so the same Document always gives
  the same bytes.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate, RichText
from jinja2 import Environment, StrictUndefined

from ..resources import TEMPLATES
from ..compose.model import Appendix, DossierLine, DossierTable, Document, IndicatorTable, TaskTable
from .docx_layout import apply_page, finish_sections, fit_rules
from .zip_writer import normalized_zip

TEMPLATE = TEMPLATES / "van-ban.docx"

# Core properties carry no build time: the same Document gives the same file.
FIXED_TIME = datetime(1980, 1, 1, tzinfo=timezone.utc)

# Characters XML 1.0 cannot hold; \t and \n stay (docxtpl turns them into a tab
# and a line break).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def jinja_env() -> Environment:
    return Environment(autoescape=True, undefined=StrictUndefined)


def _clean(text: Any) -> str:
    if text is None:
        return ""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return _XML_ILLEGAL.sub(" ", text)


def _runs(paragraph) -> RichText:
    rt = RichText()
    for run in paragraph.runs:
        rt.add(_clean(run.text), bold=bool(run.bold), italic=bool(run.italic))
    return rt


def _dossier_line(line: DossierLine) -> dict[str, str]:
    return {k: _clean(v) for k, v in vars(line).items()}


def _appendix(ap: Appendix) -> dict[str, Any]:
    table = ap.table
    if isinstance(table, IndicatorTable):
        t: dict[str, Any] = {
            "kind": "indicators",
            "groups": [
                {
                    "title": _clean(g.title),
                    "lines": [
                        {"stt": _clean(l.stt), "name": _clean(l.name), "target": _clean(l.target),
                         "result": _clean(l.result), "assessment": _clean(l.assessment), "met": l.met}
                        for l in g.lines
                    ],
                }
                for g in table.groups
            ],
        }
    elif isinstance(table, DossierTable):
        t = {"kind": "dossiers", "lines": [_dossier_line(l) for l in table.lines],
             "total": _dossier_line(table.total)}
    elif isinstance(table, TaskTable):
        t = {
            "kind": "tasks",
            "groups": [
                {
                    "title": _clean(g.title),
                    "lines": [
                        {"stt": _clean(l.stt), "code": _clean(l.code), "text": _clean(l.text),
                         "owner": _clean(l.owner), "deadline": _clean(l.deadline)}
                        for l in g.lines
                    ],
                }
                for g in table.groups
            ],
        }
    else:  # pragma: no cover - the model has three table kinds
        raise TypeError(f"unknown appendix table {type(table).__name__}")
    return {"label": _clean(ap.label), "title": _clean(ap.title), "note": _clean(ap.note),
            "landscape": bool(ap.landscape), "table": t}


def build_context(doc: Document) -> dict[str, Any]:
    """The template's variables, every one of them always present."""
    h = doc.header
    return {
        "kind": doc.kind,
        "header": {
            "parent": _clean(h.parent) if h.parent else "",
            "agency": _clean(h.agency),
            "number": _clean(h.number),
            "place_date": _clean(h.place_date),
            "motto_country": _clean(h.motto_country),
            "motto": _clean(h.motto),
        },
        "doc_type": _clean(doc.doc_type),
        "subject": [_clean(s) for s in doc.subject],
        "kinh_gui": [_clean(s) for s in doc.kinh_gui],
        "body": [{"style": p.style, "runs": _runs(p)} for p in doc.body],
        "signature": {"title_lines": [_clean(s) for s in doc.signature.title_lines],
                      "name": _clean(doc.signature.name)},
        "recipients": [_clean(s) for s in doc.recipients],
        "appendices": [_appendix(a) for a in doc.appendices],
    }


def render_template(context: dict[str, Any], template: Path = TEMPLATE) -> DocxTemplate:
    """Fill the template; raises jinja2 errors (UndefinedError for a missing variable)."""
    tpl = DocxTemplate(str(template))
    tpl.render(context, jinja_env=jinja_env())
    return tpl


def _set_core_properties(document, doc: Document) -> None:
    cp = document.core_properties
    meta = doc.meta
    cp.author = _clean(meta.author)
    cp.title = _clean(meta.title)
    cp.subject = _clean(meta.subject)
    cp.keywords = ", ".join(_clean(k) for k in meta.keywords)
    cp.language = _clean(meta.language)
    cp.comments = ""
    cp.category = ""
    cp.last_modified_by = _clean(meta.author)
    cp.revision = 1
    cp.created = FIXED_TIME
    cp.modified = FIXED_TIME
    el = cp._element
    for child in list(el):
        if child.tag.endswith("}lastPrinted"):
            el.remove(child)


def render_docx(doc: Document) -> bytes:
    tpl = render_template(build_context(doc))
    document = tpl.docx
    finish_sections(document)
    apply_page(document, doc.page)
    fit_rules(document)
    _set_core_properties(document, doc)
    buf = io.BytesIO()
    tpl.save(buf)
    return normalized_zip(buf.getvalue())
