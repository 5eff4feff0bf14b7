"""The one SQLite connection of the process, with numbered migrations applied at start-up.

All writes go through :meth:`Database.write` or :meth:`Database.transaction`, which hold one
asyncio lock: updates are handled concurrently (one task per chat), and on a single shared
connection an unguarded write from one task would land inside another task's transaction.

The file holds personal data: it, its WAL and its folder are kept private to the bot's user
(0600/0700) whatever the umask. A file that cannot be used (damaged, not a database, on a
read-only or full disk, written by a newer version) raises DatabaseOpenError, one line naming
the file and the cause, and leaves no thread behind, so the process can exit and a supervisor
restart it.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import re
import sqlite3
import stat
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


# Files SQLite keeps next to the database; they hold pages of it, so the same privacy.
_COMPANIONS = ("-wal", "-shm", "-journal")


class DatabaseOpenError(Exception):
    """The database cannot be used; str() is one line naming the file and the cause."""

    def __init__(self, path: Path, cause: str) -> None:
        super().__init__(f"{path}: {cause}")
        self.path = path
        self.cause = cause


def _make_private(path: Path, folder_mode: bool) -> str | None:
    """Drop group and other permissions from an existing file or folder of the bot's own.

    A shared folder (sticky, like /tmp) or one owned by someone else is left alone: the file's
    own 0600 is what protects it there."""
    info = path.stat()
    mode = stat.S_IMODE(info.st_mode)
    if not mode & 0o077:
        return None
    if folder_mode and (mode & stat.S_ISVTX or info.st_uid != os.geteuid()):
        return None
    os.chmod(path, mode & ~0o077)
    return f"{path} {mode:o} -> {mode & ~0o077:o}"


def _prepare_files(path: Path) -> list[str]:
    """The folder (0700) and an empty file (0600) before SQLite creates them with the umask's
    modes; existing ones are tightened (returned, to be logged once the file proved usable)."""
    folder = path.parent
    tightened = []
    if folder.is_dir():
        tightened.append(_make_private(folder, folder_mode=True))
    else:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        tightened.append(_make_private(path, folder_mode=False))
    else:
        os.fchmod(fd, 0o600)  # an umask of 0o700 would leave even the owner without access
        os.close(fd)
    # SQLite creates the WAL with the database's mode, but one left by an older version keeps
    # whatever mode it had.
    for suffix in _COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            tightened.append(_make_private(companion, folder_mode=False))
    return [change for change in tightened if change]


def _os_cause(exc: OSError) -> str:
    causes = {
        errno.EROFS: "the file system is read-only; the bot must be able to write this file",
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exhausted",
        errno.EACCES: "permission denied; the bot's user must be able to read and write it",
        errno.EPERM: "permission denied; the bot's user must be able to read and write it",
        errno.ENOTDIR: "a part of the path is a file, not a folder",
        errno.EISDIR: "this is a folder, not a file",
    }
    return causes.get(exc.errno or 0, exc.strerror or str(exc))


def _file_system_cause(path: Path) -> str | None:
    """Read-only or full, which SQLite reports as "unable to open" or "disk I/O error"."""
    try:
        info = os.statvfs(path.parent)
    except OSError:
        return None
    if info.f_flag & os.ST_RDONLY:
        return _os_cause(OSError(errno.EROFS, ""))
    if info.f_bavail == 0:
        return _os_cause(OSError(errno.ENOSPC, ""))
    return None


def _sqlite_cause(path: Path, exc: sqlite3.Error) -> str:
    text = str(exc)
    lowered = text.lower()
    if "not a database" in lowered or "malformed" in lowered:
        return f"not a usable SQLite database, damaged or another kind of file ({text})"
    found = _file_system_cause(path)
    if found:
        return f"{found} ({text})"
    if "readonly" in lowered:
        return f"cannot be written: the file or its folder is read-only ({text})"
    if "unable to open" in lowered:
        return f"cannot be opened or created ({text})"
    return text


class Database:
    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path) -> Database:
        """The database at path, created if missing and migrated; DatabaseOpenError if not."""
        try:
            tightened = _prepare_files(path)
        except OSError as exc:
            raise DatabaseOpenError(path, _os_cause(exc)) from None
        try:
            # isolation_level=None: autocommit; multi-statement work opens its own transaction.
            conn = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as exc:  # aiosqlite stops its thread itself here
            raise DatabaseOpenError(path, _sqlite_cause(path, exc)) from None
        db = cls(conn, path)
        try:
            await db._configure()
            await db.migrate()
        except BaseException as exc:
            # aiosqlite's thread is not a daemon: left running, it keeps the process alive.
            with contextlib.suppress(Exception):
                await conn.close()
            if isinstance(exc, sqlite3.Error):
                raise DatabaseOpenError(path, _sqlite_cause(path, exc)) from None
            if isinstance(exc, OSError):
                raise DatabaseOpenError(path, _os_cause(exc)) from None
            raise
        for change in tightened:
            log.warning("permissions tightened (personal data): %s", change)
        return db

    async def _configure(self) -> None:
        conn = self.conn
        conn.row_factory = aiosqlite.Row
        mode = await self.fetchval("PRAGMA journal_mode=WAL")
        if str(mode).lower() != "wal":
            # SQLite answers with the old mode when it cannot write the change (a read-only
            # file opened read-only): the first write would fail later, in front of a resident.
            raise DatabaseOpenError(self.path, f"cannot be written (journal mode stays {mode})")
        # NORMAL is durable across process crashes in WAL mode (only an OS crash can lose
        # the last commits), and avoids an fsync per answer.
        await conn.execute("PRAGMA synchronous=NORMAL")
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute("PRAGMA busy_timeout=5000")
        # Deleted rows are overwritten with zeros, not left in free space until reused: what
        # /hapus deletes is gone from the file, not only from the tables.
        await conn.execute("PRAGMA secure_delete=ON")

    async def close(self) -> None:
        await self.conn.close()

    async def migrate(self) -> list[str]:
        await self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        rows = await self.fetchall("SELECT number FROM schema_migrations")
        done = {row["number"] for row in rows}
        known = migration_files()
        unknown = done - {number for number, _, _ in known}
        if unknown:
            # Its tables have columns this code does not know: every write could fail or lose
            # them. Running the newer version again, or restoring a backup, is the way back.
            raise DatabaseOpenError(
                self.path,
                f"written by a newer version of the bot (migration {max(unknown):03d} is unknown"
                " to this one); run that version or restore a backup",
            )
        applied = []
        for number, name, sql in known:
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

    async def checkpoint(self) -> None:
        """Copy the WAL into the file and empty it, after deleting personal data: until a
        checkpoint the WAL still holds the pages as they were before the deletion."""
        async with self._write_lock:
            await self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

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
