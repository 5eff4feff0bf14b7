"""Events and their reminders in SQLite: the truth the JobQueue jobs are rebuilt from."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import aiosqlite

from bot.domain.reminders import Pending, PlannedReminder
from bot.storage import conversations
from bot.storage.conversations import Kind
from bot.storage.db import Database

# SQLite accepts up to 32,766 parameters; stay far below for older builds.
_CHUNK = 500


def iso(dt: datetime) -> str:
    """How times are stored: UTC, ISO 8601 to the second (sorts as text)."""
    return dt.astimezone(UTC).isoformat(timespec="seconds")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@dataclass(frozen=True)
class Event:
    id: int
    user_id: int
    kind: str
    starts_at: datetime  # UTC
    place: str
    note: str | None
    status: str  # active, rescheduled, cancelled
    replaced_by: int | None
    answer: str | None  # None, hadir, tidak_bisa
    reason: str | None
    answered_at: str | None
    notice: str  # pending, sent, failed
    created_by: int
    created_at: str
    updated_at: str


def _event(row: aiosqlite.Row | dict[str, Any]) -> Event:
    data = dict(row)
    data["starts_at"] = from_iso(data["starts_at"])
    return Event(**{name: data[name] for name in Event.__dataclass_fields__})


@dataclass(frozen=True)
class Reminder:
    id: int
    event_id: int
    offset_s: int
    due_at: datetime  # UTC
    status: str  # pending, sent, skipped, cancelled
    detail: str | None
    attempts: int
    sent_at: str | None


def _reminder(row: aiosqlite.Row) -> Reminder:
    data = dict(row)
    data["due_at"] = from_iso(data["due_at"])
    return Reminder(**data)


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


# --- creating, rescheduling, cancelling ------------------------------------------------


@dataclass(frozen=True)
class NewEvent:
    user_id: int
    kind: str
    starts_at: datetime
    place: str
    note: str | None
    created_by: int
    reminders: list[PlannedReminder]


@dataclass
class Saved:
    events: list[Event] = field(default_factory=list)  # the new events, in input order
    replaced: dict[int, Event] = field(default_factory=dict)  # new event id -> the old one
    cancelled: list[int] = field(default_factory=list)  # reminder ids whose jobs must go
    reminders: list[Reminder] = field(default_factory=list)  # the new pending reminders


async def save_events(db: Database, items: Sequence[NewEvent], now: datetime) -> Saved:
    """Create events (a list from a CSV, or one) in one transaction. An applicant's current
    event of the same kind becomes 'rescheduled' and its pending reminders 'cancelled'.

    Works in bulk (executemany, a few queries in all) so 10,000 rows stay quick."""
    stamp = iso(now)
    saved = Saved()
    if not items:
        return saved
    keys = {(item.user_id, item.kind) for item in items}
    assert len(keys) == len(items), "one event per applicant and kind in one call"
    user_ids = sorted({item.user_id for item in items})
    async with db.transaction() as conn:
        old: dict[tuple[int, str], Event] = {}
        for chunk in _chunks(user_ids):
            sql = f"SELECT * FROM events WHERE status = 'active' AND user_id IN ({_marks(chunk)})"
            async with conn.execute(sql, chunk) as cur:
                for row in await cur.fetchall():
                    event = _event(row)
                    if (event.user_id, event.kind) in keys:
                        old[(event.user_id, event.kind)] = event
        old_ids = [event.id for event in old.values()]
        for chunk in _chunks(old_ids):
            sql = (
                "SELECT id FROM reminders WHERE status = 'pending'"
                f" AND event_id IN ({_marks(chunk)})"
            )
            async with conn.execute(sql, chunk) as cur:
                saved.cancelled += [int(row[0]) for row in await cur.fetchall()]
        await conn.executemany(
            "UPDATE reminders SET status = 'cancelled', detail = 'rescheduled'"
            " WHERE event_id = ? AND status = 'pending'",
            [(event_id,) for event_id in old_ids],
        )
        await conn.executemany(
            "UPDATE events SET status = 'rescheduled', updated_at = ? WHERE id = ?",
            [(stamp, event_id) for event_id in old_ids],
        )
        await conversations.end(conn, Kind.ABSENCE_REASON, *old_ids)
        async with conn.execute("SELECT COALESCE(MAX(id), 0) FROM events") as cur:
            top = await cur.fetchone()
        floor = int(top[0]) if top else 0  # AUTOINCREMENT: every new id is above it
        await conn.executemany(
            "INSERT INTO events (user_id, kind, starts_at, place, note, created_by, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (i.user_id, i.kind, iso(i.starts_at), i.place, i.note, i.created_by, stamp, stamp)
                for i in items
            ],
        )
        async with conn.execute("SELECT * FROM events WHERE id > ? ORDER BY id", (floor,)) as cur:
            created = {(e.user_id, e.kind): e for e in map(_event, await cur.fetchall())}
        saved.events = [created[(i.user_id, i.kind)] for i in items]
        for key, event in old.items():
            saved.replaced[created[key].id] = event
        await conn.executemany(
            "UPDATE events SET replaced_by = ? WHERE id = ?",
            [(new_id, event.id) for new_id, event in saved.replaced.items()],
        )
        await conn.executemany(
            "INSERT INTO reminders (event_id, offset_s, due_at) VALUES (?, ?, ?)",
            [
                (event.id, r.offset, iso(r.due_at))
                for item, event in zip(items, saved.events, strict=True)
                for r in item.reminders
            ],
        )
        async with conn.execute(
            "SELECT * FROM reminders WHERE event_id > ? ORDER BY due_at, id", (floor,)
        ) as cur:
            saved.reminders = [_reminder(row) for row in await cur.fetchall()]
    return saved


async def cancel_event(
    db: Database, user_id: int, kind: str, now: datetime, event_id: int | None = None
) -> tuple[Event | None, list[int]]:
    """Cancel the applicant's current event of this kind (only if it is still ``event_id``,
    when given: a page shown before a reschedule must not cancel the new date); (the event,
    cancelled reminder ids)."""
    stamp = iso(now)
    async with db.transaction() as conn:
        async with conn.execute(
            "SELECT * FROM events WHERE user_id = ? AND kind = ? AND status = 'active'"
            " AND (? IS NULL OR id = ?)",
            (user_id, kind, event_id, event_id),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None, []
        event = _event(row)
        async with conn.execute(
            "SELECT id FROM reminders WHERE event_id = ? AND status = 'pending'", (event.id,)
        ) as cur:
            cancelled = [int(r[0]) for r in await cur.fetchall()]
        await conn.execute(
            "UPDATE reminders SET status = 'cancelled', detail = 'event_cancelled'"
            " WHERE event_id = ? AND status = 'pending'",
            (event.id,),
        )
        await conn.execute(
            "UPDATE events SET status = 'cancelled', updated_at = ? WHERE id = ?",
            (stamp, event.id),
        )
        await conversations.end(conn, Kind.ABSENCE_REASON, event.id)
    return event, cancelled


# --- reading ----------------------------------------------------------------------------


async def get_event(db: Database, event_id: int) -> Event | None:
    row = await db.fetchone("SELECT * FROM events WHERE id = ?", (event_id,))
    return None if row is None else _event(row)


async def current_event(db: Database, user_id: int, kind: str) -> Event | None:
    row = await db.fetchone(
        "SELECT * FROM events WHERE user_id = ? AND kind = ? AND status = 'active'",
        (user_id, kind),
    )
    return None if row is None else _event(row)


async def events_of(db: Database, user_id: int, *, after: datetime | None = None) -> list[Event]:
    """The applicant's current events by start time; only those starting after ``after``."""
    rows = await db.fetchall(
        "SELECT * FROM events WHERE user_id = ? AND status = 'active' AND starts_at > ?"
        " ORDER BY starts_at, id",
        (user_id, iso(after) if after is not None else ""),
    )
    return [_event(row) for row in rows]


