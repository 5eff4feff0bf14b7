"""What the consent promises, kept: personal data goes when its retention period is over.

The consent says data is kept "selama program berjalan, paling lama 2 tahun setelah
pendaftaran". Three kinds of row are due (settings RETENTION_DAYS, INCOMPLETE_RETENTION_DAYS):

- a sent registration, RETENTION_DAYS after it was sent (submitted_at);
- an unfinished one (consent not given, or the interview not finished),
  INCOMPLETE_RETENTION_DAYS after the person's last answer (updated_at);
- a minor's, which holds only the birth date: the whole row goes (without the birth date it
  holds nothing worth keeping and /status could not answer), INCOMPLETE_RETENTION_DAYS after
  their last answer, or, when they asked to be told when they turn 18, once that message went
  (the reminder service clears ``remind_on``) and INCOMPLETE_RETENTION_DAYS passed; a
  reminder still years away is not kept past RETENTION_DAYS from their first message, the
  longest the consent allows.

Each person goes through bot/services/erasure.py, the same function as /hapus and a refusal; a
run is one audit entry with counts. Knows nothing of Telegram: handlers/retention.py runs it
daily and tells the people a freed quota place went to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from bot.deps import Deps
from bot.services.erasure import erase
from bot.services.roles import audit
from bot.storage import nik_attempts
from bot.storage.applicants import utcnow
from bot.storage.erase import ErasedCounts

# 03:00 WIB: an hour after the nightly backup (BACKUP_AT, 02:00), so that a run that erased
# what it should not have (a mistyped RETENTION_DAYS) can be undone from a backup at most an
# hour old; and the quietest hour for residents, whose writes wait while a batch is erased.
RUN_AT = time(3, 0)
# The forecast on /statistik.
FORECAST_DAYS = 30
# People per transaction: the write lock is let go between batches so residents' answers are
# not held up behind a first run that erases thousands.
BATCH = 200
# The audit entries the bot writes itself: no staff member acted (staff ids are Telegram ids,
# never 0).
BOT_ACTOR = 0


@dataclass(frozen=True)
class Due:
    """User ids whose retention period is over at a moment, by why."""

    registered: list[int]
    unfinished: list[int]
    minors: list[int]

    @property
    def everyone(self) -> list[int]:
        return [*self.registered, *self.unfinished, *self.minors]


# Stored times are UTC ISO 8601 text ("2026-11-28T03:00:00+00:00"): they compare as text.
# Each condition with the cutoffs it takes: R, RETENTION_DAYS before; I, INCOMPLETE_...
_REGISTERED = ("status = 'submitted' AND submitted_at < ?", "R")
_UNFINISHED = ("status IN ('consent', 'declined', 'interviewing') AND updated_at < ?", "I")
_MINORS = (
    "status = 'minor' AND ((remind_on IS NULL AND updated_at < ?) OR created_at < ?)",
    "IR",
)


def _where(d: Deps, at: datetime, *conditions: tuple[str, str]) -> tuple[str, list[str]]:
    s = d.settings
    cutoffs = {
        "R": utcnow(at - timedelta(days=s.retention_days)),
        "I": utcnow(at - timedelta(days=s.incomplete_retention_days)),
    }
    where = " OR ".join(f"({sql})" for sql, _ in conditions)
    return where, [cutoffs[c] for _, uses in conditions for c in uses]


async def due(d: Deps, at: datetime) -> Due:
    """Who is past their retention period at ``at``."""

    async def ids(condition: tuple[str, str]) -> list[int]:
        where, params = _where(d, at, condition)
        sql = f"SELECT user_id FROM applicants WHERE {where} ORDER BY user_id"
        return [int(row[0]) for row in await d.db.fetchall(sql, params)]

    return Due(await ids(_REGISTERED), await ids(_UNFINISHED), await ids(_MINORS))


async def due_within(d: Deps, days: int = FORECAST_DAYS) -> int:
    """How many people the job will have erased ``days`` from now (those overdue included)."""
    at = d.clock.now() + timedelta(days=days)
    where, params = _where(d, at, _REGISTERED, _UNFINISHED, _MINORS)
    return int(await d.db.fetchval(f"SELECT COUNT(*) FROM applicants WHERE {where}", params) or 0)


@dataclass(frozen=True)
class RetentionRun:
    registered: int
    unfinished: int
    minors: int
    erased: ErasedCounts
    attempts_pruned: int  # NIK attempt tags older than their one day
    promoted: list[int] = field(default_factory=list)  # got a quota place freed by the run


def _add(a: ErasedCounts, b: ErasedCounts) -> ErasedCounts:
    numbers = {
        name: getattr(a, name) + getattr(b, name)
        for name in ErasedCounts.__dataclass_fields__
        if name not in ("promoted", "topics")
    }
    return ErasedCounts(
        **numbers, promoted=a.promoted + b.promoted, topics=a.topics + b.topics
    )


async def run(d: Deps) -> RetentionRun:
    """Erase everyone due now, in batches; one audit entry with the counts (never who)."""
    now = d.clock.now()
    found = await due(d, now)
    people = found.everyone
    total = ErasedCounts()
    for start in range(0, len(people), BATCH):
        batch = people[start : start + BATCH]
        total = _add(total, await erase(d, batch))
    pruned = await nik_attempts.prune(d.db, now=now)
    gone = set(people)
    promoted = [p for p in total.promoted if p not in gone]
    await audit(d, BOT_ACTOR, "retention", None, {
        "registered": len(found.registered), "unfinished": len(found.unfinished),
        "minors": len(found.minors), "days": d.settings.retention_days,
        "incomplete_days": d.settings.incomplete_retention_days, **total.as_detail(),
    })  # fmt: skip
    return RetentionRun(
        registered=len(found.registered), unfinished=len(found.unfinished),
        minors=len(found.minors), erased=total, attempts_pruned=pruned, promoted=promoted,
    )  # fmt: skip
