"""The command line as a clerk meets it: refusals are clear, in Vietnamese, and
change nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOT, run_cli, tree_snapshot


def test_unknown_period_is_refused_with_accepted_values(tmp_path: Path):
    out = tmp_path / "out"
    proc = run_cli("report", "--period", "q5", "--outputs", str(out))
    assert proc.returncode != 0
    assert "«q5» không hợp lệ" in proc.stderr
    for accepted in ("q1", "6m", "q3", "year", "quy1", "6t", "quy3", "nam"):
        assert accepted in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_make_report_refuses_unknown_period(tmp_path: Path):
    import subprocess

    proc = subprocess.run(
        ["make", "-s", "report", "PERIOD=q5", f"OUTPUTS={tmp_path / 'out'}"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert proc.returncode != 0
    assert "q1" in proc.stderr and "year" in proc.stderr


def test_missing_inputs_folder_is_explained(tmp_path: Path):
    proc = run_cli("report", "--period", "6m", "--inputs", str(tmp_path / "khong-co"), "--outputs", str(tmp_path / "o"))
    assert proc.returncode == 2
    assert "plan.yaml" in proc.stderr and "Traceback" not in proc.stderr


def test_year_defaults_to_newest_year_with_a_plan(tmp_path: Path):
    from reportgen.pipeline import year_folder

    for year in ("2023", "2025"):
        (tmp_path / year).mkdir()
        shutil.copy(ROOT / "tests" / "data" / "minimal-plan.yaml", tmp_path / year / "plan.yaml")
    (tmp_path / "2026").mkdir()  # no plan.yaml: not a candidate
    assert year_folder(tmp_path, None) == (2025, tmp_path / "2025")
    assert year_folder(tmp_path, 2023) == (2023, tmp_path / "2023")


def test_plan_of_another_year_in_a_year_folder_is_refused(tmp_path: Path):
    (tmp_path / "2024").mkdir()
    shutil.copy(ROOT / "tests" / "data" / "minimal-plan.yaml", tmp_path / "2024" / "plan.yaml")
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("earlier run")
    before = tree_snapshot(out)
    proc = run_cli("report", "--period", "6m", "--inputs", str(tmp_path), "--outputs", str(out))
    assert proc.returncode == 2
    assert "năm trong plan.yaml là 2025" in proc.stderr
    assert tree_snapshot(out) == before


def test_bad_year_argument(tmp_path: Path):
    proc = run_cli("report", "--period", "6m", "--year", "20x4", "--outputs", str(tmp_path))
    assert proc.returncode == 2 and "Năm «20x4» không hợp lệ" in proc.stderr


def test_unreadable_last_year_is_a_review_warning_not_a_silent_drop(tmp_path: Path):
    """Last year's data with errors: this year's report is still made, and the
    review page says why there is no "so với cùng kỳ" comparison."""
    inputs = tmp_path / "in"
    shutil.copytree(ROOT / "inputs" / "2024", inputs / "2024")
    (inputs / "2023" / "tthc").mkdir(parents=True)
    shutil.copy(ROOT / "inputs" / "2023" / "plan.yaml", inputs / "2023" / "plan.yaml")
    (inputs / "2023" / "tthc" / "hong.csv").write_text("không phải danh sách hồ sơ\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = run_cli("report", "--period", "6m", "--inputs", str(inputs), "--outputs", str(out))
    assert proc.returncode == 0, proc.stderr
    review = (out / "2024" / "6m" / "BC-CCHC-2024-6m-kiem-tra.html").read_text(encoding="utf-8")
    assert "không so sánh được với cùng kỳ năm 2023" in review
    assert "hong.csv" in review
