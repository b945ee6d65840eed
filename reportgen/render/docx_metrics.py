"""Text widths in Times New Roman, for lengths the template cannot know in advance.

Nghị định 30 wants a solid line under the agency name and under the trích yếu
that is 1/3 to 1/2 of the text's length, and one under the Tiêu ngữ exactly as
long as the text. Word has no "line as long as the paragraph above" feature, so
the renderer measures the text with these advance widths and sets the rule
paragraph's indents.

The widths are those of Times New Roman (identical in the metric-compatible
Liberation Serif and Tinos, from which they were read) in 1/2048 em, for
U+0020..U+007E. Vietnamese letters are measured by their base letter: the
precomposed glyphs keep the base advance, except the horned ơ, ư, Ư (table
below). No font file is read at run time, so the result is the same on every
machine.
"""

from __future__ import annotations

import unicodedata

UNITS_PER_EM = 2048

_ASCII_BOLD = (
    512, 682, 1137, 1024, 1024, 2048, 1706, 569, 682, 682, 1024, 1167, 512, 682, 512, 569,
    1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 682, 682, 1167, 1167, 1167, 1024,
    1905, 1479, 1366, 1479, 1479, 1366, 1251, 1593, 1593, 797, 1024, 1593, 1366, 1933, 1479, 1593,
    1251, 1593, 1479, 1139, 1366, 1479, 1479, 2048, 1479, 1479, 1366, 682, 569, 682, 1190, 1024,
    682, 1024, 1139, 909, 1139, 909, 682, 1024, 1139, 569, 682, 1139, 569, 1706, 1139, 1024,
    1139, 1139, 909, 797, 682, 1139, 1024, 1479, 1024, 1024, 909, 807, 451, 807, 1065,
)
_ASCII_REGULAR = (
    512, 682, 836, 1024, 1024, 1706, 1593, 369, 682, 682, 1024, 1155, 512, 682, 512, 569,
    1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 569, 569, 1155, 1155, 1155, 909,
    1886, 1479, 1366, 1366, 1479, 1251, 1139, 1479, 1479, 682, 797, 1479, 1251, 1821, 1479, 1479,
    1139, 1479, 1366, 1139, 1251, 1479, 1479, 1933, 1479, 1479, 1251, 682, 569, 682, 961, 1024,
    682, 909, 1024, 909, 1024, 909, 682, 1024, 1024, 569, 569, 1024, 569, 1593, 1024, 1024,
    1024, 1024, 682, 797, 569, 1024, 1024, 1479, 1024, 1024, 909, 983, 410, 983, 1108,
)
_HORN_BOLD = {"o": 1134, "U": 1630, "u": 1229}
_HORN_REGULAR = {"o": 1083, "U": 1589, "u": 1110}
_SPECIAL = {"Đ": "D", "đ": "d", "\u00a0": " ", "\u2013": "-", "\u2014": "-"}
_FALLBACK = 1024  # half an em for anything else (digits and most letters are close)


def char_units(ch: str, bold: bool) -> int:
    """Advance width of one (NFC) character in 1/2048 em."""
    table = _ASCII_BOLD if bold else _ASCII_REGULAR
    horn = _HORN_BOLD if bold else _HORN_REGULAR
    ch = _SPECIAL.get(ch, ch)
    parts = unicodedata.normalize("NFD", ch)
    base = parts[0]
    if "\u031b" in parts[1:] and base in horn:
        return horn[base]
    code = ord(base)
    if 0x20 <= code <= 0x7E:
        return table[code - 0x20]
    if unicodedata.combining(base):
        return 0
    return _FALLBACK


def text_width_pt(text: str, size_pt: float, bold: bool) -> float:
    """Width of `text` set on one line, in points."""
    units = sum(char_units(ch, bold) for ch in unicodedata.normalize("NFC", text))
    return units * size_pt / UNITS_PER_EM


def wrap_lines(text: str, size_pt: float, bold: bool, avail_pt: float) -> list[str]:
    """Greedy word wrap as Word does it for a paragraph without hyphenation."""
    lines: list[str] = []
    for hard in text.split("\n"):
        current = ""
        for word in hard.split(" "):
            candidate = word if not current else f"{current} {word}"
            if current and text_width_pt(candidate.rstrip(), size_pt, bold) > avail_pt:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
    return [line.strip() for line in lines]


def longest_line_pt(text: str, size_pt: float, bold: bool, avail_pt: float) -> float:
    return max((text_width_pt(line, size_pt, bold) for line in wrap_lines(text, size_pt, bold, avail_pt)), default=0.0)
