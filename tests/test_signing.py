"""Digital signatures (publish/signing.py) on a PDF like the one the archive
holds: the sample draft converted by LibreOffice to PDF/A-2b, signed by a
throwaway CA's signer and agency certificates, checked with pyHanko's validator,
poppler (pdfsig, pdffonts, pdftotext -bbox-layout, pdftoppm) and pikepdf."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

import pki
from conftest import ROOT, SAMPLE_INPUTS
from reportgen.publish import signing
from reportgen.publish.signing import Appearance, SigningError

SIGNER_NAME = "Nguyễn Trung Kiên"
TITLE = ["TRƯỞNG BAN"]
AGENCY_TEXT_NAME = "Ban Quản lý các khu công nghiệp"
SIGNATURE_PNG = SAMPLE_INPUTS / "2024" / "chu-ky.png"
SEAL_PNG = SAMPLE_INPUTS / "2024" / "con-dau.png"
D36 = 36 * 72 / 25.4


# --- fixtures: the PDF, the PKI, one signed file ---------------------------------


@pytest.fixture(scope="session")
def office_pdf(sample_report_6m: Path, tmp_path_factory) -> bytes:
    """The sample draft as LibreOffice exports it to PDF/A-2b (what the archive signs)."""
    out = tmp_path_factory.mktemp("lo")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    proc = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{out / 'profile'}", "--convert-to",
         'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}',
         "--outdir", str(out), str(sample_report_6m / "BC-CCHC-2024-6m.docx")],
        capture_output=True, text=True, timeout=300,
    )
    pdf = out / "BC-CCHC-2024-6m.pdf"
    assert proc.returncode == 0 and pdf.is_file(), proc.stdout + proc.stderr
    return pdf.read_bytes()


@pytest.fixture(scope="session")
def pkidir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pki")
    ca = pki.make_ca()
    files = {
        "ca": ca,
        "signer": pki.write_p12(folder / "nguoi-ky.p12", pki.issue(ca, SIGNER_NAME), ca),
        "agency": pki.write_p12(folder / "co-quan.p12", pki.issue(ca, "Ban Quản lý các KCN tỉnh Hải Dương"), ca),
        "expired": pki.write_p12(folder / "het-han.p12", pki.issue(ca, "Hết hạn", days_before=400, days_after=-2), ca),
        "future": pki.write_p12(folder / "chua-hieu-luc.p12", pki.issue(ca, "Chưa hiệu lực", days_before=-3), ca),
        "nosign": pki.write_p12(folder / "khong-ky.p12", pki.issue(ca, "Mã hóa", digital_signature=False), ca),
        "folder": folder,
    }
    return files


def _appearance(**kw) -> Appearance:
    values = dict(
        title_lines=TITLE, name=SIGNER_NAME, agency_name=AGENCY_TEXT_NAME,
        signature_image=signing.load_signature_image(SIGNATURE_PNG),
        seal_image=signing.load_seal_image(SEAL_PNG, 36), seal_diameter_mm=36,
    )
    values.update(kw)
    return Appearance(**values)


@pytest.fixture(scope="session")
def signed(office_pdf, pkidir, tmp_path_factory):
    """(path of the signed PDF, SignResult, time before signing, time after)."""
    signer = signing.load_pkcs12(pkidir["signer"], pki.PASSWORD)
    agency = signing.load_pkcs12(pkidir["agency"], pki.PASSWORD)
    before = dt.datetime.now(signing.VN_TZ).replace(microsecond=0)
    data, result = signing.sign_pdf(office_pdf, signer=signer, agency=agency, appearance=_appearance())
    after = dt.datetime.now(signing.VN_TZ)
    path = tmp_path_factory.mktemp("signed") / "signed.pdf"
    path.write_bytes(data)
    return path, result, before, after


# --- helpers reading the output with other tools ----------------------------------


def _widgets(path: Path):
    """[(field name, page index, rect, annotation)] of the signature widgets."""
    pdf = pikepdf.open(path)
    out = []
    for index, page in enumerate(pdf.pages):
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") == "/Widget" and annot.get("/FT") == "/Sig":
                out.append((str(annot.T), index, [float(v) for v in annot.Rect], annot))
    return pdf, out


def _bbox_lines(path: Path, page_index: int) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Text lines of a page as poppler lays them out, in PDF coordinates (y up)."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox-layout", "-f", str(page_index + 1), "-l", str(page_index + 1), str(path), "-"],
        capture_output=True, text=True, check=True,
    ).stdout
    root = ET.fromstring(xhtml)
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    page = root.find(".//h:page", ns)
    height = float(page.get("height"))
    lines = []
    for line in page.iterfind(".//h:line", ns):
        words = [w.text or "" for w in line.iterfind("h:word", ns)]
        x0, y0, x1, y1 = (float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
        lines.append((" ".join(words), (x0, height - y1, x1, height - y0)))
    return lines


def _line(lines, text):
    hits = [box for t, box in lines if t == text]
    assert len(hits) == 1, (text, [t for t, _ in lines])
    return hits[0]


def _disc_hits(cx, cy, r, box):
    nx, ny = min(max(cx, box[0]), box[2]), min(max(cy, box[1]), box[3])
    return (nx - cx) ** 2 + (ny - cy) ** 2 < r * r


# --- the signatures -----------------------------------------------------------------


def test_two_valid_pades_signatures_signer_then_agency(signed, pkidir):
    path, result, before, after = signed
    checks = signing.verify_pdf(path, trust_roots=[pkidir["ca"].cert])
    assert [c.role for c in checks] == ["nguoi_ky", "co_quan"]
    assert all(c.ok and c.intact and c.valid and c.trusted for c in checks), [c.summary_vi() for c in checks]
    assert [c.subfilter for c in checks] == ["/ETSI.CAdES.detached"] * 2
    # the signer's covers its revision (the agency signed after it); the agency's the whole file
    assert checks[0].covers_revision and not checks[0].whole_file
    assert checks[1].whole_file
    assert checks[0].common_name == SIGNER_NAME
    # the manifest records: who and when, the same as the signatures say
    assert [r["role"] for r in result.records] == ["nguoi_ky", "co_quan"]
    for record, check in zip(result.records, checks):
        assert record["serial"] == check.serial and record["common_name"] == check.common_name
        assert record["subject"] == check.subject and "Common Name" in record["subject"]
        assert record["signing_time"] == check.signing_time
        moment = dt.datetime.fromisoformat(record["signing_time"])
        # whole seconds; the agency's is at least one second after the signer's (same second: +1 s)
        slack = dt.timedelta(seconds=2)
        assert record["signing_time"].endswith("+07:00") and before - slack <= moment <= after + slack
    assert result.records[0]["signing_time"] < result.records[1]["signing_time"]
    # without roots: integrity and signature value still checked, trust not claimed
    plain = signing.verify_pdf(path.read_bytes())
    assert all(c.ok and c.trusted is None for c in plain)
    assert "hợp lệ" in plain[1].summary_vi("x.pdf") and "Ban Quản lý các KCN" in plain[1].summary_vi()


def test_poppler_pdfsig_sees_two_valid_signatures(signed):
    path = signed[0]
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    blocks = re.split(r"^Signature #\d+:", out, flags=re.M)[1:]
    assert len(blocks) == 2, out
    assert "Signer Certificate Common Name: " + SIGNER_NAME in blocks[0]
    for block in blocks:
        assert "Signature Type: ETSI.CAdES.detached" in block
        assert "Signature Validation: Signature is Valid." in block
    assert "Not total document signed" in blocks[0]
    assert "Total document signed" in blocks[1] and "Not total" not in blocks[1]


def test_no_certification_lock_and_nothing_after_the_agency(signed):
    path = signed[0]
    pdf = pikepdf.open(path)
    assert "/Perms" not in pdf.Root
    keep, widgets = _widgets(path)
    for _, _, _, annot in widgets:
        assert "/Reference" not in annot.V
    data = path.read_bytes()
    # the agency's byte range ends at the end of the file
    ranges = [list(map(int, m.groups())) for m in re.finditer(rb"/ByteRange \[\s*(\d+) (\d+) (\d+) (\d+)\s*\]", data)]
    assert len(ranges) == 2
    last = max(ranges, key=lambda r: r[2] + r[3])
    assert last[2] + last[3] == len(data)


def test_widgets_sit_between_title_and_name_seal_over_left_third(signed):
    path, result = signed[0], signed[1]
    pdf, widgets = _widgets(path)
    assert [w[0] for w in widgets] == ["ChuKyNguoiKy", "ChuKyCoQuan"]
    pages = {w[1] for w in widgets}
    assert len(pages) == 1
    page = pages.pop()
    lines = _bbox_lines(path, page)
    title, name = _line(lines, "TRƯỞNG BAN"), _line(lines, SIGNER_NAME)
    sig_rect, seal_rect = widgets[0][2], widgets[1][2]
    for _, _, rect, annot in widgets:
        flags = int(annot.F)
        assert flags & 4 and not flags & 2 and not flags & 32  # printed, not hidden, not NoView
        assert "/N" in annot.AP and rect[2] > rect[0] and rect[3] > rect[1]
        # the appearance is drawn at the widget's size, not stretched to it
        bbox = [float(v) for v in annot.AP.N.BBox]
        assert abs(abs(bbox[2] - bbox[0]) - (rect[2] - rect[0])) < 0.02
        assert abs(abs(bbox[3] - bbox[1]) - (rect[3] - rect[1])) < 0.02
    # the signer's picture between the title and the name, centred under the title
    assert name[3] <= sig_rect[1] and sig_rect[3] <= title[1]
    assert abs((sig_rect[0] + sig_rect[2]) / 2 - (title[0] + title[2]) / 2) < 8
    # the seal: drawn 36 mm wide (whatever the PNG's pixels), centred on the signer's box
    # height, its right edge over about the left third of the signer's picture
    seal = result.block.seal_box
    assert seal.width == pytest.approx(D36, abs=0.2)
    sig_w = sig_rect[2] - sig_rect[0]
    overlap = (seal.x1 - sig_rect[0]) / sig_w
    assert 0.15 <= overlap <= 0.4, overlap
    assert seal_rect[0] <= seal.x0 + 0.01 and seal.x1 <= seal_rect[2] + 0.01
    assert seal_rect[1] <= seal.y0 + 0.01 and seal.y1 <= seal_rect[3] + 0.01
    assert abs(seal.centre[1] - (sig_rect[1] + sig_rect[3]) / 2) < 1
    # the seal's disc and the information text cover neither the title nor the name
    r = seal.width / 2
    text_lines = [box for t, box in lines if t.startswith(("Ban Quản lý", "khu công", "20"))]
    assert text_lines
    for box in (title, name):
        assert not _disc_hits(*seal.centre, r, box)
        for text in text_lines:
            assert not (text[0] < box[2] and box[0] < text[2] and text[1] < box[3] and box[1] < text[3])
    assert not result.notices
    # the signer's widget draws the picture with its transparency (an image with a soft mask)
    images = [x for x in widgets[0][3].AP.N.Resources.XObject.values() if x.get("/Subtype") == "/Image"]
    assert len(images) == 1 and "/SMask" in images[0]
    # the seal image as drawn in the agency's appearance: a D36 x D36 image
    ap = widgets[1][3].AP.N
    drawn = [op for op in pikepdf.parse_content_stream(ap) if str(op.operator) == "cm"]
    scales = [float(op.operands[0]) for op in drawn if float(op.operands[0]) > 50]
    assert any(abs(s - D36) < 0.01 for s in scales), scales


def test_information_text_extractable_10pt_embedded_inside_the_widget(signed):
    path, result = signed[0], signed[1]
    pdf, widgets = _widgets(path)
    _, page, rect, annot = widgets[1]
    lines = _bbox_lines(path, page)
    time_text = result.records[1]["signing_time"]
    time_box = _line(lines, time_text)
    name_words = " ".join(t for t, box in lines if rect[0] - 1 <= box[0] and box[2] <= rect[2] + 1
                          and rect[1] - 1 <= box[1] and box[3] <= rect[3] + 1)
    assert " ".join(name_words.split()).startswith(AGENCY_TEXT_NAME), name_words
    # inside the widget's box: nothing clipped
    assert rect[0] - 0.5 <= time_box[0] and time_box[2] <= rect[2] + 0.5
    assert rect[1] - 0.5 <= time_box[1] and time_box[3] <= rect[3] + 0.5
    # 10 pt, no scaling, in an embedded Liberation Serif (or Times New Roman)
    ap = annot.AP.N
    sizes, scales = [], []

    def walk(xobj):
        for op in pikepdf.parse_content_stream(xobj):
            name = str(op.operator)
            if name == "Tf":
                sizes.append(float(op.operands[1]))
            elif name == "cm" and float(op.operands[0]) not in (1.0,) and float(op.operands[0]) < 50:
                scales.append(float(op.operands[0]))
        for sub in xobj.get("/Resources", {}).get("/XObject", {}).values():
            if sub.get("/Subtype") == "/Form":
                walk(sub)

    walk(ap)
    assert sizes and all(abs(s - 10) <= 0.5 for s in sizes), sizes
    assert not scales, scales
    fonts = []

    def collect(xobj):
        for font in xobj.get("/Resources", {}).get("/Font", {}).values():
            fonts.append(font)
        for sub in xobj.get("/Resources", {}).get("/XObject", {}).values():
            if sub.get("/Subtype") == "/Form":
                collect(sub)

    collect(ap)
    assert fonts
    for font in fonts:
        desc = font.DescendantFonts[0].FontDescriptor if "/DescendantFonts" in font else font.FontDescriptor
        assert re.search(r"LiberationSerif|TimesNewRoman|Tinos", str(desc.FontName)), desc.FontName
        assert any(k in desc for k in ("/FontFile2", "/FontFile3", "/FontFile"))
    # the text is the signature's own time (+07:00), equal to the signature dictionary's /M
    m = str(annot.V.M)
    moment = dt.datetime.strptime(m[2:16], "%Y%m%d%H%M%S").replace(tzinfo=dt.timezone.utc if m[16:17] == "Z" else None)
    if moment.tzinfo is None:
        sign, hh, mm = m[16], int(m[17:19]), int(m[20:22])
        offset = dt.timedelta(hours=hh, minutes=mm) * (1 if sign == "+" else -1)
        moment = moment.replace(tzinfo=dt.timezone(offset))
    assert moment == dt.datetime.fromisoformat(time_text)


def test_signed_pdf_is_still_pdfa_every_font_embedded(signed):
    path = signed[0]
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert len(rows) >= 5  # the document's four faces and the information text's
    for row in rows:
        assert re.search(r"\s+yes\s+yes\s+yes\s+\d+\s+\d+\s*$", row), row
    with pikepdf.open(path) as pdf:
        meta = pdf.open_metadata()
        assert meta.get("pdfaid:part") == "2" and meta.get("pdfaid:conformance") == "B"
        # the information dictionary still agrees with the XMP (PDF/A 6.6.2.3)
        info = pdf.docinfo
        assert str(info.Producer) == meta.get("pdf:Producer")
        assert str(info.Title) == meta.get("dc:title")
        assert str(info.Author) in str(meta.get("dc:creator"))


def test_a_byte_flipped_in_a_signed_range_is_reported(signed, tmp_path):
    data = bytearray(signed[0].read_bytes())
    # a byte of the header's binary comment: inside both signatures' ranges, still parses
    index = data.index(b"\n", 0) + 2
    data[index] ^= 0x01
    broken = tmp_path / "doi.pdf"
    broken.write_bytes(bytes(data))
    checks = signing.verify_pdf(broken)
    assert len(checks) == 2 and not any(c.ok for c in checks)
    assert not checks[1].intact
    assert "đã bị thay đổi sau khi ký" in checks[1].summary_vi("doi.pdf")
    assert "doi.pdf" in checks[1].summary_vi("doi.pdf")
    out = subprocess.run(["pdfsig", str(broken)], capture_output=True, text=True).stdout
    assert "Signature is Valid" not in out


def test_signed_page_as_image(signed, tmp_path):
    """The page with the signatures renders: the seal's red sits left of the
    signature's blue, both between the title and the name."""
    path, result = signed[0], signed[1]
    page = result.block.page_index + 1
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", str(page), "-l", str(page), str(path),
                    str(tmp_path / "p")], check=True)
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")
    scale = 100 / 72
    h = image.height

    def px(x, y):
        return int(x * scale), int(h - y * scale)

    reds, blues = [], []
    seal, sig = result.block.seal_box, result.block.signer_box
    x0, y1 = px(min(seal.x0, sig.x0), max(seal.y1, sig.y1))
    x1, y0 = px(max(seal.x1, sig.x1), min(seal.y0, sig.y0))
    for x in range(x0, x1):
        for y in range(y1, y0):
            r, g, b = image.getpixel((x, y))
            if r > 170 and g < 110 and b < 110:
                reds.append(x)
            elif b > 90 and r < 80 and g < 90:
                blues.append(x)
    assert len(reds) > 500 and len(blues) > 300
    assert sum(reds) / len(reds) < sum(blues) / len(blues)


