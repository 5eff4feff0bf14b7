"""The interview engine's pure parts: which question comes next, what an answer clears."""

from __future__ import annotations

from datetime import date

import pytest

from bot.callbacks import Choice, Toggle
from bot.domain import questionnaire as qn
from bot.domain.validation import BirthDateDiffers, Invalid, Valid, validate_name, validate_typed

TODAY = date(2026, 11, 28)
BASE = {"name": "Siti", "nik": "3673055512980001", "birth_date": "1998-12-15", "sex": "P"}


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({}, "name"),
        ({"name": "Siti"}, "nik"),
        (BASE, "domicile"),
        ({**BASE, "domicile": "kota_serang"}, "kecamatan"),
        ({**BASE, "domicile": "kota_serang", "kecamatan": "curug"}, "kelurahan"),
        ({**BASE, "domicile": "lampung"}, "education"),
    ],
)
def test_current_question(answers: dict[str, str], expected: str) -> None:
    question = qn.current_question(answers)
    assert question is not None and question.key == expected


def test_all_answered_means_summary() -> None:
    answers = {q.key: "x" for q in qn.QUESTIONS if q.key != "worked_abroad_where"}
    answers["domicile"] = "kota_serang"
    assert qn.current_question(answers) is None


@pytest.mark.parametrize(
    ("key", "value", "dropped"),
    [
        ("domicile", "lampung", {"kecamatan", "kelurahan"}),
        ("kecamatan", "curug", {"kelurahan"}),
        ("nik", "3673051203950002", {"birth_date", "sex"}),
        ("worked_abroad", "belum", {"worked_abroad_where"}),
    ],
)
def test_changing_an_answer_drops_what_depends_on_it(
    key: str, value: str, dropped: set[str]
) -> None:
    answers = {
        **BASE, "domicile": "kota_serang", "kecamatan": "serang", "kelurahan": "sukawana",
        "worked_abroad": "pernah", "worked_abroad_where": "Malaysia",
    }  # fmt: skip
    updated = qn.set_answer(answers, key, value)
    assert dropped.isdisjoint(updated)
    assert updated[key] == value


def test_same_answer_again_drops_nothing() -> None:
    answers = {**BASE, "domicile": "kota_serang", "kecamatan": "serang", "kelurahan": "sukawana"}
    assert qn.set_answer(answers, "kecamatan", "serang") == answers


def test_kelurahan_options_follow_the_kecamatan() -> None:
    sukawana_serang = qn.BY_KEY["kelurahan"].options_given({"kecamatan": "serang"})
    sukawana_curug = qn.BY_KEY["kelurahan"].options_given({"kecamatan": "curug"})
    assert len(sukawana_serang) == 12 and len(sukawana_curug) == 10
    assert "Sukawana" in {o.label for o in sukawana_serang} & {o.label for o in sukawana_curug}


def test_every_callback_data_fits_telegrams_64_bytes() -> None:
    for question in qn.QUESTIONS:
        answers = {"kecamatan": "cipocok_jaya"} if question.key == "kelurahan" else {}
        for option in question.options_given(answers) or qn.BY_KEY["kelurahan"].options_given(
            {"kecamatan": "walantaka"}
        ):
            for kind in (Choice, Toggle):  # pack() refuses more than 64 bytes
                assert kind.parse(kind(question.key, option.value).pack()) is not None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Siti   Aminah ", Valid("Siti Aminah")),
        ("<b>Budi</b> & Sons", Valid("<b>Budi</b> & Sons")),
        ("Budi\u200b Santoso", Valid("Budi Santoso")),
        ("", Invalid("error.empty")),
        ("B", Invalid("error.name_short")),
        ("Budi 2", Invalid("error.name_digits")),
    ],
)
def test_validate_name(raw: str, expected: Valid | Invalid) -> None:
    assert validate_name(raw) == expected


def test_birth_date_against_nik() -> None:
    answers = {"_nik_birth_date": "1998-12-15"}
    question = qn.BY_KEY["birth_date"]
    assert validate_typed(question, "15/12/1998", answers, TODAY) == Valid("1998-12-15")
    assert validate_typed(question, "16/12/1998", answers, TODAY) == BirthDateDiffers(
        typed=date(1998, 12, 16), from_nik=date(1998, 12, 15)
    )


def test_nik_answer_carries_what_the_nik_says() -> None:
    result = validate_typed(qn.BY_KEY["nik"], "3673 0555 1298 0001", {}, TODAY)
    assert result == Valid("3673055512980001", {"_nik_birth_date": "1998-12-15", "_nik_sex": "P"})
