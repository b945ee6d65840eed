"""The departments' collection page (issue 13, collecting.md), end to end: the
real server (`reportgen serve`, waitress) on a free loopback port against a
copy of the sample inputs, links made by `reportgen links` before it starts,
and Debian's Chromium driven by Playwright (one browser for the module)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import run_cli, tree_snapshot
from intake_helpers import info_rows, submission
from test_web_support import (CHROMIUM_ARGS, Server, copy_sample, free_port, make_links, multipart, page_text,
                              request, upload)

MB = 1024 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("web")
    inputs, outputs = copy_sample(tmp)
    srv = Server(inputs, outputs, free_port())
    srv.links = make_links(inputs, srv.base)  # made before the server starts
    srv.start()
    yield srv
    assert srv.stop() == 0  # SIGTERM: a clean stop


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN")
    pg = context.new_page()
    dialogs = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs
    yield pg
    context.close()


def _workbook(tmp: Path, name: str, dept: str, sent: dt.date, period="6m", **kw) -> bytes:
    return submission(tmp / name, info=info_rows(dept, period, 2024, sent), **kw).read_bytes()


def _send(page, link: str, filename: str, data: bytes, mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
    page.goto(link)
    page.set_input_files("input[type=file]", files=[{"name": filename, "mimeType": mime, "buffer": data}])
    with page.expect_navigation(timeout=120_000):
        page.click("form.send button[type=submit]")


def _row_of(page, code: str) -> str:
    return page.locator("tr", has=page.locator("td", has_text=re.compile(rf"^{code}$"))).inner_text()


def _submissions(server) -> dict:
    return tree_snapshot(server.inputs / "2024" / "submissions")


# ------------------------------------------------------------------ links


def test_links_one_per_account_tokens_only_as_hashes(server):
    plan_codes = ["VP", "QLDT", "QLDN", "QHXD", "QLMT", "QLLD", "TTDV"]
    assert sorted(server.links) == sorted(plan_codes)  # VP: the Văn phòng, also the department VP
    tokens = [url.rsplit("/", 1)[1] for url in server.links.values()]
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{8,}", t) for t in tokens) and len(set(tokens)) == len(tokens)
    raw = b"".join(p.read_bytes() for p in server.inputs.glob(".reportgen-register.sqlite*"))
    assert not any(t.encode() in raw for t in tokens)
    # a second run prints no link (their tokens are not known any more) and changes none
    again = run_cli("links", "--inputs", str(server.inputs), "--base-url", server.base)
    assert again.returncode == 0 and again.stdout == "" and "RENEW=QLDT" in again.stderr


def test_renew_revokes_the_old_link(tmp_path):
    inputs, _ = copy_sample(tmp_path)
    first = make_links(inputs, "http://h:1")
    renewed = make_links(inputs, "http://h:1", "--renew", "QLDT")
    assert list(renewed) == ["QLDT"] and renewed["QLDT"] != first["QLDT"]
    with sqlite3.connect(inputs / ".reportgen-register.sqlite") as db:
        active = db.execute("SELECT count(*) FROM links WHERE account='QLDT' AND revoked_at IS NULL").fetchone()[0]
    assert active == 1
    bad = run_cli("links", "--inputs", str(inputs), "--renew", "KHONGCO")
    assert bad.returncode == 2 and "KHONGCO" in bad.stderr and "Traceback" not in bad.stderr


def test_renewed_link_works_and_old_gets_403(tmp_path):
    inputs, outputs = copy_sample(tmp_path)
    srv = Server(inputs, outputs, free_port())
    old = make_links(inputs, srv.base)["QLLD"]
    srv.start()
    try:
        assert request(old)[0] == 200
        new = make_links(inputs, srv.base, "--renew", "QLLD")["QLLD"]  # while the server runs
        assert request(old)[0] == 403 and request(new)[0] == 200
    finally:
        assert srv.stop() == 0


# ------------------------------------------------------------ no valid link


def test_wrong_token_gets_403_and_names_nobody(server, tmp_path):
    names = ["Văn phòng", "Quản lý", "Quy hoạch", "Trung tâm", "QLDT", "QLMT", "TTDV"]
    good = server.links["QLDT"]
    wrong = good[:-1] + ("A" if good[-1] != "A" else "B")
    before = _submissions(server)
    for url in (server.base + "/", wrong, server.base + "/l/x", server.base + "/l/" + "a" * 40,
                server.links["VP"] + "x", server.base + "/favicon.ico", wrong + "/mau/2024/6m/QLDT.xlsx"):
        status, body, headers = request(url)
        assert status == 403, url
        assert not any(n in body for n in names), url
        assert "Content-Security-Policy" in headers
    data = _workbook(tmp_path, "a.xlsx", "QLDT", dt.date(2024, 6, 12))
    body, ctype = multipart({"csrf": "x"}, "a.xlsx", data)
    status, text, _ = request(wrong + "/gui?nam=2024", "POST", body, {"Content-Type": ctype})
    assert 400 <= status < 500 and not any(n in text for n in names)
    assert _submissions(server) == before


def test_post_without_csrf_token_stores_nothing(server, tmp_path):
    before = _submissions(server)
    data = _workbook(tmp_path, "a.xlsx", "QLLD", dt.date(2024, 6, 12))
    body, ctype = multipart({"csrf": "gia-mao"}, "a.xlsx", data)
    status, text, _ = request(server.links["QLLD"] + "/gui?nam=2024", "POST", body, {"Content-Type": ctype})
    assert status == 400 and "chưa được nhận" in text
    assert _submissions(server) == before


# ------------------------------------------------------- department pages


def test_department_page_shape(server, page):
    response = page.goto(server.links["QLDN"])
    assert response.status == 200
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert page.locator("h1").inner_text() == "Phòng Quản lý Doanh nghiệp"
    assert page.locator("input[type=file]").count() == 1
    form = page.locator("form", has=page.locator("input[type=file]"))
    assert form.count() == 1
    assert form.locator("button[type=submit], input[type=submit]").count() == 1
    assert page.locator("script").count() == 0
    text = page.inner_text("body")
    for words in ("Quý I", "6 tháng", "Quý III", "Năm", "13/06/2024"):  # periods and last day to send
        assert words in text


def test_blank_form_is_the_make_forms_workbook(server, tmp_path):
    out = tmp_path / "forms"
    proc = run_cli("forms", "--period", "q3", "--inputs", str(server.inputs), "--outputs", str(out))
    assert proc.returncode == 0, proc.stderr
    import urllib.request

    with urllib.request.urlopen(server.links["QLDN"] + "/mau/2024/q3/QLDN.xlsx") as resp:
        data = resp.read()
    assert data == (out / "2024" / "q3" / "forms" / "QLDN.xlsx").read_bytes()
    assert request(server.links["QLDN"] + "/mau/2024/q3/QLDT.xlsx")[0] == 403  # another department's


def test_broken_then_fixed_workbook(server, page, tmp_path):
    """QLMT has sent nothing for 6m in the sample."""
    link, vp = server.links["QLMT"], server.links["VP"] + "?nam=2024&ky=6m"
    before = _submissions(server)
    broken = _workbook(tmp_path, "b.xlsx", "QLMT", dt.date(2024, 6, 12),
                       indicators=[["CDDH-02", 3, None, None], ["TC-02", 4, None, None]])
    _send(page, link, "BC 6 thang QLMT.xlsx", broken)
    text = page.inner_text("#ket-qua")
    assert "từ chối" in text and "không được lưu" in text
    rows = page.locator("#ket-qua table.problems tbody tr")
    assert rows.count() == 1
    heads = page.locator("#ket-qua table.problems thead th").all_inner_texts()
    cells = dict(zip(heads, rows.first.locator("td").all_inner_texts()))
    assert cells["Trang"] == "Số liệu" and cells["Dòng"] == "2" and cells["Cột"] == "Mẫu số"
    assert "thiếu Mẫu số" in cells["Lỗi"] and cells["Cần"]
    assert _submissions(server) == before
    page.goto(vp)
    assert "chưa gửi" in _row_of(page, "QLMT")  # its only upload was refused

    fixed = _workbook(tmp_path, "f.xlsx", "QLMT", dt.date(2024, 6, 20))  # after due_before: late
    _send(page, link, "BC 6 thang QLMT (sua).xlsx", fixed)
    assert "Đã nhận" in page.inner_text("#ket-qua") and "hợp lệ" in page.inner_text("#ket-qua")
    after = _submissions(server)
    new = sorted(set(after) - set(before))
    assert len(new) == 1 and new[0].endswith(".xlsx") and "(sua)" not in new[0]  # our name, not the upload's
    assert after[new[0]] == fixed  # byte-identical
    assert all(after[k] == v for k, v in before.items())  # nothing earlier changed
    assert "gửi muộn" in page.locator("tr", has=page.locator("td", has_text=re.compile("^6 tháng$"))).inner_text()
    page.goto(vp)
    assert "gửi muộn" in _row_of(page, "QLMT")
    assert "20/06/2024" in _row_of(page, "QLMT")
    assert "đã gửi" in _row_of(page, "QLDN") and "gửi muộn" in _row_of(page, "QHXD")  # copied by hand


def test_another_departments_workbook_is_refused(server, page, tmp_path):
    before = _submissions(server)
    data = _workbook(tmp_path, "o.xlsx", "QLDN", dt.date(2024, 6, 12), period="q3")
    for link in (server.links["QLLD"], server.links["VP"]):  # the Văn phòng's link too
        _send(page, link, "QLDN.xlsx", data)
        text = page.inner_text("#ket-qua")
        assert "từ chối" in text and "QLDN" in text and "Thông tin" in text
    assert _submissions(server) == before


def test_the_office_link_sends_the_van_phongs_own_workbook(server, tmp_path):
    before = _submissions(server)
    data = _workbook(tmp_path, "vp.xlsx", "VP", dt.date(2024, 9, 12), period="q3")
    status, text = upload(server.links["VP"], "VP quy 3.xlsx", data)
    assert status == 200 and "Đã nhận" in text
    new = set(_submissions(server)) - set(before)
    assert len(new) == 1 and _submissions(server)[new.pop()] == data


def test_workbook_text_is_shown_literally(server, page, tmp_path):
    before = _submissions(server)
    evil = '<img src=x onerror="document.title=\'pwned\'">{{7*7}}'
    data = _workbook(tmp_path, "x.xlsx", "QHXD", dt.date(2024, 6, 12), period="q3",
                     results=[[1, None, evil, "{{7*7}}", None]])
    _send(page, server.links["QHXD"], f"{evil}.xlsx", data)
    assert page.locator("img").count() == 0 and page.title() != "pwned" and not page.dialogs
    table = page.inner_text("#ket-qua table.problems")
    assert "{{7*7}}" in table and "49" not in table
    assert evil in page.inner_text("#ket-qua")  # the file name, exactly as sent
    assert _submissions(server) == before


def test_21_mb_upload_gets_a_page_and_the_server_keeps_answering(server, page, tmp_path):
    before = _submissions(server)
    big = b"PK\x03\x04" + b"\0" * (21 * MB)
    status, text = upload(server.links["TTDV"], "lon.xlsx", big)
    assert status == 413 and "20 MB" in text and "từ chối" in text
    assert request(server.links["TTDV"])[0] == 200
    path = tmp_path / "lon.xlsx"
    path.write_bytes(big)
    page.goto(server.links["TTDV"])
    page.set_input_files("input[type=file]", str(path))  # a path: the browser reads it itself
    with page.expect_navigation(timeout=120_000):
        page.click("form.send button[type=submit]")
    assert "20 MB" in page.inner_text("#ket-qua")
    assert page.goto(server.links["TTDV"]).status == 200
    assert _submissions(server) == before


def test_not_xlsx_is_refused_before_reading(server):
    before = _submissions(server)
    status, text = upload(server.links["TTDV"], "bao-cao.pdf", b"%PDF-1.4 ...")
    assert status == 422 and ".xlsx" in text and "từ chối" in page_text(text)
    assert _submissions(server) == before


def test_same_sent_on_as_a_kept_workbook_is_refused(server, tmp_path):
    """make report would stop on two workbooks of one period with one Ngày gửi."""
    before = _submissions(server)
    data = _workbook(tmp_path, "s.xlsx", "QLDT", dt.date(2024, 6, 11))  # the sample's "ban sua 11.6"
    status, text = upload(server.links["QLDT"], "lai.xlsx", data)
    assert status == 422 and "cùng Ngày gửi" in text
    assert _submissions(server) == before


# ------------------------------------------------------------ Văn phòng


def test_office_page_and_a_dossier_log(server, page, tmp_path):
    from intake_helpers import LOG_HEADERS, log_row, write_csv

    response = page.goto(server.links["VP"] + "?nam=2024&ky=6m")
    assert response.status == 200
    body = page.inner_text("body")
    assert "6 tháng" in body and page.locator("button", has_text="Tạo dự thảo báo cáo").count() == 1
    assert page.locator("input[type=file]").count() == 1
    for code in ("QLDT", "QLDN", "TTDV"):
        assert re.search(r"đã gửi|gửi muộn|chưa gửi", _row_of(page, code))
    before = tree_snapshot(server.inputs / "2024" / "tthc")
    bad = write_csv(tmp_path / "bad.csv", [log_row(1, dept="KHONGCO")], LOG_HEADERS)
    _send(page, server.links["VP"] + "?nam=2024&ky=6m", "hoso.csv", bad.read_bytes(), "text/csv")
    assert "từ chối" in page.inner_text("#ket-qua") and "KHONGCO" in page.inner_text("#ket-qua table")
    assert tree_snapshot(server.inputs / "2024" / "tthc") == before
    good = write_csv(tmp_path / "good.csv", [log_row(1, dept="QLDT", r="05/03/2024", d="20/03/2024",
                                                     c="15/03/2024")], LOG_HEADERS)
    _send(page, server.links["VP"] + "?nam=2024&ky=6m", "hoso.csv", good.read_bytes(), "text/csv")
    assert "Đã nhận" in page.inner_text("#ket-qua")
    after = tree_snapshot(server.inputs / "2024" / "tthc")
    new = set(after) - set(before)
    assert len(new) == 1 and after[new.pop()] == good.read_bytes()


def test_draft_button_makes_the_same_files_as_make_report(server, page, tmp_path):
    page.goto(server.links["VP"] + "?nam=2024&ky=6m")
    with page.expect_navigation(timeout=300_000):
        page.click("button:has-text('Tạo dự thảo báo cáo')")
    assert "Đã tạo dự thảo báo cáo" in page.inner_text("body")
    links = page.locator("a", has_text="Dự thảo báo cáo (Word")
    assert links.count() == 1
    made = server.outputs / "2024" / "6m"
    expected = tmp_path / "cli"
    proc = run_cli("report", "--period", "6m", "--inputs", str(server.inputs), "--outputs", str(expected))
    assert proc.returncode == 0, proc.stderr
    ours, theirs = tree_snapshot(made), tree_snapshot(expected / "2024" / "6m")
    assert sorted(ours) == sorted(theirs) and {"figures.json", "BC-CCHC-2024-6m.docx", "BC-CCHC-2024-6m.pdf",
                                               "BC-CCHC-2024-6m-kiem-tra.html"} <= set(ours)
    assert json.loads(ours["figures.json"]) == json.loads(theirs["figures.json"])
    for name in ours:
        assert ours[name] == theirs[name], name
    # the files are served through the Văn phòng's link only
    href = links.first.get_attribute("href")
    status, _, headers = request(server.base + href)
    assert status == 200 and "attachment" in headers.get("Content-Disposition", "")
    assert request(server.links["QLDT"] + "/tep/2024/6m/" + href.rsplit("/", 1)[1])[0] == 403
    review = page.locator("a", has_text="Trang kiểm tra").first.get_attribute("href")
    assert request(server.base + review)[0] == 200


def test_uploads_count_in_make_report_as_if_copied_by_hand(server, tmp_path):
    """Every file accepted through the page, copied by hand under its own name
    into a fresh copy of the sample, gives the same figures."""
    from reportgen.pipeline import prepare_report

    by_hand, _ = copy_sample(tmp_path)
    with sqlite3.connect(server.inputs / ".reportgen-register.sqlite") as db:
        rows = db.execute("SELECT original_name, stored_as FROM uploads WHERE accepted=1").fetchall()
    assert rows  # the tests above uploaded some
    renamed = {}
    for i, (name, stored) in enumerate(rows):
        target = Path(stored).parent / f"{i}-{name}"
        shutil.copy(server.inputs / "2024" / stored, by_hand / "2024" / target)
        renamed[stored] = target.as_posix()

    def figures(inputs, period, names={}):
        _, report = prepare_report(inputs, period, 2024)
        text = report.figures.to_json()
        for stored, name in names.items():  # file names are listed (superseded, other period)
            text = text.replace(json.dumps(stored)[1:-1], json.dumps(name, ensure_ascii=False)[1:-1])
        data = json.loads(text)
        for part in (data["submissions"], data.get("comparison", {}).get("previous", {}).get("submissions", {})):
            part.get("other_period", []).sort()
        return data

    for period in ("6m", "q3"):
        assert figures(server.inputs, period, renamed) == figures(by_hand, period)
