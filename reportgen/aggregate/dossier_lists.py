"""The dossiers behind the window's bad figures (review.md): which dossiers make
`pending_overdue` and `late`, and which were withdrawn.

Selected with the same window masks as the figures (dossiers._window_masks), so
each list's length is its figure; only the selected rows are taken out of the
dossier frame (a few thousand of a million), nothing else is materialised.

    pending_overdue   pending at the window's end, Hạn xử lý before the end;
                      days late = end - Hạn xử lý; sorted by department, Hạn xử lý
    late              resolved in the window after Hạn xử lý;
                      days late = Ngày trả - Hạn xử lý; sorted by department, Ngày trả
    withdrawn         received in the window and withdrawn (`withdrawn` column);
                      sorted by department, Ngày tiếp nhận. None without the column.

Withdrawn dossiers are in neither of the first two lists. Ties are broken by
Mã hồ sơ, so the order never depends on the order of the logs.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..figures import LIST_COLUMNS, DossierLists
from .by_month import withdrawn_mask
from .dossiers import DossierArrays, _window_masks, day_number


def _take(frame: pd.DataFrame, arrays: DossierArrays, rows: np.ndarray, days_late: np.ndarray | None,
          order_by: str) -> pd.DataFrame:
    """The rows `rows` of the frame as a list (LIST_COLUMNS), sorted by the
    department's plan order, then `order_by`, then Mã hồ sơ."""
    picked = frame.iloc[rows]
    department = pd.Series(arrays.department[rows]).astype("string")
    # a code not in the plan (intake refuses it) keeps what the log said
    department = department.fillna(picked["department"].astype("string").reset_index(drop=True))
    out = pd.DataFrame({
        "id": picked["id"].astype("string").to_numpy(),
        "department": department.to_numpy(),
        "procedure": picked["procedure"].astype("string").to_numpy() if "procedure" in picked else None,
        "received": picked["received"].to_numpy(),
        "due": picked["due"].to_numpy(),
        "returned": picked["returned"].to_numpy(),
        "days_late": pd.array(days_late, dtype="Int64") if days_late is not None else pd.array([pd.NA] * len(rows), dtype="Int64"),
        "_order": arrays.department_key[rows].astype(np.int32) - 1,
    })
    out.loc[out["_order"] < 0, "_order"] = np.iinfo(np.int32).max
    out = out.sort_values(["_order", order_by, "id"], kind="mergesort", ignore_index=True)
    return out[list(LIST_COLUMNS)]


def dossier_lists(frame: pd.DataFrame, arrays: DossierArrays, start: dt.date, end: dt.date) -> DossierLists:
    """The lists of the window start..end (both included) from the dossier frame
    and its prepared arrays (dossiers.prepare_dossiers of the same frame)."""
    first, last = day_number(start), day_number(end)
    received, carried_over, resolved = _window_masks(arrays, first, last)
    withdrawn = withdrawn_mask(frame)
    keep = ~withdrawn if withdrawn is not None else np.ones(len(arrays), dtype=bool)

    overdue = np.flatnonzero((received | carried_over) & ~resolved & (arrays.due < last) & keep)
    late = np.flatnonzero(resolved & (arrays.returned > arrays.due) & keep)
    lists = DossierLists(
        pending_overdue=_take(frame, arrays, overdue, last - arrays.due[overdue], "due"),
        late=_take(frame, arrays, late, arrays.returned[late] - arrays.due[late], "returned"),
    )
    if withdrawn is not None:
        gone = np.flatnonzero(received & withdrawn)
        lists = DossierLists(lists.pending_overdue, lists.late, _take(frame, arrays, gone, None, "received"))
    return lists
