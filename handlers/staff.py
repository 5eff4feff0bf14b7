"""Staff tools on applicants and roles: /staf, /audit, /cari, /tahap, /catatan.

Every command here is guarded: to a resident it looks like any unknown command.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from html import escape

from babel.dates import format_date as babel_format_date
from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import callbacks as cb
from bot.channels.telegram import menus
from bot.channels.telegram.send import send as send_to_chat
from bot.conversation.answers import answer_text
from bot.deps import Deps
from bot.domain import questionnaire as qn
from bot.domain import reg_no as reg_nos
from bot.domain.dates import format_time
from bot.domain.stages import STAGES, parse_stage
from bot.feature import Feature, Group, StaffCommand
from bot.i18n import N_, _, get_locale, use_locale
from bot.services import applicant_desk, casework, roles
from bot.services.applicant_desk import StageNotice
from bot.services.casework import Card, QueryProblem
from bot.services.roles import Role
from bot.storage import applicants as repo
from bot.storage import staff as staff_repo
from bot.storage.applicants import Applicant
from bot.storage.notes import Note
from handlers.access import admin_only, staff_only
from handlers.audit_view import audit_sentence
from handlers.common import (
    Context,
    View,
    answer_callback,
    button,
    deps,
    keyboard,
    number,
    pressed,
    send,
    user_id,
)

log = logging.getLogger(__name__)

MAX_TEXT = 4000  # under Telegram's 4096, with room for the HTML a line may carry
AUDIT_DEFAULT = 20
AUDIT_MAX = 100
SEARCH_LIMIT = 10


# --- shared helpers (also used by the stats and export handlers) -------------------------


def chunks(lines: Iterable[str], limit: int = MAX_TEXT) -> list[str]:
    """Lines packed into as few messages as fit under ``limit``; a line is never split, so
    no HTML tag is cut in half."""
    messages: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        line = line if len(line) <= limit else line[: limit - 1] + "…"
        if current and size + len(line) + 1 > limit:
            messages.append("\n".join(current).strip("\n"))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current and "\n".join(current).strip():
        messages.append("\n".join(current).strip("\n"))
    return messages


async def send_lines(update: Update, context: Context, lines: Iterable[str]) -> None:
    for text in chunks(lines):
        await send(update, context, View(text))


def short_time(value: str | None, d: Deps, locale: str) -> str:
    """A stored ISO time as "28 Nov 2026 10.00 WIB" in the programme's zone."""
    if not value:
        return "—"
    moment = datetime.fromisoformat(value).astimezone(d.settings.timezone)
    day = babel_format_date(moment.date(), "d MMM y", locale=locale)
    return f"{day} {format_time(moment, locale)}"


def short_date(day: date, locale: str) -> str:
    return babel_format_date(day, "EEE d MMM", locale=locale)


def message_text(update: Update) -> str:
    message = update.effective_message
    return (message.text or "") if message is not None else ""


def label(key: str) -> str:
    """A catalog text, or the last part of the key when a value has no text (yet)."""
    text = _(key)
    return key.rsplit(".", 1)[-1] if text == key else text


def stage_list() -> str:
    return "\n".join(f"• <code>{s}</code> ({_(f'stage.{s}')})" for s in STAGES)


# --- /staf ----------------------------------------------------------------------------


@staff_only
async def staf(update: Update, context: Context) -> None:
    """/staf, /staf tambah <id>, /staf hapus <id>."""
    args = context.args or []
    if not args:
        await _list_staff(update, context)
        return
    action = args[0].lower()
    if action not in ("tambah", "hapus", "add", "remove"):
        await send(update, context, View(_("staff.usage")))
        return
    d = deps(context)
    actor = user_id(update)
    if not await roles.is_admin(d, actor):
        await send(update, context, View(_("staff.admins_only")))
        return
    target = roles.parse_user_id(args[1]) if len(args) == 2 else None
    if target is None:
        await send(update, context, View(_("staff.bad_id")))
        return
    if action in ("tambah", "add"):
        await _grant(update, context, d, actor, target)
    else:
        await _revoke(update, context, d, actor, target)


