"""A few different guesses a day per person, remembered only as short tags.

The NIK question (nik_attempts.py) and the status check by registration number and birth
date (status_checks.py) would each be an oracle if they could be asked without end; each
keeps, per person, the tags of what they tried in the last day, never what it was. The same
guess again is always allowed: someone typing their own NIK twice, or checking their own
status every day, is not guessing.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from bot.storage.applicants import utcnow
from bot.storage.db import Database

WINDOW = timedelta(days=1)
# The tables kept this way (migrations 008 and 021): names are never taken from input.
TABLES = frozenset({"nik_attempts", "status_checks"})


def short_tag(text: str) -> str:
    """Four hex digits of the text's hash: a person's handful of guesses stay apart, and so
    many plausible values share each tag that the row does not say which it was."""
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:4]


async def allow(
    db: Database, table: str, user_id: int, tag: str, *, limit: int, now: datetime
) -> bool:
    """Record that ``user_id`` tried ``tag``; False (nothing recorded) when it would be more
    than ``limit`` different ones in the last day."""
    assert table in TABLES, table
    since = utcnow(now - WINDOW)
    async with db.transaction() as conn:
        await conn.execute(f"DELETE FROM {table} WHERE at < ?", (since,))
        async with conn.execute(f"SELECT tag FROM {table} WHERE user_id = ?", (user_id,)) as cur:
            seen = {row[0] for row in await cur.fetchall()}
        if tag in seen:
            return True
        if len(seen) >= limit:
            return False
        await conn.execute(
            f"INSERT INTO {table} (user_id, tag, at) VALUES (?, ?, ?)", (user_id, tag, utcnow(now))
        )
    return True


async def prune(db: Database, table: str, *, now: datetime) -> int:
    """Forget the tags older than the window, which count for nothing any more (``allow``
    prunes too, but only when someone tries again); how many went."""
    assert table in TABLES, table
    async with db.transaction() as conn:
        cursor = await conn.execute(f"DELETE FROM {table} WHERE at < ?", (utcnow(now - WINDOW),))
        return cursor.rowcount
