"""/ekspor [csv|xlsx] [filter]: the applicant list as a file, for admins only."""

from __future__ import annotations

import logging
from html import escape

from telegram import Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import CommandHandler, filters

from bot.domain.recipients import FilterError, parse_filter
from bot.feature import Feature, Group, StaffCommand
from bot.i18n import N_, _
from bot.services import export as export_service
from bot.services.export import ExportFormat
from bot.services.roles import Role
from bot.storage.recipients import filter_sql
from handlers.access import admin_only
from handlers.common import Context, View, deps, number, send, user_id
from handlers.staff import message_text

log = logging.getLogger(__name__)


def parse_args(text: str) -> tuple[ExportFormat, str]:
    """The format (CSV unless the first word says otherwise) and the filter text after it."""
    words = text.split(None, 1)
    if words and words[0].lower() in ("csv", "xlsx", "excel"):
        fmt = ExportFormat.CSV if words[0].lower() == "csv" else ExportFormat.XLSX
        return fmt, words[1] if len(words) > 1 else ""
    return ExportFormat.CSV, text


def filter_error_text(error: FilterError) -> str:
    params = {name: escape(value) for name, value in error.params.items()}
    return _(error.key).format(**params)


@admin_only
async def ekspor(update: Update, context: Context) -> None:
    """/ekspor [csv|xlsx] [filter]."""
    d = deps(context)
    parts = message_text(update).split(None, 1)
    fmt, filter_text = parse_args(parts[1] if len(parts) > 1 else "")
    try:
        chosen = parse_filter(filter_text)
    except FilterError as error:
        await send(update, context, View(filter_error_text(error) + "\n\n" + _("export.usage")))
        return
    where, params = filter_sql(chosen)
    chat = update.effective_chat
    assert chat is not None
    try:
        await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_DOCUMENT)
    except TelegramError:
        log.info("chat action refused")  # only a courtesy
    result = await export_service.export(
        d, user_id(update), fmt, where=where, params=params,
        filter_text="" if chosen.is_everyone else chosen.to_text(),
    )  # fmt: skip
    if result.rows == 0:
        await send(update, context, View(_("export.empty")))
        return
    caption = _("export.caption").format(
        n=number(result.rows),
        filter=escape(chosen.to_text()) if not chosen.is_everyone else _("export.everyone"),
    )
    # Bytes straight from memory: no copy of the personal data is left on the server's disk.
    await context.bot.send_document(
        chat.id, result.data, filename=result.filename, caption=caption
    )


FEATURE = Feature(
    name="export",
    handlers={Group.MAIN: (CommandHandler("ekspor", ekspor, filters=filters.ChatType.PRIVATE),)},
    staff_commands=(StaffCommand("ekspor", N_("staffcmd.ekspor"), Role.ADMIN),),
)
