"""What the simulator records: calls, bot messages, callback queries, files and chats."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

ChatStatus = Literal["ok", "blocked", "deactivated", "missing", "kicked"]  # kicked: groups


@dataclass(slots=True)
class ApiCall:
    """One Bot API request as the simulator answered it."""

    at: float  # time.monotonic()
    method: str
    chat_id: int | None
    ok: bool
    error_code: int | None = None
    description: str | None = None


MediaKind = Literal["photo", "document", "voice", "sticker"]


@dataclass(slots=True)
class Attachment:
    """A photo, document, voice note or sticker the bot sent (uploaded bytes, or a file_id
    it re-used or copied)."""

    kind: MediaKind
    filename: str
    data: bytes
    file_id: str
    mime_type: str | None = None
    caption: str | None = None  # plain caption, tags stripped
    duration: int | None = None  # voice notes
    emoji: str | None = None  # stickers


@dataclass(slots=True)
class SentMessage:
    """A bot message in one chat, as a value: an edit or delete replaces it with a new version.

    `text` is the plain text (tags stripped, entities decoded; the caption for media), `html`
    the raw string the bot sent, `edits` the plain texts of earlier versions, oldest first.
    `sim.chat(id).message(message_id)` is always the current version.
    """

    message_id: int
    chat_id: int
    text: str
    html: str
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    date: int
    entities: list[dict[str, Any]] = field(default_factory=list)
    photo: Attachment | None = None
    document: Attachment | None = None
    voice: Attachment | None = None
    sticker: Attachment | None = None
    edits: list[str] = field(default_factory=list)
    deleted: bool = False
    edit_date: int | None = None
    reply_to_message_id: int | None = None
    message_thread_id: int | None = None  # the forum topic; None in General or elsewhere

    @property
    def media(self) -> Attachment | None:
        """The photo, document, voice note or sticker of the message; None for a text."""
        return self.photo or self.document or self.voice or self.sticker

    @property
    def caption(self) -> str | None:
        media = self.media
        return media.caption if media else None

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard")
        return rows if isinstance(rows, list) else []

    @property
    def buttons(self) -> list[str]:
        """Texts of the inline buttons, row by row."""
        return [str(button.get("text", "")) for row in self.inline_keyboard for button in row]

    def button(self, label: str) -> dict[str, Any] | None:
        """The inline button whose text equals `label`, else the only one containing it."""
        return pick_button([b for row in self.inline_keyboard for b in row], label)

    def evolve(self, **changes: Any) -> SentMessage:
        return dataclasses.replace(self, **changes)


@dataclass(slots=True)
class CallbackQueryRecord:
    """A button press by a simulated user, and how (whether) the bot answered it."""

    id: str
    chat_id: int
    user_id: int
    message_id: int
    data: str
    at: float
    answered: bool = False
    answer_text: str | None = None
    show_alert: bool = False
    answer_url: str | None = None


@dataclass(slots=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    filename: str | None = None
    mime_type: str | None = None


@dataclass(slots=True)
class FaultRule:
    """An injected failure for the next `times` matching calls."""

    method: str | None  # lower-cased; None: any method except getUpdates
    chat_id: int | None
    times: int
    status: int = 0
    description: str = ""
    retry_after: int | None = None
    drop: bool = False  # close the connection without answering
    after_processing: bool = False  # drop only after the call took effect

    def matches(self, method: str, chat_id: int | None) -> bool:
        if self.method is None:
            if method == "getupdates":
                return False
        elif self.method != method:
            return False
        return self.chat_id is None or self.chat_id == chat_id


@dataclass(slots=True)
class BotEvent:
    """A send or edit in one chat, for a simulated user to read in order."""

    message: SentMessage
    is_edit: bool


class ChatState:
    """One chat as the simulator sees it: status, bot messages, transcript, user cursor."""

    def __init__(self, chat_id: int, first_name: str, username: str | None = None) -> None:
        self.id = chat_id
        # "private", "group", or "supergroup" for a group a test declared (sim.group)
        self.type = "private" if chat_id > 0 else "group"
        self.is_forum = False
        self.first_name = first_name
        self.username = username
        self.status: ChatStatus = "ok"
        self._messages: list[SentMessage] = []
        self._index: dict[int, int] = {}
        self.user_message_ids: set[int] = set()
        self.deleted_user_message_ids: set[int] = set()
        self._next_message_id = 1
        self.log: list[str] = []
        self.events: list[BotEvent] = []
        self.cursor = 0
        self.pending_updates = 0
        self.reply_keyboard: dict[str, Any] | None = None
        self.chat_actions: list[str] = []
        self._changed: asyncio.Event | None = None

    # messages -----------------------------------------------------------------------------
    @property
    def messages(self) -> list[SentMessage]:
        """The bot's messages in this chat, current versions, oldest first (deleted included)."""
        return list(self._messages)

    def message(self, message_id: int) -> SentMessage | None:
        index = self._index.get(message_id)
        return None if index is None else self._messages[index]

    def __iter__(self) -> Iterator[SentMessage]:
        return iter(self._messages)

    def new_message_id(self) -> int:
        message_id = self._next_message_id
        self._next_message_id += 1
        return message_id

    def add(self, message: SentMessage) -> None:
        self._index[message.message_id] = len(self._messages)
        self._messages.append(message)

    def replace(self, message: SentMessage) -> None:
        self._messages[self._index[message.message_id]] = message

    def chat_json(self) -> dict[str, Any]:
        if self.type == "private":
            chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
            if self.username:
                chat["username"] = self.username
            return chat
        chat = {"id": self.id, "type": self.type, "title": self.first_name}
        if self.is_forum:
            chat["is_forum"] = True
        return chat

    # waiting ------------------------------------------------------------------------------
    def notify(self) -> None:
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    async def wait_changed(self, seconds: float) -> bool:
        """Wait until something happens in this chat; False if `seconds` pass first."""
        if seconds <= 0:
            return False
        if self._changed is None:
            self._changed = asyncio.Event()
        event = self._changed
        try:
            await asyncio.wait_for(event.wait(), seconds)
        except TimeoutError:
            return False
        return True

    def transcript(self) -> str:
        return "\n".join(self.log) if self.log else "(empty chat)"


def pick_button(buttons: list[dict[str, Any]], label: str) -> dict[str, Any] | None:
    """The button whose text equals `label`, else the only one whose text contains it
    (case-insensitively); None when there is no such button or the label is ambiguous."""
    for button in buttons:
        if button.get("text") == label:
            return button
    folded = label.casefold()
    partial = [b for b in buttons if folded in str(b.get("text", "")).casefold()]
    return partial[0] if len(partial) == 1 else None
