"""Ekspor on Pendaftar: the rows the table shows, as CSV or XLSX, for admins (as /ekspor).

The file is the bot's own (bot/services/export.py: the same columns, the same defusing of
typed text, the same audit action "export"); only which rows and in which order come from the
table's address. /ekspor is for admins only and its file holds every answer (the health
answers too), so here as well: other staff do not see the buttons, and a request of theirs
is refused. The buttons are a POST form (with the session's token): a search result is
exported by sending what was typed again in the form's body, never in an address.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.i18n import _
from bot.services import export as export_service
from bot.services.casework import MAX_QUERY_LENGTH, Query, QueryProblem, parse_query
from bot.services.export import ExportFormat
from bot.services.roles import AuditDetail, Role
from bot.web.dashboard import listing
from bot.web.dashboard.auth import Staffer
from bot.web.dashboard.pages import deps_of, page, staff_page
from bot.web.dashboard.security import PREFIX

log = logging.getLogger(__name__)

PATH = PREFIX + "/pendaftar/ekspor"


def scope(chosen: listing.Listing, search: Query | None) -> AuditDetail:
    """What narrowed the rows besides the bot's filter words: codes and days, no typed text."""
    detail: dict[str, str | int | bool] = {}
    if chosen.pool:
        detail["pool"] = chosen.pool
    if chosen.source:
        detail["source"] = chosen.source
    if chosen.since:
        detail["since"] = chosen.since.isoformat()
    if chosen.until:
        detail["until"] = chosen.until.isoformat()
    if search is not None:
        detail["by"] = search.kind.value  # as the search's own "lookup" entry: how, not what
    return detail


def order_by(chosen: listing.Listing) -> str:
    """The table's own order, so the file reads as the pages do."""
    direction = "DESC" if chosen.descending else "ASC"
    return f"{listing.SORTS[chosen.sort]} {direction}, reg_no {direction}"


def disposition(filename: str) -> str:
    # The name is ours (pendaftar-YYYYMMDD-HHMM.xlsx), ASCII; filename* for any browser that
    # prefers it.
    return f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"


@staff_page(Role.ADMIN)
async def export(request: Request, who: Staffer) -> Response:
    """POST (the form carries the session's token): the address's filter and order, and the
    search typed in the body if there was one."""
    d = deps_of(request)
    form = await request.form()  # already read (and its token checked) by staff_page
    try:
        fmt = ExportFormat(str(form.get("format") or ""))
    except ValueError:
        return page("refused.html", who, "pendaftar", 400, title=_("web.export.title"),
                    message=_("web.export.bad_format"))  # fmt: skip
    query = request.query_params
    chosen = listing.parse_listing({key: query.getlist(key) for key in query})
    search: Query | None = None
    search_text = str(form.get("cari") or "")[: MAX_QUERY_LENGTH + 1]
    if search_text.strip():
        parsed = parse_query(search_text)
        if isinstance(parsed, QueryProblem):
            return page("refused.html", who, "pendaftar", 400, title=_("web.export.title"),
                        message=_(f"web.search.{parsed.value}"))  # fmt: skip
        search = parsed
    where, params = listing.where(chosen, d.settings.timezone, search)
    recipients = chosen.recipient_filter
    result = await export_service.export(
        d, who.user_id, fmt, where=where, params=params,
        filter_text="" if recipients.is_everyone else recipients.to_text(),
        order=order_by(chosen), scope=scope(chosen, search),
    )  # fmt: skip
    log.info("web export: %s, %d rows", fmt.value, result.rows)
    return Response(
        result.data,
        media_type=result.mime_type,
        headers={"Content-Disposition": disposition(result.filename)},
    )


ROUTES = [Route(PATH, export, methods=["POST"])]
