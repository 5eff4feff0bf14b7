"""The simulated Telegram side: chats, the update queue, files, callback queries, commands.

Everything runs in one event loop, so state changes between two awaits are atomic and no
lock is needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import logging
import struct
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.simulator.errors import ApiError
from bot.simulator.forum import GroupState
from bot.simulator.limits import FloodControl
from bot.simulator.models import (
    Attachment,
    BotEvent,
    CallbackQueryRecord,
    ChatState,
    SentMessage,
    StoredFile,
)
from bot.simulator.transcript import bot_line

_LOGGER = logging.getLogger(__name__)

BotMessageListener = Callable[[int, SentMessage, bool], Any]
CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass(slots=True)
class QueuedUpdate:
    update_id: int
    kind: str  # "message", "callback_query", ...
    chat_id: int | None
    payload: dict[str, Any]
    delivered: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"update_id": self.update_id, self.kind: self.payload}


class SimState:
    """All mutable state of one simulated bot account."""

    def __init__(self, bot_user: dict[str, Any], flood: FloodControl) -> None:
        self.bot_user = bot_user
        self.flood = flood
        self.flood_limit = True
        self.chat_flood_limit = True
        self.callback_answer_timeout: float | None = 15.0
        self.chats: dict[int, ChatState] = {}
        self.groups: dict[int, GroupState] = {}  # supergroups declared with sim.group()
        # Every message a simulated user sent, by (chat id, message id), as the bot got it
        # (edits included): what copyMessage copies.
        self.user_messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.user_info: dict[int, dict[str, Any]] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.webhook_url = ""
        self.webhook_secret: str | None = None
        self.webhook_last_error: tuple[int, str] | None = None  # (unix time, message)
        self.allow_http_webhook = False
        self.allowed_updates: list[str] = []
        self.listeners: list[BotMessageListener] = []
        self._listener_tasks: set[asyncio.Future[Any]] = set()
        self.counters: Counter[str] = Counter()
        self.closing = False
        self._updates: list[QueuedUpdate] = []
        self._update_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._updates_changed: asyncio.Event | None = None
        self._poller: object | None = None
        # Set by whoever runs the bot in this process (the tests): True once the bot has
        # handled every update it took. SimUser.wait_idle then need not sit out its quiet time.
        self.bot_idle: Callable[[], bool] | None = None

    # chats --------------------------------------------------------------------------------
    def chat(self, chat_id: int) -> ChatState:
        chat = self.chats.get(chat_id)
        if chat is None:
            info = self.user_info.get(chat_id)
            if info is not None:
                chat = ChatState(chat_id, info["first_name"], info.get("username"))
            elif chat_id > 0:
                chat = ChatState(chat_id, f"User {chat_id}")
            else:
                chat = ChatState(chat_id, f"Group {-chat_id}")
            self.chats[chat_id] = chat
        return chat

    def message_json(self, chat: ChatState, message: SentMessage) -> dict[str, Any]:
        """A bot message as Telegram returns it (only inline keyboards are echoed)."""
        body: dict[str, Any] = {
            "message_id": message.message_id,
            "date": message.date,
            "chat": chat.chat_json(),
            "from": self.bot_user,
        }
        if message.message_thread_id is not None:
            body["message_thread_id"] = message.message_thread_id
            body["is_topic_message"] = True
        media = message.media
        if media is not None:
            stored = self.files.get(media.file_id)
            if stored is not None:
                body[media.kind] = media_json(media, stored)
            if message.text:
                body["caption"] = message.text
                if message.entities:
                    body["caption_entities"] = message.entities
        else:
            body["text"] = message.text
            if message.entities:
                body["entities"] = message.entities
        if message.edit_date is not None:
            body["edit_date"] = message.edit_date
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            body["reply_markup"] = message.reply_markup
        return body

    def bot_sees_all(self, chat_id: int) -> bool:
        """Whether the bot gets every message of this group: Telegram's privacy mode spares
        admins only (other bots in a group get commands)."""
        group = self.groups.get(chat_id)
        return group is not None and group.bot_admin

    def record_bot_message(self, chat: ChatState, message: SentMessage, is_edit: bool) -> None:
        chat.events.append(BotEvent(message, is_edit))
        chat.log.append(bot_line(message, is_edit))
        if message.reply_markup is not None and not is_edit:
            if "keyboard" in message.reply_markup:
                chat.reply_keyboard = message.reply_markup
            elif message.reply_markup.get("remove_keyboard"):
                chat.reply_keyboard = None
        chat.notify()
        for listener in self.listeners:
            try:
                result = listener(chat.id, message, is_edit)
                if inspect.isawaitable(result):
                    task = asyncio.ensure_future(result)
                    self._listener_tasks.add(task)
                    task.add_done_callback(self._listener_tasks.discard)
            except Exception:
                _LOGGER.exception("on_bot_message listener failed")

    # files --------------------------------------------------------------------------------
    def store_file(
        self, data: bytes, folder: str, filename: str | None, mime_type: str | None
    ) -> StoredFile:
        number = next(self._file_ids)
        suffix = _suffix(filename, mime_type, folder)
        stored = StoredFile(
            file_id=f"SIM{folder[:3].upper()}{number:08d}",
            file_unique_id=f"U{number:08d}",
            file_path=f"{folder}/file_{number}{suffix}",
            data=data,
            filename=filename,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    # updates ------------------------------------------------------------------------------
    def enqueue(self, kind: str, payload: dict[str, Any], chat_id: int | None) -> QueuedUpdate:
        update = QueuedUpdate(next(self._update_ids), kind, chat_id, payload)
        self._updates.append(update)
        if chat_id is not None:
            self.chat(chat_id).pending_updates += 1
        self._wake_pollers()
        return update

    def _wake_pollers(self) -> None:
        if self._updates_changed is not None:
            self._updates_changed.set()
            self._updates_changed = None

    def confirm(self, offset: int | None) -> None:
        """Forget updates as Telegram does: ids below a positive offset, all but -N last."""
        if not offset:
            return
        if offset > 0:
            cut = next(
                (n for n, u in enumerate(self._updates) if u.update_id >= offset),
                len(self._updates),
            )
        else:
            cut = max(0, len(self._updates) + offset)
        for update in self._updates[:cut]:
            self._mark_delivered(update)
        del self._updates[:cut]

    def drop_pending(self) -> None:
        for update in self._updates:
            self._mark_delivered(update)
        self._updates = []

    def _mark_delivered(self, update: QueuedUpdate) -> None:
        if not update.delivered:
            update.delivered = True
            if update.chat_id is not None:
                chat = self.chat(update.chat_id)
                chat.pending_updates -= 1
                chat.notify()

    @property
    def pending_update_count(self) -> int:
        return len(self._updates)

    def _deliverable(self, limit: int) -> list[QueuedUpdate]:
        allowed = set(self.allowed_updates)
        batch: list[QueuedUpdate] = []
        for update in list(self._updates):
            wanted = update.kind in allowed if allowed else update.kind not in _DEFAULT_EXCLUDED
            if not wanted:
                self._updates.remove(update)
                self._mark_delivered(update)
                continue
            batch.append(update)
            if len(batch) >= limit:
                break
        return batch

    def set_webhook(self, url: str, secret: str | None) -> None:
        self.webhook_url = url
        self.webhook_secret = secret if url else None
        self.webhook_last_error = None
        self._wake_pollers()  # a long poll ends with 409; the webhook sender starts

    def next_for_webhook(self) -> QueuedUpdate | None:
        """The oldest update to deliver to the webhook (Telegram sends one per request)."""
        batch = self._deliverable(1)
        return batch[0] if batch else None

    def delivered_to_webhook(self, update: QueuedUpdate) -> None:
        if update in self._updates:
            self._updates.remove(update)
        self._mark_delivered(update)

    async def wait_for_updates(self, timeout: float) -> None:  # noqa: ASYNC109 (a poll interval)
        """Until an update is queued or the webhook changes, at most ``timeout`` seconds."""
        if self._updates_changed is None:
            self._updates_changed = asyncio.Event()
        event = self._updates_changed
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):  # unlike wait_for, cancels cleanly on stop
                await event.wait()

    async def get_updates(self, offset: int | None, limit: int, wait: float) -> list[Any]:
        """Long poll: answer at once if updates are queued, else when one arrives or `wait`
        seconds pass."""
        if self.webhook_url:
            raise ApiError(409, CONFLICT_WEBHOOK)
        self.confirm(offset)
        me = object()
        self._poller = me
        self._wake_pollers()  # an older long poll still waiting now ends with 409
        deadline = time.monotonic() + wait
        while True:
            if self._poller is not me:
                raise ApiError(409, CONFLICT_POLL)
            batch = self._deliverable(limit)
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0 or self.closing:
                break
            if self._updates_changed is None:
                self._updates_changed = asyncio.Event()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._updates_changed.wait(), remaining)
        if self._poller is me:
            self._poller = None
        for update in batch:
            self._mark_delivered(update)
        return [update.to_json() for update in batch]

    def shutdown(self) -> None:
        self.closing = True
        self._wake_pollers()

    # callback queries ---------------------------------------------------------------------
    def new_callback_id(self) -> str:
        return f"{next(self._callback_ids):019d}"


def media_json(media: Attachment, stored: StoredFile) -> Any:
    """The photo sizes, document, voice or sticker object of a message."""
    if media.kind == "photo":
        return photo_sizes(stored)
    if media.kind == "voice":
        return voice_json(stored, media.duration or 1)
    if media.kind == "sticker":
        return sticker_json(stored, media.emoji)
    return document_json(stored)


def voice_json(stored: StoredFile, duration: int) -> dict[str, Any]:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "duration": duration,
        "mime_type": stored.mime_type or "audio/ogg",
        "file_size": len(stored.data),
    }


def sticker_json(stored: StoredFile, emoji: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "file_size": len(stored.data),
    }
    if emoji:
        body["emoji"] = emoji
    return body


def photo_sizes(stored: StoredFile) -> list[dict[str, Any]]:
    width, height = image_size(stored.data)
    return [
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": width,
            "height": height,
            "file_size": len(stored.data),
        }
    ]


def document_json(stored: StoredFile) -> dict[str, Any]:
    body: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
    }
    if stored.filename:
        body["file_name"] = stored.filename
    if stored.mime_type:
        body["mime_type"] = stored.mime_type
    return body


def _png(width: int, height: int) -> bytes:
    """A valid, blank RGB PNG: what a simulated user's photo carries."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    raw = b"".join(b"\x00" + bytes(3 * width) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


TINY_PNG = _png(4, 3)
IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")


def is_image(data: bytes) -> bool:
    return data.startswith(IMAGE_SIGNATURES) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG header; a plausible default for other formats."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    return 800, 600


_SUFFIXES = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "text/csv": ".csv",
    "application/pdf": ".pdf",
    "audio/ogg": ".oga",
    "image/webp": ".webp",
}


def _suffix(filename: str | None, mime_type: str | None, folder: str) -> str:
    if filename and "." in filename:
        return "." + filename.rsplit(".", 1)[1]
    if mime_type in _SUFFIXES:
        return _SUFFIXES[mime_type]
    return ".jpg" if folder == "photos" else ""
