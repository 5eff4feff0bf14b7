"""Residents' questions and their messages, both ways (migration 012).

A question is a ``draft`` while the resident reads the FAQ's answer, ``open`` once it went to
staff and ``closed`` by staff. Each message is stored before it is relayed and marked when
it was: what was not relayed when the bot stopped is relayed at the next start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.storage.applicants import utcnow
from bot.storage.db import Database


class Status(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Direction(StrEnum):
    IN = "in"  # from the resident
    OUT = "out"  # a staff reply


@dataclass(frozen=True)
class Question:
    id: int
    user_id: int
    status: Status
    locale: str
    created_at: str
    opened_at: str | None
    waiting_since: str | None
    first_answer_at: str | None
    closed_at: str | None


@dataclass(frozen=True)
class QuestionMessage:
    id: int
    question_id: int
    direction: Direction
    kind: str  # text, photo, document, voice, other
    body: str | None
    chat_id: int
    message_id: int
    staff_id: int | None
    at: str
    relayed_at: str | None


@dataclass(frozen=True)
class Topic:
    user_id: int
    chat_id: int
    thread_id: int


def _question(row: object) -> Question:
    r = dict(row)  # type: ignore[call-overload]
    return Question(
        r["id"], r["user_id"], Status(r["status"]), r["locale"], r["created_at"], r["opened_at"],
        r["waiting_since"], r["first_answer_at"], r["closed_at"],
    )  # fmt: skip


def _message(row: object) -> QuestionMessage:
    r = dict(row)  # type: ignore[call-overload]
    return QuestionMessage(
        r["id"], r["question_id"], Direction(r["direction"]), r["kind"], r["body"],
        r["chat_id"], r["message_id"], r["staff_id"], r["at"], r["relayed_at"],
    )  # fmt: skip


async def get(db: Database, question_id: int) -> Question | None:
    row = await db.fetchone("SELECT * FROM questions WHERE id = ?", (question_id,))
    return _question(row) if row else None


async def open_for(db: Database, user_id: int) -> Question | None:
    row = await db.fetchone(
        "SELECT * FROM questions WHERE user_id = ? AND status = 'open'", (user_id,)
    )
    return _question(row) if row else None


async def draft(
    db: Database, user_id: int, locale: str, kind: str, body: str | None, chat_id: int,
    message_id: int, at: datetime,
) -> int:  # fmt: skip
    """What the resident asked, kept while they read the FAQ's answer: "Tanya petugas" sends
    it on. Older drafts of the same person go (only the last answer has live buttons)."""
    async with db.transaction() as conn:
        await conn.execute(
            "DELETE FROM questions WHERE user_id = ? AND status = 'draft'", (user_id,)
        )
        cursor = await conn.execute(
            "INSERT INTO questions (user_id, status, locale, created_at) VALUES (?, 'draft', ?, ?)",
            (user_id, locale, utcnow(at)),
        )
        question_id = cursor.lastrowid
        assert question_id is not None
        await conn.execute(
            "INSERT INTO question_messages (question_id, direction, kind, body, chat_id,"
            " message_id, at) VALUES (?, 'in', ?, ?, ?, ?, ?)",
            (question_id, kind, body, chat_id, message_id, utcnow(at)),
        )
    return question_id


async def send_draft(db: Database, user_id: int, draft_id: int, at: datetime) -> Question | None:
    """The draft goes to staff: it becomes the open question, or joins the one already open.
    None when the draft is gone (sent already, or replaced by a later question)."""
    now = utcnow(at)
    async with db.transaction() as conn:
        async with conn.execute(
            "SELECT id FROM questions WHERE id = ? AND user_id = ? AND status = 'draft'",
            (draft_id, user_id),
        ) as cursor:
            if await cursor.fetchone() is None:
                return None
        async with conn.execute(
            "SELECT id FROM questions WHERE user_id = ? AND status = 'open'", (user_id,)
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            await conn.execute(
                "UPDATE questions SET status = 'open', opened_at = ?, waiting_since = ?"
                " WHERE id = ?",
                (now, now, draft_id),
            )
            target = draft_id
        else:
            target = row[0]
            await conn.execute(
                "UPDATE question_messages SET question_id = ? WHERE question_id = ?",
                (target, draft_id),
            )
            await conn.execute("DELETE FROM questions WHERE id = ?", (draft_id,))
            await conn.execute(
                "UPDATE questions SET waiting_since = COALESCE(waiting_since, ?) WHERE id = ?",
                (now, target),
            )
        await conn.execute(
            "UPDATE question_messages SET at = ? WHERE question_id = ? AND relayed_at IS NULL",
            (now, target),
        )
    return await get(db, target)


async def add_incoming(
    db: Database, user_id: int, locale: str, kind: str, body: str | None, chat_id: int,
    message_id: int, at: datetime,
) -> tuple[Question, int]:  # fmt: skip
    """A resident's message to staff: it joins their open question, or opens one."""
    now = utcnow(at)
    async with db.transaction() as conn:
        async with conn.execute(
            "SELECT id FROM questions WHERE user_id = ? AND status = 'open'", (user_id,)
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            cursor = await conn.execute(
                "INSERT INTO questions (user_id, status, locale, created_at, opened_at,"
                " waiting_since) VALUES (?, 'open', ?, ?, ?, ?)",
                (user_id, locale, now, now, now),
            )
            question_id = cursor.lastrowid
            assert question_id is not None
        else:
            question_id = row[0]
            await conn.execute(
                "UPDATE questions SET waiting_since = COALESCE(waiting_since, ?), locale = ?"
                " WHERE id = ?",
                (now, locale, question_id),
            )
        cursor = await conn.execute(
            "INSERT INTO question_messages (question_id, direction, kind, body, chat_id,"
            " message_id, at) VALUES (?, 'in', ?, ?, ?, ?, ?)",
            (question_id, kind, body, chat_id, message_id, now),
        )
        message_id_row = cursor.lastrowid
        assert message_id_row is not None
    question = await get(db, question_id)
    assert question is not None
    return question, message_id_row


async def add_reply(
    db: Database, question_id: int, staff_id: int, kind: str, body: str | None, chat_id: int,
    message_id: int, at: datetime,
) -> int:  # fmt: skip
    """A staff reply: stored before it is copied to the resident; the question waits no more."""
    now = utcnow(at)
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "INSERT INTO question_messages (question_id, direction, kind, body, chat_id,"
            " message_id, staff_id, at) VALUES (?, 'out', ?, ?, ?, ?, ?, ?)",
            (question_id, kind, body, chat_id, message_id, staff_id, now),
        )
        await conn.execute(
            "UPDATE questions SET waiting_since = NULL,"
            " first_answer_at = COALESCE(first_answer_at, ?) WHERE id = ?",
            (now, question_id),
        )
    row_id = cursor.lastrowid
    assert row_id is not None
    return row_id


