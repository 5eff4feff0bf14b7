"""The SQL of a RecipientFilter: which submitted applications it selects, and how many of
them a message can reach (broadcasts and exports use the same fragment).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from bot.domain.recipients import RecipientFilter
from bot.storage.db import Database


def _placeholders(values: Iterable[object]) -> str:
    return ", ".join("?" for _ in values)


def filter_sql(f: RecipientFilter) -> tuple[str, list[object]]:
    """A WHERE fragment over the ``applicants`` table (not aliased: the JSON list tests refer
    to ``applicants.answers``) and its parameters. Only submitted applications match."""
    clauses = ["status = 'submitted'"]
    params: list[object] = []

    def one_of(expression: str, values: Iterable[str]) -> None:
        ordered = sorted(values)
        clauses.append(f"{expression} IN ({_placeholders(ordered)})")
        params.extend(ordered)

    def any_in_list(path: str, values: Iterable[str]) -> None:
        ordered = sorted(values)
        clauses.append(
            f"EXISTS (SELECT 1 FROM json_each(applicants.answers, '{path}')"
            f" WHERE json_each.value IN ({_placeholders(ordered)}))"
        )
        params.extend(ordered)

    if f.outcomes:
        one_of("outcome", f.outcomes)
    if f.stages:
        one_of("stage", f.stages)
    domiciles = f.domiciles()
    if domiciles:
        one_of("json_extract(answers, '$.domicile')", domiciles)
    if f.kota_serang is False:
        clauses.append("COALESCE(json_extract(answers, '$.domicile'), '') != 'kota_serang'")
    if f.kecamatan:
        one_of("json_extract(answers, '$.kecamatan')", f.kecamatan)
    if f.first_choice:
        one_of("json_extract(answers, '$.destinations[0]')", f.first_choice)
    if f.destinations:
        any_in_list("$.destinations", f.destinations)
    if f.interests:
        any_in_list("$.interests", f.interests)
    if len(f.channels) == 1:  # both channels: everyone, no clause
        # The id's sign is the channel (contacts.channel_of), the rule the column is written by.
        clauses.append("user_id < 0" if "whatsapp" in f.channels else "user_id > 0")
    return " AND ".join(f"({c})" for c in clauses), params


class RecipientCount(NamedTuple):
    """Matching applications: those a message reaches, and those left out."""

    reachable: int
    opted_out: int  # /berhenti
    inactive: int  # blocked the bot or deleted their account (and did not opt out)
    whatsapp: int = 0  # of the reachable, those on WhatsApp (sent at WhatsApp's own pace)

    @property
    def matched(self) -> int:
        return self.reachable + self.opted_out + self.inactive


async def count_recipients(db: Database, f: RecipientFilter) -> RecipientCount:
    where, params = filter_sql(f)
    row = await db.fetchone(
        "SELECT COALESCE(SUM(opted_out = 0 AND inactive = 0), 0),"
        " COALESCE(SUM(opted_out = 1), 0),"
        " COALESCE(SUM(opted_out = 0 AND inactive = 1), 0),"
        " COALESCE(SUM(opted_out = 0 AND inactive = 0 AND user_id < 0), 0)"
        f" FROM applicants WHERE {where}",
        params,
    )
    if row is None:
        return RecipientCount(0, 0, 0)
    return RecipientCount(int(row[0]), int(row[1]), int(row[2]), int(row[3]))


async def recipient_ids(db: Database, f: RecipientFilter) -> list[int]:
    """User ids an announcement reaches now (not opted out, not inactive), in id order."""
    where, params = filter_sql(f)
    rows = await db.fetchall(
        f"SELECT user_id FROM applicants WHERE {where} AND opted_out = 0 AND inactive = 0"
        " ORDER BY user_id",
        params,
    )
    return [int(row[0]) for row in rows]
