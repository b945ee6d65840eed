"""Issue 16, class 3: plan.yaml faults that used to be silent or a crash (exit 3)
are plan errors naming the key and the line (exit 2, nothing written)."""

from __future__ import annotations

import pytest

from conftest import run_cli, tree_snapshot
from intake_helpers import make_inputs, make_outputs


def edit_plan(year, old: str, new: str, count: int = 1) -> int:
    """Replace `old` in plan.yaml; returns the (1-based) line of the edit."""
    path = year / "plan.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def run_plan_fails(tmp_path, *needles):
    out = make_outputs(tmp_path)
    before = tree_snapshot(out)
    proc = run_cli("report", "--period", "6m", "--inputs", str(tmp_path / "inputs"), "--outputs", str(out))
    assert proc.returncode == 2, proc.stderr
    assert "LỖI CHƯƠNG TRÌNH" not in proc.stderr and "Traceback" not in proc.stderr
    for needle in needles:
        assert needle in proc.stderr, f"{needle!r} not in:\n{proc.stderr}"
    assert tree_snapshot(out) == before
    return proc.stderr


def test_a_key_written_twice_names_both_lines(tmp_path):
    year = make_inputs(tmp_path)
    window = "  6m:   {start: 2023-12-10, end: 2024-06-09, due_before: 2024-06-14}\n"
    line = edit_plan(year, window, window + "  6m:   {start: 2023-12-10, end: 2024-06-30, due_before: 2024-07-05}\n")
    run_plan_fails(tmp_path, f"Tệp «plan.yaml», dòng {line + 1}", "khóa «periods.6m» được ghi hai lần",
                   f"dòng {line} và dòng {line + 1}")


def test_a_nested_duplicate_and_a_top_level_one_are_all_listed(tmp_path):
    year = make_inputs(tmp_path)
    edit_plan(year, "  code: KCN", "  code: KCN\n  code: KCN2")
    text = (year / "plan.yaml").read_text(encoding="utf-8")
    (year / "plan.yaml").write_text(text + "\nyear: 2025\n", encoding="utf-8")
    stderr = run_plan_fails(tmp_path, "khóa «organization.code» được ghi hai lần", "khóa «year» được ghi hai lần")
    assert stderr.startswith("LỖI (2)") or "LỖI (2):" in stderr


@pytest.mark.parametrize("value", ["2024-02-30", "2024-13-01", "2023-02-29"])
def test_an_impossible_date_is_a_plan_error(tmp_path, value):
    year = make_inputs(tmp_path)
    line = edit_plan(year, "end: 2024-06-09", f"end: {value}")
    run_plan_fails(tmp_path, f"dòng {line}", "khóa «periods.6m.end»", f"«{value}»")


@pytest.mark.parametrize("target, says", [(".inf", "không phải là một số hữu hạn"), ("-.inf", "không phải là một số hữu hạn"),
                                          (".nan", "không phải là một số hữu hạn"), (".NaN", "không phải là một số hữu hạn"),
                                          ("-1", "là số âm"), ("-0.5", "là số âm")])
def test_a_non_finite_or_negative_target_is_a_plan_error(tmp_path, target, says):
    year = make_inputs(tmp_path)
    line = edit_plan(year, "target: 0.50", f"target: {target}")
    run_plan_fails(tmp_path, f"dòng {line}", ".target»", says)
