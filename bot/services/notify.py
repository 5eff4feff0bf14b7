"""Telling one person something: one send, read through the one error table
(bot/services/delivery.py), and an applicant who blocked the bot marked inactive.

Stage changes, a freed place in the quota, schedule notices and reminders all go through
``tell``; announcements have their own outbox (bot/services/broadcast.py) over the same table.
A personal message is never dropped for a throttle or network trouble: the caller hears
RETRY and decides when to try again (reminders and notices do; a stage change reports it).

Each applicant is told on their own channel (a WhatsApp resident's user id is negative):
Telegram here, WhatsApp through bot/channels/whatsapp/outbound.py, within Meta's 24-hour
rule. A WhatsApp message that may not go (outside the window, no template for its kind) is
FAILED with ``outside_window``: recorded as such, counted in /metrics, not retried now.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from enum import StrEnum

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.channels.whatsapp import outbound
from bot.conversation.views import Option
from bot.deps import Deps
from bot.services import delivery
from bot.services.delivery import Outcome
from bot.storage import applicants as repo
from bot.storage import contacts, message_log
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
    # WhatsApp: not sent, outside the 24-hour window with no template (outcome FAILED).
    outside_window: bool = False
    wa_message_id: str | None = None  # WhatsApp: Meta's id of the message sent

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
    fields: Sequence[str] = (),
) -> Told:
    """One message to an applicant, on their channel. A 403 (WhatsApp: undeliverable)
    marks them inactive: nothing more is sent to them until they write to the bot again
    (handlers/common.load_locale makes them active). Every attempt is logged by ``kind``
    with its outcome, never its text (bot/storage/message_log.py): staff see it on the
    applicant's card. ``fields``: the message's key values, one line each, for the
    WhatsApp template that carries it outside the 24-hour window."""
    if contacts.channel_of(applicant.user_id) == contacts.WHATSAPP:
        told = await _tell_whatsapp(d, applicant, text, markup, kind, fields)
    else:
        told = await send(bot, applicant.user_id, text, markup)
    at = d.clock.now().astimezone(UTC).isoformat(timespec="seconds")
    outcome = message_log.OUTSIDE_WINDOW if told.outside_window else told.outcome.value
    await message_log.record(d.db, applicant.user_id, kind, outcome, at, told.wa_message_id)
    if told.outside_window:
        d.metrics.whatsapp_outside_window.labels(kind.value).inc()
    if told.outcome is Delivery.BLOCKED and not applicant.inactive:
        await repo.update(d.db, applicant, inactive=True)
    return told


def options_of(markup: InlineKeyboardMarkup | None) -> tuple[list[Option], list[str]]:
    """A Telegram keyboard as neutral options (its callback buttons) and the lines of its
    link buttons, for a channel without Telegram's keyboards."""
    options: list[Option] = []
    links: list[str] = []
    for row in markup.inline_keyboard if markup is not None else ():
        for button in row:
            if isinstance(button.callback_data, str):
                options.append(Option(button.callback_data, button.text))
            elif button.url:
                links.append(f"{button.text}: {button.url}")
    return options, links


async def _tell_whatsapp(
    d: Deps, applicant: Applicant, text: str, markup: InlineKeyboardMarkup | None,
    kind: Kind, fields: Sequence[str],
) -> Told:  # fmt: skip
    if d.whatsapp is None:  # WhatsApp switched off (or stopping): nothing can reach them now
        log.info("WhatsApp %s message not sent: the channel is off", kind.value)
        return Told(Delivery.FAILED, error="whatsapp: off")
    options, links = options_of(markup)
    if links:
        text = "\n".join([text, "", *links])
    sent = await outbound.send(
        d, d.whatsapp.client, applicant.user_id, applicant.locale, text, options,
        kind=kind.value, fields=fields,
    )  # fmt: skip
    outcome = _FROM_OUTCOME[sent.outcome]
    if sent.outside_window:
        outcome = Delivery.FAILED
    return Told(
        outcome, retry_after=sent.retry_after, error=sent.error,
        outside_window=sent.outside_window, wa_message_id=sent.message_id,
    )  # fmt: skip
