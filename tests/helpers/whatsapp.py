"""WhatsApp test helpers: a webhook receiver standing in for the bot, and a Graph API caller."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiohttp import web

from bot.channels.incoming import Incoming
from bot.simulator_whatsapp import WhatsAppSimulator


@dataclass
class Receiver:
    """Takes the simulator's webhook deliveries and keeps them (headers and raw body)."""

    answer: int = 200
    bodies: list[bytes] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)
    url: str = ""

    async def _take(self, request: web.Request) -> web.Response:
        self.bodies.append(await request.read())
        self.signatures.append(request.headers.get("X-Hub-Signature-256", ""))
        return web.Response(status=self.answer)

    def values(self) -> list[dict[str, Any]]:
        """Each delivery's change value (metadata, contacts, messages or statuses)."""
        return [json.loads(b)["entry"][0]["changes"][0]["value"] for b in self.bodies]

    def statuses(self) -> list[dict[str, Any]]:
        return [s for v in self.values() for s in v.get("statuses", [])]

    def messages(self) -> list[dict[str, Any]]:
        return [m for v in self.values() for m in v.get("messages", [])]


@asynccontextmanager
async def receiving(wa: WhatsAppSimulator) -> AsyncIterator[Receiver]:
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/webhooks/whatsapp", receiver._take)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    receiver.url = f"http://127.0.0.1:{runner.addresses[0][1]}/webhooks/whatsapp"
    wa.webhook_url = receiver.url
    try:
        yield receiver
    finally:
        await runner.cleanup()


class Graph:
    """Calls the simulator as the bot does: JSON bodies, the bearer token."""

    def __init__(self, client: httpx.AsyncClient, wa: WhatsAppSimulator) -> None:
        self.client = client
        self.wa = wa

    async def send(
        self, message: dict[str, Any], *, token: str | None = None, phone_id: str | None = None
    ) -> httpx.Response:
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", **message}
        url = f"{self.wa.base_url}/{phone_id or self.wa.phone_number_id}/messages"
        headers = {"Authorization": f"Bearer {token or self.wa.token}"}
        return await self.client.post(url, json=body, headers=headers)

    async def text(self, to: str, body: str) -> httpx.Response:
        return await self.send({"to": to, "type": "text", "text": {"body": body}})

    async def buttons(
        self, to: str, titles: list[str], *, body: str = "Pilih satu", ids: list[str] | None = None
    ) -> httpx.Response:
        ids = ids or [f"b{n}" for n in range(len(titles))]
        buttons = [
            {"type": "reply", "reply": {"id": i, "title": t}}
            for i, t in zip(ids, titles, strict=True)
        ]
        interactive = {"type": "button", "body": {"text": body}, "action": {"buttons": buttons}}
        return await self.send({"to": to, "type": "interactive", "interactive": interactive})

    async def list_message(
        self,
        to: str,
        sections: list[dict[str, Any]],
        *,
        button: str = "Pilih",
        body: str = "Pilih satu",
        header: str | None = None,
        footer: str | None = None,
    ) -> httpx.Response:
        interactive: dict[str, Any] = {
            "type": "list",
            "body": {"text": body},
            "action": {"button": button, "sections": sections},
        }
        if header is not None:
            interactive["header"] = {"type": "text", "text": header}
        if footer is not None:
            interactive["footer"] = {"text": footer}
        return await self.send({"to": to, "type": "interactive", "interactive": interactive})

    async def template(
        self, to: str, name: str, language: str, values: list[str]
    ) -> httpx.Response:
        parameters = [{"type": "text", "text": v} for v in values]
        template = {
            "name": name,
            "language": {"code": language},
            "components": [{"type": "body", "parameters": parameters}],
        }
        return await self.send({"to": to, "type": "template", "template": template})


def rows(
    count: int, *, title: str = "Pilihan", description: str | None = None
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n in range(count):
        row: dict[str, Any] = {"id": f"r{n}", "title": f"{title} {n}"[:24]}
        if description is not None:
            row["description"] = description
        out.append(row)
    return out


def error_code(response: httpx.Response) -> int:
    code = response.json()["error"]["code"]
    assert isinstance(code, int)
    return code


VERIFY_TOKEN = "verify-me-please"


def bot_settings(wa: WhatsAppSimulator) -> dict[str, Any]:
    """Settings overrides that point the bot's WhatsApp channel at the simulator."""
    return {
        "whatsapp_api_base_url": wa.base_url,
        "whatsapp_phone_number_id": wa.phone_number_id,
        "whatsapp_token": wa.token,
        "whatsapp_verify_token": VERIFY_TOKEN,
        "whatsapp_app_secret": wa.app_secret,
    }


@dataclass
class Recorder:
    """Stands in for the conversation: keeps each Incoming the channel hands over."""

    taken: list[Incoming] = field(default_factory=list)
    fail: bool = False

    async def __call__(self, incoming: Incoming) -> None:
        self.taken.append(incoming)
        if self.fail:
            raise RuntimeError("the conversation failed")
