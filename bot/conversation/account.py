"""The resident's own commands, for every channel: /status, /data, /jadwal, /hapus,
/berhenti, /lanjut, /bahasa, /bantuan, /info, the buttons that confirm them, and a menu of
them all (for a channel with no command menu: WhatsApp).

Each function takes the person's applicant row (None when there is none) and returns a
``Reply`` of neutral views, as the interview does; a channel shows it (Telegram:
handlers/account.py, handlers/optout.py, handlers/schedule.py). What only one channel has
stays in that channel's adapter: Telegram's "Tanya petugas" button under /status and
/bantuan, the staff commands in /bantuan, a staff member's command menu following /bahasa.
"""

from __future__ import annotations

from datetime import date
from html import escape

from bot import callbacks as cb
from bot.config import SUPPORTED_LOCALES
from bot.conversation import interview_views as iv
from bot.conversation import status_check
from bot.conversation.answers import answer_text
from bot.conversation.reply import Reply, Shown, new, replace
from bot.conversation.schedule_text import chunks, event_lines
from bot.conversation.verdict import status_view
from bot.conversation.views import SingleChoice, View, YesNo, option
from bot.deps import Deps
from bot.domain import questionnaire as qn
from bot.domain.dates import format_date, format_datetime, stored_moment
from bot.domain.eligibility import Pool
from bot.domain.status import ApplicantStatus
from bot.i18n import N_, _, format_number, get_locale, set_locale
from bot.rule_words import rule_words
from bot.services import registration as reg
from bot.services import schedules
from bot.services.erasure import erase
from bot.services.retention import BOT_ACTOR
from bot.services.roles import audit
from bot.storage import applicants as repo
from bot.storage import questions as questions_store
from bot.storage.applicants import Applicant

Command = cb.ResidentCommand

# The buttons answered by ``chosen``; a channel routes these ids here.
KINDS: tuple[type[cb.Callback], ...] = (cb.DeleteConfirm, cb.OptOutConfirm, cb.LanguagePick)

# The menu's rows, in the order a resident looks for them: registering first, leaving last.
MENU: tuple[Command, ...] = (
    Command.DAFTAR, Command.STATUS, Command.JADWAL, Command.DATA, Command.BAHASA,
    Command.BANTUAN, Command.INFO, Command.BERHENTI, Command.HAPUS,
)  # fmt: skip
# Each command's label in the menu (at most 24 characters: a WhatsApp list row).
MENU_LABELS: dict[Command, str] = {
    Command.DAFTAR: N_("menu.btn.daftar"), Command.STATUS: N_("menu.btn.status"),
    Command.JADWAL: N_("menu.btn.jadwal"), Command.DATA: N_("menu.btn.data"),
    Command.BAHASA: N_("menu.btn.bahasa"), Command.BANTUAN: N_("menu.btn.bantuan"),
    Command.INFO: N_("menu.btn.info"), Command.BERHENTI: N_("menu.btn.berhenti"),
    Command.LANJUT: N_("menu.btn.lanjut"), Command.HAPUS: N_("menu.btn.hapus"),
}  # fmt: skip


def is_account_button(id: str) -> bool:
    """Whether ``id`` is one of the buttons ``chosen`` answers."""
    return any(kind.matches(id) for kind in KINDS)


# --- what the resident asks ---------------------------------------------------------------


async def status(d: Deps, applicant: Applicant | None) -> Reply:
    """/status: registration number, stage, verdict, place in the quota and the next step."""
    if applicant is not None and applicant.status == ApplicantStatus.MINOR:
        return new(View(minor_status(d, applicant)))
    if applicant is None or not applicant.submitted:
        interviewing = applicant is not None and applicant.status == ApplicantStatus.INTERVIEWING
        return new(status_check.no_registration_view(interviewing))
    position = await repo.waitlist_position(d.db, applicant)
    return new(status_view(d, applicant, position))


