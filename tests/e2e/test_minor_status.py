"""Someone stopped as a minor is told what is true: from when they may register, and once
that day has come, /daftar lets them start."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.clock import FixedClock
from bot.simulator import BotApiSimulator
from bot.storage import applicants as repo
from tests.conftest import RunnerFactory
from tests.e2e.residents import at_first_question, say, tap

BIRTHDAY = datetime(2027, 3, 3, 3, 0, tzinfo=UTC)  # 10.00 WIB on the day she turns 18


async def test_status_of_a_minor_says_when_she_may_register(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    runner = make_runner()
    await runner.start()
    try:
        user = await at_first_question(sim, 4201)
        await say(user, "Dewi Lestari")
        await say(user, "3673054303090001")  # woman, born 3 March 2009: 17 on 28 Nov 2026
        await tap(user, "✅")
        await tap(user, "Ingatkan saya")

        status = await say(user, "/status")
        assert "Rabu, 3 Maret 2027" in status.text, status.text
        assert "mengingatkan" in status.text
        assert "/daftar" not in status.text  # /daftar would refuse her today
        assert "belum berusia 18" in (await say(user, "/daftar")).text
    finally:
        await runner.stop()

    runner = make_runner(clock=FixedClock(BIRTHDAY))
    await runner.start()
    try:
        status = await say(user, "/status")
        assert "/daftar" in status.text and "18 tahun" in status.text, status.text
        consent = await say(user, "/daftar")
        assert "Persetujuan penggunaan data" in consent.text, consent.text
        await tap(user, "Setuju")
        assert runner.deps is not None
        stored = await repo.get(runner.deps.db, 4201)
        assert stored is not None and stored.status == "interviewing"
        assert stored.answers == {} and stored.remind_on is None
    finally:
        await runner.stop()
