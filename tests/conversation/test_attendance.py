"""Hadir / Tidak bisa hadir with no channel at all (bot/conversation/attendance.py): what a
resident who answers a schedule notice is shown, against a real SQLite file. The resident
here is a WhatsApp one (a negative user id); Telegram's adapter is tested end to end in
tests/e2e/test_schedule.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot import callbacks as cb
from bot.clock import FixedClock
from bot.conversation import attendance
from bot.conversation import views as cv
from bot.conversation.reply import Place, Reply
from bot.deps import Deps
from bot.i18n import set_locale
from bot.services import schedules as svc
from bot.storage import contacts, conversations
from bot.storage import schedules as store
from bot.storage.conversations import Kind
from tests.conftest import ADMIN_ID, NOW
from tests.helpers.conversation import engine_deps
from tests.helpers.rows import seed_applicant

REG_NO = "SRG-2026-00777"
OTHER_REG_NO = "SRG-2026-00778"


@pytest.fixture
async def d(tmp_path: Path) -> AsyncIterator[Deps]:
    set_locale("id")
    async with engine_deps(tmp_path) as deps:
        yield deps


async def resident(d: Deps, wa_id: str = "6281234500001", reg_no: str = REG_NO) -> int:
    contact = await contacts.arrived(d.db, wa_id, at=NOW.isoformat())
    await seed_applicant(d.db, contact.user_id, reg_no)
    return contact.user_id


async def interview(d: Deps, reg_no: str = REG_NO) -> int:
    result = await svc.schedule_one(
        d, ADMIN_ID, reg_no, "wawancara", NOW + timedelta(days=3), "BBPVP Serang"
    )
    assert not isinstance(result, svc.Problem)
    return result.event.id


def press(event_id: int, answer: cb.Attendance) -> str:
    return cb.ScheduleAnswer(event_id, answer).pack()


def texts(reply: Reply) -> list[str]:
    return [shown.view.text for shown in reply.shown]


def test_attendance_buttons_are_told_from_the_others() -> None:
    assert attendance.is_attendance_button(press(12, cb.Attendance.ATTEND))
    assert attendance.is_attendance_button(press(12, cb.Attendance.NO_REASON))
    assert attendance.is_attendance_button("ev:12:h")  # an older version's notice
    assert not attendance.is_attendance_button(cb.ConsentAnswer(True).pack())
    assert not attendance.is_attendance_button("wa-page:1")
    assert not attendance.is_attendance_button("")


async def test_hadir_shows_the_card_with_the_answer(d: Deps) -> None:
    user_id = await resident(d)
    event_id = await interview(d)
    reply = await attendance.chosen(d, user_id, None, press(event_id, cb.Attendance.ATTEND))
    assert reply.ack.text == "Terima kasih, kehadiran Anda sudah kami catat."
    assert not reply.ack.alert
    (card,) = reply.shown
    assert card.place is Place.REPLACE
    assert "Anda dijadwalkan wawancara" in card.view.text
    assert isinstance(card.view.choice, cv.SingleChoice)
    assert [o.id for o in card.view.choice.options] == [
        press(event_id, cb.Attendance.ATTEND), press(event_id, cb.Attendance.CANNOT)
    ]  # fmt: skip
    assert reply.then is None  # nothing changed for staff
    event = await store.get_event(d.db, event_id)
    assert event is not None and event.answer == "hadir"
    # Pressed again: only the thanks, nothing new to show.
    again = await attendance.chosen(d, user_id, None, press(event_id, cb.Attendance.ATTEND))
    assert again.shown == () and again.ack.text == reply.ack.text


async def test_tidak_bisa_hadir_asks_why_and_takes_the_typed_reason(d: Deps) -> None:
    user_id = await resident(d)
    event_id = await interview(d)
    reply = await attendance.chosen(d, user_id, None, press(event_id, cb.Attendance.CANNOT))
    card, ask = reply.shown
    assert card.place is Place.REPLACE and ask.place is Place.NEW
    assert isinstance(ask.view.choice, cv.SingleChoice)
    assert [o.id for o in ask.view.choice.options] == [press(event_id, cb.Attendance.NO_REASON)]
    conversation = await conversations.get(d.db, user_id)
    assert conversation is not None and conversation.kind is Kind.ABSENCE_REASON
    thanks = await attendance.take_reason(d, user_id, None, "  Sakit   demam ")
    assert thanks is not None and len(thanks.shown) == 1
    assert thanks.then is not None  # staff hear it once the resident has read the thanks
    await thanks.then()  # no reminder service here: nothing to send, nothing raised
    event = await store.get_event(d.db, event_id)
    assert event is not None and (event.answer, event.reason) == ("tidak_bisa", "Sakit demam")
    # The reason is in: the next text is not one.
    assert await attendance.take_reason(d, user_id, None, "halo") is None


async def test_no_reason_to_give(d: Deps) -> None:
    user_id = await resident(d)
    event_id = await interview(d)
    await attendance.chosen(d, user_id, None, press(event_id, cb.Attendance.CANNOT))
    skipped = await attendance.chosen(d, user_id, None, press(event_id, cb.Attendance.NO_REASON))
    assert [s.place for s in skipped.shown] == [Place.REPLACE] and skipped.then is not None
    assert await conversations.get(d.db, user_id) is None
    # "Lewati" again, from the old message: nothing is awaited any more.
    again = await attendance.chosen(d, user_id, None, press(event_id, cb.Attendance.NO_REASON))
    assert texts(again) != texts(skipped) and again.then is None


async def test_a_reason_too_long_is_asked_again(d: Deps) -> None:
    user_id = await resident(d)
    event_id = await interview(d)
    await attendance.chosen(d, user_id, None, press(event_id, cb.Attendance.CANNOT))
    reply = await attendance.take_reason(d, user_id, None, "x" * (svc.MAX_REASON + 1))
    assert reply is not None and reply.then is None
    assert str(svc.MAX_REASON) in texts(reply)[0]
    event = await store.get_event(d.db, event_id)
    assert event is not None and event.reason is None
    assert await conversations.get(d.db, user_id) is not None  # still waiting for it


async def test_someone_elses_schedule_is_gone(d: Deps) -> None:
    user_id = await resident(d)
    await resident(d, "6281234500002", OTHER_REG_NO)
    theirs = await interview(d, OTHER_REG_NO)
    reply = await attendance.chosen(d, user_id, None, press(theirs, cb.Attendance.ATTEND))
    assert reply.shown == () and reply.ack.alert  # the buttons are spent
    event = await store.get_event(d.db, theirs)
    assert event is not None and event.answer is None


async def test_a_begun_schedule_cannot_be_answered(d: Deps) -> None:
    user_id = await resident(d)
    event_id = await interview(d)
    assert isinstance(d.clock, FixedClock)
    d.clock.advance(days=4)
    reply = await attendance.chosen(d, user_id, None, press(event_id, cb.Attendance.CANNOT))
    assert reply.shown == () and reply.ack.alert
    assert await conversations.get(d.db, user_id) is None


async def test_a_cancelled_or_moved_schedule_is_answered_below_the_old_notice(d: Deps) -> None:
    user_id = await resident(d)
    first = await interview(d)
    moved = await svc.schedule_one(
        d, ADMIN_ID, REG_NO, "wawancara", NOW + timedelta(days=5), "BBPVP Serang, Gedung B"
    )
    assert not isinstance(moved, svc.Problem)
    reply = await attendance.chosen(d, user_id, None, press(first, cb.Attendance.ATTEND))
    (shown,) = reply.shown
    assert shown.place is Place.AFTER and "Gedung B" in shown.view.text
    assert isinstance(shown.view.choice, cv.SingleChoice)
    assert shown.view.choice.options[0].id == press(moved.event.id, cb.Attendance.ATTEND)
    await svc.cancel(d, ADMIN_ID, REG_NO, "wawancara")
    gone = await attendance.chosen(d, user_id, None, press(moved.event.id, cb.Attendance.ATTEND))
    (shown,) = gone.shown
    assert shown.place is Place.AFTER and shown.view.choice is None
    assert "dibatalkan" in shown.view.text
