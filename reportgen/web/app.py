"""The collection page's application and its server (`make serve`).

Flask (server-rendered Jinja2 pages, autoescaped, no JavaScript) on waitress, a
production WSGI server in pure Python: it reads a whole request (spooling big
bodies to a temporary file) before the application sees it, so a refused
21 MB upload still gets its page instead of a reset connection, and a slow or
broken client never holds a worker thread.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from itsdangerous import URLSafeTimedSerializer

from ..resources import TEMPLATES
from .register import Register
from .status import Inputs
from .store import clean_stale
from .uploads import MAX_BYTES

# multipart framing and the CSRF field around a file: a request longer than the
# file limit plus this is refused before it is parsed
FORM_SLACK = 16 * 1024
THREADS = 8


@dataclass
class Context:
    inputs: Inputs
    outputs: Path
    register: Register
    csrf: URLSafeTimedSerializer
    draft_lock: threading.Lock


def create_app(inputs: Path, outputs: Path) -> Flask:
    inputs, outputs = Path(inputs), Path(outputs)
    register = Register(inputs)
    app = Flask(__name__, template_folder=str(TEMPLATES / "web"), static_folder=None)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BYTES + FORM_SLACK, TEMPLATES_AUTO_RELOAD=False)
    app.extensions["reportgen"] = Context(
        inputs=Inputs(inputs), outputs=outputs, register=register,
        csrf=URLSafeTimedSerializer(register.secret(), salt="reportgen-web-csrf"),
        draft_lock=threading.Lock(),
    )
    for year in app.extensions["reportgen"].inputs.years():
        clean_stale(inputs / str(year))
    from . import views

    views.install(app)
    return app


def serve(inputs: Path, outputs: Path, host: str = "127.0.0.1", port: int | str = 8000) -> int:
    """Run until Ctrl-C or SIGTERM (then stop accepting, finish, exit 0)."""
    from waitress import create_server

    from ..diagnostics import UsageError

    os.environ.setdefault("REPORTGEN_QUIET", "1")  # no stage progress lines in the server's log
    if not str(port).isdigit() or not 0 < int(port) < 65536:
        raise UsageError(f"Cổng «{port}» không hợp lệ. Cần một số từ 1 đến 65535, ví dụ PORT=8000.")
    if not Path(inputs).is_dir():
        raise UsageError(f"Không có thư mục dữ liệu «{inputs}». Cần INPUTS=thư mục chứa các thư mục năm.")
    app = create_app(inputs, outputs)
    try:
        server = create_server(app, host=host, port=int(port), threads=THREADS, ident="reportgen",
                               max_request_body_size=256 * 1024 * 1024, channel_timeout=120)
    except OSError as exc:
        raise UsageError(f"Không mở được trang tại {host}:{port} ({exc.strerror or exc}). Cổng có thể đang được "
                         "dùng (trang đã chạy rồi?): chọn cổng khác, ví dụ PORT=8080, hoặc kiểm tra HOST.") from None

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(f"Trang nhận báo cáo đang chạy tại http://{host}:{server.effective_port}/ "
          "(mở bằng đường dẫn riêng từ `make links`; dừng: Ctrl-C).", file=sys.stderr, flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    print("Đã dừng trang nhận báo cáo.", file=sys.stderr, flush=True)
    return 0


def wait_listening(port: int, proc: subprocess.Popen, timeout: float = 60, host: str = "127.0.0.1") -> bool:
    """True once a server started as `proc` accepts connections on host:port;
    False when it exits first or `timeout` seconds pass (bench and tests)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False
