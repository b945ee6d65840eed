"""The Văn phòng page with a broken workbook copied by hand: the page lists its
errors as make report would, and the draft button writes nothing."""

from __future__ import annotations

import datetime as dt

from conftest import tree_snapshot
from intake_helpers import info_rows, submission
from test_web_support import Server, copy_sample, csrf_of, free_port, make_links, page_text, request


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
