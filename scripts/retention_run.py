"""The retention job on a seeded database, with the clock moved forward: rows per table before
and after each run.

    .venv/bin/python -m scripts.retention_run [--applicants 3000] [--days 95,700,760]

Seeds ``--applicants`` synthetic people (bot/seed: registrations sent over the 60 days before
``--now``, unfinished interviews, minors), gives a quarter of the registrations an interview
with its reminders, a tenth a staff note (half of those naming another registration), sends
one announcement to every registration (outbox rows), records staff look-ups in the audit log
and a few NIK attempts. Then runs bot/services/retention.run, the job's own service, once at
each of ``--days`` days after ``--now`` (FixedClock), and prints the rows of every table
after each run, the figures /statistik shows and how long each run took. Nothing is sent:
no promoted resident is told (the job's handler does that, not the service).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import FixedClock
from bot.config import Settings
from bot.deps import Deps
from bot.seed import seed
from bot.services import retention, stats
from bot.storage import nik_attempts
from bot.storage.db import Database
from bot.storage.schedules import iso

STAFF = 900_001


async def add_casework(db: Database, now: datetime, rng: random.Random) -> None:
    """What staff and the bot add around registrations: events, reminders, notes, outbox."""
    stamp = iso(now)
    rows = await db.fetchall(
        "SELECT user_id, reg_no FROM applicants WHERE status = 'submitted' ORDER BY user_id"
    )
    registered = [(int(r["user_id"]), str(r["reg_no"])) for r in rows]
    async with db.transaction() as conn:
        for user_id, reg_no in registered:
            if rng.random() < 0.25:
                starts = now + timedelta(days=rng.randint(3, 20))
                cursor = await conn.execute(
                    "INSERT INTO events (user_id, kind, starts_at, place, created_by, created_at,"
                    " updated_at, notice) VALUES (?, 'wawancara', ?, 'BBPVP Serang', ?, ?, ?,"
                    " 'sent')",
                    (user_id, iso(starts), STAFF, stamp, stamp),
                )
                for offset in (3 * 86400, 86400, 7200):
                    await conn.execute(
                        "INSERT INTO reminders (event_id, offset_s, due_at) VALUES (?, ?, ?)",
                        (cursor.lastrowid, offset, iso(starts - timedelta(seconds=offset))),
                    )
            if rng.random() < 0.1:
                other = rng.choice(registered)[1]
                text = f"Satu keluarga dengan {other}" if rng.random() < 0.5 else "KTP sudah dicek"
                await conn.execute(
                    "INSERT INTO staff_notes (user_id, author_id, at, text) VALUES (?, ?, ?, ?)",
                    (user_id, STAFF, stamp, text),
                )
            if rng.random() < 0.1:
                await conn.execute(
                    "INSERT INTO audit_log (at, actor_id, action, target, detail)"
                    " VALUES (?, ?, 'lookup', ?, ?)",
                    (stamp, STAFF, reg_no, json.dumps({"card": True})),
                )
        cursor = await conn.execute(
            "INSERT INTO broadcasts (created_by, status, content_type, text, total, sent,"
            " created_at, finished_at) VALUES (?, 'done', 'text', 'Pelatihan las dimulai', ?,"
            " ?, ?, ?)",
            (STAFF, len(registered), len(registered), stamp, stamp),
        )
        await conn.executemany(
            "INSERT INTO broadcast_outbox (broadcast_id, user_id, status, sent_at)"
            " VALUES (?, ?, 'sent', ?)",
            [(cursor.lastrowid, user_id, stamp) for user_id, _reg_no in registered],
        )
    for user_id, _reg_no in registered[:5]:
        await nik_attempts.allow(db, user_id, "3673050101900001", limit=5, now=now)


async def table_rows(db: Database) -> dict[str, int]:
    names = await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name"
    )
    counts = {}
    for (name,) in names:
        counts[str(name)] = int(await db.fetchval(f'SELECT COUNT(*) FROM "{name}"'))
    counts["  applicants: submitted"] = int(
        await db.fetchval("SELECT COUNT(*) FROM applicants WHERE status = 'submitted'")
    )
    counts["  applicants: unfinished"] = int(
        await db.fetchval(
            "SELECT COUNT(*) FROM applicants WHERE status IN ('consent', 'interviewing')"
        )
    )
    counts["  applicants: minor"] = int(
        await db.fetchval("SELECT COUNT(*) FROM applicants WHERE status = 'minor'")
    )
    counts["  funnel: with a user id"] = int(
        await db.fetchval("SELECT COUNT(*) FROM funnel WHERE user_id IS NOT NULL")
    )
    return counts


async def figures(d: Deps) -> dict[str, int]:
    f = await stats.gather(d)
    return {
        "/statistik registered": f.registered, "/statistik of them erased": f.erased,
        "/statistik started": f.started, "/statistik in progress": f.in_progress,
        "/statistik minors": f.minors, "/statistik due in 30 days": f.retention_due,
    }  # fmt: skip


async def main(args: argparse.Namespace) -> None:
    now = args.now if args.now.tzinfo else args.now.replace(tzinfo=UTC)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "retention.sqlite3"
        db = await Database.open(path)
        try:
            report = await seed(db, args.applicants, random_seed=args.random_seed, now=now)
            print(f"seeded {report.created} people at {now.isoformat()}:", *report.lines())
            await add_casework(db, now, random.Random(args.random_seed))
            clock = FixedClock(now)
            d = Deps(settings=Settings(database_path=path), db=db, clock=clock)
            columns = {"before": {**await table_rows(db), **await figures(d)}}
            timings = []
            for days in args.days:
                clock.at = now + timedelta(days=days)
                began = time.perf_counter()
                done = await retention.run(d)
                timings.append(
                    f"+{days} days: erased {done.registered} registrations, {done.unfinished}"
                    f" unfinished, {done.minors} minors; {done.attempts_pruned} NIK attempt"
                    f" tags pruned; {len(done.promoted)} promoted from a waiting list;"
                    f" {done.erased.notes_redacted} notes of others and {done.erased.audit}"
                    f" audit entries made anonymous; {time.perf_counter() - began:.2f} s"
                )
                columns[f"+{days} d"] = {**await table_rows(db), **await figures(d)}
        finally:
            await db.close()
    names = list(columns["before"])
    width = max(len(n) for n in names)
    print()
    print(f"{'table':<{width}} " + " ".join(f"{c:>9}" for c in columns))
    for name in names:
        print(f"{name:<{width}} " + " ".join(f"{col.get(name, 0):>9}" for col in columns.values()))
    print()
    print(*timings, sep="\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applicants", type=int, default=3000)
    parser.add_argument("--random-seed", type=int, default=1)
    parser.add_argument(
        "--now", type=datetime.fromisoformat, default=datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    )
    parser.add_argument(
        "--days", type=lambda text: [int(x) for x in text.split(",")], default=[95, 700, 760],
        help="days after --now at which the job runs, comma-separated",
    )  # fmt: skip
    return parser


if __name__ == "__main__":
    asyncio.run(main(_parser().parse_args()))
