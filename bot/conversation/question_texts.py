"""What a resident is told when their question goes to staff, whichever channel they write
from (handlers/questions.py for Telegram, bot/channels/whatsapp/questions.py): office hours
and when staff will read it, and the hourly limit."""

from __future__ import annotations

from datetime import datetime

from babel.dates import get_day_names

from bot.deps import Deps
from bot.domain.dates import format_datetime, format_time
from bot.i18n import _, get_locale


def hours_text(d: Deps) -> str:
    """"Senin–Jumat, 08.00–16.00 WIB" in the reader's language."""
    hours = d.settings.office_hours
    names = get_day_names("wide", locale=get_locale())
    first, last = names[hours.days[0]], names[hours.days[-1]]
    days = first if first == last else f"{first}–{last}"
    today = d.clock.now().astimezone(d.settings.timezone)
    start = today.replace(hour=hours.start.hour, minute=hours.start.minute)
    end = today.replace(hour=hours.end.hour, minute=hours.end.minute)
    start_text = format_time(start, get_locale()).split(" ")[0]
    return f"{days}, {start_text}–{format_time(end, get_locale())}"


def expectation(d: Deps) -> str:
    """When a person will read it: now (office hours), or from the next opening."""
    tz = d.settings.timezone
    now = d.clock.now()
    hours = d.settings.office_hours
    if hours.is_open(now, tz):
        return _("questions.sent.office_open").format(hours=hours_text(d))
    opening = format_datetime(hours.next_open(now, tz), get_locale())
    return _("questions.sent.office_closed").format(hours=hours_text(d), when=opening)


def limit_text(d: Deps, until: datetime) -> str:
    """QUESTION_LIMIT reached: not passed on, and from when they may write again."""
    return _("questions.limit").format(
        n=d.settings.question_limit, time=format_time(until, get_locale())
    )
