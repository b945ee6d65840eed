"""The eight areas (lĩnh vực) of CCHC work, numbered as the plans number them.

One place for their titles: the report's headings and Phụ lục I, the review page
and (with its own longer wording for 7 and 8) the plan document all use these.
"""

from __future__ import annotations

AREA_TITLES = {
    1: "Công tác chỉ đạo, điều hành",
    2: "Cải cách thể chế",
    3: "Cải cách thủ tục hành chính",
    4: "Cải cách tổ chức bộ máy hành chính nhà nước",
    5: "Cải cách chế độ công vụ",
    6: "Cải cách tài chính công",
    7: "Xây dựng, phát triển chính quyền điện tử, chính quyền số",
    8: "Đánh giá tác động của CCHC",
}

# The plan's own wording (section II of a yearly plan), where it is longer.
PLAN_AREA_TITLES = {
    **AREA_TITLES,
    7: "Xây dựng và phát triển chính quyền điện tử, chính quyền số",
    8: "Đánh giá tác động của CCHC đến người dân, tổ chức và phát triển kinh tế - xã hội",
}


def area_title(area: int, titles: dict[int, str] = AREA_TITLES) -> str:
    return titles.get(area, f"Lĩnh vực {area}")
