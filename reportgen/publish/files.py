"""Atomic publication of a run's files as one set, with a lock against concurrent runs.

`publish(folder, files)` replaces the files of a run as one set: a reader (and a
run killed at any moment, SIGKILL or power cut) sees the previous set or the new
one, never a mix of the two.

Layout (the pipeline keeps the sets under OUTPUTS/.reportgen/, so the folders
the contract names hold the outputs only):

    OUTPUTS/2024/6m/BC-CCHC-2024-6m.docx -> ../../.reportgen/2024/6m/_files/current/BC-CCHC-2024-6m.docx
    OUTPUTS/2024/6m/forms/VP.xlsx        -> ../../../.reportgen/2024/6m/_files/current/forms/VP.xlsx
    OUTPUTS/.reportgen/2024/6m/_files/current -> sets/<id>    (one symlink: the set in force)
    OUTPUTS/.reportgen/2024/6m/_files/sets/<id>/...           (the files themselves)

1. take the folder's lock (`<folder>/.reportgen.lock`, fcntl.flock); a second run
   writing the same folder waits up to LOCK_WAIT seconds, then stops with a
   Vietnamese message;
2. clear what a killed run left: sets not in force, temp files, dangling links;
3. a folder written before this layout (plain files) is first taken over: a set
   holding the files as they are is put in force, then each plain file is
   replaced by its link (every step shows the same, old, content);
4. write the new set into a new `sets/<id>/` (every file fsynced), carrying
   over (hard links) the files of the set in force that this run does not write
   (the forms beside a report, say);
5. create the links of names that have none yet (they point at nothing until
   the switch, as the names did not exist before);
6. switch: `.reportgen/current` is replaced by a link to the new set in one
   rename (os.replace of a symlink, atomic): this is the moment the new set is
   in force; then the folder is fsynced and the previous set removed.

On any failure before the switch the new set and the links this run created are
removed, folders this run created are removed again, and the previous outputs
are left as they were. REPORTGEN_TEST_KILL_AT=<step> makes the process SIGKILL
itself at a step (tests only: `set-written`, `migrated`, `migrate-<i>`,
`linked`, `switched`).

`folder_lock(folder)` is the same lock for other writers (the archive);
`write_temp`, `fsync_dir`, `make_dirs`, `remove_dirs`, `remove_stale_temps` are
the helpers they share.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
import shutil
import signal
import tempfile
import time
from pathlib import Path, PurePosixPath
from typing import Iterator

from ..diagnostics import ReportgenError
from ..system_errors import describe

LOCK_NAME = ".reportgen.lock"
STATE = ".reportgen"  # the sets and the link to the one in force
CURRENT = "current"
OWN = "_files"
SETS = "sets"
TMP_SUFFIX = ".reportgen-tmp"
LOCK_WAIT: float | None = None  # seconds; None: REPORTGEN_LOCK_WAIT (default 10), read when a lock is taken
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
    if wait is None:
        wait = LOCK_WAIT if LOCK_WAIT is not None else float(os.environ.get("REPORTGEN_LOCK_WAIT", "10"))
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


# ------------------------------------------------------------------ publish


def _kill_point(step: str) -> None:
    """Tests only: die here, as a power cut would (REPORTGEN_TEST_KILL_AT=step)."""
    if os.environ.get("REPORTGEN_TEST_KILL_AT") == step:
        os.kill(os.getpid(), signal.SIGKILL)


def _check_name(folder: Path, name: str) -> tuple[str, Path]:
    parts = PurePosixPath(name).parts if name else ()
    if (
        not name
        or PurePosixPath(name).is_absolute()
        or "\\" in name
        or "\0" in name
        or any(p in ("", ".", "..") for p in parts)
        or parts[0] in (STATE, LOCK_NAME)
        or parts[-1].endswith(TMP_SUFFIX)
    ):
        raise PublishError(f"Tên tệp đầu ra «{name}» không hợp lệ (phải là đường dẫn tương đối bên trong «{folder}»).")
    target = folder.joinpath(*parts)
    if target.is_dir():
        raise PublishError(f"Không ghi được «{target}»: đã có một thư mục cùng tên. Đổi tên hoặc xóa thư mục đó rồi chạy lại.")
    return "/".join(parts), target


def state_dir(folder: Path, root: Path | None = None) -> Path:
    """Where the sets of `folder` live: `<root>/.reportgen/<folder relative to
    root>/_files/` (OUTPUTS/.reportgen/2024/6m/_files/, so that OUTPUTS/2024/6m/
    holds only the outputs), or `<folder>/.reportgen/` without a root."""
    folder = Path(folder)
    if root is None:
        return folder / STATE
    rel = os.path.relpath(os.path.abspath(folder), os.path.abspath(root))
    if rel.startswith(os.pardir):
        raise ValueError(f"{folder} is not inside {root}")
    # its own leaf (OWN): the year's state never holds the periods' states, so
    # removing the one never touches the other
    return Path(root) / STATE / rel / OWN if rel != os.curdir else Path(root) / STATE / OWN


def _link_text(folder: Path, state: Path, rel: str) -> str:
    """What the link at `rel` (relative to `folder`) points to: the same name in
    the set in force, as a relative path (the outputs can be moved whole)."""
    start = os.path.join(os.path.realpath(folder), os.path.dirname(rel))
    return os.path.relpath(os.path.join(os.path.realpath(state), CURRENT, rel), start)


def _is_our_link(folder: Path, state: Path, path: Path, rel: str) -> bool:
    try:
        return os.readlink(path) == _link_text(folder, state, rel)
    except OSError:
        return False


def publish(folder: Path, files: dict[str, bytes], *, state_root: Path | None = None) -> list[Path]:
    """Write every file into `folder` (names may contain `/`) as one set; its
    sets are kept under `state_dir(folder, state_root)` (the pipeline passes
    OUTPUTS, so the folders the contract names hold only the outputs).

    Returns the paths written, in the order of `files`. Raises BusyError when
    another run holds the folder, PublishError (a ReportgenError) when a file
    cannot be written; in both cases what readers see under `folder` has not
    changed.
    """
    folder = Path(folder)
    targets = [(*_check_name(folder, name), data) for name, data in files.items()]
    created: list[Path] = []
    state = state_dir(folder, state_root)
    try:
        make_dirs(folder, created)
        with folder_lock(folder):
            _publish_locked(folder, state, targets, created)
    except BaseException as exc:
        if state in created:  # no set was in force before this run
            shutil.rmtree(state, ignore_errors=True)
        remove_dirs(created)
        if isinstance(exc, OSError):
            raise PublishError(f"{describe(_as_seen(exc, folder))} Các tệp đã có trước đó vẫn giữ nguyên.") from exc
        raise
    _published.extend(target for _, target, _ in targets)
    return [target for _, target, _ in targets]


def _as_seen(exc: OSError, folder: Path) -> OSError:
    """The error naming what the clerk knows: the output folder, not a file of
    ours inside `.reportgen/` (nor nothing, as os.write says)."""
    name = os.fsdecode(exc.filename) if exc.filename is not None else None
    if name is None or f"{STATE}/" in name or name.endswith(TMP_SUFFIX):
        return OSError(exc.errno, exc.strerror, str(folder))
    return exc


# every path published by this process, for a message that must say what was
# written before a later failure (cli.main)
_published: list[Path] = []


def published_paths() -> list[Path]:
    return list(_published)


def forget_published() -> None:
    """Start a new count (cli.main calls it at the start of each command)."""
    _published.clear()


def _current_set(state: Path) -> Path | None:
    """The set in force (a folder under sets/), or None."""
    link = state / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    path = state / target
    return path if path.is_dir() else None


def _files_of(root: Path) -> list[str]:
    out = []
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            out.append(Path(dirpath, name).relative_to(root).as_posix())
    return sorted(out)


def _new_set(state: Path) -> Path:
    sets = state / SETS
    sets.mkdir(parents=True, exist_ok=True)
    path = sets / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{secrets.token_hex(4)}"
    path.mkdir()
    return path


def _put(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 & ~_umask())
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def _link_or_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:  # a file system without hard links
        shutil.copy2(src, dst)


def _fsync_tree(root: Path) -> None:
    for dirpath, _dirs, _names in os.walk(root):
        fsync_dir(Path(dirpath))


def _switch(state: Path, to: Path) -> None:
    """Put the set `to` in force: one atomic rename of a symlink."""
    tmp = state / f".{CURRENT}.{secrets.token_hex(4)}{TMP_SUFFIX}"
    os.symlink(os.path.relpath(to, state), tmp)
    try:
        os.replace(tmp, state / CURRENT)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(state)


def _repair_current(state: Path) -> None:
    """`current` is a folder, not a link: OUTPUTS was copied by a tool that
    follows links (a file manager, shutil.copytree, a Windows share). The copied
    folder becomes a set of its own, put in force, so nothing is lost and the
    run goes on."""
    link = state / CURRENT
    if link.is_symlink() or not link.is_dir():
        return
    (state / SETS).mkdir(parents=True, exist_ok=True)
    moved = state / SETS / f"{time.strftime('%Y%m%dT%H%M%S')}-ban-chep-{secrets.token_hex(4)}"
    os.rename(link, moved)
    _switch(state, moved)


def _clean(folder: Path, state: Path, targets: list[tuple[str, Path, bytes]]) -> None:
    """What a killed run left: sets not in force, temp files, dangling links of
    ours. Only in the folders this run writes (a run writing a subfolder holds
    that subfolder's lock, not ours)."""
    remove_stale_temps(state)
    _repair_current(state)
    current = _current_set(state)
    if (state / SETS).is_dir():
        for path in (state / SETS).iterdir():
            if current is None or path.name != current.name:
                shutil.rmtree(path, ignore_errors=True)
    for where in {folder} | {target.parent for _, target, _ in targets}:
        remove_stale_temps(where)
        if not where.is_dir():
            continue
        for path in where.iterdir():
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink() and not path.exists() and _is_our_link(folder, state, path, rel):
                with contextlib.suppress(OSError):
                    path.unlink()


def _take_over(folder: Path, state: Path, targets: list[tuple[str, Path, bytes]]) -> None:
    """Plain files (a folder written before sets, or by hand) at the names of
    this run become links into a set holding them as they are: every step shows
    the same content, so a kill here leaves the old set whole."""
    plain = [(rel, target) for rel, target, _ in targets
             if (target.exists() or target.is_symlink()) and not _is_our_link(folder, state, target, rel)]
    if not plain:
        return
    current = _current_set(state)
    old = _new_set(state)
    if current is not None:
        for rel in _files_of(current):
            _link_or_copy(current / rel, old / rel)
    for rel, target in plain:
        if target.exists():
            with contextlib.suppress(FileNotFoundError):
                (old / rel).unlink()
            _link_or_copy(target, old / rel)
    _fsync_tree(old)
    _switch(state, old)
    if current is not None:
        shutil.rmtree(current, ignore_errors=True)
    for i, (rel, target) in enumerate(plain):
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}{TMP_SUFFIX}")
        os.symlink(_link_text(folder, state, rel), tmp)
        os.replace(tmp, target)
        _kill_point(f"migrate-{i}")
    for parent in {target.parent for _, target in plain}:
        fsync_dir(parent)
    _kill_point("migrated")


