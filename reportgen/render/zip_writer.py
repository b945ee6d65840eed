"""The one deterministic zip writer: Office files (.docx, .xlsx) with equal
content give equal bytes.

python-docx and openpyxl stamp every zip entry with the time of the run; this
rewrites a finished package with the same entries, `[Content_Types].xml` first
(the rest in their order), fixed timestamps (the zip format's epoch: no build
time in the file) and fixed attributes. `rewrite(name, content)` may change an
entry's content on the way (a date inside docProps/core.xml, say).
"""

from __future__ import annotations

import io
import zipfile
from typing import Callable, Optional

ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def normalized_zip(data: bytes, rewrite: Optional[Callable[[str, bytes], bytes]] = None, *,
                   compresslevel: int = 6) -> bytes:
    """The same entries, [Content_Types].xml first, with fixed timestamps and
    attributes, so equal content gives equal bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    names.sort(key=lambda n: n != "[Content_Types].xml")  # stable: the rest keep their order
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0o600 << 16  # rw------- (what writestr would put in place of 0)
            content = src.read(name)
            if rewrite is not None:
                content = rewrite(name, content)
            z.writestr(info, content, compresslevel=compresslevel)
    return out.getvalue()
