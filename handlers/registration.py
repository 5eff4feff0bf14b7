"""The resident's registration: /start, consent, the interview, the summary and submission."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from datetime import date
from html import escape
from typing import Any, TypeVar

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import callbacks as cb
from bot.conversation import interview_views as iv
from bot.conversation.answers import answered_line, labels_for
from bot.conversation.verdict import submitted_view
from bot.deps import Deps, deps
from bot.domain import questionnaire as qn
from bot.domain.dates import format_date_short
from bot.domain.status import ApplicantStatus
from bot.domain.validation import (
    BirthDateDiffers,
    Invalid,
    Valid,
    match_choice,
    match_consent,
    validate_phone,
    validate_typed,
)
from bot.feature import Feature, Group
from bot.i18n import _, get_locale
from bot.rule_words import rule_words
from bot.services import registration as reg
from bot.storage import applicants as repo
from bot.storage.applicants import Applicant
from handlers import questions
from handlers.common import (
    Context,
    View,
    answer_callback,
    applicant_of,
    button,
    keyboard,
    pressed,
    send,
    show,
    user_id,
)
from handlers.render import render

log = logging.getLogger(__name__)

# Telegram deep links: 1-64 characters of A-Za-z0-9_- (anything else is not a poster code).
_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def consent_view() -> View:
    return render(iv.consent_view())


def current_view(d: Deps, applicant: Applicant, notice: str = "") -> View:
    """Whatever the resident should see now, given where they are."""
    return render(iv.current_view(d, applicant, notice))


def question_view(d: Deps, applicant: Applicant, question: qn.Question, notice: str = "") -> View:
    return render(iv.question_view(d, applicant, question, notice))


async def start(update: Update, context: Context) -> None:
    """/start [payload]: welcome and consent, or an offer to continue what was begun."""
    d = deps(context)
    user = update.effective_user
    assert user is not None
    payload = context.args[0] if context.args else None
    source = payload if payload and _PAYLOAD.match(payload) else None
    applicant = await applicant_of(update, context)
    if applicant is None:
        applicant = await reg.begin(d, user.id, locale=get_locale(), source=source)
        await send(update, context, View(_("welcome")))
        await send(update, context, consent_view())
        return
    await _resume_or_offer(update, context, d, applicant)


async def daftar(update: Update, context: Context) -> None:
    """/daftar: start or resume the registration."""
    d = deps(context)
    applicant = await applicant_of(update, context)
    if applicant is None:
        applicant = await reg.begin(d, user_id(update), locale=get_locale(), source=None)
        await send(update, context, consent_view())
        return
    if applicant.status == ApplicantStatus.INTERVIEWING and applicant.step is None:
        applicant = await reg.move_on(d, applicant, applicant.answers)
        await send(update, context, current_view(d, applicant, _("interview.resumed")))
        return
    await _resume_or_offer(update, context, d, applicant)


async def _resume_or_offer(update: Update, context: Context, d: Deps, a: Applicant) -> None:
    if a.status == ApplicantStatus.CONSENT:
        await send(update, context, consent_view())
    elif a.status == ApplicantStatus.MINOR:
        await _minor(update, context, d, a)
    elif a.submitted:
        await send(update, context, View(_("start.already_submitted").format(reg_no=a.reg_no)))
    else:
        offer = keyboard(
            [
                button(_("btn.continue"), cb.ResumeChoice(start_over=False)),
                button(_("btn.start_over"), cb.ResumeChoice(start_over=True)),
            ]
        )
        await send(update, context, View(_("start.in_progress"), offer))


async def on_consent(update: Update, context: Context) -> None:
    """Setuju / Tidak setuju."""
    d = deps(context)
    answer_callback(update, context)
    applicant = await applicant_of(update, context)
    if applicant is None or applicant.status != ApplicantStatus.CONSENT:
        # An old consent message pressed again: show where they are instead.
        if applicant is not None:
            await send(update, context, current_view(d, applicant, _("error.outdated_button")))
        else:
            await send(update, context, View(_("consent.gone")))
        return
    choice = pressed(update, cb.ConsentAnswer)
    result = await reg.give_consent(d, applicant, choice is not None and choice.agreed)
    if result is None:
        await show(update, context, View(_("consent.declined")))
        return
    await show(update, context, current_view(d, result, _("consent.thanks")), keep=True)


async def on_resume_choice(update: Update, context: Context) -> None:
    """Lanjutkan / Mulai dari awal, offered by /start in the middle of the interview."""
    d = deps(context)
    answer_callback(update, context)
    applicant = await applicant_of(update, context)
    if applicant is None or applicant.status != ApplicantStatus.INTERVIEWING:
        await send(update, context, View(_("error.outdated_button")))
        return
    choice = pressed(update, cb.ResumeChoice)
    if choice is not None and choice.start_over:
        applicant = await reg.restart_interview(d, applicant)
    else:
        applicant = await reg.move_on(d, applicant, applicant.answers)
    await show(update, context, current_view(d, applicant))


# --- answers ---------------------------------------------------------------------------


async def _after_answer(
    update: Update, context: Context, applicant: Applicant | reg.AnswerResult, key: str
) -> None:
    """Show what comes after an answer: the next question, the summary, or a stop."""
    d = deps(context)
    if isinstance(applicant, reg.NikLimit):
        a = await applicant_of(update, context)
        assert a is not None
        notice = _("nik.attempts.limit").format(
            max=reg.NIK_ATTEMPTS_PER_DAY, contact=escape(d.settings.contact_bbpvp)
        )
        await show(update, context, current_view(d, a, notice))
        return
    if isinstance(applicant, reg.BecameMinor):
        await _tell_minor(update, context, applicant.eligible_from)
        return
    notice = answered_line(qn.BY_KEY[key], applicant.answers)
    if key == "siapkerja" and applicant.answers.get("siapkerja") == "belum":
        notice += "\n" + _("siapkerja.howto").format(url=escape(d.settings.siapkerja_url))
    if key == "phone":
        # The phone keyboard must go; an edit cannot remove a reply keyboard, a message can.
        await send(update, context, View(notice, ReplyKeyboardRemove()))
        notice = ""
    await show(update, context, current_view(d, applicant, notice))


async def _minor(update: Update, context: Context, d: Deps, a: Applicant, before: str = "") -> None:
    """Someone stopped as a minor writes again: still too young, or now old enough to start."""
    if reg.minor_until(d, a) is not None:
        await send(update, context, View(before + _("minor.again").format(**rule_words(d.rules))))
        return
    await reg.reopen_for_adult(d, a)
    await send(update, context, consent_view())


async def _tell_minor(update: Update, context: Context, eligible_from: date) -> None:
    words = rule_words(deps(context).rules)
    text = _("minor.stop").format(date=format_date_short(eligible_from, get_locale()), **words)
    offer = keyboard([button(_("btn.remind_at_18").format(**words), cb.RemindAtMinAge())])
    await show(update, context, View(text, offer))


async def on_text(update: Update, context: Context) -> None:
    """Typed text: the answer to the current question, if it is one."""
    d = deps(context)
    message = update.effective_message
    assert message is not None and message.text is not None
    applicant = await applicant_of(update, context)
    if applicant is None:  # a question, not a registration
        await questions.on_free_text(update, context, View(_("hint.start")))
        return
    if applicant.status == ApplicantStatus.CONSENT:
        await _typed_consent(update, context, d, applicant, message.text)
        return
    if applicant.step is None and applicant.status != ApplicantStatus.MINOR:
        # The bot expects no answer: a question (or, without words, where they are).
        if applicant.submitted:
            where = View(_("hint.submitted").format(reg_no=applicant.reg_no))
            await questions.on_free_text(update, context, where, remind=False)
        else:  # a paused interview: an unanswered question also says how to go on
            await questions.on_free_text(update, context, current_view(d, applicant))
        return
    if applicant.step is None or applicant.step == qn.SUMMARY:
        await _not_expecting_text(update, context, applicant)
        return
    question = qn.BY_KEY[applicant.step]
    if question.kind in (qn.Kind.CHOICE, qn.Kind.MULTI, qn.Kind.RANKED):
        value = match_choice(question, message.text, applicant.answers,
                             labels_for(question, applicant.answers))  # fmt: skip
        if value is not None and question.kind is qn.Kind.CHOICE:
            result = await reg.answer(d, applicant, question.key, value)
            await _after_answer(update, context, result, question.key)
            return
        await send(update, context, question_view(d, applicant, question, _("error.use_buttons")))
        return
    outcome = validate_typed(question, message.text, applicant.answers, d.today())
    await _apply_typed(update, context, applicant, question, outcome)


async def _apply_typed(
    update: Update,
    context: Context,
    applicant: Applicant,
    question: qn.Question,
    outcome: Valid | Invalid | BirthDateDiffers,
) -> None:
    d = deps(context)
    if isinstance(outcome, Invalid):
        notice = _(outcome.problem).format(**outcome.params)
        await send(update, context, question_view(d, applicant, question, notice))
        return
    if isinstance(outcome, BirthDateDiffers):
        await send(update, context, render(iv.birth_date_query(outcome.typed, outcome.from_nik)))
        return
    extra = dict(outcome.extra)
    result = await reg.answer(d, applicant, question.key, outcome.value, **extra)
    await _after_answer(update, context, result, question.key)


def consent_hint_view() -> View:
    return render(iv.consent_hint_view())


async def _typed_consent(
    update: Update, context: Context, d: Deps, applicant: Applicant, text: str
) -> None:
    """A typed "Setuju" or "Tidak setuju" counts as the button it names."""
    accepted = match_consent(text)
    if accepted is None:
        await send(update, context, consent_hint_view())
        return
    result = await reg.give_consent(d, applicant, accepted)
    if result is None:
        await send(update, context, View(_("consent.declined")))
        return
    await send(update, context, current_view(d, result, _("consent.thanks")))


async def _not_expecting_text(
    update: Update, context: Context, applicant: Applicant, notice: str = ""
) -> None:
    """Where the person is, when what they sent (or pressed) is no answer to anything."""
    before = notice + "\n\n" if notice else ""
    if applicant.status == ApplicantStatus.CONSENT:
        # An old button may come from a consent no longer on screen: the whole text again.
        # Anything else sent at the consent gets the short hint under the buttons.
        await send(update, context, consent_view() if notice else consent_hint_view())
    elif applicant.submitted and applicant.step is None:
        text = _("hint.submitted").format(reg_no=applicant.reg_no)
        await send(update, context, View(before + text))
    elif applicant.status == ApplicantStatus.MINOR:
        await _minor(update, context, deps(context), applicant, before)
    else:
        view = current_view(deps(context), applicant, notice or _("error.use_buttons"))
        await send(update, context, view)


async def on_contact(update: Update, context: Context) -> None:
    """The "Bagikan nomor HP" button: only the sender's own number is taken."""
    message = update.effective_message
    assert message is not None and message.contact is not None
    applicant = await applicant_of(update, context)
    if applicant is None or applicant.step != "phone":
        await on_other(update, context)
        return
    question = qn.BY_KEY["phone"]
    d = deps(context)
    if message.contact.user_id != user_id(update):
        await send(update, context, question_view(d, applicant, question, _("error.phone.not_own")))
        return
    await _apply_typed(update, context, applicant, question,
                       validate_phone(message.contact.phone_number))  # fmt: skip


