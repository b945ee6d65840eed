"""compose_report: the report's content from hand-made figures and submissions."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from reportgen.compose import common
from reportgen.compose.model import DossierTable, IndicatorTable
from reportgen.compose.report import compose_report, merge_rows
from reportgen.figures import (
    DossierStats,
    Figures,
    IndicatorResult,
    LateSubmission,
    PeriodFigures,
    PeriodReport,
    SubmissionStatus,
)
from reportgen.pipeline import Issue
from reportgen.plan import Plan
from reportgen.records import ResultRow, Submission, TextRow

D = dt.date


def sample_plan(**extra) -> Plan:
    data = {
        "year": 2024,
        "organization": {
            "name": "BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP", "parent": "UBND TỈNH HẢI DƯƠNG", "place": "Hải Dương",
            "code": "KCN", "name_in_text": "Ban Quản lý các khu công nghiệp", "short_name": "Ban",
        },
        "departments": [
            {"code": "VP", "name": "Văn phòng"},
            {"code": "QLDT", "name": "Phòng Quản lý Đầu tư"},
            {"code": "QLMT", "name": "Phòng Quản lý Môi trường"},
        ],
        "periods": {"6m": {"start": D(2023, 12, 10), "end": D(2024, 6, 9), "due_before": D(2024, 6, 14)}},
        "indicators": [
            {"code": "CDDH-01", "area": 1, "unit": "bool", "target": True, "op": "==", "source": "submissions",
             "name": "Ban hành kế hoạch CCHC năm của Ban"},
            {"code": "CDDH-02", "area": 1, "unit": "rate", "target": "0.30", "op": ">", "source": "submissions",
             "name": "Tỷ lệ phòng, đơn vị trực thuộc được kiểm tra trực tiếp về CCHC"},
            {"code": "TC-01", "area": 2, "unit": "count", "target": 2, "op": ">=", "source": "submissions",
             "name": "Số hoạt động theo dõi thi hành pháp luật đã thực hiện"},
            {"code": "TTHC-02", "area": 3, "unit": "rate", "target": "1.0", "op": ">=", "source": "tthc",
             "name": "Tỷ lệ hồ sơ TTHC trả kết quả đúng hạn, trước hạn"},
            {"code": "TTHC-09", "area": 3, "unit": "rate", "source": "tthc", "name": "Tỷ lệ hồ sơ nộp trực tuyến"},
            {"code": "TCBM-03", "area": 4, "unit": "rate", "target": "1.0", "op": "<=", "source": "submissions",
             "name": "Biên chế sử dụng so với biên chế được giao"},
            {"code": "CV-03", "area": 5, "unit": "rate", "target": "1.0", "op": ">=", "source": "submissions",
             "name": "Tỷ lệ hoàn thành kế hoạch đào tạo, bồi dưỡng CBCCVC"},
            {"code": "DGTD-01", "area": 8, "unit": "rate", "source": "submissions",
             "name": "Mức độ hài lòng qua khảo sát người dân, tổ chức"},
        ],
        "signer": {"title": "KT. TRƯỞNG BAN\nPHÓ TRƯỞNG BAN", "name": "Nguyễn Văn A"},
        "recipients": ["UBND tỉnh (để b/c)", "Sở Nội vụ (để tổng hợp)", "Lưu: VT, VP"],
        "tasks": [
            {"code": "NV01", "area": 1, "text": "Ban hành kế hoạch CCHC năm 2024", "owner": "VP"},
            {"code": "NV02", "area": 3, "text": "Rà soát, đơn giản hóa TTHC. Công bố TTHC nội bộ.", "owner": "QLDT",
             "deadline": "Quý II"},
            {"code": "NV03", "area": 7, "text": "Duy trì Trang thông tin điện tử", "owner": "VP"},
        ],
        "plan_document": {"number": "125/KH-KCN", "date": D(2023, 12, 28)},
        "kinh_gui": ["UBND tỉnh Hải Dương", "Sở Nội vụ tỉnh Hải Dương"],
    }
    data.update(extra)
    return Plan.model_validate(data)


def minimal_plan() -> Plan:
    """The contract's required keys only, for another agency."""
    return Plan.model_validate({
        "year": 2024,
        "organization": {"name": "SỞ XÂY DỰNG", "parent": "UBND THÀNH PHỐ HÀ NỘI", "place": "Hà Nội", "code": "SXD"},
        "departments": [{"code": "VP", "name": "Văn phòng Sở"}, {"code": "QLN", "name": "Phòng Quản lý nhà"}],
        "periods": {"q1": {"start": D(2023, 12, 15), "end": D(2024, 3, 14), "due_before": D(2024, 2, 20)}},
        "indicators": [
            {"code": "TTHC-02", "area": 3, "unit": "rate", "target": "1.0", "op": ">=", "source": "tthc",
             "name": "Tỷ lệ hồ sơ TTHC trả kết quả đúng hạn, trước hạn"},
        ],
        "signer": {"title": "GIÁM ĐỐC", "name": "Trần Văn B"},
        "recipients": ["UBND Thành phố (để b/c)", "Lưu: VT"],
    })


