"""Erasing people: the one function behind a refusal of consent, /hapus and the retention job.

Everything personal about a person goes in one transaction: their applicant row (answers,
NIK, phone, birth date), their conversation, their events with the reminders and the absence
reasons, their announcement outbox rows, the log of the personal messages sent to them, their
questions to staff (every message both ways, and which topic of the staff group is theirs),
the staff notes about them, the NIK conflicts they are a party to (and a NIK staff found to
be theirs, from the answers of the registration that claimed it). What others wrote that
names them is cut out instead of deleted, since it is also about someone else: a staff note
on another applicant that names their registration number, NIK, phone number or name, and
audit entries whose target is them (the audit keeps that a staff member acted on a
registration, and when, not on whom). What stays is anonymous: the funnel rows without their
user id (and only the day, not the second), and counts per value in ``erased_counts`` so the
statistics do not drop.

Three things are deliberately not touched: ``nik_attempts`` (a 16-bit tag of a NIK typed in the
last day, not the NIK: erasing it would let anyone reset the limit on trying other people's
NIKs with /hapus; it is pruned a day later, bot/services/retention.py), ``status_checks``
(the same for guesses of a registration's birth date), and announcements,
whose text is the staff's to everyone.

Deleted rows are overwritten on disk (PRAGMA secure_delete, bot/storage/db.py) and the WAL is
checkpointed and truncated afterwards, so the old pages are not left in it either.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

import aiosqlite

from bot.storage.applicants import release_place_in
from bot.storage.db import Database

# What replaces an erased person in what others wrote: the audit target (a code, which
# /audit renders in the reader's words) and staff notes (free text read as it is).
ERASED_TARGET = "erased"
REDACTED = "[…]"


@dataclass(frozen=True)
class ErasedCounts:
    """Rows removed (or made anonymous) by one erasure; no identifiers, only numbers."""

    people: int = 0  # applicant rows
    events: int = 0
    reminders: int = 0
    outbox: int = 0
    notes: int = 0  # staff notes about them
    notes_redacted: int = 0  # notes about others that named them
    conflicts: int = 0
    conversations: int = 0
    questions: int = 0  # their questions to staff, with every message both ways
    funnel: int = 0  # rows kept without the user id
    audit: int = 0  # entries whose target or detail named them
    # People on a waiting list who got a place freed by the erasure (to be told).
    promoted: tuple[int, ...] = field(default=())
    # Their topics in the staff group, (chat id, thread id), read before the rows went: the
    # copies of their messages there are deleted after the commit (bot/services/erasure.py).
    topics: tuple[tuple[int, int], ...] = field(default=())

    def as_detail(self) -> dict[str, int]:
        """The counts for an audit entry (bot/services/roles.audit)."""
        return {
            "people": self.people, "events": self.events, "reminders": self.reminders,
            "outbox": self.outbox, "notes": self.notes, "notes_redacted": self.notes_redacted,
            "conflicts": self.conflicts, "questions": self.questions, "audit": self.audit,
        }  # fmt: skip


@dataclass(frozen=True)
class Identifiers:
    """What names one erased person in what others wrote."""

    user_id: int
    reg_no: str | None
    nik: str | None
    phone: str | None
    name: str | None


async def erase_person(db: Database, user_id: int, *, tz: tzinfo) -> ErasedCounts:
    """Erase one person (/hapus, a refusal). ``tz``: the programme's zone, for the day their
    registration is counted under in the statistics."""
    return await erase_people(db, [user_id], tz=tz)


async def erase_people(db: Database, user_ids: Iterable[int], *, tz: tzinfo) -> ErasedCounts:
    """Erase these people in one transaction, then empty the WAL."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return ErasedCounts()
    async with db.transaction() as conn:
        counts = await _erase(conn, wanted, tz)
    await db.checkpoint()
    return counts


_CHUNK = 500  # ids per statement: SQLite's default limit on parameters is 32,766


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _marks(ids: Sequence[int]) -> str:
    return ",".join("?" * len(ids))


