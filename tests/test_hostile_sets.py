"""Issue 16, class 6: a run's outputs change as one set. Killed (SIGKILL, as a
power cut) at any step of publishing, a folder shows the previous set or the new
one, never a mix; the next run works and leaves nothing behind."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from conftest import run_cli, tree_snapshot
from intake_helpers import make_inputs

from reportgen.publish import files


def forms(tmp: Path, **env) -> "subprocess.CompletedProcess":
    return run_cli("forms", "--period", "6m", "--inputs", str(tmp / "inputs"), "--outputs", str(tmp / "out"), env=env)


def hashes(folder: Path) -> dict[str, str]:
    """What a reader sees (the empty lock file a killed run leaves is no output)."""
    return {name: hashlib.sha256(data).hexdigest() for name, data in tree_snapshot(folder).items()
            if name != files.LOCK_NAME}


def change_plan(year: Path) -> None:
    """Every form changes (each lists the indicators and their targets' plan)."""
    path = year / "plan.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("{code: VP, name: Văn phòng}", "{code: VP, name: Văn phòng Ban}")
    old = 'name: "Số hoạt động theo dõi thi hành pháp luật đã thực hiện"'
    assert old in text
    text = text.replace(old, 'name: "Số hoạt động theo dõi thi hành pháp luật"')
    path.write_text(text, encoding="utf-8")


def to_plain_files(folder: Path) -> None:
    """The layout an earlier version left: plain files, no sets."""
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() and path.is_file():
            data = path.read_bytes()
            path.unlink()
            path.write_bytes(data)
    shutil.rmtree(files.state_dir(folder))


def assert_clean(folder: Path, root: Path | None = None) -> None:
    state = files.state_dir(folder, root)
    assert len(list((state / files.SETS).iterdir())) == 1
    assert not [p for p in folder.rglob("*") if p.name.endswith(files.TMP_SUFFIX) or p.name == files.LOCK_NAME]
    assert not [p for p in folder.rglob("*") if p.is_symlink() and not p.exists()]  # no dangling link


PUBLISH = """
import json, sys
from pathlib import Path
from reportgen.publish.files import publish
publish(Path(sys.argv[1]), {k: v.encode() for k, v in json.loads(sys.argv[2]).items()})
"""

OLD = {"BC-CCHC-2024-6m.docx": "old docx", "BC-CCHC-2024-6m.pdf": "old pdf", "figures.json": "{\"v\": 1}",
       "BC-CCHC-2024-6m-kiem-tra.html": "<p>old</p>", "forms/VP.xlsx": "old form"}
NEW = {**{k: v.replace("old", "new") for k, v in OLD.items()}, "figures.json": "{\"v\": 2}"}


def publish_in_child(folder: Path, content: dict, **env):
    import json
    import subprocess
    import sys

    from conftest import ROOT

    return subprocess.run([sys.executable, "-c", PUBLISH, str(folder), json.dumps(content)], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, **env})


def as_text(folder: Path) -> dict[str, str]:
    return {k: v.decode() for k, v in tree_snapshot(folder).items() if k != files.LOCK_NAME}


CASES = [("sets", step) for step in ("set-written", "linked", "switched")] + \
        [("plain files", step) for step in ("migrate-0", "migrate-3", "migrated", "set-written", "linked", "switched")]


@pytest.mark.parametrize("layout, step", CASES)
def test_a_kill_at_any_step_leaves_a_whole_set(tmp_path, layout, step):
    folder = tmp_path / "out" / "2024" / "6m"
    assert publish_in_child(folder, OLD).returncode == 0
    if layout == "plain files":
        to_plain_files(folder)
        assert not (folder / "figures.json").is_symlink()
    assert as_text(folder) == OLD
    killed = publish_in_child(folder, NEW, REPORTGEN_TEST_KILL_AT=step)
    assert killed.returncode == -9, killed.stderr  # SIGKILL at that step
    assert as_text(folder) == (NEW if step == "switched" else OLD)  # one whole set, never a mix
    again = publish_in_child(folder, NEW)
    assert again.returncode == 0, again.stderr
    assert as_text(folder) == NEW
    assert_clean(folder)


def test_make_forms_killed_between_link_and_switch_leaves_the_old_forms(tmp_path):
    """The same through the console script: every form old, then every form new."""
    year = make_inputs(tmp_path)
    assert forms(tmp_path).returncode == 0
    folder = tmp_path / "out" / "2024" / "6m"
    old = hashes(folder)
    assert len(old) == 7
    change_plan(year)
    killed = forms(tmp_path, REPORTGEN_TEST_KILL_AT="linked")
    assert killed.returncode == -9, killed.stderr
    assert hashes(folder) == old
    assert forms(tmp_path).returncode == 0
    new = hashes(folder)
    assert set(new) == set(old) and all(new[k] != old[k] for k in old)
    assert_clean(folder, tmp_path / "out")


def test_files_beside_the_set_are_kept_and_readers_use_the_contract_paths(tmp_path):
    make_inputs(tmp_path)
    out = tmp_path / "out"
    folder = out / "2024" / "6m"
    folder.mkdir(parents=True)
    (folder / "ghi-chu.txt").write_text("của văn thư", encoding="utf-8")
    assert forms(tmp_path).returncode == 0
    files.publish(folder, {"figures.json": b"{}"}, state_root=out)  # another set into the folder keeps the forms
    assert (folder / "ghi-chu.txt").read_text(encoding="utf-8") == "của văn thư"
    assert (folder / "forms" / "VP.xlsx").is_file() and (folder / "figures.json").read_bytes() == b"{}"
    assert os.readlink(folder / "forms" / "VP.xlsx") == "../../../.reportgen/2024/6m/_files/current/forms/VP.xlsx"
    # the folders the contract names hold the outputs only; the sets are under OUTPUTS/.reportgen
    assert sorted(os.listdir(folder)) == ["figures.json", "forms", "ghi-chu.txt"]
    assert sorted(os.listdir(out)) == [".reportgen", "2024"] and os.listdir(out / "2024") == ["6m"]
    assert_clean(folder, out)
    # the outputs can be moved whole: the links are relative
    moved = tmp_path / "chuyen-di"
    out.rename(moved)
    assert (moved / "2024" / "6m" / "figures.json").read_bytes() == b"{}"


def test_the_years_set_and_the_periods_sets_are_apart(tmp_path):
    """`make plan` writes OUTPUTS/<year>/, `make report` OUTPUTS/<year>/<period>/:
    each has its own sets, and a failed plan run (its first) removes only its own."""
    out = tmp_path / "out"
    files.publish(out / "2024" / "6m", {"a.docx": b"report"}, state_root=out)
    with pytest.raises(files.PublishError):
        files.publish(out / "2024", {"KH.docx": b"plan", "6m/a.docx/x": b"below a file"}, state_root=out)
    assert (out / "2024" / "6m" / "a.docx").read_bytes() == b"report"
    files.publish(out / "2024", {"KH.docx": b"plan"}, state_root=out)
    files.publish(out / "2024" / "6m", {"a.docx": b"report 2"}, state_root=out)
    assert (out / "2024" / "KH.docx").read_bytes() == b"plan"
    assert (out / "2024" / "6m" / "a.docx").read_bytes() == b"report 2"
    assert sorted(os.listdir(out / "2024")) == ["6m", "KH.docx"]
    assert_clean(out / "2024", out)
    assert_clean(out / "2024" / "6m", out)
