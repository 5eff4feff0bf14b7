"""Telling one person something: one send, read through the one error table
(bot/services/delivery.py), and an applicant who blocked the bot marked inactive.

Stage changes, a freed place in the quota, schedule notices and reminders all go through
``tell``; announcements have their own outbox (bot/services/broadcast.py) over the same table.
A personal message is never dropped for a throttle or network trouble: the caller hears
RETRY and decides when to try again (reminders and notices do; a stage change reports it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC
from enum import StrEnum

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.deps import Deps
from bot.services import delivery
from bot.services.delivery import Outcome
from bot.storage import applicants as repo
from bot.storage import message_log
from bot.storage.applicants import Applicant
from bot.storage.message_log import Kind

log = logging.getLogger(__name__)


class Delivery(StrEnum):
    SENT = "sent"
    BLOCKED = "blocked"  # 403: blocked or deleted, this person cannot be reached
    RETRY = "retry"  # 429, network trouble, the bot cannot send now: try again later
    FAILED = "failed"  # refused for good (no such chat, a malformed message): do not repeat


@dataclass(frozen=True)
class Told:
    outcome: Delivery
    retry_after: float | None = None  # Telegram's own wait after a 429
    message_id: int | None = None
    error: str = ""  # the error's class and Telegram's description: never message content

    @property
    def sent(self) -> bool:
        return self.outcome is Delivery.SENT


# The error table's outcomes, read for a single personal message: a throttle or a stopped
# bot waits, never drops it.
_FROM_OUTCOME: dict[Outcome, Delivery] = {
    Outcome.SENT: Delivery.SENT,
    Outcome.THROTTLED: Delivery.RETRY,
    Outcome.RETRY: Delivery.RETRY,
    Outcome.STOP: Delivery.RETRY,
    Outcome.BLOCKED: Delivery.BLOCKED,
    Outcome.FAILED: Delivery.FAILED,
}


def told_after(exc: BaseException) -> Told:
    """What a failed send means for a personal message."""
    verdict = delivery.classify(exc)
    retry_after = verdict.retry_after if verdict.outcome is Outcome.THROTTLED else None
    return Told(_FROM_OUTCOME[verdict.outcome], retry_after=retry_after, error=verdict.error)


async def send(
    bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> Told:
    """One message to one chat (a resident or a staff member); never raises a Bot API error."""
    try:
        message = await bot.send_message(chat_id, text, reply_markup=markup)
    except TelegramError as exc:
        told = told_after(exc)
        # The chat id and the error only: never the text, which may hold personal data.
        log.info("message to chat %s: %s (%s)", chat_id, told.outcome.value, told.error)
        return told
    return Told(Delivery.SENT, message_id=message.message_id)


async def tell(
    d: Deps,
    bot: Bot,
    applicant: Applicant,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    kind: Kind = Kind.OTHER,
) -> Told:
    """One message to an applicant. A 403 marks them inactive: nothing more is sent to them
    until they write to the bot again (handlers/common.load_locale makes them active).
    Every attempt is logged by ``kind`` with its outcome, never its text (bot/storage/
    message_log.py): staff see it on the applicant's card."""
    told = await send(bot, applicant.user_id, text, markup)
    at = d.clock.now().astimezone(UTC).isoformat(timespec="seconds")
    await message_log.record(d.db, applicant.user_id, kind, told.outcome.value, at)
    if told.outcome is Delivery.BLOCKED and not applicant.inactive:
        await repo.update(d.db, applicant, inactive=True)
    return told
