"""The domain's words as types: stages, applicant statuses, registration numbers, quotas."""

from __future__ import annotations

import pytest

from bot.domain import reg_no
from bot.domain.eligibility import DEFAULT_RULES, Pool, ProgrammeRules
from bot.domain.reg_no import RegNo
from bot.domain.stages import (
    EDITABLE_STAGES,
    FIRST_STAGE,
    LEAVING_STAGES,
    STAGES,
    Stage,
    parse_stage,
)
from bot.domain.status import ApplicantStatus


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("SRG-2026-00042", RegNo(2026, 42)),
        ("  srg-2026-00042 ", RegNo(2026, 42)),
        ("Srg-2027-99999", RegNo(2027, 99999)),
        ("SRG-2026-00000", RegNo(2026, 0)),  # the form is right: "unknown", not "malformed"
        ("SRG-2026-0042", None),  # four digits
        ("SRG-26-00042", None),
        ("SRG 2026 00042", None),
        ("XYZ-2026-00042", None),
        ("SRG-2026-000420", None),
        ("SRG-２０２６-00042", RegNo(2026, 42)),  # a phone keyboard's full-width digits
        ("", None),
        ("42", None),
    ],
)
def test_reg_no_parse(typed: str, expected: RegNo | None) -> None:
    assert RegNo.parse(typed) == expected
    assert reg_no.normalize(typed) == (str(expected) if expected else None)


@pytest.mark.parametrize(
    ("number", "text"),
    [(RegNo(2026, 1), "SRG-2026-00001"), (RegNo(2026, 42), "SRG-2026-00042"),
     (RegNo(2031, 99999), "SRG-2031-99999")],
)  # fmt: skip
def test_reg_no_text(number: RegNo, text: str) -> None:
    assert str(number) == text
    assert RegNo.parse(text) == number


def test_reg_no_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError):
        RegNo(2026, 100_000)
    with pytest.raises(ValueError):
        RegNo(26, 1)


def test_reg_no_serial_in_any_year() -> None:
    assert reg_no.like_serial(42) == "SRG-____-00042"
    assert reg_no.serial_text(7) == "00007"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("wawancara", Stage.WAWANCARA),
        ("Pemetaan-Minat", Stage.PEMETAAN_MINAT),
        ("  PEMETAAN_MINAT ", Stage.PEMETAAN_MINAT),
        ("pemetaan minat", Stage.PEMETAAN_MINAT),
        ("tidak-lolos", Stage.TIDAK_LOLOS),
        ("lulus", None),
        ("", None),
    ],
)
def test_parse_stage(typed: str, expected: Stage | None) -> None:
    assert parse_stage(typed) == expected


def test_stages_in_order() -> None:
    assert [str(s) for s in STAGES] == [
        "terdaftar", "terverifikasi", "wawancara", "pemetaan_minat", "pelatihan",
        "siap_berangkat", "berangkat", "tidak_lolos", "mengundurkan_diri",
    ]  # fmt: skip
    assert FIRST_STAGE is STAGES[0] and {FIRST_STAGE} == EDITABLE_STAGES
    assert {Stage.TIDAK_LOLOS, Stage.MENGUNDURKAN_DIRI} == LEAVING_STAGES


def test_statuses_are_the_stored_words() -> None:
    assert {str(s) for s in ApplicantStatus} == {
        "consent", "interviewing", "minor", "submitted",
    }  # fmt: skip
    assert ApplicantStatus.SUBMITTED == "submitted"  # compares with what SQLite holds


@pytest.mark.parametrize(
    ("rules", "kota_serang", "region"),
    [
        (DEFAULT_RULES, 500, 2500),
        (ProgrammeRules(kota_serang_quota=0, total_quota=100), 0, 100),
        (ProgrammeRules(kota_serang_quota=100, total_quota=100), 100, 0),
        (ProgrammeRules(kota_serang_quota=700, total_quota=4000), 700, 3300),
    ],
)
def test_one_quota_per_pool(rules: ProgrammeRules, kota_serang: int, region: int) -> None:
    assert rules.quota(Pool.KOTA_SERANG) == kota_serang
    assert rules.quota(Pool.REGION) == region
    assert rules.quota(Pool.KOTA_SERANG) + rules.quota(Pool.REGION) == rules.total_quota
    assert rules.quota("kota_serang") == kota_serang  # as stored in applicants.pool
