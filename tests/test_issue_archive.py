"""Issue what was reviewed (issue 11), through the CLI on the sample inputs:

- a draft edited as a reviewer would (python-docx: a sentence appended, a
  paragraph inserted, a figure changed), saved again by LibreOffice, is what
  `archive` issues: number and date written into it, the PDF/A made from it by
  LibreOffice, the changed figure on the console and in the manifest;
- a draft made before an input changed is refused, and issued with the explicit
  option, which the manifest records;
- `check` lists exactly the changed figure, nothing on an untouched draft, and
  exits 2 when the `Số:` line is gone.

LibreOffice is a dependency of `make archive` (tools/ensure-libreoffice.sh).
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest

from conftest import SAMPLE_INPUTS, run_cli, tree_snapshot
from pdf_checks import inspect_pdf, pdfa_problems

from reportgen import vi_format
from reportgen.publish.draft_text import docx_blocks, docx_plain_text, normalize
from reportgen.publish.office import resave_docx

SENTENCE = "Lãnh đạo Ban yêu cầu các phòng tiếp tục rà soát kỹ lưỡng từng nhiệm vụ."
INSERTED = "Công tác chỉ đạo được lãnh đạo Ban đánh giá cao, cần phát huy trong thời gian tới."
DRAFT = "BC-CCHC-2024-6m.docx"


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """INPUTS (a copy of the sample) and OUTPUTS after `report --period 6m`."""
    root = tmp_path_factory.mktemp("issue")
    inputs = root / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs)
    outputs = root / "outputs"
    proc = run_cli("report", "--period", "6m", "--inputs", str(inputs), "--outputs", str(outputs))
    assert proc.returncode == 0, proc.stderr
    return inputs, outputs


def _copy(made, tmp_path) -> tuple[Path, Path]:
    inputs, outputs = made
    shutil.copytree(inputs, tmp_path / "inputs")
    shutil.copytree(outputs, tmp_path / "outputs")
    return tmp_path / "inputs", tmp_path / "outputs"


def _received(outputs: Path) -> int:
    figures = json.loads((outputs / "2024" / "6m" / "figures.json").read_text(encoding="utf-8"))
    return figures["tthc"]["received"]


def edit_as_a_reviewer(source: Path, old: str, new: str) -> bytes:
    """A sentence appended, a paragraph inserted, one figure changed; then saved
    again by LibreOffice Writer."""
    document = docx.Document(str(source))
    paragraphs = document.paragraphs
    dossiers = next(p for p in paragraphs if p.text.startswith("Trong kỳ,") and old in p.text)
    run = next(r for r in dossiers.runs if old in r.text)
    run.text = run.text.replace(old, new, 1)
    first_bullet = next(p for p in paragraphs if p.style.name == paragraphs[9].style.name and p.text.startswith("- "))
    first_bullet.add_run(" " + SENTENCE)
    section_two = next(p for p in paragraphs if p.text.startswith("II. "))
    inserted = section_two.insert_paragraph_before(INSERTED)
    inserted.style = next(p for p in paragraphs if p.text.startswith("Thực hiện ")).style
    buffer = io.BytesIO()
    document.save(buffer)
    return resave_docx(buffer.getvalue())


@pytest.fixture(scope="module")
def edited(made, tmp_path_factory) -> tuple[bytes, str, str]:
    """The sample draft edited and saved by LibreOffice; the figure before and after."""
    _, outputs = made
    old = vi_format.number(_received(outputs))
    new = vi_format.number(_received(outputs) + 4)
    return edit_as_a_reviewer(outputs / "2024" / "6m" / DRAFT, old, new), old, new


def words(text: str) -> list[str]:
    return normalize(text).split()


def assert_same_text(docx_bytes: bytes, pdf_text: str) -> None:
    """The PDF's text (pdftotext -raw) is the .docx's text, word for word and in
    order. Allowed: the page numbers at the top of the pages, a word broken at
    its hyphen across two lines, and the header row of a table repeated on its
    next page."""
    pdf_words = []
    for page in pdf_text.split("\f"):
        lines = page.splitlines()
        if lines and re.fullmatch(r"\s*\d+\s*", lines[0]):
            lines = lines[1:]
        pdf_words += [w for line in lines for w in normalize(line).split()]
    doc_words = words(docx_plain_text(docx_bytes))
    headers = {w for b in docx_blocks(docx_bytes) if b.text.startswith("STT |") for w in b.text.split()}
    matcher = difflib.SequenceMatcher(None, doc_words, pdf_words, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        a, b = doc_words[i1:i2], pdf_words[j1:j2]
        if op == "equal" or (op == "replace" and "".join(a) == "".join(b)):
            continue
        assert op == "insert" and set(b) <= headers, (op, a, b)


def test_archive_issues_the_reviewed_draft(made, edited, tmp_path):
    inputs, outputs = _copy(made, tmp_path)
    data, old, new = edited
    (outputs / "2024" / "6m" / DRAFT).write_bytes(data)
    proc = run_cli("archive", "--period", "6m", "--number", "7", "--date", "2024-06-12",
                   "--inputs", str(inputs), "--outputs", str(outputs))
    assert proc.returncode == 0, proc.stderr
    # the changed figure on the console, with what the data gives
    assert re.search(rf"viết {re.escape(new)}, số liệu cho {re.escape(old)}", proc.stdout), proc.stdout

    folder = outputs / "archive" / "2024"
    issued = (folder / "007-BC-CCHC-2024-6m.docx").read_bytes()
    pdf = (folder / "007-BC-CCHC-2024-6m.pdf").read_bytes()
    text = normalize(docx_plain_text(issued))
    pdf_lines = subprocess.run(["pdftotext", "-raw", str(folder / "007-BC-CCHC-2024-6m.pdf"), "-"],
                               capture_output=True, text=True, check=True).stdout
    pdf_words = " ".join(words(pdf_lines))
    for wanted in (SENTENCE, INSERTED, f"tiếp nhận {new} hồ sơ", "Số: 07/BC-KCN", "ngày 12 tháng 6 năm 2024",
                   "(Kèm theo Báo cáo số 07/BC-KCN ngày 12/6/2024"):
        assert wanted in text, wanted
    for wanted in (SENTENCE, f"tiếp nhận {new} hồ sơ", "Số: 07/BC-KCN", "ngày 12 tháng 6 năm 2024",
                   "Báo cáo số 07/BC-KCN ngày 12/6/2024"):
        assert wanted in pdf_words, wanted
    assert " ".join(words(INSERTED)) in " ".join(words(pdf_lines.replace("\n", " ")))
    assert_same_text(issued, pdf_lines)

    # nothing else of the reviewed draft changed: every paragraph but the văn thư's
    # elements is the same, every other part of the .docx byte for byte
    before = [b.text for b in docx_blocks(data)]
    after = [b.text for b in docx_blocks(issued)]
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert len(before) == len(after)
    assert [b for _, b in changed] == [
        "Số: 07/BC-KCN | Hải Dương, ngày 12 tháng 6 năm 2024",
        *[b for _, b in changed if b.startswith("(Kèm theo")],
    ] and len(changed) == 3, changed
    with zipfile.ZipFile(io.BytesIO(data)) as a, zipfile.ZipFile(io.BytesIO(issued)) as b:
        assert a.namelist() == b.namelist()
        assert all(a.read(n) == b.read(n) for n in a.namelist() if n != "word/document.xml")

    # PDF/A with every font embedded, figures.json attached, title, author, language
    assert pdfa_problems(pdf, part=3) == []
    info = inspect_pdf(pdf)
    assert info.fonts and all(f.embedded for f in info.fonts)
    assert info.attachments["figures.json"] == (folder / "007-BC-CCHC-2024-6m-figures.json").read_bytes()
    assert info.relationships["figures.json"] == "Data"
    assert info.xmp["dc:title"].startswith("Báo cáo kết quả thực hiện công tác cải cách hành chính 6 tháng")
    assert info.xmp["dc:creator"] == "Ban Quản lý các khu công nghiệp"
    assert info.lang == "vi" and info.xmp["dc:language"] == "vi"
    fonts = subprocess.run(["pdffonts", str(folder / "007-BC-CCHC-2024-6m.pdf")], capture_output=True,
                           text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts

    entry, = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["issues"]
    assert entry["draft"]["source"] == "reviewed_draft" and entry["draft"]["record"] is True
    change, = entry["hand_changes"]
    assert (change["kind"], change["written"], change["data"]) == ("changed", new, old)
    assert "tthc.received" in change["figures"]
    assert "issued_with_changed_inputs" not in entry
    assert run_cli("verify-archive", "--outputs", str(outputs)).returncode == 0


def _add_a_dossier(inputs: Path) -> None:
    """One more dossier received inside the 6m window, in a new export file."""
    (inputs / "2024" / "tthc" / "bo-sung.csv").write_text(
        "Mã hồ sơ,Đơn vị,Thủ tục,Lĩnh vực,Ngày tiếp nhận,Hạn xử lý,Ngày trả kết quả,Hình thức nộp,"
        "Phí, lệ phí,Thanh toán trực tuyến,Số hóa,Tái sử dụng dữ liệu,Đánh giá\n".replace(
            "Phí, lệ phí", '"Phí, lệ phí"')
        + "BS-0001,QLDT,Cấp giấy chứng nhận đăng ký đầu tư,Đầu tư,03/06/2024,17/06/2024,,Trực tuyến,Không,,Có,Không,\n",
        encoding="utf-8",
    )


def test_a_draft_whose_inputs_changed_is_refused_then_issued_on_request(made, tmp_path):
    inputs, outputs = _copy(made, tmp_path)
    received = _received(outputs)
    _add_a_dossier(inputs)
    args = ("archive", "--period", "6m", "--number", "8", "--date", "2024-06-14",
            "--inputs", str(inputs), "--outputs", str(outputs))
    before = tree_snapshot(outputs)
    proc = run_cli(*args)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "2024/tthc/bo-sung.csv" in proc.stderr and "tthc.received" in proc.stderr
    assert (f"tthc.received: trong dự thảo {vi_format.number(received)}, "
            f"dữ liệu hiện nay {vi_format.number(received + 1)}") in proc.stderr
    assert "make report PERIOD=6m" in proc.stderr and "ALLOW_CHANGED_INPUTS=1" in proc.stderr
    assert tree_snapshot(outputs) == before and not (outputs / "archive").exists()

    proc = run_cli(*args, "--allow-changed-inputs")
    assert proc.returncode == 0, proc.stderr
    folder = outputs / "archive" / "2024"
    entry, = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["issues"]
    assert entry["issued_with_changed_inputs"] is True
    assert entry["inputs_changed_since_draft"]["added"] == ["2024/tthc/bo-sung.csv"]
    assert {"figure": "tthc.received", "draft": received, "now": received + 1} in entry["figures_changed_since_draft"]
    # what is archived is the draft as made: its figures, the inputs they came from
    figures = json.loads((folder / "008-BC-CCHC-2024-6m-figures.json").read_text(encoding="utf-8"))
    assert figures["tthc"]["received"] == received
    assert "2024/tthc/bo-sung.csv" not in entry["inputs"]
    assert entry["hand_changes"] == []


def section(output: str, title: str) -> list[str]:
    """The '- ' lines printed under the heading that starts with `title`."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    out = []
    for line in lines[start + 1:]:
        if not line.startswith("- "):
            break
        out.append(line)
    return out


