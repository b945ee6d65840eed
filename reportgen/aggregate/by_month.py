"""`tthc.by_month`: the window's dossier figures per calendar month (review.md).

For every month of the window, overall and per plan department:

    received, online, direct, postal    by the month of Ngày tiếp nhận (R), of the
                                        dossiers received in the window
    resolved, early, on_time, late      by the month of Ngày trả kết quả (C), of
                                        the dossiers resolved in the window

so that the months sum to the window's figures (dossiers.dossier_figures). Like
the rest of aggregation it is vectorised: the window's masks, then one
histogram (np.bincount) of an integer key (department, month, channel or
outcome) for each half; no Python loop over dossiers.

Withdrawn dossiers (a `withdrawn` column in the dossier frame, see
`withdrawn_mask`) are left out: `keep` is the mask of the dossiers that count.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..figures import MonthlyFigures, MonthStats
from .dossiers import DossierArrays, _window_masks, day_number

_CHANNELS = 4  # 0 online, 1 direct, 2 postal, 3 blank (DossierArrays.channel_code)
_OUTCOMES = 3  # 0 early, 1 on time, 2 late


def withdrawn_mask(frame: pd.DataFrame) -> np.ndarray | None:
    """The dossiers marked withdrawn (column `withdrawn`, True for a withdrawn or
    cancelled dossier), or None when the frame has no such column."""
    if "withdrawn" not in frame.columns:
        return None
    column = frame["withdrawn"]
    if column.dtype == bool:
        return column.to_numpy()
    return column.to_numpy(dtype=bool, na_value=False)


def _month_number(year: int, month: int) -> int:
    return (year - 1970) * 12 + (month - 1)


def _months(days: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of int32 day numbers (days since 1970-01-01)."""
    return days.astype("datetime64[D]").astype("datetime64[M]").view("int64")


def month_keys(start: dt.date, end: dt.date) -> list[str]:
    """'YYYY-MM' of every calendar month from start's to end's, in order."""
    first, last = _month_number(start.year, start.month), _month_number(end.year, end.month)
    return [f"{1970 + m // 12:04d}-{m % 12 + 1:02d}" for m in range(first, last + 1)]


def monthly_figures(arrays: DossierArrays, start: dt.date, end: dt.date,
                    keep: np.ndarray | None = None) -> MonthlyFigures:
    """The window start..end (both included) month by month, overall and for every
    plan department (plan order); `keep` (optional) the dossiers that count."""
    first, last = day_number(start), day_number(end)
    received, _, resolved = _window_masks(arrays, first, last)
    if keep is not None:
        received &= keep
        resolved &= keep
    keys = month_keys(start, end)
    months = len(keys)
    first_month = _month_number(start.year, start.month)
    groups = len(arrays.departments) + 1  # 0: no plan department (counted overall only)

    rows = np.flatnonzero(received)
    key = arrays.department_key[rows].astype(np.int64) * months
    key += _months(arrays.received[rows]) - first_month
    key *= _CHANNELS
    key += arrays.channel_code[rows]
    by_channel = np.bincount(key, minlength=groups * months * _CHANNELS).reshape(groups, months, _CHANNELS)

    rows = np.flatnonzero(resolved)
    returned, due = arrays.returned[rows], arrays.due[rows]
    outcome = 1 + (returned > due).view(np.int8) - (returned < due).view(np.int8)
    key = arrays.department_key[rows].astype(np.int64) * months
    key += _months(returned) - first_month
    key *= _OUTCOMES
    key += outcome
    by_outcome = np.bincount(key, minlength=groups * months * _OUTCOMES).reshape(groups, months, _OUTCOMES)

    # (groups, months, 8) in MONTH_KEYS order
    table = np.concatenate([
        by_channel.sum(axis=2, keepdims=True), by_channel[:, :, :3],
        by_outcome.sum(axis=2, keepdims=True), by_outcome,
    ], axis=2)

    def stats(block: np.ndarray) -> dict[str, MonthStats]:
        return {k: MonthStats(*(int(v) for v in row)) for k, row in zip(keys, block)}

    return MonthlyFigures(
        overall=stats(table.sum(axis=0)),
        by_department={code: stats(table[i + 1]) for i, code in enumerate(arrays.departments)},
    )
