"""Digital signatures of an issued report (văn bản điện tử, Nghị định 30 Điều 5,
Phụ lục I): the signer's (người có thẩm quyền) and the agency's (cơ quan, tổ chức).

A self-contained stage of `publish/`: it takes the bytes of the PDF/A the archive
issues and returns them signed, with what the manifest records; it reads keys
from a PKCS#12 file or a PKCS#11 token (the USB tokens of Vietnamese signature
providers), never copies them anywhere, and never writes a temporary file.

    key = load_pkcs12(path, read_secret("SIGNER_PASSWORD", "Mật khẩu tệp chữ ký số của người ký"))
    seal = load_seal_image(plan_dir / plan.organization.seal_image, plan.organization.seal_diameter_mm)
    appearance = Appearance(title_lines=..., name=..., agency_name=..., signature_image=..., seal_image=seal)
    signed, records = sign_pdf(pdf_bytes, signer=key, agency=agency_key, appearance=appearance)
    checks = verify_pdf(signed)            # list[SignatureCheck], .ok, .summary_vi()

Each signature is an incremental PAdES update (pyHanko, subfilter
ETSI.CAdES.detached, no certification lock), signer first, then agency, each with
exactly one visible widget:
- the signer's draws the signature picture (a PNG with transparency) centred
  between the signer's title and name, found in the PDF's own text layout;
- the agency's draws the seal at its real size over about the left third of the
  signer's picture, and beside it the agency's name and the signing time
  (ISO 8601, +07:00: the signature's own time) as text, Liberation Serif (or the
  Times New Roman installed) 10 pt, embedded (the PDF stays PDF/A).
"""

from __future__ import annotations

import datetime as dt
import functools
import contextlib
import getpass
import io
import logging
import math
import os
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from ..diagnostics import UsageError

VN_TZ = dt.timezone(dt.timedelta(hours=7), "+07:00")
MM = 72 / 25.4  # PDF points per millimetre
INFO_FONT_SIZE = 10  # Phụ lục I: the agency's information in 10 pt
SEAL_MIN_DPI = 150  # a seal image must give at least this at its real size
ROLE_SIGNER = "nguoi_ky"
ROLE_AGENCY = "co_quan"
FIELD_NAMES = {ROLE_SIGNER: "ChuKyNguoiKy", ROLE_AGENCY: "ChuKyCoQuan"}
ROLE_VI = {ROLE_SIGNER: "người ký", ROLE_AGENCY: "cơ quan"}


class SigningError(UsageError):
    """Something given for signing cannot be used (exit 2): the message names
    the file, what is wrong and what to do."""


# --- secrets ----------------------------------------------------------------


def read_secret(env_var: str, prompt_label: str) -> str:
    """A password or PIN: from the environment variable `env_var`, else typed at
    a prompt (not echoed) when there is a terminal; with neither, an error (a run
    without a terminal must not hang). The secret is never printed."""
    value = os.environ.get(env_var)
    if value is not None:
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        try:
            return getpass.getpass(f"{prompt_label}: ")
        except (EOFError, KeyboardInterrupt):
            raise SigningError(f"Chưa nhập {prompt_label.lower()}: không ký.") from None
    raise SigningError(
        f"Thiếu {prompt_label.lower()}: đặt biến môi trường {env_var} "
        "(không ghi mật khẩu trên dòng lệnh) hoặc chạy lệnh trong cửa sổ dòng lệnh để nhập."
    )


# --- keys -------------------------------------------------------------------


@dataclass
class SigningKey:
    """A key able to sign, with its certificate (checked on loading)."""

    signer: object  # pyhanko.sign.signers.Signer
    source: str  # the file or token it came from, for messages
    _session: object = None  # an open PKCS#11 session, closed by close()

    @property
    def certificate(self):
        return self.signer.signing_cert  # asn1crypto x509.Certificate

    @property
    def common_name(self) -> str:
        return _common_name(self.certificate)

    @property
    def subject(self) -> str:
        return self.certificate.subject.human_friendly

    @property
    def serial(self) -> str:
        return format(self.certificate.serial_number, "X")

    def close(self) -> None:
        if self._session is not None:
            try:
                self._session.close()
            finally:
                self._session = None


def _common_name(cert) -> str:
    native = cert.subject.native
    return str(native.get("common_name") or cert.subject.human_friendly)


def _check_certificate(cert, source: str, now: dt.datetime | None = None) -> None:
    """Refuse a certificate outside its validity period or not made for signing
    (key usage digitalSignature or nonRepudiation)."""
    from cryptography import x509

    now = now or dt.datetime.now(dt.timezone.utc)
    pyca = x509.load_der_x509_certificate(cert.dump())
    name = Path(source).name
    cn = _common_name(cert)
    start, end = pyca.not_valid_before_utc, pyca.not_valid_after_utc
    if now < start:
        raise SigningError(
            f"Chứng thư số trong «{name}» ({cn}) chưa có hiệu lực: hiệu lực từ "
            f"{start.astimezone(VN_TZ):%d/%m/%Y %H:%M} đến {end.astimezone(VN_TZ):%d/%m/%Y}. "
            "Dùng chứng thư số đang có hiệu lực."
        )
    if now > end:
        raise SigningError(
            f"Chứng thư số trong «{name}» ({cn}) đã hết hạn ngày {end.astimezone(VN_TZ):%d/%m/%Y}. "
            "Gia hạn chứng thư số với nhà cung cấp dịch vụ chữ ký số rồi ký lại."
        )
    try:
        usage = pyca.extensions.get_extension_for_class(x509.KeyUsage).value
        can_sign = usage.digital_signature or usage.content_commitment
    except x509.ExtensionNotFound:
        can_sign = False
    if not can_sign:
        raise SigningError(
            f"Chứng thư số trong «{name}» ({cn}) không dùng để ký số "
            "(thiếu mục đích sử dụng khóa digitalSignature hoặc nonRepudiation). "
            "Dùng chứng thư số ký văn bản do nhà cung cấp dịch vụ chữ ký số cấp."
        )


