"""The registration use case: consent, the interview engine, submission and the verdict.

Knows nothing of Telegram: handlers call these functions and render what they return.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.deps import Deps
from bot.domain import questionnaire as qn
from bot.domain.dates import date_turning
from bot.domain.eligibility import (
    Education,
    EligibilityInput,
    FamilyPermission,
    Outcome,
    Pool,
    Verdict,
    evaluate,
    is_minor,
)
from bot.domain.regions import KOTA_SERANG, kecamatan_by_slug
from bot.domain.stages import EDITABLE_STAGES, FIRST_STAGE
from bot.domain.status import ApplicantStatus
from bot.services.erasure import erase
from bot.storage import applicants as repo
from bot.storage import nik_attempts
from bot.storage.applicants import Applicant, Placement
from bot.storage.contacts import channel_of

log = logging.getLogger(__name__)

# Bump when the consent text in the catalogs changes: the version is stored with the consent,
# so the programme can prove which text a person agreed to (UU PDP).
CONSENT_VERSION = "2026-12"


async def begin(d: Deps, user_id: int, *, locale: str, source: str | None) -> Applicant:
    """First contact (/start): a row that holds no personal data until consent."""
    applicant = await repo.get(d.db, user_id)
    if applicant is None:
        applicant = await repo.create(d.db, user_id, locale=locale, source=source, at=d.clock.now())
        await repo.record_funnel(d.db, user_id, "started")
    elif source and not applicant.source:
        await repo.update(d.db, applicant, source=source)
    return applicant


async def give_consent(d: Deps, applicant: Applicant, accepted: bool) -> Applicant | None:
    """Consent recorded with its time and text version; a refusal keeps nothing about them."""
    if not accepted:
        await erase(d, [applicant.user_id])
        return None
    await repo.update(
        d.db,
        applicant,
        status=ApplicantStatus.INTERVIEWING,
        consent_at=d.clock.now().isoformat(timespec="seconds"),
        consent_version=CONSENT_VERSION,
    )
    await repo.record_funnel(d.db, applicant.user_id, "consented")
    return await move_on(d, applicant, applicant.answers)


async def move_on(d: Deps, applicant: Applicant, answers: dict[str, Any]) -> Applicant:
    """Store the answers and go to the next unanswered question (or the summary)."""
    question = qn.current_question(answers)
    step = question.key if question else qn.SUMMARY
    # The funnel's "q:<step>" row is written by SQLite with it (migration 006).
    await repo.update(d.db, applicant, answers=answers, step=step)
    return applicant


async def pause(d: Deps, applicant: Applicant) -> None:
    """/batal: leave the current question; the answers stay."""
    await repo.update(d.db, applicant, step=None, editing=False)


async def restart_interview(d: Deps, applicant: Applicant) -> Applicant:
    await repo.update(d.db, applicant, nik=None, editing=False)
    return await move_on(d, applicant, {})


# Different NIKs one person may type in a day. A NIK is no longer checked against other
# registrations at the question (that answered "is this NIK an applicant's?" for anyone who
# asked); the limit keeps even the check at submission from being a quick oracle.
NIK_ATTEMPTS_PER_DAY = 5


@dataclass(frozen=True)
class NikLimit:
    """The person typed too many different NIKs lately; this one was not taken."""


@dataclass(frozen=True)
class BecameMinor:
    eligible_from: date


@dataclass(frozen=True)
class NikElsewhere:
    """The NIK is held by a registration sent on the other channel (``channel``): most likely
    the person's own, so the answer waits (in ``answers[NIK_ELSEWHERE]``) until they say it
    is not theirs (``take_nik_elsewhere``); nothing else about it is said."""

    channel: str


# Where a NIK held by a registration on the other channel waits for "not mine, go on".
NIK_ELSEWHERE = "_nik_elsewhere"

AnswerResult = Applicant | NikLimit | BecameMinor | NikElsewhere


async def answer(
    d: Deps, applicant: Applicant, key: str, value: Any, *, elsewhere_ok: bool = False,
    **extra: Any,
) -> AnswerResult:
    """Record one answer (committed at once) and move to the next step.

    A NIK that a registration sent on the other channel holds is not taken at once (see
    ``NikElsewhere``) unless ``elsewhere_ok``: the person said it is not theirs."""
    answers = qn.set_answer(applicant.answers, key, value)
    answers.update(extra)
    if key == "nik":
        if not await nik_attempts.allow(
            d.db, applicant.user_id, value, limit=NIK_ATTEMPTS_PER_DAY, now=d.clock.now()
        ):
            log.info("NIK attempt limit reached by user %s", applicant.user_id)
            return NikLimit()
        answers.pop(NIK_ELSEWHERE, None)
        held_on = await repo.nik_holder_channel(d.db, str(value), other_than=applicant.user_id)
        if not elsewhere_ok and held_on is not None and held_on != channel_of(applicant.user_id):
            # Only the other channel: the same channel keeps the quiet conflict flow (staff
            # decide at submission, bot/services/nik_conflicts.py). Counted above, so this
            # answer is no quicker an oracle than the limit allows.
            waiting = dict(applicant.answers)
            waiting[NIK_ELSEWHERE] = str(value)
            await repo.update(d.db, applicant, answers=waiting)
            return NikElsewhere(held_on)
    if key == "birth_date":
        birth = date.fromisoformat(value)
        if is_minor(birth, today=d.today(), rules=d.rules):
            return await _stop_for_minor(d, applicant, birth)
    if applicant.editing and qn.current_question(answers) is None:
        await repo.update(d.db, applicant, editing=False)
    return await move_on(d, applicant, answers)


async def _stop_for_minor(d: Deps, applicant: Applicant, birth: date) -> BecameMinor:
    # Children's data needs a parent's consent (UU PDP): keep only the birth date, which is
    # what the "tell me when I turn 18" offer needs.
    await repo.update(
        d.db, applicant, status=ApplicantStatus.MINOR, step=None, nik=None, editing=False,
        answers={"birth_date": birth.isoformat()},
    )  # fmt: skip
    return BecameMinor(eligible_from=date_turning(birth, d.rules.min_age))


def minor_until(d: Deps, applicant: Applicant) -> date | None:
    """For someone stopped as a minor: the day they may register, or None once it has come."""
    birth = applicant.answers.get("birth_date")
    if applicant.status != ApplicantStatus.MINOR or not birth:
        return None
    when = date_turning(date.fromisoformat(birth), d.rules.min_age)
    return when if when > d.today() else None


async def reopen_for_adult(d: Deps, applicant: Applicant) -> Applicant:
    """A minor who has come of age starts again at the consent: they agreed as a child, and
    only their birth date was kept."""
    await repo.update(
        d.db, applicant, status=ApplicantStatus.CONSENT, step=None, answers={}, remind_on=None,
        editing=False,
    )  # fmt: skip
    return applicant


async def remind_at_18(d: Deps, applicant: Applicant) -> date | None:
    birth = applicant.answers.get("birth_date")
    if applicant.status != ApplicantStatus.MINOR or not birth:
        return None
    when = date_turning(date.fromisoformat(birth), d.rules.min_age)
    await repo.update(d.db, applicant, remind_on=when.isoformat())
    return when


async def toggle_choice(d: Deps, applicant: Applicant, key: str, value: str) -> bool:
    """Multi-select and ranked questions: add or remove one choice from the draft.

    Returns False when the choice would go over the question's maximum."""
    question = qn.BY_KEY[key]
    draft_key = f"_pick_{key}"
    picked = list(applicant.answers.get(draft_key, []))
    if value in picked:
        picked.remove(value)
    elif len(picked) >= question.max_choices:
        return False
    else:
        picked.append(value)
    answers = dict(applicant.answers)
    answers[draft_key] = picked
    await repo.update(d.db, applicant, answers=answers)
    return True


