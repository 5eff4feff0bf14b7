"""Every end-to-end test also checks that the bot sent nothing Telegram would reject."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.simulator import BotApiSimulator

# A 400 for any of these is a bug in the bot, whatever the test was about: a malformed
# message, an impossible keyboard, an edit that changes nothing, a button left to time out.
MALFORMED = (
    "can't parse entities",
    "message is too long",
    "text is empty",
    "BUTTON_DATA_INVALID",
    "BUTTON_TEXT_INVALID",
    "message is not modified",
    "query is too old",
    "caption is too long",
)


@pytest.fixture(autouse=True)
async def nothing_telegram_would_reject(sim: BotApiSimulator) -> AsyncIterator[None]:
    yield
    rejected = [
        f"{call.method} → {call.description}"
        for call in sim.calls
        if call.error_code == 400 and any(m in (call.description or "") for m in MALFORMED)
    ]
    assert rejected == [], f"the bot sent requests Telegram rejects: {rejected}"
