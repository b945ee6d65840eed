"""Helpers for the collection page's tests: a real server (waitress, started as
`reportgen serve` in a subprocess) on a free loopback port, against a temporary
copy of the sample inputs; links made by `reportgen links` beforehand; plain
HTTP requests with the standard library. No tests here."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from conftest import ROOT, SAMPLE_INPUTS, run_cli
from reportgen.web.app import wait_listening

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_sample(tmp: Path) -> tuple[Path, Path]:
    inputs, outputs = tmp / "inputs", tmp / "outputs"
    shutil.copytree(SAMPLE_INPUTS, inputs, ignore=shutil.ignore_patterns(".reportgen-register*", "README.md"))
    return inputs, outputs


def make_links(inputs: Path, base: str, *extra: str) -> dict[str, str]:
    proc = run_cli("links", "--inputs", str(inputs), "--base-url", base, *extra)
    assert proc.returncode == 0, proc.stderr
    out = {}
    for line in proc.stdout.splitlines():
        code, url = line.split(" ")
        out[code] = url
    return out


@dataclass
class Server:
    inputs: Path
    outputs: Path
    port: int
    proc: subprocess.Popen | None = None
    links: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> "Server":
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "reportgen.cli", "serve", "--port", str(self.port),
             "--inputs", str(self.inputs), "--outputs", str(self.outputs)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "REPORTGEN_QUIET": "1"},
        )
        if wait_listening(self.port, self.proc, timeout):
            return self
        if self.proc.poll() is not None:
            raise AssertionError(f"server exited: {self.proc.stderr.read()}")
        raise AssertionError("server did not listen within the timeout")

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30)
        finally:
            self.proc.stdout.close()
            self.proc.stderr.close()

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=30)
        self.proc.stdout.close()
        self.proc.stderr.close()


def request(url: str, method: str = "GET", body: bytes | None = None, headers: dict | None = None,
            timeout: float = 120) -> tuple[int, str, dict]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, path or "/", body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace"), dict(resp.getheaders())
    finally:
        conn.close()


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def multipart(fields: dict[str, str], filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="tep"; filename="{filename}"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n".encode("utf-8") + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def upload(link: str, filename: str, data: bytes, year: int = 2024) -> tuple[int, str]:
    """Open the page (for its CSRF token) and post a file as its form does."""
    status, page, _ = request(link)
    assert status == 200
    body, ctype = multipart({"csrf": csrf_of(page)}, filename, data)
    status, text, _ = request(f"{link}/gui?nam={year}", "POST", body, {"Content-Type": ctype})
    return status, text


def page_text(html: str) -> str:
    """Visible text, roughly: tags dropped, entities kept (so escaping shows)."""
    html = re.sub(r"(?s)<style.*?</style>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
