"""The archive of issued reports: once, each refusal, hashes, verify, an
interrupted issue (the issued files are handed in; making them is tested in
test_issue_archive.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import run_cli, tree_snapshot
from test_publish_support import PLAN_DIR, fake_prepare, fake_render

from reportgen.diagnostics import ReportgenError, UsageError
from reportgen.pipeline import Issue
from reportgen.publish import archive, files
from reportgen.publish.archive import ArchiveRefused, verify_archive

NOW = dt.datetime(2024, 6, 12, 8, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def inputs(tmp_path) -> Path:
    root = tmp_path / "inputs"
    (root / "2024" / "submissions").mkdir(parents=True)
    shutil.copy(PLAN_DIR / "plan.yaml", root / "2024" / "plan.yaml")
    (root / "2024" / "submissions" / "VP.xlsx").write_bytes(b"fake workbook")
    (root / "2024" / "submissions" / "~$VP.xlsx").write_bytes(b"excel lock file")
    return root


@pytest.fixture
def outputs(tmp_path) -> Path:
    return tmp_path / "outputs"


def issue(inputs, outputs, period="6m", number=45, date=dt.date(2024, 6, 12), render=fake_render, now=NOW):
    """What publish.issue does around the archive, with the files faked: the
    date and register checks first, the issued files made, then stored."""
    plan, report = fake_prepare(inputs, period, 2024)
    sym = archive.symbol(number, plan.organization.code)
    archive.check_date(plan.periods[period].end, date, 2024, period, now.date())
    archive.precheck(outputs, number=number, date=date, year=2024, period=period, sym=sym)
    archive.late_data_warning([(s.department, s.sent_on) for s in report.submissions], date)
    made = render(plan, report, Issue(number, date))
    changed = archive.changed_inputs(inputs, report.inputs)
    if changed:
        raise archive.ArchiveError(f"Dữ liệu đầu vào đã thay đổi trong khi phát hành: {', '.join(changed)}.")
    return archive.archive_issue(
        outputs, number=number, date=date, year=2024, period=period, sym=sym,
        files=made, inputs=report.inputs, now=lambda: now,
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest(outputs: Path, year: int = 2024) -> dict:
    return json.loads((outputs / "archive" / str(year) / "manifest.json").read_text(encoding="utf-8"))


def test_archive_once_writes_files_and_manifest(inputs, outputs, capsys):
    written = issue(inputs, outputs)
    folder = outputs / "archive" / "2024"
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "045-BC-CCHC-2024-6m-figures.json", "045-BC-CCHC-2024-6m.docx", "045-BC-CCHC-2024-6m.pdf", "manifest.json",
    ]
    assert sorted(p.name for p in written) == names
    assert b"45|2024-06-12" in (folder / "045-BC-CCHC-2024-6m.docx").read_bytes()  # the issue reached render
    entry, = manifest(outputs)["issues"]
    assert entry["number"] == 45 and entry["symbol"] == "45/BC-KCN"
    assert entry["date"] == "2024-06-12" and entry["period"] == "6m" and entry["year_reported"] == 2024
    assert entry["issued_at"] == "2024-06-12T08:30:00+00:00"
    # the manifest's hashes are those of the files
    assert entry["files"] == {name: sha256(folder / name) for name in names if name != "manifest.json"}
    assert entry["inputs"] == {
        "2024/plan.yaml": sha256(inputs / "2024" / "plan.yaml"),
        "2024/submissions/VP.xlsx": sha256(inputs / "2024" / "submissions" / "VP.xlsx"),
    }
    # nothing else under OUTPUTS: no lock file, no temp file, no review file
    assert sorted(str(p.relative_to(outputs)) for p in outputs.rglob("*")) == [
        "archive", "archive/2024", *(f"archive/2024/{n}" for n in names)
    ]
    assert verify_archive(outputs) == 0
    assert "nguyên vẹn" in capsys.readouterr().out


def test_number_below_ten_has_a_leading_zero(inputs, outputs):
    issue(inputs, outputs, number=7)
    assert manifest(outputs)["issues"][0]["symbol"] == "07/BC-KCN"
    assert (outputs / "archive" / "2024" / "007-BC-CCHC-2024-6m.pdf").is_file()


def test_same_number_same_year_is_refused(inputs, outputs):
    issue(inputs, outputs)
    before = tree_snapshot(outputs)
    with pytest.raises(ArchiveRefused) as exc:
        issue(inputs, outputs, period="q1", number=45, date=dt.date(2024, 6, 20))
    message = str(exc.value)
    assert "45/BC-KCN" in message and "12/6/2024" in message and "045-BC-CCHC-2024-6m.docx" in message
    assert tree_snapshot(outputs) == before


def test_same_period_twice_is_refused(inputs, outputs):
    issue(inputs, outputs)
    before = tree_snapshot(outputs)
    with pytest.raises(ArchiveRefused) as exc:
        issue(inputs, outputs, number=46, date=dt.date(2024, 6, 13))
    assert "6 tháng đầu năm 2024 đã được ban hành" in str(exc.value) and "45/BC-KCN" in str(exc.value)
    assert tree_snapshot(outputs) == before
    # also when the second issue would fall in another calendar year's register
    with pytest.raises(ArchiveRefused):
        issue(inputs, outputs, number=1, date=dt.date(2025, 1, 6))
    assert tree_snapshot(outputs) == before


def test_a_number_is_reused_in_another_calendar_year(inputs, outputs):
    issue(inputs, outputs)
    written = issue(inputs, outputs, period="year", number=45, date=dt.date(2025, 1, 10))
    assert outputs / "archive" / "2025" / "045-BC-CCHC-2024-year.docx" in written
    assert manifest(outputs, 2025)["issues"][0]["symbol"] == "45/BC-KCN"
    assert len(manifest(outputs, 2024)["issues"]) == 1
    assert verify_archive(outputs) == 0


def test_a_date_before_the_window_end_is_refused(inputs, outputs):
    with pytest.raises(ArchiveRefused) as exc:
        issue(inputs, outputs, date=dt.date(2024, 6, 5))
    assert "09/6/2024" in str(exc.value) and "05/6/2024" in str(exc.value)
    assert not outputs.exists()


def test_dates_that_are_only_odd_are_warned_about(inputs, outputs, capsys):
    issue(inputs, outputs, date=dt.date(2024, 6, 12), now=dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc))
    issue(inputs, outputs, period="q1", number=44, date=dt.date(2024, 6, 20))
    err = capsys.readouterr().err
    assert "sau ngày hôm nay" in err  # 12/6 issued on 1/6
    assert "không theo thứ tự" in err  # 44 dated after 45
    assert "QLDN (17/6/2024)" in err  # counted a submission sent after the issue date


def test_a_failing_renderer_leaves_the_archive_unchanged(inputs, outputs):
    issue(inputs, outputs)
    before = tree_snapshot(outputs)

    def broken(plan, report, issue):
        raise RuntimeError("render killed")

    with pytest.raises(RuntimeError):
        issue(inputs, outputs, period="q1", number=46, date=dt.date(2024, 6, 20), render=broken)
    assert tree_snapshot(outputs) == before


def test_nothing_is_left_when_the_first_issue_fails(inputs, outputs):
    def broken(plan, report, issue):
        raise RuntimeError("render killed")

    with pytest.raises(RuntimeError):
        issue(inputs, outputs, render=broken)
    assert not (outputs / "archive").exists()


def test_a_failure_before_the_manifest_removes_the_new_files(inputs, outputs, monkeypatch):
    issue(inputs, outputs)
    before = tree_snapshot(outputs)
    real_replace = os.replace

    def failing_replace(src, dst, *a, **kw):
        if Path(dst).name == "manifest.json":
            raise OSError(28, "No space left on device")
        return real_replace(src, dst, *a, **kw)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(ReportgenError) as exc:
        issue(inputs, outputs, period="q1", number=46, date=dt.date(2024, 6, 20))
    assert "Lưu trữ giữ nguyên" in str(exc.value)
    assert tree_snapshot(outputs) == before


def test_an_archived_name_is_never_overwritten(inputs, outputs):
    stray = outputs / "archive" / "2024" / "045-BC-CCHC-2024-6m.pdf"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"someone else's file")
    before = tree_snapshot(outputs)
    with pytest.raises(ArchiveRefused) as exc:
        issue(inputs, outputs)
    assert "045-BC-CCHC-2024-6m.pdf" in str(exc.value)
    assert tree_snapshot(outputs) == before


def test_inputs_changed_during_the_run_are_refused(inputs, outputs):
    def render_while_someone_edits(plan, report, issue):
        (inputs / "2024" / "submissions" / "VP.xlsx").write_bytes(b"edited meanwhile")
        return fake_render(plan, report, issue)

    with pytest.raises(ReportgenError, match="đã thay đổi"):
        issue(inputs, outputs, render=render_while_someone_edits)
    assert not (outputs / "archive").exists()


def test_an_archive_run_waits_for_the_lock_then_fails(inputs, outputs, monkeypatch):
    monkeypatch.setattr(files, "LOCK_WAIT", 0.3)
    (outputs / "archive").mkdir(parents=True)
    with files.folder_lock(outputs / "archive"):
        with pytest.raises(ReportgenError, match="Một lần chạy khác đang ghi vào"):
            issue(inputs, outputs)
    assert not (outputs / "archive" / "2024").exists()


def test_a_corrupt_manifest_stops_the_issue(inputs, outputs):
    issue(inputs, outputs)
    (outputs / "archive" / "2024" / "manifest.json").write_text("{not json", encoding="utf-8")
    before = tree_snapshot(outputs)
    with pytest.raises(ReportgenError, match="không đọc được"):
        issue(inputs, outputs, period="q1", number=46, date=dt.date(2024, 6, 20))
    assert tree_snapshot(outputs) == before
    assert verify_archive(outputs) == 1


def test_verify_reports_a_tampered_missing_or_unknown_file(inputs, outputs, capsys):
    issue(inputs, outputs)
    folder = outputs / "archive" / "2024"
    capsys.readouterr()
    pdf = folder / "045-BC-CCHC-2024-6m.pdf"
    pdf.write_bytes(pdf.read_bytes() + b" ")
    assert verify_archive(outputs) == 1
    err = capsys.readouterr().err
    assert "045-BC-CCHC-2024-6m.pdf" in err and "đã bị thay đổi" in err

    (folder / "045-BC-CCHC-2024-6m-figures.json").unlink()
    (folder / "ghi-chu.txt").write_text("x")
    assert verify_archive(outputs) == 1
    err = capsys.readouterr().err
    assert "thiếu tệp" in err and "045-BC-CCHC-2024-6m-figures.json" in err
    assert "ghi-chu.txt" in err and "không có trong sổ lưu trữ" in err


def test_verify_archive_through_the_cli(inputs, outputs):
    issue(inputs, outputs)
    proc = run_cli("verify-archive", "--outputs", str(outputs))
    assert proc.returncode == 0, proc.stderr
    docx = outputs / "archive" / "2024" / "045-BC-CCHC-2024-6m.docx"
    docx.write_bytes(b"changed")
    proc = run_cli("verify-archive", "--outputs", str(outputs))
    assert proc.returncode != 0
    assert "045-BC-CCHC-2024-6m.docx" in proc.stderr and "đã bị thay đổi" in proc.stderr


def test_verify_with_no_archive_is_fine(outputs, capsys):
    assert verify_archive(outputs) == 0
    assert "Chưa có văn bản nào" in capsys.readouterr().out


def test_symbol_and_names():
    assert archive.symbol(5, "KCN") == "05/BC-KCN"
    assert archive.symbol(123, "KCN") == "123/BC-KCN"
    assert archive.archive_stem(45, 2024, "6m") == "045-BC-CCHC-2024-6m"


def test_a_bad_number_is_a_usage_error(inputs, outputs):
    with pytest.raises(UsageError):
        issue(inputs, outputs, number=0)


def test_verify_a_read_only_archive(inputs, outputs, monkeypatch):
    issue(inputs, outputs)

    def no_lock_file(folder, wait=None):
        raise OSError(30, "Read-only file system", str(folder))

    monkeypatch.setattr(archive, "folder_lock", no_lock_file)
    assert verify_archive(outputs) == 0


# ------------------------------------------------------------------ a run killed while storing

_KILLED_RUN = """
import datetime as dt, sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from test_publish_archive import issue
issue(Path({inputs!r}), Path({outputs!r}), number={number})
"""


def _killed_issue(inputs, outputs, point, number=45):
    """Run an issue in a child process that SIGKILLs itself at `point`."""
    import signal
    import subprocess
    import sys

    code = _KILLED_RUN.format(tests=str(Path(__file__).parent), inputs=str(inputs), outputs=str(outputs),
                              number=number)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, archive.TEST_DIE_AT: point})
    assert proc.returncode == -signal.SIGKILL, proc.stderr


def test_a_kill_after_linking_is_rolled_back_by_the_next_archive_run(inputs, outputs, capsys):
    _killed_issue(inputs, outputs, "archive-linked")
    folder = outputs / "archive" / "2024"
    left = sorted(p.name for p in folder.iterdir())
    # the files are linked, the register was never written: without recovery they would block a retry
    assert "045-BC-CCHC-2024-6m.pdf" in left and "manifest.json" not in left
    assert any(name.startswith(archive.JOURNAL_PREFIX) for name in left)
    assert verify_archive(outputs) == 1
    assert "bị dừng giữa chừng" in capsys.readouterr().err

    written = issue(inputs, outputs)  # the same command again
    err = capsys.readouterr().err
    assert "bị dừng giữa chừng" in err and "đã hủy lần phát hành đó" in err and "045-BC-CCHC-2024-6m.pdf" in err
    assert manifest(outputs)["issues"][0]["symbol"] == "45/BC-KCN"
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in written)
    assert verify_archive(outputs) == 0


def test_verify_repair_rolls_back_an_interrupted_issue_through_the_cli(inputs, outputs):
    issue(inputs, outputs, period="q1", number=44, date=dt.date(2024, 6, 11))
    before = tree_snapshot(outputs)
    _killed_issue(inputs, outputs, "archive-linked")
    assert tree_snapshot(outputs) != before
    proc = run_cli("verify-archive", "--outputs", str(outputs))
    assert proc.returncode == 1 and "REPAIR=1" in proc.stderr
    proc = run_cli("verify-archive", "--repair", "--outputs", str(outputs))
    assert proc.returncode == 0, proc.stderr
    assert "Đã xử lý" in proc.stdout and "số 45/BC-KCN" in proc.stdout and "đã hủy lần phát hành đó" in proc.stdout
    assert tree_snapshot(outputs) == before  # byte for byte as before the killed run
    assert "Traceback" not in proc.stderr


def test_a_kill_after_the_register_is_completed(inputs, outputs):
    _killed_issue(inputs, outputs, "archive-registered")
    proc = run_cli("verify-archive", "--repair", "--outputs", str(outputs))
    assert proc.returncode == 0, proc.stderr
    assert "đã hoàn tất" in proc.stdout
    entry, = manifest(outputs)["issues"]
    assert entry["symbol"] == "45/BC-KCN"
    assert not any(p.name.startswith(archive.JOURNAL_PREFIX) for p in (outputs / "archive" / "2024").iterdir())


def test_publish_imports_nothing_above_it():
    """Data flows one way: publish/ is handed documents and files, it never calls
    back into the pipeline or the CLI."""
    import ast

    import reportgen.publish as publish

    for path in sorted(Path(publish.__file__).parent.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [a.name for a in node.names]
                assert not any(n in ("pipeline", "cli") or n.endswith((".pipeline", ".cli")) for n in names), path
            elif isinstance(node, ast.Import):
                assert not any(a.name.endswith((".pipeline", ".cli")) for a in node.names), path
