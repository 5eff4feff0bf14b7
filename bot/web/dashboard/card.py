"""Kartu pendaftar: one applicant on one page, and what staff do to them from it.

The card shows what /cari's card shows (the answers labelled the same way, health answers
included, to every staff member as the bot does), and what the bot keeps about them besides:
the stage changes (from the audit log), every note, every event with the resident's answer and
its reminders, and the messages the service sent them. Viewing it is audited as /cari's card.

Its forms call the same functions as the bot's commands (bot/services/applicant_desk.py for
/tahap and /catatan), so the resident reads the same message and the audit log gets the same
entry. A form that is refused shows the card again with the sentence and what was typed (so
nothing is lost, and no note goes into an address); one that is applied redirects to the card
with ``?kabar=KEY``. The registration number is the only thing in an address.
"""

from __future__ import annotations

import html
import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from markupsafe import Markup
from starlette.convertors import Convertor, register_url_convertor
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.conversation.answers import answer_text
from bot.deps import Deps
from bot.domain import questionnaire as qn
from bot.domain import reg_no as reg_nos
from bot.domain.dates import format_datetime, stored_moment
from bot.domain.reminders import KINDS
from bot.domain.schedule_csv import (
    MAX_PLACE,
    FieldError,
    Problem,
    check_place,
    event_start,
    parse_kind,
)
from bot.domain.stages import STAGES, parse_stage
from bot.i18n import N_, _, format_number
from bot.services import applicant_desk as desk
from bot.services import casework, scheduling
from bot.services.applicant_desk import StageNotice
from bot.services.casework import NoteProblem, StageProblem
from bot.services.notify import Delivery
from bot.services.reminders import kind_label
from bot.storage import applicant_history as history
from bot.storage import applicants as repo
from bot.storage import contacts, message_log
from bot.storage.applicants import Applicant
from bot.storage.message_log import Kind
from bot.storage.notes import MAX_NOTE_LENGTH
from bot.storage.schedules import Reminder
from bot.storage.staff import AuditEntry
from bot.web.dashboard.auth import Staffer
from bot.web.dashboard.news import back_to, news_from
from bot.web.dashboard.pages import deps_of, page, staff_page
from bot.web.dashboard.security import PREFIX

log = logging.getLogger(__name__)

PATH = PREFIX + "/pendaftar"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class RegNoConvertor(Convertor[str]):
    """Only a registration number in its stored form matches: the other addresses under
    /dasbor/pendaftar (the bulk pages) never reach the card."""

    regex = rf"{reg_nos.PREFIX}-[0-9]{{4}}-[0-9]{{{reg_nos.SERIAL_DIGITS}}}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("reg_no", RegNoConvertor())


def card_path(reg_no: str) -> str:
    return f"{PATH}/{reg_no}"


# What the card says after a form was applied, named in the address it returns to.
NEWS = {
    "tahap_terkirim": N_("web.card.news.stage_sent"),
    "tahap_nonaktif": N_("web.card.news.stage_inactive"),
    "tahap_diblokir": N_("web.card.news.stage_blocked"),
    "tahap_gagal": N_("web.card.news.stage_error"),
    "tahap_luar_24_jam": N_("web.card.news.stage_outside_window"),
    "catatan": N_("web.card.news.note"),
    "jadwal_terkirim": N_("web.card.news.schedule_sent"),
    "jadwal_tertunda": N_("web.card.news.schedule_retry"),
    "jadwal_diblokir": N_("web.card.news.schedule_blocked"),
    "jadwal_gagal": N_("web.card.news.schedule_failed"),
}
SCHEDULE_NEWS = {
    Delivery.SENT: "jadwal_terkirim",
    Delivery.RETRY: "jadwal_tertunda",
    Delivery.BLOCKED: "jadwal_diblokir",
    Delivery.FAILED: "jadwal_gagal",
}
# /jadwalkan's own sentences for what is wrong with a date, a time or a place.
SCHEDULE_PROBLEM = {
    Problem.DATE_MISSING: N_("schedule.err.date_missing"),
    Problem.DATE_FORMAT: N_("schedule.err.date_format"),
    Problem.DATE_INVALID: N_("schedule.err.date_invalid"),
    Problem.TIME_MISSING: N_("schedule.err.time_missing"),
    Problem.TIME_FORMAT: N_("schedule.err.time_format"),
    Problem.TIME_INVALID: N_("schedule.err.time_invalid"),
    Problem.PAST: N_("schedule.err.past"),
    Problem.PLACE_MISSING: N_("schedule.err.place_missing"),
    Problem.PLACE_TOO_LONG: N_("schedule.err.place_too_long"),
}
STAGE_NEWS = {
    StageNotice.SENT: "tahap_terkirim",
    StageNotice.INACTIVE: "tahap_nonaktif",
    StageNotice.BLOCKED: "tahap_diblokir",
    StageNotice.ERROR: "tahap_gagal",
    StageNotice.OUTSIDE_WINDOW: "tahap_luar_24_jam",
}

