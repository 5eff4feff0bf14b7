"""What the consent promises, kept: personal data goes when its retention period is over.

The consent says data is kept "selama program berjalan, paling lama 2 tahun setelah
pendaftaran". Four kinds of person are due (settings RETENTION_DAYS, INCOMPLETE_RETENTION_DAYS):

- a sent registration, RETENTION_DAYS after it was sent (submitted_at);
- an unfinished one (consent not given, or the interview not finished),
  INCOMPLETE_RETENTION_DAYS after the person's last answer (updated_at);
- a minor's, which holds only the birth date: the whole row goes (without the birth date it
  holds nothing worth keeping and /status could not answer), INCOMPLETE_RETENTION_DAYS after
  their last answer, or, when they asked to be told when they turn 18, once that message went
  (the reminder service clears ``remind_on``) and INCOMPLETE_RETENTION_DAYS passed; a
  reminder still years away is not kept past RETENTION_DAYS from their first message, the
  longest the consent allows;
- someone who asked staff questions without ever registering (no applicant row, only their
  questions, their messages and their topic in the staff group), INCOMPLETE_RETENTION_DAYS
  after the last message they sent, in whichever of their questions: their questions share one
  topic and go together, and a person still writing about anything is still in touch. Only
  their own messages count: staff answering does not keep a resident's data longer.

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
from bot.storage import nik_attempts, status_checks
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
    askers: list[int] = field(default_factory=list)  # asked staff, never registered

    @property
    def everyone(self) -> list[int]:
        return [*self.registered, *self.unfinished, *self.minors, *self.askers]


# Stored times are UTC ISO 8601 text ("2026-11-28T03:00:00+00:00"): they compare as text.
# Each condition with the cutoffs it takes: R, RETENTION_DAYS before; I, INCOMPLETE_...
_REGISTERED = ("status = 'submitted' AND submitted_at < ?", "R")
_UNFINISHED = ("status IN ('consent', 'declined', 'interviewing') AND updated_at < ?", "I")
_MINORS = (
    "status = 'minor' AND ((remind_on IS NULL AND updated_at < ?) OR created_at < ?)",
    "IR",
)
# The people with questions and no applicant row whose last message is before the cutoff (I).
# Every question is stored with its first message; created_at is only a guard for one without.
_ASKERS = (
    "SELECT questions.user_id FROM questions LEFT JOIN question_messages"
    " ON question_messages.question_id = questions.id AND question_messages.direction = 'in'"
    " WHERE questions.user_id NOT IN (SELECT user_id FROM applicants)"
    " GROUP BY questions.user_id"
    " HAVING MAX(COALESCE(question_messages.at, questions.created_at)) < ?"
)


def _incomplete_cutoff(d: Deps, at: datetime) -> str:
    return utcnow(at - timedelta(days=d.settings.incomplete_retention_days))


def _where(d: Deps, at: datetime, *conditions: tuple[str, str]) -> tuple[str, list[str]]:
    s = d.settings
    cutoffs = {
        "R": utcnow(at - timedelta(days=s.retention_days)),
        "I": _incomplete_cutoff(d, at),
    }
    where = " OR ".join(f"({sql})" for sql, _ in conditions)
    return where, [cutoffs[c] for _, uses in conditions for c in uses]


async def due(d: Deps, at: datetime) -> Due:
    """Who is past their retention period at ``at``."""

    async def ids(condition: tuple[str, str]) -> list[int]:
        where, params = _where(d, at, condition)
        sql = f"SELECT user_id FROM applicants WHERE {where} ORDER BY user_id"
        return [int(row[0]) for row in await d.db.fetchall(sql, params)]

    sql = f"{_ASKERS} ORDER BY questions.user_id"
    askers = await d.db.fetchall(sql, (_incomplete_cutoff(d, at),))
    return Due(
        await ids(_REGISTERED), await ids(_UNFINISHED), await ids(_MINORS),
        [int(row[0]) for row in askers],
    )  # fmt: skip


async def due_within(d: Deps, days: int = FORECAST_DAYS) -> int:
    """How many people the job will have erased ``days`` from now (those overdue included)."""
    at = d.clock.now() + timedelta(days=days)
    where, params = _where(d, at, _REGISTERED, _UNFINISHED, _MINORS)
    people = await d.db.fetchval(f"SELECT COUNT(*) FROM applicants WHERE {where}", params)
    askers = await d.db.fetchval(
        f"SELECT COUNT(*) FROM ({_ASKERS})", (_incomplete_cutoff(d, at),)
    )
    return int(people or 0) + int(askers or 0)


@dataclass(frozen=True)
class RetentionRun:
    registered: int
    unfinished: int
    minors: int
    askers: int  # people who asked staff questions and never registered
    erased: ErasedCounts
    attempts_pruned: int  # NIK attempt and status-check tags older than their one day
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
    # The day's NIK attempts and status-check guesses, which count for nothing any more.
    pruned = await nik_attempts.prune(d.db, now=now) + await status_checks.prune(d.db, now=now)
    gone = set(people)
    promoted = [p for p in total.promoted if p not in gone]
    await audit(d, BOT_ACTOR, "retention", None, {
        "registered": len(found.registered), "unfinished": len(found.unfinished),
        "minors": len(found.minors), "askers": len(found.askers),
        "days": d.settings.retention_days,
        "incomplete_days": d.settings.incomplete_retention_days, **total.as_detail(),
    })  # fmt: skip
    return RetentionRun(
        registered=len(found.registered), unfinished=len(found.unfinished),
        minors=len(found.minors), askers=len(found.askers), erased=total,
        attempts_pruned=pruned, promoted=promoted,
    )  # fmt: skip