def test_check_lists_exactly_the_changed_figure(made, edited, tmp_path):
    inputs, outputs = _copy(made, tmp_path)
    data, old, new = edited
    draft = tmp_path / "du-thao-da-sua.docx"  # saved under another name: DRAFT=
    draft.write_bytes(data)
    proc = run_cli("check", "--period", "6m", "--draft", str(draft), "--inputs", str(inputs), "--outputs", str(outputs))
    assert proc.returncode == 0, proc.stderr
    listed = section(proc.stdout, "Số liệu sửa tay")
    assert len(listed) == 1 and f"viết {new}, số liệu cho {old}" in listed[0], proc.stdout
    assert "tthc.received" in listed[0]


def test_check_an_untouched_draft_finds_nothing(made, tmp_path):
    inputs, outputs = _copy(made, tmp_path)
    proc = run_cli("check", "--period", "6m", "--inputs", str(inputs), "--outputs", str(outputs))
    assert proc.returncode == 0, proc.stderr
    assert "không có gì cần sửa" in proc.stdout
    assert section(proc.stdout, "Số liệu sửa tay") == ["- không có."]
    assert "viết " not in proc.stdout


def test_check_a_draft_without_its_number_line_exits_2(made, tmp_path):
    inputs, outputs = _copy(made, tmp_path)
    path = outputs / "2024" / "6m" / DRAFT
    document = docx.Document(str(path))
    cell = document.tables[0].rows[1].cells[0]
    for p in cell.paragraphs:
        if p.text.startswith("Số:"):
            p._element.getparent().remove(p._element)
    document.save(str(path))
    proc = run_cli("check", "--period", "6m", "--inputs", str(inputs), "--outputs", str(outputs))
    assert proc.returncode == 2
    assert "dòng «Số:»" in proc.stderr and "Traceback" not in proc.stderr
    # and such a draft is not issued
    before = tree_snapshot(outputs)
    proc = run_cli("archive", "--period", "6m", "--number", "7", "--date", "2024-06-12",
                   "--inputs", str(inputs), "--outputs", str(outputs))
    assert proc.returncode == 2 and "dòng «Số:»" in proc.stderr
    assert tree_snapshot(outputs) == before


