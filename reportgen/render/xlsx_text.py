"""Text stays text in every .xlsx the project writes (openpyxl).

openpyxl turns any string that starts with `=` into a live formula, and Excel
re-reads `+`, `-`, `@` (and a leading tab or CR) as the start of one when the
cell is edited: a task text `=HYPERLINK(...)` or `=cmd|...` from plan.yaml or a
department's file would run in the clerk's Excel. And a control character
(ESC, BEL...) in a string makes openpyxl refuse the whole workbook.

    from reportgen.render.xlsx_text import text_value, keep_as_text

    ws.append([code, text_value(task.text)])    # control characters made visible
    ...
    keep_as_text(wb)                             # just before wb.save(...)

`keep_as_text` makes every string cell that looks like a formula a plain string
cell with Excel's "quote prefix" (shown as typed, kept as text when edited).
The project never writes a formula in a cell (drop-downs are data validations),
so every formula-looking string is data.
"""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ..text_controls import visible

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_value(value):
    """`value` ready for a cell: a string's control characters openpyxl cannot
    store are written out (`\\x1b`); anything else unchanged."""
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        return ILLEGAL_CHARACTERS_RE.sub(lambda m: visible(m.group(0)), value)
    return value


def set_text(cell, value) -> None:
    """Write `value` into `cell`; a string is always stored as text."""
    cell.value = text_value(value)
    _as_text(cell)


def _as_text(cell) -> None:
    value = cell.value
    if isinstance(value, str) and (cell.data_type == "f" or value.startswith(FORMULA_STARTS)):
        cell.data_type = "s"
        cell.quotePrefix = True


def keep_as_text(workbook) -> None:
    """Every formula-looking string cell of `workbook` stored as text."""
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                _as_text(cell)
