"""The WhatsApp channel as one of the bot's features: its webhook route and its lifespan.

Off unless WhatsApp is configured (bot/config.py): the lifespan then starts nothing and the
route answers 404. On, the lifespan starts the client and the channel before the HTTP
server takes requests, and stops them after it closed, having finished what was taken.
Each resident's message goes to the conversation (conversation.py); a question for staff is
relayed into the Telegram staff group (bot/channels/telegram/question_relay.py).
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from bot.channels.telegram import question_relay
from bot.channels.telegram.alerts import times
from bot.channels.whatsapp import webhook
from bot.channels.whatsapp.channel import WhatsAppChannel
from bot.channels.whatsapp.client import Delivery, WhatsAppClient
from bot.channels.whatsapp.conversation import WhatsAppConversation
from bot.channels.whatsapp.outbound import WhatsAppSender
from bot.channels.whatsapp.screens import Screens
from bot.deps import Deps
from bot.feature import App, Feature
from bot.i18n import _
from bot.services import applicant_desk
from bot.storage.contacts import WHATSAPP
from bot.storage.questions import Question


@asynccontextmanager
async def whatsapp_channel(app: App, d: Deps) -> AsyncIterator[None]:
    if not d.settings.whatsapp_enabled:
        yield
        return
    client = WhatsAppClient.from_settings(d.settings)
    client.on_stop = stop_alert(d)

    async def tell_promoted(user_id: int) -> None:
        await applicant_desk.tell_promoted(d, user_id)

    async def to_staff(question: Question, first_name: str | None) -> bool:
        # Staff answer questions in the Telegram staff group, whichever channel asked.
        return await question_relay.relay_in(d, app.bot, question, first_name)

    screens = Screens()  # what each resident has on screen: replies and personal messages
    conversation = WhatsAppConversation(d, client, tell_promoted, screens, to_staff)
    channel = WhatsAppChannel(d, app, client, conversation, screens=screens)
    await channel.start()
    d.whatsapp = channel
    d.senders[WHATSAPP] = WhatsAppSender(d, client)  # personal messages (bot/services/notify.py)
    try:
        yield
    finally:
        d.senders.pop(WHATSAPP, None)
        d.whatsapp = None
        await channel.stop()


def stop_alert(d: Deps) -> Callable[[Delivery], None]:
    """Meta refuses every message (a token expired or revoked, the account locked or
    unpaid): nothing reaches WhatsApp residents until a person fixes it, so the admins are
    alerted, once per ALERT_EVERY for each of Meta's codes, like any other failure."""
    sending: set[asyncio.Task[None]] = set()

    def alert(delivery: Delivery) -> None:
        if d.alerts is None:
            return
        code = "-" if delivery.code is None else str(delivery.code)
        reason = html.escape(delivery.error)

        def render(count: int) -> str:
            return f"{_('alert.whatsapp_stopped').format(code=code, reason=reason)}\n{times(count)}"

        task = asyncio.get_running_loop().create_task(
            d.alerts.send(("whatsapp_stopped", code), render)
        )
        sending.add(task)
        task.add_done_callback(sending.discard)

    return alert


FEATURE = Feature(name="whatsapp", lifespan=whatsapp_channel, routes=webhook.routes())
