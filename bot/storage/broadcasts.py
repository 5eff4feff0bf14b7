"""Broadcast rows (drafts, scheduled, sending, done) and their outbox, one row per recipient.

Every status change that must happen once is a single conditional UPDATE (``... WHERE status =
'draft'``): a double tap, two staff members or a restart racing each other cannot start the
same announcement twice, because only one UPDATE finds the row still in the old status.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.recipients import RecipientFilter
from bot.storage import conversations
from bot.storage.applicants import utcnow
from bot.storage.conversations import Kind
from bot.storage.db import Database
from bot.storage.recipients import filter_sql


class Status:
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


class Step:
    """Where a draft is: what the staff member's next message means."""

    CONTENT = "content"
    RECIPIENTS = "recipients"
    SEND_AT = "send_at"
    PREVIEW = "preview"


class Delivery:
    """Outbox row statuses."""

    PENDING = "pending"
    SENT = "sent"
    BLOCKED = "blocked"  # 403: blocked the bot or deleted the account
    FAILED = "failed"  # 400 chat not found, or retries used up
    SKIPPED = "skipped"  # opted out (/berhenti) after the outbox was filled
    OUTSIDE_WINDOW = "outside_window"  # WhatsApp: past the 24-hour window, no template


@dataclass
class Broadcast:
    id: int
    created_by: int
    locale: str
    status: str
    step: str | None
    content_type: str | None
    text: str | None
    file_id: str | None
    filter: str | None
    send_at: str | None
    total: int
    sent: int
    blocked: int
    failed: int
    skipped: int
    progress_chat_id: int | None
    progress_message_id: int | None
    cancelled_by: int | None
    created_at: str
    started_at: str | None
    finished_at: str | None

    @property
    def recipient_filter(self) -> RecipientFilter | None:
        return None if self.filter is None else RecipientFilter.from_json(self.filter)


@dataclass(frozen=True)
class OutboxItem:
    id: int
    user_id: int
    attempts: int
    locale: str
    opted_out: bool
    inactive: bool


@dataclass(frozen=True)
class OutboxCounts:
    total: int = 0
    pending: int = 0
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    skipped: int = 0
    outside_window: int = 0  # not sent: WhatsApp's 24-hour window had closed

    @property
    def handled(self) -> int:
        return self.total - self.pending


def _from_row(row: aiosqlite.Row) -> Broadcast:
    return Broadcast(**dict(row))


async def get(db: Database, broadcast_id: int) -> Broadcast | None:
    row = await db.fetchone("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
    return None if row is None else _from_row(row)


async def new_draft(
    db: Database,
    created_by: int,
    *,
    locale: str,
    recipient_filter: RecipientFilter | None,
    at: datetime | None = None,
) -> Broadcast:
    """A fresh draft waiting for its content; an older draft of the same person is dropped."""
    now = utcnow(at)
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE broadcasts SET status = 'cancelled', cancelled_by = created_by,"
            " finished_at = ? WHERE created_by = ? AND status = 'draft'",
            (now, created_by),
        )
        cursor = await conn.execute(
            "INSERT INTO broadcasts (created_by, locale, status, step, filter, created_at)"
            " VALUES (?, ?, 'draft', 'content', ?, ?)",
            (
                created_by,
                locale,
                None if recipient_filter is None else recipient_filter.to_json(),
                now,
            ),
        )
        broadcast_id = int(cursor.lastrowid or 0)
        # The staff member's next message is for this draft (the older one's pointer goes).
        await conversations.begin(conn, created_by, Kind.BROADCAST_DRAFT, broadcast_id, at)
    found = await get(db, broadcast_id)
    assert found is not None
    return found


async def open_draft(db: Database, user_id: int) -> Broadcast | None:
    row = await db.fetchone(
        "SELECT * FROM broadcasts WHERE created_by = ? AND status = 'draft'"
        " ORDER BY id DESC LIMIT 1",
        (user_id,),
    )
    return None if row is None else _from_row(row)


