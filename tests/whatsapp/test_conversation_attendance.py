"""Hadir / Tidak bisa hadir on WhatsApp, over real HTTP: a WhatsApp resident's schedule
notice (bot/channels/whatsapp/outbound.py) answered with its buttons, the reason typed, and
commands still working while a reason is awaited (bot/conversation/attendance.py)."""

from __future__ import annotations

from datetime import timedelta

from bot.runner import BotRunner
from bot.services import schedules as svc
from bot.services import scheduling
from bot.simulator_whatsapp import WhatsAppSimulator
from bot.storage import schedules as store
from tests.conftest import ADMIN_ID
from tests.helpers.wa_residents import WaResident, register

RESIDENT = "6281234567890"


async def scheduled(wa: WhatsAppSimulator, runner: BotRunner) -> tuple[WaResident, int]:
    reg_no = await register(wa, runner, RESIDENT)
    assert runner.deps is not None
    done = await scheduling.schedule_event(
        runner.deps, ADMIN_ID, reg_no, "wawancara",
        runner.deps.clock.now() + timedelta(days=3), "BBPVP Serang",
    )  # fmt: skip
    assert not isinstance(done, svc.Problem)
    r = WaResident.of(wa, runner, RESIDENT)
    await r.idle()
    assert r.last.titles == ["✅ Hadir", "❌ Tidak bisa hadir"]
    return r, done.scheduled.event.id


async def test_tidak_bisa_hadir_then_the_reason_typed(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    r, event_id = await scheduled(wa, wa_bot)
    notice = r.last
    asked = await r.press("❌ Tidak bisa hadir")
    assert asked[-1].text.startswith("Mohon tuliskan alasan singkat")
    assert asked[-1].titles == ["Lewati"]
    thanks = await r.say("Saya sedang sakit")
    assert len(thanks) == 1 and thanks[0].text.startswith("Terima kasih, alasan Anda sudah")
    assert wa_bot.deps is not None
    event = await store.get_event(wa_bot.deps.db, event_id)
    assert event is not None and (event.answer, event.reason) == ("tidak_bisa", "Saya sedang sakit")
    came_round = await r.press("✅ Hadir", notice)  # changed their mind on the same notice
    assert came_round[-1].titles == ["✅ Hadir", "❌ Tidak bisa hadir"]
    event = await store.get_event(wa_bot.deps.db, event_id)
    assert event is not None and event.answer == "hadir"
    again = await r.press("✅ Hadir", notice)  # nothing changes: a short thanks, as a text
    assert [m.text for m in again] == ["Terima kasih, kehadiran Anda sudah kami catat."]


async def test_batal_works_while_a_reason_is_awaited(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    r, event_id = await scheduled(wa, wa_bot)
    await r.press("❌ Tidak bisa hadir")
    menu = await r.say("menu")  # menu always works, and is no reason
    assert menu[-1].is_list
    assert wa_bot.deps is not None
    event = await store.get_event(wa_bot.deps.db, event_id)
    assert event is not None and event.reason is None


async def answer_of(runner: BotRunner, event_id: int) -> tuple[str | None, str | None]:
    assert runner.deps is not None
    event = await store.get_event(runner.deps.db, event_id)
    assert event is not None
    return event.answer, event.reason


async def test_the_answer_typed_right_after_the_notice_counts_as_its_button(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    # A cheap phone may not show the buttons: the number or the words count the same.
    r, event_id = await scheduled(wa, wa_bot)
    card = await r.say("1")
    assert await answer_of(wa_bot, event_id) == ("hadir", None)
    assert card[-1].titles == ["✅ Hadir", "❌ Tidak bisa hadir"]  # the notice, answered
    asked = await r.say("Tidak bisa")
    assert await answer_of(wa_bot, event_id) == ("tidak_bisa", None)
    assert asked[-1].text.startswith("Mohon tuliskan alasan singkat")
    skipped = await r.say("1")  # "Lewati" by its number, not "1" as the reason
    assert [m.text for m in skipped] == [
        "Baik, petugas sudah kami beri tahu bahwa Anda tidak bisa hadir."
    ]
    assert await answer_of(wa_bot, event_id) == ("tidak_bisa", None)

    # The notice is no longer the last thing they got: "hadir" is then no answer to it.
    later = await r.say("hadir")
    assert await answer_of(wa_bot, event_id) == ("tidak_bisa", None)
    assert later and all("kehadiran" not in m.text for m in later)
    # The notice's own button still works, as always.
    await r.press("✅ Hadir", next(m for m in r.user.received if m.titles[:1] == ["✅ Hadir"]))
    assert await answer_of(wa_bot, event_id) == ("hadir", None)


async def test_words_people_type_for_hadir_and_tidak_bisa(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    r, event_id = await scheduled(wa, wa_bot)
    await r.say("Ya, saya hadir kak")
    assert await answer_of(wa_bot, event_id) == ("hadir", None)
    await r.say("2")  # the card shown again after the answer: its second button
    assert await answer_of(wa_bot, event_id) == ("tidak_bisa", None)
    thanks = await r.say("Saya sedang sakit")  # the reason, as before
    assert thanks[0].text.startswith("Terima kasih, alasan Anda sudah")
    assert await answer_of(wa_bot, event_id) == ("tidak_bisa", "Saya sedang sakit")


async def test_with_a_question_open_a_typed_answer_is_the_questions(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    reg_no = await register(wa, wa_bot, RESIDENT)
    r = WaResident.of(wa, wa_bot, RESIDENT)
    await r.say("ubah")  # changing answers: a question of the interview is open
    assert wa_bot.deps is not None
    done = await scheduling.schedule_event(
        wa_bot.deps, ADMIN_ID, reg_no, "wawancara",
        wa_bot.deps.clock.now() + timedelta(days=3), "BBPVP Serang",
    )  # fmt: skip
    assert not isinstance(done, svc.Problem)
    await r.idle()
    notice = r.last
    assert notice.titles == ["✅ Hadir", "❌ Tidak bisa hadir"]
    event_id = done.scheduled.event.id
    await r.say("hadir")
    await r.say("1")
    assert await answer_of(wa_bot, event_id) == (None, None)
    await r.press("✅ Hadir", notice)  # pressed, it counts whatever is open
    assert await answer_of(wa_bot, event_id) == ("hadir", None)
