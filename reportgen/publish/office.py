"""LibreOffice headless: the issued PDF/A is made from the issued .docx by a real
office engine, and finished with pikepdf.

- `docx_to_pdfa(docx)`: LibreOffice Writer's PDF export as PDF/A-3b (every font
  embedded, XMP, sRGB output intent), in a private temporary profile (two runs
  at once must not share one) and with a time limit.
- `finish_pdfa(pdf, ...)`: title, author, subject, keywords and language set in
  both the document information and the XMP packet (kept consistent), and the
  attachments (figures.json) embedded as PDF/A-3 associated files
  (AFRelationship /Data, listed in the catalog's /AF). PDF/A-3 because PDF/A-2
  does not allow an attached JSON file.
- `resave_docx(docx)`: the document opened and saved again by LibreOffice, as a
  reviewer's save would (used by the tests).

Without LibreOffice this is a clear error (OfficeMissing), never a fallback to
another renderer. `REPORTGEN_SOFFICE` names the program when it is not on PATH.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..diagnostics import ReportgenError, UsageError

PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"3"}}'
DOCX_FILTER = "docx:MS Word 2007 XML"
TIMEOUT = float(os.environ.get("REPORTGEN_OFFICE_TIMEOUT", "300"))  # seconds

_RELATIONSHIPS = {".json": "/Data", ".csv": "/Data", ".xml": "/Data", ".xlsx": "/Source"}
_MIME = {".json": "application/json", ".csv": "text/csv", ".xml": "application/xml",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
_DESCRIPTIONS = {"figures.json": "Số liệu tổng hợp của báo cáo (figures.json)"}


class OfficeMissing(UsageError):
    """LibreOffice is not installed: the issued PDF cannot be made."""


class OfficeFailed(ReportgenError):
    """LibreOffice ran but gave no file."""


def find_soffice() -> str:
    named = os.environ.get("REPORTGEN_SOFFICE", "").strip()
    found = shutil.which(named) if named else (shutil.which("soffice") or shutil.which("libreoffice"))
    if not found:
        raise OfficeMissing(
            "Không tìm thấy LibreOffice (soffice): bản PDF phát hành phải được tạo từ tệp Word bằng LibreOffice. "
            "Cài đặt: «sudo apt-get install libreoffice-writer-nogui» (hoặc chạy «make archive», lệnh tự cài khi có "
            "quyền quản trị), rồi chạy lại. Không có tệp nào được ghi."
        )
    return found


def _convert(data: bytes, suffix: str, target: str, out_suffix: str, timeout: float | None = None) -> bytes:
    soffice = find_soffice()
    timeout = TIMEOUT if timeout is None else timeout
    with tempfile.TemporaryDirectory(prefix="reportgen-office-") as tmp:
        folder = Path(tmp)
        source = folder / "in" / f"van-ban{suffix}"
        source.parent.mkdir()
        source.write_bytes(data)
        out = folder / "out"
        command = [soffice, "--headless", "--norestore", "--nolockcheck",
                   f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                   "--convert-to", target, "--outdir", str(out), str(source)]
        env = {**os.environ, "HOME": str(folder)}
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                start_new_session=True)
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise OfficeFailed(
                f"LibreOffice không chuyển xong tệp sau {timeout:g} giây (đã dừng). Thử lại; nếu vẫn lỗi, "
                "mở tệp Word bằng LibreOffice Writer xem tệp có hỏng không."
            ) from None
        except BaseException:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise
        result = out / f"van-ban{out_suffix}"
        if proc.returncode != 0 or not result.is_file():
            detail = (stderr or stdout).decode("utf-8", "replace").strip().splitlines()
            raise OfficeFailed(
                "LibreOffice không chuyển được tệp Word"
                + (f" ({detail[-1]})" if detail else "")
                + ". Mở tệp bằng LibreOffice Writer hoặc Word, lưu lại dạng .docx rồi chạy lại."
            )
        return result.read_bytes()


def docx_to_pdfa(docx: bytes, timeout: float | None = None) -> bytes:
    """The .docx as LibreOffice prints it, PDF/A-3b."""
    return _convert(docx, ".docx", PDFA_FILTER, ".pdf", timeout)


def resave_docx(docx: bytes, timeout: float | None = None) -> bytes:
    """The .docx opened and saved again by LibreOffice Writer."""
    return _convert(docx, ".docx", DOCX_FILTER, ".docx", timeout)


def finish_pdfa(pdf: bytes, *, title: str, author: str, subject: str = "", keywords: str = "",
                language: str = "vi", attachments: dict[str, bytes] | None = None) -> bytes:
    """Metadata and attachments on a PDF/A-3b, keeping it PDF/A (see the module)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        with doc.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:title"] = title
            meta["dc:creator"] = [author]
            if subject:
                meta["dc:description"] = subject
            if keywords:
                meta["pdf:Keywords"] = keywords
            meta["dc:language"] = [language]
        doc.Root.Lang = pikepdf.String(language)
        specs = []
        for name, data in (attachments or {}).items():
            suffix = Path(name).suffix.lower()
            spec = pikepdf.AttachedFileSpec(
                doc, bytes(data), description=_DESCRIPTIONS.get(name, name), filename=name,
                mime_type=_MIME.get(suffix, "application/octet-stream"),
                relationship=pikepdf.Name(_RELATIONSHIPS.get(suffix, "/Supplement")),
            )
            doc.attachments[name] = spec
            specs.append(doc.attachments[name].obj)
        if specs:
            doc.Root.AF = pikepdf.Array(specs)
        out = io.BytesIO()
        doc.save(out, deterministic_id=True)
        return out.getvalue()


def embedded_fonts(pdf: bytes) -> list[str]:
    """The font families embedded in a PDF ('Liberation Serif'), for the run's output."""
    import pikepdf

    names = []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                name = str(obj.get("/FontName", ""))[1:].split("+", 1)[-1].split("-")[0]
                family = " ".join(re.findall(r"[A-Z][a-z]+|[A-Z]+(?![a-z])", name)) or name
                if family not in names:
                    names.append(family)
    return names
