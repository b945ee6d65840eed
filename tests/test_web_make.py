"""`make links` and `make serve` as the clerk runs them: links made before the
server starts work; the server listens within 60 s and stops cleanly on SIGTERM."""

from __future__ import annotations

import re
import signal
import socket
import subprocess

from conftest import ROOT
from test_web_support import copy_sample, free_port, request

from reportgen.web.app import wait_listening


def test_make_links_then_make_serve_then_sigterm(tmp_path):
    inputs, outputs = copy_sample(tmp_path)
    port = free_port()
    links = subprocess.run(["make", "-s", "links", f"INPUTS={inputs}", f"PORT={port}"], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert links.returncode == 0, links.stderr
    lines = dict(line.split(" ") for line in links.stdout.splitlines())
    assert set(lines) == {"VP", "QLDT", "QLDN", "QHXD", "QLMT", "QLLD", "TTDV"}
    assert all(re.fullmatch(rf"http://127\.0\.0\.1:{port}/l/[A-Za-z0-9_-]{{32}}", url) for url in lines.values())
    proc = subprocess.Popen(["make", "-s", "serve", f"INPUTS={inputs}", f"OUTPUTS={outputs}", f"PORT={port}"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_listening(port, proc), proc.stderr.read() if proc.poll() is not None else "not listening"
        assert request(lines["QLDT"])[0] == 200 and request(lines["VP"])[0] == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert "Đã dừng" in err and "Traceback" not in err
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        raise AssertionError("still listening after SIGTERM")
    except OSError:
        pass