EVENT_STATUS = {
    "active": N_("web.card.event.active"),
    "rescheduled": N_("web.card.event.rescheduled"),
    "cancelled": N_("web.card.event.cancelled"),
}
ANSWER = {
    "hadir": N_("schedule.answer.hadir"),
    "tidak_bisa": N_("schedule.answer.tidak_bisa"),
    None: N_("schedule.answer.none"),
}
NOTICE = {
    "pending": N_("web.card.notice.pending"),
    "sent": N_("web.card.notice.sent"),
    "failed": N_("web.card.notice.failed"),
}
REMINDER = {
    "pending": N_("web.card.reminder.pending"),
    "sent": N_("web.card.reminder.sent"),
    "skipped": N_("web.card.reminder.skipped"),
    "cancelled": N_("web.card.reminder.cancelled"),
}
REMINDER_WHY = {
    "begun": N_("web.card.reminder.why.begun"),
    "opted_out": N_("web.card.reminder.why.opted_out"),
    "inactive": N_("web.card.reminder.why.inactive"),
    "declined": N_("web.card.reminder.why.declined"),
    "blocked": N_("web.card.reminder.why.blocked"),
    "failed": N_("web.card.reminder.why.failed"),
    "outside_window": N_("web.card.reminder.why.outside_window"),
    "event_cancelled": N_("web.card.reminder.why.event_cancelled"),
    "rescheduled": N_("web.card.reminder.why.rescheduled"),
}
OUTBOX = {
    "pending": N_("web.card.outbox.pending"),
    "sent": N_("web.card.outbox.sent"),
    "blocked": N_("web.card.outbox.blocked"),
    "failed": N_("web.card.outbox.failed"),
    "skipped": N_("web.card.outbox.skipped"),
}
MESSAGE_KIND = {
    Kind.STAGE: N_("web.card.message.stage"),
    Kind.PLACE: N_("web.card.message.place"),
    Kind.SCHEDULE: N_("web.card.message.schedule"),
    Kind.SCHEDULE_CANCEL: N_("web.card.message.schedule_cancel"),
    Kind.REMINDER: N_("web.card.message.reminder"),
    Kind.NIK_CONFLICT: N_("web.card.message.nik_conflict"),
    Kind.TURNED_18: N_("web.card.message.turned_18"),
    Kind.QUESTION_REPLY: N_("web.card.message.question_reply"),
    Kind.OTHER: N_("web.card.message.other"),
}
MESSAGE_OUTCOME = {
    "sent": N_("web.card.outcome.sent"),
    "blocked": N_("web.card.outcome.blocked"),
    "retry": N_("web.card.outcome.retry"),
    "failed": N_("web.card.outcome.failed"),
    "outside_window": N_("web.card.outcome.outside_window"),
}
# A WhatsApp message's outcome in the channel's own words where Telegram's would mislead.
WHATSAPP_OUTCOME = {
    "failed": N_("web.card.outcome.failed_whatsapp"),
    "blocked": N_("web.card.outcome.blocked_whatsapp"),
}
# How far Meta says a WhatsApp message got (its webhook statuses), after the outcome.
WHATSAPP_STATUS = {
    "delivered": N_("web.card.wa_status.delivered"),
    "read": N_("web.card.wa_status.read"),
    "failed": N_("web.card.wa_status.failed"),
}
ANNOUNCEMENT_GIST = 80  # characters of an announcement's text, enough to tell which one


def label(key: str) -> str:
    """A catalog text, or the last part of the key when a value has no text (yet)."""
    text = _(key)
    return key.rsplit(".", 1)[-1] if text == key else text


def when(d: Deps, stored: str | None, locale: str) -> str:
    return format_datetime(stored_moment(stored, d.settings.timezone), locale) if stored else "—"


@dataclass(frozen=True)
class Line:
    """One labelled value of the card."""

    label: str
    value: str | Markup


@dataclass(frozen=True)
class StageRow:
    when: str
    by: int
    old: str
    new: str
    with_note: bool


@dataclass(frozen=True)
class NoteRow:
    when: str
    by: int
    text: str


