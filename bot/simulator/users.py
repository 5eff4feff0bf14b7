"""Simulated Telegram users: they write to the bot, press its buttons and read its replies."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

from bot.simulator.html_check import utf16_len
from bot.simulator.models import CallbackQueryRecord, ChatState, SentMessage, pick_button
from bot.simulator.state import TINY_PNG, SimState, photo_sizes, sticker_json, voice_json
from bot.simulator.transcript import topic_prefix, user_line
from bot.simulator.validation import keyboard_rows

# tdlib's bot-command pattern, anchored at the start of the text: "/cmd" or "/cmd@botname".
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_/<>])")
_TINY_WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11"
_TINY_OGG = b"OggS\x00\x02" + bytes(22)


class SimUser:
    """One person in a private chat with the bot (chat id == user id)."""

    def __init__(
        self,
        state: SimState,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "id",
        phone_number: str | None = None,
    ) -> None:
        if user_id <= 0:
            raise ValueError("a user id is a positive integer")
        self._state = state
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.phone_number = phone_number or f"+62812{user_id % 10**7:07d}"
        state.user_info[user_id] = self.as_json()
        self.chat = state.chat(user_id)
        self.chat.first_name = first_name
        self.chat.username = username
        # What this user sent, as the bot received it, by (chat id, message id): an edit
        # starts from the message as it is now.
        self._sent: dict[tuple[int, int], dict[str, Any]] = {}

    def __repr__(self) -> str:
        return f"SimUser({self.id}, {self.first_name!r})"

    def as_json(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    # reading ------------------------------------------------------------------------------
    @property
    def messages(self) -> list[SentMessage]:
        """The bot's messages in this chat, current versions (deleted ones included)."""
        return self.chat.messages

    @property
    def last_message(self) -> SentMessage | None:
        """The bot's latest message that is still there, as it is now."""
        for message in reversed(self.chat.messages):
            if not message.deleted:
                return message
        return None

    def transcript(self) -> str:
        return self.chat.transcript()

    def reply_keyboard(self) -> list[list[dict[str, Any]]]:
        """Buttons of the reply keyboard on screen now ([] when none), e.g. request_contact."""
        markup = self.chat.reply_keyboard
        return keyboard_rows(markup) if markup else []

    async def next_message(self, timeout: float = 5.0) -> SentMessage:  # noqa: ASYNC109 (as wait_idle)
        """The next bot message or edit in this chat after the last action, in order."""
        chat = self.chat
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while chat.cursor >= len(chat.events):
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"{self!r}: no message from the bot within {timeout:g}s.\n"
                    f"Transcript:\n{self.transcript()}"
                )
            await chat.wait_changed(remaining)
        event = chat.events[chat.cursor]
        chat.cursor += 1
        return event.message

    async def wait_idle(
        self,
        quiet: float = 0.3,
        timeout: float = 5.0,  # noqa: ASYNC109 (a bound on the assertion, not a cancel scope)
        *,
        settle: float | None = None,
    ) -> list[SentMessage]:
        """Everything the bot sends or edits until it has had this user's updates and stays
        quiet for `quiet` seconds. With `settle`, and a bot that says when it is idle
        (BotApiSimulator.watch_bot), `settle` seconds of quiet do once it has handled
        everything it took."""
        chat = self.chat
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        last_activity = loop.time()
        collected: list[SentMessage] = []
        idle = self._state.bot_idle if settle is not None else None
        while True:
            while chat.cursor < len(chat.events):
                collected.append(chat.events[chat.cursor].message)
                chat.cursor += 1
            now = loop.time()
            if chat.pending_updates == 0:
                if now - last_activity >= quiet:
                    return collected
                settled = settle is not None and now - last_activity >= settle
                if idle is not None and settled and idle():
                    return collected
            if now >= deadline:
                raise AssertionError(
                    f"{self!r}: the bot did not go quiet within {timeout:g}s "
                    f"({chat.pending_updates} update(s) not yet fetched).\n"
                    f"Transcript:\n{self.transcript()}"
                )
            if chat.pending_updates:
                wait = deadline - now
            else:
                wait = min(deadline - now, quiet - (now - last_activity))
                if idle is not None and settle is not None:  # the bot's end wakes nobody: look
                    wait = min(wait, max(settle - (now - last_activity), 0.005))
            if await chat.wait_changed(max(wait, 0.001)):
                last_activity = loop.time()

    # writing ------------------------------------------------------------------------------
    def _new_message(
        self,
        chat_id: int | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
        **content: Any,
    ) -> dict[str, Any]:
        if chat_id is not None and chat_id > 0:
            raise ValueError("a group chat id is negative; the private chat is the default")
        chat = self.chat if chat_id is None else self._state.chat(chat_id)
        if chat.status in ("deactivated", "missing"):
            raise AssertionError(f"{self!r} cannot write: the chat is {chat.status}")
        self._check_may_write(chat, thread_id)
        replied = None if reply_to is None else self._replied(chat, reply_to)
        if chat.status == "blocked":
            chat.status = "ok"  # writing to a blocked bot means unblocking it first
            chat.log.append("> (unblocked the bot)")
        message_id = chat.new_message_id()
        chat.user_message_ids.add(message_id)
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat.chat_json(),
            "from": self.as_json(),
        }
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
        if replied is not None:
            message["reply_to_message"] = replied
        message.update(content)
        group = self._state.groups.get(chat.id)
        if group is not None:
            group.thread_of[message_id] = thread_id
        self._sent[(chat.id, message_id)] = message
        self._state.user_messages[(chat.id, message_id)] = message
        return message

    def _replied(self, chat: ChatState, message_id: int) -> dict[str, Any]:
        """The message replied to, as the update carries it (without its own reply)."""
        bot_message = chat.message(message_id)
        if bot_message is not None and not bot_message.deleted:
            return self._state.message_json(chat, bot_message)
        user_message = self._state.user_messages.get((chat.id, message_id))
        if user_message is None or message_id in chat.deleted_user_message_ids:
            raise AssertionError(f"{self!r}: no message #{message_id} to reply to in {chat.id}")
        return {k: v for k, v in user_message.items() if k != "reply_to_message"}

    def _check_may_write(self, chat: ChatState, thread_id: int | None) -> None:
        """Refuse what a Telegram app would not let this person do in a declared group."""
        group = self._state.groups.get(chat.id)
        if thread_id is not None and not chat.is_forum:
            raise ValueError(f"chat {chat.id} has no topics: thread_id needs sim.group(forum=True)")
        if group is None:
            return
        if self.id not in group.members:
            raise AssertionError(f"{self!r} is not a member of group {chat.id}: group.add(user)")
        if thread_id is None:
            return
        topic = group.live_topic(thread_id)
        if topic is None:
            raise AssertionError(f"{self!r}: group {chat.id} has no topic {thread_id} (deleted?)")
        if topic.closed and not group.members[self.id]:
            raise AssertionError(f"{self!r}: topic {thread_id} is closed; only admins write there")

    async def _post(
        self, message: dict[str, Any], line: str, kind: str = "message"
    ) -> dict[str, Any]:
        chat = self._state.chat(int(message["chat"]["id"]))
        if chat.type == "private":
            chat.log.append(user_line(line))
        else:
            thread = message.get("message_thread_id")
            chat.log.append(user_line(f"{topic_prefix(thread)}{self.first_name}: {line}"))
        chat.cursor = len(chat.events)
        if chat.reply_keyboard and chat.reply_keyboard.get("one_time_keyboard"):
            chat.reply_keyboard = None
        if chat.status == "kicked" or (
            chat.type != "private"
            and not self._state.bot_sees_all(chat.id)
            and not message.get("entities")
        ):
            # Privacy mode (can_read_all_group_messages is false): in a group where the bot
            # is not an admin it gets commands only, so a plain text never reaches it.
            await asyncio.sleep(0)
            return message
        self._state.enqueue(kind, message, chat.id)
        await asyncio.sleep(0)
        return message

    async def send(
        self,
        text: str,
        *,
        chat_id: int | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        """Send a text; a leading /command gets its bot_command entity, as Telegram adds it.
        ``chat_id``: a group (negative id) this user writes in, instead of the private chat;
        ``thread_id``: the forum topic there (None: General); ``reply_to``: the id of a
        message in that chat this one answers (the update carries it as reply_to_message).
        The media sends below take the same three."""
        message = self._new_message(
            chat_id, thread_id, reply_to, text=text, **_command_entities("entities", text)
        )
        return await self._post(message, text)

    async def edit(self, sent: dict[str, Any], text: str) -> dict[str, Any]:
        """Edit a message this user sent earlier (its text, or a media message's caption):
        the bot gets an ``edited_message`` update, as from Telegram. Like Telegram's apps it
        refuses an edit that changes nothing, of a message that is not the user's own or is
        gone, or to an empty or overlong text."""
        chat_id = int(sent["chat"]["id"])
        chat = self._state.chat(chat_id)
        current = self._sent.get((chat_id, int(sent["message_id"])))
        if current is None or int(sent["message_id"]) in chat.deleted_user_message_ids:
            raise AssertionError(f"{self!r}: message #{sent['message_id']} is not one of mine")
        field = "text" if "text" in current else "caption"
        if field == "caption" and not any(k in current for k in ("photo", "document", "voice")):
            raise AssertionError(f"{self!r}: a {sorted(current)} message cannot be edited")
        limit = 4096 if field == "text" else 1024
        if not text.strip() or utf16_len(text) > limit:
            raise AssertionError(f"{self!r}: an edit needs 1-{limit} characters")
        if current.get(field) == text:
            raise AssertionError(f"{self!r}: the edit changes nothing")
        entities = "entities" if field == "text" else "caption_entities"
        edited = {k: v for k, v in current.items() if k != entities}
        edited.update({field: text, "edit_date": int(time.time())})
        edited.update(_command_entities(entities, text))
        self._sent[(chat_id, int(sent["message_id"]))] = edited
        self._state.user_messages[(chat_id, int(sent["message_id"]))] = edited
        return await self._post(edited, f"(edited #{sent['message_id']}) {text}", "edited_message")

    async def send_contact(
        self,
        phone_number: str | None = None,
        user_id: int | None = None,
        *,
        first_name: str | None = None,
        include_user_id: bool = True,
    ) -> dict[str, Any]:
        """Share a contact: by default one's own (user_id = sender); pass another user_id to
        share someone else's, or include_user_id=False for a contact not on Telegram."""
        phone = phone_number or self.phone_number
        owner = self.id if user_id is None else user_id
        contact: dict[str, Any] = {
            "phone_number": phone,
            "first_name": first_name or (self.first_name if owner == self.id else "Kontak"),
        }
        if include_user_id:
            contact["user_id"] = owner
        if not include_user_id:
            whose = " of someone not on Telegram"
        else:
            whose = "" if owner == self.id else f" of user {owner}"
        return await self._post(self._new_message(contact=contact), f"[contact {phone}{whose}]")

    async def send_photo(
        self,
        caption: str | None = None,
        data: bytes = TINY_PNG,
        *,
        chat_id: int | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        stored = self._state.store_file(data, "photos", None, "image/png")
        content: dict[str, Any] = {"photo": photo_sizes(stored)}
        if caption:
            content["caption"] = caption
            content.update(_command_entities("caption_entities", caption))
        line = f"[photo] {caption}" if caption else "[photo]"
        return await self._post(self._new_message(chat_id, thread_id, reply_to, **content), line)

    async def send_document(
        self,
        filename: str,
        data: bytes,
        caption: str | None = None,
        mime_type: str = "text/csv",
        *,
        chat_id: int | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        stored = self._state.store_file(data, "documents", filename, mime_type)
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": filename,
            "mime_type": mime_type,
            "file_size": len(data),
        }
        content: dict[str, Any] = {"document": document}
        if caption:
            content["caption"] = caption
            content.update(_command_entities("caption_entities", caption))
        line = f"[document {filename}] {caption}" if caption else f"[document {filename}]"
        return await self._post(self._new_message(chat_id, thread_id, reply_to, **content), line)

    async def send_sticker(
        self,
        emoji: str = "👍",
        *,
        chat_id: int | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        stored = self._state.store_file(_TINY_WEBP, "stickers", None, "image/webp")
        sticker = sticker_json(stored, emoji)
        message = self._new_message(chat_id, thread_id, reply_to, sticker=sticker)
        return await self._post(message, f"[sticker {emoji}]")

    async def send_voice(
        self,
        duration: int = 3,
        caption: str | None = None,
        *,
        chat_id: int | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        stored = self._state.store_file(_TINY_OGG, "voice", None, "audio/ogg")
        content: dict[str, Any] = {"voice": voice_json(stored, duration)}
        if caption:
            content["caption"] = caption
            content.update(_command_entities("caption_entities", caption))
        line = f"[voice {duration}s] {caption}" if caption else f"[voice {duration}s]"
        return await self._post(self._new_message(chat_id, thread_id, reply_to, **content), line)

    async def send_location(
        self, latitude: float = -6.1201, longitude: float = 106.1503
    ) -> dict[str, Any]:
        location = {"latitude": latitude, "longitude": longitude}
        return await self._post(
            self._new_message(location=location), f"[location {latitude}, {longitude}]"
        )

    async def press(self, label: str) -> dict[str, Any]:
        """Press a reply-keyboard button: it sends its text, or the contact/location it asks."""
        rows = self.reply_keyboard()
        buttons = [button for row in rows for button in row]
        button = pick_button(buttons, label)
        if button is None:
            shown = [str(b.get("text")) for b in buttons]
            raise AssertionError(
                f'{self!r}: no reply-keyboard button "{label}"; on screen: {shown}\n'
                f"Transcript:\n{self.transcript()}"
            )
        if button.get("request_contact"):
            return await self.send_contact()
        if button.get("request_location"):
            return await self.send_location()
        return await self.send(str(button["text"]))

    # buttons ------------------------------------------------------------------------------
    async def tap(self, label: str) -> CallbackQueryRecord:
        """Press the inline button labelled `label` on the latest message with a keyboard."""
        for message in reversed(self.chat.messages):
            if not message.deleted and message.inline_keyboard:
                return await self.tap_on(message, label)
        raise AssertionError(
            f'{self!r}: no bot message with inline buttons to tap "{label}" on.\n'
            f"Transcript:\n{self.transcript()}"
        )

    async def tap_on(self, message: SentMessage, label: str) -> CallbackQueryRecord:
        """Press an inline button on a given (possibly older) bot message, as it is now."""
        chat = self.chat
        current = chat.message(message.message_id)
        if current is None or current.deleted:
            raise AssertionError(f"{self!r}: message #{message.message_id} is not in the chat")
        buttons = [button for row in current.inline_keyboard for button in row]
        button = pick_button(buttons, label)
        if button is None:
            raise AssertionError(
                f'{self!r}: no single button matching "{label}" on message '
                f"#{current.message_id}; buttons: {current.buttons}\n"
                f"Transcript:\n{self.transcript()}"
            )
        data = button.get("callback_data")
        if not isinstance(data, str):
            raise AssertionError(
                f'{self!r}: button "{button.get("text")}" sends no callback_data: {button}'
            )
        record = CallbackQueryRecord(
            id=self._state.new_callback_id(),
            chat_id=chat.id,
            user_id=self.id,
            message_id=current.message_id,
            data=data,
            at=time.monotonic(),
        )
        self._state.callback_queries[record.id] = record
        payload = {
            "id": record.id,
            "from": self.as_json(),
            "message": self._state.message_json(chat, current),
            "chat_instance": f"{chat.id * 7919 % 10**12}",
            "data": data,
        }
        chat.log.append(user_line(f"[tap: {button.get('text')}]"))
        chat.cursor = len(chat.events)
        self._state.enqueue("callback_query", payload, chat.id)
        await asyncio.sleep(0)
        return record


def _command_entities(key: str, text: str) -> dict[str, Any]:
    """Telegram marks a leading /command in a text or a caption with a bot_command entity."""
    match = _COMMAND.match(text)
    if not match:
        return {}
    return {key: [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group())}]}
