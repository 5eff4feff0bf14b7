"""Schedules: /jadwalkan, /agenda and /jadwal for staff, /jadwal and Hadir / Tidak bisa
hadir for residents, and the lifespan that re-creates the reminder jobs."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from html import escape
from typing import Any

from telegram import InputFile, Update
from telegram.error import BadRequest
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import callbacks as cb
from bot.channels.telegram.send import send as send_to_chat
from bot.channels.telegram.timers import JobQueueTimers
from bot.conversation import account, attendance
from bot.conversation.reply import Reply
from bot.conversation.schedule_text import answer_text, chunks, event_lines
from bot.deps import Deps
from bot.domain.dates import format_date, format_time
from bot.domain.reminders import KINDS
from bot.domain.schedule_csv import (
    MAX_BYTES,
    MAX_ROWS,
    FieldError,
    Problem,
    RowError,
    check_place,
    check_reg_no,
    event_start,
    parse_day,
    parse_kind,
    template_csv,
)
from bot.feature import App, Feature, Group, StaffCommand
from bot.i18n import N_, _, get_locale
from bot.services import schedules as svc
from bot.services import scheduling
from bot.services.notify import Delivery
from bot.services.reminders import (
    ReminderService,
    capitalised,
    kind_label,
    when_text,
)
from bot.services.roles import audit, is_staff
from bot.storage.applicants import Applicant
from bot.storage.conversations import Conversation, Kind
from handlers.access import staff_only
from handlers.common import (
    Context,
    View,
    applicant_of,
    deps,
    number,
    send,
    user_id,
)
from handlers.registration import deliver

log = logging.getLogger(__name__)

MAX_ERRORS_SHOWN = 60


def _kinds() -> str:
    return ", ".join(KINDS)


def _short(text: str, limit: int = 40) -> str:
    """A user-typed value quoted back: escaped and cut short."""
    text = " ".join(text.split())
    return escape(text if len(text) <= limit else text[: limit - 1] + "…")


def problem_text(problem: Problem, params: dict[str, Any] | None = None) -> str:
    values = {"kinds": _kinds(), "kind": "", "reg_no": "", "other": ""}
    values.update({k: _short(str(v)) for k, v in (params or {}).items()})
    return _(f"schedule.err.{problem.value}").format(**values)


def _name(applicant: Applicant) -> str:
    return escape(str(applicant.answers.get("name") or "—"))


async def send_lines(update: Update, context: Context, lines: Sequence[str]) -> None:
    for text in chunks(lines):
        await send(update, context, View(text))


def _service(d: Deps) -> ReminderService:
    assert d.reminders is not None, "the schedule feature's lifespan starts the reminders"
    return d.reminders


# --- /jadwalkan ----------------------------------------------------------------------


@staff_only
async def jadwalkan(update: Update, context: Context) -> None:
    """/jadwalkan <reg no> <kind> <date> <time> <place...>, batal, templat."""
    args = list(context.args or [])
    if not args:
        await send(update, context, View(_("schedule.usage").format(kinds=_kinds())))
        return
    first = args[0].lower()
    if first in ("templat", "template"):
        await _send_template(update, context)
    elif first in ("batal", "cancel"):
        await _cancel(update, context, args[1:])
    else:
        await _schedule(update, context, args)


async def _send_template(update: Update, context: Context) -> None:
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_document(
        chat.id,
        InputFile(template_csv(), filename="jadwal_templat.csv"),
        caption=_("schedule.template_caption").format(kinds=_kinds()),
    )
    await audit(deps(context), user_id(update), "schedule_template")


def _parse_single(
    d: Deps, args: list[str]
) -> tuple[str, str, Any, str] | str:  # (reg_no, kind, starts_at, place) or an error text
    if len(args) < 5:
        return _("schedule.usage").format(kinds=_kinds())
    try:
        reg_no = check_reg_no(args[0])
    except FieldError as exc:
        return problem_text(exc.problem, {"reg_no": args[0]})
    kind = parse_kind(args[1])
    if kind is None:
        return problem_text(Problem.KIND_UNKNOWN, {"kind": args[1]})
    try:
        starts_at = event_start(args[2], args[3], d.settings.timezone, d.clock.now())
        place = check_place(" ".join(args[4:]))
    except FieldError as exc:
        return problem_text(exc.problem)
    return reg_no, kind, starts_at, place


async def _schedule(update: Update, context: Context, args: list[str]) -> None:
    d = deps(context)
    parsed = _parse_single(d, args)
    if isinstance(parsed, str):
        await send(update, context, View(parsed))
        return
    reg_no, kind, starts_at, place = parsed
    done = await scheduling.schedule_event(
        d, user_id(update), reg_no, kind, starts_at, place
    )
    if isinstance(done, Problem):
        await send(update, context, View(problem_text(done, {"reg_no": reg_no})))
        return
    result = done.scheduled
    locale = get_locale()
    lines = [
        _("schedule.staff.saved").format(
            kind=kind_label(kind), reg_no=result.applicant.reg_no, name=_name(result.applicant),
            when=when_text(d, result.event.starts_at, locale), place=escape(place),
        )
    ]  # fmt: skip
    if result.replaced is not None:
        lines.append(_("schedule.staff.replaces").format(
            when=when_text(d, result.replaced.starts_at, locale)))  # fmt: skip
    if result.reminder_times:
        times = "; ".join(when_text(d, t, locale) for t in result.reminder_times)
        lines.append(_("schedule.staff.reminders").format(count=len(result.reminder_times),
                                                          times=times))  # fmt: skip
    else:
        lines.append(_("schedule.staff.no_reminders"))
    lines.append(_(f"schedule.staff.notice.{done.notice.value}"))
    await send(update, context, View("\n".join(lines)))


async def _cancel(update: Update, context: Context, args: list[str]) -> None:
    d = deps(context)
    if len(args) < 2:
        await send(update, context, View(_("schedule.usage").format(kinds=_kinds())))
        return
    try:
        reg_no = check_reg_no(args[0])
    except FieldError as exc:
        await send(update, context, View(problem_text(exc.problem, {"reg_no": args[0]})))
        return
    kind = parse_kind(" ".join(args[1:]))
    if kind is None:
        await send(update, context, View(problem_text(Problem.KIND_UNKNOWN, {"kind": args[1]})))
        return
    done = await scheduling.cancel_event(d, user_id(update), reg_no, kind)
    if isinstance(done, Problem):
        await send(update, context, View(problem_text(done, {"reg_no": reg_no})))
        return
    if done is None:
        await send(update, context, View(_("schedule.staff.nothing_to_cancel").format(
            kind=kind_label(kind), reg_no=reg_no)))  # fmt: skip
        return
    event, applicant = done.cancelled.event, done.cancelled.applicant
    lines = [
        _("schedule.staff.cancelled").format(
            kind=kind_label(kind), reg_no=applicant.reg_no, name=_name(applicant),
            when=when_text(d, event.starts_at, get_locale()),
        ),
        _(cancel_notice_key(done.notice)),
    ]  # fmt: skip
    await send(update, context, View("\n".join(lines)))


def cancel_notice_key(notice: Delivery) -> str:
    """What staff read about the resident's cancel notice. A new event's notice that meets
    network trouble is sent again later; a cancel notice is not (its event is gone), so
    staff are asked to reach the resident themselves rather than told the bot will retry."""
    if notice is Delivery.RETRY:
        return "schedule.staff.cancel_notice.retry"
    return f"schedule.staff.notice.{notice.value}"


# --- a CSV list ------------------------------------------------------------------------


@staff_only
async def on_csv(update: Update, context: Context) -> None:
    """A document with caption /jadwalkan: check every row, apply all or nothing."""
    d = deps(context)
    message = update.effective_message
    assert message is not None and message.document is not None
    document = message.document
    if document.file_size is not None and document.file_size > MAX_BYTES:
        too_big = _("schedule.csv.too_big").format(max_rows=number(MAX_ROWS))
        await send(update, context, View(too_big))
        return
    file = await context.bot.get_file(document.file_id)
    data = bytes(await file.download_as_bytearray())
    outcome = await scheduling.apply_csv(d, user_id(update), data, (user_id(update), get_locale()))
    checked = outcome.checked
    if checked.file_problem is not None:
        params = {"max_rows": MAX_ROWS, "line": "", "missing": "", "expected": "", "rows": ""}
        params.update({k: escape(str(v)) for k, v in checked.file_params.items()})
        await send(update, context, View(_(f"schedule.csv.{checked.file_problem.value}")
                                         .format(**params)))  # fmt: skip
        return
    if outcome.saved is None:
        await send_lines(update, context, _csv_errors(outcome.errors))
        return
    saved = outcome.saved
    await send(update, context, View(_("schedule.csv.applied").format(
        count=number(len(saved.events)), replaced=number(len(saved.replaced)),
        reminders=number(len(saved.reminders)))))  # fmt: skip


def _csv_errors(errors: Sequence[RowError]) -> list[str]:
    lines = [_("schedule.csv.rejected").format(count=number(len(errors))), ""]
    for error in errors[:MAX_ERRORS_SHOWN]:
        lines.append(_("schedule.csv.row").format(
            line=error.line, problem=problem_text(error.problem, error.params)))  # fmt: skip
    if len(errors) > MAX_ERRORS_SHOWN:
        lines.append(_("schedule.csv.more").format(count=number(len(errors) - MAX_ERRORS_SHOWN)))
    return lines


# --- /agenda and /jadwal ---------------------------------------------------------------


@staff_only
async def agenda(update: Update, context: Context) -> None:
    """/agenda [YYYY-MM-DD]: the day's events and each applicant's answer."""
    d = deps(context)
    day = d.today()
    if context.args:
        try:
            day = parse_day(context.args[0])
        except FieldError:
            await send(update, context, View(_("schedule.agenda.usage")))
            return
    items = await svc.agenda(d, user_id(update), day)
    locale = get_locale()
    if not items:
        await send(update, context, View(_("schedule.agenda.empty").format(
            date=format_date(day, locale))))  # fmt: skip
        return
    count = number(len(items))
    lines = [_("schedule.agenda.title").format(date=format_date(day, locale), count=count)]
    counts = {"hadir": 0, "tidak_bisa": 0, "none": 0}
    for item in items:
        event = item.event
        counts[event.answer or "none"] += 1
        local = event.starts_at.astimezone(d.settings.timezone)
        lines.append("")
        lines.append(_("schedule.agenda.item").format(
            time=format_time(local, locale), kind=capitalised(kind_label(event.kind)),
            reg_no=item.reg_no or "—", name=escape(item.name or "—"),
            place=escape(event.place), answer=answer_text(event),
        ))  # fmt: skip
    lines.append("")
    lines.append(_("schedule.agenda.totals").format(
        hadir=number(counts["hadir"]), tidak_bisa=number(counts["tidak_bisa"]),
        none=number(counts["none"])))  # fmt: skip
    await send_lines(update, context, lines)


async def jadwal(update: Update, context: Context) -> None:
    """/jadwal: my upcoming events; staff: /jadwal <reg no> for an applicant's events."""
    d = deps(context)
    me = user_id(update)
    locale = get_locale()
    staff = await is_staff(d, me)
    if context.args and staff:
        try:
            reg_no = check_reg_no(context.args[0])
        except FieldError as exc:
            await send(update, context, View(problem_text(exc.problem)))
            return
        found = await svc.events_of_reg_no(d, me, reg_no)
        if found is None:
            await send(update, context, View(problem_text(Problem.REG_NO_UNKNOWN,
                                                          {"reg_no": reg_no})))  # fmt: skip
            return
        applicant, events = found
        head = _("schedule.list.staff_title").format(reg_no=applicant.reg_no, name=_name(applicant))
        if not events:
            await send(update, context, View(head + "\n" + _("schedule.list.staff_empty")))
            return
        await send_lines(update, context, [head, *event_lines(d, events, locale)])
        return
    mine = await applicant_of(update, context)
    hint = _("schedule.list.staff_hint") if staff else ""
    await deliver(update, context, await account.schedule(d, mine, empty_hint=hint))


