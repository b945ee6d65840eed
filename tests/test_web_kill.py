"""Killing the server (SIGKILL) during uploads leaves no half-written workbook and
no register entry without its file; the register survives restarts."""

from __future__ import annotations

import datetime as dt
import http.client
import socket
import sqlite3
import threading
import time

from conftest import tree_snapshot
from intake_helpers import info_rows, submission
from test_web_support import Server, copy_sample, csrf_of, free_port, make_links, multipart, request, upload


def _register(inputs):
    with sqlite3.connect(inputs / ".reportgen-register.sqlite") as db:
        return db.execute("SELECT stored_as, sha256, accepted FROM uploads").fetchall()


def test_sigkill_during_uploads(tmp_path):
    from reportgen.digest import sha256_bytes

    inputs, outputs = copy_sample(tmp_path)
    folder = inputs / "2024" / "submissions"
    original = tree_snapshot(folder)
    srv = Server(inputs, outputs, free_port())
    link = make_links(inputs, srv.base)["QLDN"]
    payloads = [submission(tmp_path / f"{i}.xlsx", info=info_rows("QLDN", "6m", 2024, dt.date(2024, 7, 1 + i)))
                .read_bytes() for i in range(5)]

    # 1. killed while the body is still arriving
    srv.start()
    status, page, _ = request(link)
    body, ctype = multipart({"csrf": csrf_of(page)}, "a.xlsx", payloads[0])
    path = "/" + link.split("/", 3)[3] + "/gui?nam=2024"
    with socket.create_connection(("127.0.0.1", srv.port)) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {ctype}\r\n"
                     f"Content-Length: {len(body)}\r\n\r\n".encode() + body[: len(body) // 2])
        time.sleep(0.3)
        srv.kill()
    assert tree_snapshot(folder) == original
    assert not [r for r in _register(inputs) if r[2]]

    # 2. killed at moments spread over whole uploads (reading, checking, storing, committing)
    for i, delay in enumerate((0.05, 0.15, 0.3, 0.6), start=1):
        srv.start()
        thread = threading.Thread(target=lambda i=i: _try(lambda: upload(link, f"{i}.xlsx", payloads[i])))
        thread.start()
        time.sleep(delay)
        srv.kill()
        thread.join(30)

    # 3. after a restart: only whole workbooks, every entry with its file
    srv.start()
    try:
        files = tree_snapshot(folder)
        for name, data in files.items():
            assert name in original and data == original[name] or data in payloads[1:], name
        assert not any(name.startswith(".") for name in files)  # temporary files removed at start
        for stored_as, sha, accepted in _register(inputs):
            if accepted:
                assert sha256_bytes((inputs / "2024" / stored_as).read_bytes()) == sha
        # a last upload through the restarted server is kept, and listed from the register
        status, text = upload(link, "cuoi.xlsx", payloads[0])
        assert status == 200, text
        status, page, _ = request(link)
        assert "cuoi.xlsx" in page and "gửi qua trang" in page
    finally:
        assert srv.stop() == 0
    srv.start()  # the register survives a restart
    try:
        assert "cuoi.xlsx" in request(link)[1]
    finally:
        assert srv.stop() == 0


def _try(fn):
    try:
        fn()
    except (OSError, http.client.HTTPException, AssertionError, AttributeError):  # the server died under it
        pass
