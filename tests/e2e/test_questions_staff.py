"""Residents' questions that go to staff: a topic per resident in the staff supergroup,
replies copied back signed, /selesai and /kartu, two residents at once, a member who is not
staff, a deleted topic, a restart between question and answer, the hourly limit, figures,
the daily list of questions waiting too long, /hapus and the retention job (both delete the
resident's topic in the staff group)."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import pytest

from bot.clock import FixedClock
from bot.runner import BotRunner
from bot.simulator import BotApiSimulator, SimUser
from bot.simulator.groups import SimGroup
from handlers.questions_staff import SLA_JOB
from tests.conftest import ADMIN_ID, STAFF_ID, RunnerFactory
from tests.e2e.residents import last, register, say, tap, until
from tests.helpers.runner import add_staff, db_of
from tests.helpers.staff_group import GROUP, NOT_IN_FAQ, ask_staff, bot_with_staff_group

RESIDENT = 740_001
SECOND = 740_002
OUTSIDER = 740_900


@pytest.fixture
def group(sim: BotApiSimulator) -> SimGroup:
    return sim.group(GROUP, "Petugas BBPVP", forum=True)


@pytest.fixture
async def runner(make_runner: RunnerFactory, group: SimGroup) -> AsyncIterator[BotRunner]:
    async with bot_with_staff_group(make_runner) as started:
        yield started


def staff_member(sim: BotApiSimulator, group: SimGroup) -> SimUser:
    return group.add(sim.user(STAFF_ID, "Rina"))


async def test_a_question_answered_in_its_topic_closed_and_reopened(
    sim: BotApiSimulator, runner: BotRunner, group: SimGroup
) -> None:
    staff = staff_member(sim, group)
    reg_no = await register(sim, RESIDENT)
    resident = sim.user(RESIDENT)

    sent = await ask_staff(resident)
    assert "sudah kami teruskan kepada petugas" in sent
    # Saturday 28 November 2026, 10.00 WIB: outside office hours, so when it will be read.
    assert "Senin, 30 November 2026 pukul 08.00 WIB" in sent

    topic = group.topic_named(f"{reg_no} · Warga")
    assert topic is not None and not topic.closed
    header = await group.next_message(thread_id=topic.thread_id)
    assert "Pertanyaan #" in header.text and reg_no in header.text
    assert (await group.next_message(thread_id=topic.thread_id)).text == NOT_IN_FAQ

    await staff.send("Boleh, ada ruang tunggu.", chat_id=GROUP, thread_id=topic.thread_id)
    answer = await last(resident)
    assert answer.text == "💬 Petugas BBPVP Serang:\nBoleh, ada ruang tunggu."

    await staff.send_photo("Denah ruang tunggu", chat_id=GROUP, thread_id=topic.thread_id)
    photo = await last(resident)
    assert photo.photo is not None
    assert "Petugas BBPVP Serang" in (photo.caption or "") and "Denah" in (photo.caption or "")

    # Later messages of the resident join the open question, photos and voice notes too.
    await resident.send_photo("foto surat izin")
    assert "teruskan kepada petugas" in (await last(resident)).text
    copied = await group.next_message(thread_id=topic.thread_id)
    assert copied.photo is not None and copied.caption == "foto surat izin"
    await resident.send_voice(5)
    await last(resident)
    assert (await group.next_message(thread_id=topic.thread_id)).voice is not None

    await staff.send("/selesai", chat_id=GROUP, thread_id=topic.thread_id)
    assert "menyelesaikan pertanyaan Anda" in (await last(resident)).text
    await until(lambda: group.topic(topic.thread_id).closed)
    assert "ditutup oleh Rina" in (await group.next_message(thread_id=topic.thread_id)).text

    # A new question: the FAQ first, then the same topic, reopened, with a new header.
    await ask_staff(resident, "apakah ada tempat parkir untuk sepeda motor peserta")
    await until(lambda: not group.topic(topic.thread_id).closed)
    again = await group.next_message(thread_id=topic.thread_id)
    assert "Pertanyaan #2" in again.text
    assert len([t for t in group.topics if not t.deleted]) == 1


async def test_two_residents_at_once_never_cross(
    sim: BotApiSimulator, runner: BotRunner, group: SimGroup
) -> None:
    staff = staff_member(sim, group)
    first, second = sim.user(RESIDENT, "Siti"), sim.user(SECOND, "Budi")
    await first.send(NOT_IN_FAQ)
    await second.send("kapan saya bisa mengambil sertifikat pelatihan las")
    await last(first)
    await last(second)
    await first.tap("Tanya petugas")
    await second.tap("Tanya petugas")
    # Each topic is opened when its question is relayed, which a loaded machine may finish
    # after the residents' confirmations: wait for the topics, not for a quiet chat.
    await until(lambda: group.topic_named("Belum daftar · Siti") is not None
                and group.topic_named("Belum daftar · Budi") is not None, within=15)  # fmt: skip
    siti = group.topic_named("Belum daftar · Siti")
    budi = group.topic_named("Belum daftar · Budi")
    assert siti is not None and budi is not None and siti.thread_id != budi.thread_id
    await staff.send("Untuk Budi: sertifikat di kantor.", chat_id=GROUP, thread_id=budi.thread_id)
    await staff.send("Untuk Siti: boleh.", chat_id=GROUP, thread_id=siti.thread_id)
    await until(lambda: any("Untuk Siti" in m.text for m in first.messages), within=15)
    await until(lambda: any("Untuk Budi" in m.text for m in second.messages), within=15)
    assert not any("Budi" in m.text for m in first.messages)
    assert not any("Siti" in m.text for m in second.messages)


async def test_a_member_who_is_not_staff_cannot_reply(
    sim: BotApiSimulator, runner: BotRunner, group: SimGroup
) -> None:
    resident = sim.user(RESIDENT, "Siti")
    admin = sim.user(ADMIN_ID, "Admin")
    outsider = group.add(sim.user(OUTSIDER, "Orang"))
    await ask_staff(resident)
    topic = group.topic_named("Belum daftar · Siti")
    assert topic is not None
    for text in ("Halo, saya bukan petugas", "Masih saya lagi"):
        await outsider.send(text, chat_id=GROUP, thread_id=topic.thread_id)
    await outsider.send("/selesai", chat_id=GROUP, thread_id=topic.thread_id)
    warnings = await admin.wait_idle(quiet=0.5)
    assert len(warnings) == 1 and str(OUTSIDER) in warnings[0].text  # once, not per message
    assert await resident.wait_idle(quiet=0.3) == []
    assert not group.topic(topic.thread_id).closed


async def test_a_restart_between_question_and_answer_loses_nothing(
    sim: BotApiSimulator, make_runner: RunnerFactory, group: SimGroup
) -> None:
    staff = staff_member(sim, group)
    resident = sim.user(RESIDENT, "Siti")
    runner = make_runner(staff_group_id=GROUP)
    await runner.start()
    await add_staff(runner, STAFF_ID)
    try:
        await ask_staff(resident)
    finally:
        await runner.stop()
    # While the bot is down the resident writes again; staff answer once it is back.
    await resident.send_photo("ini KTP saya")
    runner = make_runner(staff_group_id=GROUP)
    await runner.start()
    try:
        topic = group.topic_named("Belum daftar · Siti")
        assert topic is not None
        assert "teruskan kepada petugas" in (await last(resident)).text
        await until(lambda: any(m.photo for m in group.messages(topic.thread_id)))
        await staff.send("Sudah kami terima.", chat_id=GROUP, thread_id=topic.thread_id)
        assert "Sudah kami terima." in (await last(resident)).text
    finally:
        await runner.stop()


async def test_a_deleted_topic_is_replaced_by_a_new_one(
    sim: BotApiSimulator, runner: BotRunner, group: SimGroup
) -> None:
    resident = sim.user(RESIDENT, "Siti")
    await ask_staff(resident)
    old = group.topic_named("Belum daftar · Siti")
    assert old is not None
    group.delete_topic(old.thread_id)
    await resident.send("Halo, apakah pertanyaan saya sudah dibaca?")
    assert "teruskan kepada petugas" in (await last(resident)).text
    new = group.topic_named("Belum daftar · Siti")
    assert new is not None and new.thread_id != old.thread_id
    texts = [m.text for m in group.messages(new.thread_id)]
    assert "Halo, apakah pertanyaan saya sudah dibaca?" in texts


async def test_the_hourly_limit_asks_for_a_polite_wait(
    sim: BotApiSimulator, make_runner: RunnerFactory, group: SimGroup
) -> None:
    runner = make_runner(staff_group_id=GROUP, question_limit=2)
    await runner.start()
    try:
        resident = sim.user(RESIDENT, "Siti")
        await ask_staff(resident)
        assert "teruskan" in (await say(resident, "satu lagi")).text
        refused = await say(resident, "dan satu lagi")
        assert "2 pesan kepada petugas dalam satu jam terakhir" in refused.text
        assert "11.00 WIB" in refused.text  # an hour after the first, at 10.00
        count = await db_of(runner).fetchval("SELECT COUNT(*) FROM question_messages")
        assert count == 2
    finally:
        await runner.stop()


async def test_kartu_statistik_and_the_daily_list(
    sim: BotApiSimulator, make_runner: RunnerFactory, group: SimGroup, clock: object
) -> None:
    staff = staff_member(sim, group)
    runner = make_runner(staff_group_id=GROUP)
    await runner.start()
    await add_staff(runner, STAFF_ID)
    try:
        reg_no = await register(sim, RESIDENT)
        resident = sim.user(RESIDENT)
        await ask_staff(resident)
        topic = group.topic_named(f"{reg_no} · Warga")
        assert topic is not None
        # The header and the question's copy both in first: on a busy machine the copy can
        # come after a quiet spell, and would then be read as the card.
        await until(lambda: len(group.messages(topic.thread_id)) >= 2)
        await group.wait_idle()
        await staff.send("/kartu", chat_id=GROUP, thread_id=topic.thread_id)
        card = await group.next_message(thread_id=topic.thread_id)
        assert reg_no in card.text and "3673055512980001" not in topic.name

        admin = sim.user(ADMIN_ID, "Admin")
        await admin.send("/statistik")
        await admin.next_message(timeout=15)
        second = await last(admin)
        assert "Pertanyaan warga" in second.text and "Terbuka: 1" in second.text
        assert "belum ada jawaban" in second.text

        clock.advance(hours=25)  # type: ignore[attr-defined]
        app = runner.app
        assert app is not None and app.job_queue is not None
        job = app.job_queue.get_jobs_by_name(SLA_JOB)[0]
        await job.run(app)
        listed = await group.next_message(thread_id=None)
        assert "lebih dari 24 jam" in listed.text and reg_no in listed.text
    finally:
        await runner.stop()


async def test_hapus_removes_the_questions_and_their_topic(
    sim: BotApiSimulator, runner: BotRunner, group: SimGroup
) -> None:
    reg_no = await register(sim, RESIDENT)
    resident = sim.user(RESIDENT)
    await ask_staff(resident)
    db = db_of(runner)
    assert await db.fetchval("SELECT COUNT(*) FROM questions WHERE user_id = ?", (RESIDENT,))
    topic = group.topic_named(f"{reg_no} · Warga")
    assert topic is not None
    await resident.send_photo("foto KTP saya")
    assert (await group.next_message(thread_id=topic.thread_id)).text  # the header
    await group.wait_idle()
    assert len(group.messages(topic.thread_id)) == 3  # header, question, photo
    await say(resident, "/hapus")
    await tap(resident, "Ya, hapus data saya")
    for table in ("questions", "question_topics", "conversations"):
        left = await db.fetchval(f"SELECT COUNT(*) FROM {table} WHERE user_id = ?", (RESIDENT,))
        assert left == 0, table
    assert await db.fetchval("SELECT COUNT(*) FROM question_messages") == 0
    # The copies of what they sent go from the staff group too: the topic and all in it.
    await until(lambda: group.topic(topic.thread_id).deleted)
    assert all(m.deleted for m in group.messages(topic.thread_id))
    assert group.topic_named(f"{reg_no} · Warga") is None


async def test_hapus_erases_even_when_their_topic_cannot_be_deleted(
    sim: BotApiSimulator, runner: BotRunner, group: SimGroup, caplog: pytest.LogCaptureFixture
) -> None:
    reg_no = await register(sim, RESIDENT)
    resident = sim.user(RESIDENT)
    await ask_staff(resident)
    topic = group.topic_named(f"{reg_no} · Warga")
    assert topic is not None
    group.delete_topic(topic.thread_id)  # an admin deleted it by hand already
    await say(resident, "/hapus")
    with caplog.at_level(logging.WARNING):
        assert "sudah dihapus" in (await tap(resident, "Ya, hapus data saya")).text
    db = db_of(runner)
    assert await db.fetchval("SELECT COUNT(*) FROM questions") == 0
    refused = [r.getMessage() for r in caplog.records if "erased person" in r.getMessage()]
    assert refused == [f"topic {topic.thread_id} of an erased person not deleted:"
                       " Topic_id_invalid"], refused  # fmt: skip
    assert reg_no not in refused[0] and "Warga" not in refused[0]


async def test_hapus_removes_the_questions_of_someone_who_never_registered(
    sim: BotApiSimulator, runner: BotRunner, group: SimGroup
) -> None:
    resident = sim.user(RESIDENT, "Siti")
    await ask_staff(resident)
    db = db_of(runner)
    confirm = await say(resident, "/hapus")  # not "we hold nothing about you"
    assert "Ya, hapus data saya" in confirm.buttons
    assert "sudah dihapus" in (await tap(resident, "Ya, hapus data saya")).text
    for table in ("questions", "question_topics", "conversations"):
        left = await db.fetchval(f"SELECT COUNT(*) FROM {table} WHERE user_id = ?", (RESIDENT,))
        assert left == 0, table
    assert await db.fetchval("SELECT COUNT(*) FROM question_messages") == 0
    # The deletion they asked for is on record, as a registrant's is: counts, not who.
    detail = await db.fetchval("SELECT detail FROM audit_log WHERE action = 'erase'")
    assert detail is not None and json.loads(detail)["questions"] == 1
    assert "Kami tidak menyimpan" in (await say(resident, "/hapus")).text


async def test_the_retention_job_erases_askers_who_never_registered_with_their_topic(
    sim: BotApiSimulator, runner: BotRunner, group: SimGroup, clock: FixedClock
) -> None:
    """INCOMPLETE_RETENTION_DAYS (90) after their last message, whichever question it was in."""
    assert runner.app is not None and runner.app.job_queue is not None
    job = runner.app.job_queue.get_jobs_by_name("retention")[0]
    db = db_of(runner)
    siti = sim.user(RESIDENT, "Siti")
    await ask_staff(siti)
    topic = group.topic_named("Belum daftar · Siti")
    assert topic is not None
    clock.advance(days=60)
    await siti.send("apakah sudah ada jawaban?")  # joins the open question: the last message
    await last(siti)
    await group.wait_idle()

    clock.advance(days=89)  # 149 days after the first message, 89 after the last
    await job.run(runner.app)
    assert await db.fetchval("SELECT COUNT(*) FROM questions WHERE user_id = ?", (RESIDENT,))
    assert not group.topic(topic.thread_id).deleted

    clock.advance(days=2)  # 91 days after the last
    await job.run(runner.app)
    for table in ("questions", "question_topics"):
        left = await db.fetchval(f"SELECT COUNT(*) FROM {table} WHERE user_id = ?", (RESIDENT,))
        assert left == 0, table
    assert await db.fetchval("SELECT COUNT(*) FROM question_messages") == 0
    await until(lambda: group.topic(topic.thread_id).deleted)
    assert all(m.deleted for m in group.messages(topic.thread_id))
