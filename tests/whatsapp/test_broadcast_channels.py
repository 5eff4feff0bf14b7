"""Announcements reach Telegram and WhatsApp applicants, each on their own channel, over real
HTTP: the staff member works in the Telegram simulator, WhatsApp residents read theirs in the
WhatsApp simulator. Each person once; ``kanal:`` chooses a channel; a resident past WhatsApp's
24-hour window is counted as not sent; stop and resume across both; Meta's refusals."""

from __future__ import annotations

import asyncio

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator, SimUser
from bot.simulator_whatsapp import WhatsAppSimulator
from bot.simulator_whatsapp.users import WaUser
from bot.storage import broadcasts as store
from tests.conftest import ADMIN_ID, RunnerFactory
from tests.e2e.residents import say, tap, until
from tests.helpers.broadcasts import ANNOUNCEMENT, compose, finished, seed, with_buttons
from tests.helpers.dashboard import logged_in
from tests.helpers.runner import db_of, sender_of
from tests.helpers.wa_applicants import seed_wa
from tests.helpers.whatsapp import bot_settings


async def report_of(admin: SimUser, broadcast_id: int) -> str:
    """The final report: the progress message, edited once the sending ended."""
    await finished(admin, broadcast_id)
    return next(m.text for m in reversed(admin.messages) if "Terkirim:" in m.text)


def reached(people: dict[int, WaUser]) -> dict[int, int]:
    """How many announcements each WhatsApp resident received."""
    return {uid: len(user.received) for uid, user in people.items()}


