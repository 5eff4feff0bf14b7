"""Another round's rules, given to the bot (as RULES_FILE does), change what residents read:
the minimum age and the quotas in the texts, in the locale's numbers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.domain.eligibility import ProgrammeRules
from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from tests.conftest import RunnerFactory
from tests.e2e.residents import at_first_question, say, tap

ROUND = ProgrammeRules(min_age=21, adult_age=18, kota_serang_quota=700, total_quota=4000)


@pytest.fixture
async def round_bot(make_runner: RunnerFactory) -> AsyncIterator[BotRunner]:
    runner = make_runner(rules=ROUND)
    await runner.start()
    yield runner
    await runner.stop()


async def test_info_shows_the_rounds_quotas(sim: BotApiSimulator, round_bot: BotRunner) -> None:
    user = sim.user(6201, first_name="Warga", language_code="id")
    info = await say(user, "/info")
    assert "<b>4.000</b> tempat pelatihan" in info.html
    assert "<b>700</b> di antaranya" in info.html and "sisa saat ini: 700" in info.text
    assert "3000" not in info.text and "500" not in info.text


async def test_a_minor_reads_the_rounds_minimum_age(
    sim: BotApiSimulator, round_bot: BotRunner
) -> None:
    user = await at_first_question(sim, 6202)
    await say(user, "Dewi Lestari")
    await say(user, "3673054303090001")  # born 3 March 2009: 17 on 28 Nov 2026
    stop = await tap(user, "✅")
    assert "paling sedikit 21 tahun" in stop.text and "berusia 18" not in stop.text
    assert "3 Maret 2030" in stop.text  # the 21st birthday
    assert [b["text"] for row in stop.inline_keyboard for b in row] == [
        "Ingatkan saya saat berusia 21"
    ]
    assert "belum berusia 21 tahun" in (await say(user, "halo")).text
