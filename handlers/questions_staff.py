"""The staff's side of residents' questions, in the staff supergroup (STAFF_GROUP_ID).

Each resident has a topic there; a staff member's message in it is copied to the resident,
signed; /selesai closes the question and tells the resident; /kartu shows the applicant's
card as /cari does. A member who is not staff (per the staff table) is ignored, and the
admins are told once about each such member. Every day at REMINDER_HOUR the group gets the
questions waiting longer than QUESTION_SLA_HOURS. At start-up, what the bot had stored but
not yet relayed (it stopped in between) is relayed.
"""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

from telegram import Bot, Message, Update, User
from telegram.error import TelegramError
from telegram.ext import CallbackContext, CommandHandler, MessageHandler, filters

from bot.channels.telegram import question_desk as desk
from bot.channels.telegram import question_relay as relay
from bot.deps import Deps
from bot.domain.dates import format_datetime, stored_moment
from bot.feature import App
from bot.i18n import _, get_locale, use_locale
from bot.services import casework, roles
from bot.services import questions as service
from bot.services.roles import staff_locale
from bot.storage import applicants as repo
from bot.storage import questions as store
from bot.storage.questions import Question
from handlers.common import Context, deps, number
from handlers.staff import card_text, fit, short_date

log = logging.getLogger(__name__)

SLA_JOB = "questions_sla"


def _in_staff_topic(update: Update, d: Deps) -> tuple[Message, int] | None:
    """The message and its topic, when it was written in a topic of the staff group."""
    message = update.effective_message
    group = d.settings.staff_group_id
    if message is None or group is None or message.chat_id != group:
        return None
    thread = message.message_thread_id if message.is_topic_message else None
    return (message, thread) if thread else None


async def _question_of_topic(d: Deps, thread: int) -> tuple[int | None, Question | None]:
    group = d.settings.staff_group_id
    assert group is not None
    resident = await store.user_of_topic(d.db, group, thread)
    if resident is None:
        return None, None
    return resident, await store.open_for(d.db, resident)


async def _staff_member(update: Update, context: Context) -> bool:
    """Whether the writer is staff; the admins hear once about each member who is not."""
    d = deps(context)
    user = update.effective_user
    if user is None or user.is_bot:
        return False
    if await roles.is_staff(d, user.id):
        return True
    if await store.first_warning(d.db, user.id, d.clock.now()):
        log.warning("a member who is not staff wrote in the staff group")
        for admin in sorted(d.settings.admin_ids):
            with use_locale(await staff_locale(d, admin)):
                text = _("questions.staff.intruder").format(user_id=user.id)
            try:
                await context.bot.send_message(admin, text)
            except TelegramError as exc:
                log.info("admin not told about a group member: %s", type(exc).__name__)
    return False


@dataclass(frozen=True)
class TopicMessage:
    """A staff member's message in a topic of the staff group."""

    message: Message
    thread: int
    staff: User


async def _from_staff_in_topic(update: Update, context: Context) -> TopicMessage | None:
    """The message, when a staff member wrote it in a topic of the staff group; else None
    (and the admins hear once about a member who is not staff)."""
    found = _in_staff_topic(update, deps(context))
    if found is None or not await _staff_member(update, context):
        return None
    user = update.effective_user
    assert user is not None  # _staff_member refused a message without a writer
    message, thread = found
    return TopicMessage(message, thread, user)


async def on_group_message(update: Update, context: Context) -> None:
    """A staff member's message in a resident's topic: copied to the resident, signed."""
    d = deps(context)
    got = await _from_staff_in_topic(update, context)
    if got is None:
        return
    resident, question = await _question_of_topic(d, got.thread)
    if resident is None:
        return  # a topic of the staff's own: not a resident's
    with use_locale(relay.group_locale(d)):
        if question is None:
            await relay.tell_group(d, context.bot, _("questions.staff.not_open"), got.thread)
            return
        message = got.message
        kind = _kind(message)
        body = message.text if kind == "text" else message.caption
        await desk.answer(
            d, context.bot, question, got.staff.id, got.staff.first_name, kind, body,
            message.chat_id, message.message_id, got.thread,
        )  # fmt: skip


def _kind(message: Message) -> str:
    if message.text:
        return "text"
    for kind in ("photo", "document", "voice", "video", "audio"):
        if getattr(message, kind):
            return kind
    return "other"


async def selesai(update: Update, context: Context) -> None:
    """/selesai in a resident's topic: the question is closed and the resident told."""
    d = deps(context)
    got = await _from_staff_in_topic(update, context)
    if got is None:
        return
    resident, question = await _question_of_topic(d, got.thread)
    with use_locale(relay.group_locale(d)):
        if resident is None or question is None:
            await relay.tell_group(d, context.bot, _("questions.staff.nothing_open"), got.thread)
            return
        await desk.finish(d, context.bot, question, got.staff.id, got.staff.first_name, got.thread)


