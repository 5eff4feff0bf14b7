"""The personal messages the service sent an applicant: what kind, when, and what became of
each; never the text (bot/services/notify.py ``tell`` writes a row for every attempt). Staff
read it on the applicant's card; it goes with the applicant (bot/storage/erase.py).

Announcements are not here: their outbox (bot/storage/broadcasts.py) is their record."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.storage.db import Database


class Kind(StrEnum):
    STAGE = "stage"  # /tahap: the new stage
    PLACE = "place"  # a quota place freed for someone on the waiting list
    SCHEDULE = "schedule"  # "you are scheduled" (or rescheduled), with the answer buttons
    SCHEDULE_CANCEL = "schedule_cancel"
    REMINDER = "reminder"
    NIK_CONFLICT = "nik_conflict"  # staff's decision on a NIK two registrations typed
    TURNED_18 = "turned_18"  # a minor who asked to be reminded
    OTHER = "other"


@dataclass(frozen=True)
class Sent:
    kind: str
    at: str  # UTC ISO
    outcome: str  # bot/services/notify.Delivery: sent, blocked, retry, failed


async def record(db: Database, user_id: int, kind: str, outcome: str, at: str) -> None:
    """One attempt. Written only while the applicant's row exists: a message that crossed
    their erasure leaves nothing behind."""
    await db.write(
        "INSERT INTO message_log (user_id, kind, at, outcome)"
        " SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM applicants WHERE user_id = ?)",
        (user_id, kind, at, outcome, user_id),
    )


async def of_person(db: Database, user_id: int, limit: int) -> list[Sent]:
    """The newest first."""
    rows = await db.fetchall(
        "SELECT kind, at, outcome FROM message_log WHERE user_id = ? ORDER BY id DESC LIMIT ?",
        (user_id, limit),
    )
    return [Sent(**dict(row)) for row in rows]
