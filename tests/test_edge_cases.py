"""Edge cases an outside tester meets: another agency, another year, other
windows, unusual plans and data. Real files in through the CLI, real files out,
assertions on their content. One rendered output per scenario (module fixtures).
"""

from __future__ import annotations

import csv
import json
import unicodedata
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, docx_text, pdf_text, run_cli, tree_snapshot

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


def test_plan_without_indicators_or_tasks_has_no_empty_section(long_name_report: Report, tmp_path: Path):
    inputs = long_name_report.folder.parents[2] / "inputs"
    proc = run_cli("plan", "--inputs", str(inputs), "--outputs", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    text = docx_text(tmp_path / "2025" / "KH-CCHC-2025.docx")
    assert "CÁC CHỈ TIÊU, NHIỆM VỤ CHỦ YẾU" not in text
    assert "I. TỔ CHỨC THỰC HIỆN" in text and "II." not in text
    assert "Cải cách hành chính của Ban Quản lý khu kinh tế và các khu công nghiệp tỉnh Quảng Nam năm 2025" in text


def test_minimal_plan_names_the_agency_as_nd30_writes_it(tmp_path: Path):
    r = report(tmp_path, minimal_plan(), [])
    assert "Kế hoạch cải cách hành chính năm 2025 của Sở Xây dựng (Sở)" in one_line(r.docx)
    assert "Sở xây dựng" not in r.docx and "Sở xây dựng" not in r.pdf


@pytest.fixture(scope="module")
def nfd_one_dossier_report(tmp_path_factory) -> Report:
    """The minimal plan saved in NFD; a single dossier, resolved early."""
    plan = minimal_plan()
    text = unicodedata.normalize("NFD", yaml.safe_dump(plan, allow_unicode=True, sort_keys=False))
    return report(tmp_path_factory.mktemp("nfd"), plan,
                  [dossier("H1", "VP", "20/12/2024", "30/12/2024", "29/12/2024")], plan_text=text)


def test_plan_in_decomposed_unicode_reads_as_nfc(nfd_one_dossier_report: Report):
    r = nfd_one_dossier_report
    r.assert_clean()
    for body in (r.docx, r.pdf):
        assert unicodedata.is_normalized("NFC", body)
        # the rate reads "Tỷ lệ ... đạt 100%", as with a plan typed in NFC
        assert "Tỷ lệ hồ sơ nộp trực tuyến đạt 100% (1/1)" in one_line(body)
    assert set(r.figures["tthc"]["by_department"]) == {"VP", "QLXD"}
    assert r.figures["indicators"]["TTHC-02"]["status"] == "dat"


def test_one_dossier_and_one_judged_indicator_read_in_the_singular(nfd_one_dossier_report: Report):
    text = one_line(nfd_one_dossier_report.docx)
    assert "Trong kỳ, Sở tiếp nhận 1 hồ sơ thủ tục hành chính, nộp trực tuyến;" in text
    assert "Đã giải quyết 1 hồ sơ (100% tổng số hồ sơ phải giải quyết), được giải quyết trước hạn." in text
    assert "- Chỉ tiêu đã có số liệu đánh giá đạt kế hoạch đề ra: tỷ lệ hồ sơ TTHC" in text
    assert "tất cả" not in text.lower() and "Tất cả 1 " not in text


def test_one_pending_dossier_reads_in_the_singular(tmp_path: Path):
    r = report(tmp_path, minimal_plan(), [dossier("H1", "QLXD", "05/02/2025", "10/02/2025", channel="Bưu chính")])
    text = one_line(r.docx)
    assert "tiếp nhận 1 hồ sơ thủ tục hành chính, nộp qua dịch vụ bưu chính công ích;" in text
    assert "Đang giải quyết 1 hồ sơ, đã quá hạn giải quyết." in text


# ---------------------------------------------------------------- unusual targets

def _submission(path: Path, dept: str, sent: str, values: dict) -> None:
    """A department workbook with the contract's sheets: Thông tin and Số liệu."""
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    info = wb.active
    info.title = "Thông tin"
    for row in (("Đơn vị", dept), ("Kỳ báo cáo", "q1"), ("Năm", 2025),
                ("Ngày gửi", dt.date.fromisoformat(sent)), ("Người lập", "Nguyễn X"), ("Điện thoại", "")):
        info.append(row)
    data = wb.create_sheet("Số liệu")
    data.append(("Mã chỉ tiêu", "Giá trị", "Mẫu số", "Ghi chú"))
    for code, value in values.items():
        data.append((code, *(value if isinstance(value, tuple) else (value, None)), None))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


UNUSUAL_INDICATORS = [
    {"code": "SXD-01", "area": 1, "name": "Số cuộc kiểm tra CCHC", "unit": "count", "target": 0, "op": ">",
     "source": "submissions"},
    {"code": "SXD-02", "area": 4, "name": "Số đơn vị vi phạm", "unit": "count", "target": 1, "op": "<",
     "source": "submissions"},
    {"code": "SXD-03", "area": 5, "name": "Số công chức tuyển dụng", "unit": "count", "target": 3, "op": "==",
     "source": "submissions"},
    {"code": "SXD-04", "area": 6, "name": "Có vi phạm về tài chính", "unit": "bool", "target": False, "op": "==",
     "source": "submissions"},
    {"code": "SXD-05", "area": 6, "name": "Có sai phạm phải xuất toán", "unit": "bool", "target": False, "op": "==",
     "source": "submissions"},
    {"code": "SXD-06", "area": 7, "name": "Triển khai chữ ký số", "unit": "bool", "target": True, "op": ">=",
     "source": "submissions"},
]


@pytest.fixture(scope="module")
def unusual_targets(tmp_path_factory) -> tuple[Path, Report]:
    """Another agency's own codes: count targets 0 with '>', '<' and '==', bool
    targets false (one met, one not) and true with '>='."""
    tmp = tmp_path_factory.mktemp("targets")
    plan = minimal_plan(indicators=UNUSUAL_INDICATORS)
    inputs = write_inputs(tmp / "inputs", plan, [])
    subs = inputs / "2025" / "submissions"
    _submission(subs / "vp.xlsx", "VP", "2025-03-16",
                {"SXD-01": 2, "SXD-02": 0, "SXD-03": 3, "SXD-04": "Không", "SXD-05": "Có", "SXD-06": "Có"})
    _submission(subs / "qlxd.xlsx", "QLXD", "2025-03-17", {})
    proc = run_cli("report", "--period", "q1", "--inputs", str(inputs), "--outputs", str(tmp / "outputs"))
    assert proc.returncode == 0, proc.stderr
    return inputs, Report(tmp / "outputs" / "2025" / "q1", 2025, "q1")


def test_bool_target_false_reads_as_yes_or_no(unusual_targets):
    _, r = unusual_targets
    r.assert_clean()
    statuses = {code: v["status"] for code, v in r.figures["indicators"].items()}
    assert statuses == {"SXD-01": "dat", "SXD-02": "dat", "SXD-03": "dat", "SXD-04": "dat",
                        "SXD-05": "chua_dat", "SXD-06": "dat"}
    for text in (one_line(r.docx), one_line(r.pdf)):
        # the body: a 'no' target is not "đã thực hiện"
        assert "- Có vi phạm về tài chính: không (chỉ tiêu: không), đạt." in text
        assert "- Có sai phạm phải xuất toán: có (chỉ tiêu: không), chưa đạt." in text
        assert "- Triển khai chữ ký số: đã thực hiện, đạt." in text
        # Ưu điểm does not list "có vi phạm ..." as if it were an achievement
        assert "có vi phạm về tài chính (không)" in text
        assert "số cuộc kiểm tra CCHC (2); số đơn vị vi phạm (0); số công chức tuyển dụng (3)" in text


def test_bool_targets_in_the_appendix(unusual_targets):
    import docx

    _, r = unusual_targets
    rows = {}
    for table in docx.Document(str(r.docx_path)).tables:
        for row in table.rows:
            cells = [c.text for c in row.cells]
            if len(cells) == 5:
                rows[cells[1]] = cells[2:]
    assert rows["Có vi phạm về tài chính"] == ["Không", "Không", "Đạt"]
    assert rows["Có sai phạm phải xuất toán"] == ["Không", "Có", "Chưa đạt"]
    assert rows["Triển khai chữ ký số"] == ["Có", "Có", "Đạt"]  # '>= true' asks for 'Có'
    assert rows["Số cuộc kiểm tra CCHC"] == ["> 0", "2", "Đạt"]
    assert rows["Số đơn vị vi phạm"] == ["< 1", "0", "Đạt"]


def test_plan_writes_a_zero_count_target_as_0(unusual_targets, tmp_path: Path):
    inputs, _ = unusual_targets
    proc = run_cli("plan", "--inputs", str(inputs), "--outputs", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    text = docx_text(tmp_path / "2025" / "KH-CCHC-2025.docx")
    assert "Số cuộc kiểm tra CCHC: trên 0." in text and "00" not in text
    assert "Số đơn vị vi phạm: dưới 01." in text


# ---------------------------------------------------------------- other windows

def test_plan_with_deadlines_in_the_next_month(tmp_path: Path):
    """Calendar quarters, reports due on the 5th of the next month, the year
    report on 10 January: `make plan` names each deadline rather than refusing."""
    import datetime as dt

    d = dt.date.fromisoformat
    periods = {
        "q1": {"start": d("2025-01-01"), "end": d("2025-03-31"), "due_before": d("2025-04-05")},
        "6m": {"start": d("2025-01-01"), "end": d("2025-06-30"), "due_before": d("2025-07-05")},
        "q3": {"start": d("2025-07-01"), "end": d("2025-09-30"), "due_before": d("2025-10-05")},
        "year": {"start": d("2024-10-01"), "end": d("2025-09-30"), "due_before": d("2026-01-10")},
    }
    inputs = write_inputs(tmp_path / "inputs", minimal_plan(periods=periods))
    proc = run_cli("plan", "--inputs", str(inputs), "--outputs", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    text = docx_text(tmp_path / "out" / "2025" / "KH-CCHC-2025.docx")
    assert "tháng cuối kỳ báo cáo" not in text
    assert ("Báo cáo Quý I/2025: thời gian chốt số liệu tính từ ngày 01/01/2025 đến ngày 31/3/2025; "
            "gửi báo cáo trước ngày 05/4/2025.") in text
    assert "đến ngày 30/9/2025; gửi báo cáo trước ngày 10/01/2026." in text
