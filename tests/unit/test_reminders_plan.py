"""Reminder planning as tables: offsets, REMINDER_HOUR, past offsets, reschedules, start-up."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

import pytest
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut

from bot.channels.telegram.send import told_after
from bot.clock import FixedClock
from bot.config import Settings, parse_offsets
from bot.deps import Deps
from bot.domain.reminders import (
    KINDS,
    Pending,
    StartupAction,
    due_time,
    next_daily_run,
    past_daily_hour,
    plan_reminders,
    relative_day,
    retry_delay,
    triage,
)
from bot.services.notify import Delivery
from bot.services.reminders import reminder_text
from bot.storage.db import Database
from bot.storage.schedules import Event

WIB = ZoneInfo("Asia/Jakarta")
DEFAULT = parse_offsets("REMINDER_OFFSETS", "3d,1d,2h")


def wib(day: int, hour: int, minute: int = 0, month: int = 1, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


def local(times: list[datetime]) -> list[str]:
    return [t.astimezone(WIB).strftime("%d/%m %H:%M") for t in times]


@pytest.mark.parametrize(
    ("offsets", "starts", "now", "hour", "expected"),
    [
        # The default: three days and one day before at 08:00, two hours before exactly.
        ("3d,1d,2h", wib(12, 9), wib(1, 10), 8, ["09/01 08:00", "11/01 08:00", "12/01 07:00"]),
        # REMINDER_HOUR moves only the day offsets.
        ("3d,1d,2h", wib(12, 9), wib(1, 10), 17, ["09/01 17:00", "11/01 17:00", "12/01 07:00"]),
        # An event early in the morning: the day reminder is still the day before at 08:00.
        ("1d,2h", wib(12, 6), wib(1, 10), 8, ["11/01 08:00", "12/01 04:00"]),
        # Created on the 10th at 10:00: the 3d reminder (9th) is past and skipped.
        ("3d,1d,2h", wib(12, 9), wib(10, 10), 8, ["11/01 08:00", "12/01 07:00"]),
        # Created on the 11th at 09:00: today's 08:00 has gone, only the 2h one is left.
        ("3d,1d,2h", wib(12, 9), wib(11, 9), 8, ["12/01 07:00"]),
        # Created an hour before: nothing left to remind.
        ("3d,1d,2h", wib(12, 9), wib(12, 8), 8, []),
        # Exactly at the due moment counts as past (it would go out together with the notice).
        ("2h", wib(12, 9), wib(12, 7), 8, []),
        # 1d and 24h land on the same moment for a 08:00 event: one reminder, not two.
        ("1d,24h", wib(12, 8), wib(1, 10), 8, ["11/01 08:00"]),
        # Minute and second offsets (the end-to-end tests use seconds).
        ("30m,20s", wib(12, 9), wib(1, 10), 8, ["12/01 08:30", "12/01 08:59"]),
        # Across a month end and a year end.
        ("3d", wib(2, 9, month=1, year=2027), wib(1, 10, month=12), 8, ["30/12 08:00"]),
    ],
)
def test_plan(
    offsets: str, starts: datetime, now: datetime, hour: int, expected: list[str]
) -> None:
    planned = plan_reminders(
        starts, parse_offsets("X", offsets), reminder_hour=hour, tz=WIB, now=now
    )
    assert local([p.due_at for p in planned]) == expected
    assert all(p.due_at.tzinfo == UTC for p in planned)


def test_plan_keeps_the_configured_offset_for_each_reminder() -> None:
    planned = plan_reminders(wib(12, 9), DEFAULT, reminder_hour=8, tz=WIB, now=wib(1, 10))
    assert [p.offset for p in planned] == [3 * 86400, 86400, 7200]


def test_reschedule_plans_from_the_new_date_and_the_time_of_the_change() -> None:
    # Scheduled on the 1st for the 12th; on the 9th at 12:00 moved to the 10th at 13:00.
    first = plan_reminders(wib(12, 9), DEFAULT, reminder_hour=8, tz=WIB, now=wib(1, 10))
    moved = plan_reminders(wib(10, 13), DEFAULT, reminder_hour=8, tz=WIB, now=wib(9, 12))
    assert local([p.due_at for p in first]) == ["09/01 08:00", "11/01 08:00", "12/01 07:00"]
    # The 3d (7th) and the 1d (9th 08:00) of the new date are already past: only 2h is left.
    assert local([p.due_at for p in moved]) == ["10/01 11:00"]
    # Moved later instead: all three again, from the new date.
    later = plan_reminders(wib(20, 9), DEFAULT, reminder_hour=8, tz=WIB, now=wib(9, 12))
    assert local([p.due_at for p in later]) == ["17/01 08:00", "19/01 08:00", "20/01 07:00"]


def test_due_time_uses_the_programme_time_zone_not_utc() -> None:
    # 05:00 WIB on the 12th is 22:00 UTC on the 11th: "1d" is the 11th local, at 08:00 WIB.
    due = due_time(wib(12, 5), 86400, 8, WIB)
    assert due == datetime(2026, 1, 11, 1, 0, tzinfo=UTC)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        plan_reminders(datetime(2026, 1, 12, 9), DEFAULT, reminder_hour=8, tz=WIB, now=wib(1, 1))


NOW = wib(11, 10)


@pytest.mark.parametrize(
    ("pending", "expected"),
    [
        # Due later: a job.
        ([(1, 10, wib(12, 7), wib(12, 9))], {1: StartupAction.SCHEDULE}),
        # Due while down, event not begun: sent once now.
        ([(1, 10, wib(11, 8), wib(12, 9))], {1: StartupAction.SEND_NOW}),
        # Event already begun: skipped, however recent the reminder.
        ([(1, 10, wib(11, 7), wib(11, 9))], {1: StartupAction.SKIP_BEGUN}),
        # Down through two reminders of one event: only the latest goes out.
        (
            [(1, 10, wib(9, 8), wib(12, 9)), (2, 10, wib(11, 8), wib(12, 9)),
             (3, 10, wib(12, 7), wib(12, 9))],
            {1: StartupAction.SKIP_SUPERSEDED, 2: StartupAction.SEND_NOW,
             3: StartupAction.SCHEDULE},
        ),
        # Order of the rows does not matter.
        (
            [(2, 10, wib(11, 8), wib(12, 9)), (1, 10, wib(9, 8), wib(12, 9))],
            {1: StartupAction.SKIP_SUPERSEDED, 2: StartupAction.SEND_NOW},
        ),
        # Two events each get their own overdue reminder.
        (
            [(1, 10, wib(11, 8), wib(12, 9)), (2, 11, wib(11, 8), wib(13, 9))],
            {1: StartupAction.SEND_NOW, 2: StartupAction.SEND_NOW},
        ),
    ],
)
def test_startup_triage(
    pending: list[tuple[int, int, datetime, datetime]], expected: dict[int, StartupAction]
) -> None:
    rows = [Pending(rid, eid, due.astimezone(UTC), starts.astimezone(UTC))
            for rid, eid, due, starts in pending]  # fmt: skip
    assert triage(rows, NOW) == expected


@pytest.mark.parametrize(
    ("attempts", "retry_after", "expected"),
    [(1, None, 15.0), (2, None, 30.0), (3, None, 60.0), (10, None, 600.0), (1, 7, 8.0)],
)
def test_retry_delay(attempts: int, retry_after: float | None, expected: float) -> None:
    assert retry_delay(attempts, retry_after) == expected


@pytest.mark.parametrize(
    ("event_day", "today", "expected"),
    [
        (date(2026, 1, 12), date(2026, 1, 12), 0),
        (date(2026, 1, 12), date(2026, 1, 11), 1),
        (date(2026, 1, 12), date(2026, 1, 10), 2),
        (date(2026, 1, 12), date(2026, 1, 9), None),
        (date(2026, 1, 1), date(2025, 12, 31), 1),
        (date(2026, 1, 11), date(2026, 1, 12), None),
    ],
)
def test_relative_day(event_day: date, today: date, expected: int | None) -> None:
    assert relative_day(event_day, today) == expected


@pytest.mark.parametrize(
    ("now", "hour", "expected_local", "past"),
    [
        (wib(11, 7, 59), 8, wib(11, 8), False),
        (wib(11, 8, 0), 8, wib(12, 8), True),
        (wib(11, 22), 8, wib(12, 8), True),
        (wib(31, 9, month=12), 8, wib(1, 8, month=1, year=2027), True),
    ],
)
def test_daily_run(now: datetime, hour: int, expected_local: datetime, past: bool) -> None:
    assert next_daily_run(now, hour, WIB) == expected_local.astimezone(UTC)
    assert past_daily_hour(now, hour, WIB) is past
    assert next_daily_run(now, hour, WIB) - now <= timedelta(days=1)


@pytest.mark.parametrize(
    ("error", "outcome", "retry_after"),
    [
        (RetryAfter(3), Delivery.RETRY, 3.0),  # after the limiter's own retries: later
        (Forbidden("Forbidden: bot was blocked by the user"), Delivery.BLOCKED, None),
        (Forbidden("Forbidden: user is deactivated"), Delivery.BLOCKED, None),
        (BadRequest("Bad Request: chat not found"), Delivery.FAILED, None),
        (BadRequest("Bad Request: can't parse entities"), Delivery.FAILED, None),
        (TimedOut(), Delivery.RETRY, None),
        (NetworkError("Bad Gateway"), Delivery.RETRY, None),
        (InvalidToken(), Delivery.RETRY, None),  # the bot cannot send: keep it pending
    ],
)
def test_send_errors_map_to_what_a_reminder_does(
    error: Exception, outcome: Delivery, retry_after: float | None
) -> None:
    result = told_after(error)
    assert (result.outcome, result.retry_after) == (outcome, retry_after)


@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_word_a_reminder_needs_is_translated(locale: str) -> None:
    from bot.i18n import load_catalog

    catalog = load_catalog(locale)
    keys = [f"schedule.kind.{k}" for k in KINDS]
    keys += [f"schedule.answer.{a}" for a in ("hadir", "tidak_bisa", "none")]
    keys += [f"schedule.rel.{n}" for n in (0, 1, 2)]
    keys += [f"schedule.staff.notice.{o.value}" for o in Delivery]
    keys += [f"schedule.notice.{k}" for k in ("new", "changed", "changed_place", "cancelled")]
    keys += ["schedule.staff.declined", "schedule.staff.comes_after_all", "minor.turned_18"]
    assert [k for k in keys if k not in catalog.singular] == []


def _event_at(starts_at: datetime) -> Event:
    return Event(
        id=1, user_id=1, kind="wawancara", starts_at=starts_at.astimezone(UTC),
        place="BBPVP Serang", note=None, status="active", replaced_by=None, answer=None,
        reason=None, answered_at=None, notice="sent", created_by=1,
        created_at="", updated_at="",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("locale", "days", "expected"),
    [
        ("id", 0, "⏰ Pengingat: wawancara Anda hari ini pukul 09.00 WIB di BBPVP Serang."),
        ("id", 1, "⏰ Pengingat: wawancara Anda besok pukul 09.00 WIB di BBPVP Serang."),
        ("id", 2, "⏰ Pengingat: wawancara Anda lusa pukul 09.00 WIB di BBPVP Serang."),
        ("id", 3, "⏰ Pengingat: wawancara Anda pada Selasa, 1 Desember 2026 pukul 09.00 WIB"
                  " di BBPVP Serang."),
        ("en", 1, "⏰ Reminder: your interview is tomorrow at 09.00 WIB. Place: BBPVP Serang."),
        ("en", 3, "⏰ Reminder: your interview is on Tuesday, 1 December 2026 at 09.00 WIB."
                  " Place: BBPVP Serang."),
    ],
)  # fmt: skip
def test_reminder_text_says_besok_lusa_or_the_date(locale: str, days: int, expected: str) -> None:
    from bot.i18n import use_locale
    from bot.simulator import parse_html

    # Saturday 28 November 2026, 07:00 WIB; the event at 09:00, ``days`` later.
    d = Deps(settings=Settings(), db=cast(Database, None),
             clock=FixedClock(wib(28, 7, month=11)))  # fmt: skip
    event = _event_at(wib(28, 9, month=11) + timedelta(days=days))
    with use_locale(locale):
        text = reminder_text(d, event, locale)
    assert parse_html(text).text.split("\n")[0] == expected
