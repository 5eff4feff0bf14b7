"""Numbers as the reader writes them: 3.000 and 0,1 in Indonesian, 3,000 and 0.1 in English;
whole numbers on the axes of charts that count people."""

from __future__ import annotations

import pytest

from bot.i18n import format_number, use_locale
from bot.services.charts import Bars, Chart, figure_of


@pytest.mark.parametrize(
    ("locale", "value", "places", "expected"),
    [
        ("id", 3000, 0, "3.000"),
        ("en", 3000, 0, "3,000"),
        ("id", 0.14, 1, "0,1"),
        ("en", 0.14, 1, "0.1"),
        ("id", 12.0, 1, "12,0"),
        ("id", 1234567, 0, "1.234.567"),
    ],
)
def test_format_number(locale: str, value: float, places: int, expected: str) -> None:
    with use_locale(locale):
        assert format_number(value, places) == expected


def tick_labels(chart: Chart) -> tuple[list[float], list[str]]:
    figure = figure_of(chart)
    figure.canvas.draw()
    ax = figure.axes[0]
    bars = chart.panels[0]
    axis = ax.xaxis if bars.horizontal else ax.yaxis
    return list(axis.get_majorticklocs()), [t.get_text() for t in axis.get_majorticklabels()]


@pytest.mark.parametrize("horizontal", [True, False])
def test_small_counts_get_whole_number_ticks(horizontal: bool) -> None:
    chart = Chart("c", [Bars("t", ["a", "b"], [1, 2], horizontal=horizontal)])
    locations, labels = tick_labels(chart)
    assert locations and all(float(v).is_integer() for v in locations), locations
    assert not any("." in label or "," in label for label in labels), labels


def test_axis_numbers_follow_the_locale() -> None:
    bars = [Bars("t", ["a", "b"], [2500, 3000])]
    _locations, indonesian = tick_labels(Chart("c", bars, locale="id"))
    _locations, english = tick_labels(Chart("c", bars, locale="en"))
    # Thousands carry the reader's separator, never bare digits ("2000").
    assert "2.000" in indonesian and "2,000" in english, (indonesian, english)
    assert not any(label.isdigit() and len(label) >= 4 for label in indonesian + english)
