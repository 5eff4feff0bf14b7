"""A database the bot cannot use stops `python -m bot` at once, with one line: the file, why.

A process that stays up serving nothing is never restarted by its supervisor, and a 50-line
traceback hides the cause from whoever reads the log at night.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bot.simulator import BotApiSimulator
from bot.storage.db import Database
from tests.e2e.processes import BOT, bot_env, can_mount, in_mount_namespace, run_to_exit

needs_mount = pytest.mark.skipif(
    not can_mount(), reason="needs root and mount namespaces (unshare -m) for a real read-only"
    " or full file system",
)  # fmt: skip


def assert_one_line_stop(code: int | None, err: str, path: Path, cause: str) -> None:
    assert code is not None, "the process kept running"
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"Database error: {path}: ")
    assert cause in lines[0]
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("content", "cause"),
    [
        (os.urandom(8192), "not a usable SQLite database"),
        (b"Ini bukan basis data, hanya catatan.\n" * 40, "not a usable SQLite database"),
    ],
    ids=["random-bytes", "text-file"],
)
async def test_a_file_that_is_no_database(
    sim: BotApiSimulator, tmp_path: Path, content: bytes, cause: str
) -> None:
    path = tmp_path / "bot.sqlite3"
    path.write_bytes(content)
    code, err = await run_to_exit(BOT, bot_env(sim.base_url, path))
    assert_one_line_stop(code, err, path, cause)
    assert path.read_bytes() == content  # nothing written over what may be someone's file


@needs_mount
@pytest.mark.parametrize("existing", [False, True], ids=["new", "existing"])
async def test_a_read_only_file_system(
    sim: BotApiSimulator, tmp_path: Path, existing: bool
) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    path = folder / "bot.sqlite3"
    if existing:
        db = await Database.open(path)
        await db.close()
    quoted = shlex.quote(str(folder))
    remount = f"mount --bind {quoted} {quoted} && mount -o remount,bind,ro {quoted}"
    code, err = await run_to_exit(in_mount_namespace(remount, BOT), bot_env(sim.base_url, path))
    assert_one_line_stop(code, err, path, "the file system is read-only")


@needs_mount
@pytest.mark.parametrize("existing", [False, True], ids=["new", "existing"])
async def test_a_full_disk(sim: BotApiSimulator, tmp_path: Path, existing: bool) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    path = folder / "bot.sqlite3"
    copy = tmp_path / "copy.sqlite3"
    if existing:
        db = await Database.open(copy)
        await db.close()
    quoted = shlex.quote(str(folder))
    fill = (
        f"mount -t tmpfs -o size=1m tmpfs {quoted}"
        + (f" && cp {shlex.quote(str(copy))} {shlex.quote(str(path))}" if existing else "")
        + f" && {{ dd if=/dev/zero of={quoted}/filler bs=4k 2>/dev/null; true; }}"
    )
    code, err = await run_to_exit(in_mount_namespace(fill, BOT), bot_env(sim.base_url, path))
    assert_one_line_stop(code, err, path, "the disk is full")


async def test_a_database_from_a_newer_version(sim: BotApiSimulator, tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    db = await Database.open(path)
    await db.write("INSERT INTO schema_migrations VALUES (999, '999_future.sql', 'now')")
    await db.close()
    code, err = await run_to_exit(BOT, bot_env(sim.base_url, path))
    assert_one_line_stop(code, err, path, "newer version of the bot (migration 999")
    with closing(sqlite3.connect(path)) as conn:  # left as it was, for the newer version
        assert conn.execute("SELECT max(number) FROM schema_migrations").fetchone() == (999,)
