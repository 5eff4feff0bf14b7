"""Reminder delivery: JobQueue jobs rebuilt from SQLite, and the messages residents get.

SQLite is the truth (``reminders``, ``events.notice``, ``applicants.remind_on``); PTB's
JobQueue only holds timers, each with a stable id (``reminder:<id>``) so that re-creating
them never doubles one. Job delays are computed from the injected clock (``Deps.clock``), so
a test with a fixed clock never sees a reminder fire by accident, while real time drives the
firing in production and in the end-to-end tests.

Everything goes through bot/services/notify.py (one send, the one error table, a resident
who blocked the bot marked inactive) and so through the application's rate limiter, the same
sender as all other traffic: a 429 is waited out and retried there, and one that still
fails leaves the reminder pending and re-tried later, never dropped.
"""

from __future__ import annotations

import asyncio
import logging
import time as _time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import Application, CallbackContext

from bot import callbacks as cb
from bot.conversation.views import Option, option
from bot.deps import DEPS_KEY, Deps
from bot.domain.dates import format_datetime, format_time
from bot.domain.reminders import (
    StartupAction,
    next_daily_run,
    past_daily_hour,
    relative_day,
    retry_delay,
    triage,
)
from bot.i18n import _, use_locale
from bot.rule_words import rule_words
from bot.services import notify
from bot.services.notify import Delivery, Told
from bot.services.roles import staff_locale
from bot.services.schedules import decline_recipients
from bot.storage import applicants as applicants_repo
from bot.storage import contacts
from bot.storage import schedules as store
from bot.storage.applicants import Applicant
from bot.storage.message_log import Kind
from bot.storage.schedules import Event

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]
BIRTHDAY_JOB = "minor-birthdays"


def reminder_job_id(reminder_id: int) -> str:
    return f"reminder:{reminder_id}"


def notice_job_id(event_id: int) -> str:
    return f"notice:{event_id}"


# --- what residents read ----------------------------------------------------------------


def kind_label(kind: str) -> str:
    return _(f"schedule.kind.{kind}")


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def answer_label(answer: str | None) -> str:
    return _(f"schedule.answer.{answer or 'none'}")


def when_text(d: Deps, starts_at: datetime, locale: str) -> str:
    """ "Senin, 12 Januari 2026 pukul 09.00 WIB" in the programme's time zone."""
    return format_datetime(starts_at.astimezone(d.settings.timezone), locale)


def when_relative(d: Deps, starts_at: datetime, locale: str) -> str:
    """ "besok pukul 09.00 WIB" / "lusa ..." / "hari ini ...", else the full date."""
    local = starts_at.astimezone(d.settings.timezone)
    days = relative_day(local.date(), d.today())
    if days is None:
        return _("schedule.on_date").format(when=format_datetime(local, locale))
    return _("schedule.rel.at").format(
        day=_(f"schedule.rel.{days}"), time=format_time(local, locale)
    )


def note_text(event: Event) -> str:
    """The staff's note on its own line, or nothing."""
    return "\n" + _("schedule.note").format(note=escape(event.note)) if event.note else ""


def answer_options(event: Event) -> tuple[Option, Option]:
    """Hadir / Tidak bisa hadir under a notice or reminder, whatever the channel."""
    return (
        option(_("schedule.btn.hadir"), cb.ScheduleAnswer(event.id, cb.Attendance.ATTEND)),
        option(_("schedule.btn.tidak_bisa"), cb.ScheduleAnswer(event.id, cb.Attendance.CANNOT)),
    )


def answer_markup(event: Event) -> InlineKeyboardMarkup:
    """The same two answers as Telegram buttons, side by side."""
    buttons = [InlineKeyboardButton(o.label, callback_data=o.id) for o in answer_options(event)]
    return InlineKeyboardMarkup([buttons])


def answer_line(event: Event) -> str:
    if event.answer is None:
        return _("schedule.please_answer")
    return _("schedule.your_answer").format(answer=answer_label(event.answer))


