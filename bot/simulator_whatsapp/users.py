"""Simulated WhatsApp residents: they write to the business number (through the webhook,
as Meta delivers) and read what the bot sent them, interactive messages included."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.simulator_whatsapp.validation import Outgoing

if TYPE_CHECKING:
    from bot.simulator_whatsapp.server import WhatsAppSimulator

WINDOW_SECONDS = 24 * 3600


def new_message_id() -> str:
    """A wamid-shaped id: Meta's are base64 of an opaque record, "wamid." first."""
    return "wamid." + secrets.token_urlsafe(36)


@dataclass(frozen=True)
class Received:
    """A message the bot sent that reached this resident's phone."""

    id: str
    message: Outgoing
    at: float

    @property
    def text(self) -> str:
        return self.message.text

    @property
    def choices(self) -> tuple[tuple[str, str], ...]:
        return self.message.choices

    @property
    def titles(self) -> list[str]:
        return [title for _, title in self.message.choices]

    @property
    def is_list(self) -> bool:
        return self.message.type == "interactive" and self.message.payload.get("type") == "list"


class WaUser:
    """One person with WhatsApp, known by their wa_id (the number without "+")."""

    def __init__(self, sim: WhatsAppSimulator, wa_id: str, name: str) -> None:
        if not wa_id.isdigit():
            raise ValueError("a wa_id is the phone number in digits, country code first")
        self._sim = sim
        self.wa_id = wa_id
        self.name = name
        self.last_inbound: float | None = None  # opens the 24-hour window
        self.blocked = False  # blocked the business: Meta reports 131026 for what it sends
        self.received: list[Received] = []
        self._inbox: asyncio.Queue[Received] = asyncio.Queue()

    def __repr__(self) -> str:
        return f"WaUser({self.wa_id}, {self.name!r})"

    # what the resident reads -------------------------------------------------------------
    def window_open(self, now: float) -> bool:
        return self.last_inbound is not None and now - self.last_inbound < WINDOW_SECONDS

    def _receive(self, received: Received) -> None:
        self.received.append(received)
        self._inbox.put_nowait(received)

    async def next_message(self, timeout: float = 5.0) -> Received:  # noqa: ASYNC109 (as SimUser)
        """The next message the bot sends (or one already waiting, oldest first)."""
        return await asyncio.wait_for(self._inbox.get(), timeout)

    def pending(self) -> int:
        """Messages received and not yet read with next_message."""
        return self._inbox.qsize()

    @property
    def last(self) -> Received:
        if not self.received:
            raise AssertionError(f"{self} has received nothing")
        return self.received[-1]

    # what the resident sends -------------------------------------------------------------
    async def send_text(self, text: str, *, duplicate: bool = False) -> str:
        return await self._send("text", {"text": {"body": text}}, text, duplicate=duplicate)

    async def press(self, title: str, message: Received | None = None) -> str:
        """Tap a reply button or a list row by its title, on the given message or the last
        interactive one, as a person does."""
        source = message or next((r for r in reversed(self.received) if r.choices), None)
        if source is None:
            raise AssertionError(f"{self} has no message with buttons or a list")
        for choice_id, choice_title in source.choices:
            if choice_title == title:
                if source.is_list:
                    return await self.send_list_reply(choice_id, choice_title, context=source.id)
                return await self.send_button_reply(choice_id, choice_title, context=source.id)
        raise AssertionError(f"no choice {title!r} in {source.titles}")

    async def send_button_reply(
        self, choice_id: str, title: str, *, context: str | None = None, duplicate: bool = False
    ) -> str:
        interactive = {"type": "button_reply", "button_reply": {"id": choice_id, "title": title}}
        return await self._send(
            "interactive",
            {"interactive": interactive},
            f"[tap: {title}]",
            context=context,
            duplicate=duplicate,
        )

    async def send_list_reply(
        self,
        choice_id: str,
        title: str,
        description: str | None = None,
        *,
        context: str | None = None,
    ) -> str:
        row: dict[str, Any] = {"id": choice_id, "title": title}
        if description:
            row["description"] = description
        interactive = {"type": "list_reply", "list_reply": row}
        return await self._send(
            "interactive", {"interactive": interactive}, f"[list: {title}]", context=context
        )

    async def send_media(self, kind: str, caption: str | None = None) -> str:
        """An image, video, document, audio or sticker; voice notes are send_voice."""
        mime = {
            "image": "image/jpeg",
            "video": "video/mp4",
            "document": "application/pdf",
            "audio": "audio/mpeg",
            "sticker": "image/webp",
        }[kind]
        media: dict[str, Any] = {
            "id": str(secrets.randbelow(10**15)),
            "mime_type": mime,
            "sha256": secrets.token_hex(32),
        }
        if caption and kind in ("image", "video", "document"):
            media["caption"] = caption
        if kind == "document":
            media["filename"] = "dokumen.pdf"
        if kind == "sticker":
            media["animated"] = False
        return await self._send(kind, {kind: media}, f"[{kind}] {caption or ''}".rstrip())

    async def send_voice(self) -> str:
        audio = {
            "id": str(secrets.randbelow(10**15)),
            "mime_type": "audio/ogg; codecs=opus",
            "sha256": secrets.token_hex(32),
            "voice": True,
        }
        return await self._send("audio", {"audio": audio}, "[voice]")

    async def send_location(
        self, latitude: float, longitude: float, name: str | None = None
    ) -> str:
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if name:
            location["name"] = name
        return await self._send("location", {"location": location}, "[location]")

    async def send_reaction(self, message_id: str, emoji: str) -> str:
        reaction = {"message_id": message_id, "emoji": emoji}
        return await self._send("reaction", {"reaction": reaction}, f"[reaction {emoji}]")

    async def send_contacts(self) -> str:
        contact = {"name": {"formatted_name": "Kontak", "first_name": "Kontak"}, "phones": []}
        return await self._send("contacts", {"contacts": [contact]}, "[contact]")

    async def _send(
        self,
        kind: str,
        content: dict[str, Any],
        shown: str,
        *,
        context: str | None = None,
        duplicate: bool = False,
    ) -> str:
        sim = self._sim
        now = sim.now()
        message: dict[str, Any] = {
            "from": self.wa_id,
            "id": new_message_id(),
            "timestamp": str(int(now)),
            "type": kind,
            **content,
        }
        if context is not None:
            message["context"] = {"from": sim.display_phone_number, "id": context}
        # A reaction does not open the window at Meta; every other message does.
        if kind != "reaction":
            self.last_inbound = now
        sim.record(f"> {self.name}: {shown}")
        value = {
            "contacts": [{"profile": {"name": self.name}, "wa_id": self.wa_id}],
            "messages": [message],
        }
        await sim.deliver(value)
        if duplicate:  # Meta delivers the same notification again, byte for byte
            await sim.deliver(value)
        return str(message["id"])
