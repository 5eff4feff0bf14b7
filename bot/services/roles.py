"""Who may do what: admins come from ADMIN_IDS, staff are granted by admins and stored."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC
from enum import IntEnum, StrEnum

from bot.deps import Deps
from bot.storage import applicants as applicants_repo
from bot.storage import staff as staff_repo


class Role(IntEnum):
    RESIDENT = 0
    STAFF = 1
    ADMIN = 2


async def role_of(d: Deps, user_id: int) -> Role:
    if user_id in d.settings.admin_ids:
        return Role.ADMIN
    if await staff_repo.is_staff(d.db, user_id):
        return Role.STAFF
    return Role.RESIDENT


async def is_staff(d: Deps, user_id: int) -> bool:
    """Staff or admin: may use the staff commands."""
    return await role_of(d, user_id) >= Role.STAFF


async def is_admin(d: Deps, user_id: int) -> bool:
    return await role_of(d, user_id) is Role.ADMIN


async def staff_locale(d: Deps, user_id: int) -> str:
    """The language to write to a staff member in: their /bahasa choice, else the default."""
    return await applicants_repo.stored_locale(d.db, user_id) or d.settings.default_locale


def now_iso(d: Deps) -> str:
    """The injected clock's time as stored timestamps are written (UTC, ISO 8601)."""
    return d.clock.now().astimezone(UTC).isoformat(timespec="seconds")


AuditDetail = Mapping[str, str | int | bool]


async def audit(
    d: Deps,
    actor_id: int,
    action: str,
    target: str | None = None,
    detail: AuditDetail | None = None,
) -> None:
    """One staff action in the audit log, at the injected clock's time.

    ``detail`` is stored as JSON with codes, counts and UTC times (machine-readable; never a
    NIK or phone number): /audit turns it into a sentence in the reader's language and zone
    (handlers/audit_view.py), so the log can be read in any language later."""
    stored = json.dumps(dict(detail), ensure_ascii=False, sort_keys=True) if detail else None
    await staff_repo.audit(d.db, actor_id, action, target, stored, at=now_iso(d))


# Telegram user ids are positive and, today, below 2**52 (the Bot API documents 52 bits).
_USER_ID = re.compile(r"^[1-9][0-9]{0,15}$")


def parse_user_id(text: str) -> int | None:
    value = text.strip()
    if not _USER_ID.fullmatch(value):
        return None
    number = int(value)
    return number if number < 2**52 else None


class RoleChange(StrEnum):
    ADDED = "added"
    ALREADY_STAFF = "already_staff"
    IS_ADMIN = "is_admin"  # admins come from ADMIN_IDS: no command can add or remove them
    REMOVED = "removed"
    NOT_STAFF = "not_staff"


async def grant_staff(d: Deps, actor_id: int, user_id: int) -> RoleChange:
    if user_id in d.settings.admin_ids:
        return RoleChange.IS_ADMIN
    if not await staff_repo.add(d.db, user_id, actor_id, at=now_iso(d)):
        return RoleChange.ALREADY_STAFF
    await audit(d, actor_id, "role", str(user_id), {"change": "add"})
    return RoleChange.ADDED


async def revoke_staff(d: Deps, actor_id: int, user_id: int) -> RoleChange:
    if user_id in d.settings.admin_ids:
        return RoleChange.IS_ADMIN
    if not await staff_repo.remove(d.db, user_id):
        return RoleChange.NOT_STAFF
    await audit(d, actor_id, "role", str(user_id), {"change": "remove"})
    return RoleChange.REMOVED
