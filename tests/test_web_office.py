"""The Văn phòng page with a broken workbook copied by hand: the page lists its
errors as make report would, and the draft button writes nothing."""

from __future__ import annotations

import datetime as dt

from conftest import tree_snapshot
from intake_helpers import info_rows, submission
from test_web_support import Server, copy_sample, csrf_of, free_port, make_links, page_text, request, upload


def test_hand_copied_broken_workbook_blocks_the_draft(tmp_path):
    inputs, outputs = copy_sample(tmp_path)
    submission(inputs / "2024" / "submissions" / "QLMT chep tay.xlsx",
               info=info_rows("QLMT", "6m", 2024, dt.date(2024, 6, 12)), indicators=[["CDDH-02", 3, None, None]])
    srv = Server(inputs, outputs, free_port())
    links = make_links(inputs, srv.base)
    srv.start()
    try:
        status, page, headers = request(links["VP"] + "?nam=2024&ky=6m")
        assert status == 200 and "script-src" not in headers["Content-Security-Policy"]
        text = page_text(page)
        assert "QLMT chep tay.xlsx" in text and "Số liệu" in text and "thiếu Mẫu số" in text
        assert "phải sửa trước khi tạo báo cáo" in text
        body = f"csrf={csrf_of(page)}&ky=6m".encode()
        status, page, _ = request(links["VP"] + "/du-thao?nam=2024&ky=6m", "POST", body,
                                  {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 200 and "Chưa tạo được báo cáo" in page and "thiếu Mẫu số" in page
        assert tree_snapshot(outputs) == {}
        # a department link cannot make a draft
        status, _, _ = request(links["QLDT"] + "/du-thao?nam=2024&ky=6m", "POST", body,
                               {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 403 and tree_snapshot(outputs) == {}
    finally:
        assert srv.stop() == 0


def test_dossier_logs_through_the_office_link(tmp_path):
    """A log whose Mã hồ sơ is already kept with other content is refused (make
    report would stop); a one-stop export as .xlsx is kept under tthc/."""
    from intake_helpers import LOG_HEADERS, log_row, write_csv

    from reportgen.bench.data import write_dossier_xlsx
    from reportgen.plan import load_plan

    inputs, outputs = copy_sample(tmp_path)
    tthc = inputs / "2024" / "tthc"
    before = tree_snapshot(tthc)
    clash = log_row(1, dept="QHXD", r="09/06/2024", d="01/07/2024", c="02/07/2024")
    clash[0] = "000.00.24.H23-240609-0001"  # in the sample's log, returned on 01/07/2024
    clashing = write_csv(tmp_path / "clash.csv", [clash], LOG_HEADERS).read_bytes()
    export = write_dossier_xlsx(tmp_path / "export.xlsx", 30, load_plan(inputs / "2024" / "plan.yaml"),
                                first_id=900_000).read_bytes()
    srv = Server(inputs, outputs, free_port())
    links = make_links(inputs, srv.base)
    srv.start()
    try:
        status, page = upload(links["VP"], "hoso-trung.csv", clashing)
        assert status == 422 and "000.00.24.H23-240609-0001" in page and "từ chối" in page
        assert tree_snapshot(tthc) == before
        status, page = upload(links["VP"], "xuat-tu-mot-cua.xlsx", export)
        assert status == 200 and "Đã nhận" in page, page_text(page)
        after = tree_snapshot(tthc)
        new = set(after) - set(before)
        assert len(new) == 1 and after[new.pop()] == export
        # a department's link takes no dossier log
        status, page = upload(links["QLDT"], "hoso.csv", clashing)
        assert status == 422 and ".xlsx" in page and len(tree_snapshot(tthc)) == len(after)
    finally:
        assert srv.stop() == 0
