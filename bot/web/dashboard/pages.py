"""The routes under /dasbor: getting in and out, and the pages.

Every page goes through ``staff_page``: who is asking is settled first (session, role, and
for a POST the form token), in that order, before the request's content is looked at.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, Router
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from bot.deps import Deps
from bot.i18n import N_, _, format_number, use_locale
from bot.services import stats
from bot.services.casework import MAX_QUERY_LENGTH, Query, QueryProblem, parse_query
from bot.services.roles import Role, audit
from bot.web.dashboard import auth, bulk_form, csrf, listing
from bot.web.dashboard.auth import COOKIE, LOGIN_PATH, LOGIN_VALID, TOKEN_PATTERN, Staffer
from bot.web.dashboard.render import STATIC, render
from bot.web.dashboard.security import PREFIX, DashboardRoute, SecurityHeaders
from bot.web.dashboard.summary import shape

log = logging.getLogger(__name__)

Endpoint = Callable[[Request, Staffer], Awaitable[Response]]
Guarded = Callable[[Request], Awaitable[Response]]

# (key, path, catalog key, lowest role): the navigation, in its order.
NAV = (
    ("ringkasan", PREFIX, N_("web.nav.summary"), Role.STAFF),
    ("pendaftar", PREFIX + "/pendaftar", N_("web.nav.applicants"), Role.STAFF),
    ("jadwal", PREFIX + "/jadwal", N_("web.nav.schedules"), Role.STAFF),
    ("pengumuman", PREFIX + "/pengumuman", N_("web.nav.broadcasts"), Role.STAFF),
    ("pertanyaan", PREFIX + "/pertanyaan", N_("web.nav.questions"), Role.STAFF),
    ("audit", PREFIX + "/audit", N_("web.nav.audit"), Role.ADMIN),
    ("staf", PREFIX + "/staf", N_("web.nav.staff"), Role.ADMIN),
)


def deps_of(request: Request) -> Deps:
    d = request.app.state.deps
    assert isinstance(d, Deps)
    return d


def page(
    template: str, who: Staffer, active: str, status_code: int = 200, **values: Any
) -> Response:
    nav = [(key, path, _(text)) for key, path, text, role in NAV if who.role >= role]
    return render(template, status_code, who=who, nav=nav, active=active, **values)


def refused(who: Staffer, message: str) -> Response:
    return page("refused.html", who, "", 403, title=_("web.refused.title"), message=message)


def staff_page(role: Role = Role.STAFF) -> Callable[[Endpoint], Guarded]:
    """Session, then role, then (for a POST) the form token; then the page, in the staff
    member's own language."""

    def wrap(endpoint: Endpoint) -> Guarded:
        @wraps(endpoint)
        async def guarded(request: Request) -> Response:
            d = deps_of(request)
            session_id = request.cookies.get(COOKIE)
            who = await auth.staffer(d, session_id) if session_id else None
            if who is None:
                response: Response = RedirectResponse(LOGIN_PATH, status_code=303)
                if request.headers.get("HX-Request") == "true":
                    # A part of a page asking (htmx polling a progress box): the browser's
                    # request would follow a redirect and put the login page inside the
                    # box; htmx sends the whole window to the login page instead.
                    response = Response(status_code=401, headers={"HX-Redirect": LOGIN_PATH})
                if session_id:
                    response.delete_cookie(COOKIE, path=PREFIX)
                return response
            with use_locale(who.locale):
                post = request.method == "POST"
                if post and await csrf.checked_form(request, who.csrf_token) is None:
                    log.warning("web form without the session's token refused")
                    return refused(who, _("web.refused.csrf"))
                if who.role < role:
                    return refused(who, _("web.refused.admins_only"))
                return await endpoint(request, who)

        return guarded

    return wrap