def test_check_an_unreadable_draft_exits_2(made, tmp_path):
    inputs, outputs = _copy(made, tmp_path)
    draft = tmp_path / "hong.docx"
    draft.write_bytes(b"not a word file")
    proc = run_cli("check", "--period", "6m", "--draft", str(draft), "--inputs", str(inputs), "--outputs", str(outputs))
    assert proc.returncode == 2 and "hong.docx" in proc.stderr and "Traceback" not in proc.stderr


def test_archive_without_libreoffice_is_a_clear_error(made, tmp_path):
    inputs, outputs = _copy(made, tmp_path)
    before = tree_snapshot(outputs)
    proc = run_cli("archive", "--period", "6m", "--number", "7", "--date", "2024-06-12",
                   "--inputs", str(inputs), "--outputs", str(outputs),
                   env={"REPORTGEN_SOFFICE": "khong-co-libreoffice"})
    assert proc.returncode == 2
    assert "LibreOffice" in proc.stderr and "libreoffice-writer-nogui" in proc.stderr
    assert tree_snapshot(outputs) == before


def test_the_signing_hook_signs_the_pdf_before_it_is_stored(made, tmp_path):
    """The one place a signer is called: with the issued PDF/A bytes, before the
    files are stored; what it returns is archived and its records go into the
    manifest (issue 12 plugs its signer in here)."""
    from reportgen import pipeline
    from reportgen.publish.archive import verify_archive

    inputs, outputs = _copy(made, tmp_path)
    seen = []

    def signer(pdf: bytes):
        seen.append(pdf)
        return pdf + b"%signed\n", [{"role": "signer", "subject": "CN=Test"}]

    written = pipeline.run_archive(inputs, outputs, "6m", 2024, number=9, date=dt.date(2024, 6, 14),
                                   signer=signer)
    pdf = next(p for p in written if p.suffix == ".pdf")
    assert len(seen) == 1 and seen[0].startswith(b"%PDF")
    assert pdf.read_bytes() == seen[0] + b"%signed\n"
    entry, = json.loads((pdf.parent / "manifest.json").read_text(encoding="utf-8"))["issues"]
    assert entry["signatures"] == [{"role": "signer", "subject": "CN=Test"}]
    # and verify-archive has one place for a per-PDF check
    checked = []
    assert verify_archive(outputs, check_pdf=lambda path, e: checked.append((path, e["symbol"])) or []) == 0
    assert checked == [(pdf, "09/BC-KCN")]
    assert verify_archive(outputs, check_pdf=lambda path, e: ["chữ ký không hợp lệ"]) == 1


