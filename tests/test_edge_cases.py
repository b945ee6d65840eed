"""Edge cases an outside tester meets: another agency, another year, other
windows, unusual plans and data. Real files in through the CLI, real files out,
assertions on their content. One rendered output per scenario (module fixtures).
"""

from __future__ import annotations

import csv
import json
import unicodedata
import zipfile
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from conftest import ROOT, run_cli, tree_snapshot

MINIMAL_PLAN = ROOT / "tests" / "data" / "minimal-plan.yaml"

DOSSIER_HEADER = ["Mã hồ sơ", "Đơn vị", "Thủ tục", "Lĩnh vực", "Ngày tiếp nhận", "Hạn xử lý", "Ngày trả kết quả",
                  "Hình thức nộp", "Phí, lệ phí", "Thanh toán trực tuyến", "Số hóa", "Tái sử dụng dữ liệu",
                  "Đánh giá"]


# ---------------------------------------------------------------- helpers

def minimal_plan(**changes) -> dict:
    plan = yaml.safe_load(MINIMAL_PLAN.read_text(encoding="utf-8"))
    plan.update(changes)
    return plan


def write_inputs(root: Path, plan: dict, dossiers: list[list[str]] | None = None, *, plan_text: str | None = None) -> Path:
    """INPUTS/<year>/plan.yaml (and tthc/log.csv when `dossiers` is given)."""
    folder = root / str(plan["year"])
    folder.mkdir(parents=True)
    text = plan_text if plan_text is not None else yaml.safe_dump(plan, allow_unicode=True, sort_keys=False)
    (folder / "plan.yaml").write_text(text, encoding="utf-8")
    if dossiers is not None:
        (folder / "tthc").mkdir()
        with open(folder / "tthc" / "log.csv", "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(DOSSIER_HEADER)
            writer.writerows(dossiers)
    return root


def docx_text(path: Path) -> str:
    """Every paragraph of word/document.xml, entities decoded, NFC."""
    import docx

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def one_line(text: str) -> str:
    return " ".join(text.split())


class Report:
    """The four files of one `reportgen report` run, read once."""

    def __init__(self, folder: Path, year: int, period: str):
        stem = f"BC-CCHC-{year}-{period}"
        self.folder = folder
        self.docx_path = folder / f"{stem}.docx"
        self.pdf_path = folder / f"{stem}.pdf"
        self.docx = docx_text(self.docx_path)
        self.pdf = pdf_text(self.pdf_path)
        self.figures = json.loads((folder / "figures.json").read_text(encoding="utf-8"))
        self.review = (folder / f"{stem}-kiem-tra.html").read_text(encoding="utf-8")

    def assert_clean(self, *literal: str):
        """No template syntax or missing value came out; `literal` is data that
        legitimately holds such text (a department named '{{ x }}')."""
        for text in (self.docx, self.pdf):
            for item in literal:
                text = text.replace(item, "")
            for bad in ("None", "nan", "{{", "{%"):
                assert bad not in text, bad


def report(tmp: Path, plan: dict, dossiers=None, *, period="q1", plan_text=None) -> Report:
    inputs = write_inputs(tmp / "inputs", plan, dossiers, plan_text=plan_text)
    proc = run_cli("report", "--period", period, "--inputs", str(inputs), "--outputs", str(tmp / "outputs"))
    assert proc.returncode == 0, proc.stderr
    return Report(tmp / "outputs" / str(plan["year"]) / period, plan["year"], period)


def dossier(code, dept, received, due, returned="", channel="Trực tuyến", fee="Không", paid="", rating=""):
    return [code, dept, "", "", received, due, returned, channel, fee, paid, "Có", "Có", rating]


# ---------------------------------------------------------------- plan validation

def test_tthc_indicator_the_logs_cannot_give_is_a_plan_error(tmp_path: Path):
    plan = minimal_plan()
    plan["indicators"] = plan["indicators"] + [
        {"code": "SXD-09", "area": 3, "name": "Tỷ lệ hồ sơ xử lý qua mạng", "unit": "rate", "target": 0.5,
         "op": ">=", "source": "tthc"},
        {"code": "TTHC-03", "area": 3, "name": "Số hóa", "unit": "bool", "target": True, "op": "==",
         "source": "tthc"},
    ]
    inputs = write_inputs(tmp_path / "inputs", plan, [])
    outputs = tmp_path / "outputs"
    proc = run_cli("report", "--period", "q1", "--inputs", str(inputs), "--outputs", str(outputs))
    assert proc.returncode == 2
    assert "indicators[3]" in proc.stderr and "SXD-09" in proc.stderr and "source: submissions" in proc.stderr
    assert "indicators[4]" in proc.stderr and "unit phải là rate" in proc.stderr
    assert tree_snapshot(outputs) == {}


# ---------------------------------------------------------------- another agency's names

@pytest.fixture(scope="module")
def long_name_report(tmp_path_factory) -> Report:
    """A long agency name with its province, no parent agency, a one-line signer,
    one recipient typed with ';', 40 departments with markup-like names, no
    indicators at all, 3 dossiers per department."""
    tmp = tmp_path_factory.mktemp("long")
    plan = minimal_plan(
        organization={"name": "BAN QUẢN LÝ KHU KINH TẾ VÀ CÁC KHU CÔNG NGHIỆP TỈNH QUẢNG NAM",
                      "place": "Quảng Nam", "code": "BQLKKT"},
        signer={"title": "TRƯỞNG BAN", "name": "Lê Văn C"},
        recipients=["UBND tỉnh;"],
        departments=[{"code": f"D{i:02d}", "name": f"Phòng số {i} & <{i}> {{{{ x }}}}"} for i in range(1, 41)],
        indicators=[],
    )
    rows = []
    for i in range(1, 41):
        rows.append(dossier(f"A{i}", f"D{i:02d}", "20/12/2024", "10/01/2025", "05/01/2025"))
        rows.append(dossier(f"B{i}", f"D{i:02d}", "20/12/2024", "10/01/2025", channel="Trực tiếp"))
    return report(tmp, plan, rows)


def test_long_agency_name_reads_as_a_name_in_text(long_name_report: Report):
    r = long_name_report
    r.assert_clean("{{ x }}")
    for text in (one_line(r.docx), one_line(r.pdf)):
        assert "của Ban Quản lý khu kinh tế và các khu công nghiệp tỉnh Quảng Nam (Ban)" in text
        assert "Quảng Nam, ngày" in text
        assert "- UBND tỉnh; - Lưu: VT." in text
        assert "Phòng số 40 & <40> {{ x }}" in text
    assert "tỉnh quảng nam" not in r.docx and "tỉnh quảng nam" not in r.pdf


def test_minimal_plan_names_the_agency_as_nd30_writes_it(tmp_path: Path):
    r = report(tmp_path, minimal_plan(), [])
    assert "Kế hoạch cải cách hành chính năm 2025 của Sở Xây dựng (Sở)" in one_line(r.docx)
    assert "Sở xây dựng" not in r.docx and "Sở xây dựng" not in r.pdf


def test_plan_in_decomposed_unicode_reads_as_nfc(tmp_path: Path):
    plan = minimal_plan()
    text = unicodedata.normalize("NFD", yaml.safe_dump(plan, allow_unicode=True, sort_keys=False))
    r = report(tmp_path, plan, [dossier("H1", "VP", "20/12/2024", "30/12/2024", "29/12/2024")], plan_text=text)
    for body in (r.docx, r.pdf):
        assert unicodedata.is_normalized("NFC", body)
        # the rate reads "Tỷ lệ ... đạt 100%", as with a plan typed in NFC
        assert "Tỷ lệ hồ sơ nộp trực tuyến đạt 100% (1/1)" in one_line(body)
    assert set(r.figures["tthc"]["by_department"]) == {"VP", "QLXD"}
    assert r.figures["indicators"]["TTHC-02"]["status"] == "dat"
