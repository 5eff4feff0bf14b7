"""A WhatsApp resident's own question reaches staff, as a Telegram resident's does, over real
HTTP against both simulators: the FAQ's answer with "Tanya petugas", the offer to send an
unanswered one to staff, the question in the resident's topic of the staff group, follow-ups
joining it (a photo asked for as text), a staff reply in the topic and from the web inbox
arriving on WhatsApp signed, a reply outside the 24 hours not sent (staff told) or sent as the
question_reply template, /selesai telling the resident, and /hapus removing the questions and
the topic."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, timedelta

import pytest

from bot.channels.whatsapp.webhook import WEBHOOK_PATH
from bot.runner import BotRunner
from bot.simulator import BotApiSimulator, SimUser
from bot.simulator.groups import SimGroup
from bot.simulator_whatsapp import WhatsAppSimulator
from bot.storage import contacts, message_log
from tests.conftest import STAFF_ID, RunnerFactory
from tests.e2e.residents import until
from tests.helpers.dashboard import csrf_token, logged_in
from tests.helpers.runner import add_staff, db_of
from tests.helpers.staff_group import GROUP, NOT_IN_FAQ
from tests.helpers.wa_residents import WaResident, register
from tests.helpers.whatsapp import bot_settings

RESIDENT = "6281234567890"
IN_FAQ = "apakah pelatihannya gratis?"  # an answer of the shipped FAQ ("biaya")
TEMPLATE_ID = (
    "💬 Balasan dari {{1}} untuk pertanyaan Anda di layanan Pelatihan Calon PMI Kota Serang:"
    " {{2}} Balas pesan ini jika masih ada yang ingin ditanyakan."
)


@pytest.fixture
def group(sim: BotApiSimulator) -> SimGroup:
    return sim.group(GROUP, "Petugas BBPVP", forum=True)


async def started(
    wa: WhatsAppSimulator, make_runner: RunnerFactory, **overrides: object
) -> BotRunner:
    runner = make_runner(**bot_settings(wa), staff_group_id=GROUP, **overrides)
    await runner.start()
    assert runner.http is not None
    wa.webhook_url = runner.http.base_url + WEBHOOK_PATH
    await add_staff(runner, STAFF_ID)
    return runner


@pytest.fixture
async def runner(
    wa: WhatsAppSimulator, make_runner: RunnerFactory, group: SimGroup
) -> AsyncIterator[BotRunner]:
    bot = await started(wa, make_runner)
    yield bot
    await bot.stop()


def staff_of(sim: BotApiSimulator, group: SimGroup) -> SimUser:
    return group.add(sim.user(STAFF_ID, "Rina"))


async def asked_staff(wa: WhatsAppSimulator, runner: BotRunner) -> tuple[WaResident, str]:
    """A registered WhatsApp resident whose question the FAQ cannot answer went to staff."""
    reg_no = await register(wa, runner, RESIDENT)
    r = WaResident.of(wa, runner, RESIDENT)
    offer = await r.say(NOT_IN_FAQ)
    assert "belum punya jawaban tertulis" in offer[-1].text
    assert offer[-1].titles == ["💬 Tanya petugas"]
    sent = await r.press("Tanya petugas")
    assert "sudah kami teruskan kepada petugas" in sent[-1].text
    # Saturday 28 November 2026, 10.00 WIB: outside office hours, so when it will be read.
    assert "Senin, 30 November 2026 pukul 08.00 WIB" in sent[-1].text
    return r, reg_no


async def until_received(r: WaResident, words: str) -> str:
    await until(lambda: any(words in m.text for m in r.user.received), within=10)
    return next(m.text for m in reversed(r.user.received) if words in m.text)


async def test_a_question_to_staff_answered_in_its_topic_and_closed(
    sim: BotApiSimulator, wa: WhatsAppSimulator, runner: BotRunner, group: SimGroup
) -> None:
    staff = staff_of(sim, group)
    r, reg_no = await asked_staff(wa, runner)
    topic = group.topic_named(f"{reg_no} · Siti")
    assert topic is not None and not topic.closed
    header = await group.next_message(thread_id=topic.thread_id)
    assert "Pertanyaan #" in header.text and reg_no in header.text
    assert (await group.next_message(thread_id=topic.thread_id)).text == NOT_IN_FAQ

    # What they type next joins the question; a photo is asked for as text, not relayed.
    joined = await r.say("anak saya berumur 3 tahun")
    assert joined[-1].text == "✓ Pesan Anda kami teruskan kepada petugas."
    assert (await group.next_message(thread_id=topic.thread_id)).text == "anak saya berumur 3 tahun"
    photo = await r.send(r.user.send_media("image", "foto surat izin"))
    assert photo[-1].text.startswith("Maaf, petugas kami hanya bisa membaca pesan teks")
    await group.wait_idle()
    assert len(group.messages(topic.thread_id)) == 3  # header, question, follow-up

    await staff.send("Boleh, ada ruang tunggu.", chat_id=GROUP, thread_id=topic.thread_id)
    answer = await until_received(r, "ruang tunggu")
    assert answer == "💬 *Petugas BBPVP Serang*:\nBoleh, ada ruang tunggu."
    assert runner.deps is not None
    contact = await contacts.by_wa_id(runner.deps.db, RESIDENT)
    assert contact is not None
    sent = await message_log.of_person(db_of(runner), contact.user_id, 5)
    assert [(m.kind, m.outcome) for m in sent] == [("question_reply", "sent")]

    # A photo from staff cannot go to WhatsApp: staff are told, the resident gets nothing.
    before = len(r.user.received)
    await staff.send_photo("Denah ruang tunggu", chat_id=GROUP, thread_id=topic.thread_id)
    note = await group.next_message(thread_id=topic.thread_id)
    while "hanya pesan teks" not in note.text:
        note = await group.next_message(thread_id=topic.thread_id)
    assert "memakai WhatsApp" in note.text
    assert len(r.user.received) == before

    await staff.send("/selesai", chat_id=GROUP, thread_id=topic.thread_id)
    assert (await until_received(r, "telah menyelesaikan")).startswith("Petugas telah")
    await until(lambda: group.topic(topic.thread_id).closed)
    assert "ditutup oleh Rina" in group.messages(topic.thread_id)[-1].text

    # Closed: a greeting is no longer a message to staff, but the menu again.
    seen = len(group.messages(topic.thread_id))
    menu = await r.say("halo")
    assert menu[-1].choices
    assert len(group.messages(topic.thread_id)) == seen


async def test_a_faq_answer_offers_tanya_petugas(
    wa: WhatsAppSimulator, runner: BotRunner, group: SimGroup
) -> None:
    reg_no = await register(wa, runner, RESIDENT)
    r = WaResident.of(wa, runner, RESIDENT)
    answer = await r.say(IN_FAQ)
    assert "dibiayai anggaran BBPVP Serang" in answer[-1].text
    assert "Tanya petugas" in answer[-1].text  # the footer says what the button is for
    assert answer[-1].titles[:2] == ["👍 Ini membantu", "💬 Tanya petugas"]
    thanks = await r.press("Ini membantu")
    assert thanks[-1].text.startswith("Terima kasih.")
    assert group.topic_named(f"{reg_no} · Siti") is None  # nothing went to staff

    await r.say(IN_FAQ)
    sent = await r.press("Tanya petugas")
    assert "sudah kami teruskan kepada petugas" in sent[-1].text
    topic = group.topic_named(f"{reg_no} · Siti")
    assert topic is not None
    await until(lambda: any(m.text == IN_FAQ for m in group.messages(topic.thread_id)))


async def test_a_reply_outside_the_24_hours_is_not_sent_and_staff_are_told(
    sim: BotApiSimulator, wa: WhatsAppSimulator, runner: BotRunner, group: SimGroup
) -> None:
    staff = staff_of(sim, group)
    r, reg_no = await asked_staff(wa, runner)
    await last_wrote_30_hours_ago(wa, runner)
    topic = group.topic_named(f"{reg_no} · Siti")
    assert topic is not None
    await group.wait_idle()
    seen = len(group.messages(topic.thread_id))
    before = len(r.user.received)

    await staff.send("Boleh, ada ruang tunggu.", chat_id=GROUP, thread_id=topic.thread_id)
    await until(lambda: len(group.messages(topic.thread_id)) > seen)
    told = group.messages(topic.thread_id)[seen].text
    assert "tidak terkirim" in told and "24 jam" in told
    assert len(r.user.received) == before
    contact = await contacts.by_wa_id(db_of(runner), RESIDENT)
    assert contact is not None
    logged = await message_log.of_person(db_of(runner), contact.user_id, 5)
    assert [(m.kind, m.outcome) for m in logged] == [("question_reply", "outside_window")]

    # The web inbox says the same.
    async with logged_in(runner, staff) as client:
        link = f"/dasbor/pertanyaan/{await open_question_id(runner)}"
        token = csrf_token((await client.get(link)).text)
        sent = await client.post(link + "/balas", data={"teks": "Lagi.", "csrf_token": token})
        assert sent.headers["location"] == link + "?kabar=di_luar_24_jam"
        page = (await client.get(sent.headers["location"])).text
        assert "lebih dari 24 jam yang lalu" in page
    assert len(r.user.received) == before


async def test_outside_the_24_hours_the_reply_goes_as_its_template(
    sim: BotApiSimulator, wa: WhatsAppSimulator, make_runner: RunnerFactory, group: SimGroup
) -> None:
    wa.add_template("pmi_balasan_petugas", "id", TEMPLATE_ID)
    runner = await started(
        wa, make_runner, whatsapp_templates={"question_reply": "pmi_balasan_petugas"}
    )
    try:
        staff = staff_of(sim, group)
        r, reg_no = await asked_staff(wa, runner)
        await last_wrote_30_hours_ago(wa, runner)
        topic = group.topic_named(f"{reg_no} · Siti")
        assert topic is not None
        await staff.send("Boleh,\nada ruang tunggu.", chat_id=GROUP, thread_id=topic.thread_id)
        got = await until_received(r, "ruang tunggu")
        assert r.user.last.message.type == "template"
        assert got == (
            "💬 Balasan dari Petugas BBPVP Serang untuk pertanyaan Anda di layanan Pelatihan"
            " Calon PMI Kota Serang: Boleh, ada ruang tunggu. Balas pesan ini jika masih ada"
            " yang ingin ditanyakan."
        )
    finally:
        await runner.stop()


async def test_a_web_inbox_reply_reaches_whatsapp(
    sim: BotApiSimulator, wa: WhatsAppSimulator, runner: BotRunner, group: SimGroup
) -> None:
    staff = staff_of(sim, group)
    r, _reg_no = await asked_staff(wa, runner)
    async with logged_in(runner, staff) as client:
        link = f"/dasbor/pertanyaan/{await open_question_id(runner)}"
        page = (await client.get(link)).text
        assert NOT_IN_FAQ in page and RESIDENT not in page
        token = csrf_token(page)
        sent = await client.post(link + "/balas", data={"teks": "Boleh.", "csrf_token": token})
        assert sent.headers["location"] == link + "?kabar=terkirim"
        assert await until_received(r, "Boleh.") == "💬 *Petugas BBPVP Serang*:\nBoleh."
        closed = await client.post(link + "/selesai", data={"csrf_token": token})
        assert closed.headers["location"] == "/dasbor/pertanyaan?kabar=selesai"
    assert (await until_received(r, "telah menyelesaikan")).startswith("Petugas telah")


async def test_hapus_on_whatsapp_removes_the_questions_and_their_topic(
    wa: WhatsAppSimulator, runner: BotRunner, group: SimGroup
) -> None:
    r, reg_no = await asked_staff(wa, runner)
    db = db_of(runner)
    contact = await contacts.by_wa_id(db, RESIDENT)
    assert contact is not None
    topic = group.topic_named(f"{reg_no} · Siti")
    assert topic is not None
    await r.say("hapus")
    done = await r.press("Ya, hapus data saya")
    assert done[-1].text.startswith("Data Anda sudah dihapus.")
    for table in ("questions", "question_topics", "conversations"):
        left = await db.fetchval(
            f"SELECT COUNT(*) FROM {table} WHERE user_id = ?", (contact.user_id,)
        )
        assert left == 0, table
    assert await db.fetchval("SELECT COUNT(*) FROM question_messages") == 0
    await until(lambda: group.topic(topic.thread_id).deleted)
    assert all(m.deleted for m in group.messages(topic.thread_id))


async def last_wrote_30_hours_ago(wa: WhatsAppSimulator, runner: BotRunner) -> None:
    """The resident's 24-hour window closed, by the bot's clock and by Meta's."""
    assert runner.deps is not None
    last = runner.deps.clock.now() - timedelta(hours=30)
    await db_of(runner).write(
        "UPDATE whatsapp_contacts SET last_inbound_at = ? WHERE wa_id = ?",
        (last.astimezone(UTC).isoformat(timespec="seconds"), RESIDENT),
    )
    wa.user(RESIDENT).last_inbound = wa.now() - 30 * 3600


async def open_question_id(runner: BotRunner) -> int:
    found = await db_of(runner).fetchval("SELECT id FROM questions WHERE status = 'open'")
    assert isinstance(found, int)
    return found
