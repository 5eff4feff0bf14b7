"""Ringkasan: the figures of /statistik (bot/services/stats.py), shaped for the page.

The same numbers as the bot's, named by the same functions; each chart is a table of its
numbers with a bar per row, so it reads at a glance and to a screen reader alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.deps import Deps
from bot.domain.dates import format_date_short, format_datetime
from bot.i18n import _, format_number, get_locale
from bot.services import stats
from bot.services.stats import Figures, PoolFigures
from handlers.common import plain
from handlers.stats import (
    channel_name,
    destination_name,
    interest_name,
    kecamatan_name,
    outcome_name,
    percent,
    stage_name,
    step_name,
)


@dataclass(frozen=True)
class Bar:
    name: str
    value: int
    text: str  # the value as read: "1.234" or "1.234 (56,7%)"
    width: float  # 0-100: the bar's length against the chart's largest value


@dataclass(frozen=True)
class Chart:
    key: str  # the element id, for links and tests
    title: str
    heading: str  # the column of names
    bars: list[Bar]


@dataclass(frozen=True)
class Quota:
    name: str
    used: int
    quota: int
    left: int
    waiting: int
    width: float  # 0-100 of the quota filled


@dataclass(frozen=True)
class Summary:
    as_of: str
    totals: list[tuple[str, str]]  # label, number
    quotas: list[Quota]
    charts: list[Chart]


def _width(value: int, largest: int) -> float:
    return round(100.0 * value / largest, 1) if largest > 0 else 0.0


def _chart(
    key: str, title: str, heading: str, rows: Sequence[tuple[str, int]],
    name: Callable[[str], str], texts: Sequence[str] | None = None,
) -> Chart:  # fmt: skip
    largest = max((n for _code, n in rows), default=0)
    bars = [
        Bar(plain(name(code)), n, texts[i] if texts else format_number(n), _width(n, largest))
        for i, (code, n) in enumerate(rows)
    ]
    return Chart(key, plain(title), heading, bars)


def _quota(name: str, pool: PoolFigures) -> Quota:
    filled = min(_width(pool.used, pool.quota), 100.0)
    return Quota(plain(name), pool.used, pool.quota, pool.left, pool.waiting, filled)


def shape(f: Figures, d: Deps) -> Summary:
    """The page's view of the figures, in the current locale."""
    locale = get_locale()
    now = d.clock.now().astimezone(d.settings.timezone)
    funnel = stats.drop_off(f.funnel)
    days = [(day.isoformat(), n) for day, n in f.per_day]
    day_names = {day.isoformat(): format_date_short(day, locale) for day, _n in f.per_day}
    return Summary(
        as_of=format_datetime(now, locale),
        totals=[
            (_("web.summary.registered"), format_number(f.registered)),
            (_("web.summary.in_progress"), format_number(f.in_progress)),
            (_("web.summary.started"), format_number(f.started)),
            (_("web.summary.minors"), format_number(f.minors)),
            (_("web.summary.opted_out"), format_number(f.opted_out)),
            (_("web.summary.inactive"), format_number(f.inactive)),
        ],
        quotas=[
            _quota(_("stats.pool.kota_serang"), f.kota_serang),
            _quota(_("stats.pool.region"), f.region),
            _quota(_("stats.pool.all"), f.programme),
        ],
        charts=[
            _chart("tahapan-wawancara", _("stats.funnel"), _("web.col.step"),
                   [(step, n) for step, n, _s in funnel], step_name,
                   [f"{format_number(n)} ({percent(s)})" for _step, n, s in funnel]),
            _chart("per-hari", _("stats.per_day").format(days=stats.DAYS_SHOWN),
                   _("web.col.day"), days, day_names.__getitem__),
            _chart("kanal", _("stats.by_channel"), _("channel.label"), f.by_channel,
                   channel_name),
            _chart("kecamatan", _("stats.by_kecamatan"), _("web.col.kecamatan"),
                   f.by_kecamatan, kecamatan_name),
            _chart("tujuan", _("stats.by_destination"), _("web.col.destination"),
                   f.by_destination, destination_name),
            _chart("minat", _("stats.by_interest"), _("web.col.interest"),
                   f.by_interest, interest_name),
            _chart("hasil", _("stats.by_outcome"), _("web.col.outcome"),
                   f.by_outcome, outcome_name),
            _chart("tahap", _("stats.by_stage"), _("web.col.stage"), f.by_stage, stage_name),
        ],
    )  # fmt: skip
