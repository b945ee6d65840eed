"""Safe writes: all files of a run or none, earlier outputs intact, a lock."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, tree_snapshot
from test_publish_support import fake_render, hand_built_report

from reportgen import pipeline
from reportgen.diagnostics import ReportgenError
from reportgen.publish import files
from reportgen.publish.files import LOCK_NAME, TMP_SUFFIX, BusyError, PublishError, folder_lock, publish

FIRST = {"a.docx": b"first a", "b.pdf": b"first b", "forms/VP.xlsx": b"first form"}
SECOND = {"a.docx": b"second a", "b.pdf": b"second b", "forms/VP.xlsx": b"second form", "new.json": b"{}"}


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.endswith(TMP_SUFFIX) or p.name == LOCK_NAME]


def test_publish_writes_every_file_and_nothing_else(tmp_path):
    folder = tmp_path / "out" / "2024" / "6m"
    written = publish(folder, FIRST)
    assert written == [folder / "a.docx", folder / "b.pdf", folder / "forms" / "VP.xlsx"]
    assert tree_snapshot(tmp_path / "out") == {f"2024/6m/{k}": v for k, v in FIRST.items()}
    mode = stat.S_IMODE((folder / "a.docx").stat().st_mode)
    assert mode & 0o044  # readable by others as a normal file, not mkstemp's 0600
    publish(folder, SECOND)
    assert tree_snapshot(folder) == SECOND


@pytest.mark.parametrize("bad", ["forms", "../escape.txt", "/abs.txt", "", "nul\0name", "forms/VP.xlsx/inner"])
def test_a_file_that_cannot_be_written_leaves_earlier_outputs_intact(tmp_path, bad):
    folder = tmp_path / "out"
    publish(folder, FIRST)
    before = tree_snapshot(tmp_path)
    with pytest.raises(PublishError):
        publish(folder, {**SECOND, bad: b"x"})
    assert tree_snapshot(tmp_path) == before
    assert leftovers(tmp_path) == []


def test_a_switch_failing_puts_everything_back(tmp_path, monkeypatch):
    """The new set is written and linked, then the one rename that puts it in
    force fails: readers still see the first set, the new names are gone."""
    folder = tmp_path / "out"
    publish(folder, FIRST)
    before = tree_snapshot(folder)
    real_replace = os.replace

    def flaky_replace(src, dst, *a, **kw):
        if Path(dst).name == files.CURRENT:
            raise OSError(5, "Input/output error", str(dst))
        return real_replace(src, dst, *a, **kw)

    monkeypatch.setattr(os, "replace", flaky_replace)
    with pytest.raises(PublishError, match="vẫn giữ nguyên") as caught:
        publish(folder, SECOND)
    monkeypatch.undo()
    assert "ổ đĩa" in str(caught.value) and "Input/output" not in str(caught.value)
    assert tree_snapshot(folder) == before
    assert not (folder / "new.json").is_symlink()
    assert leftovers(folder) == []
    assert len(list((folder / files.STATE / files.SETS).iterdir())) == 1
    publish(folder, SECOND)  # and the next run works
    assert tree_snapshot(folder) == SECOND


def test_a_failure_in_a_new_folder_leaves_no_folder(tmp_path):
    with pytest.raises(PublishError):
        publish(tmp_path / "out" / "2024" / "6m", {"a.docx": b"a", "../x": b"b"})
    assert list(tmp_path.iterdir()) == []


def test_a_failing_renderer_leaves_the_previous_report_intact(tmp_path, monkeypatch):
    """`make report` killed mid-render: nothing under OUTPUTS changes."""
    plan, report = hand_built_report()
    monkeypatch.setattr(pipeline, "prepare_report", lambda inputs, period, year=None: (plan, report))
    monkeypatch.setattr(pipeline, "render_report_files", fake_render)
    outputs = tmp_path / "outputs"
    written = pipeline.run_report(tmp_path / "inputs", outputs, "6m", 2024)
    assert {p.name for p in written} == {"BC-CCHC-2024-6m.docx", "BC-CCHC-2024-6m.pdf", "figures.json", "BC-CCHC-2024-6m-kiem-tra.html"}
    before = tree_snapshot(outputs)

    def render_killed(plan, report, issue=None, worker=None):
        raise KeyboardInterrupt  # the clerk pressed Ctrl-C during the PDF

    monkeypatch.setattr(pipeline, "render_report_files", render_killed)
    with pytest.raises(KeyboardInterrupt):
        pipeline.run_report(tmp_path / "inputs", outputs, "6m", 2024)
    assert tree_snapshot(outputs) == before


def test_temp_files_of_a_killed_run_are_cleaned_by_the_next(tmp_path):
    folder = tmp_path / "out"
    publish(folder, FIRST)
    stale = folder / f".a.docx.abc123{TMP_SUFFIX}"
    stale.write_bytes(b"half a docx")
    publish(folder, FIRST)
    assert not stale.exists()


HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from reportgen.publish.files import folder_lock
    with folder_lock(Path(sys.argv[1])):
        print("locked", flush=True)
        sys.stdin.readline()
    """
)


def test_a_second_run_waits_then_fails_clearly(tmp_path, monkeypatch):
    folder = tmp_path / "out"
    publish(folder, FIRST)
    before = tree_snapshot(folder)
    monkeypatch.setattr(files, "LOCK_WAIT", 0.5)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(folder)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(BusyError) as exc:
            publish(folder, SECOND)
        assert "Một lần chạy khác đang ghi vào" in str(exc.value) and str(folder) in str(exc.value)
        assert isinstance(exc.value, ReportgenError)
        assert tree_snapshot(folder) == {**before, LOCK_NAME: b""}
    finally:
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=10)
    publish(folder, SECOND)  # the other run ended: this one goes through
    assert tree_snapshot(folder) == SECOND


def test_the_lock_is_exclusive_within_a_process_and_released(tmp_path):
    with folder_lock(tmp_path, wait=0):
        with pytest.raises(BusyError):
            with folder_lock(tmp_path, wait=0.2):
                pass
    with folder_lock(tmp_path, wait=0):
        pass
    assert list(tmp_path.iterdir()) == []
