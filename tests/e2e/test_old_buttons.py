"""Buttons from an older version, still on residents' phones after an upgrade, get a polite
answer and the person's current question again: never an error, never a spinning button."""

from __future__ import annotations

import pytest

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator, SentMessage, SimUser
from tests.e2e.residents import at_first_question, last, register, say, until

# What the buttons said before callback data had names (and what a garbled client may send).
OLD_DATA = ["a:education:smp", "c:yes", "t:interests:las", "m:edit", "s:submit", "bc:go:1", "?"]


async def press_old(user: SimUser, data: str) -> SentMessage:
    """Press a button carrying ``data`` on the bot's last message, as an old message would."""
    message = user.chat.messages[-1]
    message.reply_markup = {"inline_keyboard": [[{"text": "lama", "callback_data": data}]]}
    record = await user.tap_on(message, "lama")
    reply = await last(user)
    await until(lambda: record.answered)  # the answer goes out alongside the reply
    return reply


def nothing_refused(sim: BotApiSimulator) -> None:
    assert [call for call in sim.calls if not call.ok] == []
    assert sim.unanswered_callbacks() == []


@pytest.mark.parametrize("data", OLD_DATA)
async def test_mid_interview_the_current_question_comes_again(
    sim: BotApiSimulator, bot: BotRunner, data: str
) -> None:
    user = await at_first_question(sim, 6101)
    await say(user, "Budi Santoso")
    reply = await press_old(user, data)
    assert "sudah tidak berlaku" in reply.text
    assert "NIK" in reply.text  # the question they were on
    nothing_refused(sim)


async def test_at_the_consent_the_consent_comes_again(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    user = sim.user(6102, first_name="Warga", language_code="id")
    await say(user, "/start")
    reply = await press_old(user, "c:yes")
    assert "Apakah Anda setuju" in reply.text
    assert [b["text"] for row in reply.inline_keyboard for b in row] == ["Setuju", "Tidak setuju"]
    nothing_refused(sim)


async def test_someone_unknown_is_told_how_to_start(sim: BotApiSimulator, bot: BotRunner) -> None:
    user = sim.user(6103, first_name="Warga", language_code="id")
    await say(user, "/bantuan")
    reply = await press_old(user, "h:yes")
    assert "/start" in reply.text
    nothing_refused(sim)


async def test_after_submitting_the_registration_number_is_shown(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    reg_no = await register(sim, 6104)
    user = sim.user(6104)
    reply = await press_old(user, "s:submit")
    assert reply.text.startswith("Tombol itu sudah tidak berlaku.")
    assert reg_no in reply.text and "/status" in reply.text
    nothing_refused(sim)


async def test_in_english_too(sim: BotApiSimulator, bot: BotRunner) -> None:
    user = await at_first_question(sim, 6105, "en")
    reply = await press_old(user, "x:destinations")
    assert "no longer valid" in reply.text and "name" in reply.text
    nothing_refused(sim)
