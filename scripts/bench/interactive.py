"""1. Interactive cost: residents in a closed loop, the real bot against a bare echo bot.

N residents each send, wait for the complete reply, and answer again at once, through the
whole interview and /status, R times with a new account each time. The simulator's flood
limits and the bot's rate limiter are off: this measures what an update costs the bot, not
Telegram's limits (1b does those). The same N residents then do the same number of updates
against a bare PTB echo bot (PTB as it comes, with the same concurrency). Real and echo run
back to back, five rounds; the ratio reported is the median of the rounds' ratios.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
from pathlib import Path
from typing import Any

from bot.simulator import BotApiSimulator
from scripts.bench.harness import (
    BotProcess,
    Meter,
    Timed,
    calibrate,
    count_submitted,
    echo_loop,
    interview_script,
    mirror_loop,
    nik_for,
    percentile,
    run_script,
)
from scripts.bench.report import Result

NAME = "1 interactive"
FIRST_ID = 2_000_000


def _timing(runs: list[Timed], meter: Meter) -> dict[str, float]:
    """Replies/s, latency and CPU of one bot's run: the same figures for every bot."""
    updates = sum(len(t.waits) for t in runs)
    waits = [w for t in runs for w in t.waits]
    return {
        "updates": updates,
        "wall": meter.wall,
        "replies_per_s": updates / meter.wall,
        "p50": percentile(waits, 50),
        "p95": percentile(waits, 95),
        "cpu_per_update_ms": 1000 * meter.bot_cpu / max(updates, 1),
        "bot_cpu_share": meter.bot_cpu / meter.wall,
        "generator_cpu_share": meter.generator_cpu / meter.wall,
    }


async def _real(residents: int, registrations: int, folder: Path) -> dict[str, Any]:
    database = folder / "interactive.sqlite3"
    counts = await calibrate()
    async with BotApiSimulator(flood_limit=False) as sim:
        bot = BotProcess(sim, kind="real", database=database, rate_limiter=False)
        await bot.start()
        try:
            before = sim.stats()

            async def worker(w: int) -> list[Timed]:
                out = []
                for r in range(registrations):
                    index = w * registrations + r
                    user = sim.user(FIRST_ID + index, first_name="Warga")
                    script = interview_script(nik_for(index))
                    out.append(await run_script(user, script, counts))
                return out

            async with Meter(bot) as meter:
                runs = [t for ts in await asyncio.gather(*map(worker, range(residents)))
                        for t in ts]  # fmt: skip
            after = sim.stats()
        finally:
            await bot.stop()
    script_len = len(counts)
    done = sum(1 for t in runs if t.failed is None)
    status_replies = done * counts[-1]
    sent = after["sends"] + after["edits"] - before["sends"] - before["edits"]
    answers = after["callback_answers"] - before["callback_answers"]
    regs = max(done, 1)
    return {
        **_timing(runs, meter),
        "completed": done,
        "failed": len(runs) - done,
        "submitted_in_db": count_submitted(database),
        "messages_per_registration": (sent - status_replies) / regs,
        "callback_answers_per_registration": answers / regs,
        "steps_per_registration": script_len - 1,
        "first_failure": next((t.failed for t in runs if t.failed), None) or "",
    }


async def _echo(
    residents: int, registrations: int, kind: str = "echo", http: str = "httpx"
) -> dict[str, float]:
    """The bare echo bot (kind "echo") or the one making the real bot's calls ("mirror"),
    over PTB's own httpx client or the real bot's aiohttp one."""
    kinds = [k for k, _v in interview_script(nik_for(0))] * registrations
    async with BotApiSimulator(flood_limit=False) as sim:
        bot = BotProcess(sim, kind=kind, extra_args=["--http", http])
        await bot.start()
        try:
            warm = sim.user(FIRST_ID - 1)
            await echo_loop(warm, 5)
            users = [sim.user(FIRST_ID + i) for i in range(residents)]
            async with Meter(bot) as meter:
                if kind == "echo":
                    jobs = [echo_loop(u, len(kinds)) for u in users]
                else:
                    jobs = [mirror_loop(u, kinds) for u in users]
                runs = await asyncio.gather(*jobs)
        finally:
            await bot.stop()
    return {**_timing(runs, meter), "failed": sum(1 for t in runs if t.failed)}


