"""The review's slow parts made beside the documents (publish/child_process.py,
publish/review.ReviewFiles): the lists and the chi-tiet workbook in a child
forked after aggregation, the charts in a worker forked at the start of the run;
the same bytes as when this process makes them, and this process takes over
when a helper fails or must not be forked."""

from __future__ import annotations

import multiprocessing
import os
import threading

import pytest

from reportgen.aggregate import build_period
from reportgen.intake import read_inputs
from reportgen.plan import load_plan
from reportgen.publish import child_process
from reportgen.publish import review as review_module
from reportgen.publish.child_process import ChildJob, Worker
from reportgen.publish.review import ReviewFiles
from reportgen.render import charts as charts_module
from reportgen.render.charts import warm_up

from conftest import SAMPLE_INPUTS

STEM = "BC-CCHC-2024-6m"
PAGE, WORKBOOK = f"{STEM}-kiem-tra.html", f"{STEM}-chi-tiet.xlsx"



@pytest.fixture(autouse=True)
def two_cpus(monkeypatch):
    """On a one-CPU machine the helpers are not used; here they are tested all
    the same, both on that CPU."""
    cpus = child_process._cpus()
    if len(cpus) < 2:
        monkeypatch.setattr(child_process, "_cpus", lambda: [cpus[0], cpus[0]])


@pytest.fixture(scope="module")
def inputs():
    plan = load_plan(SAMPLE_INPUTS / "2024" / "plan.yaml")
    return plan, read_inputs(SAMPLE_INPUTS / "2024", plan)


def fresh_report(inputs):
    """A report whose dossier lists are not made yet."""
    plan, intake = inputs
    return plan, build_period(plan, intake, "6m")


@pytest.fixture(scope="module")
def made_here(inputs) -> dict[str, bytes]:
    plan, report = fresh_report(inputs)
    with ReviewFiles(plan, report, in_child=False) as review:
        return review.files()


def test_the_child_makes_the_lists_and_workbook_and_this_process_never_does(inputs, made_here):
    plan, report = fresh_report(inputs)
    with ReviewFiles(plan, report) as review:
        assert review._job is not None
        files = review.files()
    assert files == made_here
    assert report.deferred_lists._lists is None  # made in the child only: never here


def test_the_worker_draws_the_charts_with_the_same_bytes(inputs, made_here):
    plan, report = fresh_report(inputs)
    with Worker.start(warm_up) as worker, ReviewFiles(plan, report, worker) as review:
        assert review._worker is worker and review._job is not None
        files = review.files()
    assert files == made_here
    assert not worker._process.is_alive()


def test_failing_helpers_are_replaced_by_this_process(inputs, made_here, monkeypatch):
    parent = os.getpid()
    real_parts, real_chart = review_module._review_parts, charts_module.chart_received

    def parts(*args):
        if os.getpid() != parent:
            raise MemoryError("killed")
        return real_parts(*args)

    def chart(*args):
        if os.getpid() != parent:
            os._exit(9)  # the worker dies without a word
        return real_chart(*args)

    monkeypatch.setattr(review_module, "_review_parts", parts)
    monkeypatch.setattr(charts_module, "chart_received", chart)
    plan, report = fresh_report(inputs)
    with Worker.start(warm_up) as worker, ReviewFiles(plan, report, worker) as review:
        files = review.files()
    assert files == made_here
    assert report.deferred_lists._lists is not None  # made here after the child failed


def test_no_fork_beside_another_thread():
    """A forked child holds only the forking thread: with another one running
    (the collection page's server, a display), the work is done in-process."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert ChildJob.start(lambda: 1) is None
        assert Worker.start(lambda: None) is None
    finally:
        stop.set()
        other.join()
    job = ChildJob.start(lambda: 41 + 1)
    assert job is not None and job.result(60) == 42


def test_cpus_given_back_and_no_process_left(inputs):
    before = os.sched_getaffinity(0)
    plan, report = fresh_report(inputs)
    with ReviewFiles(plan, report) as review:
        assert os.sched_getaffinity(0) == {child_process._cpus()[0]}  # this thread keeps one CPU, the child another
        review.files()
    assert os.sched_getaffinity(0) == before
    assert multiprocessing.active_children() == []


def test_a_worker_without_a_job_ends_with_the_run():
    """A run that stops before the review (bad input) closes its worker: nothing
    is left running."""
    worker = Worker.start(warm_up)
    worker.close()
    assert not worker._process.is_alive()
    assert worker.result(1) is None
    assert multiprocessing.active_children() == []


def test_the_display_thread_stops_around_the_fork(monkeypatch):
    """On a terminal the progress display refreshes from a thread of its own; the
    report pauses it to fork the review's child (pipeline.render_report_files)."""
    from reportgen import console

    monkeypatch.delenv("REPORTGEN_QUIET", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    master, slave = os.openpty()
    try:
        with open(slave, "w", encoding="utf-8", closefd=False) as stream, console.progress(["a"], stream=stream):
            assert threading.active_count() > 1  # the display's refresh thread
            assert ChildJob.start(lambda: 1) is None
            with console.paused():
                assert threading.active_count() == 1
                job = ChildJob.start(lambda: 2)
            assert threading.active_count() > 1
            assert job is not None and job.result(60) == 2
    finally:
        os.close(master)
        os.close(slave)
