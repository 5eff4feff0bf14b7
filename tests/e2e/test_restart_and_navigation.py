"""Restarts, pausing, resuming, going back, changing language, quotas and waiting lists."""

from __future__ import annotations

from dataclasses import replace

from bot.domain.eligibility import DEFAULT_RULES
from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from tests.conftest import ADMIN_ID, RunnerFactory
from tests.e2e.residents import Person, at_first_question, last, register, say, tap


async def test_restart_mid_interview_keeps_the_place(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    first = make_runner()
    await first.start()
    user = await at_first_question(sim, 3001)
    await say(user, "Rina Marlina")
    await say(user, "3673055512980001")
    birth_question = await tap(user, "✅")
    assert "jenis kelamin" in birth_question.text
    await first.stop()

    # Written while the bot is down: Telegram keeps it until the bot polls again.
    await user.send("/status")
    second = make_runner()
    await second.start()
    try:
        reply = await last(user)
        assert "belum selesai" in reply.text
        # The button on the message showing the current question still works.
        after = await user.tap_on(birth_question, "Perempuan")
        assert after is not None
        moved_on = await last(user)
        assert "✓ Jenis kelamin: Perempuan" in moved_on.text and "alamat" in moved_on.text
        assert sim.unanswered_callbacks() == []
    finally:
        await second.stop()


async def test_start_mid_interview_offers_continue_or_start_over(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    user = await at_first_question(sim, 3002)
    await say(user, "Rina Marlina")
    offer = await say(user, "/start")
    assert offer.buttons == ["Lanjutkan", "Mulai dari awal"]
    resumed = await tap(user, "Lanjutkan")
    assert "NIK" in resumed.text
    await say(user, "/start")
    restarted = await tap(user, "Mulai dari awal")
    assert "nama lengkap" in restarted.text


async def test_batal_pauses_and_daftar_resumes(sim: BotApiSimulator, bot: BotRunner) -> None:
    user = await at_first_question(sim, 3003)
    await say(user, "Rina Marlina")
    paused = await say(user, "/batal")
    assert "Jawaban Anda tetap tersimpan" in paused.text and "/daftar" in paused.text
    assert "Ketik /daftar" in (await say(user, "3673055512980001")).text
    resumed = await say(user, "/daftar")
    assert "Selamat datang kembali" in resumed.text and "NIK" in resumed.text


async def test_back_goes_to_the_previous_question(sim: BotApiSimulator, bot: BotRunner) -> None:
    user = await at_first_question(sim, 3004)
    await say(user, "Rina Marlina")
    await say(user, "3673055512980001")
    await tap(user, "✅")
    back = await tap(user, "Kembali")
    assert "tanggal lahir" in back.text
    forward = await tap(user, "✅")
    assert "jenis kelamin" in forward.text  # the later answers were kept


async def test_language_switch_mid_interview(sim: BotApiSimulator, bot: BotRunner) -> None:
    user = await at_first_question(sim, 3005)
    await say(user, "Rina Marlina")
    await say(user, "/bahasa")
    question = await tap(user, "English")
    assert "Type your NIK" in question.text
    assert "belum" not in (await say(user, "/bantuan")).text
    reply = await say(user, "123")
    assert "A NIK has 16 digits" in reply.text


async def test_full_quota_puts_newcomers_on_a_numbered_waiting_list(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    runner = make_runner(rules=replace(DEFAULT_RULES, kota_serang_quota=1, total_quota=10))
    await runner.start()
    try:
        await register(sim, 3006)
        await register(sim, 3007, Person(nik="3673051203950002"))
        second = sim.user(3007).last_message
        assert second is not None and "daftar tunggu nomor 1" in second.text
        await register(sim, 3008, Person(nik="3673051203950003"))
        third = sim.user(3008).last_message
        assert third is not None and "daftar tunggu nomor 2" in third.text
        status = await say(sim.user(3008), "/status")
        assert "daftar tunggu nomor 2" in status.text
    finally:
        await runner.stop()


async def test_ubah_after_submit_keeps_number_and_place(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    reg_no = await register(sim, 3009)
    user = sim.user(3009)
    menu = await say(user, "/ubah")
    assert "Jawaban mana yang ingin Anda ubah?" in menu.text
    await tap(user, "Paspor")
    summary = await tap(user, "Belum")
    assert "Paspor: Belum" in summary.text
    saved = await tap(user, "Simpan perubahan")
    assert reg_no in saved.text and "Perlu dilengkapi" in saved.text
    assert "paspor" in saved.text


async def test_a_freed_place_goes_to_the_first_on_the_waiting_list(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    runner = make_runner(rules=replace(DEFAULT_RULES, kota_serang_quota=1, total_quota=10))
    await runner.start()
    try:
        holder = await register(sim, 3010)
        await register(sim, 3011, Person(nik="3673051203950002"))
        await register(sim, 3012, Person(nik="3673051203950003"))
        admin = sim.user(ADMIN_ID, first_name="Admin")

        # The place holder withdraws: the first waiting gets the place and is told.
        await say(admin, f"/tahap {holder} mengundurkan_diri")
        told = await last(sim.user(3011))
        assert "sekarang kami simpan untuk Anda" in told.text
        status = await say(sim.user(3011), "/status")
        assert "Kami menyimpan satu tempat untuk Anda" in status.text
        # The one behind moves up the list.
        assert "daftar tunggu nomor 1" in (await say(sim.user(3012), "/status")).text

        # Deleting one's data frees the place too.
        await say(sim.user(3011), "/hapus")
        await tap(sim.user(3011), "Ya, hapus data saya")
        assert "sekarang kami simpan untuk Anda" in (await last(sim.user(3012))).text
    finally:
        await runner.stop()


async def test_a_button_answer_telegram_refuses_does_not_stop_the_step(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    # answerCallbackQuery goes out alongside the edit; if it fails (a 5xx, a lost
    # connection), the phone's spinner just times out: the answer is still taken, the
    # next question shown, and the resident is not told about an error that is not theirs.
    user = await at_first_question(sim, 3040)
    await say(user, "Rina Marlina")
    await say(user, "3673055512980001")
    sim.inject_error("answerCallbackQuery", status=500, times=1)
    moved_on = await tap(user, "✅")
    assert "✓ Tanggal lahir: 15 Desember 1998" in moved_on.text
    assert "jenis kelamin" in moved_on.text
    failed = [c for c in sim.calls if c.method.lower() == "answercallbackquery" and c.error_code]
    assert len(failed) == 1
    assert not any("gangguan" in m.text for m in user.messages)  # error.internal


async def test_the_funnel_counts_each_question_reached_once(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    assert bot.deps is not None
    user = await at_first_question(sim, 3041)
    await say(user, "Rina Marlina")
    await say(user, "3673055512980001")
    await tap(user, "« Kembali")  # back to the NIK: a step already counted
    await say(user, "3673055512980001")
    rows = await bot.deps.db.fetchall(
        "SELECT step, COUNT(*) AS n FROM funnel WHERE user_id = ? GROUP BY step", (3041,)
    )
    steps = {row["step"]: row["n"] for row in rows}
    assert steps == {"started": 1, "consented": 1, "q:name": 1, "q:nik": 1, "q:birth_date": 1}
