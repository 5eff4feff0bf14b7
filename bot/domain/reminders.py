"""Reminder planning: when each reminder of an event is due, and what to do at start-up.

Pure functions of the event time, the configured offsets, the reminder hour, the time zone
and "now": no clock, no database, no Telegram. The services store what these return and
turn it into JobQueue jobs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

DAY = 86_400

# The four kinds of event staff schedule, in the order of the programme.
KINDS: tuple[str, ...] = ("wawancara", "pemetaan", "pelatihan", "keberangkatan")


@dataclass(frozen=True)
class PlannedReminder:
    offset: int  # seconds before the event, as configured (86400 for "1d")
    due_at: datetime  # aware, UTC


def _require_aware(dt: datetime) -> None:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")


def due_time(starts_at: datetime, offset: int, reminder_hour: int, tz: ZoneInfo) -> datetime:
    """When the reminder ``offset`` seconds before ``starts_at`` goes out (UTC).

    Whole-day offsets go out at ``reminder_hour`` local time on that day (a "besok" reminder
    at 02:00 at night helps nobody); hour, minute and second offsets at the exact time.
    """
    _require_aware(starts_at)
    if offset % DAY == 0:
        day = starts_at.astimezone(tz).date() - timedelta(days=offset // DAY)
        return datetime.combine(day, time(reminder_hour), tzinfo=tz).astimezone(UTC)
    return (starts_at - timedelta(seconds=offset)).astimezone(UTC)


def plan_reminders(
    starts_at: datetime,
    offsets: Sequence[int],
    *,
    reminder_hour: int,
    tz: ZoneInfo,
    now: datetime,
) -> list[PlannedReminder]:
    """The reminders still worth sending for an event created (or rescheduled) at ``now``.

    Offsets already past are skipped; two offsets landing on the same moment (1d and 24h)
    give one reminder. Sorted by due time.
    """
    _require_aware(now)
    by_due: dict[datetime, PlannedReminder] = {}
    for offset in sorted(set(offsets), reverse=True):
        due = due_time(starts_at, offset, reminder_hour, tz)
        if due <= now or due >= starts_at:
            continue
        by_due.setdefault(due, PlannedReminder(offset, due))
    return sorted(by_due.values(), key=lambda r: r.due_at)


class StartupAction(StrEnum):
    SCHEDULE = "schedule"  # due later: a job at its due time
    SEND_NOW = "send_now"  # due while the bot was down, event not yet begun: send once now
    SKIP_BEGUN = "begun"  # the event has begun: too late to remind
    SKIP_SUPERSEDED = "superseded"  # a later overdue reminder of the same event goes instead


@dataclass(frozen=True)
class Pending:
    reminder_id: int
    event_id: int
    due_at: datetime
    starts_at: datetime


def triage(pending: Iterable[Pending], now: datetime) -> dict[int, StartupAction]:
    """What start-up does with each pending reminder.

    When the bot was down through several reminders of one event, only the latest of them
    is sent: three identical "don't forget" messages at once would read as a fault.
    """
    _require_aware(now)
    actions: dict[int, StartupAction] = {}
    latest_overdue: dict[int, Pending] = {}
    for p in pending:
        if p.starts_at <= now:
            actions[p.reminder_id] = StartupAction.SKIP_BEGUN
        elif p.due_at > now:
            actions[p.reminder_id] = StartupAction.SCHEDULE
        else:
            current = latest_overdue.get(p.event_id)
            if current is None or (p.due_at, p.reminder_id) > (current.due_at, current.reminder_id):
                if current is not None:
                    actions[current.reminder_id] = StartupAction.SKIP_SUPERSEDED
                latest_overdue[p.event_id] = p
            else:
                actions[p.reminder_id] = StartupAction.SKIP_SUPERSEDED
    for p in latest_overdue.values():
        actions[p.reminder_id] = StartupAction.SEND_NOW
    return actions


def retry_delay(
    attempts: int, retry_after: float | None = None, *, base: float = 15.0, cap: float = 600.0
) -> float:
    """Seconds before trying a failed reminder again: Telegram's retry_after when it gave one
    (plus a second of slack), else ``base`` doubling per failure, to at most ``cap``."""
    if retry_after is not None:
        return max(float(retry_after), 0.0) + 1.0
    return float(min(base * 2 ** max(attempts - 1, 0), cap))


def relative_day(event_day: date, today: date) -> int | None:
    """0 (today), 1 (tomorrow, "besok"), 2 (the day after, "lusa"), else None."""
    delta = (event_day - today).days
    return delta if 0 <= delta <= 2 else None


def next_daily_run(now: datetime, hour: int, tz: ZoneInfo) -> datetime:
    """The next ``hour``:00 local time strictly after ``now`` (UTC): the daily minors' check."""
    _require_aware(now)
    local = now.astimezone(tz)
    candidate = datetime.combine(local.date(), time(hour), tzinfo=tz)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), time(hour), tzinfo=tz)
    return candidate.astimezone(UTC)


def past_daily_hour(now: datetime, hour: int, tz: ZoneInfo) -> bool:
    """True once today's ``hour``:00 local time has come (start-up catches up then)."""
    _require_aware(now)
    return now.astimezone(tz).hour >= hour