def login_text(key: str) -> str:
    return _(key).format(minutes=format_number(LOGIN_VALID.total_seconds() // 60))


async def login_needed(request: Request) -> Response:
    """Where a visit without a session lands: how to get in."""
    with use_locale(deps_of(request).settings.default_locale):
        return render("login.html", title=_("web.login.title"), message=login_text("web.login.how"))


async def log_in(request: Request) -> Response:
    """A link from /dasbor: open a session, then leave the token's address at once."""
    d = deps_of(request)
    token = str(request.path_params["token"])
    session = await auth.log_in(d, token) if re.fullmatch(TOKEN_PATTERN, token) else None
    if session is None:
        with use_locale(d.settings.default_locale):
            return render(
                "login.html",
                400,
                title=_("web.login.title"),
                message=login_text("web.login.invalid"),
            )
    await audit(d, session.user_id, "web_login")
    response = RedirectResponse(PREFIX, status_code=303)
    response.set_cookie(
        COOKIE, session.session_id, max_age=session.max_age, path=PREFIX,
        secure=auth.cookie_secure(d), httponly=True, samesite="lax",
    )  # fmt: skip
    return response


@staff_page()
async def log_out(request: Request, who: Staffer) -> Response:
    await auth.log_out(deps_of(request), who.session_id)
    response = RedirectResponse(LOGIN_PATH, status_code=303)
    response.delete_cookie(COOKIE, path=PREFIX)
    return response


@staff_page()
async def summary(request: Request, who: Staffer) -> Response:
    d = deps_of(request)
    figures = await stats.gather(d)
    return page("summary.html", who, "ringkasan", title=_("web.nav.summary"), s=shape(figures, d))


@staff_page()
async def applicants(request: Request, who: Staffer) -> Response:
    """The table. A POST is a search: what was typed (a name, a NIK) stays out of the address,
    and the filters of the address still apply to it."""
    d = deps_of(request)
    query = request.query_params
    chosen = listing.parse_listing({key: query.getlist(key) for key in query})
    search_text, problem = "", ""
    search: Query | None = None
    if request.method == "POST":
        form = await request.form()  # already read (and its token checked) by staff_page
        search_text = str(form.get("cari") or "")[: MAX_QUERY_LENGTH + 1]
        parsed = parse_query(search_text)
        if isinstance(parsed, QueryProblem):
            problem = _(f"web.search.{parsed.value}")
        else:
            search = parsed
    result = await listing.fetch(d, chosen, search)
    if search is not None:
        # As /cari: who was found is kept, what was typed never is (it may be a NIK).
        targets = ",".join(r.reg_no for r in result.rows)
        await audit(d, who.user_id, "lookup", targets or None,
                    {"by": search.kind.value, "found": result.total})  # fmt: skip
    elif request.method == "GET":
        await audit(d, who.user_id, "web_list", None,
                    {"rows": len(result.rows), "found": result.total,
                     "filter": chosen.recipient_filter.to_text(), "page": chosen.page})  # fmt: skip
    return page(
        "applicants.html", who, "pendaftar", title=_("web.nav.applicants"), listing=chosen,
        page=result, searching=search is not None, search_text=search_text, problem=problem,
        filter_fields=listing.filter_fields(chosen, await listing.sources(d)),
        bulk=bulk_form.form_values(chosen, search is not None),
    )  # fmt: skip


def coming(active: str, title: str) -> Guarded:
    @staff_page()
    async def soon(request: Request, who: Staffer) -> Response:
        return page("soon.html", who, active, title=_(title), message=_("web.soon"))

    return soon


async def not_found(scope: Scope, receive: Receive, send: Send) -> None:
    """Answered here, not by the bot's app, so that a 404 carries the headers too."""
    await PlainTextResponse("Not Found", status_code=404)(scope, receive, send)


def dashboard_route() -> DashboardRoute:
    """/dasbor and everything under it, with the security headers on every response."""
    # These page modules build on this module's staff_page.
    from bot.web.dashboard import (
        announcements,
        audit_log,
        bulk,
        card,
        exports,
        inbox,
        schedules,
        staff_list,
    )

    router = Router(
        routes=[
            Route(PREFIX, summary, methods=["GET"]),
            Route(LOGIN_PATH, login_needed, methods=["GET"]),
            Route(LOGIN_PATH + "/{token}", log_in, methods=["GET"]),
            Route(PREFIX + "/keluar", log_out, methods=["POST"]),
            Route(PREFIX + "/pendaftar", applicants, methods=["GET", "POST"]),
            *schedules.ROUTES,
            *announcements.ROUTES,
            *inbox.ROUTES,
            *bulk.ROUTES,
            *card.ROUTES,
            *exports.ROUTES,
            *audit_log.ROUTES,
            *staff_list.ROUTES,
            Mount(PREFIX + "/static", app=StaticFiles(directory=STATIC), name="static"),
        ],
        default=not_found,
    )
    return DashboardRoute(SecurityHeaders(router))
