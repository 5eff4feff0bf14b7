"""Slots for scheduling many people at once: one start time, a slot every N minutes, and
how many people share a slot.

Pure: the staff web page's bulk scheduling (bot/web/dashboard/bulk.py) plans with it and
shows the plan before anything is saved. The slots run on without a break: no day, night or
lunch hour is skipped, because staff see the first and last slot in the preview and choose
the start and the group they schedule (a day's list) themselves; a plan that runs past the
start's day is flagged (``crosses_midnight``) so the preview can say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MIN_MINUTES = 1
MAX_MINUTES = 8 * 60  # one slot a working day long at most
MAX_PER_SLOT = 500


class SlotError(ValueError):
    """A plan that cannot be made: the reason is the message's ``code``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class SlotPlan:
    start: datetime  # aware
    every: timedelta
    per_slot: int

    def __post_init__(self) -> None:
        if self.start.tzinfo is None:
            raise SlotError("naive")
        minutes = self.every / timedelta(minutes=1)
        if minutes != int(minutes) or not MIN_MINUTES <= minutes <= MAX_MINUTES:
            raise SlotError("every")
        if not 1 <= self.per_slot <= MAX_PER_SLOT:
            raise SlotError("per_slot")

    def slot(self, position: int) -> datetime:
        """The start of the slot of the person at ``position`` (0 is the first)."""
        if position < 0:
            raise SlotError("position")
        return self.start + (position // self.per_slot) * self.every

    def slots(self, people: int) -> list[datetime]:
        """Each person's slot, in the order the people are taken."""
        return [self.slot(i) for i in range(people)]

    def slot_count(self, people: int) -> int:
        return -(-people // self.per_slot)

    def last(self, people: int) -> datetime:
        return self.slot(max(people - 1, 0))

    def crosses_midnight(self, people: int, tz: object | None = None) -> bool:
        """Whether the last slot begins on a later local day than the first."""
        first, last = self.start, self.last(people)
        if tz is not None:
            first, last = first.astimezone(tz), last.astimezone(tz)  # type: ignore[arg-type]
        return last.date() != first.date()
