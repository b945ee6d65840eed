"""The progress display's state is scoped to the run that opened it."""

from __future__ import annotations

import io
import threading

from reportgen import console


def test_a_display_is_scoped_to_its_run(monkeypatch):
    monkeypatch.delenv("REPORTGEN_QUIET", raising=False)
    outer, alone, other = io.StringIO(), io.StringIO(), io.StringIO()
    seen_in_thread = []

    def elsewhere():
        # another thread is another run: its stage is not counted in this display
        with console.stage("Việc khác", stream=other):
            seen_in_thread.append(True)

    with console.progress(["Đọc dữ liệu"], stream=outer):
        with console.stage("Đọc dữ liệu"):
            thread = threading.Thread(target=elsewhere)
            thread.start()
            thread.join()
    assert seen_in_thread == [True]
    assert other.getvalue() == "Việc khác...\n"
    assert outer.getvalue().splitlines()[0] == "[1/1] Đọc dữ liệu..."
    # once the display is closed, a stage shows by itself again
    with console.stage("Ghi tệp", stream=alone):
        pass
    assert alone.getvalue() == "Ghi tệp...\n"


def test_nested_displays_give_the_outer_one_back(monkeypatch):
    monkeypatch.delenv("REPORTGEN_QUIET", raising=False)
    outer, inner = io.StringIO(), io.StringIO()
    with console.progress(["A", "B"], stream=outer):
        with console.progress(["x"], stream=inner):
            with console.stage("x"):
                pass
        with console.stage("B"):
            pass
    assert "[2/2] B..." in outer.getvalue().splitlines()
    assert inner.getvalue().splitlines()[0] == "[1/1] x..."
