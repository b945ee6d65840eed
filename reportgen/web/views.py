"""The pages: a department's and the Văn phòng's, both reached by a link
`/l/<token>`; anything else (a wrong or revoked token, the bare `/`) is 403 with
a page that names nobody.

Every page: autoescaped templates, a Content Security Policy that allows no
script at all, a CSRF token in every form (itsdangerous, signed with the
register's secret), no Referer sent (the token is in the URL), no caching.
"""

from __future__ import annotations

import datetime as dt
import secrets

from flask import Flask, Response, current_app, g, render_template, request, send_file
from itsdangerous import BadData
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..diagnostics import ReportgenError
from ..forms import build_form
from ..periods import PERIOD_NAME, PERIODS, report_name
from ..text_controls import file_name
from .register import OFFICE, Link
from .tokens import TOKEN_RE
from .uploads import MAX_BYTES, MAX_MB, Outcome, check_and_store, refuse_size

CSRF_MAX_AGE = 24 * 3600
FORBIDDEN_TEXT = "Đường dẫn không hợp lệ hoặc đã bị thu hồi."


def _ctx():
    return current_app.extensions["reportgen"]


def _csp() -> str:
    return (f"default-src 'none'; style-src 'nonce-{g.nonce}'; img-src 'self'; form-action 'self'; "
            "base-uri 'none'; frame-ancestors 'none'")


def _vi_date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _vi_time(value) -> str:
    if not value:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone()
    return value.strftime("%H:%M %d/%m/%Y")


def _forbidden(status: int = 403):
    return render_template("forbidden.html", message=FORBIDDEN_TEXT), status


def _link(token: str) -> Link | None:
    if not TOKEN_RE.match(token or ""):
        return None
    return _ctx().register.find(token)


def _csrf_token(link: Link) -> str:
    return _ctx().csrf.dumps(link.id)


def _csrf_ok(link: Link) -> bool:
    try:
        return _ctx().csrf.loads(request.form.get("csrf", ""), max_age=CSRF_MAX_AGE) == link.id
    except BadData:
        return False


def _years_of(link: Link) -> list[int]:
    """Years whose plan lists the department (every year for the Văn phòng)."""
    inputs = _ctx().inputs
    out = []
    for year in inputs.years():
        try:
            plan = inputs.plan(year)
        except ReportgenError:
            continue
        if link.role == OFFICE or plan.department(link.account):
            out.append(year)
    return out


def _year(link: Link) -> int | None:
    years = _years_of(link)
    asked = request.args.get("nam", "")
    if asked.isdigit() and int(asked) in years:
        return int(asked)
    return years[-1] if years else None


def _default_period(plan) -> str:
    """The period whose deadline comes next; after the last one, the last."""
    today = dt.date.today()
    upcoming = [p for p in PERIODS if p in plan.periods and plan.periods[p].due_before >= today]
    return upcoming[0] if upcoming else [p for p in PERIODS if p in plan.periods][-1]


def _uploads_by_path(year: int) -> dict:
    return {u.stored_as: u for u in _ctx().register.uploads(year) if u.accepted and u.stored_as}


def _file_row(read, uploads, counted_rel=None) -> dict:
    upload = uploads.get(read.rel)
    return {
        "name": upload.original_name if upload else file_name(read.rel),
        "via": "gửi qua trang" if upload else "Văn phòng chép vào thư mục",
        "sent_on": _vi_date(read.submission.sent_on) if read.submission else "",
        # a file copied by hand has no time of receipt: its last-written time, said as such
        "received": _vi_time(upload.received_at) if upload else "",
        "written": "" if upload else _vi_time(read.modified),
        "counts": counted_rel == read.rel,
        "period": read.submission.period if read.submission else None,
    }


def _page(link: Link, token: str, *, outcome: Outcome | None = None, draft: dict | None = None, status: int = 200):
    ctx = _ctx()
    year = _year(link)
    if year is None:
        return render_template("message.html", title="Chưa có kế hoạch",
                               message="Chưa có kế hoạch năm nào cho đường dẫn này. Hãy liên hệ Văn phòng."), status
    try:
        plan = ctx.inputs.plan(year)
    except ReportgenError as exc:
        return render_template("message.html", title="Kế hoạch có lỗi", message="; ".join(exc.messages())), status
    common = dict(token=token, year=year, years=_years_of(link), plan=plan, csrf=_csrf_token(link),
                  outcome=outcome, max_mb=MAX_MB, period_name=PERIOD_NAME, vi_date=_vi_date)
    uploads = _uploads_by_path(year)
    if link.role == OFFICE:
        return _office_page(link, year, plan, uploads, draft, common), status
    return _department_page(link, year, plan, uploads, common), status


