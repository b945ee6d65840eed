"""A hand-built report Document, sample-sized or with many departments: a test
fixture (the PDF tests, the parity test).

It needs no inputs, so the renderers can be tested on their own. The text
carries every Vietnamese vowel with every tone, and characters that must survive
templating untouched (&, <, >, {{ }}, {% %}).
"""

from __future__ import annotations

from reportgen import vi_format
from reportgen.compose.model import (
    Appendix, Document, DossierLine, DossierTable, Header, IndicatorGroup, IndicatorLine,
    IndicatorTable, Metadata, Paragraph, Run, Signature,
)

# Every vowel with every tone, lower and upper case, and đ/Đ.
DIACRITICS = (
    "a á à ả ã ạ ă ắ ằ ẳ ẵ ặ â ấ ầ ẩ ẫ ậ e é è ẻ ẽ ẹ ê ế ề ể ễ ệ i í ì ỉ ĩ ị "
    "o ó ò ỏ õ ọ ô ố ồ ổ ỗ ộ ơ ớ ờ ở ỡ ợ u ú ù ủ ũ ụ ư ứ ừ ử ữ ự y ý ỳ ỷ ỹ ỵ đ"
)
DIACRITICS_UPPER = DIACRITICS.upper()
TRICKY = "Ký tự đặc biệt giữ nguyên: R&D < 5 > 3, {{ chưa thay }} và {% if x %} không phải mẫu."

_DEPARTMENTS = (
    "Văn phòng", "Phòng Quản lý doanh nghiệp", "Phòng Quản lý đầu tư",
    "Phòng Quản lý quy hoạch và xây dựng", "Phòng Quản lý lao động",
    "Phòng Quản lý môi trường", "Phòng Quản lý đất đai và hạ tầng",
)


def _n(value: int) -> str:
    """Vietnamese thousands separator: 1234 -> '1.234'."""
    return vi_format.number(value)


def _dossier_line(stt: str, name: str, seed: int) -> DossierLine:
    online = 40 + (seed * 37) % 900
    direct = 5 + (seed * 13) % 120
    carried = (seed * 7) % 15
    total = online + direct + carried
    pending = (seed * 11) % 20
    resolved = total - pending
    late = (seed * 3) % 4
    early = resolved // 3
    on_time = resolved - early - late
    overdue = min(pending, seed % 2)
    return DossierLine(
        stt=stt, name=name, total=_n(total), online=_n(online), direct_postal=_n(direct),
        carried_over=_n(carried), resolved=_n(resolved), early=_n(early), on_time=_n(on_time),
        late=_n(late), pending=_n(pending), pending_in_time=_n(pending - overdue),
        pending_overdue=_n(overdue),
    )


def dossier_table(departments: int) -> DossierTable:
    lines = []
    for i in range(departments):
        name = _DEPARTMENTS[i] if i < len(_DEPARTMENTS) else f"Đơn vị trực thuộc số {i + 1} (Khu công nghiệp Đại An mở rộng)"
        lines.append(_dossier_line(str(i + 1), name, i + 1))

    def total_of(attr: str) -> str:
        return _n(sum(int(getattr(line, attr).replace(".", "")) for line in lines))

    fields = ("total", "online", "direct_postal", "carried_over", "resolved", "early",
              "on_time", "late", "pending", "pending_in_time", "pending_overdue")
    total = DossierLine(stt="", name="Tổng cộng", **{f: total_of(f) for f in fields})
    return DossierTable(lines=tuple(lines), total=total)


def indicator_table() -> IndicatorTable:
    return IndicatorTable(groups=(
        IndicatorGroup("1. Công tác chỉ đạo, điều hành", (
            IndicatorLine("1", "Ban hành Kế hoạch CCHC năm đúng thời hạn", "Có", "Có", "Đạt", True),
            IndicatorLine("2", "Tỷ lệ hoàn thành nhiệm vụ CCHC đề ra trong kế hoạch", "≥ 90%", "87,5%", "Chưa đạt", False),
        )),
        IndicatorGroup("3. Cải cách thủ tục hành chính", (
            IndicatorLine("3", "Tỷ lệ hồ sơ giải quyết trước và đúng hạn", "≥ 98%", "99,2%", "Đạt", True),
            IndicatorLine("4", "Tỷ lệ hồ sơ TTHC được số hóa kết quả giải quyết", "100%", "96,4%", "Chưa đạt", False),
            IndicatorLine("5", "Mức độ hài lòng của người dân, doanh nghiệp", "≥ 90%", "Chưa có số liệu", "Chưa có số liệu", None),
        )),
        IndicatorGroup("6. Xây dựng, phát triển chính quyền điện tử, chính quyền số", (
            IndicatorLine("6", "Tỷ lệ hồ sơ nộp trực tuyến", "≥ 80%", "89,1%", "Đạt", True),
            IndicatorLine("7", "Số cuộc họp trực tuyến tổ chức trong kỳ", "—", "12", "", None),
        )),
    ))


