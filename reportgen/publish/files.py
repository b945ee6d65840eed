"""Atomic publication of a run's files, with a lock against concurrent runs.

`publish(folder, files)` writes all files of a run or none of them:

1. take the folder's lock (`<folder>/.reportgen.lock`, fcntl.flock); a second run
   writing the same folder waits up to LOCK_WAIT seconds, then stops with a
   Vietnamese message;
2. write every file to a temporary file next to its target (same file system),
   fsync it;
3. only when all are written, rename them into place one by one; if a rename
   fails, the files already renamed are put back as they were;
4. fsync the folders, remove the lock file.

On any failure the temporary files are removed, folders this run created are
removed again, and the previous outputs are left as they were: a reader never
sees a half-written document. Temporary files left by a run that was killed
(SIGKILL, power cut) carry TMP_SUFFIX and are removed by the next run that
holds the lock.

`folder_lock(folder)` is the same lock for other writers (the archive).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import tempfile
import time
from pathlib import Path, PurePosixPath
from typing import Iterator

from ..diagnostics import ReportgenError

LOCK_NAME = ".reportgen.lock"
TMP_SUFFIX = ".reportgen-tmp"
LOCK_WAIT = float(os.environ.get("REPORTGEN_LOCK_WAIT", "10"))  # seconds
_POLL = 0.1


class BusyError(ReportgenError):
    """Another run holds the lock of the folder."""


class PublishError(ReportgenError):
    """A file could not be written; nothing was changed."""


# --------------------------------------------------------------------------- lock


@contextlib.contextmanager
def folder_lock(folder: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the exclusive lock of `folder` (created if absent) for the block.

    The lock file is removed again when released, so it never stays among the
    outputs. That is safe because an acquirer re-checks, once it holds the lock,
    that the file it locked is still the one at the path (else it retries).
    """
    folder = Path(folder)
    wait = LOCK_WAIT if wait is None else wait
    path = folder / LOCK_NAME
    deadline = time.monotonic() + wait
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                        raise
                    if time.monotonic() >= deadline:
                        raise BusyError(
                            f"Một lần chạy khác đang ghi vào «{folder}». Chờ lần chạy đó kết thúc "
                            f"(đã chờ {wait:g} giây) rồi chạy lại; nếu không có lần chạy nào khác, "
                            "kiểm tra xem còn tiến trình reportgen nào đang treo không."
                        ) from None
                    time.sleep(_POLL)
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(path))
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)  # the holder before us removed the file: lock the new one
        except BaseException:
            with contextlib.suppress(OSError):
                os.close(fd)
            raise
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(fd)


# ------------------------------------------------------------------ helpers


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_temp(target: Path, data: bytes) -> Path:
    """`data` in a new, fsynced temporary file next to `target`; its path."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TMP_SUFFIX, dir=target.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600: give the usual mode
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    os.close(fd)
    return Path(name)


def make_dirs(folder: Path, created: list[Path]) -> None:
    """mkdir -p, remembering (outermost first) the folders that were created."""
    missing = []
    for parent in [folder, *folder.parents]:
        if parent.is_dir():
            break
        missing.append(parent)
    for path in reversed(missing):
        try:
            path.mkdir()
            created.append(path)
        except FileExistsError:
            if not path.is_dir():
                raise


def remove_dirs(created: list[Path]) -> None:
    """Remove folders make_dirs created, innermost first, if they are empty."""
    for path in reversed(created):
        with contextlib.suppress(OSError):
            path.rmdir()


def remove_stale_temps(folder: Path) -> None:
    """Temp files an earlier, killed run left in `folder` (not below it: a run
    writing a subfolder holds that subfolder's lock, not ours)."""
    if folder.is_dir():
        for stale in folder.glob(f".*{TMP_SUFFIX}"):
            with contextlib.suppress(OSError):
                stale.unlink()


def _check_name(folder: Path, name: str) -> Path:
    parts = PurePosixPath(name).parts
    if (
        not name
        or PurePosixPath(name).is_absolute()
        or "\\" in name
        or "\0" in name
        or any(p in ("", ".", "..") for p in parts)
        or parts[-1] == LOCK_NAME
        or parts[-1].endswith(TMP_SUFFIX)
    ):
        raise PublishError(f"Tên tệp đầu ra «{name}» không hợp lệ (phải là đường dẫn tương đối bên trong «{folder}»).")
    target = folder.joinpath(*parts)
    if target.is_dir():
        raise PublishError(f"Không ghi được «{target}»: đã có một thư mục cùng tên. Đổi tên hoặc xóa thư mục đó rồi chạy lại.")
    return target


# ------------------------------------------------------------------ publish


def publish(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write every file into `folder` (names may contain `/`): all or none.

    Returns the paths written, in the order of `files`. Raises BusyError when
    another run holds the folder, PublishError (a ReportgenError) when a file
    cannot be written; in both cases nothing under `folder` has changed.
    """
    folder = Path(folder)
    targets = [(_check_name(folder, name), data) for name, data in files.items()]
    created: list[Path] = []
    try:
        make_dirs(folder, created)
        with folder_lock(folder):
            _publish_locked(targets, created)
    except BaseException:
        remove_dirs(created)
        raise
    return [target for target, _ in targets]


def _publish_locked(targets: list[tuple[Path, bytes]], created: list[Path]) -> None:
    temps: list[tuple[Path, Path]] = []  # (temp, target)
    backups: list[tuple[Path, Path | None]] = []  # (target, its previous content kept aside)
    for folder in {target.parent for target, _ in targets}:
        remove_stale_temps(folder)
    try:
        for target, data in targets:
            make_dirs(target.parent, created)
            temps.append((write_temp(target, data), target))
        # Every file is written: now the renames, keeping the old files aside
        # (hard links) so that a failing rename can put everything back.
        for temp, target in temps:
            backups.append((target, _keep_aside(target)))
            os.replace(temp, target)
    except BaseException as exc:
        _roll_back(backups)
        if isinstance(exc, OSError):
            raise PublishError(
                f"Không ghi được tệp đầu ra «{exc.filename or ''}»: {exc.strerror or exc}. "
                "Các tệp đã có trước đó vẫn giữ nguyên."
            ) from exc
        raise
    finally:
        for temp, _ in temps:
            with contextlib.suppress(OSError):
                temp.unlink()
        for _, backup in backups:
            if backup is not None:
                with contextlib.suppress(OSError):
                    backup.unlink()
    for folder in {target.parent for _, target in temps}:
        fsync_dir(folder)


def _keep_aside(target: Path) -> Path | None:
    """A second name for the file now at `target` (None when there is none)."""
    if not target.exists():
        return None
    backup = target.with_name(f".{target.name}.old{TMP_SUFFIX}")
    with contextlib.suppress(FileNotFoundError):
        backup.unlink()
    try:
        os.link(target, backup)
    except OSError:  # a file system without hard links
        shutil.copy2(target, backup)
    return backup


def _roll_back(backups: list[tuple[Path, Path | None]]) -> None:
    """Undo the renames done so far: old content back, new files removed."""
    for target, backup in reversed(backups):
        with contextlib.suppress(OSError):
            if backup is not None:
                os.replace(backup, target)
            else:
                target.unlink()