@dataclass(frozen=True)
class AgendaItem:
    event: Event
    reg_no: str | None
    name: str | None


async def agenda(db: Database, start: datetime, end: datetime) -> list[AgendaItem]:
    """Current events starting in [start, end), with who the applicant is."""
    rows = await db.fetchall(
        "SELECT e.*, a.reg_no AS a_reg_no, json_extract(a.answers, '$.name') AS a_name"
        " FROM events e JOIN applicants a ON a.user_id = e.user_id"
        " WHERE e.status = 'active' AND e.starts_at >= ? AND e.starts_at < ?"
        " ORDER BY e.starts_at, e.kind, a.reg_no",
        (iso(start), iso(end)),
    )
    return [AgendaItem(_event(row), row["a_reg_no"], row["a_name"]) for row in rows]


# --- answers ----------------------------------------------------------------------------


async def set_answer(
    db: Database, event: Event, answer: str, now: datetime, *, awaiting_reason: bool
) -> None:
    """Record hadir / tidak_bisa. With ``awaiting_reason`` the resident's next text is the
    reason (their conversation: one at a time, so an older event waits no more)."""
    stamp = iso(now)
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE events SET answer = ?, reason = NULL, answered_at = ?, updated_at = ?"
            " WHERE id = ?",
            (answer, stamp, stamp, event.id),
        )
        if awaiting_reason:
            await conversations.begin(conn, event.user_id, Kind.ABSENCE_REASON, event.id, now)
        else:
            await conversations.end(conn, Kind.ABSENCE_REASON, event.id)