def load_pkcs12(path: Path | str, password: str) -> SigningKey:
    """The key and certificate of a PKCS#12 file (.p12/.pfx), checked."""
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign import signers

    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SigningError(f"Không đọc được tệp chữ ký số «{path}»: {exc.strerror or exc}.") from None
    attempts = [password.encode("utf-8")] + ([None] if password == "" else [])
    for secret in attempts:
        try:
            key, cert, _ = pkcs12.load_key_and_certificates(data, secret)
            break
        except ValueError:
            continue
    else:
        raise SigningError(
            f"Không mở được tệp chữ ký số «{path.name}»: sai mật khẩu, hoặc tệp không phải "
            "tệp PKCS#12 (.p12, .pfx). Kiểm tra mật khẩu rồi chạy lại."
        )
    if key is None or cert is None:
        raise SigningError(f"Tệp «{path.name}» không chứa khóa bí mật và chứng thư số để ký.")
    signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=secret)
    _check_certificate(signer.signing_cert, str(path))
    return SigningKey(signer=signer, source=str(path))


def open_pkcs11(module_path: Path | str, token: str | int | None, key_label: str, pin: str) -> SigningKey:
    """The key `key_label` (and its certificate, same label) on a PKCS#11 token.

    `token` is the token's label (str) or a slot number (int); None takes the
    first token. The session stays open until `SigningKey.close()`."""
    import pkcs11
    from pyhanko.sign import pkcs11 as hanko_p11

    module = str(module_path)
    where = f"thiết bị ký số (token) «{token if token is not None else 'đầu tiên'}»"
    if not Path(module).is_file():
        raise SigningError(f"Không tìm thấy thư viện PKCS#11 «{module}» của thiết bị ký số.")
    criteria = hanko_p11.TokenCriteria(label=token) if isinstance(token, str) else None
    slot = token if isinstance(token, int) else None
    try:
        session = hanko_p11.open_pkcs11_session(module, slot_no=slot, token_criteria=criteria, user_pin=pin)
    except pkcs11.exceptions.PinIncorrect:
        raise SigningError(f"Sai mã PIN của {where}. Kiểm tra mã PIN rồi chạy lại (nhập sai nhiều lần sẽ khóa thiết bị).") from None
    except pkcs11.exceptions.PinLocked:
        raise SigningError(f"{where[0].upper()}{where[1:]} đã bị khóa mã PIN: liên hệ nhà cung cấp dịch vụ chữ ký số.") from None
    except hanko_p11.PKCS11Error as exc:
        if "No token" in str(exc):
            raise SigningError(
                f"Không tìm thấy {where} qua thư viện «{module}»: kiểm tra thiết bị đã cắm vào máy "
                "và tên token (token=...) đúng như nhà cung cấp ghi."
            ) from None
        raise SigningError(f"Không mở được {where} qua «{Path(module).name}»: {exc}.") from None
    except Exception as exc:  # noqa: BLE001 - any token failure is the clerk's to fix
        raise SigningError(f"Không mở được {where} qua «{Path(module).name}»: {exc or type(exc).__name__}.") from None
    try:
        signer = hanko_p11.PKCS11Signer(session, cert_label=key_label, key_label=key_label)
        import asyncio

        asyncio.run(signer.ensure_objects_loaded())
    except Exception as exc:  # noqa: BLE001
        session.close()
        raise SigningError(
            f"Không tìm thấy khóa và chứng thư số «{key_label}» trên {where}: {exc or type(exc).__name__}."
        ) from None
    key = SigningKey(signer=signer, source=f"{token}:{key_label}", _session=session)
    try:
        _check_certificate(signer.signing_cert, f"{token} / {key_label}")
    except SigningError:
        key.close()
        raise
    return key


# --- images -----------------------------------------------------------------


def _open_png(path: Path, what: str):
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
            fh.seek(0)
            if head != b"\x89PNG\r\n\x1a\n":
                raise SigningError(
                    f"Tệp {what} «{path.name}» không phải ảnh PNG. Cần ảnh .png nền trong suốt."
                )
            image = Image.open(io.BytesIO(fh.read()))
            image.load()
    except OSError as exc:
        if isinstance(exc, UnidentifiedImageError):
            raise SigningError(f"Tệp {what} «{path.name}» không đọc được như ảnh PNG (tệp hỏng?).") from None
        raise SigningError(f"Không đọc được tệp {what} «{path}»: {exc.strerror or exc}.") from None
    if image.mode not in ("RGBA", "LA"):
        if image.mode == "P" and "transparency" in image.info:
            image = image.convert("RGBA")
        elif image.mode in ("RGB", "L") and "transparency" in image.info:
            image = image.convert("RGBA")
        else:
            raise SigningError(
                f"Ảnh {what} «{path.name}» không có nền trong suốt (không có kênh alpha). "
                "Cần ảnh .png nền trong suốt."
            )
    alpha = image.getchannel("A")
    low, _ = alpha.getextrema()
    if low == 255:
        raise SigningError(
            f"Ảnh {what} «{path.name}» không có điểm ảnh trong suốt nào: nền phải trong suốt. "
            "Cần ảnh .png nền trong suốt."
        )
    if alpha.getbbox() is None:
        raise SigningError(f"Ảnh {what} «{path.name}» trong suốt hoàn toàn: không có gì để in.")
    return image


def load_signature_image(path: Path | str):
    """The signer's signature picture: a PNG with a transparent background."""
    return _open_png(Path(path), "chữ ký")


def seal_min_pixels(diameter_mm: float) -> int:
    """Smallest width in pixels of a seal image readable at its real size."""
    return math.ceil(diameter_mm / 25.4 * SEAL_MIN_DPI)


