"""10. One announcement to both channels: 3,000 WhatsApp and 1,000 Telegram applicants at once,
while 20 residents are answered (10 on WhatsApp, 10 on Telegram).

The real bot runs in its own process with WhatsApp on, against both simulators in this
process: the Telegram one with Telegram's limits, the WhatsApp one with Meta's (80 messages
a second per number, 130429 beyond; signed webhooks to the bot's own HTTP server). An admin
sends the announcement to "Semua pendaftar" through /umumkan, as in Telegram. The sender
works through the outbox in two lanes side by side (bot/services/broadcast.py): Telegram's at
BROADCAST_RATE, WhatsApp's through the channel's client at its 80/s.

The residents: 10 Telegram applicants who used /berhenti (left out of the announcement) ask
/status every 3-7 s, as in benchmark 2; 10 WhatsApp applicants who also turned announcements
off write "status" every 3-7 s, answered by the WhatsApp conversation; the wait until the
bot's first reply reaches the phone is timed.

Reported: WhatsApp sent/s (first to last announcement at "Meta"), the busiest second Meta
counted, 130429s, lost and duplicated per channel, Telegram sends/s during it, and the
residents' reply p50 / p95 per channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bot.channels.whatsapp.webhook import WEBHOOK_PATH
from bot.seed import SEED_USER_ID_BASE, Shares, seed
from bot.simulator import BotApiSimulator, SentMessage, SimUser
from bot.simulator_whatsapp import WhatsAppSimulator
from bot.simulator_whatsapp.users import WaUser
from bot.storage.db import Database
from scripts.bench.broadcast import _asker, _shown
from scripts.bench.harness import BotProcess, percentile
from scripts.bench.report import Result

NAME = "10 broadcast on both channels"
ADMIN_ID = 900_001
TEXT = "Pengumuman uji: wawancara angkatan 1 dimulai Senin pukul 08.00 WIB."
VERIFY_TOKEN = "bench-verify"
_SENDS = {"sendmessage", "sendphoto", "senddocument"}


def wa_id_of(n: int) -> str:
    return f"6281400{n:06d}"


async def _seed_whatsapp(db: Database, recipients: int, askers: int) -> None:
    """Submitted WhatsApp applicants who wrote an hour ago: contact n is user id -n; the last
    ``askers`` of them turned announcements off."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    everyone = range(1, recipients + askers + 1)
    await db.write_many(
        "INSERT INTO whatsapp_contacts (contact_no, wa_id, last_inbound_at) VALUES (?, ?, ?)",
        [(n, wa_id_of(n), now) for n in everyone],
    )
    await db.write_many(
        "INSERT INTO applicants (user_id, locale, status, answers, reg_no, submitted_at,"
        " outcome, stage, channel, opted_out, created_at, updated_at)"
        " VALUES (?, 'id', 'submitted', ?, ?, ?, 'memenuhi_syarat', 'terdaftar', 'whatsapp',"
        " ?, ?, ?)",
        [(-n, json.dumps({"name": f"Warga {n}"}), f"SRG-2026-9{n:05d}", now,
          int(n > recipients), now, now) for n in everyone],
    )  # fmt: skip


async def _wa_asker(
    user: WaUser, rng: random.Random, stop: asyncio.Event, waits: list[float],
    unanswered: list[int],
) -> None:  # fmt: skip
    while not stop.is_set():
        while user.pending():  # the rest of the last answer
            await user.next_message()
        sent = time.monotonic()
        await user.send_text("status")
        try:
            await user.next_message(timeout=30)
            waits.append(time.monotonic() - sent)
        except TimeoutError:
            unanswered.append(1)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), rng.uniform(3.0, 7.0))


