"""The review page's four charts, as inline SVG (review.md, "Pictures").

    review_charts(plan, figures) -> list[Chart]

1. Hồ sơ tiếp nhận theo tháng, theo hình thức nộp: stacked bars per month of the
   window (trực tuyến / trực tiếp / bưu chính), the month's total above.
2. Tỷ lệ giải quyết trước hạn, đúng hạn (TTHC-02) theo tháng: small multiples,
   the whole agency and each department with dossiers resolved in the window, the
   plan's TTHC-02 target as a dashed line.
3. Chỉ tiêu so với kế hoạch: every indicator with a target, its value as a share
   of the target (a bar), the target at 100%; đạt / chưa đạt told apart by the
   bar's hatching, the marker's shape (● / ×) and the words.
4. So sánh với kỳ trước, cùng kỳ năm trước: received dossiers (only against
   windows of comparable length, as the report compares them) and the TTHC-02 rate.

Drawn with matplotlib's SVG backend (no browser, no network): text stays SVG
`<text>` (svg.fonttype "none") in the Times-compatible family, numbers in the
Vietnamese format (vi_format), greys, hatches, markers and line styles
that survive a black-and-white printer. Same figures, same bytes: a fixed
svg.hashsalt, no date in the file. matplotlib's mathtext is off, and its SVG
writer escapes text, so a department's name is shown as typed.

The SVG is made fit to sit inside an HTML page that must hold no address: the
XML prologue, DOCTYPE and namespace declarations (all URLs) are dropped (the
HTML parser puts `<svg>` in the SVG namespace itself) and ids get a per-chart
prefix so four charts never share one.
"""

from __future__ import annotations

import io
import logging
import re
import textwrap
import warnings
from dataclasses import dataclass
from fractions import Fraction

from markupsafe import Markup, escape

from .. import vi_format
from ..compose.sentences import target_text, value_text
from ..figures import Figures, IndicatorResult, MonthStats, PeriodFigures
from ..periods import subject_phrase
from ..plan import Plan
from .fonts import FAMILIES

RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "reportgen",
    "font.family": "serif",
    "font.serif": [*FAMILIES, "DejaVu Serif"],
    "font.size": 10,
    "axes.titlesize": 11,
    "text.parse_math": False,  # a '$' in a department's name is text
    "axes.spines.top": False,
    "axes.spines.right": False,
    "hatch.linewidth": 0.7,
    "legend.frameon": False,
}
WIDTH = 7.5  # inches: about the printed width on A4 (the page scales the SVG to its width)
ON_TIME = "TTHC-02"
GREY_DARK, GREY_MID, GREY_LIGHT = "#404040", "#8c8c8c", "#d0d0d0"
NOT_MET_HATCH = "\\\\\\\\"  # dense back-slashes


@dataclass(frozen=True)
class Chart:
    title: str
    svg: Markup  # the <svg> element, safe to place in the page as is
    note: str = ""  # a sentence under the chart (what is left out and why)


# ------------------------------------------------------------------ formatting


def _month_label(key: str) -> str:
    """'2024-03' -> '03/2024'."""
    year, month = key.split("-")
    return f"{month}/{year}"


def _number_formatter():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: vi_format.number(int(round(v))) if abs(v - round(v)) < 1e-9 else "")


def _percent_formatter():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: vi_format.percent(Fraction(v).limit_denominator(10000) / 100))


def _pct(rate: Fraction) -> str:
    return vi_format.percent(rate)


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


# ------------------------------------------------------------------ SVG


_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_NAMESPACES = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')
_IDS = re.compile(r'(\bid="|url\(#|xlink:href="#)')