async def reset_choices(d: Deps, applicant: Applicant, key: str) -> None:
    answers = dict(applicant.answers)
    answers[f"_pick_{key}"] = []
    await repo.update(d.db, applicant, answers=answers)


def picked(applicant: Applicant, key: str) -> list[str]:
    draft = applicant.answers.get(f"_pick_{key}")
    if draft is None:
        draft = applicant.answers.get(key, [])
    return list(draft)


async def finish_choices(d: Deps, applicant: Applicant, key: str) -> AnswerResult:
    chosen = picked(applicant, key)
    answers = dict(applicant.answers)
    answers.pop(f"_pick_{key}", None)
    applicant.answers = answers
    return await answer(d, applicant, key, chosen)


async def edit_from_summary(d: Deps, applicant: Applicant, key: str) -> Applicant:
    answers = dict(applicant.answers)
    if qn.BY_KEY[key].kind in (qn.Kind.MULTI, qn.Kind.RANKED):
        answers[f"_pick_{key}"] = list(answers.get(key, []))
    await repo.update(d.db, applicant, step=key, editing=True, answers=answers)
    return applicant


async def go_back(d: Deps, applicant: Applicant) -> Applicant:
    previous = qn.previous_question(applicant.answers, applicant.step or qn.SUMMARY)
    if previous is not None:
        await repo.update(d.db, applicant, step=previous.key)
    return applicant


