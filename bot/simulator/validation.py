"""Telegram's checks on what a bot sends: text, captions, keyboards, commands.

Descriptions are Telegram's own where they are known; where Telegram's wording is not known
the description still starts with "Bad Request:" and says what was wrong.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from bot.simulator.errors import bad_request
from bot.simulator.html_check import HtmlParseError, ParsedText, parse_html, utf16_len

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64  # bytes of UTF-8
MAX_INLINE_BUTTONS = 100
MAX_CALLBACK_ANSWER = 200
_TRIM = " \t\r\n\v\f"
_INLINE_ACTIONS = (
    "callback_data", "url", "switch_inline_query", "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat", "login_url", "web_app", "callback_game", "pay",
    "copy_text",
)  # fmt: skip
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE = re.compile(r"[a-z]{2}")
_SCOPES = frozenset(
    {
        "default", "all_private_chats", "all_group_chats", "all_chat_administrators",
        "chat", "chat_administrators", "chat_member",
    }
)  # fmt: skip
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip


@dataclass(slots=True)
class FormattedText:
    """Text ready to record: plain (trimmed, as Telegram stores it), raw and entities."""

    text: str
    raw: str
    parse_mode: str | None
    entities: list[dict[str, Any]]


def parse_mode_of(value: str | None) -> str | None:
    """Accept no parse mode or HTML; this project sends HTML only, so refuse the rest."""
    if value is None or value == "":
        return None
    if value.lower() == "html":
        return "HTML"
    raise bad_request(
        f'unsupported parse_mode "{value}": the simulator checks HTML only, '
        "which is the only parse mode this bot uses"
    )


def format_text(raw: str, parse_mode: str | None, entities: Any = None) -> FormattedText:
    """Parse entities and trim as Telegram does; raise 400 "can't parse entities: ..."."""
    mode = parse_mode_of(parse_mode)
    if mode == "HTML":
        try:
            parsed = parse_html(raw)
        except HtmlParseError as err:
            raise bad_request(f"can't parse entities: {err}") from None
    else:
        given = entities if isinstance(entities, list) else []
        parsed = ParsedText(raw, [e for e in given if isinstance(e, dict)])
    return _trimmed(parsed, raw, mode)


def _trimmed(parsed: ParsedText, raw: str, mode: str | None) -> FormattedText:
    text = parsed.text.strip(_TRIM)
    if text == parsed.text:
        return FormattedText(text, raw, mode, parsed.entities)
    lead = utf16_len(parsed.text[: len(parsed.text) - len(parsed.text.lstrip(_TRIM))])
    total = utf16_len(text)
    entities = []
    for entity in parsed.entities:
        start = max(0, int(entity["offset"]) - lead)
        end = min(total, int(entity["offset"]) + int(entity["length"]) - lead)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return FormattedText(text, raw, mode, entities)


def check_message_text(text: FormattedText) -> None:
    if not text.text:
        raise bad_request("message text is empty")
    if utf16_len(text.text) > MAX_TEXT:
        raise bad_request("message is too long")


def check_caption(caption: FormattedText) -> None:
    if utf16_len(caption.text) > MAX_CAPTION:
        raise bad_request("message caption is too long")


def check_reply_markup(markup: Any, chat_id: int) -> dict[str, Any] | None:
    """Validate reply_markup for a send to `chat_id`; return it as Telegram echoes it."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        return {"inline_keyboard": check_inline_keyboard(markup["inline_keyboard"])}
    if "keyboard" in markup:
        _check_reply_keyboard(markup["keyboard"], chat_id)
        return _without_nulls(markup)
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return _without_nulls(markup)
    raise bad_request("can't parse reply keyboard markup JSON object")


def check_inline_keyboard(rows: Any) -> list[list[dict[str, Any]]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    checked = [[_check_inline_button(button) for button in row] for row in rows]
    if sum(len(row) for row in checked) > MAX_INLINE_BUTTONS:
        raise bad_request("reply markup is too long")
    return checked


def _check_inline_button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    text = button.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    # Telegram treats an empty callback_data like a missing one.
    actions = [key for key in _INLINE_ACTIONS if button.get(key) not in (None, "")]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        raise bad_request(
            "can't parse inline keyboard button: exactly one of the optional fields must be "
            f"used, got {', '.join(actions)}"
        )
    data = button.get("callback_data")
    if data not in (None, "") and (
        not isinstance(data, str) or len(data.encode("utf-8")) > MAX_CALLBACK_DATA
    ):
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not _valid_button_url(url):
        raise bad_request("BUTTON_URL_INVALID")
    return _without_nulls(button)


def _valid_button_url(url: Any) -> bool:
    if not isinstance(url, str) or not url or any(c.isspace() for c in url):
        return False
    return url.startswith(("http://", "https://", "tg://")) or (
        "://" not in url and "." in url.split("/")[0]
    )


def _check_reply_keyboard(rows: Any, chat_id: int) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array')
    for row in rows:
        for button in row:
            if isinstance(button, str):
                button = {"text": button}
            if not isinstance(button, dict):
                raise bad_request("can't parse keyboard button: KeyboardButton must be an Object")
            text = button.get("text")
            if not isinstance(text, str) or not text.strip():
                raise bad_request("BUTTON_TEXT_INVALID")
            if chat_id < 0 and button.get("request_contact"):
                raise bad_request("phone number can be requested in private chats only")
            if chat_id < 0 and button.get("request_location"):
                raise bad_request("location can be requested in private chats only")


def keyboard_rows(markup: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """Rows of a reply keyboard with plain-string buttons turned into {"text": ...}."""
    rows = markup.get("keyboard") or []
    return [[{"text": b} if isinstance(b, str) else dict(b) for b in row] for row in rows]


def _without_nulls(value: dict[str, Any]) -> dict[str, Any]:
    return {key: item for key, item in value.items() if item is not None}


def check_commands(commands: Any) -> list[dict[str, str]]:
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    checked = []
    for item in commands:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand JSON object")
        command = item.get("command")
        description = item.get("description")
        if not isinstance(command, str) or not _COMMAND.fullmatch(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        checked.append({"command": command, "description": description})
    return checked


def command_scope_key(scope: Any, language_code: str | None) -> tuple[str, str]:
    """The key Telegram keeps a command list under: (scope as canonical JSON, language)."""
    if scope is None:
        scope = {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
        raise bad_request("wrong bot command scope specified")
    if scope["type"] in ("chat", "chat_administrators", "chat_member") and "chat_id" not in scope:
        raise bad_request("chat_id is empty")
    language = language_code or ""
    if language and not _LANGUAGE.fullmatch(language):
        raise bad_request("invalid language code specified")
    return json.dumps(scope, sort_keys=True, separators=(",", ":")), language


def check_callback_answer_text(text: str | None) -> None:
    if text is not None and len(text) > MAX_CALLBACK_ANSWER:
        raise bad_request("MESSAGE_TOO_LONG")
