"""Figures in words: indicator values and targets, the dossier paragraphs, the
comparisons with earlier periods. Everything through vi_format (Babel, vi).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Optional

from ..figures import DossierStats, IndicatorResult, PeriodFigures
from ..periods import subject_phrase
from ..plan import OPS
from .. import vi_format
from .common import capitalize_first, lower_first

# ---------------------------------------------------------------- indicator values

def _is_whole(value) -> bool:
    return isinstance(value, int) or (isinstance(value, Fraction) and value.denominator == 1)


def value_text(ind: IndicatorResult) -> str:
    """The figure as the appendix shows it: '98,5%', '12', 'Có', 'Chưa có số liệu'."""
    if ind.value is None:
        return "Chưa có số liệu"
    if ind.unit == "bool":
        return "Có" if ind.value else "Không"
    if ind.unit == "rate":
        return vi_format.percent(ind.value)
    return vi_format.number(ind.value)


def _target_value(ind: IndicatorResult) -> str:
    if ind.unit == "rate":
        return vi_format.percent(ind.target)
    return vi_format.number(ind.target)


def wanted_bool(ind: IndicatorResult) -> bool | None:
    """The answer a yes/no indicator's target asks for: True, False, or None when
    none is set or either answer meets it ('>= false')."""
    if ind.target is None:
        return None
    if ind.op in (None, "=="):
        return bool(ind.target)
    meeting = [v for v in (True, False) if OPS[ind.op](v, bool(ind.target))]
    return meeting[0] if len(meeting) == 1 else None


def target_text(ind: IndicatorResult) -> str:
    """The target for a table cell: '≥ 100%', '> 30%', '≤ 100%', '≥ 2', 'Có', '—'."""
    if ind.target is None:
        return "—"
    if isinstance(ind.target, bool) or ind.unit == "bool":
        wanted = wanted_bool(ind)
        return "—" if wanted is None else ("Có" if wanted else "Không")
    return vi_format.target_symbol(ind.op, _target_value(ind))


def target_words(ind: IndicatorResult) -> str:
    """The target in running text: '100%', 'trên 30%', 'từ 60% trở lên',
    'không quá 100%', 'từ 2 trở lên', 'có'."""
    if ind.target is None:
        return ""
    if isinstance(ind.target, bool) or ind.unit == "bool":
        return target_text(ind).lower()
    return vi_format.target_phrase(ind.op, _target_value(ind), unit=ind.unit, target=ind.target)


def ratio_text(ind: IndicatorResult) -> str:
    """'985/1.000' for a rate with its numerator and denominator."""
    if ind.unit != "rate" or ind.numerator is None or ind.denominator is None:
        return ""
    return f"{vi_format.number(ind.numerator)}/{vi_format.number(ind.denominator)}"


def _subject(ind: IndicatorResult) -> tuple[str, str]:
    """(name, joiner): rates named 'Tỷ lệ ...' read 'Tỷ lệ ... đạt 98,5%', anything
    else 'Name: 12'."""
    name = capitalize_first(ind.name.strip().rstrip(" .;:"))
    if ind.unit == "rate" and name.lower().startswith(("tỷ lệ", "tỉ lệ", "mức độ")):
        return name, " đạt "
    return name, ": "


def indicator_sentence(ind: IndicatorResult) -> str:
    """One indicator against its target, as a sentence of the body:

    'Tỷ lệ hồ sơ ... đạt 98,5% (985/1.000; chỉ tiêu: 100%), chưa đạt.'
    'Số văn bản QPPL ...: 3.' (no target: reported, not judged)
    'Tỷ lệ ...: chưa có số liệu (chỉ tiêu: 100%).'
    """
    name, joiner = _subject(ind)
    if ind.value is None:
        target = f" (chỉ tiêu: {target_words(ind)})" if ind.target is not None else ""
        return f"{name}: chưa có số liệu{target}."
    value = value_text(ind)
    if ind.unit == "bool":
        value = _bool_words(ind)
    details = [d for d in (ratio_text(ind),) if d]
    if ind.target is not None and not (ind.unit == "bool" and wanted_bool(ind) in (True, None)):
        details.append(f"chỉ tiêu: {target_words(ind)}")
    tail = f" ({'; '.join(details)})" if details else ""
    verdict = ""
    if ind.status == "dat":
        verdict = ", đạt"
    elif ind.status == "chua_dat":
        verdict = ", chưa đạt"
    return f"{name}{joiner}{value}{tail}{verdict}."


def shortfall_sentence(ind: IndicatorResult) -> str:
    """A target not met, for "Tồn tại, hạn chế": figure and target named.

    'Tỷ lệ hồ sơ ... mới đạt 98,5% (985/1.000), chưa đạt chỉ tiêu 100%.'
    """
    name, joiner = _subject(ind)
    value = value_text(ind)
    if ind.unit == "bool":
        if wanted_bool(ind) is False:
            return f"{name}: {_bool_words(ind)} (chỉ tiêu: {target_words(ind)}), chưa đạt."
        return f"{name}: {_bool_words(ind)}, chưa đạt chỉ tiêu."
    ratio = ratio_text(ind)
    ratio = f" ({ratio})" if ratio else ""
    if joiner == " đạt ":
        verb = " là " if ind.op in ("<=", "<") else " mới đạt "
        return f"{name}{verb}{value}{ratio}, chưa đạt chỉ tiêu {target_words(ind)}."
    return f"{name}: {value}{ratio}, chưa đạt chỉ tiêu {target_words(ind)}."


def _bool_words(ind: IndicatorResult) -> str:
    """A yes/no indicator in running text. The plan names them as actions or
    states to reach ('Ban hành kế hoạch ...', '... đúng định mức'): 'đã thực
    hiện' / 'chưa thực hiện'. One whose target is 'no' names something to avoid
    ('Có vi phạm ...'): plainly 'có' / 'không'."""
    if wanted_bool(ind) is False:
        return "có" if ind.value else "không"
    return "đã thực hiện" if ind.value else "chưa thực hiện"


def met_phrase(ind: IndicatorResult) -> str:
    """A target met, short, for "Ưu điểm": 'tỷ lệ hồ sơ ... (100%)'; a yes/no
    indicator by its name alone, or with its answer when the target is 'no'
    ('có vi phạm ... (không)')."""
    name = lower_first(ind.name.strip().rstrip(" .;:"))
    if ind.unit == "bool":
        return name if wanted_bool(ind) is not False else f"{name} ({_bool_words(ind)})"
    return f"{name} ({value_text(ind)})"


# ---------------------------------------------------------------- dossiers

def _share(part: int, whole: int) -> str:
    return vi_format.percent(Fraction(part, whole)) if whole else "0%"


def _n(value: int) -> str:
    return vi_format.number(value)


def dossier_paragraphs(stats: DossierStats, agency_short: str) -> list[str]:
    """The dossier figures in words (area 3, Cải cách TTHC): received by channel
    with shares, carried over, total; resolved with early / on time / late and
    shares; pending in time / overdue."""
    if stats.total == 0:
        return [
            f"Trong kỳ, {agency_short} không tiếp nhận hồ sơ thủ tục hành chính nào và không có hồ sơ "
            "từ kỳ trước chuyển sang."
        ]
    if stats.received:
        first = f"Trong kỳ, {agency_short} tiếp nhận {_n(stats.received)} hồ sơ thủ tục hành chính"
    else:
        first = f"Trong kỳ, {agency_short} không tiếp nhận hồ sơ thủ tục hành chính mới"
    if stats.received:
        parts = []
        for count, label in ((stats.online, "trực tuyến"), (stats.direct, "trực tiếp"),
                             (stats.postal, "qua dịch vụ bưu chính công ích")):
            if count:
                parts.append(f"{_n(count)} hồ sơ {label} ({_share(count, stats.received)})")
        channels = [(c, lab) for c, lab in ((stats.online, "trực tuyến"), (stats.direct, "trực tiếp"),
                    (stats.postal, "qua dịch vụ bưu chính công ích")) if c]
        if len(channels) == 1 and channels[0][0] == stats.received:
            # "tất cả đều" only for several dossiers: one dossier is simply "nộp ..."
            first += f", {'tất cả đều ' if stats.received > 1 else ''}nộp {channels[0][1]}"
        elif len(parts) == 1:
            first += f", trong đó {parts[0]}"
        elif parts:
            first += ", trong đó " + ", ".join(parts[:-1]) + " và " + parts[-1]
    if stats.carried_over:
        first += f"; từ kỳ trước chuyển sang {_n(stats.carried_over)} hồ sơ"
    else:
        first += "; không có hồ sơ từ kỳ trước chuyển sang"
    first += f". Tổng số hồ sơ phải giải quyết là {_n(stats.total)} hồ sơ."

    if stats.resolved:
        second = (f"Đã giải quyết {_n(stats.resolved)} hồ sơ ({_share(stats.resolved, stats.total)} tổng số hồ sơ "
                  "phải giải quyết)")
        kinds = [(c, lab) for c, lab in ((stats.early, "trước hạn"), (stats.on_time, "đúng hạn"),
                                         (stats.late, "quá hạn")) if c]
        in_time = stats.early + stats.on_time
        if len(kinds) == 1:
            verb = "giải quyết" if kinds[0][1] == "quá hạn" else "được giải quyết"
            second += (f", tất cả đều {verb} {kinds[0][1]}" if stats.resolved > 1 else f", {verb} {kinds[0][1]}")
        else:
            second += ", trong đó " + ", ".join(
                f"{lab} {_n(c)} hồ sơ ({_share(c, stats.resolved)})" for c, lab in kinds)
            if in_time:
                second += (f"; số hồ sơ giải quyết trước hạn và đúng hạn là {_n(in_time)} hồ sơ, đạt tỷ lệ "
                           f"{_share(in_time, stats.resolved)}")
            if not stats.late:
                second += ", không có hồ sơ giải quyết quá hạn"
        second += "."
    else:
        second = "Trong kỳ chưa có hồ sơ nào được giải quyết xong."
    if stats.pending:
        third = f"Đang giải quyết {_n(stats.pending)} hồ sơ"
        if stats.pending_overdue and stats.pending_in_time:
            third += (f", trong đó {_n(stats.pending_in_time)} hồ sơ còn trong hạn và "
                      f"{_n(stats.pending_overdue)} hồ sơ đã quá hạn.")
        else:
            state = "đã quá hạn giải quyết" if stats.pending_overdue else "còn trong hạn giải quyết"
            third += f", tất cả {state}." if stats.pending > 1 else f", {state}."
    else:
        third = "Không còn hồ sơ đang giải quyết."
    return [first, second + " " + third]


# ---------------------------------------------------------------- comparisons

def _change_percent(current: int, before: int) -> Optional[str]:
    """'tăng 12,3%' / 'giảm 5%' / 'bằng'; None when there is nothing to compare to."""
    if before == 0:
        return None
    if current == before:
        return "bằng"
    word = "tăng" if current > before else "giảm"
    return f"{word} {vi_format.percent(Fraction(abs(current - before), before))}"


def _change_points(current: Fraction, before: Fraction) -> str:
    if current == before:
        return "bằng"
    word = "tăng" if current > before else "giảm"
    points = vi_format.percent(abs(current - before))[:-1]
    return f"{word} {points} điểm phần trăm"


def comparison_sentences(current: PeriodFigures, previous: Optional[PeriodFigures],
                         last_year: Optional[PeriodFigures]) -> list[str]:
    """'Số hồ sơ tiếp nhận tăng 12,3% so với cùng kỳ năm trước (1.099 hồ sơ) ...'.

    Received dossiers as a percentage change, the share resolved early or on time
    as a change in percentage points; each against the same period of last year
    and against the previous period (named: "quý I năm 2024"), when their figures
    exist. Counts are compared only over windows of about the same length.
    """
    out = []
    received_parts, rate_parts = [], []
    cur = current.tthc
    cur_rate = Fraction(cur.early + cur.on_time, cur.resolved) if cur.resolved else None
    for other, label in ((last_year, "cùng kỳ năm trước"), (previous, "kỳ trước")):
        if other is None:
            continue
        o = other.tthc
        # the previous period's name when it is not obvious ("kỳ trước" of a 6-month report is quý I)
        named = "" if other is last_year else f"{subject_phrase(other.period, other.year)}: "
        if current.counts_comparable_with(other):
            change = _change_percent(cur.received, o.received)
            if change == "bằng":
                received_parts.append(f"bằng {label} ({named}{_n(o.received)} hồ sơ)")
            elif change:
                received_parts.append(f"{change} so với {label} ({named}{_n(o.received)} hồ sơ)")
            elif cur.received:
                received_parts.append(f"tăng {_n(cur.received)} hồ sơ so với {label} ({named}không có hồ sơ)")
        if cur_rate is not None and o.resolved:
            o_rate = Fraction(o.early + o.on_time, o.resolved)
            change = _change_points(cur_rate, o_rate)
            if change == "bằng":
                rate_parts.append(f"bằng {label} ({named}{vi_format.percent(o_rate)})")
            else:
                rate_parts.append(f"{change} so với {label} ({named}{vi_format.percent(o_rate)})")
    if received_parts:
        out.append("Số hồ sơ tiếp nhận trong kỳ " + " và ".join(received_parts) + ".")
    if rate_parts:
        out.append("Tỷ lệ hồ sơ giải quyết trước hạn và đúng hạn " + " và ".join(rate_parts) + ".")
    return out
