"""The rules file: the example is the built-in rules, each key is read, and each mistake is
one line naming the key (settings refuse to start with it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.config import SettingsError, load_rules, load_settings
from bot.domain.eligibility import DEFAULT_RULES, Education, ProgrammeRules
from bot.domain.rules_file import RulesError, rules_from

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "rules.example.toml"


def test_the_example_file_is_the_built_in_rules() -> None:
    assert load_rules("RULES_FILE", EXAMPLE) == DEFAULT_RULES


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, DEFAULT_RULES),
        ({"min_age": 19}, ProgrammeRules(min_age=19)),
        ({"max_age": 39}, ProgrammeRules(max_age=39)),
        ({"max_age": 0}, ProgrammeRules(max_age=None)),
        ({"min_education": "SMA"}, ProgrammeRules(min_education=Education.SMA)),
        ({"provinces": ["36"]}, ProgrammeRules(provinces=frozenset({"36"}))),
        ({"kota_serang_quota": 700, "total_quota": 4000},
         ProgrammeRules(kota_serang_quota=700, total_quota=4000)),
        ({"adult_age": 17}, ProgrammeRules(adult_age=17)),
    ],
)  # fmt: skip
def test_rules_are_read(data: dict[str, Any], expected: ProgrammeRules) -> None:
    assert rules_from(data) == expected


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"min_umur": 18}, "min_umur"),
        ({"min_age": "18"}, "min_age"),
        ({"min_age": 18.5}, "min_age"),
        ({"min_age": True}, "min_age"),
        ({"min_age": -1}, "min_age"),
        ({"max_age": 17}, "max_age"),  # below min_age
        ({"min_education": "sltp"}, "min_education"),
        ({"provinces": "36"}, "provinces"),
        ({"provinces": []}, "provinces"),
        ({"provinces": [36]}, "provinces"),
        ({"kota_serang_quota": 4000}, "kota_serang_quota"),  # more than total_quota
        ({"total_quota": 100}, "kota_serang_quota"),  # now less than the reserved 500
    ],
)
def test_a_mistake_names_the_key(data: dict[str, Any], key: str) -> None:
    with pytest.raises(RulesError) as error:
        rules_from(data)
    assert str(error.value).startswith(key) and "\n" not in str(error.value)


def test_settings_read_the_rules_file(tmp_path: Path) -> None:
    rules_file = tmp_path / "rules.toml"
    rules_file.write_text("min_age = 19\nkota_serang_quota = 600\n", encoding="utf-8")
    s = load_settings({"RULES_FILE": str(rules_file)}, env_file=None)
    assert s.rules == ProgrammeRules(min_age=19, kota_serang_quota=600)
    assert s.rules_file == rules_file
    assert load_settings({"RULES_FILE": ""}, env_file=None).rules == DEFAULT_RULES


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("min_age = 19\nmin_age = 20\n", "not valid TOML"),
        ("min_age = \n", "not valid TOML"),
        ("total_quota = 100\n", "kota_serang_quota"),
        ("kuota = 5\n", "kuota: not a rule"),
    ],
)
def test_a_bad_rules_file_stops_start_up_with_one_line(
    tmp_path: Path, content: str, fragment: str
) -> None:
    rules_file = tmp_path / "rules.toml"
    rules_file.write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError) as error:
        load_settings({"RULES_FILE": str(rules_file)}, env_file=None)
    message = str(error.value)
    assert message.startswith("RULES_FILE: ") and fragment in message and "\n" not in message


def test_a_missing_rules_file_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as error:
        load_settings({"RULES_FILE": str(tmp_path / "nowhere.toml")}, env_file=None)
    assert str(error.value).startswith("RULES_FILE: cannot read ")
