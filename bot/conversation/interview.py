"""The interview engine: given a person and what they sent, what happens and what they see.

Every decision of the registration conversation is taken here, once, for every channel:
consent, each answer typed or chosen, the phone number shared, the summary, submission and the
verdict, a minor's stop, a button from an older message. A channel turns its updates into
``bot.conversation.incoming`` values, calls these functions with the person's applicant row
(None before /start) and shows the ``Reply`` (Telegram: handlers/registration.py).
"""

from __future__ import annotations

import logging
from datetime import date
from html import escape

from bot import callbacks as cb
from bot.conversation import status_check
from bot.conversation.answers import answered_line, labels_for
from bot.conversation.incoming import Chosen, Incoming, PhoneShared, Typed, Unsupported
from bot.conversation.interview_views import (
    birth_date_query,
    consent_hint_view,
    consent_view,
    current_view,
    edit_menu_view,
    question_view,
    summary_view,
)
from bot.conversation.reply import Ack, Asked, Place, Reply, Shown, new, replace
from bot.conversation.verdict import submitted_view
from bot.conversation.views import SingleChoice, View, option
from bot.deps import Deps
from bot.domain import questionnaire as qn
from bot.domain.dates import format_date_short
from bot.domain.status import ApplicantStatus
from bot.domain.validation import (
    BirthDateDiffers,
    Invalid,
    Valid,
    match_choice,
    match_consent,
    validate_nik,
    validate_phone,
    validate_typed,
)
from bot.i18n import _, get_locale
from bot.rule_words import rule_words
from bot.services import registration as reg
from bot.storage import applicants as repo
from bot.storage.applicants import Applicant

log = logging.getLogger(__name__)

CHOICE_KINDS = (qn.Kind.CHOICE, qn.Kind.MULTI, qn.Kind.RANKED)

# The buttons this engine answers; a channel routes these ids here (and those of no kind).
KINDS: tuple[type[cb.Callback], ...] = (
    cb.ConsentAnswer, cb.ResumeChoice, cb.Choice, cb.Toggle, cb.ResetRanking, cb.DoneChoosing,
    cb.Back, cb.EditMenu, cb.ShowSummary, cb.EditAnswer, cb.Submit, cb.RemindAtMinAge,
    cb.NikNotMine,
)  # fmt: skip


def is_interview_button(data: object) -> bool:
    """Does this option id belong to the interview?"""
    return isinstance(cb.parse(data), KINDS)


# --- commands --------------------------------------------------------------------------


async def start(
    d: Deps, user_id: int, applicant: Applicant | None, *, locale: str, source: str | None
) -> Reply:
    """/start: welcome and consent, or an offer to continue what was begun."""
    if applicant is None:
        await reg.begin(d, user_id, locale=locale, source=source)
        return new(View(_("welcome")), consent_view())
    return await _resume_or_offer(d, applicant)


async def register(d: Deps, user_id: int, applicant: Applicant | None, *, locale: str) -> Reply:
    """/daftar: start or resume the registration."""
    if applicant is None:
        await reg.begin(d, user_id, locale=locale, source=None)
        return new(consent_view())
    if applicant.status == ApplicantStatus.INTERVIEWING and applicant.step is None:
        applicant = await reg.move_on(d, applicant, applicant.answers)
        return new(current_view(d, applicant, _("interview.resumed")))
    return await _resume_or_offer(d, applicant)


async def _resume_or_offer(d: Deps, a: Applicant) -> Reply:
    if a.status == ApplicantStatus.CONSENT:
        return new(consent_view())
    if a.status == ApplicantStatus.MINOR:
        return await _minor(d, a)
    if a.submitted:
        return new(View(_("start.already_submitted").format(reg_no=a.reg_no)))
    offer = SingleChoice(
        (
            option(_("btn.continue"), cb.ResumeChoice(start_over=False)),
            option(_("btn.start_over"), cb.ResumeChoice(start_over=True)),
        )
    )
    return new(View(_("start.in_progress"), offer))


