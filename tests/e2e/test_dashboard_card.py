"""Kartu pendaftar on the staff web pages, as a browser gets it from the real server: what the
card shows (answers as /cari labels them, verdict, stage history, notes, schedules with the
resident's answer, messages and their delivery), each form doing what its bot command does
(the resident's message in the simulator, the audit row), refusals that apply nothing, and
the guards (session, form token, unknown number, nothing personal in an address)."""

from __future__ import annotations

import json
import re

import httpx

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator, SimUser
from bot.storage import applicants as repo
from tests.conftest import ADMIN_ID, STAFF_ID
from tests.e2e.residents import ENGLISH, Person, answer_interview, register, say, tap, until
from tests.helpers.broadcasts import ANNOUNCEMENT, compose, finished
from tests.helpers.dashboard import ADDRESSES, browser, csrf_token, logged_in
from tests.helpers.runner import add_staff, db_of, reminder_rows, service_of

RESIDENT = 7_301
ENGLISH_RESIDENT = 7_302
PERSON = Person()  # Siti Aminah, NIK 3673055512980001, HP 0812-3456-7890


def assert_nothing_personal_in_addresses(html: str, person: Person = PERSON) -> None:
    for address in ADDRESSES.findall(html):
        assert re.search(r"\d{16}", address) is None, address
        assert person.nik not in address and person.phone not in address, address
        for part in person.name.split():
            assert part.lower() not in address.lower(), address


async def staff_member(sim: BotApiSimulator, bot: BotRunner) -> SimUser:
    """A staff member who is not an admin: the card is for every staff member."""
    await add_staff(bot, STAFF_ID, ADMIN_ID)
    return sim.user(STAFF_ID, first_name="Rina", language_code="id")


AuditRow = tuple[int, str | None, dict[str, object]]


async def audit_rows(bot: BotRunner, action: str) -> list[AuditRow]:
    rows = await db_of(bot).fetchall(
        "SELECT actor_id, target, detail FROM audit_log WHERE action = ? ORDER BY id", (action,)
    )
    return [(r[0], r[1], json.loads(r[2]) if r[2] else {}) for r in rows]


async def post(client: httpx.AsyncClient, path: str, token: str, **form: str) -> httpx.Response:
    return await client.post(path, data={**form, "csrf_token": token})


