"""How many different NIKs one person typed lately: the NIK question is not a free oracle."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from bot.storage.applicants import utcnow
from bot.storage.db import Database

WINDOW = timedelta(days=1)


def tag(nik: str) -> str:
    """Four hex digits of the NIK's hash: one person's handful of NIKs stay apart (two of five
    share a tag once in ~6,500 people, and then count once), and about 150,000 plausible NIKs
    share each tag, so the row does not say which NIK it was."""
    return hashlib.sha256(nik.encode("ascii")).hexdigest()[:4]


async def allow(db: Database, user_id: int, nik: str, *, limit: int, now: datetime) -> bool:
    """Record that ``user_id`` typed ``nik``; False (nothing recorded) when it would be more
    than ``limit`` different NIKs in the last day. The same NIK again is always allowed."""
    since = utcnow(now - WINDOW)
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM nik_attempts WHERE at < ?", (since,))
        async with conn.execute(
            "SELECT tag FROM nik_attempts WHERE user_id = ?", (user_id,)
        ) as cursor:
            seen = {row[0] for row in await cursor.fetchall()}
        mine = tag(nik)
        if mine in seen:
            return True
        if len(seen) >= limit:
            return False
        await conn.execute(
            "INSERT INTO nik_attempts (user_id, tag, at) VALUES (?, ?, ?)",
            (user_id, mine, utcnow(now)),
        )
    return True


async def prune(db: Database, *, now: datetime) -> int:
    """Forget the tags older than the window, which count for nothing any more (``allow``
    prunes too, but only when someone types a NIK); how many went."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "DELETE FROM nik_attempts WHERE at < ?", (utcnow(now - WINDOW),)
        )
        return cursor.rowcount