async def save_reason(db: Database, event_id: int, reason: str | None, now: datetime) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE events SET reason = ?, updated_at = ? WHERE id = ?",
            (reason, iso(now), event_id),
        )
        await conversations.end(conn, Kind.ABSENCE_REASON, event_id)


# --- notices ----------------------------------------------------------------------------


async def set_notice(db: Database, event_id: int, status: str) -> None:
    await db.write("UPDATE events SET notice = ? WHERE id = ?", (status, event_id))


async def pending_notices(db: Database) -> list[int]:
    rows = await db.fetchall(
        "SELECT id FROM events WHERE notice = 'pending' AND status = 'active' ORDER BY id"
    )
    return [int(row["id"]) for row in rows]


@dataclass(frozen=True)
class BatchSummary:
    """Events saved together (one list: their ids are consecutive) and their notices."""

    events: int
    replaced: int  # earlier dates these events took the place of
    reminders: int
    sent: int
    blocked: int  # not sent: the resident blocked the bot
    failed: int
    pending: int  # still to go out
    first_start: datetime | None


async def batch_summary(db: Database, first_id: int, last_id: int) -> BatchSummary:
    rows = await db.fetchall(
        "SELECT e.notice, a.inactive, COUNT(*) AS n, MIN(e.starts_at) AS first"
        " FROM events e JOIN applicants a ON a.user_id = e.user_id"
        " WHERE e.id BETWEEN ? AND ? GROUP BY e.notice, a.inactive",
        (first_id, last_id),
    )
    counts = {"sent": 0, "blocked": 0, "failed": 0, "pending": 0}
    for row in rows:
        blocked = row["notice"] == "failed" and row["inactive"]
        counts["blocked" if blocked else str(row["notice"])] += int(row["n"])
    starts = [from_iso(row["first"]) for row in rows]
    replaced = await db.fetchval(
        "SELECT COUNT(*) FROM events WHERE replaced_by BETWEEN ? AND ?", (first_id, last_id)
    )
    reminders = await db.fetchval(
        "SELECT COUNT(*) FROM reminders WHERE event_id BETWEEN ? AND ?", (first_id, last_id)
    )
    return BatchSummary(
        events=sum(int(row["n"]) for row in rows), replaced=int(replaced),
        reminders=int(reminders), first_start=min(starts) if starts else None, **counts,
    )  # fmt: skip