async def test_the_card_shows_what_the_bot_keeps_about_them(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    reg_no = await register(sim, RESIDENT)
    resident = sim.user(RESIDENT)
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    # What the bot's own commands leave behind: a stage change with a note, a note, an
    # interview the resident cannot come to (with the reason), an announcement.
    await say(admin, f"/tahap {reg_no} terverifikasi KTP dan KK cocok")
    await say(admin, f"/catatan {reg_no} Datang bersama kakaknya")
    await say(admin, f"/jadwalkan {reg_no} wawancara 2026-12-07 09:00 BBPVP Serang, Gedung A")
    await tap(resident, "❌ Tidak bisa hadir")
    await say(resident, "Sakit demam, surat dokter menyusul")
    await compose(admin)
    await tap(admin, "Semua pendaftar")
    await admin.tap("Kirim sekarang")
    await finished(admin, 1)
    staff = await staff_member(sim, bot)

    async with logged_in(bot, staff) as client:
        listing = (await client.get("/dasbor/pendaftar")).text
        assert f'<a href="/dasbor/pendaftar/{reg_no}">{reg_no}</a>' in listing
        response = await client.get(f"/dasbor/pendaftar/{reg_no}")
        assert response.status_code == 200
        html = response.text
    assert f"<title>Kartu pendaftar {reg_no} · " in html
    assert "<strong>Siti Aminah</strong>" in html
    # Every answer, labelled as /cari's card labels it; health answers too, as the bot shows
    # them to every staff member.
    for label, value in (
        ("NIK", PERSON.nik), ("Kecamatan", "Cipocok Jaya"), ("Kesehatan", "Ya, sehat"),
        ("Tujuan kerja", "1. Jepang, 2. Korea Selatan"), ("Minat pelatihan", "Pengelasan (las)"),
        ("Nomor HP", "+6281234567890"),
    ):  # fmt: skip
        row = rf'<th scope="row">{re.escape(label)}</th><td>[^<]*{re.escape(value)}'
        assert re.search(row, html), label
    # Verdict, quota, stage with its history (from the audit log).
    assert "Memenuhi syarat" in html
    assert "mendapat tempat di kuota prioritas Kota Serang" in html
    assert "Sekarang di tahap Terverifikasi, sejak Sabtu, 28 November 2026 pukul 10.00 WIB." in html
    assert re.search(
        r"<td>Sabtu, 28 November 2026 pukul 10.00 WIB</td><td class=\"code\">900001</td>"
        r"<td>Terdaftar</td><td>Terverifikasi</td><td>Ya</td>", html)  # fmt: skip
    # Notes, the stage's note among them, newest first.
    assert html.index("Datang bersama kakaknya") < html.index("[terverifikasi] KTP dan KK cocok")
    assert "Catatan staf (2)" in html
    # The interview with the resident's answer and reason, its notice and reminders.
    assert "Senin, 7 Desember 2026 pukul 09.00 WIB" in html and "BBPVP Serang, Gedung A" in html
    assert 'Tidak bisa hadir<br><span class="since">Alasan: Sakit demam, surat dokter' in html
    assert "Jumat, 4 Desember 2026 pukul 08.00 WIB: Akan dikirim" in html
    # The messages the service sent them and what became of each, newest first: the
    # announcement from its outbox, the personal ones from the log notify.tell writes.
    assert f"Pengumuman #1: {ANNOUNCEMENT}" in html
    sent = re.findall(r"<td>([^<]*)</td><td>Terkirim</td></tr>", html)
    assert sent == [f"Pengumuman #1: {ANNOUNCEMENT}",
                    "Pemberitahuan jadwal (dengan tombol Hadir / Tidak bisa hadir)",
                    "Pemberitahuan tahap"], sent  # fmt: skip
    # The log keeps what kind of message went when and how it went, never its text (on
    # WhatsApp, Meta's id of the message, for its later statuses).
    columns = [r[1] for r in await db_of(bot).fetchall("PRAGMA table_info(message_log)")]
    assert columns == ["id", "user_id", "kind", "at", "outcome", "wa_message_id"]
    logged = await db_of(bot).fetchall("SELECT user_id, kind, outcome FROM message_log")
    assert [tuple(r) for r in logged] == [
        (RESIDENT, "stage", "sent"),
        (RESIDENT, "schedule", "sent"),
    ]
    # Both forms, each with its token; nothing personal in any address.
    assert html.count('name="csrf_token"') >= 3  # log out, stage, note
    assert f'action="/dasbor/pendaftar/{reg_no}/tahap"' in html
    assert f'action="/dasbor/pendaftar/{reg_no}/catatan"' in html
    assert_nothing_personal_in_addresses(html)
    assert_nothing_personal_in_addresses(listing)
    # Viewing it is audited as /cari's card is.
    assert (STAFF_ID, reg_no, {"card": True}) in await audit_rows(bot, "lookup")


async def test_the_card_speaks_the_staff_members_language(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    reg_no = await register(sim, RESIDENT)
    staff = await staff_member(sim, bot)
    await say(staff, "/bahasa")
    await staff.tap("English")
    await staff.wait_idle(quiet=0.1, timeout=10)
    async with logged_in(bot, staff) as client:
        html = (await client.get(f"/dasbor/pendaftar/{reg_no}")).text
        assert f"Applicant card {reg_no}" in html and "Resident&#39;s answer" in html
        assert "Health" in html and "Eligible" in html
        missing = await client.get("/dasbor/pendaftar/SRG-2026-09999")
        assert missing.status_code == 404
        assert "Registration SRG-2026-09999 was not found" in missing.text


async def test_changing_the_stage_does_what_tahap_does(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    # An English-speaking resident: the notice is in their language, not the staff's.
    english = sim.user(ENGLISH_RESIDENT, first_name="John", language_code="en")
    await say(english, "/start")
    await tap(english, "I agree")
    await answer_interview(english, ENGLISH)
    await tap(english, "Submit registration")
    stored = await repo.get(db_of(bot), ENGLISH_RESIDENT)
    assert stored is not None and stored.reg_no
    reg_no = stored.reg_no
    staff = await staff_member(sim, bot)
    card = f"/dasbor/pendaftar/{reg_no}"
    before = len(english.messages)

    async with logged_in(bot, staff) as client:
        token = csrf_token((await client.get(card)).text)
        moved = await client.post(card + "/tahap", data={
            "tahap": "wawancara", "catatan": "Datang Senin 09.00, bawa KTP", "csrf_token": token,
        })  # fmt: skip
        assert moved.status_code == 303
        assert moved.headers["location"] == card + "?kabar=tahap_terkirim"
        await until(lambda: len(english.messages) > before)
        [notice] = english.messages[before:]
        assert "Your application is now at stage: Interview" in notice.text
        assert "Next step:" in notice.text and "bawa KTP" not in notice.text
        page = (await client.get(moved.headers["location"])).text
        assert "The stage was changed, and the resident has been told." not in page  # staff: id
        assert "Tahap sudah diubah, dan warga sudah diberi tahu." in page
        assert "Sekarang di tahap Wawancara" in page
        assert "[wawancara] Datang Senin 09.00, bawa KTP" in page
    stored = await repo.get(db_of(bot), ENGLISH_RESIDENT)
    assert stored is not None and stored.stage == "wawancara"
    assert (STAFF_ID, reg_no, {"from": "terdaftar", "to": "wawancara", "note": True}) in (
        await audit_rows(bot, "stage")
    )
    # /tahap's own reply would have said the same: the bot's /cari card shows the note.
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    assert "[wawancara] Datang Senin 09.00, bawa KTP" in (await say(admin, f"/cari {reg_no}")).text


async def test_a_stage_change_to_a_blocked_resident_says_so(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    reg_no = await register(sim, RESIDENT)
    sim.block(RESIDENT)
    staff = await staff_member(sim, bot)
    card = f"/dasbor/pendaftar/{reg_no}"
    async with logged_in(bot, staff) as client:
        token = csrf_token((await client.get(card)).text)
        moved = await post(client, card + "/tahap", token, tahap="terverifikasi")
        assert moved.headers["location"] == card + "?kabar=tahap_diblokir"
        page = (await client.get(moved.headers["location"])).text
        assert "pesannya tidak sampai: warga memblokir bot" in page
        assert "tidak dapat dihubungi" in page  # marked inactive, as /tahap marks them
        # Now inactive: the next change is not even tried.
        again = await post(client, card + "/tahap", token, tahap="wawancara")
        assert again.headers["location"] == card + "?kabar=tahap_nonaktif"


async def test_bad_stage_forms_are_refused_and_nothing_is_applied(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    reg_no = await register(sim, RESIDENT)
    resident = sim.user(RESIDENT)
    staff = await staff_member(sim, bot)
    card = f"/dasbor/pendaftar/{reg_no}"
    async with logged_in(bot, staff) as client:
        token = csrf_token((await client.get(card)).text)
        seen = len(resident.messages)
        cases = [
            ({"tahap": "", "catatan": "x"}, "Pilih tahap yang baru dari daftar."),
            ({"tahap": "lulus"}, "Pilih tahap yang baru dari daftar."),
            ({"tahap": "terdaftar"}, "sudah berada di tahap Terdaftar"),
            ({"tahap": "wawancara", "catatan": "x" * 1001}, "paling banyak 1.000 karakter"),
        ]
        for form, sentence in cases:
            refused = await client.post(card + "/tahap", data={**form, "csrf_token": token})
            assert refused.status_code == 400, form
            assert sentence in refused.text, form
            assert 'role="alert"' in refused.text
        # What was typed is back in the form, never in an address.
        refused = await post(
            client, card + "/tahap", token, tahap="terdaftar", catatan="Catatan yang tidak hilang"
        )
        assert ">Catatan yang tidak hilang</textarea>" in refused.text
        assert "Catatan yang tidak hilang" not in refused.headers.get("location", "")
    stored = await repo.get(db_of(bot), RESIDENT)
    assert stored is not None and stored.stage == "terdaftar"
    assert await audit_rows(bot, "stage") == []
    assert await db_of(bot).fetchval("SELECT COUNT(*) FROM staff_notes") == 0
    assert await resident.wait_idle(quiet=0.3) == [] and len(resident.messages) == seen


async def test_adding_a_note_does_what_catatan_does(sim: BotApiSimulator, bot: BotRunner) -> None:
    reg_no = await register(sim, RESIDENT)
    resident = sim.user(RESIDENT)
    staff = await staff_member(sim, bot)
    card = f"/dasbor/pendaftar/{reg_no}"
    async with logged_in(bot, staff) as client:
        token = csrf_token((await client.get(card)).text)
        seen = len(resident.messages)
        for text, sentence in (("   ", "Tulis catatannya terlebih dahulu."),
                               ("y" * 1001, "paling banyak 1.000 karakter")):  # fmt: skip
            refused = await post(client, card + "/catatan", token, catatan=text)
            assert refused.status_code == 400 and sentence in refused.text
        assert await db_of(bot).fetchval("SELECT COUNT(*) FROM staff_notes") == 0

        saved = await client.post(card + "/catatan", data={
            "catatan": "Sudah telepon: <b>datang</b> besok", "csrf_token": token})  # fmt: skip
        assert saved.headers["location"] == card + "?kabar=catatan"
        page = (await client.get(saved.headers["location"])).text
        assert "Catatan sudah disimpan." in page
        assert "Sudah telepon: &lt;b&gt;datang&lt;/b&gt; besok" in page  # escaped, as typed
    notes = await db_of(bot).fetchall("SELECT author_id, text FROM staff_notes")
    assert [(r[0], r[1]) for r in notes] == [(STAFF_ID, "Sudah telepon: <b>datang</b> besok")]
    assert await audit_rows(bot, "note") == [(STAFF_ID, reg_no, {})]
    assert await resident.wait_idle(quiet=0.3) == [] and len(resident.messages) == seen


async def test_the_guards(sim: BotApiSimulator, bot: BotRunner) -> None:
    reg_no = await register(sim, RESIDENT)
    resident = sim.user(RESIDENT)
    card = f"/dasbor/pendaftar/{reg_no}"
    # No session: sent to the login page, nothing applied.
    async with browser(bot) as client:
        for response in (
            await client.get(card),
            await client.post(card + "/tahap", data={"tahap": "wawancara"}),
            await client.post(card + "/catatan", data={"catatan": "tanpa sesi"}),
        ):
            assert response.status_code == 303
            assert response.headers["location"] == "/dasbor/masuk"
    staff = await staff_member(sim, bot)
    async with logged_in(bot, staff) as client:
        seen = len(resident.messages)
        # No form token: refused.
        for path, form in ((card + "/tahap", {"tahap": "wawancara"}),
                           (card + "/catatan", {"catatan": "tanpa token"})):  # fmt: skip
            refused = await client.post(path, data=form)
            assert refused.status_code == 403
        assert await resident.wait_idle(quiet=0.3) == [] and len(resident.messages) == seen
        token = csrf_token((await client.get(card)).text)
        # An unknown number: a page in the staff member's language, nothing applied.
        for response in (
            await client.get("/dasbor/pendaftar/SRG-2026-09999"),
            await client.post("/dasbor/pendaftar/SRG-2026-09999/tahap",
                              data={"tahap": "wawancara", "csrf_token": token}),
            await client.post("/dasbor/pendaftar/SRG-2026-09999/catatan",
                              data={"catatan": "x", "csrf_token": token}),
        ):  # fmt: skip
            assert response.status_code == 404
            assert "Pendaftaran SRG-2026-09999 tidak ditemukan" in response.text
        # A NIK where a number goes is no address of a card.
        assert (await client.get(f"/dasbor/pendaftar/{PERSON.nik}")).status_code == 404
        # Erased meanwhile (/hapus): the open card's forms apply nothing.
        await say(resident, "/hapus")
        await tap(resident, "Ya, hapus data saya")
        seen = len(resident.messages)
        gone = await post(client, card + "/tahap", token, tahap="wawancara")
        assert gone.status_code == 404 and "sudah dihapus" in gone.text
    assert await audit_rows(bot, "stage") == []
    assert await db_of(bot).fetchval("SELECT COUNT(*) FROM staff_notes") == 0
    assert await resident.wait_idle(quiet=0.3) == [] and len(resident.messages) == seen


async def test_each_personal_message_is_logged_by_kind_and_shown(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    reg_no = await register(sim, RESIDENT)
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    await say(admin, f"/jadwalkan {reg_no} wawancara 2026-12-07 09:00 BBPVP Serang")
    [(first, *_rest), *_] = await reminder_rows(db_of(bot))
    assert await service_of(bot).fire(first) == "sent"
    await say(admin, f"/jadwalkan batal {reg_no} wawancara")
    sim.block(RESIDENT)
    await say(admin, f"/tahap {reg_no} terverifikasi")
    logged = await db_of(bot).fetchall("SELECT kind, outcome FROM message_log ORDER BY id")
    assert [tuple(r) for r in logged] == [
        ("schedule", "sent"), ("reminder", "sent"), ("schedule_cancel", "sent"),
        ("stage", "blocked"),
    ]  # fmt: skip
    staff = await staff_member(sim, bot)
    async with logged_in(bot, staff) as client:
        html = (await client.get(f"/dasbor/pendaftar/{reg_no}")).text
    rows = re.findall(r"<tr><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td></tr>", html)
    assert rows[:4] == [
        ("Pemberitahuan tahap", "Tidak sampai: warga memblokir bot"),
        ("Pembatalan jadwal", "Terkirim"),
        ("Pengingat jadwal", "Terkirim"),
        ("Pemberitahuan jadwal (dengan tombol Hadir / Tidak bisa hadir)", "Terkirim"),
    ]


async def test_scheduling_does_what_jadwalkan_does(sim: BotApiSimulator, bot: BotRunner) -> None:
    reg_no = await register(sim, RESIDENT)
    resident = sim.user(RESIDENT)
    staff = await staff_member(sim, bot)
    card = f"/dasbor/pendaftar/{reg_no}"
    async with logged_in(bot, staff) as client:
        page = (await client.get(card)).text
        assert f'action="{card}/jadwal"' in page and '<option value="wawancara">' in page
        token = csrf_token(page)
        before = len(resident.messages)
        saved = await post(
            client, card + "/jadwal", token,
            jenis="wawancara", tanggal="2026-12-07", jam="09:00", tempat="BBPVP Serang, Gedung A",
        )  # fmt: skip
        assert saved.status_code == 303
        assert saved.headers["location"] == card + "?kabar=jadwal_terkirim"
        await until(lambda: len(resident.messages) > before)
        [notice] = resident.messages[before:]
        assert notice.text.startswith(
            "📅 Anda dijadwalkan wawancara pada Senin, 7 Desember 2026 pukul 09.00 WIB"
            " di BBPVP Serang, Gedung A."
        )
        assert notice.buttons == ["✅ Hadir", "❌ Tidak bisa hadir"]
        page = (await client.get(saved.headers["location"])).text
        assert "Jadwal tersimpan, pengingat disiapkan, dan warga sudah diberi tahu." in page
        assert "Senin, 7 Desember 2026 pukul 09.00 WIB" in page and "Belum menjawab" in page
    rows = await reminder_rows(db_of(bot))
    assert [status for _i, _e, status, _d in rows] == ["pending"] * 3
    assert all(service_of(bot).has_reminder_job(rid) for rid, *_ in rows)
    assert await audit_rows(bot, "schedule") == [(STAFF_ID, reg_no, {
        "kind": "wawancara", "at": "2026-12-07T02:00:00+00:00", "rescheduled": False})]  # fmt: skip
    # The resident answers the web's notice as they answer the bot's.
    assert "Jawaban Anda: Hadir." in (await tap(resident, "✅ Hadir")).text


async def test_bad_schedule_forms_are_refused_and_nothing_is_applied(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    reg_no = await register(sim, RESIDENT)
    resident = sim.user(RESIDENT)
    staff = await staff_member(sim, bot)
    card = f"/dasbor/pendaftar/{reg_no}"
    good = {"jenis": "wawancara", "tanggal": "2026-12-07", "jam": "09:00", "tempat": "BBPVP"}
    cases = [
        ({"jenis": ""}, "Pilih kegiatan dari daftar."),
        ({"jenis": "lulus"}, "Pilih kegiatan dari daftar."),
        ({"tanggal": "2026-11-27"}, "Tanggal dan jam itu sudah lewat."),  # now: 28 Nov 10.00
        ({"tanggal": "2026-11-28", "jam": "09:59"}, "Tanggal dan jam itu sudah lewat."),
        ({"tanggal": "2026-02-30"}, "Tanggal itu tidak ada di kalender"),
        ({"tanggal": ""}, "Tanggal kosong."),
        ({"jam": "25:00"}, "Jam itu tidak ada"),
        ({"tempat": "   "}, "Tempat kosong."),
        ({"tempat": "x" * 201}, "paling banyak 200 karakter"),
    ]
    async with logged_in(bot, staff) as client:
        token = csrf_token((await client.get(card)).text)
        seen = len(resident.messages)
        for change, sentence in cases:
            refused = await post(client, card + "/jadwal", token, **{**good, **change})
            assert refused.status_code == 400, change
            assert sentence in refused.text and "Jadwal belum disimpan." in refused.text, change
        # What was typed stays in the form.
        refused = await post(client, card + "/jadwal", token, **{**good, "jam": "25:00"})
        assert 'value="BBPVP"' in refused.text and 'value="2026-12-07"' in refused.text
        assert '<option value="wawancara" selected>' in refused.text
    assert await db_of(bot).fetchval("SELECT COUNT(*) FROM events") == 0
    assert await audit_rows(bot, "schedule") == []
    assert await resident.wait_idle(quiet=0.3) == [] and len(resident.messages) == seen