STATS = DossierStats(received=1234, carried_over=50, total=1284, online=1100, direct=120, postal=14,
                     resolved=1200, early=900, on_time=280, late=20, pending=84, pending_in_time=80,
                     pending_overdue=4)


def ind(plan: Plan, code: str, value, status, numerator=None, denominator=None) -> IndicatorResult:
    p = plan.indicator(code)
    target = p.target if isinstance(p.target, bool) else p.target_fraction
    return IndicatorResult(code=code, name=p.name, area=p.area, unit=p.unit, source=p.source, value=value,
                           status=status, numerator=numerator, denominator=denominator, target=target, op=p.op)


def period_figures(plan: Plan, *, tthc=STATS, by_dept=None, indicators=None, submissions=None,
                   period="6m") -> PeriodFigures:
    w = plan.periods[period]
    return PeriodFigures(
        year=plan.year, period=period, start=w.start, end=w.end, due_before=w.due_before, tthc=tthc,
        tthc_by_department=by_dept or {},
        indicators=indicators or {},
        submissions=submissions or SubmissionStatus(expected=plan.department_codes,
                                                     received=plan.department_codes, missing=[]),
    )


def sample_indicators(plan: Plan) -> dict[str, IndicatorResult]:
    rows = [
        ind(plan, "CDDH-01", True, "dat"),
        ind(plan, "CDDH-02", Fraction(2, 7), "chua_dat", 2, 7),
        ind(plan, "TC-01", Fraction(3), "dat"),
        ind(plan, "TTHC-02", Fraction(1180, 1200), "chua_dat", 1180, 1200),
        ind(plan, "TTHC-09", Fraction(1100, 1234), "khong_co_chi_tieu", 1100, 1234),
        ind(plan, "TCBM-03", Fraction(42, 40), "chua_dat", 42, 40),
        ind(plan, "CV-03", None, "khong_co_so_lieu"),
        ind(plan, "DGTD-01", None, "khong_co_chi_tieu"),
    ]
    return {r.code: r for r in rows}


def sub(dept, results=(), shortcomings=(), recommendations=(), directions=(), sent=D(2024, 6, 10)) -> Submission:
    return Submission(file=f"{dept}.xlsx", department=dept, period="6m", year=2024, sent_on=sent,
                      results=tuple(results), shortcomings=tuple(shortcomings),
                      recommendations=tuple(recommendations), directions=tuple(directions))


def sample_submissions() -> list[Submission]:
    return [
        sub("VP", results=[
            ResultRow(1, "Ban hành Kế hoạch CCHC năm 2024 của Ban", task_code="NV01", progress="hoan_thanh"),
            ResultRow(1, "Tổ chức tuyên truyền về CCHC trên Trang thông tin điện tử.", progress="hoan_thanh"),
            ResultRow(7, "Duy trì Trang thông tin điện tử & cổng <DVC> {{x}}", task_code="NV03",
                      progress="dang_thuc_hien"),
        ], shortcomings=[TextRow("Một số hồ sơ giải quyết quá hạn", cause="Hồ sơ phức tạp, cần lấy ý kiến nhiều cơ quan")],
            directions=[TextRow("Tiếp tục rà soát quy trình nội bộ.")]),
        sub("QLDT", results=[
            ResultRow(1, "  tổ chức tuyên truyền về CCHC   trên trang thông tin điện tử ;", progress="hoan_thanh"),
            ResultRow(3, "Công khai đầy đủ TTHC tại Bộ phận Một cửa."),
        ], shortcomings=[TextRow("Một số hồ sơ giải quyết quá hạn.", cause="Thiếu nhân lực")]),
    ]


