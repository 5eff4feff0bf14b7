"""/dasbor: a staff member's one-time link to the staff web pages, and the pages' routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html import escape

from telegram import LinkPreviewOptions, Update
from telegram.ext import CommandHandler, filters

from bot.deps import Deps
from bot.feature import App, Feature, Group, StaffCommand
from bot.i18n import N_, _
from bot.services.bulk import Jobs
from bot.services.roles import audit
from bot.web.dashboard import dashboard_route
from bot.web.dashboard.auth import LOGIN_VALID, issue_login
from handlers.access import staff_only
from handlers.common import Context, deps, number, user_id


@staff_only
async def dasbor(update: Update, context: Context) -> None:
    """/dasbor: a link that opens a web session once, within LOGIN_VALID."""
    d = deps(context)
    staff_id = user_id(update)
    url = await issue_login(d, staff_id)
    await audit(d, staff_id, "web_link")
    chat = update.effective_chat
    assert chat is not None
    text = _("web.link").format(
        url=escape(url), minutes=number(int(LOGIN_VALID.total_seconds() // 60))
    )
    # No preview: a preview is fetched by Telegram's servers, which would use up the link.
    await context.bot.send_message(
        chat.id, text, link_preview_options=LinkPreviewOptions(is_disabled=True)
    )


@asynccontextmanager
async def bulk_jobs(app: App, d: Deps) -> AsyncIterator[None]:
    """Bulk jobs started from the web run on the bot's loop; at shut-down a running one
    stops between two people (the page said how far it got)."""
    jobs = d.bulk = Jobs(d)
    try:
        yield
    finally:
        d.bulk = None
        await jobs.close()


FEATURE = Feature(
    name="dashboard",
    handlers={Group.MAIN: (CommandHandler("dasbor", dasbor, filters=filters.ChatType.PRIVATE),)},
    staff_commands=(StaffCommand("dasbor", N_("staffcmd.dasbor")),),
    routes=(dashboard_route(),),
    lifespan=bulk_jobs,
)