async def on_other(update: Update, context: Context) -> None:
    """Stickers, photos, voice, files, locations: say what is expected and ask again."""
    applicant = await applicant_of(update, context)
    if applicant is None:
        await send(update, context, View(_("hint.start")))
        return
    if applicant.step is None or applicant.step == qn.SUMMARY:
        await _not_expecting_text(update, context, applicant)
        return
    question = qn.BY_KEY[applicant.step]
    typed = question.kind not in (qn.Kind.CHOICE, qn.Kind.MULTI, qn.Kind.RANKED)
    notice = _("error.text_only") if typed else _("error.use_buttons")
    await send(update, context, question_view(deps(context), applicant, question, notice))


# --- buttons ---------------------------------------------------------------------------


B = TypeVar("B", bound=cb.Callback)
Pressed = Callable[[Update, Context, Deps, Applicant, B], Awaitable[None]]
Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]


def on_step(kind: type[B], step: str | None = None) -> Callable[[Pressed[B]], Handler]:
    """For the buttons of one step of the interview: the handler runs only while the
    applicant is on that step (``step``, or the question the button names), and is given
    them and the pressed button. A press on an older message is answered as outdated and
    the current question is shown again."""

    def wrap(handler: Pressed[B]) -> Handler:
        @functools.wraps(handler)
        async def run(update: Update, context: Context) -> None:
            data = pressed(update, kind)
            key = step or (data.step if isinstance(data, cb.StepButton) else None)
            d = deps(context)
            applicant = await applicant_of(update, context)
            if data is not None and applicant is not None and applicant.step == key:
                await handler(update, context, d, applicant, data)
                return
            await _outdated(update, context, applicant)

        return run

    return wrap