def build(plan=None, *, figures=None, submissions=None, last_year=None, previous=None):
    plan = plan or sample_plan()
    figures = figures or period_figures(plan, indicators=sample_indicators(plan),
                                        by_dept={"VP": DossierStats(received=34, total=34, online=34, resolved=34,
                                                                    early=34)})
    report = PeriodReport(figures=Figures(current=figures, previous=previous, same_period_last_year=last_year),
                          submissions=sample_submissions() if submissions is None else submissions, warnings=[])
    return plan, report


@pytest.fixture(scope="module")
def doc():
    plan, report = build()
    return compose_report(plan, report)


def texts(doc, style=None):
    return [p.text for p in doc.body if style is None or p.style == style]


def section(doc, start: str, end: str | None) -> list[str]:
    lines = texts(doc)
    i = lines.index(start)
    j = lines.index(end) if end else len(lines)
    return lines[i + 1:j]


# ---------------------------------------------------------------- outline

def test_section_order_and_headings(doc):
    assert texts(doc, "heading1") == [
        "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC",
        "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CCHC",
        "III. ĐÁNH GIÁ CHUNG",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI",
        "V. ĐỀ XUẤT, KIẾN NGHỊ",
    ]
    # area 8 has no content (its only indicator has no data): no khoản 7
    assert texts(doc, "heading2") == [
        "1. Cải cách thể chế",
        "2. Cải cách thủ tục hành chính",
        "3. Cải cách tổ chức bộ máy hành chính nhà nước",
        "4. Cải cách chế độ công vụ",
        "5. Cải cách tài chính công",
        "6. Xây dựng, phát triển chính quyền điện tử, chính quyền số",
        "1. Ưu điểm",
        "2. Tồn tại, hạn chế và nguyên nhân",
    ]
    assert doc.doc_type == "BÁO CÁO"
    assert doc.subject == ("Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024",)
    # no heading without content under it
    body = list(doc.body)
    for a, b in zip(body, body[1:] + [None]):
        if a.style == "heading2":
            assert b is not None and not b.style.startswith("heading"), a.text
        if a.style == "heading1":
            assert b is not None and b.style != "heading1", a.text


def test_area_8_when_it_has_content():
    plan, report = build()
    inds = dict(report.figures.current.indicators)
    inds["DGTD-01"] = ind(plan, "DGTD-01", Fraction(9, 10), "khong_co_chi_tieu", 90, 100)
    figures = period_figures(plan, indicators=inds)
    doc = compose_report(*build(plan, figures=figures))
    assert "7. Đánh giá tác động của CCHC" in texts(doc, "heading2")
    assert "- Mức độ hài lòng qua khảo sát người dân, tổ chức đạt 90% (90/100)." in texts(doc)


def test_opening_paragraph(doc):
    """One whole sentence (no fragment ending at "(Ban)."), the window inside it."""
    first, second = texts(doc)[:2]
    assert first == ("Thực hiện Kế hoạch số 125/KH-KCN ngày 28/12/2023 của Ban Quản lý các khu công nghiệp (Ban) "
                     "về cải cách hành chính năm 2024, Ban báo cáo kết quả thực hiện công tác cải cách hành chính "
                     "6 tháng đầu năm 2024 (Số liệu tính từ ngày 10/12/2023 đến ngày 09/6/2024) như sau:")
    assert second == "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC"  # the sentence leads into section I


def test_opening_without_plan_number():
    plan = sample_plan(plan_document={"number": None, "date": None})
    doc = compose_report(*build(plan))
    assert texts(doc)[0].startswith("Thực hiện Kế hoạch cải cách hành chính năm 2024 của Ban Quản lý các khu "
                                    "công nghiệp (Ban), Ban báo cáo kết quả thực hiện công tác cải cách hành "
                                    "chính 6 tháng đầu năm 2024 (Số liệu tính từ ngày 10/12/2023")


# ---------------------------------------------------------------- results

def test_duplicates_merged_and_attributed(doc):
    part = section(doc, "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC", "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CCHC")
    tuyen_truyen = [t for t in part if "tuyên truyền" in t.lower()]
    assert tuyen_truyen == ["- Tổ chức tuyên truyền về CCHC trên Trang thông tin điện tử "
                            "(Văn phòng và Phòng Quản lý Đầu tư)."]
    assert "- Ban hành Kế hoạch CCHC năm 2024 của Ban (Văn phòng)." in part


def test_merge_rows_normalises():
    items = merge_rows([("A", "Làm  việc X.", None, None), ("B", "- làm việc x;", None, None),
                        ("A", "Làm việc X", None, None), ("B", "Việc khác", None, None)])
    assert [(i.text, i.departments) for i in items] == [("Làm việc X.", ["A", "B"]), ("Việc khác", ["B"])]


