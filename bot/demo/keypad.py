"""Button numbers that stay put: the demo's stand-in for a finger on a phone screen.

On a phone a button is pressed where it is seen. In the terminal it is pressed by the number
printed next to it, so that number must keep meaning the same button: when the bot edits a
keyboard (a ranking gains "Ulangi" in front of "Selesai"), a button that stays keeps its
number and a new one gets the next number, never one a button had before. A keyboard with
nothing in common with the one before it (the next question, edited into the same message)
is numbered from 1 again. A typed number refers to the keyboard last printed for the account.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NumberedButton:
    number: int
    label: str
    button: dict[str, Any]


def button_key(button: dict[str, Any]) -> str:
    """What a button does, which outlives its label ("Jepang" becomes "1. Jepang")."""
    for field in ("callback_data", "url"):
        value = button.get(field)
        if isinstance(value, str):
            return f"{field}:{value}"
    return f"text:{button.get('text', '')}"


class Keypad:
    """The numbers of one account's buttons: per message, and which keyboard was seen last."""

    def __init__(self) -> None:
        self._numbers: dict[int, dict[tuple[str, int], int]] = {}  # message id -> key -> number
        self.message_id: int | None = None  # the message whose keyboard was printed last
        self.reply = False  # that keyboard is a reply keyboard (under the input field)
        self.shown: list[NumberedButton] = []

    def number(self, message_id: int, buttons: list[dict[str, Any]]) -> list[NumberedButton]:
        """Numbers for `buttons`, the keyboard `message_id` has now (not yet marked as seen)."""
        keys = _keys(buttons)
        known = self._numbers.get(message_id)
        if known is None or not known.keys() & set(keys):
            known = {}
            self._numbers[message_id] = known
        following = max(known.values(), default=0) + 1
        numbered = []
        for key, button in zip(keys, buttons, strict=True):
            if key not in known:
                known[key] = following
                following += 1
            numbered.append(NumberedButton(known[key], str(button.get("text", "")), button))
        return numbered

    def seen(self, message_id: int, numbered: list[NumberedButton], *, reply: bool) -> None:
        """The person has just been shown this keyboard: numbers now refer to it."""
        self.message_id = message_id
        self.reply = reply
        self.shown = numbered

    def cleared(self, message_id: int) -> None:
        """The buttons of `message_id` were taken away (shown as such)."""
        if message_id == self.message_id:
            self.shown = []

    def find(self, number: int) -> NumberedButton | None:
        return next((b for b in self.shown if b.number == number), None)

    def numbers(self) -> list[int]:
        return sorted(b.number for b in self.shown)


def _keys(buttons: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """Each button's key, with a count for the rare keyboard where two buttons do the same."""
    seen: Counter[str] = Counter()
    keys = []
    for button in buttons:
        key = button_key(button)
        keys.append((key, seen[key]))
        seen[key] += 1
    return keys


def number_ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 5, 8, 9] -> "1–3, 5, 8–9": the numbers on screen, for a hint."""
    parts: list[str] = []
    start = previous = None
    for n in sorted(numbers):
        if previous is not None and n == previous + 1:
            previous = n
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}–{previous}")
        start = previous = n
    if start is not None:
        parts.append(str(start) if start == previous else f"{start}–{previous}")
    return ", ".join(parts)
