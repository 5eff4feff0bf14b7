"""ProgrammeRules from a rules file, so that a new round's limits need no code change.

bot/config.py reads the file (TOML, setting RULES_FILE); this turns its table into rules. The
file holds any of ProgrammeRules' fields; what it leaves out keeps the built-in value
(docs/rules.example.toml explains each). Every mistake is one RulesError naming the key, so
start-up stops with one line a person can act on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from bot.domain.eligibility import DEFAULT_RULES, Education, ProgrammeRules

_KNOWN = tuple(f.name for f in dataclasses.fields(ProgrammeRules))
_WHOLE_NUMBERS = ("min_age", "adult_age", "kota_serang_quota", "total_quota")


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the key and is shown as-is."""


def _whole_number(key: str, value: Any) -> int:
    # TOML booleans are Python bools, which are ints: "min_age = true" is still a mistake.
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RulesError(f"{key}: must be a whole number, 0 or more (is {value!r})")
    return value


def rules_from(data: Mapping[str, Any], base: ProgrammeRules = DEFAULT_RULES) -> ProgrammeRules:
    """``base`` with the values in ``data`` (a parsed rules file) put in."""
    unknown = sorted(set(data) - set(_KNOWN))
    if unknown:
        raise RulesError(f"{unknown[0]}: not a rule (the rules are {', '.join(_KNOWN)})")
    changes: dict[str, Any] = {}
    for key in _WHOLE_NUMBERS:
        if key in data:
            changes[key] = _whole_number(key, data[key])
    if "max_age" in data:
        # TOML has no null: no upper limit is written as 0 (or the key is left out).
        limit = _whole_number("max_age", data["max_age"])
        changes["max_age"] = limit or None
    if "min_education" in data:
        try:
            changes["min_education"] = Education(str(data["min_education"]).lower())
        except ValueError:
            names = ", ".join(e.value for e in Education)
            raise RulesError(
                f"min_education: {data['min_education']!r} is not one of {names}"
            ) from None
    if "provinces" in data:
        codes = data["provinces"]
        if (
            not isinstance(codes, list)
            or not codes
            or not all(isinstance(c, str) and len(c) == 2 and c.isdigit() for c in codes)
        ):
            raise RulesError('provinces: must be a list of two-digit province codes, e.g. ["36"]')
        changes["provinces"] = frozenset(codes)
    try:
        return dataclasses.replace(base, **changes)
    except ValueError as exc:  # ProgrammeRules' own checks: ages in order, quotas that fit
        raise RulesError(str(exc)) from None
