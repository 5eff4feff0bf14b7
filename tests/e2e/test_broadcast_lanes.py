"""The sender's lanes over a real SQLite file, a scripted channel per lane: each channel's rows
go through its own lane only, a channel that cannot send at all stops its lane and leaves its
rows for the next start while the other channel finishes, and outside-window rows count."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.config import Settings
from bot.deps import Deps
from bot.domain.recipients import RecipientFilter
from bot.services.broadcast import Broadcaster, ChannelLane
from bot.services.delivery import Outcome, Verdict
from bot.storage import broadcasts as store
from bot.storage import staff as staff_repo
from bot.storage.broadcasts import Broadcast, OutboxCounts, OutboxItem
from bot.storage.db import Database
from handlers.broadcast_delivery import raising
from tests.conftest import ADMIN_ID, NOW, STAFF_ID
from tests.helpers.rows import applicant_row, insert_applicants


class Quiet:
    """A Reporter that keeps only the final figures."""

    def __init__(self) -> None:
        self.reports: list[OutboxCounts] = []

    async def started(self, broadcast: Broadcast) -> None:
        pass

    async def progress(
        self, broadcast: Broadcast, figures: OutboxCounts, eta: float | None
    ) -> None:
        pass

    async def finished(
        self, broadcast: Broadcast, figures: OutboxCounts, seconds: float, *, to_admins: bool
    ) -> None:
        self.reports.append(figures)

    async def creator_removed(self, broadcast: Broadcast) -> None:
        pass


@pytest.fixture
async def deps(tmp_path: Path) -> AsyncIterator[Deps]:
    db = await Database.open(tmp_path / "lanes.sqlite3")
    settings = Settings(database_path=tmp_path / "lanes.sqlite3", admin_ids=frozenset({ADMIN_ID}))
    await staff_repo.add(db, STAFF_ID, ADMIN_ID)
    yield Deps(settings=settings, db=db, clock=FixedClock(NOW))
    await db.close()


async def sending(d: Deps, ids: list[int]) -> int:
    await insert_applicants(d.db, [applicant_row(uid) for uid in ids])
    draft = await store.new_draft(d.db, STAFF_ID, locale="id", recipient_filter=RecipientFilter())
    await store.update_draft(d.db, draft, content_type="text", text="Halo", step="preview")
    assert await store.start_sending(d.db, draft.id, from_status="draft") == len(ids)
    return draft.id


TELEGRAM_IDS = list(range(1, 31))
WHATSAPP_IDS = list(range(-30, 0))


async def test_each_channel_sends_its_own_rows_once(deps: Deps) -> None:
    bid = await sending(deps, TELEGRAM_IDS + WHATSAPP_IDS)
    telegram: Counter[int] = Counter()
    whatsapp: Counter[int] = Counter()

    async def tg_send(b: Broadcast, item: OutboxItem) -> None:
        telegram[item.user_id] += 1

    async def wa_deliver(b: Broadcast, item: OutboxItem) -> Verdict:
        whatsapp[item.user_id] += 1
        if item.user_id == -1:
            return Verdict(Outcome.OUTSIDE_WINDOW, "whatsapp: outside")
        return Verdict(Outcome.SENT)

    reporter = Quiet()
    sender = Broadcaster(deps, raising(tg_send), reporter, rate=500.0, progress_every=0.05,
                         channels={"whatsapp": ChannelLane(wa_deliver, rate=500.0)})  # fmt: skip
    sender.launch(bid)
    await asyncio.wait_for(sender.join(bid), 20)
    assert telegram == Counter(TELEGRAM_IDS)
    assert whatsapp == Counter(WHATSAPP_IDS)
    [figures] = reporter.reports
    assert (figures.sent, figures.outside_window, figures.pending) == (59, 1, 0)
    assert sender.lanes["whatsapp"].stats.outside_window == 1
    assert sender.lanes["telegram"].stats.sent == 30
    b = await store.get(deps.db, bid)
    assert b is not None and b.status == "done"


async def test_a_channel_that_cannot_send_waits_for_the_next_start_the_other_finishes(
    deps: Deps,
) -> None:
    bid = await sending(deps, TELEGRAM_IDS + WHATSAPP_IDS)
    telegram: Counter[int] = Counter()

    async def tg_send(b: Broadcast, item: OutboxItem) -> None:
        telegram[item.user_id] += 1

    async def wa_stopped(b: Broadcast, item: OutboxItem) -> Verdict:
        return Verdict(Outcome.STOP, "whatsapp 190: access token expired or invalid")

    reporter = Quiet()
    sender = Broadcaster(deps, raising(tg_send), reporter, rate=500.0, progress_every=0.05,
                         channels={"whatsapp": ChannelLane(wa_stopped, rate=500.0)})  # fmt: skip
    sender.launch(bid)
    await asyncio.wait_for(sender.join(bid), 20)
    assert telegram == Counter(TELEGRAM_IDS)  # Telegram's residents did not wait
    figures = await store.counts(deps.db, bid)
    assert (figures.sent, figures.pending) == (30, 30)
    b = await store.get(deps.db, bid)
    assert b is not None and b.status == "sending"  # the next start sends the rest
    assert reporter.reports == []

    sent_now: Counter[int] = Counter()

    async def wa_back(b: Broadcast, item: OutboxItem) -> Verdict:
        sent_now[item.user_id] += 1
        return Verdict(Outcome.SENT)

    later = Broadcaster(deps, raising(tg_send), reporter, rate=500.0, progress_every=0.05,
                        channels={"whatsapp": ChannelLane(wa_back, rate=500.0)})  # fmt: skip
    await later.start()
    await asyncio.wait_for(later.join(bid), 20)
    assert sent_now == Counter(WHATSAPP_IDS) and telegram == Counter(TELEGRAM_IDS)
    b = await store.get(deps.db, bid)
    assert b is not None and (b.status, b.sent) == ("done", 60)


async def test_without_a_whatsapp_lane_its_rows_fail_visibly(deps: Deps) -> None:
    bid = await sending(deps, [1, -1])

    async def tg_send(b: Broadcast, item: OutboxItem) -> None:
        return None

    reporter = Quiet()
    sender = Broadcaster(deps, raising(tg_send), reporter, rate=500.0, progress_every=0.05)
    sender.launch(bid)
    await asyncio.wait_for(sender.join(bid), 20)
    [figures] = reporter.reports
    assert (figures.sent, figures.failed) == (1, 1)
