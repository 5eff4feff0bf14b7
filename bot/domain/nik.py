"""NIK (Nomor Induk Kependudukan) parsing: structure checks only, no registry look-up.

A NIK is PP RR DD DDMMYY SSSS: province, regency/city and kecamatan where it was first
issued, the birth date (day + 40 for women) and a serial from 0001. The prefix says where
the NIK was issued, not where the person lives now, so callers must not treat it as domicile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.domain.regions import PROVINCES

NIK_LENGTH = 16
_FEMALE_DAY_OFFSET = 40
# Only the separators people type when copying a KTP number; anything else is reported,
# not silently dropped, so "3673O1..." (letter O) gets a clear NOT_DIGITS answer.
_SEPARATORS = re.compile(r"[\s.\-]+")


class Sex(StrEnum):
    MALE = "L"  # laki-laki, as printed on the KTP
    FEMALE = "P"  # perempuan


class NikProblem(StrEnum):
    NOT_DIGITS = "not_digits"
    LENGTH = "length"
    PROVINCE = "province"
    DATE = "date"
    SERIAL = "serial"


class NikError(ValueError):
    def __init__(self, problem: NikProblem) -> None:
        # The message carries only the code: the raw NIK must never reach a log via str(e).
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class NikInfo:
    nik: str
    province_code: str  # "36"
    regency_code: str  # full prefix, "3673", comparable with regions.KOTA_SERANG
    district_code: str  # full prefix, "367301", comparable with Kecamatan.code
    birth_date: date
    sex: Sex
    serial: str


def normalize_nik(raw: str) -> str:
    return _SEPARATORS.sub("", raw)


def parse_nik(raw: str, *, today: date) -> NikInfo:
    nik = normalize_nik(raw)
    # isascii() too: str.isdigit() accepts Arabic-Indic and other Unicode digits.
    if not nik or not (nik.isascii() and nik.isdigit()):
        raise NikError(NikProblem.NOT_DIGITS)
    if len(nik) != NIK_LENGTH:
        raise NikError(NikProblem.LENGTH)
    if nik[:2] not in PROVINCES:
        raise NikError(NikProblem.PROVINCE)
    birth_date, sex = _birth(nik[6:12], today)
    serial = nik[12:]
    if serial == "0000":
        raise NikError(NikProblem.SERIAL)
    return NikInfo(
        nik=nik,
        province_code=nik[:2],
        regency_code=nik[:4],
        district_code=nik[:6],
        birth_date=birth_date,
        sex=sex,
        serial=serial,
    )


def _birth(ddmmyy: str, today: date) -> tuple[date, Sex]:
    day, month, yy = int(ddmmyy[:2]), int(ddmmyy[2:4]), int(ddmmyy[4:])
    sex = Sex.MALE
    if day > _FEMALE_DAY_OFFSET:
        day -= _FEMALE_DAY_OFFSET
        sex = Sex.FEMALE
    # Days 32-40 and 72-99 fall through to date() with an impossible day and fail there.
    century = today.year // 100 * 100
    # YY has no century: take the most recent real date that is not after today, so with
    # today in 2026 "05" is 2005 and "98" is 1998. 29 Feb is checked per candidate year
    # because the two centuries can differ in leapness (2000 is a leap year, 1900 is not).
    for year in (century + yy, century - 100 + yy):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= today:
            return candidate, sex
    raise NikError(NikProblem.DATE)


def mask_nik(nik: str) -> str:
    digits = normalize_nik(nik)
    # With fewer than 12 characters, showing 4 + 4 would reveal most of the input.
    if len(digits) < 12:
        return "*" * len(digits)
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]
