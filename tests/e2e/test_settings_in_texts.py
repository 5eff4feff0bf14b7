"""Settings values go into HTML texts escaped: a contact or a link with < or & reads as it was
set, in every message that shows it, and Telegram never refuses the message."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator, SentMessage
from tests.conftest import ADMIN_ID, RunnerFactory
from tests.e2e.residents import Person, register, say

CONTACT = "BBPVP <Serang> & Co"
URL = "https://siapkerja.kemnaker.go.id/daftar?dari=bot&bahasa=<id>"


@pytest.fixture
async def odd_bot(make_runner: RunnerFactory) -> AsyncIterator[BotRunner]:
    runner = make_runner(contact_bbpvp=CONTACT, siapkerja_url=URL)
    await runner.start()
    yield runner
    await runner.stop()


def texts(messages: list[SentMessage]) -> str:
    """Every version of every message: an answer's notice is edited away by the next one."""
    return "\n".join(text for m in messages for text in (*m.edits, m.text))


async def test_contact_and_link_with_markup_characters(
    sim: BotApiSimulator, odd_bot: BotRunner
) -> None:
    reg_no = await register(sim, 6301, person=Person(siapkerja="Belum"))
    user = sim.user(6301)
    chat = texts(sim.chat(6301).messages)
    assert chat.count(URL) >= 3  # how to make an account, what is missing, next steps

    assert URL in (await say(user, "/info")).text
    assert CONTACT in (await say(user, "/bantuan")).text

    await say(sim.user(ADMIN_ID), f"/tahap {reg_no} terverifikasi")
    locked = await say(user, "/ubah")
    assert CONTACT in locked.text and "diubah" in locked.text

    refused = [c.description for c in sim.calls if c.error_code == 400]
    assert refused == []
