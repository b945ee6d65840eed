"""Issue 16, class 5: the file system says no. Read-only OUTPUTS, a full disk, a
name too long, permission denied: a Vietnamese message naming the path and what
to do, exit 2 (not "LỖI CHƯƠNG TRÌNH"), nothing under OUTPUTS changed."""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest

from conftest import run_cli, tree_snapshot
from intake_helpers import make_inputs

from reportgen import cli
from reportgen.system_errors import describe

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a read-only or tiny file system needs root "
                                                         "(CI runs as root; a developer's account cannot mount)")


def forms(tmp: Path, outputs: Path):
    return run_cli("forms", "--period", "6m", "--inputs", str(tmp / "inputs"), "--outputs", str(outputs))


def assert_os_message(proc, *needles):
    assert proc.returncode == 2, proc.stderr
    assert "LỖI CHƯƠNG TRÌNH" not in proc.stderr and "Traceback" not in proc.stderr
    assert "«»" not in proc.stderr
    for english in ("No space left", "Read-only file system", "Permission denied", "File name too long"):
        assert english not in proc.stderr
    for needle in needles:
        assert needle in proc.stderr, f"{needle!r} not in:\n{proc.stderr}"


@pytest.fixture
def mount_point(tmp_path):
    made = []

    def mount(*args: str) -> Path:
        point = tmp_path / f"mnt{len(made)}"
        point.mkdir()
        subprocess.run(["mount", *args, str(point)], check=True)
        made.append(point)
        return point

    yield mount
    for point in reversed(made):
        subprocess.run(["umount", str(point)], check=False)


@ROOT_ONLY
def test_read_only_outputs(tmp_path, mount_point):
    make_inputs(tmp_path)
    source = tmp_path / "real-outputs"
    assert forms(tmp_path, source).returncode == 0  # earlier forms, then the disk becomes read-only
    outputs = mount_point("--bind", str(source))
    subprocess.run(["mount", "-o", "remount,ro,bind", str(outputs)], check=True)
    before = tree_snapshot(outputs)
    proc = forms(tmp_path, outputs)
    assert_os_message(proc, "chỉ cho phép đọc", str(outputs / "2024" / "6m"), "Cần: chọn thư mục đầu ra ghi được",
                      "Không có tệp nào được ghi hoặc thay đổi")
    assert tree_snapshot(outputs) == before
    # a folder that does not exist yet on the read-only disk: the same message
    proc = run_cli("plan", "--inputs", str(tmp_path / "inputs"), "--outputs", str(outputs / "moi"))
    assert_os_message(proc, "chỉ cho phép đọc", str(outputs / "moi"))


@ROOT_ONLY
def test_a_full_disk(tmp_path, mount_point):
    make_inputs(tmp_path)
    outputs = mount_point("-t", "tmpfs", "-o", "size=256k", "tmpfs")
    (outputs / "cu.txt").write_text("tệp có sẵn", encoding="utf-8")
    free = os.statvfs(outputs)
    (outputs / "day.bin").write_bytes(b"\0" * (free.f_bavail * free.f_frsize - 24 * 1024))  # a few KB left
    before = tree_snapshot(outputs)
    proc = forms(tmp_path, outputs)
    assert_os_message(proc, "ổ đĩa đã đầy", str(outputs / "2024" / "6m"), "Cần: xóa bớt tệp",
                      "Các tệp đã có trước đó vẫn giữ nguyên")
    assert tree_snapshot(outputs) == before
    assert sorted(p.name for p in outputs.iterdir()) == ["cu.txt", "day.bin"]  # no half-made folder left


def test_a_path_too_long(tmp_path):
    make_inputs(tmp_path)
    outputs = tmp_path / ("x" * 300)
    proc = forms(tmp_path, outputs)
    assert_os_message(proc, "quá dài", "x" * 300)


def test_every_errno_reads_in_vietnamese():
    for code in (errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.ENAMETOOLONG, errno.EIO):
        text = describe(OSError(code, os.strerror(code), "/ra/ngoai/BC.docx"))
        assert "«/ra/ngoai/BC.docx»" in text and "Cần:" in text
        assert os.strerror(code) not in text
    assert "mã lỗi EXDEV" in describe(OSError(errno.EXDEV, "Invalid cross-device link", "/a"))


def test_an_os_error_anywhere_is_exit_2_naming_the_path(tmp_path, monkeypatch, capsys):
    """Not only in publishing: an OSError while reading (a folder the run may not
    read) is the machine's state, exit 2, in Vietnamese."""
    make_inputs(tmp_path)

    def denied(*a, **kw):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "inputs" / "2024" / "tthc"))

    monkeypatch.setattr("reportgen.pipeline.load_year_plan", denied)
    status = cli.main(["forms", "--period", "6m", "--inputs", str(tmp_path / "inputs"), "--outputs", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert status == 2
    assert f"«{tmp_path / 'inputs' / '2024' / 'tthc'}»: không có quyền truy cập" in err
    assert "Không có tệp nào được ghi hoặc thay đổi." in err


def test_a_bug_after_publishing_says_what_was_written(tmp_path, monkeypatch, capsys):
    """Exit 3 must not claim that nothing was written when a set was published
    before the failure."""
    make_inputs(tmp_path)

    def broken(paths):
        raise RuntimeError("hỏng khi in")

    monkeypatch.setattr(cli, "_print_written", broken)
    status = cli.main(["forms", "--period", "6m", "--inputs", str(tmp_path / "inputs"), "--outputs", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert status == 3
    assert "LỖI CHƯƠNG TRÌNH: RuntimeError: hỏng khi in" in err
    assert "Không có tệp nào được ghi" not in err
    assert "đã được ghi đầy đủ trước khi lỗi xảy ra" in err and "VP.xlsx" in err


@ROOT_ONLY
def test_permission_denied(tmp_path):
    """OUTPUTS belongs to someone else: the run (here as `nobody`, setpriv) says
    so in Vietnamese and leaves it as it was."""
    import shutil
    import sys
    import tempfile

    from conftest import ROOT

    base = Path(tempfile.mkdtemp(prefix="reportgen-perm-", dir="/tmp"))  # pytest's tmp_path is root-only (0700)
    try:
        base.chmod(0o755)
        make_inputs(base)
        outputs = base / "outputs"
        assert forms(base, outputs).returncode == 0  # root's earlier forms
        for path in [base, *base.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        before = tree_snapshot(outputs)
        proc = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m",
                               "reportgen.cli", "forms", "--period", "6m", "--inputs", str(base / "inputs"),
                               "--outputs", str(outputs)], cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, "HOME": "/tmp"})
        assert_os_message(proc, "không có quyền truy cập", str(outputs / "2024" / "6m"), "kiểm tra quyền")
        assert tree_snapshot(outputs) == before
    finally:
        shutil.rmtree(base, ignore_errors=True)
