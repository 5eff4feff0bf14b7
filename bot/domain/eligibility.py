"""Who may join the programme: the rules as data, and one pure verdict function.

BBPVP Serang did not publish its own entry limits for this MoU, so everything that may
change between rounds (ages, education, provinces, quotas) is a ProgrammeRules field and
not an `if` in the code. The verdict distinguishes what rules a person out (Reason) from
what they still have to arrange (Missing): nobody is turned away for lacking a passport.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.domain.dates import age_on, date_turning
from bot.domain.regions import KOTA_SERANG, PROGRAMME_PROVINCES


class Education(StrEnum):
    NONE = "none"
    SD = "sd"
    SMP = "smp"
    SMA = "sma"
    SMK = "smk"
    DIPLOMA = "d1_d3"
    S1_PLUS = "s1_plus"

    @property
    def rank(self) -> int:
        return _EDUCATION_RANK[self]


# SMA and SMK are both upper-secondary (SLTA) and count the same for a minimum level.
_EDUCATION_RANK: dict[Education, int] = {
    Education.NONE: 0,
    Education.SD: 1,
    Education.SMP: 2,
    Education.SMA: 3,
    Education.SMK: 3,
    Education.DIPLOMA: 4,
    Education.S1_PLUS: 5,
}


class FamilyPermission(StrEnum):
    YES = "ya"
    UNSURE = "belum_tahu"
    NO = "tidak"


class Outcome(StrEnum):
    ELIGIBLE = "memenuhi_syarat"
    INCOMPLETE = "perlu_dilengkapi"
    NOT_ELIGIBLE = "belum_memenuhi_syarat"


class Pool(StrEnum):
    """Which quota an applicant counts against."""

    KOTA_SERANG = "kota_serang"
    REGION = "wilayah"


@dataclass(frozen=True)
class ProgrammeRules:
    # UU 18/2017 Pasal 5 sets 18 as the floor; BBPVP's upper limit is unpublished.
    min_age: int = 18
    max_age: int | None = None
    min_education: Education = Education.SMP
    provinces: frozenset[str] = PROGRAMME_PROVINCES
    kota_serang_quota: int = 500
    total_quota: int = 3000
    # Age below which UU 27/2022 (PDP) needs a parent's consent. Separate from min_age
    # because a round may raise min_age (e.g. 19) without changing who is a child.
    adult_age: int = 18

    def __post_init__(self) -> None:
        # Rules come from configuration: fail at start-up, not in the middle of a chat.
        if self.min_age < 0 or self.adult_age < 0:
            raise ValueError("ages must not be negative")
        if self.max_age is not None and self.max_age < self.min_age:
            raise ValueError("max_age is below min_age")
        if not 0 <= self.kota_serang_quota <= self.total_quota:
            raise ValueError("kota_serang_quota must be between 0 and total_quota")

    @property
    def region_quota(self) -> int:
        return self.quota(Pool.REGION)

    def quota(self, pool: Pool | str) -> int:
        """The places of one pool: the reserved Kota Serang places, or what the rest of the
        programme provinces share (the total less the reserved ones)."""
        if Pool(pool) is Pool.KOTA_SERANG:
            return self.kota_serang_quota
        return self.total_quota - self.kota_serang_quota


DEFAULT_RULES = ProgrammeRules()


@dataclass(frozen=True)
class EligibilityInput:
    birth_date: date
    province_code: str  # domicile province, "36" etc., or "other"
    in_kota_serang: bool  # domicile (KTP/KK address), not the NIK prefix
    # None means "not answered / does not know": never held against the applicant here;
    # staff check education and health at the interview anyway.
    education: Education | None
    healthy: bool | None
    family_permission: FamilyPermission | None
    has_siapkerja: bool | None
    has_passport: bool | None
    # Asked apart from health since the split; None for answers given before it.
    willing_health_check: bool | None = None


class Reason(StrEnum):
    TOO_YOUNG = "too_young"
    TOO_OLD = "too_old"
    PROVINCE = "province"
    EDUCATION = "education"
    HEALTH = "health"
    HEALTH_CHECK = "health_check"  # not willing to have the medical and psychological check
    FAMILY_REFUSED = "family_refused"


class Missing(StrEnum):
    SIAPKERJA = "siapkerja"
    PASSPORT = "passport"
    FAMILY_LETTER = "family_letter"


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    reasons: tuple[Reason, ...]  # in Reason declaration order
    missing: tuple[Missing, ...]  # in Missing declaration order
    # The quota the applicant counts against; None when NOT_ELIGIBLE (they take no place)
    # or when they live outside the programme provinces.
    pool: Pool | None
    eligible_from: date | None  # set when TOO_YOUNG: the birthday reaching min_age


def pool_for(province_code: str, in_kota_serang: bool, rules: ProgrammeRules) -> Pool | None:
    # Kota Serang lies in Banten, so a resident there is in Banten whatever was typed for
    # the province. With no reserved places (quota 0) they simply compete in the region.
    province = KOTA_SERANG[:2] if in_kota_serang else province_code
    if in_kota_serang and rules.kota_serang_quota > 0:
        return Pool.KOTA_SERANG
    if province in rules.provinces:
        return Pool.REGION
    return None


def is_minor(birth_date: date, *, today: date, rules: ProgrammeRules = DEFAULT_RULES) -> bool:
    return age_on(birth_date, today) < rules.adult_age


def evaluate(
    data: EligibilityInput, *, today: date, rules: ProgrammeRules = DEFAULT_RULES
) -> Verdict:
    reasons: list[Reason] = []
    missing: list[Missing] = []
    eligible_from: date | None = None

    age = age_on(data.birth_date, today)
    if age < rules.min_age:
        reasons.append(Reason.TOO_YOUNG)
        # Telling a 17-year-old the date they can come back beats a bare "no".
        eligible_from = date_turning(data.birth_date, rules.min_age)
    if rules.max_age is not None and age > rules.max_age:
        reasons.append(Reason.TOO_OLD)

    residence_pool = pool_for(data.province_code, data.in_kota_serang, rules)
    if residence_pool is None:
        reasons.append(Reason.PROVINCE)

    if data.education is not None and data.education.rank < rules.min_education.rank:
        reasons.append(Reason.EDUCATION)
    if data.healthy is False:
        reasons.append(Reason.HEALTH)
    # The health letter (medical and psychological) is a document every PMI needs (UU 18/2017).
    if data.willing_health_check is False:
        reasons.append(Reason.HEALTH_CHECK)

    # UU 18/2017 requires the family's written permission: a refusal rules the person
    # out, while "not sure yet" is a letter still to be obtained.
    if data.family_permission is FamilyPermission.NO:
        reasons.append(Reason.FAMILY_REFUSED)

    # Unknown (None) counts as not yet done: the applicant is reminded rather than assumed
    # to have it.
    if data.has_siapkerja is not True:
        missing.append(Missing.SIAPKERJA)
    if data.has_passport is not True:
        missing.append(Missing.PASSPORT)
    if data.family_permission in (None, FamilyPermission.UNSURE):
        missing.append(Missing.FAMILY_LETTER)

    if reasons:
        outcome = Outcome.NOT_ELIGIBLE
    elif missing:
        outcome = Outcome.INCOMPLETE
    else:
        outcome = Outcome.ELIGIBLE
    return Verdict(
        outcome=outcome,
        reasons=tuple(reasons),
        missing=tuple(missing),
        pool=None if outcome is Outcome.NOT_ELIGIBLE else residence_pool,
        eligible_from=eligible_from,
    )