async def _outdated(update: Update, context: Context, applicant: Applicant | None) -> None:
    answer_callback(update, context, _("error.outdated_button"))
    if applicant is None:
        await send(update, context, View(_("hint.start")))
    elif applicant.step is not None:
        view = current_view(deps(context), applicant, _("error.outdated_button"))
        await send(update, context, view)
    else:
        await _not_expecting_text(update, context, applicant, _("callback.stale"))


async def on_unknown_button(update: Update, context: Context) -> None:
    """A button of no kind this version knows: an older version's, still on the phone after
    an upgrade. The person is told, and shown where they are."""
    await _outdated(update, context, await applicant_of(update, context))


@on_step(cb.Choice)
async def on_answer_button(
    update: Update, context: Context, d: Deps, applicant: Applicant, data: cb.Choice
) -> None:
    """A one-choice answer."""
    key, value = data.step, data.value
    question = qn.BY_KEY[key]
    answer_callback(update, context)
    if key == "birth_date":
        allowed = {applicant.answers.get("_nik_birth_date")}
        try:
            typed_ok = date.fromisoformat(value) <= d.today()
        except ValueError:
            typed_ok = False
        if not typed_ok:
            await show(update, context, question_view(d, applicant, question))
            return
        extra = {"_birth_date_differs": value not in allowed}
        result = await reg.answer(d, applicant, key, value, **extra)
        await _after_answer(update, context, result, key)
        return
    if question.option(applicant.answers, value) is None:
        await show(update, context, question_view(d, applicant, question))
        return
    extra = {}
    if key == "sex" and applicant.answers.get("_nik_sex"):
        extra["_sex_differs"] = value != applicant.answers["_nik_sex"]
    result = await reg.answer(d, applicant, key, value, **extra)
    await _after_answer(update, context, result, key)


