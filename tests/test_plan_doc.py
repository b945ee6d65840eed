"""The year's plan (`make plan`): composed from plan.yaml, it must read as the
signed 2024 plan does (shared/reference/ke-hoach-cchc-2024.md), section by
section; and its numbers must come from the data they share with the reports.

The reference is read from tests/data/ke-hoach-cchc-2024.md (a copy kept in the
repository, so these tests run on any clone); when ../shared/reference is there
too, the copy must match it.
"""

from __future__ import annotations

import difflib
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from reportgen import vi_format
from reportgen.compose.plan_doc import compose_plan
from reportgen.diagnostics import InputError
from reportgen.plan import load_plan

from conftest import ROOT, SAMPLE_INPUTS, run_cli

REFERENCE_NAME = "ke-hoach-cchc-2024.md"
REFERENCE_COPY = ROOT / "tests" / "data" / REFERENCE_NAME
# The signed 2024 plan as shared with the project (shared/reference/), copied into
# tests/data so that a clone alone runs every test; its SHA-256 pins the copy.
REFERENCE_SHA256 = "acc8f10295fdf993967db6cde75bb08d8bf59bd9ee25369625043026bab51db1"
REFERENCE_SHARED = [folder / "shared" / "reference" / REFERENCE_NAME for folder in ROOT.parents]
PLAN_2024 = SAMPLE_INPUTS / "2024" / "plan.yaml"
MINIMAL_PLAN = ROOT / "tests" / "data" / "minimal-plan.yaml"


# ---------------------------------------------------------------- normalising text

def norm(text: str) -> str:
    """NFC, markdown emphasis marks gone, white space collapsed (the blanks left
    for the văn thư included)."""
    text = unicodedata.normalize("NFC", text).replace("**", "").replace("*", "")
    return re.sub(r"\s+", " ", text).strip()


def strip_bullet(text: str) -> str:
    return text[2:] if text.startswith("- ") else text


@dataclass
class RefParagraph:
    raw: str  # with its markdown emphasis, split lines joined
    heading: bool

    @property
    def text(self) -> str:
        return norm(self.raw)


_HEADING_TEXT = re.compile(r"^(?:[IVX]+\. |\d+\. |[a-z]\) )")


def reference_paragraphs(markdown: str) -> list[RefParagraph]:
    """The reference as paragraphs: markdown heading marks and bullets removed,
    lines split by the transcription joined again (a line that starts in lower
    case continues the paragraph before it: "02 hoạt" / "động theo dõi")."""
    out: list[RefParagraph] = []
    for raw in markdown.splitlines():
        line = raw.strip()
        if not line:
            continue
        heading = line.startswith("#")
        line = line.lstrip("#").strip()
        if line.startswith("- "):
            line = line[2:].strip()
        elif not heading:
            # "**b) Nhiệm vụ**", "**3. Cải cách ...**": headings written in bold only
            bare = line.replace("**", "").strip()
            heading = line.startswith("**") and line.endswith("**") and bool(_HEADING_TEXT.match(bare))
        if out and not heading and line[:1].islower():
            out[-1].raw += " " + line
            continue
        out.append(RefParagraph(line, heading))
    return out


# ---------------------------------------------------------------- sections

@dataclass
class Sections:
    front: list[str] = field(default_factory=list)  # header block, title, opening
    body: dict[str, list[str]] = field(default_factory=dict)  # "I", "I.1", ..., "III"
    closing: str = ""  # the paragraph ending with "./."
    recipients: list[str] = field(default_factory=list)
    signature: list[str] = field(default_factory=list)


_ROMAN = re.compile(r"^([IVX]+)\. \S")
_POINT = re.compile(r"^(\d+)\. \S")


def split_sections(paragraphs: list[str], heading_flags: list[bool]) -> Sections:
    """Split normalised paragraphs (the body up to its "./." paragraph) into
    sections: each Roman heading ("I. MỤC ĐÍCH, YÊU CẦU") opens one, and within it
    each numbered heading ("3. Cải cách thủ tục hành chính") opens "I.3".
    Numbered paragraphs that are not headings (section III's) stay inside."""
    out = Sections()
    key = None
    roman = None
    for text, is_heading in zip(paragraphs, heading_flags):
        m = _ROMAN.match(text)
        if m and is_heading and text.upper() == text:
            roman = key = m.group(1)
            out.body[key] = [text]
            continue
        m = _POINT.match(text)
        if m and is_heading and roman is not None:
            key = f"{roman}.{m.group(1)}"
            out.body[key] = [text]
            continue
        if key is None:
            out.front.append(text)
        else:
            out.body[key].append(text)
    return out