def test_literal_text_kept(doc):
    assert any("& cổng <DVC> {{x}}" in t and "đang thực hiện" in t for t in texts(doc))


def test_indicator_sentences(doc):
    lines = texts(doc)
    assert "- Ban hành kế hoạch CCHC năm của Ban: đã thực hiện, đạt." in lines
    assert ("- Tỷ lệ phòng, đơn vị trực thuộc được kiểm tra trực tiếp về CCHC đạt 28,6% (2/7; chỉ tiêu: trên 30%), "
            "chưa đạt.") in lines
    assert "- Số hoạt động theo dõi thi hành pháp luật đã thực hiện: 3 (chỉ tiêu: từ 2 trở lên), đạt." in lines
    assert ("- Tỷ lệ hồ sơ TTHC trả kết quả đúng hạn, trước hạn đạt 98,3% (1.180/1.200; chỉ tiêu: 100%), "
            "chưa đạt.") in lines
    assert "- Tỷ lệ hồ sơ nộp trực tuyến đạt 89,1% (1.100/1.234)." in lines
    assert "- Tỷ lệ hoàn thành kế hoạch đào tạo, bồi dưỡng CBCCVC: chưa có số liệu (chỉ tiêu: 100%)." in lines


def test_dossier_sentences(doc):
    part = section(doc, "2. Cải cách thủ tục hành chính", "3. Cải cách tổ chức bộ máy hành chính nhà nước")
    assert part[0] == "- Công khai đầy đủ TTHC tại Bộ phận Một cửa (Phòng Quản lý Đầu tư)."
    assert part[1] == (
        "Trong kỳ, Ban tiếp nhận 1.234 hồ sơ thủ tục hành chính, trong đó 1.100 hồ sơ trực tuyến (89,1%), "
        "120 hồ sơ trực tiếp (9,7%) và 14 hồ sơ qua dịch vụ bưu chính công ích (1,1%); từ kỳ trước chuyển sang "
        "50 hồ sơ. Tổng số hồ sơ phải giải quyết là 1.284 hồ sơ.")
    assert part[2] == (
        "Đã giải quyết 1.200 hồ sơ (93,5% tổng số hồ sơ phải giải quyết), trong đó trước hạn 900 hồ sơ (75%), "
        "đúng hạn 280 hồ sơ (23,3%), quá hạn 20 hồ sơ (1,7%); số hồ sơ giải quyết trước hạn và đúng hạn là "
        "1.180 hồ sơ, đạt tỷ lệ 98,3%. Đang giải quyết 84 hồ sơ, trong đó 80 hồ sơ còn trong hạn và 4 hồ sơ đã quá hạn.")
    # no comparison without earlier figures
    assert not any("so với" in t for t in part)


def test_comparison_with_last_year_and_previous():
    plan = sample_plan()
    last = period_figures(plan, tthc=DossierStats(received=1000, total=1000, online=900, direct=100,
                                                  resolved=1000, early=900, on_time=50, late=50))
    prev = period_figures(plan, tthc=DossierStats(received=1234, total=1234, online=1234, resolved=600,
                                                  early=585, on_time=0, late=15))
    doc = compose_report(*build(plan, last_year=last, previous=prev))
    lines = texts(doc)
    assert ("Số hồ sơ tiếp nhận trong kỳ tăng 23,4% so với cùng kỳ năm trước (1.000 hồ sơ) "
            "và bằng kỳ trước (6 tháng đầu năm 2024: 1.234 hồ sơ).") in lines
    assert ("Tỷ lệ hồ sơ giải quyết trước hạn và đúng hạn tăng 3,3 điểm phần trăm so với cùng kỳ năm trước (95%) "
            "và tăng 0,8 điểm phần trăm so với kỳ trước (6 tháng đầu năm 2024: 97,5%).") in lines


def test_previous_period_of_another_length_compares_rates_only():
    plan = sample_plan(periods={"q1": {"start": D(2023, 12, 10), "end": D(2024, 3, 9), "due_before": D(2024, 3, 14)},
                                "6m": {"start": D(2023, 12, 10), "end": D(2024, 6, 9), "due_before": D(2024, 6, 14)}})
    prev = period_figures(plan, period="q1", tthc=DossierStats(received=500, total=500, online=500, resolved=500,
                                                               early=500))
    doc = compose_report(*build(plan, previous=prev))
    compared = [t for t in texts(doc) if "so với kỳ trước" in t]
    assert compared == ["Tỷ lệ hồ sơ giải quyết trước hạn và đúng hạn giảm 1,7 điểm phần trăm so với kỳ trước "
                        "(quý I năm 2024: 100%)."]