async def _rows(conn: aiosqlite.Connection, sql: str, params: Sequence[Any]) -> list[Any]:
    async with conn.execute(sql, params) as cursor:
        return list(await cursor.fetchall())


async def _count(conn: aiosqlite.Connection, sql: str, ids: Sequence[int]) -> int:
    total = 0
    for chunk in _chunks(ids):
        uses = sql.count("{ids}")
        rows = await _rows(conn, sql.format(ids=_marks(chunk)), [*chunk] * uses)
        total += int(rows[0][0] or 0)
    return total


async def _erase(conn: aiosqlite.Connection, ids: list[int], tz: tzinfo) -> ErasedCounts:
    people: list[Identifiers] = []
    tally: Counter[tuple[str, str]] = Counter()
    for chunk in _chunks(ids):
        for row in await _rows(
            conn, f"SELECT * FROM applicants WHERE user_id IN ({_marks(chunk)})", chunk
        ):
            answers = json.loads(row["answers"] or "{}")
            people.append(Identifiers(
                row["user_id"], row["reg_no"], row["nik"] or answers.get("nik"),
                answers.get("phone"), answers.get("name"),
            ))  # fmt: skip
            _count_in(tally, row, answers, tz)
    # Places first, while the rows still say who holds one; a person promoted into a place
    # who is erased in the same run is not told.
    promoted = []
    for person in people:
        moved = await release_place_in(conn, person.user_id)
        if moved is not None:
            promoted.append(moved)
    gone = set(ids)
    topics = [
        (int(row[0]), int(row[1]))
        for chunk in _chunks(ids)
        for row in await _rows(
            conn, f"SELECT chat_id, thread_id FROM question_topics WHERE user_id IN"
            f" ({_marks(chunk)}) ORDER BY user_id", chunk)
    ]  # fmt: skip
    counts = {
        "events": await _count(
            conn, "SELECT COUNT(*) FROM events WHERE user_id IN ({ids})", ids),
        "reminders": await _count(
            conn, "SELECT COUNT(*) FROM reminders JOIN events ON events.id = reminders.event_id"
            " WHERE events.user_id IN ({ids})", ids),
        "outbox": await _count(
            conn, "SELECT COUNT(*) FROM broadcast_outbox WHERE user_id IN ({ids})", ids),
        "notes": await _count(
            conn, "SELECT COUNT(*) FROM staff_notes WHERE user_id IN ({ids})", ids),
        "conflicts": await _count(
            conn, "SELECT COUNT(*) FROM nik_conflicts WHERE holder_id IN ({ids})"
            " OR claimant_id IN ({ids})", ids),
        "conversations": await _count(
            conn, "SELECT COUNT(*) FROM conversations WHERE user_id IN ({ids})", ids),
        "questions": await _count(
            conn, "SELECT COUNT(*) FROM questions WHERE user_id IN ({ids})", ids),
        "funnel": await _count(
            conn, "SELECT COUNT(*) FROM funnel WHERE user_id IN ({ids})", ids),
    }  # fmt: skip
    await _forget_won_niks(conn, people)
    for chunk in _chunks(ids):
        marks = _marks(chunk)
        # Said explicitly rather than left to ON DELETE CASCADE and triggers: a table added
        # later without them would otherwise keep the person silently.
        await conn.execute(
            f"DELETE FROM reminders WHERE event_id IN"
            f" (SELECT id FROM events WHERE user_id IN ({marks}))", chunk)  # fmt: skip
        await conn.execute(f"DELETE FROM events WHERE user_id IN ({marks})", chunk)
        await conn.execute(f"DELETE FROM broadcast_outbox WHERE user_id IN ({marks})", chunk)
        await conn.execute(f"DELETE FROM staff_notes WHERE user_id IN ({marks})", chunk)
        await conn.execute(f"DELETE FROM message_log WHERE user_id IN ({marks})", chunk)
        await conn.execute(
            f"DELETE FROM nik_conflicts WHERE holder_id IN ({marks}) OR claimant_id IN ({marks})",
            (*chunk, *chunk),
        )
        await conn.execute(f"DELETE FROM conversations WHERE user_id IN ({marks})", chunk)
        await conn.execute(
            f"DELETE FROM question_messages WHERE question_id IN"
            f" (SELECT id FROM questions WHERE user_id IN ({marks}))", chunk)  # fmt: skip
        await conn.execute(f"DELETE FROM questions WHERE user_id IN ({marks})", chunk)
        await conn.execute(f"DELETE FROM question_topics WHERE user_id IN ({marks})", chunk)
        # A WhatsApp resident's number (their wa_id); writing again makes them someone new.
        await conn.execute(f"DELETE FROM whatsapp_contacts WHERE user_id IN ({marks})", chunk)
        # The count stays, the person does not; the day is enough for any figure drawn
        # from it, the second would help tie the rows of one person together again.
        await conn.execute(
            f"UPDATE funnel SET user_id = NULL, at = substr(at, 1, 10) WHERE user_id IN ({marks})",
            chunk,
        )
        await conn.execute(f"DELETE FROM applicants WHERE user_id IN ({marks})", chunk)
    redacted = await _redact_notes(conn, people)
    audited = await _forget_in_audit(conn, people)
    await conn.executemany(
        "INSERT INTO erased_counts (dimension, value, n) VALUES (?, ?, ?)"
        " ON CONFLICT (dimension, value) DO UPDATE SET n = n + excluded.n",
        [(dimension, value, n) for (dimension, value), n in sorted(tally.items())],
    )
    return ErasedCounts(
        people=len(people), notes_redacted=redacted, audit=audited,
        promoted=tuple(p for p in promoted if p not in gone), topics=tuple(topics), **counts,
    )  # fmt: skip


