"""Reminder delivery: timers rebuilt from SQLite, and the messages residents get.

SQLite is the truth (``reminders``, ``events.notice``, ``applicants.remind_on``); the timers
(``Timers``: PTB's JobQueue, bot/channels/telegram/timers.py) only hold when, each with a
stable id (``reminder:<id>``) so that re-creating them never doubles one. Delays are
computed from the injected clock (``Deps.clock``), so a test with a fixed clock never sees a
reminder fire by accident, while real time drives the firing in production and in the
end-to-end tests.

Residents are told through bot/services/notify.py (their channel's Sender, a resident who
blocked the bot marked inactive) and so, on Telegram, through the application's rate limiter,
the same sender as all other traffic: a 429 is waited out and retried there, and one that
still fails leaves the reminder pending and re-tried later, never dropped. Staff hear of
answers and batches in Telegram, through the ``to_staff`` the service is given.
"""

from __future__ import annotations

import asyncio
import logging
import time as _time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from html import escape
from typing import Protocol

from bot import callbacks as cb
from bot.conversation.views import Option, option
from bot.deps import Deps
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

BIRTHDAY_JOB = "minor-birthdays"

Run = Callable[[], Awaitable[object]]
ToStaff = Callable[[int, str], Awaitable[Told]]  # (chat id, HTML text): a staff member's chat


class Timers(Protocol):
    """Where the service's timers live while the bot runs (bot/channels/telegram/timers.py)."""

    def once(self, job_id: str, delay: float, run: Run, name: str) -> None:
        """``run`` after ``delay`` seconds, replacing a timer of the same id; never dropped
        for being late. ``name``: what the error alert calls the job."""

    def cancel(self, job_id: str) -> None: ...

    def has(self, job_id: str) -> bool: ...

    def running(self) -> bool:
        """False once the bot is stopping: a batch leaves the rest for the restart."""
        ...


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

    def __init__(self, d: Deps, timers: Timers, to_staff: ToStaff) -> None:
        self.d = d
        self.timers = timers
        self._to_staff = to_staff
        self._in_flight: set[int] = set()
        self._batches = 0
        self.retry_base = 15.0  # seconds before the first retry of a failed send
        self.last_restore: RestoreStats | None = None  # for the start-up benchmark
        self._pace_lock = asyncio.Lock()
        self._next_slot = 0.0

    def _delay(self, due_at: datetime) -> float:
        return max((due_at - self.d.clock.now()).total_seconds(), 0.0)

    def _reminder_later(self, reminder_id: int, delay: float) -> None:
        self.timers.once(reminder_job_id(reminder_id), delay, partial(self.fire, reminder_id),
                         "reminder_job")  # fmt: skip

    def _notice_later(self, event_id: int, delay: float) -> None:
        self.timers.once(notice_job_id(event_id), delay, partial(self.send_notice, event_id),
                         "notice_job")  # fmt: skip

    def _birthdays_later(self, delay: float) -> None:
        self.timers.once(BIRTHDAY_JOB, delay, self.check_birthdays, "birthday_job")

    # jobs ------------------------------------------------------------------------------
    def add_reminder_jobs(self, reminders: Iterable[tuple[int, datetime]]) -> int:
        count = 0
        for reminder_id, due_at in reminders:
            self._reminder_later(reminder_id, self._delay(due_at))
            count += 1
        return count

    def remove_reminder_jobs(self, reminder_ids: Iterable[int]) -> None:
        for reminder_id in reminder_ids:
            self.timers.cancel(reminder_job_id(reminder_id))

    def has_reminder_job(self, reminder_id: int) -> bool:
        return self.timers.has(reminder_job_id(reminder_id))

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

    async def deliver(self, chat_id: int, text: str) -> Told:
        """A paced message to a staff member's Telegram chat (answers and batches)."""
        await self._pace()
        return await self._to_staff(chat_id, text)

    async def tell(
        self, applicant: Applicant, text: str, options: Sequence[Option] = (), *,
        kind: Kind = Kind.OTHER, fields: Sequence[str] = (),
    ) -> Told:  # fmt: skip
        """A paced message to an applicant: marked inactive when they blocked the bot.
        ``fields``: the key values a WhatsApp template carries (bot/services/notify.py).
        WhatsApp has its own pacing (bot/channels/whatsapp/pacing.py), Telegram this one."""
        if contacts.channel_of(applicant.user_id) == contacts.TELEGRAM:
            await self._pace()
        return await notify.tell(self.d, applicant, text, options, kind=kind, fields=fields)

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
            options = answer_options(event)
            fields = template_fields(d, event, applicant.locale)
        result = await self.tell(applicant, text, options, kind=Kind.REMINDER, fields=fields)
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
            self._reminder_later(reminder_id, delay)
        return result.outcome.value

    async def send_notice(self, event_id: int) -> Delivery | None:
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
            options = answer_options(event)
            fields = template_fields(d, event, applicant.locale)
        result = await self.tell(applicant, text, options, kind=Kind.SCHEDULE, fields=fields)
        if result.outcome is Delivery.SENT:
            await store.set_notice(d.db, event_id, "sent")
        elif result.outcome is Delivery.RETRY:
            # Stays pending (start-up resends pending notices); try again after the pause.
            self._notice_later(event_id, retry_delay(1, result.retry_after, base=self.retry_base))
        else:
            await store.set_notice(d.db, event_id, "failed")
        return result.outcome

    async def send_notices(self, event_ids: Sequence[int]) -> dict[Delivery, int]:
        """Notices one after another (the limiter paces them); stops when the bot stops."""
        counts = dict.fromkeys(Delivery, 0)
        for event_id in event_ids:
            if not self.timers.running():
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
        run = partial(self.send_notice_batch, list(event_ids), report_to)
        self.timers.once(job_id, 0.0, run, "notice_batch_job")

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
        self._birthdays_later(delay)

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
            self._birthdays_later(retry_delay(1, base=self.retry_base))
        else:
            self._schedule_birthdays(catch_up=False)
        return told