@on_step(cb.Toggle)
async def on_toggle(
    update: Update, context: Context, d: Deps, applicant: Applicant, data: cb.Toggle
) -> None:
    """Add or remove one choice of a multi or ranked question."""
    key, value = data.step, data.value
    question = qn.BY_KEY[key]
    if question.option(applicant.answers, value) is None:
        answer_callback(update, context)
        return
    if not await reg.toggle_choice(d, applicant, key, value):
        too_many = _("error.too_many").format(max=question.max_choices)
        answer_callback(update, context, too_many, True)
        return
    answer_callback(update, context)
    await show(update, context, question_view(d, applicant, question))


@on_step(cb.ResetRanking)
async def on_reset(
    update: Update, context: Context, d: Deps, applicant: Applicant, data: cb.ResetRanking
) -> None:
    """Start the ranking again."""
    answer_callback(update, context)
    await reg.reset_choices(d, applicant, data.step)
    await show(update, context, question_view(d, applicant, qn.BY_KEY[data.step]))


@on_step(cb.DoneChoosing)
async def on_done(
    update: Update, context: Context, d: Deps, applicant: Applicant, data: cb.DoneChoosing
) -> None:
    """ "Selesai" on a multi or ranked question."""
    key = data.step
    if key != "languages" and not reg.picked(applicant, key):
        answer_callback(update, context, _("error.pick_one"), True)
        return
    answer_callback(update, context)
    result = await reg.finish_choices(d, applicant, key)
    await _after_answer(update, context, result, key)


