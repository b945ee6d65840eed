"""The command line as a clerk meets it: refusals are clear, in Vietnamese, and
change nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, tree_snapshot


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """`reportgen ARGS` in this process (reportgen.cli.main): (status, stdout, stderr)."""
    from reportgen.cli import main

    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_unknown_period_is_refused_with_accepted_values(tmp_path: Path, capsys):
    out = tmp_path / "out"
    status, _, err = cli(capsys, "report", "--period", "q5", "--outputs", str(out))
    assert status == 2
    assert "«q5» không hợp lệ" in err
    for accepted in ("q1", "6m", "q3", "year", "quy1", "6t", "quy3", "nam"):
        assert accepted in err
    assert "Traceback" not in err
    assert not out.exists()


def test_make_report_refuses_unknown_period(tmp_path: Path):
    """The one smoke test through the Makefile: the target passes PERIOD on and
    the console script's refusal and exit status come back unchanged."""
    import subprocess

    proc = subprocess.run(
        ["make", "-s", "report", "PERIOD=q5", f"OUTPUTS={tmp_path / 'out'}"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert proc.returncode == 2, proc.stderr
    assert "«q5» không hợp lệ" in proc.stderr and "q1" in proc.stderr and "year" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_missing_inputs_folder_is_explained(tmp_path: Path, capsys):
    status, _, err = cli(capsys, "report", "--period", "6m", "--inputs", str(tmp_path / "khong-co"),
                         "--outputs", str(tmp_path / "o"))
    assert status == 2
    assert "plan.yaml" in err and "Traceback" not in err


def test_year_defaults_to_newest_year_with_a_plan(tmp_path: Path):
    from reportgen.pipeline import year_folder

    for year in ("2023", "2025"):
        (tmp_path / year).mkdir()
        shutil.copy(ROOT / "tests" / "data" / "minimal-plan.yaml", tmp_path / year / "plan.yaml")
    (tmp_path / "2026").mkdir()  # no plan.yaml: not a candidate
    assert year_folder(tmp_path, None) == (2025, tmp_path / "2025")
    assert year_folder(tmp_path, 2023) == (2023, tmp_path / "2023")


def test_plan_of_another_year_in_a_year_folder_is_refused(tmp_path: Path, capsys):
    (tmp_path / "2024").mkdir()
    shutil.copy(ROOT / "tests" / "data" / "minimal-plan.yaml", tmp_path / "2024" / "plan.yaml")
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("earlier run")
    before = tree_snapshot(out)
    status, _, err = cli(capsys, "report", "--period", "6m", "--inputs", str(tmp_path), "--outputs", str(out))
    assert status == 2
    assert "năm trong plan.yaml là 2025" in err
    assert tree_snapshot(out) == before


@pytest.mark.parametrize("year", ["20x4", "²", "2024²", "٢٠٢٤", " 2024", "-2024"])
def test_bad_year_argument(tmp_path: Path, capsys, year):
    """Only ASCII digits: '²' and '٢٠٢٤' pass str.isdigit() but are not a year a
    clerk typed on purpose (int('²') even crashes)."""
    status, _, err = cli(capsys, "report", "--period", "6m", "--year", year, "--outputs", str(tmp_path / "o"))
    assert status == 2, err
    assert f"Năm «{year}» không hợp lệ" in err and "--year" in err
    assert "LỖI CHƯƠNG TRÌNH" not in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("number", ["²", "4²", "٤٥", "0", "x"])
def test_bad_number_argument(tmp_path: Path, capsys, number):
    out = tmp_path / "o"
    status, _, err = cli(capsys, "archive", "--period", "6m", "--number", number, "--date", "2024-06-12",
                         "--inputs", str(ROOT / "inputs"), "--outputs", str(out))
    assert status == 2, err
    assert f"Số văn bản «{number}» không hợp lệ" in err and "--number" in err
    assert "LỖI CHƯƠNG TRÌNH" not in err
    assert not out.exists()


def test_unreadable_last_year_is_a_review_warning_not_a_silent_drop(tmp_path: Path, capsys):
    """Last year's data with errors: this year's report is still made, and the
    review page says why there is no "so với cùng kỳ" comparison."""
    inputs = tmp_path / "in"
    shutil.copytree(ROOT / "inputs" / "2024", inputs / "2024")
    (inputs / "2023" / "tthc").mkdir(parents=True)
    shutil.copy(ROOT / "inputs" / "2023" / "plan.yaml", inputs / "2023" / "plan.yaml")
    (inputs / "2023" / "tthc" / "hong.csv").write_text("không phải danh sách hồ sơ\n", encoding="utf-8")
    out = tmp_path / "out"
    status, _, err = cli(capsys, "report", "--period", "6m", "--inputs", str(inputs), "--outputs", str(out))
    assert status == 0, err
    review = (out / "2024" / "6m" / "BC-CCHC-2024-6m-kiem-tra.html").read_text(encoding="utf-8")
    assert "không so sánh được với cùng kỳ năm 2023" in review
    assert "hong.csv" in review
