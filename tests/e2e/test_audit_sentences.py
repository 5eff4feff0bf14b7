"""/audit reads as sentences in the staff member's language, with WIB times; what is stored
stays machine-readable (codes, counts and UTC times as JSON)."""

from __future__ import annotations

import json

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.storage import staff as staff_repo
from tests.conftest import ADMIN_ID
from tests.e2e.residents import say
from tests.helpers.rows import Seed, insert


async def test_audit_lines_are_sentences_with_wib_times(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    assert bot.deps is not None
    db = bot.deps.db
    await insert(db, [Seed(4701, "SRG-2026-00001")])
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    await say(admin, "/jadwalkan SRG-2026-00001 wawancara 2026-12-07 09:00 BBPVP Serang")
    await say(admin, "/agenda 2026-12-07")
    await say(admin, "/jadwal SRG-2026-00001")
    await admin.send("/ekspor csv")
    await admin.wait_idle(quiet=0.2, timeout=15)

    stored = {e.action: e.detail for e in await staff_repo.latest_audit(db, 10)}
    assert json.loads(stored["schedule"] or "") == {
        "kind": "wawancara", "at": "2026-12-07T02:00:00+00:00", "rescheduled": False,
    }  # fmt: skip
    assert json.loads(stored["export"] or "") == {"format": "csv", "rows": 1}

    log = (await say(admin, "/audit")).text
    assert "Menjadwalkan wawancara untuk SRG-2026-00001 pada Senin, 7 Desember 2026 " \
        "pukul 09.00 WIB" in log, log  # fmt: skip
    assert "Melihat agenda Senin, 7 Desember 2026 (1 jadwal)" in log
    assert "Melihat jadwal SRG-2026-00001" in log
    assert "Mengekspor data 1 pendaftar (CSV)" in log
    for internal in ("schedule_view", "events", "rows", "+00:00", "T02:00"):
        assert internal not in log, internal

    await say(admin, "/bahasa")
    await admin.tap("English")
    await admin.wait_idle(quiet=0.1, timeout=10)
    english = (await say(admin, "/audit")).text
    assert "Scheduled interview for SRG-2026-00001 on Monday, 7 December 2026 at 09.00 WIB" \
        in english, english  # fmt: skip
    assert "Exported the data of 1 applicant (CSV)" in english, english
    assert "Viewed the agenda of Monday, 7 December 2026 (1 appointment)" in english


async def test_an_entry_in_an_older_form_is_shown_as_stored(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    assert bot.deps is not None
    await staff_repo.audit(bot.deps.db, ADMIN_ID, "export", None, "csv, 1 rows",
                           at="2026-11-28T03:00:00+00:00")  # fmt: skip
    await staff_repo.audit(bot.deps.db, ADMIN_ID, "konflik", "SRG-2026-00002", None,
                           at="2026-11-28T03:00:00+00:00")  # fmt: skip
    log = (await say(sim.user(ADMIN_ID, first_name="Admin", language_code="id"), "/audit")).text
    assert "Ekspor (csv, 1 rows)" in log, log
    assert "konflik · SRG-2026-00002" in log
