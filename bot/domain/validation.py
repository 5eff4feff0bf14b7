"""Turning what a resident typed into an answer, or a reason to ask again.

Pure functions over the questionnaire: the handlers translate the problem codes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.domain.dates import DateError, parse_birth_date
from bot.domain.nik import NikError, parse_nik
from bot.domain.phone import PhoneError, normalize_phone
from bot.domain.questionnaire import Answers, Kind, Question

NAME_MAX = 100
FREE_TEXT_MAX = 200


@dataclass(frozen=True)
class Valid:
    value: Any
    extra: dict[str, Any] = field(default_factory=dict)  # more answers learned on the way


@dataclass(frozen=True)
class Invalid:
    problem: str  # catalog key of the explanation
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BirthDateDiffers:
    """Typed birth date disagrees with the NIK: ask which one is right, accept neither yet."""

    typed: date
    from_nik: date


Result = Valid | Invalid | BirthDateDiffers


def clean_text(raw: str) -> str:
    """Collapse white space and drop control and invisible format characters."""
    kept = "".join(ch for ch in raw if unicodedata.category(ch) not in {"Cc", "Cf"} or ch in "\n\t")
    return re.sub(r"\s+", " ", kept).strip()


def has_letters(text: str) -> bool:
    """Emoji, digits and punctuation alone are not an answer to a question asked in words."""
    return any(ch.isalpha() for ch in text)


def validate_name(raw: str) -> Result:
    text = clean_text(raw)
    if not text:
        return Invalid("error.empty")
    if len(text) > NAME_MAX:
        return Invalid("error.name_too_long", {"max": NAME_MAX})
    if any(ch.isdigit() for ch in text):  # "9" is told about digits, the more precise word
        return Invalid("error.name_digits")
    if not has_letters(text):
        return Invalid("error.no_letters")
    if sum(ch.isalpha() for ch in text) < 2:
        return Invalid("error.name_short")
    return Valid(text)


def validate_free_text(raw: str) -> Result:
    text = clean_text(raw)
    if not text:
        return Invalid("error.empty")
    if len(text) > FREE_TEXT_MAX:
        return Invalid("error.text_too_long", {"max": FREE_TEXT_MAX})
    if not has_letters(text):
        return Invalid("error.no_letters")
    return Valid(text)


def validate_nik(raw: str, today: date) -> Result:
    try:
        info = parse_nik(raw, today=today)
    except NikError as exc:
        return Invalid(f"error.nik.{exc.problem.value}")
    return Valid(
        info.nik,
        {"_nik_birth_date": info.birth_date.isoformat(), "_nik_sex": info.sex.value},
    )


def validate_birth_date(raw: str, answers: Answers, today: date) -> Result:
    try:
        typed = parse_birth_date(raw, today=today)
    except DateError as exc:
        return Invalid(f"error.date.{exc.problem.value}")
    from_nik = answers.get("_nik_birth_date")
    if from_nik and date.fromisoformat(from_nik) != typed:
        return BirthDateDiffers(typed=typed, from_nik=date.fromisoformat(from_nik))
    return Valid(typed.isoformat())


def validate_phone(raw: str) -> Result:
    try:
        return Valid(normalize_phone(raw))
    except PhoneError as exc:
        return Invalid(f"error.phone.{exc.problem.value}")


def validate_typed(question: Question, raw: str, answers: Answers, today: date) -> Result:
    """A typed answer to a question of any kind (choices are matched in the handler)."""
    if len(raw) > 4096 or not clean_text(raw):
        return Invalid("error.empty" if not clean_text(raw) else "error.text_too_long",
                       {"max": FREE_TEXT_MAX})  # fmt: skip
    match question.kind:
        case Kind.TEXT:
            return validate_name(raw) if question.key == "name" else validate_free_text(raw)
        case Kind.NIK:
            return validate_nik(raw, today)
        case Kind.DATE:
            return validate_birth_date(raw, answers, today)
        case Kind.PHONE:
            return validate_phone(raw)
        case _:
            return Invalid("error.use_buttons")


def match_choice(question: Question, raw: str, answers: Answers, labels: dict[str, str]) -> Any:
    """A typed word that names one option ("sma", "Jepang") counts as pressing its button.

    ``labels`` maps option value -> label shown to this user (translated)."""
    wanted = clean_text(raw).casefold()
    for option in question.options_given(answers):
        if wanted in {option.value.casefold(), labels.get(option.value, "").casefold()}:
            return option.value
    return None


# Words that name the consent buttons, in both languages (someone may type in the other one).
_AGREE_WORDS = frozenset({"setuju", "sepakat", "agree"})
_NEGATIONS = frozenset({"tidak", "tak", "tdk", "gak", "ga", "nggak", "enggak", "engga", "ngga",
                        "kurang", "no", "not", "don", "dont"})  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+")


def match_consent(raw: str) -> bool | None:
    """A typed reply at the consent: True for "Setuju" ("ya, saya setuju", "I agree"), False
    for "Tidak setuju" ("saya tidak setuju", "I don't agree", "disagree"), None for anything
    else. Consent must be explicit (UU PDP): a bare "ya" or "ok" names no button, and neither
    does "tidak" alone ("tidak mengerti" is a question, not a refusal)."""
    words = _WORD.findall(clean_text(raw).casefold())
    if "disagree" in words:
        return False
    for index, word in enumerate(words):
        if word in _AGREE_WORDS:
            # "tidak setuju", "I do not agree", "I don't agree": a negation just before it.
            return not _NEGATIONS.intersection(words[max(0, index - 2) : index])
    return None
