"""What a resident reads when something fails on our side (issue 10, the low items)."""

from __future__ import annotations

from bot.i18n import catalog
from bot.rate_limit import NETWORK_BACKOFF
from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.storage import applicants as repo
from tests.e2e.residents import at_first_question, say


async def test_a_failed_edit_after_a_press_is_answered_once_with_an_apology(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    assert bot.deps is not None
    user = await at_first_question(sim, 7501)
    await say(user, "Rina Marlina")
    await say(user, "3673055512980001")
    # The edit and every retry the rate limiter makes of it (bot/rate_limit.py) fail.
    sim.inject_error("editMessageText", status=500, times=1 + len(NETWORK_BACKOFF))
    record = await user.tap("✅")
    apology = await user.next_message(timeout=15)
    await user.wait_idle(quiet=0.2)
    # The birth date was stored before the reply failed: saying so is true here.
    assert apology.text == catalog("id").gettext("error.internal")
    assert "aman tersimpan" in apology.text
    applicant = await repo.get(bot.deps.db, 7501)
    assert applicant is not None and applicant.answers["birth_date"] == "1998-12-15"
    answers = [c for c in sim.calls if c.method.lower() == "answercallbackquery"]
    assert [c.ok for c in answers] == [True, True]  # one per press (consent, ✅), none refused
    assert record.answered and sim.unanswered_callbacks() == []


async def test_when_nothing_was_saved_the_resident_is_not_told_it_was(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    assert bot.deps is not None
    db = bot.deps.db
    user = await at_first_question(sim, 7502)
    await db.conn.execute("PRAGMA query_only = 1")  # as a full disk: every write fails
    try:
        reply = await say(user, "Rina Marlina")
    finally:
        await db.conn.execute("PRAGMA query_only = 0")
    assert reply.text == catalog("id").gettext("error.not_saved")
    assert "belum tersimpan" in reply.text
    assert "aman tersimpan" not in reply.text
    applicant = await repo.get(db, 7502)
    assert applicant is not None and "name" not in applicant.answers
    again = await say(user, "Rina Marlina")
    assert "✓ Nama: Rina Marlina" in again.text