@on_step(cb.Back)
async def on_back(
    update: Update, context: Context, d: Deps, applicant: Applicant, data: cb.Back
) -> None:
    """Back to the question before."""
    answer_callback(update, context)
    applicant = await reg.go_back(d, applicant)
    await show(update, context, current_view(d, applicant))


@on_step(cb.EditMenu, qn.SUMMARY)
async def on_edit_menu(
    update: Update, context: Context, d: Deps, applicant: Applicant, data: cb.EditMenu
) -> None:
    """The list of answers to change."""
    answer_callback(update, context)
    await show(update, context, render(iv.edit_menu_view(applicant)))


@on_step(cb.ShowSummary, qn.SUMMARY)
async def on_show_summary(
    update: Update, context: Context, d: Deps, applicant: Applicant, data: cb.ShowSummary
) -> None:
    """Back from the list of answers to the summary."""
    answer_callback(update, context)
    await show(update, context, render(iv.summary_view(applicant)))


@on_step(cb.EditAnswer, qn.SUMMARY)
async def on_edit(
    update: Update, context: Context, d: Deps, applicant: Applicant, data: cb.EditAnswer
) -> None:
    """Change one answer from the summary."""
    if data.question not in qn.BY_KEY:
        answer_callback(update, context)
        return
    answer_callback(update, context)
    applicant = await reg.edit_from_summary(d, applicant, data.question)
    await show(update, context, current_view(d, applicant))


@on_step(cb.Submit, qn.SUMMARY)
async def on_submit(
    update: Update, context: Context, d: Deps, applicant: Applicant, data: cb.Submit
) -> None:
    """ "Kirim pendaftaran": registration number and verdict."""
    answer_callback(update, context)
    if qn.current_question(applicant.answers) is not None:
        applicant = await reg.move_on(d, applicant, applicant.answers)
        await show(update, context, current_view(d, applicant))
        return
    result = await reg.submit(d, applicant)
    await show(update, context, await _confirmation(d, applicant, result), keep=True)
    await reg.confirmed(d, applicant)


async def _confirmation(d: Deps, applicant: Applicant, result: reg.Submitted) -> View:
    position = await repo.waitlist_position(d.db, applicant)
    view = render(submitted_view(d, applicant, result, position))
    if result.placement.nik_conflict:
        # Says what happens next and nothing about anyone else's registration.
        check = _("nik.conflict.claimant").format(contact=escape(d.settings.contact_bbpvp))
        view = View(view.text + "\n\n" + check)
    return view


async def send_owed_confirmation(update: Update, context: Context, applicant: Applicant) -> None:
    """The registration was stored but its confirmation never sent (the process was killed
    in between): it comes now, before whatever the resident's message asks for."""
    d = deps(context)
    view = await _confirmation(d, applicant, reg.submitted_result(d, applicant))
    await send(update, context, view)
    await reg.confirmed(d, applicant)


