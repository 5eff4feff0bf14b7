"""Staf (admins): who can use the staff commands and these pages, and since when.

Read-only: staff are added and removed with /staf in the bot, where the person's Telegram
account is at hand; removing someone there ends their web sessions at once.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.domain.dates import format_datetime, stored_moment
from bot.i18n import _
from bot.services.roles import Role
from bot.storage import staff as staff_repo
from bot.web.dashboard.auth import Staffer
from bot.web.dashboard.pages import deps_of, page, staff_page
from bot.web.dashboard.security import PREFIX

PATH = PREFIX + "/staf"


@staff_page(Role.ADMIN)
async def staff_list(request: Request, who: Staffer) -> Response:
    d = deps_of(request)
    tz = d.settings.timezone
    members = [
        (m.user_id, format_datetime(stored_moment(m.added_at, tz), who.locale), m.added_by)
        for m in await staff_repo.members(d.db)
    ]
    return page(
        "staff_list.html", who, "staf", title=_("web.nav.staff"),
        admins=sorted(d.settings.admin_ids), members=members,
    )  # fmt: skip


ROUTES = [Route(PATH, staff_list, methods=["GET"])]