def minor_status(d: Deps, applicant: Applicant) -> str:
    """What is true for someone stopped as a minor: from when they may register."""
    until = reg.minor_until(d, applicant)
    if until is None:
        return _("minor.turned_18").format(**rule_words(d.rules))
    text = _("status.minor").format(age=d.rules.min_age, date=format_date(until, get_locale()))
    if applicant.remind_on:
        text += " " + _("status.minor.reminder")
    return text


async def data(d: Deps, applicant: Applicant | None) -> Reply:
    """/data: everything stored about the person."""
    if applicant is None:
        return new(View(_("data.nothing")))
    return new(View(data_text(d, applicant)))


def data_text(d: Deps, applicant: Applicant) -> str:
    """Everything stored about the person, in their language (UU PDP: the right to see it)."""
    locale = get_locale()
    lines = [_("data.title"), ""]
    if applicant.consent_at:
        # Date and time: when they agreed is what the consent record proves.
        consented = format_datetime(stored_moment(applicant.consent_at, d.settings.timezone),
                                    locale)  # fmt: skip
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
            **rule_words(d.rules)))  # fmt: skip
    lines += ["", _("data.footer")]
    return "\n".join(lines)


async def schedule(d: Deps, applicant: Applicant | None, *, empty_hint: str = "") -> Reply:
    """/jadwal: the person's upcoming interviews and trainings, in as many messages as the
    list needs; ``empty_hint`` goes under "no events" (Telegram's staff hint)."""
    events = await schedules.my_upcoming(d, applicant.user_id) if applicant else []
    if not events:
        text = _("schedule.list.empty")
        return new(View(text + "\n\n" + empty_hint if empty_hint else text))
    lines = [_("schedule.list.title"), *event_lines(d, events, get_locale())]
    return new(*(View(text) for text in chunks(lines)))


async def delete_ask(d: Deps, user_id: int, applicant: Applicant | None) -> Reply:
    """/hapus: delete my data, after a confirmation. Someone who only asked questions has no
    applicant row, and still something to delete."""
    asked = await questions_store.held_for(d.db, user_id)
    if applicant is None and not asked:
        return new(View(_("data.nothing")))
    confirm = YesNo(
        option(_("btn.delete_yes"), cb.DeleteConfirm(confirmed=True)),
        option(_("btn.cancel"), cb.DeleteConfirm(confirmed=False)),
    )
    return new(View(_("hapus.confirm"), confirm))


async def stop_ask(d: Deps, applicant: Applicant | None) -> Reply:
    """/berhenti: what stops and what does not (bot/conversation: announcements and reminders
    stop, personal service does not), then a confirmation."""
    if applicant is None:
        return new(View(_("optout.not_registered")))
    if applicant.opted_out:
        return new(View(_("optout.already")))
    confirm = YesNo(
        option(_("optout.btn.stop"), cb.OptOutConfirm(confirmed=True)),
        option(_("optout.btn.keep"), cb.OptOutConfirm(confirmed=False)),
    )
    return new(View(_("optout.confirm"), confirm))


async def resume(d: Deps, applicant: Applicant | None) -> Reply:
    """/lanjut: announcements and reminders on again."""
    if applicant is None:
        return new(View(_("optout.not_registered")))
    if not applicant.opted_out:
        return new(View(_("optout.not_stopped")))
    await repo.update(d.db, applicant, opted_out=False)
    return new(View(_("optout.resumed")))


def language_ask() -> Reply:
    """/bahasa: Indonesia / English, each named in its own language."""
    choices = (
        option("🇮🇩 Bahasa Indonesia", cb.LanguagePick("id")),
        option("🇬🇧 English", cb.LanguagePick("en")),
    )
    return new(View(_("bahasa.pick"), SingleChoice(choices, columns=2)))