async def mark_relayed(db: Database, message_row: int, at: datetime) -> None:
    await db.write(
        "UPDATE question_messages SET relayed_at = ? WHERE id = ?", (utcnow(at), message_row)
    )


async def owed(db: Database) -> list[tuple[Question, QuestionMessage]]:
    """Messages of open questions not yet relayed (the bot stopped in between), oldest first."""
    rows = await db.fetchall(
        "SELECT m.*, q.user_id, q.status, q.locale, q.created_at, q.opened_at, q.waiting_since,"
        " q.first_answer_at, q.closed_at FROM question_messages AS m"
        " JOIN questions AS q ON q.id = m.question_id"
        " WHERE m.relayed_at IS NULL AND q.status = 'open' ORDER BY m.id"
    )
    out = []
    for row in rows:
        r = dict(row)
        question = Question(
            r["question_id"], r["user_id"], Status(r["status"]), r["locale"], r["created_at"],
            r["opened_at"], r["waiting_since"], r["first_answer_at"], r["closed_at"],
        )  # fmt: skip
        out.append((question, _message(row)))
    return out


async def messages(db: Database, question_id: int) -> list[QuestionMessage]:
    rows = await db.fetchall(
        "SELECT * FROM question_messages WHERE question_id = ? ORDER BY id", (question_id,)
    )
    return [_message(r) for r in rows]


