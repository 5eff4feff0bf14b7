"""Scheduling use cases: staff set, change and cancel events; residents answer them.

Knows nothing of Telegram: it returns results and problem codes, and asks the reminder
service (when one is running) to add or remove timers after each commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from bot.deps import Deps
from bot.domain.reminders import plan_reminders
from bot.domain.schedule_csv import (
    CsvResult,
    Problem,
    RowError,
    ScheduleRow,
    parse_schedule_csv,
)
from bot.services.roles import AuditDetail, Role, audit, role_of
from bot.storage import applicants as applicants_repo
from bot.storage import schedules as store
from bot.storage.applicants import Applicant
from bot.storage.schedules import AgendaItem, Event, NewEvent, Saved

MAX_REASON = 300


def _new_event(
    d: Deps, user_id: int, kind: str, starts_at: datetime, place: str, note: str | None,
    actor_id: int, now: datetime,
) -> NewEvent:  # fmt: skip
    s = d.settings
    planned = plan_reminders(
        starts_at, s.reminder_offsets, reminder_hour=s.reminder_hour, tz=s.timezone, now=now
    )
    return NewEvent(user_id, kind, starts_at, place, note, actor_id, planned)


def _apply_jobs(d: Deps, saved: Saved) -> None:
    """After the commit: timers follow the stored truth."""
    service = d.reminders
    if service is None:
        return
    service.remove_reminder_jobs(saved.cancelled)
    service.add_reminder_jobs((r.id, r.due_at) for r in saved.reminders)


# --- one event ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Scheduled:
    event: Event
    applicant: Applicant
    replaced: Event | None
    reminder_times: list[datetime]


async def schedule_one(
    d: Deps, actor_id: int, reg_no: str, kind: str, starts_at: datetime, place: str,
    note: str | None = None,
) -> Scheduled | Problem:  # fmt: skip
    """Create the event, or reschedule the applicant's current one of this kind."""
    applicant = await applicants_repo.get_by_reg_no(d.db, reg_no)
    if applicant is None:
        return Problem.REG_NO_UNKNOWN
    now = d.clock.now()
    item = _new_event(d, applicant.user_id, kind, starts_at, place, note, actor_id, now)
    saved = await store.save_events(d.db, [item], now)
    _apply_jobs(d, saved)
    event = saved.events[0]
    replaced = saved.replaced.get(event.id)
    detail: AuditDetail = {
        "kind": kind, "at": store.iso(starts_at), "rescheduled": replaced is not None,
    }  # fmt: skip
    await audit(d, actor_id, "schedule", applicant.reg_no, detail)
    return Scheduled(event, applicant, replaced, [r.due_at for r in saved.reminders])


@dataclass(frozen=True)
class Cancelled:
    event: Event
    applicant: Applicant


async def cancel(
    d: Deps, actor_id: int, reg_no: str, kind: str, event_id: int | None = None
) -> Cancelled | Problem | None:
    """Cancel the applicant's current event of this kind (if it is ``event_id``, when given);
    None when there is none."""
    applicant = await applicants_repo.get_by_reg_no(d.db, reg_no)
    if applicant is None:
        return Problem.REG_NO_UNKNOWN
    now = d.clock.now()
    event, cancelled = await store.cancel_event(d.db, applicant.user_id, kind, now, event_id)
    if event is None:
        return None
    service = d.reminders
    if service is not None:
        service.remove_reminder_jobs(cancelled)
    await audit(d, actor_id, "schedule_cancel", applicant.reg_no, {"kind": kind})
    return Cancelled(event, applicant)


# --- a whole list ----------------------------------------------------------------------


@dataclass
class CsvOutcome:
    checked: CsvResult
    saved: Saved | None = None
    errors: list[RowError] = field(default_factory=list)  # every bad row, by line

    @property
    def applied(self) -> bool:
        return self.saved is not None


async def apply_csv(d: Deps, actor_id: int, data: bytes) -> CsvOutcome:
    """Check every row (shape, then registration numbers); apply all in one transaction
    only when none is wrong."""
    checked = parse_schedule_csv(data, d.settings.timezone, d.clock.now())
    outcome = CsvOutcome(checked)
    if checked.file_problem is not None:
        return outcome
    outcome.saved, outcome.errors = await apply_rows(d, actor_id, checked.rows, checked.errors)
    return outcome