def notice_text(d: Deps, event: Event, locale: str, previous: Event | None) -> str:
    """ "Anda dijadwalkan wawancara pada Senin, ... di BBPVP Serang" (or the changed date)."""
    values = {
        "kind": kind_label(event.kind),
        "when": when_text(d, event.starts_at, locale),
        "place": escape(event.place),
    }
    if previous is not None and previous.starts_at != event.starts_at:
        key = "schedule.notice.changed"
        values["old"] = when_text(d, previous.starts_at, locale)
    elif previous is not None:
        key = "schedule.notice.changed_place"
    else:
        key = "schedule.notice.new"
    return _(key).format(**values) + note_text(event) + "\n\n" + answer_line(event)


def reminder_text(d: Deps, event: Event, locale: str) -> str:
    return (
        _("schedule.reminder").format(
            kind=kind_label(event.kind),
            when=when_relative(d, event.starts_at, locale),
            place=escape(event.place),
        )
        + note_text(event)
        + "\n\n"
        + answer_line(event)
    )


def template_fields(d: Deps, event: Event, locale: str) -> tuple[str, ...]:
    """What the WhatsApp templates of a notice or reminder carry: what, when, where
    (docs/whatsapp-templates.md)."""
    return kind_label(event.kind), when_text(d, event.starts_at, locale), event.place


def cancelled_fields(d: Deps, event: Event, locale: str) -> tuple[str, ...]:
    """The cancellation template's: what, and the date that was set."""
    return kind_label(event.kind), when_text(d, event.starts_at, locale)


def cancelled_text(d: Deps, event: Event, locale: str) -> str:
    return _("schedule.notice.cancelled").format(
        kind=kind_label(event.kind), when=when_text(d, event.starts_at, locale)
    )


# --- the service ------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreStats:
    scheduled: int
    send_now: int
    skipped: int
    notices: int
    seconds: float


