"""Counts a resident reads are written the Indonesian (or English) way: 3.000, not 3000."""

from __future__ import annotations

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from tests.e2e.residents import Person, register, say


async def test_info_writes_the_quota_as_statistik_does(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    info = await say(sim.user(4601, first_name="Warga", language_code="id"), "/info")
    assert "3.000" in info.text and "3000" not in info.text, info.text
    english = await say(sim.user(4602, first_name="John", language_code="en"), "/info")
    assert "3,000" in english.text and "3000" not in english.text, english.text


async def test_the_region_quota_in_the_place_line(sim: BotApiSimulator, bot: BotRunner) -> None:
    await register(sim, 4603, Person(domicile="Lampung", kecamatan=None, kelurahan=None,
                                     nik="1871055512980001"))  # fmt: skip
    status = await say(sim.user(4603), "/status")
    assert "2.500 tempat" in status.text, status.text
