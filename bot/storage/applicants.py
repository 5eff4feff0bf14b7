"""Applicant rows: the interview state, the answers and the submitted application."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiosqlite

from bot.domain.reg_no import RegNo
from bot.domain.stages import Stage
from bot.domain.status import ApplicantStatus
from bot.storage.db import Database


def utcnow(at: datetime | None = None) -> str:
    """An ISO timestamp in UTC; ``at`` comes from the service's clock where it matters."""
    return (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")


@dataclass
class Applicant:
    user_id: int
    locale: str = "id"
    source: str | None = None
    status: ApplicantStatus = ApplicantStatus.CONSENT
    step: str | None = None
    editing: bool = False
    answers: dict[str, Any] = field(default_factory=dict)
    nik: str | None = None
    consent_at: str | None = None
    consent_version: str | None = None
    reg_no: str | None = None
    submitted_at: str | None = None
    outcome: str | None = None
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    pool: str | None = None
    waitlist_no: int | None = None
    stage: Stage | None = None
    stage_changed_at: str | None = None
    staff_flags: list[str] = field(default_factory=list)
    remind_on: str | None = None
    opted_out: bool = False
    inactive: bool = False
    confirmation_owed: bool = False
    channel: str = "telegram"  # where they registered: telegram or whatsapp (contacts.py)
    created_at: str = ""
    updated_at: str = ""

    @property
    def submitted(self) -> bool:
        return self.status == ApplicantStatus.SUBMITTED


_JSON_FIELDS = ("answers", "reasons", "missing", "staff_flags")
_BOOL_FIELDS = ("editing", "opted_out", "inactive", "confirmation_owed")


def from_row(row: aiosqlite.Row | Mapping[str, Any]) -> Applicant:
    data = dict(row)
    for name in _JSON_FIELDS:
        data[name] = json.loads(data[name])
    for name in _BOOL_FIELDS:
        data[name] = bool(data[name])
    data["status"] = ApplicantStatus(data["status"])
    data["stage"] = Stage(data["stage"]) if data["stage"] else None
    return Applicant(**data)


async def get(db: Database, user_id: int) -> Applicant | None:
    row = await db.fetchone("SELECT * FROM applicants WHERE user_id = ?", (user_id,))
    return None if row is None else from_row(row)


async def stored_locale(db: Database, user_id: int) -> str | None:
    """The language a person chose (/bahasa) or was first greeted in, if they have a row."""
    value = await db.fetchval("SELECT locale FROM applicants WHERE user_id = ?", (user_id,))
    return None if value is None else str(value)


async def get_by_reg_no(db: Database, reg_no: str) -> Applicant | None:
    row = await db.fetchone("SELECT * FROM applicants WHERE reg_no = ?", (reg_no.upper(),))
    return None if row is None else from_row(row)


async def nik_holder_channel(db: Database, nik: str, *, other_than: int) -> str | None:
    """The channel of the submitted registration that holds ``nik`` (only submitted ones hold
    a NIK, migration 008), if it is not ``other_than``'s own."""
    value = await db.fetchval(
        "SELECT channel FROM applicants WHERE nik = ? AND user_id != ?", (nik, other_than)
    )
    return None if value is None else str(value)


async def create(
    db: Database, user_id: int, *, locale: str, source: str | None, at: datetime | None = None
) -> Applicant:
    now = utcnow(at)
    # WhatsApp residents have negative user ids (bot/storage/contacts.py).
    channel = "whatsapp" if user_id < 0 else "telegram"
    await db.write(
        "INSERT INTO applicants (user_id, locale, source, channel, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO NOTHING",
        (user_id, locale, source, channel, now, now),
    )
    applicant = await get(db, user_id)
    assert applicant is not None
    return applicant


_UPDATABLE = {
    "locale", "source", "status", "step", "editing", "answers", "nik", "consent_at",
    "consent_version", "reg_no", "submitted_at", "outcome", "reasons", "missing", "pool",
    "waitlist_no", "stage", "stage_changed_at", "staff_flags", "remind_on", "opted_out",
    "inactive", "confirmation_owed",
}  # fmt: skip


def _encode(name: str, value: Any) -> Any:
    if name in _JSON_FIELDS:
        return json.dumps(value, ensure_ascii=False)
    if name in _BOOL_FIELDS:
        return int(bool(value))
    return value


async def update(db: Database, applicant: Applicant, **changes: Any) -> Applicant:
    """Set fields on the row and on the object; committed at once (each answer is durable)."""
    unknown = set(changes) - _UPDATABLE
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    changes["updated_at"] = utcnow()
    assignments = ", ".join(f"{name} = ?" for name in changes)
    params = [_encode(name, value) for name, value in changes.items()]
    await db.write(
        f"UPDATE applicants SET {assignments} WHERE user_id = ?", (*params, applicant.user_id)
    )
    for name, value in changes.items():
        setattr(applicant, name, value)
    return applicant


async def record_funnel(db: Database, user_id: int, step: str) -> None:
    await db.write(
        "INSERT INTO funnel (user_id, step, at) VALUES (?, ?, ?)"
        " ON CONFLICT (user_id, step) WHERE user_id IS NOT NULL DO NOTHING",
        (user_id, step, utcnow()),
    )


async def next_reg_no(conn: aiosqlite.Connection, year: int) -> str:
    """Inside a transaction: the next number of the year, never handed out twice."""
    await conn.execute(
        "INSERT INTO reg_counters (year, last) VALUES (?, 1)"
        " ON CONFLICT (year) DO UPDATE SET last = last + 1",
        (year,),
    )
    async with conn.execute("SELECT last FROM reg_counters WHERE year = ?", (year,)) as cur:
        row = await cur.fetchone()
    assert row is not None
    return str(RegNo(year, row[0]))


@dataclass(frozen=True)
class Placement:
    reg_no: str
    waitlist_no: int | None
    nik_conflict: bool = False  # another submitted registration holds the NIK: staff decide


async def _reserve_nik(conn: aiosqlite.Connection, applicant: Applicant, now: str) -> str | None:
    """Inside the submit transaction: the NIK this registration may hold, or None when another
    submitted registration holds it already; that conflict is then recorded for staff (once
    per pair of people). A registration that now holds its NIK withdraws its old claims."""
    nik = applicant.answers.get("nik")
    if not nik:
        return None
    async with conn.execute(
        "SELECT user_id FROM applicants WHERE nik = ? AND user_id != ?", (nik, applicant.user_id)
    ) as cur:
        holder = await cur.fetchone()
    if holder is None:
        await conn.execute(
            "UPDATE nik_conflicts SET status = 'withdrawn', resolved_at = ?"
            " WHERE claimant_id = ? AND status = 'open'",
            (now, applicant.user_id),
        )
        return str(nik)
    # Not again for a pair already waiting for staff, or already decided against this claim.
    await conn.execute(
        "INSERT INTO nik_conflicts (holder_id, claimant_id, created_at) SELECT :h, :c, :now"
        " WHERE NOT EXISTS (SELECT 1 FROM nik_conflicts WHERE (holder_id = :h"
        " AND claimant_id = :c AND status IN ('open', 'holder')) OR (holder_id = :c"
        " AND claimant_id = :h AND status = 'claimant'))",
        {"h": holder[0], "c": applicant.user_id, "now": now},
    )
    return None


async def submit(
    db: Database,
    applicant: Applicant,
    *,
    year: int,
    outcome: str,
    reasons: list[str],
    missing: list[str],
    pool: str | None,
    quota: int | None,
    stage: str,
    at: datetime | None = None,
) -> Placement:
    """Give a registration number and, if the applicant takes a place, a place or a waiting
    list position, in one transaction so two submissions cannot take the last place."""
    now = utcnow(at)
    async with db.transaction() as conn:
        reg_no = applicant.reg_no or await next_reg_no(conn, year)
        nik = await _reserve_nik(conn, applicant, now)
        waitlist_no: int | None = None
        if pool is not None and quota is not None:
            async with conn.execute(
                "SELECT COUNT(*) FROM applicants WHERE status = 'submitted' AND pool = ?"
                " AND waitlist_no IS NULL AND user_id != ?",
                (pool, applicant.user_id),
            ) as cur:
                row = await cur.fetchone()
            taken = row[0] if row else 0
            if applicant.submitted and applicant.pool == pool:
                # Re-submitted after /ubah in the same pool: keep the place or the position.
                waitlist_no = applicant.waitlist_no
            elif taken >= quota:
                async with conn.execute(
                    "SELECT COALESCE(MAX(waitlist_no), 0) FROM applicants WHERE pool = ?", (pool,)
                ) as cur:
                    row = await cur.fetchone()
                waitlist_no = (row[0] if row else 0) + 1
        await conn.execute(
            "UPDATE applicants SET status = 'submitted', step = NULL, editing = 0, reg_no = ?,"
            " submitted_at = COALESCE(submitted_at, ?), outcome = ?, reasons = ?, missing = ?,"
            " pool = ?, waitlist_no = ?, stage = COALESCE(stage, ?),"
            " stage_changed_at = COALESCE(stage_changed_at, ?), nik = ?, confirmation_owed = 1,"
            " updated_at = ?"
            " WHERE user_id = ?",
            (
                reg_no, now, outcome, json.dumps(reasons), json.dumps(missing), pool,
                waitlist_no, stage, now, nik, now, applicant.user_id,
            ),
        )  # fmt: skip
        await conn.execute(
            "INSERT INTO funnel (user_id, step, at) VALUES (?, 'completed', ?)"
            " ON CONFLICT (user_id, step) WHERE user_id IS NOT NULL DO NOTHING",
            (applicant.user_id, now),
        )
    refreshed = await get(db, applicant.user_id)
    assert refreshed is not None
    applicant.__dict__.update(refreshed.__dict__)
    conflict = nik is None and bool(applicant.answers.get("nik"))
    return Placement(reg_no=reg_no, waitlist_no=waitlist_no, nik_conflict=conflict)


async def release_place(db: Database, user_id: int) -> int | None:
    """The applicant stops counting against the quota (withdrew, not selected, deleted their
    data); their place goes to the first person on that pool's waiting list, whose user id is
    returned so they can be told."""
    async with db.transaction() as conn:
        return await release_place_in(conn, user_id)


async def release_place_in(conn: aiosqlite.Connection, user_id: int) -> int | None:
    """release_place inside a transaction the caller holds (bot/storage/erase.py)."""
    async with conn.execute(
        "SELECT pool, waitlist_no FROM applicants WHERE user_id = ? AND status = 'submitted'",
        (user_id,),
    ) as cur:
        row = await cur.fetchone()
    if row is None or row["pool"] is None:
        return None
    await conn.execute("UPDATE applicants SET pool = NULL, waitlist_no = NULL"
                       " WHERE user_id = ?", (user_id,))  # fmt: skip
    if row["waitlist_no"] is not None:
        return None  # they were waiting themselves: nobody moves into a place
    async with conn.execute(
        "SELECT user_id FROM applicants WHERE status = 'submitted' AND pool = ?"
        " AND waitlist_no IS NOT NULL ORDER BY waitlist_no LIMIT 1",
        (row["pool"],),
    ) as cur:
        first = await cur.fetchone()
    if first is None:
        return None
    await conn.execute(
        "UPDATE applicants SET waitlist_no = NULL, updated_at = ? WHERE user_id = ?",
        (utcnow(), first["user_id"]),
    )
    return int(first["user_id"])


async def waitlist_position(db: Database, applicant: Applicant) -> int | None:
    """Where the applicant stands on the waiting list now (numbers move up as places free)."""
    if applicant.waitlist_no is None or applicant.pool is None:
        return None
    ahead = await db.fetchval(
        "SELECT COUNT(*) FROM applicants WHERE status = 'submitted' AND pool = ?"
        " AND waitlist_no IS NOT NULL AND waitlist_no < ?",
        (applicant.pool, applicant.waitlist_no),
    )
    return int(ahead or 0) + 1


async def pool_usage(db: Database, pool: str) -> tuple[int, int]:
    """(places taken, people waiting) in one quota pool."""
    row = await db.fetchone(
        "SELECT SUM(waitlist_no IS NULL), SUM(waitlist_no IS NOT NULL) FROM applicants"
        " WHERE status = 'submitted' AND pool = ?",
        (pool,),
    )
    if row is None:
        return 0, 0
    return int(row[0] or 0), int(row[1] or 0)
