"""The draft's record: what `make report` keeps to recognise its draft later.

Written beside the draft, in the same atomic set of files, as
`BC-CCHC-<year>-<period>.draft.json`:

    {"format": 1, "report": "BC-CCHC-2024-6m", "year": 2024, "period": "6m",
     "docx_sha256": "<the draft as written>",
     "inputs": {"2024/plan.yaml": "<sha256>", ...},      every input file read
     "figures": {... figures.json ...},                  the figures it was made from
     "lines": [{"paragraph": "Trong kỳ, Ban tiếp nhận 1.756 hồ sơ…",
                "text": "<the whole paragraph or table row>",
                "numbers": [{"text": "1.756", "figures": ["tthc.received"]}, ...]}, ...]}

A sidecar rather than a part inside the .docx: it survives whatever program
saves the draft (Word, LibreOffice) because no program touches it; when it is
missing (the draft copied elsewhere alone) `make check` and `make archive` say
so and compare the draft with what the data gives now.

`figures` of a number are the paths (as in figures.json) of the figures whose
value is written that way; empty for numbers that come from a department's own
text or are computed in the sentence (a share, a change in percent).
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

from .. import vi_format
from ..digest import sha256_bytes
from ..periods import report_name
from .draft_text import comparable, docx_blocks, first_words, numbers

FORMAT = 1
SUFFIX = ".draft.json"


class RecordUnreadable(ValueError):
    """The sidecar exists but cannot be read."""


def record_name(year: int, period: str) -> str:
    return f"{report_name(year, period)}{SUFFIX}"


# ------------------------------------------------------------------ figures behind numbers


def _leaves(value, path: str):
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from _leaves(sub, f"{path}.{key}" if path else str(key))
    elif not isinstance(value, list):
        yield path, value


def figure_index(figures: dict) -> dict[str, list[str]]:
    """How each figure of figures.json is written in the text -> its paths."""
    index: dict[str, list[str]] = {}

    def add(text: str, path: str) -> None:
        paths = index.setdefault(text, [])
        if path not in paths:
            paths.append(path)

    def period(p: dict | None, prefix: str) -> None:
        if not p:
            return
        for key in ("start", "end"):
            if p.get("window", {}).get(key):
                add(vi_format.date(_date(p["window"][key])), f"{prefix}window.{key}")
        if p.get("due_before"):
            add(vi_format.date(_date(p["due_before"])), f"{prefix}due_before")
        for path, value in _leaves(p.get("tthc", {}), f"{prefix}tthc"):
            if isinstance(value, int) and not isinstance(value, bool):
                add(vi_format.number(value), path)
                if 0 < value < 10:
                    add(f"{value:02d}", path)
        for code, ind in (p.get("indicators") or {}).items():
            base = f"{prefix}indicators.{code}"
            num, den = ind.get("numerator"), ind.get("denominator")
            if ind.get("unit") == "rate":
                if num is not None and den:
                    add(vi_format.percent(Fraction(num) / Fraction(den)), f"{base}.value")
                    add(vi_format.number(num), f"{base}.numerator")
                    add(vi_format.number(den), f"{base}.denominator")
                if isinstance(ind.get("target"), (int, float)) and not isinstance(ind.get("target"), bool):
                    add(vi_format.percent(Fraction(str(ind["target"]))), f"{base}.target")
            elif ind.get("unit") == "count":
                for key in ("value", "target"):
                    v = ind.get(key)
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        add(vi_format.number(v), f"{base}.{key}")

    period(figures, "")
    comparison = figures.get("comparison") or {}
    for name in ("previous", "same_period_last_year"):
        period(comparison.get(name), f"comparison.{name}.")
    return index


def _date(text: str):
    import datetime as dt

    return dt.date.fromisoformat(text)


def flat_figures(figures: dict) -> dict[str, object]:
    """Every figure of figures.json by path ('tthc.received': 1756): to name the
    figures that changed between two runs."""
    return dict(_leaves(figures, ""))


# ------------------------------------------------------------------ the record


def lines_of(docx: bytes, figures: dict) -> list[dict]:
    index = figure_index(figures)
    out = []
    for block in docx_blocks(docx):
        text = comparable(block)
        out.append({
            "paragraph": first_words(text),
            "text": text,
            "numbers": [{"text": n.text, "figures": index.get(n.text, [])} for n in numbers(text)],
        })
    return out


def build_record(docx: bytes, figures_json: bytes, inputs: dict[str, str], year: int, period: str) -> bytes:
    """The sidecar of a draft, as bytes (UTF-8 JSON)."""
    figures = json.loads(figures_json)
    record = {
        "format": FORMAT,
        "report": report_name(year, period),
        "year": year,
        "period": period,
        "docx_sha256": sha256_bytes(docx),
        "inputs": dict(sorted(inputs.items())),
        "figures": figures,
        "lines": lines_of(docx, figures),
    }
    return (json.dumps(record, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def read_record(path: Path) -> dict:
    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(record, dict) or record.get("format") != FORMAT:
            raise ValueError("không đúng định dạng")
        for key in ("report", "year", "period", "inputs", "figures", "lines"):
            if key not in record:
                raise ValueError(f"thiếu khóa «{key}»")
        return record
    except (OSError, ValueError, TypeError) as exc:
        raise RecordUnreadable(f"Bản ghi dự thảo «{path}» không đọc được ({exc}).") from None