def load_seal_image(path: Path | str, diameter_mm: float):
    """The agency's seal: a PNG with a transparent background, large enough to
    be read at `diameter_mm` (at least SEAL_MIN_DPI)."""
    image = _open_png(Path(path), "con dấu")
    need = seal_min_pixels(diameter_mm)
    if min(image.size) < need:
        raise SigningError(
            f"Ảnh con dấu «{Path(path).name}» quá nhỏ để đọc được ở kích thước thật "
            f"{diameter_mm:g} mm: ảnh {image.size[0]}×{image.size[1]} điểm ảnh, cần ít nhất "
            f"{need}×{need} ({SEAL_MIN_DPI} dpi). Quét lại con dấu ở độ phân giải cao hơn."
        )
    return image


# --- where the signature goes ------------------------------------------------


@dataclass(frozen=True)
class Rect:
    """A rectangle in PDF user space (points, origin bottom left)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2

    def intersects(self, other: "Rect") -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def union(self, other: "Rect") -> "Rect":
        return Rect(min(self.x0, other.x0), min(self.y0, other.y0), max(self.x1, other.x1), max(self.y1, other.y1))

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (self.x0, self.y0, self.x1, self.y1)


@dataclass(frozen=True)
class SignatureBlock:
    """The signer's block as laid out on a page, and the boxes computed from it."""

    page_index: int  # 0-based
    title: Rect  # the title lines, together
    name: Rect  # the name line
    signer_box: Rect  # the signer's widget: centred between title and name
    seal_box: Rect  # the seal at its real size, over the left third of signer_box
    other_text: tuple[Rect, ...] = ()  # every other text line of the page


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _page_lines(pdf_bytes: bytes):
    """(page index, [(text, Rect)]) for each page, by pdfminer.six."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer, LTTextLine

    for index, page in enumerate(extract_pages(io.BytesIO(pdf_bytes), laparams=LAParams())):
        lines = []

        def walk(item):
            if isinstance(item, LTTextLine):
                text = item.get_text().strip()
                if text:
                    lines.append((text, Rect(item.x0, item.y0, item.x1, item.y1)))
            elif isinstance(item, LTTextContainer) or hasattr(item, "__iter__"):
                for child in item:
                    walk(child)

        for item in page:
            walk(item)
        yield index, lines


def _disc_hits(cx: float, cy: float, r: float, box: Rect) -> bool:
    nx = min(max(cx, box.x0), box.x1)
    ny = min(max(cy, box.y0), box.y1)
    return (nx - cx) ** 2 + (ny - cy) ** 2 < r * r


def locate_signature_block(
    pdf_bytes: bytes,
    title_lines: Sequence[str],
    name: str,
    *,
    seal_diameter_mm: float = 36,
    signature_aspect: float | None = None,
    source: str = "",
) -> SignatureBlock:
    """Find the signer's title lines and name as laid out in the PDF (the last
    place where they stand one under the other, centred on the same column)
    and compute the widgets' boxes:

    - the signer's box, centred between the title and the name (a small margin
      off both), as wide as the picture's proportions allow (`signature_aspect`
      = width / height; None: a text appearance, as wide as the name);
    - the seal's box, `seal_diameter_mm` square, vertically centred on the
      signer's box, its right edge at a third of the signer's box from its left
      (Phụ lục I: "trùm lên khoảng 1/3 hình ảnh chữ ký ... về bên trái"); moved
      left as far as needed so that the seal's disc touches neither the title
      nor the name.
    """
    wanted = [_norm(t) for t in title_lines if t.strip()]
    wanted_name = _norm(name)
    found = None
    for index, lines in _page_lines(pdf_bytes):
        norms = [_norm(t) for t, _ in lines]
        for i, text in enumerate(norms):
            if text != wanted[0]:
                continue
            boxes = [lines[i][1]]
            ok = True
            for extra in wanted[1:]:
                nxt = next((j for j, t in enumerate(norms) if t == extra and abs(lines[j][1].centre[0] - boxes[0].centre[0]) < 40
                            and lines[j][1].y1 <= boxes[-1].y0 + 2 and boxes[-1].y0 - lines[j][1].y1 < 30), None)
                if nxt is None:
                    ok = False
                    break
                boxes.append(lines[nxt][1])
            if not ok:
                continue
            title_box = boxes[0]
            for b in boxes[1:]:
                title_box = title_box.union(b)
            below = [
                (lines[j][1].y1, j) for j, t in enumerate(norms)
                if t == wanted_name and lines[j][1].y1 <= title_box.y0 + 1
                and abs(lines[j][1].centre[0] - title_box.centre[0]) < 40
            ]
            if not below:
                continue
            _, j = max(below)
            name_box = lines[j][1]
            others = tuple(r for k, (_, r) in enumerate(lines) if k != j and r not in boxes)
            found = (index, title_box, name_box, others)
    if found is None:
        title_text = " / ".join(title_lines)
        raise SigningError(
            f"Không tìm thấy chức vụ người ký «{title_text}» và họ tên «{name}» trong tệp PDF"
            + (f" «{Path(source).name}»" if source else "")
            + " để đặt chữ ký số: kiểm tra phần chữ ký của văn bản (chức vụ, họ tên như trong plan.yaml)."
        )
    index, title_box, name_box, others = found
    pad = 2.0
    gap_top, gap_bottom = title_box.y0 - pad, name_box.y1 + pad
    if gap_top - gap_bottom < 24:
        raise SigningError(
            "Khoảng trống giữa chức vụ và họ tên người ký trong văn bản quá hẹp để đặt chữ ký "
            f"({(title_box.y0 - name_box.y1) / MM:.0f} mm): để lại ít nhất 3 dòng trống."
        )
    centre_x = (min(title_box.x0, name_box.x0) + max(title_box.x1, name_box.x1)) / 2
    centre_y = (gap_top + gap_bottom) / 2
    height = gap_top - gap_bottom
    column = max(title_box.width, name_box.width)
    if signature_aspect:
        width = height * signature_aspect
        max_width = max(column * 1.5, 60 * MM)
        if width > max_width:
            width, height = max_width, max_width / signature_aspect
    else:
        width, height = max(name_box.width, 40 * MM), min(height, 14 * MM)
    signer_box = Rect(centre_x - width / 2, centre_y - height / 2, centre_x + width / 2, centre_y + height / 2)
    d = seal_diameter_mm * MM
    r = d / 2
    cx = signer_box.x0 + signer_box.width / 3 - r
    while any(_disc_hits(cx, centre_y, r, b) for b in (title_box, name_box)) and cx > -r:
        cx -= 1
    seal_box = Rect(cx - r, centre_y - r, cx + r, centre_y + r)
    return SignatureBlock(index, title_box, name_box, signer_box, seal_box, others)


# --- the agency's information text ------------------------------------------


def _font_file() -> Path:
    """The regular face of the Times New Roman (or metric twin) the PDFs use."""
    from ..render import fonts

    family = fonts.find_family()
    fc_match = shutil.which("fc-match")
    if fc_match:
        out = subprocess.run([fc_match, "-f", "%{file}|%{family}", f"{family}:style=Regular"],
                             capture_output=True, text=True, timeout=60, check=False).stdout
        path, _, fam = out.partition("|")
        if path and family.lower() in fam.lower() and Path(path).is_file():
            return Path(path)
    wanted = fonts._FILES[family][0]
    for folder in fonts._FONT_DIRS:
        root = Path(folder).expanduser()
        if root.is_dir():
            for hit in root.rglob(wanted):
                return hit
    raise fonts.FontMissingError()


_FONT_CACHE: dict[str, bytes] = {}


def info_font_bytes() -> bytes:
    """The regular face, rescaled to 1000 units per em in memory (pyHanko's text
    layout takes advance widths as thousandths of an em: a 2048-unit font such as
    Liberation Serif or Times New Roman comes out spaced and clipped otherwise)."""
    path = _font_file()
    key = str(path)
    if key not in _FONT_CACHE:
        from fontTools.ttLib import TTFont
        from fontTools.ttLib.scaleUpem import scale_upem

        font = TTFont(str(path))
        if font["head"].unitsPerEm != 1000:
            scale_upem(font, 1000)
        for table in ("FFTM", "DSIG"):  # nothing to subset: fontTools would warn on the console
            if table in font:
                del font[table]
        buf = io.BytesIO()
        font.save(buf)
        _FONT_CACHE[key] = buf.getvalue()
    return _FONT_CACHE[key]


@functools.lru_cache(maxsize=1)
def _metrics():
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(info_font_bytes()))
    return font.getBestCmap(), {g: m for g, m in font["hmtx"].metrics.items()}, font["head"].unitsPerEm


def text_width(text: str, size: float = INFO_FONT_SIZE) -> float:
    """Width of `text` in points in the information font (advance widths)."""
    cmap, hmtx, upem = _metrics()
    total = 0
    for ch in unicodedata.normalize("NFC", text):
        glyph = cmap.get(ord(ch))
        total += hmtx[glyph][0] if glyph else upem // 2
    return total * size / upem


def _wrap(text: str, max_width: float) -> list[str]:
    """`text` in as few lines as `max_width` allows, the lines as even as can be."""
    lines = _wrap_greedy(text, max_width)
    low, high = 0.0, max_width
    while high - low > 1:
        mid = (low + high) / 2
        if len(_wrap_greedy(text, mid)) <= len(lines) and all(text_width(x) <= mid for x in _wrap_greedy(text, mid)):
            high = mid
        else:
            low = mid
    return _wrap_greedy(text, high)


def _wrap_greedy(text: str, max_width: float) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(lines[-1] + " " + word) <= max_width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def format_time(moment: dt.datetime) -> str:
    """ISO 8601 with the Vietnamese offset: 2026-12-01T14:30:05+07:00."""
    return moment.astimezone(VN_TZ).replace(microsecond=0).isoformat()


# --- signing ----------------------------------------------------------------


@dataclass
class Appearance:
    """What the widgets show and where they go."""

    title_lines: Sequence[str]  # the signer's title as in the document
    name: str  # the signer's name as in the document
    agency_name: str  # the agency's name in running text (information text)
    signature_image: object | None = None  # PIL image (load_signature_image) or None
    seal_image: object | None = None  # PIL image (load_seal_image); None: the information text only
    seal_diameter_mm: float = 36
    info_max_width_mm: float = 40  # the information text wraps at this width
    source: str = ""  # the PDF's name, for messages


@dataclass
class SignResult:
    """What `sign_pdf` did: the records for the manifest and notices for the clerk."""

    records: list[dict] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    block: SignatureBlock | None = None
    agency_box: Rect | None = None


def _stamp_classes():
    """pyHanko stamp styles for the two widgets (imported lazily)."""
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.font.api import FontEngineFactory
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.text import TextBox, TextBoxStyle
    from pyhanko.stamp.base import BaseStamp
    from pyhanko.stamp.text import TextStampStyle

    class InMemoryFont(FontEngineFactory):
        """The rescaled face, embedded as a subset; never written to disk."""

        def __init__(self, data: bytes, size: int):
            self.data, self.size = data, size

        def create_font_engine(self, writer, obj_stream=None):
            if obj_stream is None and writer.stream_xrefs:
                obj_stream = writer.prepare_object_stream()
            return GlyphAccumulator(writer=writer, font_handle=io.BytesIO(self.data), font_size=self.size,
                                    bcp47_lang_code="vi", obj_stream=obj_stream)

    def text_style(size: int) -> TextBoxStyle:
        return TextBoxStyle(
            font=InMemoryFont(info_font_bytes(), size), font_size=size, leading=round(size * 1.2),
            box_layout_rule=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MID,
                margins=layout.Margins(0, 0, 0, 0), inner_content_scaling=layout.InnerScaling.NO_SCALING,
            ),
            text_color=(0, 0, 0),
        )

    class PictureStamp(BaseStamp):
        """Draws one image into a given rectangle of the widget, and text lines
        into another (either may be absent)."""

        def __init__(self, writer, style, box, text_params):
            super().__init__(writer=writer, style=style, box=box)
            self.text_params = text_params or {}

        def _render_inner_content(self):
            style = self.style
            out = []
            if style.image is not None:
                x, y, w, h = style.image_rect
                # drawn on the unit square, scaled here: pyHanko's boxes hold whole points only
                img = PdfImage(style.image, writer=self.writer, box=layout.BoxConstraints(1, 1))
                commands = img.render()
                self.import_resources(img.resources)
                out.append(b"q %.3f 0 0 %.3f %.3f %.3f cm %s Q" % (w, h, x, y, commands))
            if style.lines_template:
                ts = self.text_params.get("ts", "")
                if ts[-5:-4] in "+-" and ts[-4:].isdigit():  # +0700 -> +07:00
                    ts = ts[:-2] + ":" + ts[-2:]
                lines = [line.replace("%(ts)s", ts).replace("%(signer)s", self.text_params.get("signer", ""))
                         for line in style.lines_template]
                x, y, w, h = style.text_rect
                tb = TextBox(text_style(style.font_size), writer=self.writer, resources=self.resources,
                             box=layout.BoxConstraints(w, h), font_name="FInfo")
                tb.content = "\n".join(lines)
                out.append(b"q 1 0 0 1 %g %g cm %s Q" % (x, y, tb.render()))
            return out

    from dataclasses import dataclass as _dc

    @_dc(frozen=True)
    class PictureStampStyle(TextStampStyle):
        image: object = None
        image_rect: tuple = (0, 0, 0, 0)  # x, y, w, h in the widget
        lines_template: tuple = ()
        text_rect: tuple = (0, 0, 0, 0)
        font_size: int = INFO_FONT_SIZE

        def create_stamp(self, writer, box, text_params):
            return PictureStamp(writer, self, box, text_params)

    return PictureStampStyle


class _TimedSigner:
    """Builds a pyHanko PdfSigner whose signing session uses a time we chose
    (in +07:00), so the time drawn in the widget, the signature dictionary's /M
    and the CMS signingTime attribute are one moment."""

    @staticmethod
    def make(meta, signer, style, field_spec, moment):
        from pyhanko.sign import signers

        class PdfSignerAt(signers.PdfSigner):
            def init_signing_session(self, pdf_out, existing_fields_only=False):
                session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
                session.system_time = moment
                return session

        return PdfSignerAt(meta, signer, stamp_style=style, new_field_spec=field_spec)


@functools.lru_cache(maxsize=1)
def _pdfa_writer_class():
    """pyHanko's incremental writer, keeping the document information dictionary
    and the XMP metadata in agreement (PDF/A): pyHanko writes "<old>; pyHanko"
    as /Producer in the one and "pyHanko" in the other; both get the latter."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.metadata.model import VENDOR

    class PdfAIncrementalWriter(IncrementalPdfFileWriter):
        def _update_meta(self):
            super()._update_meta()
            if self._info is not None and "/Metadata" in self.root:
                info = self._info.get_object()
                if "/Producer" in info and str(info["/Producer"]) != VENDOR:
                    info["/Producer"] = generic.TextStringObject(VENDOR)
                    self.mark_update(self._info)

    return PdfAIncrementalWriter


