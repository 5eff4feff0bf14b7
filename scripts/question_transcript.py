"""`python -m scripts.question_transcript`: one resident's questions, both sides, as the Bot API
simulator records them: the resident's private chat (a question the FAQ answers, then one it
cannot, sent to staff) and the staff group's topic where staff answer it (text and a photo,
a photo from the resident, /kartu, /selesai). For the README and the issue's closing note."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import timedelta
from pathlib import Path

from bot.clock import FixedClock
from bot.config import Settings
from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.storage import staff as staff_repo
from tests.conftest import NOW
from tests.e2e.residents import last, register, say, tap
from tests.helpers.staff_group import GROUP

RESIDENT, STAFF = 1001, 2001


async def main() -> None:
    sim = BotApiSimulator(flood_limit=False)
    await sim.start()
    group = sim.group(GROUP, "Petugas BBPVP Serang", forum=True)
    staff = group.add(sim.user(STAFF, "Rina"))
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            bot_token="1:DEMO", database_path=Path(folder) / "bot.sqlite3", http_port=0,
            staff_group_id=GROUP,
        )  # fmt: skip
        monday = FixedClock(NOW + timedelta(days=2))  # Monday 30 November 2026, 10.00 WIB
        runner = BotRunner(
            settings, clock=monday, base_url=sim.base_url,
            base_file_url=sim.base_file_url, poll_timeout=1,
        )  # fmt: skip
        await runner.start()
        try:
            assert runner.deps is not None
            await staff_repo.add(runner.deps.db, STAFF, 1)
            reg_no = await register(sim, RESIDENT)
            resident = sim.user(RESIDENT)
            sim.chat(RESIDENT).log.append("----- (the registration above; the questions below)")
            await say(resident, "apakah pelatihannya gratis?")
            await tap(resident, "Ini membantu")
            await say(resident, "apakah boleh membawa anak balita ke tempat pelatihan?")
            await tap(resident, "Tanya petugas")
            topic = group.topic_named(f"{reg_no} · Warga")
            assert topic is not None
            await group.wait_idle()
            thread = topic.thread_id
            await staff.send("/kartu", chat_id=GROUP, thread_id=thread)
            await group.wait_idle()
            await staff.send(
                "Boleh, ada ruang tunggu untuk pendamping. Anak tidak boleh masuk bengkel.",
                chat_id=GROUP, thread_id=thread,
            )  # fmt: skip
            await last(resident)
            await resident.send_photo("Ini surat izin dari suami saya")
            await last(resident)
            await staff.send_photo("Denah ruang tunggu", chat_id=GROUP, thread_id=thread)
            await last(resident)
            await staff.send("/selesai", chat_id=GROUP, thread_id=thread)
            await last(resident)
            await group.wait_idle()
            log = sim.chat(RESIDENT).log
            start = log.index("----- (the registration above; the questions below)")
            print("=== The resident's chat (after the registration) ===")
            print("\n".join(log[start + 1 :]))
            print()
            print(f"=== The staff group, topic \"{topic.name}\" ===")
            print(group.transcript(thread))
        finally:
            await runner.stop()
    await sim.stop()


if __name__ == "__main__":
    asyncio.run(main())
