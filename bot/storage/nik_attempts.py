"""How many different NIKs one person typed lately: the NIK question is not a free oracle
(the limit and its tags: guess_limits.py)."""

from __future__ import annotations

from datetime import datetime

from bot.storage import guess_limits
from bot.storage.db import Database

TABLE = "nik_attempts"


def tag(nik: str) -> str:
    """Four hex digits of the NIK's hash: one person's handful of NIKs stay apart (two of five
    share a tag once in ~6,500 people, and then count once), and about 150,000 plausible NIKs
    share each tag, so the row does not say which NIK it was."""
    return guess_limits.short_tag(nik)


async def allow(db: Database, user_id: int, nik: str, *, limit: int,
                now: datetime) -> bool:  # fmt: skip
    """Record that ``user_id`` typed ``nik``; False (nothing recorded) when it would be more
    than ``limit`` different NIKs in the last day. The same NIK again is always allowed."""
    return await guess_limits.allow(db, TABLE, user_id, tag(nik), limit=limit, now=now)


async def prune(db: Database, *, now: datetime) -> int:
    """Forget the tags older than the window; how many went."""
    return await guess_limits.prune(db, TABLE, now=now)