def _body(departments: int) -> tuple[Paragraph, ...]:
    p = Paragraph.of
    paras = [
        p("Thực hiện Kế hoạch số 05/KH-KCN ngày 10/01/2024 của Ban Quản lý các khu công nghiệp "
          "về cải cách hành chính năm 2024, Ban Quản lý các khu công nghiệp báo cáo kết quả thực hiện "
          "công tác cải cách hành chính (CCHC) 6 tháng đầu năm 2024 như sau:"),
        p("Số liệu tính từ ngày 10/12/2023 đến ngày 09/6/2024.", italic=True),
        p("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC", "heading1"),
        p("1. Về kế hoạch CCHC", "heading2"),
        p("Ban đã ban hành Kế hoạch CCHC năm 2024 đúng thời hạn; tỷ lệ hoàn thành nhiệm vụ đạt 87,5% "
          "(kế hoạch ≥ 90%)."),
        p("- Văn phòng: tổ chức tuyên truyền CCHC trên Cổng thông tin điện tử của Ban (12 tin, bài)."),
        p("II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CCHC", "heading1"),
        p("1. Cải cách thủ tục hành chính", "heading2"),
        Paragraph((
            Run("Trong kỳ, Ban tiếp nhận "),
            Run("1.234", bold=True),
            Run(" hồ sơ, trong đó 1.100 hồ sơ trực tuyến (89,1%); đã giải quyết 1.200 hồ sơ, trước và đúng "
                "hạn 1.190 hồ sơ (99,2%). "),
            Run("Không có hồ sơ quá hạn phải xin lỗi.", italic=True),
        ), "body"),
        p("a) Kiểm soát thủ tục hành chính", "heading3"),
        p(f"Chữ thường đủ dấu: {DIACRITICS}."),
        p(f"CHỮ HOA ĐỦ DẤU: {DIACRITICS_UPPER}."),
        p(TRICKY),
        p("Các con số 1.234 và 89,1% giữ nguyên khi dàn trang."),
        p("III. ĐÁNH GIÁ CHUNG", "heading1"),
        p("1. Ưu điểm", "heading2"),
        p("Các phòng, đơn vị đã chủ động triển khai nhiệm vụ CCHC; chỉ số hài lòng được duy trì ổn định."),
        p("2. Tồn tại, hạn chế và nguyên nhân", "heading2"),
        p("- Tỷ lệ hồ sơ TTHC được số hóa kết quả giải quyết đạt 96,4% (kế hoạch 100%)."),
        p("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI", "heading1"),
        p("Tiếp tục đẩy mạnh số hóa hồ sơ, kết quả giải quyết thủ tục hành chính."),
        p("V. ĐỀ XUẤT, KIẾN NGHỊ", "heading1"),
        p("Không có đề xuất, kiến nghị./."),
        p("(Chi tiết tại Phụ lục I và Phụ lục II kèm theo)", "note"),
    ]
    return tuple(paras)


def sample_document(departments: int = 7, *, kinh_gui: bool = True) -> Document:
    """A 6-month report with two appendices; Phụ lục II has `departments` rows."""
    note = "(Kèm theo Báo cáo số      /BC-KCN ngày      tháng 6 năm 2024 của Ban Quản lý các khu công nghiệp)"
    return Document(
        kind="BC",
        header=Header(
            parent="UBND TỈNH HẢI DƯƠNG",
            agency="BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP",
            number="Số:      /BC-KCN",
            place_date="Hải Dương, ngày      tháng 6 năm 2024",
        ),
        doc_type="BÁO CÁO",
        subject=("Kết quả thực hiện công tác cải cách hành chính", "6 tháng đầu năm 2024"),
        kinh_gui=("Kính gửi: Sở Nội vụ tỉnh Hải Dương.",) if kinh_gui else (),
        body=_body(departments),
        signature=Signature(("KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"), "Nguyễn Văn A"),
        recipients=("- UBND tỉnh (để b/c);", "- Sở Nội vụ (để tổng hợp);", "- Lãnh đạo Ban;", "- Lưu: VT, VP."),
        meta=Metadata(
            title="Báo cáo kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024",
            author="BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP",
            subject="Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024",
            keywords=("CCHC", "báo cáo", "2024"),
        ),
        appendices=(
            Appendix("Phụ lục I", "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CCHC", note, indicator_table()),
            Appendix("Phụ lục II", "TÌNH HÌNH GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", note,
                     dossier_table(departments), landscape=True),
        ),
    )
