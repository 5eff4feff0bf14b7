"""How fast the bot re-creates pending reminders at start-up, and how late reminders go out.

    .venv/bin/python -m scripts.reminders_startup [--pending 10000] [--burst 200] [--spread 10]

1. Start-up: a SQLite file with ``--pending`` future reminders (one event and applicant
   each); the real bot starts against the loopback simulator and the start-up hook turns
   every pending row into a JobQueue job. Prints the hook's time (SQLite read, triage, job
   creation), the whole start-up, and reminders re-created per second. Running the hook
   again on the live bot must leave the number of jobs unchanged (stable job ids).
2. Lateness: ``--burst`` reminders due within ``--spread`` seconds of each other, then the
   same number all due at one moment (as day offsets are, at REMINDER_HOUR), created by a
   restart, fired by the JobQueue on real time and sent through the rate limiter to the
   simulator (flood control on, as Telegram: ~30 messages/s). Prints p50 / p95 / max
   lateness: arrival at the simulator minus due time.

Prints figures; it asserts nothing about timing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.clock import SystemClock
from bot.config import Settings
from bot.runner import BotRunner
from bot.services.reminders import ReminderService
from bot.simulator import BotApiSimulator, SentMessage
from bot.storage.db import Database
from bot.storage.schedules import from_iso, iso

USER_BASE = 5_000_000
ADMIN_ID = 900_001


async def seed(path: Path, count: int, first_due: datetime, spread: float, offset: int) -> None:
    """``count`` applicants, each with one event and one pending reminder; reminder ``i`` is
    due at ``first_due + i * spread / count``, its event an hour after it."""
    db = await Database.open(path)
    now = iso(datetime.now(UTC))
    applicants, events, reminders = [], [], []
    for i in range(count):
        user_id = USER_BASE + offset + i
        due = first_due + timedelta(seconds=spread * i / max(count, 1))
        applicants.append((user_id, "id", "submitted", json.dumps({"name": f"Warga {i}"}),
                           f"SRG-2026-{offset + i:06d}", now, now, now))  # fmt: skip
        events.append((user_id, "wawancara", iso(due + timedelta(hours=1)), "BBPVP Serang",
                       ADMIN_ID, now, now, "sent"))  # fmt: skip
        reminders.append((due, user_id))
    await db.write_many(
        "INSERT INTO applicants (user_id, locale, status, answers, reg_no, submitted_at,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        applicants,
    )
    await db.write_many(
        "INSERT INTO events (user_id, kind, starts_at, place, created_by, created_at, updated_at,"
        " notice) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        events,
    )
    rows = await db.fetchall(
        "SELECT id, user_id FROM events WHERE user_id >= ?", (USER_BASE + offset,)
    )
    ids = {row["user_id"]: row["id"] for row in rows}
    await db.write_many(
        "INSERT INTO reminders (event_id, offset_s, due_at) VALUES (?, 3600, ?)",
        [(ids[user_id], iso(due)) for due, user_id in reminders],
    )
    await db.close()


def runner_for(sim: BotApiSimulator, path: Path) -> BotRunner:
    settings = Settings(bot_token="123456:BENCH", database_path=path,
                        admin_ids=frozenset({ADMIN_ID}), http_port=0)  # fmt: skip
    return BotRunner(settings, clock=SystemClock(), base_url=sim.base_url,
                     base_file_url=sim.base_file_url, poll_timeout=1)  # fmt: skip


def service_of(runner: BotRunner) -> ReminderService:
    assert runner.deps is not None
    service = runner.deps.reminders
    assert service is not None
    return service


def job_count(runner: BotRunner) -> int:
    """Reminder jobs only (the daily minors' check comes and goes)."""
    assert runner.app is not None and runner.app.job_queue is not None
    return len(runner.app.job_queue.jobs(r"^reminder:"))


async def startup(pending: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        async with BotApiSimulator(flood_limit=True) as sim:
            # An empty database first (twice: the first start warms imports and caches):
            # what start-up costs without reminders.
            for attempt in range(2):
                empty = runner_for(sim, Path(tmp) / f"empty{attempt}.sqlite3")
                began = time.perf_counter()
                await empty.start()
                empty_start = time.perf_counter() - began
                await empty.stop()

            await seed(path, pending, datetime.now(UTC) + timedelta(days=2), 86_400.0, 0)
            runner = runner_for(sim, path)
            began = time.perf_counter()
            await runner.start()
            full_start = time.perf_counter() - began
            try:
                stats = service_of(runner).last_restore
                assert stats is not None
                jobs = job_count(runner)
                again = await service_of(runner).restore()  # as if started once more
                jobs_again = job_count(runner)
            finally:
                await runner.stop()
    return {
        "pending": pending,
        "hook_seconds": stats.seconds,
        "recreated_per_second": stats.scheduled / stats.seconds if stats.seconds else 0.0,
        "start_seconds_with_pending": full_start,
        "start_seconds_empty": empty_start,
        "per_second_whole_startup": pending / max(full_start - empty_start, 1e-9),
        "jobs_after_start": jobs,
        "jobs_after_second_restore": jobs_again,
        "second_restore_seconds": again.seconds,
    }


async def lateness(burst: int, spread: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "late.sqlite3"
        async with BotApiSimulator(flood_limit=True) as sim:
            for i in range(burst):
                sim.user(USER_BASE + 500_000 + i, first_name="Warga")
            first_due = datetime.now(UTC) + timedelta(seconds=4)
            await seed(path, burst, first_due, spread, 500_000)
            # As stored: SQLite keeps whole seconds.
            step = timedelta(seconds=spread / burst)
            due = {USER_BASE + 500_000 + i: from_iso(iso(first_due + i * step))
                   for i in range(burst)}  # fmt: skip
            late: list[float] = []
            all_in = asyncio.Event()

            def on_message(chat_id: int, message: SentMessage, is_edit: bool) -> None:
                if not is_edit and chat_id in due and message.text.startswith("⏰"):
                    late.append(time.time() - due[chat_id].timestamp())
                    if len(late) == burst:
                        all_in.set()

            sim.on_bot_message(on_message)
            runner = runner_for(sim, path)
            await runner.start()
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(all_in.wait(), timeout=4 + spread + 120)
            finally:
                await runner.stop()
    late.sort()
    return {
        "burst": burst,
        "spread_seconds": spread,
        "delivered": len(late),
        "lateness_p50_ms": 1000 * statistics.median(late) if late else None,
        "lateness_p95_ms": 1000 * late[int(0.95 * (len(late) - 1))] if late else None,
        "lateness_max_ms": 1000 * late[-1] if late else None,
    }


async def run(pending: int = 10_000, burst: int = 200, spread: float = 10.0) -> dict[str, Any]:
    return {
        "startup": await startup(pending),
        "lateness": await lateness(burst, spread),
        # Day offsets all go out at REMINDER_HOUR: a whole day's reminders fall due at once.
        "lateness_same_moment": await lateness(burst, 0.0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pending", type=int, default=10_000)
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--spread", type=float, default=10.0)
    args = parser.parse_args()  # fmt: skip
    logging.basicConfig(level=logging.WARNING)
    figures = asyncio.run(run(args.pending, args.burst, args.spread))
    s = figures["startup"]
    print(f"start-up with {s['pending']:,} pending reminders:")
    print(f"  start-up hook (read, triage, jobs): {s['hook_seconds']:.3f} s"
          f" = {s['recreated_per_second']:,.0f} reminders re-created per second")
    print(f"  whole start-up: {s['start_seconds_with_pending']:.3f} s"
          f" (empty database: {s['start_seconds_empty']:.3f} s)"
          f" = {s['per_second_whole_startup']:,.0f} per second of added start-up time")
    print(f"  jobs: {s['jobs_after_start']:,} after start, {s['jobs_after_second_restore']:,}"
          f" after re-running the hook ({s['second_restore_seconds']:.3f} s): stable ids")
    for late in (figures["lateness"], figures["lateness_same_moment"]):
        print(f"lateness of {late['burst']} reminders due within {late['spread_seconds']:g} s"
              f" (delivered {late['delivered']}):")
        if late["delivered"]:
            print(f"  p50 {late['lateness_p50_ms']:.0f} ms, p95 {late['lateness_p95_ms']:.0f}"
                  f" ms, max {late['lateness_max_ms']:.0f} ms")  # fmt: skip
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