async def _forget_won_niks(conn: aiosqlite.Connection, people: Sequence[Identifiers]) -> None:
    """A NIK staff found to be an erased person's (/konflik) is still in the answers of the
    registration that typed it too, and lost it: it is the erased person's, so it goes there
    as well. An undecided conflict's NIK may be the other person's own and stays."""
    for person in people:
        if not person.nik:
            continue
        await conn.execute(
            "UPDATE applicants SET answers = json_remove(answers, '$.nik', '$._nik_birth_date',"
            " '$._nik_sex') WHERE nik IS NULL AND json_extract(answers, '$.nik') = :nik"
            " AND user_id IN (SELECT claimant_id FROM nik_conflicts WHERE holder_id = :id"
            " AND status = 'holder' UNION SELECT holder_id FROM nik_conflicts"
            " WHERE claimant_id = :id AND status = 'claimant')",
            {"nik": person.nik, "id": person.user_id},
        )


def _count_in(
    tally: Counter[tuple[str, str]], row: aiosqlite.Row, answers: dict[str, Any], tz: tzinfo
) -> None:
    """What the statistics (bot/services/stats.py) counted this row under."""
    tally["started", ""] += 1
    if row["status"] != "submitted":
        return
    tally["registered", ""] += 1
    tally["channel", row["channel"]] += 1
    tally["outcome", row["outcome"] or ""] += 1
    tally["stage", row["stage"] or ""] += 1
    if answers.get("kecamatan"):
        tally["kecamatan", str(answers["kecamatan"])] += 1
    destinations = answers.get("destinations") or []
    tally["destination", str(destinations[0]) if destinations else ""] += 1
    for interest in answers.get("interests") or []:
        tally["interest", str(interest)] += 1
    if row["submitted_at"]:
        day = datetime.fromisoformat(row["submitted_at"]).astimezone(tz).date()
        tally["day", day.isoformat()] += 1


# --- what others wrote that names them --------------------------------------------------

_DIGITS = re.compile(r"\D")
_NIK_IN_TEXT = re.compile(r"(?<!\d)\d{16}(?!\d)")
_REG_NO_IN_TEXT = re.compile(r"(?<![\w-])SRG-\d{4}-\d{5}(?!\d)", re.IGNORECASE)
# A phone number as staff type it: +62 812-3456-7890, 0812 3456 7890, 62812.34567890.
_PHONE_IN_TEXT = re.compile(r"(?<![\d+])(?:\+?62|0)[\s.-]?8(?:[\s.-]?\d){6,12}(?!\d)")