async def _list_staff(update: Update, context: Context) -> None:
    d = deps(context)
    locale = get_locale()
    lines = [_("staff.list.title"), "", _("staff.list.admins")]
    lines += [f"• <code>{a}</code>" for a in sorted(d.settings.admin_ids)]
    members = await staff_repo.members(d.db)
    lines += ["", _("staff.list.staff").format(n=len(members))]
    if not members:
        lines.append(_("staff.list.none"))
    for member in members:
        lines.append(
            _("staff.list.member").format(
                id=member.user_id,
                date=short_time(member.added_at, d, locale),
                by=member.added_by,
            )
        )
    if await roles.is_admin(d, user_id(update)):
        lines += ["", _("staff.list.howto")]
    await send_lines(update, context, lines)


async def _tell(context: Context, d: Deps, target: int, key: str) -> bool:
    """A short message to the person whose role changed, in their language if known."""
    applicant = await repo.get(d.db, target)
    with use_locale(applicant.locale if applicant else d.settings.default_locale):
        text = _(key)
    return (await send_to_chat(context.bot, target, text)).sent  # may never have opened it


async def _grant(update: Update, context: Context, d: Deps, actor: int, target: int) -> None:
    change = await roles.grant_staff(d, actor, target)
    if change is roles.RoleChange.IS_ADMIN:
        await send(update, context, View(_("staff.is_admin").format(id=target)))
        return
    # Also when they already were staff: the menu may have failed before (they had not
    # opened the bot yet), and adding them again is how an admin retries it.
    menu_set = await menus.apply_menu(context.bot, d, target)
    if change is roles.RoleChange.ALREADY_STAFF:
        await send(update, context, View(_("staff.already").format(id=target)))
        return
    told = await _tell(context, d, target, "staff.welcome")
    text = _("staff.added").format(id=target)
    if not (menu_set and told):
        text += "\n" + _("staff.not_reached")
    await send(update, context, View(text))


async def _revoke(update: Update, context: Context, d: Deps, actor: int, target: int) -> None:
    change = await roles.revoke_staff(d, actor, target)
    if change is roles.RoleChange.IS_ADMIN:
        await send(update, context, View(_("staff.is_admin").format(id=target)))
        return
    if change is roles.RoleChange.NOT_STAFF:
        await send(update, context, View(_("staff.not_staff").format(id=target)))
        return
    await menus.clear_menu(context.bot, d, target)
    await _tell(context, d, target, "staff.goodbye")
    await send(update, context, View(_("staff.removed").format(id=target)))


# --- /audit ---------------------------------------------------------------------------


def parse_count(args: Sequence[str]) -> int | None:
    """/audit [n]: n from 1 to AUDIT_MAX; None when it is not a number in that range."""
    if not args:
        return AUDIT_DEFAULT
    if len(args) != 1 or not args[0].isdigit():
        return None
    n = int(args[0])
    return n if 1 <= n <= AUDIT_MAX else None


@admin_only
async def audit_log(update: Update, context: Context) -> None:
    """/audit [n]: the latest staff actions."""
    d = deps(context)
    n = parse_count(context.args or [])
    if n is None:
        await send(update, context, View(_("audit.usage").format(max=AUDIT_MAX)))
        return
    entries = await staff_repo.latest_audit(d.db, n)
    if not entries:
        await send(update, context, View(_("audit.empty")))
        return
    locale = get_locale()
    lines = [_("audit.title").format(n=len(entries)), ""]
    for entry in entries:
        when = short_time(entry.at, d, locale)
        sentence = audit_sentence(entry, d.settings.timezone, locale)
        lines.append(f"{when} · <code>{entry.actor_id}</code> · {sentence}")
    await send_lines(update, context, lines)


# --- /cari ----------------------------------------------------------------------------


