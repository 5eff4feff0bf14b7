"""The broadcast sender: works through the outbox at each channel's own pace, durably.

- Channels: a run works through its outbox in one lane per channel (Telegram, WhatsApp),
  side by side, each over the rows of its own recipients (a WhatsApp resident's user id is
  negative: bot/storage/contacts.py), so a broadcast to both channels uses both limits
  fully and a slow or stopped channel never holds up the other. A row belongs to one lane
  only, so nobody gets it twice.
- Pace: one shared Pacer per channel spaces every announcement message of that channel
  evenly at its ``rate`` per second at most (Telegram: BROADCAST_RATE, default 28;
  WhatsApp: WHATSAPP_RATE_LIMIT, whose client paces it again at Meta's 80/s), whatever
  number of broadcasts run. The sends are bulk, so replies to residents go first and an
  announcement gets what they leave. A few sends are in flight at once (enough for slow
  round trips); the outbox row is marked in the same step that sends it, so a kill repeats
  at most those.
- Errors: each channel's table gives the outcome (bot/channels/telegram/errors.py for
  Telegram, bot/channels/whatsapp/errors.py for WhatsApp): THROTTLED pauses that channel's
  pacer for retry_after, BLOCKED marks the resident inactive, FAILED fails the row, RETRY
  (network errors, 5xx) backs off and retries up to ``max_attempts``, STOP ends that lane
  and leaves its rows for the next start. OUTSIDE_WINDOW (WhatsApp's 24 hours passed and no
  template serves) is a row of its own, counted and reported, never silently dropped.
- Restarts: ``start()`` resumes every broadcast still "sending" and re-arms the scheduled ones;
  ``stop()`` lets the messages in flight finish, so a clean stop repeats nothing.
- Stop and resume: ``cancel()`` stops a broadcast (its pending rows stay pending);
  ``resume()`` sends it on to those rows only, after the stopped run's sends came back, so
  nobody gets it twice; a stopped one stays resumable across restarts (it is all in SQLite).
- Progress: every few seconds the figures go to a Reporter (the Telegram side renders and
  edits one message). A creator who lost the staff role while it runs: the broadcast still
  finishes (residents should not get half an announcement campaign, and an admin can cancel
  it from /umumkan riwayat), but progress stops going to them and the report goes to admins.

Telegram is behind two small interfaces, a Deliver (its send read through its error table:
handlers/broadcast_delivery.py ``raising``) and a Reporter, given by the handlers; another
channel is a ``ChannelLane`` (a Deliver and its rate) given with them.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from bot.config import Settings
from bot.deps import Deps
from bot.services.delivery import Outcome, Verdict, backoff
from bot.services.roles import is_staff
from bot.storage import broadcasts as store
from bot.storage.broadcasts import Broadcast, OutboxCounts, OutboxItem, Status
from bot.storage.recipients import RecipientCount

log = logging.getLogger(__name__)

SendFn = Callable[[Broadcast, OutboxItem], Awaitable[None]]
"""A send that returns when sent and raises the channel's error otherwise (Telegram's)."""
Deliver = Callable[[Broadcast, OutboxItem], Awaitable[Verdict]]
"""A channel's send: the outcome (SENT, or why not), never raising for what the channel says."""
AfterSent = Callable[[str], Awaitable[None]]
"""Called with a message's ``Verdict.ref`` once its row is marked sent with it."""

TELEGRAM = "telegram"
WHATSAPP = "whatsapp"


def channel_of(user_id: int) -> str:
    """As bot/storage/contacts.channel_of: a WhatsApp resident's user id is negative."""
    return WHATSAPP if user_id < 0 else TELEGRAM


@dataclass(frozen=True)
class ChannelLane:
    """How announcements reach the people of one channel, and how fast."""

    deliver: Deliver
    rate: float
    max_in_flight: int | None = None
    # WhatsApp reports a failure later, by webhook, and that report can come before the row
    # is marked sent with the message's id: this applies one that came first.
    after_sent: AfterSent | None = None


