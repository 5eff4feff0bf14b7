"""Login links and browser sessions of the staff web pages: only hashes of their secrets.

Times are ISO 8601 UTC strings as everywhere in the database, so they compare as text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from bot.storage.db import Database


def digest(secret: str) -> str:
    """What is stored for a token or a session id. The secrets are 256 random bits, so a
    plain hash is enough: nothing to guess, nothing to stretch."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class WebSession:
    user_id: int
    csrf_token: str
    expires_at: str


async def add_login(db: Database, token: str, user_id: int, *, at: str, expires_at: str) -> None:
    await db.write(
        "INSERT INTO web_logins (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        (digest(token), user_id, at, expires_at),
    )


async def take_login(db: Database, token: str, *, at: str) -> int | None:
    """The staff member a link was sent to, marking it used; None when the link is unknown,
    used already or expired. One statement, so two tabs opening it at once get it once."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE web_logins SET used_at = ? WHERE token_hash = ? AND used_at IS NULL"
            " AND expires_at > ? RETURNING user_id",
            (at, digest(token), at),
        )
        row = await cursor.fetchone()
        await cursor.close()
    return None if row is None else int(row[0])


async def open_session(
    db: Database, session_id: str, user_id: int, csrf_token: str, *, at: str, expires_at: str
) -> None:
    await db.write(
        "INSERT INTO web_sessions (id_hash, user_id, csrf_token, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (digest(session_id), user_id, csrf_token, at, expires_at),
    )


async def find_session(db: Database, session_id: str, *, at: str) -> WebSession | None:
    """An open session that has not expired at ``at``."""
    row = await db.fetchone(
        "SELECT user_id, csrf_token, expires_at FROM web_sessions"
        " WHERE id_hash = ? AND ended_at IS NULL AND expires_at > ?",
        (digest(session_id), at),
    )
    if row is None:
        return None
    return WebSession(int(row["user_id"]), str(row["csrf_token"]), str(row["expires_at"]))


async def end_session(db: Database, session_id: str, *, at: str) -> None:
    await db.write(
        "UPDATE web_sessions SET ended_at = ? WHERE id_hash = ? AND ended_at IS NULL",
        (at, digest(session_id)),
    )


async def end_sessions_of(db: Database, user_id: int, *, at: str) -> None:
    """Every open session of one person (their staff role was taken away)."""
    await db.write(
        "UPDATE web_sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL",
        (at, user_id),
    )