def _sign_once(pdf_bytes: bytes, key: SigningKey, role: str, box: Rect, page: int, style, moment) -> bytes:
    from pyhanko.sign import fields, signers

    field_name = FIELD_NAMES[role]
    writer = _pdfa_writer_class()(io.BytesIO(pdf_bytes), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=False,
        name=key.common_name,
        reason="Ký số văn bản điện tử" if role == ROLE_SIGNER else "Ký số của cơ quan, tổ chức",
    )
    spec = fields.SigFieldSpec(
        sig_field_name=field_name, on_page=page,
        box=tuple(round(v, 2) for v in box.as_tuple()),
    )
    pdf_signer = _TimedSigner.make(meta, key.signer, style, spec, moment)
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(writer, output=out)
    except Exception as exc:  # noqa: BLE001 - a token pulled out, a key that refuses...
        raise SigningError(
            f"Không ký được bằng chứng thư số «{key.common_name}» ({Path(key.source).name}): "
            f"{exc or type(exc).__name__}."
        ) from None
    return out.getvalue()


def _record(key: SigningKey, role: str, moment: dt.datetime) -> dict:
    return {
        "role": role,
        "subject": key.subject,
        "common_name": key.common_name,
        "serial": key.serial,
        "signing_time": format_time(moment),
    }