async def run(whatsapp: int = 3000, telegram: int = 1000, askers: int = 20,
              random_seed: int = 1) -> Result:  # fmt: skip
    result = Result(NAME)
    everyone = Shares(interviewing=0.0, consent=0.0, minor=0.0, opted_out=0.0)
    tg_askers = askers // 2
    with tempfile.TemporaryDirectory(prefix="bench-wabroadcast-") as tmp:
        path = Path(tmp) / "wabroadcast.sqlite3"
        db = await Database.open(path)
        try:
            await seed(db, telegram + tg_askers, random_seed=random_seed, shares=everyone)
            ids = [SEED_USER_ID_BASE + 1 + i for i in range(telegram + tg_askers)]
            asker_ids, tg_ids = ids[telegram:], ids[:telegram]
            await db.write(f"UPDATE applicants SET opted_out = 1 WHERE user_id >= {asker_ids[0]}")
            await _seed_whatsapp(db, whatsapp, askers - tg_askers)
        finally:
            await db.close()
        async with BotApiSimulator(flood_limit=True) as sim, WhatsAppSimulator() as wa:
            people = {wa_id_of(n): wa.user(wa_id_of(n), f"Warga {n}") for n in
                      range(1, whatsapp + 1)}  # fmt: skip
            asking = [wa.user(wa_id_of(n), f"Warga {n}") for n in
                      range(whatsapp + 1, whatsapp + askers - tg_askers + 1)]  # fmt: skip
            for user in [*people.values(), *asking]:
                user.last_inbound = wa.now()
            tg_copies: Counter[int] = Counter()
            wanted = set(tg_ids)

            def on_message(chat_id: int, message: SentMessage, is_edit: bool) -> None:
                if not is_edit and chat_id in wanted and TEXT in message.text:
                    tg_copies[chat_id] += 1

            sim.on_bot_message(on_message)
            spec = ",".join((wa.base_url, wa.phone_number_id, wa.token, VERIFY_TOKEN,
                             wa.app_secret))  # fmt: skip
            bot = BotProcess(sim, database=path, admins=[ADMIN_ID],
                             extra_args=["--whatsapp", spec])  # fmt: skip
            ready = await bot.start()
            wa.webhook_url = ready["http"] + WEBHOOK_PATH
            try:
                admin = sim.user(ADMIN_ID, first_name="Admin")
                await admin.send("/umumkan")
                await _shown(admin, "Batal")
                await admin.send(TEXT)
                await admin.tap_on(await _shown(admin, "Semua pendaftar"), "Semua pendaftar")
                await admin.tap_on(await _shown(admin, "Kirim sekarang"), "Kirim sekarang")
                stop = asyncio.Event()
                tg_waits: list[float] = []
                wa_waits: list[float] = []
                unanswered: list[int] = []
                users: list[SimUser] = [sim.user(uid, first_name="Warga") for uid in asker_ids]
                tasks = [asyncio.create_task(_asker(u, random.Random(u.id), stop, tg_waits))
                         for u in users]  # fmt: skip
                tasks += [asyncio.create_task(_wa_asker(u, random.Random(n), stop, wa_waits,
                                                        unanswered))
                          for n, u in enumerate(asking)]  # fmt: skip

                def wa_reached() -> int:
                    return sum(any(TEXT in r.text for r in u.received) for u in people.values())

                last_progress, progress = time.monotonic(), -1
                while True:
                    now_handled = wa_reached() + len(tg_copies)
                    if now_handled != progress:
                        progress, last_progress = now_handled, time.monotonic()
                    if now_handled >= whatsapp + telegram:
                        break
                    if time.monotonic() - last_progress > 30:
                        break
                    await asyncio.sleep(0.2)
                stop.set()
                await asyncio.gather(*tasks)
                await asyncio.sleep(1.0)  # anything late would show as a duplicate
                tg_calls = [c for c in sim.calls if c.method.lower() in _SENDS
                            and c.chat_id in wanted and c.ok]  # fmt: skip
            finally:
                await bot.stop()
    announced = [r for r in wa.sent.values() if TEXT in r.message.text]
    wa_copies = Counter(r.message.to for r in announced)
    wa_span = (max(r.at for r in announced) - min(r.at for r in announced)) if announced else 0
    wa_rate = len(announced) / wa_span if wa_span else 0.0
    wa_lost = sum(1 for number in people if not wa_copies.get(number))
    wa_dup = sum(n - 1 for n in wa_copies.values() if n > 1)
    tg_span = (max(c.at for c in tg_calls) - min(c.at for c in tg_calls)) if tg_calls else 0.0
    tg_rate = len(tg_calls) / tg_span if tg_span else 0.0
    tg_lost = sum(1 for uid in tg_ids if not tg_copies.get(uid))
    tg_dup = sum(n - 1 for n in tg_copies.values() if n > 1)
    tg_p95, wa_p95 = percentile(tg_waits, 95), percentile(wa_waits, 95)
    result.add("recipients WhatsApp / Telegram", f"{whatsapp:,} / {telegram:,}")
    result.add("WhatsApp sent/s", wa_rate, "/s", ">= 70", wa_rate >= 70)
    result.add("busiest second at Meta", wa.throughput.peak, "msgs", "<= 80",
               wa.throughput.peak <= 80)  # fmt: skip
    result.add("130429 met", wa.errors[130429], "", "0", wa.errors[130429] == 0)
    result.add("WhatsApp lost", wa_lost, "", "0", wa_lost == 0)
    result.add("WhatsApp duplicated", wa_dup, "", "0", wa_dup == 0)
    result.add("Telegram sends/s meanwhile", tg_rate, "/s", ">= 25 (limit 30)", tg_rate >= 25)
    result.add("Telegram lost", tg_lost, "", "0", tg_lost == 0)
    result.add("Telegram duplicated", tg_dup, "", "0", tg_dup == 0)
    result.add("WhatsApp seconds / Telegram seconds", f"{wa_span:.1f} / {tg_span:.1f}", "s")
    all_waits = tg_waits + wa_waits
    p95 = percentile(all_waits, 95)
    result.add(f"residents' reply p50 / p95 (all {askers})",
               f"{percentile(all_waits, 50) * 1000:.0f} / {p95 * 1000:.0f}", "ms", "p95 < 1 s",
               p95 < 1.0 if all_waits else None)  # fmt: skip
    result.add("  Telegram /status p50 / p95",
               f"{percentile(tg_waits, 50) * 1000:.0f} / {tg_p95 * 1000:.0f}", "ms")
    result.add("  WhatsApp reply p50 / p95",
               f"{percentile(wa_waits, 50) * 1000:.0f} / {wa_p95 * 1000:.0f}", "ms")
    result.add("  questions answered (Telegram / WhatsApp / WhatsApp unanswered)",
               f"{len(tg_waits)} / {len(wa_waits)} / {len(unanswered)}")  # fmt: skip
    result.data = {"whatsapp": whatsapp, "telegram": telegram, "wa_rate": wa_rate,
                   "wa_peak": wa.throughput.peak, "wa_429": wa.errors[130429],
                   "wa_lost": wa_lost, "wa_duplicated": wa_dup, "tg_rate": tg_rate,
                   "tg_lost": tg_lost, "tg_duplicated": tg_dup, "wa_seconds": wa_span,
                   "tg_seconds": tg_span, "reply_p95": p95, "tg_p95": tg_p95,
                   "wa_p95": wa_p95, "tg_replies": len(tg_waits), "wa_replies": len(wa_waits),
                   "wa_unanswered": len(unanswered)}  # fmt: skip
    return result