_DRAFT_FIELDS = {"step", "content_type", "text", "file_id", "filter", "send_at", "locale"}


async def update_draft(db: Database, broadcast: Broadcast, **changes: Any) -> bool:
    """Change a draft (and the object); False when it is no longer a draft. Working on a
    draft makes it what its author is in the middle of again (their next message is for it)."""
    unknown = set(changes) - _DRAFT_FIELDS
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    assignments = ", ".join(f"{name} = ?" for name in changes)
    async with db.transaction() as conn:
        cursor = await conn.execute(
            f"UPDATE broadcasts SET {assignments} WHERE id = ? AND status = 'draft'",
            (*changes.values(), broadcast.id),
        )
        changed = cursor.rowcount > 0
        if changed:
            await conversations.begin(
                conn, broadcast.created_by, Kind.BROADCAST_DRAFT, broadcast.id
            )
    if changed:
        for name, value in changes.items():
            setattr(broadcast, name, value)
    return changed


async def _fill_outbox(conn: aiosqlite.Connection, broadcast_id: int, f: RecipientFilter) -> int:
    """Inside a transaction: one pending row per recipient reachable now."""
    where, params = filter_sql(f)
    cursor = await conn.execute(
        "INSERT INTO broadcast_outbox (broadcast_id, user_id)"
        f" SELECT ?, user_id FROM applicants WHERE {where} AND opted_out = 0 AND inactive = 0"
        " ORDER BY user_id",
        (broadcast_id, *params),
    )
    return max(cursor.rowcount, 0)


async def start_sending(db: Database, broadcast_id: int, *, from_status: str) -> int | None:
    """Draft (send now) or scheduled (its time came) -> sending, with the outbox filled in the
    same transaction. The number of recipients, or None if it was not in ``from_status``
    (a second tap, or someone cancelled it first)."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE broadcasts SET status = 'sending', step = NULL, started_at = ?"
            " WHERE id = ? AND status = ? AND content_type IS NOT NULL AND filter IS NOT NULL",
            (utcnow(), broadcast_id, from_status),
        )
        if cursor.rowcount == 0:
            return None
        async with conn.execute(
            "SELECT filter FROM broadcasts WHERE id = ?", (broadcast_id,)
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        total = await _fill_outbox(conn, broadcast_id, RecipientFilter.from_json(row[0]))
        await conn.execute("UPDATE broadcasts SET total = ? WHERE id = ?", (total, broadcast_id))
        await conversations.end(conn, Kind.BROADCAST_DRAFT, broadcast_id)
    return total


async def schedule(db: Database, broadcast_id: int, send_at: str) -> bool:
    """Draft -> scheduled ("kirim nanti"); False on a second tap."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE broadcasts SET status = 'scheduled', step = NULL, send_at = ?"
            " WHERE id = ? AND status = 'draft' AND content_type IS NOT NULL"
            " AND filter IS NOT NULL",
            (send_at, broadcast_id),
        )
        await conversations.end(conn, Kind.BROADCAST_DRAFT, broadcast_id)
        return cursor.rowcount > 0


async def cancel(db: Database, broadcast_id: int, by: int) -> str | None:
    """Stop a draft, a scheduled or a running broadcast: its previous status, or None when
    there was nothing to stop. Outbox rows still pending stay so (the figures show them)."""
    async with db.transaction() as conn:
        async with conn.execute(
            "SELECT status FROM broadcasts WHERE id = ?", (broadcast_id,)
        ) as cur:
            row = await cur.fetchone()
        if row is None or row[0] not in (Status.DRAFT, Status.SCHEDULED, Status.SENDING):
            return None
        await conn.execute(
            "UPDATE broadcasts SET status = 'cancelled', cancelled_by = ?, finished_at = ?,"
            " step = NULL WHERE id = ?",
            (by, utcnow(), broadcast_id),
        )
        await conversations.end(conn, Kind.BROADCAST_DRAFT, broadcast_id)
        return str(row[0])


