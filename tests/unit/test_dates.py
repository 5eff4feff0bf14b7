"""Dates: typed birth dates, ages around birthdays, event times, Indonesian formatting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.domain.dates import (
    DateError,
    DateProblem,
    age_on,
    date_turning,
    format_date,
    format_date_short,
    format_datetime,
    format_time,
    parse_birth_date,
    parse_event_datetime,
    today_in,
)

TODAY = date(2026, 1, 12)
JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15-12-1998", date(1998, 12, 15)),
        ("15/12/1998", date(1998, 12, 15)),
        ("15.12.1998", date(1998, 12, 15)),
        ("15 12 1998", date(1998, 12, 15)),
        ("5-1-2000", date(2000, 1, 5)),
        ("05/01/2000", date(2000, 1, 5)),
        ("1998-12-15", date(1998, 12, 15)),
        ("1998/12/15", date(1998, 12, 15)),
        ("15 Desember 1998", date(1998, 12, 15)),
        ("15 Des 1998", date(1998, 12, 15)),
        ("15 December 1998", date(1998, 12, 15)),
        ("15 Dec 1998", date(1998, 12, 15)),
        ("15 DESEMBER 1998", date(1998, 12, 15)),
        ("  15   desember    1998 ", date(1998, 12, 15)),
        ("15-Des-1998", date(1998, 12, 15)),
        ("15 Des. 1998", date(1998, 12, 15)),
        ("15Des1998", date(1998, 12, 15)),
        ("December 15, 1998", date(1998, 12, 15)),
        ("17 Agustus 1990", date(1990, 8, 17)),
        ("17 Agu 1990", date(1990, 8, 17)),
        ("17 Agt 1990", date(1990, 8, 17)),
        ("17 Aug 1990", date(1990, 8, 17)),
        ("1 Mei 2001", date(2001, 5, 1)),
        ("1 May 2001", date(2001, 5, 1)),
        ("3 Okt 1985", date(1985, 10, 3)),
        ("3 Oct 1985", date(1985, 10, 3)),
        ("9 Nop 1979", date(1979, 11, 9)),
        ("9 Nov 1979", date(1979, 11, 9)),
        ("9 Nopember 1979", date(1979, 11, 9)),
        ("2 Pebruari 1980", date(1980, 2, 2)),
        ("2 Februari 1980", date(1980, 2, 2)),
        ("29 Februari 2004", date(2004, 2, 29)),
        ("12 Januari 2026", date(2026, 1, 12)),  # born today
        ("12-01-1926", date(1926, 1, 12)),  # exactly 100 today
        ("13-01-1925", date(1925, 1, 13)),  # 100 years 364 days: still 100
    ],
)
def test_parse_birth_date(text: str, expected: date) -> None:
    assert parse_birth_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", DateProblem.FORMAT),
        ("kemarin", DateProblem.FORMAT),
        ("15-12-98", DateProblem.FORMAT),  # two-digit year is refused, not guessed
        ("15 Des 98", DateProblem.FORMAT),
        ("15121998", DateProblem.FORMAT),
        ("15 Desemb 1998", DateProblem.FORMAT),  # unknown month word
        ("15 Foo 1998", DateProblem.FORMAT),
        ("1998", DateProblem.FORMAT),
        ("15-12", DateProblem.FORMAT),
        ("15-12-1998 lahir", DateProblem.FORMAT),
        ("31-02-1998", DateProblem.INVALID),
        ("31 Februari 1998", DateProblem.INVALID),
        ("29-02-2001", DateProblem.INVALID),
        ("31-04-1998", DateProblem.INVALID),
        ("15-13-1998", DateProblem.INVALID),
        ("00-12-1998", DateProblem.INVALID),
        ("1998-02-30", DateProblem.INVALID),
        ("13-01-2026", DateProblem.FUTURE),  # tomorrow
        ("01-01-2030", DateProblem.FUTURE),
        ("12-01-1925", DateProblem.TOO_OLD),  # 101 today
        ("01-01-1900", DateProblem.TOO_OLD),
    ],
)
def test_parse_birth_date_problems(text: str, problem: DateProblem) -> None:
    with pytest.raises(DateError) as caught:
        parse_birth_date(text, today=TODAY)
    assert caught.value.problem is problem


@pytest.mark.parametrize(
    ("birth", "today", "age"),
    [
        (date(2008, 1, 12), date(2026, 1, 12), 18),  # exactly 18 today
        (date(2008, 1, 13), date(2026, 1, 12), 17),  # 17 years 364 days
        (date(2008, 1, 11), date(2026, 1, 12), 18),
        (date(1998, 12, 15), date(2026, 1, 12), 27),
        (date(2004, 2, 29), date(2022, 2, 28), 17),  # leapling, common year: not yet
        (date(2004, 2, 29), date(2022, 3, 1), 18),  # ... 18 on 1 March
        (date(2004, 2, 29), date(2024, 2, 29), 20),  # leap year: on the day itself
        (date(2004, 2, 29), date(2024, 2, 28), 19),
        (date(2026, 1, 12), date(2026, 1, 12), 0),
        (date(1926, 1, 12), date(2026, 1, 12), 100),
    ],
)
def test_age_on(birth: date, today: date, age: int) -> None:
    assert age_on(birth, today) == age


@pytest.mark.parametrize(
    ("birth", "years", "expected"),
    [
        (date(2008, 1, 13), 18, date(2026, 1, 13)),
        (date(2004, 2, 29), 18, date(2022, 3, 1)),  # 2022 has no 29 Feb
        (date(2004, 2, 29), 20, date(2024, 2, 29)),
        (date(2000, 2, 29), 100, date(2100, 3, 1)),  # 2100 is not a leap year
        (date(1999, 12, 31), 1, date(2000, 12, 31)),
    ],
)
def test_date_turning(birth: date, years: int, expected: date) -> None:
    turned = date_turning(birth, years)
    assert turned == expected
    # The two functions agree: the person is `years` old on that day and not the day before.
    assert age_on(birth, turned) == years
    assert age_on(birth, turned - timedelta(days=1)) == years - 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-12 09:00", datetime(2026, 1, 12, 9, 0)),
        ("12/01/2026 09.00", datetime(2026, 1, 12, 9, 0)),
        ("12-01-2026 9:00", datetime(2026, 1, 12, 9, 0)),
        ("12.01.2026 13.30", datetime(2026, 1, 12, 13, 30)),
        ("12/01/2026 pukul 09.00", datetime(2026, 1, 12, 9, 0)),
        ("12/01/2026, 9.05", datetime(2026, 1, 12, 9, 5)),
        ("12 Januari 2026 jam 14:00", datetime(2026, 1, 12, 14, 0)),
        ("  2026-01-12   23:59 ", datetime(2026, 1, 12, 23, 59)),
        ("2026-01-12 00:00", datetime(2026, 1, 12, 0, 0)),
        ("29-02-2028 08:00", datetime(2028, 2, 29, 8, 0)),
    ],
)
def test_parse_event_datetime(text: str, expected: datetime) -> None:
    parsed = parse_event_datetime(text, JAKARTA)
    assert parsed == expected.replace(tzinfo=JAKARTA)
    assert parsed.tzinfo is JAKARTA
    assert parsed.utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2026-01-12", DateProblem.FORMAT),  # no time
        ("09:00", DateProblem.FORMAT),  # no date
        ("25:00", DateProblem.FORMAT),
        ("besok jam 9", DateProblem.FORMAT),
        ("12-01-26 09:00", DateProblem.FORMAT),
        ("2026-01-12 0900", DateProblem.FORMAT),
        ("2026-01-12 9", DateProblem.FORMAT),
        ("2026-01-12 25:00", DateProblem.INVALID),
        ("2026-01-12 24:00", DateProblem.INVALID),
        ("2026-01-12 09:60", DateProblem.INVALID),
        ("31-02-2026 09:00", DateProblem.INVALID),
        ("2026-13-01 09:00", DateProblem.INVALID),
    ],
)
def test_parse_event_datetime_problems(text: str, problem: DateProblem) -> None:
    with pytest.raises(DateError) as caught:
        parse_event_datetime(text, JAKARTA)
    assert caught.value.problem is problem


@pytest.mark.parametrize(
    ("d", "locale", "long", "short"),
    [
        (date(2025, 12, 15), "id", "Senin, 15 Desember 2025", "15 Desember 2025"),
        (date(2025, 12, 15), "en", "Monday, 15 December 2025", "15 December 2025"),
        (date(2026, 8, 17), "id", "Senin, 17 Agustus 2026", "17 Agustus 2026"),
        (date(2026, 1, 1), "id", "Kamis, 1 Januari 2026", "1 Januari 2026"),
        (date(2026, 1, 1), "en", "Thursday, 1 January 2026", "1 January 2026"),
    ],
)
def test_format_date(d: date, locale: str, long: str, short: str) -> None:
    assert format_date(d, locale) == long
    assert format_date_short(d, locale) == short


@pytest.mark.parametrize(
    ("dt", "expected"),
    [
        (datetime(2025, 12, 15, 9, 0, tzinfo=JAKARTA), "09.00 WIB"),
        (datetime(2025, 12, 15, 23, 5, tzinfo=ZoneInfo("Asia/Pontianak")), "23.05 WIB"),
        (datetime(2025, 12, 15, 0, 30, tzinfo=ZoneInfo("Asia/Makassar")), "00.30 WITA"),
        (datetime(2025, 12, 15, 14, 0, tzinfo=ZoneInfo("Asia/Jayapura")), "14.00 WIT"),
        (datetime(2025, 12, 15, 9, 0, tzinfo=ZoneInfo("Asia/Kuala_Lumpur")), "09.00 UTC+8"),
        (datetime(2025, 12, 15, 9, 0, tzinfo=ZoneInfo("Asia/Kolkata")), "09.00 UTC+5:30"),
        (datetime(2025, 12, 15, 9, 0, tzinfo=ZoneInfo("America/New_York")), "09.00 UTC-5"),
        (datetime(2025, 12, 15, 9, 0, tzinfo=UTC), "09.00 UTC"),
        (datetime(2025, 12, 15, 9, 0, tzinfo=timezone(timedelta(hours=7))), "09.00 UTC+7"),
    ],
)
@pytest.mark.parametrize("locale", ["id", "en"])
def test_format_time(dt: datetime, expected: str, locale: str) -> None:
    assert format_time(dt, locale) == expected


@pytest.mark.parametrize(
    ("dt", "locale", "expected"),
    [
        (
            datetime(2025, 12, 15, 9, 0, tzinfo=JAKARTA),
            "id",
            "Senin, 15 Desember 2025 pukul 09.00 WIB",
        ),
        (
            datetime(2025, 12, 15, 9, 0, tzinfo=JAKARTA),
            "en",
            "Monday, 15 December 2025 at 09.00 WIB",
        ),
        (
            datetime(2025, 12, 15, 9, 0, tzinfo=JAKARTA),
            "id_ID",
            "Senin, 15 Desember 2025 pukul 09.00 WIB",
        ),
        (
            # 18.00 UTC on the 14th is already the 15th in Jakarta: shown in its own zone.
            datetime(2025, 12, 14, 18, 0, tzinfo=UTC).astimezone(JAKARTA),
            "id",
            "Senin, 15 Desember 2025 pukul 01.00 WIB",
        ),
        (
            datetime(2025, 12, 15, 10, 0, tzinfo=ZoneInfo("Asia/Makassar")),
            "en",
            "Monday, 15 December 2025 at 10.00 WITA",
        ),
    ],
)
def test_format_datetime(dt: datetime, locale: str, expected: str) -> None:
    assert format_datetime(dt, locale) == expected


@pytest.mark.parametrize("fn", [format_time, format_datetime])
def test_naive_datetimes_are_refused(fn: Callable[[datetime, str], str]) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        fn(datetime(2025, 12, 15, 9, 0), "id")
    # The same moment with its zone is written, so the refusal is about the missing zone.
    assert "09.00 WIB" in fn(datetime(2025, 12, 15, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta")), "id")


@pytest.mark.parametrize(
    ("now", "tz", "expected"),
    [
        (datetime(2026, 1, 11, 17, 0, tzinfo=UTC), JAKARTA, date(2026, 1, 12)),
        (datetime(2026, 1, 11, 16, 59, tzinfo=UTC), JAKARTA, date(2026, 1, 11)),
        (
            datetime(2026, 1, 11, 15, 0, tzinfo=UTC),
            ZoneInfo("Asia/Jayapura"),
            date(2026, 1, 12),
        ),
        (datetime(2026, 1, 12, 0, 0, tzinfo=JAKARTA), JAKARTA, date(2026, 1, 12)),
    ],
)
def test_today_in(now: datetime, tz: ZoneInfo, expected: date) -> None:
    assert today_in(tz, now) == expected


def test_today_in_without_now_uses_the_clock() -> None:
    before = datetime.now(JAKARTA).date()
    result = today_in(JAKARTA)
    after = datetime.now(JAKARTA).date()
    assert before <= result <= after


def test_today_in_refuses_naive_now() -> None:
    with pytest.raises(ValueError):
        today_in(JAKARTA, datetime(2026, 1, 12, 9, 0))
