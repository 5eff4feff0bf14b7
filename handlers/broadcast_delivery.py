"""The Telegram side of the broadcast sender (bot/services/broadcast.py): how one announcement
reaches one person, how progress and reports reach staff, and the lifespan that owns the
sender while the bot runs.

The sender itself knows nothing of Telegram; it is given ``deliverer(bot)`` to send and a
``TelegramReporter`` to report, both built here, and WhatsApp's lane
(bot/channels/whatsapp/announcements.py) for the residents who registered there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, ExtBot

from bot.channels.telegram.errors import classify
from bot.channels.whatsapp import announcements as whatsapp_announcements
from bot.deps import Deps
from bot.i18n import _, use_locale
from bot.rate_limit import Lane
from bot.services.broadcast import Broadcaster, Deliver, SendFn
from bot.services.broadcast_actions import sender
from bot.services.delivery import Outcome, Verdict
from bot.services.roles import is_staff, staff_locale
from bot.storage import broadcasts as store
from bot.storage.broadcasts import Broadcast, OutboxCounts, OutboxItem
from handlers.broadcast_views import (
    catalog_footer,
    final_text,
    progress_text,
    stop_markup,
    with_footer,
)

log = logging.getLogger(__name__)


async def send_content(
    bot: ExtBot[Any], chat_id: int, b: Broadcast, footer_text: str, lane: Lane = Lane.REPLY
) -> Message:
    """The announcement as recipients see it: text, or a photo or document by file_id.
    ``lane`` BULK for the recipients (they wait behind replies), REPLY for a staff preview."""
    body = with_footer(b.text, footer_text)
    if b.content_type == "photo":
        return await bot.send_photo(
            chat_id, photo=b.file_id or "", caption=body, rate_limit_args=lane
        )
    if b.content_type == "document":
        return await bot.send_document(
            chat_id, document=b.file_id or "", caption=body, rate_limit_args=lane
        )
    return await bot.send_message(chat_id, body, rate_limit_args=lane)


def raising(send: SendFn) -> Deliver:
    """A Deliver over a send that raises PTB's errors: each read through Telegram's table
    (bot/channels/telegram/errors.py)."""

    async def deliver(broadcast: Broadcast, item: OutboxItem) -> Verdict:
        try:
            await send(broadcast, item)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # every failure goes through the table
            return classify(exc)
        return Verdict(Outcome.SENT)

    return deliver


def deliverer(bot: ExtBot[Any]) -> Deliver:
    """The sender's Telegram lane: one announcement to one person, footer in their language."""

    async def send(b: Broadcast, item: OutboxItem) -> None:
        await send_content(bot, item.user_id, b, catalog_footer(item.locale), Lane.BULK)

    return raising(send)


class TelegramReporter:
    """Progress in one edited message; the final report; notices to admins."""

    def __init__(self, bot: Bot, d: Deps) -> None:
        self.bot = bot
        self.d = d
        self._shown: dict[int, str] = {}  # broadcast id -> text on screen now

    async def show_message(
        self, b: Broadcast, text: str, markup: InlineKeyboardMarkup | None
    ) -> None:
        """Edit the progress message (a new one if it is gone); never an identical edit."""
        # Telegram answers 400 "message is not modified" to an identical edit: skip it.
        if self._shown.get(b.id) == text:
            return
        if b.progress_chat_id is not None and b.progress_message_id is not None:
            try:
                await self.bot.edit_message_text(
                    text,
                    chat_id=b.progress_chat_id,
                    message_id=b.progress_message_id,
                    reply_markup=markup,
                )
                self._shown[b.id] = text
                return
            except BadRequest as exc:
                if "not modified" in str(exc).lower():
                    self._shown[b.id] = text
                    return
                log.info("broadcast %s: progress message gone (%s), sending anew", b.id, exc)
        message = await self.bot.send_message(b.created_by, text, reply_markup=markup)
        await store.set_progress_message(self.d.db, b.id, message.chat_id, message.message_id)
        b.progress_chat_id, b.progress_message_id = message.chat_id, message.message_id
        self._shown[b.id] = text

    async def started(self, broadcast: Broadcast) -> None:
        """A scheduled broadcast began: its progress message, as a new message."""
        if not await is_staff(self.d, broadcast.created_by):
            return
        figures = await store.counts(self.d.db, broadcast.id)
        with use_locale(broadcast.locale):
            text = _("broadcast.started").format(id=broadcast.id) + "\n\n"
            text += progress_text(broadcast, figures, None)
            markup = stop_markup(broadcast)
        broadcast.progress_message_id = None  # a new message, so that it notifies
        await self.show_message(broadcast, text, markup)

    async def progress(
        self, broadcast: Broadcast, figures: OutboxCounts, eta_seconds: float | None
    ) -> None:
        """Edit the progress message with the figures of now."""
        with use_locale(broadcast.locale):
            text = progress_text(broadcast, figures, eta_seconds)
            markup = stop_markup(broadcast)
        try:
            await self.show_message(broadcast, text, markup)
        except Forbidden:
            log.info("broadcast %s: its creator blocked the bot", broadcast.id)

    async def finished(
        self, broadcast: Broadcast, figures: OutboxCounts, seconds: float, *, to_admins: bool
    ) -> None:
        """The final report, to the creator or (creator no longer staff) to the admins."""
        if not to_admins:
            with use_locale(broadcast.locale):
                text = final_text(broadcast, figures, seconds)
                notice = _("broadcast.final.notice").format(id=broadcast.id)
            try:
                await self.show_message(broadcast, text, None)
                await self.bot.send_message(broadcast.created_by, notice)
            except TelegramError as exc:
                log.warning("broadcast %s: final report not delivered: %s", broadcast.id, exc)
            return
        for admin in sorted(self.d.settings.admin_ids):
            with use_locale(await staff_locale(self.d, admin)):
                text = _("broadcast.final.to_admins").format(creator=broadcast.created_by)
                text += "\n\n" + final_text(broadcast, figures, seconds)
            try:
                await self.bot.send_message(admin, text)
            except TelegramError as exc:
                log.warning("broadcast %s: report to an admin failed: %s", broadcast.id, exc)

    async def creator_removed(self, broadcast: Broadcast) -> None:
        """Tell the admins that a removed staff member's broadcast still runs."""
        for admin in sorted(self.d.settings.admin_ids):
            with use_locale(await staff_locale(self.d, admin)):
                text = _("broadcast.creator_removed").format(
                    id=broadcast.id, creator=broadcast.created_by
                )
            try:
                await self.bot.send_message(admin, text)
            except TelegramError as exc:
                log.warning("broadcast %s: notice to an admin failed: %s", broadcast.id, exc)


broadcaster = sender  # the handlers' name for it


@asynccontextmanager
async def broadcaster_lifespan(
    app: Application[Any, Any, Any, Any, Any, Any], d: Deps
) -> AsyncIterator[None]:
    """The sender while the bot runs: at start it resumes unfinished broadcasts and arms the
    scheduled ones; at the end it lets the sends in flight finish (the rest waits for the
    next start)."""
    sender = Broadcaster(
        d,
        deliverer(app.bot),
        TelegramReporter(app.bot, d),
        channels={"whatsapp": whatsapp_announcements.lane(d)},
    )
    d.broadcaster = sender
    try:
        await sender.start()  # a failure half-way still stops what it launched
        yield
    finally:
        d.broadcaster = None
        await sender.stop()
