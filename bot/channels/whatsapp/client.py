"""The bot's calls to the WhatsApp Cloud API (Graph API), over aiohttp, paced.

Every call goes to ``WHATSAPP_API_BASE_URL`` (the Graph API's version URL, or the project's
simulator): ``POST {base}/{phone_number_id}/messages`` with the bearer token. ``send``
never raises for what Meta answers: it returns a ``Delivery`` whose outcome is the same
word Telegram's table gives (errors.py). A throttled send is tried again after Meta's wait,
a 5xx or a lost connection after the network backoff, both a bounded number of times.

Log lines name the outcome and Meta's code, never the recipient or the text.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.channels.whatsapp.errors import classify
from bot.channels.whatsapp.pacing import Pacer
from bot.config import Settings
from bot.services.delivery import Outcome, Verdict

log = logging.getLogger(__name__)

THROTTLE_RETRIES = 3


@dataclass(frozen=True)
class Delivery:
    """What became of one message: SENT with Meta's message id, or why not."""

    outcome: Outcome
    message_id: str | None = None
    code: int | None = None  # Meta's error code, when there was one
    error: str = ""
    attempts: int = 1

    @property
    def sent(self) -> bool:
        return self.outcome is Outcome.SENT


@dataclass(frozen=True)
class _Answer:
    status: int | None  # None: no HTTP answer at all
    body: dict[str, Any]

    @property
    def code(self) -> int | None:
        error = self.body.get("error")
        code = error.get("code") if isinstance(error, dict) else None
        return code if isinstance(code, int) else None


class WhatsAppClient:
    def __init__(
        self,
        base_url: str,
        phone_number_id: str,
        token: str,
        *,
        rate_limit: int = 80,
        network_backoff: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0),
        throttle_wait_scale: float = 1.0,
        timeout: float = 10.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.phone_number_id = phone_number_id
        self._token = token
        self.pacer = Pacer(rate_limit)
        self.network_backoff = network_backoff
        # Meta's waits (1 s for the throughput limit, 6 s for the pair rate) as they are in
        # production; tests shorten them, as they shorten the network backoff.
        self.throttle_wait_scale = throttle_wait_scale
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        # Told of every send refused because the bot cannot send at all (a token expired or
        # revoked, the account locked or unpaid): the feature alerts the admins with it.
        self.on_stop: Callable[[Delivery], None] | None = None

    @classmethod
    def from_settings(cls, s: Settings) -> WhatsAppClient:
        if s.whatsapp_phone_number_id is None or s.whatsapp_token is None:
            raise ValueError("WhatsApp is not configured")
        return cls(
            s.whatsapp_api_base_url,
            s.whatsapp_phone_number_id,
            s.whatsapp_token,
            rate_limit=s.whatsapp_rate_limit,
            network_backoff=s.network_backoff,
        )

    async def start(self) -> None:
        if self._session is None:
            # One connection per place the pacer gives, so no send waits for a socket.
            connector = aiohttp.TCPConnector(limit=self.pacer.limit + 8)
            self._session = aiohttp.ClientSession(
                timeout=self._timeout,
                connector=connector,
                trust_env=False,  # as bot/http.py: an environment's proxy must not catch loopback
            )

    async def close(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    async def __aenter__(self) -> WhatsAppClient:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # messages -------------------------------------------------------------------------------
    async def send(self, message: dict[str, Any], *, bulk: bool = False) -> Delivery:
        """Send one message (the Cloud API's object without messaging_product: "to", "type"
        and the type's object); bulk for announcements, which let replies go first."""
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", **message}
        throttled = retried = 0
        while True:
            async with self.pacer.slot(bulk=bulk):
                answer = await self._call("POST", f"/{self.phone_number_id}/messages", body)
            attempts = throttled + retried + 1
            if answer.status == 200:
                return Delivery(Outcome.SENT, _message_id(answer.body), attempts=attempts)
            verdict = classify(answer.code, answer.status)
            if verdict.outcome is Outcome.THROTTLED and throttled < THROTTLE_RETRIES:
                throttled += 1
                await asyncio.sleep(verdict.retry_after * self.throttle_wait_scale)
                continue
            if verdict.outcome is Outcome.RETRY and retried < len(self.network_backoff):
                await asyncio.sleep(self.network_backoff[retried])
                retried += 1
                continue
            return self._refused(verdict, answer, attempts)

    def _refused(self, verdict: Verdict, answer: _Answer, attempts: int) -> Delivery:
        log.warning("WhatsApp message not sent: %s (%s)", verdict.outcome.value, verdict.error)
        delivery = Delivery(verdict.outcome, None, answer.code, verdict.error, attempts)
        if delivery.outcome is Outcome.STOP and self.on_stop is not None:
            self.on_stop(delivery)
        return delivery

    async def text(self, to: str, body: str, *, bulk: bool = False) -> Delivery:
        message = {"to": to, "type": "text", "text": {"body": body, "preview_url": False}}
        return await self.send(message, bulk=bulk)

    async def mark_read(self, message_id: str) -> bool:
        """Blue ticks on the resident's message: they see it reached the service."""
        body = {"messaging_product": "whatsapp", "status": "read", "message_id": message_id}
        async with self.pacer.slot():
            answer = await self._call("POST", f"/{self.phone_number_id}/messages", body)
        return answer.status == 200

    async def phone_number(self) -> tuple[dict[str, Any], Verdict | None]:
        """The number's name and display number (for `python -m bot check`), or why not."""
        fields = "display_phone_number,verified_name"
        answer = await self._call("GET", f"/{self.phone_number_id}?fields={fields}")
        if answer.status == 200:
            return answer.body, None
        return answer.body, classify(answer.code, answer.status)

    # transport ------------------------------------------------------------------------------
    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> _Answer:
        if self._session is None:
            raise RuntimeError("WhatsAppClient.start() first")
        headers = {"Authorization": f"Bearer {self._token}"}
        try:
            async with self._session.request(
                method, self.base_url + path, json=body, headers=headers
            ) as response:
                raw = await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("WhatsApp Cloud API not reached: %s", type(exc).__name__)
            return _Answer(None, {})
        try:
            data = json.loads(raw) if raw else {}
        except (UnicodeDecodeError, json.JSONDecodeError):
            data = {}  # a proxy's HTML error page: the status says enough
        return _Answer(status, data if isinstance(data, dict) else {})


def _message_id(body: dict[str, Any]) -> str | None:
    messages = body.get("messages")
    if isinstance(messages, list) and messages and isinstance(messages[0], dict):
        message_id = messages[0].get("id")
        return message_id if isinstance(message_id, str) else None
    return None
