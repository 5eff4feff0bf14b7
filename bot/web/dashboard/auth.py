"""Getting in: one-time login links sent by /dasbor, and the browser sessions they open.

The link's token and the session id are 256 random bits each; the database keeps only their
hashes (bot/storage/web_sessions.py). Who a session belongs to is checked against the staff
list on every request: a staff member removed from it loses every open session at once.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.deps import Deps
from bot.services.roles import Role, now_iso, role_of, staff_locale
from bot.storage import web_sessions as repo

log = logging.getLogger(__name__)

LOGIN_VALID = timedelta(minutes=10)
COOKIE = "dasbor_sesi"
LOGIN_PATH = "/dasbor/masuk"
# What a login link's token looks like (secrets.token_urlsafe(32)); anything else is not one.
TOKEN_PATTERN = r"[A-Za-z0-9_-]{43}"


@dataclass(frozen=True)
class Staffer:
    """The staff member behind a request, as of this request."""

    user_id: int
    role: Role
    locale: str
    csrf_token: str
    session_id: str

    @property
    def is_admin(self) -> bool:
        return self.role >= Role.ADMIN


def login_url(d: Deps, token: str) -> str:
    return f"{d.settings.web_base_url}{LOGIN_PATH}/{token}"


def cookie_secure(d: Deps) -> bool:
    return d.settings.web_base_url.startswith("https://")


async def issue_login(d: Deps, user_id: int) -> str:
    """A new one-time login link for this staff member."""
    token = secrets.token_urlsafe(32)
    now = d.clock.now()
    await repo.add_login(d.db, token, user_id, at=now_iso(d), expires_at=_iso(now + LOGIN_VALID))
    return login_url(d, token)


@dataclass(frozen=True)
class NewSession:
    user_id: int
    session_id: str
    max_age: int  # seconds, for the cookie


async def log_in(d: Deps, token: str) -> NewSession | None:
    """Trade a link's token for a session; None when the link is unknown, used, expired, or
    its staff member has lost the role since."""
    user_id = await repo.take_login(d.db, token, at=now_iso(d))
    if user_id is None or await role_of(d, user_id) < Role.STAFF:
        return None
    session_id = secrets.token_urlsafe(32)
    lasts = timedelta(hours=d.settings.web_session_hours)
    await repo.open_session(
        d.db, session_id, user_id, secrets.token_urlsafe(32),
        at=now_iso(d), expires_at=_iso(d.clock.now() + lasts),
    )  # fmt: skip
    return NewSession(user_id, session_id, int(lasts.total_seconds()))


async def staffer(d: Deps, session_id: str) -> Staffer | None:
    """Who holds this session now; None when it is unknown, ended or expired, or when its
    staff member is no longer staff (then every session of theirs ends)."""
    session = await repo.find_session(d.db, session_id, at=now_iso(d))
    if session is None:
        return None
    role = await role_of(d, session.user_id)
    if role < Role.STAFF:
        await repo.end_sessions_of(d.db, session.user_id, at=now_iso(d))
        log.info("web sessions ended: the role was taken away")
        return None
    locale = await staff_locale(d, session.user_id)
    return Staffer(session.user_id, role, locale, session.csrf_token, session_id)


async def log_out(d: Deps, session_id: str) -> None:
    await repo.end_session(d.db, session_id, at=now_iso(d))


def _iso(moment: datetime) -> str:
    """As stored timestamps are written (bot/services/roles.py now_iso)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")
