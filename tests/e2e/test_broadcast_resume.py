"""/umumkan riwayat offers "Lanjutkan" for an announcement stopped half-way: it goes on to
those not reached yet, nobody gets it twice, and the audit log says who resumed it."""

from __future__ import annotations

import asyncio

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.storage import broadcasts as store
from tests.conftest import ADMIN_ID, RunnerFactory
from tests.e2e.residents import say, tap, until
from tests.helpers.announcements import audit_rows
from tests.helpers.broadcasts import compose, seed
from tests.helpers.runner import db_of, sender_of


async def test_a_stopped_announcement_is_resumed_from_the_history(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    runner: BotRunner = make_runner(broadcast_rate=5.0)  # slow enough to stop half-way
    await runner.start()
    try:
        residents = await seed(runner, range(8001, 8041))
        admin = sim.user(ADMIN_ID, "Admin")
        await compose(admin, "Lanjutkan nanti")
        await tap(admin, "Semua pendaftar")
        await admin.tap("✅ Kirim sekarang")
        await until(lambda: sum(bool(sim.chat(u).messages) for u in residents) >= 2, 15)
        history = await say(admin, "/umumkan riwayat")
        assert "⏹ Batalkan #1" in history.buttons[0]
        await tap(admin, "⏹ Batalkan #1")
        assert "dihentikan" in (await tap(admin, "Ya, hentikan")).text
        await sender_of(runner).join(1)
        reached = {u for u in residents if sim.chat(u).messages}
        assert 2 <= len(reached) < len(residents)

        history = await say(admin, "/umumkan riwayat")
        assert "▶ Lanjutkan #1" in history.buttons[0]
        resumed = await tap(admin, "▶ Lanjutkan #1")
        assert "dilanjutkan" in resumed.text
        await until(lambda: all(sim.chat(u).messages for u in residents), 30)
        await sender_of(runner).join(1)
        await asyncio.sleep(0.1)
        assert all(len(sim.chat(u).messages) == 1 for u in residents)  # nobody twice
        history = await say(admin, "/umumkan riwayat")
        assert not any("Lanjutkan" in label for label in history.buttons)
        b = await store.get(db_of(runner), 1)
        assert b is not None and (b.status, b.sent) == ("done", 40)
        changes = [detail["change"] for _a, _t, detail in await audit_rows(db_of(runner))]
        assert changes == ["send", "cancel", "resume"]
    finally:
        await runner.stop()