async def change_answers(d: Deps, applicant: Applicant | None) -> Reply:
    """/ubah: change answers, until staff have verified the application."""
    if applicant is None or applicant.status in (ApplicantStatus.CONSENT, ApplicantStatus.MINOR):
        return new(View(_("hint.start")))
    if not reg.can_edit(applicant):
        return new(View(_("ubah.locked").format(contact=escape(d.settings.contact_bbpvp))))
    if applicant.submitted or qn.current_question(applicant.answers) is None:
        await repo.update(d.db, applicant, step=qn.SUMMARY, editing=False)
        return new(edit_menu_view(applicant))
    applicant = await reg.move_on(d, applicant, applicant.answers)
    return new(current_view(d, applicant, _("ubah.not_yet")))


async def pause(d: Deps, applicant: Applicant | None) -> Reply:
    """/batal: leave the current question; the answers are kept."""
    if applicant is None or applicant.step is None:
        return new(View(_("batal.nothing"), ends_phone=True))
    await reg.pause(d, applicant)
    text = _("batal.resubmit") if applicant.submitted else _("batal.paused")
    return new(View(text, ends_phone=True))


async def owed_confirmation(d: Deps, applicant: Applicant) -> Reply:
    """The registration was stored but its confirmation never shown (the process was killed
    in between): it comes now, before whatever the resident's message asks for."""
    view = await _confirmation(d, applicant, reg.submitted_result(d, applicant))
    return Reply((Shown(view),), then=lambda: reg.confirmed(d, applicant))


# --- what the person sends -------------------------------------------------------------


async def receive(d: Deps, user_id: int, applicant: Applicant | None, incoming: Incoming) -> Reply:
    """Whatever the person sent or chose, while the registration is theirs to answer."""
    match incoming:
        case Typed(text):
            return await _typed(d, user_id, applicant, text)
        case Chosen(id):
            return await _chosen(d, user_id, applicant, id)
        case PhoneShared(phone, own):
            return await _phone(d, user_id, applicant, phone, own)
        case Unsupported():
            return await _unsupported(d, applicant)


async def _typed(d: Deps, user_id: int, applicant: Applicant | None, text: str) -> Reply:
    if (applicant is None or not applicant.submitted) and status_check.looks_like(text):
        # A registration number and a birth date from someone with no registration here
        # (registered on the other channel, or from another account): its status. No answer
        # to any question holds a registration number, so nothing typed is taken from them.
        return await status_check.answer(d, text, caller=user_id)
    if applicant is None:  # a question, not a registration
        return Reply(asked=Asked(View(_("hint.start"))))
    if applicant.status == ApplicantStatus.CONSENT:
        return await _typed_consent(d, applicant, text)
    if applicant.step is None and applicant.status != ApplicantStatus.MINOR:
        # The bot expects no answer: a question (or, without words, where they are).
        if applicant.submitted:
            where = View(_("hint.submitted").format(reg_no=applicant.reg_no))
            return Reply(asked=Asked(where, remind=False))
        # A paused interview: an unanswered question also says how to go on.
        return Reply(asked=Asked(current_view(d, applicant)))
    if applicant.step is None or applicant.step == qn.SUMMARY:
        return await _not_expecting(d, applicant)
    question = qn.BY_KEY[applicant.step]
    if question.kind in CHOICE_KINDS:
        value = match_choice(question, text, applicant.answers,
                             labels_for(question, applicant.answers))  # fmt: skip
        if value is not None and question.kind is qn.Kind.CHOICE:
            result = await reg.answer(d, applicant, question.key, value)
            return await _after_answer(d, user_id, result, question.key)
        return new(question_view(d, applicant, question, _("error.use_buttons")))
    outcome = validate_typed(question, text, applicant.answers, d.today())
    return await _apply_typed(d, user_id, applicant, question, outcome)


async def _apply_typed(
    d: Deps,
    user_id: int,
    applicant: Applicant,
    question: qn.Question,
    outcome: Valid | Invalid | BirthDateDiffers,
) -> Reply:
    if isinstance(outcome, Invalid):
        notice = _(outcome.problem).format(**outcome.params)
        return new(question_view(d, applicant, question, notice))
    if isinstance(outcome, BirthDateDiffers):
        return new(birth_date_query(outcome.typed, outcome.from_nik))
    result = await reg.answer(d, applicant, question.key, outcome.value, **dict(outcome.extra))
    return await _after_answer(d, user_id, result, question.key)