def card_text(d: Deps, c: Card) -> str:
    """Everything staff need about one applicant. All typed values are escaped."""
    a = c.applicant
    locale = get_locale()
    name = escape(str(a.answers.get("name", ""))) or "—"
    lines = [f"<b>{a.reg_no or _('card.no_reg_no')}</b> · {name}"]
    status = label(f"card.status.{a.status}")
    lines.append(_("card.status").format(status=status))
    lines.append(_("card.channel").format(channel=label(f"channel.{a.channel}")))
    if a.submitted:
        lines.append(
            _("card.stage").format(
                stage=label(f"stage.{a.stage}"), since=short_time(a.stage_changed_at, d, locale)
            )
        )
        lines.append(_("card.outcome").format(outcome=label(f"card.outcome.{a.outcome}")))
        lines += ["  • " + label(f"card.reason.{r}") for r in a.reasons]
        lines += ["  • " + label(f"card.missing.{m}") for m in a.missing]
        if a.pool:
            pool = label(f"card.pool.{a.pool}")
            lines.append(
                _("card.waitlist").format(pool=pool, position=number(c.waitlist_position))
                if c.waitlist_position is not None
                else _("card.place").format(pool=pool)
            )
    elif a.step:
        lines.append(_("card.step").format(step=escape(a.step)))
    if a.staff_flags:
        lines += ["", _("card.flags")]
        lines += ["⚠️ " + label(f"flag.{f}") for f in a.staff_flags]
    lines += [
        "",
        _("card.dates").format(
            created=short_time(a.created_at, d, locale),
            consent=short_time(a.consent_at, d, locale),
            version=escape(a.consent_version or "—"),
            submitted=short_time(a.submitted_at, d, locale),
        ),
        # A WhatsApp resident has no Telegram id to reach them by (their number is an answer).
        (_("card.contact") if a.channel == "telegram" else _("card.contact.whatsapp")).format(
            id=a.user_id,
            language=label(f"language.{a.locale}"),
            source=escape(a.source or "—"),
        ),
    ]
    if a.opted_out:
        lines.append(_("card.opted_out"))
    if a.inactive:
        lines.append(_("card.inactive"))
    answered = [q for q in qn.QUESTIONS if q.key in a.answers and q.key != "name"]
    if answered:
        lines += ["", _("card.answers")]
        lines += [f"{_(q.label)}: {answer_text(q, a.answers)}" for q in answered]
    lines += ["", _("card.notes").format(n=c.notes_total)]
    if not c.notes:
        lines.append(_("card.notes.none"))
    lines += [note_line(d, note, locale) for note in c.notes]
    if c.notes_total > len(c.notes):
        lines.append(_("card.notes.more").format(n=c.notes_total - len(c.notes)))
    lines += ["", _("card.hint").format(reg_no=a.reg_no or "")] if a.reg_no else []
    return fit("\n".join(lines))


def note_line(d: Deps, note: Note, locale: str) -> str:
    return (
        f"• {short_time(note.at, d, locale)} · <code>{note.author_id}</code>: {escape(note.text)}"
    )


def fit(text: str, limit: int = 4096) -> str:
    """A card longer than one message loses its last lines (old notes), never half a tag."""
    if len(text) <= limit:
        return text
    lines = text.split("\n")
    while lines and len("\n".join([*lines, "…"])) > limit:
        lines.pop()
    return "\n".join([*lines, "…"])


def match_label(a: Applicant) -> str:
    """"SRG-2026-00001 · Siti Aminah · WhatsApp": a long name is cut, never the channel."""
    name = str(a.answers.get("name", "")) or "—"
    text = f"{a.reg_no or _('card.no_reg_no')} · {name}"
    channel = f" · {label(f'channel.{a.channel}')}"
    room = 60 - len(channel)
    return (text if len(text) <= room else text[: room - 1] + "…") + channel


@staff_only
async def cari(update: Update, context: Context) -> None:
    """/cari <reg no | part of a name | NIK>."""
    d = deps(context)
    text = message_text(update).split(None, 1)
    query = casework.parse_query(text[1] if len(text) > 1 else "")
    if isinstance(query, QueryProblem):
        await send(update, context, View(_(f"cari.{query.value}")))
        return
    result = await casework.search(d, query, SEARCH_LIMIT)
    await casework.record_lookup(d, user_id(update), query, result)
    if not result.matches:
        await send(update, context, View(_("cari.none")))
        return
    if result.total == 1:
        card = await casework.card(d, result.matches[0])
        await send(update, context, View(card_text(d, card)))
        return
    header = _("cari.many").format(n=number(result.total))
    if result.total > len(result.matches):
        header += "\n" + _("cari.more").format(shown=len(result.matches))
    buttons = [button(match_label(a), cb.ApplicantCard(a.user_id)) for a in result.matches]
    await send(update, context, View(header, keyboard(buttons)))


@staff_only
async def on_card(update: Update, context: Context) -> None:
    """One applicant's card from a list of matches."""
    d = deps(context)
    answer_callback(update, context)
    data = pressed(update, cb.ApplicantCard)
    applicant = await repo.get(d.db, data.user_id) if data is not None else None
    if applicant is None:
        await send(update, context, View(_("cari.gone")))
        return
    await casework.record_card_view(d, user_id(update), applicant)
    await send(update, context, View(card_text(d, await casework.card(d, applicant))))


# --- /tahap ---------------------------------------------------------------------------


