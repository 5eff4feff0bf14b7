"""Staff notes on an applicant: internal remarks, never shown to the applicant."""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.db import Database

MAX_NOTE_LENGTH = 1000


@dataclass(frozen=True)
class Note:
    id: int
    user_id: int
    author_id: int
    at: str
    text: str


async def add(db: Database, user_id: int, author_id: int, text: str, *, at: str) -> Note:
    note_id = await db.write(
        "INSERT INTO staff_notes (user_id, author_id, at, text) VALUES (?, ?, ?, ?)",
        (user_id, author_id, at, text),
    )
    return Note(id=note_id, user_id=user_id, author_id=author_id, at=at, text=text)


async def latest(db: Database, user_id: int, limit: int = 5) -> list[Note]:
    """The newest notes first."""
    rows = await db.fetchall(
        "SELECT * FROM staff_notes WHERE user_id = ? ORDER BY id DESC LIMIT ?", (user_id, limit)
    )
    return [Note(**dict(row)) for row in rows]


async def count(db: Database, user_id: int) -> int:
    value = await db.fetchval("SELECT COUNT(*) FROM staff_notes WHERE user_id = ?", (user_id,))
    return int(value or 0)
