"""Staff work on one applicant: finding them, moving them through the stages, notes.

Knows nothing of Telegram: the handlers render the results and send the notifications.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.deps import Deps
from bot.domain import reg_no as reg_nos
from bot.domain.stages import LEAVING_STAGES, Stage, parse_stage
from bot.services.roles import audit, now_iso
from bot.storage import applicants as repo
from bot.storage import notes as notes_repo
from bot.storage.applicants import Applicant
from bot.storage.notes import MAX_NOTE_LENGTH, Note

_REG_SUFFIX = re.compile(rf"^\d{{1,{reg_nos.SERIAL_DIGITS}}}$")
_NIK = re.compile(r"^\d{16}$")
MIN_NAME_QUERY = 3
MAX_QUERY_LENGTH = 100


class QueryKind(StrEnum):
    REG_NO = "reg_no"
    REG_SUFFIX = "reg_suffix"  # "42" finds SRG-<any year>-00042
    NIK = "nik"
    NAME = "name"


class QueryProblem(StrEnum):
    EMPTY = "empty"
    TOO_SHORT = "too_short"
    DIGITS = "digits"  # digits that are neither a registration number nor a whole NIK
    TOO_LONG = "too_long"


@dataclass(frozen=True)
class Query:
    kind: QueryKind
    value: str


def parse_query(text: str) -> Query | QueryProblem:
    value = " ".join(text.split())
    if not value:
        return QueryProblem.EMPTY
    if len(value) > MAX_QUERY_LENGTH:
        return QueryProblem.TOO_LONG
    number = reg_nos.normalize(value)
    if number:
        return Query(QueryKind.REG_NO, number)
    compact = value.replace(" ", "").replace(".", "").replace("-", "")
    if compact.isdigit():
        if _NIK.fullmatch(compact):
            return Query(QueryKind.NIK, compact)
        if _REG_SUFFIX.fullmatch(compact):
            return Query(QueryKind.REG_SUFFIX, reg_nos.serial_text(int(compact)))
        return QueryProblem.DIGITS
    if len(value) < MIN_NAME_QUERY:
        return QueryProblem.TOO_SHORT
    return Query(QueryKind.NAME, value)


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class SearchResult:
    matches: list[Applicant]
    total: int


# Submitted applications first, then by number; in-progress ones (no number yet) last.
_ORDER = "ORDER BY reg_no IS NULL, reg_no, user_id"


def query_sql(query: Query) -> tuple[str, list[str]]:
    """The WHERE fragment over ``applicants`` that finds what was asked, and its parameters
    (the staff web pages' table searches with the same one)."""
    if query.kind is QueryKind.REG_NO:
        return "reg_no = ?", [query.value]
    if query.kind is QueryKind.REG_SUFFIX:
        return "reg_no LIKE ?", [reg_nos.like_serial(int(query.value))]
    if query.kind is QueryKind.NIK:
        # The column holds the NIKs of submitted registrations; one still in progress, or held
        # for a NIK conflict (/konflik), has it in its answers only.
        return "nik = ? OR json_extract(answers, '$.nik') = ?", [query.value, query.value]
    return "json_extract(answers, '$.name') LIKE ? ESCAPE '\\'", [_like_pattern(query.value)]


async def search(d: Deps, query: Query, limit: int = 10) -> SearchResult:
    """At most ``limit`` applicants and how many matched in all.

    A name search scans the answers of every row (a substring cannot use a B-tree index):
    about 9 ms at 10,000 applicants, so no extra column or full-text index is kept."""
    where, params = query_sql(query)
    rows = await d.db.fetchall(
        f"SELECT user_id, COUNT(*) OVER () AS total FROM applicants WHERE {where} {_ORDER} LIMIT ?",
        (*params, limit),
    )
    matches = []
    for row in rows:
        applicant = await repo.get(d.db, int(row["user_id"]))
        if applicant is not None:
            matches.append(applicant)
    return SearchResult(matches=matches, total=int(rows[0]["total"]) if rows else 0)


async def record_lookup(d: Deps, actor_id: int, query: Query, result: SearchResult) -> None:
    """Who looked at whom (UU PDP). The typed text is not kept: it may be a NIK."""
    targets = ",".join(a.reg_no or f"user:{a.user_id}" for a in result.matches)
    await audit(d, actor_id, "lookup", targets or None,
                {"by": query.kind.value, "found": result.total})  # fmt: skip


async def record_card_view(d: Deps, actor_id: int, applicant: Applicant) -> None:
    target = applicant.reg_no or f"user:{applicant.user_id}"
    await audit(d, actor_id, "lookup", target, {"card": True})


@dataclass(frozen=True)
class Card:
    """What staff see about one applicant."""

    applicant: Applicant
    notes: list[Note]
    notes_total: int
    waitlist_position: int | None = None


async def card(d: Deps, applicant: Applicant, notes_shown: int = 5) -> Card:
    return Card(
        applicant=applicant,
        notes=await notes_repo.latest(d.db, applicant.user_id, notes_shown),
        notes_total=await notes_repo.count(d.db, applicant.user_id),
        waitlist_position=await repo.waitlist_position(d.db, applicant),
    )


class StageProblem(StrEnum):
    UNKNOWN_REG_NO = "unknown_reg_no"
    UNKNOWN_STAGE = "unknown_stage"
    SAME_STAGE = "same_stage"
    NOTE_TOO_LONG = "note_too_long"


@dataclass(frozen=True)
class StageChanged:
    applicant: Applicant
    old: Stage | None
    new: Stage
    note: Note | None
    # A stage change is personal service, sent also to those who stopped announcements
    # (/berhenti); only a chat that blocked the bot is not written to.
    notify: bool
    promoted: int | None = None  # who got the quota place this applicant gave up


async def change_stage(
    d: Deps, actor_id: int, reg_no: str, stage: str, note: str = ""
) -> StageChanged | StageProblem:
    new = parse_stage(stage)
    if new is None:
        return StageProblem.UNKNOWN_STAGE
    number = reg_nos.normalize(reg_no)
    applicant = await repo.get_by_reg_no(d.db, number) if number else None
    if applicant is None:
        return StageProblem.UNKNOWN_REG_NO
    if applicant.stage == new:
        return StageProblem.SAME_STAGE
    note = note.strip()
    if len(note) > MAX_NOTE_LENGTH:
        return StageProblem.NOTE_TOO_LONG
    old = applicant.stage
    await repo.update(d.db, applicant, stage=new, stage_changed_at=now_iso(d))
    promoted = None
    if new in LEAVING_STAGES:
        # Out of the programme: the quota place goes to the first on the waiting list.
        promoted = await repo.release_place(d.db, applicant.user_id)
        applicant.pool = applicant.waitlist_no = None
    saved = None
    if note:
        saved = await notes_repo.add(
            d.db, applicant.user_id, actor_id, f"[{new}] {note}", at=now_iso(d)
        )
    await audit(
        d, actor_id, "stage", applicant.reg_no, {"from": old or "", "to": new, "note": bool(note)}
    )
    return StageChanged(applicant, old, new, saved, not applicant.inactive, promoted)


class NoteProblem(StrEnum):
    UNKNOWN_REG_NO = "unknown_reg_no"
    EMPTY = "empty"
    TOO_LONG = "too_long"


async def add_note(d: Deps, actor_id: int, reg_no: str, text: str) -> Note | NoteProblem:
    number = reg_nos.normalize(reg_no)
    applicant = await repo.get_by_reg_no(d.db, number) if number else None
    if applicant is None:
        return NoteProblem.UNKNOWN_REG_NO
    text = text.strip()
    if not text:
        return NoteProblem.EMPTY
    if len(text) > MAX_NOTE_LENGTH:
        return NoteProblem.TOO_LONG
    note = await notes_repo.add(d.db, applicant.user_id, actor_id, text, at=now_iso(d))
    await audit(d, actor_id, "note", applicant.reg_no)
    return note
