"""The different status checks (registration number + birth date) one caller tried lately
(the limit and its tags: guess_limits.py)."""

from __future__ import annotations

from datetime import datetime

from bot.storage import guess_limits
from bot.storage.db import Database

TABLE = "status_checks"


def tag(reg_no: str, birth: str) -> str:
    """Four hex digits of the guess's hash: enough to tell one caller's few guesses apart,
    too few to say which number or date it was."""
    return guess_limits.short_tag(f"{reg_no}|{birth}")


async def allow(
    db: Database, user_id: int, reg_no: str, birth: str, *, limit: int,
    now: datetime,
) -> bool:  # fmt: skip
    """Record that ``user_id`` tried this number and date; False (nothing recorded) when it
    would be more than ``limit`` different guesses in the last day. The same guess again is
    always allowed: a resident checking their own status every day is not guessing."""
    return await guess_limits.allow(db, TABLE, user_id, tag(reg_no, birth), limit=limit, now=now)


async def prune(db: Database, *, now: datetime) -> int:
    """Forget the guesses older than the window; how many went."""
    return await guess_limits.prune(db, TABLE, now=now)
