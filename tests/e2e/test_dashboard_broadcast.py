"""Pengumuman on the staff web pages, over HTTP against the bot's own server and the Telegram
simulator: an announcement reaches exactly the residents its filter matches, the live count,
a scheduled one at its time, stop and resume with nobody served twice, bad input refused
politely, CSRF and sessions, and nothing personal in an address."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.simulator.state import TINY_PNG
from bot.storage import broadcasts as store
from tests.conftest import ADMIN_ID, STAFF_ID, RunnerFactory
from tests.e2e.residents import until
from tests.helpers.announcements import PATH, audit_rows, compose, draft_id, press, token
from tests.helpers.broadcasts import seed
from tests.helpers.dashboard import ADDRESSES, browser, logged_in
from tests.helpers.runner import add_staff, db_of, sender_of

FAST = 400.0  # messages/s: the flood limit is off in these tests (tests/conftest.py)
TAKTAKAN = {"domicile": "kota_serang", "kecamatan": "taktakan", "destinations": ["jepang"]}
CURUG = {"domicile": "kota_serang", "kecamatan": "curug", "destinations": ["korea"]}
TEXT = "Pelatihan <las> & pemetaan minat: hadir Senin pukul 08.00 WIB."


@pytest.fixture
async def runner(make_runner: RunnerFactory) -> AsyncIterator[BotRunner]:
    started = make_runner(broadcast_rate=FAST)
    await started.start()
    yield started
    await started.stop()


def got(sim: BotApiSimulator, user_id: int, fragment: str) -> int:
    return sum(fragment in m.text for m in sim.chat(user_id).messages)


async def test_an_announcement_reaches_exactly_the_residents_its_filter_matches(
    sim: BotApiSimulator, runner: BotRunner
) -> None:
    taktakan = await seed(runner, range(7001, 7006), answers=TAKTAKAN)
    curug = await seed(runner, range(7101, 7104), answers=CURUG)
    opted_out = await seed(runner, [7201], answers=TAKTAKAN, opted_out=True)
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    async with logged_in(runner, admin) as client:
        # The live count: the fragment htmx asks for as the filters change.
        count = (await client.get(PATH + "/hitung", params={"kecamatan": "taktakan"})).text
        assert "Jumlah penerima: 5 orang." in count
        assert "berhenti berlangganan: 1." in count
        everyone = (await client.get(PATH + "/hitung")).text
        assert "Jumlah penerima: 8 orang." in everyone
        both = {"kecamatan": "curug", "tujuan": "korea"}
        assert "Jumlah penerima: 3 orang." in (await client.get(PATH + "/hitung", params=both)).text
        none = {"kecamatan": "curug", "tujuan": "jepang"}
        assert "Jumlah penerima: 0 orang." in (await client.get(PATH + "/hitung", params=none)).text
        # Without JavaScript: "Hitung" posts the form back, with the count and the text kept.
        data = {"csrf_token": await token(client), "teks": TEXT, "kecamatan": "curug",
                "aksi": "hitung"}  # fmt: skip
        recount = await client.post(PATH + "/baru", data=data)
        assert recount.status_code == 200
        assert "Jumlah penerima: 3 orang." in recount.text
        assert "Pelatihan &lt;las&gt; &amp; pemetaan" in recount.text  # kept, escaped
        assert await store.recent(db_of(runner), 5) == []  # counting made nothing

        b_id = draft_id(await compose(client, TEXT, kecamatan="taktakan"))
        preview = (await client.get(f"{PATH}/{b_id}")).text
        assert "Pelatihan &lt;las&gt; &amp; pemetaan minat" in preview  # what residents read
        assert "Tidak ingin menerima pengumuman lagi? Ketik /berhenti" in preview
        assert "Kecamatan: Taktakan" in preview
        assert "Kirim sekarang kepada 5 orang" in preview
        assert all(sim.chat(uid).messages == [] for uid in taktakan)  # nothing before "Kirim"

        sent = await press(client, b_id, "kirim")
        assert sent.headers["location"] == f"{PATH}/{b_id}?kabar=terkirim"
        await until(lambda: all(got(sim, uid, "Pelatihan <las> &") for uid in taktakan), 15)
        await sender_of(runner).join(b_id)
        page = (await client.get(f"{PATH}/{b_id}")).text
        history = (await client.get(PATH)).text

    for uid in taktakan:  # the typed text arrives as typed: escaped, never markup
        assert got(sim, uid, TEXT) == 1, uid
        message = next(m for m in sim.chat(uid).messages if TEXT in m.text)
        assert "Ketik /berhenti" in message.text
    for uid in curug + opted_out:
        assert sim.chat(uid).messages == [], uid
    b = await store.get(db_of(runner), b_id)
    assert b is not None and (b.status, b.total, b.sent) == ("done", 5, 5)
    assert "Selesai" in page and "5 / 5" in page
    assert f'href="{PATH}/{b_id}"' in history and "Pelatihan &lt;las&gt;" in history
    # The audit entry /umumkan writes for a send, word for word.
    assert await audit_rows(db_of(runner)) == [
        (ADMIN_ID, f"#{b_id}", {"change": "send", "recipients": 5, "filter": "kecamatan:taktakan"})
    ]


async def test_a_photo_goes_out_by_the_file_id_of_its_one_upload(
    sim: BotApiSimulator, runner: BotRunner
) -> None:
    residents = await seed(runner, range(7301, 7304), answers=TAKTAKAN)
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    async with logged_in(runner, admin) as client:
        files = {"foto": ("poster.png", TINY_PNG, "image/png")}
        b_id = draft_id(await compose(client, "Poster pelatihan", files=files))
        # The one upload: the preview copy in the staff member's own chat.
        copy = admin.messages[-1]
        assert copy.photo is not None and copy.photo.data == TINY_PNG
        assert "Poster pelatihan" in copy.text
        shown = await client.get(f"{PATH}/{b_id}/foto")
        assert shown.status_code == 200 and shown.content == TINY_PNG
        assert shown.headers["content-type"] == "image/png"
        await press(client, b_id, "kirim")
        await until(lambda: all(sim.chat(u).messages for u in residents), 15)
    b = await store.get(db_of(runner), b_id)
    assert b is not None and b.content_type == "photo"
    for uid in residents:
        (message,) = sim.chat(uid).messages
        assert message.photo is not None and message.photo.file_id == b.file_id
        assert message.photo.data == TINY_PNG and "Poster pelatihan" in message.text


async def test_a_scheduled_announcement_goes_out_at_its_time(
    sim: BotApiSimulator, runner: BotRunner, clock: Any
) -> None:
    residents = await seed(runner, range(7401, 7405))
    sender_of(runner).schedule_check_every = 0.05  # the test moves the clock
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    async with logged_in(runner, admin) as client:
        # The clock says Saturday 28 November 2026, 10.00 WIB.
        past = await compose(client, "Jadwal", kapan="nanti", tanggal="2026-11-28", jam="09:00")
        assert past.status_code == 400 and "sudah lewat" in past.text
        missing = await compose(client, "Jadwal", kapan="nanti", tanggal="", jam="")
        assert missing.status_code == 400 and "isi tanggal dan jamnya" in missing.text
        assert await store.recent(db_of(runner), 5) == []
        b_id = draft_id(
            await compose(client, "Jadwal", kapan="nanti", tanggal="2026-11-28", jam="10:30")
        )
        preview = (await client.get(f"{PATH}/{b_id}")).text
        assert "Jadwalkan untuk Sabtu, 28 November 2026 pukul 10.30 WIB" in preview
        done = await press(client, b_id, "jadwalkan")
        assert done.headers["location"].endswith("?kabar=terjadwal")
        assert "Dijadwalkan" in (await client.get(PATH)).text
        await asyncio.sleep(0.2)
        assert all(sim.chat(uid).messages == [] for uid in residents)
        clock.advance(minutes=31)
        await until(lambda: all(got(sim, uid, "Jadwal") for uid in residents), 15)
        await sender_of(runner).join(b_id)
    assert all(got(sim, uid, "Jadwal") == 1 for uid in residents)
    (entry,) = await audit_rows(db_of(runner))
    assert entry == (ADMIN_ID, f"#{b_id}", {"change": "schedule", "filter": "semua",
                                            "at": "2026-11-28T10:30:00+07:00"})  # fmt: skip


async def test_stop_then_resume_reaches_the_rest_and_nobody_twice(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    runner = make_runner(broadcast_rate=20.0)  # slow enough to stop half-way
    await runner.start()
    try:
        residents = await seed(runner, range(7501, 7541))
        await add_staff(runner, STAFF_ID)
        staff = sim.user(STAFF_ID, first_name="Staf", language_code="id")
        async with logged_in(runner, staff) as client:
            b_id = draft_id(await compose(client, "Berhenti lalu lanjut"))
            await press(client, b_id, "kirim")
            await until(lambda: sum(bool(sim.chat(u).messages) for u in residents) >= 3, 15)
            stopped = await press(client, b_id, "hentikan")
            assert stopped.headers["location"].endswith("?kabar=dihentikan")
            await sender_of(runner).join(b_id)
            counts = await store.counts(db_of(runner), b_id)
            assert counts.sent >= 3 and counts.pending > 0
            reached = {u for u in residents if sim.chat(u).messages}
            assert len(reached) == counts.sent
            page = (await client.get(f"{PATH}/{b_id}")).text
            assert "Dibatalkan" in page and "/lanjutkan" in page and "/hentikan" not in page
            await asyncio.sleep(0.3)
            assert {u for u in residents if sim.chat(u).messages} == reached  # it stopped
        await runner.stop()  # a stopped announcement stays resumable across a restart

        runner = make_runner(broadcast_rate=FAST)
        await runner.start()
        async with logged_in(runner, staff) as client:
            resumed = await press(client, b_id, "lanjutkan")
            assert resumed.headers["location"].endswith("?kabar=dilanjutkan")
            await until(lambda: all(sim.chat(u).messages for u in residents), 15)
            await sender_of(runner).join(b_id)
            again = await press(client, b_id, "lanjutkan")  # nothing left: refused politely
            assert again.headers["location"].endswith("?kabar=tak_bisa_lanjut")
        assert all(len(sim.chat(u).messages) == 1 for u in residents)
        b = await store.get(db_of(runner), b_id)
        assert b is not None and (b.status, b.sent, b.total) == ("done", 40, 40)
        changes = [detail["change"] for _a, _t, detail in await audit_rows(db_of(runner))]
        assert changes == ["send", "cancel", "resume"]
    finally:
        await runner.stop()


async def test_bad_input_is_refused_politely_and_nothing_is_made(
    sim: BotApiSimulator, runner: BotRunner
) -> None:
    await seed(runner, range(7601, 7603))
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    async with logged_in(runner, admin) as client:
        empty = await compose(client, "  \u200b \n ")
        assert empty.status_code == 400 and "Isi pengumuman masih kosong" in empty.text
        not_photo = {"foto": ("poster.jpg", b"%PDF-1.4 not a photo", "image/jpeg")}
        bad = await compose(client, "Poster", files=not_photo)
        assert bad.status_code == 400 and "bukan foto yang bisa dikirim" in bad.text
        assert 'value="Poster"' in bad.text or ">Poster</textarea>" in bad.text  # text kept
        over = {"foto": ("besar.png", TINY_PNG + b"\0" * (10 * 1024 * 1024), "image/png")}
        just_over = await compose(client, "Poster", files=over)
        assert just_over.status_code == 400 and "Fotonya terlalu besar" in just_over.text
        # Far bigger than any good form: refused before it is read.
        huge = {"foto": ("besar.png", TINY_PNG + b"\0" * (12 * 1024 * 1024), "image/png")}
        too_big = await compose(client, "Poster", files=huge)
        assert too_big.status_code == 303
        assert too_big.headers["location"] == PATH + "/baru?kabar=foto_besar"
        told = (await client.get(too_big.headers["location"])).text
        assert "Fotonya terlalu besar" in told
        long_text = await compose(client, "x" * 5000)
        assert long_text.status_code == 400 and "terlalu panjang: 5.000 karakter" in long_text.text
    assert await store.recent(db_of(runner), 5) == []
    assert await db_of(runner).fetchval("SELECT COUNT(*) FROM broadcasts") == 0
    assert [m for m in admin.messages if m.photo is not None] == []  # no upload either


async def test_no_token_or_no_session_is_refused_and_nothing_is_sent(
    sim: BotApiSimulator, runner: BotRunner
) -> None:
    residents = await seed(runner, range(7701, 7703))
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    async with logged_in(runner, admin) as client:
        b_id = draft_id(await compose(client, "Tanpa token"))
        data = {"teks": "Tanpa token", "kapan": "sekarang", "aksi": "pratinjau"}
        no_token = await client.post(PATH + "/baru", data=data)
        assert no_token.status_code == 403
        forged = await client.post(f"{PATH}/{b_id}/kirim", data={"csrf_token": "palsu"})
        assert forged.status_code == 403
    async with browser(runner) as stranger:
        assert (await stranger.get(PATH)).headers["location"] == "/dasbor/masuk"
        assert (await stranger.get(PATH + "/hitung")).headers["location"] == "/dasbor/masuk"
        assert (await stranger.get(f"{PATH}/{b_id}/kemajuan")).status_code == 303
        blind = await stranger.post(f"{PATH}/{b_id}/kirim", data={})
        assert (blind.status_code, blind.headers["location"]) == (303, "/dasbor/masuk")
    await asyncio.sleep(0.2)
    assert all(sim.chat(uid).messages == [] for uid in residents)
    b = await store.get(db_of(runner), b_id)
    assert b is not None and b.status == "draft"
    assert await db_of(runner).fetchval("SELECT COUNT(*) FROM broadcasts") == 1


async def test_no_address_carries_anything_personal(
    sim: BotApiSimulator, runner: BotRunner
) -> None:
    await seed(runner, range(7801, 7806), answers={**TAKTAKAN, "name": "Siti Aminah",
                                                   "nik": "3673055512980001"})  # fmt: skip
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    seen: set[str] = set()
    async with logged_in(runner, admin) as client:
        response = await compose(client, "Untuk Siti Aminah 3673055512980001", kecamatan="taktakan")
        b_id = draft_id(response)
        seen.add(response.headers["location"])
        for path in (PATH, PATH + "/baru", f"{PATH}/{b_id}", f"{PATH}/baru?draf={b_id}"):
            html = (await client.get(path)).text
            seen.update(ADDRESSES.findall(html))
            seen.update(re.findall(r'hx-get="([^"]*)"', html))
        for action in ("kirim", "hentikan"):
            seen.add((await press(client, b_id, action)).headers["location"])
        await sender_of(runner).join(b_id)
        seen.update(ADDRESSES.findall((await client.get(f"{PATH}/{b_id}")).text))
    assert any("/kirim" in a for a in seen) and any("hitung" in a for a in seen)
    for address in seen:
        assert address.startswith(("/dasbor", "#")), address
        assert re.search(r"\d{16}", address) is None, address
        assert "Siti" not in address and "Aminah" not in address, address
