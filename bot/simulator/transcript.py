"""One-line renderings of chat events for transcripts: "> user ..." and "< bot ..."."""

from __future__ import annotations

from typing import Any

from bot.simulator.models import SentMessage


def _indent(text: str) -> str:
    return text.replace("\n", "\n  ")


def keyboard_suffix(markup: dict[str, Any] | None) -> str:
    if not markup:
        return ""
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        return "".join(
            " [" + " | ".join(str(b.get("text", "")) for b in row) + "]" for row in rows if row
        )
    if "keyboard" in markup:
        rows = markup["keyboard"]
        return "".join(
            " {"
            + " | ".join(b if isinstance(b, str) else str(b.get("text", "")) for b in row)
            + "}"
            for row in rows
            if row
        )
    if markup.get("remove_keyboard"):
        return " {keyboard removed}"
    if markup.get("force_reply"):
        return " {force reply}"
    return ""


def topic_prefix(thread_id: int | None) -> str:
    return "" if thread_id is None else f"(topic {thread_id}) "


def bot_line(message: SentMessage, is_edit: bool) -> str:
    head = f"< (edit #{message.message_id}) " if is_edit else "< "
    head += topic_prefix(message.message_thread_id)
    body = message.text
    media = message.media
    if media is not None and media.kind == "voice":
        body = f"[voice {media.duration or 1}s] {body}".rstrip()
    elif media is not None and media.kind == "sticker":
        body = f"[sticker {media.emoji or ''}]".replace(" ]", "]")
    elif media is not None:
        body = f"[{media.kind} {media.filename}] {body}".rstrip()
    return head + _indent(body) + keyboard_suffix(message.reply_markup)


def user_line(text: str) -> str:
    return "> " + _indent(text)
