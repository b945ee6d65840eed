"""Text typed with legacy Vietnamese fonts (TCVN3/ABC, VNI-Windows).

Old templates still use .VnTime (TCVN3) or VNI-Times fonts: the cell then holds
Latin-1 look-alikes ("Hoµn thµnh", "Hoaøn thaønh") instead of Unicode Vietnamese.
`fix_legacy(text)` returns (unicode_text, encoding_name) when the text looks like
one of them, else (text, None); the caller converts and warns, so the clerk can
check the conversion.

Detection needs a "marker": a character that does not occur in Unicode
Vietnamese text but is typical of the legacy encoding, and the converted text
must come out as Vietnamese letters. Limits: TCVN3 keeps capitals in a separate
font (.VnTimeH), so accented capitals come back in lower case.
"""

from __future__ import annotations

import re
import unicodedata

# TCVN3 (ABC) single-byte code -> Unicode letter (lower-case font).
_TCVN3 = {
    "µ": "à", "¸": "á", "¶": "ả", "·": "ã", "¹": "ạ",
    "¨": "ă", "»": "ằ", "¾": "ắ", "¼": "ẳ", "½": "ẵ", "Æ": "ặ",
    "©": "â", "Ç": "ầ", "Ê": "ấ", "È": "ẩ", "É": "ẫ", "Ë": "ậ",
    "®": "đ",
    "Ì": "è", "Ð": "é", "Î": "ẻ", "Ï": "ẽ", "Ñ": "ẹ",
    "ª": "ê", "Ò": "ề", "Õ": "ế", "Ó": "ể", "Ô": "ễ", "Ö": "ệ",
    "×": "ì", "Ý": "í", "Ø": "ỉ", "Ü": "ĩ", "Þ": "ị",
    "ß": "ò", "ã": "ó", "á": "ỏ", "â": "õ", "ä": "ọ",
    "«": "ô", "å": "ồ", "è": "ố", "æ": "ổ", "ç": "ỗ", "é": "ộ",
    "¬": "ơ", "ê": "ờ", "í": "ớ", "ë": "ở", "ì": "ỡ", "î": "ợ",
    "ï": "ù", "ó": "ú", "ñ": "ủ", "ò": "ũ", "ô": "ụ",
    "\u00ad": "ư", "õ": "ừ", "ø": "ứ", "ö": "ử", "÷": "ữ", "ù": "ự",
    "ú": "ỳ", "ý": "ý", "û": "ỷ", "ü": "ỹ", "þ": "ỵ",
    "¡": "Ă", "¢": "Â", "£": "Ê", "¤": "Ô", "¥": "Ơ", "¦": "Ư", "§": "Đ",
}
# characters never found in Unicode Vietnamese but common in TCVN3 text
_TCVN3_MARKERS = set("µ¸¶·¹¨»¾¼½Æ©ÇËÎÏÑªÖ×ØÜÞßä«åæçë®îïñöø÷þ¡¢£¤¥¦§\u00ad¬û")
_TCVN3_TABLE = str.maketrans(_TCVN3)

# VNI-Windows: a base letter followed by mark characters.
_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRC, _BREVE = "\u0302", "\u0306"
_VNI_MARKS = {
    "ø": _GRAVE, "ù": _ACUTE, "û": _HOOK, "õ": _TILDE, "ï": _DOT,
    "â": _CIRC, "ê": _BREVE,
    "à": _CIRC + _GRAVE, "á": _CIRC + _ACUTE, "å": _CIRC + _HOOK, "ã": _CIRC + _TILDE, "ä": _CIRC + _DOT,
    "è": _BREVE + _GRAVE, "é": _BREVE + _ACUTE, "ú": _BREVE + _HOOK, "ü": _BREVE + _TILDE, "ë": _BREVE + _DOT,
}
_VNI_MARKS.update({k.upper(): v for k, v in list(_VNI_MARKS.items())})
_VNI_SINGLE = {"ô": "ơ", "ö": "ư", "ñ": "đ", "Ô": "Ơ", "Ö": "Ư", "Ñ": "Đ",
               "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ", "Æ": "Ỉ", "Ó": "Ĩ", "Ò": "Ị", "Î": "Ỵ"}
# marks that never occur in Unicode Vietnamese (ù, ó, â... do, so they are no proof)
_VNI_MARKERS = set("øûïöñæîäëåüØÛÏÖÑÆÎÄËÅÜ")
_VNI_SEQ = re.compile("([aeiouyAEIOUYôöÔÖ])([" + "".join(_VNI_MARKS) + "]+)")


def _from_vni(text: str) -> str:
    def repl(m: re.Match) -> str:
        base = _VNI_SINGLE.get(m.group(1), m.group(1))
        return base + "".join(_VNI_MARKS[c] for c in m.group(2))

    out = _VNI_SEQ.sub(repl, text)
    out = "".join(_VNI_SINGLE.get(c, c) for c in out)
    return unicodedata.normalize("NFC", out)


def _looks_vietnamese(text: str) -> bool:
    """No leftover Latin-1 symbols and only letters a Vietnamese word can hold."""
    for ch in text:
        if ch.isascii():
            continue
        name = unicodedata.name(ch, "")
        if not name.startswith("LATIN") or ch in "æøßþ":
            return False
    return True


def fix_legacy(text: str) -> tuple[str, str | None]:
    """(converted text, "TCVN3"/"VNI") when `text` looks legacy-encoded, else (text, None)."""
    if not text or text.isascii():
        return text, None
    chars = set(text)
    # VNI first: its sequences (vowel + mark) are specific
    if chars & _VNI_MARKERS and _VNI_SEQ.search(text):
        converted = _from_vni(text)
        if converted != text and _looks_vietnamese(converted) and not (set(converted) & set("øùûõïñöæî")):
            return converted, "VNI"
    if chars & _TCVN3_MARKERS:
        converted = unicodedata.normalize("NFC", text.translate(_TCVN3_TABLE))
        if _looks_vietnamese(converted):
            return converted, "TCVN3"
    return text, None


def legacy_candidates(text: str) -> list[tuple[str, str]]:
    """Every plausible reading of a short coded value (for matching "Cã" = "Có"
    even without a marker): [(converted, encoding)]."""
    out = []
    for name, conv in (("TCVN3", lambda t: unicodedata.normalize("NFC", t.translate(_TCVN3_TABLE))), ("VNI", _from_vni)):
        converted = conv(text)
        if converted != text:
            out.append((converted, name))
    return out
