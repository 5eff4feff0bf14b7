"""What residents see: questions, the summary, the verdict and the status card.

Every user-typed value is HTML-escaped here, once, because all messages use HTML parse mode.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html import escape
from typing import Any

from telegram import KeyboardButton, ReplyKeyboardMarkup

from bot import callbacks as cb
from bot.deps import Deps
from bot.domain import questionnaire as qn
from bot.domain.dates import date_turning, format_date, format_date_short, stored_moment
from bot.domain.destination_notes import DestinationNotes
from bot.domain.eligibility import Outcome
from bot.domain.stages import FIRST_STAGE, STAGES, Stage
from bot.i18n import _, get_locale
from bot.rule_words import rule_words
from bot.services.registration import Submitted, picked, quota_for
from bot.storage.applicants import Applicant
from handlers.common import View, button, destination_notes, keyboard, number

CHECK = "✅"

# Until departure a resident is a target for brokers (calo): /status reminds them how to stay
# safe at every stage before it.
PRE_DEPARTURE_STAGES = frozenset(STAGES[: STAGES.index(Stage.BERANGKAT)])


def notes_lines(notes: DestinationNotes, destinations: Iterable[str]) -> list[str]:
    """"ℹ️ Arab Saudi: ..." for each of these destinations that has a note, in their order."""
    names = labels_for(qn.BY_KEY["destinations"], {})
    locale = get_locale()
    return [
        f"ℹ️ <b>{escape(names.get(note.destination, note.destination))}</b>: "
        + escape(note.text(locale))
        for note in notes.for_destinations(destinations)
    ]


def option_label(option: qn.Option) -> str:
    return _(option.label) if option.translate else option.label


def labels_for(question: qn.Question, answers: qn.Answers) -> dict[str, str]:
    return {o.value: option_label(o) for o in question.options_given(answers)}


def answer_text(question: qn.Question, answers: qn.Answers) -> str:
    """An answer as the resident reads it back (escaped)."""
    value = answers.get(question.key)
    if value is None:
        return "—"
    labels = labels_for(question, answers)
    match question.kind:
        case qn.Kind.CHOICE:
            return escape(labels.get(str(value), str(value)))
        case qn.Kind.MULTI:
            return escape(", ".join(labels.get(v, v) for v in value)) if value else _("lang.none")
        case qn.Kind.RANKED:
            return escape(", ".join(f"{i}. {labels.get(v, v)}" for i, v in enumerate(value, 1)))
        case qn.Kind.DATE:
            return format_date_short(date.fromisoformat(value), get_locale())
        case _:
            return escape(str(value))


def _header(key: str) -> str:
    place, total = qn.position(key)
    return f"<i>{place}/{total}</i>\n"


def _back_row(answers: qn.Answers, key: str) -> list[list[Any]]:
    if qn.previous_question(answers, key) is None:
        return []
    return [[button(_("btn.back"), cb.Back(key))]]


def question_view(applicant: Applicant, question: qn.Question, notice: str = "") -> View:
    """The question as a message; ``notice`` goes above it (a confirmation or an error)."""
    answers = applicant.answers
    locale = get_locale()
    text = (notice + "\n\n" if notice else "") + _header(question.key)
    back = _back_row(answers, question.key)
    options = question.options_given(answers)

    if question.key == "birth_date" and answers.get("_nik_birth_date"):
        from_nik = date.fromisoformat(answers["_nik_birth_date"])
        text += _("q.birth_date_from_nik").format(date=format_date_short(from_nik, locale))
        confirm = button(CHECK + " " + format_date_short(from_nik, locale),
                         cb.Choice("birth_date", from_nik.isoformat()))  # fmt: skip
        return View(text, keyboard([confirm], extra_rows=back))

    if question.key == "sex" and answers.get("_nik_sex") in ("L", "P"):
        suggested = answers["_nik_sex"]
        text += _("q.sex_from_nik").format(sex=_(f"sex.{suggested}"))
        ordered = sorted(options, key=lambda o: o.value != suggested)
        buttons = [
            button(
                (CHECK + " " if o.value == suggested else "") + option_label(o),
                cb.Choice("sex", o.value),
            )
            for o in ordered
        ]
        return View(text, keyboard(buttons, question.columns, back))

    if question.key == "kelurahan":
        kecamatan = next(
            (o for o in qn.BY_KEY["kecamatan"].options_given(answers)
             if o.value == answers.get("kecamatan")), None,
        )  # fmt: skip
        text += _("q.kelurahan").format(kecamatan=kecamatan.label if kecamatan else "")
    else:
        text += _(question.prompt)
    if question.key == "destinations":
        notes = notes_lines(destination_notes(), (o.value for o in options))
        text += "".join("\n\n" + note for note in notes)

    match question.kind:
        case qn.Kind.CHOICE:
            buttons = [button(option_label(o), cb.Choice(question.key, o.value)) for o in options]
            return View(text, keyboard(buttons, question.columns, back))
        case qn.Kind.MULTI | qn.Kind.RANKED:
            chosen = picked(applicant, question.key)
            buttons = []
            for o in options:
                mark = ""
                if o.value in chosen:
                    mark = (
                        f"{chosen.index(o.value) + 1}. "
                        if question.kind is qn.Kind.RANKED
                        else CHECK + " "
                    )
                buttons.append(button(mark + option_label(o), cb.Toggle(question.key, o.value)))
            controls = [button(_("btn.done"), cb.DoneChoosing(question.key))]
            if question.kind is qn.Kind.RANKED and chosen:
                controls.insert(0, button(_("btn.reset"), cb.ResetRanking(question.key)))
            return View(text, keyboard(buttons, question.columns, [controls, *back]))
        case qn.Kind.PHONE:
            share = KeyboardButton(_("btn.share_phone"), request_contact=True)
            markup = ReplyKeyboardMarkup(
                [[share]], resize_keyboard=True, one_time_keyboard=True,
                input_field_placeholder="08xx xxxx xxxx",
            )  # fmt: skip
            return View(text, markup)
        case _:
            return View(text, keyboard([], extra_rows=back) if back else None)


def birth_date_query(typed: date, from_nik: date) -> View:
    locale = get_locale()
    text = _("q.birth_date_differs").format(
        typed=format_date_short(typed, locale), nik=format_date_short(from_nik, locale)
    )
    return View(
        text,
        keyboard(
            [
                button(format_date_short(from_nik, locale) + " " + _("btn.as_in_nik"),
                       cb.Choice("birth_date", from_nik.isoformat())),
                button(format_date_short(typed, locale) + " " + _("btn.as_typed"),
                       cb.Choice("birth_date", typed.isoformat())),
            ]
        ),
    )  # fmt: skip


def answered_line(question: qn.Question, answers: qn.Answers) -> str:
    return f"✓ {_(question.label)}: {answer_text(question, answers)}"


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
        keyboard(
            [button(submit_label, cb.Submit()), button(_("btn.edit_answers"), cb.EditMenu())]
        ),
    )


def edit_menu_view(applicant: Applicant) -> View:
    buttons = [
        button(_(q.label), cb.EditAnswer(q.key))
        for q in qn.applicable(applicant.answers)
        if q.key not in ("kelurahan",) or "kecamatan" not in applicant.answers
    ]
    return View(
        summary_text(applicant) + "\n\n" + _("summary.pick_to_edit"),
        keyboard(buttons, 2, [[button(_("btn.back_to_summary"), cb.ShowSummary())]]),
    )


def _reasons_text(d: Deps, reasons: list[str], eligible_from: date | None) -> list[str]:
    lines = []
    for reason in reasons:
        text = _(f"verdict.reason.{reason}")
        if reason == "too_young" and eligible_from is not None:
            when = format_date_short(eligible_from, get_locale())
            text = text.format(date=when, **rule_words(d.rules))
        elif reason == "too_old":
            text = text.format(max_age=d.rules.max_age or "")
        elif reason == "education":
            # "SMP atau sederajat" and where to catch up (Paket B at a PKBM), not a bare "SMP".
            level = d.rules.min_education.value
            text = text.format(education=_(f"education.minimum.{level}"),
                               catch_up=_(f"education.catch_up.{level}"))  # fmt: skip
        lines.append("• " + text)
    return lines


def verdict_lines(d: Deps, applicant: Applicant, eligible_from: date | None = None) -> list[str]:
    outcome = applicant.outcome or ""
    lines = [_(f"verdict.{outcome}")]
    if outcome == Outcome.NOT_ELIGIBLE.value:
        birth = applicant.answers.get("birth_date")
        if eligible_from is None and birth:  # /status: the date comes from the answers
            eligible_from = date_turning(date.fromisoformat(birth), d.rules.min_age)
        lines += _reasons_text(d, applicant.reasons, eligible_from)
        lines.append(_("verdict.not_eligible_next"))
    elif outcome == Outcome.INCOMPLETE.value:
        lines += ["• " + _(f"verdict.missing.{m}").format(url=escape(d.settings.siapkerja_url))
                  for m in applicant.missing]  # fmt: skip
    return lines


def place_line(applicant: Applicant, quota: int | None, position: int | None) -> str:
    """The quota place, or the current waiting-list position (it moves up as places free)."""
    if applicant.pool is None:
        return ""
    pool_name = _(f"pool.{applicant.pool}")
    if position is not None:
        return _("place.waitlist").format(pool=pool_name, position=number(position))
    return _("place.holds").format(pool=pool_name, quota=number(quota) if quota else "")


def has_siapkerja(applicant: Applicant) -> bool:
    return applicant.answers.get("siapkerja") == "sudah"


def next_steps(d: Deps, applicant: Applicant) -> str:
    """What happens after sending, from the person's own answers: nobody who said they have a
    SIAPkerja account is asked to register there, and nobody not eligible is promised an
    interview (the verdict already says what they can do)."""
    if applicant.outcome == Outcome.NOT_ELIGIBLE.value:
        return ""
    if has_siapkerja(applicant):
        return _("submitted.next_steps.siapkerja_done")
    return _("submitted.next_steps").format(url=escape(d.settings.siapkerja_url))


def stage_next(d: Deps, applicant: Applicant, stage: str) -> str:
    """The next step at a stage; at the first one it depends on the answers ("" when the
    verdict has already said what a person who is not eligible can do)."""
    if stage == FIRST_STAGE and applicant.outcome == Outcome.NOT_ELIGIBLE.value:
        return ""
    if stage == FIRST_STAGE and not has_siapkerja(applicant):
        return _("stage.terdaftar.next.no_siapkerja").format(url=escape(d.settings.siapkerja_url))
    return _(f"stage.{stage}.next")


def submitted_view(d: Deps, applicant: Applicant, result: Submitted, position: int | None) -> View:
    lines = [
        _("submitted.title").format(reg_no=applicant.reg_no),
        "",
        *verdict_lines(d, applicant, result.verdict.eligible_from),
    ]
    place = place_line(applicant, result.quota, position)
    if place:
        lines += ["", place]
    lines += chosen_destination_notes(d, applicant)
    steps = next_steps(d, applicant)
    if steps:
        lines += ["", steps]
    lines += ["", _("safety.reminder")]
    return View("\n".join(lines))


def chosen_destination_notes(d: Deps, applicant: Applicant) -> list[str]:
    """The notes of the destinations this resident picked, as lines after the verdict."""
    picked_destinations = applicant.answers.get("destinations") or []
    notes = notes_lines(d.settings.destination_notes, picked_destinations)
    return ["", *notes] if notes else []


def status_view(d: Deps, applicant: Applicant, position: int | None) -> View:
    locale = get_locale()
    submitted_on = stored_moment(applicant.submitted_at or "", d.settings.timezone).date()
    lines = [
        _("status.title"),
        "",
        _("status.reg_no").format(reg_no=applicant.reg_no),
        _("status.submitted_on").format(date=format_date(submitted_on, locale)),
        _("status.stage").format(stage=_(f"stage.{applicant.stage}")),
        "",
        *verdict_lines(d, applicant),
    ]
    place = place_line(applicant, quota_for(d, applicant.pool), position)
    if place:
        lines += ["", place]
    lines += chosen_destination_notes(d, applicant)
    steps = stage_next(d, applicant, applicant.stage or "")
    if steps:
        lines += ["", steps]
    if applicant.stage in PRE_DEPARTURE_STAGES:
        lines += ["", _("safety.reminder")]
    return View("\n".join(lines))
