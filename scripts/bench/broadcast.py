"""2. Broadcast: 3,000 recipients (5 % blocked, 1 % deactivated) while 20 residents ask /status.

The recipients are synthetic applicants from the seed command (all submitted, so "Semua
pendaftar" reaches exactly them); 20 more applicants who used /berhenti ask /status over
and over (a pause of 3-7 s each, about 4 requests/s in all) and are left out of the
broadcast. The simulator enforces Telegram's limits. An admin writes /umumkan, the text,
"Semua pendaftar", "Kirim sekarang", exactly as in Telegram; the bot runs in its own process
with BROADCAST_RATE as configured (28/s by default).

Reported: sends/s sustained (every Bot API send to a recipient counts, blocked ones too, from
the first to the last), 429s, delivered, lost (reachable recipients with no message: must be
0), duplicates (must be 0), and the residents' /status p95 latency during the broadcast.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import tempfile
import time
from pathlib import Path

from bot.seed import SEED_USER_ID_BASE, Shares, seed
from bot.simulator import BotApiSimulator, SentMessage, SimUser
from bot.storage.db import Database
from scripts.bench.harness import BotProcess, percentile
from scripts.bench.report import Result, not_available

NAME = "2 broadcast"
ADMIN_ID = 900_001
TEXT = "Pengumuman uji: pelatihan las angkatan 1 dimulai Senin pukul 08.00 WIB."
_SENDS = {"sendmessage", "sendphoto", "senddocument"}
_ALL = _SENDS | {"editmessagetext", "editmessagereplymarkup", "editmessagecaption"}


def _available() -> bool:
    try:
        import handlers.broadcast  # noqa: F401
    except ImportError:
        return False
    return True


async def _shown(user: SimUser, label: str, within: float = 60.0) -> SentMessage:
    """The latest message carrying this button, once it is on screen."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for message in reversed(user.messages):
            if not message.deleted and message.button(label) is not None:
                return message
        await asyncio.sleep(0.01)
    raise RuntimeError(f"no button {label!r} appeared:\n{user.transcript()[-2000:]}")


async def _asker(user: SimUser, rng: random.Random, stop: asyncio.Event,
                 waits: list[float]) -> None:  # fmt: skip
    while not stop.is_set():
        sent = time.monotonic()
        await user.send("/status")
        await user.next_message(timeout=120)
        waits.append(time.monotonic() - sent)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), rng.uniform(3.0, 7.0))


