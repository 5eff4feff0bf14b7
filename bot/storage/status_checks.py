"""The different status checks (registration number + birth date) one caller tried lately."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from bot.storage.applicants import utcnow
from bot.storage.db import Database

WINDOW = timedelta(days=1)


def tag(reg_no: str, birth: str) -> str:
    """Four hex digits of the guess's hash: enough to tell one caller's few guesses apart,
    too few to say which number or date it was."""
    return hashlib.sha256(f"{reg_no}|{birth}".encode("ascii")).hexdigest()[:4]


async def allow(
    db: Database, user_id: int, reg_no: str, birth: str, *, limit: int, now: datetime
) -> bool:
    """Record that ``user_id`` tried this number and date; False (nothing recorded) when it
    would be more than ``limit`` different guesses in the last day. The same guess again is
    always allowed: a resident checking their own status every day is not guessing."""
    since = utcnow(now - WINDOW)
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM status_checks WHERE at < ?", (since,))
        async with conn.execute(
            "SELECT tag FROM status_checks WHERE user_id = ?", (user_id,)
        ) as cursor:
            seen = {row[0] for row in await cursor.fetchall()}
        mine = tag(reg_no, birth)
        if mine in seen:
            return True
        if len(seen) >= limit:
            return False
        await conn.execute(
            "INSERT INTO status_checks (user_id, tag, at) VALUES (?, ?, ?)",
            (user_id, mine, utcnow(now)),
        )
    return True


async def prune(db: Database, *, now: datetime) -> int:
    """Forget the guesses older than the window; how many went."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "DELETE FROM status_checks WHERE at < ?", (utcnow(now - WINDOW),)
        )
        return cursor.rowcount
