"""What each person is in the middle of: one row per user, read with the applicant row."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest

from bot.storage import applicants as repo
from bot.storage import conversations
from bot.storage import db as db_module
from bot.storage.conversations import Kind
from bot.storage.db import Database
from bot.storage.erase import erase_person


async def test_the_person_is_read_whether_or_not_they_have_rows(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "c.sqlite3")
    try:
        nobody = await conversations.load(db, 1)
        assert nobody.applicant is None and nobody.conversation is None

        await repo.create(db, 2, locale="en", source=None)
        resident = await conversations.load(db, 2)
        assert resident.applicant is not None and resident.applicant.locale == "en"
        assert resident.conversation is None

        # Staff have no applicant row, yet may be in the middle of a draft.
        async with db.transaction() as conn:
            await conversations.begin(conn, 3, Kind.BROADCAST_DRAFT, 41)
        staff = await conversations.load(db, 3)
        assert staff.applicant is None
        assert staff.conversation is not None
        assert (staff.conversation.kind, staff.conversation.ref) == (Kind.BROADCAST_DRAFT, 41)
    finally:
        await db.close()


async def test_one_conversation_per_person_the_newest_wins(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "c.sqlite3")
    try:
        async with db.transaction() as conn:
            await conversations.begin(conn, 5, Kind.ABSENCE_REASON, 7)
            await conversations.begin(conn, 5, Kind.BROADCAST_DRAFT, 9)
        found = await conversations.get(db, 5)
        assert found is not None and (found.kind, found.ref) == (Kind.BROADCAST_DRAFT, 9)
        async with db.transaction() as conn:
            await conversations.end(conn, Kind.ABSENCE_REASON, 7)  # over already: no effect
        assert await conversations.get(db, 5) == found
        async with db.transaction() as conn:
            await conversations.end(conn, Kind.BROADCAST_DRAFT, 9)
        assert await conversations.get(db, 5) is None
    finally:
        await db.close()


async def test_deleting_the_applicant_forgets_the_conversation(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "c.sqlite3")
    try:
        await repo.create(db, 6, locale="id", source=None)
        async with db.transaction() as conn:
            await conversations.begin(conn, 6, Kind.ABSENCE_REASON, 1)
        assert (await erase_person(db, 6, tz=UTC)).people == 1
        assert await conversations.get(db, 6) is None
    finally:
        await db.close()


async def test_the_migration_carries_over_what_people_were_in_the_middle_of(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.sqlite3"
    every = db_module.migration_files()
    before = [m for m in every if m[0] < 10]  # the migrations before this one
    monkeypatch.setattr(db_module, "migration_files", lambda: before)
    db = await Database.open(path)
    stamp = "2026-11-28T03:00:00+00:00"
    # Raw rows: today's repo code writes columns that later migrations add.
    for user_id in (10, 11):
        await db.write(
            "INSERT INTO applicants (user_id, locale, created_at, updated_at)"
            " VALUES (?, 'id', ?, ?)",
            (user_id, stamp, stamp),
        )
    await db.write(
        "INSERT INTO events (id, user_id, kind, starts_at, place, awaiting_reason, created_by,"
        " created_at, updated_at) VALUES (1, 10, 'wawancara', ?, 'BBPVP', 1, 99, ?, ?),"
        " (2, 11, 'wawancara', ?, 'BBPVP', 0, 99, ?, ?)",
        (stamp, stamp, stamp) * 2,
    )
    await db.write(
        "INSERT INTO broadcasts (id, created_by, status, step, created_at) VALUES"
        " (3, 99, 'draft', 'content', ?), (4, 98, 'done', NULL, ?)",
        (stamp, stamp),
    )
    await db.close()

    monkeypatch.setattr(db_module, "migration_files", lambda: every)
    db = await Database.open(path)
    try:
        rows = await db.fetchall("SELECT user_id, kind, ref FROM conversations ORDER BY user_id")
        assert [tuple(r) for r in rows] == [(10, "absence_reason", 1), (99, "broadcast_draft", 3)]
        columns = [r["name"] for r in await db.fetchall("PRAGMA table_info(events)")]
        assert "awaiting_reason" not in columns and "reason" in columns
    finally:
        await db.close()
