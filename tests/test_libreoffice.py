"""The .docx as another office suite sees it: LibreOffice converts the sample
report to PDF without complaint, and the pages match the archive PDF's."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
MISSING = "LibreOffice is not installed (bash tools/ensure-system.sh, or apt-get install libreoffice-writer-nogui)"

# On a developer's machine without LibreOffice the test is skipped (and -rs says
# so); in CI (CI set) it must run: tools/ensure-system.sh installs LibreOffice
# before the tests, so its absence is a failure there, never a silent skip.
pytestmark = pytest.mark.skipif(SOFFICE is None and not os.environ.get("CI"), reason=MISSING)


def test_libreoffice_converts_the_report_like_the_archive_pdf(sample_report_6m: Path, tmp_path: Path):
    if SOFFICE is None:
        pytest.fail(f"CI: {MISSING}")
    source = sample_report_6m / "BC-CCHC-2024-6m.docx"
    proc = subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=240,
    )
    converted = tmp_path / "BC-CCHC-2024-6m.pdf"
    assert proc.returncode == 0 and converted.is_file(), proc.stdout + proc.stderr
    assert "error" not in proc.stderr.lower(), proc.stderr

    office = PdfReader(str(converted))
    archive = PdfReader(str(sample_report_6m / "BC-CCHC-2024-6m.pdf"))
    first = " ".join((office.pages[0].extract_text() or "").split())
    for text in ("UBND TỈNH HẢI DƯƠNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO", "/BC-KCN"):
        assert text in first, text
    # the same layout rules in both renderings: the page count agrees within one page
    assert abs(len(office.pages) - len(archive.pages)) <= 1, (len(office.pages), len(archive.pages))
    # Phụ lục II is landscape in the Word file too
    last = office.pages[-1]
    assert float(last.mediabox.width) > float(last.mediabox.height)
    # page 1 carries no number at the top, page 2 does
    assert not (office.pages[0].extract_text() or "").strip().startswith("1")
    assert (office.pages[1].extract_text() or "").strip().startswith("2")
