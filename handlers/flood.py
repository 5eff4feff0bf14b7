"""The one "please wait" a person gets when they send faster than anyone can read.

bot/update_processor.py decides what a flood is and calls ``notify_flood`` once per flood;
here only the text is chosen, in the person's language, and sent.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application

from bot.deps import DEPS_KEY, Deps
from bot.i18n import _, locale_from_telegram, use_locale
from bot.storage import applicants as repo


async def notify_flood(app: Application[Any, Any, Any, Any, Any, Any], update: Update) -> None:
    """Tell a flooding person, politely and once, that only their latest message counts."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or chat.type != ChatType.PRIVATE:
        return  # the bot answers in private chats only
    d: Deps = app.bot_data[DEPS_KEY]
    applicant = await repo.get(d.db, user.id)
    if applicant is not None:
        locale = applicant.locale
    else:
        locale = locale_from_telegram(user.language_code, d.settings.default_locale)
    with use_locale(locale):
        text = _("flood.wait")
    await app.bot.send_message(chat.id, text)
