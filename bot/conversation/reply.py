"""What the conversation hands a channel: the messages to show, where, and what follows.

A channel that can edit a message (Telegram) puts a view given for a pressed button in place
of the message the button was on; one that cannot (WhatsApp) sends it as a new message. Only
the channel knows how; the conversation says which kind of showing each view is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum

from bot.conversation.views import View


class Place(StrEnum):
    NEW = "new"  # a message of its own
    REPLACE = "replace"  # the answer to a pressed button: in place of the message it was on
    # The answer to a pressed button that leaves that message readable in the chat (the
    # consent text agreed to, the summary that was sent), without its buttons.
    AFTER = "after"


@dataclass(frozen=True)
class Shown:
    view: View
    place: Place = Place.NEW


@dataclass(frozen=True)
class Ack:
    """The acknowledgement of a pressed button: none, a passing note, or an ``alert`` the
    person must read (a channel without passing notes sends an alert as a message)."""

    text: str | None = None
    alert: bool = False


@dataclass(frozen=True)
class Asked:
    """A text that answers nothing the bot asked: a question for the questions desk (the
    FAQ, then staff); ``where`` shows the person where they are when it is no question, and,
    with ``remind``, under an answer the FAQ could not give."""

    where: View
    remind: bool = True


@dataclass(frozen=True)
class Reply:
    """Everything one incoming message or press leads to, in order: ``ack`` (for a press),
    ``shown``, then ``asked``; ``then`` runs once the channel has shown it all (a
    registration's confirmation is owed until it has reached the resident).

    ``promoted``: the user ids of people on a waiting list who got the place this reply
    freed (an applicant who deleted their data). Each must be told, once this reply is
    shown, on their own channel, which need not be this one: the conversation cannot send to
    anyone, so it names them and the channel's caller tells them (Telegram:
    services/applicant_desk.tell_promoted)."""

    shown: tuple[Shown, ...] = ()
    ack: Ack = field(default_factory=Ack)
    asked: Asked | None = None
    then: Callable[[], Awaitable[None]] | None = None
    promoted: tuple[int, ...] = ()


def new(*views: View) -> Reply:
    """Views as new messages."""
    return Reply(tuple(Shown(v) for v in views))


def replace(view: View, ack: Ack | None = None) -> Reply:
    """The answer to a press, in place of the pressed message."""
    return Reply((Shown(view, Place.REPLACE),), ack or Ack())
