"""Personal messages to WhatsApp applicants (bot/channels/whatsapp/outbound.py through
bot/services/notify.py): the real bot with WhatsApp on, over HTTP to both simulators, a
real SQLite file.

A WhatsApp applicant is set up as the WhatsApp conversation will leave them: a contact
(their negative user id, the time of their last message) and a submitted registration.
Their last message is set on the simulator's side too (``last_inbound``), as if they had
written then, so that Meta's window and the bot's agree without a conversation in between.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot import callbacks as cb
from bot.runner import BotRunner
from bot.services import applicant_desk, scheduling
from bot.services import schedules as svc
from bot.services.applicant_desk import StageNotice
from bot.services.notify import Delivery, tell
from bot.simulator import BotApiSimulator
from bot.simulator_whatsapp import WhatsAppSimulator
from bot.simulator_whatsapp.users import Received
from bot.storage import applicants as repo
from bot.storage import contacts, message_log
from bot.storage import schedules as store
from bot.storage.applicants import Applicant
from bot.storage.message_log import Kind
from tests.conftest import ADMIN_ID, RunnerFactory
from tests.helpers.dashboard import logged_in
from tests.helpers.rows import seed_applicant
from tests.helpers.runner import db_of, reminder_rows, service_of
from tests.helpers.whatsapp import bot_settings
from tests.whatsapp.conftest import channel_of

SITI = "6281234567001"
REG_NO = "SRG-2026-00901"
TELEGRAM_RESIDENT = 640_101
TEMPLATES = {
    "reminder": "pmi_pengingat_jadwal",
    "stage": "pmi_tahap_pendaftaran",
}
REMINDER_ID = "⏰ Pengingat dari layanan Pelatihan Calon PMI Kota Serang: jadwal {{1}} Anda {{2}} di {{3}}. Apakah Anda bisa hadir? Mohon pilih salah satu tombol di bawah."  # noqa: E501
STAGE_ID = '📋 Pendaftaran {{1}} di layanan Pelatihan Calon PMI Kota Serang sekarang pada tahap: {{2}}. Balas "status" untuk melihat langkah berikutnya.'  # noqa: E501

Start = Callable[..., Awaitable[BotRunner]]


@pytest.fixture
async def start(wa: WhatsAppSimulator, make_runner: RunnerFactory) -> AsyncIterator[Start]:
    """The bot with WhatsApp on and the given settings (WHATSAPP_TEMPLATES...)."""
    started: list[BotRunner] = []

    async def starting(**overrides: object) -> BotRunner:
        runner = make_runner(**bot_settings(wa), **overrides)
        await runner.start()
        assert runner.http is not None
        wa.webhook_url = runner.http.base_url + "/webhooks/whatsapp"
        started.append(runner)
        return runner

    yield starting
    for runner in started:
        await runner.stop()


async def whatsapp_applicant(
    runner: BotRunner, wa: WhatsAppSimulator, *, hours_ago: float, wa_id: str = SITI,
    locale: str = "id", reg_no: str = REG_NO,
) -> Applicant:  # fmt: skip
    """A submitted WhatsApp registration whose owner last wrote ``hours_ago``."""
    d = runner.deps
    assert d is not None
    last = d.clock.now() - timedelta(hours=hours_ago)
    contact = await contacts.arrived(d.db, wa_id, at=last.astimezone(UTC).isoformat())
    await seed_applicant(d.db, contact.user_id, reg_no, name="Siti Aminah", locale=locale)
    await d.db.write("UPDATE applicants SET channel = 'whatsapp' WHERE user_id = ?",
                     (contact.user_id,))  # fmt: skip
    wa.user(wa_id, "Siti").last_inbound = wa.now() - hours_ago * 3600
    found = await repo.get(d.db, contact.user_id)
    assert found is not None and found.channel == "whatsapp"
    return found


async def logged(runner: BotRunner, user_id: int) -> list[tuple[str, str]]:
    return [(m.kind, m.outcome) for m in await message_log.of_person(db_of(runner), user_id, 20)]


def outside_window_count(runner: BotRunner, kind: str) -> float:
    assert runner.deps is not None
    value = runner.deps.metrics.registry.get_sample_value(
        "bot_whatsapp_outside_window_total", {"kind": kind}
    )
    return value or 0.0


def answer_ids(event_id: int) -> list[str]:
    return [
        cb.ScheduleAnswer(event_id, cb.Attendance.ATTEND).pack(),
        cb.ScheduleAnswer(event_id, cb.Attendance.CANNOT).pack(),
    ]


def in_a_few_days(runner: BotRunner) -> datetime:
    assert runner.deps is not None
    return runner.deps.clock.now() + timedelta(days=3)


async def schedule(runner: BotRunner) -> int:
    """An interview in three days, saved as staff do (no notice sent)."""
    assert runner.deps is not None
    result = await svc.schedule_one(
        runner.deps, ADMIN_ID, REG_NO, "wawancara", in_a_few_days(runner), "BBPVP Serang"
    )
    assert not isinstance(result, svc.Problem)
    return result.event.id


async def first_reminder(runner: BotRunner, event_id: int) -> int:
    reminders = await store.reminders_of(db_of(runner), event_id)
    assert reminders
    return reminders[0].id


# --- inside the window: free-form -------------------------------------------------------


async def test_a_stage_change_reaches_a_whatsapp_applicant(
    wa: WhatsAppSimulator, start: Start
) -> None:
    runner = await start()
    siti = await whatsapp_applicant(runner, wa, hours_ago=2)
    assert runner.deps is not None
    moved = await applicant_desk.change_stage(
        runner.deps, ADMIN_ID, REG_NO, "wawancara"
    )
    assert not isinstance(moved, applicant_desk.StageProblem)
    assert moved.notice is StageNotice.SENT
    message = await wa.user(SITI).next_message()
    # The catalog's HTML as WhatsApp's marks, free-form inside the window.
    assert message.message.type == "text"
    assert message.text.startswith("📋 Tahap pendaftaran Anda sekarang: *Wawancara*")
    assert "<b>" not in message.text
    assert await logged(runner, siti.user_id) == [("stage", "sent")]


async def test_a_schedule_notice_comes_with_its_two_buttons(
    wa: WhatsAppSimulator, start: Start
) -> None:
    runner = await start()
    siti = await whatsapp_applicant(runner, wa, hours_ago=1)
    assert runner.deps is not None
    done = await scheduling.schedule_event(
        runner.deps, ADMIN_ID, REG_NO, "wawancara", in_a_few_days(runner),
        "BBPVP Serang, Jl. Raya Serang",
    )  # fmt: skip
    assert not isinstance(done, svc.Problem) and done.notice is Delivery.SENT
    notice = await wa.user(SITI).next_message()
    assert notice.message.type == "interactive" and not notice.is_list
    assert notice.titles == ["✅ Hadir", "❌ Tidak bisa hadir"]
    # The ids are the Telegram buttons' own: the conversation answers them as it does there.
    event_id = done.scheduled.event.id
    assert [i for i, _ in notice.message.choices] == answer_ids(event_id)
    assert "📅 Anda dijadwalkan wawancara pada *" in notice.text
    assert (await store.get_event(db_of(runner), event_id)).notice == "sent"  # type: ignore[union-attr]
    assert await logged(runner, siti.user_id) == [("schedule", "sent")]


async def test_a_reminder_inside_the_window(wa: WhatsAppSimulator, start: Start) -> None:
    runner = await start()
    siti = await whatsapp_applicant(runner, wa, hours_ago=23)  # still inside
    reminder_id = await first_reminder(runner, await schedule(runner))
    assert await service_of(runner).fire(reminder_id) == "sent"
    reminder = await wa.user(SITI).next_message()
    assert reminder.text.startswith("⏰ *Pengingat*: wawancara Anda")
    assert reminder.titles == ["✅ Hadir", "❌ Tidak bisa hadir"]
    assert await logged(runner, siti.user_id) == [("reminder", "sent")]


# --- outside the window ------------------------------------------------------------------


async def test_a_reminder_outside_the_window_goes_as_its_template(
    wa: WhatsAppSimulator, start: Start
) -> None:
    wa.add_template("pmi_pengingat_jadwal", "id", REMINDER_ID)
    runner = await start(whatsapp_templates=TEMPLATES)
    siti = await whatsapp_applicant(runner, wa, hours_ago=30)
    event_id = await schedule(runner)
    assert await service_of(runner).fire(await first_reminder(runner, event_id)) == "sent"
    got: Received = await wa.user(SITI).next_message()
    assert got.message.type == "template"
    assert got.message.payload["name"] == "pmi_pengingat_jadwal"
    assert got.message.payload["language"] == {"code": "id"}
    event = await store.get_event(db_of(runner), event_id)
    assert event is not None
    # The key fields filled in, one line each: what, when (in WIB), where.
    assert "jadwal wawancara Anda " in got.text and " pukul " in got.text
    assert got.text.endswith("Mohon pilih salah satu tombol di bawah.")
    assert "di BBPVP Serang." in got.text
    # The template's quick-reply buttons carry the notice's own answers.
    buttons = [c for c in got.message.payload["components"] if c["type"] == "button"]
    assert [b["parameters"][0]["payload"] for b in buttons] == answer_ids(event_id)
    assert await logged(runner, siti.user_id) == [("reminder", "sent")]
    assert outside_window_count(runner, "reminder") == 0


async def test_tidak_bisa_typed_after_the_reminder_template_counts_as_its_button(
    wa: WhatsAppSimulator, start: Start
) -> None:
    wa.add_template("pmi_pengingat_jadwal", "id", REMINDER_ID)
    runner = await start(whatsapp_templates=TEMPLATES)
    await whatsapp_applicant(runner, wa, hours_ago=30)
    event_id = await schedule(runner)
    assert await service_of(runner).fire(await first_reminder(runner, event_id)) == "sent"
    siti = wa.user(SITI)
    await siti.next_message()
    await siti.send_text("Maaf, tidak bisa")  # the template's buttons did not show well
    await channel_of(runner).idle()
    asked = await siti.next_message()  # the notice as answered, then the reason asked
    while not asked.text.startswith("Mohon tuliskan alasan singkat"):
        asked = await siti.next_message()
    event = await store.get_event(db_of(runner), event_id)
    assert event is not None and event.answer == "tidak_bisa"


async def test_a_reminder_outside_the_window_without_a_template_is_recorded_not_sent(
    wa: WhatsAppSimulator, start: Start
) -> None:
    runner = await start()  # no WHATSAPP_TEMPLATES
    siti = await whatsapp_applicant(runner, wa, hours_ago=25)
    reminder_id = await first_reminder(runner, await schedule(runner))
    accepted = wa.accepted
    assert await service_of(runner).fire(reminder_id) == Delivery.FAILED.value
    assert wa.accepted == accepted  # nothing went to Meta
    assert wa.user(SITI).received == []
    assert await logged(runner, siti.user_id) == [("reminder", "outside_window")]
    assert outside_window_count(runner, "reminder") == 1
    # The reminder is done with, and the card says why.
    assert (await reminder_rows(db_of(runner)))[0][2:] == ("skipped", "outside_window")


async def test_a_stage_change_outside_the_window_goes_as_its_template_in_english(
    wa: WhatsAppSimulator, start: Start
) -> None:
    wa.add_template(
        "pmi_tahap_pendaftaran", "en", '📋 Registration {{1}} is now at: {{2}}. Reply "status".'
    )
    runner = await start(whatsapp_templates=TEMPLATES)
    siti = await whatsapp_applicant(runner, wa, hours_ago=48, locale="en")
    assert runner.deps is not None
    moved = await applicant_desk.change_stage(
        runner.deps, ADMIN_ID, REG_NO, "wawancara"
    )
    assert not isinstance(moved, applicant_desk.StageProblem)
    assert moved.notice is StageNotice.SENT
    got = await wa.user(SITI).next_message()
    assert got.text == f'📋 Registration {REG_NO} is now at: Interview. Reply "status".'
    assert await logged(runner, siti.user_id) == [("stage", "sent")]


async def test_meta_refusing_with_131047_is_outside_the_window(
    wa: WhatsAppSimulator, start: Start
) -> None:
    runner = await start()
    siti = await whatsapp_applicant(runner, wa, hours_ago=1)
    assert runner.deps is not None
    wa.inject(131047)  # Meta's own answer: re-engagement required
    told = await tell(runner.deps, siti, "Tahap Anda: <b>wawancara</b>",
                      kind=Kind.STAGE)  # fmt: skip
    assert told.outcome is Delivery.FAILED and told.outside_window
    assert await logged(runner, siti.user_id) == [("stage", "outside_window")]
    assert outside_window_count(runner, "stage") == 1
    assert not (await repo.get(db_of(runner), siti.user_id)).inactive  # type: ignore[union-attr]


async def test_a_free_form_message_failed_later_with_131047_is_recorded_so(
    wa: WhatsAppSimulator, start: Start
) -> None:
    runner = await start()
    siti = await whatsapp_applicant(runner, wa, hours_ago=1)
    assert runner.deps is not None
    wa.user(SITI).last_inbound = wa.now() - 25 * 3600  # Meta's clock says the window closed
    told = await tell(runner.deps, siti, "Tahap Anda", kind=Kind.STAGE)
    assert told.sent and told.wa_message_id is not None  # Meta takes it, then fails it
    await wa.idle()
    await channel_of(runner).idle()
    assert await logged(runner, siti.user_id) == [("stage", "outside_window")]
    assert outside_window_count(runner, "stage") == 1


# --- unreachable ---------------------------------------------------------------------------


async def test_a_131026_status_marks_the_applicant_inactive(
    wa: WhatsAppSimulator, start: Start
) -> None:
    runner = await start()
    siti = await whatsapp_applicant(runner, wa, hours_ago=1)
    assert runner.deps is not None
    wa.user(SITI).blocked = True  # blocked the business: Meta takes the send, then fails it
    told = await tell(runner.deps, siti, "Tahap Anda", kind=Kind.STAGE)
    assert told.sent
    await wa.idle()
    await channel_of(runner).idle()
    again = await repo.get(db_of(runner), siti.user_id)
    assert again is not None and again.inactive
    assert await logged(runner, siti.user_id) == [("stage", "blocked")]


async def test_131026_answered_at_once_is_blocked(wa: WhatsAppSimulator, start: Start) -> None:
    runner = await start()
    siti = await whatsapp_applicant(runner, wa, hours_ago=1)
    assert runner.deps is not None
    wa.inject(131026)
    told = await tell(runner.deps, siti, "Tahap Anda", kind=Kind.PLACE)
    assert told.outcome is Delivery.BLOCKED
    assert (await repo.get(db_of(runner), siti.user_id)).inactive  # type: ignore[union-attr]
    assert await logged(runner, siti.user_id) == [("place", "blocked")]


async def test_unreachable_then_writing_again_makes_them_reachable(
    wa: WhatsAppSimulator, start: Start
) -> None:
    runner = await start()
    siti = await whatsapp_applicant(runner, wa, hours_ago=1)
    d = runner.deps
    assert d is not None
    user = wa.user(SITI)
    user.blocked = True  # Meta takes the notice, then reports 131026 by webhook
    moved = await applicant_desk.change_stage(d, ADMIN_ID, REG_NO, "wawancara")
    assert not isinstance(moved, applicant_desk.StageProblem)
    await wa.idle()
    await channel_of(runner).idle()
    assert (await repo.get(d.db, siti.user_id)).inactive  # type: ignore[union-attr]
    # While unreachable nothing more is tried.
    moved = await applicant_desk.change_stage(d, ADMIN_ID, REG_NO, "pelatihan")
    assert not isinstance(moved, applicant_desk.StageProblem)
    assert moved.notice is StageNotice.INACTIVE
    assert not user.received

    user.blocked = False  # unblocked the business, and writes
    await user.send_text("status")
    answer = await user.next_message()
    assert REG_NO in answer.text
    assert not (await repo.get(d.db, siti.user_id)).inactive  # type: ignore[union-attr]
    moved = await applicant_desk.change_stage(
        d, ADMIN_ID, REG_NO, "siap_berangkat"
    )
    assert not isinstance(moved, applicant_desk.StageProblem)
    assert moved.notice is StageNotice.SENT
    notice = await user.next_message()
    assert notice.text.startswith("📋 Tahap pendaftaran Anda sekarang: *Siap berangkat*"), notice
    # Newest first: the notice after they wrote went; the one they could not get, blocked.
    assert await logged(runner, siti.user_id) == [("stage", "sent"), ("stage", "blocked")]


@pytest.mark.parametrize(("code", "status"), [(131000, 500), (None, 502), (130429, 400)])
async def test_meta_trouble_is_retry(
    wa: WhatsAppSimulator, start: Start, code: int | None, status: int
) -> None:
    runner = await start(network_backoff=(0.01,))
    siti = await whatsapp_applicant(runner, wa, hours_ago=1)
    assert runner.deps is not None and runner.deps.whatsapp is not None
    runner.deps.whatsapp.client.throttle_wait_scale = 0.001
    wa.inject(code, status=status, count=6)
    told = await tell(runner.deps, siti, "Pengingat", kind=Kind.REMINDER)
    assert told.outcome is Delivery.RETRY
    if code == 130429:
        assert told.retry_after == 1.0
    assert not (await repo.get(db_of(runner), siti.user_id)).inactive  # type: ignore[union-attr]
    assert await logged(runner, siti.user_id) == [("reminder", "retry")]


# --- Telegram unchanged --------------------------------------------------------------------


async def test_a_telegram_applicant_still_gets_telegram(
    wa: WhatsAppSimulator, start: Start, sim: BotApiSimulator
) -> None:
    runner = await start()
    assert runner.deps is not None
    await seed_applicant(db_of(runner), TELEGRAM_RESIDENT, "SRG-2026-00902")
    applicant = await repo.get(db_of(runner), TELEGRAM_RESIDENT)
    assert applicant is not None
    told = await tell(runner.deps, applicant, "Tahap Anda: <b>wawancara</b>",
                      kind=Kind.STAGE)  # fmt: skip
    assert told.sent and told.wa_message_id is None and isinstance(told.message_id, int)
    assert wa.accepted == 0
    assert sim.chat(TELEGRAM_RESIDENT).messages[-1].text == "Tahap Anda: wawancara"
    assert await logged(runner, TELEGRAM_RESIDENT) == [("stage", "sent")]


# --- what staff read on the card -------------------------------------------------------------


async def test_the_card_shows_outside_the_window_and_how_far_a_message_got(
    wa: WhatsAppSimulator, start: Start, sim: BotApiSimulator
) -> None:
    runner = await start()
    siti = await whatsapp_applicant(runner, wa, hours_ago=26)
    assert runner.deps is not None
    reminder_id = await first_reminder(runner, await schedule(runner))
    await service_of(runner).fire(reminder_id)  # outside the window, no template
    # She writes again: the window opens, the stage change goes and she reads it.
    await contacts.arrived(db_of(runner), SITI, at=runner.deps.clock.now().isoformat())
    wa.user(SITI).last_inbound = wa.now()
    told = await tell(runner.deps, siti, "Tahap Anda", kind=Kind.STAGE)
    assert told.wa_message_id is not None
    await wa.send_status(told.wa_message_id, "delivered")
    await wa.send_status(told.wa_message_id, "read")
    await channel_of(runner).idle()
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    async with logged_in(runner, admin) as client:
        html = (await client.get(f"/dasbor/pendaftar/{REG_NO}")).text
    rows = re.findall(r"<tr><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td></tr>", html)
    assert rows[:2] == [
        ("Pemberitahuan tahap", "Terkirim · sudah dibaca"),
        ("Pengingat jadwal", "Tidak terkirim: di luar 24 jam"),
    ]
    assert "tidak terkirim: di luar 24 jam WhatsApp" in html  # the reminder's own line


async def test_staff_read_why_a_stage_notice_did_not_go(
    wa: WhatsAppSimulator, start: Start
) -> None:
    runner = await start()  # no template for stage news
    siti = await whatsapp_applicant(runner, wa, hours_ago=30)
    assert runner.deps is not None
    moved = await applicant_desk.change_stage(
        runner.deps, ADMIN_ID, REG_NO, "wawancara"
    )
    assert not isinstance(moved, applicant_desk.StageProblem)
    assert moved.notice is StageNotice.OUTSIDE_WINDOW
    assert (await repo.get(db_of(runner), siti.user_id)).stage == "wawancara"  # type: ignore[union-attr]
    assert await logged(runner, siti.user_id) == [("stage", "outside_window")]
    assert outside_window_count(runner, "stage") == 1