def can_edit(applicant: Applicant) -> bool:
    return not applicant.submitted or applicant.stage in EDITABLE_STAGES


# --- submission -------------------------------------------------------------------------


def eligibility_input(answers: dict[str, Any]) -> EligibilityInput:
    def yes(key: str, yes_value: str) -> bool | None:
        return None if key not in answers else answers[key] == yes_value

    domicile = str(answers.get("domicile", "other"))
    return EligibilityInput(
        birth_date=date.fromisoformat(answers["birth_date"]),
        province_code=qn.DOMICILE_PROVINCE.get(domicile, "other"),
        in_kota_serang=domicile == "kota_serang",
        education=Education(answers["education"]) if "education" in answers else None,
        healthy=yes("health", "ya"),
        family_permission=(
            FamilyPermission(answers["family_permission"])
            if "family_permission" in answers
            else None
        ),
        has_siapkerja=yes("siapkerja", "sudah"),
        has_passport=yes("passport", "sudah"),
        willing_health_check=yes("health_check", "ya"),
    )


def staff_flags(answers: dict[str, Any]) -> list[str]:
    """Things staff should look at; never a reason to reject (a NIK does not follow a move)."""
    flags: list[str] = []
    nik = str(answers.get("nik", ""))
    domicile = answers.get("domicile")
    if nik and domicile:
        province = qn.DOMICILE_PROVINCE.get(str(domicile))
        if domicile == "kota_serang":
            kecamatan = kecamatan_by_slug(str(answers.get("kecamatan", "")))
            if not nik.startswith(KOTA_SERANG):
                flags.append("nik_outside_kota_serang")
            elif kecamatan is not None and not nik.startswith(kecamatan.code):
                flags.append("nik_other_kecamatan")
        elif province != "other" and not nik.startswith(str(province)):
            flags.append("nik_other_province")
    if answers.get("_birth_date_differs"):
        flags.append("birth_date_differs_from_nik")
    if answers.get("_sex_differs"):
        flags.append("sex_differs_from_nik")
    return flags


@dataclass(frozen=True)
class Submitted:
    verdict: Verdict
    placement: Placement
    quota: int | None


def quota_for(d: Deps, pool: Pool | str | None) -> int | None:
    """The places of the applicant's pool; None when they take no place."""
    return d.rules.quota(pool) if pool is not None else None


async def submit(d: Deps, applicant: Applicant) -> Submitted:
    today = d.today()
    verdict = evaluate(eligibility_input(applicant.answers), today=today, rules=d.rules)
    # Only applicants who can go on take a place; "belum memenuhi syarat" does not.
    pool = verdict.pool if verdict.outcome is not Outcome.NOT_ELIGIBLE else None
    await repo.update(d.db, applicant, staff_flags=staff_flags(applicant.answers))
    placement = await repo.submit(
        d.db,
        applicant,
        year=today.year,
        outcome=verdict.outcome.value,
        reasons=[r.value for r in verdict.reasons],
        missing=[m.value for m in verdict.missing],
        pool=pool.value if pool else None,
        quota=quota_for(d, pool),
        stage=FIRST_STAGE,
        at=d.clock.now(),
    )
    if placement.nik_conflict:
        log.info("application %s waits for a NIK decision by staff", placement.reg_no)
        await repo.update(d.db, applicant, staff_flags=[*applicant.staff_flags, "nik_conflict"])
    log.info("application submitted: %s outcome=%s", placement.reg_no, verdict.outcome.value)
    return Submitted(verdict=verdict, placement=placement, quota=quota_for(d, pool))


def submitted_result(d: Deps, applicant: Applicant) -> Submitted:
    """The result of a submission already stored, to confirm it again (a confirmation owed
    since a kill): the verdict as on the day it was sent, the place as it stands now."""
    sent_on = datetime.fromisoformat(applicant.submitted_at or d.clock.now().isoformat())
    verdict = evaluate(
        eligibility_input(applicant.answers),
        today=sent_on.astimezone(d.settings.timezone).date(),
        rules=d.rules,
    )
    pool = Pool(applicant.pool) if applicant.pool else None
    placement = Placement(
        reg_no=str(applicant.reg_no),
        waitlist_no=applicant.waitlist_no,
        nik_conflict="nik_conflict" in applicant.staff_flags,
    )
    return Submitted(verdict=verdict, placement=placement, quota=quota_for(d, pool))


async def confirmed(d: Deps, applicant: Applicant) -> None:
    """The confirmation reached the resident: nothing is owed any more."""
    if applicant.confirmation_owed:
        await repo.update(d.db, applicant, confirmation_owed=False)
