"""Writers that share ElementTree's global namespace registry never run at once
(reportgen/render/etree_lock.py). WeasyPrint registers its XMP namespaces (the
empty prefix among them) in that registry when it is first imported, which in a
report run happens while the chi-tiet workbook is written in a thread; once, in
the full suite, that workbook came out with `<xmlns xmlns=…>` as the root of its
`_rels/.rels`, a file Excel refuses. The race is too rare to provoke on demand,
so these tests check that each writer holds the lock while it touches or reads
the registry."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zipfile

from conftest import ROOT, SAMPLE_INPUTS
from reportgen.forms import build_forms
from reportgen.plan import load_plan
from reportgen.render.etree_lock import ETREE_LOCK

_FIRST_PDF = """
import sys, xml.etree.ElementTree as ET
sys.path.insert(0, "tests")
from reportgen.render.etree_lock import ETREE_LOCK
held = []
real = ET.register_namespace
def spy(prefix, uri):
    held.append(ETREE_LOCK._is_owned())
    real(prefix, uri)
ET.register_namespace = spy
from sample_document import sample_document
from reportgen.render.pdf import render_pdf
assert "weasyprint" not in sys.modules
render_pdf(sample_document(2))
print(len(held), all(held))
"""


def test_the_first_pdf_of_a_process_registers_its_namespaces_under_the_lock():
    proc = subprocess.run([sys.executable, "-c", _FIRST_PDF], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    count, all_held = proc.stdout.split()
    assert int(count) > 0 and all_held == "True", proc.stdout


def _parts_written_under_the_lock(monkeypatch) -> list[bool]:
    held = []
    real = zipfile.ZipFile.writestr

    def spy(self, *args, **kwargs):
        held.append(ETREE_LOCK._is_owned())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", spy)
    return held


def test_forms_are_serialised_under_the_lock(monkeypatch):
    plan = load_plan(SAMPLE_INPUTS / "2024" / "plan.yaml")
    held = _parts_written_under_the_lock(monkeypatch)
    assert build_forms(plan, "6m")
    # openpyxl's own save writes its parts under the lock; the deterministic
    # re-zip afterwards (render/zip_writer.py) reads no namespace registry
    assert any(held)


def test_the_chi_tiet_workbook_is_serialised_under_the_lock(monkeypatch):
    from reportgen.aggregate import build_period
    from reportgen.intake import read_inputs
    from reportgen.render.dossier_lists_xlsx import _build

    plan = load_plan(SAMPLE_INPUTS / "2024" / "plan.yaml")
    report = build_period(plan, read_inputs(SAMPLE_INPUTS / "2024", plan), "6m")
    held = _parts_written_under_the_lock(monkeypatch)
    _build(report.dossier_lists, dt.datetime(2024, 6, 9), "t")
    assert held and all(held)
