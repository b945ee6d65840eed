"""Load test of the collection page (part of `make bench`), loopback only.

The real server (`reportgen serve`, waitress) on a free 127.0.0.1 port against a
temporary copy of inputs/ whose plan has DEPARTMENTS departments; one thread per
department, for SECONDS seconds, reads its page and every UPLOAD_EVERY-th time
sends a workbook (a new Ngày gửi each time). At the end: every request answered
without error, every accepted upload on disk byte-identical and in the register
(no lost upload), and the p50/p95 page and upload times.
"""

from __future__ import annotations

import datetime as dt
import http.client
import io
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
INPUTS = ROOT / "inputs"
SECONDS = float(os.environ.get("REPORTGEN_BENCH_WEB_SECONDS", "60"))
DEPARTMENTS = 20
UPLOAD_EVERY = 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _workbook(code: str, sent: dt.date, year: int) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Thông tin"
    for row in (["Đơn vị", code], ["Kỳ báo cáo", "year"], ["Năm", year], ["Ngày gửi", sent],
                ["Người lập", "Nguyễn Văn B"]):
        ws.append(row)
    ws = wb.create_sheet("Kết quả")
    ws.append(["Lĩnh vực", "Mã nhiệm vụ", "Kết quả thực hiện", "Tiến độ", "Ghi chú"])
    for area in range(1, 9):
        ws.append([area, None, f"Kết quả lĩnh vực {area} của {code}", "Hoàn thành", None])
    ws = wb.create_sheet("Số liệu")
    ws.append(["Mã chỉ tiêu", "Giá trị", "Mẫu số", "Ghi chú"])
    ws.append(["TC-02", 3, None, None])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _prepare(tmp: Path) -> tuple[Path, int]:
    inputs = tmp / "inputs"
    shutil.copytree(INPUTS, inputs, ignore=shutil.ignore_patterns(".reportgen-register*"))
    year = max(int(p.name) for p in inputs.iterdir() if p.name.isdigit() and (p / "plan.yaml").is_file())
    plan_path = inputs / str(year) / "plan.yaml"
    plan = yaml.safe_load(plan_path.read_text(encoding="utf-8"))
    plan["departments"] += [{"code": f"BENCH{i:02d}", "name": f"Phòng thử tải {i:02d}"} for i in range(1, DEPARTMENTS + 1)]
    plan_path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return inputs, year


def main() -> int:
    from ..diagnostics import ReportgenError
    from ..digest import sha256_bytes
    from ..pipeline import load_year_plan
    from ..web.register import Register
    from ..web.tokens import make_links
    from ..web.app import wait_listening

    with tempfile.TemporaryDirectory(prefix="reportgen-bench-web-") as tmp:
        tmp = Path(tmp)
        inputs, year = _prepare(tmp)
        try:
            plan = load_year_plan(inputs / str(year), year)
        except ReportgenError as exc:
            print(f"(bỏ qua: kế hoạch không đọc được: {exc.messages()[0]})")
            return 1
        port = _free_port()
        lines, _ = make_links(Register(inputs), plan, f"http://127.0.0.1:{port}")
        links = {code: url.split(str(port), 1)[1] for code, url in (line.split(" ") for line in lines)}
        server = subprocess.Popen([sys.executable, "-m", "reportgen.cli", "serve", "--port", str(port),
                                   "--inputs", str(inputs), "--outputs", str(tmp / "outputs")],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            if not wait_listening(port, server):
                print("LỖI: máy chủ không khởi động được")
                return 1
            return _load(port, inputs, year, links, sha256_bytes)
        finally:
            server.terminate()
            server.wait(30)


def _load(port, inputs, year, links, sha256_bytes) -> int:
    pages, uploads, errors, sent = [], [], [], []
    lock = threading.Lock()
    stop_at = time.monotonic() + SECONDS
    codes = [c for c in links if c.startswith("BENCH")][:DEPARTMENTS]

    def worker(code: str):
        path = links[code]
        n = 0
        while time.monotonic() < stop_at:
            n += 1
            t0 = time.perf_counter()
            status, page = _request(port, "GET", path)
            t1 = time.perf_counter()
            with lock:
                pages.append(t1 - t0)
            if status != 200:
                with lock:
                    errors.append(f"GET {code}: {status}")
                continue
            if n % UPLOAD_EVERY:
                continue
            data = _workbook(code, dt.date(year, 1, 1) + dt.timedelta(days=n // UPLOAD_EVERY), year)
            csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
            boundary = uuid.uuid4().hex
            body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{csrf}\r\n'
                    f'--{boundary}\r\nContent-Disposition: form-data; name="tep"; filename="{code}-{n}.xlsx"\r\n'
                    "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
            t0 = time.perf_counter()
            status, text = _request(port, "POST", f"{path}/gui?nam={year}", body,
                                    {"Content-Type": f"multipart/form-data; boundary={boundary}"})
            with lock:
                uploads.append(time.perf_counter() - t0)
                if status == 200:
                    sent.append(sha256_bytes(data))
                else:
                    errors.append(f"POST {code}: {status}")

    threads = [threading.Thread(target=worker, args=(c,)) for c in codes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    folder = inputs / str(year) / "submissions"
    on_disk = {sha256_bytes(p.read_bytes()) for p in folder.glob("*.xlsx")}
    with sqlite3.connect(inputs / ".reportgen-register.sqlite") as db:
        registered = {r[0] for r in db.execute("SELECT sha256 FROM uploads WHERE accepted=1")}
    lost = [h for h in sent if h not in on_disk or h not in registered]

    def pct(values, q):
        return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) >= 2 else float("nan")

    print(f"{len(codes)} phòng đồng thời, {SECONDS:g} giây, loopback")
    print(f"trang: {len(pages)} lần, p50 {pct(pages, 50):.0f} ms, p95 {pct(pages, 95):.0f} ms")
    print(f"gửi tệp: {len(uploads)} lần, p50 {pct(uploads, 50):.0f} ms, p95 {pct(uploads, 95):.0f} ms")
    print(f"lỗi: {len(errors)}; tệp đã nhận mà mất: {len(lost)}")
    for e in errors[:10]:
        print(f"  {e}")
    return 1 if errors or lost or not sent else 0


if __name__ == "__main__":
    sys.exit(main())
