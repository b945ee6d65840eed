"""Sample signature picture and seal for the signed report (deterministic).

    python tools/make_signature_images.py [inputs/2024]

Writes, next to the year's plan.yaml:
    chu-ky.png   a handwriting-like signature stroke, dark blue, transparent background
    con-dau.png  a red round seal with the agency's name (organization.name) around
                 its rim and the parent body's name in the middle, transparent background,
                 600 x 600 pixels (423 dpi at 36 mm: readable at its real size)

Both are drawn by Pillow from fixed numbers: the same files each run. They are
samples for the tests and the demonstration only; an agency uses the scan of
its own seal and the signer's own signature.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import yaml
from PIL import Image, ImageDraw, ImageFont

RED = (218, 30, 40, 255)
INK = (20, 35, 120, 255)
FONT_DIRS = ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation", "/usr/share/fonts")


def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    name = "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"
    for folder in FONT_DIRS:
        for path in Path(folder).rglob(name):
            return ImageFont.truetype(str(path), size)
    raise SystemExit(f"không tìm thấy phông {name} (apt-get install fonts-liberation2)")


def seal(name: str, middle: str, size: int = 600) -> Image.Image:
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    c = size / 2
    d.ellipse((8, 8, size - 8, size - 8), outline=RED, width=14)
    d.ellipse((118, 118, size - 118, size - 118), outline=RED, width=6)
    # the agency's name around the rim, letter by letter, clockwise from the left
    font = _font(True, 44)
    text = f"{name} ★ "
    radius = c - 62
    span = 300.0  # degrees used by the text
    step = span / max(len(text), 1)
    for i, ch in enumerate(text):
        angle = math.radians(-240 + i * step + step / 2)
        x, y = c + radius * math.cos(angle), c + radius * math.sin(angle)
        tile = Image.new("RGBA", (80, 80), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((40, 40), ch, font=font, fill=RED, anchor="mm")
        tile = tile.rotate(-math.degrees(angle) - 90, resample=Image.BICUBIC)
        img.alpha_composite(tile, (int(x - 40), int(y - 40)))
    # the parent body in the middle, a star above
    star = [(c + (34 if k % 2 == 0 else 14) * math.cos(math.radians(-90 + k * 36)),
             c - 80 + (34 if k % 2 == 0 else 14) * math.sin(math.radians(-90 + k * 36))) for k in range(10)]
    d.polygon(star, fill=RED)
    mid = _font(True, 34)
    words = middle.split()
    lines = [" ".join(words[: len(words) // 2]), " ".join(words[len(words) // 2:])] if len(words) > 2 else [middle]
    for i, line in enumerate(lines):
        d.text((c, c + 10 + i * 42), line, font=mid, fill=RED, anchor="mm")
    return img


def signature(width: int = 720, height: int = 300) -> Image.Image:
    img = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    points = []
    for i in range(400):
        t = i / 399
        x = 40 + t * (width - 120)
        y = height * 0.55 - 70 * math.sin(t * 5.2 * math.pi) * (1 - 0.6 * t) - 30 * math.sin(t * 17) * t
        points.append((x, y))
    d.line(points, fill=INK, width=7, joint="curve")
    # a loop and the final flourish
    d.arc((width * 0.18, height * 0.15, width * 0.36, height * 0.75), 100, 430, fill=INK, width=6)
    d.line([(width * 0.1, height * 0.82), (width * 0.55, height * 0.72), (width - 30, height * 0.78)], fill=INK, width=5)
    return img.crop(img.getchannel("A").getbbox())


def main(argv: list[str]) -> int:
    folder = Path(argv[1] if len(argv) > 1 else "inputs/2024")
    plan = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    org = plan["organization"]
    seal(org["name"], org.get("parent") or "").save(folder / "con-dau.png", optimize=False)
    signature().save(folder / "chu-ky.png", optimize=False)
    print(f"Đã ghi {folder / 'chu-ky.png'} và {folder / 'con-dau.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
