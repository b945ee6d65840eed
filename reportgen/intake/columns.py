"""Which header of a dossier log stands for which contract column.

The one-stop systems name the columns in their own words (dossier-exports.md,
"Column names"): `Số hồ sơ` for `Mã hồ sơ`, `Ngày hẹn trả` for `Hạn xử lý`…
`HeaderMatcher` knows the contract names, those aliases, and the plan's own
mapping (`dossier_columns` in plan.yaml: contract name -> header as a system
writes it). Headers compare as `values.header_key` does (case, spaces, Unicode
form, a trailing `:` or `(*)` ignored).

`match(cells)` gives, for one row of cells, the column index of each contract key
found and the conflicts: two cells of the row meaning the same column (say
`Hạn xử lý` and `Ngày hẹn trả`), an error unless the plan names which one to use.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..records import LOG_COLUMNS
from . import values as V

# contract key -> other names the one-stop systems use (dossier-exports.md)
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("Số hồ sơ", "Mã số hồ sơ", "Số biên nhận", "Mã HS"),
    "department": ("Đơn vị xử lý", "Đơn vị giải quyết", "Cơ quan xử lý", "Cơ quan giải quyết", "Phòng ban xử lý"),
    "procedure": ("Tên thủ tục", "Thủ tục hành chính", "Tên TTHC"),
    "field": ("Tên lĩnh vực",),
    "received": ("Ngày nhận", "Ngày nhận hồ sơ", "Thời gian tiếp nhận", "Ngày nộp"),
    "due": ("Ngày hẹn trả", "Ngày hẹn trả kết quả", "Hạn giải quyết", "Hạn trả kết quả"),
    "returned": ("Ngày có kết quả", "Ngày hoàn thành", "Ngày kết thúc xử lý", "Ngày trả", "Thời gian trả kết quả"),
    "channel": ("Kênh nộp", "Hình thức tiếp nhận", "Phương thức nộp"),
    # "Phí lệ phí" (no comma) and "Số hoá" (old-style accent) as the project always read them
    "fee": ("Có phí", "Phí/lệ phí", "Phí lệ phí"),
    "online_payment": ("TT trực tuyến", "Đã thanh toán trực tuyến"),
    "digitized": ("Số hóa hồ sơ", "Đã số hóa", "Số hoá"),
    "reused": ("Tái sử dụng", "Sử dụng lại dữ liệu"),
    "rating": ("Mức độ hài lòng", "Kết quả đánh giá"),
    "status": ("Tình trạng", "Trạng thái hồ sơ"),
}


@dataclass
class HeaderMatch:
    """One row read as a header: key -> column index, and the conflicts
    (key, [indices]) where two cells mean the same column."""

    found: dict[str, int] = field(default_factory=dict)
    conflicts: dict[str, list[int]] = field(default_factory=dict)


class HeaderMatcher:
    """Contract names, aliases and the plan's `dossier_columns`."""

    def __init__(self, mapping: dict[str, str] | None = None):
        by_name = {V.header_key(text): key for key, text in LOG_COLUMNS.items()}
        for key, names in ALIASES.items():
            for name in names:
                by_name.setdefault(V.header_key(name), key)
        # the plan's mapping: the named header is that column, and it is the one to
        # use when the file also has another header meaning the same
        self.chosen: dict[str, str] = {}
        key_of = {text: key for key, text in LOG_COLUMNS.items()}
        for contract_name, header in (mapping or {}).items():
            key = key_of[contract_name]
            self.chosen[key] = V.header_key(header)
            by_name[V.header_key(header)] = key
        self.by_name = by_name

    def key(self, cell) -> str | None:
        return self.by_name.get(V.header_key(cell)) if isinstance(cell, str) else None

    def match(self, cells: list) -> HeaderMatch:
        hits: dict[str, list[int]] = {}
        for j, cell in enumerate(cells):
            key = self.key(cell)
            if key:
                hits.setdefault(key, []).append(j)
        out = HeaderMatch()
        for key, idx in hits.items():
            if len(idx) == 1:
                out.found[key] = idx[0]
                continue
            chosen = [j for j in idx if V.header_key(cells[j]) == self.chosen.get(key)]
            if len(chosen) == 1:
                out.found[key] = chosen[0]
            elif len({V.header_key(cells[j]) for j in idx}) == 1:
                # the same header written twice (a repeated column of an export):
                # the first is the column, as the project always read it
                out.found[key] = idx[0]
            else:
                out.conflicts[key] = idx
                out.found[key] = idx[0]
        return out
