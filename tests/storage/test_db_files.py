"""The database file, its WAL and its folder are private to the bot's user, whatever the umask;
a database written by a newer version of the bot is refused."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.storage.db import Database, DatabaseOpenError


@contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("mask", [0o022, 0o000], ids=["umask-022", "umask-000"])
async def test_a_new_database_is_private(tmp_path: Path, mask: int) -> None:
    path = tmp_path / "data" / "bot.sqlite3"
    with umask(mask):
        db = await Database.open(path)
        await db.write("INSERT INTO staff (user_id, added_by, added_at) VALUES (1, 1, 'x')")
        wal, shm = path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")
        modes = {p.name: mode(p) for p in (path.parent, path, wal, shm)}
        await db.close()
    assert modes == {"data": 0o700, "bot.sqlite3": 0o600, "bot.sqlite3-wal": 0o600,
                     "bot.sqlite3-shm": 0o600}  # fmt: skip


async def test_an_existing_database_is_made_private(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "data" / "bot.sqlite3"
    db = await Database.open(path)
    await db.close()
    wal = path.with_name(path.name + "-wal")
    wal.write_bytes(b"")  # as an older version would have left it
    for p, m in ((path.parent, 0o755), (path, 0o644), (wal, 0o644)):
        os.chmod(p, m)
    db = await Database.open(path)  # SQLite removes the WAL when it closes the file
    modes = (mode(path.parent), mode(path), mode(wal))
    await db.close()
    assert modes == (0o700, 0o600, 0o600)
    assert "permissions tightened" in caplog.text


async def test_a_shared_folder_is_left_as_it_is(tmp_path: Path) -> None:
    """In a folder like /tmp (sticky, shared) the file's own 0600 is what protects it."""
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    db = await Database.open(shared / "bot.sqlite3")
    await db.close()
    assert mode(shared) == 0o1777
    assert mode(shared / "bot.sqlite3") == 0o600


async def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    db = await Database.open(path)
    await db.write("INSERT INTO schema_migrations VALUES (8000, '8000_future.sql', 'now')")
    await db.close()
    with pytest.raises(DatabaseOpenError) as raised:
        await Database.open(path)
    assert str(raised.value) == (
        f"{path}: written by a newer version of the bot (migration 8000 is unknown to this one);"
        " run that version or restore a backup"
    )


async def test_secure_delete_is_on(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    value = await db.fetchval("PRAGMA secure_delete")
    await db.close()
    assert value == 1
