"""Jadwal on the staff web pages, as a browser gets it against the real server and the
simulator (clock: Saturday 28 November 2026, 10:00 WIB): the agenda of a WIB day with the
residents' answers, a CSV list applied all or nothing with each resident told, refusals of
files that are too big or not lists, cancelling with a confirm step, and the guards."""

from __future__ import annotations

import asyncio
import json
import re

import httpx

from bot.domain.schedule_csv import MAX_BYTES, template_csv
from bot.runner import BotRunner
from bot.simulator import BotApiSimulator, SentMessage, SimUser
from tests.conftest import ADMIN_ID, STAFF_ID
from tests.e2e.residents import say, tap
from tests.helpers.dashboard import ADDRESSES, browser, csrf_token, logged_in
from tests.helpers.rows import seed_applicant
from tests.helpers.runner import add_staff, db_of, reminder_rows

UPLOAD = "/dasbor/jadwal/unggah"
CANCEL = re.compile(r'href="(/dasbor/jadwal/batal/\d+)"')
NAMES = ("Siti Aminah", "Dewi Lestari", "Rina Wati", "John Pratama")


def admin_of(sim: BotApiSimulator) -> SimUser:
    return sim.user(ADMIN_ID, first_name="Admin", language_code="id")


def newest(user: SimUser) -> SentMessage:
    message = user.last_message
    assert message is not None, user.transcript()
    return message


async def seed(bot: BotRunner) -> None:
    db = db_of(bot)
    for n, name in enumerate(NAMES, start=1):
        locale = "en" if name.startswith("John") else "id"
        await seed_applicant(db, 6100 + n, f"SRG-2026-0010{n}", name=name, locale=locale)


def no_person_in_addresses(html: str) -> None:
    for address in ADDRESSES.findall(html):
        for name in NAMES:
            assert name.split()[0] not in address, address


async def send_file(
    client: httpx.AsyncClient, name: str, data: bytes, token: str | None
) -> httpx.Response:
    """The upload form as a browser sends it: multipart, the token first, then the file."""
    fields = {"csrf_token": token} if token is not None else {}
    return await client.post(UPLOAD, data=fields, files={"berkas": (name, data, "text/csv")})


# --- the agenda ------------------------------------------------------------------------------


