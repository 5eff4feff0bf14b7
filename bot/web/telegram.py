"""Telegram's updates arriving over HTTP (webhook mode), and the choice of mode at start-up.

Who is asking is checked before anything else: a request without the secret Telegram was
given (setWebhook's secret_token, sent back in X-Telegram-Bot-Api-Secret-Token) gets 403
and its body is never read. The update is answered 200 as soon as it is queued; PTB's
update queue then hands it to the same handlers that polling feeds.

While the bot stops, the endpoint answers 503: Telegram keeps the update and delivers it
again after the restart, so no update is taken that no one would handle.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update

from bot.feature import App
from bot.metrics import Metrics

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram's updates are small; anything much larger is not one of them.
MAX_BODY = 1_000_000


class TelegramWebhook:
    """The endpoint, bound to one Application and its secret."""

    def __init__(self, app: App, secret: str, metrics: Metrics) -> None:
        self.app = app
        self._secret = secret.encode()
        self._metrics = metrics
        self.accepting = False  # set while the bot takes updates

    def route(self) -> Route:
        return Route(WEBHOOK_PATH, self.endpoint, methods=["POST"])

    async def endpoint(self, request: Request) -> Response:
        response = await self._answer(request)
        self._metrics.webhook_requests.labels(str(response.status_code)).inc()
        return response

    async def _answer(self, request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning("webhook request without the right secret refused")
            return PlainTextResponse("Forbidden", status_code=403)
        if not self.accepting:
            return PlainTextResponse("Stopping, try again", status_code=503)
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return PlainTextResponse("Too large", status_code=413)
        update = self._parse(body)
        if update is None:
            return PlainTextResponse("Not an update", status_code=400)
        await self.app.update_queue.put(update)
        return Response(status_code=200)

    def _parse(self, body: bytes) -> Update | None:
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return None
        try:
            return Update.de_json(data, self.app.bot)
        except (TypeError, ValueError, KeyError, AttributeError):
            return None


@asynccontextmanager
async def webhook_mode(hook: TelegramWebhook, url: str, secret: str) -> AsyncIterator[None]:
    """Register the webhook and take updates from it until the block ends."""
    hook.accepting = True
    try:
        # The updates that waited while the bot was down are delivered too.
        await hook.app.bot.set_webhook(
            url + WEBHOOK_PATH,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
        )
        log.info("receiving updates by webhook")
        yield
    finally:
        hook.accepting = False  # the webhook stays registered: Telegram keeps what comes
