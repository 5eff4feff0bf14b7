"""Two submitted registrations with one NIK: the record staff decide on (/konflik)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.db import Database


@dataclass(frozen=True)
class Conflict:
    id: int
    holder_id: int  # the registration that holds the NIK (submitted first)
    claimant_id: int  # the one submitted later with the same NIK, held without it
    created_at: str
    status: str


async def open_conflicts(db: Database) -> list[Conflict]:
    rows = await db.fetchall(
        "SELECT id, holder_id, claimant_id, created_at, status FROM nik_conflicts"
        " WHERE status = 'open' ORDER BY id"
    )
    return [Conflict(**dict(row)) for row in rows]


async def get(db: Database, conflict_id: int) -> Conflict | None:
    row = await db.fetchone(
        "SELECT id, holder_id, claimant_id, created_at, status FROM nik_conflicts WHERE id = ?",
        (conflict_id,),
    )
    return None if row is None else Conflict(**dict(row))


async def withdraw(db: Database, conflict_id: int, *, at: str) -> None:
    """Nothing left to decide: the claimant changed their NIK, or the holder no longer holds it."""
    await db.write(
        "UPDATE nik_conflicts SET status = 'withdrawn', resolved_at = ?"
        " WHERE id = ? AND status = 'open'",
        (at, conflict_id),
    )


async def decide(
    db: Database, conflict: Conflict, *, claimant_owns: bool, nik: str, actor_id: int, at: str
) -> bool:
    """Record whose NIK it is, in one transaction; the NIK moves to the claimant when it is
    theirs. False when someone decided it already."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE nik_conflicts SET status = ?, resolved_by = ?, resolved_at = ?"
            " WHERE id = ? AND status = 'open'",
            ("claimant" if claimant_owns else "holder", actor_id, at, conflict.id),
        )
        if cursor.rowcount == 0:
            return False
        if claimant_owns:
            await conn.execute(
                "UPDATE applicants SET nik = NULL, updated_at = ? WHERE user_id = ?",
                (at, conflict.holder_id),
            )
            await conn.execute(
                "UPDATE applicants SET nik = ?, updated_at = ? WHERE user_id = ?",
                (nik, at, conflict.claimant_id),
            )
    return True