# --- Hadir / Tidak bisa hadir ------------------------------------------------------------
# Decided in bot/conversation/attendance.py for every channel; shown here as Telegram does.


async def _deliver(update: Update, context: Context, reply: Reply) -> None:
    """The reply, and, for a press answered only with an alert (a schedule gone or begun),
    the pressed message's buttons taken away: they can no longer answer anything."""
    await deliver(update, context, reply)
    query = update.callback_query
    if query is None or reply.shown or not reply.ack.alert:
        return
    try:
        await query.edit_message_reply_markup(None)
    except BadRequest as exc:  # already without buttons, or too old to edit
        log.info("could not remove buttons: %s", exc)


async def on_answer(update: Update, context: Context) -> None:
    """Hadir, Tidak bisa hadir, or no reason to give after Tidak bisa hadir."""
    query = update.callback_query
    data = query.data if query is not None and isinstance(query.data, str) else ""
    applicant = context.person.applicant if context.person is not None else None
    reply = await attendance.chosen(deps(context), user_id(update), applicant, data)
    await _deliver(update, context, reply)


async def take_reason(update: Update, context: Context, conversation: Conversation) -> bool:
    """The message of someone asked why they cannot come: their reason, when it is text.
    False: not a reason (the update goes on to the other handlers)."""
    message = update.effective_message
    if message is None or message.text is None:
        return False
    applicant = context.person.applicant if context.person is not None else None
    reply = await attendance.take_reason(
        deps(context), conversation.user_id, applicant, message.text
    )
    if reply is None:
        return False
    await _deliver(update, context, reply)
    return True


