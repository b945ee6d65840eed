"""How the one-stop systems spell the coded values of a dossier log, and what
their status values mean (dossier-exports.md, "Values" and "Status").

Matching ignores case, surrounding spaces and Unicode form (values.code_key).
"""

from __future__ import annotations

from . import values as V

# Hình thức nộp: spelling -> channel code
CHANNEL_SYNONYMS = {
    "Nộp trực tuyến": "online", "Online": "online", "Qua mạng": "online",
    "Dịch vụ công trực tuyến": "online", "DVCTT": "online",
    "Nộp trực tiếp": "direct", "Tại quầy": "direct", "Tại bộ phận một cửa": "direct",
    "Qua bưu chính": "postal", "Bưu chính công ích": "postal", "BCCI": "postal",
    "Qua bưu chính công ích": "postal",
}
# Số hóa: spelling -> yes/no
DIGITIZED_SYNONYMS = {V.code_key("Đã số hóa"): True, V.code_key("Chưa số hóa"): False,
                      V.code_key("Đã số hoá"): True, V.code_key("Chưa số hoá"): False}
# Đánh giá: spellings that mean "not rated"
UNRATED = {V.code_key(t) for t in ("Chưa đánh giá", "Không đánh giá")}

# Trạng thái
WITHDRAWN, RETURNED, IN_PROGRESS, OTHER = "withdrawn", "returned", "in_progress", "other"
STATUS_KIND_TEXT = {
    WITHDRAWN: "rút / hủy: không tính vào số liệu",
    RETURNED: "đã có kết quả",
    IN_PROGRESS: "đang xử lý",
    OTHER: "theo ngày trên dòng",
}
_STATUS = {
    WITHDRAWN: ("Rút hồ sơ", "Đã rút", "Công dân rút hồ sơ", "Hủy", "Đã hủy", "Hủy hồ sơ", "Dừng xử lý",
                "Dừng giải quyết"),
    RETURNED: ("Đã trả kết quả", "Đã trả", "Hoàn thành", "Đã hoàn thành", "Đã giải quyết", "Đã có kết quả"),
    IN_PROGRESS: ("Đang xử lý", "Đang giải quyết", "Chờ xử lý"),
}
# "Huỷ" (old-style accent placement) is the same word as "Hủy"
_STATUS_KEYS = {}
for _kind, _names in _STATUS.items():
    for _name in _names:
        _STATUS_KEYS[V.code_key(_name)] = _kind
        _STATUS_KEYS[V.code_key(_name.replace("ủy", "uỷ"))] = _kind


def status_key(value: object) -> str | None:
    """A status compared ignoring case, spaces, Unicode form and a final full stop; None for blank."""
    text = V.clean_text(value)
    if text is None:
        return None
    return V.code_key(text).rstrip(".;").strip() or None


def status_kind(key: str | None) -> str | None:
    """WITHDRAWN / RETURNED / IN_PROGRESS / OTHER for a status_key; None for blank."""
    if key is None:
        return None
    return _STATUS_KEYS.get(key, OTHER)
