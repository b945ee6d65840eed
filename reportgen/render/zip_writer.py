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
from typing import Callable, Iterable, Optional

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# an entry's compression level: compress_level from Python 3.13, _compresslevel before
_LEVEL = "compress_level" if "compress_level" in zipfile.ZipInfo.__slots__ else "_compresslevel"


def normalized_zip(data: bytes, rewrite: Optional[Callable[[str, bytes], bytes | Iterable[bytes]]] = None, *,
                   compresslevel: int = 6) -> bytes:
    """The same entries, [Content_Types].xml first, with fixed timestamps and
    attributes, so equal content gives equal bytes. `rewrite` may give an
    entry's new content in pieces (an iterable of bytes-like objects): they are
    compressed as they come, never joined in memory."""
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
            if isinstance(content, (bytes, bytearray, memoryview)):
                z.writestr(info, content, compresslevel=compresslevel)
                continue
            setattr(info, _LEVEL, compresslevel)  # ZipFile.open takes the level from the entry
            with z.open(info, "w") as entry:
                for piece in content:
                    entry.write(piece)
    return out.getvalue()
