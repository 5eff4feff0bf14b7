"""Every date a person reads is on the programme's clock (WIB), not the stored UTC one.

The moment chosen is 05:54 WIB on Wednesday 2 December 2026, which is 22:54 UTC on Tuesday
1 December: a date cut out of the stored UTC text shows the day before."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.clock import FixedClock
from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from tests.conftest import ADMIN_ID, RunnerFactory
from tests.e2e.residents import register, say

EARLY_MORNING = datetime(2026, 12, 1, 22, 54, tzinfo=UTC)  # 05.54 WIB, Wednesday 2 December


@pytest.fixture
async def early(make_runner: RunnerFactory) -> AsyncIterator[BotRunner]:
    runner = make_runner(clock=FixedClock(EARLY_MORNING))
    await runner.start()
    yield runner
    await runner.stop()


async def test_status_and_data_show_the_day_in_wib(sim: BotApiSimulator, early: BotRunner) -> None:
    await register(sim, 4101)
    user = sim.user(4101)

    status = await say(user, "/status")
    assert "Rabu, 2 Desember 2026" in status.text, status.text
    assert "1 Desember" not in status.text

    data = await say(user, "/data")
    assert "Rabu, 2 Desember 2026 pukul 05.54 WIB" in data.text, data.text
    assert "1 Desember" not in data.text


async def test_staff_card_shows_the_time_in_wib(sim: BotApiSimulator, early: BotRunner) -> None:
    reg_no = await register(sim, 4102)
    card = await say(sim.user(ADMIN_ID, first_name="Admin"), f"/cari {reg_no}")
    assert "2 Des 2026 05.54 WIB" in card.text, card.text
    assert "1 Des" not in card.text
