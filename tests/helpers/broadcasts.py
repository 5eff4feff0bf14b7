"""A staff member composing announcements, and recipients seeded for them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from bot.runner import BotRunner
from bot.simulator import SentMessage, SimUser
from tests.e2e.residents import say, until
from tests.helpers.rows import applicant_row, insert_applicants
from tests.helpers.runner import db_of

ANNOUNCEMENT = "Pelatihan las angkatan 1 dimulai Senin, 7 Desember 2026."


async def seed(runner: BotRunner, ids: Iterable[int], **row: Any) -> list[int]:
    chosen = list(ids)
    await insert_applicants(db_of(runner), [applicant_row(uid, **row) for uid in chosen])
    return chosen


async def finished(user: SimUser, broadcast_id: int, within: float = 30.0) -> SentMessage:
    """The "sending has ended" notice of this broadcast, once it is in the staff chat."""
    fragment = f"#{broadcast_id} sudah berakhir"
    await until(lambda: any(fragment in m.text for m in user.messages), within)
    await user.wait_idle(quiet=0.05)
    return next(m for m in user.messages if fragment in m.text)


async def with_buttons(user: SimUser, within: float = 10.0) -> SentMessage:
    """The bot's next message that has buttons (after the preview copy, which has none)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        message = await user.next_message(timeout=max(0.1, deadline - loop.time()))
        if message.buttons:
            return message


async def compose(admin: SimUser, text: str = ANNOUNCEMENT, command: str = "/umumkan") -> str:
    """/umumkan, then the announcement; the text of the view that follows (who gets it, or
    the preview when the command had a filter)."""
    prompt = await say(admin, command)
    assert "Kirim isi pengumumannya" in prompt.text, prompt.text
    await admin.send(text)
    return (await with_buttons(admin)).text