def reference_sections(markdown: str) -> Sections:
    paras = reference_paragraphs(markdown)
    end = next(i for i, p in enumerate(paras) if p.text.endswith("./."))
    out = split_sections([p.text for p in paras[:end]], [p.heading for p in paras[:end]])
    out.closing = paras[end].text
    tail = [p.text for p in paras[end + 1:]]
    start = tail.index("Nơi nhận:")
    # after "Nơi nhận:" the bullets are the recipients; everything else is the signer
    recipients_end = start + 1
    while recipients_end < len(tail) and tail[recipients_end].rstrip(";.") and _looks_like_recipient(
            markdown, tail[recipients_end]):
        recipients_end += 1
    out.recipients = [t.rstrip(";.") for t in tail[start + 1:recipients_end]]
    out.signature = [t for i, t in enumerate(tail) if not (start <= i < recipients_end)]
    return out


def _looks_like_recipient(markdown: str, text: str) -> bool:
    return any(norm(line.strip()[2:]) == text for line in markdown.splitlines() if line.strip().startswith("- "))


def document_sections(doc) -> Sections:
    body = list(doc.body)
    texts = [norm(strip_bullet(p.text)) for p in body]
    flags = [p.style.startswith("heading") for p in body]
    out = split_sections(texts[:-1], flags[:-1])
    h = doc.header
    out.front = [norm(x) for x in (h.parent, h.agency, h.motto_country, h.motto, h.number, h.place_date)
                 if x] + [doc.doc_type, *doc.subject] + out.front
    out.closing = texts[-1]
    out.recipients = [norm(strip_bullet(r)).rstrip(";.") for r in doc.recipients]
    out.signature = [*doc.signature.title_lines, doc.signature.name]
    return out


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def reference_text() -> str:
    return REFERENCE_COPY.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def plan_2024():
    return load_plan(PLAN_2024)


@pytest.fixture(scope="module")
def doc_2024(plan_2024):
    return compose_plan(plan_2024)


