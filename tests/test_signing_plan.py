"""plan.yaml keys for digital signatures: signer.signature_image,
organization.seal_image (relative to the plan's folder, must exist) and
organization.seal_diameter_mm (default 36, positive)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SAMPLE_INPUTS
from reportgen.diagnostics import InputError
from reportgen.plan import image_path, load_plan
from reportgen.publish.signing import appearance_for


def _plan_copy(tmp_path: Path, edit) -> Path:
    text = (SAMPLE_INPUTS / "2024" / "plan.yaml").read_text(encoding="utf-8")
    path = tmp_path / "plan.yaml"
    path.write_text(edit(text), encoding="utf-8")
    return path


def test_sample_plan_names_its_images(sample_inputs):
    plan_file = sample_inputs / "2024" / "plan.yaml"
    plan = load_plan(plan_file)
    assert plan.signer.signature_image == "chu-ky.png"
    assert plan.organization.seal_image == "con-dau.png"
    assert plan.organization.seal_diameter_mm == 36
    assert image_path(plan, plan_file, ("organization", "seal_image")).is_file()


def test_keys_are_optional_with_default_diameter(tmp_path):
    path = _plan_copy(tmp_path, lambda t: t.replace("  seal_image: con-dau.png", "#")
                      .replace("  seal_diameter_mm: 36", "#").replace("  signature_image: chu-ky.png", "#"))
    plan = load_plan(path)
    assert plan.signer.signature_image is None and plan.organization.seal_image is None
    assert plan.organization.seal_diameter_mm == 36


def test_missing_image_is_a_plan_error_naming_key_and_line_when_signing(tmp_path):
    path = _plan_copy(tmp_path, lambda t: t)  # the images are not copied beside it
    plan = load_plan(path)  # reports do not need them
    with pytest.raises(InputError) as info:
        appearance_for(plan, path)
    messages = info.value.messages()
    text = (SAMPLE_INPUTS / "2024" / "plan.yaml").read_text(encoding="utf-8").splitlines()
    seal_line = next(i for i, line in enumerate(text, 1) if "seal_image:" in line)
    sig_line = next(i for i, line in enumerate(text, 1) if "signature_image:" in line)
    assert len(messages) == 2
    assert any("signer.signature_image" in m and f"dòng {sig_line}" in m and "chu-ky.png" in m for m in messages), messages
    assert any("organization.seal_image" in m and f"dòng {seal_line}" in m for m in messages), messages
    # relative to the plan's folder, wherever the command runs from
    for name in ("chu-ky.png", "con-dau.png"):
        shutil.copy(SAMPLE_INPUTS / "2024" / name, tmp_path / name)
    assert appearance_for(load_plan(path), path).seal_image.size == (600, 600)


@pytest.mark.parametrize("value", ["0", "-5", "abc"])
def test_seal_diameter_must_be_positive(tmp_path, value):
    for name in ("chu-ky.png", "con-dau.png"):
        shutil.copy(SAMPLE_INPUTS / "2024" / name, tmp_path / name)
    path = _plan_copy(tmp_path, lambda t: t.replace("seal_diameter_mm: 36", f"seal_diameter_mm: {value}"))
    with pytest.raises(InputError) as info:
        load_plan(path)
    assert any("organization.seal_diameter_mm" in m for m in info.value.messages())
