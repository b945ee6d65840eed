"""plan.yaml: loading, exact targets, windows, and the messages for typos."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import pytest

from reportgen.diagnostics import InputError
from reportgen.periods import parse_period, require_period, subject_phrase
from reportgen.diagnostics import UsageError
from reportgen.plan import load_plan

from conftest import ROOT

SAMPLE_PLAN = ROOT / "inputs" / "2024" / "plan.yaml"
MINIMAL_PLAN = ROOT / "tests" / "data" / "minimal-plan.yaml"


def test_sample_plan_has_the_reference_windows_and_targets():
    plan = load_plan(SAMPLE_PLAN)
    assert plan.year == 2024
    assert plan.organization.code == "KCN"
    assert plan.periods["q1"].start == dt.date(2023, 12, 10)
    assert plan.periods["q1"].end == dt.date(2024, 3, 9)
    assert plan.periods["6m"].end == dt.date(2024, 6, 9)
    assert plan.periods["q3"].start == dt.date(2024, 6, 10)
    assert plan.periods["year"].end == dt.date(2024, 12, 9)
    assert all(w.due_before.day == 14 for w in plan.periods.values())
    codes = [i.code for i in plan.indicators]
    assert len(codes) == 30 and codes[0] == "CDDH-01" and codes[-1] == "DGTD-01"
    # targets are exact decimals as written, not binary floats
    assert plan.indicator("CDDH-02").target_fraction == Fraction(3, 10)
    assert plan.indicator("CDDH-02").op == ">"
    assert plan.indicator("TTHC-07").target_fraction == Fraction(9, 10)
    assert plan.indicator("CDDH-01").target is True
    assert plan.indicator("TC-02").target is None
    assert plan.signer.title_lines == ["TRƯỞNG BAN"]


def test_minimal_plan_of_another_agency_loads_with_defaults():
    plan = load_plan(MINIMAL_PLAN)
    assert plan.tasks == [] and plan.kinh_gui == [] and plan.plan_document.number is None
    assert plan.signer.title_lines == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert plan.organization.text_name == "Sở Xây dựng"
    assert plan.organization.short == "Sở"
    assert plan.periods["6m"].start == dt.date(2024, 12, 15)


def test_plan_typos_are_reported_with_key_path_and_line(tmp_path: Path):
    text = SAMPLE_PLAN.read_text(encoding="utf-8")
    text = text.replace("  place: Hải Dương", "  plase: Hải Dương", 1)
    text = text.replace('op: "<=", source: submissions', 'op: "=<", source: submissions', 1)
    bad = tmp_path / "plan.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_plan(bad)
    messages = "\n".join(caught.value.messages())
    assert "organization.plase" in messages and "gõ sai tên" in messages
    assert "organization.place" in messages and "thiếu khóa bắt buộc" in messages
    line_of_op = next(i for i, l in enumerate(text.splitlines(), 1) if '"=<"' in l)
    assert f"dòng {line_of_op}" in messages and "«=<»" in messages
    assert all(m.startswith("Tệp «plan.yaml»") for m in caught.value.messages())


def test_yaml_syntax_error_names_the_line(tmp_path: Path):
    bad = tmp_path / "plan.yaml"
    bad.write_text("year: 2024\norganization: {name: X\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_plan(bad)
    assert "sai cú pháp" in caught.value.messages()[0]
    assert "dòng" in caught.value.messages()[0]


def test_window_start_after_end_is_refused(tmp_path: Path):
    text = MINIMAL_PLAN.read_text(encoding="utf-8").replace(
        "q1:   {start: 2024-12-15", "q1:   {start: 2025-04-15", 1)
    bad = tmp_path / "plan.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_plan(bad)
    assert "periods.q1" in caught.value.messages()[0]


@pytest.mark.parametrize("text,code", [
    ("q1", "q1"), ("quy1", "q1"), ("Quý I", "q1"), (" QUÝ I ", "q1"),
    ("6m", "6m"), ("6t", "6m"), ("6 tháng", "6m"),
    ("q3", "q3"), ("quy3", "q3"), ("Quý III", "q3"),
    ("year", "year"), ("nam", "year"), ("Năm", "year"),
    ("q5", None), ("", None), ("quý IV", None),
])
def test_period_spellings(text, code):
    assert parse_period(text) == code


def test_unknown_period_lists_accepted_values():
    with pytest.raises(UsageError) as caught:
        require_period("q5")
    for accepted in ("q1", "6m", "q3", "year"):
        assert accepted in str(caught.value)


def test_subject_phrases():
    assert subject_phrase("q1", 2024) == "quý I năm 2024"
    assert subject_phrase("6m", 2024) == "6 tháng đầu năm 2024"
    assert subject_phrase("q3", 2024) == "quý III năm 2024"
    assert subject_phrase("year", 2024) == "năm 2024"


def test_validation_checks_placeholders_and_filling_is_a_step_of_its_own():
    """Validating never rewrites the data; load_plan (Plan.from_data) fills the
    tasks' {CODE} and {year} after it."""
    import yaml

    from reportgen.plan import Plan

    data = yaml.safe_load(MINIMAL_PLAN.read_text(encoding="utf-8"))
    data["tasks"] = [{"code": "NV-01", "area": 2, "text": "Ít nhất {TC-01} hoạt động năm {year}"}]
    validated = Plan.model_validate(data)
    assert validated.tasks[0].text == "Ít nhất {TC-01} hoạt động năm {year}"
    filled = Plan.from_data(data)
    assert filled.tasks[0].text == "Ít nhất 01 hoạt động năm 2025"
    assert validated.with_placeholders_filled() == filled
    assert validated.tasks[0].text == "Ít nhất {TC-01} hoạt động năm {year}"  # unchanged
