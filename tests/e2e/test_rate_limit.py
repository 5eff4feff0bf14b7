"""Under Telegram's flood limit a crowd gets every reply once, and a 429 loses nothing.

How many 429s a crowd meets depends on the machine's load, so that count is a benchmark
figure (scripts/bench rush), not an assertion here."""

from __future__ import annotations

import asyncio

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from tests.e2e.residents import last, until


async def test_a_crowd_at_once_gets_every_reply_exactly_once(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    sim.flood_limit = True  # Telegram's ~30 messages/s overall, as strict as a sliding second
    users = [sim.user(6000 + i, first_name="Warga") for i in range(45)]
    await asyncio.gather(*(u.send("/start") for u in users))
    # 90 messages (welcome + consent each) at under 30/s: a few seconds.
    await until(
        lambda: all(any("Apakah Anda setuju?" in m.text for m in u.messages) for u in users),
        within=30,
    )
    assert sim.stats()["sends"] == 2 * len(users)
    assert all(len(u.messages) == 2 for u in users)


async def test_repeated_429s_delay_the_reply_instead_of_dropping_it(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    # Five in a row: more than PTB's AIORateLimiter(max_retries=3) would survive.
    sim.inject_error(method="sendMessage", status=429, retry_after=1, times=5)
    user = sim.user(6100, first_name="Warga")
    await user.send("/info")
    reply = await last(user)

    assert "KUR PMI" in reply.text
    assert sim.stats()["429s"] == 5
