"""Looking for a person in every table of the database: the proof that an erasure left
nothing. The tables are read from sqlite_master, so a table added later is searched too."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.storage.db import Database


@dataclass(frozen=True)
class Identity:
    """What identifies one person, as stored or as a staff member might type it."""

    user_id: int
    reg_no: str
    nik: str
    phone_digits: str  # the national number without 0 or 62: 81377712345
    name: str


@dataclass(frozen=True)
class Trace:
    table: str
    column: str
    value: object
    what: str  # user_id, reg_no, nik, phone or name

    def __str__(self) -> str:
        return f"{self.table}.{self.column} holds their {self.what}: {self.value!r}"


async def tables(db: Database) -> list[str]:
    rows = await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    return [str(row[0]) for row in rows]


def _found(value: object, who: Identity) -> str | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return "user_id" if value == who.user_id else None
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    if re.search(rf"(?<!\d){who.user_id}(?!\d)", text):
        return "user_id"
    if who.reg_no.lower() in text.lower():
        return "reg_no"
    if who.nik in text:
        return "nik"
    if who.phone_digits in re.sub(r"\D", "", text):
        return "phone"
    if who.name.lower() in text.lower():
        return "name"
    return None


async def traces(db: Database, who: Identity) -> list[Trace]:
    """Every cell of every table that holds one of the person's identifiers."""
    found = []
    for table in await tables(db):
        for row in await db.fetchall(f'SELECT * FROM "{table}"'):
            for column, value in zip(row.keys(), tuple(row), strict=True):
                what = _found(value, who)
                if what is not None:
                    found.append(Trace(table, column, value, what))
    return found
