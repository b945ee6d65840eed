"""Dossier statistics of a window (figures.md, "Dossier statistics"), vectorised.

The frame is turned once into flat numpy arrays (`prepare_dossiers`): dates as
int32 day numbers, the department as a categorical in plan order, coded values
as boolean flags or small codes. Every window (the period, the previous period)
is then a few boolean masks over those arrays and a single grouping by
department: one histogram (np.bincount) of an integer key combining the
department's categorical code with the dossier's state in the window. Every
plan department is kept (the equivalent of groupby(observed=False)); no per-row
Python, no copy of the frame per department.

With R = received, D = due, C = returned (maybe blank), start..end inclusive:

    received        start <= R <= end
    carried_over    R < start and (C blank or C >= start)
    total           received + carried_over
    online/direct/postal   of received, by channel
    resolved        of total, start <= C <= end
    early/on_time/late     of resolved: C < D / C == D / C > D
    pending         total - resolved
    pending_overdue / pending_in_time   of pending: D < end / D >= end

Withdrawn or cancelled dossiers (a status column, dossier-exports.md) are left
out of every figure and indicator (`DossierArrays.active`, applied by
`_window_masks`); those received in the window are counted in `withdrawn`,
overall and per department (`withdrawn_counts`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..figures import STAT_KEYS, DossierStats

_EPOCH = dt.date(1970, 1, 1)

# Dossier-based indicators computed from a window (dossier_figures' ratios):
# TTHC-02 (early + on_time) / resolved; TTHC-03 digitised / received;
# TTHC-05 fee paid online / received with a fee; TTHC-07 satisfied / resolved rated;
# TTHC-08 data reused / received; TTHC-09 online / received. The codes are
# plan.TTHC_RATIOS (plan.yaml is checked against them).


def day_number(value: dt.date) -> int:
    """Days since 1970-01-01, the unit of DossierArrays' dates."""
    return (value - _EPOCH).days


@dataclass(frozen=True)
class DossierArrays:
    """The dossier frame as flat arrays, computed once and shared by every window."""

    departments: tuple[str, ...]  # plan order
    department: pd.Categorical  # categories = departments; NaN for a code not in the plan
    department_key: np.ndarray  # int16: 1 + plan index, 0 for no plan department
    received: np.ndarray  # int32 day numbers (days since 1970-01-01)
    due: np.ndarray
    returned: np.ndarray  # int32 day numbers; 0 where ~has_returned
    has_returned: np.ndarray  # bool
    channel_code: np.ndarray  # int8: 0 online, 1 direct, 2 postal, 3 blank
    digitized: np.ndarray  # bool flags ...
    reused: np.ndarray
    fee: np.ndarray
    paid_online: np.ndarray  # fee and online payment
    rated: np.ndarray
    satisfied: np.ndarray  # very satisfied or satisfied
    # not withdrawn or cancelled: the rows every figure counts (all True without a
    # status column). Rows stay aligned with the frame; a mask of a window is
    # `& active` (as _window_masks does).
    active: np.ndarray

    def __len__(self) -> int:
        return len(self.received)


@dataclass(frozen=True)
class DossierFigures:
    """The statistics of one window, overall and per department (every plan
    department, plan order), and the dossier-based indicators' numerator and
    denominator (TTHC_RATIOS codes)."""

    stats: DossierStats
    by_department: dict[str, DossierStats]
    ratios: dict[str, tuple[int, int]]


