"""Residents' questions, whatever channel they come by: the FAQ first, then staff.

This is the seam for every channel: Telegram's handlers (handlers/questions.py) call it today;
a WhatsApp adapter (issue 12) or the web inbox (issue 13) calls the same functions with its
own ``Incoming`` and relays with its own sender. Nothing here imports Telegram.

- ``faq(d)``: the answers as data, read again when the file changes (no restart needed).
- ``send_allowed(d, user_id)``: QUESTION_LIMIT messages an hour to staff at most.
- ``ask(d, incoming)``: a message to staff, stored before it is relayed (joins the open
  question, or opens one); ``keep_draft``/``send_draft`` for the FAQ's "Tanya petugas".
- ``reply(d, ...)``/``close(d, ...)``: what staff do, from the group topic or (later) a web page.
- ``figures(d)`` and ``overdue(d)``: /statistik and the daily list of questions waiting too long.
"""

from __future__ import annotations

import logging
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bot.config import load_faq
from bot.deps import Deps
from bot.domain.dates import stored_moment
from bot.domain.faq import Faq, FaqMatch
from bot.storage import questions as store
from bot.storage.questions import Question

log = logging.getLogger(__name__)

DAYS_SHOWN = 7  # questions per day in /statistik


@dataclass(frozen=True)
class Incoming:
    """One message from a resident, as any channel hands it over."""

    user_id: int
    locale: str  # the language replies are signed in
    kind: str  # text, photo, document, voice, other
    body: str | None  # the text or caption
    chat_id: int  # where the original is, for a copy (Telegram: the private chat)
    message_id: int


# --- the FAQ, reloaded when its file changes --------------------------------------------------


@dataclass
class _Loaded:
    path: Path
    stamp: tuple[int, int]
    faq: Faq


_loaded: dict[Path, _Loaded] = {}


def faq(d: Deps) -> Faq:
    """The FAQ as the file says now. The file is looked at (one stat) on each question: staff
    change it without a restart; a changed file that is not valid is not taken (the last
    valid answers stay, one log line says why)."""
    path = d.settings.faq_path
    try:
        info = path.stat()
    except OSError as exc:
        log.warning("FAQ file unreadable, keeping the answers loaded: %s", exc.strerror or exc)
        return _loaded[path].faq if path in _loaded else d.settings.faq
    stamp = (info.st_mtime_ns, info.st_size)
    loaded = _loaded.get(path)
    if loaded is None:  # the first question since start-up: the settings read this file
        _loaded[path] = _Loaded(path, stamp, d.settings.faq)
        return d.settings.faq
    if loaded.stamp == stamp:
        return loaded.faq
    try:
        fresh = load_faq("FAQ_PATH", path)
    except ValueError as exc:
        log.warning("FAQ file changed but is not valid, keeping the answers loaded: %s", exc)
        _loaded[path] = _Loaded(path, stamp, loaded.faq)
        return loaded.faq
    log.info("FAQ reloaded: %d answers", len(fresh.entries))
    _loaded[path] = _Loaded(path, stamp, fresh)
    return fresh


def match(d: Deps, text: str) -> list[FaqMatch]:
    return faq(d).match(text)


# --- residents ---------------------------------------------------------------------------------


def staff_reachable(d: Deps) -> bool:
    """Whether questions can go to staff at all (a staff group is set)."""
    return d.settings.staff_group_id is not None


async def send_allowed(d: Deps, user_id: int) -> datetime | None:
    """None when this person may send staff a message now; else when they may again."""
    now = d.clock.now()
    sent = await store.sent_since(d.db, user_id, now - timedelta(hours=1))
    if len(sent) < d.settings.question_limit:
        return None
    # The hour's count drops below the limit when the oldest of the last `limit` ages out.
    oldest = stored_moment(sent[-d.settings.question_limit], d.settings.timezone)
    return oldest + timedelta(hours=1)


async def keep_draft(d: Deps, incoming: Incoming) -> int:
    return await store.draft(
        d.db, incoming.user_id, incoming.locale, incoming.kind, incoming.body, incoming.chat_id,
        incoming.message_id, d.clock.now(),
    )  # fmt: skip


async def send_draft(d: Deps, user_id: int, draft_id: int) -> Question | None:
    return await store.send_draft(d.db, user_id, draft_id, d.clock.now())


async def ask(d: Deps, incoming: Incoming) -> tuple[Question, int]:
    """A message to staff, stored first: (its question, the stored message's row id)."""
    return await store.add_incoming(
        d.db, incoming.user_id, incoming.locale, incoming.kind, incoming.body, incoming.chat_id,
        incoming.message_id, d.clock.now(),
    )  # fmt: skip


async def helpful(d: Deps, faq_key: str) -> None:
    await store.record_helpful(d.db, faq_key, d.clock.now())


# --- staff -------------------------------------------------------------------------------------


async def reply(
    d: Deps, question: Question, staff_id: int, kind: str, body: str | None, chat_id: int,
    message_id: int,
) -> int:  # fmt: skip
    """A staff reply, stored before it is relayed; returns the stored message's row id."""
    return await store.add_reply(
        d.db, question.id, staff_id, kind, body, chat_id, message_id, d.clock.now()
    )


async def close(d: Deps, question: Question, staff_id: int) -> bool:
    return await store.close(d.db, question.id, staff_id, d.clock.now())


# --- figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionFigures:
    open: int
    oldest_waiting: datetime | None  # local time
    median_first_answer: timedelta | None
    per_day: list[tuple[datetime, int]]  # (local midnight, questions opened), oldest first


async def figures(d: Deps) -> QuestionFigures:
    tz = d.settings.timezone
    now = d.clock.now().astimezone(tz)
    first_day = (now - timedelta(days=DAYS_SHOWN - 1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    open_count, oldest, delays, opened = await store.figures(d.db, first_day)
    counts: dict[datetime, int] = {first_day + timedelta(days=i): 0 for i in range(DAYS_SHOWN)}
    for stamp in opened:
        moment = stored_moment(stamp, tz)
        day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        if day in counts:
            counts[day] += 1
    median = timedelta(seconds=statistics.median(delays)) if delays else None
    return QuestionFigures(
        open_count,
        stored_moment(oldest, tz) if oldest else None,
        median,
        sorted(counts.items()),
    )


async def overdue(d: Deps) -> list[Question]:
    return await store.waiting_longer_than(d.db, d.clock.now(), d.settings.question_sla_hours)
