"""Typed replies: words that name a button count as that button; an answer needs letters."""

from __future__ import annotations

import pytest

from bot.domain import questionnaire as qn
from bot.domain.validation import Invalid, Valid, match_consent, validate_typed
from tests.conftest import NOW

TODAY = NOW.date()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Setuju", True),
        ("setuju", True),
        ("ya saya setuju", True),
        ("Ya, setuju!", True),
        ("  SETUJU  ", True),
        ("I agree", True),
        ("Tidak setuju", False),
        ("tidak setuju", False),
        ("saya tidak setuju", False),
        ("gak setuju", False),
        ("I don't agree", False),
        ("I do not agree", False),
        ("disagree", False),
        ("ya", None),  # consent is explicit: the word of the button, not any yes
        ("ok", None),
        ("tidak", None),  # "tidak mengerti" is a question, not a refusal
        ("tidak mengerti", None),
        ("halo", None),
        ("😀", None),
        ("", None),
    ],
)
def test_typed_consent(typed: str, expected: bool | None) -> None:
    assert match_consent(typed) is expected


@pytest.mark.parametrize("typed", ["😀", "🙂🙂🙂", "...", "😀 😀", "-"])
@pytest.mark.parametrize("key", ["name", "worked_abroad_where"])
def test_an_answer_without_letters_is_not_an_answer(key: str, typed: str) -> None:
    result = validate_typed(qn.BY_KEY[key], typed, {}, TODAY)
    assert result == Invalid("error.no_letters")


def test_digits_alone_are_not_an_answer_about_work_abroad() -> None:
    result = validate_typed(qn.BY_KEY["worked_abroad_where"], "123 !?", {}, TODAY)
    assert result == Invalid("error.no_letters")


def test_a_name_of_digits_is_told_about_the_digits() -> None:
    assert validate_typed(qn.BY_KEY["name"], "9", {}, TODAY) == Invalid("error.name_digits")


@pytest.mark.parametrize(
    ("key", "typed"),
    [("name", "Siti Aminah"), ("worked_abroad_where", "Malaysia, pabrik 🙂"),
     ("worked_abroad_where", "Hong Kong 2019")],
)  # fmt: skip
def test_answers_with_letters_are_kept(key: str, typed: str) -> None:
    assert validate_typed(qn.BY_KEY[key], typed, {}, TODAY) == Valid(typed)


def test_one_letter_is_still_too_short_for_a_name() -> None:
    assert validate_typed(qn.BY_KEY["name"], "A 😀", {}, TODAY) == Invalid("error.name_short")