class Reporter(Protocol):
    """How figures reach people; implemented over Telegram in handlers/broadcast_delivery.py."""

    async def started(self, broadcast: Broadcast) -> None:
        """A scheduled broadcast began: open its progress message."""

    async def progress(
        self, broadcast: Broadcast, figures: OutboxCounts, eta_seconds: float | None
    ) -> None:
        """Update the progress message (never with the text it already shows)."""

    async def finished(
        self, broadcast: Broadcast, figures: OutboxCounts, seconds: float, *, to_admins: bool
    ) -> None:
        """The final report: done or cancelled (``broadcast.status`` says which)."""

    async def creator_removed(self, broadcast: Broadcast) -> None:
        """Tell the admins that the broadcast of a removed staff member goes on."""


def sending_seconds(settings: Settings, count: RecipientCount) -> float:
    """How long sending to these recipients takes: each channel at its own rate, side by
    side (one lane per channel), so the slower channel decides."""
    whatsapp = count.whatsapp
    telegram = count.reachable - whatsapp
    return max(telegram / settings.broadcast_rate, whatsapp / settings.whatsapp_rate_limit)


def default_in_flight(rate: float) -> int:
    """Sends in flight at once: enough for 400 ms round trips at full rate, at least 2."""
    return max(2, min(32, math.ceil(rate * 0.4)))


class Pacer:
    """Evenly spaced turns at ``rate`` per second, shared by all broadcasts, at most
    ``max_in_flight`` at once; a 429 pauses every turn for retry_after."""

    def __init__(self, rate: float, max_in_flight: int) -> None:
        self.rate = rate
        self.interval = 1.0 / rate
        self.max_in_flight = max_in_flight
        self._slots = asyncio.Semaphore(max_in_flight)
        self._next = 0.0
        self._resume_at = 0.0

    async def turn(self) -> None:
        """Wait for a free slot and the next turn; the caller must release() the slot."""
        await self._slots.acquire()
        try:
            loop = asyncio.get_running_loop()
            while True:
                now = loop.time()
                # No catching up after a pause or an idle spell: a burst would trip the limit.
                at = max(self._next, now, self._resume_at)
                self._next = at + self.interval
                if at > now:
                    await asyncio.sleep(at - now)
                if loop.time() + 0.001 >= self._resume_at:
                    return
                # A 429 arrived while waiting: queue again behind the pause.
        except BaseException:
            self._slots.release()
            raise

    def release(self) -> None:
        self._slots.release()

    def pause(self, seconds: float) -> None:
        resume = asyncio.get_running_loop().time() + seconds
        self._resume_at = max(self._resume_at, resume)


@dataclass
class SenderStats:
    """Counters since start-up, for logs and benchmarks."""

    attempts: int = 0
    sent: int = 0
    throttled: int = 0  # 429s that reached the sender (the rate limiter retries some first)
    retried: int = 0
    blocked: int = 0
    failed: int = 0
    outside_window: int = 0


@dataclass
class _Lane:
    """One channel of the sender: its deliver, and its pacer shared by every broadcast."""

    channel: str
    deliver: Deliver
    pacer: Pacer
    stats: SenderStats = field(default_factory=SenderStats)
    after_sent: AfterSent | None = None


@dataclass
class _LaneRun:
    """One channel's part of one run."""

    lane: _Lane
    pending: int = 0  # rows of this channel pending when the run began
    handled: int = 0  # of those, rows handled in this run (for the estimate of time left)
    fatal: bool = False  # the channel cannot send at all: its rows wait for the next start


@dataclass
class _Run:
    broadcast_id: int
    started: float  # loop time
    stop_reason: str | None = None  # cancelled, shutdown, fatal
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    handled: int = 0  # rows handled in this run
    lanes: dict[str, _LaneRun] = field(default_factory=dict)
    orphaned: bool = False
    task: asyncio.Task[None] | None = None

    def stop(self, reason: str) -> None:
        if self.stop_reason is None:
            self.stop_reason = reason
        self.wake.set()


