"""Under Telegram's flood limit a crowd gets every reply once, and a 429 loses nothing.

How many 429s a crowd meets depends on the machine's load, so that count is a benchmark
figure (scripts/bench rush), not an assertion here."""

from __future__ import annotations

import asyncio

import pytest

from bot.rate_limit import SmoothRateLimiter
from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from tests.conftest import RunnerFactory
from tests.e2e.residents import last, until


# Telegram's ~30 messages/s overall, as strict as a sliding second, and the bot at 30/s.
@pytest.mark.telegram_limits
async def test_a_crowd_at_once_gets_every_reply_exactly_once(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    assert sim.flood_limit and bot.settings.telegram_rate_limit == 30
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


async def test_the_limiter_runs_at_the_configured_rate(make_runner: RunnerFactory) -> None:
    runner = make_runner(telegram_rate_limit=7)
    await runner.start()
    try:
        assert runner.app is not None
        limiter = runner.app.bot.rate_limiter
        assert isinstance(limiter, SmoothRateLimiter) and limiter.limit == 7
    finally:
        await runner.stop()