def sign_pdf(
    pdf_bytes: bytes,
    *,
    signer: SigningKey | None,
    agency: SigningKey | None,
    appearance: Appearance,
    now=None,
) -> tuple[bytes, SignResult]:
    """Sign `pdf_bytes`: the signer first, then the agency (either may be None).

    Returns the signed bytes and a SignResult (records for the manifest, one
    per signature; notices for the clerk). `now` (a callable giving an aware
    datetime) is for tests; the default is the clock."""
    result = SignResult()
    if signer is None and agency is None:
        return pdf_bytes, result
    clock = now or (lambda: dt.datetime.now(VN_TZ))
    aspect = None
    if appearance.signature_image is not None:
        w, h = appearance.signature_image.size
        aspect = w / h
    block = locate_signature_block(
        pdf_bytes, appearance.title_lines, appearance.name,
        seal_diameter_mm=appearance.seal_diameter_mm, signature_aspect=aspect, source=appearance.source,
    )
    result.block = block
    Style = _stamp_classes()
    data = pdf_bytes
    if signer is not None:
        sb = _whole(block.signer_box)
        if appearance.signature_image is not None:
            style = Style(border_width=0, background=None, image=appearance.signature_image,
                          image_rect=(0, 0, sb.width, sb.height))
        else:
            result.notices.append(
                "Không có ảnh chữ ký của người ký (signer.signature_image trong plan.yaml): "
                "chữ ký số của người ký hiện bằng chữ (tên người ký)."
            )
            lines = ("Đã ký số:", "%(signer)s")
            style = Style(border_width=0, background=None, lines_template=lines,
                          text_rect=(0, 0, sb.width, sb.height))
        moment = clock().astimezone(VN_TZ).replace(microsecond=0)
        data = _sign_once(data, signer, ROLE_SIGNER, sb, block.page_index, style, moment)
        result.records.append(_record(signer, ROLE_SIGNER, moment))
    if agency is not None:
        seal = block.seal_box
        lines = _wrap(appearance.agency_name, appearance.info_max_width_mm * MM) + ["%(ts)s"]
        widths = [text_width(line) for line in lines[:-1]] + [text_width("0000-00-00T00:00:00+07:00")]
        leading = round(INFO_FONT_SIZE * 1.2)
        text_w, text_h = max(widths) + 2, leading * len(lines) + 7  # room for descenders: nothing clipped
        text_box = _place_info_text(block, text_w, text_h)
        if text_box is None:  # no clear place: beside the seal on its left, and say so
            cy = seal.centre[1]
            text_box = Rect(seal.x0 - 3 - text_w, cy - text_h / 2, seal.x0 - 3, cy + text_h / 2)
            result.notices.append(
                "Thông tin chữ ký số của cơ quan (tên cơ quan, thời gian ký) chạm vào chữ khác của trang: "
                "xem lại trang có chữ ký."
            )
        if appearance.seal_image is None:
            result.notices.append("Không có ảnh con dấu (organization.seal_image): chữ ký số của cơ quan chỉ hiện thông tin.")
            box = _whole(text_box)
        else:
            box = _whole(seal.union(text_box))
        style = Style(
            border_width=0, background=None,
            image=appearance.seal_image,
            image_rect=_image_rect(appearance.seal_image, seal, box) if appearance.seal_image is not None else (0, 0, 0, 0),
            lines_template=tuple(lines),
            text_rect=(text_box.x0 - box.x0, text_box.y0 - box.y0, text_box.width, text_box.height),
            timestamp_format="%Y-%m-%dT%H:%M:%S%z",
        )
        moment = clock().astimezone(VN_TZ).replace(microsecond=0)
        if result.records and moment <= dt.datetime.fromisoformat(result.records[-1]["signing_time"]):
            moment = dt.datetime.fromisoformat(result.records[-1]["signing_time"]) + dt.timedelta(seconds=1)
        data = _sign_once(data, agency, ROLE_AGENCY, box, block.page_index, style, moment)
        result.records.append(_record(agency, ROLE_AGENCY, moment))
        result.agency_box = box
    return data, result


