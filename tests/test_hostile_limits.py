"""Issue 16, class 1: resource bombs. Limits are checked before calamine opens a
workbook, with memory bounded whatever the file claims (intake/workbook.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from intake_helpers import log_row, make_inputs, make_outputs, run_report_fails, submission, write_log_xlsx

from reportgen.diagnostics import Diagnostics
from reportgen.intake import workbook

BOMB_BYTES = 1_200_000_000  # inflated size of the bomb sheet: over 1 GB
RSS_LIMIT_KB = 1_500_000  # 1.5 GB


def rewrite(path: Path, change) -> Path:
    """Rewrite the zip at `path`; `change(name, data)` returns new bytes, or a
    callable writing the member into an open stream (for big members)."""
    src = path.read_bytes()
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(__import__("io").BytesIO(src)) as zin, \
            zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info.filename))
            if callable(data):
                with zout.open(info.filename, "w", force_zip64=True) as fh:
                    data(fh)
            else:
                zout.writestr(info.filename, data)
    tmp.replace(path)
    return path


def sheet_member(path: Path, title: str) -> str:
    """The zip member holding the sheet named `title`."""
    with zipfile.ZipFile(path) as zf:
        names = workbook._sheet_names(zf)
    return next(member for member, name in names.items() if name == title)


def far_cell(path: Path, member: str, declared: str | None) -> Path:
    """One cell at XFD1048576 in `member`; the <dimension> as `declared` (None: absent)."""
    def change(name, data):
        if name != member:
            return data
        text = data.decode()
        text = re.sub(r"<dimension [^>]*/>", "" if declared is None else f'<dimension ref="{declared}"/>', text)
        return re.sub(r"</sheetData>", '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>'
                                       "</row></sheetData>", text).encode()
    return rewrite(path, change)


def bomb(path: Path, member: str) -> Path:
    """`member` replaced by a sheet that inflates to BOMB_BYTES (spaces)."""
    def write(fh):
        fh.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
        block = b" " * (16 << 20)
        left = BOMB_BYTES
        while left > 0:
            fh.write(block[:left])
            left -= len(block)
        fh.write(b"</sheetData></worksheet>")
    return rewrite(path, lambda name, data: write if name == member else data)


def submission_with_extra_sheet(year: Path, name="VP.xlsx") -> Path:
    """A valid submission with a sheet the contract says to ignore ("Ghi chú riêng")."""
    return submission(year / "submissions" / name, extra_sheets={"Ghi chú riêng": (["Ghi chú"], [["nháp"]])})


def log_with_extra_sheet(year: Path, name="hoso.xlsx") -> Path:
    path = write_log_xlsx(year / "tthc" / name, [log_row(1), log_row(2)])
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Thống kê").append(["Tổng", 2])
    wb.save(path)
    return path


@pytest.mark.parametrize("declared", ["XFD1048576", "A1:XFD1048576", "A1", None])
@pytest.mark.parametrize("kind", ["submission", "dossier log"])
def test_a_far_cell_is_refused_before_calamine_allocates(tmp_path, kind, declared):
    """A 2.5 KB workbook whose one cell sits at XFD1048576 used to abort the
    program (a 512 GB allocation); a lying <dimension> (A1, or none) changes nothing."""
    year = make_inputs(tmp_path)
    if kind == "submission":
        path = submission_with_extra_sheet(year)
        sheet = "Ghi chú riêng"
    else:
        path = log_with_extra_sheet(year)
        sheet = "Thống kê"
    far_cell(path, sheet_member(path, sheet), declared)
    assert path.stat().st_size < 20_000
    stderr = run_report_fails(tmp_path, f"Tệp «{path.name}», trang «{sheet}»", "1.048.576 dòng × 16.384 cột",
                              "Ctrl+End")
    assert "XFD1048576" in stderr


def test_the_limits_let_a_big_real_log_through(tmp_path):
    """A log the size of a real export (here 5,000 rows × 13 columns, written
    by openpyxl) passes the checks untouched."""
    rows = [log_row(i) for i in range(1, 5_001)]
    path = write_log_xlsx(tmp_path / "hoso.xlsx", rows)
    diag = Diagnostics()
    assert workbook.check_workbook(path, "tthc/hoso.xlsx", diag)
    assert diag.errors == []


def test_a_member_whose_header_lies_is_refused(tmp_path):
    """A zip entry that inflates to more than its header declares is never
    handed to calamine (zipfile stops at the declared size and fails the CRC)."""
    year = make_inputs(tmp_path)
    path = submission_with_extra_sheet(year)
    member = sheet_member(path, "Ghi chú riêng")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    # shrink the declared size in the central directory and the local header
    for sig, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        for m in re.finditer(re.escape(sig), bytes(data)):
            head = m.start()
            name_len = int.from_bytes(data[head + (28 if sig == b"PK\x01\x02" else 26):][:2], "little")
            name_at = head + (46 if sig == b"PK\x01\x02" else 30)
            if bytes(data[name_at:name_at + name_len]).decode() == member:
                data[head + offset:head + offset + 4] = (info.file_size // 4).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    run_report_fails(tmp_path, f"Tệp «{path.name}»", "không mở được tệp Excel", "nội dung nén không khớp")


RSS_PROBE = """
import json, resource, subprocess, sys
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KB, the CLI's peak
print(json.dumps({"rc": proc.returncode, "stderr": proc.stderr, "peak_kb": peak}))
"""


def run_measured(tmp_path: Path) -> dict:
    """`reportgen report` in a child of a fresh probe process: its exit status,
    stderr and peak resident memory (only the CLI is the probe's child)."""
    out = make_outputs(tmp_path)
    cmd = [sys.executable, "-m", "reportgen.cli", "report", "--period", "6m",
           "--inputs", str(tmp_path / "inputs"), "--outputs", str(out)]
    probe = subprocess.run([sys.executable, "-c", RSS_PROBE, *cmd], capture_output=True, text=True, cwd=ROOT,
                           check=True)
    return json.loads(probe.stdout)


@pytest.fixture(scope="module")
def bomb_sheet(tmp_path_factory) -> bytes:
    """The bomb sheet's compressed zip, built once (a few MB, inflating to 1.2 GB)."""
    folder = tmp_path_factory.mktemp("bomb")
    path = submission_with_extra_sheet(make_inputs(folder))
    bomb(path, sheet_member(path, "Ghi chú riêng"))
    return path.read_bytes()


@pytest.mark.parametrize("kind", ["submission", "dossier log"])
def test_a_decompression_bomb_is_refused_with_bounded_memory(tmp_path, bomb_sheet, kind):
    """A sheet inflating to 1.2 GB, in a sheet the contract says to ignore: a
    clear message naming file and sheet, exit 2, peak memory under 1.5 GB."""
    year = make_inputs(tmp_path)
    if kind == "submission":
        path = year / "submissions" / "VP.xlsx"
        path.parent.mkdir(parents=True)
        path.write_bytes(bomb_sheet)
        sheet = "Ghi chú riêng"
    else:
        path = log_with_extra_sheet(year)
        member = sheet_member(path, "Thống kê")
        bomb(path, member)
        sheet = "Thống kê"
    assert path.stat().st_size < 50_000_000
    with zipfile.ZipFile(path) as zf:
        assert sum(i.file_size for i in zf.infolist()) >= 1_000_000_000
    result = run_measured(tmp_path)
    assert result["rc"] == 2, result["stderr"]
    assert "Traceback" not in result["stderr"]
    assert f"Tệp «{path.name}», trang «{sheet}»" in result["stderr"]
    assert "quá lớn khi giải nén" in result["stderr"]
    assert result["peak_kb"] < RSS_LIMIT_KB, result["peak_kb"]


def test_a_bomb_of_cells_is_stopped_while_streaming(tmp_path):
    """A sheet under the byte limit whose 150 million empty cells (no position
    written) would make calamine allocate a 150-million-cell row: found while
    streaming, before the whole member is inflated, memory bounded."""
    year = make_inputs(tmp_path)
    path = submission_with_extra_sheet(year)

    def write(fh):
        fh.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row>')
        block = b"<c/>" * (4 << 20)
        for _ in range(150_000_000 // (4 << 20) + 1):
            fh.write(block)
        fh.write(b"</row></sheetData></worksheet>")

    member = sheet_member(path, "Ghi chú riêng")
    rewrite(path, lambda name, data: write if name == member else data)
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo(member).file_size < workbook.MAX_SHEET_BYTES  # the header tells the truth
    result = run_measured(tmp_path)
    assert result["rc"] == 2, result["stderr"]
    assert f"Tệp «{path.name}», trang «Ghi chú riêng»" in result["stderr"]
    assert "1 dòng × " in result["stderr"] and "quá giới hạn" in result["stderr"]
    assert result["peak_kb"] < RSS_LIMIT_KB, result["peak_kb"]


def test_a_shared_string_table_of_millions_of_strings_is_refused(tmp_path, monkeypatch):
    """calamine keeps every shared string: a table of tiny strings under the byte
    limit could still fill the memory. (The limit is lowered here to keep the test small.)"""
    monkeypatch.setattr(workbook, "MAX_STRINGS", 1000)
    monkeypatch.setattr(workbook, "CHUNK", 4096)  # several chunks: counted across their edges
    path = tmp_path / "hoso.xlsx"
    table = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             + b"<si><t/></si>" * 1001 + b"</sst>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/sharedStrings.xml", table)
    diag = Diagnostics()
    assert not workbook.check_workbook(path, "tthc/hoso.xlsx", diag)
    assert "hơn 1.000 chuỗi" in diag.errors[0].format_vi()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/sharedStrings.xml", table.replace(b"<si><t/></si>", b"", 1))
    assert workbook.check_workbook(path, "tthc/hoso.xlsx", Diagnostics())  # exactly 1000: accepted


def test_a_log_whose_cells_name_no_position_is_read(tmp_path):
    """Cells without `r` (allowed; some exporters write them so) are measured row
    by row: a long log of them passes, and calamine reads it."""
    year = make_inputs(tmp_path)
    path = write_log_xlsx(year / "tthc" / "hoso.xlsx", [log_row(i) for i in range(1, 3001)], title=False)
    member = sheet_member(path, "Hồ sơ")

    def change(name, data):
        if name != member:
            return data
        data = re.sub(rb'(<c) r="[A-Z]+[0-9]+"', rb"\1", data)
        return re.sub(rb'<dimension [^>]*/>', b"", data)

    rewrite(path, change)
    assert b' r="A' not in zipfile.ZipFile(path).read(member)
    monkeypatch_chunk = workbook.CHUNK
    try:
        workbook.CHUNK = 64 << 10  # rows cut across chunk edges
        diag = Diagnostics()
        assert workbook.check_workbook(path, "tthc/hoso.xlsx", diag), [p.format_vi() for p in diag.errors]
    finally:
        workbook.CHUNK = monkeypatch_chunk
    from reportgen.intake.dossiers import read_dossiers
    from reportgen.plan import load_plan
    from intake_helpers import PLAN

    frame = read_dossiers([(path, "tthc/hoso.xlsx")], load_plan(PLAN), diag)
    assert len(frame) == 3000 and not diag.errors


@pytest.mark.parametrize("cell", [
    b'<c t="inlineStr" r="XFD1048576"><is><t>x</t></is></c>',   # r not first
    b'<c s="0" t=">" r="XFD1048576"><v>1</v></c>',              # a ">" inside an attribute before r
    b"<c r = 'XFD1048576'><v>1</v></c>",                         # single quotes, spaces around =
    b'<c\nr="XFD1048576"><v>1</v></c>',                          # a line break after the name
    b'<x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="XFD1048576"><x:v>1</x:v></x:c>',
])
def test_a_far_cell_written_in_any_valid_form_is_found(tmp_path, cell):
    path = write_log_xlsx(tmp_path / "hoso.xlsx", [log_row(1)], title=False)
    member = sheet_member(path, "Hồ sơ")

    def change(name, data):
        if name != member:
            return data
        data = re.sub(rb"<dimension [^>]*/>", b'<dimension ref="A1:M2"/>', data)
        return data.replace(b"</sheetData>", b"<row r='1048576'>" + cell + b"</row></sheetData>")

    rewrite(path, change)
    diag = Diagnostics()
    assert not workbook.check_workbook(path, "tthc/hoso.xlsx", diag)
    assert "16.384 cột" in diag.errors[0].format_vi()
