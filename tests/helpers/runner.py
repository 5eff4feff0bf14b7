"""Parts of a started BotRunner that tests look into."""

from __future__ import annotations

from bot.runner import BotRunner
from bot.services.broadcast import Broadcaster
from bot.services.reminders import ReminderService
from bot.storage import staff as staff_repo
from bot.storage.db import Database


def db_of(runner: BotRunner) -> Database:
    assert runner.deps is not None
    return runner.deps.db


def sender_of(runner: BotRunner) -> Broadcaster:
    assert runner.deps is not None
    assert runner.deps.broadcaster is not None
    return runner.deps.broadcaster


def service_of(runner: BotRunner) -> ReminderService:
    assert runner.deps is not None
    service = runner.deps.reminders
    assert service is not None
    return service


async def add_staff(runner: BotRunner, user_id: int, added_by: int = 1) -> None:
    assert runner.deps is not None
    await staff_repo.add(runner.deps.db, user_id, added_by)


async def reminder_rows(db: Database) -> list[tuple[int, int, str, str | None]]:
    """(reminder id, event id, status, detail) in id order."""
    rows = await db.fetchall("SELECT id, event_id, status, detail FROM reminders ORDER BY id")
    return [(r["id"], r["event_id"], r["status"], r["detail"]) for r in rows]
