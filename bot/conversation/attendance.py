"""Hadir / Tidak bisa hadir: a resident's answer to a schedule notice or reminder, for every
channel.

The notice's buttons carry ``cb.ScheduleAnswer`` ids (bot/services/reminders.py
``answer_options``). A channel routes a chosen id here when ``is_attendance_button`` says so,
and the text of someone asked why they cannot come to ``take_reason``; it shows the
``Reply`` (Telegram: handlers/schedule.py; WhatsApp: the WhatsApp conversation). The staff
member who scheduled it hears the answer in ``Reply.then``, once the resident has seen theirs.
A channel whose buttons may not show well (WhatsApp on a cheap phone) reads a typed "hadir"
or "tidak bisa" with ``typed_answer`` while a notice is what the person last received.

How the replies read across channels: the answer to a press replaces the pressed notice
(REPLACE: the updated card with the current answer); a notice that no longer applies
(cancelled, rescheduled) is kept readable and answered below (AFTER); an ``Ack`` with
``alert`` and nothing shown (a schedule gone or begun) means the pressed buttons are spent:
a channel that can edit takes them away.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from bot import callbacks as cb
from bot.conversation.reply import Ack, Place, Reply, Shown, new
from bot.conversation.views import SingleChoice, View, option
from bot.deps import Deps
from bot.i18n import _, get_locale
from bot.services import schedules as svc
from bot.services.reminders import answer_options, kind_label, notice_text
from bot.storage import conversations
from bot.storage import schedules as store
from bot.storage.applicants import Applicant
from bot.storage.conversations import Kind
from bot.storage.schedules import Event

COMES_AFTER_ALL = "schedule.staff.comes_after_all"
DECLINED = "schedule.staff.declined"


def is_attendance_button(id: str) -> bool:
    """Does this option id answer a schedule notice?"""
    return cb.ScheduleAnswer.parse(id) is not None


# What people type for the two buttons when they cannot (or would rather not) press one:
# the buttons' own words are matched by the channel; these are the usual short answers to
# "Apakah Anda bisa hadir?", in Indonesian as people type it and in English, once polite
# words are left out ("Ya, saya hadir kak" is "ya hadir"). Whole answers only: "tidak bisa
# karena sakit" is none of them (a reason or a question: the channel's usual way).
_POLITE = frozenset({
    "saya", "aku", "sy", "kak", "ka", "kakak", "pak", "bu", "bapak", "ibu", "min", "admin",
    "mas", "mbak", "insya", "insyaallah", "insyallah", "allah", "siap", "ok", "oke", "okay",
    "baik", "terima", "kasih", "makasih", "maaf", "mohon", "sorry", "i", "will", "we",
    "thanks", "thank", "you", "sir", "madam", "please",
})  # fmt: skip
_ATTEND = frozenset({
    "hadir", "ya", "iya", "iyaa", "y", "bisa", "ya hadir", "iya hadir", "bisa hadir",
    "ya bisa", "iya bisa", "ya bisa hadir", "iya bisa hadir", "dapat hadir", "datang",
    "bisa datang", "ya datang", "attend", "come", "yes", "yes attend", "yes come", "can come",
    "can attend", "yes can come", "be there",
})  # fmt: skip
_NOT = ("tidak", "tdk", "gak", "ga", "nggak", "enggak", "engga", "ngga", "gk", "g")
_CANNOT = frozenset(
    {f"{no}{then}" for no in _NOT for then in ("", " bisa", " bisa hadir", " hadir",
                                                " dapat hadir", " bisa datang", " datang")}
    | {"berhalangan", "berhalangan hadir", "izin", "izin tidak hadir", "absen", "no",
       "cannot", "cannot attend", "cannot come", "can t", "can t attend", "can t come",
       "not attending", "not coming", "no cannot", "no can t", "unable to attend",
       "unable to come"}
)  # fmt: skip


def typed_answer(text: str) -> cb.Attendance | None:
    """Hadir or Tidak bisa hadir as someone typed it, or None when the text is not one of
    those short answers."""
    kept = "".join(c if c.isalnum() else " " for c in text.casefold())
    words = " ".join(w for w in kept.split() if w not in _POLITE)
    if words in _ATTEND:
        return cb.Attendance.ATTEND
    if words in _CANNOT:
        return cb.Attendance.CANNOT
    return None


def answering(choice_ids: Sequence[str], answer: cb.Attendance) -> str | None:
    """Of a notice's buttons, the one that gives ``answer``."""
    for id in choice_ids:
        data = cb.ScheduleAnswer.parse(id)
        if data is not None and data.answer is answer:
            return id
    return None


