"""Bot messages (Telegram HTML) as terminal text: ANSI styles when colour is on, plain if not.

Telegram's HTML subset is small (b, i, u, s, code, pre, a, blockquote, tg-spoiler), so a
tiny HTMLParser is enough; entities like &amp; are decoded by the parser itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, TextIO

_RESET = "\x1b[0m"
_STYLES = {
    "b": "\x1b[1m",
    "strong": "\x1b[1m",
    "i": "\x1b[3m",
    "em": "\x1b[3m",
    "u": "\x1b[4m",
    "ins": "\x1b[4m",
    "s": "\x1b[9m",
    "strike": "\x1b[9m",
    "del": "\x1b[9m",
    "code": "\x1b[36m",
    "pre": "\x1b[36m",
    "a": "\x1b[4;34m",
    "tg-spoiler": "\x1b[2m",
    "span": "\x1b[2m",
    "blockquote": "\x1b[2m",
}


def wants_colour(stream: TextIO, environ: dict[str, str] | None = None) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@dataclass(frozen=True)
class Palette:
    """The few colours the demo uses besides the message styles."""

    colour: bool

    def paint(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}{_RESET}" if self.colour else text

    def bot(self, text: str) -> str:
        return self.paint("1;32", text)

    def button(self, text: str) -> str:
        return self.paint("1;33", text)

    def dim(self, text: str) -> str:
        return self.paint("2", text)

    def note(self, text: str) -> str:
        return self.paint("35", text)

    def prompt(self, text: str) -> str:
        return self.paint("1;36", text)


class _ToTerminal(HTMLParser):
    def __init__(self, colour: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.colour = colour
        self.out: list[str] = []
        self.stack: list[str] = []
        self.links: list[str | None] = []

    def _restyle(self) -> None:
        if self.colour:
            self.out.append(_RESET + "".join(_STYLES.get(tag, "") for tag in self.stack))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append(dict(attrs).get("href"))
        self.stack.append(tag)
        self._restyle()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            # Pop back to the matching tag: Telegram HTML is well nested (the simulator
            # checks it), so this only matters for unusual input.
            while self.stack and self.stack.pop() != tag:
                pass
        self._restyle()
        if tag == "a" and self.links:
            href = self.links.pop()
            if href and not href.startswith("tg://"):
                self.out.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def text(self) -> str:
        return "".join(self.out) + (_RESET if self.colour and self.out else "")


def html_to_terminal(html: str, *, colour: bool) -> str:
    parser = _ToTerminal(colour)
    parser.feed(html)
    parser.close()
    return parser.text()


def indent(text: str, prefix: str = "  ") -> str:
    return "\n".join(prefix + line if line else line for line in text.split("\n"))


def keyboard_line(buttons: list[tuple[int, str]], palette: Palette) -> str:
    """`[1] Setuju  [2] Tidak setuju` from (number, label) pairs, wrapped at about 76
    characters."""
    lines: list[str] = []
    current: list[str] = []
    width = 0
    for number, label in buttons:
        item = f"[{number}] {label}"
        if current and width + len(item) + 2 > 76:
            lines.append("  ".join(current))
            current, width = [], 0
        current.append(palette.button(f"[{number}]") + f" {label}")
        width += len(item) + 2
    if current:
        lines.append("  ".join(current))
    return "\n".join(lines)


def reply_keyboard_labels(markup: dict[str, Any] | None) -> list[tuple[str, dict[str, Any]]]:
    if not markup or not isinstance(markup.get("keyboard"), list):
        return []
    found = []
    for row in markup["keyboard"]:
        for button in row:
            if isinstance(button, str):
                found.append((button, {"text": button}))
            elif isinstance(button, dict):
                found.append((str(button.get("text", "")), button))
    return found
