"""Staff roles and the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.applicants import utcnow
from bot.storage.db import Database


@dataclass(frozen=True)
class StaffMember:
    user_id: int
    added_by: int
    added_at: str


async def add(db: Database, user_id: int, added_by: int, *, at: str | None = None) -> bool:
    """Grant the staff role; False when they already had it."""
    before = await is_staff(db, user_id)
    await db.write(
        "INSERT INTO staff (user_id, added_by, added_at) VALUES (?, ?, ?)"
        " ON CONFLICT (user_id) DO NOTHING",
        (user_id, added_by, at or utcnow()),
    )
    return not before


async def remove(db: Database, user_id: int) -> bool:
    before = await is_staff(db, user_id)
    await db.write("DELETE FROM staff WHERE user_id = ?", (user_id,))
    return before


async def is_staff(db: Database, user_id: int) -> bool:
    return await db.fetchval("SELECT 1 FROM staff WHERE user_id = ?", (user_id,)) is not None


async def all_staff(db: Database) -> list[int]:
    return [member.user_id for member in await members(db)]


async def members(db: Database) -> list[StaffMember]:
    rows = await db.fetchall("SELECT * FROM staff ORDER BY added_at, user_id")
    return [StaffMember(**dict(row)) for row in rows]


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    actor_id: int
    action: str
    target: str | None
    detail: str | None


async def audit(
    db: Database,
    actor_id: int,
    action: str,
    target: str | None = None,
    detail: str | None = None,
    *,
    at: str | None = None,
) -> None:
    """Record one staff action. ``detail`` must never hold a NIK or a phone number."""
    await db.write(
        "INSERT INTO audit_log (at, actor_id, action, target, detail) VALUES (?, ?, ?, ?, ?)",
        (at or utcnow(), actor_id, action, target, detail),
    )


async def latest_audit(db: Database, limit: int) -> list[AuditEntry]:
    rows = await db.fetchall("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (limit,))
    return [AuditEntry(**dict(row)) for row in rows]


async def menu_holders(db: Database) -> list[int]:
    """Everyone the bot has given a staff menu and not taken it back from."""
    return [row[0] for row in await db.fetchall("SELECT user_id FROM staff_menus")]


async def set_menu_holder(db: Database, user_id: int, *, holds: bool) -> None:
    if holds:
        await db.write("INSERT OR IGNORE INTO staff_menus (user_id) VALUES (?)", (user_id,))
    else:
        await db.write("DELETE FROM staff_menus WHERE user_id = ?", (user_id,))