async def test_one_announcement_reaches_both_channels_each_person_once(
    sim: BotApiSimulator, wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    telegram = await seed(wa_bot, range(7001, 7004))
    whatsapp = await seed_wa(wa_bot, wa, range(1, 4))
    await seed_wa(wa_bot, wa, range(11, 12), locale="en")
    admin = sim.user(ADMIN_ID, "Admin")
    await compose(admin)
    preview = await tap(admin, "Semua pendaftar")
    assert "Jumlah penerima: 7 orang." in preview.text, preview.text
    await admin.tap("✅ Kirim sekarang")
    report = await report_of(admin, 1)
    assert "Terkirim: 7 dari 7" in report, report
    assert "di luar 24 jam" not in report  # nobody was, so the line is not there

    for uid in telegram:
        [message] = sim.chat(uid).messages
        assert ANNOUNCEMENT in message.text and "/berhenti" in message.text
    english = next(u for u in wa.users.values() if u.name == "Warga 11")
    assert reached(whatsapp) == dict.fromkeys(whatsapp, 1)
    for user in whatsapp.values():
        text = user.received[0].text
        # The footer in WhatsApp's italics, with the word to reply, not a command.
        assert text.startswith(f"{ANNOUNCEMENT}\n\n_"), text
        assert "Balas dengan kata berhenti" in text and "/berhenti" not in text
    [received] = english.received
    assert "Reply with the word berhenti" in received.text
    await asyncio.sleep(0.2)
    assert wa.accepted == 4  # nothing sent twice, no retries needed
    b = await store.get(db_of(wa_bot), 1)
    assert b is not None and (b.status, b.sent, b.total) == ("done", 7, 7)


async def test_kanal_whatsapp_reaches_only_whatsapp_applicants(
    sim: BotApiSimulator, wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    telegram = await seed(wa_bot, range(7001, 7004))
    whatsapp = await seed_wa(wa_bot, wa, range(1, 4))
    admin = sim.user(ADMIN_ID, "Admin")
    preview = await compose(admin, command="/umumkan kanal:whatsapp")
    assert "Kanal: WhatsApp" in preview and "Jumlah penerima: 3 orang." in preview, preview
    await admin.tap("✅ Kirim sekarang")
    report = await report_of(admin, 1)
    assert "Terkirim: 3 dari 3" in report, report
    assert reached(whatsapp) == dict.fromkeys(whatsapp, 1)
    assert all(not sim.chat(uid).messages for uid in telegram)

    # And the other way round; a bad channel is answered as other bad filter words.
    preview = await compose(admin, "Khusus Telegram", command="/umumkan kanal:telegram")
    assert "Kanal: Telegram" in preview and "Jumlah penerima: 3 orang." in preview, preview
    await admin.tap("✅ Kirim sekarang")
    await finished(admin, 2)
    assert all(len(sim.chat(uid).messages) == 1 for uid in telegram)
    assert reached(whatsapp) == dict.fromkeys(whatsapp, 1)
    wrong = await say(admin, "/umumkan kanal:sms")
    assert "Nilai sms tidak dikenal untuk kanal." in wrong.text
    assert "telegram, whatsapp" in wrong.text

    # The web's filter forms: a Kanal select on Pendaftar and Pengumuman, the same counts.
    async with logged_in(wa_bot, admin) as client:
        table = (await client.get("/dasbor/pendaftar?kanal=whatsapp")).text
        form = (await client.get("/dasbor/pengumuman/baru?kanal=whatsapp")).text
        counted = (await client.get("/dasbor/pengumuman/hitung?kanal=telegram")).text
    for html in (table, form):
        select = html[html.index('<select id="f-kanal" name="kanal">') :].split("</select>")[0]
        assert '<option value="whatsapp" selected>WhatsApp</option>' in select, select
        assert '<option value="telegram">Telegram</option>' in select
    assert "3 pendaftar cocok." in table
    assert "3 orang" in counted, counted


async def test_past_the_24_hour_window_is_counted_not_sent_and_shown_everywhere(
    sim: BotApiSimulator, wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    await seed(wa_bot, [7001])
    inside = await seed_wa(wa_bot, wa, range(1, 3), hours_ago=23)
    outside = await seed_wa(wa_bot, wa, [3], hours_ago=25)
    admin = sim.user(ADMIN_ID, "Admin")
    await compose(admin)
    await tap(admin, "Semua pendaftar")
    await admin.tap("✅ Kirim sekarang")
    report = await report_of(admin, 1)
    assert "Terkirim: 3 dari 4" in report, report
    assert "Tidak terkirim: di luar 24 jam WhatsApp: 1" in report
    assert reached(inside) == dict.fromkeys(inside, 1)
    assert reached(outside) == dict.fromkeys(outside, 0)
    assert wa.accepted == 2  # the one outside was never tried: Meta would refuse it
    rows = await db_of(wa_bot).fetchall(
        "SELECT user_id, status FROM broadcast_outbox WHERE status != 'sent'"
    )
    assert [(r[0], r[1]) for r in rows] == [(next(iter(outside)), "outside_window")]
    history = await say(admin, "/umumkan riwayat")
    assert "terkirim 3/4 · diblokir 0 · gagal 0 · di luar 24 jam 1" in history.text
    async with logged_in(wa_bot, admin) as client:
        page = (await client.get("/dasbor/pengumuman")).text
        one = (await client.get("/dasbor/pengumuman/1")).text
    assert "Tidak terkirim: di luar 24 jam" in page
    row = page[page.index('href="/dasbor/pengumuman/1"') :].split("</tr>")[0]
    assert '<td class="num">1</td>' in row  # the new column
    assert "Tidak terkirim: di luar 24 jam</dt><dd>1</dd>" in one


async def test_meta_refusals_blocked_marks_inactive_5xx_is_retried(
    sim: BotApiSimulator, wa: WhatsAppSimulator, make_runner: RunnerFactory
) -> None:
    runner = make_runner(**bot_settings(wa), network_backoff=(0.05, 0.1, 0.2, 0.4))
    await runner.start()
    try:
        people = await seed_wa(runner, wa, range(1, 5))
        wa.inject(131026)  # the first send: undeliverable (blocked the business)
        wa.inject(None, status=502)  # the next: a proxy's 502, tried again
        admin = sim.user(ADMIN_ID, "Admin")
        await compose(admin, command="/umumkan kanal:whatsapp")
        await admin.tap("✅ Kirim sekarang")
        report = await report_of(admin, 1)
        assert "Terkirim: 3 dari 4" in report, report
        assert "Memblokir bot atau akun tidak aktif: 1" in report
        counts = reached(people)
        assert sorted(counts.values()) == [0, 1, 1, 1]
        [blocked] = [uid for uid, n in counts.items() if n == 0]
        inactive = await db_of(runner).fetchall("SELECT user_id FROM applicants WHERE inactive = 1")
        assert [r[0] for r in inactive] == [blocked]
        assert wa.accepted == 3
    finally:
        await runner.stop()


async def test_stop_and_resume_with_both_channels_nobody_twice_nobody_lost(
    sim: BotApiSimulator, wa: WhatsAppSimulator, make_runner: RunnerFactory
) -> None:
    # Slow on both channels, so that the stop comes half-way through each.
    runner = make_runner(**bot_settings(wa), broadcast_rate=5.0, whatsapp_rate_limit=5)
    await runner.start()
    try:
        telegram = await seed(runner, range(8001, 8021))
        whatsapp = await seed_wa(runner, wa, range(1, 21))
        admin = sim.user(ADMIN_ID, "Admin")
        await compose(admin, "Lanjutkan nanti")
        await tap(admin, "Semua pendaftar")
        await admin.tap("✅ Kirim sekarang")

        def tg_reached() -> int:
            return sum(bool(sim.chat(u).messages) for u in telegram)

        def wa_reached() -> int:
            return sum(bool(u.received) for u in whatsapp.values())

        await until(lambda: tg_reached() >= 2 and wa_reached() >= 2, 15)
        await tap(await await_history(admin), "⏹ Batalkan #1")
        assert "dihentikan" in (await tap(admin, "Ya, hentikan")).text
        await sender_of(runner).join(1)
        assert 2 <= tg_reached() < 20 and 2 <= wa_reached() < 20

        await await_history(admin)
        resumed = await tap(admin, "▶ Lanjutkan #1")
        assert "dilanjutkan" in resumed.text
        await until(lambda: tg_reached() == 20 and wa_reached() == 20, 30)
        await sender_of(runner).join(1)
        await asyncio.sleep(0.1)
        assert all(len(sim.chat(u).messages) == 1 for u in telegram)
        assert reached(whatsapp) == dict.fromkeys(whatsapp, 1)
        b = await store.get(db_of(runner), 1)
        assert b is not None and (b.status, b.sent) == ("done", 40)
    finally:
        await runner.stop()


async def await_history(admin: SimUser) -> SimUser:
    """/umumkan riwayat, whose buttons stop or resume; the staff member, to tap one."""
    await say(admin, "/umumkan riwayat")
    return admin


async def test_both_channels_send_side_by_side_at_their_own_pace(
    sim: BotApiSimulator, wa: WhatsAppSimulator, make_runner: RunnerFactory
) -> None:
    # Telegram at 1/s and WhatsApp at its 80/s: 100 WhatsApp residents (about 1.3 s) are all
    # reached while Telegram's 6 (6 s) are still going: neither channel waits for the other.
    runner = make_runner(**bot_settings(wa), broadcast_rate=1.0)
    await runner.start()
    try:
        telegram = await seed(runner, range(8001, 8007))
        whatsapp = await seed_wa(runner, wa, range(1, 101))
        admin = sim.user(ADMIN_ID, "Admin")
        await compose(admin)
        await tap(admin, "Semua pendaftar")
        await admin.tap("✅ Kirim sekarang")
        await until(lambda: all(u.received for u in whatsapp.values()), 15)
        telegram_then = sum(bool(sim.chat(u).messages) for u in telegram)
        assert telegram_then < len(telegram), telegram_then
        await finished(admin, 1, within=30)
        assert all(len(sim.chat(u).messages) == 1 for u in telegram)
        assert reached(whatsapp) == dict.fromkeys(whatsapp, 1)
    finally:
        await runner.stop()


async def test_a_restart_mid_broadcast_goes_on_in_both_channels_nobody_twice(
    sim: BotApiSimulator, wa: WhatsAppSimulator, make_runner: RunnerFactory
) -> None:
    slow = {**bot_settings(wa), "broadcast_rate": 5.0, "whatsapp_rate_limit": 5}
    runner = make_runner(**slow)
    await runner.start()
    try:
        telegram = await seed(runner, range(8001, 8016))
        whatsapp = await seed_wa(runner, wa, range(1, 16))
        admin = sim.user(ADMIN_ID, "Admin")
        await compose(admin)
        await tap(admin, "Semua pendaftar")
        await admin.tap("✅ Kirim sekarang")
        await until(
            lambda: sum(bool(sim.chat(u).messages) for u in telegram) >= 2
            and sum(bool(u.received) for u in whatsapp.values()) >= 2,
            15,
        )
    finally:
        await runner.stop()  # a clean stop: the sends in flight finish, the rest waits
    assert sum(bool(u.received) for u in whatsapp.values()) < 15

    again = make_runner(**slow)
    await again.start()  # resumes the broadcast still "sending"
    try:
        await until(
            lambda: all(sim.chat(u).messages for u in telegram)
            and all(u.received for u in whatsapp.values()),
            30,
        )
        await sender_of(again).join(1)
        await asyncio.sleep(0.1)
        assert all(len(sim.chat(u).messages) == 1 for u in telegram)
        assert reached(whatsapp) == dict.fromkeys(whatsapp, 1)
        b = await store.get(db_of(again), 1)
        assert b is not None and (b.status, b.sent) == ("done", 30)
    finally:
        await again.stop()


async def test_a_photo_reaches_whatsapp_as_its_caption_and_the_preview_says_so(
    sim: BotApiSimulator, wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    telegram = await seed(wa_bot, [7001])
    whatsapp = await seed_wa(wa_bot, wa, [1])
    admin = sim.user(ADMIN_ID, "Admin")
    await say(admin, "/umumkan")
    await admin.send_photo(caption="Poster pelatihan las")
    await with_buttons(admin)
    preview = await tap(admin, "Semua pendaftar")
    assert "penerima di WhatsApp hanya mendapat teksnya" in preview.text, preview.text
    await admin.tap("✅ Kirim sekarang")
    await finished(admin, 1)
    [poster] = sim.chat(telegram[0]).messages
    assert poster.photo is not None
    [received] = next(iter(whatsapp.values())).received
    assert received.message.type == "text"
    assert received.text.startswith("Poster pelatihan las\n\n_Tidak ingin")


PMI_PENGUMUMAN = (
    '📢 Pengumuman layanan Pelatihan Calon PMI Kota Serang: {{1}} Balas "berhenti" jika tidak'
    " ingin menerima pengumuman lagi."
)


async def test_past_the_window_the_announcement_template_goes_when_configured(
    sim: BotApiSimulator, wa: WhatsAppSimulator, make_runner: RunnerFactory
) -> None:
    wa.add_template("pmi_pengumuman", "id", PMI_PENGUMUMAN)
    runner = make_runner(
        **bot_settings(wa), whatsapp_templates={"announcement": "pmi_pengumuman"}
    )
    await runner.start()
    try:
        inside = await seed_wa(runner, wa, [1], hours_ago=2)
        outside = await seed_wa(runner, wa, [2], hours_ago=30)
        admin = sim.user(ADMIN_ID, "Admin")
        await say(admin, "/umumkan kanal:whatsapp")
        await admin.send("Wawancara angkatan 1\nSenin pukul 08.00 WIB")
        await with_buttons(admin)
        await admin.tap("✅ Kirim sekarang")
        report = await report_of(admin, 1)
        assert "Terkirim: 2 dari 2" in report and "di luar 24 jam" not in report, report
        [free] = next(iter(inside.values())).received
        assert free.message.type == "text" and free.text.startswith("Wawancara angkatan 1\n")
        [template] = next(iter(outside.values())).received
        assert template.message.type == "template"
        assert template.text == PMI_PENGUMUMAN.replace(
            "{{1}}", "Wawancara angkatan 1 · Senin pukul 08.00 WIB"
        )
    finally:
        await runner.stop()


async def settled(runner: BotRunner, wa: WhatsAppSimulator) -> None:
    """Meta's later statuses delivered, and the bot done with them."""
    await wa.idle()
    assert runner.deps is not None and runner.deps.whatsapp is not None
    await runner.deps.whatsapp.idle()


async def test_failures_meta_reports_later_count_for_the_announcement(
    sim: BotApiSimulator, wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    people = await seed_wa(wa_bot, wa, range(1, 5))
    gone, closed, unlucky, fine = people.values()
    gone.blocked = True  # Meta takes the message, then reports 131026
    closed.last_inbound = wa.now() - 25 * 3600  # Meta's own clock: the window closed (131047)
    admin = sim.user(ADMIN_ID, "Admin")
    await compose(admin, command="/umumkan kanal:whatsapp")
    await admin.tap("✅ Kirim sekarang")
    await finished(admin, 1)
    await settled(wa_bot, wa)
    assert [u for u in people.values() if u.received] == [unlucky, fine]
    # Then a status for a message that did reach the phone, after the broadcast has ended.
    await wa.send_status(unlucky.received[0].id, "failed", code=131049)
    await settled(wa_bot, wa)

    db = db_of(wa_bot)
    rows = await db.fetchall(
        "SELECT user_id, status, last_error, wa_message_id FROM broadcast_outbox ORDER BY id"
    )
    by_user = {r[0]: (r[1], r[2]) for r in rows}
    uid = {user.wa_id: u for u, user in people.items()}
    assert by_user[uid[gone.wa_id]] == ("blocked", "whatsapp 131026: undeliverable")
    assert by_user[uid[closed.wa_id]][0] == "outside_window"
    assert "131047" in by_user[uid[closed.wa_id]][1]
    assert by_user[uid[unlucky.wa_id]][0] == "failed"
    assert "131049" in by_user[uid[unlucky.wa_id]][1]
    assert by_user[uid[fine.wa_id]] == ("sent", None)
    # Each row holds Meta's id of its message (what let the status find it).
    assert {r[3] for r in rows} <= set(wa.sent) and None not in {r[3] for r in rows}
    inactive = await db.fetchall("SELECT user_id FROM applicants WHERE inactive = 1")
    assert [r[0] for r in inactive] == [uid[gone.wa_id]]

    # Meta delivers a status again: counted once.
    await wa.deliver_again()
    await settled(wa_bot, wa)
    history = await say(admin, "/umumkan riwayat")
    assert "terkirim 1/4 · diblokir 1 · gagal 1 · di luar 24 jam 1" in history.text, history.text
    b = await store.get(db, 1)
    assert b is not None and (b.status, b.sent, b.blocked, b.failed) == ("done", 1, 1, 1)
    async with logged_in(wa_bot, admin) as client:
        one = (await client.get("/dasbor/pengumuman/1")).text
    assert "Tidak terkirim: di luar 24 jam</dt><dd>1</dd>" in one

    # The next announcement leaves out the one who cannot be reached.
    await compose(admin, "Kedua", command="/umumkan kanal:whatsapp")
    await admin.tap("✅ Kirim sekarang")
    await finished(admin, 2)
    assert (await store.counts(db, 2)).total == 3


async def test_a_failure_reported_before_the_send_is_answered_still_counts(
    sim: BotApiSimulator, wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    people = await seed_wa(wa_bot, wa, range(1, 4))
    gone = next(iter(people.values()))
    gone.blocked = True
    wa.statuses_before_answer = True  # the bot reads "failed" before it knows the id
    admin = sim.user(ADMIN_ID, "Admin")
    await compose(admin, command="/umumkan kanal:whatsapp")
    await admin.tap("✅ Kirim sekarang")
    await finished(admin, 1)
    await settled(wa_bot, wa)
    rows = await db_of(wa_bot).fetchall(
        "SELECT o.status, a.inactive FROM broadcast_outbox o"
        " JOIN applicants a ON a.user_id = o.user_id ORDER BY o.user_id DESC"
    )
    assert [(r[0], r[1]) for r in rows] == [("blocked", 1), ("sent", 0), ("sent", 0)]
    history = await say(admin, "/umumkan riwayat")
    assert "terkirim 2/3 · diblokir 1 · gagal 0" in history.text, history.text