@dataclass(frozen=True)
class ReminderRow:
    due: str
    status: str


@dataclass(frozen=True)
class EventRow:
    kind: str
    when: str
    place: str
    note: str | None
    status: str
    current: bool
    answer: str
    reason: str | None
    notice: str
    reminders: list[ReminderRow]


@dataclass(frozen=True)
class MessageRow:
    at: str  # stored (UTC ISO): the order of the list
    when: str
    what: str
    outcome: str


@dataclass
class Typed:
    """What a refused form held, shown again in it."""

    stage: str = ""
    stage_note: str = ""
    note: str = ""
    kind: str = ""
    day: str = ""
    clock: str = ""
    place: str = ""


def answer_lines(a: Applicant) -> list[Line]:
    """Every answer given, labelled as /cari's card labels it (its text is escaped there)."""
    return [
        Line(_(q.label), Markup(answer_text(q, a.answers)))
        for q in qn.QUESTIONS
        if q.key in a.answers and q.key != "name"
    ]


def verdict_lines(a: Applicant) -> list[str]:
    return [label(f"card.reason.{r}") for r in a.reasons] + [
        label(f"card.missing.{m}") for m in a.missing
    ]


def place_text(a: Applicant, position: int | None) -> str:
    if not a.pool:
        return "—"
    pool = label(f"card.pool.{a.pool}")
    if position is not None:
        return _("web.card.waitlist").format(pool=pool, position=format_number(position))
    return _("web.card.place").format(pool=pool)


def stage_rows(d: Deps, entries: list[AuditEntry], locale: str) -> list[StageRow]:
    rows = []
    for e in entries:
        detail = stored_detail(e.detail)
        old = str(detail.get("from") or "")
        rows.append(StageRow(
            when(d, e.at, locale), e.actor_id, label(f"stage.{old}") if old else "—",
            label(f"stage.{detail.get('to', '')}"), bool(detail.get("note")),
        ))  # fmt: skip
    return rows


def stored_detail(stored: str | None) -> dict[str, Any]:
    try:
        value = json.loads(stored) if stored else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def reminder_status(d: Deps, r: Reminder, locale: str) -> str:
    text = _(REMINDER.get(r.status, REMINDER["skipped"]))
    if r.status == "sent" and r.sent_at:
        return _("web.card.reminder.sent_at").format(at=when(d, r.sent_at, locale))
    if r.status in ("skipped", "cancelled") and r.detail:
        why = REMINDER_WHY.get(r.detail)
        return f"{text} ({_(why) if why else r.detail})"
    return text


def event_rows(d: Deps, found: list[history.EventWithReminders], locale: str) -> list[EventRow]:
    rows = []
    for item in found:
        e = item.event
        rows.append(EventRow(
            kind=kind_label(e.kind), when=format_datetime(e.starts_at.astimezone(
                d.settings.timezone), locale),
            place=e.place, note=e.note, status=_(EVENT_STATUS.get(e.status, e.status)),
            current=e.status == "active", answer=_(ANSWER.get(e.answer, ANSWER[None])),
            reason=e.reason, notice=_(NOTICE.get(e.notice, e.notice)),
            reminders=[
                ReminderRow(
                    format_datetime(r.due_at.astimezone(d.settings.timezone), locale),
                    reminder_status(d, r, locale),
                )
                for r in item.reminders
            ],
        ))  # fmt: skip
    return rows


def gist(text: str | None) -> str:
    """The start of an announcement as plain text (it is stored as Telegram HTML)."""
    plain = " ".join(html.unescape(re.sub(r"<[^>]+>", "", text or "")).split())
    return plain if len(plain) <= ANNOUNCEMENT_GIST else plain[: ANNOUNCEMENT_GIST - 1] + "…"


def announcement_rows(d: Deps, found: list[history.Received], locale: str) -> list[MessageRow]:
    return [
        MessageRow(
            r.sent_at or r.started_at or "",
            when(d, r.sent_at or r.started_at, locale),
            _("web.card.message.announcement").format(id=r.broadcast_id, gist=gist(r.text)),
            _(OUTBOX.get(r.status, r.status)),
        )
        for r in found
    ]


def personal_rows(
    d: Deps, found: list[message_log.Sent], locale: str, *, whatsapp: bool = False
) -> list[MessageRow]:
    return [
        MessageRow(
            m.at,
            when(d, m.at, locale),
            label_of(MESSAGE_KIND, m.kind),
            outcome_label(m, whatsapp),
        )
        for m in found
    ]