# --- reminders --------------------------------------------------------------------------


async def pending_reminders(db: Database) -> list[Pending]:
    rows = await db.fetchall(
        "SELECT r.id, r.event_id, r.due_at, e.starts_at FROM reminders r"
        " JOIN events e ON e.id = r.event_id WHERE r.status = 'pending'"
    )
    return [
        Pending(row["id"], row["event_id"], from_iso(row["due_at"]), from_iso(row["starts_at"]))
        for row in rows
    ]


async def get_reminder(db: Database, reminder_id: int) -> Reminder | None:
    row = await db.fetchone("SELECT * FROM reminders WHERE id = ?", (reminder_id,))
    return None if row is None else _reminder(row)


async def reminders_of(db: Database, event_id: int) -> list[Reminder]:
    rows = await db.fetchall(
        "SELECT * FROM reminders WHERE event_id = ? ORDER BY due_at, id", (event_id,)
    )
    return [_reminder(row) for row in rows]


async def finish_reminder(
    db: Database, reminder_id: int, status: str, now: datetime, detail: str | None = None
) -> bool:
    """pending -> sent / skipped; False if it was no longer pending (cancelled meanwhile)."""
    async with db.transaction() as conn:  # the rowcount says whether it was still pending
        cursor = await conn.execute(
            "UPDATE reminders SET status = ?, detail = ?, sent_at = ?"
            " WHERE id = ? AND status = 'pending'",
            (status, detail, iso(now) if status == "sent" else None, reminder_id),
        )
        changed = cursor.rowcount > 0
        await cursor.close()
    return changed


async def skip_reminders(db: Database, skipped: dict[int, str]) -> None:
    """Start-up: many pending reminders skipped at once (id -> why)."""
    await db.write_many(
        "UPDATE reminders SET status = 'skipped', detail = ? WHERE id = ? AND status = 'pending'",
        [(detail, reminder_id) for reminder_id, detail in skipped.items()],
    )


async def count_attempt(db: Database, reminder_id: int) -> int:
    """One more failed send; returns the number of failures so far."""
    await db.write("UPDATE reminders SET attempts = attempts + 1 WHERE id = ?", (reminder_id,))
    return int(await db.fetchval("SELECT attempts FROM reminders WHERE id = ?", (reminder_id,)))


async def replaced_event(db: Database, event_id: int) -> Event | None:
    """The event this one rescheduled, if any (the notice then says what changed)."""
    row = await db.fetchone(
        "SELECT * FROM events WHERE replaced_by = ? ORDER BY id DESC LIMIT 1", (event_id,)
    )
    return None if row is None else _event(row)


# --- applicants, as this feature needs them ----------------------------------------------


async def user_ids_by_reg_no(db: Database, reg_nos: Sequence[str]) -> dict[str, int]:
    """Registration number -> user id, for the numbers that exist (a CSV checks them all)."""
    found: dict[str, int] = {}
    unique = sorted(set(reg_nos))
    for chunk in _chunks(unique):
        rows = await db.fetchall(
            f"SELECT reg_no, user_id FROM applicants WHERE reg_no IN ({_marks(chunk)})", chunk
        )
        found.update({row["reg_no"]: int(row["user_id"]) for row in rows})
    return found


async def minors_due(db: Database, today: date) -> list[int]:
    """Minors who asked to be told when they turn 18 and whose day has come; opted-out and
    unreachable ones wait (they may come back)."""
    rows = await db.fetchall(
        "SELECT user_id FROM applicants WHERE status = 'minor' AND remind_on IS NOT NULL"
        " AND remind_on <= ? AND opted_out = 0 AND inactive = 0 ORDER BY user_id",
        (today.isoformat(),),
    )
    return [int(row["user_id"]) for row in rows]
