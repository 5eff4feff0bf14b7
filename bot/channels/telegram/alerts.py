"""Unexpected errors reach a person: one short alert to the admins (ADMIN_IDS) per kind of
failure, at most one per ALERT_EVERY; the failures in between are counted, and the next alert
of that kind says how many there were.

An alert says what failed and where, never what it was handling. What: the exception's class,
with the operating system's or SQLite's error code when there is one ("OSError [ENOSPC]",
"OperationalError [SQLITE_FULL]"); never the exception's message, which may quote the data
the code held (a NIK in a ValueError, a name in a KeyError). Where: a job's name, a command
the bot knows, "a button", "a message", and the line of the bot's own code it was raised
from. A kind is what and where together. The log line beside it has the whole traceback.

Alerts go through send.py: a blocked admin, a 429 or Telegram being away is an outcome,
never a new error. When no admin could be reached for now (429, network), the alert
counts as not sent: its failures are told by the next one of its kind.
"""

from __future__ import annotations

import asyncio
import errno
import html
import logging
import sqlite3
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from telegram import Bot

from bot.channels.telegram.send import send
from bot.deps import Deps
from bot.i18n import N_, _, use_locale
from bot.services.notify import Delivery
from bot.services.roles import staff_locale

log = logging.getLogger(__name__)

# The folder that holds the bot's own packages (the checkout, or site-packages when installed).
ROOT = Path(__file__).resolve().parents[3]  # the repository: this is bot/channels/telegram/
OWN_PACKAGES = frozenset({"bot", "handlers", "scripts", "tests"})

Kind = tuple[str, ...]
Render = Callable[[int], str]  # the alert's text for this count, in the current locale


@dataclass(frozen=True)
class Failure:
    what: str  # "RuntimeError", "OSError [ENOSPC]"
    where: str  # "job:reminder_job", "command:/daftar", "button", "message", "update", "polling"
    at: str = ""  # "handlers/registration.py:412 (on_text)"

    @property
    def kind(self) -> Kind:
        return ("error", self.what, self.where, self.at)


def error_name(error: BaseException) -> str:
    """The class of an error, and its code where the OS or SQLite gives one: no message."""
    name = type(error).__name__
    code: str | None = None
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorname", None)
    elif isinstance(error, OSError) and error.errno is not None:
        code = errno.errorcode.get(error.errno)
    return f"{name} [{code}]" if code else name


def _own_file(filename: str) -> str | None:
    """The path of one of the bot's own files relative to ROOT, None for a library's."""
    try:
        relative = Path(filename).resolve().relative_to(ROOT)
    except ValueError:
        return None
    return relative.as_posix() if relative.parts[:1] and relative.parts[0] in OWN_PACKAGES else None


def code_location(error: BaseException) -> str:
    """The deepest line of the bot's own code in the traceback: where it went wrong in the
    code we can change (a library's line would say little)."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        own = _own_file(frame.filename)
        if own is not None:
            return f"{own}:{frame.lineno} ({frame.name})"
    return ""


def failure(error: BaseException, where: str) -> Failure:
    return Failure(error_name(error), where, code_location(error))


_WHERE = {
    "job": N_("alert.where.job"),
    "command": N_("alert.where.command"),
    "button": N_("alert.where.button"),
    "message": N_("alert.where.message"),
    "update": N_("alert.where.update"),
    "polling": N_("alert.where.polling"),
}


def where_words(where: str) -> str:
    """A Failure.where in the current locale: job:backup → "tugas terjadwal backup"."""
    code, _sep, name = where.partition(":")
    return _(_WHERE.get(code, _WHERE["update"])).format(name=name)


def render_failure(found: Failure, count: int) -> str:
    """The alert, in the current locale (catalog texts are HTML: every value escaped)."""
    text = _("alert.error").format(
        what=html.escape(found.what),
        where=html.escape(where_words(found.where)),
        at=html.escape(found.at or "?"),
    )
    return f"{text}\n{times(count)}\n{_('alert.details')}"


def times(count: int) -> str:
    return _("alert.count").format(n=count)


@dataclass(frozen=True)
class Due:
    """An alert to send: counted already, delivered by Alerts.deliver."""

    kind: Kind
    render: Render
    count: int
    previous: datetime | None  # when the last alert of its kind went (restored if none got it)


@dataclass
class _Tally:
    since: int = 0  # failures since the last alert of this kind
    last_sent: datetime | None = None


class Alerts:
    """The admins' alerts for one running bot: what was counted, what was sent when."""

    def __init__(self, d: Deps, bot: Bot) -> None:
        self.d = d
        self.bot = bot
        self._tallies: dict[Kind, _Tally] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def _due(self, kind: Kind, now: datetime) -> tuple[int, datetime | None] | None:
        """Count one failure; (failures to report, when the last alert went) if one is due.
        Synchronous, so two failures at once cannot both find an alert due."""
        tally = self._tallies.setdefault(kind, _Tally())
        tally.since += 1
        if tally.last_sent is not None and now - tally.last_sent < self.d.settings.alert_every:
            return None
        count, previous = tally.since, tally.last_sent
        tally.since, tally.last_sent = 0, now
        return count, previous

    def count_error(self, error: BaseException, where: str) -> Due | None:
        """Count an unexpected error in a handler or a job, now; the alert to deliver, if due."""
        found = failure(error, where)
        return self.count(found.kind, lambda count: render_failure(found, count))

    async def error(self, error: BaseException, where: str) -> None:
        """An unexpected error in a handler or a job: counted, and the admins alerted if due."""
        due = self.count_error(error, where)
        if due is not None:
            await self.deliver(due)

    def error_soon(self, error: BaseException, where: str) -> None:
        """The same from synchronous code (a task's done callback): sent by a task of its own."""
        task = asyncio.get_running_loop().create_task(self.error(error, where))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def send(self, kind: Kind, render: Render) -> None:
        """Count one failure of this kind and alert the admins when one is due."""
        due = self.count(kind, render)
        if due is not None:
            await self.deliver(due)

    def count(self, kind: Kind, render: Render) -> Due | None:
        """Count one failure of this kind at once (synchronous: whatever happens after it is
        counted after it); the alert to deliver when one is due."""
        due = self._due(kind, self.d.clock.now())
        if due is None:
            log.info("alert held back: %s (one went less than ALERT_EVERY ago)", " ".join(kind))
            return None
        count, previous = due
        return Due(kind, render, count, previous)

    async def deliver(self, due: Due) -> None:
        """Send a due alert to every admin; never raises (it runs where something already
        went wrong)."""
        try:
            outcomes = [await self._tell(admin, due.render, due.count) for admin in self._admins()]
        except Exception:
            log.exception("alert could not be sent")
            outcomes = [Delivery.RETRY]
        if Delivery.RETRY in outcomes and Delivery.SENT not in outcomes:
            # Nobody has it (Telegram throttled or away): the next failure tells these too.
            tally = self._tallies[due.kind]
            tally.since += due.count
            tally.last_sent = due.previous
        told = ",".join(outcomes) or "no admins"
        log.info("alert %s: %s, %d failure(s)", " ".join(due.kind), told, due.count)

    def _admins(self) -> list[int]:
        return sorted(self.d.settings.admin_ids)

    async def _tell(self, admin: int, render: Render, count: int) -> Delivery:
        try:
            locale = await staff_locale(self.d, admin)
        except sqlite3.Error:  # the failure being reported may be the database itself
            locale = self.d.settings.default_locale
        with use_locale(locale):
            text = render(count)
        return (await send(self.bot, admin, text)).outcome

