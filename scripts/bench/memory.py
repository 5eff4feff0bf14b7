"""5. Memory: resident set size of the real bot, idle, with an empty and a 10,000 database.

The applicants are written by the seed command in this process before the bot starts, so
the bot's RSS holds only what the bot itself keeps. A few residents ask /status first, so
the handlers, catalogs and templates are loaded as in a bot that has been used.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from bot.seed import seed
from bot.simulator import BotApiSimulator
from bot.storage.db import Database
from scripts.bench.harness import BotProcess
from scripts.bench.report import Result

NAME = "5 memory"
TARGET_MB = 150


async def _idle_rss(database: Path, askers: list[int], idle: float) -> tuple[float, float]:
    async with BotApiSimulator(flood_limit=False) as sim:
        bot = BotProcess(sim, kind="real", database=database, rate_limiter=False)
        await bot.start()
        try:
            for user_id in askers:
                user = sim.user(user_id)
                await user.send("/status")
                await user.next_message(timeout=30)
            await asyncio.sleep(idle)  # idle: nothing in flight
            stats = await bot.stats()
        finally:
            await bot.stop()
    return (stats["rss_kb"] or 0) / 1024, stats["maxrss_kb"] / 1024


async def run(applicants: int = 10_000, idle: float = 2.0) -> Result:
    result = Result(NAME)
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        empty, empty_peak = await _idle_rss(Path(tmp) / "empty.sqlite3", [1001, 1002], idle)
        seeded = Path(tmp) / "seeded.sqlite3"
        db = await Database.open(seeded)
        try:
            await seed(db, applicants, random_seed=1)
            rows = await db.fetchall(
                "SELECT user_id FROM applicants WHERE status = 'submitted' LIMIT 5"
            )
        finally:
            await db.close()
        full, full_peak = await _idle_rss(seeded, [int(r[0]) for r in rows], idle)
    result.add("RSS idle, empty database", empty, "MB")
    result.add(f"RSS idle, {applicants:,} applicants", full, "MB", f"< {TARGET_MB} MB",
               full < TARGET_MB if full else None)  # fmt: skip
    result.add("peak RSS (empty / seeded)", f"{empty_peak:.1f} / {full_peak:.1f}", "MB")
    if not full:
        result.notes.append("RSS needs /proc (Linux); only the peak is known here")
    result.data = {"empty_mb": empty, "seeded_mb": full, "applicants": applicants}
    return result
