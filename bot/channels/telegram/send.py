"""One message to one Telegram chat through the PTB bot, and Telegram's Sender.

``send`` serves residents and staff alike (a staff member's notices, the admins' alerts);
``TelegramSender`` is how bot/services/notify.py reaches an applicant whose channel is
Telegram. A failure is read through the one error table (errors.py), never raised.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.channels.telegram.errors import classify
from bot.conversation.views import Option
from bot.services.delivery import Outcome
from bot.services.notify import Delivery, Told, delivery_of
from bot.storage.applicants import Applicant
from bot.storage.message_log import Kind

log = logging.getLogger(__name__)


def told_after(exc: BaseException) -> Told:
    """What a failed send means for a personal message."""
    verdict = classify(exc)
    retry_after = verdict.retry_after if verdict.outcome is Outcome.THROTTLED else None
    return Told(delivery_of(verdict.outcome), retry_after=retry_after, error=verdict.error)


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


def keyboard(options: Sequence[Option]) -> InlineKeyboardMarkup | None:
    """A personal message's few buttons (Hadir / Tidak bisa hadir), side by side."""
    if not options:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(o.label, callback_data=o.id)
                                  for o in options]])  # fmt: skip


class TelegramSender:
    """bot/services/notify.py's Sender for Telegram: the applicant's user id is their chat."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def tell(
        self, applicant: Applicant, text: str, options: Sequence[Option], *,
        kind: Kind, fields: Sequence[str],
    ) -> Told:  # fmt: skip
        # ``kind`` and ``fields`` serve channels with templates; Telegram sends the text.
        return await send(self.bot, applicant.user_id, text, keyboard(options))
