"""What copyMessage copies: the content of a user's or the bot's message, without a
"forwarded from" header, as a new bot message to be placed in another chat."""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.simulator.errors import bad_request
from bot.simulator.models import Attachment, ChatState, MediaKind, SentMessage
from bot.simulator.state import SimState
from bot.simulator.validation import FormattedText, check_caption

NOT_FOUND = "message to copy not found"
_MEDIA_KINDS: tuple[MediaKind, ...] = ("photo", "document", "voice", "sticker")


def copied_message(
    state: SimState, source: ChatState, message_id: int, caption: FormattedText | None
) -> SentMessage:
    """The copy (ids, chat and date still to be set), or Telegram's error: the message is
    not there (never was, deleted, or in a deleted topic), or it is a service message."""
    group = state.groups.get(source.id)
    if group is not None and message_id in group.service_message_ids:
        raise bad_request("message can't be copied")
    bot_message = source.message(message_id)
    if bot_message is not None:
        if bot_message.deleted:
            raise bad_request(NOT_FOUND)
        copy = bot_message.evolve(edits=[], edit_date=None, reply_markup=None)
    else:
        user_message = state.user_messages.get((source.id, message_id))
        if user_message is None or message_id in source.deleted_user_message_ids:
            raise bad_request(NOT_FOUND)
        copy = _from_user_message(state, user_message)
    if caption is not None and copy.media is not None and copy.media.kind != "sticker":
        check_caption(caption)
        media = dataclasses.replace(copy.media, caption=caption.text or None)
        copy = copy.evolve(
            text=caption.text, html=caption.raw, parse_mode=caption.parse_mode,
            entities=caption.entities, **{media.kind: media},
        )  # fmt: skip
    return copy


def _from_user_message(state: SimState, message: dict[str, Any]) -> SentMessage:
    base = SentMessage(
        message_id=0, chat_id=0, text="", html="", parse_mode=None, reply_markup=None, date=0
    )
    if "text" in message:
        text = str(message["text"])
        return base.evolve(text=text, html=text, entities=list(message.get("entities", [])))
    for kind in _MEDIA_KINDS:
        if kind in message:
            return _with_media(state, base, kind, message)
    # contacts, locations, polls...: the simulator keeps no model of them to copy
    raise bad_request(f"the simulator cannot copy a message of kind {sorted(message)}")


def _with_media(
    state: SimState, base: SentMessage, kind: MediaKind, message: dict[str, Any]
) -> SentMessage:
    body = message[kind]
    info = body[-1] if isinstance(body, list) else body  # photos: the largest size
    stored = state.files.get(str(info["file_id"]))
    if stored is None:
        raise bad_request(NOT_FOUND)
    caption = str(message.get("caption", ""))
    attachment = Attachment(
        kind=kind,
        filename=stored.filename or stored.file_path.rsplit("/", 1)[-1],
        data=stored.data,
        file_id=stored.file_id,
        mime_type=stored.mime_type,
        caption=caption or None,
        duration=info.get("duration") if kind == "voice" else None,
        emoji=info.get("emoji") if kind == "sticker" else None,
    )
    return base.evolve(
        text=caption,
        html=caption,
        entities=list(message.get("caption_entities", [])),
        **{kind: attachment},
    )
