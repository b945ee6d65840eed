"""`pip install .` outside the checkout, then `reportgen report` on the sample.

The package is built from a copy of what a source distribution holds
(pyproject.toml and reportgen/), installed with pip into a fresh virtual
environment (its console script included) and run from a folder that is not the
checkout. The dependencies are not installed again: the fresh environment sees
the project venv's site-packages through a .pth line, which adds the folder to
sys.path without running the editable install's hook kept there, so the
`reportgen` imported is the installed copy (checked) and its templates are the
package data it ships.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, SAMPLE_INPUTS, docx_text, pdf_text


def _run(*args, **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=300, **kwargs)
    assert proc.returncode == 0, f"{args}\n{proc.stdout}\n{proc.stderr}"
    return proc


def test_installed_package_renders_the_sample_outside_the_checkout(tmp_path: Path):
    source = tmp_path / "src"
    source.mkdir()
    shutil.copy(ROOT / "pyproject.toml", source)
    shutil.copytree(ROOT / "reportgen", source / "reportgen", ignore=shutil.ignore_patterns("__pycache__"))

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    purelib = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip()
    (Path(purelib) / "_project_deps.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    _run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--disable-pip-version-check",
         source)

    where = tmp_path / "elsewhere"
    where.mkdir()
    env = {**os.environ, "REPORTGEN_QUIET": "1"}
    env.pop("PYTHONPATH", None)
    imported = _run(python, "-c", "import reportgen, reportgen.resources as r; print(reportgen.__file__); "
                    "print(r.TEMPLATES)", cwd=where, env=env).stdout.split()
    assert all(Path(p).is_relative_to(venv) for p in imported), imported

    out = tmp_path / "out"
    _run(venv / "bin" / "reportgen", "report", "--period", "6m", "--inputs", SAMPLE_INPUTS, "--outputs", out,
         cwd=where, env=env)
    folder = out / "2024" / "6m"
    subject = "Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024"
    for text in (docx_text(folder / "BC-CCHC-2024-6m.docx"), pdf_text(folder / "BC-CCHC-2024-6m.pdf")):
        flat = " ".join(text.split())
        assert "BÁO CÁO" in flat and subject in flat and "Phụ lục" in flat
    assert "KIỂM TRA TRƯỚC KHI KÝ" in (folder / "BC-CCHC-2024-6m-kiem-tra.html").read_text(encoding="utf-8")
