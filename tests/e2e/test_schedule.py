"""Scheduling end to end with a fixed clock (10:00 WIB, Saturday 28 November 2026): staff
schedule, reschedule and cancel; residents answer; /agenda and /jadwal; CSV lists.

Reminder firing runs on real time and lives in test_reminders.py; here the reminders are
checked as stored rows and as the jobs created for them."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.domain.schedule_csv import template_csv
from bot.runner import BotRunner
from bot.services import schedules as svc
from bot.simulator import BotApiSimulator, SentMessage, SimUser
from tests.conftest import ADMIN_ID, RunnerFactory
from tests.e2e.residents import last, register, say, tap, until
from tests.helpers.rows import seed_applicant
from tests.helpers.runner import db_of, reminder_rows, service_of


def admin_of(sim: BotApiSimulator) -> SimUser:
    return sim.user(ADMIN_ID, first_name="Admin", language_code="id")


def newest(user: SimUser) -> SentMessage:
    message = user.last_message
    assert message is not None, user.transcript()
    return message


# --- a cancel notice that meets network trouble ------------------------------------------


async def test_a_cancel_notice_lost_to_the_network_is_not_promised_again(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    # A new event's notice is sent again after network trouble; a cancel notice is not, so
    # staff must not read "the bot will try again" (as they did until now).
    reg_no = await register(sim, 1105)
    admin = admin_of(sim)
    await say(admin, f"/jadwalkan {reg_no} wawancara 2026-12-07 09:00 BBPVP Serang")
    sim.inject_error("sendMessage", status=502, times=10, chat_id=1105)
    reply = await say(admin, f"/jadwalkan batal {reg_no} wawancara")
    assert "dibatalkan" in reply.text
    assert "tidak akan dikirim ulang. Mohon kabari pendaftar dengan cara lain." in reply.text
    assert "akan mencoba lagi" not in reply.text


# --- one resident, the whole life of an appointment ---------------------------------------


async def test_schedule_answer_reschedule_and_cancel(sim: BotApiSimulator, bot: BotRunner) -> None:
    reg_no = await register(sim, 1101)
    resident = sim.user(1101)
    admin = admin_of(sim)
    db = db_of(bot)
    service = service_of(bot)

    command = f"/jadwalkan {reg_no} wawancara 2026-12-07 09:00 BBPVP Serang, Gedung A"
    reply = await say(admin, command)
    assert f"Jadwal wawancara untuk {reg_no} (Siti Aminah) tersimpan" in reply.text
    assert "Senin, 7 Desember 2026 pukul 09.00 WIB di BBPVP Serang, Gedung A" in reply.text
    assert (
        "Pengingat (3): Jumat, 4 Desember 2026 pukul 08.00 WIB; Minggu, 6 Desember 2026 pukul"
        " 08.00 WIB; Senin, 7 Desember 2026 pukul 07.00 WIB." in reply.text
    )
    assert "Pemberitahuan sudah terkirim" in reply.text

    notice = newest(resident)
    assert notice.text.startswith(
        "📅 Anda dijadwalkan wawancara pada Senin, 7 Desember 2026 pukul 09.00 WIB"
        " di BBPVP Serang, Gedung A."
    )
    assert notice.buttons == ["✅ Hadir", "❌ Tidak bisa hadir"]
    first = await reminder_rows(db)
    assert [(status, detail) for _i, _e, status, detail in first] == [("pending", None)] * 3
    assert all(service.has_reminder_job(rid) for rid, *_ in first)

    answered = await tap(resident, "✅ Hadir")
    assert answered.message_id == notice.message_id  # the notice itself now shows the answer
    assert "Jawaban Anda: Hadir." in answered.text

    agenda = await say(admin, "/agenda 2026-12-07")
    assert "Agenda Senin, 7 Desember 2026" in agenda.text
    assert f"09.00 WIB Wawancara — {reg_no}, Siti Aminah" in agenda.text
    assert "Hadir: 1 · Tidak bisa: 0 · Belum menjawab: 0" in agenda.text

    # A second interview date replaces the first: the resident hears the change, the old
    # reminders are cancelled in SQLite and their jobs are gone.
    reply = await say(admin, f"/jadwalkan {reg_no} wawancara 08/12/2026 13.00 Aula BBPVP")
    assert "Menggantikan jadwal sebelumnya (Senin, 7 Desember 2026 pukul 09.00 WIB)" in reply.text
    changed = newest(resident)
    assert "Jadwal wawancara Anda diubah." in changed.text
    assert "Sebelumnya: Senin, 7 Desember 2026 pukul 09.00 WIB" in changed.text
    assert "Menjadi: Selasa, 8 Desember 2026 pukul 13.00 WIB di Aula BBPVP." in changed.text
    rows = await reminder_rows(db)
    assert [(s, d) for _i, _e, s, d in rows[:3]] == [("cancelled", "rescheduled")] * 3
    assert [s for _i, _e, s, _d in rows[3:]] == ["pending"] * 3
    assert not any(service.has_reminder_job(rid) for rid, *_ in rows[:3])
    assert all(service.has_reminder_job(rid) for rid, *_ in rows[3:])

    # Hadir pressed on the old notice: told it was moved, shown the current one to answer.
    await resident.tap_on(notice, "✅ Hadir")
    moved = await last(resident)
    assert "Jadwal wawancara tersebut sudah diganti" in moved.text
    assert "Selasa, 8 Desember 2026 pukul 13.00 WIB" in moved.text
    assert moved.buttons == ["✅ Hadir", "❌ Tidak bisa hadir"]
    assert sim.chat(1101).message(notice.message_id).buttons == []  # old buttons removed

    # Tidak bisa hadir: a short reason, passed on to the admin (no staff member scheduled).
    prompt = await tap(resident, "❌ Tidak bisa hadir")
    assert "alasan singkat" in prompt.text
    thanks = await say(resident, "Sakit demam, surat dokter menyusul")
    assert "alasan Anda sudah kami teruskan" in thanks.text
    told = newest(admin)
    assert f"{reg_no} (Siti Aminah) tidak bisa hadir pada wawancara Selasa, 8 Desember" in told.text
    assert "Alasan: Sakit demam, surat dokter menyusul" in told.text
    # The reason is taken once; the next text is the registration's business again.
    after = await say(resident, "halo")
    assert "alasan" not in after.text

    agenda = await say(admin, "/agenda 08/12/2026")
    assert "Tidak bisa hadir — alasan: Sakit demam, surat dokter menyusul" in agenda.text
    assert "Hadir: 0 · Tidak bisa: 1 · Belum menjawab: 0" in agenda.text
    mine = await say(resident, "/jadwal")
    assert "Wawancara: Selasa, 8 Desember 2026 pukul 13.00 WIB" in mine.text
    assert "Tempat: Aula BBPVP" in mine.text and "Jawaban: Tidak bisa hadir" in mine.text
    theirs = await say(admin, f"/jadwal {reg_no}")
    assert f"Jadwal {reg_no} (Siti Aminah)" in theirs.text and "Aula BBPVP" in theirs.text

    # Cancelled: the resident is told, reminders and jobs go, old buttons say so.
    card = moved
    reply = await say(admin, f"/jadwalkan batal {reg_no} wawancara")
    assert "dibatalkan" in reply.text and "Pemberitahuan sudah terkirim" in reply.text
    cancelled = newest(resident)
    assert "Jadwal wawancara Anda pada Selasa, 8 Desember 2026 pukul 13.00 WIB dibatalkan" in (
        cancelled.text
    )
    rows = await reminder_rows(db)
    assert [(s, d) for _i, _e, s, d in rows[3:]] == [("cancelled", "event_cancelled")] * 3
    assert not any(service.has_reminder_job(rid) for rid, *_ in rows)
    await resident.tap_on(card, "✅ Hadir")
    gone = await last(resident)
    assert "sudah dibatalkan, jadi Anda tidak perlu menjawab" in gone.text
    assert "belum punya jadwal" in (await say(resident, "/jadwal")).text

    audit = await db.fetchall("SELECT action, at FROM audit_log ORDER BY id")
    ours = [r for r in audit if r["action"].startswith(("schedule", "agenda"))]
    assert {r["at"] for r in ours} == {"2026-11-28T03:00:00+00:00"}  # the injected clock
    assert [r["action"] for r in ours] == [
        "schedule", "agenda", "schedule", "agenda", "schedule_view", "schedule_cancel",
    ]  # fmt: skip
    assert sim.unanswered_callbacks() == []


async def test_english_resident_and_staff_member_who_scheduled(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    db = db_of(bot)
    await seed_applicant(db, 1201, "SRG-2026-00011", name="John <Pratama>", locale="en")
    await db.write(
        "INSERT INTO staff (user_id, added_by, added_at) VALUES (?, ?, ?)",
        (900_002, ADMIN_ID, "2026-11-28T03:00:00+00:00"),
    )
    staff = sim.user(900_002, first_name="Petugas", language_code="id")
    reply = await say(staff, "/jadwalkan SRG-2026-00011 pelatihan 2026-11-30 08:00 Bengkel Las")
    assert "John &lt;Pratama&gt;" in reply.html  # user data escaped
    resident = sim.user(1201, first_name="John", language_code="en")
    notice = newest(resident)
    assert notice.text.startswith(
        "📅 Your training is scheduled for Monday, 30 November 2026 at 08.00 WIB."
        " Place: Bengkel Las."
    )
    assert notice.buttons == ["✅ I will attend", "❌ I cannot attend"]
    # The 3d reminder (Friday the 27th) is already past; 1d (Sunday 08:00) and 2h remain.
    assert (
        "Pengingat (2): Minggu, 29 November 2026 pukul 08.00 WIB; Senin, 30 November 2026"
        " pukul 06.00 WIB." in reply.text
    )
    await tap(resident, "❌ I cannot attend")
    await tap(resident, "Skip")
    assert "we have told the staff" in newest(resident).text
    told = newest(staff)  # the staff member who scheduled it hears it, not the admin
    assert "tidak bisa hadir pada pelatihan Senin, 30 November 2026" in told.text
    assert "Alasan: (tidak disebutkan)" in told.text
    assert admin_of(sim).messages == []
    # Pressed again: asked for the reason again (the card already shows the answer).
    await resident.tap_on(notice, "❌ I cannot attend")
    assert "short reason" in (await last(resident)).text
    await say(resident, "My mother is ill")
    assert "Alasan: My mother is ill" in newest(staff).text
    # Changing their mind tells the staff member too.
    await resident.tap_on(notice, "✅ I will attend")
    await until(lambda: "sekarang menjawab <b>hadir</b>" in newest(staff).html)


# --- bad input ----------------------------------------------------------------------------


async def test_bad_commands_get_clear_answers(sim: BotApiSimulator, bot: BotRunner) -> None:
    db = db_of(bot)
    await seed_applicant(db, 1301, "SRG-2026-00021")
    admin = admin_of(sim)
    cases = {
        "/jadwalkan": "Cara menjadwalkan",
        "/jadwalkan SRG-2026-09999 wawancara 2026-12-07 09:00 BBPVP": "tidak ditemukan",
        "/jadwalkan 12345 wawancara 2026-12-07 09:00 BBPVP": "tidak sesuai format",
        "/jadwalkan SRG-2026-00021 rapat 2026-12-07 09:00 BBPVP": "Jenis «rapat» tidak dikenal",
        "/jadwalkan SRG-2026-00021 wawancara 2026-02-30 09:00 BBPVP": "tidak ada di kalender",
        "/jadwalkan SRG-2026-00021 wawancara 2026-12-07 25:00 BBPVP": "Jam itu tidak ada",
        "/jadwalkan SRG-2026-00021 wawancara 2026-11-27 09:00 BBPVP": "sudah lewat",
        "/jadwalkan SRG-2026-00021 wawancara besok 09:00 BBPVP": "Tanggal tidak bisa dibaca",
        "/jadwalkan SRG-2026-00021 wawancara 2026-12-07 09:00": "Cara menjadwalkan",
        "/jadwalkan batal SRG-2026-00021 wawancara": "tidak punya jadwal wawancara",
        "/jadwalkan batal SRG-2026-00021 rapat": "tidak dikenal",
        "/agenda kemarin": "Tanggal tidak bisa dibaca",
        "/agenda": "Tidak ada jadwal pada Sabtu, 28 November 2026",
        "/jadwal SRG-2026-09999": "tidak ditemukan",
    }
    for command, expected in cases.items():
        reply = await say(admin, command)
        assert expected in reply.text, (command, reply.text)

    # Residents: staff commands do not exist for them; /jadwal shows only their own.
    resident = sim.user(1301, first_name="Siti")
    unknown = "tidak mengenal perintah itu"
    assert unknown in (await say(resident, "/jadwalkan SRG-2026-00021 wawancara "
                                           "2026-12-07 09:00 BBPVP")).text  # fmt: skip
    assert "tidak mengenal perintah itu" in (await say(resident, "/agenda")).text
    assert "belum punya jadwal" in (await say(resident, "/jadwal SRG-2026-00021")).text
    await resident.send_document("jadwal.csv", template_csv(), caption="/jadwalkan")
    assert "tidak mengenal perintah itu" in (await last(resident)).text
    assert await db.fetchval("SELECT COUNT(*) FROM events") == 0


# --- CSV lists ------------------------------------------------------------------------------

GOOD = (
    "\ufeffreg_no;kind;date;time;place;note\r\n"
    "SRG-2026-00031;wawancara;07/12/2026;09:00;BBPVP Serang;Bawa KTP asli\r\n"
    "SRG-2026-00032;wawancara;07/12/2026;09:30;BBPVP Serang;\r\n"
    ";;;;;\r\n"
    "SRG-2026-00033;pemetaan;08/12/2026;10:00;Aula B;\r\n"
)
BAD = (
    "reg_no,kind,date,time,place,note\n"
    "SRG-2026-00031,wawancara,2026-12-07,09:00,BBPVP Serang,\n"
    "SRG-2026-00032,rapat,2026-12-07,09:30,BBPVP Serang,\n"
    "SRG-2026-09999,wawancara,2026-12-07,10:00,BBPVP Serang,\n"
    "\n"
    "SRG-2026-00033,pemetaan,2026-12-07,25:00,Aula B,\n"
    "SRG-2026-00031,wawancara,2026-12-08,09:00,BBPVP Serang,\n"
)


async def test_csv_lists_all_or_nothing(sim: BotApiSimulator, bot: BotRunner) -> None:
    db = db_of(bot)
    for n, locale in ((31, "id"), (32, "id"), (33, "en")):
        await seed_applicant(db, 1400 + n, f"SRG-2026-{n:05d}", name=f"Warga {n}", locale=locale)
    admin = admin_of(sim)

    template = await say(admin, "/jadwalkan templat")
    assert template.document is not None and template.document.filename == "jadwal_templat.csv"
    assert template.document.data == template_csv()

    await admin.send_document("jadwal.csv", BAD.encode("utf-8"), caption="/jadwalkan")
    rejected = await last(admin)
    assert "tidak diterapkan" in rejected.text and "ada 4 baris yang salah" in rejected.text
    assert "Baris 3: Jenis «rapat» tidak dikenal" in rejected.text
    assert "Baris 4: Nomor pendaftaran SRG-2026-09999 tidak ditemukan." in rejected.text
    assert "Baris 6: Jam itu tidak ada" in rejected.text
    assert "Baris 7: Pendaftar dan jenis jadwal yang sama sudah ada di baris 2." in rejected.text
    assert await db.fetchval("SELECT COUNT(*) FROM events") == 0
    assert sim.user(1431).messages == []

    for data, expected in (
        (b"PK\x03\x04 not really a spreadsheet", "Ini file Excel"),
        ("reg_no;kind;date;time;place\nSRG-2026-00031;wawancara;07/12/2026;09:00;Café\n"
         .encode("cp1252"), "bukan UTF-8"),
        (b"reg_no;kind;date\nSRG-2026-00031;wawancara;07/12/2026\n", "tidak ada: time, place"),
        (b"", "File itu kosong"),
    ):  # fmt: skip
        await admin.send_document("jadwal.csv", data, caption="/jadwalkan")
        assert expected in (await last(admin)).text

    await admin.send_document("jadwal.csv", GOOD.encode("utf-8"), caption="/jadwalkan")
    applied = await admin.next_message(timeout=10)
    assert "Jadwal tersimpan: 3" in applied.text
    # The notices go out in the background; the admin hears when they are out.
    await until(lambda: "selesai dikirim" in newest(admin).text, within=10)
    assert "Terkirim: 3. Tidak terkirim: 0" in newest(admin).text
    first = newest(sim.user(1431))
    assert "Anda dijadwalkan wawancara pada Senin, 7 Desember 2026 pukul 09.00 WIB" in first.text
    assert "Catatan: Bawa KTP asli" in first.text
    english = newest(sim.user(1433, first_name="Warga", language_code="en"))
    assert "Your interest mapping is scheduled for Tuesday, 8 December 2026 at 10.00 WIB" in (
        english.text
    )
    rows = await db.fetchall("SELECT notice FROM events ORDER BY id")
    assert [r["notice"] for r in rows] == ["sent"] * 3
    assert await db.fetchval("SELECT COUNT(*) FROM reminders WHERE status = 'pending'") == 9
    audit = await db.fetchval("SELECT detail FROM audit_log WHERE action = 'schedule_csv'")
    assert json.loads(audit) == {"rows": 3, "rescheduled": 0}


async def test_notices_left_pending_go_out_after_a_restart_once(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    runner = make_runner()
    await runner.start()
    db = db_of(runner)
    await seed_applicant(db, 1501, "SRG-2026-00041")
    resident = sim.user(1501, first_name="Siti")
    assert runner.deps is not None
    # Saved, then the bot stops before the notice goes out (as in the middle of a long list).
    departs = datetime(2026, 12, 20, 5, 0, tzinfo=UTC)
    result = await svc.schedule_one(
        runner.deps, ADMIN_ID, "SRG-2026-00041", "keberangkatan", departs, "Bandara Soetta"
    )
    assert not isinstance(result, svc.Problem)
    await runner.stop()
    assert resident.messages == []
    for _ in range(2):  # started twice: told once
        runner = make_runner()
        await runner.start()
        try:
            await until(lambda: len(resident.messages) == 1)
            await resident.wait_idle(quiet=0.3)
        finally:
            await runner.stop()
    assert len(resident.messages) == 1
    assert resident.messages[0].text.startswith(
        "📅 Anda dijadwalkan keberangkatan pada Minggu, 20 Desember 2026 pukul 12.00 WIB"
    )

    # /hapus removes the person's appointments and reminders with the rest of their data.
    runner = make_runner()
    await runner.start()
    try:
        await say(resident, "/hapus")
        await tap(resident, "Ya, hapus data saya")
        db = db_of(runner)
        assert await db.fetchval("SELECT COUNT(*) FROM events") == 0
        assert await db.fetchval("SELECT COUNT(*) FROM reminders") == 0
    finally:
        await runner.stop()