class ReminderService:
    """Owns the reminder, notice and birthday jobs of one running application."""

    def __init__(self, app: App) -> None:
        self.app = app
        self._in_flight: set[int] = set()
        self._batches = 0
        self.retry_base = 15.0  # seconds before the first retry of a failed send
        self.last_restore: RestoreStats | None = None  # for the start-up benchmark
        self._pace_lock = asyncio.Lock()
        self._next_slot = 0.0

    @property
    def d(self) -> Deps:
        value = self.app.bot_data[DEPS_KEY]
        assert isinstance(value, Deps)
        return value

    def _delay(self, due_at: datetime) -> float:
        return max((due_at - self.d.clock.now()).total_seconds(), 0.0)

    def _run_once(self, callback: Any, delay: float, job_id: str, data: Any) -> None:
        job_queue = self.app.job_queue
        assert job_queue is not None, "install python-telegram-bot[job-queue]"
        job_queue.run_once(
            callback,
            when=delay,
            data=data,
            name=job_id,
            # A stable id and replace_existing: re-creating never doubles a job. No misfire
            # grace limit: APScheduler's default (1 s) would silently drop a late reminder.
            job_kwargs={"id": job_id, "replace_existing": True, "misfire_grace_time": None},
        )

    def _remove_job(self, job_id: str) -> None:
        job_queue = self.app.job_queue
        if job_queue is None:
            return
        job = job_queue.scheduler.get_job(job_id)
        if job is not None:
            job.remove()

    # jobs ------------------------------------------------------------------------------
    def add_reminder_jobs(self, reminders: Iterable[tuple[int, datetime]]) -> int:
        count = 0
        for reminder_id, due_at in reminders:
            self._run_once(
                reminder_job, self._delay(due_at), reminder_job_id(reminder_id), reminder_id
            )
            count += 1
        return count

    def remove_reminder_jobs(self, reminder_ids: Iterable[int]) -> None:
        for reminder_id in reminder_ids:
            self._remove_job(reminder_job_id(reminder_id))

    def has_reminder_job(self, reminder_id: int) -> bool:
        job_queue = self.app.job_queue
        return job_queue is not None and (
            job_queue.scheduler.get_job(reminder_job_id(reminder_id)) is not None
        )

    async def restore(self) -> RestoreStats:
        """Start-up: a job for every pending reminder; overdue ones sent once or skipped."""
        started = _time.perf_counter()
        d = self.d
        now = d.clock.now()
        pending = await store.pending_reminders(d.db)
        actions = triage(pending, now)
        skipped = {
            rid: action.value
            for rid, action in actions.items()
            if action in (StartupAction.SKIP_BEGUN, StartupAction.SKIP_SUPERSEDED)
        }
        if skipped:
            await store.skip_reminders(d.db, skipped)
        later = [(p.reminder_id, p.due_at) for p in pending
                 if actions[p.reminder_id] is StartupAction.SCHEDULE]  # fmt: skip
        now_ids = [(p.reminder_id, now) for p in pending
                   if actions[p.reminder_id] is StartupAction.SEND_NOW]  # fmt: skip
        self.add_reminder_jobs(later)
        self.add_reminder_jobs(now_ids)
        self._schedule_birthdays(catch_up=True)
        notices = await store.pending_notices(d.db)
        if notices:
            self.send_notices_later(notices, report_to=None)
        stats = RestoreStats(
            scheduled=len(later),
            send_now=len(now_ids),
            skipped=len(skipped),
            notices=len(notices),
            seconds=_time.perf_counter() - started,
        )
        self.last_restore = stats
        log.info(
            "reminders restored: %d scheduled, %d due now, %d skipped, %d notices, in %.3fs",
            stats.scheduled, stats.send_now, stats.skipped, stats.notices, stats.seconds,
        )  # fmt: skip
        return stats

    # sending ---------------------------------------------------------------------------
    async def _pace(self) -> None:
        """At most BROADCAST_RATE bot-initiated messages per second. Day reminders all fall
        due at REMINDER_HOUR; sent at once they would overrun Telegram's ~30/s, and a 429
        makes the rate limiter hold *every* request, residents' replies included."""
        interval = 1.0 / self.d.settings.broadcast_rate
        async with self._pace_lock:
            now = _time.monotonic()
            wait = self._next_slot - now
            self._next_slot = max(now, self._next_slot) + interval
        if wait > 0:
            await asyncio.sleep(wait)

    async def deliver(
        self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> Told:
        """A paced message to anyone (staff hear about answers and batches this way)."""
        await self._pace()
        return await notify.send(self.app.bot, chat_id, text, markup)

    async def tell(
        self, applicant: Applicant, text: str, markup: InlineKeyboardMarkup | None = None,
        bot: Bot | None = None, *, kind: Kind = Kind.OTHER, fields: Sequence[str] = (),
    ) -> Told:  # fmt: skip
        """A paced message to an applicant: marked inactive when they blocked the bot.
        ``bot``: the caller's (a web request's), the application's when not given;
        ``fields``: the key values a WhatsApp template carries (bot/services/notify.py).
        WhatsApp has its own pacing (bot/channels/whatsapp/pacing.py), Telegram this one."""
        if contacts.channel_of(applicant.user_id) == contacts.TELEGRAM:
            await self._pace()
        return await notify.tell(
            self.d, bot or self.app.bot, applicant, text, markup, kind=kind, fields=fields
        )

    async def tell_staff(self, event: Event, key: str) -> None:
        """Tell the staff member who scheduled ``event`` (or the admins) of the resident's
        answer (``key``: came after all, declined with or without a reason), in Telegram,
        whichever channel the resident answered on."""
        d = self.d
        applicant = await applicants_repo.get(d.db, event.user_id)
        if applicant is None:
            return
        name = escape(str(applicant.answers.get("name") or "—"))
        for staff_id in await decline_recipients(d, event):
            locale = await staff_locale(d, staff_id)
            with use_locale(locale):
                text = _(key).format(
                    reg_no=applicant.reg_no, name=name, kind=kind_label(event.kind),
                    when=when_text(d, event.starts_at, locale),
                    reason=escape(event.reason) if event.reason else _("schedule.no_reason"),
                )  # fmt: skip
            await self.deliver(staff_id, text)

    async def fire(self, reminder_id: int) -> str:
        """Send one reminder if it is still wanted; returns what happened (for logs, tests)."""
        if reminder_id in self._in_flight:
            return "in_flight"
        self._in_flight.add(reminder_id)
        try:
            return await self._fire(reminder_id)
        finally:
            self._in_flight.discard(reminder_id)

    async def _fire(self, reminder_id: int) -> str:
        d = self.d
        now = d.clock.now()
        reminder = await store.get_reminder(d.db, reminder_id)
        if reminder is None or reminder.status != "pending":
            return "gone"
        event = await store.get_event(d.db, reminder.event_id)
        applicant = await applicants_repo.get(d.db, event.user_id) if event else None
        skip: str | None = None
        if event is None or applicant is None or event.status != "active":
            skip = "event_cancelled"
        elif event.starts_at <= now:
            skip = "begun"
        elif applicant.opted_out:
            skip = "opted_out"
        elif applicant.inactive:
            skip = "inactive"
        elif event.answer == "tidak_bisa":
            skip = "declined"  # they told us they cannot come: no "don't forget" for them
        if skip is not None:
            await store.finish_reminder(d.db, reminder_id, "skipped", now, skip)
            return skip
        assert event is not None and applicant is not None
        with use_locale(applicant.locale):
            text = reminder_text(d, event, applicant.locale)
            markup = answer_markup(event)
            fields = template_fields(d, event, applicant.locale)
        result = await self.tell(applicant, text, markup, kind=Kind.REMINDER, fields=fields)
        if result.outcome is Delivery.SENT:
            # Marked right after the send: a crash in between repeats this one message once.
            await store.finish_reminder(d.db, reminder_id, "sent", d.clock.now())
        elif result.outcome is Delivery.BLOCKED:
            await store.finish_reminder(d.db, reminder_id, "skipped", now, "blocked")
        elif result.outcome is Delivery.FAILED:
            why = "outside_window" if result.outside_window else "failed"
            await store.finish_reminder(d.db, reminder_id, "skipped", now, why)
        else:
            attempts = await store.count_attempt(d.db, reminder_id)
            delay = retry_delay(attempts, result.retry_after, base=self.retry_base)
            log.info("reminder %s: retry %d in %.0fs", reminder_id, attempts, delay)
            self._run_once(reminder_job, delay, reminder_job_id(reminder_id), reminder_id)
        return result.outcome.value

    async def send_notice(self, event_id: int, bot: Bot | None = None) -> Delivery | None:
        """The "you are scheduled" message (also to opted-out residents: it is the service
        they asked for, not an announcement). None when there is nothing to send."""
        d = self.d
        event = await store.get_event(d.db, event_id)
        if event is None or event.notice != "pending":
            return None
        applicant = await applicants_repo.get(d.db, event.user_id)
        if applicant is None or event.status != "active" or event.starts_at <= d.clock.now():
            await store.set_notice(d.db, event_id, "failed")
            return None
        previous = await store.replaced_event(d.db, event.id)
        with use_locale(applicant.locale):
            text = notice_text(d, event, applicant.locale, previous)
            markup = answer_markup(event)
            fields = template_fields(d, event, applicant.locale)
        result = await self.tell(applicant, text, markup, bot, kind=Kind.SCHEDULE, fields=fields)
        if result.outcome is Delivery.SENT:
            await store.set_notice(d.db, event_id, "sent")
        elif result.outcome is Delivery.RETRY:
            # Stays pending (start-up resends pending notices); try again after the pause.
            self._run_once(notice_job, retry_delay(1, result.retry_after, base=self.retry_base),
                           notice_job_id(event_id), event_id)  # fmt: skip
        else:
            await store.set_notice(d.db, event_id, "failed")
        return result.outcome

    async def send_notices(self, event_ids: Sequence[int]) -> dict[Delivery, int]:
        """Notices one after another (the limiter paces them); stops when the bot stops."""
        counts = dict.fromkeys(Delivery, 0)
        for event_id in event_ids:
            if not self.app.running:
                break  # the rest stay 'pending' and go out after the restart
            outcome = await self.send_notice(event_id)
            if outcome is not None:
                counts[outcome] += 1
        return counts

    def send_notices_later(
        self, event_ids: Sequence[int], report_to: tuple[int, str] | None
    ) -> None:
        """Notices of a whole list in a job (it starts once the application runs, also when
        called at start-up); ``report_to`` (chat, locale) hears how it went when done."""
        self._batches += 1
        job_id = f"notices:{self._batches}"
        self._run_once(notice_batch_job, 0.0, job_id, (list(event_ids), report_to))

    async def send_notice_batch(
        self, event_ids: Sequence[int], report_to: tuple[int, str] | None
    ) -> None:
        counts = await self.send_notices(event_ids)
        if report_to is not None:
            chat_id, locale = report_to
            with use_locale(locale):
                text = _("schedule.csv.notices_done").format(
                    sent=counts[Delivery.SENT],
                    failed=counts[Delivery.BLOCKED] + counts[Delivery.FAILED],
                )
            await self.deliver(chat_id, text)

    # minors turning 18 ----------------------------------------------------------------
    def _schedule_birthdays(self, catch_up: bool) -> None:
        d = self.d
        now = d.clock.now()
        s = d.settings
        if catch_up and past_daily_hour(now, s.reminder_hour, s.timezone):
            delay = 0.0  # started after today's hour: today's messages go out now
        else:
            delay = self._delay(next_daily_run(now, s.reminder_hour, s.timezone))
        self._run_once(birthday_job, delay, BIRTHDAY_JOB, None)

    async def check_birthdays(self) -> int:
        """Minors whose remind_on date has come get ``minor.turned_18`` once; returns how
        many were told. Opted-out and unreachable ones are left for later, not cleared."""
        d = self.d
        told = 0
        retry = False
        for user_id in await store.minors_due(d.db, d.today()):
            applicant = await applicants_repo.get(d.db, user_id)
            if applicant is None:
                continue
            with use_locale(applicant.locale):
                text = _("minor.turned_18").format(**rule_words(d.rules))
            result = await self.tell(applicant, text, kind=Kind.TURNED_18)
            if result.outcome in (Delivery.SENT, Delivery.FAILED):
                await applicants_repo.update(d.db, applicant, remind_on=None)
                told += result.outcome is Delivery.SENT
            elif result.outcome is not Delivery.BLOCKED:  # blocked: marked, kept for later
                retry = True
        if retry:
            self._run_once(birthday_job, retry_delay(1, base=self.retry_base), BIRTHDAY_JOB, None)
        else:
            self._schedule_birthdays(catch_up=False)
        return told


def service(app: App) -> ReminderService:
    d: Deps = app.bot_data[DEPS_KEY]
    assert d.reminders is not None, "the schedule feature's lifespan starts the reminders"
    return d.reminders


async def reminder_job(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Send one reminder (job data: the reminder id)."""
    assert context.job is not None and isinstance(context.job.data, int)
    await service(context.application).fire(context.job.data)


async def notice_job(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Retry one schedule notice (job data: the event id)."""
    assert context.job is not None and isinstance(context.job.data, int)
    await service(context.application).send_notice(context.job.data)


async def notice_batch_job(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Send the notices of a list (job data: event ids and who hears the summary)."""
    assert context.job is not None and isinstance(context.job.data, tuple)
    event_ids, report_to = context.job.data
    await service(context.application).send_notice_batch(event_ids, report_to)


async def birthday_job(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Daily at REMINDER_HOUR: minors who turn 18 today may register now."""
    await service(context.application).check_birthdays()
