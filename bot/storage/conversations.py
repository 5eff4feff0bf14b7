"""What each person is in the middle of: one row per user, read once per update.

The interview's own step stays in the applicant row (its engine resumes, goes back and counts
the funnel from there); this row says when the person's next message belongs to something
else: the reason they cannot come to an event, or a staff member's announcement draft. One
row per person, as in aiogram's FSM: beginning something new replaces what was there.
The row points at the feature's own data (``ref``: the event, the draft), which the
feature's handler checks before taking the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import aiosqlite

from bot.storage.applicants import Applicant, from_row, utcnow
from bot.storage.db import Database


class Kind(StrEnum):
    ABSENCE_REASON = "absence_reason"  # ref: the event the resident cannot come to
    BROADCAST_DRAFT = "broadcast_draft"  # ref: the staff member's draft (broadcasts.id)
    QUESTION = "question"  # ref: the resident's open question (questions.id): messages join it
    QUESTION_ASK = "question_ask"  # ref: 1 straight to staff, 0 the FAQ first (/tanya)


@dataclass(frozen=True)
class Conversation:
    user_id: int
    kind: Kind
    ref: int
    since: str


@dataclass(frozen=True)
class Person:
    """One person as one update sees them: their applicant row (None for someone who never
    began, e.g. most staff) and what they are in the middle of (None: nothing but, maybe,
    the interview in the applicant row)."""

    applicant: Applicant | None
    conversation: Conversation | None


async def load(db: Database, user_id: int) -> Person:
    """The applicant row and the conversation row in one statement (one trip to SQLite)."""
    row = await db.fetchone(
        "SELECT a.*, c.kind AS c_kind, c.ref AS c_ref, c.since AS c_since"
        " FROM (SELECT ? AS uid) AS u"
        " LEFT JOIN applicants AS a ON a.user_id = u.uid"
        " LEFT JOIN conversations AS c ON c.user_id = u.uid",
        (user_id,),
    )
    assert row is not None  # the one-row subquery always gives a row
    data = dict(row)
    kind, ref, since = data.pop("c_kind"), data.pop("c_ref"), data.pop("c_since")
    applicant = None if data["user_id"] is None else from_row(data)
    conversation = None if kind is None else Conversation(user_id, Kind(kind), int(ref), since)
    return Person(applicant, conversation)


async def get(db: Database, user_id: int) -> Conversation | None:
    row = await db.fetchone("SELECT * FROM conversations WHERE user_id = ?", (user_id,))
    if row is None:
        return None
    return Conversation(row["user_id"], Kind(row["kind"]), row["ref"], row["since"])


# Inside another repository's transaction: the conversation changes with the data it points
# at, or not at all.


async def begin(
    conn: aiosqlite.Connection, user_id: int, kind: Kind, ref: int, at: datetime | None = None
) -> None:
    """This person is now in the middle of ``kind``; whatever they were in before is over."""
    await conn.execute(
        "INSERT INTO conversations (user_id, kind, ref, since) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET kind = excluded.kind, ref = excluded.ref,"
        " since = excluded.since",
        (user_id, kind.value, ref, utcnow(at)),
    )


async def end(conn: aiosqlite.Connection, kind: Kind, *refs: int) -> None:
    """Whoever was in the middle of these (the event answered, the draft sent) is no more."""
    await conn.executemany(
        "DELETE FROM conversations WHERE kind = ? AND ref = ?", [(kind.value, r) for r in refs]
    )


async def end_for(db: Database, user_id: int, kind: Kind, ref: int) -> None:
    """A stale pointer (its event or draft is gone): the person is in the middle of nothing."""
    await db.write(
        "DELETE FROM conversations WHERE user_id = ? AND kind = ? AND ref = ?",
        (user_id, kind.value, ref),
    )
