"""At every level, even DEBUG, the log holds no NIK, phone number, name, typed text or token.

A whole registration runs in a real `python -m bot` process with LOG_LEVEL=DEBUG, where PTB
logs every Bot API call with its parameters and aiosqlite every statement with its own; in
both log formats (LOG_FORMAT=json lays out the same redacted records as JSON lines)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.simulator import BotApiSimulator
from tests.e2e.processes import RunningBot, bot_env
from tests.e2e.residents import Person, register, say

PERSON = Person(name="Kartika Sulistyowati", nik="3673056303970004", phone="0857-1122-3344")
TYPED = "Apakah ada lowongan tukang las di Osaka bulan depan?"


def traces(log: str) -> list[str]:
    """Every form of the person's data and the token's secret part found in the log."""
    forms = [
        PERSON.nik, PERSON.nik[6:12], "Kartika", "Sulistyowati", "85711223344", "0857-1122",
        "lowongan tukang las", "Osaka", "PROCESS-TEST",
    ]  # fmt: skip
    return [form for form in forms if form.lower() in log.lower()]


@pytest.mark.parametrize("log_format", ["text", "json"])
async def test_a_registration_at_debug_leaves_nothing_personal_in_the_log(
    sim: BotApiSimulator, tmp_path: Path, log_format: str
) -> None:
    env = bot_env(sim.base_url, tmp_path / "bot.sqlite3", LOG_LEVEL="DEBUG", LOG_FORMAT=log_format)
    bot = await RunningBot.start(env)
    try:
        await bot.started()
        await register(sim, 4101, person=PERSON)
        user = sim.user(4101)
        await say(user, TYPED)
        data = await say(user, "/data")
        assert PERSON.nik in data.text  # the data did pass through the bot's calls
    finally:
        code, log = await bot.stop()
    assert code == 0, log[-2000:]
    assert "Calling Bot API endpoint" in log  # DEBUG was on: PTB logged its calls
    assert log.count("\n") > 100
    assert traces(log) == []
    if log_format == "json":
        records = [json.loads(line) for line in log.splitlines()]  # every line is one object
        assert {"time", "level", "logger", "message"} <= set(records[0])
        assert any(r["message"] == "bot started" for r in records)
