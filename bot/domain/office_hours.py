"""When staff answer: office hours as a setting ("Mon-Fri 08:00-16:00"), and the moment a
question asked now can expect a person to read it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Indonesian day names are accepted too: staff write the setting.
_DAY_WORDS = {
    **{d: i for i, d in enumerate(DAYS)},
    **{d: i for i, d in enumerate(("sen", "sel", "rab", "kam", "jum", "sab", "min"))},
}
_SETTING = re.compile(
    r"^\s*(?P<first>[a-z]{3})[a-z]*\s*(?:-\s*(?P<last>[a-z]{3})[a-z]*)?\s+"
    r"(?P<start>\d{1,2}[:.]\d{2})\s*-\s*(?P<end>\d{1,2}[:.]\d{2})\s*$",
    re.IGNORECASE,
)


class OfficeHoursError(ValueError):
    pass


@dataclass(frozen=True)
class OfficeHours:
    days: tuple[int, ...]  # Monday = 0
    start: time
    end: time

    def is_open(self, moment: datetime, tz: tzinfo) -> bool:
        local = moment.astimezone(tz)
        return local.weekday() in self.days and self.start <= local.time() < self.end

    def next_open(self, moment: datetime, tz: tzinfo) -> datetime:
        """When staff are next at work: ``moment`` itself during office hours, else the
        start of the next working period (local time, aware)."""
        local = moment.astimezone(tz)
        if self.is_open(local, tz):
            return local
        for ahead in range(8):
            day = (local + timedelta(days=ahead)).date()
            opening = datetime.combine(day, self.start, tzinfo=tz)
            if day.weekday() in self.days and opening > local:
                return opening
        raise AssertionError("a week always holds a working day")  # parse() ensures one


def _clock(raw: str) -> time:
    hour, minute = re.split(r"[:.]", raw)
    if int(hour) > 24 or int(minute) > 59 or (int(hour) == 24 and int(minute) != 0):
        raise OfficeHoursError(f"'{raw}' is not a time like 08:00")
    return time(23, 59, 59) if int(hour) == 24 else time(int(hour), int(minute))


def parse_office_hours(raw: str) -> OfficeHours:
    """'Mon-Fri 08:00-16:00', 'Sen-Jum 08.00-16.00', 'Mon-Sat 08:00-12:00'."""
    match = _SETTING.match(raw)
    if not match:
        raise OfficeHoursError(f"'{raw}' is not like Mon-Fri 08:00-16:00")
    first = _DAY_WORDS.get(match["first"].lower())
    last = _DAY_WORDS.get((match["last"] or match["first"]).lower())
    if first is None or last is None:
        raise OfficeHoursError(f"'{raw}': days are Mon..Sun (or Sen..Min)")
    days = tuple((first + i) % 7 for i in range((last - first) % 7 + 1))
    start, end = _clock(match["start"]), _clock(match["end"])
    if start >= end:
        raise OfficeHoursError(f"'{raw}': the end comes before the start")
    return OfficeHours(days, start, end)


DEFAULT_OFFICE_HOURS = OfficeHours((0, 1, 2, 3, 4), time(8, 0), time(16, 0))
