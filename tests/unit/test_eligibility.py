"""Eligibility: each rule, its edge, and how reasons and missing items combine."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from bot.domain.eligibility import (
    DEFAULT_RULES,
    Education,
    EligibilityInput,
    FamilyPermission,
    Missing,
    Outcome,
    Pool,
    ProgrammeRules,
    Reason,
    evaluate,
    is_minor,
    pool_for,
)

TODAY = date(2026, 1, 12)

# A Kota Serang resident who meets every rule and has every document.
COMPLETE = EligibilityInput(
    birth_date=date(1998, 12, 15),
    province_code="36",
    in_kota_serang=True,
    education=Education.SMA,
    healthy=True,
    family_permission=FamilyPermission.YES,
    has_siapkerja=True,
    has_passport=True,
    willing_health_check=True,
)


def applicant(**changes: Any) -> EligibilityInput:
    return replace(COMPLETE, **changes)


@pytest.mark.parametrize(
    ("changes", "outcome", "reasons", "missing", "pool"),
    [
        ({}, Outcome.ELIGIBLE, (), (), Pool.KOTA_SERANG),
        # Age: 18 exactly today is enough; one day short is not.
        ({"birth_date": date(2008, 1, 12)}, Outcome.ELIGIBLE, (), (), Pool.KOTA_SERANG),
        (
            {"birth_date": date(2008, 1, 13)},  # 17 years 364 days
            Outcome.NOT_ELIGIBLE,
            (Reason.TOO_YOUNG,),
            (),
            None,
        ),
        ({"birth_date": date(1960, 1, 1)}, Outcome.ELIGIBLE, (), (), Pool.KOTA_SERANG),
        # Residence decides the pool.
        (
            {"province_code": "36", "in_kota_serang": False},
            Outcome.ELIGIBLE,
            (),
            (),
            Pool.REGION,
        ),
        ({"province_code": "16", "in_kota_serang": False}, Outcome.ELIGIBLE, (), (), Pool.REGION),
        ({"province_code": "18", "in_kota_serang": False}, Outcome.ELIGIBLE, (), (), Pool.REGION),
        ({"province_code": "61", "in_kota_serang": False}, Outcome.ELIGIBLE, (), (), Pool.REGION),
        (
            {"province_code": "32", "in_kota_serang": False},  # Jawa Barat
            Outcome.NOT_ELIGIBLE,
            (Reason.PROVINCE,),
            (),
            None,
        ),
        (
            {"province_code": "other", "in_kota_serang": False},
            Outcome.NOT_ELIGIBLE,
            (Reason.PROVINCE,),
            (),
            None,
        ),
        # Education: SMP is the floor, SMA and SMK rank the same.
        ({"education": Education.SMP}, Outcome.ELIGIBLE, (), (), Pool.KOTA_SERANG),
        ({"education": Education.SMK}, Outcome.ELIGIBLE, (), (), Pool.KOTA_SERANG),
        ({"education": Education.DIPLOMA}, Outcome.ELIGIBLE, (), (), Pool.KOTA_SERANG),
        ({"education": Education.S1_PLUS}, Outcome.ELIGIBLE, (), (), Pool.KOTA_SERANG),
        ({"education": Education.SD}, Outcome.NOT_ELIGIBLE, (Reason.EDUCATION,), (), None),
        ({"education": Education.NONE}, Outcome.NOT_ELIGIBLE, (Reason.EDUCATION,), (), None),
        ({"education": None}, Outcome.ELIGIBLE, (), (), Pool.KOTA_SERANG),  # unanswered
        # Health: only a clear "no" rules out; "not sure" is for the medical check.
        ({"healthy": False}, Outcome.NOT_ELIGIBLE, (Reason.HEALTH,), (), None),
        ({"healthy": None}, Outcome.ELIGIBLE, (), (), Pool.KOTA_SERANG),
        # The medical and psychological check: a refusal rules out, apart from health.
        (
            {"willing_health_check": False},
            Outcome.NOT_ELIGIBLE,
            (Reason.HEALTH_CHECK,),
            (),
            None,
        ),
        (
            {"healthy": False, "willing_health_check": False},
            Outcome.NOT_ELIGIBLE,
            (Reason.HEALTH, Reason.HEALTH_CHECK),
            (),
            None,
        ),
        # Answers from before the split have no such answer: not held against anyone.
        ({"willing_health_check": None}, Outcome.ELIGIBLE, (), (), Pool.KOTA_SERANG),
        # Family permission (UU 18/2017): refusal rules out, "belum tahu" is a letter to get.
        (
            {"family_permission": FamilyPermission.NO},
            Outcome.NOT_ELIGIBLE,
            (Reason.FAMILY_REFUSED,),
            (),
            None,
        ),
        (
            {"family_permission": FamilyPermission.UNSURE},
            Outcome.INCOMPLETE,
            (),
            (Missing.FAMILY_LETTER,),
            Pool.KOTA_SERANG,
        ),
        (
            {"family_permission": None},
            Outcome.INCOMPLETE,
            (),
            (Missing.FAMILY_LETTER,),
            Pool.KOTA_SERANG,
        ),
        # Documents to complete never reject.
        ({"has_siapkerja": False}, Outcome.INCOMPLETE, (), (Missing.SIAPKERJA,), Pool.KOTA_SERANG),
        ({"has_siapkerja": None}, Outcome.INCOMPLETE, (), (Missing.SIAPKERJA,), Pool.KOTA_SERANG),
        ({"has_passport": False}, Outcome.INCOMPLETE, (), (Missing.PASSPORT,), Pool.KOTA_SERANG),
        ({"has_passport": None}, Outcome.INCOMPLETE, (), (Missing.PASSPORT,), Pool.KOTA_SERANG),
        (
            {
                "has_siapkerja": False,
                "has_passport": False,
                "family_permission": FamilyPermission.UNSURE,
                "in_kota_serang": False,
                "province_code": "61",
            },
            Outcome.INCOMPLETE,
            (),
            (Missing.SIAPKERJA, Missing.PASSPORT, Missing.FAMILY_LETTER),
            Pool.REGION,
        ),
        # A reason wins over missing items, and every reason is reported, in a fixed order.
        (
            {"birth_date": date(2010, 5, 1), "has_passport": False},
            Outcome.NOT_ELIGIBLE,
            (Reason.TOO_YOUNG,),
            (Missing.PASSPORT,),
            None,
        ),
        (
            {
                "family_permission": FamilyPermission.NO,
                "healthy": False,
                "education": Education.SD,
                "province_code": "31",
                "in_kota_serang": False,
                "birth_date": date(2009, 1, 1),
            },
            Outcome.NOT_ELIGIBLE,
            (
                Reason.TOO_YOUNG,
                Reason.PROVINCE,
                Reason.EDUCATION,
                Reason.HEALTH,
                Reason.FAMILY_REFUSED,
            ),
            (),
            None,
        ),
    ],
)
def test_evaluate(
    changes: dict[str, Any],
    outcome: Outcome,
    reasons: tuple[Reason, ...],
    missing: tuple[Missing, ...],
    pool: Pool | None,
) -> None:
    verdict = evaluate(applicant(**changes), today=TODAY)
    assert verdict.outcome is outcome
    assert verdict.reasons == reasons
    assert verdict.missing == missing
    assert verdict.pool is pool


@pytest.mark.parametrize(
    ("birth", "eligible_from"),
    [
        (date(2008, 1, 13), date(2026, 1, 13)),  # tomorrow
        (date(2010, 6, 30), date(2028, 6, 30)),
        (date(2008, 2, 29), date(2026, 3, 1)),  # leapling: 2026 has no 29 Feb
        (date(2012, 2, 29), date(2030, 3, 1)),
    ],
)
def test_too_young_says_when(birth: date, eligible_from: date) -> None:
    verdict = evaluate(applicant(birth_date=birth), today=TODAY)
    assert verdict.reasons == (Reason.TOO_YOUNG,)
    assert verdict.eligible_from == eligible_from
    # And on that very day the same person passes.
    later = evaluate(applicant(birth_date=birth), today=eligible_from)
    assert later.outcome is Outcome.ELIGIBLE
    assert later.eligible_from is None


@pytest.mark.parametrize(
    ("rules", "changes", "reasons"),
    [
        # Korea EPS style round: 18-39, so 39 passes and 40 does not.
        (ProgrammeRules(max_age=39), {"birth_date": date(1986, 1, 12)}, (Reason.TOO_OLD,)),
        (ProgrammeRules(max_age=39), {"birth_date": date(1986, 1, 13)}, ()),  # 39
        (ProgrammeRules(max_age=40), {"birth_date": date(1985, 1, 12)}, (Reason.TOO_OLD,)),  # 41
        (ProgrammeRules(max_age=None), {"birth_date": date(1940, 1, 1)}, ()),
        (ProgrammeRules(min_age=19), {"birth_date": date(2008, 1, 12)}, (Reason.TOO_YOUNG,)),
        (
            ProgrammeRules(min_education=Education.SMA),
            {"education": Education.SMP},
            (Reason.EDUCATION,),
        ),
        (ProgrammeRules(min_education=Education.SMA), {"education": Education.SMK}, ()),
        (ProgrammeRules(min_education=Education.NONE), {"education": Education.NONE}, ()),
        (
            ProgrammeRules(provinces=frozenset({"36", "32"})),
            {"province_code": "32", "in_kota_serang": False},
            (),
        ),
        (
            ProgrammeRules(provinces=frozenset({"36"})),
            {"province_code": "16", "in_kota_serang": False},
            (Reason.PROVINCE,),
        ),
    ],
)
def test_rules_are_data(
    rules: ProgrammeRules, changes: dict[str, Any], reasons: tuple[Reason, ...]
) -> None:
    assert evaluate(applicant(**changes), today=TODAY, rules=rules).reasons == reasons


@pytest.mark.parametrize(
    ("birth", "max_age", "too_old"),
    [
        (date(1986, 1, 13), 39, False),  # 39 years 364 days
        (date(1986, 1, 12), 39, True),  # 40 today
        (date(1986, 1, 12), 40, False),
        (date(1999, 1, 1), 26, True),  # IM Japan style 18-26
        (date(2000, 1, 1), 26, False),
    ],
)
def test_max_age_is_inclusive(birth: date, max_age: int, too_old: bool) -> None:
    verdict = evaluate(
        applicant(birth_date=birth), today=TODAY, rules=ProgrammeRules(max_age=max_age)
    )
    assert (Reason.TOO_OLD in verdict.reasons) is too_old


@pytest.mark.parametrize(
    ("province", "in_kota_serang", "rules", "pool"),
    [
        ("36", True, DEFAULT_RULES, Pool.KOTA_SERANG),
        ("36", False, DEFAULT_RULES, Pool.REGION),
        ("16", False, DEFAULT_RULES, Pool.REGION),
        ("18", False, DEFAULT_RULES, Pool.REGION),
        ("61", False, DEFAULT_RULES, Pool.REGION),
        ("31", False, DEFAULT_RULES, None),
        ("99", False, DEFAULT_RULES, None),
        ("other", False, DEFAULT_RULES, None),
        ("other", True, DEFAULT_RULES, Pool.KOTA_SERANG),  # Kota Serang is in Banten anyway
        ("36", True, ProgrammeRules(kota_serang_quota=0), Pool.REGION),  # no reserved places
        ("36", True, ProgrammeRules(provinces=frozenset({"16"}), kota_serang_quota=0), None),
    ],
)
def test_pool_for(
    province: str, in_kota_serang: bool, rules: ProgrammeRules, pool: Pool | None
) -> None:
    assert pool_for(province, in_kota_serang, rules) is pool


@pytest.mark.parametrize(
    ("birth", "minor"),
    [
        (date(2008, 1, 12), False),  # 18 today
        (date(2008, 1, 13), True),  # 17 years 364 days
        (date(2008, 2, 29), True),  # leapling turns 18 on 1 Mar 2026
        (date(1990, 1, 1), False),
        (date(2015, 1, 1), True),
    ],
)
def test_is_minor(birth: date, minor: bool) -> None:
    assert is_minor(birth, today=TODAY) is minor


def test_is_minor_follows_adult_age_not_min_age() -> None:
    # A round that only takes 19+ does not make an 18-year-old a child under UU PDP.
    rules = ProgrammeRules(min_age=19)
    assert is_minor(date(2008, 1, 12), today=TODAY, rules=rules) is False


@pytest.mark.parametrize(
    ("low", "high"),
    [
        (Education.NONE, Education.SD),
        (Education.SD, Education.SMP),
        (Education.SMP, Education.SMA),
        (Education.SMP, Education.SMK),
        (Education.SMA, Education.DIPLOMA),
        (Education.SMK, Education.DIPLOMA),
        (Education.DIPLOMA, Education.S1_PLUS),
    ],
)
def test_education_rank_order(low: Education, high: Education) -> None:
    assert low.rank < high.rank


def test_sma_and_smk_rank_the_same() -> None:
    assert Education.SMA.rank == Education.SMK.rank


def test_default_rules_match_the_mou() -> None:
    assert DEFAULT_RULES.min_age == 18
    assert DEFAULT_RULES.max_age is None
    assert DEFAULT_RULES.min_education is Education.SMP
    assert DEFAULT_RULES.provinces == frozenset({"36", "16", "18", "61"})
    assert (DEFAULT_RULES.kota_serang_quota, DEFAULT_RULES.total_quota) == (500, 3000)
    assert DEFAULT_RULES.region_quota == 2500


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_age": -1},
        {"min_age": 30, "max_age": 25},
        {"kota_serang_quota": 3001},
        {"kota_serang_quota": -1},
        {"total_quota": 100},  # below the default Kota Serang reservation of 500
    ],
)
def test_inconsistent_rules_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        ProgrammeRules(**kwargs)


@pytest.mark.parametrize(
    ("enum_value", "code"),
    [
        (Outcome.ELIGIBLE, "memenuhi_syarat"),
        (Outcome.INCOMPLETE, "perlu_dilengkapi"),
        (Outcome.NOT_ELIGIBLE, "belum_memenuhi_syarat"),
        (Pool.KOTA_SERANG, "kota_serang"),
        (Pool.REGION, "wilayah"),
        (FamilyPermission.UNSURE, "belum_tahu"),
        (Education.DIPLOMA, "d1_d3"),
        (Reason.FAMILY_REFUSED, "family_refused"),
        (Missing.FAMILY_LETTER, "family_letter"),
    ],
)
def test_codes_are_stable(enum_value: str, code: str) -> None:
    # These strings are stored in SQLite and used as catalog keys: renaming one is a migration.
    assert enum_value == code


def test_answers_from_before_the_health_split_still_read() -> None:
    """A registration stored when one question asked both things has "health" only."""
    from bot.services.registration import eligibility_input

    old = {"birth_date": "1998-12-15", "domicile": "kota_serang", "education": "smk",
           "health": "ya", "family_permission": "ya", "siapkerja": "sudah",
           "passport": "sudah"}  # fmt: skip
    data = eligibility_input(old)
    assert data.healthy is True and data.willing_health_check is None
    assert evaluate(data, today=TODAY).outcome is Outcome.ELIGIBLE
    refused = eligibility_input({**old, "health_check": "tidak"})
    assert evaluate(refused, today=TODAY).reasons == (Reason.HEALTH_CHECK,)