async def card(d: Deps, event: Event) -> View:
    """The notice with the current answer and its two buttons, in the current locale."""
    previous = await store.replaced_event(d.db, event.id)
    text = notice_text(d, event, get_locale(), previous)
    return View(text, SingleChoice(answer_options(event), columns=2))


def _tell_staff(d: Deps, event: Event, key: str) -> Callable[[], Awaitable[None]]:
    async def tell() -> None:
        if d.reminders is not None:  # stopping: the answer is stored, staff read it in /agenda
            await d.reminders.tell_staff(event, key)

    return tell


async def chosen(d: Deps, user_id: int, applicant: Applicant | None, id: str) -> Reply:
    """Hadir, Tidak bisa hadir, or no reason to give after Tidak bisa hadir."""
    data = cb.ScheduleAnswer.parse(id)
    if data is None:
        return Reply()
    if data.answer is cb.Attendance.NO_REASON:
        return await _skip_reason(d, user_id, data.event_id)
    value = "hadir" if data.answer is cb.Attendance.ATTEND else "tidak_bisa"
    result = await svc.answer(d, user_id, data.event_id, value)
    state, event = result.state, result.event
    if state is svc.AnswerState.NOT_FOUND:
        return Reply(ack=Ack(_("schedule.answer_gone"), alert=True))
    if state is svc.AnswerState.BEGUN:
        return Reply(ack=Ack(_("schedule.answer_begun"), alert=True))
    assert event is not None
    if state is svc.AnswerState.CANCELLED or (
        state is svc.AnswerState.RESCHEDULED and result.current is None
    ):
        text = _("schedule.answer_cancelled").format(kind=kind_label(event.kind))
        return Reply((Shown(View(text), Place.AFTER),))
    if state is svc.AnswerState.RESCHEDULED:
        assert result.current is not None
        current = await card(d, result.current)
        notice = _("schedule.answer_rescheduled").format(kind=kind_label(event.kind))
        view = View(notice + "\n\n" + current.text, current.choice)
        return Reply((Shown(view, Place.AFTER),))
    if state is svc.AnswerState.UNCHANGED:
        return Reply(ack=Ack(_("schedule.thanks_hadir")))
    if value == "hadir":
        then = (
            _tell_staff(d, event, COMES_AFTER_ALL) if result.changed_from == "tidak_bisa" else None
        )
        shown = (Shown(await card(d, event), Place.REPLACE),)
        return Reply(shown, Ack(_("schedule.thanks_hadir")), then=then)
    # Tidak bisa hadir: the card says so (unless it already did), then why, or skip.
    views: list[Shown] = []
    if result.changed_from != value:
        views.append(Shown(await card(d, event), Place.REPLACE))
    no_reason = cb.ScheduleAnswer(event.id, cb.Attendance.NO_REASON)
    skip = SingleChoice((option(_("schedule.btn.skip_reason"), no_reason),))
    views.append(Shown(View(_("schedule.ask_reason"), skip)))
    return Reply(tuple(views))


async def _skip_reason(d: Deps, user_id: int, event_id: int) -> Reply:
    event = await store.get_event(d.db, event_id)
    if event is None or event.user_id != user_id or not await _awaits_reason(d, event):
        return Reply((Shown(View(_("schedule.reason_not_needed")), Place.REPLACE),))
    event = await svc.give_reason(d, event, None)
    shown = (Shown(View(_("schedule.reason_skipped")), Place.REPLACE),)
    return Reply(shown, then=_tell_staff(d, event, DECLINED))


async def _awaits_reason(d: Deps, event: Event) -> bool:
    """Is this event's reason what the person is in the middle of giving?"""
    conversation = await conversations.get(d.db, event.user_id)
    return (
        conversation is not None
        and conversation.kind is Kind.ABSENCE_REASON
        and conversation.ref == event.id
    )


async def take_reason(
    d: Deps, user_id: int, applicant: Applicant | None, text: str
) -> Reply | None:
    """The text of someone asked why they cannot come: their reason. None when no reason
    is awaited from them (the text is then for whatever else takes texts)."""
    conversation = await conversations.get(d.db, user_id)
    if conversation is None or conversation.kind is not Kind.ABSENCE_REASON:
        return None
    event = await store.get_event(d.db, conversation.ref)
    if event is None or event.status != "active" or event.user_id != user_id:
        await conversations.end_for(d.db, user_id, conversation.kind, conversation.ref)
        return None  # the event went (cancelled, rescheduled, deleted): nothing awaited
    reason = " ".join(text.split())
    if len(reason) > svc.MAX_REASON:
        return new(View(_("schedule.reason_too_long").format(max=svc.MAX_REASON)))
    event = await svc.give_reason(d, event, reason)
    return Reply((Shown(View(_("schedule.reason_thanks"))),), then=_tell_staff(d, event, DECLINED))