async def resume(db: Database, broadcast_id: int) -> bool:
    """Stopped by staff while sending -> sending again, for the rows still pending (those not
    yet sent: a sent row is never pending again, so nobody gets it twice). False when it is
    not a stopped announcement with someone left to reach. Its progress goes to a new message:
    the old one shows the report of the stop."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE broadcasts SET status = 'sending', cancelled_by = NULL, finished_at = NULL,"
            " progress_chat_id = NULL, progress_message_id = NULL"
            " WHERE id = ? AND status = 'cancelled' AND started_at IS NOT NULL"
            " AND EXISTS (SELECT 1 FROM broadcast_outbox"
            " WHERE broadcast_id = broadcasts.id AND status = 'pending')",
            (broadcast_id,),
        )
        return cursor.rowcount > 0


def resumable(b: Broadcast, figures: OutboxCounts) -> bool:
    """Stopped while sending, with people it has not reached yet: it can go on."""
    return b.status == Status.CANCELLED and b.started_at is not None and figures.pending > 0


async def new_web_draft(
    db: Database,
    created_by: int,
    *,
    locale: str,
    content_type: str,
    text: str,
    file_id: str | None,
    recipient_filter: RecipientFilter,
    send_at: str | None,
    at: datetime | None = None,
) -> Broadcast:
    """A whole draft from the web page, at its preview. As with /umumkan, a person has one
    draft: an older one (from the bot or the page) is dropped, and with it the pointer that
    sent their next Telegram message to it. No new pointer: the page needs none."""
    now = utcnow(at)
    async with db.transaction() as conn:
        async with conn.execute(
            "SELECT id FROM broadcasts WHERE created_by = ? AND status = 'draft'", (created_by,)
        ) as cur:
            older = [int(r[0]) for r in await cur.fetchall()]
        await conn.execute(
            "UPDATE broadcasts SET status = 'cancelled', cancelled_by = created_by,"
            " finished_at = ? WHERE created_by = ? AND status = 'draft'",
            (now, created_by),
        )
        if older:
            await conversations.end(conn, Kind.BROADCAST_DRAFT, *older)
        cursor = await conn.execute(
            "INSERT INTO broadcasts (created_by, locale, status, step, content_type, text,"
            " file_id, filter, send_at, created_at)"
            " VALUES (?, ?, 'draft', 'preview', ?, ?, ?, ?, ?, ?)",
            (created_by, locale, content_type, text, file_id, recipient_filter.to_json(),
             send_at, now),
        )  # fmt: skip
        broadcast_id = int(cursor.lastrowid or 0)
    found = await get(db, broadcast_id)
    assert found is not None
    return found


async def set_progress_message(
    db: Database, broadcast_id: int, chat_id: int | None, message_id: int | None
) -> None:
    await db.write(
        "UPDATE broadcasts SET progress_chat_id = ?, progress_message_id = ? WHERE id = ?",
        (chat_id, message_id, broadcast_id),
    )


async def with_status(db: Database, *statuses: str) -> list[Broadcast]:
    marks = ", ".join("?" for _ in statuses)
    rows = await db.fetchall(
        f"SELECT * FROM broadcasts WHERE status IN ({marks}) ORDER BY id", statuses
    )
    return [_from_row(row) for row in rows]


async def recent(db: Database, limit: int) -> list[Broadcast]:
    """The latest broadcasts that got past the draft stage (or were scheduled), newest first."""
    rows = await db.fetchall(
        "SELECT * FROM broadcasts WHERE status != 'draft' AND content_type IS NOT NULL"
        " AND (started_at IS NOT NULL OR send_at IS NOT NULL) ORDER BY id DESC LIMIT ?",
        (limit,),
    )
    return [_from_row(row) for row in rows]


# --- the outbox -------------------------------------------------------------------------


# A channel's rows: a WhatsApp resident's user id is negative (bot/storage/contacts.py).
_OF_CHANNEL = {None: "1", "telegram": "o.user_id > 0", "whatsapp": "o.user_id < 0"}


async def pending_batch(
    db: Database,
    broadcast_id: int,
    *,
    limit: int,
    now: float,
    exclude: set[int],
    channel: str | None = None,
) -> list[OutboxItem]:
    """The next pending rows due now (of one channel's recipients, or all), oldest first,
    leaving out those already in flight."""
    rows = await db.fetchall(
        "SELECT o.id, o.user_id, o.attempts, a.locale, a.opted_out, a.inactive"
        " FROM broadcast_outbox o JOIN applicants a ON a.user_id = o.user_id"
        " WHERE o.broadcast_id = ? AND o.status = 'pending' AND o.next_try_at <= ?"
        f" AND {_OF_CHANNEL[channel]}"
        " AND o.id NOT IN (SELECT value FROM json_each(?)) ORDER BY o.id LIMIT ?",
        (broadcast_id, now, json.dumps(sorted(exclude)), limit),
    )
    return [
        OutboxItem(
            id=int(r[0]),
            user_id=int(r[1]),
            attempts=int(r[2]),
            locale=str(r[3]),
            opted_out=bool(r[4]),
            inactive=bool(r[5]),
        )
        for r in rows
    ]


async def next_retry_at(
    db: Database, broadcast_id: int, *, channel: str | None = None
) -> float | None:
    """When the earliest pending row (of one channel, or any) may be tried again (None:
    nothing pending)."""
    value = await db.fetchval(
        "SELECT MIN(next_try_at) FROM broadcast_outbox o"
        f" WHERE broadcast_id = ? AND status = 'pending' AND {_OF_CHANNEL[channel]}",
        (broadcast_id,),
    )
    return None if value is None else float(value)


async def pending_by_channel(db: Database, broadcast_id: int) -> dict[str, int]:
    """Pending rows per channel."""
    rows = await db.fetchall(
        "SELECT CASE WHEN user_id < 0 THEN 'whatsapp' ELSE 'telegram' END, COUNT(*)"
        " FROM broadcast_outbox WHERE broadcast_id = ? AND status = 'pending' GROUP BY 1",
        (broadcast_id,),
    )
    return {str(r[0]): int(r[1]) for r in rows}


async def mark_sent(db: Database, item: OutboxItem, wa_message_id: str | None = None) -> None:
    """Sent; on WhatsApp with Meta's message id, which a later status names."""
    await db.write(
        "UPDATE broadcast_outbox SET status = 'sent', attempts = attempts + 1, sent_at = ?,"
        " last_error = NULL, wa_message_id = ? WHERE id = ?",
        (utcnow(), wa_message_id, item.id),
    )


async def failed_after_sending(
    db: Database, wa_message_id: str, status: str, error: str
) -> int | None:
    """Meta took an announcement (the row is "sent") and reported later that it failed: the
    row becomes ``status`` (blocked, outside_window or failed) with the error; a blocked
    one makes the applicant inactive, as a 403 does. Once only: the broadcast's id when a
    row changed, None when no sent row has that id (a personal message's, or done before).
    A broadcast already ended keeps its figures up to date."""
    if status not in (Delivery.BLOCKED, Delivery.OUTSIDE_WINDOW, Delivery.FAILED):
        raise ValueError(f"not a failure: {status!r}")
    async with db.transaction() as conn:
        async with conn.execute(
            "SELECT id, broadcast_id, user_id FROM broadcast_outbox"
            " WHERE wa_message_id = ? AND status = 'sent'",
            (wa_message_id,),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        row_id, broadcast_id, user_id = int(row[0]), int(row[1]), int(row[2])
        await conn.execute(
            "UPDATE broadcast_outbox SET status = ?, last_error = ? WHERE id = ?",
            (status, error, row_id),
        )
        if status == Delivery.BLOCKED:
            await conn.execute(
                "UPDATE applicants SET inactive = 1, updated_at = ? WHERE user_id = ?"
                " AND inactive = 0",
                (utcnow(), user_id),
            )
    # Figures are kept on the broadcast when it ends; one that has ended gets them again
    # (a running one records them itself at its end).
    broadcast = await get(db, broadcast_id)
    if broadcast is not None and broadcast.status in (Status.DONE, Status.CANCELLED):
        await record_figures(db, broadcast_id, await counts(db, broadcast_id))
    return broadcast_id


async def mark_blocked(db: Database, item: OutboxItem, error: str) -> None:
    """403: the row, and the resident is inactive until they write to the bot again."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE broadcast_outbox SET status = 'blocked', attempts = attempts + 1,"
            " last_error = ? WHERE id = ?",
            (error, item.id),
        )
        await conn.execute(
            "UPDATE applicants SET inactive = 1, updated_at = ? WHERE user_id = ?",
            (utcnow(), item.user_id),
        )


async def mark_failed(db: Database, item: OutboxItem, error: str, *, attempted: bool) -> None:
    await db.write(
        "UPDATE broadcast_outbox SET status = 'failed', attempts = attempts + ?, last_error = ?"
        " WHERE id = ?",
        (int(attempted), error, item.id),
    )


async def mark_retry(db: Database, item: OutboxItem, error: str, next_try_at: float) -> None:
    await db.write(
        "UPDATE broadcast_outbox SET attempts = attempts + 1, last_error = ?, next_try_at = ?"
        " WHERE id = ?",
        (error, next_try_at, item.id),
    )


async def mark_outside_window(db: Database, item: OutboxItem, reason: str) -> None:
    """Not sent: a WhatsApp resident's 24-hour window had closed and no template serves.
    Not an attempt: nothing left the bot (or Meta refused it for that same reason)."""
    await db.write(
        "UPDATE broadcast_outbox SET status = 'outside_window', last_error = ? WHERE id = ?",
        (reason, item.id),
    )


async def mark_skipped(db: Database, item: OutboxItem, reason: str) -> None:
    await db.write(
        "UPDATE broadcast_outbox SET status = 'skipped', last_error = ? WHERE id = ?",
        (reason, item.id),
    )


async def counts(db: Database, broadcast_id: int) -> OutboxCounts:
    rows = await db.fetchall(
        "SELECT status, COUNT(*) FROM broadcast_outbox WHERE broadcast_id = ? GROUP BY status",
        (broadcast_id,),
    )
    by_status = {str(r[0]): int(r[1]) for r in rows}
    return OutboxCounts(
        total=sum(by_status.values()),
        pending=by_status.get(Delivery.PENDING, 0),
        sent=by_status.get(Delivery.SENT, 0),
        blocked=by_status.get(Delivery.BLOCKED, 0),
        failed=by_status.get(Delivery.FAILED, 0),
        skipped=by_status.get(Delivery.SKIPPED, 0),
        outside_window=by_status.get(Delivery.OUTSIDE_WINDOW, 0),
    )


async def record_figures(db: Database, broadcast_id: int, figures: OutboxCounts) -> None:
    await db.write(
        "UPDATE broadcasts SET sent = ?, blocked = ?, failed = ?, skipped = ? WHERE id = ?",
        (figures.sent, figures.blocked, figures.failed, figures.skipped, broadcast_id),
    )


async def finish(db: Database, broadcast_id: int, figures: OutboxCounts) -> bool:
    """Sending -> done with its figures; False if it was cancelled meanwhile."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE broadcasts SET status = 'done', finished_at = ?, sent = ?, blocked = ?,"
            " failed = ?, skipped = ? WHERE id = ? AND status = 'sending'",
            (
                utcnow(),
                figures.sent,
                figures.blocked,
                figures.failed,
                figures.skipped,
                broadcast_id,
            ),
        )
        return cursor.rowcount > 0