def _svg(fig, number: int, title: str) -> Markup:
    """The figure as an <svg> element for an HTML page: no prologue, no URL, ids
    prefixed with the chart's number, its title as <title>."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    text = _PROLOGUE.sub("", buf.getvalue(), count=1)
    head, rest = text.split(">", 1)
    head = _NAMESPACES.sub("", head)
    text = f'{head} role="img" aria-labelledby="chart{number}-title" class="chart">' \
           f'<title id="chart{number}-title">{escape(title)}</title>{rest}'
    text = _IDS.sub(lambda m: f"{m.group(1)}c{number}-", text)
    return Markup(text.strip() + "\n")


def _figure(height: float, *, left=0.8, right=0.25, top=0.45, bottom=0.65):
    """A figure WIDTH x height inches with fixed margins (in inches): a fixed
    layout costs nothing to compute, unlike matplotlib's constrained layout."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH, height))
    fig.subplots_adjust(left=left / WIDTH, right=1 - right / WIDTH, top=1 - top / height, bottom=bottom / height)
    return fig


# ------------------------------------------------------------------ 1. received by channel


def chart_received(cur: PeriodFigures) -> tuple:
    months = cur.tthc_by_month.overall
    labels = [_month_label(k) for k in months]
    online = [m.online for m in months.values()]
    direct = [m.direct for m in months.values()]
    postal = [m.postal for m in months.values()]
    title = "Biểu đồ 1. Hồ sơ tiếp nhận theo tháng, theo hình thức nộp"
    fig = _figure(4.2, right=1.5)
    ax = fig.add_subplot()
    x = list(range(len(labels)))
    bottom = [0] * len(x)
    for values, label, style in (
        (online, "Trực tuyến", {"color": GREY_DARK}),
        (direct, "Trực tiếp", {"color": "white", "hatch": "////"}),
        (postal, "Bưu chính", {"color": GREY_LIGHT, "hatch": "..."}),
    ):
        ax.bar(x, values, 0.62, bottom=bottom, label=label, edgecolor="black", linewidth=0.6, **style)
        bottom = [b + v for b, v in zip(bottom, values)]
    top = max(bottom + [1])
    for xi, total in zip(x, bottom):
        ax.annotate(vi_format.number(total), (xi, total), xytext=(0, 3), textcoords="offset points",
                    ha="center", va="bottom", fontsize=9)
    ax.set_ylim(0, top * 1.15)
    ax.set_xticks(x, labels)
    ax.yaxis.set_major_formatter(_number_formatter())
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Tháng (theo ngày tiếp nhận)")
    ax.set_ylabel("Số hồ sơ")
    ax.set_title(title, loc="left", fontweight="bold")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), title="Hình thức nộp")
    return fig, title, ""


# ------------------------------------------------------------------ 2. on-time rate by month


def _rates(months: dict[str, MonthStats]) -> list[float]:
    """TTHC-02 per month in %, NaN where nothing was resolved."""
    return [100 * (m.early + m.on_time) / m.resolved if m.resolved else float("nan") for m in months.values()]


