"""The Bot API methods the simulator answers, each as strict as Telegram where it matters."""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.simulator.errors import ApiError, bad_request, forbidden, too_many_requests
from bot.simulator.forum import thread_for_send
from bot.simulator.forum_methods import ForumMethods
from bot.simulator.models import Attachment, ChatState, MediaKind, SentMessage, StoredFile
from bot.simulator.params import Params
from bot.simulator.state import SimState, is_image
from bot.simulator.validation import (
    CHAT_ACTIONS,
    FormattedText,
    check_callback_answer_text,
    check_caption,
    check_commands,
    check_inline_keyboard,
    check_message_text,
    check_reply_markup,
    command_scope_key,
    format_text,
)

Handler = Callable[[Params], Awaitable[Any]]

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
_MENU_BUTTON_TYPES = ("default", "commands", "web_app")
_FOLDERS: dict[str, str] = {"photo": "photos", "document": "documents", "voice": "voice"}


def _date() -> int:
    return int(time.time())


class BotApiMethods:
    """Method name (case-insensitive, as in Telegram) -> handler over one SimState."""

    def __init__(self, state: SimState) -> None:
        self.state = state
        handlers: dict[str, Handler] = {
            "getMe": self.get_me,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "close": self.ok,
            "logOut": self.ok,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "setMyDescription": self.ok,
            "setMyShortDescription": self.ok,
            "setMyName": self.ok,
            "setChatMenuButton": self.set_chat_menu_button,
            "getChatMenuButton": self.get_chat_menu_button,
            "sendMessage": self.send_message,
            "sendPhoto": self.send_photo,
            "sendDocument": self.send_document,
            "sendVoice": self.send_voice,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "answerCallbackQuery": self.answer_callback_query,
            "sendChatAction": self.send_chat_action,
            "getFile": self.get_file,
            "getChat": self.get_chat,
            **ForumMethods(self).handlers(),
        }
        self.table: dict[str, tuple[str, Handler]] = {
            name.lower(): (name, handler) for name, handler in handlers.items()
        }

    def lookup(self, method: str) -> tuple[str, Handler] | None:
        return self.table.get(method.lower())

    # shared checks ------------------------------------------------------------------------
    def target_chat(self, p: Params) -> ChatState:
        chat = self.state.chat(p.chat_id())
        if chat.status == "missing":
            raise bad_request("chat not found")
        if chat.status == "blocked":
            raise forbidden("bot was blocked by the user")
        if chat.status == "deactivated":
            raise forbidden("user is deactivated")
        if chat.status == "kicked":
            kind = "supergroup" if chat.type == "supergroup" else "group"
            raise forbidden(f"bot was kicked from the {kind} chat")
        return chat

    def throttle(self, chat: ChatState, *, per_chat: bool) -> None:
        state = self.state
        if not state.flood_limit:
            return
        retry_after = state.flood.check(
            time.monotonic(), chat.id, per_chat=per_chat and state.chat_flood_limit, overall=True
        )
        if retry_after is not None:
            raise too_many_requests(retry_after)

    def reply_to(self, p: Params, chat: ChatState) -> int | None:
        parameters = p.get_json("reply_parameters")
        if isinstance(parameters, dict):
            message_id = parameters.get("message_id")
            allow_missing = bool(parameters.get("allow_sending_without_reply"))
        else:
            message_id = p.get_int("reply_to_message_id")
            allow_missing = p.get_bool("allow_sending_without_reply")
        if message_id is None:
            return None
        bot_message = chat.message(int(message_id))
        exists = (bot_message is not None and not bot_message.deleted) or (
            message_id in chat.user_message_ids and message_id not in chat.deleted_user_message_ids
        )
        if exists:
            return int(message_id)
        if allow_missing:
            return None
        raise bad_request("message to be replied not found")

    def thread(self, p: Params, chat: ChatState) -> int | None:
        """The forum topic a send goes to (message_thread_id), checked as Telegram does."""
        return thread_for_send(
            self.state.groups.get(chat.id),
            chat.type,
            chat.is_forum,
            p.get_int("message_thread_id"),
        )

    def _deliver(self, chat: ChatState, message: SentMessage) -> dict[str, Any]:
        chat.add(message)
        group = self.state.groups.get(chat.id)
        if group is not None:
            group.thread_of[message.message_id] = message.message_thread_id
        self.state.counters["sends"] += 1
        self.state.record_bot_message(chat, message, is_edit=False)
        return self.state.message_json(chat, message)

    # updates and bot settings -------------------------------------------------------------
    async def ok(self, p: Params) -> bool:
        return True

    async def get_me(self, p: Params) -> dict[str, Any]:
        return {
            **self.state.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def get_updates(self, p: Params) -> list[Any]:
        limit = min(100, max(1, p.get_int("limit") or 100))
        timeout = max(0.0, p.get_float("timeout") or 0.0)
        allowed = p.get_json("allowed_updates")
        if isinstance(allowed, list):
            self.state.allowed_updates = [str(kind) for kind in allowed]
        return await self.state.get_updates(p.get_int("offset"), limit, timeout)  # long poll

    async def set_webhook(self, p: Params) -> bool:
        url = p.get_str("url") or ""
        if url and not _webhook_url_allowed(url, self.state.allow_http_webhook):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.get_str("secret_token")
        if secret is not None and not _SECRET_TOKEN.match(secret):
            raise bad_request("bad webhook: secret token contains unallowed characters")
        self.state.set_webhook(url, secret)
        if p.get_bool("drop_pending_updates"):
            self.state.drop_pending()
        return True

    async def delete_webhook(self, p: Params) -> bool:
        self.state.set_webhook("", None)
        if p.get_bool("drop_pending_updates"):
            self.state.drop_pending()
        return True

    async def get_webhook_info(self, p: Params) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.state.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": self.state.pending_update_count,
        }
        if self.state.webhook_url and self.state.webhook_last_error is not None:
            info["last_error_date"], info["last_error_message"] = self.state.webhook_last_error
        return info

    async def set_my_commands(self, p: Params) -> bool:
        commands = check_commands(p.get_json("commands"))
        key = command_scope_key(p.get_json("scope"), p.get_str("language_code"))
        if commands:
            self.state.commands[key] = commands
        else:
            self.state.commands.pop(key, None)
        return True

    async def get_my_commands(self, p: Params) -> list[dict[str, str]]:
        key = command_scope_key(p.get_json("scope"), p.get_str("language_code"))
        return list(self.state.commands.get(key, []))

    async def delete_my_commands(self, p: Params) -> bool:
        key = command_scope_key(p.get_json("scope"), p.get_str("language_code"))
        self.state.commands.pop(key, None)
        return True

    async def set_chat_menu_button(self, p: Params) -> bool:
        button = p.get_json("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in _MENU_BUTTON_TYPES:
            raise bad_request("can't parse menu button JSON object")
        self.state.menu_buttons[p.get_int("chat_id")] = button
        return True

    async def get_chat_menu_button(self, p: Params) -> dict[str, Any]:
        buttons = self.state.menu_buttons
        chat_id = p.get_int("chat_id")
        return buttons.get(chat_id) or buttons.get(None) or {"type": "default"}

    # sending ------------------------------------------------------------------------------
    async def send_message(self, p: Params) -> dict[str, Any]:
        chat = self.target_chat(p)
        text = format_text(p.get_str("text") or "", p.get_str("parse_mode"), p.get_json("entities"))
        check_message_text(text)
        markup = check_reply_markup(p.get_json("reply_markup"), chat.id)
        thread = self.thread(p, chat)
        reply_to = self.reply_to(p, chat)
        self.throttle(chat, per_chat=True)
        message = SentMessage(
            message_id=chat.new_message_id(),
            chat_id=chat.id,
            text=text.text,
            html=text.raw,
            parse_mode=text.parse_mode,
            reply_markup=markup,
            date=_date(),
            entities=text.entities,
            reply_to_message_id=reply_to,
            message_thread_id=thread,
        )
        return self._deliver(chat, message)

    async def send_photo(self, p: Params) -> dict[str, Any]:
        return await self._send_media(p, "photo")

    async def send_document(self, p: Params) -> dict[str, Any]:
        return await self._send_media(p, "document")

    async def send_voice(self, p: Params) -> dict[str, Any]:
        return await self._send_media(p, "voice")

    async def _send_media(self, p: Params, kind: MediaKind) -> dict[str, Any]:
        chat = self.target_chat(p)
        stored = self._media_input(p, kind)
        caption = self._caption(p)
        markup = check_reply_markup(p.get_json("reply_markup"), chat.id)
        thread = self.thread(p, chat)
        reply_to = self.reply_to(p, chat)
        self.throttle(chat, per_chat=True)
        attachment = Attachment(
            kind=kind,
            filename=stored.filename or stored.file_path.rsplit("/", 1)[-1],
            data=stored.data,
            file_id=stored.file_id,
            mime_type=stored.mime_type,
            caption=caption.text or None,
            duration=max(1, p.get_int("duration") or 1) if kind == "voice" else None,
        )
        message = SentMessage(
            message_id=chat.new_message_id(),
            chat_id=chat.id,
            text=caption.text,
            html=caption.raw,
            parse_mode=caption.parse_mode,
            reply_markup=markup,
            date=_date(),
            entities=caption.entities,
            photo=attachment if kind == "photo" else None,
            document=attachment if kind == "document" else None,
            voice=attachment if kind == "voice" else None,
            reply_to_message_id=reply_to,
            message_thread_id=thread,
        )
        return self._deliver(chat, message)

    def _caption(self, p: Params) -> FormattedText:
        caption = format_text(
            p.get_str("caption") or "", p.get_str("parse_mode"), p.get_json("caption_entities")
        )
        check_caption(caption)
        return caption

    def _media_input(self, p: Params, kind: str) -> StoredFile:
        """The uploaded file (multipart part or attach://name) or a known file_id."""
        value = p.get_str(kind)
        upload = p.files.get(kind)
        if value and value.startswith("attach://"):
            upload = p.files.get(value[len("attach://") :])
            if upload is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
        if upload is not None:
            if not upload.data:
                raise bad_request("file must be non-empty")
            if kind == "photo":
                if len(upload.data) > MAX_PHOTO_BYTES:
                    raise bad_request("PHOTO_INVALID_DIMENSIONS")
                if not is_image(upload.data):
                    raise bad_request("IMAGE_PROCESS_FAILED")
            elif len(upload.data) > MAX_DOCUMENT_BYTES:
                raise ApiError(413, "Request Entity Too Large")
            return self.state.store_file(
                upload.data, _FOLDERS[kind], upload.filename, upload.content_type
            )
        if not value:
            raise bad_request(f"there is no {kind} in the request")
        known = self.state.files.get(value)
        if known is not None:
            return known
        if value.startswith(("http://", "https://")):
            # Telegram would download it; the simulator records the URL with no bytes.
            name = value.rsplit("/", 1)[-1] or None
            return self.state.store_file(b"", _FOLDERS[kind], name, None)
        raise bad_request("wrong file identifier/HTTP URL specified")

    # editing ------------------------------------------------------------------------------
    def _edit_target(self, p: Params) -> tuple[ChatState, SentMessage]:
        if p.get_str("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self.target_chat(p)
        message_id = p.required_int("message_id", "message identifier is not specified")
        current = chat.message(message_id)
        if current is None or current.deleted:
            if message_id in chat.user_message_ids:
                raise bad_request("message can't be edited")
            raise bad_request("message to edit not found")
        return chat, current

    @staticmethod
    def _edit_markup(p: Params) -> dict[str, Any] | None:
        """The inline keyboard of an edit; a missing one removes the current keyboard."""
        markup = p.get_json("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict) or "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        rows = check_inline_keyboard(markup["inline_keyboard"])
        return {"inline_keyboard": rows} if any(rows) else None

    @staticmethod
    def _inline_markup(message: SentMessage) -> dict[str, Any] | None:
        markup = message.reply_markup
        if markup and "inline_keyboard" in markup and any(markup["inline_keyboard"]):
            return markup
        return None

    def _apply_edit(self, chat: ChatState, current: SentMessage, **changes: Any) -> dict[str, Any]:
        self.throttle(chat, per_chat=False)
        edited = current.evolve(edits=[*current.edits, current.text], edit_date=_date(), **changes)
        chat.replace(edited)
        self.state.counters["edits"] += 1
        self.state.record_bot_message(chat, edited, is_edit=True)
        return self.state.message_json(chat, edited)

    async def edit_message_text(self, p: Params) -> dict[str, Any]:
        chat, current = self._edit_target(p)
        if current.media is not None:
            raise bad_request("there is no text in the message to edit")
        text = format_text(p.get_str("text") or "", p.get_str("parse_mode"), p.get_json("entities"))
        check_message_text(text)
        markup = self._edit_markup(p)
        if (text.text, text.entities, markup) == (
            current.text, current.entities, self._inline_markup(current)
        ):  # fmt: skip
            raise bad_request(NOT_MODIFIED)
        return self._apply_edit(
            chat, current, text=text.text, html=text.raw, parse_mode=text.parse_mode,
            entities=text.entities, reply_markup=markup,
        )  # fmt: skip

    async def edit_message_caption(self, p: Params) -> dict[str, Any]:
        chat, current = self._edit_target(p)
        media = current.media
        if media is None or media.kind == "sticker":
            raise bad_request("there is no caption in the message to edit")
        caption = self._caption(p)
        markup = self._edit_markup(p)
        if (caption.text, caption.entities, markup) == (
            current.text, current.entities, self._inline_markup(current)
        ):  # fmt: skip
            raise bad_request(NOT_MODIFIED)
        new_media = dataclasses.replace(media, caption=caption.text or None)
        return self._apply_edit(
            chat, current, text=caption.text, html=caption.raw, parse_mode=caption.parse_mode,
            entities=caption.entities, reply_markup=markup, **{media.kind: new_media},
        )  # fmt: skip

    async def edit_message_reply_markup(self, p: Params) -> dict[str, Any]:
        chat, current = self._edit_target(p)
        markup = self._edit_markup(p)
        if markup == self._inline_markup(current):
            raise bad_request(NOT_MODIFIED)
        return self._apply_edit(chat, current, reply_markup=markup)

    async def delete_message(self, p: Params) -> bool:
        chat = self.target_chat(p)
        message_id = p.required_int("message_id", "message identifier is not specified")
        current = chat.message(message_id)
        if current is not None and not current.deleted:
            chat.replace(current.evolve(deleted=True))
            chat.log.append(f"< (deleted #{message_id})")
            self.state.counters["deletes"] += 1
            return True
        if message_id in chat.user_message_ids and message_id not in chat.deleted_user_message_ids:
            group = self.state.groups.get(chat.id)
            if group is not None and not group.bot_deletes_messages:
                # someone else's message in a group: only an admin with the right may
                raise bad_request("message can't be deleted")
            chat.deleted_user_message_ids.add(message_id)
            chat.log.append(f"< (deleted user message #{message_id})")
            self.state.counters["deletes"] += 1
            return True
        raise bad_request("message to delete not found")

    # callbacks, actions, files, chats -----------------------------------------------------
    async def answer_callback_query(self, p: Params) -> bool:
        record = self.state.callback_queries.get(p.get_str("callback_query_id") or "")
        if record is None or record.answered:
            raise bad_request(QUERY_TOO_OLD)
        timeout = self.state.callback_answer_timeout
        if timeout is not None and time.monotonic() - record.at > timeout:
            raise bad_request(QUERY_TOO_OLD)
        text = p.get_str("text")
        check_callback_answer_text(text)
        record.answered = True
        record.answer_text = text or None
        record.show_alert = p.get_bool("show_alert")
        record.answer_url = p.get_str("url")
        self.state.counters["callback_answers"] += 1
        if text:
            kind = "alert" if record.show_alert else "toast"
            self.state.chat(record.chat_id).log.append(f"< ({kind}: {text})")
        return True

    async def send_chat_action(self, p: Params) -> bool:
        chat = self.target_chat(p)
        action = p.get_str("action")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        chat.chat_actions.append(action)
        return True

    async def get_file(self, p: Params) -> dict[str, Any]:
        stored = self.state.files.get(p.get_str("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    async def get_chat(self, p: Params) -> dict[str, Any]:
        chat = self.state.chat(p.chat_id())
        if chat.status == "missing":
            raise bad_request("chat not found")
        return {
            **chat.chat_json(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }


# Telegram: "1-256 characters. Only characters A-Z, a-z, 0-9, _ and - are allowed."
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def _webhook_url_allowed(url: str, allow_http: bool) -> bool:
    """HTTPS only, as Telegram; plain http to this machine only when a test asked for it
    (the bot's own server in the tests has no certificate)."""
    if url.startswith("https://"):
        return True
    return allow_http and url.startswith(("http://127.0.0.1:", "http://localhost:"))
