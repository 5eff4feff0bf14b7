"""WhatsApp message ids: which residents' messages were handled, and the statuses of the
bot's own. Meta's ids only (migration 015): no phone number, no text.

Times are ISO 8601 UTC strings as everywhere in the database, so they compare as text.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.db import Database

# Later statuses never go back: a "delivered" arriving after "read" changes nothing.
STATUS_RANK = {"sent": 1, "delivered": 2, "read": 3, "failed": 4}


@dataclass(frozen=True)
class MessageStatus:
    message_id: str
    status: str
    error_code: int | None
    updated_at: str


async def was_seen(db: Database, message_id: str) -> bool:
    found = await db.fetchval("SELECT 1 FROM whatsapp_seen WHERE message_id = ?", (message_id,))
    return found is not None


async def mark_seen(db: Database, message_id: str, *, at: str) -> bool:
    """Record a message as handled; False when it was already."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "INSERT INTO whatsapp_seen (message_id, seen_at) VALUES (?, ?)"
            " ON CONFLICT (message_id) DO NOTHING",
            (message_id, at),
        )
        return cursor.rowcount == 1


async def forget_seen_before(db: Database, before: str) -> int:
    """Delete what Meta can no longer deliver again; how many rows went."""
    async with db.transaction() as conn:
        cursor = await conn.execute("DELETE FROM whatsapp_seen WHERE seen_at < ?", (before,))
        return cursor.rowcount


async def record_status(
    db: Database, message_id: str, status: str, error_code: int | None, *, at: str
) -> None:
    """Keep the furthest status of a message (failed is the furthest of all)."""
    if status not in STATUS_RANK:
        raise ValueError(f"unknown WhatsApp status {status!r}")
    rank = "CASE status WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 ELSE 4 END"
    await db.write(
        "INSERT INTO whatsapp_statuses (message_id, status, error_code, updated_at)"
        " VALUES (?, ?, ?, ?)"
        " ON CONFLICT (message_id) DO UPDATE SET status = excluded.status,"
        " error_code = excluded.error_code, updated_at = excluded.updated_at"
        f" WHERE ? > ({rank})",
        (message_id, status, error_code, at, STATUS_RANK[status]),
    )


async def status_of(db: Database, message_id: str) -> MessageStatus | None:
    row = await db.fetchone(
        "SELECT message_id, status, error_code, updated_at FROM whatsapp_statuses"
        " WHERE message_id = ?",
        (message_id,),
    )
    if row is None:
        return None
    return MessageStatus(row["message_id"], row["status"], row["error_code"], row["updated_at"])