async def _typed_consent(d: Deps, applicant: Applicant, text: str) -> Reply:
    """A typed "Setuju" or "Tidak setuju" counts as the button it names."""
    accepted = match_consent(text)
    if accepted is None:
        return new(consent_hint_view())
    result = await reg.give_consent(d, applicant, accepted)
    if result is None:
        return new(View(_("consent.declined")))
    return new(current_view(d, result, _("consent.thanks")))


async def _phone(
    d: Deps, user_id: int, applicant: Applicant | None, phone: str, own: bool
) -> Reply:
    """A number shared through the channel: only the sender's own is taken."""
    if applicant is None or applicant.step != "phone":
        return await _unsupported(d, applicant)
    question = qn.BY_KEY["phone"]
    if not own:
        return new(question_view(d, applicant, question, _("error.phone.not_own")))
    return await _apply_typed(d, user_id, applicant, question, validate_phone(phone))


async def _unsupported(d: Deps, applicant: Applicant | None) -> Reply:
    """Stickers, photos, voice, files, locations: say what is expected and ask again."""
    if applicant is None:
        return new(View(_("hint.start")))
    if applicant.step is None or applicant.step == qn.SUMMARY:
        return await _not_expecting(d, applicant)
    question = qn.BY_KEY[applicant.step]
    notice = _("error.use_buttons") if question.kind in CHOICE_KINDS else _("error.text_only")
    return new(question_view(d, applicant, question, notice))


async def _not_expecting(
    d: Deps, applicant: Applicant, notice: str = "", ack: Ack | None = None
) -> Reply:
    """Where the person is, when what they sent (or pressed) is no answer to anything."""
    ack = ack or Ack()
    before = notice + "\n\n" if notice else ""
    if applicant.status == ApplicantStatus.CONSENT:
        # An old button may come from a consent no longer on screen: the whole text again.
        # Anything else sent at the consent gets the short hint under the buttons.
        return Reply((Shown(consent_view() if notice else consent_hint_view()),), ack)
    if applicant.submitted and applicant.step is None:
        text = _("hint.submitted").format(reg_no=applicant.reg_no)
        return Reply((Shown(View(before + text)),), ack)
    if applicant.status == ApplicantStatus.MINOR:
        minor = await _minor(d, applicant, before)
        return Reply(minor.shown, ack)
    view = current_view(d, applicant, notice or _("error.use_buttons"))
    return Reply((Shown(view),), ack)


async def _minor(d: Deps, a: Applicant, before: str = "") -> Reply:
    """Someone stopped as a minor writes again: still too young, or now old enough to start."""
    if reg.minor_until(d, a) is not None:
        return new(View(before + _("minor.again").format(**rule_words(d.rules))))
    await reg.reopen_for_adult(d, a)
    return new(consent_view())


async def _after_answer(d: Deps, user_id: int, result: reg.AnswerResult, key: str) -> Reply:
    """What comes after an answer: the next question, the summary, or a stop."""
    if isinstance(result, reg.NikLimit):
        applicant = await repo.get(d.db, user_id)
        assert applicant is not None
        notice = _("nik.attempts.limit").format(
            max=reg.NIK_ATTEMPTS_PER_DAY, contact=escape(d.settings.contact_bbpvp)
        )
        return replace(current_view(d, applicant, notice))
    if isinstance(result, reg.NikElsewhere):
        applicant = await repo.get(d.db, user_id)
        assert applicant is not None
        return replace(nik_elsewhere_view(applicant, result.channel))
    if isinstance(result, reg.BecameMinor):
        words = rule_words(d.rules)
        when = format_date_short(result.eligible_from, get_locale())
        offer = SingleChoice((option(_("btn.remind_at_18").format(**words), cb.RemindAtMinAge()),))
        return replace(View(_("minor.stop").format(date=when, **words), offer))
    notice = answered_line(qn.BY_KEY[key], result.answers)
    if key == "siapkerja" and result.answers.get("siapkerja") == "belum":
        notice += "\n" + _("siapkerja.howto").format(url=escape(d.settings.siapkerja_url))
    shown: list[Shown] = []
    if key == "phone":
        # The number is given: a channel that keeps a way to share it on screen takes it
        # away with the confirmation, and the next question comes on its own.
        shown.append(Shown(View(notice, ends_phone=True)))
        notice = ""
    shown.append(Shown(current_view(d, result, notice), Place.REPLACE))
    return Reply(tuple(shown))