def test_no_dossiers_sentence():
    plan = sample_plan()
    doc = compose_report(*build(plan, figures=period_figures(plan, tthc=DossierStats())))
    assert ("Trong kỳ, Ban không tiếp nhận hồ sơ thủ tục hành chính nào và không có hồ sơ từ kỳ trước "
            "chuyển sang.") in texts(doc)


# ---------------------------------------------------------------- assessment, directions, recommendations

def test_strengths(doc):
    part = section(doc, "1. Ưu điểm", "2. Tồn tại, hạn chế và nguyên nhân")
    assert part[0] == ("- Đạt 2/5 chỉ tiêu đã có số liệu đánh giá: ban hành kế hoạch CCHC năm của Ban; "
                       "số hoạt động theo dõi thi hành pháp luật đã thực hiện (3).")
    assert part[1] == ("- Hoàn thành 1/3 nhiệm vụ của Kế hoạch cải cách hành chính năm 2024 (công tác chỉ đạo, điều hành: "
                       "1/1; cải cách thủ tục hành chính: 0/1; xây dựng, phát triển chính quyền điện tử, chính quyền "
                       "số: 0/1), cùng 2 nội dung công việc khác.")
    assert part[2] == "- 3/3 phòng, đơn vị gửi báo cáo đầy đủ, đúng hạn."


def test_shortcomings_name_every_target_not_met(doc):
    part = section(doc, "2. Tồn tại, hạn chế và nguyên nhân", "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI")
    assert part[0] == ("- Một số hồ sơ giải quyết quá hạn (Văn phòng và Phòng Quản lý Đầu tư). Nguyên nhân: "
                       "hồ sơ phức tạp, cần lấy ý kiến nhiều cơ quan; thiếu nhân lực.")
    assert ("- Tỷ lệ phòng, đơn vị trực thuộc được kiểm tra trực tiếp về CCHC mới đạt 28,6% (2/7), "
            "chưa đạt chỉ tiêu trên 30%.") in part
    assert ("- Tỷ lệ hồ sơ TTHC trả kết quả đúng hạn, trước hạn mới đạt 98,3% (1.180/1.200), "
            "chưa đạt chỉ tiêu 100%.") in part
    assert ("- Biên chế sử dụng so với biên chế được giao: 105% (42/40), chưa đạt chỉ tiêu không quá 100%."
            in part)
    assert ("- Chưa có số liệu để đánh giá 1 chỉ tiêu: tỷ lệ hoàn thành kế hoạch đào tạo, bồi dưỡng CBCCVC."
            in part)
    assert "- Trong kỳ còn 20 hồ sơ thủ tục hành chính giải quyết quá hạn và 4 hồ sơ đang giải quyết đã quá hạn." in part


def test_missing_and_late_departments():
    plan = sample_plan()
    status = SubmissionStatus(expected=plan.department_codes, received=["VP", "QLDT"], missing=["QLMT"],
                              late=[LateSubmission("QLDT", D(2024, 6, 15))])
    figures = period_figures(plan, indicators=sample_indicators(plan), submissions=status)
    doc = compose_report(*build(plan, figures=figures))
    lines = texts(doc)
    assert "- Chưa nhận được báo cáo của Phòng Quản lý Môi trường." in lines
    assert ("- Báo cáo gửi chậm so với thời hạn (trước ngày 14/6/2024): Phòng Quản lý Đầu tư "
            "(gửi ngày 15/6/2024).") in lines
    assert not any("đầy đủ, đúng hạn" in t for t in lines)


def test_directions_and_unfinished_tasks(doc):
    part = section(doc, "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI", "V. ĐỀ XUẤT, KIẾN NGHỊ")
    assert part == [
        "- Tiếp tục rà soát quy trình nội bộ (Văn phòng).",
        "Các nhiệm vụ chưa hoàn thành, cần tiếp tục triển khai:",
        "- Rà soát, đơn giản hóa TTHC (NV02; Phòng Quản lý Đầu tư; chưa báo cáo kết quả; thời hạn: Quý II).",
        "- Duy trì Trang thông tin điện tử (NV03; Văn phòng; đang thực hiện).",
    ]