def help_text(d: Deps) -> Reply:
    """/bantuan: the resident's commands and how to reach people."""
    s = d.settings
    text = _("help.body").format(bbpvp=escape(s.contact_bbpvp), disnaker=escape(s.contact_disnaker))
    return new(View(text))


async def info(d: Deps) -> Reply:
    """/info: the programme, the quotas (places left for Kota Serang) and KUR PMI."""
    used, _waiting = await repo.pool_usage(d.db, "kota_serang")
    left = format_number(max(d.rules.quota(Pool.KOTA_SERANG) - used, 0))
    return new(View(_("info.body").format(
        left=left, url=escape(d.settings.siapkerja_url), **rule_words(d.rules))))  # fmt: skip


# --- the menu ----------------------------------------------------------------------------


def menu(d: Deps, applicant: Applicant | None = None) -> Reply:
    """The resident's commands as one choice (a channel without a command menu shows it for
    "menu" or a greeting). Someone who stopped announcements is offered /lanjut in place of
    /berhenti, so the list stays within one WhatsApp list (10 rows)."""
    stopped = applicant is not None and applicant.opted_out
    rows = [Command.LANJUT if c is Command.BERHENTI and stopped else c for c in MENU]
    options = tuple(option(_(MENU_LABELS[c]), cb.MenuCommand(c)) for c in rows)
    return new(View(_("menu.title"), SingleChoice(options)))


def is_menu_button(id: str) -> bool:
    return cb.MenuCommand.matches(id)


def command_of(id: str) -> str | None:
    """The command a menu row stands for ("status"), or None for any other id."""
    pressed = cb.MenuCommand.parse(id)
    return pressed.name.value if pressed is not None else None


# --- the buttons -------------------------------------------------------------------------


async def chosen(d: Deps, user_id: int, applicant: Applicant | None, id: str) -> Reply:
    """A confirmation of /hapus or /berhenti, or a language of /bahasa; anything else (an id
    of another kind, garbled) is acknowledged and changes nothing."""
    match cb.parse(id):
        case cb.DeleteConfirm(confirmed):
            return await _delete(d, user_id, confirmed)
        case cb.OptOutConfirm(confirmed):
            return await _opt_out(d, applicant, confirmed)
        case cb.LanguagePick(locale) if locale in SUPPORTED_LOCALES:
            return await _language(d, user_id, applicant, locale)
    return Reply()


async def _delete(d: Deps, user_id: int, confirmed: bool) -> Reply:
    if not confirmed:
        return replace(View(_("hapus.cancelled")))
    erased = await erase(d, [user_id])
    # Someone who asked questions without registering has no applicant row, only those.
    done = erased.people or erased.questions
    if done:
        # That a resident had their data erased, when and what went with it; not who.
        await audit(d, BOT_ACTOR, "erase", None, {"way": "hapus", **erased.as_detail()})
    shown = replace(View(_("hapus.done") if done else _("data.nothing")))
    return Reply(shown.shown, shown.ack, promoted=erased.promoted)


async def _opt_out(d: Deps, applicant: Applicant | None, confirmed: bool) -> Reply:
    if not confirmed:
        return replace(View(_("optout.kept")))
    if applicant is None:  # deleted their data meanwhile
        return replace(View(_("optout.not_registered")))
    if not applicant.opted_out:
        await repo.update(d.db, applicant, opted_out=True)
    return replace(View(_("optout.done")))


async def _language(d: Deps, user_id: int, applicant: Applicant | None, locale: str) -> Reply:
    set_locale(locale)
    if applicant is None:
        applicant = await reg.begin(d, user_id, locale=locale, source=None)
    else:
        await repo.update(d.db, applicant, locale=locale)
    done = replace(View(_("bahasa.done"))).shown
    if applicant.status == ApplicantStatus.CONSENT or applicant.step is not None:
        # The question they were at, now in the language they chose.
        return Reply((*done, Shown(iv.current_view(d, applicant))))
    return Reply(done)