async def kartu(update: Update, context: Context) -> None:
    """/kartu in a resident's topic: their applicant card, as /cari shows it."""
    d = deps(context)
    got = await _from_staff_in_topic(update, context)
    if got is None:
        return
    group = d.settings.staff_group_id
    assert group is not None
    resident = await store.user_of_topic(d.db, group, got.thread)
    with use_locale(relay.group_locale(d)):
        applicant = await repo.get(d.db, resident) if resident is not None else None
        if applicant is None or not applicant.reg_no:
            await relay.tell_group(d, context.bot, _("questions.staff.no_card"), got.thread)
            return
        await casework.record_card_view(d, got.staff.id, applicant)
        text = fit(card_text(d, await casework.card(d, applicant)))
        await relay.tell_group(d, context.bot, text, got.thread)


# --- the daily list and the start-up catch-up ---------------------------------------------------


async def overdue_text(d: Deps, waiting: list[Question]) -> str:
    tz = d.settings.timezone
    locale = relay.group_locale(d)
    lines = [_("questions.staff.overdue").format(hours=d.settings.question_sla_hours)]
    for question in waiting:
        who = await relay.resident(d, question.user_id, None)
        since = format_datetime(stored_moment(question.waiting_since or "", tz), locale)
        lines.append(
            _("questions.staff.overdue_line").format(
                id=question.id, who=html.escape(relay.topic_name(who)), since=since
            )
        )
    return "\n".join(lines)


async def remind_overdue(context: CallbackContext[Any, Any, Any, Any]) -> None:
    d = deps(context)
    waiting = await service.overdue(d)
    if not waiting:
        return
    with use_locale(relay.group_locale(d)):
        text = fit(await overdue_text(d, waiting))
    await relay.tell_group(d, context.bot, text)


async def relay_owed(d: Deps, bot: Bot) -> None:
    """What was stored but not relayed when the bot stopped: to staff, or to the resident."""
    seen: set[int] = set()
    for question, row in await store.owed(d.db):
        if row.direction == "in":
            if question.id not in seen:
                seen.add(question.id)
                await relay.relay_in(d, bot, question, None)
        else:
            await relay.relay_out(d, bot, question, row, None)


@asynccontextmanager
async def questions_lifespan(app: App, d: Deps) -> AsyncIterator[None]:
    job_queue = app.job_queue
    assert job_queue is not None, "install python-telegram-bot[job-queue]"
    # Even without STAFF_GROUP_ID now: a topic made before it was unset still holds copies.
    d.after_erase = functools.partial(relay.delete_topics, app.bot)
    if d.settings.staff_group_id is not None:
        await relay_owed(d, app.bot)
        job_queue.run_daily(
            remind_overdue,
            time(d.settings.reminder_hour, 0, tzinfo=d.settings.timezone),
            name=SLA_JOB,
        )
    try:
        yield
    finally:
        d.after_erase = None
        for job in job_queue.get_jobs_by_name(SLA_JOB):
            job.schedule_removal()


_GROUP = filters.ChatType.SUPERGROUP

GROUP_HANDLERS = (
    CommandHandler("selesai", selesai, filters=_GROUP),
    CommandHandler("kartu", kartu, filters=_GROUP),
    MessageHandler(_GROUP & ~filters.COMMAND & ~filters.StatusUpdate.ALL, on_group_message),
)


# --- /statistik ---------------------------------------------------------------------------------


def duration_text(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return _("questions.duration.minutes").format(n=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("questions.duration.hours").format(h=hours, m=minutes)
    days, hours = divmod(hours, 24)
    return _("questions.duration.days").format(d=days, h=hours)


async def stats_lines(d: Deps) -> list[str]:
    """The questions' figures for /statistik, in the reader's language: short lines."""
    f = await service.figures(d)
    locale = get_locale()
    lines = [_("questions.stats.title"), _("questions.stats.open").format(n=number(f.open))]
    if f.oldest_waiting is not None:
        lines.append(
            _("questions.stats.oldest").format(when=format_datetime(f.oldest_waiting, locale))
        )
    else:
        lines.append(_("questions.stats.oldest.none"))
    if f.median_first_answer is not None:
        duration = duration_text(f.median_first_answer)
        lines.append(_("questions.stats.median").format(duration=duration))
    else:
        lines.append(_("questions.stats.median.none"))
    lines.append(_("questions.stats.per_day").format(days=service.DAYS_SHOWN))
    lines += [f"• {short_date(day.date(), locale)}: {number(n)}" for day, n in f.per_day]
    return lines
