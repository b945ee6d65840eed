"""End to end, as a clerk runs it: the sample inputs in, the contract's files out,
their content checked against each other (figures.json ↔ .docx ↔ PDF)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE_INPUTS, docx_text, pdf_text, run_cli

from reportgen import vi_format


def _expected_files(folder: Path, year: int, period: str) -> dict[str, Path]:
    stem = f"BC-CCHC-{year}-{period}"
    files = {
        "docx": folder / f"{stem}.docx",
        "pdf": folder / f"{stem}.pdf",
        "figures": folder / "figures.json",
    }
    reviews = sorted(folder.glob("*.html")) + sorted(folder.glob("*kiem-tra*.xlsx"))
    assert reviews, f"no review file in {folder}: {sorted(p.name for p in folder.iterdir())}"
    files["review"] = reviews[0]
    return files


def test_sample_6m_writes_the_contract_files_that_agree(sample_report_6m: Path):
    files = _expected_files(sample_report_6m, 2024, "6m")
    names = {p.name for p in sample_report_6m.iterdir() if not p.name.startswith(".")}
    contract = {p.name for p in files.values()}
    stem = "BC-CCHC-2024-6m"
    assert contract <= names
    # beyond the contract: the draft's record (issuing.md) and the lists behind the figures (review.md)
    assert names - contract <= {f"{stem}.draft.json", f"{stem}-chi-tiet.xlsx"}, names - contract
    figures = json.loads(files["figures"].read_text(encoding="utf-8"))
    assert figures["year"] == 2024 and figures["period"] == "6m"
    assert figures["window"] == {"start": "2023-12-10", "end": "2024-06-09"}
    tthc = figures["tthc"]
    assert tthc["total"] == tthc["received"] + tthc["carried_over"] > 0
    assert tthc["resolved"] == tthc["early"] + tthc["on_time"] + tthc["late"]
    assert tthc["pending"] == tthc["total"] - tthc["resolved"]
    assert set(tthc["by_department"]) == set(figures["submissions"]["expected"])

    text = docx_text(files["docx"])
    pdf = pdf_text(files["pdf"])
    for document in (text, pdf):
        assert "BÁO CÁO" in document
        assert "Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024" in " ".join(document.split())
        assert "10/12/2023" in document and "09/6/2024" in document
        # the dossier figures in words, formatted the Vietnamese way
        assert vi_format.number(tthc["received"]) in document
        assert vi_format.number(tthc["resolved"]) in document
        assert "{{" not in document and "{%" not in document and "None" not in document
    review = files["review"].read_text(encoding="utf-8")
    assert "báo cáo CCHC 6 tháng đầu năm 2024" in review and "Chưa gửi báo cáo" in review
    assert all(f"<td>{code}</td>" in review for code in figures["submissions"]["missing"])
    # the sample's deliberate conditions reach the figures
    subs = figures["submissions"]
    assert subs["missing"], "the sample has a department missing in 6m"
    assert subs["late"], "the sample has a late department in 6m"
    # every indicator of the plan is judged
    assert len(figures["indicators"]) == 30
    assert {v["status"] for v in figures["indicators"].values()} <= {"dat", "chua_dat", "khong_co_so_lieu", "khong_co_chi_tieu"}


@pytest.mark.parametrize("period,phrase", [
    ("q1", "quý I năm 2024"), ("q3", "quý III năm 2024"), ("year", "công tác cải cách hành chính năm 2024"),
])
def test_every_period_renders(tmp_path: Path, period: str, phrase: str):
    proc = run_cli("report", "--period", period, "--inputs", str(SAMPLE_INPUTS), "--outputs", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    files = _expected_files(tmp_path / "2024" / period, 2024, period)
    figures = json.loads(files["figures"].read_text(encoding="utf-8"))
    assert figures["period"] == period
    assert phrase in " ".join(docx_text(files["docx"]).split())


def test_vietnamese_period_spelling_is_accepted(tmp_path: Path):
    proc = run_cli("report", "--period", "quy1", "--year", "2024", "--inputs", str(SAMPLE_INPUTS), "--outputs", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    files = _expected_files(tmp_path / "2024" / "q1", 2024, "q1")
    assert json.loads(files["figures"].read_text(encoding="utf-8"))["period"] == "q1"
    assert "quý I năm 2024" in " ".join(docx_text(files["docx"]).split())


def test_minimal_plan_of_another_agency_renders_a_complete_report(tmp_path: Path):
    """INPUTS/OUTPUTS elsewhere; a plan with only the contract's keys; another
    agency, year and windows: a complete report with nothing of the sample's agency."""
    inputs = tmp_path / "in"
    (inputs / "2025" / "tthc").mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "data" / "minimal-plan.yaml", inputs / "2025" / "plan.yaml")
    (inputs / "2025" / "tthc" / "log.csv").write_text(
        "Mã hồ sơ,Đơn vị,Thủ tục,Ngày tiếp nhận,Hạn xử lý,Ngày trả kết quả,Hình thức nộp,"
        "Phí, lệ phí,Thanh toán trực tuyến,Số hóa,Tái sử dụng dữ liệu,Đánh giá\n".replace("Phí, lệ phí", '"Phí, lệ phí"')
        + "A1,QLXD,Cấp giấy phép xây dựng,02/01/2025,20/01/2025,15/01/2025,Trực tuyến,Có,Có,Có,Có,Hài lòng\n"
        + "A2,QLXD,Cấp giấy phép xây dựng,10/12/2024,30/12/2024,,Trực tiếp,Không,,Có,Không,\n"
        + "A3,VP,Cấp chứng chỉ hành nghề,03/03/2025,10/03/2025,12/03/2025,Bưu chính,Có,Không,Có,Có,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    proc = run_cli("report", "--period", "q1", "--inputs", str(inputs), "--outputs", str(out))
    assert proc.returncode == 0, proc.stderr
    files = _expected_files(out / "2025" / "q1", 2025, "q1")
    figures = json.loads(files["figures"].read_text(encoding="utf-8"))
    assert figures["window"] == {"start": "2024-12-15", "end": "2025-03-14"}
    assert figures["tthc"]["received"] == 2 and figures["tthc"]["carried_over"] == 1
    assert figures["tthc"]["late"] == 1  # A3 returned after its deadline
    for text in (docx_text(files["docx"]), pdf_text(files["pdf"])):
        flat = " ".join(text.split())
        assert "SỞ XÂY DỰNG" in flat and "UBND THÀNH PHỐ HÀ NỘI" in flat
        assert "/BC-SXD" in flat and "Hà Nội, ngày" in flat
        assert "KT. GIÁM ĐỐC" in flat and "Trần Văn B" in flat
        for leak in ("KCN", "Hải Dương", "Ban Quản lý", "khu công nghiệp", "TRƯỞNG BAN"):
            assert leak not in flat, leak
        for heading in ("I. CÔNG TÁC CHỈ ĐẠO", "II. KẾT QUẢ THỰC HIỆN", "III. ĐÁNH GIÁ CHUNG", "IV. PHƯƠNG HƯỚNG", "V. ĐỀ XUẤT, KIẾN NGHỊ"):
            assert heading in flat, heading


def test_same_inputs_give_byte_identical_outputs(sample_report_6m: Path, tmp_path: Path):
    """A changed report is a changed input: a second run writes the same bytes."""
    proc = run_cli("report", "--period", "6m", "--inputs", str(SAMPLE_INPUTS), "--outputs", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    # the console: what was written, then a short summary of what to check before signing
    out = proc.stdout
    assert out.index("Đã ghi:") < out.index("Cần xem trước khi trình ký:")
    assert "Chưa gửi: Phòng Quản lý Môi trường (QLMT)" in out and "Gửi muộn: Phòng Quy hoạch và Xây dựng" in out
    assert "Phông chữ PDF:" in proc.stderr
    again = tmp_path / "2024" / "6m"
    names = sorted(p.name for p in sample_report_6m.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    for name in names:
        assert (again / name).read_bytes() == (sample_report_6m / name).read_bytes(), name
