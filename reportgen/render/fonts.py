"""Which Times New Roman (or metric twin) the PDF is set in, found with fontconfig.

Nghị định 30 asks for Times New Roman. Where it is not installed (Linux servers),
a metric-compatible twin keeps every line break where Word would put it:
Liberation Serif (fonts-liberation2) or Tinos (fonts-croscore). A family counts
only when its four faces (regular, bold, italic, bold italic) are all there, so
WeasyPrint never fakes a bold or an italic. When none is found the renderer
stops with a message saying how to install one: it never falls back silently to
whatever fontconfig offers (DejaVu on most machines).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

from ..diagnostics import ReportgenError

# In order of preference.
FAMILIES = ("Times New Roman", "Liberation Serif", "Tinos")

# File names of the four faces, for machines without the fc-list binary.
_FILES = {
    "Times New Roman": ("times.ttf", "timesbd.ttf", "timesi.ttf", "timesbi.ttf"),
    "Liberation Serif": ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf",
                         "LiberationSerif-Italic.ttf", "LiberationSerif-BoldItalic.ttf"),
    "Tinos": ("Tinos-Regular.ttf", "Tinos-Bold.ttf", "Tinos-Italic.ttf", "Tinos-BoldItalic.ttf"),
}
_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")

# The four faces as (bold, italic).
_FACES = {(False, False), (True, False), (False, True), (True, True)}

INSTALL_HINT = (
    "Không tìm thấy phông chữ Times New Roman hoặc phông tương thích (Liberation Serif, Tinos) "
    "đủ bốn kiểu chữ (thường, đậm, nghiêng, đậm nghiêng) để tạo tệp PDF theo Nghị định 30. "
    "Cài phông bằng lệnh: sudo apt-get install fonts-liberation2 (hoặc fonts-croscore), "
    "hoặc chạy: bash tools/ensure-fonts.sh; sau đó chạy lại lệnh."
)


class FontMissingError(ReportgenError):
    """No Times New Roman nor a metric-compatible twin on this machine."""

    def __init__(self) -> None:
        super().__init__(INSTALL_HINT)


def _faces_from_fc_list(fc_list: str) -> dict[str, set[tuple[bool, bool]]]:
    """family -> faces present, from `fc-list` (weight >= 200 is bold, slant > 0 italic)."""
    out = subprocess.run(
        [fc_list, "--format", "%{family}|%{weight}|%{slant}\n"],
        capture_output=True, text=True, timeout=60, check=False,
    ).stdout
    faces: dict[str, set[tuple[bool, bool]]] = {}
    for line in out.splitlines():
        try:
            families, weight, slant = line.rsplit("|", 2)
            bold = float(weight.split()[0].strip("[]")) >= 200
            italic = float(slant.split()[0].strip("[]")) > 0
        except ValueError:
            continue
        for family in families.split(","):
            faces.setdefault(family.strip(), set()).add((bold, italic))
    return faces


def _faces_from_files() -> dict[str, set[tuple[bool, bool]]]:
    found: set[str] = set()
    for folder in _FONT_DIRS:
        root = Path(folder).expanduser()
        if root.is_dir():
            found.update(p.name for p in root.rglob("*.ttf"))
    return {family: set(_FACES) for family, files in _FILES.items() if set(files) <= found}


def find_family() -> str:
    """The first of FAMILIES installed with all four faces; FontMissingError otherwise.

    Asked again each time (one fc-list run, about 10 ms): a font installed while
    the program runs counts, and nothing is cached that tests must clear."""
    fc_list = shutil.which("fc-list")
    faces = _faces_from_fc_list(fc_list) if fc_list else _faces_from_files()
    for family in FAMILIES:
        if _FACES <= faces.get(family, set()):
            return family
    raise FontMissingError()


def is_acceptable(font_name: str) -> bool:
    """Whether an embedded PDF font name (e.g. 'ABCDEF+Liberation-Serif-Bold') is one of
    FAMILIES: the check the tests and the renderer make after the fact."""
    def squash(text: str) -> str:
        return "".join(ch for ch in text.lower() if ch.isalnum())

    base = squash(font_name.lstrip("/").split("+", 1)[-1])
    return any(base.startswith(squash(f)) for f in FAMILIES)


def _checksum(data: bytes) -> int:
    data += b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(data) // 4}L", data)) & 0xFFFFFFFF


def freeze_timestamp(font: bytes) -> bytes:
    """A TrueType/OpenType font with head.modified set to head.created.

    HarfBuzz stamps the subset it builds with the current time, so the same PDF
    rendered twice would differ; the font's own creation date keeps it stable.
    Checksums (the head table's and checkSumAdjustment) are recomputed. Anything
    that does not parse as an sfnt is returned unchanged.
    """
    try:
        num_tables = struct.unpack_from(">H", font, 4)[0]
        for i in range(num_tables):
            entry = 12 + 16 * i
            tag, _, offset, length = struct.unpack_from(">4sLLL", font, entry)
            if tag == b"head" and length >= 54 and offset + length <= len(font):
                break
        else:
            return font
    except struct.error:
        return font
    data = bytearray(font)
    data[offset + 28:offset + 36] = data[offset + 20:offset + 28]  # modified := created
    data[offset + 8:offset + 12] = b"\0\0\0\0"  # checkSumAdjustment, computed last
    struct.pack_into(">L", data, entry + 4, _checksum(bytes(data[offset:offset + length])))
    struct.pack_into(">L", data, offset + 8, (0xB1B0AFBA - _checksum(bytes(data))) & 0xFFFFFFFF)
    return bytes(data)
