"""Meta's webhook notifications (object "whatsapp_business_account") read into the bot's
own types: residents' messages as channel-free ``Incoming``, and ``StatusUpdate`` for the
bot's messages. Anything else (another number's notifications, template reviews, account
updates) is left out; an unknown message type is UNSUPPORTED, never an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.channels.incoming import Incoming, Kind, Location, Media

CHANNEL = "whatsapp"
MEDIA_KINDS = {"image": Media.IMAGE, "video": Media.VIDEO, "document": Media.DOCUMENT,
               "audio": Media.AUDIO, "sticker": Media.STICKER}  # fmt: skip


@dataclass(frozen=True)
class StatusUpdate:
    message_id: str
    status: str  # sent, delivered, read, failed
    error_code: int | None
    recipient: str  # kept in memory only, never stored
    at: datetime


def read_notification(data: Any, phone_number_id: str) -> tuple[list[Incoming], list[StatusUpdate]]:
    messages: list[Incoming] = []
    statuses: list[StatusUpdate] = []
    if not isinstance(data, dict) or data.get("object") != "whatsapp_business_account":
        return messages, statuses
    for value in _values(data, phone_number_id):
        names = {
            str(c.get("wa_id")): str((c.get("profile") or {}).get("name", ""))
            for c in _dicts(value.get("contacts"))
        }
        for message in _dicts(value.get("messages")):
            incoming = _incoming(message, names)
            if incoming is not None:
                messages.append(incoming)
        for status in _dicts(value.get("statuses")):
            update = _status(status)
            if update is not None:
                statuses.append(update)
    return messages, statuses


def _dicts(items: Any) -> Iterator[dict[str, Any]]:
    if isinstance(items, list):
        yield from (item for item in items if isinstance(item, dict))


def _values(data: dict[str, Any], phone_number_id: str) -> Iterator[dict[str, Any]]:
    for entry in _dicts(data.get("entry")):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if change.get("field") != "messages" or not isinstance(value, dict):
                continue
            metadata = value.get("metadata")
            if isinstance(metadata, dict) and metadata.get("phone_number_id") == phone_number_id:
                yield value


def _moment(raw: Any) -> datetime:
    try:
        return datetime.fromtimestamp(int(raw), UTC)
    except (TypeError, ValueError, OverflowError):
        return datetime.now(UTC)


def _incoming(message: dict[str, Any], names: dict[str, str]) -> Incoming | None:
    sender, message_id = message.get("from"), message.get("id")
    if not isinstance(sender, str) or not isinstance(message_id, str):
        return None
    context = message.get("context")
    base: dict[str, Any] = {
        "channel": CHANNEL,
        "sender": sender,
        "message_id": message_id,
        "sent_at": _moment(message.get("timestamp")),
        "reply_to": context.get("id") if isinstance(context, dict) else None,
        "name": names.get(sender, ""),
    }
    kind = message.get("type")
    body = message.get(kind) if isinstance(kind, str) else None
    body = body if isinstance(body, dict) else {}
    if kind == "text":
        return Incoming(kind=Kind.TEXT, text=str(body.get("body", "")), **base)
    if kind == "interactive":
        reply = body.get(body.get("type", ""))
        if isinstance(reply, dict) and isinstance(reply.get("id"), str):
            title = str(reply.get("title", ""))
            return Incoming(kind=Kind.CHOICE, choice_id=reply["id"], text=title, **base)
        return Incoming(kind=Kind.UNSUPPORTED, **base)
    if kind == "button":  # a template's quick-reply button: its payload is the id
        payload = body.get("payload")
        text = str(body.get("text", ""))
        return Incoming(kind=Kind.CHOICE, choice_id=str(payload or text), text=text, **base)
    if kind in MEDIA_KINDS:
        media = MEDIA_KINDS[kind]
        if media is Media.AUDIO and body.get("voice") is True:
            media = Media.VOICE
        caption = str(body.get("caption", ""))
        return Incoming(kind=Kind.MEDIA, media=media, text=caption, **base)
    if kind == "location":
        try:
            place = Location(
                float(body["latitude"]), float(body["longitude"]), str(body.get("name", ""))
            )
        except (KeyError, TypeError, ValueError):
            return Incoming(kind=Kind.UNSUPPORTED, **base)
        return Incoming(kind=Kind.LOCATION, location=place, **base)
    if kind == "reaction":
        emoji = str(body.get("emoji", ""))
        return Incoming(kind=Kind.REACTION, reaction=emoji, **base | {
            "reply_to": body.get("message_id") or base["reply_to"]})  # fmt: skip
    if kind == "contacts":
        return Incoming(kind=Kind.CONTACTS, **base)
    return Incoming(kind=Kind.UNSUPPORTED, **base)


def _status(status: dict[str, Any]) -> StatusUpdate | None:
    message_id, state = status.get("id"), status.get("status")
    if not isinstance(message_id, str) or state not in ("sent", "delivered", "read", "failed"):
        return None
    code = None
    errors = list(_dicts(status.get("errors")))
    if errors and isinstance(errors[0].get("code"), int):
        code = errors[0]["code"]
    recipient = status.get("recipient_id")
    return StatusUpdate(
        message_id, state, code, recipient if isinstance(recipient, str) else "",
        _moment(status.get("timestamp")),
    )  # fmt: skip
