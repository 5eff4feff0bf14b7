"""Many applicants at once: change their stage, or schedule them in slots.

What each person gets is exactly what the single action gives them, because it IS the single
action, called once per person: bot/services/applicant_desk.py ``change_stage`` (/tahap)
and bot/services/scheduling.py ``schedule_event`` (/jadwalkan): the same message in their
language, the same audit entry per person. This module adds what only a group needs:

- a plan, made before anything happens: who will be told what, who is skipped and why, and
  a fingerprint of exactly that (the order, and each person as they were read), so that an
  apply refuses a group that changed since its preview;
- a job per apply, on the bot's own event loop, one person after another at
  BROADCAST_RATE at most (the rate limiter underneath paces every send too), with counts a
  page can show while it runs. Jobs live in memory: after a restart a page asks staff to look
  at the table again (who already is at the new stage shows as skipped in a new preview).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets
import time
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.deps import Deps
from bot.domain.schedule_csv import Problem
from bot.domain.slots import SlotPlan
from bot.domain.stages import LEAVING_STAGES, Stage
from bot.services import applicant_desk, scheduling
from bot.services.applicant_desk import StageNotice
from bot.services.casework import StageProblem
from bot.services.notify import Delivery
from bot.storage import schedules as store
from bot.storage.applicants import Applicant

log = logging.getLogger(__name__)

MAX_PEOPLE = 10_000  # as a schedule CSV: the programme's 3,000 places with room to spare
KEPT_JOBS = 100  # finished jobs kept for their result page


class Action(StrEnum):
    STAGE = "tahap"
    SCHEDULE = "jadwal"


@dataclass(frozen=True)
class StageOrder:
    stage: Stage
    note: str

    action = Action.STAGE

    def words(self) -> list[str]:
        return [self.action.value, self.stage.value, self.note]


@dataclass(frozen=True)
class ScheduleOrder:
    kind: str
    place: str
    slots: SlotPlan

    action = Action.SCHEDULE

    def words(self) -> list[str]:
        s = self.slots
        return [self.action.value, self.kind, self.place, store.iso(s.start),
                str(int(s.every.total_seconds())), str(s.per_slot)]  # fmt: skip


Order = StageOrder | ScheduleOrder


class Skip(StrEnum):
    """Why a chosen person is left out; the page says ``web.bulk.skip.<value>``."""

    SAME_STAGE = "same_stage"  # already at that stage: /tahap refuses it too
    LEFT = "left"  # not selected or withdrew: nobody schedules them an interview
    GONE = "gone"  # no longer there (erased since the table was shown)


class Reach(StrEnum):
    """Whether the person will read about it."""

    TOLD = "told"
    UNTOLD = "untold"  # blocked the bot: /tahap changes the stage and sends nothing
    UNSURE = "unsure"  # blocked the bot before; a schedule notice is tried all the same


@dataclass(frozen=True)
class Entry:
    applicant: Applicant
    reach: Reach
    slot: datetime | None = None

    @property
    def reg_no(self) -> str:
        return self.applicant.reg_no or ""


@dataclass(frozen=True)
class Plan:
    order: Order
    entries: list[Entry]
    skipped: list[tuple[str, Skip]]  # registration number, why
    fingerprint: str

    def reach_counts(self) -> Counter[Reach]:
        return Counter(e.reach for e in self.entries)


def _why_not(order: Order, applicant: Applicant) -> Skip | None:
    if isinstance(order, StageOrder):
        return Skip.SAME_STAGE if applicant.stage == order.stage else None
    return Skip.LEFT if applicant.stage in LEAVING_STAGES else None


def _reach(order: Order, applicant: Applicant) -> Reach:
    if not applicant.inactive:
        # Opted out of announcements (/berhenti) still hear this: it is personal service.
        return Reach.TOLD
    return Reach.UNTOLD if isinstance(order, StageOrder) else Reach.UNSURE


def fingerprint(order: Order, applicants: Sequence[Applicant], missing: Sequence[str]) -> str:
    """The order and each chosen person as read now (in their order): any change to a
    person's row (a stage, a language, blocking the bot) changes it, and so does one more
    or one fewer person matching a filter."""
    people = [[a.reg_no, a.stage, a.locale, a.inactive, a.updated_at] for a in applicants]
    text = json.dumps([order.words(), people, list(missing)], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def plan(order: Order, applicants: Sequence[Applicant], missing: Sequence[str] = ()) -> Plan:
    """Who will get what, in the given order; ``missing``: chosen numbers no longer found.
    Each person kept takes the next slot: a skipped one leaves no gap."""
    entries: list[Entry] = []
    skipped: list[tuple[str, Skip]] = [(reg_no, Skip.GONE) for reg_no in missing]
    for applicant in applicants:
        why = _why_not(order, applicant)
        if why is not None:
            skipped.append((applicant.reg_no or "", why))
            continue
        slot = order.slots.slot(len(entries)) if isinstance(order, ScheduleOrder) else None
        entries.append(Entry(applicant, _reach(order, applicant), slot))
    return Plan(order, entries, skipped, fingerprint(order, applicants, missing))


# --- applying ---------------------------------------------------------------------------


class Result(StrEnum):
    """What became of one person; the result page counts them."""

    SENT = "sent"  # changed (or scheduled) and told
    UNTOLD = "untold"  # changed, not told: they had blocked the bot
    BLOCKED = "blocked"  # changed, and the message met a blocked chat
    FAILED = "failed"  # changed, the message did not go out (a stage notice is not retried)
    LATER = "later"  # scheduled; the notice waits for Telegram and goes out by itself
    SKIPPED = "skipped"  # not changed: the single action refused it (it changed meanwhile)


class JobState(StrEnum):
    RUNNING = "running"
    DONE = "done"
    STOPPED = "stopped"  # the bot stopped before the end: the rest were not changed


# One person's single action: (their entry) -> what became of them.
Step = Callable[[Entry], Awaitable[Result]]


@dataclass
class Job:
    id: str
    actor_id: int
    order: Order
    fingerprint: str
    entries: list[Entry]
    skipped: list[tuple[str, Skip]]
    back: str  # the table's address it was started from
    started: datetime
    state: JobState = JobState.RUNNING
    finished: datetime | None = None
    results: list[tuple[str, Result]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.entries)

    @property
    def done(self) -> int:
        return len(self.results)

    def counts(self) -> Counter[Result]:
        return Counter(result for _, result in self.results)

    def not_reached(self) -> list[tuple[str, Result]]:
        return [(reg_no, r) for reg_no, r in self.results if r is not Result.SENT]


class Jobs:
    """The running and recent bulk jobs of one bot; shut down with the bot (its feature's
    lifespan), which stops a running job between two people."""

    def __init__(self, d: Deps) -> None:
        self.d = d
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def with_fingerprint(self, fingerprint: str) -> Job | None:
        """A job already started from this very preview (a second press of the button)."""
        return next((j for j in self._jobs.values() if j.fingerprint == fingerprint), None)

    def start(self, actor_id: int, p: Plan, back: str, step: Step) -> Job:
        job = Job(
            id=secrets.token_urlsafe(9), actor_id=actor_id, order=p.order,
            fingerprint=p.fingerprint, entries=p.entries, skipped=p.skipped, back=back,
            started=self.d.clock.now(),
        )  # fmt: skip
        self._jobs[job.id] = job
        self._forget_old()
        self._tasks[job.id] = asyncio.create_task(self._run(job, step), name=f"bulk:{job.id}")
        return job

    def _forget_old(self) -> None:
        finished = [k for k, j in self._jobs.items() if j.state is not JobState.RUNNING]
        for key in finished[: max(0, len(self._jobs) - KEPT_JOBS)]:
            del self._jobs[key]

    async def _run(self, job: Job, step: Step) -> None:
        interval = 1.0 / self.d.settings.broadcast_rate
        next_at = time.monotonic()
        try:
            for entry in job.entries:
                wait = next_at - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                next_at = max(next_at, time.monotonic()) + interval
                try:
                    result = await step(entry)
                except Exception:  # one person's trouble must not stop the others
                    log.exception("bulk %s: one person failed", job.order.action.value)
                    result = Result.FAILED
                job.results.append((entry.reg_no, result))
            job.state = JobState.DONE
        except asyncio.CancelledError:
            job.state = JobState.STOPPED
            raise
        finally:
            job.finished = self.d.clock.now()
            self._tasks.pop(job.id, None)
            counts = job.counts()
            log.info(
                "bulk %s %s: %s of %d done (%s)", job.order.action.value, job.id,
                job.done, job.total, ", ".join(f"{k.value} {v}" for k, v in counts.items()),
            )  # fmt: skip

    async def wait(self, job_id: str) -> None:
        """Until the job has finished (tests, benchmarks)."""
        task = self._tasks.get(job_id)
        if task is not None:
            await asyncio.shield(task)

    async def close(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


# --- each person's single action ---------------------------------------------------------

_FROM_NOTICE = {
    StageNotice.SENT: Result.SENT,
    StageNotice.INACTIVE: Result.UNTOLD,
    StageNotice.BLOCKED: Result.BLOCKED,
    StageNotice.ERROR: Result.FAILED,
    StageNotice.OUTSIDE_WINDOW: Result.FAILED,
}
_FROM_DELIVERY = {
    Delivery.SENT: Result.SENT,
    Delivery.BLOCKED: Result.BLOCKED,
    Delivery.FAILED: Result.FAILED,
    Delivery.RETRY: Result.LATER,
}


def step_for(d: Deps, actor_id: int, order: Order) -> Step:
    """/tahap or /jadwalkan for one person, as the bot command does it."""

    async def stage(entry: Entry) -> Result:
        assert isinstance(order, StageOrder)
        moved = await applicant_desk.change_stage(
            d, actor_id, entry.reg_no, order.stage.value, order.note
        )
        return Result.SKIPPED if isinstance(moved, StageProblem) else _FROM_NOTICE[moved.notice]

    async def schedule(entry: Entry) -> Result:
        assert isinstance(order, ScheduleOrder) and entry.slot is not None
        done = await scheduling.schedule_event(
            d, actor_id, entry.reg_no, order.kind, entry.slot, order.place
        )
        return Result.SKIPPED if isinstance(done, Problem) else _FROM_DELIVERY[done.notice]

    return stage if isinstance(order, StageOrder) else schedule