async def sent_since(db: Database, user_id: int, since: datetime) -> list[str]:
    """When this person's messages to staff went, since ``since`` (oldest first)."""
    rows = await db.fetchall(
        "SELECT m.at FROM question_messages AS m JOIN questions AS q ON q.id = m.question_id"
        " WHERE q.user_id = ? AND q.status != 'draft' AND m.direction = 'in' AND m.at > ?"
        " ORDER BY m.at",
        (user_id, utcnow(since)),
    )
    return [str(r[0]) for r in rows]


async def close(db: Database, question_id: int, staff_id: int, at: datetime) -> bool:
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE questions SET status = 'closed', closed_at = ?, closed_by = ?,"
            " waiting_since = NULL WHERE id = ? AND status = 'open'",
            (utcnow(at), staff_id, question_id),
        )
        return cursor.rowcount > 0


# --- topics in the staff group --------------------------------------------------------------


async def topic_of(db: Database, user_id: int, chat_id: int) -> Topic | None:
    row = await db.fetchone(
        "SELECT * FROM question_topics WHERE user_id = ? AND chat_id = ?", (user_id, chat_id)
    )
    return Topic(row["user_id"], row["chat_id"], row["thread_id"]) if row else None


async def user_of_topic(db: Database, chat_id: int, thread_id: int) -> int | None:
    value = await db.fetchval(
        "SELECT user_id FROM question_topics WHERE chat_id = ? AND thread_id = ?",
        (chat_id, thread_id),
    )
    return int(value) if value is not None else None


async def set_topic(db: Database, user_id: int, chat_id: int, thread_id: int) -> None:
    await db.write(
        "INSERT INTO question_topics (user_id, chat_id, thread_id) VALUES (?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET chat_id = excluded.chat_id,"
        " thread_id = excluded.thread_id",
        (user_id, chat_id, thread_id),
    )


async def forget_topic(db: Database, user_id: int) -> None:
    await db.write("DELETE FROM question_topics WHERE user_id = ?", (user_id,))


# --- the group's members who are not staff, and FAQ feedback ---------------------------------


async def first_warning(db: Database, user_id: int, at: datetime) -> bool:
    """True the first time this non-staff member is seen writing in the group."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "INSERT INTO question_intruders (user_id, warned_at) VALUES (?, ?)"
            " ON CONFLICT (user_id) DO NOTHING",
            (user_id, utcnow(at)),
        )
        return cursor.rowcount > 0


async def record_helpful(db: Database, faq_key: str, at: datetime) -> None:
    await db.write("INSERT INTO faq_feedback (faq_key, at) VALUES (?, ?)", (faq_key, utcnow(at)))


# --- figures --------------------------------------------------------------------------------


async def figures(db: Database, since: datetime) -> tuple[int, str | None, list[float], list[str]]:
    """Open questions, the oldest waiting moment, the delays to a first answer (seconds) and
    when each question since ``since`` was opened (UTC texts: days are the reader's)."""
    open_count = await db.fetchval("SELECT COUNT(*) FROM questions WHERE status = 'open'")
    oldest = await db.fetchval("SELECT MIN(waiting_since) FROM questions WHERE status = 'open'")
    delays = await db.fetchall(
        "SELECT (julianday(first_answer_at) - julianday(opened_at)) * 86400 FROM questions"
        " WHERE first_answer_at IS NOT NULL AND opened_at IS NOT NULL"
    )
    opened = await db.fetchall(
        "SELECT opened_at FROM questions WHERE opened_at IS NOT NULL AND opened_at >= ?",
        (utcnow(since),),
    )
    return (
        int(open_count or 0),
        str(oldest) if oldest else None,
        [float(r[0]) for r in delays],
        [str(r[0]) for r in opened],
    )


async def waiting_longer_than(db: Database, now: datetime, hours: int) -> list[Question]:
    """Open questions whose resident has waited more than ``hours`` for an answer."""
    rows = await db.fetchall(
        "SELECT * FROM questions WHERE status = 'open' AND waiting_since IS NOT NULL"
        " AND waiting_since <= ? ORDER BY waiting_since",
        (utcnow(now - timedelta(hours=hours)),),
    )
    return [_question(r) for r in rows]


# --- erasure ----------------------------------------------------------------------------------


async def held_for(db: Database, user_id: int) -> bool:
    """Whether anything of this person's questions is stored (they may never have registered)."""
    found = await db.fetchval("SELECT 1 FROM questions WHERE user_id = ? LIMIT 1", (user_id,))
    return found is not None

