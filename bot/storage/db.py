"""The one SQLite connection of the process, with numbered migrations applied at start-up.

All writes go through :meth:`Database.write` or :meth:`Database.transaction`, which hold one
asyncio lock: updates are handled concurrently (one task per chat), and on a single shared
connection an unguarded write from one task would land inside another task's transaction.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def migration_files() -> list[tuple[int, str, str]]:
    """(number, name, sql) for every migration shipped in bot/storage/migrations, in order."""
    folder = resources.files("bot.storage") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _, _ in found]
    if len(numbers) != len(set(numbers)):
        raise RuntimeError(f"two migrations share a number: {numbers}")
    return found


class Database:
    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path) -> Database:
        path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: autocommit; multi-statement work opens its own transaction.
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable across process crashes in WAL mode (only an OS crash can lose
        # the last commits), and avoids an fsync per answer.
        await conn.execute("PRAGMA synchronous=NORMAL")
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute("PRAGMA busy_timeout=5000")
        db = cls(conn, path)
        await db.migrate()
        return db

    async def close(self) -> None:
        await self.conn.close()

    async def migrate(self) -> list[str]:
        await self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        rows = await self.fetchall("SELECT number FROM schema_migrations")
        done = {row["number"] for row in rows}
        applied = []
        for number, name, sql in migration_files():
            if number in done:
                continue
            async with self.transaction():
                # executescript would COMMIT on its own; run statement by statement instead.
                for statement in _split_sql(sql):
                    await self.conn.execute(statement)
                await self.conn.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, datetime('now'))", (number, name)
                )
            log.info("applied migration %s", name)
            applied.append(name)
        return applied

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._write_lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

    async def write(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One write statement, committed on its own; returns lastrowid.

        Each await on aiosqlite is a round trip to its thread, and the profile of the
        interview showed those trips as the bot's largest cost: one trip per statement here
        (the finished cursor holds no lock and is left to the garbage collector)."""
        async with self._write_lock:
            cursor = await self.conn.execute(sql, params)
            return cursor.lastrowid or 0

    async def write_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        async with self.transaction() as conn:
            await conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> aiosqlite.Row | None:
        """The first row; meant for queries that find one row (by key, or with LIMIT 1)."""
        rows = await self.conn.execute_fetchall(sql, params)  # one trip, not three
        return next(iter(rows), None)

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        return list(await self.conn.execute_fetchall(sql, params))

    async def fetchval(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]


def _split_sql(script: str) -> list[str]:
    """Split a migration on ';' at line ends (migrations keep one statement per block)."""
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";\n") if s.strip().strip(";")]