class Broadcaster:
    """Owns the running and scheduled broadcasts of this process."""

    def __init__(
        self,
        d: Deps,
        send: Deliver,
        reporter: Reporter,
        *,
        rate: float | None = None,
        max_in_flight: int | None = None,
        max_attempts: int = 5,
        retry_base: float = 2.0,
        progress_every: float = 3.0,
        schedule_check_every: float = 30.0,
        batch: int = 50,
        channels: Mapping[str, ChannelLane] | None = None,
    ) -> None:
        """``send`` reaches Telegram's residents at ``rate``; ``channels`` the others (its
        WhatsApp lane at its own rate). Without a lane for a channel, its rows fail."""
        self.d = d
        self.send = send
        self.reporter = reporter
        chosen_rate = rate or d.settings.broadcast_rate
        self.pacer = Pacer(chosen_rate, max_in_flight or default_in_flight(chosen_rate))
        self.lanes: dict[str, _Lane] = {TELEGRAM: _Lane(TELEGRAM, send, self.pacer)}
        for channel, spec in (channels or {}).items():
            in_flight = spec.max_in_flight or default_in_flight(spec.rate)
            self.lanes[channel] = _Lane(
                channel, spec.deliver, Pacer(spec.rate, in_flight), after_sent=spec.after_sent
            )
        for channel in (TELEGRAM, WHATSAPP):
            if channel not in self.lanes:
                self.lanes[channel] = _Lane(channel, _unreachable(channel), Pacer(1000.0, 8))
        self.max_attempts = max_attempts
        self.retry_base = retry_base
        self.progress_every = progress_every
        self.schedule_check_every = schedule_check_every
        self.batch = batch
        self.stats = SenderStats()
        self._runs: dict[int, _Run] = {}
        self._timers: dict[int, asyncio.Task[None]] = {}
        self._closing = False

    # life cycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        """Resume what a stop or a crash interrupted; re-arm the scheduled ones."""
        for broadcast in await store.with_status(self.d.db, Status.SENDING):
            log.info("resuming broadcast %s", broadcast.id)
            self.launch(broadcast.id)
        for broadcast in await store.with_status(self.d.db, Status.SCHEDULED):
            self.arm(broadcast)

    async def stop(self, grace: float = 5.0) -> None:
        """Stop taking rows, let the sends in flight finish (up to ``grace`` s), then cancel."""
        self._closing = True
        for timer in self._timers.values():
            timer.cancel()
        tasks = [run.task for run in self._runs.values() if run.task is not None]
        for run in self._runs.values():
            run.stop("shutdown")
        if tasks:
            _done, late = await asyncio.wait(tasks, timeout=grace)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        await asyncio.gather(*self._timers.values(), return_exceptions=True)
        self._timers.clear()

    def running(self, broadcast_id: int) -> bool:
        return broadcast_id in self._runs

    async def join(self, broadcast_id: int) -> None:
        """Wait until this broadcast's sender ends (tests, benchmarks)."""
        run = self._runs.get(broadcast_id)
        if run is not None and run.task is not None:
            await asyncio.shield(run.task)

    # starting and stopping one broadcast --------------------------------------------------
    def launch(self, broadcast_id: int) -> None:
        """Send a broadcast that is in status "sending" (idempotent)."""
        if self._closing or broadcast_id in self._runs:
            return
        run = _Run(broadcast_id, started=asyncio.get_running_loop().time())
        self._runs[broadcast_id] = run
        run.task = asyncio.create_task(self._run(run), name=f"broadcast-{broadcast_id}")
        run.task.add_done_callback(lambda task: self._ended(broadcast_id, task))

    def _ended(self, broadcast_id: int, task: asyncio.Task[None]) -> None:
        self._runs.pop(broadcast_id, None)
        if not task.cancelled() and task.exception() is not None:
            # It stays "sending" in SQLite: the next start resumes it.
            log.error("broadcast %s sender failed", broadcast_id, exc_info=task.exception())
            self._alert(task)

    def arm(self, broadcast: Broadcast) -> None:
        """Start a scheduled broadcast when its time comes (idempotent)."""
        if self._closing or broadcast.id in self._timers or broadcast.send_at is None:
            return
        send_at = datetime.fromisoformat(broadcast.send_at)
        task = asyncio.create_task(
            self._at(broadcast.id, send_at), name=f"broadcast-at-{broadcast.id}"
        )
        self._timers[broadcast.id] = task
        task.add_done_callback(lambda _t: self._timers.pop(broadcast.id, None))

    async def _at(self, broadcast_id: int, send_at: datetime) -> None:
        # Sleep in short steps against the clock, not one long sleep: the clock is the
        # truth (it may be moved in tests, or jump after a suspended machine wakes up).
        while True:
            left = (send_at - self.d.clock.now()).total_seconds()
            if left <= 0:
                break
            await asyncio.sleep(min(left, self.schedule_check_every))
        await self.begin_scheduled(broadcast_id)

    async def begin_scheduled(self, broadcast_id: int) -> bool:
        """Its time came: fill the outbox with the recipients of now, and send."""
        total = await store.start_sending(self.d.db, broadcast_id, from_status=Status.SCHEDULED)
        if total is None:
            return False  # cancelled meanwhile, or started by another path
        broadcast = await store.get(self.d.db, broadcast_id)
        assert broadcast is not None
        log.info("scheduled broadcast %s started: %d recipients", broadcast_id, total)
        with contextlib.suppress(Exception):
            await self.reporter.started(broadcast)
        self.launch(broadcast_id)
        return True

    async def cancel(self, broadcast_id: int, by: int) -> str | None:
        """Cancel a draft, scheduled or running broadcast; its status before, or None."""
        before = await store.cancel(self.d.db, broadcast_id, by)
        if before == Status.SCHEDULED:
            timer = self._timers.pop(broadcast_id, None)
            if timer is not None:
                timer.cancel()
        run = self._runs.get(broadcast_id)
        if run is not None:
            run.stop("cancelled")  # the run reports the figures once its sends are back
        elif before == Status.SENDING:
            await self._report_end(broadcast_id, None)
        return before

    async def resume(self, broadcast_id: int) -> bool:
        """Send a broadcast stopped by staff on to those it has not reached yet (see
        bot/storage/broadcasts.resume); False when it cannot go on."""
        run = self._runs.get(broadcast_id)
        if run is not None:
            if run.stop_reason is None or run.task is None:
                return False  # still running: nothing to resume
            # Just stopped: its sends in flight come back and are marked first, so a row is
            # either sent or pending when the new run reads the outbox, never both.
            await asyncio.shield(run.task)
        if self._closing or broadcast_id in self._runs:
            return False
        if not await store.resume(self.d.db, broadcast_id):
            return False
        log.info("broadcast %s resumed", broadcast_id)
        self.launch(broadcast_id)
        return True

    def eta_of(self, broadcast_id: int, figures: OutboxCounts) -> float | None:
        """Seconds left of a broadcast running here; None when it is not running."""
        run = self._runs.get(broadcast_id)
        return None if run is None else self.eta(run, figures)

    # the sender ---------------------------------------------------------------------------
    async def _run(self, run: _Run) -> None:
        db = self.d.db
        broadcast = await store.get(db, run.broadcast_id)
        if broadcast is None or broadcast.status != Status.SENDING:
            return
        pending = await store.pending_by_channel(db, run.broadcast_id)
        run.lanes = {
            channel: _LaneRun(lane, pending=pending.get(channel, 0))
            for channel, lane in self.lanes.items()
        }
        progress = asyncio.create_task(self._progress_loop(run))
        try:
            # One worker per channel over its own rows, side by side: each at its own pace.
            await asyncio.gather(
                *(self._lane_run(run, part, broadcast) for part in run.lanes.values())
            )
        finally:
            progress.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await progress
        if run.stop_reason is None and any(part.fatal for part in run.lanes.values()):
            run.stop_reason = "fatal"
        if run.stop_reason in ("shutdown", "fatal"):
            return  # still "sending": the next start resumes it
        await self._report_end(run.broadcast_id, run)

    async def _lane_run(self, run: _Run, part: _LaneRun, broadcast: Broadcast) -> None:
        """Send one channel's rows of this broadcast until none is left (or a stop)."""
        db = self.d.db
        lane = part.lane
        in_flight: dict[int, asyncio.Task[None]] = {}
        queue: deque[OutboxItem] = deque()
        try:
            while run.stop_reason is None and not part.fatal:
                if not queue:
                    queue.extend(
                        await store.pending_batch(
                            db,
                            run.broadcast_id,
                            limit=self.batch,
                            now=time.time(),
                            exclude=set(in_flight),
                            channel=lane.channel,
                        )
                    )
                if not queue:
                    if in_flight:
                        await asyncio.wait(in_flight.values(), return_when=asyncio.FIRST_COMPLETED)
                        continue
                    due = await store.next_retry_at(db, run.broadcast_id, channel=lane.channel)
                    if due is None:
                        break  # every row of this channel handled
                    await self._sleep(run, max(0.05, due - time.time()))
                    continue
                await lane.pacer.turn()
                if run.stop_reason is not None or part.fatal:
                    lane.pacer.release()
                    break
                item = queue.popleft()
                task = asyncio.create_task(self._deliver(run, part, broadcast, item))
                in_flight[item.id] = task
                task.add_done_callback(functools.partial(self._sent, lane, in_flight, item.id))
        finally:
            if in_flight:  # let the sends in flight come back and be marked
                await asyncio.wait(in_flight.values())

    def _sent(
        self,
        lane: _Lane,
        in_flight: dict[int, asyncio.Task[None]],
        key: int,
        task: asyncio.Task[None],
    ) -> None:
        in_flight.pop(key, None)
        lane.pacer.release()
        if not task.cancelled() and task.exception() is not None:
            # A storage failure: the row stays pending and comes round again.
            log.error("broadcast delivery failed", exc_info=task.exception())
            self._alert(task)

    def _alert(self, task: asyncio.Task[None]) -> None:
        """An unexpected failure of the sender: the admins hear of it
        (bot/channels/telegram/alerts.py)."""
        error = task.exception()
        if error is not None and self.d.alerts is not None:
            self.d.alerts.error_soon(error, "job:broadcast")

    async def _sleep(self, run: _Run, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(run.wake.wait(), seconds)

    def _handled(self, run: _Run, part: _LaneRun) -> None:
        run.handled += 1
        part.handled += 1

    async def _deliver(
        self, run: _Run, part: _LaneRun, broadcast: Broadcast, item: OutboxItem
    ) -> None:
        """Send to one person and mark the row in the same step."""
        db = self.d.db
        if item.opted_out:  # /berhenti after the outbox was filled
            await store.mark_skipped(db, item, "opted out")
            self._handled(run, part)
            return
        if item.inactive:  # blocked the bot during another broadcast meanwhile
            await store.mark_blocked(db, item, "inactive")
            self._handled(run, part)
            return
        lane = part.lane
        for stats in (self.stats, lane.stats):
            stats.attempts += 1
        verdict = await lane.deliver(broadcast, item)
        outcome = verdict.outcome
        counted = {
            Outcome.SENT: "sent", Outcome.THROTTLED: "throttled", Outcome.BLOCKED: "blocked",
            Outcome.FAILED: "failed", Outcome.OUTSIDE_WINDOW: "outside_window",
        }.get(outcome)  # fmt: skip
        if counted is not None:
            for stats in (self.stats, lane.stats):
                setattr(stats, counted, getattr(stats, counted) + 1)
        if outcome is Outcome.SENT:
            await store.mark_sent(db, item, verdict.ref)
            self._handled(run, part)
            if verdict.ref is not None and lane.after_sent is not None:
                await lane.after_sent(verdict.ref)
        elif outcome is Outcome.THROTTLED:
            log.info(
                "%s throttled: pausing its announcements for %.0f s",
                lane.channel, verdict.retry_after,
            )  # fmt: skip
            lane.pacer.pause(verdict.retry_after)  # the row stays pending and comes round again
        elif outcome is Outcome.BLOCKED:
            await store.mark_blocked(db, item, verdict.error)
            self._handled(run, part)
        elif outcome is Outcome.FAILED:
            await store.mark_failed(db, item, verdict.error, attempted=True)
            self._handled(run, part)
        elif outcome is Outcome.OUTSIDE_WINDOW:
            await store.mark_outside_window(db, item, verdict.error)
            self._handled(run, part)
        elif outcome is Outcome.RETRY:
            if item.attempts + 1 >= self.max_attempts:
                for stats in (self.stats, lane.stats):
                    stats.failed += 1
                await store.mark_failed(db, item, verdict.error, attempted=True)
                self._handled(run, part)
            else:
                for stats in (self.stats, lane.stats):
                    stats.retried += 1
                retry_at = time.time() + backoff(item.attempts + 1, base=self.retry_base)
                await store.mark_retry(db, item, verdict.error, retry_at)
        else:  # STOP: this channel cannot send at all; keep its rows for the next start
            log.error(
                "broadcast %s: %s stopped: %s", run.broadcast_id, lane.channel, verdict.error
            )
            part.fatal = True
            run.wake.set()

    # figures ------------------------------------------------------------------------------
    def eta(self, run: _Run, figures: OutboxCounts) -> float | None:
        """Seconds left: each channel's pending rows at the rate seen in this run (or its set
        rate); the channels send side by side, so the slowest one decides."""
        if figures.pending == 0:
            return 0.0
        elapsed = asyncio.get_running_loop().time() - run.started
        longest = 0.0
        for part in run.lanes.values():
            left = max(0, part.pending - part.handled)
            if left == 0:
                continue
            rate = part.lane.pacer.rate
            if elapsed >= 2.0 and part.handled > 0:
                rate = min(rate, part.handled / elapsed)
            if rate <= 0:
                return None
            longest = max(longest, left / rate)
        if not run.lanes:  # not begun yet: Telegram's rate for all
            return figures.pending / self.pacer.rate
        return longest

    async def _progress_loop(self, run: _Run) -> None:
        while True:
            await asyncio.sleep(self.progress_every)
            try:
                await self._progress(run)
            except Exception:  # a report is never a reason to stop sending
                log.exception("broadcast %s: progress report failed", run.broadcast_id)

    async def _progress(self, run: _Run) -> None:
        broadcast = await store.get(self.d.db, run.broadcast_id)
        if broadcast is None:
            return
        if not run.orphaned and not await is_staff(self.d, broadcast.created_by):
            run.orphaned = True
            log.info("broadcast %s: its creator is no longer staff", broadcast.id)
            await self.reporter.creator_removed(broadcast)
        if run.orphaned:
            return
        figures = await store.counts(self.d.db, run.broadcast_id)
        await self.reporter.progress(broadcast, figures, self.eta(run, figures))

    async def _report_end(self, broadcast_id: int, run: _Run | None) -> None:
        db = self.d.db
        figures = await store.counts(db, broadcast_id)
        if run is not None and run.stop_reason is None:
            if not await store.finish(db, broadcast_id, figures):
                await store.record_figures(db, broadcast_id, figures)  # cancelled meanwhile
        else:
            await store.record_figures(db, broadcast_id, figures)
        broadcast = await store.get(db, broadcast_id)
        if broadcast is None:
            return
        log.info(
            "broadcast %s %s: %d sent, %d blocked, %d failed, %d skipped, %d not sent",
            broadcast_id, broadcast.status, figures.sent, figures.blocked, figures.failed,
            figures.skipped, figures.pending,
        )  # fmt: skip
        to_admins = (run is not None and run.orphaned) or not await is_staff(
            self.d, broadcast.created_by
        )
        try:
            await self.reporter.finished(
                broadcast, figures, _seconds_since(broadcast.started_at), to_admins=to_admins
            )
        except Exception:
            log.exception("broadcast %s: final report failed", broadcast_id)


def _unreachable(channel: str) -> Deliver:
    """The lane of a channel that is not configured here: its rows fail, visibly."""

    async def deliver(broadcast: Broadcast, item: OutboxItem) -> Verdict:
        return Verdict(Outcome.FAILED, f"{channel}: not configured")

    return deliver


def _seconds_since(iso: str | None) -> float:
    if not iso:
        return 0.0
    return max(0.0, (datetime.now(UTC) - datetime.fromisoformat(iso)).total_seconds())
