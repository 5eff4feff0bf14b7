"""/berhenti and /lanjut: a resident turns announcements and reminders off and on again.

Only announcements (/umumkan) and reminders stop. Stage changes and schedule notices are
personal service about the resident's own application and still go out; the confirmation
says so before anything changes.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import callbacks as cb
from bot.deps import deps
from bot.feature import Feature, Group
from bot.i18n import _
from bot.storage import applicants as repo
from handlers.common import (
    Context,
    View,
    answer_callback,
    applicant_of,
    button,
    keyboard,
    pressed,
    send,
    show,
)


async def berhenti(update: Update, context: Context) -> None:
    """/berhenti: what stops and what does not, then a confirm button."""
    applicant = await applicant_of(update, context)
    if applicant is None:
        await send(update, context, View(_("optout.not_registered")))
        return
    if applicant.opted_out:
        await send(update, context, View(_("optout.already")))
        return
    confirm = keyboard(
        [
            button(_("optout.btn.stop"), cb.OptOutConfirm(confirmed=True)),
            button(_("optout.btn.keep"), cb.OptOutConfirm(confirmed=False)),
        ]
    )
    await send(update, context, View(_("optout.confirm"), confirm))


async def on_optout(update: Update, context: Context) -> None:
    """Stop announcements and reminders, or keep them."""
    d = deps(context)
    answer_callback(update, context)
    choice = pressed(update, cb.OptOutConfirm)
    if choice is None or not choice.confirmed:
        await show(update, context, View(_("optout.kept")))
        return
    applicant = await applicant_of(update, context)
    if applicant is None:  # deleted their data meanwhile
        await show(update, context, View(_("optout.not_registered")))
        return
    if not applicant.opted_out:
        await repo.update(d.db, applicant, opted_out=True)
    await show(update, context, View(_("optout.done")))


async def lanjut(update: Update, context: Context) -> None:
    """/lanjut: announcements and reminders on again."""
    d = deps(context)
    applicant = await applicant_of(update, context)
    if applicant is None:
        await send(update, context, View(_("optout.not_registered")))
        return
    if not applicant.opted_out:
        await send(update, context, View(_("optout.not_stopped")))
        return
    await repo.update(d.db, applicant, opted_out=False)
    await send(update, context, View(_("optout.resumed")))


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