def _place_info_text(block: SignatureBlock, width: float, height: float) -> Rect | None:
    """Where the agency's information text goes, beside the seal: on its left,
    as near its middle height as the page's other lines allow (at most half
    the text below the seal's bottom or above its top); else under it; else
    over it (clear of the title and the name); the first place that touches no
    text of the page."""
    seal, title, name = block.seal_box, block.title, block.name
    cy = seal.centre[1]
    below_x0 = min(seal.x0, name.x0 - 3 - width)
    above_x0 = min(seal.x0, title.x0 - 3 - width)
    left = seal.x0 - 3 - width
    centred = cy - height / 2
    lowest, highest = seal.y0 - height / 2, seal.y1 - height / 2
    steps = sorted(range(int(lowest - centred), int(highest - centred) + 1), key=abs)
    candidates = [
        *(Rect(left, centred + dy, seal.x0 - 3, centred + dy + height) for dy in steps),
        Rect(below_x0, seal.y0 - 2 - height, below_x0 + width, seal.y0 - 2),
        Rect(above_x0, seal.y1 + 2, above_x0 + width, seal.y1 + 2 + height),
    ]
    # keep clear of other lines: a few points above and below, and more than a
    # word space beside them, so the text never reads as the end of another
    # line (the last line of Nơi nhận, say)
    mx, my = 12, 3
    texts = [Rect(t.x0 - mx, t.y0 - my, t.x1 + mx, t.y1 + my) for t in (*block.other_text, title, name)]
    return next((c for c in candidates if c.x0 >= 0 and c.y0 >= 0 and not any(c.intersects(t) for t in texts)), None)


def _whole(rect: Rect) -> Rect:
    """`rect` grown to whole points of width and height, its corner at 1/100 pt:
    pyHanko sizes the appearance's BBox in whole points, and a BBox smaller than
    the widget would be stretched to it (the seal and the 10 pt text with it)."""
    x0, y0 = round(rect.x0, 2), round(rect.y0, 2)
    return Rect(x0, y0, x0 + math.ceil(rect.x1 - x0 - 1e-6), y0 + math.ceil(rect.y1 - y0 - 1e-6))


def _image_rect(image, seal: Rect, box: Rect) -> tuple[float, float, float, float]:
    """The seal drawn `seal.width` wide (its real diameter), proportions kept,
    centred on the seal's box; relative to the widget `box`."""
    w, h = image.size
    draw_w = seal.width
    draw_h = seal.width * h / w
    cx, cy = seal.centre
    return (cx - draw_w / 2 - box.x0, cy - draw_h / 2 - box.y0, draw_w, draw_h)


# --- verifying ----------------------------------------------------------------


