"""Telling one applicant something, whatever their channel: one send through their channel's
Sender, the outcome logged, and an applicant who blocked the bot marked inactive.

Stage changes, a freed place in the quota, schedule notices and reminders all go through
``tell``; announcements have their own outbox (bot/services/broadcast.py). A personal message
is never dropped for a throttle or network trouble: the caller hears RETRY and decides when
to try again (reminders and notices do; a stage change reports it).

Each channel registers one ``Sender`` in ``Deps.senders`` under its name
(bot/storage/contacts.py: the sign of the user id says which): Telegram's
(bot/channels/telegram/send.py) where the application is built, WhatsApp's
(bot/channels/whatsapp/outbound.py, within Meta's 24-hour rule) while its feature runs. A
WhatsApp message that may not go (outside the window, no template for its kind) is FAILED
with ``outside_window``: recorded as such, counted in /metrics, not retried now.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from enum import StrEnum
from typing import Protocol

from bot.conversation.views import Option
from bot.deps import Deps
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
    retry_after: float | None = None  # the channel's own wait after a throttle
    message_id: int | None = None  # Telegram: the message's id
    error: str = ""  # the error's class and the channel's description: never message content
    # WhatsApp: not sent, outside the 24-hour window with no template (outcome FAILED).
    outside_window: bool = False
    wa_message_id: str | None = None  # WhatsApp: Meta's id of the message sent

    @property
    def sent(self) -> bool:
        return self.outcome is Delivery.SENT


class Sender(Protocol):
    """What a channel implements to reach an applicant with a personal message."""

    async def tell(
        self, applicant: Applicant, text: str, options: Sequence[Option], *,
        kind: Kind, fields: Sequence[str],
    ) -> Told:  # fmt: skip
        """``text``: the catalog's HTML, in the applicant's language; ``options``: its buttons
        (the id comes back when tapped, as from a question's); ``fields``: the message's key
        values, for a channel that must carry them in a template (WhatsApp outside its
        24-hour window). Never raises for the channel's errors: the outcome says."""
        ...


# The channels' outcomes, read for a single personal message: a throttle or a stopped
# bot waits, never drops it.
_FROM_OUTCOME: dict[Outcome, Delivery] = {
    Outcome.SENT: Delivery.SENT,
    Outcome.THROTTLED: Delivery.RETRY,
    Outcome.RETRY: Delivery.RETRY,
    Outcome.STOP: Delivery.RETRY,
    Outcome.BLOCKED: Delivery.BLOCKED,
    Outcome.FAILED: Delivery.FAILED,
    Outcome.OUTSIDE_WINDOW: Delivery.FAILED,
}


def delivery_of(outcome: Outcome) -> Delivery:
    """What a channel's outcome means for a personal message."""
    return _FROM_OUTCOME[outcome]


async def tell(
    d: Deps,
    applicant: Applicant,
    text: str,
    options: Sequence[Option] = (),
    *,
    kind: Kind = Kind.OTHER,
    fields: Sequence[str] = (),
) -> Told:
    """One message to an applicant, on their channel. A 403 (WhatsApp: undeliverable)
    marks them inactive: nothing more is sent to them until they write to the bot again
    (handlers/common.load_locale makes them active). Every attempt is logged by ``kind``
    with its outcome, never its text (bot/storage/message_log.py): staff see it on the
    applicant's card. A channel that is off (no Sender registered) fails the message."""
    channel = contacts.channel_of(applicant.user_id)
    sender = d.senders.get(channel)
    if sender is None:  # the channel switched off (or stopping): nothing can reach them now
        log.info("%s %s message not sent: the channel is off", channel, kind.value)
        told = Told(Delivery.FAILED, error=f"{channel}: off")
    else:
        told = await sender.tell(applicant, text, options, kind=kind, fields=fields)
    at = d.clock.now().astimezone(UTC).isoformat(timespec="seconds")
    outcome = message_log.OUTSIDE_WINDOW if told.outside_window else told.outcome.value
    await message_log.record(d.db, applicant.user_id, kind, outcome, at, told.wa_message_id)
    if told.outside_window:
        d.metrics.whatsapp_outside_window.labels(kind.value).inc()
    if told.outcome is Delivery.BLOCKED and not applicant.inactive:
        await repo.update(d.db, applicant, inactive=True)
    return told