def test_unfinished_rows_without_plan_task():
    plan = sample_plan(tasks=[])
    subs = [sub("VP", results=[ResultRow(2, "Rà soát văn bản QPPL. Đã xong 5/10 văn bản", progress="dang_thuc_hien"),
                               ResultRow(2, "Rà soát văn bản QPPL", task_code="X9", progress="chua_thuc_hien")])]
    doc = compose_report(*build(plan, submissions=subs))
    part = section(doc, "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI", "V. ĐỀ XUẤT, KIẾN NGHỊ")
    assert part == ["Các nhiệm vụ chưa hoàn thành, cần tiếp tục triển khai:",
                    "- Rà soát văn bản QPPL (Văn phòng; đang thực hiện)."]


def test_no_recommendations_and_closing(doc):
    part = section(doc, "V. ĐỀ XUẤT, KIẾN NGHỊ", None)
    assert part == ["Không có đề xuất, kiến nghị./."]
    assert doc.body[-1].text.endswith("./.")


def test_recommendations_listed():
    plan = sample_plan()
    subs = sample_submissions()
    subs[1] = sub("QLDT", recommendations=[TextRow("Đề nghị Sở Nội vụ tổ chức tập huấn về CCHC")])
    doc = compose_report(*build(plan, submissions=subs))
    assert section(doc, "V. ĐỀ XUẤT, KIẾN NGHỊ", None) == [
        "- Đề nghị Sở Nội vụ tổ chức tập huấn về CCHC (Phòng Quản lý Đầu tư)./."]


# ---------------------------------------------------------------- header, signature, appendices

def test_draft_header(doc):
    h = doc.header
    assert (h.parent, h.agency) == ("UBND TỈNH HẢI DƯƠNG", "BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP")
    assert h.number == "Số:      /BC-KCN"
    assert h.place_date == "Hải Dương, ngày      tháng 6 năm 2024"
    assert doc.kinh_gui == ("Kính gửi:", "- UBND tỉnh Hải Dương;", "- Sở Nội vụ tỉnh Hải Dương.")
    assert doc.appendices[0].note == ("(Kèm theo Báo cáo số      /BC-KCN ngày      tháng 6 năm 2024 "
                                      "của Ban Quản lý các khu công nghiệp)")


@pytest.mark.parametrize("number,date,num_line,date_line,ref", [
    (7, D(2024, 6, 29), "Số: 07/BC-KCN", "Hải Dương, ngày 29 tháng 6 năm 2024", "số 07/BC-KCN ngày 29/6/2024"),
    (45, D(2024, 2, 5), "Số: 45/BC-KCN", "Hải Dương, ngày 05 tháng 02 năm 2024", "số 45/BC-KCN ngày 05/02/2024"),
])
def test_issued_header(number, date, num_line, date_line, ref):
    plan, report = build()
    doc = compose_report(plan, report, Issue(number, date))
    assert doc.header.number == num_line
    assert doc.header.place_date == date_line
    assert all(a.note == f"(Kèm theo Báo cáo {ref} của Ban Quản lý các khu công nghiệp)" for a in doc.appendices)


def test_signature_recipients_metadata(doc):
    assert doc.signature.title_lines == ("KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN")
    assert doc.signature.name == "Nguyễn Văn A"
    assert doc.recipients == ("- UBND tỉnh (để b/c);", "- Sở Nội vụ (để tổng hợp);", "- Lưu: VT, VP.")
    assert doc.meta.title == "Báo cáo kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024"
    assert doc.meta.author == "Ban Quản lý các khu công nghiệp"
    assert doc.meta.language == "vi"


