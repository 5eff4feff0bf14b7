"""/berhenti and /lanjut on Telegram: a resident turns announcements and reminders off and
on again (decided in bot/conversation/account.py, shown here).

Only announcements (/umumkan) and reminders stop. Stage changes and schedule notices are
personal service about the resident's own application and still go out; the confirmation
says so before anything changes.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import callbacks as cb
from bot.conversation import account
from bot.feature import Feature, Group
from handlers.common import Context, applicant_of, deps, user_id
from handlers.registration import deliver


async def berhenti(update: Update, context: Context) -> None:
    """/berhenti: what stops and what does not, then a confirm button."""
    applicant = await applicant_of(update, context)
    await deliver(update, context, await account.stop_ask(deps(context), applicant))


async def on_optout(update: Update, context: Context) -> None:
    """Stop announcements and reminders, or keep them."""
    query = update.callback_query
    assert query is not None
    applicant = await applicant_of(update, context)
    reply = await account.chosen(deps(context), user_id(update), applicant, query.data or "")
    await deliver(update, context, reply)


async def lanjut(update: Update, context: Context) -> None:
    """/lanjut: announcements and reminders on again."""
    applicant = await applicant_of(update, context)
    await deliver(update, context, await account.resume(deps(context), applicant))


_PRIVATE = filters.ChatType.PRIVATE

FEATURE = Feature(
    name="optout",
    handlers={
        Group.MAIN: (
            CommandHandler(["berhenti", "stop"], berhenti, filters=_PRIVATE),
            CommandHandler(["lanjut", "resume"], lanjut, filters=_PRIVATE),
            CallbackQueryHandler(on_optout, pattern=cb.OptOutConfirm.matches),
        ),
    },
)