def _department_page(link: Link, year: int, plan, uploads, common):
    ctx = _ctx()
    dept = plan.department(link.account)
    periods = []
    reads = ctx.inputs.submissions(year, plan)
    for period in (p for p in PERIODS if p in plan.periods):
        rows = ctx.inputs.departments(year, plan, period, reads)
        row = next(r for r in rows if r.code == link.account)
        window = plan.periods[period]
        periods.append({
            "code": period, "name": PERIOD_NAME[period], "start": window.start, "end": window.end,
            "last_day": window.due_before - dt.timedelta(days=1), "state": row.state,
            "files": [_file_row(r, uploads, row.counted.rel if row.counted else None) for r in row.files],
        })
    # refused uploads still waiting for a corrected file (none once one was accepted after them)
    mine = ctx.register.uploads(year, account=link.account)
    last_accepted = max((u.id for u in mine if u.accepted), default=0)
    refused = [u for u in mine if not u.accepted and u.id > last_accepted][-5:]
    refused = [{"name": u.original_name, "received": _vi_time(u.received_at), "reasons": u.reasons}
               for u in reversed(refused)]
    return render_template("department.html", dept=dept, periods=periods, refused=refused, **common)


def _office_page(link: Link, year: int, plan, uploads, draft, common):
    ctx = _ctx()
    asked = request.values.get("ky", "")
    period = asked if asked in plan.periods else _default_period(plan)
    rows = []
    for row in ctx.inputs.departments(year, plan, period):
        counted = _file_row(row.counted, uploads, row.counted.rel) if row.counted else None
        rows.append({"code": row.code, "name": row.name, "state": row.state, "counted": counted,
                     "count": len(row.files)})
    errors, warnings = ctx.inputs.problems(year, period)
    # every workbook of another period is one such warning: counted, not listed
    other_period = sum(1 for w in warnings if w.code == "other_period")
    warnings = [w for w in warnings if w.code != "other_period"]
    window = plan.periods[period]
    return render_template(
        "office.html", period=period, periods=[p for p in PERIODS if p in plan.periods], rows=rows,
        window=window, last_day=window.due_before - dt.timedelta(days=1),
        errors=errors, warnings=warnings, other_period=other_period, outputs=_outputs(year, period),
        draft=draft, **common)


def _outputs(year: int, period: str) -> list[dict]:
    """The draft's files under OUTPUTS/<year>/<period>/, in a fixed order."""
    folder = _ctx().outputs / str(year) / period
    name = report_name(year, period)
    labels = [(f"{name}.docx", "Dự thảo báo cáo (Word, để sửa)"), (f"{name}.pdf", "Bản PDF"),
              (f"{name}-kiem-tra.html", "Trang kiểm tra trước khi trình ký"), ("figures.json", "Số liệu (figures.json)")]
    out = []
    for file, label in labels:
        path = folder / file
        if path.is_file():
            out.append({"file": file, "label": label,
                        "made": _vi_time(dt.datetime.fromtimestamp(path.stat().st_mtime).astimezone())})
    return out