def test_appendix_indicators(doc):
    a = doc.appendices[0]
    assert (a.label, a.title, a.landscape) == ("Phụ lục I", "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CCHC", False)
    assert isinstance(a.table, IndicatorTable)
    titles = [g.title for g in a.table.groups]
    assert titles == ["1. Công tác chỉ đạo, điều hành", "2. Cải cách thể chế", "3. Cải cách thủ tục hành chính",
                      "4. Cải cách tổ chức bộ máy hành chính nhà nước", "5. Cải cách chế độ công vụ",
                      "6. Đánh giá tác động của CCHC"]
    rows = {l.name: (l.stt, l.target, l.result, l.assessment, l.met) for g in a.table.groups for l in g.lines}
    assert rows["Ban hành kế hoạch CCHC năm của Ban"] == ("1.1", "Có", "Có", "Đạt", True)
    assert rows["Tỷ lệ phòng, đơn vị trực thuộc được kiểm tra trực tiếp về CCHC"] == (
        "1.2", "> 30%", "28,6%", "Chưa đạt", False)
    assert rows["Số hoạt động theo dõi thi hành pháp luật đã thực hiện"][1:4] == ("≥ 2", "3", "Đạt")
    assert rows["Tỷ lệ hồ sơ TTHC trả kết quả đúng hạn, trước hạn"][1:4] == ("≥ 100%", "98,3%", "Chưa đạt")
    assert rows["Tỷ lệ hồ sơ nộp trực tuyến"][1:] == ("—", "89,1%", "", None)
    assert rows["Biên chế sử dụng so với biên chế được giao"][1:4] == ("≤ 100%", "105%", "Chưa đạt")
    assert rows["Tỷ lệ hoàn thành kế hoạch đào tạo, bồi dưỡng CBCCVC"][1:4] == (
        "≥ 100%", "Chưa có số liệu", "Chưa có số liệu")


def test_appendix_dossiers(doc):
    a = doc.appendices[1]
    assert (a.label, a.title, a.landscape) == ("Phụ lục II", "TÌNH HÌNH GIẢI QUYẾT TTHC", True)
    t = a.table
    assert isinstance(t, DossierTable)
    assert [(l.stt, l.name, l.total, l.online, l.resolved, l.early) for l in t.lines] == [
        ("1", "Văn phòng", "34", "34", "34", "34"),
        ("2", "Phòng Quản lý Đầu tư", "0", "0", "0", "0"),
        ("3", "Phòng Quản lý Môi trường", "0", "0", "0", "0"),
    ]
    tot = t.total
    assert (tot.stt, tot.name, tot.total, tot.online, tot.direct_postal, tot.carried_over, tot.resolved, tot.early,
            tot.on_time, tot.late, tot.pending, tot.pending_in_time, tot.pending_overdue) == (
        "", "Tổng cộng", "1.284", "1.100", "134", "50", "1.200", "900", "280", "20", "84", "80", "4")


# ---------------------------------------------------------------- another agency, minimal plan

def test_minimal_plan_other_agency():
    plan = minimal_plan()
    figures = PeriodFigures(
        year=2024, period="q1", start=D(2023, 12, 15), end=D(2024, 3, 14), due_before=D(2024, 2, 20),
        tthc=DossierStats(received=5, total=5, direct=5, resolved=5, on_time=5),
        tthc_by_department={"VP": DossierStats(received=5, total=5, direct=5, resolved=5, on_time=5),
                            "QLN": DossierStats()},
        indicators={"TTHC-02": ind(plan, "TTHC-02", Fraction(1), "dat", 5, 5)},
        submissions=SubmissionStatus(expected=["VP", "QLN"], received=[], missing=["VP", "QLN"]),
    )
    doc = compose_report(plan, PeriodReport(Figures(figures), [], []))
    text = "\n".join(doc.plain_text())
    for leak in ("KCN", "Hải Dương", "Ban Quản lý", "khu công nghiệp", "Ban ", "None", "{{"):
        assert leak not in text, leak
    assert doc.header.number == "Số:      /BC-SXD"
    assert doc.header.place_date == "Hà Nội, ngày      tháng 02 năm 2024"
    assert doc.kinh_gui == ()
    assert doc.subject == ("Kết quả thực hiện công tác cải cách hành chính quý I năm 2024",)
    assert texts(doc)[0] == ("Thực hiện Kế hoạch cải cách hành chính năm 2024 của Sở Xây dựng (Sở), Sở báo cáo "
                             "kết quả thực hiện công tác cải cách hành chính quý I năm 2024 (Số liệu tính từ ngày "
                             "15/12/2023 đến ngày 14/3/2024) như sau:")
    assert "Trong kỳ, Sở tiếp nhận 5 hồ sơ thủ tục hành chính, tất cả đều nộp trực tiếp; không có hồ sơ từ kỳ trước " \
           "chuyển sang. Tổng số hồ sơ phải giải quyết là 5 hồ sơ." in texts(doc)
    assert doc.recipients == ("- UBND Thành phố (để b/c);", "- Lưu: VT.")
    assert doc.signature.title_lines == ("GIÁM ĐỐC",)
    # every area heading has content; sections complete
    assert len(texts(doc, "heading1")) == 5
    assert "Trong kỳ, các phòng, đơn vị chưa báo cáo kết quả về nội dung này." in texts(doc)
    assert "- Chưa nhận được báo cáo của Văn phòng Sở và Phòng Quản lý nhà." in texts(doc)
    assert doc.body[-1].text == "Không có đề xuất, kiến nghị./."
    assert [a.label for a in doc.appendices] == ["Phụ lục I", "Phụ lục II"]
    assert doc.appendices[0].note == "(Kèm theo Báo cáo số      /BC-SXD ngày      tháng 02 năm 2024 của Sở Xây dựng)"


