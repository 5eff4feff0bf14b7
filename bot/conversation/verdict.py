"""What a resident is told about their application: the verdict when they send it, their
place in the quota, the notes of the destinations they chose, and /status."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html import escape

from bot.conversation.answers import labels_for
from bot.conversation.views import View
from bot.deps import Deps
from bot.domain import questionnaire as qn
from bot.domain.dates import date_turning, format_date, format_date_short, stored_moment
from bot.domain.destination_notes import DestinationNotes
from bot.domain.eligibility import Outcome
from bot.domain.stages import FIRST_STAGE, STAGES, Stage
from bot.i18n import _, format_number, get_locale
from bot.rule_words import rule_words
from bot.services.registration import Submitted, quota_for
from bot.storage.applicants import Applicant

# Until departure a resident is a target for brokers (calo): /status reminds them how to stay
# safe at every stage before it.
PRE_DEPARTURE_STAGES = frozenset(STAGES[: STAGES.index(Stage.BERANGKAT)])


def notes_lines(notes: DestinationNotes, destinations: Iterable[str]) -> list[str]:
    """ "ℹ️ Arab Saudi: ..." for each of these destinations that has a note, in their order."""
    names = labels_for(qn.BY_KEY["destinations"], {})
    locale = get_locale()
    return [
        f"ℹ️ <b>{escape(names.get(note.destination, note.destination))}</b>: "
        + escape(note.text(locale))
        for note in notes.for_destinations(destinations)
    ]


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
        return _("place.waitlist").format(pool=pool_name, position=format_number(position))
    return _("place.holds").format(pool=pool_name, quota=format_number(quota) if quota else "")


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
