"""Other ways a question reaches staff: "Tanya petugas" under /bantuan and /status (straight
to staff, no FAQ first), a document, and replies signed with the staff member's first name
in the resident's own language."""

from __future__ import annotations

from bot.simulator import BotApiSimulator
from tests.conftest import STAFF_ID, RunnerFactory
from tests.e2e.residents import last, register, say, tap
from tests.helpers.runner import add_staff
from tests.helpers.staff_group import GROUP

RESIDENT = 750_001


async def test_tanya_petugas_under_bantuan_goes_straight_to_staff(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    group = sim.group(GROUP, "Petugas BBPVP", forum=True)
    runner = make_runner(staff_group_id=GROUP)
    await runner.start()
    try:
        resident = sim.user(RESIDENT, "Siti")
        help_text = await say(resident, "/bantuan")
        assert help_text.buttons == ["💬 Tanya petugas"]
        prompt = await tap(resident, "Tanya petugas")
        assert "untuk petugas" in prompt.text
        await resident.send_document("surat.pdf", b"%PDF-1.4 surat", mime_type="application/pdf")
        assert "sudah kami teruskan kepada petugas" in (await last(resident)).text
        topic = group.topic_named("Belum daftar · Siti")
        assert topic is not None
        await group.next_message(thread_id=topic.thread_id)  # the header
        copied = await group.next_message(thread_id=topic.thread_id)
        assert copied.document is not None
    finally:
        await runner.stop()


async def test_status_offers_it_and_replies_can_be_signed_by_first_name(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    group = sim.group(GROUP, "Petugas BBPVP", forum=True)
    staff = group.add(sim.user(STAFF_ID, "Rina"))
    runner = make_runner(staff_group_id=GROUP, question_signature="first_name")
    await runner.start()
    await add_staff(runner, STAFF_ID)
    try:
        reg_no = await register(sim, RESIDENT)
        resident = sim.user(RESIDENT)
        status = await say(resident, "/status")
        assert "💬 Tanya petugas" in status.buttons
        await tap(resident, "Tanya petugas")
        await say(resident, "Kapan hasil wawancara saya keluar?")
        topic = group.topic_named(f"{reg_no} · Warga")
        assert topic is not None
        await group.wait_idle()
        await staff.send("Minggu depan.", chat_id=GROUP, thread_id=topic.thread_id)
        assert (await last(resident)).text == "💬 Rina:\nMinggu depan."
    finally:
        await runner.stop()


async def test_no_staff_group_no_button(sim: BotApiSimulator, make_runner: RunnerFactory) -> None:
    runner = make_runner()
    await runner.start()
    try:
        resident = sim.user(RESIDENT, "Siti")
        assert (await say(resident, "/bantuan")).buttons == []
    finally:
        await runner.stop()
