"""The eligibility interview, declared once as data.

One engine (bot/services/interview.py) walks this list. A question applies or not given the
earlier answers; the current step is always "the first applicable question without an answer",
which gives resume, back and edit-from-summary for free.

Labels and prompts are catalog keys (translated by the handlers), except names of places,
which are proper nouns and shown as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.domain.eligibility import Education, FamilyPermission
from bot.domain.regions import KECAMATAN, kecamatan_by_slug
from bot.i18n import N_

Answers = Mapping[str, Any]


class Kind(StrEnum):
    CHOICE = "choice"  # one button
    MULTI = "multi"  # toggle buttons, then "Selesai"
    RANKED = "ranked"  # buttons tapped in order of preference, then "Selesai"
    TEXT = "text"
    DATE = "date"
    PHONE = "phone"
    NIK = "nik"


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    translate: bool = True  # False for proper names (kecamatan, kelurahan)


@dataclass(frozen=True)
class Question:
    key: str
    prompt: str
    label: str  # short name of the answer in the summary
    kind: Kind
    options: tuple[Option, ...] = ()
    options_for: Callable[[Answers], tuple[Option, ...]] | None = None
    applies: Callable[[Answers], bool] = field(default=lambda answers: True)
    max_choices: int = 1
    columns: int = 1
    clears: tuple[str, ...] = ()  # answers that lose their meaning when this one changes

    def options_given(self, answers: Answers) -> tuple[Option, ...]:
        return self.options_for(answers) if self.options_for else self.options

    def option(self, answers: Answers, value: str) -> Option | None:
        return next((o for o in self.options_given(answers) if o.value == value), None)


# Domicile as on the KTP/KK. The value names the province; Kota Serang is asked first because
# its residents have priority.
DOMICILE_PROVINCE = {
    "kota_serang": "36",
    "banten": "36",
    "sumsel": "16",
    "lampung": "18",
    "kalbar": "61",
    "other": "other",
}

INTERESTS: tuple[Option, ...] = (
    Option("las", N_("interest.las")),
    Option("listrik", N_("interest.listrik")),
    Option("otomotif", N_("interest.otomotif")),
    Option("manufaktur", N_("interest.manufaktur")),
    Option("bangunan", N_("interest.bangunan")),
    Option("tik", N_("interest.tik")),
    Option("caregiver", N_("interest.caregiver")),
    Option("pertanian", N_("interest.pertanian")),
    Option("perhotelan", N_("interest.perhotelan")),
    Option("garmen", N_("interest.garmen")),
    Option("logistik", N_("interest.logistik")),
)

DESTINATIONS: tuple[Option, ...] = (
    Option("jepang", N_("dest.jepang")),
    Option("korea", N_("dest.korea")),
    Option("taiwan", N_("dest.taiwan")),
    Option("hongkong", N_("dest.hongkong")),
    Option("malaysia", N_("dest.malaysia")),
    Option("singapura", N_("dest.singapura")),
    Option("arab_saudi", N_("dest.arab_saudi")),
    Option("jerman", N_("dest.jerman")),
    Option("polandia", N_("dest.polandia")),
    Option("kota_serang", N_("dest.kota_serang")),
    Option("jabodetabek", N_("dest.jabodetabek")),
    Option("luar_jawa", N_("dest.luar_jawa")),
)

LANGUAGES: tuple[Option, ...] = (
    Option("inggris", N_("lang.inggris")),
    Option("jepang", N_("lang.jepang")),
    Option("korea", N_("lang.korea")),
    Option("mandarin", N_("lang.mandarin")),
    Option("arab", N_("lang.arab")),
    Option("jerman", N_("lang.jerman")),
    Option("melayu", N_("lang.melayu")),
)

MAX_INTERESTS = 3
MAX_DESTINATIONS = 3


def _kecamatan_options(answers: Answers) -> tuple[Option, ...]:
    return tuple(Option(k.slug, k.name, translate=False) for k in KECAMATAN)


def _kelurahan_options(answers: Answers) -> tuple[Option, ...]:
    kecamatan = kecamatan_by_slug(str(answers.get("kecamatan", "")))
    if kecamatan is None:
        return ()
    return tuple(Option(k.slug, k.name, translate=False) for k in kecamatan.kelurahan)


def _yes_no(yes: str, no: str) -> tuple[Option, ...]:
    return (Option("ya", yes), Option("tidak", no))


def _in_kota_serang(answers: Answers) -> bool:
    return answers.get("domicile") == "kota_serang"


QUESTIONS: tuple[Question, ...] = (
    Question("name", N_("q.name"), N_("label.name"), Kind.TEXT),
    Question("nik", N_("q.nik"), N_("label.nik"), Kind.NIK, clears=("birth_date", "sex")),
    Question("birth_date", N_("q.birth_date"), N_("label.birth_date"), Kind.DATE),
    Question(
        "sex",
        N_("q.sex"),
        N_("label.sex"),
        Kind.CHOICE,
        options=(Option("L", N_("sex.L")), Option("P", N_("sex.P"))),
        columns=2,
    ),
    Question(
        "domicile",
        N_("q.domicile"),
        N_("label.domicile"),
        Kind.CHOICE,
        options=(
            Option("kota_serang", N_("domicile.kota_serang")),
            Option("banten", N_("domicile.banten")),
            Option("sumsel", N_("domicile.sumsel")),
            Option("lampung", N_("domicile.lampung")),
            Option("kalbar", N_("domicile.kalbar")),
            Option("other", N_("domicile.other")),
        ),
        clears=("kecamatan", "kelurahan"),
    ),
    Question(
        "kecamatan",
        N_("q.kecamatan"),
        N_("label.kecamatan"),
        Kind.CHOICE,
        options_for=_kecamatan_options,
        applies=_in_kota_serang,
        columns=2,
        clears=("kelurahan",),
    ),
    Question(
        "kelurahan",
        N_("q.kelurahan"),
        N_("label.kelurahan"),
        Kind.CHOICE,
        options_for=_kelurahan_options,
        applies=_in_kota_serang,
        columns=2,
    ),
    Question(
        "education",
        N_("q.education"),
        N_("label.education"),
        Kind.CHOICE,
        options=tuple(Option(e.value, f"education.{e.value}") for e in Education),
        columns=2,
    ),
    Question(
        "marital",
        N_("q.marital"),
        N_("label.marital"),
        Kind.CHOICE,
        options=(
            Option("belum_kawin", N_("marital.belum_kawin")),
            Option("kawin", N_("marital.kawin")),
            Option("cerai_hidup", N_("marital.cerai_hidup")),
            Option("cerai_mati", N_("marital.cerai_mati")),
        ),
        columns=2,
    ),
    Question(
        "family_permission",
        N_("q.family_permission"),
        N_("label.family_permission"),
        Kind.CHOICE,
        options=tuple(Option(p.value, f"family.{p.value}") for p in FamilyPermission),
    ),
    # Two questions, so that each "Tidak" means one thing: "not healthy" is not "not willing
    # to be examined". Answers given before the split have only "health" (then meaning both).
    Question(
        "health",
        N_("q.health"),
        N_("label.health"),
        Kind.CHOICE,
        options=_yes_no(N_("health.ya"), N_("health.tidak")),
        columns=2,
    ),
    Question(
        "health_check",
        N_("q.health_check"),
        N_("label.health_check"),
        Kind.CHOICE,
        options=_yes_no(N_("health_check.ya"), N_("health_check.tidak")),
        columns=2,
    ),
    Question("phone", N_("q.phone"), N_("label.phone"), Kind.PHONE),
    Question(
        "siapkerja",
        N_("q.siapkerja"),
        N_("label.siapkerja"),
        Kind.CHOICE,
        options=(Option("sudah", N_("answer.sudah")), Option("belum", N_("answer.belum"))),
        columns=2,
    ),
    Question(
        "passport",
        N_("q.passport"),
        N_("label.passport"),
        Kind.CHOICE,
        options=(Option("sudah", N_("answer.sudah")), Option("belum", N_("answer.belum"))),
        columns=2,
    ),
    Question(
        "worked_abroad",
        N_("q.worked_abroad"),
        N_("label.worked_abroad"),
        Kind.CHOICE,
        options=(
            Option("belum", N_("worked_abroad.belum")),
            Option("pernah", N_("worked_abroad.pernah")),
        ),
        columns=2,
        clears=("worked_abroad_where",),
    ),
    Question(
        "worked_abroad_where",
        N_("q.worked_abroad_where"),
        N_("label.worked_abroad_where"),
        Kind.TEXT,
        applies=lambda answers: answers.get("worked_abroad") == "pernah",
    ),
    Question(
        "languages",
        N_("q.languages"),
        N_("label.languages"),
        Kind.MULTI,
        options=LANGUAGES,
        max_choices=len(LANGUAGES),
        columns=2,
    ),
    Question(
        "interests",
        N_("q.interests"),
        N_("label.interests"),
        Kind.MULTI,
        options=INTERESTS,
        max_choices=MAX_INTERESTS,
        columns=2,
    ),
    Question(
        "destinations",
        N_("q.destinations"),
        N_("label.destinations"),
        Kind.RANKED,
        options=DESTINATIONS,
        max_choices=MAX_DESTINATIONS,
        columns=2,
    ),
)

BY_KEY: dict[str, Question] = {q.key: q for q in QUESTIONS}
SUMMARY = "summary"  # the step after the last question


def applicable(answers: Answers) -> list[Question]:
    return [q for q in QUESTIONS if q.applies(answers)]


def current_question(answers: Answers) -> Question | None:
    """The first applicable question without an answer; None means: show the summary."""
    return next((q for q in applicable(answers) if q.key not in answers), None)


def previous_question(answers: Answers, key: str) -> Question | None:
    questions = applicable(answers)
    keys = [q.key for q in questions]
    if key == SUMMARY:
        return questions[-1] if questions else None
    if key not in keys or keys.index(key) == 0:
        return None
    return questions[keys.index(key) - 1]


def set_answer(answers: Answers, key: str, value: Any) -> dict[str, Any]:
    """A copy of the answers with one answer set, dropping the answers it invalidates."""
    updated = dict(answers)
    if updated.get(key) != value:
        for dependent in BY_KEY[key].clears:
            updated.pop(dependent, None)
    updated[key] = value
    # Answers to questions that no longer apply (domicile moved out of Kota Serang) go too.
    keys_applying = {q.key for q in applicable(updated)}
    for question in QUESTIONS:
        if question.key not in keys_applying:
            updated.pop(question.key, None)
    return updated


def position(key: str) -> tuple[int, int]:
    """(this question's place in the whole interview, the number of questions in it), for
    the "5/19" header.

    A person reads the total as a promise. Counting only the questions that apply now made it
    change mid-way (5/16, then 6/18 once the KTP address was Kota Serang, then 16/19 after
    "worked abroad"). Here every question keeps its one number and the total never changes:
    a question that does not apply is skipped, so the counter only moves forward, the last
    question always reads 19/19, and "question 8" means the same question to every resident
    and to staff."""
    keys = [q.key for q in QUESTIONS]
    return keys.index(key) + 1, len(keys)