# --- without a signature picture ------------------------------------------------------


def test_no_signature_image_gives_a_text_appearance_and_a_notice(office_pdf, pkidir, tmp_path):
    signer = signing.load_pkcs12(pkidir["signer"], pki.PASSWORD)
    data, result = signing.sign_pdf(office_pdf, signer=signer, agency=None,
                                    appearance=_appearance(signature_image=None))
    assert any("signer.signature_image" in n for n in result.notices)
    path = tmp_path / "chu.pdf"
    path.write_bytes(data)
    checks = signing.verify_pdf(path)
    assert len(checks) == 1 and checks[0].ok and checks[0].whole_file
    keep, widgets = _widgets(path)
    assert len(widgets) == 1 and widgets[0][3].F & 4
    text = subprocess.run(["pdftotext", "-f", str(widgets[0][1] + 1), "-l", str(widgets[0][1] + 1), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Đã ký số" in text
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert all(re.search(r"\s+yes\s+yes\s+yes\s+\d+\s+\d+\s*$", row) for row in out.splitlines()[2:])


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize("which, words", [
    ("expired", "đã hết hạn"),
    ("future", "chưa có hiệu lực"),
    ("nosign", "không dùng để ký số"),
])
def test_unusable_certificates_are_refused(pkidir, which, words):
    with pytest.raises(SigningError) as info:
        signing.load_pkcs12(pkidir[which], pki.PASSWORD)
    message = str(info.value)
    assert words in message and Path(pkidir[which]).name in message


def test_wrong_password_and_missing_file(pkidir, tmp_path):
    with pytest.raises(SigningError, match="sai mật khẩu") as info:
        signing.load_pkcs12(pkidir["signer"], "sai")
    assert "nguoi-ky.p12" in str(info.value) and "sai" not in str(info.value).replace("sai mật khẩu", "")
    with pytest.raises(SigningError, match="Không đọc được tệp chữ ký số"):
        signing.load_pkcs12(tmp_path / "khong-co.p12", "x")


def _png(path: Path, mode: str, size=(400, 400), alpha=0) -> Path:
    color = {"RGBA": (200, 0, 0, alpha), "RGB": (200, 0, 0), "LA": (0, alpha)}[mode]
    image = Image.new(mode, size, color)
    if mode == "RGBA":
        image.putpixel((5, 5), (200, 0, 0, 255))
    image.save(path)
    return path


def test_bad_images_are_refused(tmp_path):
    jpeg = tmp_path / "dau.png"
    Image.new("RGB", (400, 400), "red").save(jpeg, format="JPEG")
    with pytest.raises(SigningError, match="không phải ảnh PNG") as info:
        signing.load_seal_image(jpeg, 36)
    assert "dau.png" in str(info.value)
    with pytest.raises(SigningError, match="không có nền trong suốt"):
        signing.load_signature_image(_png(tmp_path / "rgb.png", "RGB"))
    with pytest.raises(SigningError, match="không có điểm ảnh trong suốt"):
        signing.load_signature_image(_png(tmp_path / "opaque.png", "RGBA", alpha=255))
    small = _png(tmp_path / "nho.png", "RGBA", size=(150, 150))
    with pytest.raises(SigningError, match="quá nhỏ") as info:
        signing.load_seal_image(small, 36)
    assert "nho.png" in str(info.value) and "213" in str(info.value)
    # big enough for a smaller seal
    assert signing.load_seal_image(small, 25).size == (150, 150)
    with pytest.raises(SigningError, match="Không đọc được tệp con dấu"):
        signing.load_seal_image(tmp_path / "khong-co.png", 36)


def test_signature_block_not_found_is_a_clear_error(office_pdf):
    with pytest.raises(SigningError, match="Không tìm thấy chức vụ người ký") as info:
        signing.locate_signature_block(office_pdf, ["GIÁM ĐỐC"], "Trần Văn B", source="x/BC.pdf")
    assert "GIÁM ĐỐC" in str(info.value) and "BC.pdf" in str(info.value)


# --- secrets -------------------------------------------------------------------------------


def test_read_secret_from_environment_never_prompts(monkeypatch):
    monkeypatch.setenv("SIGNER_PASSWORD", "abc")
    monkeypatch.setattr("getpass.getpass", lambda *a, **k: pytest.fail("prompted"))
    assert signing.read_secret("SIGNER_PASSWORD", "Mật khẩu") == "abc"


def test_read_secret_without_terminal_is_an_error_not_a_hang(tmp_path):
    code = ("from reportgen.publish.signing import read_secret\n"
            "try:\n    read_secret('AGENCY_PASSWORD', 'Mật khẩu tệp chữ ký số của cơ quan')\n"
            "except Exception as e:\n    print(type(e).__name__, e)\n")
    import os
    import sys
    env = {k: v for k, v in os.environ.items() if k != "AGENCY_PASSWORD"}
    proc = subprocess.run([sys.executable, "-c", code], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=60, env=env, cwd=ROOT)
    assert proc.stdout.startswith("SigningError") and "AGENCY_PASSWORD" in proc.stdout, proc.stdout + proc.stderr


def test_no_temporary_file_and_no_secret_in_the_output(office_pdf, pkidir, tmp_path, monkeypatch):
    import tempfile

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setenv("TMPDIR", str(scratch))
    signer = signing.load_pkcs12(pkidir["signer"], pki.PASSWORD)
    data, _ = signing.sign_pdf(office_pdf, signer=signer, agency=None, appearance=_appearance())
    assert list(scratch.iterdir()) == []
    assert pki.PASSWORD.encode() not in data
    key_der = signer.signer.signing_key.dump()
    assert key_der[-64:] not in data


# --- a hardware token (PKCS#11, SoftHSM2) -----------------------------------------------


@pytest.fixture(scope="session")
def token(pkidir, tmp_path_factory):
    """One SoftHSM2 token for the session (the PKCS#11 library reads its
    configuration once per process), labelled with a space to test URIs."""
    return pki.make_softhsm_token(tmp_path_factory.mktemp("hsm"), pki.issue(pkidir["ca"], SIGNER_NAME),
                                  label="reportgen thu")


def test_signer_on_a_softhsm_token(office_pdf, pkidir, token, tmp_path):
    with pytest.raises(SigningError, match="Sai mã PIN"):
        signing.open_pkcs11(token.module, token.label, token.key_label, "000000")
    with pytest.raises(SigningError, match="Không tìm thấy khóa"):
        key = signing.open_pkcs11(token.module, token.label, "khong-co", token.pin)
    key = signing.open_pkcs11(token.module, token.label, token.key_label, token.pin)
    agency = signing.load_pkcs12(pkidir["agency"], pki.PASSWORD)
    try:
        data, result = signing.sign_pdf(office_pdf, signer=key, agency=agency, appearance=_appearance())
    finally:
        key.close()
    path = tmp_path / "token.pdf"
    path.write_bytes(data)
    checks = signing.verify_pdf(path, trust_roots=[pkidir["ca"].cert])
    assert [c.role for c in checks] == ["nguoi_ky", "co_quan"] and all(c.ok and c.trusted for c in checks)
    assert checks[0].common_name == SIGNER_NAME and checks[1].whole_file
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert out.count("Signature is Valid.") == 2 and out.count("ETSI.CAdES.detached") == 2


# --- the sample images -------------------------------------------------------------------


def test_sample_images_are_the_generator_output(tmp_path):
    shutil.copy(SAMPLE_INPUTS / "2024" / "plan.yaml", tmp_path / "plan.yaml")
    import sys
    subprocess.run([sys.executable, str(ROOT / "tools" / "make_signature_images.py"), str(tmp_path)],
                   check=True, capture_output=True)
    for name in ("chu-ky.png", "con-dau.png"):
        assert (tmp_path / name).read_bytes() == (SAMPLE_INPUTS / "2024" / name).read_bytes(), name
    seal = Image.open(SAMPLE_INPUTS / "2024" / "con-dau.png")
    assert seal.mode == "RGBA" and min(seal.size) >= signing.seal_min_pixels(36)


# --- the interface the archive calls ---------------------------------------------------


def test_open_key_reads_the_password_from_the_role_variable(pkidir, monkeypatch):
    monkeypatch.setenv("SIGNER_PASSWORD", pki.PASSWORD)
    monkeypatch.setenv("AGENCY_PASSWORD", "sai")
    assert signing.open_key(pkidir["signer"], "nguoi_ky").common_name == SIGNER_NAME
    with pytest.raises(SigningError, match="sai mật khẩu"):
        signing.open_key(pkidir["agency"], "co_quan")
    with pytest.raises(SigningError, match="Không tìm thấy tệp chữ ký số"):
        signing.open_key(pkidir["folder"] / "khong-co.p12", "co_quan")


def test_open_key_from_a_pkcs11_uri(token, monkeypatch):
    monkeypatch.setenv("SIGNER_PASSWORD", token.pin)
    uri = f"pkcs11:token=reportgen%20thu;object={token.key_label}?module-path={token.module}"
    key = signing.open_key(uri, "nguoi_ky")
    try:
        assert key.common_name == SIGNER_NAME
    finally:
        key.close()
    with pytest.raises(SigningError, match="module-path"):
        signing.open_key("pkcs11:token=x", "nguoi_ky")
    with pytest.raises(SigningError, match="Không tìm thấy thiết bị ký số"):
        signing.open_key(f"pkcs11:token=khong-co;object=x?module-path={token.module}", "nguoi_ky")


def test_appearance_from_the_sample_plan(sample_inputs):
    from reportgen.plan import load_plan

    plan_file = sample_inputs / "2024" / "plan.yaml"
    appearance = signing.appearance_for(load_plan(plan_file), plan_file)
    assert appearance.title_lines == ["TRƯỞNG BAN"] and appearance.name == SIGNER_NAME
    assert appearance.agency_name == AGENCY_TEXT_NAME and appearance.seal_diameter_mm == 36
    assert appearance.signature_image.mode == "RGBA" and appearance.seal_image.mode == "RGBA"


def test_check_records_against_the_file(signed):
    path, result = signed[0], signed[1]
    checks = signing.verify_pdf(path)
    assert signing.check_records(checks, result.records) == []
    assert signing.check_records(checks, result.records[:1])
    swapped = [dict(result.records[0], serial="00"), result.records[1]]
    assert "khác với sổ lưu trữ" in signing.check_records(checks, swapped)[0]
    # an update appended after the agency's signature (signatures intact) is reported
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(path.read_bytes()))
    writer.root["/Lang"] = __import__("pyhanko.pdf_utils.generic", fromlist=["x"]).TextStringObject("en")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    later = signing.verify_pdf(out.getvalue())
    assert any("sau chữ ký số cuối cùng" in p for p in signing.check_records(later, result.records))


def test_two_line_title_in_the_projects_own_pdf_agency_only(pkidir, tmp_path):
    """KT. TRƯỞNG BAN / PHÓ TRƯỞNG BAN, a deputy's name, in the PDF that
    `reportgen report` renders itself (WeasyPrint): found from its layout; the
    agency alone signs (seal and text, one signature covering the whole file)."""
    import sys

    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE_INPUTS / "2024", inputs / "2024")
    plan = inputs / "2024" / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    text = text.replace("signer:\n  title: TRƯỞNG BAN\n  name: Nguyễn Trung Kiên",
                        'signer:\n  title: "KT. TRƯỞNG BAN\\nPHÓ TRƯỞNG BAN"\n  name: Lê Thị Hoa', 1)
    plan.write_text(text, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "reportgen.cli", "report", "--period", "q1", "--inputs", str(inputs),
                           "--outputs", str(tmp_path / "out")], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    pdf = (tmp_path / "out" / "2024" / "q1" / "BC-CCHC-2024-q1.pdf").read_bytes()
    from reportgen.plan import load_plan

    appearance = signing.appearance_for(load_plan(plan), plan)
    assert appearance.title_lines == ["KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"]
    agency = signing.load_pkcs12(pkidir["agency"], pki.PASSWORD)
    data, result = signing.sign_pdf(pdf, signer=None, agency=agency, appearance=appearance)
    path = tmp_path / "co-quan.pdf"
    path.write_bytes(data)
    checks = signing.verify_pdf(path)
    assert [c.role for c in checks] == ["co_quan"] and checks[0].ok and checks[0].whole_file
    keep, widgets = _widgets(path)
    assert len(widgets) == 1
    lines = _bbox_lines(path, widgets[0][1])
    second, name = _line(lines, "PHÓ TRƯỞNG BAN"), _line(lines, "Lê Thị Hoa")
    seal = result.block.seal_box
    assert name[3] < seal.centre[1] < second[1]
    assert not any(_disc_hits(*seal.centre, seal.width / 2, box) for box in (second, name))


