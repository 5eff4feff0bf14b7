"""The last net: log the failure without personal data, apologise to the person."""

from __future__ import annotations

import logging
import sqlite3

from telegram import Update
from telegram.error import TelegramError

from bot.i18n import _
from handlers.common import Context, callback_answered

log = logging.getLogger(__name__)


def apology(error: BaseException | None) -> str:
    """What the person is told, true to what happened: "your answers are safely stored" only
    when the failure came after the answer was stored (the reply could not be sent), never
    when SQLite itself failed (a full disk, a file it cannot write)."""
    if isinstance(error, sqlite3.Error):
        return _("error.not_saved")
    if isinstance(error, TelegramError):
        return _("error.internal")
    return _("error.internal.plain")


async def on_error(update: object, context: Context) -> None:
    """Log the exception (never the update: it may hold a NIK) and tell the user politely."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("error handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    query = update.callback_query
    # A press is answered once: the handler may have answered it already, and Telegram
    # refuses a second answer (which must not cost the person the apology).
    if query is not None and not callback_answered(update, context):
        try:
            await query.answer()
        except TelegramError as exc:
            log.info("callback answer failed on update %s: %s", update_id, exc)
    try:
        await context.bot.send_message(update.effective_chat.id, apology(context.error))
    except TelegramError:
        log.warning("could not tell the user about the error on update %s", update_id)
