"""The last net: log the failure without personal data, apologise to the person, and alert
the admins (bot/channels/telegram/alerts.py) when the failure is the bot's own.

PTB brings here every exception a handler raised and every one a JobQueue job raised (then
``context.job`` is the job and there is no update)."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, CommandHandler

from bot.i18n import _
from handlers.common import Context, callback_answered, deps

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


def is_bot_fault(error: BaseException | None) -> bool:
    """Whether an admin should hear of it: not Telegram being away (bot/http.py logs the
    outage once), a throttle the rate limiter could not absorb, or a person who blocked the
    bot while it answered. BadRequest (a NetworkError to PTB) is the bot's own mistake."""
    if error is None or isinstance(error, Forbidden | RetryAfter):
        return False
    return isinstance(error, BadRequest) or not isinstance(error, NetworkError)


def known_command(text: str | None, app: Application[Any, Any, Any, Any, Any, Any]) -> str | None:
    """The command a message began with, if the bot has a handler for it: only a word from
    the bot's own list ever reaches an alert ("/3673..." is a NIK, not a command)."""
    if not text or not text.startswith("/"):
        return None
    word = text[1:].split(maxsplit=1)[0].split("@")[0].lower() if len(text) > 1 else ""
    for handlers in app.handlers.values():
        for handler in handlers:
            if isinstance(handler, CommandHandler) and word in handler.commands:
                return word
    return None


def where(update: object, context: Context) -> str:
    """Where the failure happened, as alerts.Failure.where: words that hold no personal data."""
    if context.job is not None:
        # The callback's name: a job's own name may carry an id ("reminder:42"), one kind each.
        return f"job:{getattr(context.job.callback, '__name__', 'job')}"
    if not isinstance(update, Update):
        return "update"
    if update.callback_query is not None:
        return "button"
    message = update.effective_message
    if message is None:
        return "update"
    command = known_command(message.text or message.caption, context.application)
    return f"command:/{command}" if command else "message"


async def on_error(update: object, context: Context) -> None:
    """Log the exception (never the update: it may hold a NIK), alert the admins, and tell
    the user politely."""
    error = context.error
    if context.job is not None:
        log.error("error in job %s", getattr(context.job.callback, "__name__", "?"), exc_info=error)
    else:
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("error handling update %s", update_id, exc_info=error)
    alerts = deps(context).alerts
    due = None
    if alerts is not None and error is not None and is_bot_fault(error):
        due = alerts.count_error(error, where(update, context))  # counted before the reply
    await apologise(update, context)  # the person is waiting; the admins' alert can follow
    if alerts is not None and due is not None:
        await alerts.deliver(due)


async def apologise(update: object, context: Context) -> None:
    """Tell the person something went wrong (answering their button press first)."""
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    query = update.callback_query
    # A press is answered once: the handler may have answered it already, and Telegram
    # refuses a second answer (which must not cost the person the apology).
    if query is not None and not callback_answered(update, context):
        try:
            await query.answer()
        except TelegramError as exc:
            log.info("callback answer failed on update %s: %s", update.update_id, exc)
    try:
        await context.bot.send_message(update.effective_chat.id, apology(context.error))
    except TelegramError:
        log.warning("could not tell the user about the error on update %s", update.update_id)
