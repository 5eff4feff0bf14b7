"""The programme's rules as words a catalog text may use, so that no text carries a number
that a rules file can change: {min_age}, {adult_age}, {max_age}, {priority_quota},
{region_quota} and {total_quota}, written as the reader's language writes numbers ("3.000"
in Indonesian, "3,000" in English).

    _("minor.stop").format(date=..., **rule_words(d.rules))
"""

from __future__ import annotations

from babel.numbers import format_decimal

from bot.domain.eligibility import Pool, ProgrammeRules
from bot.i18n import get_locale


def rule_words(rules: ProgrammeRules, locale: str | None = None) -> dict[str, str]:
    """Placeholders for the rules, in ``locale`` (default: the current user's)."""
    where = locale or get_locale()

    def number(n: int) -> str:
        return format_decimal(n, locale=where)

    return {
        "min_age": number(rules.min_age),
        "adult_age": number(rules.adult_age),
        "max_age": number(rules.max_age) if rules.max_age is not None else "",
        "priority_quota": number(rules.quota(Pool.KOTA_SERANG)),
        "region_quota": number(rules.quota(Pool.REGION)),
        "total_quota": number(rules.total_quota),
    }
