"""Synthetic applicants for the demo, the benchmarks and trying staff commands at scale.

`python -m bot seed --applicants N [--random-seed S] [--database PATH]` writes N people
straight into the applicants table (plus their funnel rows and the registration counter),
in one transaction. Synthetic chat ids are SEED_USER_ID_BASE + 1 ... (7_100_000_001 on):
no real resident and no test user has such an id, so seeded rows are easy to tell apart.

Running it again on the same database appends: ids, NIK serials, registration numbers and
waiting-list positions continue from what is there. The same seed, the same `now` and the
same starting database give the same rows.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.domain.eligibility import DEFAULT_RULES, ProgrammeRules
from bot.domain.reg_no import RegNo
from bot.seed.generate import (
    COLUMNS,
    SEED_USER_ID_BASE,
    SEED_USER_ID_LIMIT,
    Generator,
    Person,
    Shares,
    is_seeded,
    row_values,
)
from bot.storage.db import Database

__all__ = [
    "SEED_USER_ID_BASE",
    "SEED_USER_ID_LIMIT",
    "SeedReport",
    "Shares",
    "is_seeded",
    "seed",
]


@dataclass(frozen=True)
class SeedReport:
    created: int
    first_user_id: int
    last_user_id: int
    statuses: dict[str, int]
    outcomes: dict[str, int]
    places: dict[str, int]  # pool -> places taken by this run
    waiting: dict[str, int]  # pool -> waiting-list entries added by this run
    opted_out: int
    seconds: float

    def lines(self) -> list[str]:
        def fmt(counts: dict[str, int]) -> str:
            return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "-"

        return [
            f"{self.created} synthetic applicants (ids {self.first_user_id}"
            f"..{self.last_user_id}) in {self.seconds:.2f} s",
            f"  status:  {fmt(self.statuses)}",
            f"  outcome: {fmt(self.outcomes)}",
            f"  places:  {fmt(self.places)}; waiting list: {fmt(self.waiting)}",
            f"  opted out: {self.opted_out}",
        ]


def _place(
    people: list[Person],
    counters: dict[int, int],
    taken: dict[str, int],
    waiting_max: dict[str, int],
    rules: ProgrammeRules,
) -> None:
    """Registration numbers and places in submission order, as repo.submit gives them."""
    submitted = [p for p in people if p.row["status"] == "submitted"]
    submitted.sort(key=lambda p: (p.row["submitted_at"], p.row["user_id"]))
    for person in submitted:
        counters[person.year] = counters.get(person.year, 0) + 1
        person.row["reg_no"] = str(RegNo(person.year, counters[person.year]))
        pool = person.pool_wanted
        if pool is None:
            continue
        person.row["pool"] = pool
        if taken.get(pool, 0) < rules.quota(pool):
            taken[pool] = taken.get(pool, 0) + 1
        else:
            waiting_max[pool] = waiting_max.get(pool, 0) + 1
            person.row["waitlist_no"] = waiting_max[pool]


async def seed(
    db: Database,
    count: int,
    *,
    random_seed: int = 1,
    now: datetime | None = None,
    tz: ZoneInfo | None = None,
    rules: ProgrammeRules = DEFAULT_RULES,
    shares: Shares | None = None,
) -> SeedReport:
    """Append `count` synthetic applicants to the database in one transaction."""
    if count < 0:
        raise ValueError("count must not be negative")
    began = time.perf_counter()
    now = now or datetime.now(UTC)
    tz = tz or ZoneInfo("Asia/Jakarta")
    last_id = await db.fetchval(
        "SELECT MAX(user_id) FROM applicants WHERE user_id > ? AND user_id <= ?",
        (SEED_USER_ID_BASE, SEED_USER_ID_LIMIT),
    )
    start = (int(last_id) - SEED_USER_ID_BASE) if last_id else 0
    if SEED_USER_ID_BASE + start + count > SEED_USER_ID_LIMIT:
        raise ValueError("the synthetic id range is full")
    used_niks = {
        str(r[0]) for r in await db.fetchall("SELECT nik FROM applicants WHERE nik IS NOT NULL")
    }
    generator = Generator(
        random_seed=random_seed,
        start_index=start,
        now=now,
        tz=tz,
        rules=rules,
        shares=shares,
        used_niks=used_niks,
    )
    people = generator.people(count)

    counters = {
        int(r["year"]): int(r["last"]) for r in await db.fetchall("SELECT * FROM reg_counters")
    }
    taken: dict[str, int] = {}
    waiting_max: dict[str, int] = {}
    for row in await db.fetchall(
        "SELECT pool, SUM(waitlist_no IS NULL), COALESCE(MAX(waitlist_no), 0)"
        " FROM applicants WHERE status = 'submitted' AND pool IS NOT NULL GROUP BY pool"
    ):
        taken[row[0]] = int(row[1] or 0)
        waiting_max[row[0]] = int(row[2] or 0)
    taken_before, waiting_before = dict(taken), dict(waiting_max)
    counters_before = dict(counters)
    _place(people, counters, taken, waiting_max, rules)

    placeholders = ", ".join("?" for _ in COLUMNS)
    async with db.transaction() as conn:
        await conn.executemany(
            f"INSERT INTO applicants ({', '.join(COLUMNS)}) VALUES ({placeholders})",
            [row_values(p.row) for p in people],
        )
        await conn.executemany(
            "INSERT INTO funnel (user_id, step, at) VALUES (?, ?, ?)",
            [(p.row["user_id"], step, at) for p in people for step, at in p.funnel],
        )
        await conn.executemany(
            "INSERT INTO reg_counters (year, last) VALUES (?, ?)"
            " ON CONFLICT (year) DO UPDATE SET last = MAX(last, excluded.last)",
            [(y, n) for y, n in counters.items() if counters_before.get(y) != n],
        )

    statuses = Counter(str(p.row["status"]) for p in people)
    outcomes = Counter(str(p.row["outcome"]) for p in people if p.row["outcome"])
    return SeedReport(
        created=count,
        first_user_id=SEED_USER_ID_BASE + start + 1,
        last_user_id=SEED_USER_ID_BASE + start + count,
        statuses=dict(statuses),
        outcomes=dict(outcomes),
        places={k: v - taken_before.get(k, 0) for k, v in taken.items()},
        waiting={k: v - waiting_before.get(k, 0) for k, v in waiting_max.items()},
        opted_out=sum(int(p.row["opted_out"]) for p in people),
        seconds=time.perf_counter() - began,
    )
