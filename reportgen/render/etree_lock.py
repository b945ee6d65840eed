"""One process-wide lock around the writers that use the standard library's
ElementTree namespace registry (`xml.etree.ElementTree._namespace_map`, a
global): WeasyPrint registers the XMP namespaces on every PDF it writes, and
openpyxl serialises its parts against the same registry. Run in two threads at
once (the chi-tiet workbook beside the report's PDF, or two requests of the
collection page), a workbook came out with `<xmlns xmlns=…>` as the root of its
`_rels/.rels` — a file Excel refuses. Every such writer holds this lock."""

from __future__ import annotations

import threading

ETREE_LOCK = threading.RLock()
