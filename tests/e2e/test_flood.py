"""One person flooding the bot (issue 10): they get one "please wait" and an answer to their
latest message; everyone else is answered as usual; a 429 for their chat holds back theirs only.

Counts and order are asserted, never timings (the flood benchmark, scripts/bench/flood.py,
measures those)."""

from __future__ import annotations

import pytest

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from tests.e2e.residents import last, until

NOTICE = "Mohon tunggu sebentar"
INFO = "KUR PMI"


# Telegram's limits: 30/s overall, per chat a burst of 10 then 1/s; the bot at 30/s.
@pytest.mark.telegram_limits
async def test_a_flooder_gets_one_notice_and_an_answer_to_the_latest_message(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    assert sim.flood_limit
    flooder = sim.user(7000, first_name="Banjir")
    other = sim.user(7001, first_name="Warga")
    for i in range(40):
        await flooder.send(f"halo {i}")
    await flooder.send("/info")
    await other.send("/info")

    assert INFO in (await last(other)).text
    await until(lambda: any(INFO in m.text for m in flooder.messages), within=60)
    texts = [m.text for m in flooder.messages]
    assert sum(NOTICE in t for t in texts) == 1
    # A burst of twenty answered, the notice and the answer to the latest one: not one answer
    # per message.
    assert len(texts) <= 22
    assert INFO in texts[-1]
    assert {c.chat_id for c in sim.calls if c.error_code == 429} <= {flooder.id}


async def test_the_notice_is_in_english_for_an_english_phone(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    flooder = sim.user(7002, first_name="Flood", language_code="en")
    for i in range(22):
        await flooder.send(f"hello {i}")
    await until(lambda: any("Please wait a moment" in m.text for m in flooder.messages),
                within=30)  # fmt: skip
    assert not any(NOTICE in m.text for m in flooder.messages)


async def test_button_presses_dropped_in_a_flood_are_still_answered(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    user = sim.user(7003, first_name="Warga")
    await user.send("/start")
    await until(lambda: any("Apakah Anda setuju?" in m.text for m in user.messages), within=15)
    consent = next(m for m in user.messages if "Apakah Anda setuju?" in m.text)
    # A slow network: every press is made before the bot has edited the buttons away.
    sim.rtt = 0.2  # each press is answered in turn: 25 round trips
    for _ in range(25):
        await user.tap_on(consent, "Setuju")
    await until(lambda: len(sim.callback_queries) == 25 and not sim.unanswered_callbacks(),
                within=30)  # fmt: skip
    assert sum(NOTICE in m.text for m in user.messages) == 1


async def test_a_429_for_one_chat_holds_back_that_chat_only(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    refused = sim.user(7004, first_name="Warga")
    other = sim.user(7005, first_name="Warga")
    answered: list[int] = []
    sim.on_bot_message(lambda chat_id, _m, is_edit: answered.append(chat_id) if not is_edit
                       else None)  # fmt: skip
    sim.inject_error(method="sendMessage", status=429, retry_after=3, times=1, chat_id=refused.id)
    await refused.send("/info")
    await until(lambda: sim.stats()["429s"] == 1, within=15)
    await other.send("/info")
    assert INFO in (await last(other)).text
    assert INFO in (await last(refused)).text
    # The refused chat's reply was retried after its 3 s; the other's went first.
    assert answered == [other.id, refused.id]
