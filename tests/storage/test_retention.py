"""Who the retention job erases, and when: the boundaries of RETENTION_DAYS and
INCOMPLETE_RETENTION_DAYS for each kind of row, on a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.config import Settings
from bot.deps import Deps
from bot.services import retention
from bot.storage.applicants import utcnow
from bot.storage.db import Database

NOW = datetime(2028, 6, 1, 3, 0, tzinfo=UTC)


def ago(days: float) -> str:
    return utcnow(NOW - timedelta(days=days))


@pytest.fixture
async def d(tmp_path: Path) -> AsyncIterator[Deps]:
    db = await Database.open(tmp_path / "r.sqlite3")
    settings = Settings(database_path=tmp_path / "r.sqlite3")
    yield Deps(settings=settings, db=db, clock=FixedClock(NOW))
    await db.close()


async def row(
    d: Deps, user_id: int, status: str, *, created: float, updated: float,
    submitted: float | None = None, remind_on: str | None = None,
) -> None:  # fmt: skip
    await d.db.write(
        "INSERT INTO applicants (user_id, status, answers, reg_no, submitted_at, remind_on,"
        " created_at, updated_at) VALUES (?, ?, '{}', ?, ?, ?, ?, ?)",
        (
            user_id, status, f"SRG-2026-{user_id:05d}" if status == "submitted" else None,
            ago(submitted) if submitted is not None else None, remind_on, ago(created),
            ago(updated),
        ),
    )  # fmt: skip


async def test_each_kind_of_row_goes_after_its_own_period(d: Deps) -> None:
    await row(d, 1, "submitted", created=800, updated=10, submitted=729)  # kept: under 730
    await row(d, 2, "submitted", created=800, updated=10, submitted=731)  # sent 731 days ago
    await row(d, 3, "interviewing", created=400, updated=89)  # kept: answered 89 days ago
    await row(d, 4, "interviewing", created=100, updated=91)
    await row(d, 5, "consent", created=91, updated=91)  # never agreed
    await row(d, 6, "minor", created=95, updated=91)  # no reminder asked
    # Asked to be told at 18: kept past 90 days while the day is to come ...
    await row(d, 7, "minor", created=95, updated=91, remind_on="2029-01-01")
    # ... but never past RETENTION_DAYS from their first message, the consent's limit.
    await row(d, 8, "minor", created=731, updated=700, remind_on="2030-01-01")
    await row(d, 9, "minor", created=95, updated=89)  # kept: the reminder went 89 days ago

    found = await retention.due(d, NOW)
    assert (found.registered, found.unfinished, found.minors) == ([2], [4, 5], [6, 8])
    # Within 30 days: the five due now, and 1, 3 and 9 too; not 7, whose reminder is to come.
    assert await retention.due_within(d, 30) == 8

    done = await retention.run(d)
    assert (done.registered, done.unfinished, done.minors, done.erased.people) == (1, 2, 2, 5)
    left = await d.db.fetchall("SELECT user_id FROM applicants ORDER BY user_id")
    assert [r[0] for r in left] == [1, 3, 7, 9]


async def asked(d: Deps, user_id: int, *messages: float, status: str = "open") -> None:
    """A question of this person with their messages sent these many days ago."""
    question = await d.db.write(
        "INSERT INTO questions (user_id, status, created_at) VALUES (?, ?, ?)",
        (user_id, status, ago(max(messages))),
    )
    for days in messages:
        await d.db.write(
            "INSERT INTO question_messages (question_id, direction, kind, body, chat_id,"
            " message_id, at) VALUES (?, 'in', 'text', 'kapan mulai?', ?, 1, ?)",
            (question, user_id, ago(days)),
        )


async def test_questions_of_people_who_never_registered_go_90_days_after_their_last_message(
    d: Deps,
) -> None:
    await asked(d, 11, 200, status="closed")  # an old question, closed ...
    await asked(d, 11, 120, 89)  # ... and a newer one, last written to 89 days ago: kept
    await asked(d, 12, 150, status="closed")
    await asked(d, 12, 91)  # last message 91 days ago, whichever question it was in
    await asked(d, 13, 95, status="draft")  # read the FAQ's answer and went no further
    await row(d, 14, "submitted", created=100, updated=10, submitted=99)
    await asked(d, 14, 300)  # a registered person's questions go with their registration
    await d.db.write("INSERT INTO question_topics (user_id, chat_id, thread_id) VALUES"
                     " (11, -100, 2), (12, -100, 3)")  # fmt: skip

    found = await retention.due(d, NOW)
    assert found.askers == [12, 13] and found.everyone == [12, 13]
    assert await retention.due_within(d, 30) == 3  # 11 too, but not 14 (730 days)

    done = await retention.run(d)
    assert (done.askers, done.erased.people, done.erased.questions) == (2, 0, 3)
    assert done.erased.topics == ((-100, 3),)  # for the staff group's topic to go too
    left = await d.db.fetchall("SELECT DISTINCT user_id FROM questions ORDER BY user_id")
    assert [r[0] for r in left] == [11, 14]
    assert await d.db.fetchval(
        "SELECT COUNT(*) FROM question_messages WHERE chat_id IN (12, 13)"
    ) == 0  # fmt: skip
    entry = await d.db.fetchval("SELECT detail FROM audit_log WHERE action = 'retention'")
    assert '"askers": 2' in entry


async def test_shorter_settings_are_followed(d: Deps) -> None:
    d.settings = Settings(
        database_path=d.settings.database_path, retention_days=30, incomplete_retention_days=7
    )
    await row(d, 1, "submitted", created=40, updated=40, submitted=31)
    await row(d, 2, "submitted", created=40, updated=40, submitted=29)
    await row(d, 3, "interviewing", created=40, updated=8)
    await row(d, 4, "interviewing", created=40, updated=6)
    found = await retention.due(d, NOW)
    assert found.everyone == [1, 3]


async def test_a_run_with_nothing_due_still_leaves_its_audit_entry(d: Deps) -> None:
    done = await retention.run(d)
    assert done.erased.people == 0
    entry = await d.db.fetchone("SELECT actor_id, action, target FROM audit_log")
    assert entry is not None and tuple(entry) == (retention.BOT_ACTOR, "retention", None)
