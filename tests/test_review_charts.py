"""The review page's charts (review.md, "Pictures") and its section on the
dossiers behind the figures, on the sample report the CLI wrote and on hand-built
figures."""

from __future__ import annotations

import datetime as dt
import json
import re
from fractions import Fraction
from pathlib import Path

import lxml.html
import openpyxl
import pytest

from reportgen.aggregate import build_period
from reportgen import vi_format
from reportgen.intake import read_inputs
from reportgen.plan import Plan, load_plan
from reportgen.publish.review import ReviewFiles, render_review
from reportgen.records import Intake

from conftest import SAMPLE_INPUTS
from test_aggregate_dossiers import frame

D = dt.date
STEM = "BC-CCHC-2024-6m"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def page(sample_report_6m: Path) -> str:
    return (sample_report_6m / f"{STEM}-kiem-tra.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def tree(page):
    return lxml.html.document_fromstring(page)


@pytest.fixture(scope="module")
def figures(sample_report_6m: Path) -> dict:
    return json.loads((sample_report_6m / "figures.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sample():
    """(plan, report) of the sample's 6m period, built in this process."""
    plan = load_plan(SAMPLE_INPUTS / "2024" / "plan.yaml")
    last_plan = load_plan(SAMPLE_INPUTS / "2023" / "plan.yaml")
    last = (last_plan, read_inputs(SAMPLE_INPUTS / "2023", last_plan))
    return plan, build_period(plan, read_inputs(SAMPLE_INPUTS / "2024", plan), "6m", last_year=last)


def svgs(tree) -> list:
    return [el for el in tree.iter() if isinstance(el.tag, str) and el.tag.split("}")[-1] == "svg"]


def texts(svg) -> list[str]:
    return ["".join(t.itertext()).strip() for t in svg.iter() if isinstance(t.tag, str) and t.tag.split("}")[-1] == "text"]


def test_four_inline_svg_charts_with_vietnamese_text(tree):
    charts = svgs(tree)
    assert len(charts) == 4
    expected = [
        ("Biểu đồ 1. Hồ sơ tiếp nhận theo tháng, theo hình thức nộp", "Số hồ sơ", "Tháng (theo ngày tiếp nhận)",
         "Trực tuyến", "Trực tiếp", "Bưu chính"),
        ("Biểu đồ 2. Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn (TTHC-02) theo tháng", "Tỷ lệ trước hạn, đúng hạn",
         "Tháng (theo ngày trả kết quả)", "Toàn cơ quan", "Chỉ tiêu"),
        ("Biểu đồ 3. Các chỉ tiêu có kế hoạch: kết quả so với chỉ tiêu", "Mã chỉ tiêu",
         "Kết quả so với chỉ tiêu (100% = bằng chỉ tiêu)", "TTHC-02"),
        ("Biểu đồ 4. So sánh với kỳ trước và cùng kỳ năm trước", "Số hồ sơ", "Kỳ báo cáo", "Hồ sơ tiếp nhận trong kỳ"),
    ]
    for svg, wanted in zip(charts, expected):
        words = texts(svg)
        for text in wanted:
            assert text in words, (text, words[:20])
        # text is <text> in the Times-compatible family, not glyphs drawn as paths
        style = [t.get("style", "") for t in svg.iter() if isinstance(t.tag, str) and t.tag.endswith("text")]
        assert all("Times New Roman" in s and "Liberation Serif" in s for s in style)
        title = [el for el in svg if isinstance(el.tag, str) and el.tag.split("}")[-1] == "title"]
        assert title and title[0].text_content() == wanted[0]


def test_chart_numbers_are_in_the_vietnamese_format(tree, figures):
    received, comparison = svgs(tree)[0], svgs(tree)[3]
    months = figures["tthc"]["by_month"]
    totals = [vi_format.number(m["received"]) for m in months.values()]
    assert all(t in texts(received) for t in totals)
    words = texts(comparison)
    assert vi_format.number(figures["tthc"]["received"]) in words  # '1.756'
    t = figures["tthc"]

    assert vi_format.percent(Fraction(t["early"] + t["on_time"], t["resolved"])) in words  # '99,6%'
    assert "100%" in texts(svgs(tree)[1]) and any(re.fullmatch(r"\d+%", w) for w in texts(svgs(tree)[2]))
    every = [w for c in svgs(tree) for w in texts(c)]
    assert not any(re.search(r"\d\.\d{1,2}(%|$)|\d,\d{3}\b", w) for w in every)  # no '98.5%', no '1,756'


def test_page_holds_no_script_and_no_address(page, tree):
    assert "<script" not in page.lower()
    assert "http" not in page.lower()  # not even the SVG namespace URLs
    assert not re.search(r"\bsrc=", page)
    # links: in-page fragments (markers the SVG reuses) and the chi-tiet workbook beside the page
    links = set(re.findall(r'href="([^"]*)"', page))
    assert {link for link in links if not link.startswith("#")} == {f"{STEM}-chi-tiet.xlsx"}
    ids = [el.get("id") for el in tree.iter() if isinstance(el.tag, str) and el.get("id")]
    assert len(ids) == len(set(ids)), "four charts must not share an id"
    for link in links - {f"{STEM}-chi-tiet.xlsx"}:
        assert link[1:] in ids


def test_review_links_the_workbook_and_counts_per_department_worst_first(page, tree, sample_report_6m, figures):
    assert (sample_report_6m / f"{STEM}-chi-tiet.xlsx").is_file()
    heading = [h for h in tree.iter("h2") if h.text_content().startswith("VII. Hồ sơ TTHC quá hạn")]
    assert heading
    table = heading[0].getnext()
    while table.tag != "table":
        table = table.getnext()
    rows = [[td.text_content() for td in tr.iter("td")] for tr in table.iter("tr")][1:]
    body, total = rows[:-1], rows[-1]
    wb = openpyxl.load_workbook(sample_report_6m / f"{STEM}-chi-tiet.xlsx", read_only=True)

    def per_department(sheet: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in wb[sheet].iter_rows(min_row=2, values_only=True):
            counts[row[1]] = counts.get(row[1], 0) + 1
        return counts

    overdue, late = per_department("Hồ sơ quá hạn"), per_department("Hồ sơ trả quá hạn")
    assert {r[1] for r in body} == set(overdue) | set(late)
    for name, code, o, la, *_ in body:
        assert (int(o.replace(".", "")), int(la.replace(".", ""))) == (overdue.get(code, 0), late.get(code, 0))
    worst = [int(r[2].replace(".", "")) + int(r[3].replace(".", "")) for r in body]
    assert worst == sorted(worst, reverse=True)
    assert total[0] == "Tổng cộng"
    assert total[2:4] == [vi_format.number(figures["tthc"]["pending_overdue"]), vi_format.number(figures["tthc"]["late"])]


def test_same_bytes_in_another_process(sample, sample_report_6m):
    """The page and workbook the CLI wrote (its own process) against the same files
    built here: same inputs, same bytes."""
    plan, report = sample
    with ReviewFiles(plan, report) as review:
        files = review.files()
    assert files[f"{STEM}-kiem-tra.html"] == (sample_report_6m / f"{STEM}-kiem-tra.html").read_bytes()
    assert files[f"{STEM}-chi-tiet.xlsx"] == (sample_report_6m / f"{STEM}-chi-tiet.xlsx").read_bytes()


def test_review_files_in_a_run_are_the_page_and_workbook(sample):
    """ReviewFiles (charts and workbook made in a child beside the PDF) gives the
    bytes of render_review and render_dossier_lists."""
    from reportgen.render.dossier_lists_xlsx import render_dossier_lists

    plan, report = sample
    with ReviewFiles(plan, report) as review:
        files = review.files()
    assert files[f"{STEM}-kiem-tra.html"] == render_review(plan, report)[1]
    cur = report.figures.current
    assert files[f"{STEM}-chi-tiet.xlsx"] == render_dossier_lists(
        report.dossier_lists, as_of=cur.end, title=f"Hồ sơ TTHC quá hạn, trả quá hạn - {STEM}")


# ------------------------------------------------------------------ hand-built


def tricky_plan() -> Plan:
    return Plan.model_validate({
        "year": 2024,
        "organization": {"name": "SỞ XÂY DỰNG", "place": "Hà Nội", "code": "SXD"},
        "departments": [{"code": "A", "name": "<script>alert(1)</script> & $x^2$"}, {"code": "B", "name": "Phòng B"}],
        "periods": {"q1": {"start": D(2024, 1, 10), "end": D(2024, 3, 9), "due_before": D(2024, 3, 14)}},
        "indicators": [{"code": "TTHC-02", "area": 3, "name": "Đúng hạn", "unit": "rate", "target": "0.95",
                        "op": ">=", "source": "tthc"}],
        "signer": {"title": "GIÁM ĐỐC", "name": "X"},
        "recipients": ["Lưu: VT"],
    })


ROWS = [
    ("a1", "A", D(2024, 1, 12), D(2024, 1, 20), D(2024, 1, 25), "online", False, False, True, False, None),
    ("a2", "A", D(2024, 2, 12), D(2024, 2, 20), D(2024, 2, 18), "direct", False, False, True, False, None),
    ("b1", "B", D(2024, 3, 1), D(2024, 3, 5), None, "postal", False, False, True, False, None),
]


def test_workbook_text_in_charts_is_escaped_and_never_markup():
    plan = tricky_plan()
    report = build_period(plan, Intake([], frame(ROWS, categories=["A", "B"])), "q1")
    page = render_review(plan, report)[1].decode("utf-8")
    assert "<script" not in page
    tree = lxml.html.document_fromstring(page)
    on_time = svgs(tree)[1]
    titles = texts(on_time)
    # shown as typed (wrapped over two lines): no markup, no mathtext
    assert "<script>alert(1)</script> & $x^2$ (A)" in "".join(titles)
    assert "&lt;script&gt;alert(1)&lt;/scri" in page


def test_no_comparison_data_and_no_target_said_under_the_chart():
    plan = tricky_plan().model_copy(update={"indicators": []})
    report = build_period(plan, Intake([], frame(ROWS, categories=["A", "B"])), "q1")
    _, data = render_review(plan, report)
    tree = lxml.html.document_fromstring(data.decode("utf-8"))
    captions = [c.text_content() for c in tree.iter("figcaption")]
    assert any("không vẽ đường chỉ tiêu" in c for c in captions)
    assert any("Chưa có số liệu kỳ trước và cùng kỳ năm trước" in c for c in captions)
    assert len(svgs(tree)) == 4