async def apply_rows(
    d: Deps, actor_id: int, rows: Sequence[ScheduleRow], errors: Sequence[RowError] = (),
    action: str = "schedule_csv",
) -> tuple[Saved | None, list[RowError]]:  # fmt: skip
    """Rows already checked for shape (one per applicant and kind; ``errors``: those that
    were not): the registration numbers are checked too, then all are saved in one
    transaction, or none when any row is wrong. Returns (what was saved, every error by line)."""
    found = await store.user_ids_by_reg_no(d.db, [row.reg_no for row in rows])
    unknown = [
        RowError(row.line, Problem.REG_NO_UNKNOWN, {"reg_no": row.reg_no})
        for row in rows
        if row.reg_no not in found
    ]
    every = sorted([*errors, *unknown], key=lambda e: e.line)
    if every:
        return None, every
    now = d.clock.now()
    items = [_row_event(d, row, found[row.reg_no], actor_id, now) for row in rows]
    saved = await store.save_events(d.db, items, now)
    _apply_jobs(d, saved)
    await audit(d, actor_id, action, None, {"rows": len(items), "rescheduled": len(saved.replaced)})
    return saved, []


def _row_event(d: Deps, row: ScheduleRow, user_id: int, actor_id: int, now: datetime) -> NewEvent:
    return _new_event(d, user_id, row.kind, row.starts_at, row.place, row.note, actor_id, now)


# --- reading ---------------------------------------------------------------------------


def day_bounds(d: Deps, day: date) -> tuple[datetime, datetime]:
    """The local day as a UTC range."""
    start = datetime.combine(day, time(0), tzinfo=d.settings.timezone)
    return start, start + timedelta(days=1)


async def agenda(d: Deps, actor_id: int, day: date) -> list[AgendaItem]:
    start, end = day_bounds(d, day)
    items = await store.agenda(d.db, start, end)
    await audit(d, actor_id, "agenda", day.isoformat(), {"events": len(items)})
    return items


async def events_of_reg_no(
    d: Deps, actor_id: int, reg_no: str
) -> tuple[Applicant, list[Event]] | None:
    """Staff: an applicant's current events, past and upcoming."""
    applicant = await applicants_repo.get_by_reg_no(d.db, reg_no)
    if applicant is None:
        return None
    events = await store.events_of(d.db, applicant.user_id)
    await audit(d, actor_id, "schedule_view", applicant.reg_no, None)
    return applicant, events


async def my_upcoming(d: Deps, user_id: int) -> list[Event]:
    return await store.events_of(d.db, user_id, after=d.clock.now())


# --- answers ---------------------------------------------------------------------------


class AnswerState(StrEnum):
    RECORDED = "recorded"
    UNCHANGED = "unchanged"  # Hadir again
    NOT_FOUND = "not_found"  # deleted, or not this person's
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"
    BEGUN = "begun"


@dataclass(frozen=True)
class AnswerResult:
    state: AnswerState
    event: Event | None = None  # the event pressed (refreshed when recorded)
    current: Event | None = None  # for RESCHEDULED: the event that replaced it, if active
    changed_from: str | None = None  # the previous answer, when it changed


async def answer(d: Deps, user_id: int, event_id: int, value: str) -> AnswerResult:
    """Hadir / Tidak bisa hadir on a notice or reminder."""
    assert value in ("hadir", "tidak_bisa")
    event = await store.get_event(d.db, event_id)
    if event is None or event.user_id != user_id:
        return AnswerResult(AnswerState.NOT_FOUND)
    if event.status == "cancelled":
        return AnswerResult(AnswerState.CANCELLED, event)
    if event.status == "rescheduled":
        current = await store.current_event(d.db, user_id, event.kind)
        return AnswerResult(AnswerState.RESCHEDULED, event, current)
    now = d.clock.now()
    if event.starts_at <= now:
        return AnswerResult(AnswerState.BEGUN, event)
    if event.answer == value == "hadir":
        return AnswerResult(AnswerState.UNCHANGED, event)
    # "Tidak bisa hadir" pressed again asks for the reason again (to add or correct it).
    await store.set_answer(d.db, event, value, now, awaiting_reason=value == "tidak_bisa")
    refreshed = await store.get_event(d.db, event_id)
    return AnswerResult(AnswerState.RECORDED, refreshed, changed_from=event.answer)


async def give_reason(d: Deps, event: Event, reason: str | None) -> Event:
    """The typed reason (or none, when skipped) for not coming."""
    await store.save_reason(d.db, event.id, reason, d.clock.now())
    refreshed = await store.get_event(d.db, event.id)
    assert refreshed is not None
    return refreshed


async def decline_recipients(d: Deps, event: Event) -> list[int]:
    """Who hears that a resident cannot come: the staff member who scheduled it while they
    still are staff, otherwise every admin."""
    if await role_of(d, event.created_by) >= Role.STAFF:
        return [event.created_by]
    return sorted(d.settings.admin_ids)
