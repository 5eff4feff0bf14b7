"""Dates as residents type them, ages, and dates/times written the Indonesian way.

Parsing returns codes (DateProblem) and never text: the handlers turn codes into catalog
messages. The formatting helpers are the one place Babel is used for date words.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_format_date

MAX_AGE_YEARS = 100


class DateProblem(StrEnum):
    FORMAT = "format"  # not shaped like a date at all (including two-digit years)
    INVALID = "invalid"  # shaped like one but does not exist (31 Feb, month 13, 25:00)
    FUTURE = "future"
    TOO_OLD = "too_old"


class DateError(ValueError):
    def __init__(self, problem: DateProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


# Indonesian and English names and the abbreviations seen on KTPs, forms and chats
# (older spelling "Pebruari"/"Nopember", "Agt"/"Ags" for Agustus).
_MONTHS: dict[str, int] = {
    "januari": 1, "january": 1, "jan": 1,
    "februari": 2, "pebruari": 2, "february": 2, "feb": 2, "peb": 2,
    "maret": 3, "march": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "agustus": 8, "august": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "december": 12, "des": 12, "dec": 12,
}  # fmt: skip

_SEP = r"(?:\s*[-/.]\s*|\s+)"
# Four-digit years only: "15-12-98" is rejected rather than guessed, because a wrong
# century would silently change an applicant's age by 100 years.
_DMY = re.compile(rf"(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{4}})")
_YMD = re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})")
_D_MONTH_Y = re.compile(r"(\d{1,2})[\s\-.]*([a-z]+)\.?[\s\-.,]*(\d{4})")
_MONTH_D_Y = re.compile(r"([a-z]+)\.?\s*(\d{1,2})\s*,?\s*(\d{4})")
# Date, then a space or comma and optionally the word people put before a time
# ("pukul 09.00", "jam 9:00", "at 09:00"), then H:MM or H.MM.
_EVENT = re.compile(
    r"(?P<date>.+?)(?:\s*,\s*|\s+)(?:(?:pukul|pkl\.?|jam|at)\s*)?"
    r"(?P<hour>\d{1,2})\s*[:.]\s*(?P<minute>\d{2})"
)


def _clean(text: str) -> str:
    return " ".join(text.lower().split())


def _date_parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) from a cleaned date string, or None if it is not date-shaped."""
    if m := _DMY.fullmatch(text):
        return int(m[3]), int(m[2]), int(m[1])
    if m := _YMD.fullmatch(text):
        return int(m[1]), int(m[2]), int(m[3])
    if (m := _D_MONTH_Y.fullmatch(text)) and m[2] in _MONTHS:
        return int(m[3]), _MONTHS[m[2]], int(m[1])
    if (m := _MONTH_D_Y.fullmatch(text)) and m[1] in _MONTHS:
        return int(m[3]), _MONTHS[m[1]], int(m[2])
    return None


def _make_date(parts: tuple[int, int, int]) -> date:
    try:
        return date(*parts)
    except ValueError:
        raise DateError(DateProblem.INVALID) from None


def parse_birth_date(text: str, *, today: date) -> date:
    parts = _date_parts(_clean(text))
    if parts is None:
        raise DateError(DateProblem.FORMAT)
    birth = _make_date(parts)
    if birth > today:
        raise DateError(DateProblem.FUTURE)
    if age_on(birth, today) > MAX_AGE_YEARS:
        raise DateError(DateProblem.TOO_OLD)
    return birth


def age_on(birth: date, today: date) -> int:
    # Completed years. A 29 Feb birthday is reached on 1 Mar in common years, the same
    # convention date_turning uses, so the two never disagree.
    before_birthday = (today.month, today.day) < (birth.month, birth.day)
    return today.year - birth.year - int(before_birthday)


def date_turning(birth: date, years: int) -> date:
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return date(birth.year + years, 3, 1)


def parse_event_datetime(text: str, tz: ZoneInfo) -> datetime:
    match = _EVENT.fullmatch(_clean(text))
    parts = _date_parts(match["date"]) if match else None
    if match is None or parts is None:
        raise DateError(DateProblem.FORMAT)
    day = _make_date(parts)
    hour, minute = int(match["hour"]), int(match["minute"])
    if hour > 23 or minute > 59:
        raise DateError(DateProblem.INVALID)
    # Indonesian zones have no DST, so every wall-clock time there exists exactly once.
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def _language(locale: str) -> str:
    return locale.replace("-", "_").split("_")[0].lower()


def format_date(d: date, locale: str) -> str:
    return _babel_format_date(d, "EEEE, d MMMM y", locale=locale)


def format_date_short(d: date, locale: str) -> str:
    return _babel_format_date(d, "d MMMM y", locale=locale)


# Indonesia writes its zones by name, not offset. Asia/Ujung_Pandang is the old alias
# of Asia/Makassar and still appears in some tz settings.
_ZONE_NAMES: dict[str, str] = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Ujung_Pandang": "WITA",
    "Asia/Jayapura": "WIT",
}


def _zone_label(dt: datetime) -> str:
    key = getattr(dt.tzinfo, "key", None)
    if key in _ZONE_NAMES:
        return _ZONE_NAMES[key]
    offset = dt.utcoffset() or timedelta(0)
    if not offset:
        return "UTC"
    sign = "+" if offset > timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    hours, minutes = divmod(minutes, 60)
    return f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")


def _require_aware(dt: datetime) -> tzinfo:
    # A naive time has no zone to print; guessing one would show residents a wrong hour.
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")
    return dt.tzinfo


def format_time(dt: datetime, locale: str) -> str:
    _require_aware(dt)
    # Built by hand: Indonesian style is "09.00" in both languages, and some Babel locale
    # data formats the id time with a colon. `locale` is kept for a uniform signature.
    return f"{dt:%H.%M} {_zone_label(dt)}"


# CLDR has no "at"-style joiner for id in Babel's data, so the two words live here.
_AT: dict[str, str] = {"id": "pukul", "en": "at"}


def format_datetime(dt: datetime, locale: str) -> str:
    _require_aware(dt)
    # The date is the one on the wall clock of dt's own zone, not the server's.
    joiner = _AT.get(_language(locale), _AT["id"])
    return f"{format_date(dt.date(), locale)} {joiner} {format_time(dt, locale)}"


def stored_moment(stored: str, tz: tzinfo) -> datetime:
    """A stored timestamp (ISO 8601, written in UTC) on the wall clock of ``tz``.

    Never cut the date out of the stored text: "2026-12-01T22:54:00+00:00" is Wednesday
    2 December at 05.54 in WIB, and its first ten characters say Tuesday."""
    moment = datetime.fromisoformat(stored)
    if moment.tzinfo is None:  # the storage convention: a time without a zone is UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz)


def today_in(tz: ZoneInfo, now: datetime | None = None) -> date:
    if now is None:
        return datetime.now(tz).date()
    _require_aware(now)
    return now.astimezone(tz).date()