def test_prepared_signing_as_the_archive_uses_it(office_pdf, pkidir, token, monkeypatch, capfd):
    """The call the archive makes: signer on the token (URI), agency from a
    PKCS#12 file, passwords from the environment; nothing printed."""
    from reportgen.plan import load_plan

    plan_file = SAMPLE_INPUTS / "2024" / "plan.yaml"
    monkeypatch.setenv("SIGNER_PASSWORD", token.pin)
    monkeypatch.setenv("AGENCY_PASSWORD", pki.PASSWORD)
    uri = f"pkcs11:token=reportgen%20thu;object={token.key_label}?module-path={token.module}"
    capfd.readouterr()
    with signing.PreparedSigning.open(load_plan(plan_file), plan_file, signer_cert=uri,
                                      agency_cert=pkidir["agency"]) as prepared:
        data, result = prepared.sign(office_pdf, source="045-BC-CCHC-2024-6m.pdf")
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    assert [r["role"] for r in result.records] == ["nguoi_ky", "co_quan"]
    assert signing.check_records(signing.verify_pdf(data), result.records) == []
    # bad input is refused before any work: an expired agency certificate
    with pytest.raises(SigningError, match="đã hết hạn"):
        signing.PreparedSigning.open(load_plan(plan_file), plan_file, agency_cert=pkidir["expired"])
    # no certificate: nothing to do, the bytes unchanged
    with signing.PreparedSigning.open(load_plan(plan_file), plan_file) as idle:
        assert not idle.active and idle.sign(office_pdf)[0] == office_pdf
