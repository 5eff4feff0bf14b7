"""The open questions as the web inbox lists them (bot/web/dashboard/inbox.py)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.db import Database
from bot.storage.questions import Question, _question


@dataclass(frozen=True)
class InboxRow:
    question: Question
    messages: int  # both ways


async def open_questions(db: Database) -> list[InboxRow]:
    """Open questions, the ones waiting for an answer first, the longest waiting first; then
    those answered and not yet closed, the oldest first."""
    rows = await db.fetchall(
        "SELECT q.*, (SELECT COUNT(*) FROM question_messages AS m WHERE m.question_id = q.id)"
        " AS n FROM questions AS q WHERE q.status = 'open'"
        " ORDER BY q.waiting_since IS NULL, q.waiting_since, q.opened_at, q.id"
    )
    return [InboxRow(_question(r), int(dict(r)["n"])) for r in rows]
