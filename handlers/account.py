"""The resident's own data and settings on Telegram: /status, /data, /hapus, /bahasa,
/bantuan, /info. What they say is decided in bot/conversation/account.py (the same for every
channel); this adapter shows it, and adds what only Telegram has: the "Tanya petugas" button,
the staff commands in /bantuan, a staff member's command menu following their language."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import callbacks as cb
from bot.channels.telegram.menus import apply_menu
from bot.conversation import account
from bot.conversation.reply import new
from bot.conversation.views import View as NeutralView
from bot.feature import Feature, Group, StaffCommand
from bot.i18n import _
from bot.services.roles import Role, is_staff, role_of
from handlers.common import Context, View, applicant_of, deps, send, user_id
from handlers.questions import ask_staff_markup
from handlers.registration import current_view, deliver


async def status(update: Update, context: Context) -> None:
    """/status: registration number, stage, verdict, place in the quota and the next step."""
    d = deps(context)
    applicant = await applicant_of(update, context)
    reply = await account.status(d, applicant)
    # A question about a submitted registration may go to staff.
    submitted = applicant is not None and applicant.submitted
    await deliver(update, context, reply, under=ask_staff_markup(d) if submitted else None)


async def data(update: Update, context: Context) -> None:
    """/data: everything stored about me."""
    applicant = await applicant_of(update, context)
    await deliver(update, context, await account.data(deps(context), applicant))


async def hapus(update: Update, context: Context) -> None:
    """/hapus: delete my data, after a confirmation."""
    applicant = await applicant_of(update, context)
    reply = await account.delete_ask(deps(context), user_id(update), applicant)
    await deliver(update, context, reply)


async def on_button(update: Update, context: Context) -> None:
    """Delete my data or keep it; Indonesia / English."""
    d = deps(context)
    query = update.callback_query
    assert query is not None
    me = user_id(update)
    applicant = await applicant_of(update, context)
    reply = await account.chosen(d, me, applicant, query.data or "")
    language = cb.LanguagePick.parse(query.data)
    if language is not None and reply.shown and await is_staff(d, me):
        await apply_menu(context.bot, d, me)  # their own command menu follows the language
    await deliver(update, context, reply)


async def bahasa(update: Update, context: Context) -> None:
    """/bahasa: Indonesia / English."""
    await deliver(update, context, account.language_ask())


async def bantuan(update: Update, context: Context) -> None:
    """/bantuan: the commands and how to reach people; staff also see their own commands."""
    d = deps(context)
    reply = account.help_text(d)
    role = await role_of(d, user_id(update))
    if role >= Role.STAFF:
        resident = (shown.view.text for shown in reply.shown)
        reply = new(NeutralView("\n\n".join([staff_help(d.staff_commands, role), *resident])))
    await deliver(update, context, reply, under=ask_staff_markup(d))


def staff_help(commands: Sequence[StaffCommand], role: Role) -> str:
    """The staff commands this role may use, in the staff menu's order."""
    mine = sorted((c for c in commands if role >= c.role), key=lambda c: c.role)
    title = _("help.admin_title") if role is Role.ADMIN else _("help.staff_title")
    return "\n".join([title, *(f"/{c.name} – {_(c.description)}" for c in mine)])


async def info(update: Update, context: Context) -> None:
    """/info: the programme, the quotas and KUR PMI."""
    await deliver(update, context, await account.info(deps(context)))


async def unknown_command(update: Update, context: Context) -> None:
    """Any command nobody handles (staff commands included, for non-staff)."""
    applicant = await applicant_of(update, context)
    notice = _("error.unknown_command")
    if applicant is not None and applicant.step is not None:
        await send(update, context, current_view(deps(context), applicant, notice))
    else:
        await send(update, context, View(notice))


_PRIVATE = filters.ChatType.PRIVATE

FEATURE = Feature(
    name="account",
    handlers={
        Group.MAIN: (
            CommandHandler("status", status, filters=_PRIVATE),
            CommandHandler("data", data, filters=_PRIVATE),
            CommandHandler("hapus", hapus, filters=_PRIVATE),
            CommandHandler("bahasa", bahasa, filters=_PRIVATE),
            CommandHandler(["bantuan", "help"], bantuan, filters=_PRIVATE),
            CommandHandler("info", info, filters=_PRIVATE),
            CallbackQueryHandler(on_button, pattern=cb.DeleteConfirm.matches),
            CallbackQueryHandler(on_button, pattern=cb.LanguagePick.matches),
        ),
    },
    # Any command nobody took, after every feature's own.
    fallbacks=(MessageHandler(_PRIVATE & filters.COMMAND, unknown_command),),
)
