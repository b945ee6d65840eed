"""What a file that cannot be read really is, for a message a clerk can act on.

A reader that fails (calamine on a "workbook", pyarrow or the encoding check on a
"CSV") asks `what_is(path, expected_kind)` for (found, expected): the file's real
kind from its first bytes (a PDF renamed .csv, an old .xls or a password-protected
workbook, a web page saved as Excel, an .xlsx named .csv, an empty file) and what
to do about it, in Vietnamese.
"""

from __future__ import annotations

from pathlib import Path

_XLSX_FIX = "mở tệp bằng Excel và lưu lại dạng Sổ làm việc Excel (.xlsx)"
_CSV_FIX = "tệp CSV UTF-8 (Excel: Lưu dưới dạng → CSV UTF-8) hoặc tệp .xlsx"


def head_bytes(path: Path, size: int = 4096) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(size)
    except OSError:
        return b""


_OLE = b"\xd0\xcf\x11\xe0"  # Compound File: Excel 97-2003 (.xls), or an encrypted workbook


def _lowered(head: bytes) -> bytes:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()


def is_xml_spreadsheet(head: bytes) -> bool:
    """Excel 2003's "XML Spreadsheet" (<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">)."""
    lowered = _lowered(head)
    return b"urn:schemas-microsoft-com:office:spreadsheet" in lowered and b"<workbook" in lowered


def looks_like_html(head: bytes) -> bool:
    """The first bytes of a web page (what web systems save as "Excel")."""
    if is_xml_spreadsheet(head):
        return False
    lowered = _lowered(head)
    if lowered.startswith((b"<!doctype html", b"<html", b"<table", b"<meta", b"<head", b"<body", b"<style")):
        return True
    return lowered.startswith(b"<") and (b"<table" in lowered or b"<html" in lowered)


def log_kind(path: Path) -> str | None:
    """How to read a dossier log: "csv" (by its name), or for .xls/.xlsx by its
    first bytes: "xlsx" (a zip), "xls" (BIFF in a compound file), "html" (a web
    page with an Excel name). None: none of these (what_is says what it is)."""
    if path.suffix.lower() == ".csv":
        return "csv"
    head = head_bytes(path)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(_OLE):
        return "xls"
    if looks_like_html(head):
        return "html"
    return None


def what_is(path: Path, kind: str) -> tuple[str, str] | None:
    """(found, expected) when the first bytes show `path` is not a `kind`
    ("xlsx", "xls" or "csv") file; None when they look right (then the file is damaged)."""
    head = head_bytes(path)
    fix = _CSV_FIX if kind == "csv" else _XLSX_FIX
    if not head.strip():
        return "tệp rỗng, không có dữ liệu", ("tệp Excel có dữ liệu" if kind != "csv" else "tệp CSV có dòng tiêu đề và dữ liệu")
    if head.startswith(b"%PDF"):
        return "tệp PDF (chỉ đổi tên đuôi)", fix
    if head.startswith(_OLE):
        if kind == "xls":
            return ("tệp Excel 97-2003 (.xls) hỏng hoặc có đặt mật khẩu",
                    "tệp .xls mở được bằng Excel, không đặt mật khẩu (xuất lại từ hệ thống một cửa)")
        return "tệp Excel 97-2003 (.xls) hoặc tệp Excel có đặt mật khẩu", _XLSX_FIX + " (bỏ mật khẩu nếu có)"
    if head.startswith(b"PK\x03\x04"):
        if kind == "csv":
            return "tệp Excel (.xlsx) đặt tên đuôi .csv", "đổi đuôi tệp thành .xlsx"
        return None
    if is_xml_spreadsheet(head):
        return "tệp Bảng tính XML 2003 (XML Spreadsheet) đặt tên " + path.suffix.lower(), _XLSX_FIX
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta")):
        return "trang web (HTML/XML) lưu với đuôi " + path.suffix.lower(), fix
    if kind in ("xlsx", "xls"):
        return (f"tệp văn bản (có thể là CSV), không phải {path.suffix.lower() or '.xlsx'}",
                "đổi đuôi thành .csv nếu là CSV, hoặc " + _XLSX_FIX)
    return None
