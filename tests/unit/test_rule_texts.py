"""Texts take the programme's rules as placeholders: no catalog writes the minimum age or a
quota as a number, and other rules give other texts."""

from __future__ import annotations

import re

import pytest

from bot.domain.eligibility import DEFAULT_RULES, ProgrammeRules
from bot.i18n import load_catalog
from bot.rule_words import rule_words

LOCALES = ("id", "en")
# The law's own number ("UU No. 18 Tahun 2017", "Law No. 18 of 2017") is not an age.
LAW = re.compile(r"No\. 18 (Tahun|of) 2017")
RULE_NUMBERS = re.compile(r"(?<![\d.,])(18|500|2[.,]?500|3[.,]?000)(?![\d.,]*\d)")

ROUND = ProgrammeRules(min_age=21, adult_age=18, kota_serang_quota=700, total_quota=4000)


@pytest.mark.parametrize("locale", LOCALES)
def test_no_text_writes_a_rule_as_a_number(locale: str) -> None:
    catalog = load_catalog(locale)
    written = {
        key: found
        for key, text in catalog.singular.items()
        if (found := RULE_NUMBERS.findall(LAW.sub("", text)))
    }
    assert written == {}


def test_rule_words_follow_the_locale() -> None:
    assert rule_words(DEFAULT_RULES, "id") == {
        "min_age": "18", "adult_age": "18", "max_age": "", "priority_quota": "500",
        "region_quota": "2.500", "total_quota": "3.000",
    }  # fmt: skip
    assert rule_words(DEFAULT_RULES, "en")["total_quota"] == "3,000"
    assert rule_words(ProgrammeRules(max_age=39), "id")["max_age"] == "39"


@pytest.mark.parametrize(
    ("locale", "key", "expected"),
    [
        ("id", "minor.stop", "paling sedikit 21 tahun"),
        ("id", "minor.again", "belum berusia 21 tahun"),
        ("id", "minor.turned_18", "sekarang berusia 21 tahun"),
        ("id", "btn.remind_at_18", "berusia 21"),
        ("id", "verdict.reason.too_young", "belum 21 tahun"),
        ("id", "data.remind_on", "usia 21 tahun"),
        ("id", "info.body", "<b>4.000</b> tempat pelatihan"),
        ("id", "info.body", "<b>700</b> di antaranya"),
        ("en", "minor.stop", "at least 21 years old"),
        ("en", "info.body", "<b>4,000</b> training places"),
    ],
)
def test_other_rules_give_other_texts(locale: str, key: str, expected: str) -> None:
    text = load_catalog(locale).gettext(key)
    assert text != key
    rendered = text.format(date="1 Januari 2030", left="700", url="u", **rule_words(ROUND, locale))
    assert expected in rendered