async def run(recipients: int = 3000, askers: int = 20, blocked_share: float = 0.05,
              deactivated_share: float = 0.01, random_seed: int = 1, rtt: float = 0.0,
              jitter: float = 0.0) -> Result:  # fmt: skip
    if not _available():
        return not_available(NAME, "the broadcast feature (handlers/broadcast.py) is not in "
                             "the code yet")  # fmt: skip
    result = Result(NAME)
    rng = random.Random(random_seed)
    everyone = Shares(interviewing=0.0, consent=0.0, minor=0.0, opted_out=0.0)
    with tempfile.TemporaryDirectory(prefix="bench-broadcast-") as tmp:
        path = Path(tmp) / "broadcast.sqlite3"
        db = await Database.open(path)
        try:
            await seed(db, recipients + askers, random_seed=random_seed, shares=everyone)
            ids = [SEED_USER_ID_BASE + 1 + i for i in range(recipients + askers)]
            asker_ids, recipient_ids = ids[recipients:], ids[:recipients]
            await db.write(
                f"UPDATE applicants SET opted_out = 1 WHERE user_id >= {asker_ids[0]}"
            )
        finally:
            await db.close()
        shuffled = rng.sample(recipient_ids, len(recipient_ids))
        n_blocked = round(recipients * blocked_share)
        n_deactivated = round(recipients * deactivated_share)
        blocked = set(shuffled[:n_blocked])
        deactivated = set(shuffled[n_blocked : n_blocked + n_deactivated])
        reachable = set(recipient_ids) - blocked - deactivated
        async with BotApiSimulator(flood_limit=True, rtt=rtt, jitter=jitter) as sim:
            for uid in blocked:
                sim.block(uid)
            for uid in deactivated:
                sim.deactivate(uid)
            copies: dict[int, int] = {}
            first_send: list[float] = []

            wanted = set(recipient_ids)

            def on_message(chat_id: int, message: SentMessage, is_edit: bool) -> None:
                if not is_edit and chat_id in wanted and TEXT in message.text:
                    copies[chat_id] = copies.get(chat_id, 0) + 1
                    if not first_send:
                        first_send.append(time.monotonic())

            sim.on_bot_message(on_message)
            bot = BotProcess(sim, database=path, admins=[ADMIN_ID])
            await bot.start()
            try:
                admin = sim.user(ADMIN_ID, first_name="Admin")
                await admin.send("/umumkan")
                await _shown(admin, "Batal")
                await admin.send(TEXT)
                await admin.tap_on(await _shown(admin, "Semua pendaftar"), "Semua pendaftar")
                await admin.tap_on(await _shown(admin, "Kirim sekarang"), "Kirim sekarang")
                before = sim.stats()
                stop = asyncio.Event()
                waits: list[float] = []
                users = [sim.user(uid, first_name="Warga") for uid in asker_ids]
                tasks = [asyncio.create_task(_asker(u, random.Random(u.id), stop, waits))
                         for u in users]  # fmt: skip

                def handled() -> int:
                    refused = sum(1 for c in sim.calls if c.error_code == 403
                                  and c.chat_id in blocked | deactivated)  # fmt: skip
                    return len(copies) + min(refused, len(blocked) + len(deactivated))

                # Done when every recipient got the message or a refusal, or nothing moves
                # for 30 s (then the rest counts as lost).
                last_progress, progress = time.monotonic(), -1
                while True:
                    now_handled = len(copies)
                    if now_handled != progress:
                        progress, last_progress = now_handled, time.monotonic()
                    if len(copies) >= len(reachable) and handled() >= recipients:
                        break
                    if time.monotonic() - last_progress > 30:
                        break
                    await asyncio.sleep(0.2)
                finished = time.monotonic()
                stop.set()
                await asyncio.gather(*tasks)
                await asyncio.sleep(1.0)  # the admin's final report
                after = sim.stats()
                calls = [c for c in sim.calls if c.method.lower() in _SENDS
                         and c.chat_id in wanted]  # fmt: skip
                everything = [c for c in sim.calls if c.method.lower() in _ALL]
            finally:
                await bot.stop()
    started = first_send[0] if first_send else finished
    seconds = max(finished - started, 1e-9)
    attempts = [c for c in calls if c.ok or c.error_code == 403]
    span = (max(c.at for c in attempts) - min(c.at for c in attempts)) if attempts else 0.0
    rate = len(attempts) / span if span else 0.0
    # Every message Telegram took (or refused as blocked) while the broadcast ran, replies to
    # the residents included: how much of the 30/s the bot used in all.
    if attempts:
        first, last = min(c.at for c in attempts), max(c.at for c in attempts)
        taken = [c for c in everything if first <= c.at <= last and (c.ok or c.error_code == 403)]
        rate_all = len(taken) / span if span else 0.0
        refused = sum(1 for c in everything if c.error_code == 429)
        share_429 = refused / max(1, len(taken) + refused)
    else:
        rate_all, share_429 = 0.0, 0.0
    delivered = sum(1 for uid in reachable if copies.get(uid))
    lost = len(reachable) - delivered
    duplicates = sum(n - 1 for n in copies.values() if n > 1)
    too_many = after["429s"] - before["429s"]
    p95 = percentile(waits, 95)
    result.add("recipients (blocked / deactivated)",
               f"{recipients:,} ({len(blocked)} / {len(deactivated)})")  # fmt: skip
    result.add("sends/s sustained", rate, "/s", ">= 25 (limit 30)", rate >= 25)
    result.add("all sends+edits/s during it", rate_all, "/s", ">= 27 (90 % of 30)",
               rate_all >= 27)  # fmt: skip
    result.add("429 answers", too_many, "", "0", too_many == 0)
    result.add("  share of sends", f"{share_429 * 100:.2f}", "%", "<= 0.1 %", share_429 <= 0.001)
    result.add("delivered", delivered, f"/ {len(reachable):,}", f"{len(reachable):,}",
               delivered == len(reachable))  # fmt: skip
    result.add("lost", lost, "", "0", lost == 0)
    result.add("duplicates", duplicates, "", "0", duplicates == 0)
    result.add("resident /status p50 / p95 during it",
               f"{percentile(waits, 50) * 1000:.0f} / {p95 * 1000:.0f}", "ms", "p95 < 1 s",
               p95 < 1.0 if waits else None)  # fmt: skip
    result.add("resident /status requests", len(waits))
    result.add("broadcast duration", seconds, "s")
    result.data = {"recipients": recipients, "blocked": len(blocked),
                   "deactivated": len(deactivated), "rate": rate, "rate_all": rate_all,
                   "429s": too_many, "share_429": share_429,
                   "delivered": delivered, "lost": lost, "duplicates": duplicates,
                   "status_p50": percentile(waits, 50), "status_p95": p95,
                   "status_requests": len(waits), "seconds": seconds}  # fmt: skip
    return result
