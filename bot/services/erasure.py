"""The one way the bot erases people, whatever asked for it: a refusal of consent, /hapus or the
retention job.

The rows go in one transaction (bot/storage/erase.py); what the person left outside the
database goes after it committed, through ``Deps.after_erase`` (their topic in the staff group,
full of copies of their messages: bot/channels/telegram/question_relay.py). That second step cannot
undo the first: a topic Telegram refuses to delete is logged, the person stays erased.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.deps import Deps
from bot.storage.erase import ErasedCounts, erase_people


async def erase(d: Deps, user_ids: Iterable[int]) -> ErasedCounts:
    erased = await erase_people(d.db, user_ids, tz=d.settings.timezone)
    if erased.topics and d.after_erase is not None:
        await d.after_erase(erased)
    return erased
