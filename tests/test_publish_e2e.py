"""End to end through the CLI on the sample inputs: issue and archive the 6m
report, refuse a second issue, verify; the review page of the sample."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

from conftest import SAMPLE_INPUTS, run_cli, tree_snapshot



def test_archive_the_sample_6m_report(tmp_path):
    outputs = tmp_path / "outputs"
    proc = run_cli("archive", "--period", "6m", "--number", "7", "--date", "2024-06-12",
                   "--inputs", str(SAMPLE_INPUTS), "--outputs", str(outputs))
    assert proc.returncode == 0, proc.stderr
    # no draft was made: the report is rendered from the data, and the run says so
    assert "Không có dự thảo" in proc.stdout and "tạo từ dữ liệu" in proc.stdout
    folder = outputs / "archive" / "2024"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    entry, = manifest["issues"]
    assert entry["draft"] == {"source": "rendered_from_data"}
    assert entry["symbol"] == "07/BC-KCN"
    assert set(entry["files"]) == {"007-BC-CCHC-2024-6m.docx", "007-BC-CCHC-2024-6m.pdf", "007-BC-CCHC-2024-6m-figures.json"}
    for name, digest in entry["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    assert "2024/plan.yaml" in entry["inputs"]

    from pypdf import PdfReader

    first_page = PdfReader(io.BytesIO((folder / "007-BC-CCHC-2024-6m.pdf").read_bytes())).pages[0].extract_text()
    assert "Số: 07/BC-KCN" in first_page
    assert "Hải Dương, ngày 12 tháng 6 năm 2024" in " ".join(first_page.split())

    before = tree_snapshot(outputs)
    again = run_cli("archive", "--period", "6m", "--number", "8", "--date", "2024-06-13",
                    "--inputs", str(SAMPLE_INPUTS), "--outputs", str(outputs))
    assert again.returncode == 2 and "07/BC-KCN" in again.stderr and "đã được ban hành" in again.stderr
    assert tree_snapshot(outputs) == before

    assert run_cli("verify-archive", "--outputs", str(outputs)).returncode == 0


def test_review_page_of_the_sample_6m(sample_report_6m: Path):
    figures = json.loads((sample_report_6m / "figures.json").read_text(encoding="utf-8"))
    page = (sample_report_6m / "BC-CCHC-2024-6m-kiem-tra.html").read_text(encoding="utf-8")
    subs = figures["submissions"]
    assert subs["missing"] and subs["late"], "the sample has a missing and a late department"

    def section(heading: str) -> str:
        start = page.index(heading)
        return page[start:page.index("<h3", start + 1) if "<h3" in page[start + 1:] else None]

    for code in subs["missing"]:
        assert f"<td>{code}</td>" in section("1. Chưa gửi báo cáo")
    for late in subs["late_detail"]:
        assert f"<td>{late['department']}</td>" in section("2. Gửi muộn")
    not_met = [code for code, ind in figures["indicators"].items() if ind["status"] == "chua_dat"]
    assert not_met, "the sample has targets not met"
    shown = page[page.index("II. Chỉ tiêu chưa đạt"):page.index("III. Chỉ tiêu chưa có số liệu")]
    for code in not_met:
        assert f"<td>{code}</td>" in shown
