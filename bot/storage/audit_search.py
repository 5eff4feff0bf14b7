"""The audit log read back with filters, for the admins' audit page (bot/web/dashboard)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.db import Database
from bot.storage.staff import AuditEntry


@dataclass(frozen=True)
class AuditQuery:
    actor: int | None = None
    action: str | None = None
    reg_no: str | None = None
    since: str | None = None  # UTC ISO, inclusive
    before: str | None = None  # UTC ISO, exclusive


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    total: int


def where(q: AuditQuery) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if q.actor is not None:
        clauses.append("actor_id = ?")
        params.append(q.actor)
    if q.action:
        clauses.append("action = ?")
        params.append(q.action)
    if q.reg_no:
        # One number, or one of the numbers a search found ("SRG-..,SRG-..": /cari's lookup).
        clauses.append("(target = ? OR (target LIKE '%,%' AND ',' || target || ',' LIKE ?))")
        params += [q.reg_no, f"%,{q.reg_no},%"]
    if q.since:
        clauses.append("at >= ?")
        params.append(q.since)
    if q.before:
        clauses.append("at < ?")
        params.append(q.before)
    return " AND ".join(clauses) or "1", params


async def search(db: Database, q: AuditQuery, *, limit: int, offset: int = 0) -> AuditPage:
    """Newest first (by id: the order they were written), and how many match in all."""
    condition, params = where(q)
    rows = await db.fetchall(
        "SELECT id, at, actor_id, action, target, detail, COUNT(*) OVER () AS total"
        f" FROM audit_log WHERE {condition}"
        " ORDER BY id DESC LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )
    if rows:
        total = int(rows[0]["total"])
    else:  # past the last page the window function has no row to ride on
        total = int(await db.fetchval(f"SELECT COUNT(*) FROM audit_log WHERE {condition}", params))
    entries = [
        AuditEntry(r["id"], r["at"], r["actor_id"], r["action"], r["target"], r["detail"])
        for r in rows
    ]
    return AuditPage(entries, total)


async def actors(db: Database) -> list[int]:
    """Everyone who has an entry, for the filter's choices."""
    rows = await db.fetchall("SELECT DISTINCT actor_id FROM audit_log ORDER BY actor_id")
    return [int(r[0]) for r in rows]


async def actions(db: Database) -> list[str]:
    rows = await db.fetchall("SELECT DISTINCT action FROM audit_log")
    return [str(r[0]) for r in rows]