def _publish_locked(folder: Path, state: Path, targets: list[tuple[str, Path, bytes]], created: list[Path]) -> None:
    make_dirs(state, created)
    _clean(folder, state, targets)
    for _, target, _ in targets:
        make_dirs(target.parent, created)
    _take_over(folder, state, targets)
    current = _current_set(state)
    new = _new_set(state)
    links: list[Path] = []  # links this run created (names that did not exist)
    try:
        written = {rel for rel, _, _ in targets}
        if current is not None:
            for rel in _files_of(current):
                if rel not in written:
                    _link_or_copy(current / rel, new / rel)
        for rel, _, data in targets:
            _put(new / rel, data)
        _fsync_tree(new)
        _kill_point("set-written")
        for rel, target, _ in targets:
            if not target.is_symlink():
                os.symlink(_link_text(folder, state, rel), target)
                links.append(target)
        for parent in {target.parent for _, target, _ in targets}:
            fsync_dir(parent)
        _kill_point("linked")
        _switch(state, new)
    except BaseException:
        for link in links:
            with contextlib.suppress(OSError):
                link.unlink()
        shutil.rmtree(new, ignore_errors=True)
        raise
    _kill_point("switched")
    if current is not None:
        shutil.rmtree(current, ignore_errors=True)
    fsync_dir(state / SETS)
