"""/umumkan end to end: a broadcast to a few hundred people through blocks, deactivated
accounts, missing chats and 429s; previews and typed filters; double taps; bad input."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator, SentMessage, SimUser
from bot.simulator.state import TINY_PNG
from bot.storage import broadcasts as store
from bot.storage import staff as staff_repo
from tests.conftest import ADMIN_ID, STAFF_ID, RunnerFactory
from tests.e2e.residents import last, say, tap, until
from tests.helpers.broadcasts import compose, finished, seed, with_buttons
from tests.helpers.rows import applicant_row, insert_applicants
from tests.helpers.runner import db_of, sender_of

# Messages/s for tests with the flood limit off, where the bot's limiter does not hold
# sends to Telegram's 30/s either (tests/conftest.py): a few hundred recipients take about
# a second instead of ten.
FAST = 400.0
FIRST_ID = 500_001
def taktakan_japan(user_id: int) -> tuple[object, ...]:
    return applicant_row(
        user_id,
        answers={"domicile": "kota_serang", "kecamatan": "taktakan",
                 "destinations": ["jepang", "korea"], "interests": ["las"]},
        stage="terverifikasi",
    )  # fmt: skip


async def messages_with(sim: BotApiSimulator, user_id: int, text: str) -> list[SentMessage]:
    return [m for m in sim.chat(user_id).messages if text in m.text]


async def send_now(user: SimUser, broadcast_id: int) -> SentMessage:
    """Press "Kirim sekarang" on the preview and wait for the end of the sending."""
    await user.tap("Kirim sekarang")
    return await finished(user, broadcast_id)


@pytest.fixture
async def runner(make_runner: RunnerFactory) -> AsyncIterator[BotRunner]:
    started = make_runner(broadcast_rate=FAST)
    await started.start()
    yield started
    await started.stop()


async def test_a_few_hundred_recipients_each_get_it_exactly_once(
    sim: BotApiSimulator, runner: BotRunner
) -> None:
    ids = await seed(runner, range(FIRST_ID, FIRST_ID + 300))
    opted_out = await seed(runner, range(600_001, 600_005), opted_out=True)
    already_inactive = await seed(runner, range(610_001, 610_004), inactive=True)
    unfinished = await seed(runner, range(620_001, 620_006), status="interviewing")
    blocked, deactivated, missing = ids[10:15], ids[100:103], ids[200:202]
    for uid in blocked:
        sim.block(uid)
    for uid in deactivated:
        sim.deactivate(uid)
    for uid in missing:
        sim.mark_missing(uid)

    admin = sim.user(ADMIN_ID, "Admin")
    reply = await compose(admin)
    assert "Siapa penerimanya?" in reply
    preview = await tap(admin, "Semua pendaftar")
    assert "Jumlah penerima: <b>300</b> orang." in preview.html
    assert "berhenti berlangganan (/berhenti): 4 orang" in preview.text
    assert "memblokir bot atau akunnya tidak aktif: 3 orang" in preview.text
    # Two 429s as the sending starts: the sender waits them out and carries on.
    sim.inject_error("sendMessage", 429, retry_after=1, times=2)
    await send_now(admin, 1)

    for uid in ids:
        got = await messages_with(sim, uid, "Pelatihan las angkatan 1")
        unreachable = uid in blocked or uid in deactivated or uid in missing
        assert len(got) == (0 if unreachable else 1), uid
    for uid in opted_out + already_inactive + unfinished:
        assert sim.chat(uid).messages == []
    assert sim.stats()["429s"] >= 2

    b = (await store.recent(db_of(runner), 1))[0]
    assert (b.status, b.total, b.sent, b.blocked, b.failed) == ("done", 300, 290, 8, 2)
    report = next(m for m in reversed(admin.messages) if "selesai dikirim" in m.text)
    assert "Terkirim: 290 dari 300" in report.text
    assert "Memblokir bot atau akun tidak aktif: 8" in report.text
    assert "Gagal: 2" in report.text
    assert report.buttons == []  # the stop button is gone

    # 403 made them inactive: the next preview leaves them out, until they write again.
    rows = await db_of(runner).fetchall(
        "SELECT user_id, inactive FROM applicants WHERE user_id IN (?, ?)", (blocked[0], ids[0])
    )
    assert {r[0]: r[1] for r in rows} == {blocked[0]: 1, ids[0]: 0}
    await compose(admin, "Pengumuman kedua")
    preview = await tap(admin, "Semua pendaftar")
    assert "Jumlah penerima: <b>292</b> orang." in preview.html  # "chat not found" stays
    assert "akunnya tidak aktif: 11 orang" in preview.text  # 3 before + 8 from the 403s
    resident = sim.user(blocked[0])
    await say(resident, "/status")  # writing to the bot again (unblocks it first)
    inactive = await db_of(runner).fetchval(
        "SELECT inactive FROM applicants WHERE user_id = ?", (blocked[0],)
    )
    assert inactive == 0


async def test_typed_filter_preview_counts_exactly(sim: BotApiSimulator, runner: BotRunner) -> None:
    await insert_applicants(db_of(runner), [taktakan_japan(uid) for uid in range(1, 8)])
    await seed(runner, range(10, 14), answers={"domicile": "kota_serang", "kecamatan": "curug",
                                               "destinations": ["jepang"]},
               stage="terverifikasi")  # fmt: skip
    await seed(runner, range(20, 23), answers={"domicile": "kota_serang", "kecamatan": "taktakan",
                                               "destinations": ["korea"]},
               stage="terverifikasi")  # fmt: skip
    await seed(runner, range(30, 32), answers={"domicile": "kota_serang", "kecamatan": "taktakan",
                                               "destinations": ["jepang"]},
               stage="wawancara")  # fmt: skip
    await db_of(runner).write("UPDATE applicants SET opted_out = 1 WHERE user_id = 1")

    admin = sim.user(ADMIN_ID, "Admin")
    preview = await compose(admin, command="/umumkan Tujuan:Jepang kecamatan:taktakan "
                                           "tahap:terverifikasi")  # fmt: skip
    assert "Jumlah penerima: 6 orang." in preview
    assert "berhenti berlangganan (/berhenti): 1 orang" in preview
    assert "akunnya tidak aktif" not in preview
    assert "Tujuan (salah satu pilihan): Jepang" in preview
    assert "Kecamatan: Taktakan" in preview
    assert "Tahap: Terverifikasi" in preview

    # Typed as a reply to the recipients question, too; first choice only.
    await compose(admin)
    typed = await say(admin, "tujuan1:korea kecamatan:taktakan")
    assert "Jumlah penerima: 3 orang." in typed.text
    await send_now(admin, 2)
    assert [uid for uid in range(1, 40) if sim.chat(uid).messages] == [20, 21, 22]


async def test_filter_mistakes_get_clear_messages(sim: BotApiSimulator, runner: BotRunner) -> None:
    admin = sim.user(ADMIN_ID, "Admin")
    reply = await say(admin, "/umumkan tujuan:mars")
    assert "Nilai mars tidak dikenal untuk tujuan" in reply.text
    assert "jepang, korea" in reply.text
    reply = await say(admin, "/umumkan negara:jepang")
    assert "Bidang filter negara tidak dikenal" in reply.text
    reply = await say(admin, "/umumkan Besok ada pelatihan")
    assert "ketik /umumkan saja" in reply.text
    assert await store.open_draft(db_of(runner), ADMIN_ID) is None

    await compose(admin)
    reply = await say(admin, "kecamatan:cilegon")
    assert "Nilai cilegon tidak dikenal untuk kecamatan" in reply.text
    assert "cipocok_jaya" in reply.text


async def test_double_tap_starts_once(sim: BotApiSimulator, runner: BotRunner) -> None:
    ids = await seed(runner, range(FIRST_ID, FIRST_ID + 40))
    admin = sim.user(ADMIN_ID, "Admin")
    await compose(admin)
    preview = await tap(admin, "Semua pendaftar")
    first = await admin.tap_on(preview, "Kirim sekarang")
    second = await admin.tap_on(preview, "Kirim sekarang")  # before the first edit lands
    await finished(admin, 1)
    await admin.wait_idle(quiet=0.3)

    assert all(len(sim.chat(uid).messages) == 1 for uid in ids)
    rows = await db_of(runner).fetchall("SELECT status FROM broadcasts")
    assert [r[0] for r in rows] == ["done"]
    audit = await db_of(runner).fetchall(
        "SELECT detail FROM audit_log WHERE action = 'broadcast'"
        " AND json_extract(detail, '$.change') = 'send'"
    )
    assert len(audit) == 1 and json.loads(audit[0][0])["recipients"] == 40
    answers = {r.id: r for r in sim.callback_queries}
    assert answers[first.id].answered and answers[second.id].answered
    assert "sudah diproses" in (answers[second.id].answer_text or "")


async def test_formatting_and_photos_go_out_as_written(
    sim: BotApiSimulator, runner: BotRunner
) -> None:
    await seed(runner, [FIRST_ID])
    admin = sim.user(ADMIN_ID, "Admin")
    await say(admin, "/umumkan")
    # A text with a bold and a link entity, as the Telegram app sends formatted text.
    text = "Jadwal tes & wawancara: lihat situs"
    message = admin._new_message(text=text, entities=[
        {"type": "bold", "offset": 0, "length": 11},
        {"type": "text_link", "offset": 30, "length": 5, "url": "https://bbpvp.example/a?b=1"},
    ])  # fmt: skip
    await admin._post(message, text)
    await last(admin)
    await tap(admin, "Semua pendaftar")
    await send_now(admin, 1)
    got = sim.chat(FIRST_ID).messages[-1]
    assert got.html.startswith(
        '<b>Jadwal tes </b>&amp; wawancara: lihat <a href="https://bbpvp.example/a?b=1">situs</a>'
    )
    assert "Ketik /berhenti" in got.text  # how to stop, under every announcement

    await say(admin, "/umumkan")
    await admin.send_photo(caption="Poster pelatihan")
    await last(admin)
    await tap(admin, "Semua pendaftar")
    await send_now(admin, 2)
    poster = sim.chat(FIRST_ID).messages[-1]
    assert poster.photo is not None and poster.photo.data == TINY_PNG
    assert poster.caption is not None and poster.caption.startswith("Poster pelatihan")


async def test_bad_announcements_are_refused_politely(
    sim: BotApiSimulator, runner: BotRunner
) -> None:
    admin = sim.user(ADMIN_ID, "Admin")
    await say(admin, "/umumkan")
    assert "kosong" in (await say(admin, "\u2800\u200b ")).text
    assert "terlalu besar" in (await _photo(admin, TINY_PNG + bytes(10 * 1024 * 1024))).text
    await admin.send_sticker()
    assert "tidak bisa dijadikan pengumuman" in (await last(admin)).text
    too_long = await say(admin, "x" * 4090)
    assert "terlalu panjang" in too_long.text
    assert "Siapa penerimanya?" in (await say(admin, "Akhirnya pengumuman yang benar")).text
    draft = await store.open_draft(db_of(runner), ADMIN_ID)
    assert draft is not None and draft.text == "Akhirnya pengumuman yang benar"

    # Cancelling the draft: nothing is sent, and ordinary messages are ordinary again.
    assert "Tidak ada yang dikirim" in (await tap(admin, "Batal")).text
    assert "Pengumuman" not in (await say(admin, "halo")).text


async def _photo(user: SimUser, data: bytes) -> SentMessage:
    await user.send_photo(caption="Poster", data=data)
    return await last(user)


async def test_scheduled_broadcast_goes_out_at_its_time(
    sim: BotApiSimulator, runner: BotRunner, clock: Any
) -> None:
    await seed(runner, range(FIRST_ID, FIRST_ID + 5))
    sender_of(runner).schedule_check_every = 0.05  # the test moves the clock
    admin = sim.user(ADMIN_ID, "Admin")
    await compose(admin)
    await tap(admin, "Semua pendaftar")
    prompt = await tap(admin, "Kirim nanti")
    assert "Kapan pengumuman dikirim?" in prompt.text
    assert "sudah lewat" in (await say(admin, "28 November 2026 09.00")).text
    assert "tidak terbaca" in (await say(admin, "besok pagi")).text
    preview = await say(admin, "28 November 2026 10.30")
    assert "Sabtu, 28 November 2026 pukul 10.30 WIB" in preview.text
    done = await tap(admin, "Jadwalkan")
    assert "dijadwalkan" in done.text
    history = await say(admin, "/umumkan riwayat")
    assert "Dijadwalkan" in history.text and "Batalkan #1" in history.buttons[0]

    await asyncio.sleep(0.2)
    assert all(sim.chat(uid).messages == [] for uid in range(FIRST_ID, FIRST_ID + 5))
    clock.advance(minutes=31)
    await finished(admin, 1)
    assert all(len(sim.chat(uid).messages) == 1 for uid in range(FIRST_ID, FIRST_ID + 5))


async def test_cancel_a_scheduled_one_from_the_history(
    sim: BotApiSimulator, runner: BotRunner, clock: Any
) -> None:
    await seed(runner, range(FIRST_ID, FIRST_ID + 5))
    sender_of(runner).schedule_check_every = 0.05  # the test moves the clock
    staff = sim.user(STAFF_ID, "Staf")
    await staff_repo.add(db_of(runner), STAFF_ID, ADMIN_ID)
    await compose(staff)
    await tap(staff, "Semua pendaftar")
    await tap(staff, "Kirim nanti")
    await say(staff, "29 November 2026 08.00")
    await tap(staff, "Jadwalkan")

    admin = sim.user(ADMIN_ID, "Admin")
    history = await say(admin, "/umumkan riwayat")
    assert f"oleh {STAFF_ID}" in history.text
    confirm = await tap(admin, "Batalkan #1")
    assert "Hentikan pengumuman #1?" in confirm.text
    assert "dihentikan" in (await tap(admin, "Ya, hentikan")).text
    clock.advance(days=2)
    await asyncio.sleep(0.3)
    assert all(sim.chat(uid).messages == [] for uid in range(FIRST_ID, FIRST_ID + 5))
    b = await store.get(db_of(runner), 1)
    assert b is not None and (b.status, b.cancelled_by) == ("cancelled", ADMIN_ID)


async def test_residents_never_see_the_broadcast_commands(
    sim: BotApiSimulator, runner: BotRunner
) -> None:
    resident = sim.user(700_001)
    reply = await say(resident, "/umumkan")
    unknown = await say(resident, "/perintahtidakada")
    assert reply.text == unknown.text
    assert await store.open_draft(db_of(runner), 700_001) is None


async def test_staff_with_an_english_phone_get_english(
    sim: BotApiSimulator, runner: BotRunner
) -> None:
    await seed(runner, [FIRST_ID])
    admin = sim.user(ADMIN_ID, "Admin", language_code="en")
    assert "New announcement" in (await say(admin, "/umumkan")).text
    await admin.send("Training starts on Monday")
    assert "Who should receive it?" in (await with_buttons(admin)).text
    preview = await tap(admin, "All applicants")
    assert "Number of recipients: 1." in preview.text
    await admin.tap("Send now")
    await until(lambda: any("#1 has ended" in m.text for m in admin.messages), 30)
    got = sim.chat(FIRST_ID).messages[-1]
    assert "Ketik /berhenti" in got.text  # the footer is in the recipient's language
    report = next(m for m in admin.messages if "has been sent" in m.text)
    assert "Sent: 1 of 1" in report.text
