"""NIK parsing: structure, women's day + 40, century choice, and the error codes."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.nik import NikError, NikProblem, Sex, mask_nik, normalize_nik, parse_nik

TODAY = date(2026, 1, 12)


@pytest.mark.parametrize(
    ("raw", "birth", "sex", "serial"),
    [
        ("3673011505980001", date(1998, 5, 15), Sex.MALE, "0001"),
        ("3673015505980002", date(1998, 5, 15), Sex.FEMALE, "0002"),  # 55 = 15 + 40
        ("3673010101000001", date(2000, 1, 1), Sex.MALE, "0001"),
        ("3673014101000001", date(2000, 1, 1), Sex.FEMALE, "0001"),  # lowest female day
        ("3673017112059999", date(2005, 12, 31), Sex.FEMALE, "9999"),  # highest female day
        ("3673013112050001", date(2005, 12, 31), Sex.MALE, "0001"),  # highest male day
        ("3673012902000001", date(2000, 2, 29), Sex.MALE, "0001"),  # 2000 is a leap year
        ("3673016902040001", date(2004, 2, 29), Sex.FEMALE, "0001"),  # women's 29 Feb
        ("3673011201260001", date(2026, 1, 12), Sex.MALE, "0001"),  # born today: not future
        ("3673011301260001", date(1926, 1, 13), Sex.MALE, "0001"),  # tomorrow in 2026 -> 1926
        ("3673010101270001", date(1927, 1, 1), Sex.MALE, "0001"),
        ("3673011506990001", date(1999, 6, 15), Sex.MALE, "0001"),
    ],
)
def test_birth_date_sex_and_serial(raw: str, birth: date, sex: Sex, serial: str) -> None:
    info = parse_nik(raw, today=TODAY)
    assert (info.birth_date, info.sex, info.serial) == (birth, sex, serial)


@pytest.mark.parametrize(
    ("yy", "today", "year"),
    [
        ("05", date(2026, 1, 12), 2005),
        ("98", date(2026, 1, 12), 1998),
        ("25", date(2026, 1, 12), 2025),
        ("26", date(2026, 6, 1), 2026),  # 15 May 2026 has passed by 1 June
        ("26", date(2026, 5, 1), 1926),  # ... but not by 1 May
        ("00", date(2026, 1, 12), 2000),
        ("99", date(2099, 12, 31), 2099),
        ("05", date(2101, 1, 1), 2005),  # the rule keeps working past a century boundary
    ],
)
def test_century_is_the_latest_that_is_not_in_the_future(yy: str, today: date, year: int) -> None:
    info = parse_nik(f"3673011505{yy}0001", today=today)
    assert info.birth_date == date(year, 5, 15)


def test_codes_are_full_prefixes() -> None:
    info = parse_nik("3673055505980123", today=TODAY)
    assert info.nik == "3673055505980123"
    assert info.province_code == "36"
    assert info.regency_code == "3673"
    assert info.district_code == "367305"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3673 0115 0598 0001", "3673011505980001"),
        ("36.73.01.150598.0001", "3673011505980001"),
        ("3673-01-150598-0001", "3673011505980001"),
        ("  3673011505980001\n", "3673011505980001"),
        ("3673\t0115\u00a005980001", "3673011505980001"),  # tab and no-break space
        ("3673/01", "3673/01"),  # only spaces, dots and dashes go
        ("36730I15", "36730I15"),  # letters stay so that they can be reported
    ],
)
def test_normalize_nik(raw: str, expected: str) -> None:
    assert normalize_nik(raw) == expected


def test_parse_accepts_separators() -> None:
    assert parse_nik("3673 0115 0598 0001", today=TODAY).nik == "3673011505980001"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", NikProblem.NOT_DIGITS),
        ("   ", NikProblem.NOT_DIGITS),
        ("36730115O5980001", NikProblem.NOT_DIGITS),  # letter O for zero
        ("3673011505980001a", NikProblem.NOT_DIGITS),
        ("NIK 3673011505980001", NikProblem.NOT_DIGITS),
        ("3673/011505980001", NikProblem.NOT_DIGITS),
        ("+673011505980001", NikProblem.NOT_DIGITS),
        ("٣٦٧٣٠١١٥٠٥٩٨٠٠٠١", NikProblem.NOT_DIGITS),  # Arabic-Indic digits
        ("367301150598001", NikProblem.LENGTH),  # 15 digits
        ("36730115059800011", NikProblem.LENGTH),  # 17 digits
        ("3673", NikProblem.LENGTH),
        ("9973011505980001", NikProblem.PROVINCE),  # 99 is no province
        ("0073011505980001", NikProblem.PROVINCE),
        ("3773011505980001", NikProblem.PROVINCE),
        ("9773011505980001", NikProblem.PROVINCE),  # BPS code, never on a NIK
        ("3673013102980001", NikProblem.DATE),  # 31 Feb
        ("3673017102980001", NikProblem.DATE),  # women's 31 Feb (71)
        ("3673012902010001", NikProblem.DATE),  # 29 Feb 2001 / 1901: neither is leap
        ("3673010001980001", NikProblem.DATE),  # day 00
        ("3673013201980001", NikProblem.DATE),  # day 32: neither male nor female
        ("3673014001980001", NikProblem.DATE),  # day 40
        ("3673017201980001", NikProblem.DATE),  # day 72
        ("3673011500980001", NikProblem.DATE),  # month 00
        ("3673011513980001", NikProblem.DATE),  # month 13
        ("3673013104980001", NikProblem.DATE),  # 31 April
        ("3673011505980000", NikProblem.SERIAL),
        ("3673015505980000", NikProblem.SERIAL),
    ],
)
def test_problems(raw: str, problem: NikProblem) -> None:
    with pytest.raises(NikError) as caught:
        parse_nik(raw, today=TODAY)
    assert caught.value.problem is problem


def test_error_message_does_not_carry_the_nik() -> None:
    with pytest.raises(NikError) as caught:
        parse_nik("3673013102980001", today=TODAY)
    assert "3673013102980001" not in str(caught.value)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("nik", "masked"),
    [
        ("3673011505980001", "3673********0001"),
        ("3673 0115 0598 0001", "3673********0001"),
        ("1601014101009999", "1601********9999"),
        ("367301150598", "3673****0598"),  # still hides the middle of odd lengths
        ("36730115059", "***********"),  # too short to show 8 characters safely
        ("", ""),
    ],
)
def test_mask_nik(nik: str, masked: str) -> None:
    assert mask_nik(nik) == masked
