"""/statistik: the programme's figures as text, and /statistik grafik as PNG charts."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from typing import Any

from babel.numbers import format_decimal
from telegram import Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import CommandHandler, filters

from bot.domain import questionnaire as qn
from bot.domain.dates import format_datetime
from bot.domain.regions import kecamatan_by_slug
from bot.feature import Feature, Group, StaffCommand
from bot.i18n import N_, _, get_locale
from bot.services import retention, stats
from bot.services.charts import Bars, Chart, render_all
from bot.services.roles import audit
from bot.services.stats import UNKNOWN, Figures, PoolFigures
from handlers import questions_staff
from handlers.access import staff_only
from handlers.common import Context, View, deps, number, plain, send, user_id
from handlers.staff import label, send_lines, short_date

log = logging.getLogger(__name__)

CHART_WORDS = ("grafik", "chart", "charts")


def percent(value: float) -> str:
    return format_decimal(round(value, 1), format="#,##0.0", locale=get_locale()) + "%"


# Names of the values in each breakdown, in the reader's language.
def channel_name(code: str) -> str:
    return label(f"channel.{code}")


def outcome_name(code: str) -> str:
    return label(f"card.outcome.{code}") if code != UNKNOWN else _("stats.unknown")


def stage_name(code: str) -> str:
    return label(f"stage.{code}") if code != UNKNOWN else _("stats.unknown")


def kecamatan_name(slug: str) -> str:
    kecamatan = kecamatan_by_slug(slug)
    return kecamatan.name if kecamatan else (slug or _("stats.unknown"))


def destination_name(code: str) -> str:
    return label(f"dest.{code}") if code != UNKNOWN else _("stats.unknown")


def interest_name(code: str) -> str:
    return label(f"interest.{code}") if code != UNKNOWN else _("stats.unknown")


def step_name(step: str) -> str:
    if step.startswith("q:"):
        key = step[2:]
        if key == qn.SUMMARY:
            return _("stats.funnel.summary")
        question = qn.BY_KEY.get(key)
        return _(question.label) if question else key
    return label(f"stats.funnel.{step}")


def pool_line(key: str, pool: PoolFigures) -> str:
    return _(key).format(
        used=number(pool.used), quota=number(pool.quota), left=number(pool.left),
        waiting=number(pool.waiting),
    )  # fmt: skip


def breakdown(title: str, rows: list[tuple[str, int]], name: Any) -> list[str]:
    lines = ["", title]
    lines += [f"• {name(code)}: {number(n)}" for code, n in rows]
    if not rows:
        lines.append(_("stats.none"))
    return lines


def figures_messages(f: Figures, as_of: str) -> list[list[str]]:
    """The text version: totals, quotas and breakdowns; then, in a second message (one holds
    4096 characters), the funnel and the registrations per day."""
    lines = [
        _("stats.title").format(when=as_of),
        "",
        _("stats.totals"),
        _("stats.registered").format(n=number(f.registered)),
        _("stats.in_progress").format(n=number(f.in_progress)),
        _("stats.minors").format(n=number(f.minors)),
        _("stats.started").format(n=number(f.started)),
        _("stats.unreachable").format(opted_out=number(f.opted_out), inactive=number(f.inactive)),
        *([_("stats.erased").format(n=number(f.erased))] if f.erased else []),
        _("stats.retention_due").format(
            n=number(f.retention_due), days=number(retention.FORECAST_DAYS)
        ),
        "",
        _("stats.quota"),
        pool_line("stats.quota.kota_serang", f.kota_serang),
        pool_line("stats.quota.region", f.region),
        pool_line("stats.quota.programme", f.programme),
    ]
    lines += breakdown(_("stats.by_channel"), f.by_channel, channel_name)
    lines += breakdown(_("stats.by_outcome"), f.by_outcome, outcome_name)
    lines += breakdown(_("stats.by_stage"), f.by_stage, stage_name)
    lines += breakdown(_("stats.by_kecamatan"), f.by_kecamatan, kecamatan_name)
    lines += breakdown(_("stats.by_destination"), f.by_destination, destination_name)
    lines += breakdown(_("stats.by_interest"), f.by_interest, interest_name)
    second = [_("stats.funnel")]
    for step, n, share in stats.drop_off(f.funnel):
        second.append(f"• {step_name(step)}: {number(n)} ({percent(share)})")
    second += ["", _("stats.per_day").format(days=stats.DAYS_SHOWN)]
    locale = get_locale()
    second += [f"• {short_date(day, locale)}: {number(n)}" for day, n in f.per_day]
    return [lines, second]


def charts(f: Figures) -> list[Chart]:
    """The same figures as chart specifications, labels translated here (not in the thread)."""
    pools = [f.kota_serang, f.region, f.programme]
    locale = get_locale()
    chart = functools.partial(Chart, locale=locale)
    funnel = stats.drop_off(f.funnel)
    return [
        chart(
            _("stats.chart.quota"),
            [
                Bars(
                    plain(_("stats.quota.title_chart")),
                    [_("stats.pool.kota_serang"), _("stats.pool.region"), _("stats.pool.all")],
                    [p.used for p in pools],
                    limits=[p.quota for p in pools],
                    extra=[p.waiting for p in pools],
                    value_labels=[
                        _("stats.chart.quota_label").format(
                            used=number(p.used), quota=number(p.quota), waiting=number(p.waiting)
                        )
                        for p in pools
                    ],
                )
            ],
        ),
        chart(
            _("stats.chart.outcome_stage"),
            [
                _bars(_("stats.by_outcome"), f.by_outcome, outcome_name),
                _bars(_("stats.by_stage"), f.by_stage, stage_name),
            ],
        ),
        chart(
            _("stats.chart.who"),
            [
                _bars(_("stats.by_kecamatan"), f.by_kecamatan, kecamatan_name),
                _bars(_("stats.by_destination"), f.by_destination, destination_name),
                _bars(_("stats.by_interest"), f.by_interest, interest_name),
            ],
        ),
        chart(
            _("stats.chart.funnel"),
            [
                Bars(
                    plain(_("stats.funnel")),
                    [step_name(step) for step, _n, _s in funnel],
                    [n for _step, n, _s in funnel],
                    value_labels=[f"{number(n)} ({percent(s)})" for _step, n, s in funnel],
                )
            ],
        ),
        chart(
            _("stats.chart.per_day"),
            [
                Bars(
                    plain(_("stats.per_day").format(days=stats.DAYS_SHOWN)),
                    [short_date(day, locale) for day, _n in f.per_day],
                    [n for _day, n in f.per_day],
                    horizontal=False,
                    value_labels=[number(n) for _day, n in f.per_day],
                )
            ],
        ),
    ]


def _bars(title: str, rows: list[tuple[str, int]], name: Any) -> Bars:
    return Bars(
        plain(title),
        [name(code) for code, _n in rows],
        [n for _code, n in rows],
        value_labels=[number(n) for _code, n in rows],
    )


@staff_only
async def statistik(update: Update, context: Context) -> None:
    """/statistik [grafik]."""
    d = deps(context)
    args = [a.lower() for a in context.args or []]
    if args and (len(args) > 1 or args[0] not in CHART_WORDS):
        await send(update, context, View(_("stats.usage")))
        return
    figures = await stats.gather(d)
    as_of = format_datetime(d.clock.now().astimezone(d.settings.timezone), get_locale())
    if not args:
        await audit(d, user_id(update), "stats", None, {"view": "text"})
        messages = figures_messages(figures, as_of)
        messages[-1] += ["", *await questions_staff.stats_lines(d)]
        for lines in messages:
            await send_lines(update, context, lines)
        return
    await audit(d, user_id(update), "stats", None, {"view": "charts"})
    chat = update.effective_chat
    assert chat is not None
    with contextlib.suppress(TelegramError):  # only a courtesy
        await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_PHOTO)
    specs = charts(figures)
    # Rendering takes a few hundred milliseconds: off the event loop.
    images = await asyncio.to_thread(render_all, specs)
    for spec, image in zip(specs, images, strict=True):
        await context.bot.send_photo(chat.id, image, caption=f"{spec.caption} · {as_of}")


FEATURE = Feature(
    name="stats",
    handlers={
        Group.MAIN: (CommandHandler("statistik", statistik, filters=filters.ChatType.PRIVATE),),
    },
    staff_commands=(StaffCommand("statistik", N_("staffcmd.statistik")),),
)