def write_plan(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def plan_data() -> dict:
    """plan.yaml of 2024 as plain data (floats as strings kept exact by dumping back)."""
    return yaml.safe_load(PLAN_2024.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- the reference itself

def test_reference_copy_is_the_shared_reference():
    """The copy is the reference as shared (pinned by its SHA-256); where the
    shared folder is at hand (a checkout next to it), it still is that file."""
    from reportgen.digest import sha256_bytes

    assert sha256_bytes(REFERENCE_COPY.read_bytes()) == REFERENCE_SHA256, (
        f"{REFERENCE_COPY.relative_to(ROOT)} was changed: it must stay a copy of shared/reference")
    for shared in (p for p in REFERENCE_SHARED if p.is_file()):
        assert sha256_bytes(shared.read_bytes()) == REFERENCE_SHA256, (
            f"{shared} changed: copy it to {REFERENCE_COPY.relative_to(ROOT)} again and update REFERENCE_SHA256")


def test_reference_parses_into_the_plans_sections(reference_text):
    ref = reference_sections(reference_text)
    assert list(ref.body) == ["I", "I.1", "I.2", "II", *[f"II.{n}" for n in range(1, 10)], "III"]
    assert ref.closing.endswith("./.")
    assert ref.recipients[-1] == "Lưu: VT, VP(nqh)"
    assert set(ref.signature) == {"TRƯỞNG BAN", "Nguyễn Trung Kiên"}
    # the split line of point II.2 is joined again
    assert any("Thực hiện đầy đủ 02 hoạt động theo dõi" in t for t in ref.body["II.2"])


# ---------------------------------------------------------------- section by section

def test_plan_2024_reads_as_the_reference_section_by_section(reference_text, doc_2024):
    ref = reference_sections(reference_text)
    got = document_sections(doc_2024)
    failures = []
    missing = [k for k in ref.body if k not in got.body]
    extra = [k for k in got.body if k not in ref.body]
    if missing:
        failures.append(f"sections missing from the plan: {', '.join(missing)}")
    if extra:
        failures.append(f"sections not in the reference: {', '.join(extra)}")
    for key, expected in ref.body.items():
        actual = got.body.get(key)
        if actual is not None and actual != expected:
            diff = "\n".join(difflib.unified_diff(expected, actual, "reference", "plan", lineterm="", n=0))
            failures.append(f"section {key} ({expected[0][:60]}) differs:\n{diff}")
    # front matter: every line of the reference's (number, date line, type, subject,
    # opening) is in the plan's, in any order (the reference puts the date first)
    for line in ref.front:
        if line not in got.front:
            failures.append(f"front matter: missing «{line}»")
    if got.closing != ref.closing:
        failures.append(f"closing paragraph differs:\n  reference: {ref.closing}\n  plan:      {got.closing}")
    if got.recipients != ref.recipients:
        failures.append(f"Nơi nhận differs: reference {ref.recipients}, plan {got.recipients}")
    if set(got.signature) != set(ref.signature):
        failures.append(f"signature differs: reference {ref.signature}, plan {got.signature}")
    assert not failures, "\n\n".join(failures)


def test_emphasis_as_in_the_reference(reference_text, doc_2024):
    """Bold and italic stretches inside paragraphs ("chậm nhất trước ngày 14 …",
    the italic note) are bold and italic runs in the plan."""
    by_text = {norm(strip_bullet(p.text)): p for p in doc_2024.body}
    checked = 0
    for para in reference_paragraphs(reference_text):
        if para.heading:
            continue
        raw = para.raw
        if raw.startswith("**") and raw.endswith("**") and raw.count("**") == 2:
            continue  # a whole line in bold: the signer's title and name, headings
        spans = [(m.group(1), "bold") for m in re.finditer(r"\*\*(.+?)\*\*", raw)]
        spans += [(m.group(1), "italic") for m in re.finditer(r"(?<!\*)\*([^*]+)\*(?!\*)", raw)]
        for span, kind in spans:
            target = by_text.get(para.text)
            if target is None:
                continue  # outside the body (signature block); compared elsewhere
            runs = [r for r in target.runs if getattr(r, kind)]
            ok = any(norm(span) in norm(r.text) for r in runs) or (kind == "italic" and target.style == "note")
            assert ok, f"«{norm(span)}» should be {kind} in «{para.text[:70]}…»"
            checked += 1
    assert checked >= 3  # the deadline (bold), the note and II.2's parenthesis (italic)


def test_header_and_styles(doc_2024):
    assert doc_2024.kind == "KH"
    assert doc_2024.header.number == f"Số:{vi_format.BLANK}/KH-KCN"
    assert doc_2024.header.place_date == f"Hải Dương, ngày{vi_format.BLANK}tháng 12 năm 2023"
    assert doc_2024.doc_type == "KẾ HOẠCH"
    assert doc_2024.subject == ("Cải cách hành chính của Ban Quản lý các khu công nghiệp năm 2024",)
    assert doc_2024.kinh_gui == ()
    styles = {p.text: p.style for p in doc_2024.body}
    assert styles["I. MỤC ĐÍCH, YÊU CẦU"] == "heading1"
    assert styles["3. Cải cách thủ tục hành chính"] == "heading2"
    assert styles["a) Chỉ tiêu"] == "heading3"
    assert doc_2024.body[-1].text.endswith("giải quyết./.")
    notes = [p for p in doc_2024.body if p.style == "note"]
    assert [p.text for p in notes] == [
        "(Chi tiết có các nhiệm vụ, chương trình triển khai thực hiện CCHC năm 2024 của Ban Quản lý kèm theo)"]
    assert all(p.text.startswith("- ") for p in doc_2024.body if p.style == "bullet")


def test_issued_plan_shows_its_number_and_date(tmp_path):
    data = plan_data()
    data["plan_document"] = {"number": "125/KH-KCN", "date": "2023-12-27"}
    doc = compose_plan(load_plan(write_plan(tmp_path, data)))
    assert doc.header.number == "Số: 125/KH-KCN"
    assert doc.header.place_date == "Hải Dương, ngày 27 tháng 12 năm 2023"
    data["plan_document"] = {"number": "7", "date": "2024-01-05"}
    doc = compose_plan(load_plan(write_plan(tmp_path, data)))
    assert doc.header.number == "Số: 07/KH-KCN"
    assert doc.header.place_date == "Hải Dương, ngày 05 tháng 01 năm 2024"


# ---------------------------------------------------------------- one source of truth

def body_text(doc) -> str:
    return "\n".join(p.text for p in doc.body)


def test_nhiem_vu_are_the_tasks_in_order(plan_2024, doc_2024):
    """Each task appears once, under its area's point, in the order of `tasks`."""
    texts = [p.text for p in doc_2024.body]
    positions = []
    for task in plan_2024.tasks:
        hits = [i for i, t in enumerate(texts) if t == f"- {task.text}"]
        assert len(hits) == 1, f"task {task.code} appears {len(hits)} times"
        point = next(t for t in reversed(texts[:hits[0]]) if re.match(r"^\d\. ", t))
        assert point.startswith(f"{task.area}. "), f"task {task.code} under «{point}»"
        positions.append(hits[0])
    assert positions == sorted(positions)
    assert "{" not in body_text(doc_2024)


def test_targets_in_the_text_come_from_the_indicators(tmp_path):
    data = plan_data()
    targets = {i["code"]: i for i in data["indicators"]}
    targets["TTHC-07"]["target"] = 0.95
    targets["TC-01"]["target"] = 3
    targets["CDDH-02"]["target"] = 0.4
    targets["CQS-02"]["target"] = 0.875
    plan = load_plan(write_plan(tmp_path, data))
    text = body_text(compose_plan(plan))
    assert "Phấn đấu từ 95% trở lên người dân, doanh nghiệp đánh giá mức độ hài lòng" in text
    assert "Phấn đấu từ 90% trở lên" not in text
    assert "Thực hiện đầy đủ 03 hoạt động theo dõi thi hành pháp luật" in text
    assert "87,5% hồ sơ công việc tại Ban được xử lý trên môi trường mạng" in text
    # a task's number is the target too, in the plan and in plan.tasks (forms, reports)
    assert "kiểm tra trực tiếp về CCHC chính trên 40% đối với" in text
    assert "trên 40%" in next(t.text for t in plan.tasks if t.code == "CDDH-NV03")


def test_cutoff_windows_and_deadline_come_from_periods(tmp_path):
    data = plan_data()
    data["periods"]["q1"] = {"start": "2023-12-15", "end": "2024-03-14", "due_before": "2024-03-20"}
    data["periods"]["6m"]["due_before"] = "2024-06-20"
    data["periods"]["q3"]["due_before"] = "2024-09-20"
    data["periods"]["year"]["due_before"] = "2024-12-20"
    text = body_text(compose_plan(load_plan(write_plan(tmp_path, data))))
    assert "- Báo cáo Quý I/2024: thời gian chốt số liệu tính từ ngày 15/12/2023 đến ngày 14/3/2024." in text
    assert "chậm nhất trước ngày 20 của tháng cuối kỳ báo cáo" in text
    assert "trước ngày 14" not in text


def test_deadline_days_that_differ_are_refused_clearly(tmp_path):
    data = plan_data()
    data["periods"]["q1"]["due_before"] = "2024-03-15"
    with pytest.raises(InputError) as err:
        compose_plan(load_plan(write_plan(tmp_path, data)))
    assert "{due_day}" in str(err.value.messages())


# ---------------------------------------------------------------- validation

def messages(path: Path) -> str:
    with pytest.raises(InputError) as err:
        load_plan(path)
    return "\n".join(err.value.messages())


def test_plan_text_typo_names_the_key_path_and_line(tmp_path):
    source = PLAN_2024.read_text(encoding="utf-8").replace("\n  purpose:\n", "\n  purpos:\n", 1)
    path = tmp_path / "plan.yaml"
    path.write_text(source, encoding="utf-8")
    text = messages(path)
    line = source.splitlines().index("  purpos:") + 1
    assert "plan_text.purpos" in text and "gõ sai" in text
    # the key's line, or the line its value starts on
    assert f"dòng {line}:" in text or f"dòng {line + 1}:" in text, text


def test_unknown_placeholder_names_the_key_path(tmp_path):
    data = plan_data()
    data["plan_text"]["areas"][2]["targets"][0] = "Phấn đấu {TTHC-99} các thủ tục hành chính."
    text = messages(write_plan(tmp_path, data))
    assert "plan_text.areas[2].targets[0]" in text and "{TTHC-99}" in text


def test_placeholder_of_an_indicator_without_a_number_is_refused(tmp_path):
    data = plan_data()
    data["tasks"][0]["text"] = "Ban hành kế hoạch {CDDH-01}."  # a bool target: no number
    data["plan_text"]["closing"] = "Trên đây là Kế hoạch năm {year} {TTHC-09}"  # no target
    text = messages(write_plan(tmp_path, data))
    assert "tasks[0].text" in text and "{CDDH-01}" in text
    assert "plan_text.closing" in text and "{TTHC-09}" in text


def test_placeholder_outside_its_place_is_refused(tmp_path):
    data = plan_data()
    data["plan_text"]["opening"][0] += " {due_day}"
    text = messages(write_plan(tmp_path, data))
    assert "plan_text.opening[0]" in text


def test_tasks_are_validated(tmp_path, plan_2024):
    codes = [t.code for t in plan_2024.tasks]
    assert len(codes) == len(set(codes)) == 52
    by_area = {a: sum(t.area == a for t in plan_2024.tasks) for a in range(1, 9)}
    assert by_area == {1: 8, 2: 3, 3: 9, 4: 5, 5: 6, 6: 6, 7: 13, 8: 2}
    departments = set(plan_2024.department_codes)
    assert all(t.owner in departments for t in plan_2024.tasks)
    assert next(t for t in plan_2024.tasks if t.code == "TCC-NV03").deadline == "Quý I"
    data = plan_data()
    data["tasks"][3]["owner"] = "PKT"
    data["tasks"][5]["code"] = data["tasks"][4]["code"]
    text = messages(write_plan(tmp_path, data))
    assert "PKT" in text and data["tasks"][3]["code"] in text
    assert f"«{data['tasks'][4]['code']}» bị trùng" in text


def test_plan_text_areas_once(tmp_path):
    data = plan_data()
    data["plan_text"]["areas"][1]["area"] = 1
    assert "lĩnh vực 1 xuất hiện hai lần" in messages(write_plan(tmp_path, data))


# ---------------------------------------------------------------- a plan.yaml without plan_text

def test_minimal_plan_gives_a_complete_plan():
    plan = load_plan(MINIMAL_PLAN)
    doc = compose_plan(plan)
    texts = [p.text for p in doc.body]
    assert doc.header.number == f"Số:{vi_format.BLANK}/KH-SXD"
    assert doc.header.place_date == f"Hà Nội, ngày{vi_format.BLANK}tháng 12 năm 2024"
    assert doc.subject == ("Cải cách hành chính của Sở Xây dựng năm 2025",)
    assert texts[0] == ("Sở Xây dựng (Sở) xây dựng kế hoạch thực hiện công tác cải cách hành chính năm 2025 "
                        "tại đơn vị với những nội dung như sau:")
    assert "I. CÁC CHỈ TIÊU, NHIỆM VỤ CHỦ YẾU" in texts
    assert "II. TỔ CHỨC THỰC HIỆN" in texts
    # chỉ tiêu from the indicators with a target, in area order; none without one
    assert texts.index("1. Cải cách thể chế") < texts.index("2. Cải cách thủ tục hành chính")
    assert "- Số hoạt động theo dõi thi hành pháp luật: từ 01 trở lên." in texts
    assert "- Tỷ lệ hồ sơ TTHC trả kết quả đúng hạn, trước hạn: từ 95% trở lên." in texts
    assert not any("nộp trực tuyến" in t for t in texts)
    # the cut-off windows and the deadline of its own periods (15th to 14th, the 20th)
    assert "- Báo cáo Quý I/2025: thời gian chốt số liệu tính từ ngày 15/12/2024 đến ngày 14/3/2025." in texts
    assert "- Báo cáo tổng hợp năm 2025: thời gian chốt số liệu tính từ ngày 15/12/2024 đến ngày 14/12/2025." in texts
    assert any("chậm nhất trước ngày 20 của tháng cuối kỳ báo cáo" in t for t in texts)
    assert texts[-1].endswith("./.")
    assert doc.signature.title_lines == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
    assert doc.recipients == ("- UBND Thành phố (để b/c);", "- Sở Nội vụ (để tổng hợp);", "- Lưu: VT, VP.")
    assert "{" not in body_text(doc)


def test_minimal_plan_with_tasks_lists_them_as_nhiem_vu(tmp_path):
    data = yaml.safe_load(MINIMAL_PLAN.read_text(encoding="utf-8"))
    data["tasks"] = [
        {"code": "TTHC-NV01", "area": 3, "owner": "QLXD", "text": "Rà soát, đơn giản hóa TTHC."},
        {"code": "CV-NV01", "area": 5, "owner": "VP", "text": "Đào tạo, bồi dưỡng công chức."},
    ]
    texts = [p.text for p in compose_plan(load_plan(write_plan(tmp_path, data))).body]
    i = texts.index("2. Cải cách thủ tục hành chính")
    assert texts[i + 1:i + 5] == ["a) Chỉ tiêu", "- Tỷ lệ hồ sơ TTHC trả kết quả đúng hạn, trước hạn: từ 95% trở lên.",
                                  "b) Nhiệm vụ", "- Rà soát, đơn giản hóa TTHC."]
    # an area with tasks but no target: the tasks follow its title directly
    j = texts.index("3. Cải cách chế độ công vụ")
    assert texts[j + 1] == "- Đào tạo, bồi dưỡng công chức."


def test_partial_plan_text_keeps_the_other_defaults(tmp_path):
    data = yaml.safe_load(MINIMAL_PLAN.read_text(encoding="utf-8"))
    data["plan_text"] = {"purpose": ["Nâng cao chất lượng phục vụ."],
                         "recipients": ["Các phòng (để t/h)", "Lưu: VT"]}
    doc = compose_plan(load_plan(write_plan(tmp_path, data)))
    texts = [p.text for p in doc.body]
    assert texts[texts.index("I. MỤC ĐÍCH, YÊU CẦU") + 1:][:2] == ["1. Mục đích", "- Nâng cao chất lượng phục vụ."]
    assert "III. TỔ CHỨC THỰC HIỆN" in texts
    assert doc.recipients == ("- Các phòng (để t/h);", "- Lưu: VT.")


# ---------------------------------------------------------------- rendered files
#
# The same engine and the same format checks as the report: tests/docx_checks.py
# and tests/pdf_checks.py (the renderers' reusable checks).

def _checks(module: str):
    import importlib

    return importlib.import_module(module)


def _problem_checks(module) -> list:
    """The module's whole-file checks: public functions named *_problems taking
    the file's bytes and returning a list of faults (empty when all is well)."""
    import inspect

    found = []
    for name, fn in inspect.getmembers(module, inspect.isfunction):
        if name.startswith("_") or not name.endswith("problems") or fn.__module__ != module.__name__:
            continue
        required = [p for p in inspect.signature(fn).parameters.values()
                    if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if len(required) == 1:
            found.append(fn)
    return found


def _render(kind: str, doc) -> bytes:
    from reportgen.render.docx import render_docx
    from reportgen.render.pdf import render_pdf

    return render_docx(doc) if kind == "docx" else render_pdf(doc)


@pytest.fixture(scope="module")
def plan_pdf(doc_2024) -> bytes:
    return _render("pdf", doc_2024)


@pytest.fixture(scope="module")
def plan_docx(doc_2024) -> bytes:
    return _render("docx", doc_2024)


def squeeze(text: str) -> str:
    """No white space at all: text extraction puts spaces at run and line
    boundaries ("( kiểm tra", "43/2011/ NĐ-CP") that the document does not have."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def test_make_plan_writes_docx_and_pdf(tmp_path):
    from conftest import docx_text, pdf_text

    proc = run_cli("plan", "--year", "2024", "--inputs", str(SAMPLE_INPUTS), "--outputs", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    folder = tmp_path / "2024"
    assert sorted(p.name for p in folder.iterdir()) == ["KH-CCHC-2024.docx", "KH-CCHC-2024.pdf"]
    for text in (docx_text(folder / "KH-CCHC-2024.docx"), pdf_text(folder / "KH-CCHC-2024.pdf")):
        flat = " ".join(text.split())
        for piece in ("KẾ HOẠCH", "Cải cách hành chính của Ban Quản lý các khu công nghiệp năm 2024",
                      "DANH MỤC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2024", "/KH-KCN"):
            assert piece in flat, piece


def test_plan_pdf_format(plan_pdf, doc_2024):
    checks = _checks("pdf_checks")
    for check in _problem_checks(checks):
        assert check(plan_pdf) == [], check.__name__
    info = checks.inspect_pdf(plan_pdf)
    assert all(page.size_mm == (210, 297) for page in info.pages)
    assert info.fonts and all(f.embedded and f.accepted for f in info.fonts), info.fonts
    # page numbers in the top margin, none on page 1
    assert info.pages[0].text_above(15) == ""
    if len(info.pages) > 1:
        assert info.pages[1].text_above(15) == "2"
    assert info.lang and info.lang.startswith("vi")
    assert info.xmp.get("dc:title") == doc_2024.meta.title
    text = squeeze(" ".join(page.text_below(15) for page in info.pages))
    missing = [line for line in doc_2024.plain_text() if squeeze(line) not in text]
    assert not missing, f"not in the PDF: {missing[:5]}"
    for leftover in getattr(checks, "TEMPLATE_LEFTOVERS", ()):
        assert leftover not in info.text, leftover


def test_plan_pdf_reads_as_the_reference(plan_pdf, reference_text):
    """Every paragraph of the reference is in the PDF's text, in order."""
    checks = _checks("pdf_checks")
    info = checks.inspect_pdf(plan_pdf)
    text = squeeze(" ".join(page.text_below(15) for page in info.pages))
    position = 0
    for para in reference_paragraphs(reference_text):
        if para.text in ("Nơi nhận:", "TRƯỞNG BAN", "Nguyễn Trung Kiên") or para.text.startswith(("Số:", "Hải Dương,")):
            continue  # two-column blocks: their reading order in a PDF is the layout's
        found = text.find(squeeze(para.text), position)
        assert found >= 0, f"not in the PDF (in order): «{para.text[:80]}»"
        position = found


def test_plan_docx_format(plan_docx, doc_2024):
    """The report's Nghị định 30 checks (tests/docx_checks.py), on the plan."""
    checks = _checks("docx_checks")
    checks.check_all(checks.DocxFile(plan_docx), doc_2024)


def test_make_plan_docx_format(tmp_path):
    """The same checks on the file `reportgen plan` writes, and for a plan.yaml
    holding only the contract's keys."""
    checks = _checks("docx_checks")
    for inputs, year in ((SAMPLE_INPUTS, 2024), (None, 2025)):
        if inputs is None:
            inputs = tmp_path / "inputs"
            (inputs / "2025").mkdir(parents=True)
            shutil.copy(MINIMAL_PLAN, inputs / "2025" / "plan.yaml")
        out = tmp_path / f"out-{year}"
        proc = run_cli("plan", "--year", str(year), "--inputs", str(inputs), "--outputs", str(out))
        assert proc.returncode == 0, proc.stderr
        doc = compose_plan(load_plan(inputs / str(year) / "plan.yaml"))
        checks.check_all(checks.DocxFile((out / str(year) / f"KH-CCHC-{year}.docx").read_bytes()), doc)
        pdf = _checks("pdf_checks")
        data = (out / str(year) / f"KH-CCHC-{year}.pdf").read_bytes()
        assert pdf.pdfa_problems(data) == []
        text = squeeze(" ".join(page.text_below(15) for page in pdf.inspect_pdf(data).pages))
        assert all(squeeze(line) in text for line in doc.plain_text())


def test_plan_docx_text(plan_docx, doc_2024):
    import io

    import docx

    document = docx.Document(io.BytesIO(plan_docx))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts += [p.text for p in cell.paragraphs]
    text = squeeze(" ".join(parts))
    missing = [line for line in doc_2024.plain_text() if squeeze(line) not in text]
    assert not missing, f"not in the .docx: {missing[:5]}"
    bold = {squeeze(r.text) for p in document.paragraphs for r in p.runs if r.bold}
    assert any("chậmnhấttrướcngày14" in b for b in bold)


# ---------------------------------------------------------------- the appendix of tasks
#
# "(Chi tiết có các nhiệm vụ ... kèm theo)" at the end of point 9: the plan ends
# with one Phụ lục listing every task, after the signature (so not in the
# reference, whose text stops there).

KEM_THEO = "kèm theo"
TASK_HEADER = ["STT", "Mã nhiệm vụ", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Thời gian hoàn thành"]


def expected_task_rows(plan) -> list[list[str]]:
    """[code, text, owner's name, deadline] of every task, in area order (the 2024
    plan's own order of areas is 1 to 8) and `tasks`' order inside an area."""
    out = []
    for area in sorted({t.area for t in plan.tasks}):
        for t in (t for t in plan.tasks if t.area == area):
            out.append([t.code, t.text, plan.department(t.owner).name, t.deadline or f"Trong năm {plan.year}"])
    return out


def test_appendix_lists_every_task_by_area(plan_2024, doc_2024):
    (appendix,) = doc_2024.appendices
    assert appendix.label == "Phụ lục"  # the only appendix: no number
    assert appendix.title == "DANH MỤC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2024"
    assert appendix.note == (f"(Kèm theo Kế hoạch số{vi_format.BLANK}/KH-KCN ngày{vi_format.BLANK}tháng 12 "
                             "năm 2023 của Ban Quản lý các khu công nghiệp)")
    assert not appendix.landscape
    table = appendix.table
    assert table.kind == "tasks"
    # group titles: section II's points, numbered 1, 2, ...
    texts = [p.text for p in doc_2024.body]
    section_ii = texts[texts.index("II. CÁC CHỈ TIÊU, NHIỆM VỤ CHỦ YẾU"):]
    points = [t for t, p in zip(section_ii, doc_2024.body[-len(section_ii):]) if p.style == "heading2"]
    assert [g.title for g in table.groups] == points[:8]
    assert table.groups[6].title == "7. Xây dựng và phát triển chính quyền điện tử, chính quyền số"
    lines = [line for g in table.groups for line in g.lines]
    assert [[l.code, l.text, l.owner, l.deadline] for l in lines] == expected_task_rows(plan_2024)
    assert [l.stt for l in table.groups[2].lines] == [f"3.{i}" for i in range(1, 10)]
    by_code = {l.code: l for l in lines}
    assert by_code["TCC-NV03"].deadline == "Quý I"
    assert by_code["CDDH-NV01"].deadline == "Trong năm 2024"
    assert by_code["TCC-NV02"].owner == "Trung tâm Tư vấn, dịch vụ việc làm, hỗ trợ doanh nghiệp KCN"
    # the appendix's heading is in the document's text; the note of point 9 points at it
    assert {"Phụ lục", appendix.title, appendix.note} <= set(doc_2024.plain_text())
    assert any(p.style == "note" and KEM_THEO in p.text for p in doc_2024.body)


def test_appendix_note_quotes_the_plans_number_and_date(tmp_path):
    cases = [
        ({"number": "125/KH-KCN", "date": "2023-12-27"}, "Kế hoạch số 125/KH-KCN ngày 27/12/2023"),
        ({"number": "7", "date": "2024-01-05"}, "Kế hoạch số 07/KH-KCN ngày 05/01/2024"),
        ({"number": "125/KH-KCN"}, f"Kế hoạch số 125/KH-KCN ngày{vi_format.BLANK}tháng 12 năm 2023"),
        ({"date": "2024-02-03"}, f"Kế hoạch số{vi_format.BLANK}/KH-KCN ngày 03/02/2024"),
    ]
    for ref, quoted in cases:
        data = plan_data()
        data["plan_document"] = ref
        doc = compose_plan(load_plan(write_plan(tmp_path, data)))
        assert doc.appendices[0].note == f"(Kèm theo {quoted} của Ban Quản lý các khu công nghiệp)", ref


def test_task_without_owner_or_with_markup(tmp_path):
    data = plan_data()
    del data["tasks"][0]["owner"]
    data["tasks"][1]["text"] = "Tổ chức **kiểm tra** công tác CCHC *định kỳ*."
    data["tasks"][1]["deadline"] = " Quý  II "  # free text: kept, white space tidied
    doc = compose_plan(load_plan(write_plan(tmp_path, data)))
    first, second = doc.appendices[0].table.groups[0].lines[:2]
    assert first.owner == ""  # left for the clerk, never a guess
    assert second.text == "Tổ chức kiểm tra công tác CCHC định kỳ."  # no markers in the table
    assert second.deadline == "Quý II"


def test_plan_without_tasks_has_no_appendix_and_no_kem_theo_note(tmp_path):
    data = plan_data()
    data["tasks"] = []
    doc = compose_plan(load_plan(write_plan(tmp_path, data)))
    assert doc.appendices == ()
    assert not [p.text for p in doc.body if KEM_THEO in p.text.lower()]
    assert any(p.text == "9. Kinh phí thực hiện" for p in doc.body)  # the point itself stays
    minimal = compose_plan(load_plan(MINIMAL_PLAN))
    assert minimal.appendices == () and not any(KEM_THEO in p.text.lower() for p in minimal.body)
    # and the files: one section, no "Phụ lục", no "kèm theo"
    checks = _checks("docx_checks")
    word = checks.DocxFile(_render("docx", doc))
    checks.check_all(word, doc)
    assert len(word.sections()) == 1 and not word.tables()[2:]
    word_text = "\n".join(word.text(p) for p in word.paragraphs())
    assert "Phụ lục" not in word_text and KEM_THEO not in word_text.lower()
    pdf = _checks("pdf_checks")
    pdf_text = pdf.inspect_pdf(_render("pdf", doc)).text
    assert "Phụ lục" not in pdf_text and KEM_THEO not in pdf_text.lower()


def test_plan_docx_appendix_table(plan_docx, plan_2024, doc_2024):
    checks = _checks("docx_checks")
    f = checks.DocxFile(plan_docx)
    w = checks.w
    assert len(f.sections()) == 2  # the body, then the appendix, both portrait (check_all: page size)
    label = f.find_paragraph("Phụ lục")
    prev = label.getprevious()
    assert prev.find(w("pPr")).find(w("sectPr")) is not None, "the appendix does not start a section"
    props = f.run_props(label, next(label.iter(w("r"))))
    assert props["size"] == 14 and props["bold"] and f.alignment(label) == "center"
    title = f.find_paragraph(doc_2024.appendices[0].title)
    assert f.run_props(title, next(title.iter(w("r"))))["bold"]
    note = title.getnext()
    assert f.text(note) == doc_2024.appendices[0].note
    assert f.run_props(note, next(note.iter(w("r"))))["italic"]

    tbl = note.getnext()
    while tbl.tag != w("tbl"):
        tbl = tbl.getnext()
    assert abs(sum(checks.grid_cm(tbl)) - 16.5) < 0.05, "the table does not fill the portrait text width"
    trs = checks.rows(tbl)
    assert [f.text(c) for c in checks.cells(trs[0])] == TASK_HEADER
    assert checks.is_header_row(trs[0]), "the header row does not repeat"
    assert not any(checks.is_header_row(tr) for tr in trs[1:])
    groups, tasks = [], []
    for tr in trs[1:]:
        tcs = checks.cells(tr)
        if len(tcs) == 1:  # a group row: merged across, bold
            assert checks.span(tcs[0]) == 5
            p = next(tcs[0].iter(w("p")))
            assert f.run_props(p, next(p.iter(w("r"))))["bold"]
            groups.append(f.text(tcs[0]))
        else:
            tasks.append([f.text(c) for c in tcs])
    assert groups == [g.title for g in doc_2024.appendices[0].table.groups]
    assert [row[1:] for row in tasks] == expected_task_rows(plan_2024)
    assert [row[0] for row in tasks[:3]] == ["1.1", "1.2", "1.3"]
    for tr in trs:
        for tc in checks.cells(tr):
            for p in tc.iter(w("p")):
                for r in p.iter(w("r")):
                    props = f.run_props(p, r)
                    assert 11 <= props["size"] <= 13 and props["fonts"]["ascii"] == "Times New Roman"
    head = checks.cells(trs[0])[2]
    assert f.run_props(next(head.iter(w("p"))), next(head.iter(w("r"))))["bold"]
    borders = {el.get(w("val")) for el in tbl.find(w("tblPr")).find(w("tblBorders"))}
    assert borders == {"single"}


def test_plan_pdf_appendix(plan_pdf, plan_2024, doc_2024):
    checks = _checks("pdf_checks")
    info = checks.inspect_pdf(plan_pdf)
    starts = [i for i, page in enumerate(info.pages) if checks.squash(page.text).startswith("Phụ lục ")]
    assert len(starts) == 1, "one appendix, from a new page"
    pages = info.pages[starts[0]:]
    assert all(page.size_mm == (210, 297) for page in pages)
    # numbered on its own: none on its first page, then 2, 3, ...
    assert [page.text_above(15) for page in pages] == [""] + [str(n) for n in range(2, len(pages) + 1)]
    # the header row on every page of the table
    for page in pages:
        text = squeeze(page.text)
        assert all(squeeze(h) in text for h in TASK_HEADER), page.number
    # every task: code, text, owner and deadline, in area order
    text = squeeze(checks.join_hyphen_breaks("\n".join(page.text_below(15) for page in pages)))
    position = 0
    for cells in expected_task_rows(plan_2024):
        found = text.find(squeeze("".join(cells)), position)
        assert found >= 0, f"task {cells[0]} not in the appendix (in order)"
        position = found
    for group in doc_2024.appendices[0].table.groups:
        assert squeeze(group.title) in text