@dataclass
class SignatureCheck:
    """One signature of a PDF, as the validator saw it."""

    field: str
    role: str | None  # nguoi_ky / co_quan when the field is ours
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the cryptographic signature matches the certificate
    trusted: bool | None  # chain to trust_roots (None: no roots given)
    whole_file: bool  # covers the file up to its end (nothing added after)
    covers_revision: bool  # covers at least its own revision completely
    common_name: str = ""
    subject: str = ""
    serial: str = ""
    signing_time: str = ""
    subfilter: str = ""
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.covers_revision and self.trusted is not False and not self.problem

    def summary_vi(self, file_name: str = "") -> str:
        who = ROLE_VI.get(self.role or "", self.field)
        where = f"{file_name}: " if file_name else ""
        if not self.ok:
            why = self.problem or (
                "tệp đã bị thay đổi sau khi ký" if not self.intact
                else "chữ ký không khớp với chứng thư số" if not self.valid
                else "chứng thư số không thuộc tổ chức cung cấp dịch vụ tin cậy" if self.trusted is False
                else "chữ ký không bao trùm phiên bản đã ký"
            )
            return f"{where}chữ ký số của {who} ({self.common_name or 'không rõ'}) KHÔNG HỢP LỆ: {why}."
        after = "" if self.whole_file else "; sau chữ ký này tệp có thêm phần ký tiếp theo"
        chain = "; chứng thư số dẫn tới chứng thư gốc tin cậy" if self.trusted else ""
        return (
            f"{where}chữ ký số của {who} hợp lệ: {self.common_name} (số sê-ri {self.serial}), "
            f"ký lúc {self.signing_time}{chain}{after}."
        )


