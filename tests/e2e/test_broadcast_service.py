"""The broadcast sender over a real SQLite file, with a scripted Bot API in place of Telegram:
every error path of the table, pauses, retries, a clean stop, a fatal stop, cancellation."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter

from bot.clock import FixedClock
from bot.config import Settings
from bot.deps import Deps
from bot.domain.recipients import RecipientFilter
from bot.services.broadcast import Broadcaster
from bot.storage import broadcasts as store
from bot.storage import staff as staff_repo
from bot.storage.broadcasts import Broadcast, OutboxCounts, OutboxItem
from bot.storage.db import Database
from handlers.broadcast_delivery import raising
from tests.conftest import ADMIN_ID, NOW, STAFF_ID
from tests.e2e.residents import until
from tests.helpers.rows import applicant_row, insert_applicants


@dataclass
class Reports:
    """A Reporter that keeps what it was told."""

    started: list[int] = field(default_factory=list)
    progress: list[OutboxCounts] = field(default_factory=list)
    finished: list[tuple[str, OutboxCounts, bool]] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)


class Recorder:
    def __init__(self) -> None:
        self.reports = Reports()

    async def started(self, broadcast: Broadcast) -> None:
        self.reports.started.append(broadcast.id)

    async def progress(
        self, broadcast: Broadcast, figures: OutboxCounts, eta: float | None
    ) -> None:
        self.reports.progress.append(figures)

    async def finished(
        self, broadcast: Broadcast, figures: OutboxCounts, seconds: float, *, to_admins: bool
    ) -> None:
        self.reports.finished.append((broadcast.status, figures, to_admins))

    async def creator_removed(self, broadcast: Broadcast) -> None:
        self.reports.removed.append(broadcast.id)


Script = Callable[[int, int], Exception | None]  # (user id, attempt number) -> error or None


class FakeTelegram:
    """Records deliveries (monotonic time) and raises what the script says."""

    def __init__(self, script: Script | None = None, delay: float = 0.0) -> None:
        self.script = script or (lambda uid, attempt: None)
        self.delay = delay
        self.tries: Counter[int] = Counter()
        self.delivered: list[tuple[int, float]] = []

    async def __call__(self, broadcast: Broadcast, item: OutboxItem) -> None:
        self.tries[item.user_id] += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        error = self.script(item.user_id, self.tries[item.user_id])
        if error is not None:
            raise error
        self.delivered.append((item.user_id, time.monotonic()))

    def counts(self) -> Counter[int]:
        return Counter(uid for uid, _at in self.delivered)


@pytest.fixture
async def deps(tmp_path: Path) -> AsyncIterator[Deps]:
    db = await Database.open(tmp_path / "service.sqlite3")
    settings = Settings(database_path=tmp_path / "service.sqlite3", admin_ids=frozenset({ADMIN_ID}))
    await staff_repo.add(db, STAFF_ID, ADMIN_ID)
    yield Deps(settings=settings, db=db, clock=FixedClock(NOW))
    await db.close()


async def sending(d: Deps, ids: range, **row: Any) -> int:
    """Applicants and a broadcast to all of them, already in status "sending"."""
    await insert_applicants(d.db, [applicant_row(uid, **row) for uid in ids])
    draft = await store.new_draft(d.db, STAFF_ID, locale="id", recipient_filter=RecipientFilter())
    await store.update_draft(d.db, draft, content_type="text", text="Halo", step="preview")
    total = await store.start_sending(d.db, draft.id, from_status="draft")
    assert total == len(ids)
    return draft.id


def sender(d: Deps, send: FakeTelegram, **kwargs: Any) -> tuple[Broadcaster, Recorder]:
    recorder = Recorder()
    options: dict[str, Any] = {"rate": 500.0, "retry_base": 0.01, "progress_every": 0.05}
    options.update(kwargs)
    return Broadcaster(d, raising(send), recorder, **options), recorder


async def run_to_end(broadcaster: Broadcaster, broadcast_id: int) -> None:
    broadcaster.launch(broadcast_id)
    await asyncio.wait_for(broadcaster.join(broadcast_id), 20)


async def test_429_pauses_every_send_for_retry_after_and_carries_on(deps: Deps) -> None:
    bid = await sending(deps, range(1, 41))
    throttled_at: list[float] = []

    def script(uid: int, attempt: int) -> Exception | None:
        if uid == 5 and attempt == 1:
            throttled_at.append(time.monotonic())
            return RetryAfter(1)
        return None

    telegram = FakeTelegram(script)
    broadcaster, recorder = sender(deps, telegram)
    await run_to_end(broadcaster, bid)

    assert telegram.counts() == Counter(range(1, 41))  # everyone exactly once, 5 included
    after = [at for uid, at in telegram.delivered if at > throttled_at[0] + 0.05]
    assert after and min(after) >= throttled_at[0] + 0.95  # nothing went out during the pause
    assert broadcaster.stats.throttled == 1
    status, figures, _admins = recorder.reports.finished[0]
    assert (status, figures.sent, figures.pending) == ("done", 40, 0)


async def test_each_error_has_its_outcome(deps: Deps) -> None:
    bid = await sending(deps, range(1, 11))

    def script(uid: int, attempt: int) -> Exception | None:
        return {
            2: Forbidden("Forbidden: bot was blocked by the user"),
            3: Forbidden("Forbidden: user is deactivated"),
            4: BadRequest("Bad Request: chat not found"),
            5: NetworkError("Bad Gateway") if attempt <= 2 else None,  # recovers on the third
            6: NetworkError("Internal Server Error"),  # never recovers
        }.get(uid)

    telegram = FakeTelegram(script)
    broadcaster, recorder = sender(deps, telegram, max_attempts=4)
    await run_to_end(broadcaster, bid)

    rows = await deps.db.fetchall(
        "SELECT o.user_id, o.status, o.attempts, o.last_error, a.inactive FROM broadcast_outbox o"
        " JOIN applicants a USING (user_id) WHERE o.broadcast_id = ? ORDER BY o.user_id",
        (bid,),
    )
    by_user = {r[0]: (r[1], r[2], r[4]) for r in rows}
    assert by_user[1] == ("sent", 1, 0)
    assert by_user[2] == ("blocked", 1, 1)
    assert by_user[3] == ("blocked", 1, 1)
    assert by_user[4] == ("failed", 1, 0)
    assert by_user[5] == ("sent", 3, 0)
    assert by_user[6] == ("failed", 4, 0)  # bounded: max_attempts tries, then given up
    assert telegram.tries[6] == 4
    errors = {r[0]: r[3] for r in rows}
    assert "blocked" in errors[2] and "chat not found" in errors[4].lower()
    _status, figures, _admins = recorder.reports.finished[0]
    assert (figures.sent, figures.blocked, figures.failed) == (6, 2, 2)


async def test_a_clean_stop_repeats_nothing_and_the_next_start_resumes(deps: Deps) -> None:
    bid = await sending(deps, range(1, 61))
    telegram = FakeTelegram(delay=0.02)
    first, _ = sender(deps, telegram, rate=100.0)
    first.launch(bid)
    await until(lambda: len(telegram.delivered) >= 15)
    await first.stop()
    stopped_at = len(telegram.delivered)
    assert stopped_at < 60
    b = await store.get(deps.db, bid)
    assert b is not None and b.status == "sending"

    second, recorder = sender(deps, telegram)
    await second.start()  # what the start-up hook does
    await asyncio.wait_for(second.join(bid), 20)
    assert telegram.counts() == Counter(range(1, 61))
    assert recorder.reports.finished[0][0] == "done"


async def test_a_revoked_token_stops_without_losing_anyone(deps: Deps) -> None:
    bid = await sending(deps, range(1, 21))
    revoked = True

    def script(uid: int, attempt: int) -> Exception | None:
        return InvalidToken("Unauthorized") if revoked and uid == 8 else None

    telegram = FakeTelegram(script)
    broadcaster, recorder = sender(deps, telegram, rate=50.0)
    await run_to_end(broadcaster, bid)
    figures = await store.counts(deps.db, bid)
    assert figures.pending >= 1 and figures.failed == 0
    assert recorder.reports.finished == []  # not finished: it waits for the next start

    revoked = False
    again, recorder = sender(deps, telegram)
    await again.start()
    await asyncio.wait_for(again.join(bid), 20)
    assert set(telegram.counts()) == set(range(1, 21))
    assert recorder.reports.finished[0][1].sent == 20


async def test_cancel_stops_sending_and_reports(deps: Deps) -> None:
    bid = await sending(deps, range(1, 201))
    telegram = FakeTelegram()
    broadcaster, recorder = sender(deps, telegram, rate=100.0)
    broadcaster.launch(bid)
    await until(lambda: len(telegram.delivered) >= 10)
    assert await broadcaster.cancel(bid, ADMIN_ID) == "sending"
    await asyncio.wait_for(broadcaster.join(bid), 5)
    sent_at_cancel = len(telegram.delivered)
    await asyncio.sleep(0.2)
    assert len(telegram.delivered) == sent_at_cancel < 200
    status, figures, _admins = recorder.reports.finished[0]
    assert status == "cancelled" and figures.pending == 200 - figures.sent
    assert await broadcaster.cancel(bid, ADMIN_ID) is None  # nothing left to cancel


async def test_opting_out_meanwhile_skips_the_person(deps: Deps) -> None:
    bid = await sending(deps, range(1, 6))
    await deps.db.write("UPDATE applicants SET opted_out = 1 WHERE user_id = 3")
    telegram = FakeTelegram()
    broadcaster, recorder = sender(deps, telegram)
    await run_to_end(broadcaster, bid)
    assert sorted(telegram.counts()) == [1, 2, 4, 5]
    assert recorder.reports.finished[0][1].skipped == 1


async def test_deleted_applicants_leave_no_outbox_rows(deps: Deps) -> None:
    bid = await sending(deps, range(1, 6))
    await deps.db.write("DELETE FROM applicants WHERE user_id = 2")
    figures = await store.counts(deps.db, bid)
    assert figures.total == 4


async def test_a_removed_creator_does_not_stop_it_and_admins_get_the_report(deps: Deps) -> None:
    bid = await sending(deps, range(1, 41))
    telegram = FakeTelegram(delay=0.01)
    broadcaster, recorder = sender(deps, telegram, rate=100.0, progress_every=0.05)
    broadcaster.launch(bid)
    await staff_repo.remove(deps.db, STAFF_ID)
    await asyncio.wait_for(broadcaster.join(bid), 20)
    assert telegram.counts() == Counter(range(1, 41))
    assert recorder.reports.removed == [bid]
    status, figures, to_admins = recorder.reports.finished[0]
    assert (status, figures.sent, to_admins) == ("done", 40, True)


async def test_progress_is_reported_while_it_runs(deps: Deps) -> None:
    bid = await sending(deps, range(1, 31))
    broadcaster, recorder = sender(deps, FakeTelegram(), rate=100.0, progress_every=0.05)
    await run_to_end(broadcaster, bid)
    sent = [f.sent for f in recorder.reports.progress]
    assert len(sent) >= 3 and sent == sorted(sent) and sent[0] < 30


async def test_scheduled_broadcast_starts_once_even_if_started_twice(deps: Deps) -> None:
    await insert_applicants(deps.db, [applicant_row(uid) for uid in range(1, 6)])
    draft = await store.new_draft(
        deps.db, STAFF_ID, locale="id", recipient_filter=RecipientFilter()
    )
    await store.update_draft(deps.db, draft, content_type="text", text="Halo", step="preview")
    assert await store.schedule(deps.db, draft.id, NOW.isoformat())
    assert not await store.schedule(deps.db, draft.id, NOW.isoformat())  # a second tap
    telegram = FakeTelegram()
    broadcaster, recorder = sender(deps, telegram)
    assert await broadcaster.begin_scheduled(draft.id)
    assert not await broadcaster.begin_scheduled(draft.id)
    await asyncio.wait_for(broadcaster.join(draft.id), 20)
    assert telegram.counts() == Counter(range(1, 6))
    assert recorder.reports.started == [draft.id]


async def test_a_resume_right_after_a_stop_sends_the_rest_once(deps: Deps) -> None:
    """Resumed while the stopped run's sends are still in flight: the new run waits for them
    to be marked, so nobody is sent it twice and nobody is left out."""
    bid = await sending(deps, range(1, 61))
    telegram = FakeTelegram(delay=0.05)  # many sends in flight at any moment
    broadcaster, _recorder = sender(deps, telegram, rate=200.0)
    broadcaster.launch(bid)
    await until(lambda: len(telegram.delivered) >= 5, 10)
    assert await broadcaster.cancel(bid, STAFF_ID) == "sending"
    assert not await broadcaster.resume(bid + 1)  # no such broadcast
    assert await broadcaster.resume(bid)
    await asyncio.wait_for(broadcaster.join(bid), 20)
    assert telegram.counts() == Counter({uid: 1 for uid in range(1, 61)})
    b = await store.get(deps.db, bid)
    assert b is not None and (b.status, b.sent, b.cancelled_by) == ("done", 60, None)
    assert not await broadcaster.resume(bid)  # done: nothing left to resume
    await broadcaster.stop()


async def test_only_an_announcement_stopped_while_sending_can_be_resumed(deps: Deps) -> None:
    discarded = await store.new_draft(deps.db, STAFF_ID, locale="id", recipient_filter=None)
    await store.cancel(deps.db, discarded.id, STAFF_ID)
    planned = await store.new_draft(deps.db, ADMIN_ID, locale="id", recipient_filter=None)
    await store.update_draft(deps.db, planned, content_type="text", text="Nanti",
                             filter=RecipientFilter().to_json(), step="preview")  # fmt: skip
    assert await store.schedule(deps.db, planned.id, "2026-12-01T09:00:00+07:00")
    await store.cancel(deps.db, planned.id, ADMIN_ID)
    running = await sending(deps, range(11, 14))
    for broadcast_id in (discarded.id, planned.id, running):
        assert not await store.resume(deps.db, broadcast_id), broadcast_id
    await store.cancel(deps.db, running, STAFF_ID)
    assert await store.resume(deps.db, running)  # stopped with all three still to reach
    assert not await store.resume(deps.db, running)  # sending again: once only
