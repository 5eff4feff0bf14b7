"""3. Reminders: start-up with 10,000 pending reminders, and how late fired reminders are.

Uses the reminders feature's own data set-up (scripts/reminders_startup.seed: applicants,
events and pending reminder rows in SQLite), with the bot in its own process:
- start-up: the process's time from launch to polling, with 10,000 pending against an empty
  database, and the start-up hook's own figure (read, triage, JobQueue jobs), which the bot
  process reports; the target is re-creating them in under 2 s;
- lateness: reminders due a few seconds after the bot started, spread over some seconds and
  then all at one moment (as day offsets at REMINDER_HOUR are), fired on real time and sent
  through the bot's rate limiter to the simulator with Telegram's limits on. Lateness is the
  arrival at the simulator minus the due time; target p95 under 1 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.simulator import BotApiSimulator, SentMessage
from scripts.bench.harness import BotProcess, percentile
from scripts.bench.report import Result, not_available

NAME = "3 reminders"


def _feature() -> Any:
    try:
        from scripts import reminders_startup
    except ImportError:
        return None
    return reminders_startup


async def _startup(feature: Any, pending: int, folder: Path) -> dict[str, Any]:
    async with BotApiSimulator(flood_limit=True) as sim:
        empty = BotProcess(sim, database=folder / "empty.sqlite3")
        ready_empty = await empty.start()
        await empty.stop()
        path = folder / "pending.sqlite3"
        await feature.seed(path, pending, datetime.now(UTC) + timedelta(days=2), 86_400.0, 0)
        full = BotProcess(sim, database=path)
        ready = await full.start()
        await full.stop()
    return {"empty": ready_empty, "pending": ready}


async def _lateness(feature: Any, burst: int, spread: float, folder: Path,
                    lead: float) -> dict[str, Any]:  # fmt: skip
    path = folder / f"late-{spread:g}.sqlite3"
    base = feature.USER_BASE + 500_000
    async with BotApiSimulator(flood_limit=True) as sim:
        for i in range(burst):
            sim.user(base + i, first_name="Warga")
        first_due = datetime.now(UTC) + timedelta(seconds=lead)
        await feature.seed(path, burst, first_due, spread, 500_000)
        step = timedelta(seconds=spread / max(burst, 1))
        # As stored: SQLite keeps whole seconds.
        due = {base + i: feature.from_iso(feature.iso(first_due + i * step)).timestamp()
               for i in range(burst)}  # fmt: skip
        late: dict[int, float] = {}
        copies: dict[int, int] = {}
        all_in = asyncio.Event()

        def on_message(chat_id: int, message: SentMessage, is_edit: bool) -> None:
            if is_edit or chat_id not in due or not message.text.startswith("⏰"):
                return
            copies[chat_id] = copies.get(chat_id, 0) + 1
            late.setdefault(chat_id, time.time() - due[chat_id])
            if len(late) == burst:
                all_in.set()

        sim.on_bot_message(on_message)
        bot = BotProcess(sim, database=path)
        await bot.start()
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(all_in.wait(), timeout=lead + spread + 120)
        finally:
            await bot.stop()
        too_many = sim.stats()["429s"]
    values = list(late.values())
    return {
        "burst": burst,
        "spread": spread,
        "delivered": len(late),
        "duplicates": sum(n - 1 for n in copies.values()),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "max": max(values, default=0.0),
        "429s": too_many,
    }


async def run(pending: int = 10_000, burst: int = 200, spread: float = 10.0,
              lead: float = 8.0, same_moment: bool = True) -> Result:  # fmt: skip
    feature = _feature()
    if feature is None:
        return not_available(NAME, "the reminders feature (scripts/reminders_startup.py) is "
                             "not in the code yet")  # fmt: skip
    result = Result(NAME)
    with tempfile.TemporaryDirectory(prefix="bench-reminders-") as tmp:
        folder = Path(tmp)
        start = await _startup(feature, pending, folder)
        spread_run = await _lateness(feature, burst, spread, folder, lead)
        moment_run = await _lateness(feature, burst, 0.0, folder, lead) if same_moment else None
    hook = start["pending"].get("reminders", {})
    hook_s = hook.get("seconds")
    added = start["pending"]["start_seconds"] - start["empty"]["start_seconds"]
    result.add("pending reminders", pending)
    result.add("re-created at start-up (hook)", hook_s, "s", "< 2 s",
               hook_s < 2.0 if hook_s is not None else None)  # fmt: skip
    result.add("jobs after start-up", hook.get("jobs"), f"/ {pending:,}", f"= {pending:,}",
               hook.get("jobs") == pending if hook else None)  # fmt: skip
    result.add(f"bot start-up: empty / {pending:,} pending",
               f"{start['empty']['start_seconds']:.2f} / "
               f"{start['pending']['start_seconds']:.2f}", "s")  # fmt: skip
    result.add("start-up time added by the reminders", added, "s")
    for run_ in (spread_run, moment_run):
        if run_ is None:
            continue
        label = (f"{burst} due within {spread:g} s" if run_ is spread_run
                 else f"{burst} due at one moment")  # fmt: skip
        if run_ is spread_run:
            target, ok = "p95 < 1 s", run_["p95"] < 1.0 and run_["delivered"] == burst
        else:  # 30 messages/s makes the last of them at least burst/30 s late
            target, ok = f"floor ~{0.95 * burst / 30:.1f} s", None
        result.add(f"lateness p50 / p95, {label}",
                   f"{run_['p50'] * 1000:.0f} / {run_['p95'] * 1000:.0f}", "ms", target,
                   ok)  # fmt: skip
        result.add("  delivered / duplicates / 429s",
                   f"{run_['delivered']} / {run_['duplicates']} / {run_['429s']}",
                   "", f"{burst} / 0 / 0",
                   run_["delivered"] == burst and run_["duplicates"] == 0)  # fmt: skip
    result.notes.append(
        f"{burst} reminders due at one moment cannot all arrive within 1 s under Telegram's "
        f"~30 messages/s: their p95 is at least about 0.95 x {burst}/30 s"
    )
    result.data = {"startup": start, "lateness": spread_run, "same_moment": moment_run}
    return result