def chart_on_time(plan: Plan, cur: PeriodFigures) -> tuple:
    by_month = cur.tthc_by_month
    names = {d.code: d.name for d in plan.departments}
    panels = [("Toàn cơ quan", by_month.overall)]
    panels += [(f"{names.get(code, code)} ({code})", months) for code, months in by_month.by_department.items()
               if any(m.resolved for m in months.values())]
    target = cur.indicators.get(ON_TIME)
    target_value = float(target.target) * 100 if target is not None and isinstance(target.target, Fraction) else None
    title = "Biểu đồ 2. Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn (TTHC-02) theo tháng"
    cols = min(4, len(panels))
    rows = -(-len(panels) // cols)
    panel, gap, top, bottom = 1.55, 0.6, 0.95, 1.0  # inches
    height = top + bottom + rows * panel + (rows - 1) * gap
    fig = _figure(height, left=1.05, right=0.2, top=top, bottom=bottom)
    axes = fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False,
                        gridspec_kw={"hspace": gap / panel, "wspace": 0.12})
    labels = [_month_label(k) for k in by_month.overall]
    x = list(range(len(labels)))
    values = [v for _, months in panels for v in _rates(months) if v == v]
    low = min(values + ([target_value] if target_value is not None else []) + [100])
    low = max(0.0, (low // 10) * 10 - 5)
    for i, ax in enumerate(axes.flat):
        if i >= len(panels):
            ax.set_visible(False)
            continue
        name, months = panels[i]
        rates = _rates(months)
        first = i == 0
        ax.plot(x, rates, color="black", linewidth=2.0 if first else 1.3, marker="o" if first else "s",
                markersize=4, markerfacecolor="black" if first else "white", label="Tỷ lệ trong tháng")
        if target_value is not None:
            ax.axhline(target_value, color=GREY_MID, linestyle="--", linewidth=1.2, label="Chỉ tiêu")
        ax.set_title(_wrap(name, 22), fontsize=9, fontweight="bold" if first else "normal")
        ax.set_ylim(low, 102)
        ax.yaxis.set_major_formatter(_percent_formatter())
        ax.set_xticks(x, labels, rotation=90 if len(labels) > 4 else 0, fontsize=8)
        ax.tick_params(axis="y", labelsize=8)
        ax.grid(axis="y", color=GREY_LIGHT, linewidth=0.5)
    fig.supylabel("Tỷ lệ trước hạn, đúng hạn", x=0.15 / WIDTH, fontsize=10)
    fig.supxlabel("Tháng (theo ngày trả kết quả)", y=0.08 / height, fontsize=10)
    fig.suptitle(title, x=0.1 / WIDTH, y=1 - 0.08 / height, ha="left", va="top", fontweight="bold", fontsize=11)
    handles, legend_labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, legend_labels, loc="upper right", bbox_to_anchor=(1 - 0.1 / WIDTH, 1 - 0.3 / height),
               ncols=2, fontsize=9)
    notes = []
    if target_value is None:
        notes.append("Kế hoạch không có chỉ tiêu TTHC-02: không vẽ đường chỉ tiêu.")
    left_out = [f"{names.get(code, code)} ({code})" for code, months in by_month.by_department.items()
                if not any(m.resolved for m in months.values())]
    if left_out:
        notes.append(f"Không có hồ sơ đã giải quyết trong kỳ, không vẽ: {'; '.join(left_out)}.")
    notes.append("Tháng không có hồ sơ đã giải quyết: không có điểm.")
    return fig, title, " ".join(notes)


# ------------------------------------------------------------------ 3. indicators against targets


def _share_of_target(ind: IndicatorResult) -> float | None:
    """The value as a percentage of the target, for a number with a target > 0."""
    if ind.unit == "bool" or ind.value is None or isinstance(ind.value, bool):
        return None
    if not isinstance(ind.target, (Fraction, int)) or isinstance(ind.target, bool) or ind.target <= 0:
        return None
    return float(Fraction(ind.value) / Fraction(ind.target)) * 100


_STATUS_WORD = {"dat": "Đạt", "chua_dat": "Chưa đạt", "khong_co_so_lieu": "Chưa có số liệu"}


def chart_indicators(cur: PeriodFigures) -> tuple:
    inds = [ind for ind in cur.indicators.values() if ind.target is not None]
    title = "Biểu đồ 3. Các chỉ tiêu có kế hoạch: kết quả so với chỉ tiêu"
    rows = max(len(inds), 1)
    fig = _figure(1.55 + 0.28 * rows, left=0.9, right=2.45, top=0.4, bottom=1.15)
    ax = fig.add_subplot()
    cap = 150.0
    ys = list(range(len(inds)))[::-1]  # the plan's order from the top
    for y, ind in zip(ys, inds):
        share = _share_of_target(ind)
        met = ind.status == "dat"
        at = 0.0
        if share is not None:
            at = min(share, cap)
            ax.barh(y, at, 0.6, color=GREY_LIGHT if met else "white", edgecolor="black", linewidth=0.6,
                    hatch=None if met else NOT_MET_HATCH)
        elif ind.unit == "bool" and ind.status == "dat":
            at = 100.0  # a yes/no answer that meets its target: on the target line, no bar
        if ind.status in ("dat", "chua_dat"):
            ax.plot([at], [y], linestyle="none", clip_on=False, zorder=3, **_MARKERS[met])
        words = f"{value_text(ind)} / KH {target_text(ind)}: {_STATUS_WORD.get(ind.status, '')}"
        ax.annotate(words, (cap, y), xytext=(8, 0), textcoords="offset points", va="center", ha="left",
                    fontsize=8.5, fontweight="bold" if ind.status == "chua_dat" else "normal", annotation_clip=False)
    ax.axvline(100, color="black", linestyle="--", linewidth=1.0)
    ax.set_yticks(ys, [ind.code for ind in inds], fontsize=8.5)
    ax.set_xlim(0, cap)
    ax.set_ylim(-0.7, rows - 0.3)
    ax.xaxis.set_major_formatter(_percent_formatter())
    ax.set_xlabel("Kết quả so với chỉ tiêu (100% = bằng chỉ tiêu)")
    ax.set_ylabel("Mã chỉ tiêu")
    ax.set_title(title, loc="left", fontweight="bold")
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    legend = [  # two columns, filled column by column: đạt on the left, chưa đạt on the right
        (Patch(facecolor=GREY_LIGHT, edgecolor="black", linewidth=0.6), "Đạt: cột nền xám"),
        (Line2D([], [], linestyle="none", **_MARKERS[True]), "Đạt: chấm tròn đen"),
        (Line2D([], [], color="black", linestyle="--", linewidth=1.0), "Chỉ tiêu (100%)"),
        (Patch(facecolor="white", edgecolor="black", linewidth=0.6, hatch=NOT_MET_HATCH), "Chưa đạt: cột gạch chéo"),
        (Line2D([], [], linestyle="none", **_MARKERS[False]), "Chưa đạt: dấu ×, chữ đậm"),
    ]
    fig.legend([h for h, _ in legend], [t for _, t in legend], loc="lower left",
               bbox_to_anchor=(0.9 / WIDTH, 0.05 / fig.get_figheight()), ncols=2, fontsize=8.5)
    note = ("Chỉ tiêu có/không: chỉ có dấu (đạt: trên đường chỉ tiêu; chưa đạt: ở 0); chỉ tiêu bằng 0: chỉ ghi "
            "bằng chữ; cột quá 150% được cắt ở 150%. Tên các chỉ tiêu: mục VI.")
    return fig, title, note


_MARKERS = {  # met: a filled circle; not met: a white X (shape, not only colour)
    True: {"marker": "o", "markersize": 7, "color": "black", "markerfacecolor": "black"},
    False: {"marker": "X", "markersize": 9, "color": "black", "markerfacecolor": "white", "markeredgewidth": 1.0},
}


# ------------------------------------------------------------------ 4. comparisons


def _on_time(p: PeriodFigures) -> Fraction | None:
    t = p.tthc
    return Fraction(t.early + t.on_time, t.resolved) if t.resolved else None


def chart_comparison(figures: Figures) -> tuple:
    cur = figures.current
    periods = [("Kỳ này", cur)]
    if figures.previous is not None:
        periods.append(("Kỳ trước", figures.previous))
    if figures.same_period_last_year is not None:
        periods.append(("Cùng kỳ năm trước", figures.same_period_last_year))
    styles = [
        {"color": GREY_DARK},
        {"color": "white", "hatch": "////"},
        {"color": GREY_LIGHT, "hatch": "..."},
    ]
    title = "Biểu đồ 4. So sánh với kỳ trước và cùng kỳ năm trước"
    fig = _figure(4.2, left=0.9, right=0.2, top=0.75, bottom=1.05)
    left, right = fig.subplots(1, 2, gridspec_kw={"wspace": 0.35})

    def bars(ax, items, fmt):
        for i, (label, value, style) in enumerate(items):
            ax.bar(i, value, 0.6, edgecolor="black", linewidth=0.6, **style)
            ax.annotate(fmt(value), (i, value), xytext=(0, 3), textcoords="offset points", ha="center",
                        va="bottom", fontsize=9)
        ax.set_xticks(range(len(items)), [label for label, _, _ in items], fontsize=8)

    def label(name: str, p: PeriodFigures) -> str:
        return f"{name}\n({_wrap(subject_phrase(p.period, p.year), 15)})"

    counts = [(label(name, p), p.tthc.received, styles[i]) for i, (name, p) in enumerate(periods)
              if p is cur or cur.counts_comparable_with(p)]
    bars(left, counts, vi_format.number)
    left.set_ylim(0, max([v for _, v, _ in counts] + [1]) * 1.18)
    left.yaxis.set_major_formatter(_number_formatter())
    left.set_ylabel("Số hồ sơ")
    left.set_title("Hồ sơ tiếp nhận trong kỳ", fontsize=10)

    rates = [(label(name, p), float(_on_time(p)) * 100, styles[i], _on_time(p)) for i, (name, p) in enumerate(periods)
             if _on_time(p) is not None]
    bars(right, [(a, b, c) for a, b, c, _ in rates], lambda v: "")
    for i, (_, value, _, exact) in enumerate(rates):  # labels from the exact fraction
        right.texts[i].set_text(_pct(exact))
    right.set_ylim(0, 112)
    right.yaxis.set_major_formatter(_percent_formatter())
    right.set_ylabel("Tỷ lệ trước hạn, đúng hạn")
    right.set_title("Tỷ lệ giải quyết trước hạn, đúng hạn (TTHC-02)", fontsize=10)
    fig.suptitle(title, x=0.1 / WIDTH, y=1 - 0.08 / 4.2, ha="left", va="top", fontweight="bold", fontsize=11)
    fig.supxlabel("Kỳ báo cáo", y=0.08 / 4.2, fontsize=10)
    notes = []
    if len(periods) == 1:
        notes.append("Chưa có số liệu kỳ trước và cùng kỳ năm trước để so sánh.")
    skipped = [name.lower() for name, p in periods[1:] if not cur.counts_comparable_with(p)]
    if skipped:
        notes.append(f"Số hồ sơ không so sánh với {' và '.join(skipped)}: độ dài kỳ số liệu khác nhau.")
    return fig, title, " ".join(notes)


# ------------------------------------------------------------------ ahead of time


def warm_up() -> None:
    """Import matplotlib and draw a small chart once (the font list, the font
    files, the SVG writer), so that review_charts starts at once: the review's
    worker process does it while the run reads the dossier logs."""
    import matplotlib

    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    with matplotlib.rc_context(RC), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig = _figure(1.5)
        ax = fig.add_subplot()
        ax.bar([0, 1], [1, 2], hatch="//")
        ax.set_title("Tỷ lệ hồ sơ", fontweight="bold")
        ax.yaxis.set_major_formatter(_percent_formatter())
        _svg(fig, 0, "")


# ------------------------------------------------------------------ all four


def review_charts(plan: Plan, figures: Figures) -> list[Chart]:
    """The four charts of the review page, in order. Empty when the period's
    figures carry no by_month (figures built without aggregation's months)."""
    cur = figures.current
    if not cur.tthc_by_month.overall:
        return []
    import matplotlib

    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)  # "Times New Roman not found"
    out = []
    with matplotlib.rc_context(RC), warnings.catch_warnings():
        # a character the font lacks (in a department's name) is drawn by the
        # browser from another font: no warning on the clerk's screen
        warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        for number, build in enumerate((
            lambda: chart_received(cur),
            lambda: chart_on_time(plan, cur),
            lambda: chart_indicators(cur),
            lambda: chart_comparison(figures),
        ), start=1):
            fig, title, note = build()
            out.append(Chart(title=title, svg=_svg(fig, number, title), note=note))
    return out