# --- wiring ------------------------------------------------------------------------------


@asynccontextmanager
async def reminders_lifespan(app: App, d: Deps) -> AsyncIterator[None]:
    """The reminder service while the bot runs: pending reminders become jobs again and
    missed ones go out once; the jobs stop with the job queue."""
    d.reminders = ReminderService(
        d, JobQueueTimers(app), lambda chat_id, text: send_to_chat(app.bot, chat_id, text)
    )
    try:
        await d.reminders.restore()
        yield
    finally:
        d.reminders = None


_PRIVATE = filters.ChatType.PRIVATE

FEATURE = Feature(
    name="schedule",
    handlers={
        Group.MAIN: (
            CommandHandler("jadwalkan", jadwalkan, filters=_PRIVATE),
            MessageHandler(
                _PRIVATE & filters.Document.ALL & filters.CaptionRegex(r"^/jadwalkan(@\w+)?(\s|$)"),
                on_csv,
            ),
            CommandHandler("agenda", agenda, filters=_PRIVATE),
            CommandHandler("jadwal", jadwal, filters=_PRIVATE),
            CallbackQueryHandler(on_answer, pattern=cb.ScheduleAnswer.matches),
        ),
    },
    conversations={Kind.ABSENCE_REASON: take_reason},
    lifespan=reminders_lifespan,
    staff_commands=(
        StaffCommand("jadwalkan", N_("staffcmd.jadwalkan")),
        StaffCommand("agenda", N_("staffcmd.agenda")),
        StaffCommand("jadwal", N_("staffcmd.jadwal")),
    ),
)