NOTICE_TEXT = {
    StageNotice.SENT: N_("tahap.sent"),
    StageNotice.INACTIVE: N_("tahap.not_sent_inactive"),
    StageNotice.BLOCKED: N_("tahap.not_sent_blocked"),
    StageNotice.ERROR: N_("tahap.not_sent_error"),
    StageNotice.OUTSIDE_WINDOW: N_("tahap.not_sent_outside_window"),
}


@staff_only
async def tahap(update: Update, context: Context) -> None:
    """/tahap <reg no> <stage> [note]."""
    d = deps(context)
    parts = message_text(update).split(None, 3)
    if len(parts) < 3:
        await send(update, context, View(_("tahap.usage") + "\n" + stage_list()))
        return
    reg_no, stage = parts[1], parts[2]
    moved = await applicant_desk.change_stage(
        d, user_id(update), reg_no, stage, parts[3] if len(parts) > 3 else ""
    )
    if isinstance(moved, casework.StageProblem):
        await send(update, context, View(_stage_problem(moved, reg_no, stage)))
        return
    result = moved.change
    lines = [
        _("tahap.done").format(
            reg_no=result.applicant.reg_no,
            old=label(f"stage.{result.old}") if result.old else "—",
            new=_(f"stage.{result.new}"),
        ),
        _(NOTICE_TEXT[moved.notice]),
    ]
    if result.note is not None:
        lines.append(_("tahap.note_saved"))
    await send(update, context, View("\n".join(lines)))


def _stage_problem(problem: casework.StageProblem, reg_no: str, stage: str) -> str:
    if problem is casework.StageProblem.UNKNOWN_STAGE:
        return _("tahap.unknown_stage").format(stage=escape(stage)) + "\n" + stage_list()
    if problem is casework.StageProblem.UNKNOWN_REG_NO:
        if reg_nos.normalize(reg_no) is None:
            return _("reg_no.malformed").format(text=escape(reg_no))
        return _("reg_no.unknown").format(reg_no=escape(reg_no.upper()))
    if problem is casework.StageProblem.SAME_STAGE:
        same = parse_stage(stage)
        return _("tahap.same").format(reg_no=escape(reg_no.upper()), stage=_(f"stage.{same}"))
    return _("note.too_long").format(max=casework.MAX_NOTE_LENGTH)


# --- /catatan -------------------------------------------------------------------------


@staff_only
async def catatan(update: Update, context: Context) -> None:
    """/catatan <reg no> <text>."""
    d = deps(context)
    parts = message_text(update).split(None, 2)
    if len(parts) < 2:
        await send(update, context, View(_("catatan.usage")))
        return
    reg_no = parts[1]
    if reg_nos.normalize(reg_no) is None:
        await send(update, context, View(_("reg_no.malformed").format(text=escape(reg_no))))
        return
    text = parts[2] if len(parts) > 2 else ""
    result = await applicant_desk.add_note(d, user_id(update), reg_no, text)
    if result is casework.NoteProblem.UNKNOWN_REG_NO:
        await send(update, context, View(_("reg_no.unknown").format(reg_no=escape(reg_no.upper()))))
    elif result is casework.NoteProblem.EMPTY:
        await send(update, context, View(_("catatan.usage")))
    elif result is casework.NoteProblem.TOO_LONG:
        await send(update, context, View(_("note.too_long").format(max=casework.MAX_NOTE_LENGTH)))
    else:
        await send(update, context, View(_("catatan.done").format(reg_no=reg_no.upper())))


# --- wiring ---------------------------------------------------------------------------


_PRIVATE = filters.ChatType.PRIVATE

FEATURE = Feature(
    name="staff",
    handlers={
        Group.MAIN: (
            CommandHandler("staf", staf, filters=_PRIVATE),
            CommandHandler("audit", audit_log, filters=_PRIVATE),
            CommandHandler("cari", cari, filters=_PRIVATE),
            CommandHandler("tahap", tahap, filters=_PRIVATE),
            CommandHandler("catatan", catatan, filters=_PRIVATE),
            CallbackQueryHandler(on_card, pattern=cb.ApplicantCard.matches),
        ),
    },
    staff_commands=(
        StaffCommand("cari", N_("staffcmd.cari")),
        StaffCommand("tahap", N_("staffcmd.tahap")),
        StaffCommand("catatan", N_("staffcmd.catatan")),
        StaffCommand("staf", N_("staffcmd.staf")),
        StaffCommand("audit", N_("staffcmd.audit"), Role.ADMIN),
    ),
)
