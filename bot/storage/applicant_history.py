"""What happened to one applicant, for their card on the staff web pages: the stage changes
(the audit log is where they are kept: the applicants row holds only the current stage), every
event with its reminders, and the announcements that were meant for them with what became of
each."""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage import schedules as schedule_store
from bot.storage.db import Database
from bot.storage.schedules import Event, Reminder
from bot.storage.staff import AuditEntry

SHOWN = 200  # rows of each kind on a card: more than any one person gathers in a round


async def stage_changes(db: Database, reg_no: str) -> list[AuditEntry]:
    """/tahap and its web forms on this registration, oldest first."""
    rows = await db.fetchall(
        "SELECT * FROM audit_log WHERE target = ? AND action = 'stage' ORDER BY id DESC LIMIT ?",
        (reg_no, SHOWN),
    )
    return [AuditEntry(**dict(row)) for row in reversed(rows)]


@dataclass(frozen=True)
class EventWithReminders:
    event: Event
    reminders: list[Reminder]


async def events(db: Database, user_id: int) -> list[EventWithReminders]:
    """Every event of the applicant, the current ones and those rescheduled or cancelled,
    the latest start first."""
    rows = await db.fetchall(
        "SELECT id FROM events WHERE user_id = ? ORDER BY starts_at DESC, id DESC LIMIT ?",
        (user_id, SHOWN),
    )
    found = []
    for row in rows:
        event = await schedule_store.get_event(db, int(row["id"]))
        if event is not None:
            found.append(EventWithReminders(event, await schedule_store.reminders_of(db, event.id)))
    return found


@dataclass(frozen=True)
class Received:
    """One announcement in this applicant's outbox."""

    broadcast_id: int
    status: str  # pending, sent, blocked, failed, skipped
    sent_at: str | None
    started_at: str | None
    content_type: str | None
    text: str | None  # the staff's text to everyone (HTML), never the resident's


async def announcements(db: Database, user_id: int) -> list[Received]:
    rows = await db.fetchall(
        "SELECT o.broadcast_id, o.status, o.sent_at, b.started_at, b.content_type, b.text"
        " FROM broadcast_outbox o JOIN broadcasts b ON b.id = o.broadcast_id"
        " WHERE o.user_id = ? ORDER BY o.id DESC LIMIT ?",
        (user_id, SHOWN),
    )
    return [Received(**dict(row)) for row in rows]
