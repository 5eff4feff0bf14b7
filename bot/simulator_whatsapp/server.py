"""WhatsAppSimulator: a loopback WhatsApp Cloud API (Graph API) in the caller's event loop.

Point the bot's WHATSAPP_API_BASE_URL at ``sim.base_url`` and the simulator's
``webhook_url`` at the bot's /webhooks/whatsapp; then ``user = sim.user("6281234567890")``,
``await user.send_text("halo")``, ``reply = await user.next_message()``.

As strict as Meta where the bot could get it wrong: the token (190), the phone number ID,
every limit of text and interactive messages (validation.py), approved templates with the
right number of parameters, 80 messages a second per number (130429) and the pair rate to
one person (131056). What Meta accepts and fails later is failed later here too: a free-form
message outside the 24-hour window (131047) and a message to someone not on WhatsApp or
who blocked the business (131026) are answered with a message id, then a "failed" status
arrives on the webhook. Every delivery is signed with X-Hub-Signature-256 (HMAC-SHA256 of
the raw body with the app secret); a delivery refused is tried again, as Meta does.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import aiohttp
from aiohttp import web

from bot.simulator_whatsapp.errors import (
    GraphError,
    invalid_token,
    pair_rate_limit_hit,
    rate_limit_hit,
    status_error,
    unknown_object,
)
from bot.simulator_whatsapp.limits import PairRate, Throughput
from bot.simulator_whatsapp.users import Received, WaUser, new_message_id
from bot.simulator_whatsapp.validation import Outgoing, Template, check_message

log = logging.getLogger(__name__)

API_VERSION = "v26.0"
STATUSES = ("sent", "delivered", "read", "failed")


def signature(body: bytes, app_secret: str) -> str:
    """The X-Hub-Signature-256 header Meta sends with a delivery."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookRefused(Exception):
    """The bot's webhook did not take a delivery (after the retries)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"the webhook answered {status}")
        self.status = status


class WhatsAppSimulator:
    def __init__(
        self,
        *,
        phone_number_id: str = "109876543210",
        token: str = "TEST-WA-TOKEN",
        app_secret: str = "test-app-secret",
        display_phone_number: str = "6281100000000",
        verified_name: str = "Layanan PMI Kota Serang",
        waba_id: str = "200000000000001",
        throughput: int = 80,
        pair_rate: bool = True,
        host: str = "127.0.0.1",
    ) -> None:
        self.phone_number_id = phone_number_id
        self.token = token
        self.app_secret = app_secret
        self.display_phone_number = display_phone_number
        self.verified_name = verified_name
        self.waba_id = waba_id
        self.throughput = Throughput(throughput)
        self.pair_rate: PairRate | None = PairRate() if pair_rate else None
        self.webhook_url: str | None = None
        self.webhook_retries = 3
        self.webhook_retry_delay = 0.2  # Meta backs off for up to 7 days; tests need not
        self.templates: dict[tuple[str, str], Template] = {}
        self.users: dict[str, WaUser] = {}
        self.sent: dict[str, Received] = {}  # every accepted message by id
        self.read_marks: list[str] = []  # message ids the bot marked as read
        self.errors: Counter[int] = Counter()  # refusals and failed statuses by code
        self.accepted = 0
        self.deliveries = 0  # webhook deliveries the bot took (2xx)
        self.delivered: list[dict[str, Any]] = []  # each notification's value, in order
        self.transcript: list[str] = []
        # Called with each message that reaches a resident's phone (the demo prints them).
        self.listeners: list[Callable[[WaUser, Received], None]] = []
        self.clock_offset = 0.0
        # The clock of the rate limits; tests freeze it to count without racing the second.
        self.monotonic: Callable[[], float] = time.monotonic
        self._host = host
        self._port: int | None = None
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._later: set[asyncio.Task[None]] = set()
        # A failed status delivered before the send is answered: Meta's webhook can outrun
        # its own answer, so the bot must not rely on knowing the message id first.
        self.statuses_before_answer = False
        # Answers forced on the next sends (a test of the bot's error table): (code, status),
        # code None for a bare 5xx page such as a proxy gives.
        self._injected: list[tuple[int | None, int]] = []

    # lifecycle ----------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application(client_max_size=5 * 1024 * 1024)
        app.router.add_post("/{version}/{phone_id}/messages", self._messages)
        app.router.add_get("/{version}/{phone_id}", self._phone_number)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self._host, self._port or 0)
        await site.start()
        self._port = int(runner.addresses[0][1])
        self._runner = runner
        timeout = aiohttp.ClientTimeout(total=10)
        self._session = aiohttp.ClientSession(timeout=timeout, trust_env=False)

    async def stop(self) -> None:
        for task in list(self._later):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, WebhookRefused):
                await task
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> WhatsAppSimulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """What WHATSAPP_API_BASE_URL is set to: the Graph API with its version."""
        if self._port is None:
            raise RuntimeError("call `await sim.start()` first")
        return f"http://{self._host}:{self._port}/{API_VERSION}"

    # the world around the API -------------------------------------------------------------
    def now(self) -> float:
        return time.time() + self.clock_offset

    def travel(self, seconds: float) -> None:
        """Move the simulator's clock on (a closed 24-hour window, a refilled rate)."""
        self.clock_offset += seconds

    def user(self, wa_id: str, name: str = "Warga") -> WaUser:
        if wa_id not in self.users:
            self.users[wa_id] = WaUser(self, wa_id, name)
        return self.users[wa_id]

    def add_template(
        self, name: str, language: str, body: str, status: str = "APPROVED"
    ) -> Template:
        template = Template(name, language, body, status)
        self.templates[(name, language)] = template
        return template

    def inject(self, code: int | None, *, status: int = 400, count: int = 1) -> None:
        """Answer the next ``count`` sends with Meta's error ``code`` (or, with code None,
        a bare HTTP ``status`` page), whatever they hold."""
        self._injected.extend([(code, status)] * count)

    def record(self, line: str) -> None:
        self.transcript.append(line.replace("\n", "\n  "))

    def transcript_text(self) -> str:
        return "\n".join(self.transcript)

    # the webhook --------------------------------------------------------------------------
    def envelope(self, value: dict[str, Any]) -> dict[str, Any]:
        metadata = {
            "display_phone_number": self.display_phone_number,
            "phone_number_id": self.phone_number_id,
        }
        return {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": self.waba_id,
                    "changes": [
                        {
                            "value": {"messaging_product": "whatsapp", "metadata": metadata}
                            | value,
                            "field": "messages",
                        }
                    ],
                }
            ],
        }

    async def post(self, body: bytes, headers: dict[str, str]) -> int:
        """One POST to the webhook, as given (tests forge signatures with it)."""
        if self.webhook_url is None or self._session is None:
            raise RuntimeError("set sim.webhook_url to the bot's /webhooks/whatsapp first")
        async with self._session.post(self.webhook_url, data=body, headers=headers) as response:
            await response.read()
            return response.status

    async def deliver(self, value: dict[str, Any]) -> None:
        """Deliver one notification, signed; a refusal is tried again, then raised."""
        body = json.dumps(self.envelope(value), ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": signature(body, self.app_secret),
        }
        status = 0
        for attempt in range(self.webhook_retries + 1):
            if attempt:
                await asyncio.sleep(self.webhook_retry_delay)
            try:
                status = await self.post(body, headers)
            except (aiohttp.ClientError, TimeoutError):
                status = 0
            if 200 <= status < 300:
                self.deliveries += 1
                self.delivered.append(value)
                return
        raise WebhookRefused(status)

    async def deliver_again(self, index: int = -1) -> None:
        """Deliver an earlier notification again, byte for byte (Meta's duplicate, even days
        later and after the bot restarted)."""
        await self.deliver(self.delivered[index])

    async def send_status(self, message_id: str, status: str, *, code: int | None = None) -> None:
        """Report a status of a message the bot sent (failed with its error code)."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}")
        sent = self.sent.get(message_id)
        entry: dict[str, Any] = {
            "id": message_id,
            "status": status,
            "timestamp": str(int(self.now())),
            "recipient_id": sent.message.to if sent is not None else "",
        }
        if status == "failed":
            failure = code if code is not None else 131000
            entry["errors"] = [status_error(failure)]
            self.errors[failure] += 1
        shown = f"[{status}{' ' + str(code) if code else ''}]"
        self.record(f"  {message_id[-8:]} {shown}")
        await self.deliver({"statuses": [entry]})

    def _fail_later(self, message_id: str, code: int) -> None:
        task = asyncio.create_task(self.send_status(message_id, "failed", code=code))
        self._later.add(task)
        task.add_done_callback(self._later.discard)

    async def idle(self) -> None:
        """Wait for the statuses still being delivered."""
        while self._later:
            await asyncio.gather(*list(self._later), return_exceptions=True)

    # the Graph API ------------------------------------------------------------------------
    def _authorise(self, request: web.Request) -> None:
        given = request.headers.get("Authorization", "")
        scheme, _, token = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token, self.token):
            raise invalid_token()
        if request.match_info["phone_id"] != self.phone_number_id:
            raise unknown_object(request.match_info["phone_id"])

    async def _phone_number(self, request: web.Request) -> web.Response:
        try:
            self._authorise(request)
        except GraphError as error:
            return self._refuse(error)
        return web.json_response(
            {
                "display_phone_number": "+" + self.display_phone_number,
                "verified_name": self.verified_name,
                "id": self.phone_number_id,
            }
        )

    async def _messages(self, request: web.Request) -> web.Response:
        try:
            self._authorise(request)
            try:
                body = json.loads(await request.read())
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise GraphError(100, "Invalid parameter", "the body is not JSON") from None
            if not isinstance(body, dict):
                raise GraphError(100, "Invalid parameter", "the body is not a JSON object")
            if body.get("status") == "read":
                return self._mark_read(body)
            if self._injected:
                code, status = self._injected.pop(0)
                if code is None:
                    return web.Response(status=status, text="<html>Bad Gateway</html>")
                raise GraphError(code, "Injected error", status=status)
            message = check_message(body, self.templates)
            self._admit(message.to)
        except GraphError as error:
            return self._refuse(error)
        answer = self._accept(message)
        if self.statuses_before_answer:
            await self.idle()
        return answer

    def _refuse(self, error: GraphError) -> web.Response:
        self.errors[error.code] += 1
        return web.json_response(error.to_json(), status=error.status)

    def _admit(self, to: str) -> None:
        now = self.monotonic()
        if self.throughput.full(now):
            raise rate_limit_hit()
        if self.pair_rate is not None and not self.pair_rate.admit(to, now):
            raise pair_rate_limit_hit()
        self.throughput.admit(now)

    def _mark_read(self, body: dict[str, Any]) -> web.Response:
        message_id = body.get("message_id")
        if body.get("messaging_product") != "whatsapp" or not isinstance(message_id, str):
            return self._refuse(GraphError(100, "Invalid parameter", "message_id is required"))
        self.read_marks.append(message_id)
        return web.json_response({"success": True})

    def _accept(self, message: Outgoing) -> web.Response:
        message_id = new_message_id()
        self.accepted += 1
        received = Received(message_id, message, self.now())
        self.sent[message_id] = received
        user = self.users.get(message.to)
        if user is None or user.blocked:
            self._fail_later(message_id, 131026)
        elif message.free_form and not user.window_open(self.now()):
            self._fail_later(message_id, 131047)
        else:
            self.record("< " + _shown(message))
            user._receive(received)
            for listener in self.listeners:
                listener(user, received)
        answer: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "contacts": [{"input": message.to, "wa_id": message.to}],
            "messages": [{"id": message_id}],
        }
        if message.type == "template":
            answer["messages"][0]["message_status"] = "accepted"
        return web.json_response(answer)


def _shown(message: Outgoing) -> str:
    text = message.text
    if message.type == "template":
        text = f"[template {message.payload.get('name')}] {text}"
    if not message.choices:
        return text
    if message.payload.get("type") == "list":
        button = message.payload.get("action", {}).get("button", "")
        rows = " | ".join(f"{n}. {title}" for n, (_, title) in enumerate(message.choices, 1))
        return f"{text} {{{button}: {rows}}}"
    return text + " [" + " | ".join(title for _, title in message.choices) + "]"
