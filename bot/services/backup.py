"""Backups of the database (people's NIK and health answers) and their restore.

A backup goes through SQLite's online backup API in a thread, so the bot keeps answering while
it runs; the copy is checked (integrity_check) before it takes its final name, is 0600 in a 0700
folder whatever the umask, and is named with a sortable UTC timestamp so the oldest are pruned.
A restore refuses while a bot holds the database's lock (bot/storage/run_lock.py), checks the
file, and keeps the database it replaces aside rather than deleting it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.storage import run_lock
from bot.storage.db import migration_files

log = logging.getLogger(__name__)

PREFIX = "bot-"
SUFFIX = ".sqlite3"
_COMPANIONS = ("-wal", "-shm", "-journal")


class BackupError(Exception):
    """A backup or a restore that did not happen; the message is safe to show and log."""


@dataclass(frozen=True)
class Contents:
    applicants: int
    pending_reminders: int
    broadcasts: int

    def line(self) -> str:
        return (
            f"{self.applicants} applicants, {self.pending_reminders} pending reminders,"
            f" {self.broadcasts} broadcasts"
        )


def stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def backup_name(now: datetime) -> str:
    return f"{PREFIX}{stamp(now)}{SUFFIX}"


def private_folder(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)  # mkdir's mode passes through the umask


def _private_file(path: Path) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(fd, 0o600)
    os.close(fd)


def check_file(path: Path) -> None:
    """integrity_check, and a schema this code knows (not written by a newer version)."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                raise BackupError(f"{path}: integrity check failed ({result[0][0]})")
            try:
                done = {row[0] for row in conn.execute("SELECT number FROM schema_migrations")}
            except sqlite3.Error:
                raise BackupError(f"{path}: not a database of this bot") from None
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: not a readable SQLite database ({exc})") from None
    unknown = done - {number for number, _, _ in migration_files()}
    if unknown:
        raise BackupError(
            f"{path}: written by a newer version of the bot (migration {max(unknown):03d});"
            " restore it with that version"
        )


def contents(path: Path) -> Contents:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:

        def count(sql: str) -> int:
            return int(conn.execute(sql).fetchone()[0])

        return Contents(
            applicants=count("SELECT count(*) FROM applicants"),
            pending_reminders=count("SELECT count(*) FROM reminders WHERE status = 'pending'"),
            broadcasts=count("SELECT count(*) FROM broadcasts"),
        )
    finally:
        conn.close()


def backup_to(database: Path, target: Path) -> Path:
    """Copy the live database to target (a new file), checked; blocking: run it in a thread."""
    if not database.is_file():
        raise BackupError(f"{database}: no database to back up")
    partial = target.with_name(target.name + ".partial")
    try:
        private_folder(target.parent)
        partial.unlink(missing_ok=True)
        _private_file(partial)
        source = sqlite3.connect(database, timeout=30)
        try:
            copy = sqlite3.connect(partial)
            try:
                # One step: in WAL mode it reads one snapshot while the bot goes on writing
                # (readers never block the writer). In several steps, each write by the bot
                # in between would make SQLite start the copy over, maybe forever.
                source.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")
            finally:
                copy.close()
        finally:
            source.close()
        check_file(partial)
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"backup to {target} failed: {exc}") from None
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    return target


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups in folder (names sort by time)."""
    backups = sorted(p for p in folder.glob(f"{PREFIX}*{SUFFIX}") if p.is_file())
    old = backups[: max(len(backups) - keep, 0)]
    for path in old:
        path.unlink(missing_ok=True)
    return old


def backup_now(database: Path, folder: Path, keep: int, now: datetime) -> Path:
    target = backup_to(database, folder / backup_name(now))
    pruned = prune(folder, keep)
    log.info("backup written: %s (%d old ones pruned)", target.name, len(pruned))
    return target


async def backup_in_thread(database: Path, folder: Path, keep: int, now: datetime) -> Path:
    return await asyncio.to_thread(backup_now, database, folder, keep, now)


def restore(source: Path, database: Path, now: datetime) -> tuple[Contents, Path | None]:
    """Replace database with the backup at source; (what it holds, where the old one went)."""
    with run_lock.hold(database):
        check_file(source)
        private_folder(database.parent)
        incoming = database.with_name(database.name + ".restoring")
        incoming.unlink(missing_ok=True)
        _private_file(incoming)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(incoming)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        check_file(incoming)
        kept: Path | None = None
        if database.exists():
            # Fold the WAL into the file first, so what is kept aside is complete on its own.
            conn = sqlite3.connect(database)
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
            kept = database.with_name(f"{database.name}.replaced-{stamp(now)}")
            os.replace(database, kept)
            os.chmod(kept, 0o600)
        for suffix in _COMPANIONS:
            database.with_name(database.name + suffix).unlink(missing_ok=True)
        os.replace(incoming, database)
        return contents(database), kept