async def on_remind_at_18(update: Update, context: Context) -> None:
    """A minor asks to be told when they may register."""
    d = deps(context)
    answer_callback(update, context)
    applicant = await applicant_of(update, context)
    when = await reg.remind_at_18(d, applicant) if applicant else None
    if when is None:
        await send(update, context, View(_("error.outdated_button")))
        return
    await show(update, context, View(_("minor.reminder_set").format(
        date=format_date_short(when, get_locale()))))  # fmt: skip


async def ubah(update: Update, context: Context) -> None:
    """/ubah: change answers, until staff have verified the application."""
    d = deps(context)
    applicant = await applicant_of(update, context)
    if applicant is None or applicant.status in (ApplicantStatus.CONSENT, ApplicantStatus.MINOR):
        await send(update, context, View(_("hint.start")))
        return
    if not reg.can_edit(applicant):
        locked = _("ubah.locked").format(contact=escape(d.settings.contact_bbpvp))
        await send(update, context, View(locked))
        return
    if applicant.submitted or qn.current_question(applicant.answers) is None:
        await repo.update(d.db, applicant, step=qn.SUMMARY, editing=False)
        await send(update, context, render(iv.edit_menu_view(applicant)))
        return
    applicant = await reg.move_on(d, applicant, applicant.answers)
    await send(update, context, current_view(d, applicant, _("ubah.not_yet")))


async def batal(update: Update, context: Context) -> None:
    """/batal: leave the current question; the answers are kept."""
    d = deps(context)
    applicant = await applicant_of(update, context)
    if applicant is None or applicant.step is None:
        await send(update, context, View(_("batal.nothing"), ReplyKeyboardRemove()))
        return
    await reg.pause(d, applicant)
    text = _("batal.resubmit") if applicant.submitted else _("batal.paused")
    await send(update, context, View(text, ReplyKeyboardRemove()))


_PRIVATE = filters.ChatType.PRIVATE

FEATURE = Feature(
    name="registration",
    handlers={
        Group.MAIN: (
            CommandHandler("start", start, filters=_PRIVATE),
            CommandHandler("daftar", daftar, filters=_PRIVATE),
            CommandHandler("ubah", ubah, filters=_PRIVATE),
            CommandHandler("batal", batal, filters=_PRIVATE),
            CallbackQueryHandler(on_consent, pattern=cb.ConsentAnswer.matches),
            CallbackQueryHandler(on_resume_choice, pattern=cb.ResumeChoice.matches),
            CallbackQueryHandler(on_answer_button, pattern=cb.Choice.matches),
            CallbackQueryHandler(on_toggle, pattern=cb.Toggle.matches),
            CallbackQueryHandler(on_reset, pattern=cb.ResetRanking.matches),
            CallbackQueryHandler(on_done, pattern=cb.DoneChoosing.matches),
            CallbackQueryHandler(on_back, pattern=cb.Back.matches),
            CallbackQueryHandler(on_edit_menu, pattern=cb.EditMenu.matches),
            CallbackQueryHandler(on_show_summary, pattern=cb.ShowSummary.matches),
            CallbackQueryHandler(on_edit, pattern=cb.EditAnswer.matches),
            CallbackQueryHandler(on_submit, pattern=cb.Submit.matches),
            CallbackQueryHandler(on_remind_at_18, pattern=cb.RemindAtMinAge.matches),
        ),
    },
    # The interview's answers typed or sent, and whatever no command or feature took.
    fallbacks=(
        CallbackQueryHandler(on_unknown_button),  # an older version's buttons
        MessageHandler(_PRIVATE & filters.CONTACT, on_contact),
        MessageHandler(_PRIVATE & filters.TEXT & ~filters.COMMAND, on_text),
        MessageHandler(_PRIVATE & ~filters.COMMAND & ~filters.StatusUpdate.ALL, on_other),
    ),
)
