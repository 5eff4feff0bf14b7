"""One broadcast to thousands of simulated recipients, through the real bot, with figures.

    .venv/bin/python -m scripts.broadcast_run [--recipients 3000] [--rate 25] [--no-flood-limit]
        [--blocked 60] [--deactivated 30] [--missing 10] [--opted-out 50] [--residents 1.0]

A temporary SQLite file gets ``--recipients`` submitted applicants (plus ``--opted-out`` who
used /berhenti); some recipients have blocked the bot, deleted their account, or have no chat
at all. The bot runs against the loopback simulator with Telegram's flood limit on (~30
messages/s overall, ~1/s per chat, 429 with retry_after past it). An admin writes /umumkan,
picks "Semua pendaftar" and presses "Kirim sekarang", exactly as in Telegram. While it sends,
a resident writes /info every 1/``--residents`` seconds and the reply time is measured.

Prints: time, messages/s, 429s seen (all, and those that reached the sender after the rate
limiter's own retries), delivered, blocked, failed, duplicates, and the residents' reply
times. Figures only; nothing here asserts a timing.
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
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.clock import SystemClock
from bot.config import Settings
from bot.runner import BotRunner
from bot.services.broadcast import Broadcaster
from bot.simulator import BotApiSimulator, SentMessage, SimUser
from bot.storage import broadcasts as store
from bot.storage.db import Database

ADMIN_ID = 900_001
FIRST_RECIPIENT = 6_000_001
FIRST_RESIDENT = 6_900_001
TEXT = "Pengumuman uji: pelatihan las angkatan 1 dimulai Senin pukul 08.00 WIB."


async def seed(path: Path, recipients: int, opted_out: int) -> list[int]:
    """Submitted applicants straight into SQLite; returns the ids of those who opted in."""
    db = await Database.open(path)
    now = "2026-11-28T03:00:00+00:00"
    answers = json.dumps({"domicile": "kota_serang", "kecamatan": "taktakan",
                          "destinations": ["jepang"], "interests": ["las"]})  # fmt: skip
    rows = []
    for i in range(recipients + opted_out):
        uid = FIRST_RECIPIENT + i
        rows.append((uid, "id", "submitted", answers, f"SRG-BENCH-{uid}", now,
                     "memenuhi_syarat", "terdaftar", int(i >= recipients), now, now))  # fmt: skip
    await db.write_many(
        "INSERT INTO applicants (user_id, locale, status, answers, reg_no, submitted_at,"
        " outcome, stage, opted_out, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    await db.close()
    return [FIRST_RECIPIENT + i for i in range(recipients)]


async def reply_time(user: SimUser) -> float:
    started = time.monotonic()
    await user.send("/info")
    await user.next_message(timeout=30)
    return time.monotonic() - started


async def residents_meanwhile(
    sim: BotApiSimulator, every: float, stop: asyncio.Event
) -> list[float]:
    times: list[float] = []
    n = 0
    while not stop.is_set():
        user = sim.user(FIRST_RESIDENT + n)
        n += 1
        times.append(await reply_time(user))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)
    return times


async def shown(user: SimUser, label: str) -> SentMessage:
    """The latest message carrying this button, once it is on screen."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for message in reversed(user.messages):
            if message.button(label) is not None:
                return message
        await asyncio.sleep(0.01)
    raise RuntimeError(f"no button {label!r} appeared")


async def until(condition: Callable[[], bool], within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while True:
        if condition():
            return
        if time.monotonic() > deadline:
            raise RuntimeError("the bot did not get there in time")
        await asyncio.sleep(0.005)


async def tap_when_shown(user: SimUser, label: str) -> None:
    await user.tap_on(await shown(user, label), label)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "bench.sqlite3"
        ids = await seed(db_path, args.recipients, args.opted_out)
        blocked = ids[: args.blocked]
        deactivated = ids[args.blocked : args.blocked + args.deactivated]
        missing = ids[args.blocked + args.deactivated :][: args.missing]
        sim = BotApiSimulator(flood_limit=args.flood_limit)
        await sim.start()
        for uid in blocked:
            sim.block(uid)
        for uid in deactivated:
            sim.deactivate(uid)
        for uid in missing:
            sim.mark_missing(uid)
        settings = Settings(
            bot_token="123456:BENCH",
            database_path=db_path,
            admin_ids=frozenset({ADMIN_ID}),
            broadcast_rate=args.rate,
            http_port=0,
        )
        runner = BotRunner(
            settings,
            clock=SystemClock(),
            base_url=sim.base_url,
            base_file_url=sim.base_file_url,
            poll_timeout=1,
        )
        await runner.start()
        try:
            assert runner.deps is not None
            sender = runner.deps.broadcaster
            assert isinstance(sender, Broadcaster)
            admin = sim.user(ADMIN_ID, "Admin")
            await admin.send("/umumkan")
            await shown(admin, "Batal")  # the prompt asking for the announcement
            await admin.send(TEXT)
            await tap_when_shown(admin, "Semua pendaftar")
            await tap_when_shown(admin, "Kirim sekarang")
            before_429 = sim.stats()["429s"]
            started = time.monotonic()
            await until(lambda: sender.running(1))
            stop = asyncio.Event()
            residents = asyncio.create_task(residents_meanwhile(sim, 1 / args.residents, stop))
            await sender.join(1)
            seconds = time.monotonic() - started
            stop.set()
            waits = await residents
            figures = await store.counts(runner.deps.db, 1)
        finally:
            await runner.stop()
            await sim.stop()
        got = Counter({uid: sum(TEXT in m.text for m in sim.chat(uid).messages) for uid in ids})
        delivered = sum(1 for n in got.values() if n)
        return {
            "recipients": figures.total,
            "opted_out_left_out": args.opted_out,
            "seconds": round(seconds, 2),
            # Every Bot API send counts against Telegram's limit, delivered or not.
            "sends_per_s": round(figures.handled / seconds, 2) if seconds else 0.0,
            "delivered_per_s": round(figures.sent / seconds, 2) if seconds else 0.0,
            "flood_limit": args.flood_limit,
            "rate_setting": args.rate,
            "429s_seen": sim.stats()["429s"] - before_429,
            "429s_reaching_sender": sender.stats.throttled,
            "delivered": delivered,
            "sent_rows": figures.sent,
            "blocked": figures.blocked,
            "failed": figures.failed,
            "pending": figures.pending,
            "duplicates": sum(n - 1 for n in got.values() if n > 1),
            "resident_replies": len(waits),
            "resident_reply_p50_ms": round(statistics.median(waits) * 1000) if waits else None,
            "resident_reply_max_ms": round(max(waits) * 1000) if waits else None,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.broadcast_run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--recipients", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=Settings().broadcast_rate)
    parser.add_argument("--no-flood-limit", dest="flood_limit", action="store_false")
    parser.add_argument("--blocked", type=int, default=60)
    parser.add_argument("--deactivated", type=int, default=30)
    parser.add_argument("--missing", type=int, default=10)
    parser.add_argument("--opted-out", type=int, default=50)
    parser.add_argument("--residents", type=float, default=1.0, help="/info messages per second")
    parser.add_argument("--json", action="store_true", help="one JSON line instead of a table")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    result = asyncio.run(run(args))
    if args.json:
        print(json.dumps(result))
    else:
        width = max(len(k) for k in result)
        for key, value in result.items():
            print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