async def run(residents: int = 20, registrations: int = 5, rounds: int = 5) -> Result:
    """``rounds`` times the real bot then the echo bot, back to back: the ratio is the median
    of the rounds' ratios (this machine's speed drifts by ±15 % from one run to the next;
    two runs side by side drift together). Then the informative bots, once each."""
    result = Result(NAME)
    pairs: list[tuple[dict[str, float], dict[str, float]]] = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="bench-interactive-") as tmp:
            real_round = await _real(residents, registrations, Path(tmp))
        pairs.append((real_round, await _echo(residents, registrations, "echo")))
    ratios = sorted(r["replies_per_s"] / e["replies_per_s"] for r, e in pairs if e["replies_per_s"])
    ratio = statistics.median(ratios) if ratios else 0.0
    # The round with the median ratio stands for the run in the rows below.
    real, echo = min(pairs, key=lambda p: abs(p[0]["replies_per_s"] / p[1]["replies_per_s"]
                                              - ratio))  # fmt: skip
    mirror = await _echo(residents, registrations, "mirror", "aiohttp")
    echo_aiohttp = await _echo(residents, registrations, "echo", "aiohttp")
    same_calls = real["replies_per_s"] / mirror["replies_per_s"] if mirror["replies_per_s"] else 0.0
    total = residents * registrations
    result.add("residents x registrations", f"{residents} x {registrations}")
    done_ok = all(r["completed"] == total == r["submitted_in_db"] for r, _e in pairs)
    result.add("registrations completed", real["completed"], f"/ {total}", f"= {total}",
               done_ok)  # fmt: skip
    result.add("real bot replies/s", real["replies_per_s"], "/s")
    result.add("echo bot replies/s", echo["replies_per_s"], "/s")
    result.add("real / echo", ratio, "", ">= 0.8", ratio >= 0.8)
    result.add(f"  median of {len(ratios)} rounds", " ".join(f"{r:.2f}" for r in ratios))
    result.add("same-calls bot replies/s, bot's HTTP client", mirror["replies_per_s"], "/s")
    result.add("echo bot replies/s, bot's HTTP client", echo_aiohttp["replies_per_s"], "/s")
    result.add("real / same-calls bot", same_calls)
    result.add("real p50 / p95 latency",
               f"{real['p50'] * 1000:.1f} / {real['p95'] * 1000:.1f}", "ms")  # fmt: skip
    result.add("echo p50 / p95 latency",
               f"{echo['p50'] * 1000:.1f} / {echo['p95'] * 1000:.1f}", "ms")  # fmt: skip
    result.add("real bot CPU per update", real["cpu_per_update_ms"], "ms")
    result.add("echo bot CPU per update", echo["cpu_per_update_ms"], "ms")
    client = "bot's HTTP client"
    result.add(f"same-calls bot CPU per update, {client}", mirror["cpu_per_update_ms"], "ms")
    result.add(f"echo bot CPU per update, {client}", echo_aiohttp["cpu_per_update_ms"], "ms")
    result.add("bot CPU busy (real / echo)",
               f"{real['bot_cpu_share']:.0%} / {echo['bot_cpu_share']:.0%}")  # fmt: skip
    generator = f"{real['generator_cpu_share']:.0%} / {echo['generator_cpu_share']:.0%}"
    result.add("generator CPU busy (real / echo)", generator)
    per_question = real["messages_per_registration"] / max(real["steps_per_registration"], 1)
    result.add("sends+edits per registration", real["messages_per_registration"], "",
               f"~{int(real['steps_per_registration'])} steps")  # fmt: skip
    result.add("sends+edits per step", per_question, "", "~1", per_question <= 1.25)
    result.add("callback answers per registration", real["callback_answers_per_registration"])
    if real["first_failure"]:
        result.notes.append(f"first failure: {real['first_failure']}")
    if max(real["generator_cpu_share"], echo["generator_cpu_share"]) > 0.85:
        result.notes.append(
            "the simulator+generator process was near one full core: replies/s may be "
            "capped by the generator rather than the bot"
        )
    result.notes.append(
        "echo bot: PTB as it comes (httpx), the baseline the issue sets. The real bot runs "
        "its own aiohttp client (bot/http.py); the echo bot on that client, and the same-calls "
        "bot (bare PTB making the real bot's Bot API calls: a message with a button per text, "
        "answerCallbackQuery + edit per tap, no storage or rendering) on it too, show what "
        "part is the client and what part is the bot's own code (real / same-calls)"
    )
    result.data = {
        "real": real,
        "echo": echo,
        "mirror": mirror,
        "echo_aiohttp": echo_aiohttp,
        "ratios": ratios,
        "rounds": [{"real": r, "echo": e} for r, e in pairs],
    }
    return result
