"""What a resident sends, as the conversation understands it, whatever the channel."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Typed:
    """A typed text (no command)."""

    text: str


@dataclass(frozen=True)
class Chosen:
    """An option chosen (a button pressed, a list row picked): its id, as the view gave it;
    an id no kind of button knows any more (an older version's) is answered as outdated."""

    id: str


@dataclass(frozen=True)
class PhoneShared:
    """A phone number shared through the channel; ``own`` says it is the sender's own (a
    Telegram contact card can be anybody's; WhatsApp's sender number is always theirs)."""

    phone: str
    own: bool


@dataclass(frozen=True)
class Unsupported:
    """A message of a kind no question takes: a sticker, photo, voice note, location."""


Incoming = Typed | Chosen | PhoneShared | Unsupported
