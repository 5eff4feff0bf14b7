"""The resident's own data and settings: /status, /data, /hapus, /bahasa, /bantuan, /info."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, tzinfo
from html import escape

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import callbacks as cb
from bot.config import SUPPORTED_LOCALES
from bot.conversation import status_check
from bot.conversation.answers import answer_text
from bot.conversation.verdict import status_view
from bot.deps import Deps, deps
from bot.domain import questionnaire as qn
from bot.domain.dates import format_date, format_datetime, stored_moment
from bot.domain.eligibility import Pool, ProgrammeRules
from bot.domain.status import ApplicantStatus
from bot.feature import Feature, Group, StaffCommand
from bot.i18n import _, get_locale, set_locale
from bot.rule_words import rule_words
from bot.services import registration as reg
from bot.services.erasure import erase
from bot.services.menus import apply_menu
from bot.services.retention import BOT_ACTOR
from bot.services.roles import Role, audit, is_staff, role_of
from bot.storage import applicants as repo
from bot.storage import questions as questions_store
from bot.storage.applicants import Applicant
from handlers.common import (
    Context,
    View,
    answer_callback,
    applicant_of,
    button,
    keyboard,
    number,
    pressed,
    send,
    show,
    user_id,
)
from handlers.places import tell_promoted
from handlers.questions import ask_staff_markup
from handlers.registration import current_view
from handlers.render import render


async def status(update: Update, context: Context) -> None:
    """/status: registration number, stage, verdict, place in the quota and the next step."""
    d = deps(context)
    applicant = await applicant_of(update, context)
    if applicant is not None and applicant.status == ApplicantStatus.MINOR:
        await send(update, context, View(minor_status(d, applicant)))
        return
    if applicant is None or not applicant.submitted:
        interviewing = applicant is not None and applicant.status == ApplicantStatus.INTERVIEWING
        await send(update, context, render(status_check.no_registration_view(interviewing)))
        return
    position = await repo.waitlist_position(d.db, applicant)
    view = status_view(d, applicant, position)
    await send(update, context, View(view.text, ask_staff_markup(d)))


def minor_status(d: Deps, applicant: Applicant) -> str:
    """What is true for someone stopped as a minor: from when they may register."""
    until = reg.minor_until(d, applicant)
    if until is None:
        return _("minor.turned_18").format(**rule_words(d.rules))
    text = _("status.minor").format(age=d.rules.min_age, date=format_date(until, get_locale()))
    if applicant.remind_on:
        text += " " + _("status.minor.reminder")
    return text


def data_text(applicant: Applicant, rules: ProgrammeRules, tz: tzinfo) -> str:
    """Everything stored about the person, in their language (UU PDP: the right to see it)."""
    locale = get_locale()
    lines = [_("data.title"), ""]
    if applicant.consent_at:
        # Date and time: when they agreed is what the consent record proves.
        consented = format_datetime(stored_moment(applicant.consent_at, tz), locale)
        lines.append(_("data.consent").format(date=consented, version=applicant.consent_version))
    if applicant.source:
        lines.append(_("data.source").format(source=escape(applicant.source)))
    if applicant.reg_no:
        lines.append(_("data.reg_no").format(reg_no=applicant.reg_no))
    lines.append(_("data.language").format(language=_(f"language.{applicant.locale}")))
    answered = [q for q in qn.QUESTIONS if q.key in applicant.answers]
    if answered:
        lines.append("")
        lines += [f"<b>{_(q.label)}</b>: {answer_text(q, applicant.answers)}" for q in answered]
    if applicant.remind_on:
        lines.append(_("data.remind_on").format(
            date=format_date(date.fromisoformat(applicant.remind_on), locale),
            **rule_words(rules)))  # fmt: skip
    lines += ["", _("data.footer")]
    return "\n".join(lines)


async def data(update: Update, context: Context) -> None:
    """/data: everything stored about me."""
    applicant = await applicant_of(update, context)
    if applicant is None:
        await send(update, context, View(_("data.nothing")))
        return
    d = deps(context)
    await send(update, context, View(data_text(applicant, d.rules, d.settings.timezone)))


async def hapus(update: Update, context: Context) -> None:
    """/hapus: delete my data, after a confirmation."""
    asked = await questions_store.held_for(deps(context).db, user_id(update))
    if await applicant_of(update, context) is None and not asked:
        await send(update, context, View(_("data.nothing")))
        return
    confirm = keyboard(
        [
            button(_("btn.delete_yes"), cb.DeleteConfirm(confirmed=True)),
            button(_("btn.cancel"), cb.DeleteConfirm(confirmed=False)),
        ]
    )
    await send(update, context, View(_("hapus.confirm"), confirm))


async def on_hapus(update: Update, context: Context) -> None:
    """Delete my data, or keep it."""
    d = deps(context)
    answer_callback(update, context)
    choice = pressed(update, cb.DeleteConfirm)
    if choice is None or not choice.confirmed:
        await show(update, context, View(_("hapus.cancelled")))
        return
    erased = await erase(d, [user_id(update)])
    # Someone who asked questions without registering has no applicant row, only those.
    done = erased.people or erased.questions
    if done:
        # That a resident had their data erased, when and what went with it; not who.
        await audit(d, BOT_ACTOR, "erase", None, {"way": "hapus", **erased.as_detail()})
    await show(update, context, View(_("hapus.done") if done else _("data.nothing")))
    for promoted in erased.promoted:
        await tell_promoted(context, promoted)


async def bahasa(update: Update, context: Context) -> None:
    """/bahasa: Indonesia / English."""
    choices = [
        button("🇮🇩 Bahasa Indonesia", cb.LanguagePick("id")),
        button("🇬🇧 English", cb.LanguagePick("en")),
    ]
    await send(update, context, View(_("bahasa.pick"), keyboard(choices, 2)))


async def on_bahasa(update: Update, context: Context) -> None:
    """Indonesia / English."""
    d = deps(context)
    answer_callback(update, context)
    choice = pressed(update, cb.LanguagePick)
    if choice is None or choice.locale not in SUPPORTED_LOCALES:
        return
    locale = choice.locale
    set_locale(locale)
    applicant = await applicant_of(update, context)
    if applicant is None:
        applicant = await reg.begin(d, user_id(update), locale=locale, source=None)
    else:
        await repo.update(d.db, applicant, locale=locale)
    if await is_staff(d, user_id(update)):  # their own command menu follows the language
        await apply_menu(context.bot, d, user_id(update))
    await show(update, context, View(_("bahasa.done")))
    if applicant.status == ApplicantStatus.CONSENT or applicant.step is not None:
        await send(update, context, current_view(d, applicant))


async def bantuan(update: Update, context: Context) -> None:
    """/bantuan: the commands and how to reach people; staff also see their own commands."""
    d = deps(context)
    s = d.settings
    text = _("help.body").format(bbpvp=escape(s.contact_bbpvp), disnaker=escape(s.contact_disnaker))
    role = await role_of(d, user_id(update))
    if role >= Role.STAFF:
        text = staff_help(d.staff_commands, role) + "\n\n" + text
    await send(update, context, View(text, ask_staff_markup(d)))


def staff_help(commands: Sequence[StaffCommand], role: Role) -> str:
    """The staff commands this role may use, in the staff menu's order."""
    mine = sorted((c for c in commands if role >= c.role), key=lambda c: c.role)
    title = _("help.admin_title") if role is Role.ADMIN else _("help.staff_title")
    return "\n".join([title, *(f"/{c.name} – {_(c.description)}" for c in mine)])


