"""Work done in a forked child process while this one goes on.

    job = ChildJob.start(function)    # forks now; the child runs function()
    ...                               # this process renders the PDF meanwhile
    value = job.result(timeout)       # function's return value, or None

    worker = Worker.start(prepare)    # forks now (early, small); the child runs
    ...                               # prepare() (imports) while this one reads data
    worker.submit(function, *args)    # then function(*args) in the child: a
    value = worker.result(timeout)    # module-level function, small arguments

Why a process: matplotlib, openpyxl and WeasyPrint are Python that holds the
interpreter's lock, so a thread beside the PDF would only take turns with it; a
forked child runs on a second core. Why forked: a ChildJob starts at once, with
the dossier frame already in memory (shared, copy-on-write), and only its value
travels back, pickled through a pipe; a Worker, forked while the process is
still small, does its slow imports while the run reads its data.

Side by side, each keeps a core of its own: the calling thread is pinned to one
allowed CPU and the child to another until the value is in (on a small virtual
machine, two busy processes left to the scheduler slowed the PDF by a third).
Before forking, the objects alive are frozen for the garbage collector
(gc.freeze), so a collection in this process does not write to, and copy, every
page it shares with the child.

`result` gives None, never an exception, when the work failed, the child died,
or did not answer in time (the child is then killed): the caller then does the work itself,
so a run never depends on the child.

`start` (of either) gives None where forking is unsafe or useless: no fork
(Windows), a single CPU, or other Python threads running (a forked child holds
only the thread that forked it: a lock another thread held at that moment, a
database's or a display's, would stay locked in the child for ever; the
collection page's server is such a process). The child ignores Ctrl-C (this
process stops it), writes nothing to the terminal and leaves with os._exit:
nothing of this process (atexit handlers, buffers) runs twice.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
from typing import Any, Callable


def _cpus() -> list[int]:
    try:
        return sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return list(range(os.cpu_count() or 1))


def usable() -> bool:
    """Fork exists, a second CPU is there, and only this thread runs Python."""
    return ("fork" in multiprocessing.get_all_start_methods() and len(_cpus()) > 1
            and threading.active_count() == 1)


def _pin(cpus: set[int]) -> None:
    try:
        os.sched_setaffinity(0, cpus)
    except (AttributeError, OSError):  # not on this system: the scheduler decides
        pass


def _enter_child(cpu: int | None) -> None:
    """A helper's first steps: Ctrl-C is this process's to handle, its CPU, and
    nothing of it on the clerk's screen (a stray warning would show twice)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if cpu is not None:
        _pin({cpu})
    devnull = open(os.devnull, "w")
    sys.stdout = sys.stderr = devnull


def _reply(conn, function: Callable[..., Any], args: tuple) -> None:
    gc.disable()  # a short life: no pauses to collect what the exit frees anyway
    try:
        value = (True, function(*args))
    except BaseException as exc:  # reported to the parent, which does the work itself
        value = (False, repr(exc))
    conn.send(value)


def _run(function: Callable[[], Any], send, cpu: int | None) -> None:
    try:
        _enter_child(cpu)
        _reply(send, function, ())
    except BaseException:  # the parent is gone or stopped listening: nothing to tell
        pass
    finally:
        os._exit(0)  # nothing of the parent's (atexit handlers, buffers) runs twice


def _serve(prepare: Callable[[], None], conn, parent_end, cpu: int | None) -> None:
    try:
        parent_end.close()
        _enter_child(cpu)
        try:
            prepare()
        except Exception:  # a failed preparation: the job will say what fails
            pass
        try:
            function, args = conn.recv()
        except (EOFError, OSError):  # the run ended (or failed) without a job
            return
        _reply(conn, function, args)
    except BaseException:
        pass
    finally:
        os._exit(0)


class _Helper:
    """What both kinds of helper share: started only where usable(), a value
    or None, closed once (killed if still running), a context manager."""

    _conn = _process = None
    _closed = False

    @classmethod
    def start(cls, *args):
        """The helper, or None where forking is unsafe or useless (see the
        module's text) or fails."""
        if not usable():
            return None
        try:
            return cls(*args)
        except OSError:  # no process to be had: the caller does the work itself
            return None

    def _expects_value(self) -> bool:
        return True

    def result(self, timeout: float) -> Any | None:
        """The value; None when the work failed, the child died, or it took over
        `timeout` seconds."""
        try:
            if self._expects_value() and not self._closed and self._conn.poll(timeout):
                ok, value = self._conn.recv()
                return value if ok else None
            return None
        except (EOFError, OSError):
            return None
        finally:
            self.close()

    def _release(self) -> None:
        """What the subclass gives back on closing."""

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._release()
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Worker(_Helper):
    """A child forked at the start of a run, while the process is small and has
    imported little: it prepares (imports) while the run reads its data, then
    does one job sent through the pipe. Pinned to the second allowed CPU."""

    def __init__(self, prepare: Callable[[], None]):
        cpus = _cpus()
        ctx = multiprocessing.get_context("fork")
        self._conn, child_end = ctx.Pipe(duplex=True)
        self._process = ctx.Process(target=_serve, args=(prepare, child_end, self._conn, cpus[1]), daemon=True,
                                    name="reportgen-worker")
        try:
            self._process.start()
        finally:
            child_end.close()  # the child holds the only other end: EOF when it dies
        self._submitted = False

    def submit(self, function: Callable[..., Any], *args: Any) -> bool:
        """Send the job (small arguments: the pipe holds 64 KB before the child
        reads, and it may still be preparing); False when the child cannot take
        it (then do the work yourself)."""
        if self._submitted or self._closed:
            return False
        self._submitted = True
        try:
            self._conn.send((function, args))
            return True
        except (OSError, ValueError, TypeError, AttributeError):  # gone, or not picklable
            self.close()
            return False

    def _expects_value(self) -> bool:
        return self._submitted


class ChildJob(_Helper):
    """A child forked now that runs `function()` (in memory: nothing pickled on
    the way in) on another CPU, while this thread keeps one of its own."""

    def __init__(self, function: Callable[[], Any]):
        cpus = _cpus()
        self._affinity = set(cpus)
        here, there = cpus[0], cpus[1]
        ctx = multiprocessing.get_context("fork")
        self._conn, send = ctx.Pipe(duplex=False)
        self._process = ctx.Process(target=_run, args=(function, send, there), daemon=True,
                                    name="reportgen-child")
        gc.freeze()
        try:
            self._process.start()
        except BaseException:
            gc.unfreeze()
            raise
        finally:
            send.close()  # the child holds the only writing end: EOF when it dies
        _pin({here})

    def _release(self) -> None:
        _pin(self._affinity)
        gc.unfreeze()