# ---------------------------------------------------------------- shared helpers

def test_kinh_gui_single_and_none():
    assert common.kinh_gui(["Sở Nội vụ tỉnh Hải Dương."]) == ("Kính gửi: Sở Nội vụ tỉnh Hải Dương",)
    assert common.kinh_gui([]) == ()


def test_header_helper_generic():
    plan = minimal_plan()
    h = common.header(plan, "KH")
    assert h.number == "Số:      /KH-SXD"
    assert h.place_date == "Hà Nội, ngày      tháng      năm 2024"
    h = common.header(plan, "KH", draft_date=D(2023, 12, 1))
    assert h.place_date == "Hà Nội, ngày      tháng 12 năm 2023"
    h = common.header(plan, "KH", Issue(3, D(2024, 1, 9)))
    assert (h.number, h.place_date) == ("Số: 03/KH-SXD", "Hà Nội, ngày 09 tháng 01 năm 2024")


def test_first_sentence():
    assert common.first_sentence("Tiếp tục rà soát TTHC. Bảo đảm công khai.") == "Tiếp tục rà soát TTHC"
    assert common.first_sentence("Theo Nghị định số 45/2020/NĐ-CP. tiếp") == "Theo Nghị định số 45/2020/NĐ-CP. tiếp"
    assert common.first_sentence("Mạng internet, phần mềm quản lý văn bản,...") == "Mạng internet, phần mềm quản lý văn bản"


def test_bool_target_not_met_named():
    plan = sample_plan()
    inds = sample_indicators(plan)
    inds["CDDH-01"] = ind(plan, "CDDH-01", False, "chua_dat")
    doc = compose_report(*build(plan, figures=period_figures(plan, indicators=inds)))
    assert "- Ban hành kế hoạch CCHC năm của Ban: chưa thực hiện, chưa đạt." in texts(doc)
    assert "- Ban hành kế hoạch CCHC năm của Ban: chưa thực hiện, chưa đạt chỉ tiêu." in texts(doc)


def test_plain_and_overrides():
    assert common.plain("Thực hiện **chậm nhất trước ngày 14** và *ghi chú*; 2 * 3 * 4") == \
        "Thực hiện chậm nhất trước ngày 14 và ghi chú; 2 * 3 * 4"
    plan = sample_plan()
    assert common.recipients(plan, ["Lưu: VT, VP(nqh)", "UBND tỉnh (để b/c)"]) == (
        "- UBND tỉnh (để b/c);", "- Lưu: VT, VP(nqh).")
    from reportgen.plan import Signer
    assert common.signature(plan, Signer(title="Trưởng ban", name="Nguyễn Trung Kiên")).title_lines == ("TRƯỞNG BAN",)


@pytest.mark.parametrize("stats,expected", [
    (DossierStats(received=3, total=3, online=3, resolved=3, early=3),
     ["Trong kỳ, Ban tiếp nhận 3 hồ sơ thủ tục hành chính, tất cả đều nộp trực tuyến; không có hồ sơ từ kỳ trước "
      "chuyển sang. Tổng số hồ sơ phải giải quyết là 3 hồ sơ.",
      "Đã giải quyết 3 hồ sơ (100% tổng số hồ sơ phải giải quyết), tất cả đều được giải quyết trước hạn. "
      "Không còn hồ sơ đang giải quyết."]),
    (DossierStats(carried_over=4, total=4, pending=4, pending_overdue=4),
     ["Trong kỳ, Ban không tiếp nhận hồ sơ thủ tục hành chính mới; từ kỳ trước chuyển sang 4 hồ sơ. "
      "Tổng số hồ sơ phải giải quyết là 4 hồ sơ.",
      "Trong kỳ chưa có hồ sơ nào được giải quyết xong. Đang giải quyết 4 hồ sơ, tất cả đã quá hạn giải quyết."]),
])
def test_dossier_edge_cases(stats, expected):
    from reportgen.compose.sentences import dossier_paragraphs
    assert dossier_paragraphs(stats, "Ban") == expected
