"""Work done in a forked child process while this one goes on.

    job = ChildJob(function)          # forks now; the child runs function()
    ...                               # this process renders the PDF meanwhile
    value = job.result(timeout=300)   # the child's return value, or None

A forked child starts at once (no new interpreter, no imports, the figures and
lists already in memory), so CPU-bound Python work (matplotlib) runs beside
other CPU-bound Python work (WeasyPrint) on a second core, which a thread
cannot do. The value comes back pickled through a pipe.

`result` gives None, never an exception, when the child failed, died, or did not
answer in time (the child is then killed): the caller does the work itself, so
a run never depends on the child. Where fork is not available (Windows),
`ChildJob.available()` is False and the caller does the work itself.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Any, Callable


def _run(function: Callable[[], Any], send) -> None:
    try:
        value = (True, function())
    except BaseException as exc:  # reported to the parent, which does the work itself
        value = (False, repr(exc))
    try:
        send.send(value)
    finally:
        send.close()
        os._exit(0)  # nothing of the parent's (atexit handlers, buffers) runs twice


class ChildJob:
    @staticmethod
    def available() -> bool:
        return "fork" in multiprocessing.get_all_start_methods()

    def __init__(self, function: Callable[[], Any]):
        ctx = multiprocessing.get_context("fork")
        self._receive, send = ctx.Pipe(duplex=False)
        self._process = ctx.Process(target=_run, args=(function, send), daemon=True, name="reportgen-child")
        self._process.start()
        send.close()  # the child holds the only writing end: EOF when it dies

    def result(self, timeout: float) -> Any | None:
        """The child's value; None when it failed, died or took over `timeout` s."""
        try:
            if self._receive.poll(timeout):
                ok, value = self._receive.recv()
                return value if ok else None
            return None
        except (EOFError, OSError):
            return None
        finally:
            self.close()

    def close(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._receive.close()
