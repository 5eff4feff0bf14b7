"""Telegram failing for a while (issue 10): a reply that met a 5xx or a lost connection is
retried, so the resident gets the next question; an outage is one log line, and its end one
more, instead of a traceback every few seconds."""

from __future__ import annotations

import logging

import pytest

from bot.app import REACHABILITY_KEY
from bot.http import Reachability
from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from tests.e2e.residents import last, until

INFO = "KUR PMI"


async def test_a_5xx_on_a_reply_is_retried_and_the_resident_gets_it(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    sim.inject_error(method="sendMessage", status=500, times=2)
    sim.inject_error(method="sendMessage", status=502, times=1)
    user = sim.user(7100, first_name="Warga")
    await user.send("/info")
    assert INFO in (await user.next_message(timeout=30)).text
    assert sim.stats()["sends"] == 1  # answered once
    assert len([c for c in sim.calls if c.error_code in (500, 502)]) == 3


async def test_a_lost_connection_on_a_reply_is_retried(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    sim.inject_network_drop(times=2, method="sendMessage")
    user = sim.user(7101, first_name="Warga")
    await user.send("/info")
    assert INFO in (await user.next_message(timeout=30)).text
    assert sim.stats()["network_drops"] == 2


async def test_an_edit_whose_answer_was_lost_is_not_an_error(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    user = sim.user(7102, first_name="Warga")
    await user.send("/start")
    await until(lambda: any("Apakah Anda setuju?" in m.text for m in user.messages), within=15)
    # The consent loses its buttons at Telegram, but the answer never comes back: the retried
    # edit is "not modified", which means the first one arrived. The interview goes on.
    sim.inject_network_drop(times=1, method="editMessageReplyMarkup", after_processing=True)
    await user.tap("Setuju")
    await until(lambda: any("Siapa nama lengkap Anda" in m.text for m in user.messages),
                within=30)  # fmt: skip
    assert not any("Maaf" in m.text for m in user.messages)  # no apology for an error
    assert sim.stats()["network_drops"] == 1
    not_modified = [c for c in sim.calls if c.error_code == 400
                    and "not modified" in (c.description or "")]  # fmt: skip
    assert len(not_modified) == 1  # the retry, and only it, found the edit already made
    sim.calls.remove(not_modified[0])  # expected here: not a malformed request


async def test_an_outage_is_one_log_line_and_its_end_one_more(
    sim: BotApiSimulator, bot: BotRunner, caplog: pytest.LogCaptureFixture
) -> None:
    assert bot.app is not None
    reach: Reachability = bot.app.bot_data[REACHABILITY_KEY]
    caplog.set_level(logging.WARNING)
    await sim.stop()  # Telegram unreachable
    await until(lambda: reach.failures >= 3, within=60)  # polling failed three times
    await sim.start()  # back, on the same address
    await until(lambda: reach.down_since is None, within=60)
    user = sim.user(7103, first_name="Warga")
    await user.send("/info")
    assert INFO in (await last(user)).text

    lines = [r.getMessage() for r in caplog.records]
    assert sum("cannot be reached" in line for line in lines) == 1
    assert sum("answers again" in line for line in lines) == 1
    assert [r for r in caplog.records if r.exc_info] == []  # no traceback
    assert reach.outages == 1