def outcome_label(m: message_log.Sent, whatsapp: bool) -> str:
    """ "Terkirim", or on WhatsApp also how far it got: "Terkirim · sudah dibaca"."""
    if whatsapp and m.outcome in WHATSAPP_OUTCOME:
        text = _(WHATSAPP_OUTCOME[m.outcome])
    else:
        text = label_of(MESSAGE_OUTCOME, m.outcome)
    if m.outcome == message_log.SENT and m.wa_status in WHATSAPP_STATUS:
        text += " · " + _(WHATSAPP_STATUS[m.wa_status])
    return text


def label_of(texts: dict[Any, str], code: str) -> str:
    return _(texts[code]) if code in texts else code


async def messages(d: Deps, user_id: int, locale: str) -> list[MessageRow]:
    """Personal messages and announcements together, the newest first."""
    sent = await message_log.of_person(d.db, user_id, history.SHOWN)
    whatsapp = contacts.channel_of(user_id) == contacts.WHATSAPP
    rows = personal_rows(d, sent, locale, whatsapp=whatsapp)
    rows += announcement_rows(d, await history.announcements(d.db, user_id), locale)
    return sorted(rows, key=lambda r: stored_moment(r.at, UTC) if r.at else EPOCH, reverse=True)


async def applicant_of(request: Request) -> Applicant | None:
    applicant = await repo.get_by_reg_no(deps_of(request).db, request.path_params["reg_no"])
    return applicant if applicant is not None and applicant.submitted else None


def not_found(who: Staffer, reg_no: str) -> Response:
    return page("refused.html", who, "pendaftar", 404, title=_("web.card.title_missing"),
                message=_("web.card.not_found").format(reg_no=reg_no))  # fmt: skip


def news(request: Request) -> str | None:
    return news_from(request, NEWS)


async def show(
    request: Request, who: Staffer, a: Applicant, *, status_code: int = 200,
    problem: str | None = None, typed: Typed | None = None,
) -> Response:  # fmt: skip
    d = deps_of(request)
    locale = who.locale
    card = await casework.card(d, a, notes_shown=history.SHOWN)
    assert a.reg_no is not None
    notes = [NoteRow(when(d, n.at, locale), n.author_id, n.text) for n in card.notes]
    return page(
        "card.html", who, "pendaftar", status_code,
        title=_("web.card.title").format(reg_no=a.reg_no),
        a=a, name=str(a.answers.get("name") or "—"),
        status=label(f"card.status.{a.status}"),
        channel=label(f"channel.{a.channel}"),
        stage=label(f"stage.{a.stage}") if a.stage else "—",
        stage_since=when(d, a.stage_changed_at, locale),
        outcome=label(f"card.outcome.{a.outcome}") if a.outcome else "—",
        verdict=verdict_lines(a), place=place_text(a, card.waitlist_position),
        flags=[label(f"flag.{f}") for f in a.staff_flags],
        dates=[
            Line(_("web.card.created"), when(d, a.created_at, locale)),
            Line(_("web.card.consent"), _("web.card.consent_value").format(
                at=when(d, a.consent_at, locale), version=a.consent_version or "—")),
            Line(_("web.card.submitted"), when(d, a.submitted_at, locale)),
            Line(_("web.card.language"), label(f"language.{a.locale}")),
            Line(_("web.card.source"), a.source or "—"),
            # A WhatsApp resident's user id is the bot's own (negative), no Telegram id.
            *([Line(_("web.card.telegram_id"), str(a.user_id))] if a.channel == "telegram"
              else []),
        ],
        answers=answer_lines(a),
        stages=stage_rows(d, await history.stage_changes(d.db, a.reg_no), locale),
        notes=notes, notes_total=card.notes_total,
        events=event_rows(d, await history.events(d.db, a.user_id), locale),
        messages=await messages(d, a.user_id, locale),
        stage_choices=[(s, label(f"stage.{s}")) for s in STAGES],
        kind_choices=[(k, kind_label(k)) for k in KINDS], place_max=MAX_PLACE,
        note_max=MAX_NOTE_LENGTH, news=news(request), problem=problem, typed=typed or Typed(),
        here=card_path(a.reg_no),
    )  # fmt: skip


@staff_page()
async def card(request: Request, who: Staffer) -> Response:
    d = deps_of(request)
    applicant = await applicant_of(request)
    if applicant is None:
        return not_found(who, request.path_params["reg_no"])
    await casework.record_card_view(d, who.user_id, applicant)  # as /cari's card: UU PDP
    return await show(request, who, applicant)