def _days(series: pd.Series, blank_day: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(int32 day numbers, is-NaT mask) of a date column, whatever its unit; a
    blank (NaT) date gets `blank_day`, to be read with the mask. No conversion
    goes through nanoseconds (datetime64[ns] overflows silently past 2262):
    datetimes are floored to days, anything else (dates as objects) is read as
    datetime64[D] directly."""
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_localize(None)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        days = series.to_numpy().astype("datetime64[D]")  # floors to the calendar day (any unit)
    else:
        days = np.array([None if pd.isna(v) else v for v in series.tolist()], dtype="datetime64[D]")
    if days.dtype != np.dtype("datetime64[D]"):
        days = days.astype("datetime64[D]")
    blank = np.isnat(days)
    numbers = days.view("int64")
    if blank.any():
        numbers = np.where(blank, blank_day, numbers)
    return numbers.astype(np.int32), blank


def _flag(series: pd.Series) -> np.ndarray:
    """A bool column as a numpy bool array (blank -> False)."""
    if series.dtype == bool:
        return series.to_numpy()
    return series.to_numpy(dtype=bool, na_value=False)


def _lookup(series: pd.Series, table: dict[str, int], default: int) -> np.ndarray:
    """Map a coded column to small ints via `table` (code -> int), `default` for a
    blank or another value; one take over the categorical codes (int8)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        lut = np.array([table.get(c, default) for c in series.cat.categories] + [default], dtype=np.int8)
        return lut[series.cat.codes.to_numpy()]  # code -1 (blank) takes the last entry
    mapped = series.map(table)
    return mapped.fillna(default).to_numpy(dtype=np.int8)


def _department(series: pd.Series, departments: tuple[str, ...]) -> pd.Categorical:
    """The department column as a categorical whose categories are the plan's
    departments in plan order (a code not in the plan becomes NaN)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = series.cat.categories
        if tuple(categories) == departments:
            return series.array
        to_plan = pd.Index(departments).get_indexer(categories)  # -1 when not in plan
        codes = series.cat.codes.to_numpy()
        lookup = np.append(to_plan, -1)  # codes of -1 (NaN) pick the last: -1
        plan_codes = lookup[codes]
    else:
        plan_codes = pd.Index(departments).get_indexer(series.astype("object"))
    return pd.Categorical.from_codes(plan_codes.astype(np.int16 if len(departments) < 2**15 else np.int32), categories=list(departments))


def _active(df: pd.DataFrame) -> np.ndarray:
    """Rows that are not withdrawn or cancelled (all when the frame has no
    `withdrawn` column)."""
    if "withdrawn" not in df.columns:
        return np.ones(len(df), dtype=bool)
    return ~_flag(df["withdrawn"])


def withdrawn_counts(a: DossierArrays, start: int, end: int) -> np.ndarray:
    """Withdrawn dossiers received in the window [start, end] (day numbers) by
    department key: index 0 is "no plan department", i + 1 the plan's i-th."""
    mask = ~a.active & (a.received >= start) & (a.received <= end)
    return np.bincount(a.department_key[mask], minlength=len(a.departments) + 1)


def prepare_dossiers(df: pd.DataFrame, departments: list[str] | tuple[str, ...]) -> DossierArrays:
    """Turn the canonical dossier frame (records.DOSSIER_COLUMNS) into flat arrays."""
    departments = tuple(departments)
    # A blank Ngày tiếp nhận is an intake error; should one slip through, the
    # dossier is in no window (received "at the end of time").
    received, _ = _days(df["received"], blank_day=np.iinfo(np.int32).max)
    due, _ = _days(df["due"])
    returned, no_return = _days(df["returned"])
    channel_code = _lookup(df["channel"], {"online": 0, "direct": 1, "postal": 2}, 3)
    rating = _lookup(df["rating"], {"very_satisfied": 1, "satisfied": 1, "dissatisfied": 0}, -1)
    fee = _flag(df["fee"])
    department = _department(df["department"], departments)
    return DossierArrays(
        departments=departments,
        department=department,
        department_key=(department.codes + 1).astype(np.int16 if len(departments) < 500 else np.int32),
        received=received,
        due=due,
        returned=returned,
        has_returned=~no_return,
        channel_code=channel_code,
        digitized=_flag(df["digitized"]),
        reused=_flag(df["reused"]),
        fee=fee,
        paid_online=fee & _flag(df["online_payment"]),
        rated=rating >= 0,
        satisfied=rating == 1,
        active=_active(df),
    )


# A dossier's state in a window, as three small codes combined with its department
# into one integer key; one histogram (np.bincount) of the keys is the groupby of
# every statistic by department, all departments kept (zeros where none).
_ORIGINS = 3  # 0 outside the window, 1 received in it, 2 carried over into it
_CHANNELS = 4  # 0 online, 1 direct, 2 postal, 3 blank
_OUTCOMES = 5  # 0 early, 1 on time, 2 late, 3 pending in time, 4 pending overdue


def _window_masks(a: DossierArrays, start: int, end: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(received, carried_over, resolved) masks of the window [start, end] (day
    numbers, inclusive)."""
    R, C, has_c = a.received, a.returned, a.has_returned
    received = (R >= start) & (R <= end) & a.active
    c_from_start = has_c & (C >= start)
    carried_over = (R < start) & (~has_c | c_from_start) & a.active
    resolved = (received | carried_over) & c_from_start & (C <= end)
    return received, carried_over, resolved


def _histogram(a: DossierArrays, received, carried_over, resolved, end: int) -> np.ndarray:
    """Counts by (department, origin, channel, outcome): shape
    (departments + 1, _ORIGINS, _CHANNELS, _OUTCOMES); row 0 is "no plan department"."""
    origin = received.view(np.int8) + 2 * carried_over.view(np.int8)
    # resolved: 1 + (C > D) - (C < D) -> early 0, on time 1, late 2;
    # pending: 3 (in time, D >= end) or 4 (overdue, D < end)
    C, Dd = a.returned, a.due
    outcome = np.where(
        resolved,
        1 + (C > Dd).view(np.int8) - (C < Dd).view(np.int8),
        3 + (Dd < end).view(np.int8),
    )
    key = a.department_key * (_ORIGINS * _CHANNELS * _OUTCOMES)
    key += origin * (_CHANNELS * _OUTCOMES)
    key += a.channel_code * _OUTCOMES
    key += outcome
    size = (len(a.departments) + 1) * _ORIGINS * _CHANNELS * _OUTCOMES
    return np.bincount(key, minlength=size).reshape(len(a.departments) + 1, _ORIGINS, _CHANNELS, _OUTCOMES)


def _stats_table(hist: np.ndarray) -> np.ndarray:
    """The 13 statistics (STAT_KEYS order) for each first-axis entry of `hist`."""
    in_window = hist[:, 1:]  # received or carried over: the total to handle
    received = hist[:, 1].sum(axis=(1, 2))
    carried_over = hist[:, 2].sum(axis=(1, 2))
    by_channel = hist[:, 1].sum(axis=2)
    outcome = in_window.sum(axis=(1, 2))
    resolved = outcome[:, 0:3].sum(axis=1)
    pending = outcome[:, 3:5].sum(axis=1)
    columns = {
        "received": received,
        "carried_over": carried_over,
        "total": received + carried_over,
        "online": by_channel[:, 0],
        "direct": by_channel[:, 1],
        "postal": by_channel[:, 2],
        "resolved": resolved,
        "early": outcome[:, 0],
        "on_time": outcome[:, 1],
        "late": outcome[:, 2],
        "pending": pending,
        "pending_in_time": outcome[:, 3],
        "pending_overdue": outcome[:, 4],
    }
    return np.stack([columns[key] for key in STAT_KEYS], axis=1)


def _stats(row, withdrawn: int = 0) -> DossierStats:
    return DossierStats(**{key: int(value) for key, value in zip(STAT_KEYS, row)}, withdrawn=withdrawn)


def dossier_figures(arrays: DossierArrays, start: dt.date, end: dt.date) -> DossierFigures:
    """The statistics of the window start..end (both included)."""
    first, last = day_number(start), day_number(end)
    received, carried_over, resolved = _window_masks(arrays, first, last)
    hist = _histogram(arrays, received, carried_over, resolved, last)
    per_department = _stats_table(hist)
    overall = per_department.sum(axis=0)  # includes dossiers of no plan department
    withdrawn = withdrawn_counts(arrays, first, last)
    stats = _stats(overall, int(withdrawn.sum()))
    by_department = {code: _stats(per_department[i + 1], int(withdrawn[i + 1]))
                     for i, code in enumerate(arrays.departments)}

    def count(mask) -> int:
        return int(np.count_nonzero(mask))

    rated = resolved & arrays.rated
    received_with_fee = received & arrays.fee
    ratios = {
        "TTHC-02": (stats.early + stats.on_time, stats.resolved),
        "TTHC-03": (count(received & arrays.digitized), stats.received),
        "TTHC-05": (count(received_with_fee & arrays.paid_online), count(received_with_fee)),
        "TTHC-07": (count(rated & arrays.satisfied), count(rated)),
        "TTHC-08": (count(received & arrays.reused), stats.received),
        "TTHC-09": (stats.online, stats.received),
    }
    return DossierFigures(stats, by_department, ratios)


def dossier_stats(df: pd.DataFrame, departments: list[str], start: dt.date, end: dt.date) -> DossierFigures:
    """Convenience: prepare the frame and compute one window."""
    return dossier_figures(prepare_dossiers(df, departments), start, end)
