"""Audit (admins): who did what when, newest first, filterable and paged.

The filters are in the address so an admin can share a view: the staff member (their user
id), the action (its stored code), the days (WIB) and a registration number. The form itself
is a POST (with the session's token) answered by a redirect to that address: the number field
is typed, and a NIK typed there by mistake must never become part of an address, so the
server checks it first and only a registration number goes on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.deps import Deps
from bot.domain import reg_no as reg_nos
from bot.domain.dates import format_datetime, stored_moment
from bot.i18n import _, format_number
from bot.services.retention import BOT_ACTOR
from bot.services.roles import Role
from bot.storage import audit_search
from bot.storage.audit_search import AuditQuery
from bot.web.dashboard.auth import Staffer
from bot.web.dashboard.pages import deps_of, page, staff_page
from bot.web.dashboard.security import PREFIX
from handlers.audit_view import audit_sentence

PATH = PREFIX + "/audit"
PAGE_SIZE = 50
MAX_PAGE = 100_000


@dataclass(frozen=True)
class AuditFilter:
    """What the address asks for; what it does not understand is dropped (and said so)."""

    actor: int | None = None
    action: str = ""
    since: date | None = None
    until: date | None = None
    reg_no: str = ""
    page: int = 1
    dropped: bool = False

    def params(self) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        if self.actor is not None:
            pairs.append(("siapa", str(self.actor)))
        if self.action:
            pairs.append(("aksi", self.action))
        if self.since:
            pairs.append(("dari", self.since.isoformat()))
        if self.until:
            pairs.append(("sampai", self.until.isoformat()))
        if self.reg_no:
            pairs.append(("no", self.reg_no))
        if self.page > 1:
            pairs.append(("hal", str(self.page)))
        return pairs

    def address(self, **changes: Any) -> str:
        query = urlencode(replace(self, **changes).params())
        return PATH + (f"?{query}" if query else "")

    @property
    def narrowed(self) -> bool:
        return any(name != "hal" for name, _value in self.params())

    def query(self, tz: ZoneInfo) -> AuditQuery:
        return AuditQuery(
            actor=self.actor, action=self.action or None, reg_no=self.reg_no or None,
            since=_utc_start(self.since, tz) if self.since else None,
            before=_utc_start(self.until + timedelta(days=1), tz) if self.until else None,
        )  # fmt: skip


def _utc_start(day: date, tz: ZoneInfo) -> str:
    """Midnight of a local day, as the log stores times (UTC, ISO 8601, seconds)."""
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC).isoformat(timespec="seconds")


_ACTION_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz_")


def _day(raw: str) -> tuple[date | None, bool]:
    """The day and whether something unreadable was dropped."""
    if not raw:
        return None, False
    try:
        return date.fromisoformat(raw), False
    except ValueError:
        return None, True


def parse_filter(query: Mapping[str, Sequence[str]]) -> AuditFilter:
    def one(name: str) -> str:
        values = query.get(name, ())
        return values[-1].strip() if values else ""

    dropped = False
    actor_text = one("siapa")
    actor = int(actor_text) if actor_text.isdigit() and len(actor_text) <= 16 else None
    dropped |= bool(actor_text) and actor is None
    action = one("aksi")
    if action and (len(action) > 40 or not set(action) <= _ACTION_CHARS):
        action, dropped = "", True
    since, bad_since = _day(one("dari"))
    until, bad_until = _day(one("sampai"))
    number_text = one("no")
    number = reg_nos.normalize(number_text) if number_text else None
    dropped |= bad_since or bad_until or (bool(number_text) and number is None)
    page_text = one("hal") or "1"
    page_no = int(page_text) if page_text.isdigit() and 0 < int(page_text) < MAX_PAGE else 1
    return AuditFilter(
        actor=actor, action=action, since=since, until=until, reg_no=number or "",
        page=page_no, dropped=dropped,
    )  # fmt: skip


def action_label(code: str) -> str:
    key = f"web.audit.action.{code}"
    text = _(key)
    return code if text == key else text


def actor_label(d: Deps, actor_id: int) -> str:
    if actor_id == BOT_ACTOR:
        return _("web.audit.actor.bot")
    if actor_id in d.settings.admin_ids:
        return _("web.audit.actor.admin").format(id=actor_id)
    return str(actor_id)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


async def _choices(d: Deps) -> tuple[list[Choice], list[Choice]]:
    actors = await audit_search.actors(d.db)
    actions = await audit_search.actions(d.db)
    return (
        [Choice(str(a), actor_label(d, a)) for a in actors],
        sorted((Choice(a, action_label(a)) for a in actions), key=lambda c: c.label.lower()),
    )


async def _show(request: Request, who: Staffer, chosen: AuditFilter, problem: str = "") -> Response:
    d = deps_of(request)
    tz = d.settings.timezone
    found = await audit_search.search(
        d.db, chosen.query(tz), limit=PAGE_SIZE, offset=(chosen.page - 1) * PAGE_SIZE
    )
    entries = [
        (
            format_datetime(stored_moment(e.at, tz), who.locale),
            actor_label(d, e.actor_id),
            Markup(audit_sentence(e, tz, who.locale)),  # HTML already: it escapes what it quotes
        )
        for e in found.entries
    ]
    actors, actions = await _choices(d)
    pages = max(1, -(-found.total // PAGE_SIZE))
    return page(
        "audit.html", who, "audit", 400 if problem else 200, title=_("web.nav.audit"),
        entries=entries, total=found.total, pages=pages, chosen=chosen, actors=actors,
        actions=actions, problem=problem,
        count_text=_("web.audit.count").format(n=format_number(found.total)),
    )  # fmt: skip


@staff_page(Role.ADMIN)
async def audit_page(request: Request, who: Staffer) -> Response:
    query = request.query_params
    return await _show(request, who, parse_filter({k: query.getlist(k) for k in query}))


@staff_page(Role.ADMIN)
async def audit_form(request: Request, who: Staffer) -> Response:
    """The filter form: checked here, then a redirect to the address of what it asks."""
    form = await request.form()  # already read (and its token checked) by staff_page
    fields = {name: [str(form.get(name) or "")] for name in ("siapa", "aksi", "dari", "sampai")}
    typed = str(form.get("no") or "").strip()[:40]
    number = reg_nos.normalize(typed) if typed else ""
    chosen = parse_filter(fields)
    if number is None:
        # Shown again on the page, never put in an address: it may be a NIK.
        return await _show(request, who, chosen, _("web.audit.bad_reg_no"))
    chosen = replace(chosen, reg_no=number, page=1)
    return RedirectResponse(chosen.address(), status_code=303)


ROUTES = [
    Route(PATH, audit_page, methods=["GET"]),
    Route(PATH, audit_form, methods=["POST"]),
]
