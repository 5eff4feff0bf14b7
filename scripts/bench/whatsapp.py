"""9. WhatsApp pacing: one announcement to N residents on WhatsApp while 20 are answered.

The bot's WhatsApp client (bot/channels/whatsapp/client.py, paced by pacing.py) sends one
text to each of N residents at once, as bulk, while 20 other residents each get a reply
after a pause of 3-7 s (about 4 replies a second in all, as benchmark 2's residents ask;
not bulk: replies go first). Replies count against the same 80 a second. The WhatsApp
simulator enforces Meta's 80 messages a second per number (130429 beyond it) and the pair
rate. Client and simulator share one
process here: the figure is the pacer's, not a whole bot's (the WhatsApp conversation and
its broadcast are later work of issue 12).

Reported: sent a second over the announcement, the busiest second the simulator counted,
130429s met, messages lost (not sent) and duplicated (a resident got it twice), and the
replies' wait (p50 / p95).
"""

from __future__ import annotations

import asyncio
import random
import time

from bot.channels.whatsapp.client import WhatsAppClient
from bot.services.delivery import Outcome
from bot.simulator_whatsapp import WhatsAppSimulator
from scripts.bench.harness import percentile
from scripts.bench.report import Result

NAME = "9 whatsapp pacing"


async def run(
    recipients: int = 3000, askers: int = 20, pause: tuple[float, float] = (3.0, 7.0)
) -> Result:
    result = Result(NAME)
    rng = random.Random(1)
    async with WhatsAppSimulator() as wa:
        # Residents who wrote lately: the 24-hour window is open for a free-form text.
        people = [f"6281{n:09d}" for n in range(recipients)]
        asking = [f"6285{n:09d}" for n in range(askers)]
        for number in [*people, *asking]:
            wa.user(number).last_inbound = wa.now()
        async with WhatsAppClient(wa.base_url, wa.phone_number_id, wa.token) as client:
            began = time.monotonic()
            announcement = asyncio.gather(
                *(client.text(n, "Pengumuman: jadwal wawancara", bulk=True) for n in people)
            )
            waits: list[float] = []
            replies_failed = 0

            async def answer(number: str) -> None:
                nonlocal replies_failed
                while True:  # at least one reply each, however short the announcement
                    sent_at = time.monotonic()
                    delivery = await client.text(number, "Terima kasih, kami terima.")
                    waits.append(time.monotonic() - sent_at)
                    replies_failed += delivery.outcome is not Outcome.SENT
                    if announcement.done():
                        return
                    await asyncio.sleep(rng.uniform(*pause))

            answering = [asyncio.create_task(answer(n)) for n in asking]
            deliveries = await announcement
            elapsed = time.monotonic() - began
            await asyncio.gather(*answering)
    sent = sum(d.outcome is Outcome.SENT for d in deliveries)
    duplicated = sum(
        max(0, sum(r.text.startswith("Pengumuman") for r in wa.users[n].received) - 1)
        for n in people
    )
    rate = sent / elapsed if elapsed else 0.0
    result.add("announcement sent", rate, "/s", ">= 70", rate >= 70)
    result.add("busiest second at Meta", wa.throughput.peak, "msgs", "<= 80",
               wa.throughput.peak <= 80)  # fmt: skip
    result.add("130429 met", wa.errors[130429], "", "0", wa.errors[130429] == 0)
    result.add("lost", recipients - sent, "", "0", sent == recipients)
    result.add("duplicated", duplicated, "", "0", duplicated == 0)
    result.add("reply wait p50", percentile(waits, 50), "s")
    result.add("reply wait p95", percentile(waits, 95), "s", "< 1", percentile(waits, 95) < 1)
    result.data = {"recipients": recipients, "sent": sent, "replies": len(waits),
                   "replies_failed": replies_failed, "seconds": elapsed}  # fmt: skip
    return result
