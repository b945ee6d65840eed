"""Invisible characters in user text that must not act on the tool's own words.

- Bidirectional controls (U+202A-U+202E embeddings and overrides, U+2066-U+2069
  isolates, U+200E/U+200F marks, U+061C): a U+202E in a department's text would
  reverse every word after it, the tool's own included ("(gnòhp năV)").
  `strip_bidi` removes them; it is applied where user text enters the program,
  once: plan.yaml as read (plan.load_plan) and every cell of a workbook or
  dossier log (intake.values.clean_text, the ids of dossier logs). The .docx,
  the PDF and the review page then never receive one (docs/decisions.md).
- Control characters in messages (ESC starting a terminal escape sequence, BEL,
  a bare CR that rewrites the line...): `visible` shows them as `\\x1b`, `\\u202e`
  (four or six plain characters) so nothing from a file reaches the clerk's
  terminal raw. The console applies it to everything printed from a message.
- File names are the clerk's to find in a folder, so they are never changed:
  `file_name` shows a path's last part with its control characters written out
  (a name holding U+202E is shown with `\\u202e`, not reversed), for the review
  page and its console summary.
"""

from __future__ import annotations

import re
from pathlib import PurePath

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
# C0 controls, DEL, C1 controls, the bidi controls, line and paragraph separators
_INVISIBLE = re.compile(f"[\x00-\x1f\x7f-\x9f{BIDI_CONTROLS}\u2028\u2029]")


def strip_bidi(text: str) -> str:
    """`text` without bidirectional control characters."""
    return _BIDI.sub("", text) if _BIDI.search(text) else text


def has_bidi(text: str) -> bool:
    return _BIDI.search(text) is not None


def _escape(match: re.Match) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every control character written out (`\\x1b`, `\\t`-like codes
    as `\\x09`, bidi controls as `\\u202e`); line breaks kept when asked."""
    if keep_newlines:
        return "\n".join(_INVISIBLE.sub(_escape, line) for line in str(text).split("\n"))
    return _INVISIBLE.sub(_escape, str(text))


def file_name(path) -> str:
    """The last part of `path` as shown to the clerk: every control character
    written out (`visible`), so a bidi control in a file's name neither reorders
    the words around it nor hides from the clerk looking for the file."""
    return visible(PurePath(str(path)).name)
