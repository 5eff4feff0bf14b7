"""A resident's message as any channel delivers it: what the conversation reads.

Small and channel-free: a channel's adapter (bot/channels/whatsapp/notifications.py for
WhatsApp) turns its own payload into an ``Incoming`` and hands it to an ``IncomingHandler``,
which never sees a WhatsApp or Telegram type. A choice carries the id the bot gave the
button or list row, and its title as the person saw it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"  # typed text
    CHOICE = "choice"  # a reply button or a list row pressed
    MEDIA = "media"  # a photo, video, document, audio, voice note or sticker
    LOCATION = "location"
    REACTION = "reaction"  # an emoji on one of the bot's messages ("" when taken back)
    CONTACTS = "contacts"  # a shared contact card
    UNSUPPORTED = "unsupported"  # something the channel could not show us (a poll, ...)


class Media(StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    DOCUMENT = "document"
    AUDIO = "audio"
    VOICE = "voice"
    STICKER = "sticker"


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    name: str = ""


@dataclass(frozen=True)
class Incoming:
    channel: str  # "whatsapp"
    sender: str  # the person's address on that channel (WhatsApp: the wa_id)
    message_id: str  # the channel's id: duplicates share it
    sent_at: datetime  # aware, UTC
    kind: Kind
    text: str = ""  # the typed text, a caption, or a chosen option's title
    choice_id: str | None = None  # the id the bot gave the pressed button or row
    media: Media | None = None
    location: Location | None = None
    reaction: str | None = None
    reply_to: str | None = None  # the bot's message this answers (a pressed button's)
    name: str = ""  # the name the person shows on the channel


# What a channel hands each new message to: the conversation, once it speaks WhatsApp.
IncomingHandler = Callable[[Incoming], Awaitable[None]]
