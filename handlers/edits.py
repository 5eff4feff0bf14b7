"""Edited messages run nothing.

PTB hands an ``edited_message`` to every CommandHandler and MessageHandler as if it were new:
editing an old "/tahap SRG-… terverifikasi" into "… tidak_lolos" would move the applicant
again, an edited /catatan would store the note twice, and a resident's edited old answer
would be taken as the answer to the question on screen now. So one handler, in the first
group of all, takes every edit and stops it there. In a private chat the person is told,
once for a run of edits, to send the correction as a new message; in a group the bot says
nothing, as everywhere in groups.
"""

from __future__ import annotations

import contextlib
import time

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, MessageHandler, filters

from bot.feature import Feature, Group
from bot.i18n import _, locale_from_telegram, use_locale
from bot.storage import applicants as repo
from handlers.common import Context, deps

# One notice per person in this many seconds: a burst of edits gets one answer, not one each.
NOTICE_EVERY = 30 * 60
_NOTICED_KEY = "edits.noticed"
_NOTICED_MAX = 10_000


async def on_edited(update: Update, context: Context) -> None:
    """An edited message or post: nothing runs; a person in a private chat is told once."""
    message, user = update.effective_message, update.effective_user
    private = message is not None and message.chat.type == ChatType.PRIVATE
    if private and user is not None and _first_in_a_while(context, user.id):
        await _tell(context, user.id, user.language_code)
    raise ApplicationHandlerStop


def _first_in_a_while(context: Context, user_id: int) -> bool:
    noticed: dict[int, float] = context.bot_data.setdefault(_NOTICED_KEY, {})
    now = time.monotonic()
    last = noticed.get(user_id)
    if last is not None and now - last < NOTICE_EVERY:
        return False
    if len(noticed) >= _NOTICED_MAX:  # forget the old ones rather than grow without end
        for uid in [u for u, at in noticed.items() if now - at >= NOTICE_EVERY]:
            del noticed[uid]
        if len(noticed) >= _NOTICED_MAX:
            noticed.clear()
    noticed[user_id] = now
    return True


async def _tell(context: Context, user_id: int, language_code: str | None) -> None:
    d = deps(context)
    locale = await repo.stored_locale(d.db, user_id)
    with use_locale(locale or locale_from_telegram(language_code, d.settings.default_locale)):
        text = _("edit.ignored")
    with contextlib.suppress(TelegramError):  # a courtesy: the edit is ignored either way
        await context.bot.send_message(user_id, text)


FEATURE = Feature(
    name="edits",
    handlers={Group.EDITED: [MessageHandler(filters.UpdateType.EDITED, on_edited)]},
)
