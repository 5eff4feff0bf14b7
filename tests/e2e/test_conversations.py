"""One "what is this person in the middle of" per user, end to end: the awaited reason after
"Tidak bisa hadir" and a staff draft are rows of one table, begun and ended with the data
they point at, and the person's next message follows the row."""

from __future__ import annotations

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.storage import broadcasts, conversations
from bot.storage.conversations import Kind
from tests.conftest import ADMIN_ID
from tests.e2e.residents import register, say, tap


async def test_a_cancelled_event_no_longer_waits_for_a_reason(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    assert bot.deps is not None
    db = bot.deps.db
    reg_no = await register(sim, 1301)
    resident = sim.user(1301)
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    await say(admin, f"/jadwalkan {reg_no} wawancara 2026-12-07 09:00 BBPVP Serang")

    assert "alasan singkat" in (await tap(resident, "❌ Tidak bisa hadir")).text
    waiting = await conversations.get(db, 1301)
    assert waiting is not None and waiting.kind is Kind.ABSENCE_REASON

    await say(admin, f"/jadwalkan batal {reg_no} wawancara")
    assert await conversations.get(db, 1301) is None
    reply = await say(resident, "Saya sakit")
    assert "alasan Anda sudah kami teruskan" not in reply.text


async def test_a_reason_then_a_draft_the_newest_takes_the_message(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    """The admin is asked why they cannot come, then starts an announcement: the draft is
    what they are in the middle of now, so their next text is the announcement."""
    assert bot.deps is not None
    db = bot.deps.db
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    reg_no = await register(sim, ADMIN_ID)
    await say(admin, f"/jadwalkan {reg_no} wawancara 2026-12-07 09:00 BBPVP Serang")
    assert "alasan singkat" in (await tap(admin, "❌ Tidak bisa hadir")).text

    await say(admin, "/umumkan")
    drafting = await conversations.get(db, ADMIN_ID)
    assert drafting is not None and drafting.kind is Kind.BROADCAST_DRAFT
    await say(admin, "Pelatihan las dimulai Senin")
    draft = await broadcasts.open_draft(db, ADMIN_ID)
    assert draft is not None and draft.text == "Pelatihan las dimulai Senin"
    reason = await db.fetchval("SELECT reason FROM events WHERE user_id = ?", (ADMIN_ID,))
    assert reason is None  # not taken as the reason