def _national(phone: str) -> str:
    """The digits after the country code or the leading 0: one form for every way of writing."""
    digits = _DIGITS.sub("", phone)
    if digits.startswith("62"):
        return digits[2:]
    return digits[1:] if digits.startswith("0") else digits


def redact(text: str, people: Sequence[Identifiers]) -> str:
    """``text`` with these people's registration numbers, NIKs, phone numbers and names cut
    out; the same text when it names none of them."""
    reg_nos = {p.reg_no.upper() for p in people if p.reg_no}
    niks = {p.nik for p in people if p.nik}
    phones = {_national(p.phone) for p in people if p.phone}
    text = _REG_NO_IN_TEXT.sub(lambda m: REDACTED if m[0].upper() in reg_nos else m[0], text)
    text = _NIK_IN_TEXT.sub(lambda m: REDACTED if m[0] in niks else m[0], text)
    text = _PHONE_IN_TEXT.sub(lambda m: REDACTED if _national(m[0]) in phones else m[0], text)
    lowered = text.lower()
    for person in people:
        name = (person.name or "").strip()
        if len(name) >= 3 and name.lower() in lowered:  # a cheap test before the pattern
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", REDACTED, text, flags=re.I)
            lowered = text.lower()
    return text


async def _redact_notes(conn: aiosqlite.Connection, people: Sequence[Identifiers]) -> int:
    """Notes on other applicants that name an erased person keep everything else."""
    changed = 0
    for row in await _rows(conn, "SELECT id, text FROM staff_notes", ()):
        text = redact(row["text"], people)
        if text != row["text"]:
            await conn.execute("UPDATE staff_notes SET text = ? WHERE id = ?", (text, row["id"]))
            changed += 1
    return changed


def _forget_value(value: Any, names: set[str]) -> Any:
    """A JSON value of an audit detail with any registration number of ``names`` replaced."""
    if isinstance(value, str):
        return ERASED_TARGET if value in names else value
    if isinstance(value, list):
        return [_forget_value(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _forget_value(v, names) for k, v in value.items()}
    return value


async def _forget_in_audit(conn: aiosqlite.Connection, people: Sequence[Identifiers]) -> int:
    """Audit entries name an applicant by registration number, or ``user:<id>`` before they
    have one (bot/services/casework.py), in the target (a comma-separated list for a search)
    and, for a NIK conflict decided, in the detail. Those become ``erased``; the entry, its
    time, its actor and its action stay (UU PDP: access to personal data stays logged)."""
    names = {p.reg_no for p in people if p.reg_no} | {f"user:{p.user_id}" for p in people}
    if not names:
        return 0
    # One person (/hapus): only the entries that can name them; many (the retention job):
    # one pass over those that name anyone.
    where = (
        "target LIKE 'SRG-%' OR target LIKE '%,%' OR target LIKE 'user:%'"
        " OR detail LIKE '%SRG-%'"
    )
    params: list[str] = []
    if len(names) <= 20:
        where = " OR ".join("instr(target, ?) OR instr(detail, ?)" for _ in names)
        params = [n for name in sorted(names) for n in (name, name)]
    changed = 0
    for row in await _rows(conn, f"SELECT id, target, detail FROM audit_log WHERE {where}", params):
        target, detail = row["target"], row["detail"]
        if target:
            target = ",".join(ERASED_TARGET if t in names else t for t in target.split(","))
        if detail:
            try:
                parsed = json.loads(detail)
            except ValueError:  # an older free-text detail: only whole numbers are cut out
                detail = _REG_NO_IN_TEXT.sub(
                    lambda m: ERASED_TARGET if m[0].upper() in names else m[0], detail
                )
            else:
                forgotten = _forget_value(parsed, names)
                if forgotten != parsed:
                    detail = json.dumps(forgotten, ensure_ascii=False, sort_keys=True)
        if (target, detail) != (row["target"], row["detail"]):
            await conn.execute(
                "UPDATE audit_log SET target = ?, detail = ? WHERE id = ?",
                (target, detail, row["id"]),
            )
            changed += 1
    return changed
