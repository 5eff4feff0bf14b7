"""/statistik grafik: the figures as PNG bar charts (matplotlib, Agg backend).

Charts take labels already translated, so rendering needs no catalog and can run in a worker
thread. The object-oriented API (Figure + FigureCanvasAgg) is used instead of pyplot: pyplot
keeps global state and is not safe outside the main thread.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # matplotlib is imported where a chart is drawn: start-up stays quick
    from matplotlib.figure import Figure

# Palette: BBPVP-ish blue for counts, grey for the quota behind them, orange for the waiting.
_BLUE = "#1f5fa8"
_GREY = "#d9dee5"
_ORANGE = "#e8842c"


@dataclass(frozen=True)
class Bars:
    title: str
    labels: list[str]
    values: list[int]
    limits: list[int] | None = None  # drawn behind the values (quotas)
    extra: list[int] | None = None  # stacked after the values (waiting lists)
    horizontal: bool = True
    value_labels: list[str] = field(default_factory=list)  # text at the end of each bar


@dataclass(frozen=True)
class Chart:
    caption: str
    panels: list[Bars]
    locale: str = "id"  # for the numbers on the axes (3.000 in Indonesian, 3,000 in English)


def _draw(ax: object, bars: Bars, locale: str) -> None:
    from babel.numbers import format_decimal
    from matplotlib.axes import Axes
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    assert isinstance(ax, Axes)
    positions = list(range(len(bars.labels)))
    draw = ax.barh if bars.horizontal else ax.bar
    if bars.limits is not None:
        draw(positions, bars.limits, color=_GREY)
    draw(positions, bars.values, color=_BLUE)
    if bars.extra is not None:
        if bars.horizontal:
            ax.barh(positions, bars.extra, left=bars.values, color=_ORANGE)
        else:
            ax.bar(positions, bars.extra, bottom=bars.values, color=_ORANGE)
    texts = bars.value_labels or [str(v) for v in bars.values]
    # Where each bar ends, whichever part is longest: its label goes just past it.
    ends = [
        max(value + (bars.extra[i] if bars.extra else 0), bars.limits[i] if bars.limits else 0)
        for i, value in enumerate(bars.values)
    ]
    top = max([*ends, 1])
    for pos, end, text in zip(positions, ends, texts, strict=False):
        if bars.horizontal:
            ax.text(end + top * 0.01, pos, text, va="center", fontsize=8)
        else:
            ax.text(pos, end + top * 0.01, text, ha="center", va="bottom", fontsize=7)
    if bars.horizontal:
        ax.set_yticks(positions, bars.labels, fontsize=8)
        ax.invert_yaxis()  # first item on top, as in the text version
        # Room on the right for the longest label.
        longest = max((len(t) for t in texts), default=0)
        ax.set_xlim(0, top * (1.08 + 0.012 * longest))
    else:
        ax.set_xticks(positions, bars.labels, fontsize=7, rotation=60, ha="right")
        ax.set_ylim(0, top * 1.15)
    # Every bar is a count of people: whole numbers on the axis (no 0.2, 0.4 ...), written
    # the way the reader writes numbers.
    counts = ax.xaxis if bars.horizontal else ax.yaxis
    counts.set_major_locator(MaxNLocator(integer=True))
    counts.set_major_formatter(FuncFormatter(lambda v, _pos: format_decimal(v, locale=locale)))
    ax.set_title(bars.title, fontsize=10, loc="left")
    ax.spines[["top", "right"]].set_visible(False)


def render(chart: Chart) -> bytes:
    """One PNG with the chart's panels stacked."""
    buffer = io.BytesIO()
    figure_of(chart).savefig(buffer, format="png")
    return buffer.getvalue()


def figure_of(chart: Chart) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    heights = [max(1.6, 0.28 * len(p.labels) + 0.8) if p.horizontal else 3.2 for p in chart.panels]
    figure = Figure(figsize=(8, sum(heights) + 0.4), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.subplots(len(chart.panels), 1, squeeze=False, height_ratios=heights)
    for ax, panel in zip(axes[:, 0], chart.panels, strict=True):
        _draw(ax, panel, chart.locale)
    figure.tight_layout()
    return figure


def render_all(charts: Sequence[Chart]) -> list[bytes]:
    return [render(chart) for chart in charts]