def test_report_again_keeps_the_edited_draft(made, tmp_path):
    inputs, outputs = _copy(made, tmp_path)
    folder = outputs / "2024" / "6m"
    document = docx.Document(str(folder / DRAFT))
    document.paragraphs[8].add_run(" " + SENTENCE)
    document.save(str(folder / DRAFT))
    edited_bytes = (folder / DRAFT).read_bytes()
    proc = run_cli("report", "--period", "6m", "--inputs", str(inputs), "--outputs", str(outputs))
    assert proc.returncode == 0, proc.stderr
    kept = folder / "BC-CCHC-2024-6m-ban-da-sua-1.docx"
    assert kept.read_bytes() == edited_bytes and "ban-da-sua-1.docx" in proc.stderr
    assert SENTENCE not in docx_plain_text((folder / DRAFT).read_bytes())
    # the new draft is untouched: running again keeps nothing more
    proc = run_cli("report", "--period", "6m", "--inputs", str(inputs), "--outputs", str(outputs))
    assert proc.returncode == 0 and not (folder / "BC-CCHC-2024-6m-ban-da-sua-2.docx").exists()


def test_an_archive_run_killed_before_the_register_does_not_block_the_next(made, tmp_path):
    """A real kill (SIGKILL) inside `archive` after the files are linked and
    before the register is written; the same command again rolls it back, says
    so, and issues."""
    import signal

    from reportgen.publish.archive import TEST_DIE_AT

    inputs, outputs = _copy(made, tmp_path)
    args = ("archive", "--period", "6m", "--number", "7", "--date", "2024-06-12",
            "--inputs", str(inputs), "--outputs", str(outputs))
    proc = run_cli(*args, env={TEST_DIE_AT: "archive-linked"})
    assert proc.returncode == -signal.SIGKILL
    folder = outputs / "archive" / "2024"
    assert (folder / "007-BC-CCHC-2024-6m.pdf").is_file() and not (folder / "manifest.json").exists()
    proc = run_cli(*args)
    assert proc.returncode == 0, proc.stderr
    assert "bị dừng giữa chừng" in proc.stderr and "đã hủy lần phát hành đó" in proc.stderr
    entry, = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["issues"]
    assert entry["symbol"] == "07/BC-KCN"
    assert run_cli("verify-archive", "--outputs", str(outputs)).returncode == 0
