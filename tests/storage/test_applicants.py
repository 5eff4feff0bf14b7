"""Storage against a real SQLite file: migrations, registration numbers, quota places."""

from __future__ import annotations

import asyncio
from datetime import UTC
from pathlib import Path

from bot.storage import applicants as repo
from bot.storage.db import Database, migration_files
from bot.storage.erase import erase_person


async def test_migrations_apply_once_and_in_order(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.sqlite3")
    again = await db.migrate()
    numbers = [row["number"] for row in await db.fetchall("SELECT number FROM schema_migrations")]
    await db.close()
    assert again == []
    assert numbers == [n for n, _, _ in migration_files()]
    assert await _journal_mode(tmp_path / "a.sqlite3") == "wal"


async def _journal_mode(path: Path) -> str:
    db = await Database.open(path)
    mode = await db.fetchval("PRAGMA journal_mode")
    await db.close()
    return str(mode)


async def _submitted(db: Database, user_id: int, pool: str, quota: int) -> repo.Placement:
    applicant = await repo.create(db, user_id, locale="id", source=None)
    return await repo.submit(
        db, applicant, year=2026, outcome="memenuhi_syarat", reasons=[], missing=[],
        pool=pool, quota=quota, stage="terdaftar",
    )  # fmt: skip


async def test_registration_numbers_survive_deletion_and_reopening(tmp_path: Path) -> None:
    path = tmp_path / "b.sqlite3"
    db = await Database.open(path)
    first = await _submitted(db, 1, "kota_serang", 500)
    await erase_person(db, 1, tz=UTC)
    await db.close()
    db = await Database.open(path)
    second = await _submitted(db, 2, "kota_serang", 500)
    await db.close()
    assert (first.reg_no, second.reg_no) == ("SRG-2026-00001", "SRG-2026-00002")


async def test_concurrent_submissions_never_overfill_a_pool(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "c.sqlite3")
    placements = await asyncio.gather(*(_submitted(db, i, "kota_serang", 5) for i in range(1, 21)))
    used, waiting = await repo.pool_usage(db, "kota_serang")
    await db.close()
    assert (used, waiting) == (5, 15)
    assert sorted(p.waitlist_no for p in placements if p.waitlist_no) == list(range(1, 16))
    assert len({p.reg_no for p in placements}) == 20