def verify_pdf(pdf: bytes | Path | str, trust_roots: Iterable | None = None) -> list[SignatureCheck]:
    """Validate every signature of a PDF with pyHanko's validator.

    `trust_roots`: certificates (asn1crypto, or DER/PEM bytes) to trust; None
    checks integrity and the signature value only (no chain). A file that cannot
    be parsed as a signed PDF gives one failed SignatureCheck."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.settings import KeyUsageConstraints

    data = pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes()
    roots = None
    if trust_roots is not None:
        roots = [_asn1_cert(c) for c in trust_roots]
    checks = []
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        sigs = list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001
        return [SignatureCheck("?", None, False, False, None, False, False,
                               problem=f"không đọc được tệp PDF đã ký ({exc or type(exc).__name__})")]
    by_field = {v: k for k, v in FIELD_NAMES.items()}
    usage = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)
    with _pyhanko_quiet():
        for sig in sigs:
            checks.append(_check_one(sig, by_field, roots, usage))
    return checks


@contextlib.contextmanager
def _pyhanko_quiet():
    """pyHanko logs a traceback when it cannot build a certificate path (no trust
    list is given in verify-archive): the clerk's console gets the verdict in
    Vietnamese, never that. Scoped to the validation, restored afterwards."""
    loggers = [logging.getLogger(name) for name in ("pyhanko", "pyhanko_certvalidator")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)  # children inherit it (their own level is unset)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def _check_one(sig, by_field, roots, usage) -> "SignatureCheck":
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    name = sig.field_name
    try:
        vc = ValidationContext(trust_roots=roots or [], allow_fetching=False, revocation_mode="soft-fail")
        status = validate_pdf_signature(sig, signer_validation_context=vc, key_usage_settings=usage)
        cert = status.signing_cert
        moment = status.signer_reported_dt
        return SignatureCheck(
            field=name, role=by_field.get(name),
            intact=bool(status.intact), valid=bool(status.valid),
            trusted=bool(status.trusted) if roots else None,
            whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
            covers_revision=status.coverage in (SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION),
            common_name=_common_name(cert), subject=cert.subject.human_friendly,
            serial=format(cert.serial_number, "X"),
            signing_time=format_time(moment) if moment else "",
            subfilter=str(sig.sig_object.get("/SubFilter", "")),
        )
    except Exception as exc:  # noqa: BLE001 - a mangled signature is a failed check, not a crash
        return SignatureCheck(name, by_field.get(name), False, False, None, False, False,
                              problem=f"không kiểm tra được chữ ký ({exc or type(exc).__name__})")


def _asn1_cert(cert):
    from asn1crypto import pem, x509

    if isinstance(cert, x509.Certificate):
        return cert
    if hasattr(cert, "public_bytes"):  # a pyca/cryptography certificate
        from cryptography.hazmat.primitives.serialization import Encoding

        return x509.Certificate.load(cert.public_bytes(Encoding.DER))
    data = bytes(cert)
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return x509.Certificate.load(data)


def read_trust_roots(path: Path | str) -> list:
    """The certificates to trust in verify-archive (TRUST=): a file of one or
    more PEM certificates (a CA bundle) or one DER certificate, as the national
    root CA and the providers publish them. A file that cannot be read or holds
    no certificate is a usage error naming it."""
    from cryptography import x509

    from ..system_errors import describe

    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"Không đọc được tệp chứng thư số gốc tin cậy (TRUST=): {describe(exc)}") from None
    try:
        if b"-----BEGIN" in data:
            certs = x509.load_pem_x509_certificates(data)
        else:
            certs = [x509.load_der_x509_certificate(data)]
    except ValueError:
        certs = []
    if not certs:
        raise UsageError(
            f"Tệp «{path}» (TRUST=) không chứa chứng thư số nào đọc được: cần tệp chứng thư số gốc của tổ chức "
            "cung cấp dịch vụ chứng thực (dạng .pem, .crt hoặc .cer), ví dụ tải từ trang của Trung tâm Chứng "
            "thực điện tử quốc gia.")
    return certs


# --- what the archive calls ------------------------------------------------------

ROLE_ENV = {ROLE_SIGNER: "SIGNER", ROLE_AGENCY: "AGENCY"}  # SIGNER_CERT / SIGNER_PASSWORD ...
_PROMPT = {
    ROLE_SIGNER: "Mật khẩu (hoặc mã PIN) chữ ký số của người ký",
    ROLE_AGENCY: "Mật khẩu (hoặc mã PIN) chữ ký số của cơ quan",
}


@dataclass(frozen=True)
class Pkcs11Uri:
    """A key on a token, named by an RFC 7512 PKCS#11 URI:
    pkcs11:token=<label>;object=<key label>?module-path=/path/to/module.so
    (slot-id=<n> instead of token= is accepted)."""

    module: str
    token: str | int | None
    key_label: str

    @classmethod
    def parse(cls, text: str) -> "Pkcs11Uri":
        from urllib.parse import unquote

        body = text[len("pkcs11:"):]
        path, _, query = body.partition("?")
        attrs = dict(part.split("=", 1) for part in path.split(";") if "=" in part)
        params = dict(part.split("=", 1) for part in query.split("&") if "=" in part)
        attrs = {k: unquote(v) for k, v in attrs.items()}
        params = {k: unquote(v) for k, v in params.items()}
        module, key = params.get("module-path"), attrs.get("object")
        if not module or not key:
            raise SigningError(
                f"Địa chỉ thiết bị ký số «{text}» thiếu module-path hoặc object. Cần dạng: "
                "pkcs11:token=<tên token>;object=<tên khóa>?module-path=<thư viện PKCS#11 của nhà cung cấp>"
            )
        token: str | int | None = attrs.get("token")
        if token is None and "slot-id" in attrs:
            try:
                token = int(attrs["slot-id"])
            except ValueError:
                raise SigningError(f"slot-id «{attrs['slot-id']}» trong «{text}» phải là một số.") from None
        return cls(module=module, token=token, key_label=key)


def open_key(spec: str | Path, role: str) -> SigningKey:
    """The key a command names for `role` (nguoi_ky / co_quan): a PKCS#12 file,
    or a `pkcs11:` URI (Pkcs11Uri). Its password or PIN comes from
    SIGNER_PASSWORD / AGENCY_PASSWORD, else a prompt (read_secret)."""
    secret_var = f"{ROLE_ENV[role]}_PASSWORD"
    text = str(spec)
    if text.startswith("pkcs11:"):
        uri = Pkcs11Uri.parse(text)
        return open_pkcs11(uri.module, uri.token, uri.key_label, read_secret(secret_var, _PROMPT[role]))
    path = Path(text)
    if not path.is_file():
        raise SigningError(f"Không tìm thấy tệp chữ ký số «{path}» ({ROLE_ENV[role]}_CERT).")
    return load_pkcs12(path, read_secret(secret_var, _PROMPT[role]))


def appearance_for(plan, plan_file: Path | str, *, source: str = "") -> Appearance:
    """The widgets' content from plan.yaml: the signer's title and name, the
    agency's name, the signature picture and the seal (checked: PNG,
    transparency, size). A missing picture is allowed (sign_pdf then draws a
    text appearance and says so)."""
    from ..plan import check_image_files, image_path

    check_image_files(plan, Path(plan_file))
    signature = image_path(plan, Path(plan_file), ("signer", "signature_image"))
    seal = image_path(plan, Path(plan_file), ("organization", "seal_image"))
    diameter = plan.organization.seal_diameter_mm
    appearance = Appearance(
        title_lines=plan.signer.title_lines,
        name=plan.signer.name,
        agency_name=plan.organization.text_name,
        signature_image=load_signature_image(signature) if signature else None,
        seal_image=load_seal_image(seal, diameter) if seal else None,
        seal_diameter_mm=diameter,
        source=source,
    )
    return appearance


def check_records(checks: Sequence[SignatureCheck], records: Sequence[dict]) -> list[str]:
    """Everything wrong with an archived file's signatures, in Vietnamese ([]
    when all is well): a signature that fails (summary_vi), bytes added after
    the last signature, and what differs from the manifest's records of them
    (count, order, certificate serials)."""
    problems = [c.summary_vi() for c in checks if not c.ok]
    if checks and all(c.ok for c in checks) and not checks[-1].whole_file:
        problems.append("tệp có thêm nội dung ghi sau chữ ký số cuối cùng (đã bị sửa sau khi ký)")
    if len(checks) != len(records):
        problems.append(f"sổ lưu trữ ghi {len(records)} chữ ký số, tệp có {len(checks)}")
    for check, record in zip(checks, records):
        if check.role != record.get("role") or check.serial != record.get("serial"):
            problems.append(
                f"chữ ký số của {ROLE_VI.get(record.get('role', ''), '?')} trong tệp "
                f"({check.common_name}, sê-ri {check.serial}) khác với sổ lưu trữ "
                f"({record.get('common_name', '?')}, sê-ri {record.get('serial', '?')})"
            )
    return problems


class PreparedSigning:
    """Everything signing needs, checked before any work is done: the images
    (appearance_for) and the keys (open_key, passwords read once). Use it as a
    context manager (tokens are logged out on leaving):

        with PreparedSigning.open(plan, plan_file, signer_cert=..., agency_cert=...) as signing:
            ...                                   # convert the .docx to PDF/A
            signed, result = signing.sign(pdf_bytes, source="045-BC-CCHC-2024-6m.pdf")
    """

    def __init__(self, appearance: Appearance, signer: SigningKey | None, agency: SigningKey | None):
        self.appearance, self.signer, self.agency = appearance, signer, agency

    @classmethod
    def open(cls, plan, plan_file: Path | str, *, signer_cert: str | Path | None = None,
             agency_cert: str | Path | None = None) -> "PreparedSigning":
        appearance = appearance_for(plan, plan_file)
        signer = open_key(signer_cert, ROLE_SIGNER) if signer_cert else None
        try:
            agency = open_key(agency_cert, ROLE_AGENCY) if agency_cert else None
        except BaseException:
            if signer is not None:
                signer.close()
            raise
        return cls(appearance, signer, agency)

    @property
    def active(self) -> bool:
        return self.signer is not None or self.agency is not None

    def sign(self, pdf_bytes: bytes, *, source: str = "") -> tuple[bytes, SignResult]:
        """Sign, then check the result at once (a signature that does not
        validate is never archived)."""
        from dataclasses import replace

        appearance = replace(self.appearance, source=source) if source else self.appearance
        signed, result = sign_pdf(pdf_bytes, signer=self.signer, agency=self.agency, appearance=appearance)
        if self.active:
            problems = check_records(verify_pdf(signed), result.records)
            if problems:
                raise SigningError(f"Tệp «{source or 'PDF'}» vừa ký không kiểm tra được: " + "; ".join(problems) + ".")
        return signed, result

    def close(self) -> None:
        for key in (self.signer, self.agency):
            if key is not None:
                key.close()

    def __enter__(self) -> "PreparedSigning":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
