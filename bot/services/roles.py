"""Who may do what: admins come from ADMIN_IDS, staff are granted by admins and stored."""

from __future__ import annotations

from enum import IntEnum

from bot.deps import Deps
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
