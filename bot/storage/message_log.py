"""The personal messages the service sent an applicant: what kind, when, and what became of
each; never the text (bot/services/notify.py ``tell`` writes a row for every attempt). Staff
read it on the applicant's card; it goes with the applicant (bot/storage/erase.py).

Announcements are not here: their outbox (bot/storage/broadcasts.py) is their record.

A WhatsApp message keeps Meta's message id (migration 019): a later delivery status finds
its row (``of_wa_message``) and the card shows how far it got (``wa_status``)."""

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
    QUESTION_REPLY = "question_reply"  # staff's reply to a WhatsApp resident's question
    OTHER = "other"


# What became of an attempt: bot/services/notify.Delivery's words, and one of WhatsApp's.
SENT = "sent"
BLOCKED = "blocked"
FAILED = "failed"
# Not sent: a WhatsApp applicant outside Meta's 24-hour window and no approved template
# for this kind of message (or Meta said so: 131047). Counted, shown on the card.
OUTSIDE_WINDOW = "outside_window"


@dataclass(frozen=True)
class Sent:
    kind: str
    at: str  # UTC ISO
    outcome: str  # sent, blocked, retry, failed, outside_window
    wa_status: str | None = None  # WhatsApp: sent, delivered, read, failed (Meta's status)


@dataclass(frozen=True)
class Logged:
    """The log row of a WhatsApp message, found by Meta's message id."""

    user_id: int
    kind: str
    outcome: str


async def record(
    db: Database, user_id: int, kind: str, outcome: str, at: str,
    wa_message_id: str | None = None,
) -> None:  # fmt: skip
    """One attempt. Written only while the applicant's row exists: a message that crossed
    their erasure leaves nothing behind."""
    await db.write(
        "INSERT INTO message_log (user_id, kind, at, outcome, wa_message_id)"
        " SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM applicants WHERE user_id = ?)",
        (user_id, kind, at, outcome, wa_message_id, user_id),
    )


async def of_wa_message(db: Database, wa_message_id: str) -> Logged | None:
    """Whose WhatsApp message this was (None: an announcement, a reply, or erased since)."""
    row = await db.fetchone(
        "SELECT user_id, kind, outcome FROM message_log WHERE wa_message_id = ?",
        (wa_message_id,),
    )
    return None if row is None else Logged(row["user_id"], row["kind"], row["outcome"])


async def set_outcome(db: Database, wa_message_id: str, outcome: str) -> None:
    """Meta failed a message it had taken: its row says so now (blocked, outside_window)."""
    await db.write(
        "UPDATE message_log SET outcome = ? WHERE wa_message_id = ?", (outcome, wa_message_id)
    )


async def of_person(db: Database, user_id: int, limit: int) -> list[Sent]:
    """The newest first."""
    rows = await db.fetchall(
        "SELECT kind, at, outcome, s.status AS wa_status FROM message_log AS m"
        " LEFT JOIN whatsapp_statuses AS s ON s.message_id = m.wa_message_id"
        " WHERE m.user_id = ? ORDER BY m.id DESC LIMIT ?",
        (user_id, limit),
    )
    return [Sent(**dict(row)) for row in rows]