def install(app: Flask) -> None:
    app.jinja_env.autoescape = True

    @app.before_request
    def _nonce():
        g.nonce = secrets.token_urlsafe(16)
        g.csp = None

    @app.after_request
    def _headers(response: Response):
        response.headers["Content-Security-Policy"] = g.get("csp") or _csp()
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        # unknown paths, wrong methods: nothing to see without a valid link
        if isinstance(exc, RequestEntityTooLarge):
            return render_template("message.html", title="Tệp quá lớn",
                                   message=f"Tệp lớn hơn {MAX_MB} MB: bị từ chối, không được lưu."), 413
        return _forbidden()

    @app.errorhandler(Exception)
    def _bug(exc: Exception):
        # a defect of the software, not of the file: said so, the traceback in the server's log
        current_app.logger.exception("reportgen web: %s", exc)
        return render_template("message.html", title="Lỗi chương trình", message=(
            "Trang gặp lỗi của phần mềm (không phải lỗi của tệp). Mở lại đường dẫn để xem việc vừa làm "
            "đã được ghi nhận chưa; nếu vẫn lỗi, báo bộ phận kỹ thuật.")), 500

    @app.route("/")
    def root():
        return _forbidden()

    @app.get("/l/<token>")
    def page(token):
        link = _link(token)
        if link is None:
            return _forbidden()
        return _page(link, token)

    @app.post("/l/<token>/gui")
    def upload(token):
        link = _link(token)
        if link is None:
            return _forbidden()
        ctx = _ctx()
        def too_large(size: int):
            year = _year(link)
            if year is not None:  # in the register too: who tried to send what, refused and why
                ctx.register.record(link=link, year=year, kind="submission", original_name="(tệp quá lớn)",
                                    size=size, sha256="", accepted=False, reasons=[refuse_size("").message])
            return _page(link, token, outcome=refuse_size(""), status=413)

        length = request.content_length
        if length is not None and length > app.config["MAX_CONTENT_LENGTH"]:
            return too_large(length)  # refused before the body is parsed
        try:
            form_ok = _csrf_ok(link)
            upload = request.files.get("tep")
        except RequestEntityTooLarge:  # no Content-Length (chunked): stopped at the limit while parsing
            return too_large(app.config["MAX_CONTENT_LENGTH"])
        if not form_ok:
            return _page(link, token, outcome=Outcome(False, "", message=(
                "Trang đã mở quá lâu hoặc không hợp lệ: tệp chưa được nhận. Tải lại trang rồi gửi lại.")), status=400)
        year = _year(link)
        if year is None:
            return _forbidden()
        try:
            plan = ctx.inputs.plan(year)
        except ReportgenError as exc:
            return render_template("message.html", title="Kế hoạch có lỗi", message="; ".join(exc.messages())), 500
        data = upload.stream.read(MAX_BYTES + 1) if upload else b""
        outcome = check_and_store(ctx.inputs, ctx.register, link, year, plan, upload.filename if upload else "", data)
        status = 200 if outcome.accepted else (413 if len(data) > MAX_BYTES else 422)
        return _page(link, token, outcome=outcome, status=status)

    @app.get("/l/<token>/mau/<int:year>/<period>/<code>.xlsx")
    def blank_form(token, year, period, code):
        link = _link(token)
        if link is None or (link.role != OFFICE and code != link.account):
            return _forbidden()
        if year not in _years_of(link):
            return _forbidden(404)
        plan = _ctx().inputs.plan(year)
        if period not in plan.periods or plan.department(code) is None:
            return _forbidden(404)
        data = build_form(plan, period, code)
        return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{code}_{period}_{year}.xlsx"'})

    @app.post("/l/<token>/du-thao")
    def make_draft(token):
        link = _link(token)
        if link is None or link.role != OFFICE:
            return _forbidden()
        if not _csrf_ok(link):
            return _page(link, token, draft={"ok": False, "message": (
                "Trang đã mở quá lâu hoặc không hợp lệ: chưa tạo báo cáo. Tải lại trang rồi bấm lại.")}, status=400)
        year, period = _year(link), request.form.get("ky", "")
        from ..pipeline import prepare_report, write_report

        ctx = _ctx()
        try:
            plan = ctx.inputs.plan(year)
            if period not in plan.periods:
                return _forbidden(404)
            with ctx.draft_lock:
                plan, report = prepare_report(ctx.inputs.root, period, year)
                write_report(ctx.outputs, plan, report)
            draft = {"ok": True, "message": f"Đã tạo dự thảo báo cáo {PERIOD_NAME[period]} năm {year}."}
        except ReportgenError as exc:
            problems = getattr(exc, "problems", [])
            draft = {"ok": False, "problems": problems, "messages": [] if problems else exc.messages(),
                     "message": "Chưa tạo được báo cáo: dữ liệu có lỗi, không có tệp nào được ghi hoặc thay đổi."}
        return _page(link, token, draft=draft)

    @app.get("/l/<token>/tep/<int:year>/<period>/<name>")
    def output_file(token, year, period, name):
        link = _link(token)
        if link is None or link.role != OFFICE:
            return _forbidden()
        if period not in PERIODS or name not in {o["file"] for o in _outputs(year, period)}:
            return _forbidden(404)
        path = _ctx().outputs / str(year) / period / name
        if name.endswith(".html"):
            g.csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
        return send_file(path.resolve(), as_attachment=not name.endswith((".html", ".pdf")), download_name=name)
