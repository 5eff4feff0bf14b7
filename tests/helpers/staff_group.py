"""The staff supergroup the questions' tests use, and the steps they share."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.runner import BotRunner
from bot.simulator import SimUser
from tests.conftest import STAFF_ID, RunnerFactory
from tests.e2e.residents import say, tap, until
from tests.helpers.runner import add_staff

GROUP = -1_001_234_567_890
NOT_IN_FAQ = "apakah boleh membawa anak balita ke tempat pelatihan"


@asynccontextmanager
async def bot_with_staff_group(make_runner: RunnerFactory) -> AsyncIterator[BotRunner]:
    """The bot relaying questions to GROUP, with STAFF_ID as staff."""
    started = make_runner(staff_group_id=GROUP)
    await started.start()
    try:
        await add_staff(started, STAFF_ID)
        yield started
    finally:
        await started.stop()


async def ask_staff(resident: SimUser, text: str = NOT_IN_FAQ) -> str:
    """A question the FAQ cannot answer, sent on with "Tanya petugas"; the bot's answer."""
    reply = await say(resident, text)
    assert "belum punya jawaban tertulis" in reply.text
    await tap(resident, "Tanya petugas")
    # The button's message is edited first, the acknowledgement comes after the relay to the
    # staff group; on a loaded machine the quiet between them can end `tap`'s wait.
    await until(lambda: "teruskan kepada petugas" in latest_text(resident), within=15)
    return latest_text(resident)


def latest_text(user: SimUser) -> str:
    message = user.last_message
    return message.text if message is not None else ""