# --- options chosen --------------------------------------------------------------------


async def _chosen(d: Deps, user_id: int, applicant: Applicant | None, id: str) -> Reply:
    data = cb.parse(id)
    match data:
        case cb.ConsentAnswer():
            return await _consent(d, applicant, data)
        case cb.ResumeChoice():
            return await _resume_choice(d, applicant, data)
        case cb.RemindAtMinAge():
            return await _remind_at_18(d, applicant)
        case cb.StepButton() if applicant is not None and applicant.step == data.step:
            return await _step_button(d, user_id, applicant, data)
        case cb.EditMenu() | cb.ShowSummary() | cb.EditAnswer() | cb.Submit() if (
            applicant is not None and applicant.step == qn.SUMMARY
        ):
            return await _summary_button(d, applicant, data)
    return await _outdated(d, applicant)


async def _outdated(d: Deps, applicant: Applicant | None) -> Reply:
    """A button from an older message (or an older version): the person is told, and shown
    where they are."""
    ack = Ack(_("error.outdated_button"))
    if applicant is None:
        return Reply((Shown(View(_("hint.start"))),), ack)
    if applicant.step is not None:
        return Reply((Shown(current_view(d, applicant, _("error.outdated_button"))),), ack)
    return await _not_expecting(d, applicant, _("callback.stale"), ack)


async def _consent(d: Deps, applicant: Applicant | None, data: cb.ConsentAnswer) -> Reply:
    """Setuju / Tidak setuju."""
    if applicant is None or applicant.status != ApplicantStatus.CONSENT:
        # An old consent message pressed again: show where they are instead.
        if applicant is not None:
            return new(current_view(d, applicant, _("error.outdated_button")))
        return new(View(_("consent.gone")))
    result = await reg.give_consent(d, applicant, data.agreed)
    if result is None:
        return replace(View(_("consent.declined")))
    return Reply((Shown(current_view(d, result, _("consent.thanks")), Place.AFTER),))


async def _resume_choice(d: Deps, applicant: Applicant | None, data: cb.ResumeChoice) -> Reply:
    """Lanjutkan / Mulai dari awal, offered by /start in the middle of the interview."""
    if applicant is None or applicant.status != ApplicantStatus.INTERVIEWING:
        return new(View(_("error.outdated_button")))
    if data.start_over:
        applicant = await reg.restart_interview(d, applicant)
    else:
        applicant = await reg.move_on(d, applicant, applicant.answers)
    return replace(current_view(d, applicant))


async def _remind_at_18(d: Deps, applicant: Applicant | None) -> Reply:
    """A minor asks to be told when they may register."""
    when = await reg.remind_at_18(d, applicant) if applicant else None
    if when is None:
        return new(View(_("error.outdated_button")))
    text = _("minor.reminder_set").format(date=format_date_short(when, get_locale()))
    return replace(View(text))


async def _step_button(d: Deps, user_id: int, applicant: Applicant, data: cb.StepButton) -> Reply:
    """A button of the question the person is on."""
    question = qn.BY_KEY[data.step]
    match data:
        case cb.Choice(key, value):
            return await _choice(d, user_id, applicant, question, value)
        case cb.Toggle(key, value):
            if question.option(applicant.answers, value) is None:
                return Reply()
            if not await reg.toggle_choice(d, applicant, key, value):
                return Reply(ack=Ack(_("error.too_many").format(max=question.max_choices), True))
            return replace(question_view(d, applicant, question))
        case cb.ResetRanking(key):
            await reg.reset_choices(d, applicant, key)
            return replace(question_view(d, applicant, question))
        case cb.DoneChoosing(key):
            if key != "languages" and not reg.picked(applicant, key):
                return Reply(ack=Ack(_("error.pick_one"), True))
            result = await reg.finish_choices(d, applicant, key)
            return await _after_answer(d, user_id, result, key)
        case cb.Back():
            applicant = await reg.go_back(d, applicant)
            return replace(current_view(d, applicant))
        case cb.NikNotMine():
            return await _nik_not_mine(d, user_id, applicant)
    return await _outdated(d, applicant)


