"""Under Telegram's flood limit a crowd is answered without a 429, and a 429 loses nothing."""

from __future__ import annotations

import asyncio

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from tests.e2e.residents import last, until


async def test_a_crowd_at_once_gets_every_reply_and_no_429(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    sim.flood_limit = True  # Telegram's ~30 messages/s overall, as strict as a sliding second
    users = [sim.user(6000 + i, first_name="Warga") for i in range(45)]
    await asyncio.gather(*(u.send("/start") for u in users))
    # 90 messages (welcome + consent each) at under 30/s: a few seconds.
    await until(
        lambda: all(any("Apakah Anda setuju?" in m.text for m in u.messages) for u in users),
        within=20,
    )
    assert sim.stats()["429s"] == 0
    assert sim.stats()["sends"] == 2 * len(users)


async def test_a_429_delays_the_reply_instead_of_dropping_it(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    sim.inject_error(method="sendMessage", status=429, retry_after=1, times=3)
    user = sim.user(6100, first_name="Warga")
    await user.send("/info")
    reply = await last(user)

    assert "KUR PMI" in reply.text
    assert sim.stats()["429s"] == 3
