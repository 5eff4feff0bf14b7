"""While a broadcast runs: residents still get answers, and a staff member removed meanwhile
does not stop it (the admins get the report). With the simulator's flood limit on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.storage import broadcasts as store
from bot.storage import staff as staff_repo
from tests.conftest import ADMIN_ID, STAFF_ID, RunnerFactory
from tests.e2e.residents import say, tap, until
from tests.helpers.broadcasts import compose, seed
from tests.helpers.runner import db_of, sender_of

# Telegram's ~30 messages/s overall and ~1/s per chat, and the bot at Telegram's rate.
pytestmark = pytest.mark.telegram_limits


@pytest.fixture
async def runner(sim: BotApiSimulator, make_runner: RunnerFactory) -> AsyncIterator[BotRunner]:
    assert sim.flood_limit
    started = make_runner()  # BROADCAST_RATE at its default, 28/s
    await started.start()
    yield started
    await started.stop()


async def test_residents_are_answered_while_a_broadcast_runs(
    sim: BotApiSimulator, runner: BotRunner
) -> None:
    ids = await seed(runner, range(500_001, 500_101))  # four seconds of sending at 25/s
    admin = sim.user(ADMIN_ID, "Admin")
    await compose(admin)
    await tap(admin, "Semua pendaftar")
    await admin.tap("Kirim sekarang")
    await until(lambda: sum(bool(sim.chat(uid).messages) for uid in ids) >= 25, within=10)

    loop = asyncio.get_running_loop()
    waits = []
    for n in range(3):
        resident = sim.user(700_001 + n)
        asked = loop.time()
        await resident.send("/info")
        reply = await resident.next_message(timeout=10)
        waits.append(loop.time() - asked)
        assert reply.text.startswith("Pelatihan Calon PMI")  # the /info answer itself
        # Answered while the broadcast is still going, not queued behind it.
        assert sender_of(runner).running(1)
        await asyncio.sleep(0.5)

    await until(lambda: not sender_of(runner).running(1), within=30)
    assert all(len(sim.chat(uid).messages) == 1 for uid in ids)
    print(f"\nreplies during the broadcast after {', '.join(f'{w * 1000:.0f}' for w in waits)} ms; "
          f"429s seen: {sim.stats()['429s']}")  # fmt: skip


async def test_staff_removed_mid_broadcast_it_finishes_and_admins_get_the_report(
    sim: BotApiSimulator, runner: BotRunner
) -> None:
    ids = await seed(runner, range(500_001, 500_061))
    await staff_repo.add(db_of(runner), STAFF_ID, ADMIN_ID)
    staff = sim.user(STAFF_ID, "Staf")
    await compose(staff)
    await tap(staff, "Semua pendaftar")
    await staff.tap("Kirim sekarang")
    await until(lambda: sum(bool(sim.chat(uid).messages) for uid in ids) >= 10, within=10)

    admin = sim.user(ADMIN_ID, "Admin")
    await say(admin, f"/staf hapus {STAFF_ID}")
    assert not await staff_repo.is_staff(db_of(runner), STAFF_ID)
    await until(lambda: not sender_of(runner).running(1), within=30)
    await admin.wait_idle(quiet=0.2)

    assert all(len(sim.chat(uid).messages) == 1 for uid in ids)
    b = await store.get(db_of(runner), 1)
    assert b is not None and (b.status, b.sent) == ("done", 60)
    report = [m for m in admin.messages if "Laporan untuk admin" in m.text]
    assert len(report) == 1 and f"staf {STAFF_ID}" in report[0].text
    assert "Terkirim: 60 dari 60" in report[0].text
    assert not any("sudah berakhir" in m.text for m in staff.messages)
