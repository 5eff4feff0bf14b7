"""Sending the registration: a double tap, and a confirmation lost to a kill (issue 10)."""

from __future__ import annotations

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.storage import applicants as repo
from tests.conftest import RunnerFactory
from tests.e2e.residents import Person, answer_interview, say, tap, until


async def test_a_double_tap_on_send_shows_nothing_misleading(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    user = sim.user(7701, first_name="Warga", language_code="id")
    await say(user, "/start")
    await until(lambda: any(m.inline_keyboard for m in user.messages))
    await tap(user, "Setuju")
    summary = await answer_interview(user, Person())
    await user.tap_on(summary, "Kirim pendaftaran")
    await user.tap_on(summary, "Kirim pendaftaran")  # before the bot took the first one
    await until(lambda: any("SRG-" in m.text for m in user.messages), 15)
    replies = await user.wait_idle(quiet=0.3)
    texts = [m.text for m in user.messages[-len(replies) :]] if replies else []
    assert not any("dijeda" in t or "/daftar" in t for t in texts), texts
    confirmations = [m for m in user.messages if m.text.startswith("🎉")]
    assert len(confirmations) == 1
    assert sim.unanswered_callbacks() == []


async def test_a_confirmation_lost_after_the_commit_comes_with_the_next_message(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    runner = make_runner()
    await runner.start()
    try:
        user = sim.user(7702, first_name="Warga", language_code="id")
        await say(user, "/start")
        await until(lambda: any(m.inline_keyboard for m in user.messages))
        await tap(user, "Setuju")
        summary = await answer_interview(user, Person())
        # The registration is committed, then nothing more reaches the resident: as when
        # the process dies between the commit and the reply.
        sim.inject_error("sendMessage", status=502, times=50, chat_id=7702)
        await user.tap_on(summary, "Kirim pendaftaran")
        await until(lambda: sim.unanswered_callbacks() == [], 15)
        await user.wait_idle(quiet=0.3)
        assert not any("SRG-" in m.text for m in user.messages)
        assert runner.deps is not None
        stored = await repo.get(runner.deps.db, 7702)
        assert stored is not None and stored.submitted and stored.confirmation_owed
    finally:
        await runner.stop()
    sim.clear_faults()

    runner = make_runner()
    await runner.start()
    try:
        await user.send("halo")
        first = await user.next_message(timeout=15)
        rest = await user.wait_idle(quiet=0.3)
        assert first.text.startswith("🎉") and "SRG-2026-00001" in first.text
        assert "✅ Memenuhi syarat" in first.text and "500" in first.text  # verdict, place
        assert [m.text for m in rest] and "sudah terkirim" in rest[-1].text
        again = await say(user, "/status")
        assert "🎉" not in again.text  # owed once, given once
        assert runner.deps is not None
        stored = await repo.get(runner.deps.db, 7702)
        assert stored is not None and not stored.confirmation_owed
    finally:
        await runner.stop()
