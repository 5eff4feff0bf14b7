"""The interview's views: consent, each question, the summary and the list of answers to
change."""

from __future__ import annotations

from datetime import date

from bot import callbacks as cb
from bot.conversation.answers import answer_text, option_label
from bot.conversation.verdict import notes_lines
from bot.conversation.views import (
    DateExpected,
    FreeText,
    MultiSelect,
    Option,
    PhoneExpected,
    Ranked,
    SingleChoice,
    View,
    YesNo,
    option,
)
from bot.deps import Deps
from bot.domain import questionnaire as qn
from bot.domain.dates import format_date_short
from bot.domain.status import ApplicantStatus
from bot.i18n import _, get_locale
from bot.services.registration import picked
from bot.storage.applicants import Applicant


def consent_view() -> View:
    return View(
        _("consent.body"),
        YesNo(
            option(_("btn.agree"), cb.ConsentAnswer(agreed=True)),
            option(_("btn.disagree"), cb.ConsentAnswer(agreed=False)),
            columns=2,
        ),
    )


def consent_hint_view() -> View:
    """The consent buttons again under a short line, not the whole consent text again."""
    hint = _("consent.use_buttons").format(agree=_("btn.agree"), disagree=_("btn.disagree"))
    return View(hint, consent_view().choice)


def current_view(d: Deps, applicant: Applicant, notice: str = "") -> View:
    """Whatever the resident should see now, given where they are."""
    if applicant.status == ApplicantStatus.CONSENT:
        return consent_view()
    if applicant.step is None:
        return View((notice + "\n\n" if notice else "") + _("interview.paused"))
    if applicant.step == qn.SUMMARY:
        return summary_view(applicant, notice)
    return question_view(d, applicant, qn.BY_KEY[applicant.step], notice)


def _header(key: str) -> str:
    place, total = qn.position(key)
    return f"<i>{place}/{total}</i>\n"


def _back(answers: qn.Answers, key: str) -> Option | None:
    if qn.previous_question(answers, key) is None:
        return None
    return option(_("btn.back"), cb.Back(key))


def question_view(d: Deps, applicant: Applicant, question: qn.Question, notice: str = "") -> View:
    """The question as a message; ``notice`` goes above it (a confirmation or an error)."""
    answers = applicant.answers
    locale = get_locale()
    text = (notice + "\n\n" if notice else "") + _header(question.key)
    back = _back(answers, question.key)
    options = question.options_given(answers)

    if question.key == "birth_date" and answers.get("_nik_birth_date"):
        from_nik = date.fromisoformat(answers["_nik_birth_date"])
        text += _("q.birth_date_from_nik").format(date=format_date_short(from_nik, locale))
        confirm = option(format_date_short(from_nik, locale),
                         cb.Choice("birth_date", from_nik.isoformat()))  # fmt: skip
        return View(text, DateExpected(suggested=confirm, back=back))

    if question.key == "sex" and answers.get("_nik_sex") in ("L", "P"):
        suggested = answers["_nik_sex"]
        text += _("q.sex_from_nik").format(sex=_(f"sex.{suggested}"))
        ordered = sorted(options, key=lambda o: o.value != suggested)
        choices = tuple(option(option_label(o), cb.Choice("sex", o.value)) for o in ordered)
        return View(text, SingleChoice(choices, question.columns,
                                       cb.Choice("sex", suggested).pack(), back))  # fmt: skip

    if question.key == "kelurahan":
        kecamatan = next(
            (o for o in qn.BY_KEY["kecamatan"].options_given(answers)
             if o.value == answers.get("kecamatan")), None,
        )  # fmt: skip
        text += _("q.kelurahan").format(kecamatan=kecamatan.label if kecamatan else "")
    else:
        text += _(question.prompt)
    if question.key == "destinations":
        notes = notes_lines(d.settings.destination_notes, (o.value for o in options))
        text += "".join("\n\n" + note for note in notes)

    match question.kind:
        case qn.Kind.CHOICE:
            choices = tuple(
                option(option_label(o), cb.Choice(question.key, o.value)) for o in options
            )
            return View(text, SingleChoice(choices, question.columns, back=back))
        case qn.Kind.MULTI | qn.Kind.RANKED:
            toggles = tuple(
                option(option_label(o), cb.Toggle(question.key, o.value)) for o in options
            )
            chosen = tuple(cb.Toggle(question.key, v).pack()
                           for v in picked(applicant, question.key))  # fmt: skip
            done = option(_("btn.done"), cb.DoneChoosing(question.key))
            if question.kind is qn.Kind.MULTI:
                return View(text, MultiSelect(toggles, chosen, done, question.columns, back))
            reset = option(_("btn.reset"), cb.ResetRanking(question.key)) if chosen else None
            return View(text, Ranked(toggles, chosen, question.max_choices, done, reset,
                                     question.columns, back))  # fmt: skip
        case qn.Kind.PHONE:
            return View(text, PhoneExpected(_("btn.share_phone"), "08xx xxxx xxxx"))
        case qn.Kind.DATE:
            return View(text, DateExpected(back=back))
        case _:
            return View(text, FreeText(back))


def birth_date_query(typed: date, from_nik: date) -> View:
    """The typed birth date is not the NIK's: which one is right."""
    locale = get_locale()
    text = _("q.birth_date_differs").format(
        typed=format_date_short(typed, locale), nik=format_date_short(from_nik, locale)
    )
    return View(
        text,
        SingleChoice(
            (
                option(format_date_short(from_nik, locale) + " " + _("btn.as_in_nik"),
                       cb.Choice("birth_date", from_nik.isoformat())),
                option(format_date_short(typed, locale) + " " + _("btn.as_typed"),
                       cb.Choice("birth_date", typed.isoformat())),
            )
        ),
    )  # fmt: skip


def summary_text(applicant: Applicant) -> str:
    lines = [_("summary.title"), ""]
    for question in qn.applicable(applicant.answers):
        lines.append(f"<b>{_(question.label)}</b>: {answer_text(question, applicant.answers)}")
    return "\n".join(lines)


def summary_view(applicant: Applicant, notice: str = "") -> View:
    text = (notice + "\n\n" if notice else "") + summary_text(applicant)
    submit_label = _("btn.save_changes") if applicant.submitted else _("btn.submit")
    text += "\n\n" + (_("summary.hint_resubmit") if applicant.submitted else _("summary.hint"))
    return View(
        text,
        SingleChoice(
            (option(submit_label, cb.Submit()), option(_("btn.edit_answers"), cb.EditMenu()))
        ),
    )


def edit_menu_view(applicant: Applicant) -> View:
    choices = tuple(
        option(_(q.label), cb.EditAnswer(q.key))
        for q in qn.applicable(applicant.answers)
        if q.key not in ("kelurahan",) or "kecamatan" not in applicant.answers
    )
    back = option(_("btn.back_to_summary"), cb.ShowSummary())
    return View(
        summary_text(applicant) + "\n\n" + _("summary.pick_to_edit"),
        SingleChoice(choices, 2, back=back),
    )