async def info(update: Update, context: Context) -> None:
    """/info: the programme, the quotas and KUR PMI."""
    d = deps(context)
    used, _waiting = await repo.pool_usage(d.db, "kota_serang")
    left = number(max(d.rules.quota(Pool.KOTA_SERANG) - used, 0))
    await send(update, context, View(_("info.body").format(
        left=left, url=escape(d.settings.siapkerja_url), **rule_words(d.rules))))  # fmt: skip


async def unknown_command(update: Update, context: Context) -> None:
    """Any command nobody handles (staff commands included, for non-staff)."""
    applicant = await applicant_of(update, context)
    notice = _("error.unknown_command")
    if applicant is not None and applicant.step is not None:
        await send(update, context, current_view(deps(context), applicant, notice))
    else:
        await send(update, context, View(notice))


_PRIVATE = filters.ChatType.PRIVATE

FEATURE = Feature(
    name="account",
    handlers={
        Group.MAIN: (
            CommandHandler("status", status, filters=_PRIVATE),
            CommandHandler("data", data, filters=_PRIVATE),
            CommandHandler("hapus", hapus, filters=_PRIVATE),
            CommandHandler("bahasa", bahasa, filters=_PRIVATE),
            CommandHandler(["bantuan", "help"], bantuan, filters=_PRIVATE),
            CommandHandler("info", info, filters=_PRIVATE),
            CallbackQueryHandler(on_hapus, pattern=cb.DeleteConfirm.matches),
            CallbackQueryHandler(on_bahasa, pattern=cb.LanguagePick.matches),
        ),
    },
    # Any command nobody took, after every feature's own.
    fallbacks=(MessageHandler(_PRIVATE & filters.COMMAND, unknown_command),),
)
