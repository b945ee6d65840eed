"""Console output for the clerk: stage progress during long runs, short summaries.

Progress goes to stderr (stdout stays for results such as "Đã ghi: ..."):

    from reportgen import console

    with console.progress(["Đọc dữ liệu", "Tổng hợp", "Soạn báo cáo", "Xuất tệp"]):
        with console.stage("Đọc dữ liệu"):
            ...
        with console.stage("Tổng hợp"):
            ...

- On a terminal: a `rich` progress line (spinner, stage i/n, bar, elapsed time),
  replaced by one line "Hoàn tất ... sau 2,3 giây" at the end.
- Not a terminal (CI, a pipe, a log file), or TERM=dumb: plain lines
  "[1/4] Đọc dữ liệu..." as each stage starts, and one line at the end.
- REPORTGEN_QUIET=1: nothing at all.

`stage(name)` also works outside `progress(...)` (one plain line, or a spinner
on a terminal), so a pipeline function can mark its stages whether or not the
caller opened a progress display. A stage not among `stage_names` is added to
the count. When a stage raises, the display stops, "…: dừng do lỗi" is shown and
the exception propagates unchanged.

`print_lines(lines, title=None)` prints a summary (e.g. review.summary_lines) to
stdout, one "- " line each. `visible(text)` shows control characters as text
(`\\x1b`): everything printed that may hold text from a file goes through it.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import sys
import time
from typing import IO, Iterator, Sequence

from .text_controls import visible  # noqa: F401  (re-exported: every message printed goes through it)
from .vi_format import number

# The display `progress(...)` opened, for `stage(name)` inside it: scoped to the
# run's context (a thread or task of its own sees none), reset when it closes.
_active: contextvars.ContextVar["Progress | None"] = contextvars.ContextVar("reportgen_progress", default=None)


def _quiet() -> bool:
    return os.environ.get("REPORTGEN_QUIET", "") not in ("", "0")


def _is_terminal(stream: IO) -> bool:
    try:
        return stream.isatty() and os.environ.get("TERM", "") != "dumb"
    except (AttributeError, ValueError):
        return False


def _seconds(value: float) -> str:
    return f"{number(round(value, 1))} giây"


class Progress:
    """The display opened by `progress(...)`; use `stage(name)` on it or the module's."""

    def __init__(self, stage_names: Sequence[str], stream: IO, rich: bool):
        self.names = list(stage_names)
        self.stream = stream
        self.done = 0
        self.started = time.monotonic()
        self._rich = None
        self._task = None
        if rich:
            from rich.console import Console
            from rich.progress import BarColumn, Progress as RichProgress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._rich = RichProgress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(bar_width=20),
                TextColumn("{task.completed}/{task.total}"),
                TimeElapsedColumn(),
                console=Console(file=stream),
                transient=True,
            )
            self._task = self._rich.add_task("", total=max(len(self.names), 1))

    def _number_of(self, name: str) -> int:
        if name not in self.names:
            self.names.append(name)
            if self._rich is not None:
                self._rich.update(self._task, total=len(self.names))
        return self.names.index(name) + 1

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        label = f"[{self._number_of(name)}/{len(self.names)}] {name}"
        if self._rich is not None:
            self._rich.update(self._task, description=label + "...")
        else:
            print(label + "...", file=self.stream, flush=True)
        try:
            yield
        except BaseException:
            self.close()
            print(f"{label}: dừng do lỗi.", file=self.stream, flush=True)
            raise
        self.done += 1
        if self._rich is not None:
            self._rich.update(self._task, completed=self.done)

    def open(self) -> None:
        if self._rich is not None:
            self._rich.start()

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """The display's refresh thread stopped meanwhile, then started again."""
        if self._rich is None:
            yield
            return
        # rich's stop() only signals its refresh thread: wait until it has ended
        refresher = getattr(self._rich.live, "_refresh_thread", None)
        self._rich.stop()
        if refresher is not None:
            refresher.join()
        try:
            yield
        finally:
            if self._rich is not None:
                self._rich.start()

    def close(self) -> None:
        if self._rich is not None:
            self._rich.stop()
            self._rich = None

    def finish(self) -> None:
        self.close()
        print(f"Hoàn tất {self.done} bước sau {_seconds(time.monotonic() - self.started)}.", file=self.stream, flush=True)


class _Silent(Progress):
    def __init__(self):
        super().__init__([], sys.stderr, rich=False)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        yield

    def finish(self) -> None:
        pass


@contextlib.contextmanager
def progress(stage_names: Sequence[str], *, stream: IO | None = None, enabled: bool = True) -> Iterator[Progress]:
    """Show the progress of a run through `stage_names` (on stderr by default)."""
    stream = stream or sys.stderr
    display: Progress = _Silent() if (not enabled or _quiet()) else Progress(stage_names, stream, _is_terminal(stream))
    token = _active.set(display)
    display.open()
    try:
        yield display
    except BaseException:
        display.close()
        raise
    else:
        display.finish()
    finally:
        _active.reset(token)


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No display thread runs meanwhile (the progress display, if any, stops
    refreshing): for forking a child process, which must not inherit a thread's
    locks (publish/child_process.py)."""
    active = _active.get()
    if active is None:
        yield
        return
    with active.paused():
        yield


@contextlib.contextmanager
def stage(name: str, *, stream: IO | None = None) -> Iterator[None]:
    """Mark one stage: inside `progress(...)` it advances that display; alone it
    shows the stage by itself (a spinner on a terminal, one plain line otherwise)."""
    active = _active.get()
    if active is not None:
        with active.stage(name):
            yield
        return
    if _quiet():
        yield
        return
    stream = stream or sys.stderr
    if _is_terminal(stream):
        from rich.console import Console

        with Console(file=stream).status(f"{name}..."):
            yield
    else:
        print(f"{name}...", file=stream, flush=True)
        yield


def print_lines(lines: Sequence[str], *, title: str | None = None, stream: IO | None = None) -> None:
    """A short summary, one "- " line each, on stdout by default."""
    stream = stream or sys.stdout
    if title:
        print(visible(title), file=stream)
    for line in lines:
        print(f"- {visible(line)}", file=stream)
    stream.flush()
