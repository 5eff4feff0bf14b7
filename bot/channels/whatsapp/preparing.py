"""What a resident who writes on WhatsApp is told while the conversation speaks only
Telegram: that WhatsApp registration is being prepared, and where to register now.

Why answer at all: Meta's webhook and number must be set up and verified before the
WhatsApp conversation opens, and a number that is live gets messages; silence would leave
a resident waiting for nothing. One answer per person a day (kept in memory only), none to
a reaction, and only inside the 24-hour window Meta opens with their message.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.channels.incoming import Incoming, Kind
from bot.channels.whatsapp.client import WhatsAppClient
from bot.clock import Clock
from bot.i18n import gettext as _
from bot.i18n import use_locale

log = logging.getLogger(__name__)

ONCE_PER = timedelta(hours=24)


class PreparingReply:
    def __init__(self, client: WhatsAppClient, clock: Clock, locale: str, telegram: str) -> None:
        self.client = client
        self.clock = clock
        self.locale = locale
        self.telegram = telegram  # the bot's t.me link
        self._told: dict[str, datetime] = {}

    async def __call__(self, incoming: Incoming) -> None:
        if incoming.kind is Kind.REACTION:
            return
        now = self.clock.now()
        told = self._told.get(incoming.sender)
        if told is not None and now - told < ONCE_PER:
            return
        self._forget_before(now - ONCE_PER)
        with use_locale(self.locale):
            text = _("whatsapp.preparing").format(telegram=self.telegram)
        delivery = await self.client.text(incoming.sender, text)
        if delivery.sent:
            self._told[incoming.sender] = now
        else:
            log.info("the WhatsApp preparing answer was not sent: %s", delivery.outcome.value)

    def _forget_before(self, moment: datetime) -> None:
        for sender in [s for s, at in self._told.items() if at < moment]:
            del self._told[sender]
