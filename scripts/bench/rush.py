"""1b. A rush under Telegram's limits: many new residents within a minute, ~30 messages/s.

The simulator enforces Telegram's limits (30 sends+edits/s overall; per private chat a
burst of 10, then 1/s) and answers 429 past them. The bot runs as deployed, with its rate
limiter. Residents arrive at random within the window, send /start and answer each question
after a human pause (1-3 s to read and tap). Reported: 429s, residents completed, the wait
per answer (from a tap to the bot's full reply), and whether anyone was starved: the longest
single wait and how far the order of finishing follows the order of arrival.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from pathlib import Path

from bot.simulator import BotApiSimulator
from scripts.bench.harness import (
    BotProcess,
    Meter,
    Timed,
    calibrate,
    count_submitted,
    interview_script,
    nik_for,
    percentile,
    run_script,
)
from scripts.bench.report import Result

NAME = "1b rush"
FIRST_ID = 3_000_000


_BUDGET = {"sendmessage", "sendphoto", "senddocument", "editmessagetext",
           "editmessagereplymarkup", "editmessagecaption"}  # fmt: skip


def classify_429s(sim: BotApiSimulator) -> tuple[int, int]:
    """(429s with the overall 1-second window full, 429s from a chat's own bucket)."""
    accepted = [c.at for c in sim.calls if c.ok and c.method.lower() in _BUDGET]
    overall = per_chat = 0
    j = 0
    for call in sim.calls:
        if call.error_code != 429:
            continue
        # accepted sends in the second before this refusal (accepted is in time order)
        while j < len(accepted) and accepted[j] <= call.at - 1.0:
            j += 1
        recent = sum(1 for at in accepted[j:] if at <= call.at)
        if recent >= int(sim.global_rate):
            overall += 1
        else:
            per_chat += 1
    return overall, per_chat


def rank_correlation(xs: list[float], ys: list[float]) -> float:
    """Spearman's rho (no ties expected): 1.0 means served strictly in arrival order."""
    n = len(xs)
    if n < 2:
        return 1.0
    rank_x = {i: r for r, i in enumerate(sorted(range(n), key=xs.__getitem__))}
    rank_y = {i: r for r, i in enumerate(sorted(range(n), key=ys.__getitem__))}
    d2 = sum((rank_x[i] - rank_y[i]) ** 2 for i in range(n))
    return 1 - 6 * d2 / (n * (n * n - 1))


async def run(
    residents: int = 1000,
    window: float = 60.0,
    think: tuple[float, float] = (1.0, 3.0),
    random_seed: int = 1,
    limiter: str | None = None,
    rtt: float = 0.0,
    jitter: float = 0.0,
) -> Result:
    result = Result(NAME)
    rng = random.Random(random_seed)
    arrivals = sorted(rng.uniform(0, window) for _ in range(residents))
    with tempfile.TemporaryDirectory(prefix="bench-rush-") as tmp:
        database = Path(tmp) / "rush.sqlite3"
        counts = await calibrate()
        async with BotApiSimulator(flood_limit=True, rtt=rtt, jitter=jitter) as sim:
            bot = BotProcess(sim, kind="real", database=database, rate_limiter=True,
                             limiter=limiter)  # fmt: skip
            await bot.start()
            try:
                before = sim.stats()
                start = time.monotonic()

                async def resident(i: int) -> tuple[float, Timed]:
                    await asyncio.sleep(max(0.0, start + arrivals[i] - time.monotonic()))
                    arrived = time.monotonic()
                    user = sim.user(FIRST_ID + i, first_name="Warga")
                    timed = await run_script(
                        user, interview_script(nik_for(i)), counts,
                        think=think, rng=random.Random(random_seed * 100_003 + i), timeout=180,
                    )  # fmt: skip
                    return arrived, timed

                async with Meter(bot) as meter:
                    outcomes = await asyncio.gather(*(resident(i) for i in range(residents)))
                after = sim.stats()
                overall, per_chat = classify_429s(sim)
            finally:
                await bot.stop()
        submitted = count_submitted(database)

    timed = [t for _a, t in outcomes]
    arrived = [a for a, _t in outcomes]
    done = [i for i, t in enumerate(timed) if t.failed is None]
    waits = [w for t in timed for w in t.waits]
    longest = [max(t.waits) if t.waits else 0.0 for t in timed]
    finished = [timed[i].finished_at for i in done]
    rho = rank_correlation([arrived[i] for i in done], finished)
    messages = after["sends"] + after["edits"] - before["sends"] - before["edits"]
    too_many = after["429s"] - before["429s"]
    thinking = (think[0] + think[1]) / 2 * (len(counts) - 1)
    floor = max(messages / 30.0, window + thinking)
    result.add("residents arriving within", f"{residents:,} in {window:.0f} s")
    result.add("429 answers", too_many, "", "0", too_many == 0)
    result.add("  of which overall / per chat", f"{overall} / {per_chat}")
    result.add("residents completed", len(done), f"/ {residents}", "all",
               len(done) == residents == submitted)  # fmt: skip
    result.add("wait per answer p50 / p95",
               f"{percentile(waits, 50):.2f} / {percentile(waits, 95):.2f}", "s")  # fmt: skip
    result.add("longest single wait", max(longest, default=0.0), "s")
    result.add("residents with a wait > 30 s", sum(1 for w in longest if w > 30))
    result.add("arrival vs finish rank correlation", rho, "", "near 1 (no starving)")
    result.add("sends+edits per second", messages / meter.wall, "/s", "<= 30")
    result.add("rush duration", meter.wall, "s")
    result.notes.append(
        f"lower bound for the rush: {floor:.0f} s ({messages:,} sends+edits at 30/s, or the "
        f"last arrival plus ~{thinking:.0f} s a resident spends reading and tapping)"
    )
    failures = [t.failed for t in timed if t.failed]
    if failures:
        result.notes.append(f"{len(failures)} stuck; first: {failures[0]}")
    result.data = {
        "residents": residents, "window": window, "think": think, "429s": too_many,
        "completed": len(done), "submitted_in_db": submitted, "messages": messages,
        "wall": meter.wall, "p50": percentile(waits, 50), "p95": percentile(waits, 95),
        "p99": percentile(waits, 99), "longest": max(longest, default=0.0), "rho": rho,
        "bot_cpu": meter.bot_cpu, "429_overall": overall, "429_per_chat": per_chat,
    }  # fmt: skip
    return result