async def test_agenda_of_a_wib_day_with_answers_and_counts(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    await seed(bot)
    admin = admin_of(sim)
    # 06.30 WIB on the 7th is 23.30 UTC on the 6th; 00.30 WIB on the 8th is 17.30 UTC on the
    # 7th: the agenda's day is the WIB day, not the UTC one.
    for command in (
        "/jadwalkan SRG-2026-00101 wawancara 2026-12-07 06:30 BBPVP Serang",
        "/jadwalkan SRG-2026-00102 wawancara 2026-12-07 09:00 Aula B & C",
        "/jadwalkan SRG-2026-00103 pemetaan 2026-12-07 23:30 BBPVP Serang",
        "/jadwalkan SRG-2026-00104 wawancara 2026-12-08 00:30 BBPVP Serang",
    ):
        assert "tersimpan" in (await say(admin, command)).text
    await tap(sim.user(6101), "✅ Hadir")
    await tap(sim.user(6102), "❌ Tidak bisa hadir")
    await say(sim.user(6102), "Sakit demam")

    async with logged_in(bot, admin) as client:
        response = await client.get("/dasbor/jadwal?tanggal=2026-12-07")
        assert response.status_code == 200
        html = response.text
        assert 'href="/dasbor/jadwal" aria-current="page">Jadwal<' in html
        assert "Agenda Senin, 7 Desember 2026" in html
        rows = re.findall(r"<tr>\s*<td class=\"code\">(.*?)</tr>", html, re.S)
        assert len(rows) == 3
        first, second, third = rows
        assert first.startswith("06.30 WIB") and "Wawancara" in first
        assert 'href="/dasbor/pendaftar/SRG-2026-00101">SRG-2026-00101</a>' in first
        assert "Siti Aminah" in first and ">Hadir<" in first
        assert second.startswith("09.00 WIB") and "Aula B &amp; C" in second
        assert "Tidak bisa hadir" in second and "Alasan: Sakit demam" in second
        assert third.startswith("23.30 WIB") and "Pemetaan minat" in third
        assert "Belum menjawab" in third
        assert "SRG-2026-00104" not in html  # 00.30 WIB on the 8th
        for count in ("Hadir: 1", "Tidak bisa: 1", "Belum menjawab: 1", "Jumlah jadwal: 3"):
            assert count in html
        assert 'href="/dasbor/jadwal?tanggal=2026-12-06"' in html
        assert 'href="/dasbor/jadwal?tanggal=2026-12-08"' in html
        no_person_in_addresses(html)

        eighth = (await client.get("/dasbor/jadwal?tanggal=2026-12-08")).text
        assert "00.30 WIB" in eighth and "SRG-2026-00104" in eighth and "John Pratama" in eighth
        assert "SRG-2026-00101" not in eighth

        today = (await client.get("/dasbor/jadwal")).text  # today in WIB: Saturday the 28th
        assert "Agenda Sabtu, 28 November 2026" in today and "Tidak ada jadwal" in today
        assert 'href="/dasbor/jadwal?tanggal=2026-11-29"' in today
        for bad in ("2026-02-30", "07-12-2026", "kemarin"):
            page = (await client.get("/dasbor/jadwal", params={"tanggal": bad})).text
            assert "tidak bisa dibaca" in page and "Agenda Sabtu, 28 November 2026" in page

    audit = await db_of(bot).fetchall(
        "SELECT target, detail FROM audit_log WHERE action = 'agenda' ORDER BY id"
    )
    assert (audit[0]["target"], json.loads(audit[0]["detail"])) == ("2026-12-07", {"events": 3})

    # In English for a staff member who chose English with /bahasa.
    await add_staff(bot, STAFF_ID)
    staff = sim.user(STAFF_ID, first_name="Rina", language_code="en")
    await say(staff, "/bahasa")
    await staff.tap("English")
    await staff.wait_idle(quiet=0.1, timeout=10)
    async with logged_in(bot, staff) as client:
        english = (await client.get("/dasbor/jadwal?tanggal=2026-12-07")).text
    assert "Agenda for Monday, 7 December 2026" in english
    assert "Attending: 1" in english and "Reason: Sakit demam" in english


# --- CSV lists ---------------------------------------------------------------------------------

GOOD = (
    "\ufeffreg_no;kind;date;time;place;note\r\n"
    "SRG-2026-00101;wawancara;07/12/2026;09:00;BBPVP Serang;Bawa KTP asli\r\n"
    "SRG-2026-00102;wawancara;07/12/2026;09:30;BBPVP Serang;\r\n"
    "SRG-2026-00103;wawancara;07/12/2026;10:00;BBPVP Serang;\r\n"
    "SRG-2026-00104;pemetaan;08/12/2026;10:00;Aula B;\r\n"
)


async def settled(client: httpx.AsyncClient, address: str) -> str:
    """The result page once no notice is left to send (it reloads itself until then)."""
    for _ in range(200):
        html = (await client.get(address)).text
        if 'http-equiv="refresh"' not in html:
            return html
        await asyncio.sleep(0.05)
    raise AssertionError("notices still pending")


def figure(html: str, label: str) -> str:
    found = re.search(rf"<dt>{label}</dt><dd>([^<]+)</dd>", html)
    assert found is not None, label
    return found.group(1)


async def test_a_good_list_schedules_everyone_and_each_resident_is_told(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    await seed(bot)
    sim.block(6103)  # one resident blocked the bot: counted, not lost
    admin = admin_of(sim)
    async with logged_in(bot, admin) as client:
        form = (await client.get(UPLOAD)).text
        assert 'enctype="multipart/form-data"' in form and '<label for="berkas">' in form
        template = await client.get("/dasbor/jadwal/templat")
        assert template.content == template_csv()
        assert 'filename="jadwal_templat.csv"' in template.headers["content-disposition"]

        response = await send_file(client, "jadwal.csv", GOOD.encode(), csrf_token(form))
        assert response.status_code == 303
        result = response.headers["location"]
        assert re.fullmatch(r"/dasbor/jadwal/hasil\?dari=\d+&sampai=\d+", result)
        html = await settled(client, result)
    assert "Jadwal tersimpan: 4 (menggantikan jadwal lama: 0; pengingat: 12)" in html
    assert (figure(html, "Terkirim"), figure(html, "Diblokir"), figure(html, "Gagal")) == (
        "3", "1", "0",
    )  # fmt: skip
    assert figure(html, "Masih dikirim") == "0"
    assert 'href="/dasbor/jadwal?tanggal=2026-12-07"' in html

    first = newest(sim.user(6101))
    assert first.text.startswith(
        "📅 Anda dijadwalkan wawancara pada Senin, 7 Desember 2026 pukul 09.00 WIB"
    )
    assert "Catatan: Bawa KTP asli" in first.text
    assert first.buttons == ["✅ Hadir", "❌ Tidak bisa hadir"]
    assert "pukul 09.30 WIB" in newest(sim.user(6102)).text
    english = newest(sim.user(6104, first_name="John", language_code="en"))
    assert "Your interest mapping is scheduled for Tuesday, 8 December 2026 at 10.00 WIB" in (
        english.text
    )
    assert sim.user(6103).messages == []
    db = db_of(bot)
    assert await db.fetchval("SELECT inactive FROM applicants WHERE user_id = 6103") == 1
    audit = await db.fetchval("SELECT detail FROM audit_log WHERE action = 'schedule_csv'")
    assert json.loads(audit) == {"rows": 4, "rescheduled": 0}
    assert await db.fetchval("SELECT COUNT(*) FROM audit_log WHERE action = 'schedule_template'")
    # The page told the staff member; no Telegram summary on top of it.
    assert not any("selesai dikirim" in m.text for m in admin.messages)


BAD = (
    "reg_no,kind,date,time,place,note\n"
    "SRG-2026-00101,wawancara,2026-12-07,09:00,BBPVP Serang,\n"
    "SRG-2026-00102,rapat <b>,2026-12-07,09:30,BBPVP Serang,\n"
    "SRG-2026-00103,wawancara,2026-12-07,10:00,BBPVP Serang,\n"
)


async def test_a_list_with_one_bad_row_applies_nothing(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    await seed(bot)
    admin = admin_of(sim)
    async with logged_in(bot, admin) as client:
        token = csrf_token((await client.get(UPLOAD)).text)
        response = await send_file(client, "jadwal.csv", BAD.encode(), token)
        assert response.status_code == 400
        html = response.text
        assert "Daftar tidak diterapkan: ada 1 baris yang salah" in html
        assert "Baris 3: Jenis «rapat &lt;b&gt;» tidak dikenal" in html  # escaped, in id
        assert "Baris 2" not in html and "Baris 4" not in html

        unknown = BAD.replace("rapat <b>", "wawancara").replace("00103", "09999")
        response = await send_file(client, "jadwal.csv", unknown.encode(), token)
        assert "Baris 4: Nomor pendaftaran SRG-2026-09999 tidak ditemukan." in response.text
    # A staff member who chose English reads the same errors in English.
    await add_staff(bot, STAFF_ID)
    staff = sim.user(STAFF_ID, first_name="Rina", language_code="en")
    await say(staff, "/bahasa")
    await staff.tap("English")
    await staff.wait_idle(quiet=0.1, timeout=10)
    async with logged_in(bot, staff) as client:
        token = csrf_token((await client.get(UPLOAD)).text)
        html = (await send_file(client, "jadwal.csv", BAD.encode(), token)).text
    assert "The list was not applied: 1 row is wrong." in html
    assert "Line 3: Unknown kind «rapat &lt;b&gt;»." in html
    assert await db_of(bot).fetchval("SELECT COUNT(*) FROM events") == 0
    assert all(sim.user(6100 + n).messages == [] for n in (1, 2, 3))


async def test_files_too_big_or_not_lists_are_refused_politely(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    await seed(bot)
    admin = admin_of(sim)
    big = b"reg_no;kind;date;time;place\n" + b"x" * (MAX_BYTES + 100_000)
    async with logged_in(bot, admin) as client:
        token = csrf_token((await client.get(UPLOAD)).text)
        response = await send_file(client, "jadwal.csv", big, token)
        assert response.status_code == 303
        assert response.headers["location"] == UPLOAD + "?kabar=terlalu_besar"
        page = (await client.get(response.headers["location"])).text
        assert "File itu terlalu besar. Unggah paling banyak 3 MB (10.000 baris)" in page

        # Just over the list's own limit, within the upload's: the list's sentence.
        over = b"reg_no;kind;date;time;place\n" + b"x" * MAX_BYTES
        response = await send_file(client, "jadwal.csv", over, token)
        assert response.status_code == 400
        assert "File terlalu besar. Unggah paling banyak 10.000 baris per file." in response.text

        # Without a Content-Length (sent in chunks): counted as it arrives, refused the same.
        boundary = "jadwalbatas"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="berkas"; filename="j.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()

        async def chunks():  # type: ignore[no-untyped-def]
            yield head
            for _ in range(4):
                yield b"x" * 1_000_000
            yield f"\r\n--{boundary}--\r\n".encode()

        response = await client.post(
            UPLOAD, content=chunks(),
            headers={"content-type": f"multipart/form-data; boundary={boundary}"},
        )  # fmt: skip
        assert response.headers["location"] == UPLOAD + "?kabar=terlalu_besar"

        cases = {
            ("jadwal.pdf", b"%PDF-1.4"): "File itu bukan CSV",
            ("jadwal.xlsx", b"PK\x03\x04"): "Ini file Excel, bukan CSV",
            ("jadwal.csv", b"PK\x03\x04 a spreadsheet renamed"): "Ini file Excel, bukan CSV",
            ("jadwal.csv", b""): "File itu kosong",
            ("jadwal.csv", "reg_no;kind\nSRG-2026-00101;Café\n".encode("cp1252")): "bukan UTF-8",
            ("jadwal.csv", b"reg_no;kind;date\nSRG-2026-00101;wawancara;07/12/2026\n"): (
                "Kolom berikut tidak ada: time, place"
            ),
        }
        for (name, data), expected in cases.items():
            response = await send_file(client, name, data, token)
            assert response.status_code == 400, name
            assert expected in response.text, (name, response.text)
        no_file = await client.post(UPLOAD, data={"csrf_token": token}, files={"x": ("", b"")})
        assert "Mohon pilih file CSV dulu" in no_file.text
        broken = await client.post(
            UPLOAD, content=b"--nope\r\n\r\n",
            headers={"content-type": "multipart/form-data; boundary=other"},
        )  # fmt: skip
        assert broken.status_code == 303
        assert broken.headers["location"] == UPLOAD + "?kabar=tak_terbaca"
    assert await db_of(bot).fetchval("SELECT COUNT(*) FROM events") == 0


# --- cancelling ------------------------------------------------------------------------------


async def test_cancel_with_a_confirm_step_tells_the_resident(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    await seed(bot)
    admin = admin_of(sim)
    resident = sim.user(6101)
    await say(admin, "/jadwalkan SRG-2026-00101 wawancara 2026-12-07 09:00 BBPVP Serang")
    await say(admin, "/jadwalkan SRG-2026-00102 wawancara 2026-12-07 10:00 BBPVP Serang")
    async with logged_in(bot, admin) as client:
        agenda = (await client.get("/dasbor/jadwal?tanggal=2026-12-07")).text
        links = CANCEL.findall(agenda)
        assert len(links) == 2
        confirm = await client.get(links[0])
        assert confirm.status_code == 200
        assert "Batalkan jadwal wawancara pada Senin, 7 Desember 2026 pukul 09.00 WIB" in (
            confirm.text
        )
        assert "SRG-2026-00101" in confirm.text and "Siti Aminah" in confirm.text
        assert await db_of(bot).fetchval("SELECT status FROM events WHERE id = 1") == "active"
        token = csrf_token(confirm.text)

        refused = await client.post(links[0], data={})
        assert refused.status_code == 403
        assert await db_of(bot).fetchval("SELECT status FROM events WHERE id = 1") == "active"

        done = await client.post(links[0], data={"csrf_token": token})
        assert done.status_code == 303
        assert done.headers["location"] == "/dasbor/jadwal?tanggal=2026-12-07&kabar=batal_sent"
        after = (await client.get(done.headers["location"])).text
        assert "Jadwal dibatalkan. Pemberitahuan sudah terkirim ke pendaftar." in after
        assert "SRG-2026-00101" not in after and "SRG-2026-00102" in after

        again = await client.post(links[0], data={"csrf_token": token})
        assert again.headers["location"].endswith("kabar=sudah_berubah")

        # A date changed in the bot after the confirm page was shown: the new one stays.
        confirm = await client.get(links[1])
        await say(admin, "/jadwalkan SRG-2026-00102 wawancara 2026-12-09 10:00 BBPVP Serang")
        stale = await client.post(links[1], data={"csrf_token": token})
        assert stale.headers["location"].endswith("kabar=sudah_berubah")
    told = newest(resident)
    assert "Jadwal wawancara Anda pada Senin, 7 Desember 2026 pukul 09.00 WIB dibatalkan" in (
        told.text
    )  # the bot's own message
    db = db_of(bot)
    assert [s for _i, e, s, _d in await reminder_rows(db) if e == 1] == ["cancelled"] * 3
    assert await db.fetchval("SELECT status FROM events WHERE user_id = 6102 AND "
                             "starts_at LIKE '2026-12-09%'") == "active"  # fmt: skip
    audit = await db.fetchall("SELECT action, target, detail FROM audit_log"
                              " WHERE action = 'schedule_cancel'")  # fmt: skip
    assert [(a["target"], json.loads(a["detail"])) for a in audit] == [
        ("SRG-2026-00101", {"kind": "wawancara"})
    ]


# --- guards ----------------------------------------------------------------------------------


async def test_no_session_or_no_form_token_changes_nothing(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    await seed(bot)
    admin = admin_of(sim)
    await say(admin, "/jadwalkan SRG-2026-00101 wawancara 2026-12-07 09:00 BBPVP Serang")
    async with browser(bot) as stranger:
        pages = ("/dasbor/jadwal", UPLOAD, "/dasbor/jadwal/templat", "/dasbor/jadwal/batal/1",
                 "/dasbor/jadwal/hasil?dari=1&sampai=1")  # fmt: skip
        for address in pages:
            response = await stranger.get(address)
            assert response.status_code == 303 and response.headers["location"] == "/dasbor/masuk"
        posted = await send_file(stranger, "jadwal.csv", GOOD.encode(), "x")
        assert posted.headers["location"] == "/dasbor/masuk"
        cancelled = await stranger.post("/dasbor/jadwal/batal/1", data={"csrf_token": "x"})
        assert cancelled.headers["location"] == "/dasbor/masuk"
    async with logged_in(bot, admin) as client:
        for token in (None, "not-the-token"):
            response = await send_file(client, "jadwal.csv", GOOD.encode(), token)
            assert response.status_code == 403
            assert "tidak berasal dari halaman ini" in response.text
    db = db_of(bot)
    assert await db.fetchval("SELECT COUNT(*) FROM events") == 1
    assert await db.fetchval("SELECT status FROM events WHERE id = 1") == "active"
