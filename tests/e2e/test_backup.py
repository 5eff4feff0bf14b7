"""Backups under load, restore, and the refusal to restore under a running bot."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.runner import BotRunner
from bot.services.backup import backup_in_thread
from bot.simulator import BotApiSimulator
from bot.storage import applicants as repo
from bot.storage.db import Database, DatabaseOpenError
from tests.conftest import ADMIN_ID, RunnerFactory
from tests.e2e.processes import ROOT, RunningBot, bot_env
from tests.e2e.residents import until

NOW = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)


def user_ids(path: Path) -> set[int]:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return {row[0] for row in conn.execute("SELECT user_id FROM applicants")}
    finally:
        conn.close()


def found(folder: Path, pattern: str) -> list[Path]:
    return sorted(folder.glob(pattern))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def cli(*args: str, db_path: Path, **env: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=ROOT,
        env={**os.environ, "DATABASE_PATH": str(db_path), "BOT_TOKEN": "", **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_backup_during_registrations_holds_every_earlier_one(tmp_path: Path) -> None:
    db_path = tmp_path / "bot.sqlite3"
    folder = tmp_path / "backups"
    db = await Database.open(db_path)
    committed: list[int] = []
    stop = asyncio.Event()

    async def register() -> None:
        user_id = 1
        while not stop.is_set():
            await repo.create(db, user_id, locale="id", source=None)
            committed.append(user_id)
            user_id += 1

    old_umask = os.umask(0)  # a careless umask: the backup is private all the same
    writer = asyncio.create_task(register())
    try:
        await until(lambda: len(committed) >= 300, within=120)
        before = set(committed)
        path = await backup_in_thread(db_path, folder, 14, NOW)
        await until(lambda: len(committed) >= len(before) + 20, within=60)
    finally:
        stop.set()
        await writer
        os.umask(old_umask)
        await db.close()
    assert before <= user_ids(path)
    assert mode(path) == 0o600
    assert mode(folder) == 0o700
    assert path.name == "bot-20261201T190000000000Z.sqlite3"


async def test_old_backups_are_pruned_to_the_newest(tmp_path: Path) -> None:
    db_path = tmp_path / "bot.sqlite3"
    db = await Database.open(db_path)
    await db.close()
    folder = tmp_path / "backups"
    for day in range(1, 6):
        await backup_in_thread(db_path, folder, 3, NOW.replace(day=day))
    assert [p.name[:12] for p in found(folder, "*")] == [
        "bot-20261203", "bot-20261204", "bot-20261205"
    ]  # fmt: skip


async def test_restore_brings_a_deleted_database_back(tmp_path: Path) -> None:
    db_path = tmp_path / "data" / "bot.sqlite3"
    db = await Database.open(db_path)
    for user_id in range(1, 11):
        await repo.create(db, user_id, locale="id", source=None)
    await db.close()

    code, out, err = await cli("backup", "--to", str(tmp_path / "copy.sqlite3"), db_path=db_path)
    assert (code, err) == (0, "")
    for name in ("bot.sqlite3", "bot.sqlite3-wal", "bot.sqlite3-shm"):
        (db_path.parent / name).unlink(missing_ok=True)

    code, out, err = await cli("restore", str(tmp_path / "copy.sqlite3"), db_path=db_path)
    assert (code, err) == (0, "")
    assert "10 applicants, 0 pending reminders, 0 broadcasts" in out
    assert user_ids(db_path) == set(range(1, 11))
    assert mode(db_path) == 0o600


async def test_restore_keeps_the_replaced_database_aside(tmp_path: Path) -> None:
    db_path = tmp_path / "bot.sqlite3"
    db = await Database.open(db_path)
    await repo.create(db, 1, locale="id", source=None)
    await db.close()
    code, _out, _err = await cli("backup", "--to", str(tmp_path), db_path=db_path)
    assert code == 0
    (backup,) = found(tmp_path, "bot-*.sqlite3")
    db = await Database.open(db_path)
    await repo.create(db, 2, locale="id", source=None)  # after the backup: only in the old one
    await db.close()

    code, out, err = await cli("restore", str(backup), db_path=db_path)
    assert (code, err) == (0, "")
    (kept,) = found(tmp_path, "bot.sqlite3.replaced-*")
    assert user_ids(kept) == {1, 2}
    assert mode(kept) == 0o600
    assert user_ids(db_path) == {1}
    assert str(kept) in out


async def test_restore_refuses_a_file_from_a_newer_version(tmp_path: Path) -> None:
    db_path = tmp_path / "bot.sqlite3"
    db = await Database.open(db_path)
    await db.close()
    newer = tmp_path / "newer.sqlite3"
    code, _out, _err = await cli("backup", "--to", str(newer), db_path=db_path)
    assert code == 0
    conn = sqlite3.connect(newer)
    conn.execute("INSERT INTO schema_migrations VALUES (999, '999_future.sql', 'x')")
    conn.commit()
    conn.close()
    code, _out, err = await cli("restore", str(newer), db_path=db_path)
    assert code == 1
    assert "newer version" in err
    assert not found(tmp_path, "*.replaced-*")


async def test_restore_refuses_while_the_bot_runs(sim: BotApiSimulator, tmp_path: Path) -> None:
    db_path = tmp_path / "bot.sqlite3"
    db = await Database.open(db_path)
    await repo.create(db, 1, locale="id", source=None)
    await db.close()
    backup = tmp_path / "copy.sqlite3"
    assert (await cli("backup", "--to", str(backup), db_path=db_path))[0] == 0

    running = await RunningBot.start(bot_env(sim.base_url, db_path))
    try:
        user = sim.user(4101)
        await user.send("/start")
        await user.next_message(timeout=60)  # started: it holds the lock
        code, _out, err = await cli("restore", str(backup), db_path=db_path)
    finally:
        await running.stop()
    assert code == 1
    assert "a bot is running" in err
    assert not found(tmp_path, "*.replaced-*")
    # Stopped, the same restore goes through.
    assert (await cli("restore", str(backup), db_path=db_path))[0] == 0


async def test_the_daily_job_backs_up_and_a_failure_alerts_the_admins(
    sim: BotApiSimulator, make_runner: RunnerFactory, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the backup folder should be")
    runner: BotRunner = make_runner(backup_dir=blocker / "backups")
    app = await runner.start()
    try:
        assert app.job_queue is not None
        (job,) = app.job_queue.get_jobs_by_name("backup")
        await job.run(app)
        admin = sim.chat(ADMIN_ID)
        await until(lambda: any("Cadangan" in m.text for m in admin.messages), within=30)
    finally:
        await runner.stop()
    (alert,) = [m for m in admin.messages if "Cadangan" in m.text]
    assert "not-a-folder" in alert.text

    runner = make_runner(backup_dir=tmp_path / "backups")
    app = await runner.start()
    try:
        assert app.job_queue is not None
        (job,) = app.job_queue.get_jobs_by_name("backup")
        await job.run(app)
    finally:
        await runner.stop()
    (written,) = found(tmp_path / "backups", "bot-*.sqlite3")
    assert user_ids(written) == set()


async def test_a_second_bot_on_the_same_database_refuses_to_start(
    make_runner: RunnerFactory,
) -> None:
    first = make_runner()
    await first.start()
    try:
        with pytest.raises(DatabaseOpenError, match="another bot or a restore"):
            await make_runner().start()
    finally:
        await first.stop()
