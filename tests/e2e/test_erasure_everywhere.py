"""A refusal, /hapus and the retention job remove a person's rows everywhere.

The person's data is put in every place the bot keeps something about a resident, through
the real flows: a registration, a schedule with its reminders and an absence reason awaited,
an announcement delivered, staff notes on them and on someone else naming them, a NIK
conflict decided, staff searches and actions in the audit log. Then every table of the
schema (read from sqlite_master, so a table added later is searched too) is searched for
their user id, registration number, NIK, phone number and name.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

from bot.clock import FixedClock
from bot.runner import BotRunner
from bot.services import retention, stats
from bot.services.stats import Figures
from bot.simulator import BotApiSimulator
from bot.storage import nik_attempts, questions
from bot.storage import staff as staff_repo
from bot.storage.erase import ERASED_TARGET, REDACTED
from tests.conftest import ADMIN_ID, RunnerFactory
from tests.e2e.residents import Person, at_first_question, register, say, tap
from tests.helpers.broadcasts import compose, finished
from tests.helpers.runner import db_of
from tests.helpers.traces import Identity, tables, traces

ERASED = 7_410_001  # the person whose data goes
OTHER = 7_410_002  # a staff note on them names the erased person
CLAIMANT = 7_410_003  # typed the erased person's NIK; staff decided it is not theirs
PERSON = Person(name="Nurhayati Wulandari", nik="3673054107990003", phone="0813-7771-2345")
PHONE_DIGITS = "81377712345"


async def fill_everything(sim: BotApiSimulator, bot: BotRunner) -> Identity:
    """The erased person in every table a resident can reach, through the bot's own flows."""
    db = db_of(bot)
    reg_no = await register(sim, ERASED, PERSON)
    other = await register(sim, OTHER, Person(name="Siti Aminah"))
    claimant = Person(name="Dewi Lestari", nik=PERSON.nik, phone="0857-1111-2222")
    await register(sim, CLAIMANT, claimant)
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    resident = sim.user(ERASED)

    # NIK conflict: the claimant's registration typed the same NIK; staff decide it is ours.
    assert "NIK ganda: 1" in (await say(admin, "/konflik")).text
    assert "NIK dicatat milik" in (await say(admin, f"/konflik 1 {reg_no}")).text
    # Staff look them up and act on them (the audit log names them by number).
    await say(admin, f"/cari {reg_no}")
    await say(admin, "/cari Nurhayati")
    await say(admin, f"/tahap {reg_no} terverifikasi")
    await say(admin, f"/catatan {reg_no} KTP sudah dicek, HP {PERSON.phone}")
    await say(admin, f"/catatan {other} Kakak dari {PERSON.name} ({reg_no}, NIK {PERSON.nik},"
                     f" HP {PERSON.phone}); datang bersama")  # fmt: skip
    # A schedule (reminders pending), and a reason awaited after "Tidak bisa hadir".
    await say(admin, f"/jadwalkan {reg_no} wawancara 2026-12-07 09:00 BBPVP Serang")
    assert "alasan singkat" in (await tap(resident, "❌ Tidak bisa hadir")).text
    # An announcement delivered to everyone, them included.
    await compose(admin)
    await tap(admin, "Semua pendaftar")
    await admin.tap("Kirim sekarang")
    await finished(admin, 1)

    # A question to staff and their topic in the staff group (the relay itself is tested in
    # tests/e2e/test_questions_staff.py; here only what it stores).
    assert bot.deps is not None
    await questions.add_incoming(
        db, ERASED, "id", "text", f"Saya {PERSON.name}, HP {PERSON.phone}: kapan wawancara?",
        ERASED, 4242, bot.deps.clock.now(),
    )  # fmt: skip
    await questions.set_topic(db, ERASED, -100_777, 55)

    who = Identity(ERASED, reg_no, PERSON.nik, PHONE_DIGITS, PERSON.name)
    held = {t.table for t in await traces(db, who)}
    # The search sees them everywhere they were put (it can fail).
    assert {
        "applicants", "events", "broadcast_outbox", "staff_notes", "nik_conflicts",
        "conversations", "funnel", "audit_log", "nik_attempts", "questions",
        "question_messages", "question_topics", "message_log",
    } <= held, held  # fmt: skip
    # Reminders name their event, not the person: theirs is the only event.
    assert await db.fetchval("SELECT COUNT(*) FROM reminders") > 0
    return who


