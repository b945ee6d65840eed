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
import pyarrow as pa
import pyarrow.compute as pc

from ..figures import LIST_COLUMNS, DossierLists
from .by_month import withdrawn_mask
from .dossiers import DossierArrays, _window_masks, day_number


def _text(series: pd.Series, rows: np.ndarray) -> pa.Array:
    """The text of `rows` of a column as Arrow strings (null where blank)."""
    picked = series.iloc[rows]
    if not isinstance(picked.dtype, pd.StringDtype) or picked.dtype.storage == "python":
        picked = picked.astype("string[pyarrow]")
    return pa.array(picked.array, type=pa.string())


def _take(frame: pd.DataFrame, arrays: DossierArrays, rows: np.ndarray, days_late: np.ndarray | None,
          order_by: np.ndarray) -> pd.DataFrame:
    """The rows `rows` of the frame as a list (LIST_COLUMNS), sorted by the
    department's plan order, then the day numbers `order_by`, then Mã hồ sơ
    (sorted by Arrow: a list may hold hundreds of thousands of dossiers)."""
    ids = _text(frame["id"], rows)
    plan_index = arrays.department_key[rows].astype(np.int32) - 1
    plan_index[plan_index < 0] = np.iinfo(np.int32).max  # a code not in the plan (intake refuses it): last
    order = pc.sort_indices(
        pa.table({"department": plan_index, "date": order_by, "id": ids}),
        sort_keys=[("department", "ascending"), ("date", "ascending"), ("id", "ascending")],
    )
    rows = rows[order.to_numpy()]
    department = pd.Series(arrays.department[rows]).astype("string[pyarrow]")
    if department.isna().any():  # a code not in the plan: what the log said
        department = department.fillna(frame["department"].iloc[rows].astype("string[pyarrow]").reset_index(drop=True))
    if "procedure" in frame:
        procedure = pd.arrays.ArrowStringArray(_text(frame["procedure"], rows))
    else:
        procedure = pd.array([pd.NA] * len(rows), dtype="string[pyarrow]")
    if days_late is None:
        late = pd.array([pd.NA] * len(rows), dtype="Int64")
    else:
        late = pd.array(days_late[order.to_numpy()], dtype="Int64")
    return pd.DataFrame({
        "id": pd.arrays.ArrowStringArray(ids.take(order)),
        "department": department.array,
        "procedure": procedure,
        "received": frame["received"].to_numpy()[rows],
        "due": frame["due"].to_numpy()[rows],
        "returned": frame["returned"].to_numpy()[rows],
        "days_late": late,
    }, columns=list(LIST_COLUMNS))


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
        pending_overdue=_take(frame, arrays, overdue, last - arrays.due[overdue], arrays.due[overdue]),
        late=_take(frame, arrays, late, arrays.returned[late] - arrays.due[late], arrays.returned[late]),
    )
    if withdrawn is not None:
        # the window masks leave withdrawn dossiers out: received in the window, by date alone
        gone = np.flatnonzero((arrays.received >= first) & (arrays.received <= last) & withdrawn)
        lists = DossierLists(lists.pending_overdue, lists.late, _take(frame, arrays, gone, None, arrays.received[gone]))
    return lists