def nik_elsewhere_view(applicant: Applicant, channel: str) -> View:
    """The NIK typed is registered on the other channel: said plainly, nothing about that
    registration shown; how to see its status here; and, if it is not theirs, how to go on."""
    where = _(f"channel.{channel}")
    go_on = _("btn.nik_not_mine")
    text = "\n\n".join((
        _("nik.elsewhere").format(channel=where),
        status_check.how_text(),
        _("nik.elsewhere.not_mine").format(channel=where, button=go_on),
    ))  # fmt: skip
    back = qn.previous_question(applicant.answers, "nik")
    choice = SingleChoice(
        (option(go_on, cb.NikNotMine("nik")),),
        back=option(_("btn.back"), cb.Back("nik")) if back is not None else None,
    )
    return View(text, choice)


async def _nik_not_mine(d: Deps, user_id: int, applicant: Applicant) -> Reply:
    """The person says the registration on the other channel is not theirs: their NIK is
    taken, and at submission the conflict goes to staff as for any NIK held by another."""
    waiting = applicant.answers.get(reg.NIK_ELSEWHERE)
    outcome = validate_nik(str(waiting), d.today()) if waiting else None
    if not isinstance(outcome, Valid):
        return replace(current_view(d, applicant))
    question = qn.BY_KEY["nik"]
    result = await reg.answer(
        d, applicant, question.key, outcome.value, elsewhere_ok=True, **dict(outcome.extra)
    )
    return await _after_answer(d, user_id, result, question.key)


async def _choice(
    d: Deps, user_id: int, applicant: Applicant, question: qn.Question, value: str
) -> Reply:
    """A one-choice answer."""
    key = question.key
    if key == "birth_date":
        allowed = {applicant.answers.get("_nik_birth_date")}
        try:
            typed_ok = date.fromisoformat(value) <= d.today()
        except ValueError:
            typed_ok = False
        if not typed_ok:
            return replace(question_view(d, applicant, question))
        extra = {"_birth_date_differs": value not in allowed}
        result = await reg.answer(d, applicant, key, value, **extra)
        return await _after_answer(d, user_id, result, key)
    if question.option(applicant.answers, value) is None:
        return replace(question_view(d, applicant, question))
    extra = {}
    if key == "sex" and applicant.answers.get("_nik_sex"):
        extra["_sex_differs"] = value != applicant.answers["_nik_sex"]
    result = await reg.answer(d, applicant, key, value, **extra)
    return await _after_answer(d, user_id, result, key)


async def _summary_button(d: Deps, applicant: Applicant, data: cb.Callback) -> Reply:
    """The summary's buttons: the list of answers to change, one answer, back, submit."""
    match data:
        case cb.EditMenu():
            return replace(edit_menu_view(applicant))
        case cb.ShowSummary():
            return replace(summary_view(applicant))
        case cb.EditAnswer(key):
            if key not in qn.BY_KEY:
                return Reply()
            applicant = await reg.edit_from_summary(d, applicant, key)
            return replace(current_view(d, applicant))
    # "Kirim pendaftaran": registration number and verdict.
    if qn.current_question(applicant.answers) is not None:
        applicant = await reg.move_on(d, applicant, applicant.answers)
        return replace(current_view(d, applicant))
    result = await reg.submit(d, applicant)
    view = await _confirmation(d, applicant, result)
    return Reply((Shown(view, Place.AFTER),), then=lambda: reg.confirmed(d, applicant))


async def _confirmation(d: Deps, applicant: Applicant, result: reg.Submitted) -> View:
    position = await repo.waitlist_position(d.db, applicant)
    view = submitted_view(d, applicant, result, position)
    if result.placement.nik_conflict:
        # Says what happens next and nothing about anyone else's registration.
        check = _("nik.conflict.claimant").format(contact=escape(d.settings.contact_bbpvp))
        view = View(view.text + "\n\n" + check)
    return view