def lasting(f: Figures) -> Figures:
    """The figures that must not drop when a person is erased: all but the quotas (their
    place goes on to someone else) and the erasure's own counts."""
    return replace(f, kota_serang=f.region, programme=f.region, erased=0, retention_due=0)


async def test_hapus_erases_them_everywhere_and_the_figures_stay(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    assert bot.deps is not None
    db = db_of(bot)
    who = await fill_everything(sim, bot)
    before = await stats.gather(bot.deps)
    funnel_rows = await db.fetchval("SELECT COUNT(*) FROM funnel")

    user = sim.user(ERASED)
    await say(user, "/hapus")
    assert "sudah dihapus" in (await tap(user, "Ya, hapus data saya")).text

    # What is left: only the tag of the NIK they typed today (not the NIK), kept one day so
    # that /hapus does not reset the limit on trying other people's NIKs.
    left = await traces(db, who)
    assert [(t.table, t.column) for t in left] == [("nik_attempts", "user_id")], left
    assert await nik_attempts.prune(db, now=bot.deps.clock.now() + timedelta(days=1, seconds=1))
    assert await traces(db, who) == []
    assert await db.fetchval("SELECT COUNT(*) FROM reminders") == 0

    # What others wrote that named them keeps everything else.
    other_note = await db.fetchval("SELECT text FROM staff_notes WHERE user_id = ?", (OTHER,))
    assert other_note == f"Kakak dari {REDACTED} ({REDACTED}, NIK {REDACTED}, HP {REDACTED});" \
        " datang bersama"  # fmt: skip
    audit = await staff_repo.latest_audit(db, 50)
    named = [e for e in audit if ERASED_TARGET in (e.target or "") + (e.detail or "")]
    assert {e.action for e in named} >= {"lookup", "stage", "note", "schedule", "nik_conflict"}
    erasure = next(e for e in audit if e.action == "erase")
    assert erasure.actor_id == retention.BOT_ACTOR and erasure.target is None
    assert json.loads(erasure.detail or "{}")["people"] == 1
    # The claimant's registration keeps its own data, without the NIK that was ours.
    claimant = await db.fetchone("SELECT answers, reg_no FROM applicants WHERE user_id = ?",
                                 (CLAIMANT,))  # fmt: skip
    assert claimant is not None and "nik" not in json.loads(claimant["answers"])

    # Anonymous counts stay: the funnel rows without the person, and every figure but quotas.
    assert await db.fetchval("SELECT COUNT(*) FROM funnel") == funnel_rows
    assert await db.fetchval("SELECT COUNT(*) FROM funnel WHERE user_id IS NULL") >= 10
    after = await stats.gather(bot.deps)
    assert lasting(after) == lasting(before)
    assert (after.registered, after.erased) == (3, 1)
    assert after.kota_serang.used == before.kota_serang.used - 1

    # /audit tells the admin what happened without naming them.
    shown = await say(sim.user(ADMIN_ID), "/audit 50")
    assert "atas permintaannya sendiri (/hapus)" in shown.text
    assert "[data sudah dihapus]" in shown.text
    assert who.reg_no not in shown.text


async def test_a_refusal_keeps_nothing_but_the_count(sim: BotApiSimulator, bot: BotRunner) -> None:
    assert bot.deps is not None
    db = db_of(bot)
    user = sim.user(ERASED, first_name="Warga", language_code="id")
    await say(user, "/start kel_cipocok")
    assert "tidak menyimpan data Anda" in (await tap(user, "Tidak setuju")).text

    who = Identity(ERASED, "SRG-none", PERSON.nik, PHONE_DIGITS, PERSON.name)
    assert await traces(db, who) == []
    assert await db.fetchval("SELECT COUNT(*) FROM funnel WHERE user_id IS NULL") == 1
    assert (await stats.gather(bot.deps)).started == 1  # they did start


async def test_the_retention_job_erases_what_is_past_its_time(
    sim: BotApiSimulator, make_runner: RunnerFactory, clock: FixedClock
) -> None:
    bot = make_runner()
    await bot.start()
    try:
        assert bot.deps is not None and bot.app is not None and bot.app.job_queue is not None
        db = db_of(bot)
        who = await fill_everything(sim, bot)
        # An unfinished interview and a minor who did not ask for a reminder.
        unfinished = await at_first_question(sim, 7_410_004)
        await say(unfinished, "Budi Santoso")
        minor = await at_first_question(sim, 7_410_005)
        await say(minor, "Rina Anak")
        await say(minor, "3673055505100001")  # born 15 May 2010: 16 years old
        assert "paling sedikit 18 tahun" in (await tap(minor, "✅")).text
        # Someone who asked staff a question and never registered (no applicant row).
        await questions.add_incoming(
            db, 7_410_006, "id", "text", "Saya Joko Susilo, kapan pendaftaran dibuka?",
            7_410_006, 1, clock.now(),
        )  # fmt: skip
        before = await stats.gather(bot.deps)
        assert before.retention_due == 0  # nothing ends within 30 days

        job = bot.app.job_queue.get_jobs_by_name("retention")
        assert len(job) == 1 and job[0].next_t is not None
        local = job[0].next_t.astimezone(bot.settings.timezone)
        assert (local.hour, local.minute) == (3, 0)  # 03:00 WIB, after the 02:00 backup

        # 100 days on: the unfinished interview and the minor's birth date are past 90 days.
        clock.advance(days=100)
        assert (await stats.gather(bot.deps)).retention_due == 3
        await job[0].run(bot.app)
        statuses = await db.fetchall("SELECT user_id FROM applicants ORDER BY user_id")
        assert [r[0] for r in statuses] == [ERASED, OTHER, CLAIMANT]
        gone_minor = Identity(7_410_005, "SRG-none", "3673055505100001", "NO-PHONE", "Rina Anak")
        assert await traces(db, gone_minor) == []
        gone = Identity(7_410_004, "SRG-none", "NO-NIK", "NO-PHONE", "Budi Santoso")
        assert await traces(db, gone) == []
        asker = Identity(7_410_006, "SRG-none", "NO-NIK", "NO-PHONE", "Joko Susilo")
        assert await traces(db, asker) == []

        # Two years on: the registrations too, and today's NIK attempts long expired.
        clock.advance(days=631)
        assert (await stats.gather(bot.deps)).retention_due == 3
        await job[0].run(bot.app)
        assert await traces(db, who) == []
        assert await db.fetchval("SELECT COUNT(*) FROM applicants") == 0
        for table in await tables(db):  # nothing tied to a resident is left anywhere
            if table in ("applicants", "events", "reminders", "broadcast_outbox", "staff_notes",
                         "nik_conflicts", "conversations", "nik_attempts", "questions",
                         "question_messages", "question_topics"):  # fmt: skip
                assert await db.fetchval(f'SELECT COUNT(*) FROM "{table}"') == 0, table
        assert await db.fetchval("SELECT COUNT(*) FROM funnel WHERE user_id IS NOT NULL") == 0

        after = await stats.gather(bot.deps)
        # Those who were filling in, or under age, are no longer; the days shown moved on.
        moved = {"in_progress": 0, "minors": 0, "per_day": []}
        assert replace(lasting(after), **moved) == replace(lasting(before), **moved)
        assert (after.registered, after.erased, after.in_progress, after.minors) == (3, 3, 0, 0)
        assert await db.fetchval("SELECT n FROM erased_counts WHERE dimension = 'day'") == 3
        runs = [e for e in await staff_repo.latest_audit(db, 100) if e.action == "retention"]
        details = [json.loads(e.detail or "{}") for e in reversed(runs)]
        assert [
            (d["registered"], d["unfinished"], d["minors"], d["askers"]) for d in details
        ] == [(0, 1, 1, 1), (3, 0, 0, 0)]
        assert all(e.actor_id == retention.BOT_ACTOR and e.target is None for e in runs)
        shown = await say(sim.user(ADMIN_ID), "/audit 5")
        assert "lebih dari 730 hari: 3; pendaftaran yang tidak selesai: 0" in shown.text
    finally:
        await bot.stop()
