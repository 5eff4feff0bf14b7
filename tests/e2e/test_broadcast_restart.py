"""Stops mid-broadcast: a real `python -m bot` process killed with SIGKILL while it sends, then
a new bot over the same SQLite file; and a clean stop and restart in process."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections import Counter
from pathlib import Path

from bot.clock import FixedClock
from bot.config import Settings
from bot.domain.recipients import RecipientFilter
from bot.services.broadcast import default_in_flight
from bot.simulator import BotApiSimulator
from bot.storage import broadcasts as store
from bot.storage.db import Database
from tests.conftest import ADMIN_ID, RunnerFactory
from tests.e2e.residents import say, tap, until
from tests.helpers.process import ROOT, bot_env
from tests.helpers.rows import applicant_row, insert_applicants
from tests.helpers.runner import db_of, sender_of

TEXT = "Info pelatihan: pendaftaran gelombang 2 dibuka."
RATE = 100.0


async def prepare(db_path: Path, ids: range) -> int:
    """Applicants, and a broadcast to all of them confirmed and waiting to be sent."""
    db = await Database.open(db_path)
    try:
        await insert_applicants(db, [applicant_row(uid) for uid in ids])
        draft = await store.new_draft(db, ADMIN_ID, locale="id", recipient_filter=RecipientFilter())
        await store.update_draft(db, draft, content_type="text", text=TEXT, step="preview")
        assert await store.start_sending(db, draft.id, from_status="draft") == len(ids)
        return draft.id
    finally:
        await db.close()


def deliveries(sim: BotApiSimulator, ids: range) -> Counter[int]:
    return Counter({uid: sum(TEXT in m.text for m in sim.chat(uid).messages) for uid in ids})


async def test_killed_mid_broadcast_resumes_without_duplicates(
    sim: BotApiSimulator, make_runner: RunnerFactory, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    ids = range(800_001, 800_151)
    bid = await prepare(db_path, ids)
    env = bot_env(sim, db_path, ADMIN_IDS=str(ADMIN_ID), BROADCAST_RATE=str(RATE))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        # The process resumes the broadcast at start-up; kill it part way, without warning.
        await until(lambda: sum(deliveries(sim, ids).values()) >= 40, within=60)
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()
    at_kill = deliveries(sim, ids)
    assert 40 <= sum(at_kill.values()) < len(ids), "killed too late to test anything"

    runner = make_runner(database_path=db_path, broadcast_rate=RATE)
    await runner.start()
    try:
        await until(lambda: not sender_of(runner).running(bid), within=60)
        b = await store.get(db_of(runner), bid)
        figures = await store.counts(db_of(runner), bid)
    finally:
        await runner.stop()

    got = deliveries(sim, ids)
    assert set(got) == set(ids) and min(got.values()) >= 1  # everyone has it
    duplicates = sum(n - 1 for n in got.values())
    # At most the messages in flight at the kill went out twice.
    assert duplicates <= default_in_flight(RATE)
    assert b is not None and b.status == "done"
    assert (figures.sent, figures.pending) == (len(ids), 0)
    print(f"\nkill at {sum(at_kill.values())}/{len(ids)} delivered: {duplicates} duplicate(s)")


async def test_clean_stop_and_restart_repeats_nobody(
    sim: BotApiSimulator, make_runner: RunnerFactory, settings: Settings
) -> None:
    ids = range(810_001, 810_101)
    bid = await prepare(settings.database_path, ids)
    first = make_runner(broadcast_rate=RATE)
    await first.start()
    await until(lambda: sum(deliveries(sim, ids).values()) >= 20, within=30)
    await first.stop()
    stopped = sum(deliveries(sim, ids).values())
    assert stopped < len(ids)

    second = make_runner(broadcast_rate=RATE)
    await second.start()
    try:
        await until(lambda: not sender_of(second).running(bid), within=60)
    finally:
        await second.stop()
    assert deliveries(sim, ids) == Counter({uid: 1 for uid in ids})
    admin = sim.chat(ADMIN_ID)
    assert any("selesai dikirim" in m.text for m in admin.messages)


async def test_a_scheduled_broadcast_survives_a_restart(
    sim: BotApiSimulator, make_runner: RunnerFactory, settings: Settings, clock: FixedClock
) -> None:
    ids = range(820_001, 820_006)
    db = await Database.open(settings.database_path)
    await insert_applicants(db, [applicant_row(uid) for uid in ids])
    await db.close()
    first = make_runner(broadcast_rate=RATE)
    await first.start()
    try:
        admin = sim.user(ADMIN_ID, "Admin")
        await say(admin, "/umumkan")
        await admin.send(TEXT)
        await until(lambda: any(m.button("Semua pendaftar") for m in admin.messages))
        await tap(admin, "Semua pendaftar")
        await tap(admin, "Kirim nanti")
        await say(admin, "28 November 2026 12.00")
        assert "dijadwalkan" in (await tap(admin, "Jadwalkan")).text
    finally:
        await first.stop()

    clock.advance(hours=3)  # the bot was down when the time came
    second = make_runner(broadcast_rate=RATE)
    await second.start()
    try:
        sender_of(second).schedule_check_every = 0.05
        await until(lambda: all(sim.chat(uid).messages for uid in ids), within=20)
        await until(lambda: not sender_of(second).running(1), within=20)
    finally:
        await second.stop()
    assert deliveries(sim, ids) == Counter({uid: 1 for uid in ids})
    shown = [text for m in admin.messages for text in (*m.edits, m.text)]
    assert any("Pengumuman terjadwal #1 mulai dikirim" in text for text in shown)
    assert any("#1 sudah berakhir" in text for text in shown)
