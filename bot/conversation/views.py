"""Neutral views: a message's text and the one kind of answer it asks for.

A channel renders a view within its own rules: Telegram as inline keyboards (a reply keyboard
for the phone number), WhatsApp as reply buttons or list messages. The kinds say what is
being asked, not how it looks; ``columns`` is only a hint for channels that lay buttons out
in rows.

Text is the catalog's HTML (<b>, <i>; user-typed values already escaped): a channel without
HTML converts it. An option's ``id`` is what comes back when it is chosen: a packed
bot/callbacks.py kind (at most 64 bytes, so it also fits a WhatsApp button or row id).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.callbacks import Callback


@dataclass(frozen=True)
class Option:
    """One thing a person can choose: ``label`` shown, ``id`` given back when chosen."""

    id: str
    label: str


def option(label: str, action: Callback) -> Option:
    """The option that, when chosen, is ``action``."""
    return Option(action.pack(), label)


@dataclass(frozen=True)
class SingleChoice:
    """One of these options. ``suggested`` (an option's id) is the answer the bot already
    believes (the sex read from the NIK); ``back`` goes to the question before."""

    options: tuple[Option, ...]
    columns: int = 1
    suggested: str | None = None
    back: Option | None = None


@dataclass(frozen=True)
class YesNo:
    """A question with two answers, the agreeing one first (consent, deletion, opt-out)."""

    yes: Option
    no: Option
    columns: int = 1


@dataclass(frozen=True)
class MultiSelect:
    """Any number of the options: each is toggled on or off, then ``done``. ``chosen`` holds
    the ids of the options on."""

    options: tuple[Option, ...]
    chosen: tuple[str, ...]
    done: Option
    columns: int = 1
    back: Option | None = None


@dataclass(frozen=True)
class Ranked:
    """Up to ``max_choices`` options in order of preference: ``chosen`` holds their ids,
    first preference first; ``reset`` (once something is chosen) starts again."""

    options: tuple[Option, ...]
    chosen: tuple[str, ...]
    max_choices: int
    done: Option
    reset: Option | None = None
    columns: int = 1
    back: Option | None = None


@dataclass(frozen=True)
class FreeText:
    """A typed answer (a name, a NIK, a place)."""

    back: Option | None = None


@dataclass(frozen=True)
class DateExpected:
    """A typed date; ``suggested`` is a date the bot already believes (from the NIK), one
    choice away."""

    suggested: Option | None = None
    back: Option | None = None


@dataclass(frozen=True)
class PhoneExpected:
    """The person's phone number: shared from the channel when it can (``share_label``), or
    typed (``placeholder`` shows the form)."""

    share_label: str
    placeholder: str


Choice = SingleChoice | YesNo | MultiSelect | Ranked | FreeText | DateExpected | PhoneExpected


@dataclass(frozen=True)
class View:
    """A message: ``text`` and what answer it asks for (None: no answer is asked).

    ``ends_phone`` says the phone number has been given: a channel that kept a way of sharing
    it on screen (Telegram's reply keyboard) takes it away with this message."""

    text: str
    choice: Choice | None = None
    ends_phone: bool = False
