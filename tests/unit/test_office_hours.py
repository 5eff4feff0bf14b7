"""OFFICE_HOURS: the setting's forms, and when a question asked now is read."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.domain.office_hours import OfficeHoursError, parse_office_hours

WIB = ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize(
    ("raw", "days", "start", "end"),
    [
        ("Mon-Fri 08:00-16:00", (0, 1, 2, 3, 4), time(8), time(16)),
        ("Sen-Jum 08.00-16.00", (0, 1, 2, 3, 4), time(8), time(16)),
        ("monday-saturday 7:30-12:00", (0, 1, 2, 3, 4, 5), time(7, 30), time(12)),
        ("Sat 09:00-11:00", (5,), time(9), time(11)),
        ("Fri-Mon 08:00-16:00", (4, 5, 6, 0), time(8), time(16)),  # across the week's end
    ],
)
def test_the_setting_forms(raw: str, days: tuple[int, ...], start: time, end: time) -> None:
    hours = parse_office_hours(raw)
    assert (hours.days, hours.start, hours.end) == (days, start, end)


@pytest.mark.parametrize("raw", ["", "Mon-Fri", "Mon-Fri 16:00-08:00", "Xyz 08:00-16:00",
                                 "Mon-Fri 25:00-26:00"])  # fmt: skip
def test_bad_settings_are_refused(raw: str) -> None:
    with pytest.raises(OfficeHoursError):
        parse_office_hours(raw)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 30, 10, 0, tzinfo=WIB), datetime(2026, 11, 30, 10, 0, tzinfo=WIB)),
        (datetime(2026, 11, 30, 7, 59, tzinfo=WIB), datetime(2026, 11, 30, 8, 0, tzinfo=WIB)),
        (datetime(2026, 11, 30, 16, 0, tzinfo=WIB), datetime(2026, 12, 1, 8, 0, tzinfo=WIB)),
        (datetime(2026, 12, 4, 17, 0, tzinfo=WIB), datetime(2026, 12, 7, 8, 0, tzinfo=WIB)),
        (datetime(2026, 11, 28, 10, 0, tzinfo=WIB), datetime(2026, 11, 30, 8, 0, tzinfo=WIB)),
    ],
)
def test_next_open(now: datetime, expected: datetime) -> None:
    hours = parse_office_hours("Mon-Fri 08:00-16:00")
    assert hours.next_open(now, WIB) == expected