def text_field(form: FormData, name: str, limit: int) -> str:
    """A form's text, cut a little past ``limit`` so that "too long" is still seen."""
    value = form.get(name)
    return value[: limit + 1] if isinstance(value, str) else ""


def back(reg_no: str, key: str) -> Response:
    return back_to(card_path(reg_no), key)


@staff_page()
async def change_stage(request: Request, who: Staffer) -> Response:
    """/tahap from the card: the same function, the same message to the resident."""
    applicant = await applicant_of(request)
    reg_no = request.path_params["reg_no"]
    if applicant is None:
        return not_found(who, reg_no)
    form = await request.form()
    stage = text_field(form, "tahap", 40).strip()
    note = text_field(form, "catatan", MAX_NOTE_LENGTH)
    typed = Typed(stage=stage, stage_note=note)
    if parse_stage(stage) is None:
        return await show(request, who, applicant, status_code=400, typed=typed,
                          problem=_("web.card.stage.choose"))  # fmt: skip
    moved = await desk.change_stage(deps_of(request), who.user_id, reg_no, stage, note)
    if moved is StageProblem.UNKNOWN_REG_NO:  # erased meanwhile
        return not_found(who, reg_no)
    if isinstance(moved, StageProblem):
        problem = (
            _("web.card.stage.same").format(stage=label(f"stage.{parse_stage(stage)}"))
            if moved is StageProblem.SAME_STAGE
            else _("web.card.note.too_long").format(max=format_number(MAX_NOTE_LENGTH))
        )
        return await show(request, who, applicant, status_code=400, typed=typed, problem=problem)
    return back(reg_no, STAGE_NEWS[moved.notice])


@staff_page()
async def add_note(request: Request, who: Staffer) -> Response:
    """/catatan from the card."""
    applicant = await applicant_of(request)
    reg_no = request.path_params["reg_no"]
    if applicant is None:
        return not_found(who, reg_no)
    text = text_field(await request.form(), "catatan", MAX_NOTE_LENGTH)
    result = await desk.add_note(deps_of(request), who.user_id, reg_no, text)
    if result is NoteProblem.UNKNOWN_REG_NO:
        return not_found(who, reg_no)
    if isinstance(result, NoteProblem):
        problem = (
            _("web.card.note.empty")
            if result is NoteProblem.EMPTY
            else _("web.card.note.too_long").format(max=format_number(MAX_NOTE_LENGTH))
        )
        return await show(request, who, applicant, status_code=400, typed=Typed(note=text),
                          problem=problem)  # fmt: skip
    return back(reg_no, "catatan")


@staff_page()
async def schedule(request: Request, who: Staffer) -> Response:
    """/jadwalkan for this one applicant: the event saved, its reminders armed, the resident's
    notice with the answer buttons, through the same function."""
    d = deps_of(request)
    applicant = await applicant_of(request)
    reg_no = request.path_params["reg_no"]
    if applicant is None:
        return not_found(who, reg_no)
    form = await request.form()
    typed = Typed(
        kind=text_field(form, "jenis", 40).strip(), day=text_field(form, "tanggal", 40),
        clock=text_field(form, "jam", 40), place=text_field(form, "tempat", MAX_PLACE),
    )  # fmt: skip
    kind = parse_kind(typed.kind) if typed.kind else None
    problem: str | None = None
    if kind is None:
        problem = _("web.card.schedule.pick_kind")
    else:
        try:
            starts_at = event_start(typed.day, typed.clock, d.settings.timezone, d.clock.now())
            place = check_place(typed.place)
        except FieldError as exc:
            problem = _(SCHEDULE_PROBLEM[exc.problem])
    if problem is not None:
        return await show(request, who, applicant, status_code=400, typed=typed,
                          problem=problem + " " + _("web.card.schedule.nothing_saved"))  # fmt: skip
    assert kind is not None
    done = await scheduling.schedule_event(d, who.user_id, reg_no, kind, starts_at, place)
    if isinstance(done, Problem):  # REG_NO_UNKNOWN: erased meanwhile
        return not_found(who, reg_no)
    return back(reg_no, SCHEDULE_NEWS[done.notice])


ROUTES = [
    Route(PATH + "/{reg_no:reg_no}", card, methods=["GET"]),
    Route(PATH + "/{reg_no:reg_no}/tahap", change_stage, methods=["POST"]),
    Route(PATH + "/{reg_no:reg_no}/catatan", add_note, methods=["POST"]),
    Route(PATH + "/{reg_no:reg_no}/jadwal", schedule, methods=["POST"]),
]
