"""The bulk scheduler's slots: every N minutes from a start, K people a slot, no breaks."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.slots import SlotError, SlotPlan

WIB = ZoneInfo("Asia/Jakarta")
START = datetime(2026, 12, 7, 9, 0, tzinfo=WIB)


def at(hour: int, minute: int, day: int = 7) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=WIB)


@pytest.mark.parametrize(
    ("minutes", "per_slot", "people", "expected"),
    [
        (15, 1, 4, [at(9, 0), at(9, 15), at(9, 30), at(9, 45)]),
        (15, 2, 5, [at(9, 0), at(9, 0), at(9, 15), at(9, 15), at(9, 30)]),
        (20, 3, 3, [at(9, 0)] * 3),
        (45, 1, 3, [at(9, 0), at(9, 45), at(10, 30)]),
        (15, 1, 1, [at(9, 0)]),
        (15, 1, 0, []),
    ],
)
def test_each_person_gets_the_next_slot(
    minutes: int, per_slot: int, people: int, expected: list[datetime]
) -> None:
    plan = SlotPlan(START, timedelta(minutes=minutes), per_slot)
    assert plan.slots(people) == expected
    if people:
        assert plan.last(people) == expected[-1]


def test_no_day_is_skipped_and_running_past_midnight_is_flagged() -> None:
    plan = SlotPlan(at(23, 30), timedelta(minutes=15), 1)
    assert plan.slots(3) == [at(23, 30), at(23, 45), at(0, 0, day=8)]
    assert not plan.crosses_midnight(2, WIB)
    assert plan.crosses_midnight(3, WIB)


def test_slot_count() -> None:
    plan = SlotPlan(START, timedelta(minutes=10), 4)
    assert [plan.slot_count(n) for n in (0, 1, 4, 5, 9)] == [0, 1, 1, 2, 3]


def test_a_thousand_people_end_where_arithmetic_says() -> None:
    plan = SlotPlan(START, timedelta(minutes=15), 2)
    assert plan.last(1000) == START + 499 * timedelta(minutes=15)
    assert plan.slot(999) == plan.slot(998) != plan.slot(997)


@pytest.mark.parametrize(
    ("start", "minutes", "per_slot", "code"),
    [
        (START, 0, 1, "every"),
        (START, 8 * 60 + 1, 1, "every"),
        (START, 0.5, 1, "every"),
        (START, 15, 0, "per_slot"),
        (START, 15, 501, "per_slot"),
        (datetime(2026, 12, 7, 9, 0), 15, 1, "naive"),
    ],
)
def test_plans_that_cannot_be_made(
    start: datetime, minutes: float, per_slot: int, code: str
) -> None:
    with pytest.raises(SlotError) as raised:
        SlotPlan(start, timedelta(minutes=minutes), per_slot)
    assert raised.value.code == code
