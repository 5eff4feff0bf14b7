"""A command in a caption is a command, also while an announcement draft waits (issue 10)."""

from __future__ import annotations

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.storage import broadcasts as store
from tests.conftest import ADMIN_ID
from tests.e2e.residents import register, say, until


async def test_a_csv_captioned_jadwalkan_is_scheduled_not_announced(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    assert bot.deps is not None
    db = bot.deps.db
    reg_no = await register(sim, 7201)
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    prompt = await say(admin, "/umumkan")
    assert "pengumuman" in prompt.text.lower()

    csv = f"reg_no;kind;date;time;place;note\r\n{reg_no};wawancara;07/12/2026;09:00;BBPVP;\r\n"
    await admin.send_document("jadwal.csv", csv.encode("utf-8"), caption="/jadwalkan")
    applied = await admin.next_message(timeout=15)
    assert "Jadwal tersimpan: 1" in applied.text
    await until(lambda: "selesai dikirim" in (admin.last_message or applied).text, within=10)
    await admin.wait_idle(quiet=0.1)
    assert await db.fetchval("SELECT COUNT(*) FROM events WHERE user_id = 7201") == 1
    draft = await store.open_draft(db, ADMIN_ID)
    assert draft is not None and draft.step == "content" and draft.file_id is None

    # The draft still takes the announcement that comes next.
    await say(admin, "Besok kantor tutup.")
    draft = await store.open_draft(db, ADMIN_ID)
    assert draft is not None and draft.text == "Besok kantor tutup."
