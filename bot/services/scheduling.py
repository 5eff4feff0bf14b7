"""Scheduling as staff do it from anywhere: the bot's /jadwalkan, the web's Jadwal, Kartu and
Bulk pages. Save (bot/services/schedules.py: the rows, the reminders armed, the audit entry),
then tell the resident: the notice with Hadir / Tidak bisa hadir, or that it was cancelled.

One place for "save, then tell", so that every surface tells the resident the same thing in
the same way: through the reminder service's paced sender, with a notice that is not sent now
left pending and retried (and sent again at start-up), never dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.deps import Deps
from bot.domain.schedule_csv import Problem
from bot.i18n import use_locale
from bot.services import schedules as svc
from bot.services.notify import Delivery
from bot.services.reminders import ReminderService, cancelled_fields, cancelled_text
from bot.services.schedules import Cancelled, CsvOutcome, Scheduled
from bot.storage.message_log import Kind


def reminders_of(d: Deps) -> ReminderService:
    assert d.reminders is not None, "the schedule feature's lifespan starts the reminders"
    return d.reminders


@dataclass(frozen=True)
class EventScheduled:
    scheduled: Scheduled
    notice: Delivery  # what became of the resident's notice (RETRY: it goes out later)


async def schedule_event(
    d: Deps, actor_id: int, reg_no: str, kind: str, starts_at: datetime, place: str,
    note: str | None = None,
) -> EventScheduled | Problem:  # fmt: skip
    """One event for one applicant (a second of the same kind reschedules the first), its
    reminders armed, and the resident's notice sent now."""
    result = await svc.schedule_one(d, actor_id, reg_no, kind, starts_at, place, note)
    if isinstance(result, Problem):
        return result
    delivery = await reminders_of(d).send_notice(result.event.id)
    # None: nothing was sent (the event began meanwhile, or the applicant went): a failure
    # for the one who scheduled it, as /jadwalkan has always said.
    return EventScheduled(result, delivery or Delivery.FAILED)


@dataclass(frozen=True)
class EventCancelled:
    cancelled: Cancelled
    notice: Delivery


async def cancel_event(
    d: Deps, actor_id: int, reg_no: str, kind: str, event_id: int | None = None
) -> EventCancelled | Problem | None:
    """Cancel the applicant's current event of this kind and tell them; None when there is
    none to cancel (or, with ``event_id``, when the current one is no longer that event)."""
    result = await svc.cancel(d, actor_id, reg_no, kind, event_id)
    if result is None or isinstance(result, Problem):
        return result
    applicant = result.applicant
    with use_locale(applicant.locale):
        text = cancelled_text(d, result.event, applicant.locale)
        fields = cancelled_fields(d, result.event, applicant.locale)
    told = await reminders_of(d).tell(applicant, text, kind=Kind.SCHEDULE_CANCEL, fields=fields)
    return EventCancelled(result, told.outcome)


async def apply_csv(
    d: Deps, actor_id: int, data: bytes, report_to: tuple[int, str] | None
) -> CsvOutcome:
    """A whole list: every row checked, all applied or none; when applied, the notices go out
    in the background (a list can be thousands long) and ``report_to`` (chat, locale) hears
    in Telegram how many were sent once they are out."""
    outcome = await svc.apply_csv(d, actor_id, data)
    if outcome.saved is not None:
        send_notices_later(d, [event.id for event in outcome.saved.events], report_to)
    return outcome


def send_notices_later(
    d: Deps, event_ids: Sequence[int], report_to: tuple[int, str] | None
) -> None:
    """The notices of events just saved together, one after another at the paced rate, in a
    job of the application (it outlives the request or update that saved them)."""
    reminders_of(d).send_notices_later(event_ids, report_to)
